"""How the lesson writes numbers and text, for every output: the video, the narration, the
subtitles, the script, the YouTube description and the thumbnail. Pure Python: no manim,
so publishing code formats a value exactly as the video does."""

from __future__ import annotations


def percent(p: float, decimals: int | None = None) -> str:
    """How the lesson writes a probability: whole percent, or one decimal near the ends
    (or exactly `decimals` decimals). Only a certainty is written 100% or 0%: 99.96% is "99.9%"
    and 0.04% is "0.1%", never "100.0%" or "0.0%". At most 5 characters without `decimals`."""
    value = 100.0 * float(p)
    if decimals is not None:
        return f"{value:.{decimals}f}%"
    if 0 < value < 1 or 99 < value < 100:
        return f"{min(max(value, 0.1), 99.9):.1f}%"
    return f"{value:.0f}%"


def percents_apart(before: float, after: float) -> tuple[str, str]:
    """Two probabilities written with the fewest decimals (up to 3) that show they differ:
    a small step reads "4.6% → 4.9%", not "5% → 5%"."""
    a, b = percent(before), percent(after)
    decimals = 1
    while a == b and before != after and decimals <= 3:
        a, b = percent(before, decimals), percent(after, decimals)
        decimals += 1
    return a, b


def signed(value: float, digits: int = 2) -> str:
    """A value for a cell: a true minus sign for negatives, a space for positives (digits line up).
    At most digits + 3 characters: big values (a diverging run) give up decimals to fit."""
    width = digits + 2  # characters after the sign
    magnitude = abs(float(value))
    body = f"{magnitude:.{digits}f}"
    for d in range(digits, -1, -1):
        body = f"{magnitude:.{d}f}"
        if len(body) <= width:
            break
    if len(body) > width:
        body = f"{magnitude:.0e}".replace("e+0", "e").replace("e+", "e")[:width]
    return ("−" if value < 0 and float(body) != 0 else " ") + body




def wrap_words(words: list[str], max_chars: int) -> list[str]:
    """Greedy word wrap: as many words per line as fit in `max_chars` characters (a longer
    word gets a line of its own)."""
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


def clock(seconds: float) -> str:
    """A time as YouTube writes it: 0:00, 4:05, 1:02:03 (whole seconds, rounded down). Used for
    chapter lists, the script and progress displays alike."""
    s = int(max(seconds, 0.0))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


ROUND_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)


def round_step(last: int, most: int) -> int:
    """The smallest round step (1, 2, 5, 10, 20, 25, 50, ...) that counts from 0 to `last` in at
    most `most` steps: for epoch ticks on an axis and epoch rows in a table."""
    return next((s for s in ROUND_STEPS if last / s <= most), ROUND_STEPS[-1])



def count(n: int) -> str:
    """A count as the lesson writes it: 1,234 (parameters, words, steps)."""
    return f"{int(n):,}"


def learning_rate(lr: float) -> str:
    """A learning rate as the lesson writes it: 0.01, 5, 1e-06 (Python's general format)."""
    return f"{float(lr):g}"


def loss_value(x: float, digits: int = 2) -> str:
    """A cross-entropy value (nats) with a fixed number of decimals: 1.61."""
    return f"{float(x):.{digits}f}"


def probability(p: float, digits: int = 3) -> str:
    """A probability (0 to 1) as a plain decimal, for formulas such as −log p: 0.167."""
    return f"{float(p):.{digits}f}"


def gradient_size(g: float) -> str:
    """The size of a gradient (its Euclidean norm, in loss per unit of weight), 3 decimals: 0.052."""
    return f"{float(g):.3f}"


def tick(value: float) -> str:
    """A round value on a chart's axis (any unit) in its shortest form: 0, 0.25, 2.5, 10."""
    return f"{value:g}"
