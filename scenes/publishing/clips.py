"""Clips for slide decks: one per beat, cut from the rendered chapters.

Each beat starts on a new animation, and every animation starts on a keyframe, so a beat
is cut out of its chapter by stream copy (no re-encoding), narration audio included.
Beside each clip: a PNG of its last frame, optionally a looping GIF and a WebM with a
transparent background, then notes.md (the narration as speaker notes) and index.html
(a contact sheet).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import av

from scenes.files import atomic_path, write_text
from scenes.lesson import Chapter
from scenes.publishing.manifest import render_settings, write_manifest
from scenes.publishing.workers import STATE_DIR, render_chapters
from scenes.rendering.formats import MP4_OPTIONS
from scenes.rendering.settings import RenderSettings

GIF_WIDTH = 640  # pixels: GIFs are big, so they are drawn small
GIF_FPS = 12


@dataclass
class Clip:
    beat: str  # "04-compare"
    chapter: str  # the chapter's title
    text: str  # its narration
    video: Path
    still: Path
    duration: float
    gif: Path | None = None
    webm: Path | None = None


def cut_video(src: Path, dest: Path, start: float, end: float) -> Path:
    """The part of `src` from `start` to `end` seconds (start on a keyframe), by stream copy."""
    options = MP4_OPTIONS if dest.suffix == ".mp4" else {}
    fmt = "mp4" if dest.suffix == ".mp4" else "webm"
    with (
        atomic_path(dest) as tmp,
        av.open(str(src)) as source,
        av.open(str(tmp), "w", format=fmt, options=options) as out,
    ):
        streams = [s for s in source.streams if s.type in ("video", "audio")]
        outs = {s.index: out.add_stream_from_template(s) for s in streams}
        if fmt == "webm":  # VP9 alpha travels beside each frame; this tells players to use it
            for s in streams:
                if s.type == "video":
                    outs[s.index].metadata["alpha_mode"] = "1"
        for packet in source.demux(*streams):
            if packet.dts is None or packet.pts is None:
                continue
            tb = packet.stream.time_base
            t = float(packet.pts * tb)
            if t < start - 1e-6 or t >= end - 1e-6:
                continue
            shift = int(round(start / tb))
            packet.pts -= shift
            packet.dts -= shift
            packet.stream = outs[packet.stream.index]
            out.mux(packet)
    return dest


def last_frame(video: Path, dest: Path) -> Path:
    """The clip's last frame as a PNG (RGB)."""
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        duration = float(stream.duration * stream.time_base) if stream.duration else c.duration / av.time_base
        c.seek(int(max(duration - 1.0, 0) / stream.time_base), stream=stream, backward=True)
        frame = None
        for frame in c.decode(stream):
            pass
    with atomic_path(dest) as tmp:
        frame.to_image().convert("RGB").save(tmp, format="PNG", optimize=True)
    return dest


def make_gif(video: Path, dest: Path, width: int = GIF_WIDTH, fps: int = GIF_FPS) -> Path:
    """A looping GIF of the clip, small and at a low frame rate (GIFs are large), one palette
    for the whole clip so colours stay put from frame to frame."""
    from PIL import Image

    frames = []
    with av.open(str(video)) as src:
        stream = src.streams.video[0]
        width = min(width, stream.width)  # never larger than the video
        height = int(round(stream.height * width / stream.width / 2)) * 2
        next_t = 0.0
        for frame in src.decode(stream):
            if frame.time is None or frame.time + 1e-9 < next_t:
                continue
            next_t += 1.0 / fps
            frames.append(frame.to_image().convert("RGB").resize((width, height), Image.LANCZOS))
    palette = frames[-1].quantize(
        colors=255, method=Image.Quantize.MEDIANCUT
    )  # the last frame shows the most
    paletted = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    with atomic_path(dest) as tmp:
        paletted[0].save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=paletted[1:],
            loop=0,
            duration=int(round(1000 / fps)),
            optimize=False,
            disposal=1,
        )
    return dest


def notes_markdown(clips: list[Clip]) -> str:
    out = ["# Speaker notes", "", "One clip per slide, in order; each note is the clip's narration.", ""]
    chapter = None
    for clip in clips:
        if clip.chapter != chapter:
            chapter = clip.chapter
            out += [f"## {chapter}", ""]
        out += [f"### {clip.beat} · {clip.video.name} · {clip.duration:.1f} s", "", clip.text, ""]
    return "\n".join(out)


def index_html(clips: list[Clip], title: str) -> str:
    """A contact sheet: every clip with its still (as the poster) and its notes."""
    esc = html.escape
    cards = []
    for clip in clips:
        extras = "".join(
            f' · <a href="{esc(p.name)}">{esc(p.suffix[1:].upper())}</a>' for p in (clip.gif, clip.webm) if p
        )
        cards.append(
            f'<figure id="{esc(clip.beat)}">'
            f'<video src="{esc(clip.video.name)}" poster="{esc(clip.still.name)}" '
            f'controls preload="none"></video><figcaption><b>{esc(clip.beat)}</b> · {clip.duration:.1f} s · '
            f'<a href="{esc(clip.video.name)}">MP4</a> · <a href="{esc(clip.still.name)}">PNG</a>{extras}'
            f"<p>{esc(clip.text)}</p></figcaption></figure>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}: clips</title>
<style>
body {{ background: #15171e; color: #e8eaf0; font: 15px/1.45 system-ui, sans-serif; margin: 2em; }}
main {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1.5em; }}
figure {{ margin: 0; background: #1f222b; border-radius: 8px; padding: 0.8em; }}
video {{ width: 100%; border-radius: 4px; background: #000; }}
a {{ color: #f5c451; }} p {{ color: #c5c9d4; margin: 0.4em 0 0; }}
</style></head><body><h1>{esc(title)}: clips</h1><main>
{chr(10).join(cards)}
</main></body></html>
"""


def beat_spans(record) -> list[tuple[str, float, float, str]]:
    """(beat id, start, end, narration) of each beat of a chapter record."""
    lines = {line["beat"]: line["text"] for line in record.lines}
    starts = list(record.beat_starts) + [record.duration]
    out = []
    for k, beat in enumerate(record.beats):
        beat_id = f"{record.index:02d}-{beat}"
        out.append((beat_id, starts[k], starts[k + 1], lines.get(beat_id, "")))
    return out


def make_clips(records, chapters, out_dir: Path, *, gif: bool = False, webm_records=None) -> list[Clip]:
    """Cut every beat of every chapter (records from scenes.publishing.workers) into out_dir."""
    clips = []
    webm_by_name = {r.name: r for r in (webm_records or [])}
    for record, chapter in zip(records, chapters):
        source = out_dir / record.video
        for beat, start, end, text in beat_spans(record):
            video = cut_video(source, out_dir / f"{beat}.mp4", start, end)
            still = last_frame(video, out_dir / f"{beat}.png")
            clip = Clip(
                beat=beat, chapter=chapter.title, text=text, video=video, still=still, duration=end - start
            )
            if gif:
                clip.gif = make_gif(video, out_dir / f"{beat}.gif")
            if record.name in webm_by_name:
                alpha = webm_by_name[record.name]
                clip.webm = cut_video(out_dir / alpha.video, out_dir / f"{beat}.webm", start, end)
            clips.append(clip)
    return clips


def render_clips(
    chapters: list[Chapter],
    settings: RenderSettings,
    *,
    out_dir: Path,
    media_dir: Path,
    jobs: int = 1,
    gif: bool = False,
    webm: bool = False,
    progress_stream=None,
) -> list[Clip]:
    """One clip per beat in out_dir (MP4 with its narration, PNG of its last frame, optionally a GIF
    and a transparent WebM), notes.md, index.html and manifest.json. The chapters are rendered (or
    reused) in out_dir/.nextword and cut by stream copy."""
    common = dict(out_dir=out_dir, media_dir=media_dir, jobs=jobs, progress_stream=progress_stream)
    records, _ = render_chapters(chapters, settings, chapter_dir=f"{STATE_DIR}/chapters", **common)
    alpha = None
    if webm:
        alpha = render_chapters(
            chapters, settings.replace(transparent=True), chapter_dir=f"{STATE_DIR}/alpha", **common
        )[0]
    clips = make_clips(records, chapters, out_dir, gif=gif, webm_records=alpha)
    write_text(out_dir / "notes.md", notes_markdown(clips))
    write_text(out_dir / "index.html", index_html(clips, settings.lesson_title))
    made = []
    for clip in clips:
        made.append(dict(path=clip.video, kind=f"clip {clip.beat}", duration=round(clip.duration, 3)))
        made.append(dict(path=clip.still, kind=f"still {clip.beat}"))
        for extra, kind in ((clip.gif, "GIF"), (clip.webm, "transparent WebM")):
            if extra:
                made.append(dict(path=extra, kind=f"{kind} {clip.beat}", duration=round(clip.duration, 3)))
    made += [
        dict(path=out_dir / "notes.md", kind="speaker notes"),
        dict(path=out_dir / "index.html", kind="contact sheet"),
    ]
    write_manifest(out_dir / "manifest.json", made, render_settings(settings, clips=len(clips)))
    return clips
