"""Join chapter clips into one lesson: video by stream copy (no re-encoding), with the index at
the front of the file (fast start), no edit list, and chapter markers inside the file."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from scenes.files import atomic_path
from scenes.rendering.audio import video_duration
from scenes.rendering.formats import MP4_OPTIONS


def concat_videos(inputs: list[Path], dest: Path, chapters: list[tuple[str, float]] | None = None) -> Path:
    """Concatenate MP4s with identical stream settings into `dest`, written whole or not at all.

    chapters: (title, start in seconds) markers written into the file (players list them).
    """
    durations = [video_duration(p) for p in inputs]
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
        offset = Fraction(0)  # seconds already written
        for path in inputs:
            with av.open(str(path)) as src:
                length = Fraction(0)
                for stream in src.streams:
                    if stream.type in out_streams and stream.duration is not None:
                        length = max(length, stream.duration * stream.time_base)
                for packet in src.demux(*[s for s in src.streams if s.type in out_streams]):
                    if packet.dts is None:
                        continue
                    shift = int(offset / packet.stream.time_base)
                    packet.pts = None if packet.pts is None else packet.pts + shift
                    packet.dts += shift
                    packet.stream = out_streams[packet.stream.type]
                    out.mux(packet)
            offset += length
    return dest
