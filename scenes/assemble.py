"""Join chapter clips into one lesson: video by stream copy (no re-encoding), subtitles shifted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from model.files import atomic_path


def video_duration(path: Path) -> float:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return float(c.duration / av.time_base)


def concat_videos(inputs: list[Path], dest: Path) -> Path:
    """Concatenate MP4s with identical stream settings into `dest`, written whole or not at all."""
    with atomic_path(dest) as tmp, av.open(str(inputs[0])) as first, av.open(str(tmp), "w", format="mp4") as out:
        templates = {s.type: s for s in first.streams if s.type in ("video", "audio")}
        out_streams = {kind: out.add_stream_from_template(s) for kind, s in templates.items()}
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


# ---- subtitles ------------------------------------------------------------------------

_TIME = re.compile(r"(\d+):(\d+):(\d+)[,.](\d+)")


@dataclass
class Cue:
    start: float
    end: float
    text: str


def _seconds(stamp: str) -> float:
    h, m, s, ms = _TIME.match(stamp.strip()).groups()
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")[:3]) / 1000


def _stamp(t: float, sep: str = ",") -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def read_srt(path: Path) -> list[Cue]:
    cues = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        lines = block.strip().splitlines()
        if len(lines) >= 2 and "-->" in lines[1]:
            a, b = lines[1].split("-->")
            cues.append(Cue(_seconds(a), _seconds(b), "\n".join(lines[2:])))
    return cues


def write_srt(cues: list[Cue], dest: Path) -> Path:
    body = "\n".join(f"{i}\n{_stamp(c.start)} --> {_stamp(c.end)}\n{c.text}\n" for i, c in enumerate(cues, 1))
    with atomic_path(dest) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return dest


def shifted(cues: list[Cue], offset: float) -> list[Cue]:
    return [Cue(c.start + offset, c.end + offset, c.text) for c in cues]
