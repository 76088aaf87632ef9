"""The whole lesson, for publishing: chapters rendered in parallel worker processes,
reused when nothing they depend on has changed, joined into one YouTube-ready MP4 with
everything that goes beside it (subtitles, chapters, description, thumbnail, manifest).

Every final file is written whole or not at all. A chapter's record (its key, duration
and narration) is written only after its files are in place, so an interrupted run
leaves finished chapters that the next run picks up, and nothing half-written under a
final name.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue as queue_module
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from model.files import atomic_path, remove_temporaries
from scenes.catalog import Chapter, chapter_number
from scenes.formats import QUALITIES, TEST_QUALITIES, pixel_size
from scenes.narration import NarrationLine
from scenes.source import SceneOptions

STATE_DIR = ".nextword"  # inside the output folder: one record per finished chapter
SOURCE_PACKAGES = ("model", "scenes")
# Code that packages finished chapters but never changes their pictures or sound.
NOT_IN_PICTURES = {"scenes/production.py", "scenes/publishing.py", "scenes/clips.py", "scenes/assemble.py"}


# ---- what a chapter depends on ----------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent


def _module_file(module: str) -> str:
    return module.replace(".", "/") + ".py"


@lru_cache(maxsize=None)
def code_digest(chapter_module: str | None = None, root: Path = ROOT) -> str:
    """A hash of the source the pictures depend on, and the versions of manim and PyAV.

    For a chapter (`chapter_module`), the other chapters' own files are left out: editing
    one chapter's scene renders that chapter again, not the whole lesson. Shared code
    (model/, base, parts, style, narration, ...) counts for every chapter.
    """
    import av
    import manim

    from scenes.catalog import LESSON

    others = {_module_file(c.module) for c in LESSON if c.module != chapter_module} if chapter_module else set()
    h = hashlib.sha256(f"manim {manim.__version__} av {av.__version__}".encode())
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            name = path.relative_to(root).as_posix()
            if name in NOT_IN_PICTURES or name in others:
                continue
            h.update(name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _voice_inputs(options: SceneOptions) -> list:
    """What the voice reads besides the text: each recording's name, size and time."""
    voice = options.voice
    if voice.engine != "recordings" or not voice.directory:
        return []
    return sorted((p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in Path(voice.directory).iterdir()
                  if p.is_file())


def chapter_key(chapter: Chapter, trace_digest: str, quality: str, aspect: str, options: SceneOptions,
                transparent: bool = False) -> str:
    """Changes whenever anything the chapter's video depends on changes."""
    env = {k: v for k, v in options.to_env().items() if k != "NEXTWORD_SPEECH"}  # the cache's place is not content
    payload = json.dumps([chapter.name, trace_digest, code_digest(chapter.module), quality, aspect, env,
                          _voice_inputs(options), transparent])
    return hashlib.sha256(payload.encode()).hexdigest()


# ---- one chapter, in a worker process ------------------------------------------------
@dataclass
class ChapterRecord:
    """A finished chapter: its files (relative to the output folder), length and narration."""

    name: str
    index: int  # 1-based place in the lesson
    key: str
    video: str
    subtitles: str | None
    webvtt: str | None
    duration: float
    frames: int
    beats: list[str] = field(default_factory=list)
    beat_starts: list[float] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    render_seconds: float = 0.0

    def narration(self) -> list[NarrationLine]:
        return [NarrationLine(**line) for line in self.lines]


_progress_queue = None


def _init_worker(progress_queue):
    global _progress_queue
    _progress_queue = progress_queue


def _report(*message):
    if _progress_queue is not None:
        try:
            _progress_queue.put_nowait(message)
        except Exception:  # progress is a courtesy: never let it stop a render
            pass


def render_chapter_job(job: dict) -> dict:
    """Render one chapter into its own manim folder and publish its clip and subtitles."""
    from scenes.assemble import concat_videos
    from scenes.rendering import publish, render_chapter

    chapter: Chapter = job["chapter"]
    index = job["index"]
    started = time.monotonic()
    counted = {"frames": 0, "sent": 0.0}

    def frame_hook(num_frames):
        counted["frames"] += num_frames
        now = time.monotonic()
        if now - counted["sent"] > 0.5:
            counted["sent"] = now
            _report("frames", index, counted["frames"])

    result = render_chapter(
        chapter, trace_path=job["trace_path"], quality=job["quality"], aspect=job["aspect"],
        media_dir=job["media_dir"], options=job["options"], frame_hook=frame_hook, transparent=job["transparent"],
    )
    out_dir: Path = job["out_dir"]
    stem = f"{index:02d}-{chapter.name}"
    if job["transparent"]:
        clip = publish(result.video, out_dir / job["chapter_dir"] / f"{stem}.webm")
    else:  # remuxed (not re-encoded) like the lesson: fast start, no edit list, a chapter marker of its own
        clip = concat_videos([result.video], out_dir / job["chapter_dir"] / f"{stem}.mp4",
                             chapters=[(chapter.title, 0.0)])
    srt = vtt = None
    if result.subtitles:
        srt = publish(result.subtitles, clip.with_suffix(".srt"))
        vtt = publish(result.webvtt, clip.with_suffix(".vtt"))
    _report("frames", index, counted["frames"])
    record = ChapterRecord(
        name=chapter.name, index=index, key=job["key"], video=clip.relative_to(out_dir).as_posix(),
        subtitles=srt and srt.relative_to(out_dir).as_posix(), webvtt=vtt and vtt.relative_to(out_dir).as_posix(),
        duration=result.duration, frames=counted["frames"], beats=result.beats, beat_starts=result.beat_starts,
        lines=[asdict(line) for line in result.lines], render_seconds=time.monotonic() - started,
    )
    return asdict(record)


# ---- records --------------------------------------------------------------------------
def _record_path(out_dir: Path, chapter_name: str, chapter_dir: str) -> Path:
    return out_dir / STATE_DIR / chapter_dir.strip("./").replace("/", "-") / f"{chapter_name}.json"


def load_record(out_dir: Path, chapter: Chapter, key: str, chapter_dir: str = "chapters") -> ChapterRecord | None:
    """The chapter's record if it was finished with this key and its files are all there."""
    path = _record_path(out_dir, chapter.name, chapter_dir)
    try:
        record = ChapterRecord(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if record.key != key:
        return None
    files = [record.video] + [f for f in (record.subtitles, record.webvtt) if f]
    if not all((out_dir / f).is_file() for f in files):
        return None
    return record


def save_record(out_dir: Path, record: ChapterRecord) -> None:
    path = _record_path(out_dir, record.name, Path(record.video).parent.as_posix())
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1), encoding="utf-8")


# ---- one progress display ---------------------------------------------------------------
class Progress:
    """One line for the whole lesson: chapters done, frames drawn, speed and time left.

    On a terminal the line is rewritten in place; elsewhere (a log, CI) a line is written
    when a chapter finishes.
    """

    def __init__(self, total_chapters: int, expected_frames: dict[int, int], fps: int, stream=None):
        self.stream = stream or sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.total = total_chapters
        self.expected = dict(expected_frames)  # chapter index -> frames it will have (estimated)
        self.fps = fps
        self.frames: dict[int, int] = {}
        self.done: set[int] = set()
        self.reused = 0
        self.started = time.monotonic()

    def chapter_reused(self, index: int):
        self.done.add(index)
        self.reused += 1

    def frames_drawn(self, index: int, frames: int):
        self.frames[index] = frames
        self.show()

    def chapter_done(self, index: int, name: str, frames: int, seconds: float):
        self.frames[index] = frames
        self.expected[index] = frames
        self.done.add(index)
        self.show(final=f"chapter {index:02d} {name}: {frames} frames in {seconds:.0f} s")

    def summary(self) -> str:
        drawn = sum(self.frames.values())
        elapsed = time.monotonic() - self.started
        rate = drawn / elapsed if elapsed > 0 else 0.0
        left = sum(max(self.expected.get(i, 0) - self.frames.get(i, 0), 0) for i in self.expected if i not in self.done)
        eta = f"~{_duration(left / rate)} left" if rate > 0 and left > 0 else ""
        parts = [f"chapters {len(self.done)}/{self.total}", f"frames {drawn:,}"]
        if rate > 0:
            parts.append(f"{rate:.0f} frames/s")
        if eta:
            parts.append(eta)
        return " · ".join(parts)

    def show(self, final: str | None = None):
        if self.live:
            line = self.summary()
            if final:
                self.stream.write("\r\033[K" + final + "\n")
            self.stream.write("\r\033[K" + line)
            self.stream.flush()
        elif final:
            self.stream.write(f"{final} ({self.summary()})\n")
            self.stream.flush()

    def close(self):
        if self.live:
            self.stream.write("\r\033[K")
        self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


# ---- the lesson ---------------------------------------------------------------------------
@dataclass
class LessonResult:
    video: Path  # the whole lesson
    subtitles: Path | None
    chapters: list[tuple[Chapter, Path, float]]  # each chapter's clip and duration, in order
    rendered: list[str] = field(default_factory=list)  # chapters drawn in this run
    reused: list[str] = field(default_factory=list)  # chapters kept from an earlier run
    files: list[Path] = field(default_factory=list)  # every file in the manifest


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def render_chapters(
    chapters: list[Chapter],
    *,
    trace_path: Path,
    quality: str,
    aspect: str,
    media_dir: Path,
    out_dir: Path,
    options: SceneOptions = SceneOptions(),
    jobs: int = 1,
    progress_stream=None,
    chapter_dir: str = "chapters",
    transparent: bool = False,
) -> tuple[list[ChapterRecord], list[str]]:
    """Every chapter's clip in out_dir/chapter_dir: reused when its key is unchanged, else rendered
    (up to `jobs` at once). Returns the records in lesson order and the names rendered now."""
    from scenes.publishing import file_digest

    out_dir.mkdir(parents=True, exist_ok=True)
    trace_digest = file_digest(Path(trace_path))
    fps = {**QUALITIES, **TEST_QUALITIES}[quality][1]
    keys = {c.name: chapter_key(c, trace_digest, quality, aspect, options, transparent) for c in chapters}
    records: dict[str, ChapterRecord] = {}
    remove_temporaries(out_dir)  # left by an interrupted run
    remove_temporaries(out_dir / chapter_dir)
    todo = []
    for position, chapter in enumerate(chapters, 1):
        i = chapter_number(chapter.name) or position  # files and beat ids keep the lesson's numbering
        record = load_record(out_dir, chapter, keys[chapter.name], chapter_dir)
        if record is not None and record.index == i:
            records[chapter.name] = record
        else:
            todo.append((i, chapter))

    # Frames each chapter to draw will have: from any earlier record of it (any quality), else a guess.
    # And how long each took last time: the slowest start first, so no worker is left with it at the end.
    expected, took = {}, {}
    for i, chapter in todo:
        try:
            old = json.loads(_record_path(out_dir, chapter.name, chapter_dir).read_text(encoding="utf-8"))
            expected[i] = int(old["duration"] * fps)
            took[i] = float(old["render_seconds"])
        except (OSError, ValueError, KeyError, TypeError):
            expected[i] = int(55 * fps)
    if len(took) == len(todo):
        todo.sort(key=lambda item: -took[item[0]])
    progress = Progress(len(chapters), expected, fps, progress_stream)
    for chapter in chapters:
        if chapter.name in records:
            progress.chapter_reused(records[chapter.name].index)
    if todo:
        _render_all(todo, keys, trace_path, quality, aspect, media_dir, out_dir, options, jobs, progress, records,
                    chapter_dir, transparent)
    progress.close()
    drawn = {c.name for _, c in todo}
    return [records[c.name] for c in chapters], [c.name for c in chapters if c.name in drawn]


def render_lesson(
    chapters: list[Chapter],
    *,
    trace_path: Path,
    quality: str,
    aspect: str,
    media_dir: Path,
    out_dir: Path,
    options: SceneOptions = SceneOptions(),
    jobs: int = 1,
    progress_stream=None,
) -> LessonResult:
    """Render (or reuse) every chapter, then join them and write everything that goes beside."""
    records, rendered = render_chapters(chapters, trace_path=trace_path, quality=quality, aspect=aspect,
                                        media_dir=media_dir, out_dir=out_dir, options=options, jobs=jobs,
                                        progress_stream=progress_stream)
    return _assemble(chapters, records, out_dir, trace_path, quality, aspect, options, rendered=rendered,
                     reused=[c.name for c in chapters if c.name not in rendered])


def _render_all(todo, keys, trace_path, quality, aspect, media_dir, out_dir, options, jobs, progress, records,
                chapter_dir, transparent=False):
    context = multiprocessing.get_context("spawn")  # a clean interpreter per worker: manim's config is global
    messages = context.Queue()
    workers = max(1, min(jobs, len(todo)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(messages,)) as pool:
        pending = {}
        for i, chapter in todo:
            job = dict(chapter=chapter, index=i, key=keys[chapter.name], trace_path=Path(trace_path), quality=quality,
                       aspect=aspect, options=options, out_dir=out_dir, chapter_dir=chapter_dir,
                       transparent=transparent,
                       media_dir=Path(media_dir) / f"{i:02d}-{chapter.name}{'-alpha' if transparent else ''}")  # never shared between workers
            pending[pool.submit(render_chapter_job, job)] = (i, chapter)
        try:
            while pending:
                finished, _ = wait(list(pending), timeout=0.3, return_when=FIRST_COMPLETED)
                _drain(messages, progress)
                for future in finished:
                    i, chapter = pending.pop(future)
                    record = ChapterRecord(**future.result())
                    save_record(out_dir, record)
                    records[chapter.name] = record
                    progress.chapter_done(i, chapter.name, record.frames, record.render_seconds)
        except BaseException:
            for future in pending:
                future.cancel()
            raise


def _drain(messages, progress):
    while True:
        try:
            kind, index, value = messages.get_nowait()
        except (queue_module.Empty, OSError, EOFError, ValueError):
            return
        if kind == "frames":
            progress.frames_drawn(index, value)


def _assemble(chapters, records, out_dir, trace_path, quality, aspect, options, rendered, reused) -> LessonResult:
    """Join the chapters and write the lesson's subtitles, script, chapters, description, thumbnail, manifest."""
    from model.trace import load_trace
    from scenes.assemble import concat_videos, video_duration
    from scenes.next_word import DEFAULT_TITLE
    from scenes.publishing import (chapters_text, description_text, lesson_summary, write_manifest, write_text,
                                   youtube_chapters)
    from scenes.rendering import script_markdown
    from scenes.subtitles import read_srt, shifted, write_srt, write_vtt

    trace = load_trace(trace_path)
    title = options.title or DEFAULT_TITLE
    clips = [out_dir / r.video for r in records]
    durations = [video_duration(c) for c in clips]
    offsets = [sum(durations[:k]) for k in range(len(durations))]
    total = sum(durations)
    markers = [(chapter.title, start) for chapter, start in zip(chapters, offsets)]

    lesson_key = hashlib.sha256(json.dumps([r.key for r in records] + [title]).encode()).hexdigest()
    video = out_dir / "lesson.mp4"
    state = out_dir / STATE_DIR / "lesson.json"
    try:
        joined = json.loads(state.read_text(encoding="utf-8")).get("key") == lesson_key and video.is_file()
    except (OSError, ValueError):
        joined = False
    if not joined:
        concat_videos(clips, video, chapters=markers)
    cues = []
    for record, offset in zip(records, offsets):
        if record.subtitles:
            cues += shifted(read_srt(out_dir / record.subtitles), offset)
    made = [dict(path=video, kind="lesson video", duration=round(total, 3))]
    subtitles = None
    if cues:
        subtitles = write_srt(cues, out_dir / "lesson.srt")
        write_vtt(cues, out_dir / "lesson.vtt")
        made += [dict(path=out_dir / "lesson.srt", kind="subtitles (SubRip)", duration=round(total, 3)),
                 dict(path=out_dir / "lesson.vtt", kind="subtitles (WebVTT)", duration=round(total, 3))]
    timeline = [(chapter, offset, r.narration()) for chapter, offset, r in zip(chapters, offsets, records)]
    write_text(out_dir / "script.md", script_markdown(trace.config, timeline))
    youtube = youtube_chapters(markers, total)
    write_text(out_dir / "chapters.txt", chapters_text(youtube))
    write_text(out_dir / "description.txt", description_text(title, lesson_summary(trace), youtube))
    thumbnail = _thumbnail(out_dir, trace_path, options, lesson_key)
    made += [dict(path=out_dir / "script.md", kind="narration script"),
             dict(path=out_dir / "chapters.txt", kind="YouTube chapters"),
             dict(path=out_dir / "description.txt", kind="YouTube description"),
             dict(path=thumbnail, kind="thumbnail", size=[1280, 720])]
    for chapter, record, duration in zip(chapters, records, durations):
        made.append(dict(path=out_dir / record.video, kind=f"chapter {chapter_number(chapter.name)}: {chapter.title}",
                         duration=round(duration, 3)))
        for f, kind in ((record.subtitles, "chapter subtitles (SubRip)"), (record.webvtt, "chapter subtitles (WebVTT)")):
            if f:
                made.append(dict(path=out_dir / f, kind=kind, duration=round(duration, 3)))
    width, height = pixel_size(quality, aspect)
    settings = {
        "title": title, "quality": quality, "aspect": aspect, "width": width, "height": height,
        "fps": {**QUALITIES, **TEST_QUALITIES}[quality][1], "captions": options.captions,
        "reading_pace": options.words_per_second, "voice": options.voice.engine,
        "trace": {"file": str(trace_path), "config": asdict(trace.config)},
        "chapters": [{"title": c.title, "start": round(o, 3), "duration": round(d, 3)}
                     for c, o, d in zip(chapters, offsets, durations)],
    }
    write_manifest(out_dir / "manifest.json", made, settings)
    with atomic_path(state) as tmp:
        tmp.write_text(json.dumps({"key": lesson_key}), encoding="utf-8")
    return LessonResult(video=video, subtitles=subtitles,
                        chapters=[(c, out_dir / r.video, d) for c, r, d in zip(chapters, records, durations)],
                        rendered=rendered, reused=reused, files=[m["path"] for m in made])


def _thumbnail(out_dir: Path, trace_path: Path, options: SceneOptions, lesson_key: str) -> Path:
    """thumbnail.png, 1280×720: the lesson's title and the right word's probability before and after."""
    import tempfile

    from scenes.rendering import render_stills
    from scenes.thumbnail import THUMBNAIL

    dest = out_dir / "thumbnail.png"
    state = out_dir / STATE_DIR / "thumbnail.json"
    key = hashlib.sha256(json.dumps([lesson_key, code_digest(), options.title]).encode()).hexdigest()
    try:
        if json.loads(state.read_text(encoding="utf-8")).get("key") == key and dest.is_file():
            return dest
    except (OSError, ValueError):
        pass
    with tempfile.TemporaryDirectory() as tmp:
        quiet = SceneOptions(captions=False, title=options.title)
        (still,) = render_stills(THUMBNAIL, trace_path=trace_path, quality="720p30", aspect="16:9",
                                 media_dir=Path(tmp) / "m", out_dir=Path(tmp) / "png", options=quiet)
        from PIL import Image

        with atomic_path(dest) as part:  # RGB: some uploaders and slide tools mishandle alpha
            Image.open(still).convert("RGB").save(part, format="PNG", optimize=True)
    with atomic_path(state) as tmp:
        tmp.write_text(json.dumps({"key": key}), encoding="utf-8")
    return dest


# ---- clips for slide decks -------------------------------------------------------------------
def render_clips(
    chapters: list[Chapter],
    *,
    trace_path: Path,
    quality: str,
    aspect: str,
    media_dir: Path,
    out_dir: Path,
    options: SceneOptions = SceneOptions(),
    jobs: int = 1,
    gif: bool = False,
    webm: bool = False,
    progress_stream=None,
):
    """One clip per beat (MP4 with its narration, PNG of its last frame, optionally GIF and a
    transparent WebM), notes.md and index.html in out_dir. Chapters are rendered (or reused) in
    out_dir/.nextword and cut by stream copy."""
    from scenes.clips import index_html, make_clips, notes_markdown
    from scenes.next_word import DEFAULT_TITLE
    from scenes.publishing import write_manifest, write_text

    common = dict(trace_path=trace_path, quality=quality, aspect=aspect, media_dir=media_dir, out_dir=out_dir,
                  options=options, jobs=jobs, progress_stream=progress_stream)
    records, _ = render_chapters(chapters, chapter_dir=f"{STATE_DIR}/chapters", **common)
    alpha = render_chapters(chapters, chapter_dir=f"{STATE_DIR}/alpha", transparent=True, **common)[0] if webm else None
    clips = make_clips(records, chapters, out_dir, gif=gif, webm_records=alpha)
    title = options.title or DEFAULT_TITLE
    write_text(out_dir / "notes.md", notes_markdown(clips))
    write_text(out_dir / "index.html", index_html(clips, title))
    made = []
    for clip in clips:
        made.append(dict(path=clip.video, kind=f"clip {clip.beat}", duration=round(clip.duration, 3)))
        made.append(dict(path=clip.still, kind=f"still {clip.beat}"))
        for extra, kind in ((clip.gif, "GIF"), (clip.webm, "transparent WebM")):
            if extra:
                made.append(dict(path=extra, kind=f"{kind} {clip.beat}", duration=round(clip.duration, 3)))
    made += [dict(path=out_dir / "notes.md", kind="speaker notes"), dict(path=out_dir / "index.html", kind="contact sheet")]
    width, height = pixel_size(quality, aspect)
    write_manifest(out_dir / "manifest.json", made, {"title": title, "quality": quality, "aspect": aspect,
                                                     "width": width, "height": height, "voice": options.voice.engine,
                                                     "clips": len(clips)})
    return clips
