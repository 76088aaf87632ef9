"""What goes beside the lesson for publishing: YouTube chapters, a description, a manifest.

Plain data and text (no manim): every time comes from the rendered chapters' durations,
every fact from the trace.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from model.files import atomic_path

MIN_CHAPTER_SECONDS = 10.0  # YouTube ignores chapter lists with a shorter chapter


def clock(seconds: float) -> str:
    """A time as YouTube writes it: 0:00, 4:05, 1:02:03 (whole seconds, rounded down)."""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def youtube_chapters(chapters: list[tuple[str, float]], total: float) -> list[tuple[str, float]]:
    """(title, start) of each chapter, made fit for YouTube: the first at 0:00 and every chapter at
    least MIN_CHAPTER_SECONDS long (a shorter one is folded into the one before it)."""
    kept: list[tuple[str, float]] = []
    starts = [start for _, start in chapters] + [total]
    for (title, start), end in zip(chapters, starts[1:]):
        if not kept:
            kept.append((title, 0.0))
        elif end - start >= MIN_CHAPTER_SECONDS and start - kept[-1][1] >= MIN_CHAPTER_SECONDS:
            kept.append((title, start))
    if len(kept) > 1 and total - kept[-1][1] < MIN_CHAPTER_SECONDS:
        kept.pop()
    return kept


def chapters_text(chapters: list[tuple[str, float]]) -> str:
    """The chapter list in YouTube's description format: one "0:00 Title" line per chapter."""
    return "".join(f"{clock(start)} {title}\n" for title, start in chapters)


def lesson_summary(trace) -> str:
    """Two sentences about the run the lesson shows, from the trace's own facts."""
    cfg = trace.config
    from model.analysis import focus_pair

    p = focus_pair(trace)
    ctx, target = trace.pair_words(p)
    words = sum(len(s) for s in trace.sentences)
    text = trace.sentences[0] if len(trace.sentences) == 1 else None
    about = f"“{' '.join(text)}”" if text and len(text) <= 12 else f"a text of {words} words"
    out = (f"A tiny neural network ({trace.parameters:,} parameters) learns to predict the next word of {about}, "
           f"trained for real for {trace.last_epoch} epochs at learning rate {cfg.lr:g}.")
    if trace.diverged_epoch is not None:
        return out + f" This run diverged in epoch {trace.diverged_epoch}: the lesson shows what that looks like."
    before, after = float(trace.p_correct[0, p]), float(trace.p_correct[-1, p])
    return out + (f" After “{' '.join(ctx)}” it gives the right word, “{target}”, {before:.0%} before training "
                  f"and {after:.0%} after.")


def description_text(title: str, summary: str, chapters: list[tuple[str, float]]) -> str:
    return (f"{title}\n\n{summary}\n\nEvery number in the video comes from the recorded training run.\n\n"
            f"Chapters\n{chapters_text(chapters)}\nMade with nextword.\n")


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_text(path: Path, content: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(content, encoding="utf-8")
    return path


def write_manifest(path: Path, files: list[dict], settings: dict) -> Path:
    """manifest.json: the settings of the render and every file made, each with its size,
    its SHA-256 and (for media) its duration."""
    root = path.parent
    entries = []
    for entry in files:
        f = Path(entry["path"])
        entries.append({**entry, "path": f.relative_to(root).as_posix(), "bytes": f.stat().st_size,
                        "sha256": file_digest(f)})
    return write_text(path, json.dumps({"settings": settings, "files": entries}, indent=2, ensure_ascii=False) + "\n")
