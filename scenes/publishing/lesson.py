"""The whole lesson, for publishing: every chapter rendered (or reused), joined into one
YouTube-ready MP4 with everything that goes beside it (subtitles, chapters, description,
thumbnail, script, manifest). Every file is written whole or not at all."""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from scenes.files import atomic_path, copy_whole, file_digest, write_text
from scenes.kit.voice import Voice
from scenes.lesson import Chapter, chapter_number
from scenes.publishing.join import concat_videos, video_duration
from scenes.publishing.keys import code_digest
from scenes.publishing.manifest import render_settings, write_manifest
from scenes.publishing.page import lesson_page
from scenes.publishing.script import script_markdown
from scenes.publishing.workers import STATE_DIR, ChapterRecord, record_path, render_chapters
from scenes.publishing.youtube import (
    MAX_SHORT_SECONDS,
    chapters_text,
    description_text,
    lesson_summary,
    shorts_text,
    youtube_chapters,
)
from scenes.rendering.audio import decoded_sound, integrated_loudness
from scenes.rendering.settings import RenderSettings
from scenes.rendering.subtitles import read_srt, shifted, write_srt, write_vtt


@dataclass
class LessonResult:
    video: Path  # the whole lesson
    subtitles: Path | None
    chapters: list[tuple[Chapter, Path, float]]  # each chapter's clip and duration (seconds), in order
    rendered: list[str] = field(default_factory=list)  # chapters drawn in this run
    reused: list[str] = field(default_factory=list)  # chapters kept from an earlier run
    files: list[Path] = field(default_factory=list)  # every file in the manifest


def render_lesson(
    chapters: list[Chapter],
    settings: RenderSettings,
    *,
    out_dir: Path,
    media_dir: Path,
    jobs: int = 1,
    progress_stream=None,
    on_event=None,
) -> LessonResult:
    """Render (or reuse) every chapter into out_dir/chapters, then join them into out_dir/lesson.mp4
    and write everything that goes beside it. See render_chapters for `jobs` and `on_event`."""
    records, rendered = render_chapters(
        chapters,
        settings,
        out_dir=out_dir,
        media_dir=media_dir,
        jobs=jobs,
        progress_stream=progress_stream,
        on_event=on_event,
    )
    lesson = _join(chapters, records, settings, out_dir)
    lesson.rendered, lesson.reused = rendered, [c.name for c in chapters if c.name not in rendered]
    return lesson


def _remembered(state: Path, key: str, *outputs: Path) -> dict | None:
    """What `state` records of the last run (its key and facts) if that run made all `outputs` with
    this key and they are still there; else None."""
    try:
        last = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return last if last.get("key") == key and all(p.is_file() for p in outputs) else None


def _remember(state: Path, key: str, **facts) -> None:
    write_text(state, json.dumps({"key": key, **facts}))


def sound_facts(video: Path) -> dict | None:
    """The sound track as the manifest reports it: codec, rate, channels, bit rate, and loudness
    measured on the decoded track (ITU-R BS.1770 integrated loudness, sample peak). None if silent."""
    import av

    with av.open(str(video)) as c:
        if not c.streams.audio:
            return None
        stream = c.streams.audio[0]
        codec = stream.codec_context
        facts = {
            "codec": f"{codec.name} {codec.profile}",
            "sample_rate": stream.rate,
            "channels": stream.channels,
            "bit_rate": stream.bit_rate,
        }
    samples = decoded_sound(video)
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    return {
        **facts,
        "integrated_lufs": round(integrated_loudness(samples), 2),
        "sample_peak_dbfs": round(20 * np.log10(max(peak, 1e-9)), 2),
    }


def _join(chapters, records: list[ChapterRecord], settings: RenderSettings, out_dir: Path) -> LessonResult:
    """Join the chapters; write the lesson's subtitles, script, chapters, description, thumbnail, manifest."""
    trace = settings.load_trace()
    title = settings.lesson_title
    clips = [out_dir / r.video for r in records]
    durations = [video_duration(c) for c in clips]
    offsets = [sum(durations[:k]) for k in range(len(durations))]
    total = sum(durations)
    markers = [(chapter.title, start) for chapter, start in zip(chapters, offsets)]

    video = out_dir / "lesson.mp4"
    state = out_dir / STATE_DIR / "lesson.json"
    lesson_key = hashlib.sha256(json.dumps([r.key for r in records] + [title]).encode()).hexdigest()
    last = _remembered(state, lesson_key, video)
    if last is not None and "audio" not in last:  # recorded before the sound was measured
        last = None
    if last is None:
        concat_videos(clips, video, chapters=markers)
    sound = sound_facts(video) if last is None else last["audio"]
    made = [dict(path=video, kind="lesson video", duration=round(total, 3))]
    cues = [
        cue
        for record, offset in zip(records, offsets)
        if record.subtitles
        for cue in shifted(read_srt(out_dir / record.subtitles), offset)
    ]
    subtitles = None
    if cues:
        subtitles = write_srt(cues, out_dir / "lesson.srt", bom=settings.subtitle_bom)
        made += [
            dict(path=subtitles, kind="subtitles (SubRip)", duration=round(total, 3)),
            dict(
                path=write_vtt(cues, out_dir / "lesson.vtt", bom=settings.subtitle_bom),
                kind="subtitles (WebVTT)",
                duration=round(total, 3),
            ),
        ]
    timeline = [(chapter, offset, r.narration()) for chapter, offset, r in zip(chapters, offsets, records)]
    youtube = youtube_chapters(markers, total)
    made += [
        dict(
            path=write_text(out_dir / "script.md", script_markdown(trace.config, timeline)),
            kind="narration script",
        ),
        dict(path=write_text(out_dir / "chapters.txt", chapters_text(youtube)), kind="YouTube chapters"),
        dict(
            path=write_text(
                out_dir / "description.txt", description_text(title, lesson_summary(trace), youtube)
            ),
            kind="YouTube description",
        ),
        dict(path=make_thumbnail(out_dir, settings), kind="thumbnail", size=[1280, 720]),
    ]
    page, quiz = lesson_page(out_dir, settings, chapters, records, offsets, cues)
    made += [dict(path=page, kind="interactive page"), dict(path=quiz, kind="questions for teachers")]
    for chapter, record, duration in zip(chapters, records, durations):
        made.append(
            dict(
                path=out_dir / record.video,
                kind=f"chapter {chapter_number(chapter.name)}: {chapter.title}",
                duration=round(duration, 3),
            )
        )
        for f, kind in (
            (record.subtitles, "chapter subtitles (SubRip)"),
            (record.webvtt, "chapter subtitles (WebVTT)"),
        ):
            if f:
                made.append(dict(path=out_dir / f, kind=kind, duration=round(duration, 3)))
    if settings.aspect == "9:16":  # a vertical lesson: each chapter is also a YouTube Short
        made += write_shorts(out_dir, chapters, records, durations, settings.lesson_title)
    facts = render_settings(
        settings,
        audio=sound,
        # the trace by its content, never by a local path (manifests get shared)
        trace={"sha256": file_digest(settings.trace), "config": asdict(trace.config)},
        chapters=[
            {"title": c.title, "start": round(o, 3), "duration": round(d, 3)}
            for c, o, d in zip(chapters, offsets, durations)
        ],
    )
    write_manifest(out_dir / "manifest.json", made, facts)
    _remember(state, lesson_key, audio=sound)
    return LessonResult(
        video=video,
        subtitles=subtitles,
        chapters=[(c, out_dir / r.video, d) for c, r, d in zip(chapters, records, durations)],
        files=[m["path"] for m in made],
    )


def write_shorts(out_dir: Path, chapters, records, durations: list[float], lesson_title: str) -> list[dict]:
    """shorts/NN-Name.mp4 for every chapter under 3 minutes (the vertical chapter as it is: voiced,
    fast-start) and shorts/shorts.txt with each Short's title and description. Returns the files
    made, for the manifest."""
    folder = out_dir / "shorts"
    folder.mkdir(exist_ok=True)
    listed, made = [], []
    for chapter, record, duration in zip(chapters, records, durations):
        name = f"{record.index:02d}-{chapter.name}.mp4"
        narration = " ".join(line["text"] for line in record.lines)
        listed.append((name, chapter.title, duration, narration))
        if duration < MAX_SHORT_SECONDS:
            short = copy_whole(out_dir / record.video, folder / name)
            made.append(dict(path=short, kind=f"YouTube Short: {chapter.title}", duration=round(duration, 3)))
    made.append(dict(path=write_text(folder / "shorts.txt", shorts_text(lesson_title, listed)),
                     kind="YouTube Shorts: titles and descriptions"))
    for old in set(folder.glob("*.mp4")) - {m["path"] for m in made}:  # a chapter that grew past 3 min
        old.unlink()
    return made


def make_thumbnail(out_dir: Path, settings: RenderSettings) -> Path:
    """thumbnail.png, 1280×720 RGB: the lesson's title and the right word's probability before and
    after. Made again only when the trace, the title or the thumbnail's own code changed."""
    from PIL import Image

    from scenes.chapters.thumbnail import THUMBNAIL
    from scenes.rendering.chapter import render_stills

    dest = out_dir / "thumbnail.png"
    state = out_dir / STATE_DIR / "thumbnail.json"
    key = hashlib.sha256(
        json.dumps([file_digest(settings.trace), code_digest(THUMBNAIL.module), settings.title]).encode()
    ).hexdigest()
    if _remembered(state, key, dest) is not None:
        return dest
    still_settings = settings.replace(
        quality="720p30", aspect="16:9", captions=False, voice=Voice(), transparent=False
    )
    with tempfile.TemporaryDirectory() as tmp:
        (still,) = render_stills(
            THUMBNAIL, still_settings, media_dir=Path(tmp) / "m", out_dir=Path(tmp) / "png"
        )
        with atomic_path(dest) as part:  # RGB: some uploaders and slide tools mishandle alpha
            Image.open(still).convert("RGB").save(part, format="PNG", optimize=True)
    _remember(state, key)
    return dest


def rewrite_page(out_dir: Path, settings: RenderSettings, chapters: list[Chapter]) -> tuple[Path, Path]:
    """index.html and quiz.md again for a lesson already rendered into out_dir (its chapter records,
    clips and subtitles), from the trace in `settings`. Raises FileNotFoundError (one sentence)
    when out_dir holds no finished lesson."""
    records = []
    for chapter in chapters:
        path = record_path(out_dir, chapter.name, "chapters")
        try:
            records.append(ChapterRecord(**json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, TypeError):
            raise FileNotFoundError(
                f"{out_dir} holds no finished lesson (no record of chapter {chapter.name}): "
                f"render it with `./nextword lesson --out {out_dir}` first."
            ) from None
    durations = [video_duration(out_dir / r.video) for r in records]
    offsets = [sum(durations[:k]) for k in range(len(durations))]
    srt = out_dir / "lesson.srt"
    cues = read_srt(srt) if srt.is_file() else []
    return lesson_page(out_dir, settings, chapters, records, offsets, cues)
