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
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    LaggedStart,
    Line,
    Rectangle,
    VGroup,
)

from scenes import style
from scenes.base import LessonScene
from scenes.parts import NegLogChart, ProbabilityBars, fit_width, number_text, percent, text

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
        self.pair = self.focus_pair
        self.ctx, self.target = tr.pair_words(self.pair)
        self.right = int(tr.targets[self.pair])
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
        answer = ProbabilityBars(tr.vocab, self.word_colors(), onehot, width=w * 0.85, height=h * 0.7, right=self.right,
                                 view=self.pred.view)
        size = style.BODY_SIZE
        # Headings fit the half on their own, so a long heading never shrinks the bars' labels.
        self.pred_block = VGroup(fit_width(text(f"prediction for “{' '.join(self.ctx)} → ?”", size, style.MUTED), w * 0.95),
                                 self.pred)
        answer_block = VGroup(fit_width(text("the right answer", size, style.RIGHT), w * 0.95), answer)
        for block, at in ((self.pred_block, left_c), (answer_block, right_c)):
            block.arrange(DOWN, buff=0.25)
            fit_width(block, w * 0.95)
            if block.height > h:
                block.scale_to_fit_height(h)
            block.move_to(at)
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
            VGroup(text("= −log", size), number_text(f"{self.p:.3f}", size, style.RIGHT)).arrange(RIGHT, buff=0.2),
            VGroup(text("=", size), number_text(f"{self.loss:.3f}", size, style.ACCENT)).arrange(RIGHT, buff=0.2),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        keep_pred = self.pred_block
        target, there, half_width, _ = lay.halves()  # prediction stays in the first half, the sum goes in the second
        fit_width(lines, half_width * 0.95)
        lines.move_to(there)
        self.loss_lines = lines
        with self.say(
            f"That number is the cross-entropy loss: minus the log of the probability given to the right word. "
            f"Here, minus log {self.p:.3f} is {self.loss:.3f}."
        ):
            self.play(FadeOut(self.answer_block), keep_pred.animate.move_to(target), run_time=0.8)
            self.play(LaggedStart(*[FadeIn(l, shift=0.1 * RIGHT) for l in lines], lag_ratio=0.5), run_time=2.0)

    def show_the_cost_curve(self):
        self.beat("cost_curve")
        lay = self.layout
        left_c, right_c, w, h = lay.halves()
        y_max = max(5.0, self.loss * 1.3)
        chart = NegLogChart(width=w * 0.95, height=h * 0.9, y_max=y_max).move_to(left_c)
        dot = Dot(chart.point(self.p, self.loss), radius=0.09, color=style.RIGHT)
        tag = VGroup(text(f"“{self.target}”:", style.LABEL_SIZE, style.RIGHT),
                     number_text(f"p = {self.p:.3f}", style.LABEL_SIZE, style.RIGHT)).arrange(RIGHT, buff=0.15)
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
        lay, tr = self.layout, self.trace
        width = lay.safe_width * 0.9
        height = lay.content_height * (0.5 if lay.portrait else 0.78)

        def pair_label(p):
            ctx, tgt = tr.pair_words(p)
            return VGroup(text(" ".join(ctx), style.SMALL_SIZE, style.MUTED),
                          text(f"→ {tgt}", style.SMALL_SIZE, self.color_of(tgt))).arrange(DOWN, buff=0.06)

        # As many pairs as fit with their labels at three quarters of full size or more, all at one size.
        shown = min(tr.P, MAX_LOSS_BARS if not lay.portrait else MAX_LOSS_BARS // 2)
        labels = VGroup(*[pair_label(p) for p in range(shown)])
        while shown > 4 and max(m.width for m in labels[:shown]) * 0.75 > width / shown * 0.92:
            shown -= 1
        labels = VGroup(*labels[:shown])
        slot = width / shown
        scale = min(1.0, slot * 0.92 / max(m.width for m in labels))
        losses = tr.loss[0, :shown]
        y_max = max(float(losses.max()), tr.random_baseline) * 1.25
        base_y = -height / 2 + 0.9
        unit = (height - 1.3) / y_max
        mean = float(tr.mean_loss[0])
        lowest_line = base_y + min(mean, tr.random_baseline) * unit
        highest_line = base_y + max(mean, tr.random_baseline) * unit
        bars, values = VGroup(), VGroup()
        for p in range(shown):
            x = -width / 2 + slot * (p + 0.5)
            col = self.color_of(tr.pair_words(p)[1])
            bar = Rectangle(width=slot * 0.72, height=max(losses[p] * unit, 1e-3), stroke_width=0, fill_color=col,
                            fill_opacity=0.85).move_to([x, base_y, 0], aligned_edge=DOWN)
            bars.add(bar)
            labels[p].scale(scale).next_to([x, base_y, 0], DOWN, buff=0.12)
            value = fit_width(number_text(f"{losses[p]:.2f}", style.SMALL_SIZE, style.BACKGROUND), bar.width * 0.9)  # inside it
            ceiling = min(bar.get_top()[1], lowest_line) - 0.1  # inside the bar, under both lines
            if ceiling - base_y > value.height + 0.15:
                value.move_to([x, ceiling - value.height / 2, 0])
            else:  # a short bar: its number sits above it, clear of the lines
                value.set_fill(style.INK).move_to([x, max(bar.get_top()[1], highest_line) + 0.1 + value.height / 2, 0])
            values.add(value)
        axis = Line([-width / 2, base_y, 0], [width / 2, base_y, 0], stroke_color=style.MUTED, stroke_width=2)
        mean_line = Line([-width / 2, base_y + mean * unit, 0], [width / 2, base_y + mean * unit, 0],
                         stroke_color=style.ACCENT, stroke_width=3)
        base_line = DashedLine([-width / 2, base_y + tr.random_baseline * unit, 0],
                               [width / 2, base_y + tr.random_baseline * unit, 0], stroke_color=style.MUTED)
        top_y = base_y + max(mean, tr.random_baseline) * unit
        legend = VGroup(
            VGroup(text("mean", style.LABEL_SIZE, style.ACCENT), number_text(f"{mean:.3f}", style.LABEL_SIZE, style.ACCENT)).arrange(RIGHT, buff=0.12),
            VGroup(text(f"random guess: ln {tr.V} =", style.LABEL_SIZE, style.MUTED),
                   number_text(f"{tr.random_baseline:.3f}", style.LABEL_SIZE, style.MUTED)).arrange(RIGHT, buff=0.12),
        ).arrange(RIGHT, buff=0.6)
        top_y = max(top_y, *[m.get_top()[1] for m in [*bars, *values]])
        fit_width(legend, width).move_to([0, top_y + 0.3 + legend.height / 2, 0])
        chart = VGroup(axis, bars, labels, values, mean_line, base_line, legend)
        if chart.height > lay.content_height - 0.4:
            chart.scale_to_fit_height(lay.content_height - 0.4)
        chart.move_to(lay.content_center)
        more = None
        if tr.P > shown:
            more = text(f"first {shown} of {tr.P} pairs; the mean covers all", style.SMALL_SIZE, style.MUTED)
            more.next_to(chart, DOWN, buff=0.1)
        with self.say(
            f"Here is the loss of every pair before training. Their mean, {mean:.3f}, sits right at "
            f"{tr.random_baseline:.3f}, the loss of a random guess among {tr.V} words. Training will push it down."
        ):
            self.play(FadeOut(self.cost_parts), run_time=style.FADE_TIME)
            self.play(FadeIn(axis), FadeIn(labels), LaggedStart(*[GrowFromEdge(b, DOWN) for b in bars], lag_ratio=0.15),
                      run_time=1.5)
            self.play(FadeIn(values), run_time=0.5)
            self.play(FadeIn(base_line), FadeIn(mean_line), FadeIn(legend), *( [FadeIn(more)] if more else []),
                      run_time=0.8)
