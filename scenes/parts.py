"""A small visual vocabulary built from data.

Every part takes the values it draws as required arguments (from the trace):
none has random or stand-in defaults. Build with the constructor or `get_*`,
update with `set_*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    DashedLine,
    Dot,
    Line,
    Rectangle,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
)

from scenes import style
from scenes.subtitles import wrap_words

# ---- text ---------------------------------------------------------------------


def text(content: str, size: float = style.BODY_SIZE, color=style.INK, font: str = style.FONT, **kw) -> Text:
    """Plain text, shown literally (never parsed as markup or LaTeX)."""
    mob = Text(content, font=font, font_size=size, color=color, disable_ligatures=True, **kw)
    return _lighten(mob)


def _lighten(mob):
    """Drop each glyph's parsed SVG path once its points exist: it is never read again,
    and deep-copying it made every FadeIn of a paragraph cost ~80 ms."""
    for m in mob.get_family():
        if getattr(m, "path_obj", None) is not None:
            m.path_obj = None
    return mob


_NUMBER_CHARS = "0123456789.,%-+−×=()/e "


@lru_cache(maxsize=None)
def _glyph_sheet(size: float) -> tuple[dict[str, tuple[VMobject, int]], float]:
    """Every number character typeset once in the monospace font, and the advance per character."""
    sheet = "".join(c for c in _NUMBER_CHARS if c != " ")
    ref = text(sheet, size, font=style.MONO)
    ref.move_to(ORIGIN)
    glyphs = {c: (g, i) for i, (c, g) in enumerate(zip(sheet, ref.submobjects))}
    advance = (ref.submobjects[9].get_center()[0] - ref.submobjects[0].get_center()[0]) / 9  # digits sit centred in their cells
    return glyphs, advance


def number_text(content: str, size: float = style.LABEL_SIZE, color=style.INK):
    """A number typeset from cached glyphs, always in the same monospace font.

    Content with other characters falls back to plain monospace text.
    """
    if any(c not in _NUMBER_CHARS for c in content):
        return text(content, size, color, font=style.MONO)
    return GlyphNumber(content, size, color)


class GlyphNumber(VGroup):
    """A number whose characters can be changed in place, every frame, cheaply.

    It owns one path per character slot (`slots` of them) and rewrites their
    points from cached glyphs: no new mobjects, so it animates safely inside
    updaters. Pad with spaces (f"{x:>5.1f}") to keep digits from jumping.
    Characters other than digits and . , % - + − × = ( ) / are not supported.
    """

    def __init__(self, content: str, size: float = style.LABEL_SIZE, color=style.INK, slots: int | None = None):
        super().__init__()
        self.size = size  # the glyphs come from the cached sheet, never stored here (copies stay cheap)
        glyphs, advance = _glyph_sheet(size)
        # An invisible point at the left edge of slot 0: it remembers where the number is as it moves.
        self.home = np.array([glyphs["0"][0].get_center()[0] - advance / 2, 0.0, 0.0])
        self.anchor = VMobject(stroke_width=0, fill_opacity=0).set_points(np.array([self.home] * 4))
        self.cells = [VMobject(fill_color=color, fill_opacity=1, stroke_width=0) for _ in range(slots or len(content))]
        self.add(self.anchor, *self.cells)
        self.set_text(content)

    def set_text(self, content: str) -> "GlyphNumber":
        if len(content) > len(self.cells):
            raise ValueError(f"{content!r} has more than {len(self.cells)} characters.")
        self.content = content  # what it shows (read by tests and checks)
        glyphs, advance = _glyph_sheet(self.size)
        offset = self.anchor.points[0] - self.home
        for k, cell in enumerate(self.cells):
            c = content[k] if k < len(content) else " "
            if c == " ":
                cell.clear_points()
                continue
            if c not in glyphs:
                raise ValueError(f"GlyphNumber cannot show {c!r}.")
            g, i = glyphs[c]
            cell.set_points(g.points + RIGHT * (k - i) * advance + offset)
        return self


def percent(p: float, decimals: int | None = None) -> str:
    """How the lesson writes a probability: whole percent, or one decimal near the ends
    (or exactly `decimals` decimals)."""
    value = 100.0 * float(p)
    if decimals is not None:
        return f"{value:.{decimals}f}%"
    if 0 < value < 1 or 99 < value < 100:
        return f"{value:.1f}%"
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


def flow(items, max_width: float, h_buff: float = 0.15, v_buff: float = 0.25) -> VGroup:
    """Lay items out left to right in rows no wider than max_width (like words in a paragraph),
    each row centred. Returns the group of rows."""
    rows, row, width = [], [], 0.0
    for item in items:
        w = item.width + (h_buff if row else 0)
        if row and width + w > max_width:
            rows.append(row)
            row, width = [], 0.0
            w = item.width
        row.append(item)
        width += w
    if row:
        rows.append(row)
    out = VGroup(*[VGroup(*r).arrange(RIGHT, buff=h_buff) for r in rows]).arrange(DOWN, buff=v_buff)
    return out


def columns(items, max_width: float, max_height: float, buff: float = 0.6, most: int = 3,
            pitch: float | None = None) -> VGroup:
    """Items (rows of a list) in the fewest columns, up to `most`, that keep them at 85% of their
    size or more inside max_width × max_height; scaled down only as far as needed. Rows are
    stacked `pitch` apart (centre to centre) when given, else packed."""

    def build(k):
        per = -(-len(items) // k)
        cols = VGroup()
        for i in range(0, len(items), per):
            col = VGroup(*items[i:i + per])
            if pitch is None:
                col.arrange(DOWN, aligned_edge=LEFT, buff=0.14)
            else:
                left = min(m.get_left()[0] for m in col)
                for j, m in enumerate(col):
                    m.move_to([left + m.width / 2, -j * pitch, 0])
            cols.add(col)
        return cols.arrange(RIGHT, aligned_edge=UP, buff=buff)

    best = None
    for k in range(1, most + 1):
        group = build(k)
        scale = min(1.0, max_width / group.width, max_height / group.height)
        if best is None or scale > best[0] + 1e-9:
            best = (scale, k)
        if scale >= 0.85:
            break
    return build(best[1]).scale(best[0])


def fit_width(mob, max_width: float):
    """Scale `mob` down (never up) to fit `max_width`."""
    if mob.width > max_width > 0:
        mob.scale_to_fit_width(max_width)
    return mob


def wrap_lines(content: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap using the font's average character width (DejaVu Sans)."""
    per_char = 0.0075 * size  # measured: 0.178 units per character at size 24
    return wrap_words(content.split(), max(8, int(max_width / per_char)))


def paragraph(content: str, size: float, max_width: float, color=style.INK) -> VGroup:
    """Wrapped, centred lines of plain text that fit `max_width`."""
    lines = VGroup(*[text(line, size, color) for line in wrap_lines(content, size, max_width)])
    lines.arrange(DOWN, buff=0.12 * size / 24)
    return fit_width(lines, max_width)


# ---- probability bars ------------------------------------------------------


MAX_OUTPUT_WORDS = 8  # output rows drawn; bigger vocabularies show the likeliest words and "others"
MIN_BAR_SLOT = 0.8  # frame units per probability bar: narrower charts show fewer words plus "others"
OTHERS = "others"


@dataclass(frozen=True)
class OutputView:
    """Which vocabulary words the output side shows: all of them, or (for a big vocabulary)
    the likeliest few and the right word, plus an "others" row holding the rest."""

    indices: tuple[int, ...]  # vocabulary ids shown, in vocabulary order
    V: int

    @property
    def others(self) -> bool:
        return len(self.indices) < self.V

    def words(self, vocab) -> list[str]:
        return [vocab[i] for i in self.indices] + ([OTHERS] if self.others else [])

    def colors(self, colors) -> list:
        return [colors[i] for i in self.indices] + ([style.MUTED] if self.others else [])

    def values(self, full) -> np.ndarray:
        """Per-word values (logits, errors) for the rows shown; "others" stays neutral."""
        full = np.asarray(full, dtype=float)
        return np.concatenate([full[list(self.indices)], [0.0] if self.others else []])

    def probabilities(self, probs) -> np.ndarray:
        """Probabilities of the rows shown; "others" holds the sum of the rest (so they still add to 1)."""
        probs = np.asarray(probs, dtype=float)
        shown = probs[list(self.indices)]
        return np.concatenate([shown, [max(0.0, 1.0 - shown.sum())] if self.others else []])

    def position(self, word_id: int) -> int | None:
        return self.indices.index(word_id) if word_id in self.indices else None


def output_view(probs, right: int, limit: int = MAX_OUTPUT_WORDS) -> OutputView:
    """All words if they fit; else the right word and the likeliest others, `limit` rows in all.

    probs: (V,) one prediction, or (T, V) a prediction over time (then a word's rank is its
    highest probability at any time, so a word that becomes likely later is shown too).
    """
    probs = np.asarray(probs, dtype=float)
    rank = probs.max(axis=0) if probs.ndim == 2 else probs
    V = len(rank)
    if V <= limit:
        return OutputView(tuple(range(V)), V)
    order = [int(i) for i in np.argsort(-rank, kind="stable") if int(i) != right]
    keep = sorted([right] + order[: limit - 2])  # one row is kept for "others"
    return OutputView(tuple(keep), V)


class ProbabilityBars(VGroup):
    """One bar per vocabulary word: the network's probability for each next word.

    words/colors: the vocabulary and its colours; probs: (V,) values in [0, 1];
    right: index of the right word (its label is marked), or None. A big vocabulary
    (or a narrow chart) shows the likeliest words and the right word plus an "others"
    bar holding the rest: chosen from `history`, the (T, V) values the bars will show
    over time, when given (else from `probs`), or given outright as `view`.
    """

    def __init__(self, words, colors, probs, *, width: float, height: float, right: int | None = None,
                 history=None, view: OutputView | None = None):
        super().__init__()
        probs = np.asarray(probs, dtype=float)
        # About 0.8 frame units per bar keeps the word labels readable.
        limit = max(4, min(MAX_OUTPUT_WORDS, int(width / MIN_BAR_SLOT)))
        self.view = view or output_view(probs if history is None else history,
                                        int(np.argmax(probs)) if right is None else right, limit)
        self.words = self.view.words(list(words))
        colors = self.view.colors(list(colors))
        # A fixed, invisible frame: the group's size never depends on the values shown.
        self.frame = Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)
        slot = width / len(self.words)
        bar_width = slot * 0.62
        label_size = min(style.LABEL_SIZE, 100 * slot / max(4, max(len(w) for w in self.words)))
        self.value_size = min(style.LABEL_SIZE, 120 * slot / 6)
        floor_y = -height / 2 + 0.5 * label_size / 22  # room below for the words
        self.max_height = height / 2 - floor_y - 0.45 * self.value_size / 22  # room above for the values
        self.baseline = Line([-width / 2, floor_y, 0], [width / 2, floor_y, 0], stroke_color=style.MUTED, stroke_width=2)
        self.bars = VGroup()
        self.word_labels = VGroup()
        for i, (word, color) in enumerate(zip(self.words, colors)):
            x = -width / 2 + slot * (i + 0.5)
            bar = Rectangle(width=bar_width, height=self.max_height, fill_color=color, fill_opacity=0.9, stroke_width=0)
            bar.move_to([x, floor_y, 0], aligned_edge=DOWN)
            self.bars.add(bar)
            label = fit_width(text(word, label_size, color), slot * 0.95)
            label.next_to([x, floor_y, 0], DOWN, buff=0.15)
            self.word_labels.add(label)
        self.value_labels = VGroup(*[GlyphNumber("", self.value_size, style.INK, slots=5) for _ in self.words])
        self.right = right
        self.add(self.frame, self.baseline, self.bars, self.word_labels, self.value_labels)
        if right is not None:
            mark = self.word_labels[self.view.position(right)]
            self.right_marker = Line(
                mark.get_corner(DOWN + LEFT), mark.get_corner(DOWN + RIGHT), stroke_color=style.RIGHT, stroke_width=4
            ).shift(DOWN * 0.08)
            self.add(self.right_marker)
        self.set_values(probs)

    def bar_of(self, word_id: int):
        """The bar of vocabulary word `word_id` (None when it is folded into "others")."""
        pos = self.view.position(int(word_id))
        return None if pos is None else self.bars[pos]

    def set_values(self, probs, numbers=None):
        """Bars to `probs`; the labels show `numbers` (default: the same values).

        Between two recorded epochs the bars can glide while the labels keep
        showing a recorded epoch's exact values.
        """
        probs = self.view.probabilities(probs)
        numbers = probs if numbers is None else self.view.probabilities(numbers)
        floor_y = self.baseline.get_center()[1]
        for bar, label, p, shown in zip(self.bars, self.value_labels, probs, numbers):
            h = max(float(p) * self.max_height, 1e-3)
            x = bar.get_center()[0]
            bar.stretch_to_fit_height(h)
            bar.move_to([x, floor_y, 0], aligned_edge=DOWN)
            label.set_text(f"{percent(shown):>5}")
            label.move_to([x, floor_y + h + 0.1 + label.height / 2, 0])
        return self


# ---- loss curve ------------------------------------------------------------------


class Chart(VGroup):
    """Simple axes with round ticks (no LaTeX): the base of the lesson's plots."""

    def __init__(self, *, width: float, height: float, x_max: float, y_max: float, x_ticks, y_ticks,
                 x_label: str, y_label: str, x_format=str, y_format="{:g}".format):
        super().__init__()
        self.x_max, self.y_max = float(x_max), float(y_max)
        self.plot_w, self.plot_h = width * 0.86, height * 0.78
        origin = np.array([-width / 2 + width * 0.12, -height / 2 + height * 0.14, 0])
        x_axis = Line(origin, origin + RIGHT * self.plot_w, stroke_color=style.MUTED, stroke_width=2)
        y_axis = Line(origin, origin + UP * self.plot_h, stroke_color=style.MUTED, stroke_width=2)
        self.axes = VGroup(x_axis, y_axis)
        size = style.SMALL_SIZE
        self.ticks = VGroup()
        for x in x_ticks:
            self.ticks.add(number_text(x_format(x), size, style.MUTED).next_to(self.point(x, 0), DOWN, buff=0.12))
        for y in y_ticks:
            self.ticks.add(number_text(y_format(y), size, style.MUTED).next_to(self.point(0, y), LEFT, buff=0.12))
        self.x_label = text(x_label, size, style.MUTED).next_to(x_axis, DOWN, buff=0.45)
        self.y_label = text(y_label, size, style.MUTED).next_to(y_axis.get_top(), RIGHT, buff=0.15)
        self.add(self.axes, self.ticks, self.x_label, self.y_label)

    def point(self, x: float, y: float) -> np.ndarray:
        """Where (x, y) is now, wherever the chart has been moved."""
        origin = self.axes[0].get_start()
        return np.array([origin[0] + self.plot_w * x / self.x_max, origin[1] + self.plot_h * y / self.y_max, origin[2]])


class LossCurve(Chart):
    """Mean loss against epoch. losses: (N,) per epoch 0..N-1; baseline: ln V, drawn dashed."""

    def __init__(self, losses, *, width: float, height: float, baseline: float, y_label: str = "loss"):
        self.losses = np.asarray(losses, dtype=float)
        self.last = len(self.losses) - 1
        y_max = max(float(self.losses.max()), baseline) * 1.1
        super().__init__(width=width, height=height, x_max=max(self.last, 1), y_max=y_max,
                         x_ticks=nice_ticks(self.last), y_ticks=_nice_value_ticks(y_max), x_label="epoch", y_label=y_label)
        self.baseline = DashedLine(
            self.point(0, baseline), self.point(self.x_max, baseline), stroke_color=style.MUTED, stroke_width=2
        )
        self.curve = VMobject(stroke_color=style.ACCENT, stroke_width=4)
        self.set_progress(0)
        self.add(self.baseline, self.curve)

    def value_at(self, t: float) -> float:
        """The curve between recorded epochs is the straight line joining them."""
        return float(np.interp(t, np.arange(self.last + 1), self.losses))

    def set_progress(self, t: float):
        """Draw the curve from epoch 0 to epoch t (t may fall between epochs)."""
        t = float(np.clip(t, 0, self.last))
        whole = int(np.floor(t))
        pts = [self.point(e, self.losses[e]) for e in range(whole + 1)]
        if t > whole:
            pts.append(self.point(t, self.value_at(t)))
        if len(pts) == 1:
            pts.append(pts[0] + RIGHT * 1e-4)
        self.curve.set_points_as_corners(pts)
        return self


class NegLogChart(Chart):
    """The cross-entropy curve: loss = −log p against p, the probability of the right word."""

    def __init__(self, *, width: float, height: float, y_max: float):
        super().__init__(width=width, height=height, x_max=1.0, y_max=y_max, x_ticks=[0, 0.25, 0.5, 0.75, 1],
                         y_ticks=_nice_value_ticks(y_max), x_label="p(right word)", y_label="loss = −log p",
                         x_format="{:g}".format)
        p = np.linspace(np.exp(-y_max), 1.0, 200)
        self.curve = VMobject(stroke_color=style.ACCENT, stroke_width=4)
        self.curve.set_points_smoothly([self.point(x, -np.log(x)) for x in p])
        self.add(self.curve)

def nice_ticks(last: int, most: int = 6) -> list[int]:
    """Round epoch numbers from 0 to `last`, at most `most` of them."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if last / step <= most - 1:
            return list(range(0, last + 1, step))
    return [0, last]


def _nice_value_ticks(top: float) -> list[float]:
    """Round values from 0 to `top`, at most six: steps of 1, 2, 2.5 or 5 times a power of ten."""
    exponent = int(np.floor(np.log10(max(top, 1e-9) / 5)))
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10.0**exponent
        if top / step <= 5:
            return [round(i * step, 6) for i in range(int(top / step + 1e-9) + 1)]
    return [0.0]


# ---- words, vectors and matrices -------------------------------------------------------


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
                Rectangle(width=cell * (1.25 if numbers and not vertical else 1), height=cell * 0.62 if numbers else cell,
                          stroke_color=style.MUTED, stroke_width=1, fill_opacity=1)
                for _ in values
            ]
        ).arrange(direction, buff=0)
        size = 15 * cell / 0.62
        self.numbers = VGroup(*[GlyphNumber("", size, style.INK, slots=digits + 3) for _ in values]) if numbers else VGroup()
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


class WordMap(VGroup):
    """The word vectors as points on a fixed 2-D map.

    positions: (N, V, 2) every word's projected position at every epoch; the
    scale is fixed from all of them, so a point moves only when its vector does.
    """

    def __init__(self, positions, words, colors, *, width: float, height: float, label_size: float = style.LABEL_SIZE):
        super().__init__()
        self.positions = np.asarray(positions, dtype=float)
        lo = self.positions.reshape(-1, 2).min(axis=0)
        hi = self.positions.reshape(-1, 2).max(axis=0)
        self.center_data = (lo + hi) / 2
        span = np.maximum(hi - lo, 1e-6)
        self.unit = min(width * 0.8 / span[0], height * 0.8 / span[1])
        self.frame = RoundedRectangle(width=width, height=height, corner_radius=0.15, stroke_color=style.MUTED,
                                      stroke_width=1, stroke_opacity=0.5, fill_color=style.PANEL, fill_opacity=0.5)
        self.dots = VGroup(*[Dot(radius=0.08, color=c) for c in colors])
        self.labels = VGroup(*[text(w, label_size, c) for w, c in zip(words, colors)])
        slots = len(str(len(self.positions) - 1))
        self.epoch_number = GlyphNumber("0", style.SMALL_SIZE, style.MUTED, slots=slots)
        self.epoch_label = VGroup(text("epoch", style.SMALL_SIZE, style.MUTED), self.epoch_number).arrange(RIGHT, buff=0.12)
        self.epoch_label.next_to(self.frame.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.15)
        self.add(self.frame, self.dots, self.labels, self.epoch_label)
        self.set_epoch(0)

    def to_frame(self, xy) -> np.ndarray:
        c = self.frame.get_center()
        d = (np.asarray(xy) - self.center_data) * self.unit
        return np.array([c[0] + d[0], c[1] + d[1], 0.0])

    def set_epoch(self, t: float):
        """Points at epoch t (between two epochs: on the straight line joining them)."""
        lo = int(np.floor(t))
        hi = min(lo + 1, len(self.positions) - 1)
        xy = self.positions[lo] * (1 - (t - lo)) + self.positions[hi] * (t - lo)
        self.epoch_number.set_text(str(lo))
        placed = [_bounds(self.epoch_label)]
        for dot, label, p in zip(self.dots, self.labels, xy):
            dot.move_to(self.to_frame(p))
            for direction in (RIGHT, UP, DOWN, LEFT, UP + RIGHT, DOWN + RIGHT, UP + LEFT, DOWN + LEFT):
                label.next_to(dot, direction, buff=0.08)
                free = not any(_overlap(_bounds(label), other) for other in placed)
                if free:
                    break
            # Crowded: the dot keeps its colour, the label steps aside rather than cover another.
            label.set_opacity(1.0 if free else 0.0)
            placed += ([_bounds(label)] if free else []) + [_bounds(dot)]
        return self


def _bounds(mob) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_bottom()[1], mob.get_right()[0], mob.get_top()[1]


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def panel(mob, pad: float = 0.25) -> RoundedRectangle:
    """A soft box behind a group."""
    return RoundedRectangle(
        width=mob.width + 2 * pad,
        height=mob.height + 2 * pad,
        corner_radius=0.15,
        fill_color=style.PANEL,
        fill_opacity=0.85,
        stroke_width=0,
    ).move_to(mob)
