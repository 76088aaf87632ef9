"""Words, vectors and matrices: a word as a coloured chip, a vector as a row of cells
coloured by value, a matrix as labelled rows."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Animation,
    Rectangle,
    RoundedRectangle,
    VGroup,
)

from scenes.kit import style
from scenes.kit.formatting import signed
from scenes.kit.text import GlyphNumber, fit_width, text

# ---- long words ------------------------------------------------------------------
# A word too long for its place is never shrunk below a readable size, and never shrinks its
# neighbours: in a row of labels it is cut short with an ellipsis ("extraordin…"); in a chip it
# wraps onto a second line. The full word stays readable in the text's chips (chapters 1 and 2).
READABLE_SIZE = 12.5  # smallest size a word label is drawn at (the layout check's minimum is 12)
SHARED_FLOOR = 0.7  # a row's labels share one size, never below this share of their full size
SHORT_WORD = 8  # words of at most this many characters are never cut in a row of labels
KEPT = 4  # a cut word keeps at least this many characters before its ellipsis
ELLIPSIS = "…"
CHIP_LINE_CHARS = 16  # a chip's longer word wraps onto lines of at most this many characters


@lru_cache(maxsize=4096)
def _unit_width(word: str) -> float:
    """The width (frame units) of `word` drawn at size 1 (text width grows in proportion to size)."""
    return text(word, 100).width / 100 if word.strip() else 0.0


def _cuts(word: str) -> list[int]:
    """Where `word` may be cut (indices 1..len-1): never inside a character and its combining
    marks, variation selectors or zero-width joiners (an accented letter, an emoji sequence)."""
    def joins(c: str) -> bool:
        return unicodedata.category(c)[0] == "M" or c == "\u200d" or "\ufe00" <= c <= "\ufe0f"

    return [k for k in range(1, len(word)) if not joins(word[k]) and word[k - 1] != "\u200d"]


def shortened_text(word: str, k: int) -> str:
    """The first `k` characters of `word` and an ellipsis ("extraordinarily", 6 → "extrao…")."""
    return word[:k].rstrip() + ELLIPSIS


def short_word(word: str, chars: int = CHIP_LINE_CHARS) -> str:
    """`word`, or when it has more than `chars` characters its beginning and an ellipsis, `chars`
    characters in all: a long word inside a running line (a heading, a note)."""
    if len(word) <= chars:
        return word
    cuts = [k for k in _cuts(word) if k < chars] or [min(chars, len(word))]
    return shortened_text(word, cuts[-1])


def shortened(word: str, size: float, color, max_width: float):
    """`word` at `size`; when wider than `max_width`, its beginning and an ellipsis instead, as much
    of it as fits (one character at least, scaled down only if even that is too wide). Returns a
    Text; `.word` holds the full word."""
    label = text(word, size, color)
    if label.width > max_width > 0:
        cuts = _cuts(word) or [len(word)]
        # Start from the cut the average character width predicts, then step back until it fits.
        guess = len(word) * max_width / label.width
        i = max([0] + [j for j, k in enumerate(cuts) if k <= guess])
        while True:
            label = text(shortened_text(word, cuts[i]), size, color)
            if label.width <= max_width or i == 0:
                break
            i -= 1
        fit_width(label, max_width)
    label.word = word
    return label


def fits_readably(word: str, width: float, size: float) -> bool:
    """Whether `word` can be shown in `width` (frame units) at `size`: whole, or (a word longer
    than SHORT_WORD characters) cut to its first KEPT characters and an ellipsis."""
    if _unit_width(word) * size <= width:
        return True
    cuts = [k for k in _cuts(word) if k >= KEPT]
    return (len(word) > SHORT_WORD and bool(cuts)
            and _unit_width(shortened_text(word, cuts[0])) * size <= width)


def shared_floor(size: float) -> float:
    """The smallest size a row of labels of full size `size` shares: SHARED_FLOOR × size, but
    READABLE_SIZE at least (and `size` at most)."""
    return min(size, max(READABLE_SIZE, SHARED_FLOOR * size))


def shared_label_size(words, width: float, size: float = style.LABEL_SIZE) -> float:
    """The one size a row of word labels is drawn at, each label at most `width` wide: `size`, or
    smaller so that every word fits whole, but never below SHARED_FLOOR × size (nor
    READABLE_SIZE): a word that would need less is cut instead (see word_labels), and leaves the
    others their size."""
    floor = shared_floor(size)
    # (a hair under the exact size: a word that fits exactly is never cut by a rounding error)
    fitting = [size * width * 0.998 / w for w in (_unit_width(word) * size for word in words) if w > 0]
    whole = [f for f in fitting if f >= floor]
    return min([size] + whole) if whole or not fitting else floor


def word_labels(words, colors, width: float, size: float = style.LABEL_SIZE) -> VGroup:
    """A row's labels, one per word in its colour, all at one size (shared_label_size), each at
    most `width` wide: a word too long for that is cut short with an ellipsis (its Text keeps the
    full word as `.word`). Not placed: arrange them."""
    shared = shared_label_size(list(words), width, size)
    return VGroup(*[shortened(word, shared, color, width) for word, color in zip(words, colors)])


def wrapped_word(word: str, line_chars: int = CHIP_LINE_CHARS) -> str:
    """`word` broken onto lines of at most `line_chars` characters, about equally long, each line
    but the last ending in a hyphen ("pneumonoultramicroscopicsilicovolcanoconiosis" → three
    lines); a shorter word, or one with a space, comes back unchanged."""
    if len(word) <= line_chars or " " in word:
        return word
    n = -(-len(word) // (line_chars - 1))
    cuts = _cuts(word)
    ends = [min(cuts, key=lambda k: abs(k - len(word) * j / n)) for j in range(1, n)]
    pieces = [word[a:b] for a, b in zip([0] + ends, ends + [len(word)])]
    return "-\n".join(pieces)


def word_chip(word: str, color, size: float = style.BODY_SIZE, max_width: float | None = None) -> VGroup:
    """A word in its colour on a rounded tag: how the lesson shows a token.

    Without `max_width`, a word longer than CHIP_LINE_CHARS characters wraps onto several lines
    inside its chip (the chip shows the whole word). With `max_width` the chip keeps one line and
    is scaled down to fit, but its word is never drawn below READABLE_SIZE: a word still too wide
    is cut short with an ellipsis. `chip.word` is always the full word.
    """
    pad = 0.3 * size / 24
    if max_width is None:
        label = text(wrapped_word(word), size, color)
    else:
        label = text(word, size, color)
        if label.width > max_width - pad:
            if (max_width - pad) / label.width * size < READABLE_SIZE:  # too long to shrink: cut it
                size = READABLE_SIZE  # the tag's padding follows the word's size
                label = shortened(word, size, color, max_width - 0.3 * size / 24)
            else:
                fit_width(label, max_width - pad)
    h = 0.55 * size / 24
    box = RoundedRectangle(
        width=label.width + 0.3 * size / 24,
        height=max(h, label.height + 0.22 * size / 24),
        corner_radius=0.1 * size / 24,
        stroke_color=color,
        stroke_width=2,
        fill_color=style.PANEL,
        fill_opacity=1,
    )
    label.move_to(box)
    chip = VGroup(box, label)
    chip.word, chip.label, chip.box = word, label, box
    return chip


class VectorCells(VGroup):
    """A vector as a row (or column) of cells coloured by value, each with its number.

    values: (n,) the numbers; scale: |value| at which a cell is fully coloured.
    """

    def __init__(self, values, *, scale: float, cell: float = 0.62, vertical: bool = False,
                 numbers: bool = True, digits: int = 2):
        super().__init__()
        self.value_scale, self.digits, self.show_numbers = scale, digits, numbers
        direction = DOWN if vertical else RIGHT
        self.cells = VGroup(
            *[
                Rectangle(width=cell * (1.25 if numbers and not vertical else 1),
                          height=cell * 0.62 if numbers else cell, stroke_color=style.MUTED, stroke_width=1,
                          fill_opacity=1)
                for _ in values
            ]
        ).arrange(direction, buff=0)
        size = 15 * cell / 0.62
        self.numbers = VGroup(*[GlyphNumber("", size, style.INK, slots=digits + 3)
                                for _ in (values if numbers else [])])
        self.add(self.cells, self.numbers)
        self.set_values(values)

    def set_values(self, values):
        for i, (cell, v) in enumerate(zip(self.cells, values)):
            cell.set_fill(style.value_color(v, self.value_scale), opacity=1)
            if self.show_numbers:
                number = self.numbers[i]
                number.set_text(signed(v, self.digits))
                number.move_to(cell)
        return self


def labels_under(cells, words, colors, size: float = style.SMALL_SIZE) -> VGroup:
    """Each word, in its colour, under its cell (a vector's cells labelled by vocabulary word); the
    labels share one size, and a word too long for its cell is cut short (see word_labels)."""
    labels = word_labels(words, colors, min(cell.width for cell in cells) * 0.95, size)
    return VGroup(*[label.next_to(cell, DOWN, buff=0.1) for label, cell in zip(labels, cells)])


class MatrixCells(VGroup):
    """A matrix as rows of VectorCells, each row labelled (a word chip, say)."""

    def __init__(self, values, row_labels, *, scale: float, cell: float = 0.62, numbers: bool = True):
        super().__init__()
        values = np.asarray(values)
        self.rows = VGroup(*[VectorCells(row, scale=scale, cell=cell, numbers=numbers) for row in values])
        pitch = max(self.rows[0].height, max(label.height for label in row_labels) * 1.15)
        self.rows.arrange(DOWN, buff=pitch - self.rows[0].height + 0.04)
        self.labels = VGroup()
        for row, label in zip(self.rows, row_labels):
            self.labels.add(label.next_to(row, LEFT, buff=0.2))
        self.add(self.rows, self.labels)

    def set_values(self, values):
        for row, v in zip(self.rows, values):
            row.set_values(v)
        return self




class CountCells(Animation):
    """Cells taking their values: every number counts, and every cell's colour moves, from `start`
    to `values` (both (n,), or (rows, n) for a MatrixCells) along the animation.

    start: None for all zeros (a blank table being written in). The numbers keep their width while
    they count (see formatting.signed), so they stay inside their cells. Raises ValueError when the
    shapes of `values` and `start` differ.
    """

    def __init__(self, cells, values, start=None, **kwargs):
        self.target_values = np.asarray(values, dtype=float)
        self.start_values = np.zeros_like(self.target_values) if start is None else np.asarray(start, float)
        if self.start_values.shape != self.target_values.shape:
            raise ValueError(f"start {self.start_values.shape} and values {self.target_values.shape} differ.")
        super().__init__(cells, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.set_values(self.start_values + (self.target_values - self.start_values) * alpha)
