"""What goes beside the lesson on YouTube: the chapter list and the description.

Plain data and text (no manim): every time comes from the rendered chapters' durations,
every fact from the trace, every number written by scenes.kit.formatting as the video
writes it.
"""

from __future__ import annotations

from model.analysis import focus_pair
from scenes.kit.formatting import clock, count, learning_rate, percent

MIN_CHAPTER_SECONDS = 10.0  # YouTube ignores chapter lists with a shorter chapter


def youtube_chapters(chapters: list[tuple[str, float]], total: float) -> list[tuple[str, float]]:
    """(title, start in seconds) of each chapter, made fit for YouTube: the first at 0:00 and every
    chapter at least MIN_CHAPTER_SECONDS long (a shorter one is folded into the one before it)."""
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
    p = focus_pair(trace)
    ctx, target = trace.pair_words(p)
    words = sum(len(s) for s in trace.sentences)
    text = trace.sentences[0] if len(trace.sentences) == 1 else None
    about = f"“{' '.join(text)}”" if text and len(text) <= 12 else f"a text of {count(words)} words"
    out = (
        f"A tiny neural network ({count(trace.parameters)} parameters) learns to predict the next word of "
        f"{about}, trained for real for {trace.last_epoch} epochs at learning rate "
        f"{learning_rate(trace.config.lr)}."
    )
    if trace.diverged_epoch is not None:
        return (
            out
            + f" This run diverged in epoch {trace.diverged_epoch}: the lesson shows what that looks like."
        )
    before, after = float(trace.p_correct[0, p]), float(trace.p_correct[-1, p])
    return out + (
        f" After “{' '.join(ctx)}” it gives the right word, “{target}”, {percent(before)} before "
        f"training and {percent(after)} after."
    )


def description_text(title: str, summary: str, chapters: list[tuple[str, float]]) -> str:
    """description.txt: the title, the summary, and the chapter list, ready to paste into YouTube."""
    return (
        f"{title}\n\n{summary}\n\nEvery number in the video comes from the recorded training run.\n\n"
        f"Chapters\n{chapters_text(chapters)}\nMade with nextword.\n"
    )
