"""Clips for slide decks: one per beat, cut from the rendered chapters.

Each beat starts on a new animation, and every animation starts on a keyframe, so a beat's
picture is cut out of its chapter by stream copy (no re-encoding), at frame numbers, with
every frame of the beat; its narration is cut at the same instant, to the sample.
Beside each clip: a PNG of its last frame, optionally a looping GIF and a WebM with a
transparent background, then notes.md (the narration as speaker notes), index.html (a
contact sheet with a present mode: one beat per slide, full screen, notes in a presenter
view) and, when asked, a PowerPoint deck (scenes.publishing.deck).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from scenes.files import atomic_path, write_text
from scenes.lesson import Chapter
from scenes.publishing.deck import DECK, STILLS_DECK, build_deck
from scenes.publishing.manifest import render_settings, write_manifest
from scenes.publishing.workers import STATE_DIR, render_chapters
from scenes.rendering.audio import (
    AAC_FRAME,
    RATE,
    decoded_sound,
    encode_sound,
    frame_grid,
    grid_packets,
    interleaved,
    sound_stream,
    video_duration,
)
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
    chapter_number: int = 0  # its chapter's place in the lesson (1-based; 0: not known)


@dataclass(frozen=True)
class Deck:
    path: Path
    media: str  # "clips" (each slide plays its clip) or "stills" (pictures only)
    slides: int

    @property
    def size(self) -> int:
        """Bytes on disk."""
        return self.path.stat().st_size


class Clips(list):
    """The clips in lesson order (a list of Clip), and the deck made from them, if any."""

    deck: Deck | None = None


def cut_video(
    src: Path, dest: Path, start: float, end: float | None, sound: np.ndarray | None = None, grid=None
) -> Path:
    """The frames of `src` from `start` to `end` seconds (None: to its last frame), by stream
    copy, in an MP4 or (by `dest`'s suffix) a WebM, written whole or not at all.

    Times are turned into frame numbers (k / fps), and the cut takes exactly the frames whose
    place in presentation order is in that range, restamped on the exact frame grid from 0
    (manim's joints and WebM's milliseconds leave timestamps a little off k / fps: a cut by
    timestamp would miss a keyframe lying a fraction of a millisecond early). Every beat starts
    on a keyframe (see encoder_options), so the clip's first packet is one.

    An MP4 clip of a source with sound gets `sound` ((n, 2) samples at RATE of the whole source as
    a player hears it; decoded here when not given) from the same instant to the sample,
    re-encoded (AAC needs its own priming): the voice stays in step with the picture. Its sound
    is cut to a whole number of AAC frames, so it ends at most 1024 samples before the picture.
    `grid`: src's FrameGrid, if known (cutting many clips from one chapter).
    Raises ValueError if the cut does not start on a keyframe or holds no frame."""
    mp4 = dest.suffix == ".mp4"
    grid = frame_grid(src) if grid is None else grid
    first = round(start * grid.fps)
    last = grid.count if end is None else min(grid.count, round(end * grid.fps))
    chosen = [(rank, key) for rank, key in zip(grid.ranks, grid.keys) if first <= rank < last]
    if not chosen:
        raise ValueError(f"no frames of {src.name} between {start:.3f} s and {end} s")
    if not chosen[0][1] or chosen[0][0] != first:
        raise ValueError(f"{src.name}: frame {first} ({start:.3f} s) is not a keyframe: cannot cut there")
    with (
        atomic_path(dest) as tmp,
        av.open(str(src)) as source,
        av.open(str(tmp), "w", format="mp4" if mp4 else "webm", options=MP4_OPTIONS if mp4 else {}) as out,
    ):
        vin = source.streams.video[0]
        vout = out.add_stream_from_template(vin)
        if not mp4:  # VP9 alpha travels beside each frame; this tells players to use it
            vout.metadata["alpha_mode"] = "1"
        aout = sound_stream(out) if mp4 and source.streams.audio else None

        def picture():
            for packet in grid_packets(source, vin, grid, first, last):
                packet.stream = vout
                yield packet

        parts = [picture()]
        if aout is not None:
            sound = decoded_sound(src) if sound is None else sound
            spf = RATE / grid.fps  # samples per frame
            a, b = int(first * spf), int(last * spf)
            piece = np.zeros((b - a, 2), dtype=np.float32)
            got = sound[a:b]
            piece[: len(got)] = got
            parts.append(encode_sound(aout, piece[: max(AAC_FRAME, (b - a) // AAC_FRAME * AAC_FRAME)]))
        for packet in interleaved(*parts):
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


def gif_durations(times: list[float], end: float) -> list[int]:
    """Each GIF frame's duration in milliseconds, for frames shown from `times` (seconds) until
    `end`. GIF counts in hundredths of a second, so the rounding is carried: the durations add up
    to the clip's length within 10 ms, however many frames (83.3 ms frames are not all 80 ms)."""
    marks = [round(t * 100) for t in times] + [round(end * 100)]
    return [10 * max(1, b - a) for a, b in zip(marks, marks[1:])]


def whole_clip_palette(frames: list, colors: int = 255):
    """One palette made from frames spread over the whole clip (up to 16 of them side by side), so
    a colour that appears in any part of the clip keeps its own entry."""
    from PIL import Image

    picked = [
        frames[k] for k in sorted({round(x) for x in np.linspace(0, len(frames) - 1, min(16, len(frames)))})
    ]
    w, h = picked[0].size
    sheet = Image.new("RGB", (w, h * len(picked)))
    for k, frame in enumerate(picked):
        sheet.paste(frame, (0, k * h))
    return sheet.quantize(colors=colors, method=Image.Quantize.MEDIANCUT)


def make_gif(video: Path, dest: Path, width: int = GIF_WIDTH, fps: int = GIF_FPS) -> Path:
    """A looping GIF of the clip, small and at a low frame rate (GIFs are large): one palette for
    the whole clip, and frame durations that add up to the clip's length."""
    from PIL import Image

    frames, times = [], []
    with av.open(str(video)) as src:
        stream = src.streams.video[0]
        end = float(stream.duration * stream.time_base) if stream.duration else src.duration / av.time_base
        width = min(width, stream.width)  # never larger than the video
        height = int(round(stream.height * width / stream.width / 2)) * 2
        next_t = 0.0
        for frame in src.decode(stream):
            if frame.time is None or frame.time + 1e-9 < next_t:
                continue
            next_t += 1.0 / fps
            times.append(frame.time)
            frames.append(frame.to_image().convert("RGB").resize((width, height), Image.LANCZOS))
    palette = whole_clip_palette(frames)
    paletted = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    with atomic_path(dest) as tmp:
        paletted[0].save(
            tmp,
            format="GIF",
            save_all=True,
            append_images=paletted[1:],
            loop=0,
            duration=gif_durations([t - times[0] for t in times], end - times[0]),
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


PRESENT_CSS = """
* { box-sizing: border-box; }
body { background: #15171e; color: #e8eaf0; font: 15px/1.45 system-ui, sans-serif; margin: 2em; }
body.presenting { overflow: hidden; }
header p { color: #c5c9d4; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1.5em; }
figure { margin: 0; background: #1f222b; border-radius: 8px; padding: 0.8em; }
main video { width: 100%; max-height: 60vh; border-radius: 4px; background: #000; }
a { color: #f5c451; } main p { color: #c5c9d4; margin: 0.4em 0 0; }
button { font: inherit; color: #15171e; background: #f5c451; border: 0; border-radius: 4px;
  padding: 0.25em 0.8em; cursor: pointer; }
figcaption button { padding: 0 0.5em; font-size: 0.9em; }
kbd { font: 0.9em ui-monospace, monospace; border: 1px solid #555; border-radius: 3px; padding: 0 0.3em; }
#show { position: fixed; inset: 0; z-index: 10; display: flex; background: #000; color: #e8eaf0; }
#show[hidden], #presenter[hidden], #show [hidden] { display: none; }
#stage { position: relative; flex: 1; min-width: 0; cursor: pointer; }
#screen { display: block; width: 100%; height: 100%; object-fit: contain; background: #000; }
#play { position: absolute; left: 50%; top: 50%; transform: translate(-50%, -50%); font-size: 1.4em;
  padding: 0.6em 1.2em; }
#hud { position: absolute; right: 0.8em; bottom: 0.6em; padding: 0.15em 0.6em; border-radius: 4px;
  background: rgba(0, 0, 0, 0.55); font-size: 14px; font-variant-numeric: tabular-nums; }
#presenter { width: 36%; max-width: 40em; overflow-y: auto; padding: 1.2em 1.4em; background: #1f222b;
  display: flex; flex-direction: column; gap: 0.6em; border-left: 1px solid #333; }
#presenter .clock { display: flex; justify-content: space-between; font-size: 1.6em;
  font-variant-numeric: tabular-nums; color: #f5c451; }
#p-chapter { color: #8a93a6; margin: 0; }
#p-notes { font-size: 1.45em; line-height: 1.45; margin: 0; white-space: pre-wrap; }
#p-next-label { color: #8a93a6; margin: 0.6em 0 0; }
#p-next { max-width: 100%; max-height: 28vh; object-fit: contain; align-self: flex-start;
  border: 1px solid #444; }
#presenter .keys { margin-top: auto; color: #8a93a6; font-size: 0.85em; }
"""

PRESENT_JS = """
(() => {
  "use strict";
  const clips = JSON.parse(document.getElementById("clips-data").textContent);
  const $ = (id) => document.getElementById(id);
  const show = $("show"), screen = $("screen"), presenter = $("presenter"), play = $("play");
  let at = 0, started = 0, ticking = 0;

  const clock = (seconds) => {
    const s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  };

  function tick() {
    const elapsed = clock((Date.now() - started) / 1000);
    $("hud-time").textContent = elapsed;
    $("p-time").textContent = elapsed;
    $("p-clip").textContent = "clip " + clock(screen.currentTime) + " / " + clock(clips[at].duration);
  }

  function start() {  // play the clip with its voice; a browser that wants a click first gets a button
    play.hidden = true;
    const playing = screen.play();
    if (playing) {
      playing.catch((e) => { if (e.name === "NotAllowedError") play.hidden = false; });
    }
  }

  function go(i) {
    at = Math.max(0, Math.min(clips.length - 1, i));
    const clip = clips[at], next = clips[at + 1];
    screen.poster = encodeURIComponent(clip.still);
    screen.src = encodeURIComponent(clip.video);
    screen.setAttribute("aria-label", clip.beat);
    start();
    const number = (at + 1) + " / " + clips.length;
    $("hud-number").textContent = number;
    $("p-number").textContent = "Slide " + number + " · " + clip.beat;
    $("p-chapter").textContent = clip.chapter;
    $("p-notes").textContent = clip.text;
    $("p-next").hidden = !next;
    if (next) $("p-next").src = encodeURIComponent(next.still);
    $("p-next-label").textContent = next ? "Next: " + next.beat : "This is the last slide.";
    try { history.replaceState(null, "", "#present-" + (at + 1)); } catch (e) { /* not for every page */ }
    tick();
  }

  function step(by) {
    const i = at + by;
    if (i >= 0 && i < clips.length) go(i);
  }

  function fullScreen(on) {
    if (on && !document.fullscreenElement && show.requestFullscreen) {
      show.requestFullscreen().catch(() => {});  // refused without a click or key press: stays a page
    } else if (!on && document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    }
  }

  function present(i, full) {
    for (const video of document.querySelectorAll("main video")) video.pause();
    if (document.activeElement) document.activeElement.blur();
    show.hidden = false;
    document.body.classList.add("presenting");
    started = Date.now();
    clearInterval(ticking);
    ticking = setInterval(tick, 250);
    go(i);
    if (full) fullScreen(true);
  }

  function leave() {
    screen.pause();
    show.hidden = true;
    document.body.classList.remove("presenting");
    clearInterval(ticking);
    fullScreen(false);
    try { history.replaceState(null, "", location.pathname + location.search); } catch (e) { /* as above */ }
    const card = document.getElementById(clips[at].beat);
    if (card) card.scrollIntoView({ block: "center" });
  }

  const NEXT = ["ArrowRight", "ArrowDown", "PageDown", " ", "Enter"];
  const BACK = ["ArrowLeft", "ArrowUp", "PageUp", "Backspace"];
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (show.hidden) {
      if (key === "p") { e.preventDefault(); present(0, true); }
      return;
    }
    if (NEXT.includes(key)) step(1);
    else if (BACK.includes(key)) step(-1);
    else if (key === "Home") go(0);
    else if (key === "End") go(clips.length - 1);
    else if (key === "n") presenter.hidden = !presenter.hidden;
    else if (key === "f") fullScreen(!document.fullscreenElement);
    else if (key === "r") { screen.currentTime = 0; start(); }
    else if (key === "Escape") leave();
    else return;
    e.preventDefault();
  });
  $("stage").addEventListener("click", () => { if (play.hidden) step(1); else start(); });
  play.addEventListener("click", (e) => { e.stopPropagation(); play.blur(); start(); });
  $("present").addEventListener("click", () => present(0, true));
  for (const button of document.querySelectorAll("button[data-slide]")) {
    button.addEventListener("click", () => present(Number(button.dataset.slide), true));
  }
  const asked = /^#present(?:-(\\d+))?$/.exec(location.hash);
  if (asked) present((Number(asked[1]) || 1) - 1, false);
})();
"""


def _script_json(data) -> str:
    """JSON that can sit inside a <script> element: no "<", ">" or "&" that could end it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def index_html(clips: list[Clip], title: str, deck: Path | None = None) -> str:
    """A contact sheet: every clip with its still (as the poster) and its notes; and a present
    mode (P, or a button): full screen, one beat per slide, each clip playing with its voice,
    → / space / click for the next, ← for the one before, N for the presenter view (notes, the
    next slide), the slide number and the time since the start shown. Offline: its script and
    style are inside it, and every word from the lesson is escaped or set as text."""
    esc = html.escape
    cards = []
    for i, clip in enumerate(clips):
        extras = "".join(
            f' · <a href="{esc(p.name)}">{esc(p.suffix[1:].upper())}</a>' for p in (clip.gif, clip.webm) if p
        )
        cards.append(
            f'<figure id="{esc(clip.beat)}">'
            f'<video src="{esc(clip.video.name)}" poster="{esc(clip.still.name)}" '
            f'controls preload="none"></video><figcaption><strong>{esc(clip.beat)}</strong> · '
            f'{clip.duration:.1f} s · <a href="{esc(clip.video.name)}">MP4</a> · '
            f'<a href="{esc(clip.still.name)}">PNG</a>{extras} · '
            f'<button type="button" data-slide="{i}">Present from here</button>'
            f"<p>{esc(clip.text)}</p></figcaption></figure>"
        )
    data = [
        dict(
            beat=c.beat,
            chapter=c.chapter,
            video=c.video.name,
            still=c.still.name,
            duration=round(c.duration, 3),
            text=c.text,
        )
        for c in clips
    ]
    deck_link = f' · <a href="{esc(deck.name)}">{esc(deck.name)}</a>' if deck else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}: clips</title>
<style>{PRESENT_CSS}</style></head><body>
<header><h1>{esc(title)}: clips</h1>
<p><button type="button" id="present">Present</button> {len(clips)} clips, one a slide:
<kbd>P</kbd> presents full screen, <kbd>→</kbd> <kbd>space</kbd> or a click for the next,
<kbd>←</kbd> back, <kbd>N</kbd> notes, <kbd>Esc</kbd> leaves.
<a href="notes.md">notes.md</a>{deck_link}</p></header>
<main>
{chr(10).join(cards)}
</main>
<section id="show" hidden aria-label="Presentation">
<div id="stage"><video id="screen" playsinline preload="auto"></video>
<button type="button" id="play" hidden>Play with sound</button>
<div id="hud"><span id="hud-number"></span> · <span id="hud-time"></span></div></div>
<aside id="presenter" hidden aria-label="Presenter view">
<div class="clock"><span id="p-time"></span><span id="p-clip"></span></div>
<p id="p-number"></p><p id="p-chapter"></p><p id="p-notes"></p>
<p id="p-next-label"></p><img id="p-next" alt="the next slide">
<p class="keys"><kbd>→</kbd> next · <kbd>←</kbd> back · <kbd>R</kbd> replay · <kbd>N</kbd> hide notes ·
<kbd>F</kbd> full screen · <kbd>Esc</kbd> leave</p></aside>
</section>
<script type="application/json" id="clips-data">
{_script_json(data)}
</script>
<script>{PRESENT_JS}</script>
</body></html>
"""


def beat_spans(record) -> list[tuple[str, float, float, str]]:
    """(beat id, start, end, narration) of each beat of a chapter record."""
    phrases: dict[str, list[str]] = {}
    for line in record.lines:  # a beat's phrases, in order, make its narration
        phrases.setdefault(line["beat"], []).append(line["text"])
    lines = {beat: " ".join(words) for beat, words in phrases.items()}
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
        with av.open(str(source)) as c:
            voiced = bool(c.streams.audio)
        sound = decoded_sound(source) if voiced else None  # once per chapter, cut for each beat
        grid = frame_grid(source)
        alpha = webm_by_name.get(record.name)
        if alpha is not None:
            alpha_spans = {b: (s0, s1) for b, s0, s1, _ in beat_spans(alpha)}
            alpha_grid = frame_grid(out_dir / alpha.video)
        for beat, start, end, text in beat_spans(record):  # a voiced chapter's padding is left out
            video = cut_video(source, out_dir / f"{beat}.mp4", start, end, sound, grid)
            still = last_frame(video, out_dir / f"{beat}.png")
            clip = Clip(
                beat=beat,
                chapter=chapter.title,
                text=text,
                video=video,
                still=still,
                duration=video_duration(video),
                chapter_number=record.index,
            )
            if gif:
                clip.gif = make_gif(video, out_dir / f"{beat}.gif")
            if alpha is not None:  # its own render: cut at its own beat starts
                a0, a1 = alpha_spans.get(beat, (start, end))
                webm = out_dir / f"{beat}.webm"
                clip.webm = cut_video(out_dir / alpha.video, webm, a0, a1, grid=alpha_grid)
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
    pptx: bool = False,
    stills_only: bool = False,
    progress_stream=None,
) -> Clips:
    """One clip per beat in out_dir (MP4 with its narration, PNG of its last frame, optionally a GIF
    and a transparent WebM), notes.md, index.html and manifest.json; with `pptx`, lesson.pptx (each
    beat's slide plays its clip); with `stills_only`, lesson-stills.pptx (each beat's still instead).
    The chapters are rendered (or reused) in out_dir/.nextword and cut by stream copy."""
    common = dict(out_dir=out_dir, media_dir=media_dir, jobs=jobs, progress_stream=progress_stream)
    records, _ = render_chapters(chapters, settings, chapter_dir=f"{STATE_DIR}/chapters", **common)
    alpha = None
    if webm:
        alpha = render_chapters(
            chapters, settings.replace(transparent=True), chapter_dir=f"{STATE_DIR}/alpha", **common
        )[0]
    clips = Clips(make_clips(records, chapters, out_dir, gif=gif, webm_records=alpha))
    if pptx or stills_only:
        media = "stills" if stills_only else "clips"
        path = out_dir / (STILLS_DECK if stills_only else DECK)
        clips.deck = Deck(path, media, build_deck(clips, settings.lesson_title, path, media=media))
    write_text(out_dir / "notes.md", notes_markdown(clips))
    deck_path = clips.deck.path if clips.deck else None
    write_text(out_dir / "index.html", index_html(clips, settings.lesson_title, deck_path))
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
    deck = {}
    if clips.deck:
        kind = "slide deck (stills)" if clips.deck.media == "stills" else "slide deck (clips)"
        made.append(dict(path=clips.deck.path, kind=kind, slides=clips.deck.slides))
        deck = dict(
            deck=dict(
                file=clips.deck.path.name,
                media=clips.deck.media,
                slides=clips.deck.slides,
                bytes=clips.deck.size,
            )
        )
    write_manifest(out_dir / "manifest.json", made, render_settings(settings, clips=len(clips), **deck))
    return clips
