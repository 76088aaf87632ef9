"""Join chapter clips into one lesson: video by stream copy (no re-encoding), with the index at
the front of the file (fast start), no edit list, and chapter markers inside the file."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from scenes.files import atomic_path
from scenes.rendering.audio import frame_grid, grid_packets, interleaved, video_duration
from scenes.rendering.formats import MP4_OPTIONS


def concat_videos(inputs: list[Path], dest: Path, chapters: list[tuple[str, float]] | None = None) -> Path:
    """Concatenate MP4s with identical stream settings into `dest`, written whole or not at all.

    Each part's picture starts right after the last frame of the one before (frames restamped
    on the exact frame grid, k / fps), and its sound right after the last sample of the one
    before, as a player hears it. Parts whose sound is as long as their picture (see
    scenes.rendering.audio.mux_narration) therefore stay in step to the sample, however many.

    chapters: (title, start in seconds) markers written into the file (players list them).
    """
    durations = [video_duration(p) for p in inputs]
    grids = [frame_grid(p) for p in inputs]
    delay = max(g.delay for g in grids)  # one decoding delay for the whole picture
    with atomic_path(dest) as tmp, av.open(str(inputs[0])) as first, \
            av.open(str(tmp), "w", format="mp4", options=MP4_OPTIONS) as out:
        templates = {s.type: s for s in first.streams if s.type in ("video", "audio")}
        out_streams = {kind: out.add_stream_from_template(s) for kind, s in templates.items()}
        if chapters:
            total = sum(durations)
            ends = [start for _, start in chapters[1:]] + [total]
            out.set_chapters([
                {"id": k + 1, "start": int(round(start * 1000)), "end": int(round(end * 1000)),
                 "time_base": Fraction(1, 1000), "metadata": {"title": title}}
                for k, ((title, start), end) in enumerate(zip(chapters, ends))
            ])
        frames = 0  # frames already written
        sound = 0  # ticks of sound already written (in the sound's time base)
        for path, grid in zip(inputs, grids):
            with av.open(str(path)) as src, av.open(str(path)) as again:  # a pass for each stream

                def picture():
                    for packet in grid_packets(src, src.streams.video[0], grid, at=frames, delay=delay):
                        packet.stream = out_streams["video"]
                        yield packet

                def voice(start):
                    for packet in again.demux(again.streams.audio[0]):
                        if packet.dts is None:
                            continue
                        packet.pts = None if packet.pts is None else packet.pts + start
                        packet.dts += start
                        ends[0] = max(ends[0], packet.dts + (packet.duration or 0))
                        packet.stream = out_streams["audio"]
                        yield packet

                ends = [sound]
                voiced = "audio" in out_streams and again.streams.audio
                for packet in interleaved(picture(), *([voice(sound)] if voiced else [])):
                    out.mux(packet)
                sound = ends[0]
            frames += grid.count
    return dest
