"""Words, vectors and matrices: a word as a coloured chip, a vector as a row of cells
coloured by value, a matrix as labelled rows."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Rectangle,
    RoundedRectangle,
    VGroup,
)

from scenes.kit import style
from scenes.kit.formatting import signed
from scenes.kit.text import GlyphNumber, fit_width, text


def word_chip(word: str, color, size: float = style.BODY_SIZE, max_width: float | None = None) -> VGroup:
    """A word in its colour on a rounded tag: how the lesson shows a token."""
    label = text(word, size, color)
    if max_width:
        fit_width(label, max_width - 0.3 * size / 24)
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
    """Each word, in its colour, under its cell (a vector's cells labelled by vocabulary word)."""
    return VGroup(*[fit_width(text(word, size, color), cell.width * 0.95).next_to(cell, DOWN, buff=0.1)
                    for word, color, cell in zip(words, colors, cells)])


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


