"""Subtitles: SRT and WebVTT from the narration, in cues short enough to read.

SRT is written and read with the `srt` package; WebVTT is SRT's cues with its own header,
timestamps and escapes. Both are UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt

from scenes.files import write_text
from scenes.kit.formatting import wrap_words

MAX_LINE = 42  # characters per subtitle line (a common broadcast limit)
MAX_LINES = 2  # lines per cue


@dataclass
class Cue:
    start: float  # seconds
    end: float  # seconds
    text: str  # up to two lines, joined by "\n"


def _short_words(words: list[str]) -> list[str]:
    """Words no longer than a subtitle line: a longer one is broken into pieces, each but the last
    ending in a hyphen."""
    out = []
    for word in words:
        while len(word) > MAX_LINE:
            out.append(word[: MAX_LINE - 1] + "-")
            word = word[MAX_LINE - 1 :]
        out.append(word)
    return out


def line_cues(text: str, start: float, end: float) -> list[Cue]:
    """Split one narration line into cues of at most two short lines, in order, sharing
    [start, end] in proportion to their length."""
    lines = wrap_words(_short_words(text.split()), MAX_LINE)
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
    """The same cues `offset` seconds later (a chapter's cues placed in the whole lesson)."""
    return [Cue(c.start + offset, c.end + offset, c.text) for c in cues]


def _srt_safe(text: str) -> str:
    """SRT has no escapes, and players read <b>, <i>, <font …> and {\\an8} as formatting. A
    zero-width space after "<" and "{" keeps such words on screen exactly as typed."""
    return text.replace("<", "<\u200b").replace("{", "{\u200b")


def _subtitles(cues: list[Cue]) -> list[srt.Subtitle]:
    return [
        srt.Subtitle(
            index=i,
            start=timedelta(seconds=max(c.start, 0.0)),
            end=timedelta(seconds=max(c.end, 0.0)),
            content=_srt_safe(c.text),
        )
        for i, c in enumerate(cues, 1)
    ]


BOM = "\ufeff"  # the UTF-8 byte-order mark some players (and Windows tools) need to read UTF-8


def write_srt(cues: list[Cue], dest: Path, bom: bool = False) -> Path:
    """SubRip subtitles (UTF-8; with a byte-order mark first when `bom`), written whole or not at all."""
    return write_text(dest, (BOM if bom else "") + srt.compose(_subtitles(cues), reindex=False))


def _vtt_stamp(t: timedelta) -> str:
    return srt.timedelta_to_srt_timestamp(t).replace(",", ".")


def _vtt_escape(text: str) -> str:
    """WebVTT reads < and & as markup: escape them so words show as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(cues: list[Cue], dest: Path, bom: bool = False) -> Path:
    """WebVTT subtitles (UTF-8; with a byte-order mark first when `bom`, which WebVTT allows) for
    browsers, written whole or not at all."""
    body = "".join(
        f"\n{_vtt_stamp(s.start)} --> {_vtt_stamp(s.end)}\n{_vtt_escape(_unguarded(s.content))}\n"
        for s in _subtitles(cues)
    )
    return write_text(dest, (BOM if bom else "") + "WEBVTT\n" + body)


def _unguarded(text: str) -> str:
    return text.replace("\u200b", "")


def read_srt(path: Path) -> list[Cue]:
    """The cues of a SubRip file (as write_srt wrote them: the zero-width guards removed)."""
    return [
        Cue(s.start.total_seconds(), s.end.total_seconds(), _unguarded(s.content))
        for s in srt.parse(path.read_text(encoding="utf-8-sig"))  # with or without a byte-order mark
    ]


def read_vtt(path: Path) -> list[Cue]:
    """The cues of a WebVTT file: its header checked, its timestamps read as SRT's."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("WEBVTT"):
        raise ValueError(f"{path} is not WebVTT")
    blocks = [b for b in text.split("\n\n")[1:] if "-->" in b]
    as_srt = "".join(f"{i}\n{_srt_times(b.strip())}\n\n" for i, b in enumerate(blocks, 1))
    return [
        Cue(
            s.start.total_seconds(),
            s.end.total_seconds(),
            s.content.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"),
        )
        for s in srt.parse(as_srt)
    ]


def _srt_times(block: str) -> str:
    head, _, body = block.partition("\n")
    return head.replace(".", ",") + "\n" + body
