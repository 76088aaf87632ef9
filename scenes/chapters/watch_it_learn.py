"""Chapter 6: Watch it learn. An epoch counter runs; the loss curve is drawn as it
happens; one pair's probability bars rise; the "cat" vector's cells change; the word map
moves; accuracy climbs. The run pauses at events found in the trace: the first epoch
with every guess right, the epoch the loss has halved, and the convergence epoch."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, UP, Create, DashedLine, FadeIn, Indicate, ValueTracker, VGroup, linear

from model.trace import CONVERGED_FRACTION
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import VectorCells
from scenes.kit.charts import LossCurve, ProbabilityBars
from scenes.kit.formatting import loss_value, percent
from scenes.kit.text import GlyphNumber, fit_width, labelled, text

TRAINING_RUN_TIME = 14.0  # seconds of animation for the whole run, whatever the number of epochs
MIN_SEGMENT_TIME = 1.2  # the shortest stretch between two call-outs


class WatchItLearn(LessonScene):
    chapter_title = "Watch it learn"

    def construct(self):
        self.set_the_stage()
        for epoch, beat_id, line in self.events():
            self.train_until(epoch, beat_id, line)

    def setup(self):
        super().setup()
        tr = self.trace
        self.word = self.ctx[-1]
        self.word_id = tr.vocab.index(self.word)
        self.epoch = ValueTracker(0)
        self.shown_epoch = 0

    # ---- beats ------------------------------------------------------------------
    def set_the_stage(self):
        self.beat("set_the_stage")
        tr, lay = self.trace, self.layout
        self.show_title(self.chapter_title)
        (c0, w0, h0), (c1, w1, h1), (c2, w2, h2), (c3, w3, _) = lay.dashboard()
        self.loss_panel(c0, w0, h0)
        self.bars_panel = self.pair_panel(w1, h1).move_to(c1)
        self.map = self.get_word_map(w2 * 0.95, h2 * 0.95, label_size=style.SMALL_SIZE).move_to(c2)
        self.right_panel = fit_width(self.vector_panel(w3), w3 * 0.95).move_to(c3)
        with self.say(
            f"Now we train: {tr.last_epoch} epochs. In each epoch the network sees all {tr.P} training pairs "
            f"and nudges its weights after every one."
        ):
            self.play(FadeIn(self.curve), FadeIn(self.readout), FadeIn(self.baseline_label), run_time=1.0)
            self.play(FadeIn(self.bars_panel), run_time=0.8)
            self.play(FadeIn(self.map), FadeIn(self.right_panel), run_time=0.8)

    def events(self) -> list[tuple[int, str, str]]:
        """The call-outs, found in the trace, in the order they happen; the end of the run last."""
        tr = self.trace
        found = []
        if tr.all_correct_epoch is not None:
            e = tr.all_correct_epoch
            found.append((e, "all_correct", (
                f"By epoch {e} every pair's most likely word is the right one, "
                f"though “{self.target}” still gets only {percent(tr.p_correct[e, self.pair])}.")))
        if tr.loss_halved_epoch is not None:
            e = tr.loss_halved_epoch
            found.append((e, "loss_halved", (
                f"By epoch {e} the mean loss has halved: {loss_value(tr.mean_loss[0], 3)} down to "
                f"{loss_value(tr.mean_loss[e], 3)}. The word map spreads out as the vectors learn.")))
        if tr.convergence_epoch is not None:
            e = tr.convergence_epoch
            found.append((e, "converged", (
                f"Around epoch {e} the loss stops improving much: it has made "
                f"{percent(CONVERGED_FRACTION)} of the fall it can make. The network has converged.")))
        found.sort(key=lambda event: event[0])
        p0, p1 = tr.p_correct[0, self.pair], tr.p_correct[-1, self.pair]
        if tr.diverged_epoch is not None:
            end = f"In epoch {tr.diverged_epoch} the loss stopped being a number at all: training diverged."
        else:
            end = (f"After {tr.last_epoch} epochs “{self.target}” gets {percent(p1)}, "
                   f"up from {percent(p0)}.")
        found.append((tr.last_epoch, "end", end))
        return found

    def train_until(self, epoch: int, beat_id: str, line: str):
        self.beat(beat_id)
        tr = self.trace
        span = epoch - self.shown_epoch
        run_time = max(MIN_SEGMENT_TIME, TRAINING_RUN_TIME * span / max(tr.last_epoch, 1)) if span > 0 else 0
        with self.say(line):
            if run_time:
                self.follow_the_epoch()
                self.play(self.epoch.animate.set_value(epoch), run_time=run_time, rate_func=linear)
                self.stop_following()
            self.shown_epoch = epoch
            self.call_out(epoch, beat_id)

    # ---- pieces -----------------------------------------------------------------
    def loss_panel(self, center, width: float, height: float):
        """The loss curve with its readout above (epoch, mean loss) and ln V named by its line."""
        tr, small = self.trace, style.LABEL_SIZE
        self.curve = LossCurve(tr.mean_loss, width=width, height=height * 0.8, baseline=tr.random_baseline)
        self.curve.move_to(center + UP * height * 0.02)
        digits = len(str(tr.last_epoch))  # right-aligned in its slots, so "150" never runs into its neighbour
        self.epoch_number = GlyphNumber(f"{0:>{digits}}", small, style.INK, slots=digits)
        self.loss_number = GlyphNumber(loss_value(tr.mean_loss[0], 3), small, style.ACCENT, slots=7)
        self.readout = VGroup(text("epoch", small, style.MUTED), self.epoch_number,
                              text("mean loss", small, style.MUTED), self.loss_number)
        self.readout.arrange(RIGHT, buff=0.15)
        self.readout[2].shift(RIGHT * 0.25)
        self.readout[3].shift(RIGHT * 0.25)
        fit_width(self.readout, width).next_to(self.curve, UP, buff=0.05)
        self.baseline_label = text(f"random guess: ln {tr.V} = {loss_value(tr.random_baseline)}",
                                   style.SMALL_SIZE, style.MUTED)
        # Under the dashed line, unless the line sits low (a diverging run's loss dwarfs ln V).
        side = DOWN if tr.random_baseline / self.curve.y_max > 0.3 else UP
        fit_width(self.baseline_label, width * 0.6).next_to(self.curve.baseline, side, buff=0.1)
        self.baseline_label.align_to(self.curve.baseline, RIGHT)

    def pair_panel(self, width: float, height: float) -> VGroup:
        """The pair the lesson follows (“the cat → ?”) over its probability bars."""
        tr, small = self.trace, style.LABEL_SIZE
        question = VGroup(*[text(w, small, self.color_of(w)) for w in self.ctx],
                          text("→ ?", small, style.MUTED)).arrange(RIGHT, buff=0.15)
        self.bars = ProbabilityBars(tr.vocab, self.word_colors(), tr.probs[0, self.pair], width=width * 0.9,
                                    height=height - question.height - 0.25, right=self.right,
                                    history=tr.probs[:, self.pair])
        return VGroup(question, self.bars).arrange(DOWN, buff=0.15)

    def vector_panel(self, width: float) -> VGroup:
        """The followed word's vector (its cells change as it learns) over the accuracy."""
        tr, small = self.trace, style.LABEL_SIZE
        self.E = tr.embeddings[:, self.word_id]  # (N, d)
        self.vector = VectorCells(self.E[0], scale=tr.embedding_scale,
                                  cell=min(0.7, width * 0.95 / (len(self.E[0]) * 1.25)))
        name = VGroup(self.chip(self.word, style.LABEL_SIZE), text("vector", small, style.MUTED))
        vector_row = VGroup(name.arrange(RIGHT, buff=0.15), self.vector).arrange(DOWN, buff=0.2)
        self.accuracy_number = GlyphNumber(f"{percent(tr.accuracy[0]):>4}", style.BODY_SIZE, style.RIGHT,
                                           slots=4)
        accuracy_row = VGroup(text("accuracy", small, style.MUTED), self.accuracy_number)
        accuracy_row.arrange(RIGHT, buff=0.2)
        return VGroup(vector_row, accuracy_row).arrange(DOWN, buff=0.4)

    def follow_the_epoch(self):
        tr = self.trace
        t = self.epoch
        probs = tr.probs[:, self.pair]
        last = tr.last_epoch

        def between(values):
            e = t.get_value()
            lo = int(np.floor(e))
            hi = min(lo + 1, last)
            return values[lo] * (1 - (e - lo)) + values[hi] * (e - lo), lo

        def update_curve(curve):
            curve.set_progress(t.get_value())

        def update_bars(bars):
            value, lo = between(probs)
            bars.set_values(value, numbers=probs[lo])  # bars glide; numbers are a recorded epoch's own

        def update_readout(_):
            lo = int(np.floor(t.get_value()))
            self.epoch_number.set_text(f"{lo:>{len(str(last))}}")
            self.loss_number.set_text(loss_value(tr.mean_loss[lo], 3))
            self.accuracy_number.set_text(f"{percent(tr.accuracy[lo]):>4}")

        def update_map(word_map_):
            word_map_.set_epoch(t.get_value())

        def update_vector(vector):
            _, lo = between(self.E)
            vector.set_values(self.E[lo])

        self.followers = [(self.curve, update_curve), (self.bars, update_bars),
                          (self.readout, update_readout), (self.map, update_map),
                          (self.vector, update_vector)]
        for mob, fn in self.followers:
            mob.add_updater(fn)

    def stop_following(self):
        for mob, fn in self.followers:
            mob.remove_updater(fn)
            fn(mob)  # leave every panel exactly at the recorded epoch

    def call_out(self, epoch: int, beat_id: str):
        """A dashed marker up to the curve at the event's epoch, and a line in the chart's legend."""
        if beat_id == "end":
            self.play(Indicate(self.bars.bar_of(self.right), color=style.RIGHT), run_time=1.2)
            return
        names = {"all_correct": "every guess right", "loss_halved": "loss halved", "converged": "converged"}
        curve = self.curve
        # Up to the curve, and never shorter than a third of the chart, so a late epoch still shows.
        point = curve.point(epoch, max(self.trace.mean_loss[epoch], curve.y_max / 3))
        marker = DashedLine(curve.point(epoch, 0), point, stroke_color=style.ACCENT, stroke_width=2)
        entry = labelled(f"{names[beat_id]}: epoch", str(epoch), style.SMALL_SIZE, style.ACCENT, buff=0.1)
        previous = getattr(self, "legend_entries", [])
        anchor = previous[-1] if previous else self.baseline_label
        entry.next_to(anchor, DOWN, buff=0.12).align_to(self.baseline_label, RIGHT)
        self.legend_entries = previous + [entry]
        self.play(Create(marker), FadeIn(entry), run_time=0.8)
