"""Chapters rendered in parallel worker processes, and reused when nothing they depend on has
changed (scenes.publishing.keys).

Every final file is written whole or not at all. A chapter's record (its key, duration,
beats and narration) is written only after its files are in place, so an interrupted run
leaves finished chapters that the next run picks up, and nothing half-written under a
final name.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue as queue_module
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from scenes.files import copy_whole, file_digest, remove_temporaries, write_text
from scenes.kit.narration import NarrationLine
from scenes.lesson import Chapter, chapter_number
from scenes.publishing.keys import chapter_key
from scenes.publishing.progress import LessonProgress
from scenes.rendering.settings import RenderSettings

STATE_DIR = ".nextword"  # inside the output folder: one record per finished chapter
GUESSED_SECONDS = 55  # a chapter's length before it was ever rendered, for the progress display

# (kind, chapter index, value): "started" (0), "frames" (frames drawn so far), "done" (frames drawn)
Event = tuple[str, int, int]


@dataclass
class ChapterRecord:
    """A finished chapter: its files (relative to the output folder), length and narration."""

    name: str
    index: int  # 1-based place in the lesson
    key: str
    video: str
    subtitles: str | None
    webvtt: str | None
    duration: float  # seconds
    frames: int
    beats: list[str] = field(default_factory=list)
    beat_starts: list[float] = field(default_factory=list)  # seconds from the chapter's start
    lines: list[dict] = field(default_factory=list)
    render_seconds: float = 0.0

    def narration(self) -> list[NarrationLine]:
        return [NarrationLine(**line) for line in self.lines]


@dataclass(frozen=True)
class ChapterJob:
    """One chapter for a worker: everything it needs, whole."""

    chapter: Chapter
    index: int  # 1-based place in the lesson: files and beat ids keep it
    key: str
    settings: RenderSettings
    out_dir: Path  # the output folder
    chapter_dir: str  # where the chapter's files go, relative to out_dir
    media_dir: Path  # manim's working folder, this chapter's alone (never shared between workers)

    @property
    def stem(self) -> str:
        return f"{self.index:02d}-{self.chapter.name}"


# ---- one chapter, in a worker process ------------------------------------------------
_events = None  # the queue to the parent, in a worker


def init_worker(events) -> None:
    """A worker process's initializer: progress events go to `events` (a multiprocessing queue
    read by the parent) as (kind, tag, value) tuples; see render_chapter_job."""
    global _events
    _events = events


def _report(kind: str, index: int, value: int = 0) -> None:
    if _events is not None:
        try:
            _events.put_nowait((kind, index, value))
        except Exception:  # progress is a courtesy: never let it stop a render
            pass


def render_chapter_job(job: ChapterJob, tag: int | None = None) -> dict:
    """Render one chapter and publish its clip and subtitles; returns its ChapterRecord as a dict.
    Progress events name the chapter by `tag` (default: its index in the lesson; a course gives
    each of its tasks a number, since indices repeat across lessons)."""
    tag = job.index if tag is None else tag
    from scenes.publishing.join import concat_videos
    from scenes.rendering.chapter import render_chapter

    started = time.monotonic()
    counted = {"frames": 0, "sent": 0.0}
    _report("started", tag)

    def frame_hook(num_frames):
        counted["frames"] += num_frames
        now = time.monotonic()
        if now - counted["sent"] > 0.5:
            counted["sent"] = now
            _report("frames", tag, counted["frames"])

    result = render_chapter(job.chapter, job.settings, media_dir=job.media_dir, frame_hook=frame_hook)
    folder = job.out_dir / job.chapter_dir
    if job.settings.transparent:
        clip = copy_whole(result.video, folder / f"{job.stem}.webm")
    else:  # remuxed (not re-encoded) like the lesson: fast start, no edit list, a chapter marker of its own
        clip = concat_videos([result.video], folder / f"{job.stem}.mp4", chapters=[(job.chapter.title, 0.0)])
    srt = vtt = None
    if result.subtitles:
        srt = copy_whole(result.subtitles, clip.with_suffix(".srt"))
        vtt = copy_whole(result.webvtt, clip.with_suffix(".vtt"))

    def relative(path):
        return path and path.relative_to(job.out_dir).as_posix()

    record = ChapterRecord(
        name=job.chapter.name,
        index=job.index,
        key=job.key,
        video=relative(clip),
        subtitles=relative(srt),
        webvtt=relative(vtt),
        duration=result.duration,
        frames=counted["frames"],
        beats=result.beats,
        beat_starts=result.beat_starts,
        lines=[asdict(line) for line in result.lines],
        render_seconds=time.monotonic() - started,
    )
    return asdict(record)


def speak_chapter_job(job: ChapterJob, tag: int | None = None) -> tuple[int, float, float]:
    """Synthesise (or find cached) every line of one chapter before it is rendered: the chapter is
    built without drawing, its narration spoken. Returns (lines synthesised now, seconds of speech
    they make, seconds spent). `tag`: as for render_chapter_job."""
    from scenes.rendering.chapter import render_chapter

    _report("speaking", job.index if tag is None else tag)
    return render_chapter(job.chapter, job.settings, media_dir=job.media_dir, dry_run=True).synthesis


# ---- records --------------------------------------------------------------------------
def record_path(out_dir: Path, chapter_name: str, chapter_dir: str) -> Path:
    """Where a chapter's record lives: OUT/.nextword/<chapter_dir>/<Chapter>.json."""
    return out_dir / STATE_DIR / chapter_dir.strip("./").replace("/", "-") / f"{chapter_name}.json"


def load_record(
    out_dir: Path, chapter: Chapter, key: str, chapter_dir: str = "chapters"
) -> ChapterRecord | None:
    """The chapter's record if it was finished with this key and its files are all there."""
    try:
        record = ChapterRecord(
            **json.loads(record_path(out_dir, chapter.name, chapter_dir).read_text("utf-8"))
        )
    except (OSError, ValueError, TypeError):
        return None
    files = [record.video] + [f for f in (record.subtitles, record.webvtt) if f]
    if record.key != key or not all((out_dir / f).is_file() for f in files):
        return None
    return record


def save_record(out_dir: Path, record: ChapterRecord) -> None:
    chapter_dir = Path(record.video).parent.as_posix()
    write_text(
        record_path(out_dir, record.name, chapter_dir),
        json.dumps(asdict(record), ensure_ascii=False, indent=1),
    )


def _last_run(out_dir: Path, chapter: Chapter, chapter_dir: str) -> dict:
    """What the chapter's last record says (any key), or {}."""
    try:
        return json.loads(record_path(out_dir, chapter.name, chapter_dir).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


# ---- every chapter ------------------------------------------------------------------------
def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def render_chapters(
    chapters: list[Chapter],
    settings: RenderSettings,
    *,
    out_dir: Path,
    media_dir: Path,
    jobs: int = 1,
    chapter_dir: str = "chapters",
    progress_stream=None,
    on_event: Callable[[str, int, int], None] | None = None,
) -> tuple[list[ChapterRecord], list[str]]:
    """Every chapter's clip in out_dir/chapter_dir: reused when its key is unchanged, else rendered
    (up to `jobs` at once, each in its own process). Returns the records in lesson order and the
    names rendered now. `on_event(kind, index, value)` hears every progress event (see Event)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    trace_digest = file_digest(settings.trace)
    records: dict[str, ChapterRecord] = {}
    remove_temporaries(out_dir)  # left by an interrupted run
    remove_temporaries(out_dir / chapter_dir)
    todo: list[ChapterJob] = []
    suffix = "-alpha" if settings.transparent else ""
    for position, chapter in enumerate(chapters, 1):
        index = chapter_number(chapter.name) or position  # files and beat ids keep the lesson's numbering
        key = chapter_key(chapter, settings, trace_digest)
        record = load_record(out_dir, chapter, key, chapter_dir)
        if record is not None and record.index == index:
            records[chapter.name] = record
        else:
            todo.append(
                ChapterJob(
                    chapter,
                    index,
                    key,
                    settings,
                    out_dir,
                    chapter_dir,
                    Path(media_dir) / f"{index:02d}-{chapter.name}{suffix}",
                )
            )

    # Frames each chapter will draw, from its last record (any quality), else a guess; and the
    # slowest last time start first, so no worker is left alone with it at the end.
    last = {job.index: _last_run(out_dir, job.chapter, chapter_dir) for job in todo}
    expected = {i: int(run.get("duration", GUESSED_SECONDS) * settings.fps) for i, run in last.items()}
    if all("render_seconds" in run for run in last.values()):
        todo.sort(key=lambda job: -last[job.index]["render_seconds"])
    with LessonProgress(len(chapters), expected, progress_stream) as progress:
        for record in records.values():
            progress.chapter_reused(record.index)

        def heard(kind, index, value):
            if kind == "frames":
                progress.frames_drawn(index, value)
            if on_event is not None:
                on_event(kind, index, value)

        for record in _render_all(todo, jobs, heard, progress):
            save_record(out_dir, record)
            records[record.name] = record
            progress.chapter_done(record.index, record.name, record.frames, record.render_seconds)
            heard("done", record.index, record.frames)
    drawn = {job.chapter.name for job in todo}
    return [records[c.name] for c in chapters], [c.name for c in chapters if c.name in drawn]


def _render_all(todo: list[ChapterJob], jobs: int, heard, progress: LessonProgress):
    """Render the jobs in a pool of worker processes; yields each ChapterRecord as it finishes.
    A synthesised voice first speaks every chapter's lines, chapters in parallel, so no frame
    waits for speech."""
    if not todo:
        return
    context = multiprocessing.get_context("spawn")  # a clean interpreter per worker: manim's config is global
    events = context.Queue()
    with ProcessPoolExecutor(
        max_workers=max(1, min(jobs, len(todo))),
        mp_context=context,
        initializer=init_worker,
        initargs=(events,),
    ) as pool:
        voice = todo[0].settings.voice
        if voice.speaks and voice.engine != "recordings":
            started = time.monotonic()
            spoken = [future.result() for future in [pool.submit(speak_chapter_job, job) for job in todo]]
            _drain(events, heard)
            lines, speech, busy = (sum(column) for column in zip(*spoken))
            progress.speech_done(lines, speech, busy, time.monotonic() - started)
        pending = {pool.submit(render_chapter_job, job) for job in todo}
        try:
            while pending:
                finished, pending = wait(pending, timeout=0.3, return_when=FIRST_COMPLETED)
                _drain(events, heard)
                for future in finished:
                    yield ChapterRecord(**future.result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _drain(events, heard):
    while True:
        try:
            kind, index, value = events.get_nowait()
        except (queue_module.Empty, OSError, EOFError, ValueError):
            return
        heard(kind, index, value)
