"""Chapter 6: Watch it learn. An epoch counter runs through the whole narration; a dot draws
the loss curve as it goes; one pair's probability bars rise; the "cat" vector's cells
change; the word map moves; accuracy climbs. The counter reaches each event found in the
trace (the first epoch with every guess right, the epoch the loss has halved, the
convergence epoch) just as the phrase that names it begins; the event is marked on the
curve, then the run goes on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowFromPoint,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    UpdateFromAlphaFunc,
    VGroup,
    linear,
)

from model.trace import CONVERGED_FRACTION
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import VectorCells, short_word
from scenes.kit.charts import LossCurve, ProbabilityBars
from scenes.kit.formatting import loss_value, percent
from scenes.kit.narration import HOLD, reading_time
from scenes.kit.text import GlyphNumber, fit_width, labelled, text

MAX_LISTED_PAIRS = 8  # more training pairs than this are not listed pair by pair in the first run
CALL_OUT_SHARE = 0.45  # of a naming phrase: the call-out plays in it, then the run goes on
RUN_HOLD = 0.1  # seconds a running phrase's counter stops before the phrase ends
PORTRAIT_SHARES = (0.36, 0.28, 0.18, 0.18)  # of the content height: loss chart, bars, word map, vector
# How the run spends its time between two events: half evenly per epoch, half where the loss moves.
EVEN_SHARE = 0.5


@dataclass
class Step:
    """One phrase of the run: its words, what it shows, and whether the counter runs through it."""

    text: str
    show: Callable | None = None  # show(phrase): a call-out played first, the counter paused
    share: float = CALL_OUT_SHARE  # of the phrase that `show` takes (1: the whole phrase)
    runs: bool = True  # the counter runs through the rest of the phrase
    arrive: int | None = None  # the epoch the counter must be at when the phrase starts
    until: float = 0.0  # the clock value its run ends at (set by WatchItLearn.plan_the_run)
    expected: float = 0.0  # seconds of the phrase the run is expected to take


@dataclass
class Beat:
    id: str
    steps: list[Step]


class WatchItLearn(LessonScene):
    chapter_title = "Watch it learn"

    def construct(self):
        beats = [self.set_the_stage(), *self.events()]
        self.plan_the_run([step for beat in beats for step in beat.steps])
        for beat in beats:
            self.narrate(beat)

    def setup(self):
        super().setup()
        tr = self.trace
        self.word = self.ctx[-1]
        self.word_id = tr.vocab.index(self.word)
        # The counter runs on a warped clock (see run_clock): epochs pass slowly where the loss
        # falls fast and quickly where it creeps. Everything shown reads the epoch, never the clock.
        self.warp = run_clock(tr.mean_loss)
        self.clock = 0.0
        self.pair_list = None  # the training pairs, listed while the first epochs run pair by pair

    @property
    def epoch_now(self) -> float:
        """The epoch the counter shows now (fractional between two recorded epochs)."""
        return float(np.interp(self.clock, self.warp, np.arange(len(self.warp))))

    # ---- beats ------------------------------------------------------------------
    def set_the_stage(self) -> Beat:
        tr = self.trace
        context = " ".join(self.ctx)
        return Beat("set_the_stage", [
            Step(f"Now we train for {tr.last_epoch} epochs. The curve will track the mean loss,",
                 show=self.show_loss_panel, share=1.0, runs=False),
            Step(f"the bars what it guesses after “{context}”,", show=self.show_bars_panel, share=1.0,
                 runs=False),
            Step(f"the map where the words sit, and the cells the “{self.word}” vector.",
                 show=self.show_map_and_vector, share=1.0, runs=False),
            Step(f"In each epoch the network sees all {tr.P} training pairs and nudges its weights "
                 f"after every one.", show=self.show_pairs, share=0.15),
        ])

    def events(self) -> list[Beat]:
        """The call-outs, found in the trace, in the order they happen; the end of the run last."""
        tr = self.trace
        found = []
        if tr.all_correct_epoch is not None:
            e = tr.all_correct_epoch
            found.append((e, Beat("all_correct", [
                Step(f"By epoch {e} every pair's most likely word is the right one,", arrive=e, runs=False,
                     show=lambda p, e=e: self.call_out(p, e, "every guess right", self.accuracy_number),
                     share=1.0),
                Step(f"though “{self.target}” still gets only {percent(tr.p_correct[e, self.pair])}.",
                     show=self.point_at_right_bar),
            ])))
        if tr.loss_halved_epoch is not None:
            e = tr.loss_halved_epoch
            found.append((e, Beat("loss_halved", [
                Step(f"By epoch {e} the mean loss has halved:", arrive=e, runs=False,
                     show=lambda p, e=e: self.call_out(p, e, "loss halved", self.loss_number), share=1.0),
                Step(f"{loss_value(tr.mean_loss[0], 3)} down to {loss_value(tr.mean_loss[e], 3)}.",
                     show=lambda p, e=e: self.show_half(p, e), share=1.0, runs=False),
                Step("The word map spreads out as the vectors learn."),
            ])))
        if tr.convergence_epoch is not None:
            e = tr.convergence_epoch
            found.append((e, Beat("converged", [
                Step(f"Around epoch {e} the loss stops improving much:", arrive=e, runs=False,
                     show=lambda p, e=e: self.call_out(p, e, "converged", self.loss_number), share=1.0),
                Step(f"it has made {percent(CONVERGED_FRACTION)} of the fall it can make.",
                     show=lambda p, e=e: self.show_fall(p, e), share=0.6),
                Step("The network has converged."),
            ])))
        found.sort(key=lambda event: event[0])
        p0, p1 = tr.p_correct[0, self.pair], tr.p_correct[-1, self.pair]
        last = tr.last_epoch
        if tr.diverged_epoch is not None:
            end = [Step(f"In epoch {tr.diverged_epoch} the loss stopped being a number at all:", arrive=last,
                        show=self.point_at_head, share=0.5, runs=False),
                   Step("training diverged.", runs=False)]
        else:
            end = [Step(f"After {last} epochs “{self.target}” gets {percent(p1)},", arrive=last,
                        show=self.point_at_right_bar, share=0.6, runs=False),
                   Step(f"up from {percent(p0)}.", show=self.show_start_bar, share=0.6, runs=False)]
        return [beat for _, beat in found] + [Beat("end", end)]

    def narrate(self, beat: Beat):
        """The beat's phrases in turn: each one's call-out first (the counter waits at the epoch
        that phrase names), then the counter runs on to the step's planned epoch."""
        self.beat(beat.id)
        for step in beat.steps:
            with self.say(step.text) as phrase:
                if self.pair_list is not None and step.show != self.show_pairs:  # the listed run is over
                    self.play(FadeOut(self.pair_list), run_time=0.3)
                    self.pair_list = None
                if step.show is not None:
                    step.show(phrase)
                if step.runs and step.until > self.clock + 1e-9:
                    self.run_to(phrase, step.until)

    def plan_the_run(self, steps: list[Step]):
        """Give each running step `until`: the clock value its run ends at. Between two events the
        counter's way is shared among the running phrases by their expected time, so it reaches
        each event's epoch just as the phrase naming that event begins."""
        warp, wps = self.warp, self.settings.words_per_second
        now, pending = 0.0, []
        for step in [*steps, Step("", arrive=self.trace.last_epoch)]:
            step.until = now
            if step.arrive is not None:
                goal = float(warp[step.arrive])
                weights = np.array([s.expected for s in pending])
                if len(pending) and goal > now:
                    for s, done in zip(pending, np.cumsum(weights) / weights.sum()):
                        s.until = now + (goal - now) * float(done)
                now = max(now, goal)
                step.until, pending = now, []
            if step.runs and step.text:
                step.expected = reading_time(step.text, wps) * (1 - (step.share if step.show else 0))
                step.until = now
                pending.append(step)

    # ---- pieces -----------------------------------------------------------------
    def show_loss_panel(self, phrase):
        """The dashboard is built; the loss chart arrives first: its axes drawn, then its readout."""
        self.show_title(self.chapter_title)
        (c0, w0, h0), (c1, w1, h1), (c2, w2, h2), (c3, w3, h3) = self.panels()
        self.loss_panel(c0, w0, h0)
        self.bars_panel = self.pair_panel(w1, h1).move_to(c1)
        self.map = self.get_word_map(w2 * 0.95, h2 * 0.95, label_size=style.SMALL_SIZE).move_to(c2)
        self.right_panel = self.vector_panel(w3, h3).move_to(c3)
        phrase.play(LaggedStart(Create(self.curve.axes), FadeIn(self.curve_rest), FadeIn(self.readout),
                                FadeIn(self.baseline_label), lag_ratio=0.4), share=0.55)
        # Epoch 0's mean loss is carried from the readout down to the curve: its first point.
        carried = self.loss_number.copy()
        phrase.play(ReplacementTransform(carried, self.curve.head))

    def panels(self) -> list[tuple[np.ndarray, float, float]]:
        """The dashboard's four panels (centre, width, height): the layout's, but in portrait the
        loss chart gets more of the height (its legend of events stacks inside it) and the vector,
        laid out in one low row, less."""
        lay = self.layout
        if not lay.portrait:
            return lay.dashboard()
        top, H, W = lay.content_top, lay.content_height, lay.safe_width
        tops = np.cumsum([0, *PORTRAIT_SHARES[:-1]])
        return [(np.array([0, top - (t + f / 2) * H, 0]), W, f * H * 0.94)
                for t, f in zip(tops, PORTRAIT_SHARES)]

    def show_bars_panel(self, phrase):
        """The followed pair's question, then its bars rising from the baseline to epoch 0's guess."""
        question, bars = self.bars_panel
        probs = self.trace.probs[0, self.pair]
        self.bars.set_values(np.zeros_like(probs))
        phrase.play(FadeIn(question), FadeIn(bars), share=0.3)
        phrase.play(self.bars.change_values(np.zeros_like(probs), probs))

    def show_map_and_vector(self, phrase):
        """The word map: its frame and dots, each word's name carried down from its bar; then the
        followed word's name carried from the map to its vector, whose cells fill to epoch 0's values."""
        labels, shown = self.map.labels, self.bars.view.indices
        travels = [ReplacementTransform(self.bars.word_labels[pos].copy(), labels[i])
                   for pos, i in enumerate(shown)]
        rest = [FadeIn(labels[i]) for i in range(len(labels)) if i not in shown]
        phrase.play(FadeIn(VGroup(*[m for m in self.map if m is not labels])), share=0.15)
        phrase.play(LaggedStart(*travels, *rest, lag_ratio=0.1), share=0.45)
        name, cells = self.right_panel[0]
        zeros = np.zeros_like(self.E[0])
        self.vector.set_values(zeros)
        phrase.play(ReplacementTransform(labels[self.word_id].copy(), name[0]), FadeIn(name[1]),
                    FadeIn(cells), FadeIn(self.right_panel[1]), share=0.15)
        phrase.play(UpdateFromAlphaFunc(self.vector, lambda v, a: v.set_values(self.E[0] * a)))

    def show_pairs(self, phrase):
        """The training pairs listed in the chart's empty space, a band on the pair being learned
        from: as the counter runs, the band steps down the list, one pair per nudge, and starts
        again at the top with each epoch. Not listed when there are too many pairs to read."""
        tr, curve = self.trace, self.curve
        if tr.P > MAX_LISTED_PAIRS:
            return
        rows = VGroup()
        for p in range(tr.P):
            context, target = tr.pair_words(p)
            rows.add(VGroup(*[text(w, style.LABEL_SIZE, self.color_of(w)) for w in context],
                            text("→", style.LABEL_SIZE, style.MUTED),
                            text(target, style.LABEL_SIZE, self.color_of(target))).arrange(RIGHT, buff=0.12))
        rows.arrange(DOWN, buff=0.14, aligned_edge=LEFT)
        # In the chart's empty lower right: right of the curve's first epochs, under ln V's label.
        x0, x1 = curve.point(curve.x_max * 0.3, 0)[0], curve.point(curve.x_max, 0)[0]
        y0 = curve.point(0, 0)[1] + 0.15
        y1 = min(self.baseline_label.get_bottom()[1], curve.baseline.get_bottom()[1],
                 curve.point(0, tr.mean_loss[0])[1]) - 0.2
        fits = min(1.0, (y1 - y0) / rows.height, (x1 - x0) * 0.9 / rows.width)
        if fits < 0.8:  # no room to read them (a short chart, or a diverging run's low ln V line)
            return
        rows.scale(fits)
        rows.move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])
        self.pair_rows = rows
        self.pair_band = Rectangle(width=rows.width + 0.3, height=rows[0].height + 0.12, stroke_width=2,
                                   stroke_color=style.ACCENT, fill_color=style.ACCENT, fill_opacity=0.25)
        self.pair_band.move_to(rows[0]).align_to(rows, LEFT).shift(LEFT * 0.15)
        self.pair_list = VGroup(self.pair_band, rows)
        phrase.play(FadeIn(self.pair_list), share=0.15)

    def place_band(self, epoch: float):
        """The band on the pair learned from at (fractional) epoch `epoch`: gliding from one pair to
        the next, back to the first as a new epoch begins."""
        P, rows = self.trace.P, self.pair_rows
        at = (epoch * P) % P
        k = int(np.floor(at))
        f = at - k if k + 1 < P else 0.0
        y = rows[k].get_center()[1] * (1 - f) + (rows[k + 1].get_center()[1] * f if f else 0.0)
        self.pair_band.set_y(y)

    def loss_panel(self, center, width: float, height: float):
        """The loss curve (a dot at its head) with its readout above (epoch, mean loss) and ln V
        named by its line."""
        tr, small = self.trace, style.LABEL_SIZE
        self.curve = LossCurve(tr.mean_loss, width=width, height=height * 0.86, baseline=tr.random_baseline)
        self.curve.add_head()
        self.curve.move_to(center + DOWN * height * 0.05)
        self.curve_rest = VGroup(*[m for m in self.curve.submobjects
                                   if m is not self.curve.axes and m is not self.curve.head])
        digits = len(str(tr.last_epoch))  # right-aligned in its slots, so "150" never runs into its neighbour
        big = style.BODY_SIZE  # the readout's numbers: the counter and what it reads, at reading size
        self.epoch_number = GlyphNumber(f"{0:>{digits}}", big, style.INK, slots=digits)
        self.loss_number = GlyphNumber(loss_value(tr.mean_loss[0], 3), big, style.ACCENT, slots=7)
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
        question = VGroup(*[text(short_word(w), small, self.color_of(w)) for w in self.ctx],
                          text("→ ?", small, style.MUTED)).arrange(RIGHT, buff=0.15)
        self.bars = ProbabilityBars(tr.vocab, self.word_colors(), tr.probs[0, self.pair], width=width * 0.9,
                                    height=height - question.height - 0.25, right=self.right,
                                    history=tr.probs[:, self.pair])
        return VGroup(question, self.bars).arrange(DOWN, buff=0.15)

    def vector_panel(self, width: float, height: float) -> VGroup:
        """The followed word's vector (its cells change as it learns) over the accuracy; in a wide,
        low panel (portrait) the accuracy stands beside the vector instead. Built to fit width ×
        height (frame units) without scaling: its numbers stay at their size. Returns
        VGroup(VGroup(name, cells), accuracy)."""
        tr, small = self.trace, style.LABEL_SIZE
        self.E = tr.embeddings[:, self.word_id]  # (N, d)
        d = len(self.E[0])
        side = self.layout.portrait
        self.accuracy_number = GlyphNumber(f"{percent(tr.accuracy[0]):>4}", style.BODY_SIZE, style.RIGHT,
                                           slots=4)
        accuracy_row = VGroup(text("accuracy", small, style.MUTED), self.accuracy_number)
        accuracy_row.arrange(DOWN if side else RIGHT, buff=0.1 if side else 0.2)
        word = text("vector", small, style.MUTED)
        # The word's chip never widens the row: a long word is shrunk a little, then cut short.
        chip = self.chip(self.word, style.LABEL_SIZE, max_width=width * 0.95 - word.width - 0.15)
        name = VGroup(chip, word).arrange(RIGHT, buff=0.15)
        room = width * 0.95 - (accuracy_row.width + 0.5 if side else 0)
        cell = min(0.7, room / (d * 1.25))
        if side:  # the name over the cells, all within the panel's height
            cell = min(cell, (height * 0.95 - name.height - 0.1) / 0.62)
        self.vector = VectorCells(self.E[0], scale=tr.embedding_scale, cell=cell)
        vector_row = VGroup(name, self.vector).arrange(DOWN, buff=0.1 if side else 0.2)
        return VGroup(vector_row, accuracy_row).arrange(RIGHT if side else DOWN, buff=0.5 if side else 0.4)

    def run_to(self, phrase, until: float):
        """The counter runs from where the clock stands to clock value `until` over what is left of
        the phrase: one animation drives every panel that changes with the epoch (curve and its head,
        bars, readout, word map, vector, accuracy), so nothing needs an updater."""
        tr = self.trace
        probs = tr.probs[:, self.pair]
        last, digits = tr.last_epoch, len(str(tr.last_epoch))
        start = self.clock

        def show(_, alpha: float):
            self.clock = start + (until - start) * alpha
            e = self.epoch_now
            lo = min(int(np.floor(e)), last)
            hi, f = min(lo + 1, last), e - lo
            self.curve.set_progress(e)
            self.bars.set_values(probs[lo] * (1 - f) + probs[hi] * f, numbers=probs[lo])  # numbers: recorded
            self.map.set_epoch(e)
            self.vector.set_values(self.E[lo])
            self.epoch_number.set_text(f"{lo:>{digits}}")
            self.loss_number.set_text(loss_value(tr.mean_loss[lo], 3))
            self.accuracy_number.set_text(f"{percent(tr.accuracy[lo]):>4}")
            if self.pair_list is not None:
                self.place_band(e)

        panels = VGroup(self.curve, self.bars, self.map, self.vector, self.readout, self.accuracy_number)
        if self.pair_list is not None:
            panels.add(self.pair_band)
        phrase.play(UpdateFromAlphaFunc(panels, show), hold=RUN_HOLD, rate_func=linear)
        show(None, 1.0)  # every panel exactly where the clock stopped

    def call_out(self, phrase, epoch: int, name: str, proof):
        """A dashed marker rises from the axis to the curve at the event's epoch; the event's name
        ("converged: epoch 32") grows out of the curve's point there and travels to its place in
        the chart's legend; `proof`, the reading that shows the event (accuracy, mean loss), is
        pointed at. It fills the phrase."""
        curve = self.curve
        # Up to the curve, and never shorter than a third of the chart, so a late epoch still shows.
        point = curve.point(epoch, max(self.trace.mean_loss[epoch], curve.y_max / 3))
        marker = DashedLine(curve.point(epoch, 0), point, stroke_color=style.ACCENT, stroke_width=2)
        entry = labelled(f"{name}: epoch", str(epoch), style.SMALL_SIZE, style.ACCENT, buff=0.1)
        previous = getattr(self, "legend_entries", [])
        anchor = previous[-1] if previous else self.baseline_label
        entry.next_to(anchor, DOWN, buff=0.06 if self.layout.portrait else 0.12)
        entry.align_to(self.baseline_label, RIGHT)
        if previous and entry.get_bottom()[1] < curve.point(0, 0)[1] + 0.05:  # no room left above the axis:
            entry.next_to(previous[-1], LEFT, buff=0.3)  # beside the last entry instead
        self.legend_entries = previous + [entry]
        phrase.play(Create(marker), Indicate(proof, color=style.ACCENT, scale_factor=1.15), share=0.35)
        phrase.play(GrowFromPoint(entry, point))

    def point_at_right_bar(self, phrase):
        """The right word's bar and its number are pointed at."""
        pos = self.bars.view.position(self.right)
        target = VGroup(self.bars.bars[pos], self.bars.value_labels[pos])
        phrase.play(Indicate(target, color=style.RIGHT, scale_factor=1.1), share=CALL_OUT_SHARE)

    def point_at_head(self, phrase):
        """The curve's last point (where a diverged run's loss stopped being a number)."""
        phrase.play(Indicate(self.curve.head, color=style.WRONG, scale_factor=2.0), share=0.5)

    def show_half(self, phrase, epoch: int):
        """A level line at half the first epoch's loss, drawn from the axis along to the event's
        epoch, where the curve has come down to it."""
        curve, half = self.curve, self.trace.mean_loss[0] / 2
        start = Line(curve.point(0, self.trace.mean_loss[0]), curve.point(epoch, self.trace.mean_loss[0]),
                     stroke_color=style.MUTED, stroke_width=2)
        level = DashedLine(curve.point(0, half), curve.point(epoch, half), stroke_color=style.ACCENT,
                           stroke_width=2)
        phrase.play(Create(start), share=0.3)
        phrase.play(ReplacementTransform(start, level), Indicate(self.loss_number, color=style.ACCENT))

    def show_fall(self, phrase, epoch: int):
        """The fall made so far: a bar down the y-axis side from the first epoch's loss to this
        epoch's."""
        curve, losses = self.curve, self.trace.mean_loss
        x = epoch
        fall = Line(curve.point(x, losses[0]), curve.point(x, losses[epoch]), stroke_color=style.ACCENT,
                    stroke_width=6, stroke_opacity=0.6)
        phrase.play(Create(fall), share=0.6)

    def show_start_bar(self, phrase):
        """The right word's bar now, and an outline of it at epoch 0's height: where it started."""
        bar = self.bars.bar_of(self.right)
        p0 = self.trace.probs[0, self.pair, self.right]
        ghost = bar.copy().set_fill(opacity=0).set_stroke(style.RIGHT, 2)
        self.add(ghost)
        bottom = bar.get_bottom()
        phrase.play(ghost.animate.stretch_to_fit_height(max(p0 * self.bars.max_height, 1e-3))
                    .move_to(bottom, aligned_edge=DOWN), share=0.6, hold=HOLD)


def run_clock(losses) -> np.ndarray:
    """The warped clock value of each epoch: (N,) rising from 0. Between two epochs the clock
    moves by an even share plus a share for how far the mean loss moves, so a run spends its
    time where the curve changes, not on a long flat tail."""
    losses = np.asarray(losses, dtype=float)
    moves = np.abs(np.diff(losses))
    if len(moves) == 0:
        return np.zeros(1)
    mean = moves.mean() if moves.mean() > 0 else 1.0
    steps = EVEN_SHARE + (1 - EVEN_SHARE) * moves / mean
    return np.concatenate([[0.0], np.cumsum(steps)])
