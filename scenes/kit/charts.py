"""Charts built from the trace's values: probability bars, axes, the loss curve and the
cross-entropy curve."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DashedLine,
    Line,
    Rectangle,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
)

from scenes.kit import style
from scenes.kit.cells import fits_readably, shared_floor, word_labels
from scenes.kit.formatting import loss_value, percent, round_step, tick
from scenes.kit.text import GlyphNumber, fit_width, number_text, text

MAX_OUTPUT_WORDS = 8  # output rows drawn; bigger vocabularies show the likeliest words and "others"
MIN_OUTPUT_WORDS = 4  # ... and never fewer (the right word, the likeliest others, "others")
BAR_LABEL_SHARE = 0.95  # a bar's word label is at most this share of the bar's slot wide
VALUE_SIZE_PER_SLOT = 21  # a bar's number ("33.3%", 0.042 units wide per unit of size) is drawn
# at this size per frame unit of its slot: 87% of the slot wide at most
BAR_NUMBER_FLOOR = 13.5  # a chart's numbers are at least this size when built: room to be fitted smaller
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


def bar_value_size(slot: float) -> float:
    """The size of a probability bar's number in a slot `slot` frame units wide."""
    return min(style.LABEL_SIZE, VALUE_SIZE_PER_SLOT * slot)


def bars_fit(words, width: float) -> bool:
    """Whether one bar per word (len(words) of them) fits `width` frame units readably: every
    number at BAR_NUMBER_FLOOR or more, every word label at its row's smallest shared size
    (cells.shared_label_size), whole or, a long word, cut short with an ellipsis."""
    slot = width / len(words)
    floor = shared_floor(style.LABEL_SIZE)
    return bar_value_size(slot) >= BAR_NUMBER_FLOOR and all(
        fits_readably(w, slot * BAR_LABEL_SHARE, floor) for w in words)


def bars_view(vocab, probs, right: int, width: float, most: int = MAX_OUTPUT_WORDS) -> OutputView:
    """The words a probability chart `width` frame units wide shows: every word when their bars
    fit readably (bars_fit), else the right word and the likeliest others plus "others", as many
    as fit (MIN_OUTPUT_WORDS at least, `most` at most). probs: (V,) or (T, V), as output_view."""
    V = len(vocab)
    for n in range(min(V, most), MIN_OUTPUT_WORDS - 1, -1):
        view = output_view(probs, right, n)
        if bars_fit(view.words(list(vocab)), width):
            return view
    return output_view(probs, right, min(V, MIN_OUTPUT_WORDS))


class ProbabilityBars(VGroup):
    """One bar per vocabulary word: the network's probability for each next word.

    words/colors: the vocabulary and its colours; probs: (V,) values in [0, 1];
    right: index of the right word (its label is marked), or None. When the words' bars do not
    all fit readably (see bars_view) the chart shows the likeliest words and the right word plus
    an "others" bar holding the rest: chosen from `history`, the (T, V) values the bars will show
    over time, when given (else from `probs`), or given outright as `view`. The word labels share
    one size; a word too long for its slot is cut short with an ellipsis (the chips elsewhere
    show it whole).
    """

    def __init__(self, words, colors, probs, *, width: float, height: float, right: int | None = None,
                 history=None, view: OutputView | None = None):
        super().__init__()
        probs = np.asarray(probs, dtype=float)
        self.view = view or bars_view(words, probs if history is None else history,
                                      int(np.argmax(probs)) if right is None else right, width)
        self.words = self.view.words(list(words))
        colors = self.view.colors(list(colors))
        # A fixed, invisible frame: the group's size never depends on the values shown.
        self.frame = Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)
        self.built_width = width  # set_values keeps to the size the group has been scaled to since
        slot = width / len(self.words)
        bar_width = slot * 0.62
        # The words share one size; "others" (not a word) is made smaller on its own if need be.
        shown = self.words[:-1] if self.view.others else self.words
        labels = word_labels(shown, colors, slot * BAR_LABEL_SHARE, style.LABEL_SIZE)
        label_size = max(label.font_size for label in labels)
        if self.view.others:
            labels.add(fit_width(text(OTHERS, label_size, colors[-1]), slot * BAR_LABEL_SHARE))
            labels[-1].word = OTHERS
        self.value_size = bar_value_size(slot)
        floor_y = -height / 2 + 0.5 * label_size / 22  # room below for the words
        self.max_height = height / 2 - floor_y - 0.45 * self.value_size / 22  # room above for the values
        self.baseline = Line([-width / 2, floor_y, 0], [width / 2, floor_y, 0], stroke_color=style.MUTED,
                             stroke_width=2)
        self.bars = VGroup()
        self.word_labels = VGroup()
        for i, (word, color) in enumerate(zip(self.words, colors)):
            x = -width / 2 + slot * (i + 0.5)
            bar = Rectangle(width=bar_width, height=self.max_height, fill_color=color, fill_opacity=0.9,
                            stroke_width=0)
            bar.move_to([x, floor_y, 0], aligned_edge=DOWN)
            self.bars.add(bar)
            label = labels[i].next_to([x, floor_y, 0], DOWN, buff=0.15)
            self.word_labels.add(label)
        self.value_labels = VGroup(*[GlyphNumber("", self.value_size, style.INK, slots=5)
                                     for _ in self.words])
        self.right = right
        self.add(self.frame, self.baseline, self.bars, self.word_labels, self.value_labels)
        if right is not None:
            mark = self.word_labels[self.view.position(right)]
            self.right_marker = Line(
                mark.get_corner(DOWN + LEFT), mark.get_corner(DOWN + RIGHT), stroke_color=style.RIGHT,
                stroke_width=4,
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
        scale = self.frame.width / self.built_width  # 1 unless the bars were scaled after being built
        # This runs on every frame the bars move: the points are moved with numpy, as
        # stretch_to_fit_height, move_to and shift would move them (bounding boxes of all points).
        for bar, label, p, shown in zip(self.bars, self.value_labels, probs, numbers):
            h = max(float(p) * self.max_height * scale, 1e-3)
            points = bar.points  # the bar grows from the baseline to h, in place
            xs, ys = points[:, 0], points[:, 1]
            x = (xs.min() + xs.max()) / 2
            low, high = ys.min(), ys.max()
            points[:, 1] = floor_y + (ys - low) * (h / (high - low))
            written = percent(shown)
            if len(written) > len(label.cells):  # 99.96% is written "100.0%": whole percent then
                written = percent(shown, 0)
            label.set_text(f"{written:>5}")  # drawn at the label's current scale (see GlyphNumber)
            if abs(scale / label.drawn_scale - 1) > 1e-6:  # the chart was scaled: the label follows once
                label.scale(scale / label.drawn_scale, about_point=label.anchor.points[0])
            everything = label.get_all_points()
            inked = [c.get_all_points() for c in label.cells if c.has_points()]  # on its digits
            across = np.concatenate(inked)[:, 0] if inked else everything[:, 0]
            label.shift([x - (across.min() + across.max()) / 2,
                         floor_y + h + 0.1 * scale - everything[:, 1].min(), 0])
        return self

    def change_values(self, start, end, numbers: bool = True):
        """An animation of the bars gliding from `start` to `end` ((V,) probabilities each), their
        labels counting along (numbers=False: the labels show `end` throughout). The bars are left
        at `end`."""
        start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)

        def update(bars, alpha):
            now = start + (end - start) * alpha
            bars.set_values(now, now if numbers else end)

        return UpdateFromAlphaFunc(self, update)


class LossBars(VGroup):
    """One bar per training pair, its height the pair's loss: the value written inside the bar
    (above it when the bar is short), the pair's label under it, and two levels across every bar,
    the mean (solid) and a random guess's loss (dashed), named by `legend` above the bars.

    losses: (n,) the bars' losses; labels: n mobjects, scaled down to fit their slots; colors: n
    bar colours; mean, baseline: the two levels (loss in nats); width × height: the chart's size.
    """

    def __init__(self, losses, labels, colors, *, mean: float, baseline: float, legend, width: float,
                 height: float):
        super().__init__()
        losses = np.asarray(losses)
        slot = width / len(losses)
        scale = min(1.0, slot * 0.92 / max(m.width for m in labels))
        y_max = max(float(losses.max()), baseline) * 1.25
        base_y = -height / 2 + 0.9
        unit = (height - 1.3) / y_max
        lowest_line = base_y + min(mean, baseline) * unit
        highest_line = base_y + max(mean, baseline) * unit
        self.bars, self.labels, self.values = VGroup(), VGroup(*labels), VGroup()
        for p, (loss, color, label) in enumerate(zip(losses, colors, labels)):
            x = -width / 2 + slot * (p + 0.5)
            bar = Rectangle(width=slot * 0.72, height=max(loss * unit, 1e-3), stroke_width=0,
                            fill_color=color, fill_opacity=0.85).move_to([x, base_y, 0], aligned_edge=DOWN)
            self.bars.add(bar)
            label.scale(scale).next_to([x, base_y, 0], DOWN, buff=0.12)
            value = number_text(loss_value(loss), style.SMALL_SIZE, style.BACKGROUND)
            fit_width(value, bar.width * 0.9)
            ceiling = min(bar.get_top()[1], lowest_line) - 0.1  # inside the bar, under both lines
            if ceiling - base_y > value.height + 0.15:
                value.move_to([x, ceiling - value.height / 2, 0])
            else:  # a short bar: its number sits above it, clear of the lines
                above = max(bar.get_top()[1], highest_line) + 0.1
                value.set_fill(style.INK).move_to([x, above + value.height / 2, 0])
            self.values.add(value)

        def level(y: float, kind=Line, **kw):
            return kind([-width / 2, base_y + y * unit, 0], [width / 2, base_y + y * unit, 0], **kw)

        self.unit_per_width = unit / width  # loss to height, as a share of the axis's length (scales along)
        self.axis = level(0, stroke_color=style.MUTED, stroke_width=2)
        self.mean_line = level(mean, stroke_color=style.ACCENT, stroke_width=3)
        self.base_line = level(baseline, DashedLine, stroke_color=style.MUTED)
        top_y = max(highest_line, *[m.get_top()[1] for m in [*self.bars, *self.values]])
        self.legend = fit_width(legend, width).move_to([0, top_y + 0.3 + legend.height / 2, 0])
        self.add(self.axis, self.bars, self.labels, self.values, self.mean_line, self.base_line, self.legend)

    def level_y(self, loss: float) -> float:
        """The height (frame units, wherever the chart now is and however scaled) of a level line at
        `loss` (nats)."""
        return self.axis.get_center()[1] + float(loss) * self.unit_per_width * self.axis.width


# ---- loss curve ------------------------------------------------------------------


class Chart(VGroup):
    """Simple axes with round ticks (no LaTeX): the base of the lesson's plots."""

    def __init__(self, *, width: float, height: float, x_max: float, y_max: float, x_ticks, y_ticks,
                 x_label: str, y_label: str, x_format=tick, y_format=tick):
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
            tick_label = number_text(x_format(x), size, style.MUTED)
            self.ticks.add(tick_label.next_to(self.point(x, 0), DOWN, buff=0.12))
        for y in y_ticks:
            tick_label = number_text(y_format(y), size, style.MUTED)
            self.ticks.add(tick_label.next_to(self.point(0, y), LEFT, buff=0.12))
        self.x_label = text(x_label, size, style.MUTED).next_to(x_axis, DOWN, buff=0.45)
        self.y_label = text(y_label, size, style.MUTED).next_to(y_axis.get_top(), RIGHT, buff=0.15)
        self.add(self.axes, self.ticks, self.x_label, self.y_label)

    def point(self, x: float, y: float) -> np.ndarray:
        """Where (x, y) is now, wherever the chart has been moved."""
        origin = self.axes[0].get_start()
        return np.array([origin[0] + self.plot_w * x / self.x_max, origin[1] + self.plot_h * y / self.y_max,
                         origin[2]])


class LossCurve(Chart):
    """Mean loss against epoch. losses: (N,) per epoch 0..N-1; baseline: ln V, drawn dashed;
    headroom: the chart's top is this many times the highest of the losses and ln V (room above
    them for a label)."""

    def __init__(self, losses, *, width: float, height: float, baseline: float, y_label: str = "loss",
                 headroom: float = 1.1):
        self.losses = np.asarray(losses, dtype=float)
        self.last = len(self.losses) - 1
        y_max = max(float(self.losses.max()), baseline) * headroom
        super().__init__(width=width, height=height, x_max=max(self.last, 1), y_max=y_max,
                         x_ticks=nice_ticks(self.last), y_ticks=_nice_value_ticks(y_max), x_label="epoch",
                         y_label=y_label)
        self.baseline = DashedLine(
            self.point(0, baseline), self.point(self.x_max, baseline), stroke_color=style.MUTED,
            stroke_width=2,
        )
        self.curve = VMobject(stroke_color=style.ACCENT, stroke_width=4)
        self.set_progress(0)
        self.add(self.baseline, self.curve)

    def tuck_x_label(self):
        """Move the x axis's name ("epoch") from under the tick labels to the start of their row, left
        of the first one: the chart then ends at its tick labels (a short chart keeps more of its
        height for the plot). Returns self."""
        first = self.ticks[0]  # the x ticks come first
        self.x_label.next_to(first, LEFT, buff=0.15).match_y(first)
        return self

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
        if getattr(self, "head", None) is not None:
            self.head.move_to(pts[-1])
        return self

    def add_head(self, radius: float = 0.07):
        """A dot at the head of the curve (frame units, `radius`), moved by `set_progress`: the point
        that draws the curve as the epochs pass. Returns the dot (also `self.head`)."""
        from manim import Dot

        self.head = Dot(self.curve.points[-1], radius=radius, color=style.ACCENT)
        self.add(self.head)
        return self.head


class NegLogChart(Chart):
    """The cross-entropy curve: loss = −log p against p, the probability of the right word."""

    def __init__(self, *, width: float, height: float, y_max: float):
        super().__init__(width=width, height=height, x_max=1.0, y_max=y_max, x_ticks=[0, 0.25, 0.5, 0.75, 1],
                         y_ticks=_nice_value_ticks(y_max), x_label="p(right word)", y_label="loss = −log p")
        p = np.linspace(np.exp(-y_max), 1.0, 200)
        self.curve = VMobject(stroke_color=style.ACCENT, stroke_width=4)
        self.curve.set_points_smoothly([self.point(x, -np.log(x)) for x in p])
        self.add(self.curve)

    @property
    def p_min(self) -> float:
        """The smallest probability drawn: where the curve meets the top of the chart."""
        return float(np.exp(-self.y_max))

    def point_at(self, p: float) -> np.ndarray:
        """The curve's point for probability `p` (0 < p <= 1): (p, −log p), wherever the chart is."""
        p = float(np.clip(p, self.p_min, 1.0))
        return self.point(p, -np.log(p))

def nice_ticks(last: int, most: int = 6) -> list[int]:
    """Round epoch numbers from 0 to `last`, at most `most` of them."""
    return list(range(0, last + 1, round_step(last, most - 1)))


def _nice_value_ticks(top: float) -> list[float]:
    """Round values from 0 to `top`, at most six: steps of 1, 2, 2.5 or 5 times a power of ten."""
    exponent = int(np.floor(np.log10(max(top, 1e-9) / 5)))
    for mantissa in (1, 2, 2.5, 5, 10):
        step = mantissa * 10.0**exponent
        if top / step <= 5:
            return [round(i * step, 6) for i in range(int(top / step + 1e-9) + 1)]
    return [0.0]


