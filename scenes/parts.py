"""A small visual vocabulary built from data.

Every part takes the values it draws as required arguments (from the trace):
none has random or stand-in defaults. Build with the constructor or `get_*`,
update with `set_*`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    DashedLine,
    Line,
    Rectangle,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
)

from scenes import style

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


_NUMBER_CHARS = "0123456789.,%-+−×=()/ "


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


def percent(p: float) -> str:
    """How the lesson writes a probability: whole percent, or one decimal near the ends."""
    value = 100.0 * float(p)
    if 0 < value < 1 or 99 < value < 100:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def fit_width(mob, max_width: float):
    """Scale `mob` down (never up) to fit `max_width`."""
    if mob.width > max_width > 0:
        mob.scale_to_fit_width(max_width)
    return mob


def wrap_lines(content: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap using the font's average character width (DejaVu Sans)."""
    per_char = 0.0075 * size  # measured: 0.178 units per character at size 24
    max_chars = max(8, int(max_width / per_char))
    lines, current = [], ""
    for word in content.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) > max_chars and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def paragraph(content: str, size: float, max_width: float, color=style.INK) -> VGroup:
    """Wrapped, centred lines of plain text that fit `max_width`."""
    lines = VGroup(*[text(line, size, color) for line in wrap_lines(content, size, max_width)])
    lines.arrange(DOWN, buff=0.12 * size / 24)
    return fit_width(lines, max_width)


# ---- probability bars ------------------------------------------------------


class ProbabilityBars(VGroup):
    """One bar per vocabulary word: the network's probability for each next word.

    words/colors: the vocabulary and its colours; probs: (V,) values in [0, 1];
    right: index of the right word (its label is marked), or None.
    """

    def __init__(self, words, colors, probs, *, width: float, height: float, right: int | None = None):
        super().__init__()
        self.words = list(words)
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
            mark = self.word_labels[right]
            self.right_marker = Line(
                mark.get_corner(DOWN + LEFT), mark.get_corner(DOWN + RIGHT), stroke_color=style.RIGHT, stroke_width=4
            ).shift(DOWN * 0.08)
            self.add(self.right_marker)
        self.set_values(probs)

    def set_values(self, probs, numbers=None):
        """Bars to `probs`; the labels show `numbers` (default: the same values).

        Between two recorded epochs the bars can glide while the labels keep
        showing a recorded epoch's exact values.
        """
        probs = np.asarray(probs, dtype=float)
        numbers = probs if numbers is None else np.asarray(numbers, dtype=float)
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


class LossCurve(VGroup):
    """Mean loss against epoch, drawn with simple axes (no LaTeX).

    losses: (N,) mean loss per epoch 0..N-1; baseline: ln V, drawn dashed.
    """

    def __init__(self, losses, *, width: float, height: float, baseline: float, y_label: str = "loss"):
        super().__init__()
        self.losses = np.asarray(losses, dtype=float)
        self.last = len(self.losses) - 1
        self.y_max = max(float(self.losses.max()), baseline) * 1.1
        self.plot_w, self.plot_h = width * 0.86, height * 0.78
        self.origin = np.array([-width / 2 + width * 0.12, -height / 2 + height * 0.14, 0])
        x_axis = Line(self.origin, self.origin + RIGHT * self.plot_w, stroke_color=style.MUTED, stroke_width=2)
        y_axis = Line(self.origin, self.origin + UP * self.plot_h, stroke_color=style.MUTED, stroke_width=2)
        self.axes = VGroup(x_axis, y_axis)
        size = style.SMALL_SIZE
        ticks = VGroup()
        for e in _nice_ticks(self.last):
            ticks.add(number_text(str(e), size, style.MUTED).next_to(self.point(e, 0), DOWN, buff=0.12))
        for v in _nice_value_ticks(self.y_max):
            ticks.add(number_text(f"{v:g}", size, style.MUTED).next_to(self.point(0, v), LEFT, buff=0.12))
        self.ticks = ticks
        self.x_label = text("epoch", size, style.MUTED).next_to(x_axis, DOWN, buff=0.45)
        self.y_label = text(y_label, size, style.MUTED).next_to(y_axis.get_top(), RIGHT, buff=0.15)
        self.baseline = DashedLine(
            self.point(0, baseline), self.point(self.last, baseline), stroke_color=style.MUTED, stroke_width=2
        )
        self.curve = VMobject(stroke_color=style.ACCENT, stroke_width=4)
        self.set_progress(0)
        self.add(self.axes, self.ticks, self.x_label, self.y_label, self.baseline, self.curve)

    def point(self, epoch: float, value: float) -> np.ndarray:
        """Where (epoch, value) is now, wherever the chart has been moved."""
        origin = self.axes[0].get_start() if hasattr(self, "axes") else self.origin
        x = origin[0] + self.plot_w * epoch / max(self.last, 1)
        y = origin[1] + self.plot_h * value / self.y_max
        return np.array([x, y, origin[2]])

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


def _nice_ticks(last: int, most: int = 6) -> list[int]:
    """Round epoch numbers from 0 to `last`, at most `most` of them."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if last / step <= most - 1:
            return list(range(0, last + 1, step))
    return [0, last]


def _nice_value_ticks(top: float) -> list[float]:
    for step in (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50):
        if top / step <= 5:
            return [round(i * step, 6) for i in range(int(top / step) + 1)]
    return [0.0]


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
