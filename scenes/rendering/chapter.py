"""One chapter → its video and subtitles (or its stills, or its narration in a dry run), with manim."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scenes.files import atomic_path
from scenes.kit.voice import read_audio
from scenes.lesson import Chapter
from scenes.rendering.audio import frame_grid, mux_narration, narration_track, sound_padding
from scenes.rendering.formats import manim_settings, transparent_settings
from scenes.rendering.settings import RenderSettings
from scenes.rendering.subtitles import narration_cues, write_srt, write_vtt


@dataclass
class RenderResult:
    chapter: Chapter
    video: Path | None  # the MP4 (None for a dry run)
    subtitles: Path | None  # the .srt beside it, if any line was narrated
    webvtt: Path | None  # the same cues as WebVTT
    duration: float  # seconds of scene time
    beats: list[str] = field(default_factory=list)
    beat_starts: list[float] = field(default_factory=list)  # scene time at which each beat began
    lines: list = field(default_factory=list)  # NarrationLine of every beat
    synthesis: tuple = (0, 0.0, 0.0)  # speech made now: (lines, seconds of speech, seconds spent)


def checked_manim_config(settings: dict) -> dict:
    """manim's tempconfig silently drops unknown keys: refuse them instead."""
    from manim import config

    unknown = [k for k in settings if k not in config]
    if unknown:
        raise KeyError(f"not a manim config key: {unknown[0]}")
    return settings


@contextmanager
def quiet_manim():
    """Only errors reach the user: manim's muxer passes options PyAV does not use, and PyAV
    (through the root logger) warns about it on every voiced render."""
    import logging

    logs = [logging.getLogger("manim"), logging.getLogger()]
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for log, level in zip(logs, levels):
            log.setLevel(level)


def render_chapter(
    chapter: Chapter,
    settings: RenderSettings,
    *,
    media_dir: Path,
    dry_run: bool = False,
    beat_end_hooks: tuple = (),
    phrase_end_hooks: tuple = (),
    frame_hook=None,
) -> RenderResult:
    """Render one chapter into `media_dir` (manim's working folder) and return what it made.

    A dry run draws no frames: every animation jumps to its end, so beats end in their true
    state (for layout checks, stills and the script). beat_end_hooks are called as
    hook(scene, beat name) when a beat ends, phrase_end_hooks as hook(scene, phrase id) when a
    phrase ends; frame_hook(n) as frames are drawn (n frames each time), for progress displays.
    Raises TraceError for an unusable trace.
    """
    from manim import tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    cls = chapter.load()
    if beat_end_hooks or phrase_end_hooks:  # same name, so output files keep the chapter's name
        cls = type(cls.__name__, (cls,), {"default_beat_end_hooks": list(beat_end_hooks),
                                          "default_phrase_end_hooks": list(phrase_end_hooks)})
    config = checked_manim_config(
        {
            **manim_settings(settings.quality, settings.aspect),
            "media_dir": str(media_dir),
            "verbosity": "WARNING",
            "progress_bar": "none",
            # Manim's per-animation cache hashes every mobject on every play (seconds
            # per chapter); nextword reuses whole chapters instead.
            "disable_caching": True,
            "dry_run": dry_run,
            "output_file": chapter.name,
            **(transparent_settings() if settings.transparent else {}),
        }
    )
    with tempconfig(config), quiet_manim():
        scene = cls(renderer=CairoRenderer(skip_animations=True)) if dry_run else cls()
        scene.settings = settings  # read in setup(), which render() calls
        if frame_hook is not None:
            add_frame = scene.renderer.add_frame

            def counted(frame, num_frames=1):
                add_frame(frame, num_frames)
                frame_hook(num_frames)

            scene.renderer.add_frame = counted
        scene.render()
        video = None if dry_run else Path(scene.renderer.file_writer.movie_file_path)
        lines = list(scene.narrator.lines)
        if video is not None and not settings.transparent and any(line.audio for line in lines):
            video = with_narration(video, lines)
        srt = vtt = None
        if video is not None and lines:  # our cues replace manim's: split short, timed to the speech
            cues = narration_cues(lines)
            srt, vtt = write_srt(cues, video.with_suffix(".srt")), write_vtt(cues, video.with_suffix(".vtt"))
        return RenderResult(
            chapter=chapter,
            video=video,
            subtitles=srt,
            webvtt=vtt,
            duration=float(scene.time),
            beats=list(scene.beats),
            beat_starts=list(scene.beat_starts),
            lines=lines,
            synthesis=_synthesis(scene.speaker),
        )


def _synthesis(speaker) -> tuple:
    if speaker is None:
        return (0, 0.0, 0.0)
    return (speaker.synthesised, speaker.speech_seconds, speaker.busy_seconds)


def with_narration(video: Path, lines: list) -> Path:
    """The chapter's video with its narration as the sound track (AAC, 48 kHz, stereo):
    `<name>.voiced.mp4` beside it. Its last frame is held a little longer (under 32 frames) so
    that picture and sound end together to the sample (see mux_narration)."""
    clips = [(line.start, read_audio(Path(line.audio))) for line in lines if line.audio]
    grid = frame_grid(video)
    frames = grid.count + sound_padding(grid.count, grid.fps)
    track = narration_track(clips, float(frames / grid.fps))
    return mux_narration(video, track, video.with_name(f"{video.stem}.voiced.mp4"))


def render_stills(
    chapter: Chapter, settings: RenderSettings, *, media_dir: Path, out_dir: Path, phrases: bool = False
) -> list[Path]:
    """A PNG of the last frame of every beat, `NN-<beat>.png` in `out_dir`, without rendering a video;
    with `phrases`, of every phrase instead (`NN-<phrase id>.png`, "03-03-softmax.2.png").

    Animations jump to their ends (as in a dry run) and only those frames are drawn, so stills
    of a whole chapter take seconds.
    """
    from PIL import Image

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def save_frame(scene, beat_id):
        scene.renderer.update_frame(scene)
        path = out_dir / f"{len(written) + 1:02d}-{beat_id}.png"
        with atomic_path(path) as tmp:
            Image.fromarray(scene.renderer.get_frame()).save(tmp, format="PNG")
        written.append(path)

    hooks = {"phrase_end_hooks" if phrases else "beat_end_hooks": (save_frame,)}
    render_chapter(chapter, settings, media_dir=media_dir, dry_run=True, **hooks)
    return written


def dry_run_lesson(chapters: list[Chapter], settings: RenderSettings, *, media_dir: Path):
    """Every chapter built without drawing: (chapter, offset in the lesson, narration lines)."""
    timeline, offset = [], 0.0
    for chapter in chapters:
        result = render_chapter(chapter, settings, media_dir=media_dir, dry_run=True)
        timeline.append((chapter, offset, result.lines))
        offset += result.duration
    return timeline


def missing_recordings(timeline, directory: Path) -> list[str]:
    """Phrase ids with no readable recording in `directory` (checked before any rendering)."""
    from scenes.kit.voice import VoiceError, read_audio, recording_for

    problems = []
    for _, _, lines in timeline:
        for line in lines:
            path = recording_for(directory, line.id, line.beat if line.phrase == 1 else None)
            if path is None:
                problems.append(f"{line.id} (missing)")
                continue
            try:
                read_audio(path)
            except VoiceError:
                problems.append(f"{line.id} (unreadable: {path.name})")
    return problems
