"""What goes beside the lesson on YouTube: the chapter list and the description.

Plain data and text (no manim): every time comes from the rendered chapters' durations,
every fact from the trace, every number written by scenes.kit.formatting as the video
writes it.
"""

from __future__ import annotations

from model.analysis import focus_pair
from scenes.kit.formatting import clock, count, learning_rate, percent

MIN_CHAPTER_SECONDS = 10.0  # YouTube ignores chapter lists with a shorter chapter
MIN_CHAPTERS = 3  # YouTube shows chapters only when the list has at least three
MAX_TITLE = 100  # characters in a YouTube title
MAX_DESCRIPTION = 5000  # bytes in a YouTube description


def youtube_text(text: str) -> str:
    """Text YouTube accepts in a title or description: it refuses "<" and ">", so they become the
    look-alike angle quotes ‹ and ›."""
    return text.replace("<", "‹").replace(">", "›")


def youtube_title(title: str) -> str:
    """The lesson's title as a YouTube title: acceptable characters, at most MAX_TITLE characters
    (cut at a word with "…" when longer)."""
    title = " ".join(youtube_text(title).split())
    if len(title) <= MAX_TITLE:
        return title
    cut = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] or title[: MAX_TITLE - 1]
    return cut.rstrip() + "…"


def youtube_chapters(chapters: list[tuple[str, float]], total: float) -> list[tuple[str, float]]:
    """(title, start in seconds) of each chapter, made fit for YouTube: the first at 0:00 and every
    chapter at least MIN_CHAPTER_SECONDS long (a shorter one is folded into the one before it);
    none at all when fewer than MIN_CHAPTERS remain (YouTube would ignore the list)."""
    kept: list[tuple[str, float]] = []
    starts = [start for _, start in chapters] + [total]
    for (title, start), end in zip(chapters, starts[1:]):
        if not kept:
            kept.append((title, 0.0))
        elif end - start >= MIN_CHAPTER_SECONDS and start - kept[-1][1] >= MIN_CHAPTER_SECONDS:
            kept.append((title, start))
    if len(kept) > 1 and total - kept[-1][1] < MIN_CHAPTER_SECONDS:
        kept.pop()
    return kept if len(kept) >= MIN_CHAPTERS else []


def chapters_text(chapters: list[tuple[str, float]]) -> str:
    """The chapter list in YouTube's description format: one "0:00 Title" line per chapter."""
    return "".join(f"{clock(start)} {youtube_text(title)}\n" for title, start in chapters)


def lesson_summary(trace) -> str:
    """Two sentences about the run the lesson shows, from the trace's own facts."""
    p = focus_pair(trace)
    ctx, target = trace.pair_words(p)
    words = sum(len(s) for s in trace.sentences)
    text = trace.sentences[0] if len(trace.sentences) == 1 else None
    about = f"“{' '.join(text)}”" if text and len(text) <= 12 else f"a text of {count(words)} words"
    network = f"A tiny neural network ({count(trace.parameters)} parameters)"
    if trace.diverged_epoch is not None:
        return (
            f"{network} is trained for real to predict the next word of {about} at learning rate "
            f"{learning_rate(trace.config.lr)}, and its loss blows up in epoch {trace.diverged_epoch}: "
            "the lesson shows what that looks like."
        )
    out = (
        f"{network} learns to predict the next word of "
        f"{about}, trained for real for {trace.last_epoch} epochs at learning rate "
        f"{learning_rate(trace.config.lr)}."
    )
    before, after = float(trace.p_correct[0, p]), float(trace.p_correct[-1, p])
    return out + (
        f" After “{' '.join(ctx)}” it gives the right word, “{target}”, {percent(before)} before "
        f"training and {percent(after)} after."
    )


def description_text(title: str, summary: str, chapters: list[tuple[str, float]]) -> str:
    """description.txt: the title, the summary, and the chapter list (when YouTube would show one),
    ready to paste into YouTube: no "<" or ">", at most MAX_DESCRIPTION bytes (the summary is
    shortened if it must be)."""
    listed = f"Chapters\n{chapters_text(chapters)}\n" if chapters else ""

    def text(about: str) -> str:
        return (
            f"{youtube_title(title)}\n\n{youtube_text(about)}\n\nEvery number in the video comes from the "
            f"recorded training run.\n\n{listed}Made with nextword.\n"
        )

    out = text(summary)
    excess = len(out.encode("utf-8")) - MAX_DESCRIPTION
    if excess > 0:  # a very long text: its summary gives way
        kept = summary.encode("utf-8")[: max(0, len(summary.encode("utf-8")) - excess - 3)]
        out = text(kept.decode("utf-8", "ignore").rstrip() + "…")
    return out


MAX_SHORT_SECONDS = 180.0  # YouTube treats a vertical (or square) video up to 3 minutes long as a Short
SHORT_TEASER = 300  # characters of a chapter's narration quoted in its Short's description


def short_title(chapter_title: str, lesson_title: str, number: int, total: int) -> str:
    """A chapter's Short title: the chapter first (what shows on the Shorts shelf), its place, then the
    lesson; YouTube's rules as for any title (see youtube_title)."""
    return youtube_title(f"{chapter_title} ({number}/{total}) · {lesson_title}")


def shorts_text(lesson_title: str, shorts: list[tuple[str, str, float, str]]) -> str:
    """shorts.txt: for each chapter (file name, chapter title, seconds, its narration) its Short's
    title and description lines, ready to paste; a chapter of MAX_SHORT_SECONDS or more is listed
    as too long to be a Short (its file is not written)."""
    total = len(shorts)
    out = [
        "YouTube Shorts: each chapter of the vertical lesson on its own, under 3 minutes.",
        "Upload each file with the title and description below it.",
    ]
    for number, (name, title, seconds, narration) in enumerate(shorts, 1):
        out += ["", f"== {name} ({clock(seconds)})"]
        if seconds >= MAX_SHORT_SECONDS:
            out.append(f"{clock(seconds)} long, over the 3 minutes a Short may last: not written as a Short.")
            continue
        teaser = " ".join(narration.split())
        if len(teaser) > SHORT_TEASER:
            teaser = teaser[: SHORT_TEASER - 1].rsplit(" ", 1)[0] + "…"
        out += [
            f"Title: {short_title(title, lesson_title, number, total)}",
            "Description:",
            youtube_text(f"Part {number} of {total} of “{' '.join(lesson_title.split())}”: {title}."),
            youtube_text(teaser),
            "#Shorts",
        ]
    return "\n".join(out) + "\n"
