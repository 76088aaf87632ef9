"""Chapter 5: Learning from the mistake. The error at the output, the error flowing
back through the layers, the update rule, the "cat" vector nudged by one step, and the
same forward pass again: the right word's probability before and after that step."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Arrow, FadeIn, FadeOut, LaggedStart, ValueTracker, VGroup

from model.analysis import gradient_sizes, step_view
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import VectorCells, labels_under
from scenes.kit.charts import ProbabilityBars
from scenes.kit.diagram import NetworkDiagram
from scenes.kit.formatting import gradient_size, learning_rate, percent, percents_apart, signed
from scenes.kit.text import fit_width, labelled, number_text, text


class LearningFromTheMistake(LessonScene):
    chapter_title = "Learning from the mistake"

    def construct(self):
        self.measure_the_error()
        self.send_the_error_back()
        self.state_the_update_rule()
        if self.view.after is not None:
            self.nudge_the_vector()
            self.run_the_pair_again()
        else:
            self.report_the_divergence()

    def setup(self):
        super().setup()
        tr = self.trace
        self.view = step_view(tr, 1, self.pair)  # this pair's update in the first epoch
        self.word = self.ctx[-1]  # "cat" by default
        self.word_id = tr.vocab.index(self.word)

    # ---- beats ------------------------------------------------------------------
    def measure_the_error(self):
        self.beat("error")
        lay, tr, v = self.layout, self.trace, self.view
        self.show_title(self.chapter_title)
        left_c, right_c, w, h = lay.halves()
        probs = v.f_before.probs[0]
        self.bars = ProbabilityBars(tr.vocab, self.word_colors(), probs, width=w * 0.85, height=h * 0.62,
                                    right=self.right)
        question = text(f"prediction for “{' '.join(self.ctx)} → ?”", style.BODY_SIZE, style.MUTED)
        self.bars_block = VGroup(fit_width(question, w * 0.95), self.bars).arrange(DOWN, buff=0.25)
        fit_width(self.bars_block, w * 0.95).move_to(left_c)
        self.error_block = fit_width(self.error_cells(w), w * 0.95).move_to(right_c)
        with self.say(
            f"When training first reaches this pair, “{self.target}” gets {percent(probs[self.right])}. "
            f"The error is prediction minus right answer: {signed(v.error[self.right]).strip()} "
            f"for “{self.target}”, a little above zero for the rest."
        ):
            self.play(FadeIn(self.bars_block), run_time=0.8)
            self.play(FadeIn(self.error_block, shift=0.2 * LEFT), run_time=1.0)

    def send_the_error_back(self):
        self.beat("backprop")
        lay, tr, v = self.layout, self.trace, self.view
        h = lay.content_height * (0.5 if lay.portrait else 0.64)
        view = self.bars.view  # the same words as the bars and the error
        net = NetworkDiagram(self.ctx, [self.color_of(w) for w in self.ctx], view.words(tr.vocab),
                             view.colors(self.word_colors()), dim=tr.config.dim, hidden=tr.config.hidden,
                             width=lay.safe_width, height=h)
        net.move_to([0, lay.content_top - h / 2, 0])
        net.set_probabilities(view.probabilities(v.f_before.probs[0]))
        below = net.get_bottom()[1] - 0.25
        arrow = Arrow([net.output.get_x(), below, 0], [net.embedding.get_x(), below, 0],
                      color=style.WRONG, stroke_width=4, buff=0, max_tip_length_to_length_ratio=0.06)
        block = fit_width(self.gradient_sizes(), lay.safe_width * 0.95)
        block.move_to([0, (arrow.get_bottom()[1] + lay.content_bottom) / 2, 0])
        err_scale = float(np.abs(v.error).max())
        with self.say(
            "Backpropagation sends this error back through the network, layer by layer. Each weight gets a "
            "gradient: how much the loss would change if that weight changed."
        ):
            self.play(FadeOut(self.bars_block), FadeOut(self.error_block), FadeIn(net), run_time=0.8)
            self.play(*net.colour_layer("output", view.values(v.error), err_scale), run_time=0.6)
            self.play(FadeIn(arrow, shift=LEFT * 0.5),
                      *net.colour_layer("hidden", v.hidden_signal, float(np.abs(v.hidden_signal).max())),
                      run_time=0.8)
            self.play(*net.colour_layer("embedding", v.input_signal, float(np.abs(v.input_signal).max())),
                      run_time=0.6)
            self.play(FadeIn(block), run_time=0.6)
        self.backprop_parts = VGroup(net, arrow, block)

    def state_the_update_rule(self):
        self.beat("update_rule")
        lay, tr = self.layout, self.trace
        rule = text("new weight = weight − learning rate × gradient", style.HEADING_SIZE, style.INK)
        lines = [rule, self.learning_rate_row()]
        if tr.config.optimizer == "adam":
            lines += [text(note, style.LABEL_SIZE, style.MUTED)
                      for note in ("(Adam also keeps running averages of each weight's gradients",
                                   "and scales every step to about the learning rate)")]
        block = VGroup(*lines).arrange(DOWN, buff=0.3)
        fit_width(block, lay.safe_width * 0.95).move_to(lay.content_center)
        adam = (" Adam, our optimizer, scales each early step to about the learning rate."
                if tr.config.optimizer == "adam" else "")
        with self.say(
            f"Then every weight takes a small step against its gradient, scaled by the learning rate, "
            f"{learning_rate(tr.config.lr)}.{adam}"
        ):
            self.play(FadeOut(self.backprop_parts), run_time=style.FADE_TIME)
            self.play(LaggedStart(*[FadeIn(line) for line in block], lag_ratio=0.4), run_time=1.6)
        self.rule_block = block

    def nudge_the_vector(self):
        self.beat("nudge")
        lay, tr, v = self.layout, self.trace, self.view
        before, after = v.before.E[self.word_id], v.after.E[self.word_id]
        scale = tr.embedding_scale
        cell = min(0.9, lay.safe_width * 0.6 / (len(before) * 1.25))
        cells_before = VectorCells(before, scale=scale, cell=cell)
        cells_after = VectorCells(after, scale=scale, cell=cell).next_to(cells_before, DOWN, buff=0.3)
        changes = VGroup(*[number_text(signed(d, 3), style.SMALL_SIZE, style.ACCENT) for d in after - before])
        for number, cell in zip(changes, cells_after.cells):
            number.next_to(cell, DOWN, buff=0.25)
        labels = VGroup(*[text(name, style.BODY_SIZE, style.MUTED) for name in ("before", "after", "change")])
        for label, row in zip(labels, (cells_before, cells_after, changes)):
            label.next_to(cells_before, LEFT, buff=0.4).match_y(row)
        rows = VGroup(*[VGroup(label, row)
                        for label, row in zip(labels, (cells_before, cells_after, changes))])
        change = rows[2]
        head = VGroup(self.chip(self.word, style.BODY_SIZE),
                      text("vector, one step later", style.BODY_SIZE, style.MUTED)).arrange(RIGHT, buff=0.25)
        block = VGroup(head, rows).arrange(DOWN, buff=0.45)
        fit_width(block, lay.safe_width * 0.95).move_to(lay.content_center)
        moved = ", ".join(signed(d, 3).strip() for d in after - before)
        with self.say(
            f"Here is the “{self.word}” vector nudged by this one step: its numbers moved by {moved}. "
            f"Small changes, in the direction that makes “{self.target}” more likely."
        ):
            self.play(FadeOut(self.rule_block), run_time=style.FADE_TIME)
            self.play(FadeIn(head), FadeIn(rows[0]), run_time=0.8)
            self.play(FadeIn(rows[1], shift=0.2 * DOWN), run_time=0.8)
            self.play(FadeIn(change), run_time=0.6)
        self.nudge_block = block

    def report_the_divergence(self):
        self.beat("diverged")
        tr, lay = self.trace, self.layout
        warning = text("training diverged", style.HEADING_SIZE, style.WRONG)
        block = VGroup(warning, self.learning_rate_row()).arrange(DOWN, buff=0.3).move_to(lay.content_center)
        with self.say(
            f"But with a learning rate of {learning_rate(tr.config.lr)} the steps are far too big: "
            f"in epoch {tr.diverged_epoch} the loss stopped being a number at all, "
            f"before this step could be recorded. The run diverged."
        ):
            self.play(FadeOut(self.rule_block), run_time=style.FADE_TIME)
            self.play(FadeIn(block), run_time=0.8)

    def run_the_pair_again(self):
        self.beat("again")
        lay, tr, v = self.layout, self.trace, self.view
        p0, p1 = v.f_before.probs[0], v.f_after.probs[0]
        was, now = percents_apart(p0[self.right], p1[self.right])
        w = lay.safe_width * (0.95 if lay.portrait else 0.6)
        bars = ProbabilityBars(tr.vocab, self.word_colors(), p0, width=w, height=lay.content_height * 0.6,
                               right=self.right, history=np.stack([p0, p1]))
        head = VGroup(text(f"p(“{self.target}”)", style.HEADING_SIZE, self.color_of(self.target)),
                      number_text(was, style.HEADING_SIZE, style.MUTED),
                      text("→", style.HEADING_SIZE, style.MUTED),
                      number_text(now, style.HEADING_SIZE, style.RIGHT)).arrange(RIGHT, buff=0.25)
        block = VGroup(head, bars).arrange(DOWN, buff=0.4)
        fit_width(block, lay.safe_width * 0.95).move_to(lay.content_center)
        with self.say(
            f"Run the same pair through again: “{self.target}” now gets {now}, "
            f"{'up' if p1[self.right] >= p0[self.right] else 'down'} from {was}. One small step. "
            f"Training repeats it for every pair, epoch after epoch."
        ):
            self.play(FadeOut(self.nudge_block), run_time=style.FADE_TIME)
            self.play(FadeIn(bars), FadeIn(head[:2]), run_time=0.8)
            t = ValueTracker(0)
            bars.add_updater(lambda b: b.set_values(p0 * (1 - t.get_value()) + p1 * t.get_value(),
                                                    numbers=p0 if t.get_value() < 1 else p1))
            self.play(t.animate.set_value(1), FadeIn(head[2:]), run_time=1.5)
            bars.clear_updaters()

    # ---- pieces -----------------------------------------------------------------
    def error_cells(self, width: float) -> VGroup:
        """“error = prediction − right answer” over the error of each word the bars show (a big
        vocabulary's "others" cell holds the rest's sum), each word under its cell."""
        tr, shown, error = self.trace, self.bars.view, self.view.error
        errors = np.asarray(error)[list(shown.indices)]
        if shown.others:
            errors = np.append(errors, np.delete(error, list(shown.indices)).sum())
        cells = VectorCells(errors, scale=1.0, cell=min(0.8, width * 0.85 / (len(errors) * 1.25)))
        words = labels_under(cells.cells, shown.words(tr.vocab), shown.colors(self.word_colors()))
        heading = text("error = prediction − right answer", style.BODY_SIZE, style.ACCENT)
        return VGroup(fit_width(heading, width * 0.95), VGroup(cells, words)).arrange(DOWN, buff=0.3)

    def gradient_sizes(self) -> VGroup:
        """The size of each layer's gradient in this step, output layer first (as the error flows)."""
        sizes = gradient_sizes(self.view.grads)
        layers = (("W2", "output weights W₂"), ("W1", "hidden weights W₁"), ("E", "embeddings E"))
        row = VGroup(*[labelled(label, gradient_size(sizes[name]), style.LABEL_SIZE, style.MUTED, style.WRONG,
                                buff=0.1, direction=DOWN) for name, label in layers]).arrange(RIGHT, buff=0.8)
        caption = text("size of each layer's gradient", style.SMALL_SIZE, style.MUTED)
        return VGroup(caption, row).arrange(DOWN, buff=0.2)

    def learning_rate_row(self) -> VGroup:
        """“learning rate 0.01”: the run's learning rate, as the update rule uses it."""
        return labelled("learning rate", learning_rate(self.trace.config.lr), style.BODY_SIZE, style.MUTED,
                        style.ACCENT, buff=0.2)
