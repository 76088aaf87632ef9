"""The network diagram: context words → embedding → hidden → output → softmax.

Built from the network's shape (context c, dim d, hidden H, vocabulary V);
nodes take their colours from values passed in (`set_layer`). No default
values: a fresh diagram is drawn in the neutral colour.
"""

from __future__ import annotations

import numpy as np
from manim import LEFT, UP, Animation, AnimationGroup, Circle, Rectangle, Square, VGroup, VMobject, linear

from scenes.kit import style
from scenes.kit.cells import word_chip, word_labels
from scenes.kit.text import fit_width, text

LAYER_NAMES = ("words", "embedding", "hidden", "output", "softmax")


def _column(items: list, height: float, gap_every: int | None = None) -> VGroup:
    group = VGroup(*items)
    n = len(items)
    step = height / max(n, 1)
    for i, m in enumerate(items):
        extra = (i // gap_every) * step * 0.5 if gap_every else 0
        m.move_to(UP * (height / 2 - step * (i + 0.5) - extra))
    return group.move_to([0, 0, 0])


def _edges(left: VGroup, right: VGroup, opacity: float = 0.35) -> VMobject:
    """Every left node joined to every right node, as ONE path with many pieces (draws fast)."""
    path = VMobject(stroke_color=style.MUTED, stroke_width=1, stroke_opacity=opacity)
    for a in left:
        for b in right:
            path.start_new_path(a.get_right())
            path.add_line_to(b.get_left())
    return path


class EdgeFlow(Animation):
    """Every piece of a many-piece path of straight edges (as `_edges` builds) animated at once,
    each along its own length, left node to right node.

    mode "draw": each edge is drawn from its start to its end (the path is added by the
    animation). mode "signal": a short stretch (`time_width`, a fraction of each edge) runs along
    every edge from start to end, as a signal travelling the layer; the path is removed after.
    mode "pen": the same stretch, its front at the front of a "draw" of the same run time (the
    bright tip of the pen drawing the edges); removed after.
    Raises ValueError for a path that is not made of straight 4-point pieces or an unknown mode.
    """

    def __init__(self, path: VMobject, mode: str = "draw", time_width: float = 0.35, **kwargs):
        if mode not in ("draw", "signal", "pen"):
            raise ValueError(f"EdgeFlow mode must be 'draw', 'signal' or 'pen', not {mode!r}.")
        points = np.array(path.points)
        if len(points) == 0 or len(points) % 4:
            raise ValueError("EdgeFlow needs a path of straight pieces (4 points each).")
        pieces = points.reshape(-1, 4, 3)
        self.starts, self.ends = pieces[:, 0].copy(), pieces[:, 3].copy()  # (n, 3) each
        self.mode, self.time_width = mode, time_width
        kwargs.setdefault("rate_func", linear)
        if mode == "draw":
            kwargs.setdefault("introducer", True)
        else:
            kwargs.setdefault("remover", True)
        super().__init__(path, **kwargs)

    def interpolate_mobject(self, alpha: float) -> None:
        t = self.rate_func(alpha)
        if self.mode == "draw":
            lo, hi = 0.0, t
        elif self.mode == "pen":
            lo, hi = max(0.0, t - self.time_width), t
        else:
            hi = t * (1 + self.time_width)
            lo, hi = max(0.0, hi - self.time_width), min(1.0, hi)
        span = self.ends - self.starts
        a, b = self.starts + span * lo, self.starts + span * max(hi, lo)
        pieces = np.stack([a, a + (b - a) / 3, a + 2 * (b - a) / 3, b], axis=1)  # (n, 4, 3)
        self.mobject.set_points(pieces.reshape(-1, 3))


class NetworkDiagram(VGroup):
    """words (chips) → embedding (c×d cells) → hidden (H circles) → output (V cells) → softmax
    (V bars)."""

    def __init__(self, context_words, context_colors, vocab, vocab_colors, *, dim: int, hidden: int,
                 width: float, height: float):
        super().__init__()
        c, V = len(context_words), len(vocab)
        col_h = height * 0.78
        xs = np.linspace(-width / 2 + width * 0.1, width / 2 - width * 0.1, 5)
        node = min(0.32, col_h / (max(c * dim + c, hidden, V) * 1.25))
        chip_w = width * 0.17
        chip_size = max(18, min(style.LABEL_SIZE, 22 * node / 0.3))
        self.inputs = _column([word_chip(w, col, chip_size, max_width=chip_w)
                               for w, col in zip(context_words, context_colors)], col_h * 0.6)
        neutral = {"fill_color": style.NEUTRAL, "fill_opacity": 1}  # nodes before any value colours them
        self.embedding = _column([Square(node, stroke_color=style.MUTED, stroke_width=1.5, **neutral)
                                  for _ in range(c * dim)], min(col_h, node * 1.3 * (c * dim + c)),
                                 gap_every=dim)
        self.hidden = _column([Circle(node / 2, stroke_color=style.MUTED, stroke_width=1.5, **neutral)
                               for _ in range(hidden)], min(col_h, node * 1.3 * hidden))
        self.output = _column([Square(node, stroke_color=col, stroke_width=2, **neutral)
                               for col in vocab_colors], min(col_h, node * 1.3 * V))
        bar_len = width * 0.12
        self.bar_len = bar_len
        self.softmax_bars = VGroup()
        self.softmax_words = VGroup()
        for out_node, word, col in zip(self.output, vocab, vocab_colors):
            self.softmax_bars.add(Rectangle(width=1e-3, height=node * 0.8, stroke_width=0, fill_color=col,
                                            fill_opacity=0.9))
        # The softmax words share one size; a word too long for its place is cut short (the chips
        # show it whole).
        softmax_labels = word_labels(vocab, vocab_colors, width * 0.1,
                                     max(15, min(style.SMALL_SIZE, 18 * node / 0.3)))
        for group, x in zip((self.inputs, self.embedding, self.hidden, self.output), xs[:4]):
            group.move_to([x, 0, 0])
        for out_node, bar, word, col in zip(self.output, self.softmax_bars, vocab, vocab_colors):
            bar.move_to([xs[4] - bar_len / 2 + 0.05, out_node.get_center()[1], 0], aligned_edge=LEFT)
            label = softmax_labels[len(self.softmax_words)]
            label.next_to([xs[4] - bar_len / 2, out_node.get_center()[1], 0], LEFT, buff=0.08)
            self.softmax_words.add(label)
        self.lookups = VMobject(stroke_color=style.MUTED, stroke_width=1.5, stroke_opacity=0.6)
        for k, chip in enumerate(self.inputs):
            for j in range(dim):
                self.lookups.start_new_path(chip.get_right())
                self.lookups.add_line_to(self.embedding[k * dim + j].get_left())
        self.w1_edges = _edges(self.embedding, self.hidden)
        self.w2_edges = _edges(self.hidden, self.output)
        self.to_softmax = VMobject(stroke_color=style.MUTED, stroke_width=1, stroke_opacity=0.35)
        for out_node, label in zip(self.output, self.softmax_words):
            self.to_softmax.start_new_path(out_node.get_right())
            self.to_softmax.add_line_to(label.get_left() + LEFT * 0.05)
        label_size = min(style.SMALL_SIZE, 0.9 * width / 5 / (0.0075 * 10))
        self.layer_labels = VGroup()
        for name, x in zip(LAYER_NAMES, xs):
            lab = fit_width(text(name, label_size, style.MUTED), width / 5 * 0.95)
            self.layer_labels.add(lab.move_to([x, col_h / 2 + 0.35, 0]))
        self.layer_labels[4].shift(LEFT * bar_len / 4)
        self.add(self.lookups, self.w1_edges, self.w2_edges, self.to_softmax,
                 self.inputs, self.embedding, self.hidden, self.output, self.softmax_bars, self.softmax_words,
                 self.layer_labels)

    def layer(self, name: str) -> VGroup:
        return {"words": self.inputs, "embedding": self.embedding, "hidden": self.hidden,
                "output": self.output, "softmax": VGroup(self.softmax_bars, self.softmax_words)}[name]

    def colour_layer(self, name: str, values, scale: float) -> list:
        """Animations that colour a layer's nodes by value (embedding, hidden, output)."""
        return [node.animate.set_fill(style.value_color(v, scale), opacity=1)
                for node, v in zip(self.layer(name), values)]

    def draw_edges(self, path: VMobject, **kwargs) -> EdgeFlow:
        """An animation drawing a group of edges (lookups, w1_edges, w2_edges, to_softmax), every
        edge at once from its left end to its right end."""
        return EdgeFlow(path, "draw", **kwargs)

    def draw_edges_with_pen(self, path: VMobject, color=style.ACCENT, width: float = 2.5,
                            **kwargs) -> AnimationGroup:
        """`draw_edges` with a bright tip running at the front of every edge as it is drawn (the tip
        is gone at the end; the edges stay in their resting style)."""
        tip = path.copy().set_stroke(color=color, width=width, opacity=0.95)
        return AnimationGroup(EdgeFlow(path, "draw", **kwargs), EdgeFlow(tip, "pen", **kwargs))

    def signal(self, path: VMobject, color=style.ACCENT, width: float = 2.5, **kwargs) -> EdgeFlow:
        """An animation of a signal travelling every edge of `path` from left to right at once: a
        bright copy of the edges, shown only while it runs (the edges themselves are unchanged)."""
        flash = path.copy().set_stroke(color=color, width=width, opacity=0.95)
        return EdgeFlow(flash, "signal", **kwargs)

    def set_probabilities(self, probs):
        for bar, p in zip(self.softmax_bars, probs):
            left = bar.get_left()
            bar.stretch_to_fit_width(max(float(p) * self.bar_len, 1e-3))
            bar.move_to(left, aligned_edge=LEFT)
        return self


