"""Chapter: Watch it learn. The loss curve drawn epoch by epoch beside the
probability bars of one training pair, every value from the trace."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, Indicate, ValueTracker, VGroup, linear

from scenes import style
from scenes.base import LessonScene
from scenes.parts import GlyphNumber, LossCurve, ProbabilityBars, fit_width, number_text, percent, text

TRAINING_RUN_TIME = 10.0  # seconds for the whole run, whatever the number of epochs


class WatchItLearn(LessonScene):
    chapter_title = "Watch it learn"

    def construct(self):
        self.set_the_stage()
        self.show_first_guess()
        self.train_the_network()
        self.mark_convergence()
        self.show_the_result()

    # ---- beats ------------------------------------------------------------------
    def set_the_stage(self):
        self.beat("set_the_stage")
        tr, lay = self.trace, self.layout
        self.show_title(self.chapter_title)
        self.pair = self.focus_pair
        ctx, self.target = tr.pair_words(self.pair)
        left_c, right_c, w, h = lay.halves()
        size = style.HEADING_SIZE * lay.text_scale

        self.curve = LossCurve(tr.mean_loss, width=w, height=h * 0.86, baseline=tr.random_baseline)
        self.curve.move_to(left_c + DOWN * h * 0.07)
        self.baseline_label = text(f"random guess: ln {tr.V} = {tr.random_baseline:.2f}", style.SMALL_SIZE * lay.text_scale, style.MUTED)
        self.baseline_label.next_to(self.curve.baseline, DOWN, buff=0.12).align_to(self.curve.baseline, RIGHT)
        self.readout = self.get_readout(0).next_to(self.curve, UP, buff=0.1)

        self.bars = ProbabilityBars(
            tr.vocab, self.word_colors(), tr.probs[0, self.pair], width=w * 0.9, height=h * 0.72, right=tr.targets[self.pair]
        )
        self.bars.move_to(right_c + DOWN * h * 0.06)
        question = VGroup(*[text(word, size, self.color_of(word)) for word in ctx], text("→ ?", size, style.MUTED))
        question.arrange(buff=0.25)
        self.question = fit_width(question, w).next_to(self.bars, UP, buff=0.35)

        with self.say(
            f"Now we train: {tr.last_epoch} epochs. In each epoch the network sees all {tr.P} training pairs "
            f"and nudges its weights after every one."
        ):
            self.play(Create(self.curve.axes), FadeIn(self.curve.ticks), FadeIn(self.curve.x_label), FadeIn(self.curve.y_label))
            self.play(Create(self.curve.baseline), FadeIn(self.baseline_label), FadeIn(self.readout))
            self.add(self.curve)
            self.play(FadeIn(self.question), FadeIn(self.bars))

    def show_first_guess(self):
        self.beat("first_guess")
        tr = self.trace
        p0 = tr.p_correct[0, self.pair]
        with self.say(
            f"Before any training it gives “{self.target}” only {percent(p0)}: "
            f"a random guess among {tr.V} words would give {percent(1 / tr.V)}."
        ):
            self.play(Indicate(self.bars.bars[tr.targets[self.pair]], color=style.ACCENT), run_time=1.5)

    def train_the_network(self):
        self.beat("train")
        tr = self.trace
        t = ValueTracker(0)
        probs = tr.probs[:, self.pair]  # (N, V)

        def follow_curve(curve):
            curve.set_progress(t.get_value())

        def follow_bars(bars):
            e = t.get_value()
            lo = int(np.floor(e))
            hi = min(lo + 1, tr.last_epoch)
            frac = e - lo
            # Bars glide between recorded epochs; the numbers are the recorded epoch's own.
            bars.set_values(probs[lo] * (1 - frac) + probs[hi] * frac, numbers=probs[lo])

        def follow_readout(readout):
            self.set_readout(readout, int(np.floor(t.get_value())))

        self.curve.add_updater(follow_curve)
        self.bars.add_updater(follow_bars)
        self.readout.add_updater(follow_readout)
        with self.say(f"Watch the loss fall as the probability of “{self.target}” rises."):
            self.play(t.animate.set_value(tr.last_epoch), run_time=TRAINING_RUN_TIME, rate_func=linear)
        for mob in (self.curve, self.bars, self.readout):
            mob.clear_updaters()

    def mark_convergence(self):
        self.beat("convergence")
        tr = self.trace
        e = tr.convergence_epoch
        if e is None:
            with self.say(f"At epoch {tr.last_epoch} the loss is still falling: more epochs would help."):
                self.play(Indicate(self.curve.curve, color=style.ACCENT))
            return
        top = self.curve.point(e, self.curve.y_max * 0.55)
        marker = DashedLine(self.curve.point(e, 0), top, stroke_color=style.ACCENT, stroke_width=3)
        size = style.SMALL_SIZE * self.layout.text_scale
        label = VGroup(text("converged", size, style.ACCENT), number_text(f"epoch {e}", size, style.ACCENT))
        label.arrange(DOWN, buff=0.08, aligned_edge=LEFT).next_to(top, RIGHT, buff=0.12, aligned_edge=UP)
        with self.say(
            f"Around epoch {e} the loss stops improving much: mean loss {tr.mean_loss[e]:.3f}. "
            f"The network has converged."
        ):
            self.play(Create(marker), FadeIn(label))

    def show_the_result(self):
        self.beat("result")
        tr = self.trace
        p0, p1 = tr.p_correct[0, self.pair], tr.p_correct[-1, self.pair]
        with self.say(
            f"After {tr.last_epoch} epochs it gives “{self.target}” {percent(p1)}, up from {percent(p0)}."
        ):
            self.play(Indicate(self.bars.bars[tr.targets[self.pair]], color=style.RIGHT), run_time=1.5)

    # ---- pieces -----------------------------------------------------------------
    def get_readout(self, epoch: int) -> VGroup:
        """'epoch 12   mean loss 0.587': labels built once, numbers rebuilt from glyphs."""
        tr, size = self.trace, style.LABEL_SIZE * self.layout.text_scale
        width = len(str(tr.last_epoch))
        row = VGroup(
            text("epoch", size, style.MUTED),
            number_text(f"{epoch:>{width}}", size, style.INK),
            text("mean loss", size, style.MUTED),
            GlyphNumber(f"{tr.mean_loss[epoch]:.3f}", size, style.ACCENT, slots=7),
        )
        row.arrange(buff=0.15)
        row[2:].shift(0.3 * RIGHT)
        return row

    def set_readout(self, readout: VGroup, epoch: int):
        width = len(str(self.trace.last_epoch))
        readout[1].set_text(f"{epoch:>{width}}")
        readout[3].set_text(f"{self.trace.mean_loss[epoch]:.3f}")
