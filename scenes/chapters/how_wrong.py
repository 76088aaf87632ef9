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
    AnimationGroup,
    Arrow,
    Dot,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowArrow,
    GrowFromEdge,
    LaggedStart,
    Line,
    ManimColor,
    UpdateFromAlphaFunc,
    VGroup,
    interpolate_color,
)

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import fits_readably, shared_floor, shared_label_size, short_word, shortened
from scenes.kit.charts import LossBars, NegLogChart, ProbabilityBars
from scenes.kit.formatting import loss_value, probability
from scenes.kit.text import GlyphNumber, fit, fit_width, labelled, number_text, text

MAX_LOSS_BARS = 12  # pairs drawn in the last beat; longer texts show the first ones
HIGH_P = 0.9  # where the point slides to show a small loss
FALLING = 0.5  # ... and a big one: this share of the chart's height (then near its top)
CONFIDENT_WRONG = 0.9


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
        """The prediction's bars grow to their values; a copy travels beside it and becomes the
        right answer: the right word's bar rising to 100%, every other falling to 0."""
        self.beat("compare")
        lay, tr = self.layout, self.trace
        self.show_title(self.chapter_title)
        left_c, right_c, w, h = lay.halves()
        probs = tr.probs[0, self.pair]
        onehot = np.zeros(tr.V)
        onehot[self.right] = 1.0
        size = style.BODY_SIZE
        # Headings fit the half on their own, so a long heading never shrinks the bars' labels.
        heading = text(f"prediction for “{' '.join(map(short_word, self.ctx))} → ?”", size, style.MUTED)
        answer_heading = fit_width(text("the right answer", size, style.RIGHT), w * 0.95)
        fit_width(heading, w * 0.95)
        # The bars are built at the size they are shown (never scaled afterwards), so their numbers
        # are drawn at the size bars_view chose them for.
        bars_w = w * 0.95
        bars_h = min(h * 0.7, h - max(heading.height, answer_heading.height) - 0.25)
        self.pred = ProbabilityBars(tr.vocab, self.word_colors(), probs, width=bars_w, height=bars_h,
                                    right=self.right)
        answer = ProbabilityBars(tr.vocab, self.word_colors(), onehot, width=bars_w, height=bars_h,
                                 right=self.right, view=self.pred.view)
        self.pred_block = VGroup(heading, self.pred)
        answer_block = VGroup(answer_heading, answer)
        for block, at in ((self.pred_block, left_c), (answer_block, right_c)):
            fit(block.arrange(DOWN, buff=0.25), w * 0.95, h).move_to(at)
        self.answer_block = answer_block
        answer_home = answer.get_center()
        answer.set_values(probs).move_to(self.pred.get_center())  # a copy of the prediction, for now
        self.pred.set_values(np.zeros(tr.V))
        with self.say("To learn, the network needs one number for how wrong it was.") as phrase:
            phrase.play(FadeIn(heading), FadeIn(self.pred, shift=RIGHT), share=0.45)
            phrase.play(self.pred.change_values(np.zeros(tr.V), probs))
        with self.say("Compare its prediction with the right answer:") as phrase:
            self.add(answer)
            phrase.play(answer.animate.move_to(answer_home), FadeIn(answer_heading, shift=0.2 * DOWN))
        with self.say(f"all of the probability on “{self.target}”.") as phrase:
            phrase.play(answer.change_values(probs, onehot))

    def compute_the_loss(self):
        """−log p step by step: the right word's probability carried from its bar into the formula,
        its log, and the loss."""
        self.beat("cross_entropy")
        lay = self.layout
        size = style.HEADING_SIZE
        p_number = number_text(probability(self.p), size, style.RIGHT)
        log_number = number_text(f"−{loss_value(self.loss, 3)}", size, style.INK)
        loss_number = number_text(loss_value(self.loss, 3), size, style.ACCENT)
        lines = VGroup(
            text("loss = −log p(right word)", size, style.INK),
            VGroup(text("= −log", size, style.INK), p_number).arrange(RIGHT, buff=0.2),
            VGroup(text("= −(", size, style.INK), log_number, text(")", size, style.INK)).arrange(RIGHT,
                                                                                                 buff=0.1),
            VGroup(text("=", size, style.INK), loss_number).arrange(RIGHT, buff=0.2),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        _, there, half_width, half_height = lay.halves()  # the prediction keeps its half, the sum the other
        fit(lines, half_width * 0.95, half_height * 0.9).move_to(there)
        self.loss_lines, self.p_number, self.loss_number = lines, p_number, loss_number
        right_label = self.pred.value_labels[self.pred.view.position(self.right)]
        right_bar = self.pred.bar_of(self.right)
        with self.say("That number is the cross-entropy loss:") as phrase:
            phrase.play(FadeOut(self.answer_block, shift=DOWN), share=0.3)
            phrase.play(FadeIn(lines[0], shift=UP))
        with self.say("minus the log of the probability given to the right word.") as phrase:
            carried = VGroup(right_bar.copy(), right_label.copy())
            phrase.play(FadeIn(lines[1][0]), share=0.2)
            phrase.play(FadeTransform(carried, p_number), share=0.6)
        with self.say(f"The log of {probability(self.p)} is −{loss_value(self.loss, 3)},") as phrase:
            # The prediction has given its number: it leaves while the log is taken.
            phrase.play(FadeOut(self.pred_block, shift=LEFT), FadeTransform(p_number.copy(), log_number),
                        FadeIn(lines[2][0]), FadeIn(lines[2][2]), share=0.7)
        with self.say(f"so the loss is {loss_value(self.loss, 3)}.") as phrase:
            phrase.play(FadeTransform(log_number.copy(), loss_number), FadeIn(lines[3][0]), share=0.7)

    def show_the_cost_curve(self):
        """−log p drawn; the pair's probability and loss carried to a point on it, which then slides
        up and down the curve to show small and big losses."""
        self.beat("cost_curve")
        lay = self.layout
        left_c, _, w, h = lay.halves()
        y_max = max(5.0, self.loss * 1.3)
        chart = NegLogChart(width=w * 0.95, height=h * 0.9, y_max=y_max).move_to(left_c)
        point = self.moving_point(chart)
        explain = VGroup(
            text("right word likely → small loss", style.BODY_SIZE, style.INK),
            text("right word unlikely → big loss", style.BODY_SIZE, style.INK),
            text("confident and wrong → the biggest", style.BODY_SIZE, style.WRONG),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        fit(explain, w * 0.95, h * 0.9).move_to(self.loss_lines)
        low = float(np.exp(-FALLING * y_max))
        wrong = float(np.exp(-CONFIDENT_WRONG * y_max))
        with self.say("Plot minus log p for every probability the right word could get.") as phrase:
            self.set_point(point, chart, 1.0)
            frame = VGroup(chart.axes, chart.ticks, chart.x_label, chart.y_label)
            phrase.play(FadeIn(frame), FadeIn(point), share=0.12)
            phrase.play(self.trace_curve(chart, point))
        with self.say(f"This prediction gave “{self.target}” {probability(self.p)},") as phrase:
            phrase.play(self.slide(point, chart, wrong, self.p),
                        self.carry(self.p_number, point.p_value, probability(self.p)))
        with self.say(f"a loss of {loss_value(self.loss, 3)}: a point on the curve.") as phrase:
            phrase.play(self.carry(self.loss_number, point.loss_value, loss_value(self.loss, 3)), share=0.6)
            phrase.play(FadeOut(self.loss_lines, shift=RIGHT))
        with self.say("The loss is small when the right word gets a high probability,") as phrase:
            phrase.play(self.slide(point, chart, self.p, HIGH_P), FadeIn(explain[0], shift=0.3 * LEFT))
        with self.say("and grows without limit as that probability falls towards zero.") as phrase:
            phrase.play(self.slide(point, chart, HIGH_P, low), FadeIn(explain[1], shift=0.3 * LEFT))
        with self.say("A confident wrong answer costs the most.") as phrase:
            phrase.play(self.slide(point, chart, low, wrong, turn=style.WRONG),
                        FadeIn(explain[2], shift=0.3 * LEFT))
        self.cost_parts = VGroup(chart, point, explain)

    def average_over_all_pairs(self):
        """Every pair's loss bar grows; the mean line settles as pairs are counted in, beside ln V."""
        self.beat("all_pairs")
        tr = self.trace
        chart = self.loss_chart()
        more = None
        if tr.P > len(chart.bars):
            more = text(f"first {len(chart.bars)} of {tr.P} pairs; the mean covers all", style.SMALL_SIZE,
                        style.MUTED).next_to(chart, DOWN, buff=0.1)
        mean_words, baseline_words = chart.legend
        with self.say("Here is the loss of every pair before training.") as phrase:
            phrase.play(FadeOut(self.cost_parts), share=0.12)
            phrase.play(FadeIn(chart.axis), FadeIn(chart.labels), share=0.1)
            phrase.play(LaggedStart(*[AnimationGroup(GrowFromEdge(bar, DOWN), FadeIn(value))
                                      for bar, value in zip(chart.bars, chart.values)], lag_ratio=0.3))
        with self.say(f"Their mean, {loss_value(tr.mean_loss[0], 3)},") as phrase:
            rise = self.raise_level(chart, chart.mean_line, float(tr.mean_loss[0]), mean_words[1])
            self.add(chart.mean_line, mean_words[1])
            phrase.play(FadeIn(mean_words[0]), share=0.1)
            phrase.play(rise)
        with self.say(f"sits right at {loss_value(tr.random_baseline, 3)}, "
                      f"the loss of a random guess among {tr.V} words.") as phrase:
            rise = self.raise_level(chart, chart.base_line, tr.random_baseline, baseline_words[1])
            self.add(chart.base_line, baseline_words[1])
            phrase.play(FadeIn(baseline_words[0]), *([FadeIn(more)] if more else []), share=0.15)
            phrase.play(rise)
        with self.say("Training will push it down.") as phrase:
            y = chart.mean_line.get_center()[1]
            x = chart.mean_line.get_end()[0] + 0.25
            top = max(m.get_top()[1] for m in (chart.base_line, chart.mean_line))
            bottom = chart.axis.get_center()[1]
            arrow = Arrow([x, top + 0.05, 0], [x, y - (y - bottom) * 0.5, 0], buff=0, color=style.ACCENT,
                          stroke_width=5, max_tip_length_to_length_ratio=0.2)
            phrase.play(GrowArrow(arrow), share=0.5)

    # ---- pieces -----------------------------------------------------------------
    def moving_point(self, chart: NegLogChart) -> VGroup:
        """The point on the −log p curve, its guides to both axes, and its coordinates (numbers that
        change in place as it moves), at the top right of the plot where the curve is low."""
        # Numbers that change in place are never scaled: the readout's size is chosen to fit instead.
        longest = len("loss =") + 7
        size = min(style.LABEL_SIZE, chart.plot_w * 0.6 / (0.0075 * longest * 1.15))
        point = VGroup()
        point.dot = Dot(radius=0.09, color=style.RIGHT)
        point.drop = Line(stroke_color=style.ACCENT, stroke_width=6, stroke_opacity=0.6)  # height: the loss
        point.across = Line(stroke_color=style.MUTED, stroke_width=2)  # across to the loss on the y axis
        point.p_words = text("p =", size, style.RIGHT)
        point.p_value = GlyphNumber(probability(self.p), size, style.RIGHT, slots=5)
        point.loss_words = text("loss =", size, style.ACCENT)
        point.loss_value = GlyphNumber(loss_value(self.loss, 3), size, style.ACCENT, slots=6)
        readout = VGroup(VGroup(point.p_words, point.p_value).arrange(RIGHT, buff=0.12),
                         VGroup(point.loss_words, point.loss_value).arrange(RIGHT, buff=0.12))
        readout.arrange(DOWN, aligned_edge=RIGHT, buff=0.15)
        readout[0].align_to(readout[1][1], RIGHT)
        # On one baseline: centring "p =" (its p hangs below the line) would lift it above its number.
        # Its "=" sits where the loss's "=" sits beside its number (both numbers are digits alike).
        rise = ((point.loss_words[-1].get_center() - point.loss_value.get_center())
                - (point.p_words[-1].get_center() - point.p_value.get_center()))[1]
        point.p_words.shift(UP * rise)
        corner = chart.point(chart.x_max, chart.y_max)
        readout.move_to(corner + DOWN * (0.45 + readout.height / 2) + LEFT * readout.width / 2)
        point.add(point.drop, point.across, point.dot, readout)
        return point

    def set_point(self, point: VGroup, chart: NegLogChart, p: float) -> VGroup:
        """Put the point at probability p, its guides reaching the axes and its numbers saying where."""
        where = chart.point_at(p)
        p = float(np.clip(p, chart.p_min, 1.0))
        point.dot.move_to(where)
        point.drop.put_start_and_end_on(chart.point(p, 0), where + DOWN * 1e-3)
        point.across.put_start_and_end_on(chart.point(0, -np.log(p)) + LEFT * 1e-3, where)
        point.p_value.set_text(probability(p))
        point.loss_value.set_text(loss_value(-np.log(p), 3))
        return point

    def slide(self, point: VGroup, chart: NegLogChart, p_from: float, p_to: float, turn=None):
        """The point sliding along the curve from p_from to p_to, evenly in loss (and turning to the
        colour `turn` on the way, when given)."""
        a, b = np.log(p_from), np.log(p_to)
        start = point.dot.get_color()

        def update(mob, alpha):
            self.set_point(mob, chart, float(np.exp(a + (b - a) * alpha)))
            if turn is not None:
                mob.dot.set_color(interpolate_color(start, ManimColor(turn), alpha))

        return UpdateFromAlphaFunc(point, update)

    def trace_curve(self, chart: NegLogChart, point: VGroup):
        """The curve drawn by the point running up it from p = 1 (no loss) towards p = 0, evenly in
        loss, its coordinates counting; the point stops short of the top (the axis's label is there)
        as the curve reaches it."""
        full = chart.curve.copy()
        low = -CONFIDENT_WRONG * chart.y_max  # log p where the point stops

        def update(group, alpha):
            curve, moving = group
            drawn = float(np.exp(-chart.y_max * alpha))  # the curve's end runs on to the top
            p = max(drawn, float(np.exp(low)))
            curve.pointwise_become_partial(full, (drawn - chart.p_min) / (1 - chart.p_min), 1)
            self.set_point(moving, chart, p)

        chart.curve.pointwise_become_partial(full, 1, 1)
        return UpdateFromAlphaFunc(VGroup(chart.curve, point), update, rate_func=lambda t: t)

    @staticmethod
    def carry(number, slot: GlyphNumber, content: str):
        """A copy of `number` travelling into `slot` (which shows `content` when it lands) and
        taking its size there; the copy is removed at the end."""
        copy = number.copy()
        landing = slot.copy().set_text(content)
        return copy.animate(remover=True).scale(landing.height / copy.height).move_to(landing)

    @staticmethod
    def raise_level(chart: LossBars, line, value: float, number: GlyphNumber):
        """A level line rising from the axis to `value` (nats), like a bar growing to its value, its
        number counting along: the mean of the losses, or ln V."""
        bottom, top = chart.level_y(0.0), chart.level_y(value)  # read before any line moves

        def update(mob, alpha):
            y = bottom + (top - bottom) * alpha
            now = value * alpha
            mob.shift(UP * (y - mob.get_center()[1]))  # a dashed line too: it only moves
            shown = loss_value(now, 3)
            if len(shown) <= len(number.cells):
                number.set_text(shown)  # at its drawn size: GlyphNumber keeps its scale

        update(line, 0.0)
        return UpdateFromAlphaFunc(line, update)

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
        if legend.width > width:  # a narrow frame: the two levels' names one above the other
            legend.arrange(DOWN, buff=0.12)
        colors = [self.color_of(tr.pair_words(p)[1]) for p in range(len(labels))]
        chart = LossBars(tr.loss[0, :len(labels)], labels, colors, mean=mean, baseline=tr.random_baseline,
                         legend=legend, width=width, height=height)
        return fit(chart, max_height=lay.content_height - 0.4).move_to(lay.content_center)

    def pair_labels(self, width: float) -> VGroup:
        """Labels of the first pairs: as many as fit `width` readably (a long word cut short), all
        at one size."""
        tr, lay = self.trace, self.layout
        shown = min(tr.P, MAX_LOSS_BARS if not lay.portrait else MAX_LOSS_BARS // 2)
        lines = [self.pair_lines(p) for p in range(shown)]
        floor = shared_floor(style.SMALL_SIZE)
        while shown > 4 and not all(fits_readably(line, width / shown * 0.92, floor)
                                    for pair in lines[:shown] for line in pair):
            shown -= 1
        slot = width / shown * 0.92
        size = shared_label_size([line for pair in lines[:shown] for line in pair], slot, style.SMALL_SIZE)
        labels = VGroup()
        for p, (ctx, tgt) in enumerate(lines[:shown]):
            color = self.color_of(tr.pair_words(p)[1])
            labels.add(VGroup(shortened(ctx, size, style.MUTED, slot),
                              shortened(tgt, size, color, slot)).arrange(DOWN, buff=0.06))
        return labels

    def pair_lines(self, p: int) -> tuple[str, str]:
        """A pair's label as two lines: “the cat” over “→ sat” (the next word in its colour), or for a
        right-to-left text the arrow on the right of the next word, pointing the way it reads."""
        ctx, tgt = self.trace.pair_words(p)
        return " ".join(ctx), f"{tgt} {self.reading_arrow}" if self.rtl else f"→ {tgt}"
