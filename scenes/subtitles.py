"""Subtitles: SRT and WebVTT from the narration, in cues short enough to read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from model.files import atomic_path

MAX_LINE = 42  # characters per subtitle line (a common broadcast limit)
MAX_LINES = 2  # lines per cue

_TIME = re.compile(r"(\d+):(\d+):(\d+)[,.](\d+)")


@dataclass
class Cue:
    start: float
    end: float
    text: str  # up to two lines, joined by "\n"


def wrap_words(words: list[str], max_chars: int = MAX_LINE) -> list[str]:
    """Greedy word wrap: as many words per line as fit in max_chars."""
    lines, current = [], ""
    for w in words:
        candidate = f"{current} {w}".strip()
        if len(candidate) > max_chars and current:
            lines.append(current)
            current = w
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def line_cues(text: str, start: float, end: float) -> list[Cue]:
    """Split one narration line into cues of at most two short lines, in order, sharing
    [start, end] in proportion to their length."""
    lines = wrap_words(text.split())
    groups = ["\n".join(lines[i : i + MAX_LINES]) for i in range(0, len(lines), MAX_LINES)]
    total = sum(len(g) for g in groups) or 1
    cues, t = [], start
    for g in groups:
        span = (end - start) * len(g) / total
        cues.append(Cue(t, t + span, g))
        t += span
    if cues:
        cues[-1].end = end
    return cues


def narration_cues(lines) -> list[Cue]:
    """Cues for a chapter's narration lines: while each line is spoken (or shown, without a voice)."""
    cues = []
    for line in lines:
        end = line.start + line.audio_duration if line.audio_duration else line.end
        cues += line_cues(line.text, line.start, min(end, line.end))
    return cues


def shifted(cues: list[Cue], offset: float) -> list[Cue]:
    return [Cue(c.start + offset, c.end + offset, c.text) for c in cues]


def _stamp(t: float, sep: str) -> str:
    ms = int(round(max(t, 0.0) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _srt_safe(text: str) -> str:
    """SRT has no escapes, and players read <b>, <i>, <font …> and {\\an8} as formatting. A
    zero-width space after "<" and "{" keeps such words on screen exactly as typed."""
    return text.replace("<", "<\u200b").replace("{", "{\u200b")


def write_srt(cues: list[Cue], dest: Path) -> Path:
    body = "\n".join(f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{_srt_safe(c.text)}\n"
                     for i, c in enumerate(cues, 1))
    with atomic_path(dest) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return dest


def write_vtt(cues: list[Cue], dest: Path) -> Path:
    body = "WEBVTT\n\n" + "\n".join(f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{_vtt_escape(c.text)}\n" for c in cues)
    with atomic_path(dest) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return dest


def _vtt_escape(text: str) -> str:
    """WebVTT reads < and & as markup: escape them so words show as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _seconds(stamp: str) -> float:
    h, m, s, ms = _TIME.match(stamp.strip()).groups()
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")[:3]) / 1000


def read_srt(path: Path) -> list[Cue]:
    cues = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        lines = block.strip().splitlines()
        if len(lines) >= 2 and "-->" in lines[1]:
            a, b = lines[1].split("-->")
            cues.append(Cue(_seconds(a), _seconds(b), "\n".join(lines[2:]).replace("\u200b", "")))
    return cues


def read_vtt(path: Path) -> list[Cue]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("WEBVTT"):
        raise ValueError(f"{path} is not WebVTT")
    cues = []
    for block in re.split(r"\n\s*\n", text.strip())[1:]:
        lines = block.strip().splitlines()
        if lines and "-->" in lines[0]:
            a, b = lines[0].split("-->")
            body = "\n".join(lines[1:]).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            cues.append(Cue(_seconds(a), _seconds(b), body))
    return cues
