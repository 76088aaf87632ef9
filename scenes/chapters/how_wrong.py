"""Chapter 4: How wrong was it? The prediction beside the right answer, cross-entropy
with the real number, why a confident wrong answer costs more, and the loss of every
pair at epoch 0 beside the random baseline ln V."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    LaggedStart,
    VGroup,
)

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.charts import LossBars, NegLogChart, ProbabilityBars
from scenes.kit.formatting import loss_value, probability
from scenes.kit.text import fit, fit_width, labelled, text

MAX_LOSS_BARS = 12  # pairs drawn in the last beat; longer texts show the first ones


class HowWrongWasIt(LessonScene):
    chapter_title = "How wrong was it?"

    def construct(self):
        self.compare_with_the_answer()
        self.compute_the_loss()
        self.show_the_cost_curve()
        self.average_over_all_pairs()

    def setup(self):
        super().setup()
        tr = self.trace
        self.p = float(tr.p_correct[0, self.pair])
        self.loss = float(tr.loss[0, self.pair])

    # ---- beats ------------------------------------------------------------------
    def compare_with_the_answer(self):
        self.beat("compare")
        lay, tr = self.layout, self.trace
        self.show_title(self.chapter_title)
        left_c, right_c, w, h = lay.halves()
        onehot = np.zeros(tr.V)
        onehot[self.right] = 1.0
        self.pred = ProbabilityBars(tr.vocab, self.word_colors(), tr.probs[0, self.pair], width=w * 0.85,
                                    height=h * 0.7, right=self.right)
        answer = ProbabilityBars(tr.vocab, self.word_colors(), onehot, width=w * 0.85, height=h * 0.7,
                                 right=self.right, view=self.pred.view)
        size = style.BODY_SIZE
        # Headings fit the half on their own, so a long heading never shrinks the bars' labels.
        heading = text(f"prediction for “{' '.join(self.ctx)} → ?”", size, style.MUTED)
        self.pred_block = VGroup(fit_width(heading, w * 0.95), self.pred)
        answer_block = VGroup(fit_width(text("the right answer", size, style.RIGHT), w * 0.95), answer)
        for block, at in ((self.pred_block, left_c), (answer_block, right_c)):
            fit(block.arrange(DOWN, buff=0.25), w * 0.95, h).move_to(at)
        self.answer_block = answer_block
        with self.say(
            f"To learn, the network needs one number for how wrong it was. Compare its prediction "
            f"with the right answer: all of the probability on “{self.target}”."
        ):
            self.play(FadeIn(self.pred_block), run_time=0.8)
            self.play(FadeIn(answer_block), run_time=0.8)

    def compute_the_loss(self):
        self.beat("cross_entropy")
        lay = self.layout
        size = style.HEADING_SIZE
        lines = VGroup(
            text("loss = −log p(right word)", size, style.INK),
            labelled("= −log", probability(self.p), size, style.INK, style.RIGHT, buff=0.2),
            labelled("=", loss_value(self.loss, 3), size, style.INK, style.ACCENT, buff=0.2),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        keep_pred = self.pred_block
        target, there, half_width, _ = lay.halves()  # the prediction keeps one half, the sum takes the other
        fit_width(lines, half_width * 0.95)
        lines.move_to(there)
        self.loss_lines = lines
        with self.say(
            f"That number is the cross-entropy loss: "
            f"minus the log of the probability given to the right word. "
            f"Here, minus log {probability(self.p)} is {loss_value(self.loss, 3)}."
        ):
            self.play(FadeOut(self.answer_block), keep_pred.animate.move_to(target), run_time=0.8)
            self.play(LaggedStart(*[FadeIn(line, shift=0.1 * RIGHT) for line in lines], lag_ratio=0.5),
                      run_time=2.0)

    def show_the_cost_curve(self):
        self.beat("cost_curve")
        lay = self.layout
        left_c, right_c, w, h = lay.halves()
        y_max = max(5.0, self.loss * 1.3)
        chart = NegLogChart(width=w * 0.95, height=h * 0.9, y_max=y_max).move_to(left_c)
        dot = Dot(chart.point(self.p, self.loss), radius=0.09, color=style.RIGHT)
        tag = labelled(f"“{self.target}”:", f"p = {probability(self.p)}", style.LABEL_SIZE, style.RIGHT)
        tag.next_to(dot, UP + RIGHT, buff=0.1)
        explain = VGroup(
            text("right word likely → small loss", style.BODY_SIZE, style.INK),
            text("right word unlikely → big loss", style.BODY_SIZE, style.INK),
            text("confident and wrong → the biggest", style.BODY_SIZE, style.WRONG),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit_width(explain, w * 0.95).move_to(right_c)
        with self.say(
            "The loss is small when the right word gets a high probability, and grows without limit as that "
            "probability falls towards zero. A confident wrong answer costs the most."
        ):
            self.play(FadeOut(self.pred_block), FadeOut(self.loss_lines), run_time=style.FADE_TIME)
            self.play(FadeIn(VGroup(chart.axes, chart.ticks, chart.x_label, chart.y_label)), run_time=0.6)
            self.play(FadeIn(chart.curve), run_time=1.0)
            self.play(FadeIn(dot, scale=2), FadeIn(tag), run_time=0.6)
            self.play(LaggedStart(*[FadeIn(e) for e in explain], lag_ratio=0.4), run_time=1.5)
        self.cost_parts = VGroup(chart, dot, tag, explain)

    def average_over_all_pairs(self):
        self.beat("all_pairs")
        tr = self.trace
        chart = self.loss_chart()
        more = None
        if tr.P > len(chart.bars):
            more = text(f"first {len(chart.bars)} of {tr.P} pairs; the mean covers all", style.SMALL_SIZE,
                        style.MUTED).next_to(chart, DOWN, buff=0.1)
        with self.say(
            f"Here is the loss of every pair before training. Their mean, {loss_value(tr.mean_loss[0], 3)}, "
            f"sits right at {loss_value(tr.random_baseline, 3)}, "
            f"the loss of a random guess among {tr.V} words. "
            f"Training will push it down."
        ):
            self.play(FadeOut(self.cost_parts), run_time=style.FADE_TIME)
            self.play(FadeIn(chart.axis), FadeIn(chart.labels),
                      LaggedStart(*[GrowFromEdge(b, DOWN) for b in chart.bars], lag_ratio=0.15), run_time=1.5)
            self.play(FadeIn(chart.values), run_time=0.5)
            self.play(FadeIn(chart.base_line), FadeIn(chart.mean_line), FadeIn(chart.legend),
                      *([FadeIn(more)] if more else []), run_time=0.8)

    # ---- pieces -----------------------------------------------------------------
    def loss_chart(self) -> LossBars:
        """The epoch-0 loss of as many pairs as fit, with their mean and ln V, in the content area."""
        lay, tr = self.layout, self.trace
        width, height = lay.safe_width * 0.9, lay.content_height * (0.5 if lay.portrait else 0.78)
        labels = self.pair_labels(width)
        mean = float(tr.mean_loss[0])
        legend = VGroup(
            labelled("mean", loss_value(mean, 3), style.LABEL_SIZE, style.ACCENT, buff=0.12),
            labelled(f"random guess: ln {tr.V} =", loss_value(tr.random_baseline, 3), style.LABEL_SIZE,
                     buff=0.12),
        ).arrange(RIGHT, buff=0.6)
        colors = [self.color_of(tr.pair_words(p)[1]) for p in range(len(labels))]
        chart = LossBars(tr.loss[0, :len(labels)], labels, colors, mean=mean, baseline=tr.random_baseline,
                         legend=legend, width=width, height=height)
        return fit(chart, max_height=lay.content_height - 0.4).move_to(lay.content_center)

    def pair_labels(self, width: float) -> VGroup:
        """Labels of the first pairs: as many as fit `width` at three quarters of full size or more."""
        tr, lay = self.trace, self.layout
        shown = min(tr.P, MAX_LOSS_BARS if not lay.portrait else MAX_LOSS_BARS // 2)
        labels = VGroup(*[self.pair_label(p) for p in range(shown)])
        while shown > 4 and max(m.width for m in labels[:shown]) * 0.75 > width / shown * 0.92:
            shown -= 1
        return VGroup(*labels[:shown])

    def pair_label(self, p: int) -> VGroup:
        """“the cat” over “→ sat”, the next word in its colour."""
        ctx, tgt = self.trace.pair_words(p)
        return VGroup(text(" ".join(ctx), style.SMALL_SIZE, style.MUTED),
                      text(f"→ {tgt}", style.SMALL_SIZE, self.color_of(tgt))).arrange(DOWN, buff=0.06)
