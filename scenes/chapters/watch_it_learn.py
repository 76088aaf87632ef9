"""Chapter 6: Watch it learn. The dashboard's panels come in one by one (the loss chart, the
followed pair's bars, the word map, the "cat" vector); then one epoch counter runs through the
narration and drives them all in step: a dot draws the loss curve, the bars rise and fall, the
word map spreads, the vector's cells change, accuracy climbs, and while the first epochs run a
band goes down the listed training pairs, one nudge per pair. The counter runs into each event
found in the trace (the first epoch with every guess right, the epoch the loss has halved, the
convergence epoch) while the phrase that names it begins: the event's marker rises to meet the
curve's head and its name joins the legend under the chart, and the event is shown happening
(the bars going through every pair, the first loss riding the curve down to half, the fall
made coming down beside the curve). At the end the network answers the followed pair's
question, and a level comes down its bar to where it started."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    BackgroundRectangle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowFromPoint,
    Indicate,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    linear,
    smooth,
)

from model.trace import CONVERGED_FRACTION
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import CountCells, VectorCells, short_word
from scenes.kit.charts import LossCurve, ProbabilityBars, bars_view
from scenes.kit.checks import MIN_TEXT_SIZE
from scenes.kit.formatting import loss_value, percent
from scenes.kit.narration import reading_time
from scenes.kit.text import GlyphNumber, fit_width, flow, labelled, text

MAX_LISTED_PAIRS = 8  # more training pairs than this are not listed (nor gone through) pair by pair
CALL_OUT_SHARE = 0.45  # of a phrase: a call-out plays in it, then the run goes on
LEAD_SHARE = 0.4  # of a naming phrase: the counter runs into the event's epoch, then the call-out
RUN_HOLD = 0.1  # seconds a running phrase's counter stops before the phrase ends
GAP = 0.25  # frame units between two panels (0.2 in portrait)
# Landscape: the loss chart, the bars and the column of the word map over the vector, side by side
# (shares of the safe width); portrait and square: the loss chart and the bars over the map and
# the vector (shares of the content height).
COLUMN_SHARES = (0.38, 0.33)
PORTRAIT_SHARES = (0.44, 0.36)
SQUARE_SHARES = (0.6,)
MAP_SHARE = 0.58  # of the right-hand column's height (landscape) or of the bottom row's width (portrait)
# How the run spends its time between two events: half evenly per epoch, half where the loss moves.
EVEN_SHARE = 0.5
PAIR_GLIDE = 0.65  # of each pair's turn when the bars go through every pair: the glide to it
CHART_HEADROOM = 1.25  # the loss chart's top over its highest value: room for ln V's label over its line
MIN_LIST_SCALE = 0.75  # the listed pairs are drawn at least this share of their size, or not listed
MAX_CELL, MIN_CELL = 0.8, 0.5  # a vector cell's size (frame units); at 0.5 its number is drawn at size 12
# The readout's numbers (epoch, mean loss, accuracy): big in landscape; smaller where the three share
# a narrow frame's row (portrait, square), so that their names stay readable.
READOUT_SIZES = (style.TITLE_SIZE, 34, style.HEADING_SIZE)
STACKED_READOUT_SIZES = (style.HEADING_SIZE, 28, style.BODY_SIZE)
SHORT_HOLD = 0.1  # seconds a phrase's last animation ends before the phrase does


def brisk(t: float) -> float:
    """A rate function that eases in and out without stopping: at either end it still moves at
    half its mean speed, so a move that follows another, or a caption change, never stands still."""
    return 0.5 * t + 0.5 * smooth(t)


def dip(drop: float):
    """A path for a move (a Transform's path_func): straight down by about `drop` frame units, across
    under where it started, then straight up into place (a cubic curve through points under the
    start and under the end), so a word carried out of a row of labels passes under its neighbours."""
    def path(start, end, alpha: float):
        low = start[:, 1] - drop
        down = np.column_stack([start[:, 0], low, start[:, 2]])
        under = np.column_stack([end[:, 0], low, start[:, 2]])
        a, b = alpha, 1 - alpha
        return b ** 3 * start + 3 * a * b * b * down + 3 * a * a * b * under + a ** 3 * end

    return path


def arrive(t: float) -> float:
    """A rate function for something coming into view: quick at first (seen at once, even while it
    fades in), slowing to half its mean speed as it settles."""
    return 0.5 * t + 0.5 * (1 - (1 - t) ** 2)


@dataclass
class Step:
    """One phrase of the run: its words, what it shows, and how the counter runs through it.

    In order: the counter runs into epoch `arrive` over the first `lead` of the phrase (lead 0:
    it is there when the phrase begins); `show(phrase)` plays (a call-out, the counter stopped);
    then, when `runs`, the counter runs on through the rest of the phrase."""

    text: str
    show: Callable | None = None
    share: float | None = CALL_OUT_SHARE  # of the phrase `show` takes (None: all of the rest); what is
    # left after it, the run on
    runs: bool = True
    arrive: int | None = None
    lead: float = 0.0
    marks: bool = False  # the event's marker rises on the chart during the lead-in
    reach: float = 0.0  # the clock value the lead-in run ends at (set by WatchItLearn.plan_the_run)
    until: float = 0.0  # the clock value the run on ends at (set by WatchItLearn.plan_the_run)


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
        self.passing = None  # what one phrase shows in passing, gone when the next begins
        self.markers = {}  # epoch: the dashed marker of the event there

    @property
    def epoch_now(self) -> float:
        """The epoch the counter shows now (fractional between two recorded epochs)."""
        return float(np.interp(self.clock, self.warp, np.arange(len(self.warp))))

    def found_events(self) -> list[tuple[int, str]]:
        """The events the trace holds, (epoch, name) in the order they happen."""
        tr = self.trace
        found = [(tr.all_correct_epoch, "every guess right"), (tr.loss_halved_epoch, "loss halved"),
                 (tr.convergence_epoch, "converged")]
        return sorted([(e, name) for e, name in found if e is not None], key=lambda event: event[0])

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
                     marks=True,
                     lead=0.2 if self.goes_through_pairs() else LEAD_SHARE,
                     show=lambda p, e=e: self.every_guess_right(p, e), share=1.0),
                Step(f"though “{self.target}” still gets only {percent(tr.p_correct[e, self.pair])}.",
                     show=self.point_at_right_bar, share=0.15),
            ])))
        if tr.loss_halved_epoch is not None:
            e = tr.loss_halved_epoch
            found.append((e, Beat("loss_halved", [
                Step(f"By epoch {e} the mean loss has halved:", arrive=e, runs=False, lead=0.6, marks=True,
                     show=lambda p, e=e: self.call_out(p, e, "loss halved", self.loss_number), share=1.0),
                Step(f"{loss_value(tr.mean_loss[0], 3)} down to {loss_value(tr.mean_loss[e], 3)}.",
                     show=lambda p, e=e: self.ride_down(p, e), share=1.0, runs=False),
                Step("The word map spreads out as the vectors learn."),
            ])))
        if tr.convergence_epoch is not None:
            e = tr.convergence_epoch
            span = tr.mean_loss[0] - tr.loss_floor  # the whole fall the loss can make
            made = (tr.mean_loss[0] - tr.mean_loss[e]) / span if span > 0 else CONVERGED_FRACTION
            found.append((e, Beat("converged", [
                Step(f"Around epoch {e} the loss stops improving much:", arrive=e, lead=0.45, marks=True,
                     show=lambda p, e=e: self.call_out(p, e, "converged", self.loss_number, share=0.3),
                     share=0.3),
                Step(f"it has made {percent(made)} of the fall it can make.",
                     show=lambda p, e=e: self.show_fall(p, e), share=0.6),
                Step("The network has converged."),
            ])))
        found.sort(key=lambda event: event[0])
        p0, p1 = tr.p_correct[0, self.pair], tr.p_correct[-1, self.pair]
        last = tr.last_epoch
        if tr.diverged_epoch is not None:
            end = [Step(f"In epoch {tr.diverged_epoch} the loss stopped being a number at all:", arrive=last,
                        lead=LEAD_SHARE, show=self.point_at_head, share=None, runs=False),
                   Step("training diverged.", runs=False)]
        else:
            end = [Step(f"After {last} epochs “{self.target}” gets {percent(p1)},", arrive=last,
                        lead=LEAD_SHARE, show=self.answer, share=None, runs=False),
                   Step(f"up from {percent(p0)}.", show=self.show_start_bar, share=1.0, runs=False)]
        return [beat for _, beat in found] + [Beat("end", end)]

    def narrate(self, beat: Beat):
        """The beat's phrases in turn: each one's lead-in run to the epoch it names, its call-out
        (the counter waits), then the counter runs on to the step's planned clock value."""
        self.beat(beat.id)
        for step in beat.steps:
            with self.say(step.text) as phrase:
                if self.pair_list is not None and step.show != self.show_pairs:  # the listed run is over
                    self.play(FadeOut(self.pair_list), run_time=0.3)
                    self.pair_list = None
                if self.passing is not None:  # what the last phrase carried is put down
                    self.play(FadeOut(self.passing), run_time=0.3)
                    self.passing = None
                if step.lead and step.reach > self.clock + 1e-9:
                    rising = [Create(self.event_marker(step.arrive))] if step.marks else []
                    self.run_to(phrase, step.reach, share=step.lead, also=rising)
                if step.show is not None:
                    step.show(phrase)
                if step.runs and step.until > self.clock + 1e-9:
                    self.run_to(phrase, step.until)

    def plan_the_run(self, steps: list[Step]):
        """Give each step the clock values its runs end at (`reach`, `until`). Between two events
        the counter's way is shared among the runs by their expected time (a phrase's reading
        time, times the share of it that runs), so it reaches each event's epoch just as the
        phrase naming that event has led into it."""
        warp, wps = self.warp, self.settings.words_per_second
        now, pending = 0.0, []  # pending: (step, attribute, expected seconds) of runs not yet placed
        for step in [*steps, Step("", arrive=self.trace.last_epoch)]:
            seconds = reading_time(step.text, wps) if step.text else 0.0
            step.reach = step.until = now
            if step.arrive is not None:
                if step.lead > 0 and step.text:
                    pending.append((step, "reach", step.lead * seconds))
                goal = max(now, float(warp[step.arrive]))
                weights = np.array([w for _, _, w in pending], dtype=float)
                done = np.cumsum(weights) / weights.sum() if len(pending) and weights.sum() > 0 else \
                    np.ones(len(pending))
                for (s, name, _), d in zip(pending, done):
                    setattr(s, name, now + (goal - now) * float(d))
                now, pending = goal, []
                step.until = now
            if step.runs and step.text:
                shown = (step.share or 0.0) if step.show else 0.0
                pending.append((step, "until", max(0.05, 1 - step.lead - shown) * seconds))

    # ---- layout -----------------------------------------------------------------
    def panels(self) -> list[tuple[np.ndarray, float, float]]:
        """The dashboard's four panels (centre, width, height): loss chart, bars, word map, vector.
        Landscape: three columns, the loss chart, the bars (full height: tall bars) and the word map
        over the vector. Portrait and square: the loss chart and the bars over a row of the word map
        beside the vector (portrait: all stacked; square: the chart beside the bars)."""
        lay = self.layout
        top, H, W, left = lay.content_top, lay.content_height, lay.safe_width, lay.safe_left
        mid = lay.content_center[1]

        def box(x0, y0, w, h):  # from its top-left corner
            return np.array([x0 + w / 2, y0 - h / 2, 0.0]), w, h

        if lay.portrait:
            gap = 0.2
            h0, h1 = (s * (H - 2 * gap) for s in PORTRAIT_SHARES)
            h2 = H - h0 - h1 - 2 * gap
            wm = (W - gap) * MAP_SHARE
            return [box(left, top, W, h0), box(left, top - h0 - gap, W, h1),
                    box(left, top - h0 - h1 - 2 * gap, wm, h2),
                    box(left + wm + gap, top - h0 - h1 - 2 * gap, W - wm - gap, h2)]
        if lay.stacked:  # square: the chart beside the bars, over the map beside the vector
            h0 = SQUARE_SHARES[0] * H
            h2 = H - h0 - GAP
            w = (W - GAP) / 2
            return [box(left, top, w, h0), box(left + w + GAP, top, w, h0),
                    box(left, top - h0 - GAP, w, h2), box(left + w + GAP, top - h0 - GAP, w, h2)]
        w0, w1 = (s * W for s in COLUMN_SHARES)
        w2 = W - w0 - w1 - 2 * GAP
        hm = (H - GAP) * MAP_SHARE
        x2 = left + w0 + w1 + 2 * GAP
        return [(np.array([left + w0 / 2, mid, 0.0]), w0, H),
                (np.array([left + w0 + GAP + w1 / 2, mid, 0.0]), w1, H),
                box(x2, top, w2, hm), box(x2, top - hm - GAP, w2, H - hm - GAP)]

    # ---- pieces -----------------------------------------------------------------
    def show_loss_panel(self, phrase):
        """The dashboard is built; the loss chart slides into its place, its readout comes down
        over it, and epoch 0's mean loss is carried from the readout to the curve: its first point."""
        self.show_title(self.chapter_title)
        (c0, w0, h0), (c1, w1, h1), (c2, w2, h2), (c3, w3, h3) = self.panels()
        self.loss_panel(c0, w0, h0)
        self.bars_panel = self.pair_panel(w1, h1).move_to(c1)
        self.map = self.get_word_map(w2, h2, label_size=style.LABEL_SIZE).move_to(c2)
        for dot in self.map.dots:  # dots big enough to be seen moving as the vectors learn
            dot.scale(1.5)
        if self.layout.portrait:  # a low map: the readout over the chart tells the epoch
            self.map.epoch_label.set_opacity(0)
        self.map.set_epoch(0)
        self.right_panel = self.vector_panel(w3, h3).move_to(c3)
        chart = VGroup(self.curve.axes, self.curve_rest, self.baseline_label)
        phrase.play(FadeIn(chart, shift=RIGHT * w0 * 0.6), share=0.5, rate_func=arrive)
        phrase.play(FadeIn(self.readout, shift=DOWN * 0.6), share=0.15, rate_func=arrive)
        carried = self.loss_number.copy()
        phrase.play(ReplacementTransform(carried, self.curve.head), hold=SHORT_HOLD, rate_func=brisk)

    def show_bars_panel(self, phrase):
        """The followed pair's question and its bars slide into their place; the bars rise from the
        baseline to epoch 0's guess, their numbers counting."""
        question, bars = self.bars_panel
        probs = self.trace.probs[0, self.pair]
        zeros = np.zeros_like(probs)
        self.bars.set_values(zeros)
        phrase.play(FadeIn(VGroup(question, bars), shift=LEFT * 2.0), share=0.35, rate_func=arrive)
        phrase.play(self.bars.change_values(zeros, probs), hold=SHORT_HOLD, rate_func=brisk)

    def show_map_and_vector(self, phrase):
        """The word map slides in; each word's name is carried from its bar to its dot; then the
        followed word's name is carried from the map to its vector, whose cells count up to epoch
        0's values."""
        labels, shown = self.map.labels, self.bars.view.indices
        # Each name dips under the row of bar labels before it rises to the map: over no other text.
        travels = [ReplacementTransform(self.bars.word_labels[pos].copy(), labels[i], path_func=dip(0.8))
                   for pos, i in enumerate(shown)]
        rest = [FadeIn(labels[i]) for i in range(len(labels)) if i not in shown]
        board = VGroup(*[m for m in self.map if m is not labels])
        phrase.play(FadeIn(board, shift=LEFT * board.width * 0.6), share=0.2, rate_func=arrive)
        phrase.play(LaggedStart(*travels, *rest, lag_ratio=0.1), share=0.35, rate_func=brisk)
        name, cells = self.right_panel[0]
        self.vector.set_values(np.zeros_like(self.E[0]))
        phrase.play(ReplacementTransform(labels[self.word_id].copy(), name[0]), FadeIn(name[1]),
                    FadeIn(cells, shift=UP * 0.8), FadeIn(self.right_panel[1], shift=UP * 0.8), share=0.2,
                    rate_func=arrive)
        phrase.play(CountCells(self.vector, self.E[0]), hold=SHORT_HOLD, rate_func=brisk)

    def pair_row(self, p: int, size: float, target=None) -> VGroup:
        """Pair p's words the way the text reads: its context, the arrow, then its next word (or
        `target`, a mobject such as "?")."""
        context, word = self.trace.pair_words(p)
        items = [text(short_word(w), size, self.color_of(w)) for w in context]
        items.append(text(self.reading_arrow, size, style.MUTED))
        items.append(target if target is not None else text(short_word(word), size, self.color_of(word)))
        return VGroup(*items).arrange(self.reading_way, buff=0.12)

    def show_pairs(self, phrase):
        """The training pairs listed in the chart's empty space (or, a chart too low for them, flowed
        into the legend's room under it, still empty), a band on the pair being learned from: as the
        counter runs, the band slides from pair to pair, one per nudge, and back to the first with
        each epoch. Not listed when there are too many pairs to read, or no room."""
        tr, curve = self.trace, self.curve
        if tr.P > MAX_LISTED_PAIRS:
            return
        items = [self.pair_row(p, style.LABEL_SIZE) for p in range(tr.P)]
        rows = VGroup(*items).arrange(DOWN, buff=0.14, aligned_edge=RIGHT if self.rtl else LEFT)
        # In the chart's empty lower right: right of the curve's first epochs, under ln V's label.
        x0, x1 = curve.point(curve.x_max * 0.25, 0)[0], curve.point(curve.x_max, 0)[0]
        y0 = curve.point(0, 0)[1] + 0.15
        y1 = min(self.baseline_label.get_bottom()[1], curve.baseline.get_bottom()[1],
                 curve.point(0, tr.mean_loss[0])[1]) - 0.2
        fits = min(1.0, (y1 - y0) / rows.height, (x1 - x0) * 0.95 / rows.width)
        if fits >= MIN_LIST_SCALE:
            rows.scale(fits).move_to([(x0 + x1) / 2, (y0 + y1) / 2, 0])
            self.band_span = (rows.get_center()[0], rows.width)  # a column: the band spans it
        else:  # flowed into the legend's room, the way the text reads
            (cx, top), width, height = self.legend_room
            rows = flow(items, width / MIN_LIST_SCALE, h_buff=0.45, v_buff=0.08, rtl=self.rtl)
            fits = min(1.0, width / rows.width, height / rows.height) if height > 0 else 0.0
            if fits < MIN_LIST_SCALE:
                return
            rows.scale(fits).move_to([cx, top - rows.height / 2, 0])
            self.band_span = None  # rows of pairs: the band fits each pair
        self.pair_items = items
        self.pair_band = Rectangle(width=items[0].width + 0.3, height=items[0].height + 0.12, stroke_width=2,
                                   stroke_color=style.ACCENT, fill_color=style.ACCENT, fill_opacity=0.25)
        self.place_band(0.0)
        self.pair_list = VGroup(self.pair_band, rows)
        phrase.play(FadeIn(self.pair_list, shift=UP * 0.8), share=0.15, rate_func=arrive)
        if tr.last_epoch == 0:  # no epoch was recorded after the first (it diverged): the band still
            last = (tr.P - 1) / tr.P  # goes through that epoch's pairs, the counter staying at 0
            phrase.play(UpdateFromAlphaFunc(self.pair_band, lambda _, a: self.place_band(a * last)),
                        rate_func=linear, hold=SHORT_HOLD)

    def place_band(self, epoch: float):
        """The band on the pair learned from at (fractional) epoch `epoch`: over its turn it slides
        from one pair to the next (from the last back to the first as an epoch begins), taking the
        next one's width."""
        P, items = self.trace.P, self.pair_items
        at = (epoch * P) % P
        k = int(np.floor(at))
        f = at - k
        a, b = items[k], items[(k + 1) % P]
        width = (a.width * (1 - f) + b.width * f) + 0.3
        self.pair_band.stretch_to_fit_width(width if self.band_span is None else self.band_span[1] + 0.3)
        self.pair_band.move_to(a.get_center() * (1 - f) + b.get_center() * f)
        if self.band_span is not None:
            self.pair_band.set_x(self.band_span[0])

    def loss_panel(self, center, width: float, height: float):
        """The readout (epoch, mean loss; and the accuracy in a portrait or square frame) over the
        loss curve (a dot at its head, ln V named by its line), over the legend where the events are
        named as they come: width × height (frame units) around `center`."""
        tr, small = self.trace, style.LABEL_SIZE
        digits = len(str(tr.last_epoch))  # right-aligned in its slots, so "150" never runs into its neighbour
        # The readout's numbers, big: the counter that drives every panel, and the loss it reads.
        sizes = STACKED_READOUT_SIZES if self.layout.stacked else READOUT_SIZES
        self.epoch_number = GlyphNumber(f"{0:>{digits}}", sizes[0], style.INK, slots=digits)
        widest = max((loss_value(v, 3) for v in tr.mean_loss if np.isfinite(v)), key=len)
        self.loss_number = GlyphNumber(widest, sizes[1], style.ACCENT, slots=max(7, len(widest)))
        self.accuracy_number = GlyphNumber(f"{percent(tr.accuracy[0]):>4}", sizes[2], style.RIGHT,
                                           slots=4)
        readings = [("epoch", self.epoch_number), ("mean loss", self.loss_number)]
        if self.layout.stacked:  # a narrow frame: the accuracy joins the readout (the vector row is low)
            readings.append(("accuracy", self.accuracy_number))
        readings = [VGroup(text(name, small, style.MUTED), number).arrange(RIGHT, buff=0.15)
                    for name, number in readings]
        for reading in readings:  # on one baseline: the names' and the numbers' bottoms level
            reading[0].align_to(reading[1], DOWN)
        self.readout = VGroup(*readings).arrange(RIGHT, buff=0.4)
        if self.readout.width * MIN_TEXT_SIZE / small > width * 0.96:  # one row: names too small to read
            self.readout = flow(readings, width * 0.96, h_buff=0.4, v_buff=0.08)
        fit_width(self.readout, width * 0.96)
        self.loss_number.set_text(loss_value(tr.mean_loss[0], 3))  # laid out at its widest: never runs over
        # The legend: one entry per event of the trace, flowed under the chart, shown as each comes.
        self.legend = {name: labelled(f"{name}: epoch", str(e), style.SMALL_SIZE, style.ACCENT, buff=0.1)
                       for e, name in self.found_events()}
        strip = flow(list(self.legend.values()), width * 0.95, h_buff=0.45, v_buff=0.1) \
            if self.legend else VGroup()
        strip_height = strip.height + 0.12 if len(strip) else 0.0
        room = height - self.readout.height - 0.1 - strip_height
        chart_width, chart_height = width, room
        for _ in range(3):  # the chart's labels reach out of its nominal box: size it by what it is
            self.curve = LossCurve(tr.mean_loss, width=chart_width, height=chart_height,
                                   baseline=tr.random_baseline, headroom=CHART_HEADROOM)
            if self.layout.stacked:  # a low chart: "epoch" starts the tick row
                self.curve.tuck_x_label()
            chart_width -= max(0.0, self.curve.width - width)
            chart_height -= self.curve.height - room
        self.curve.add_head(radius=0.1)
        self.curve.curve.set_stroke(width=5)
        top = center[1] + height / 2
        self.readout.move_to([center[0], top - self.readout.height / 2, 0])
        self.curve.move_to([center[0], 0, 0]).align_to([0, self.readout.get_bottom()[1] - 0.1, 0], UP)
        legend_top = self.curve.get_bottom()[1] - 0.12
        if len(strip):
            strip.move_to([center[0], 0, 0]).align_to([0, legend_top, 0], UP)
        self.legend_room = (center[0], legend_top), width * 0.95, max(0.0, strip_height - 0.12)
        self.curve_rest = VGroup(*[m for m in self.curve.submobjects
                                   if m is not self.curve.axes and m is not self.curve.head])
        self.baseline_label = text(f"random guess: ln {tr.V} = {loss_value(tr.random_baseline)}",
                                   style.SMALL_SIZE, style.MUTED)
        # Over the dashed line when the chart's top leaves room (the fall is measured from under it),
        # else under it; over it too when the line sits low (a diverging run's loss dwarfs ln V).
        fit_width(self.baseline_label, width * 0.6)
        room_over = self.curve.point(0, self.curve.y_max)[1] - self.curve.baseline.get_top()[1]
        low = tr.random_baseline / self.curve.y_max <= 0.3
        side = UP if low or room_over >= self.baseline_label.height + 0.1 else DOWN
        self.baseline_label.next_to(self.curve.baseline, side, buff=0.08)
        self.baseline_label.align_to(self.curve.baseline, RIGHT)

    def pair_panel(self, width: float, height: float) -> VGroup:
        """The pair the lesson follows (“the cat → ?”) over its probability bars."""
        tr, small = self.trace, style.LABEL_SIZE
        self.question_width = width * 0.95  # a pair's row is never wider (long words: scaled down)
        question = self.pair_row(self.pair, small, text("?", small, style.MUTED))
        self.question = fit_width(question, self.question_width)
        self.bars = ProbabilityBars(tr.vocab, self.word_colors(), tr.probs[0, self.pair], width=width * 0.95,
                                    height=height - question.height - 0.15, right=self.right,
                                    history=tr.probs[:, self.pair])
        return VGroup(question, self.bars).arrange(DOWN, buff=0.15)

    def vector_panel(self, width: float, height: float) -> VGroup:
        """The followed word's vector (its cells change as it learns) and the accuracy: under it, or
        beside it, whichever leaves the cells bigger in width × height (frame units). Built to fit
        without scaling (its numbers stay at their size); the cells are never so small that their
        numbers fall under the readable size. Returns VGroup(VGroup(name, cells), accuracy)."""
        tr, small = self.trace, style.LABEL_SIZE
        self.E = tr.embeddings[:, self.word_id]  # (N, d)
        d = len(self.E[0])
        in_readout = self.layout.stacked  # the accuracy is in the readout (see loss_panel)
        accuracy_row = VGroup() if in_readout else VGroup(text("accuracy", small, style.MUTED),
                                                          self.accuracy_number)
        word = text("vector", small, style.MUTED)
        # The word's chip never widens the row: a long word is shrunk a little, then cut short.
        chip = self.chip(self.word, style.LABEL_SIZE, max_width=width * 0.95 - word.width - 0.15)
        name = VGroup(chip, word).arrange(RIGHT, buff=0.15)
        if in_readout:
            cell_under = min(MAX_CELL, width * 0.95 / (d * 1.25), (height * 0.95 - name.height - 0.2) / 0.62)
            cell_beside = 0.0
        else:
            under = accuracy_row.copy().arrange(RIGHT, buff=0.2)
            beside = accuracy_row.copy().arrange(DOWN, buff=0.1)
            cell_under = min(MAX_CELL, width * 0.95 / (d * 1.25),
                             (height * 0.95 - name.height - 0.2 - under.height - 0.3) / 0.62)
            cell_beside = min(MAX_CELL, (width * 0.95 - beside.width - 0.4) / (d * 1.25),
                              (height * 0.95 - name.height - 0.1) / 0.62)
        side = cell_beside > cell_under
        cell = max(MIN_CELL, cell_beside if side else cell_under)
        self.vector = VectorCells(self.E[0], scale=tr.embedding_scale, cell=cell)
        vector_row = VGroup(name, self.vector).arrange(DOWN, buff=0.1 if side else 0.2)
        if in_readout:
            return VGroup(vector_row, accuracy_row)
        accuracy_row.arrange(DOWN if side else RIGHT, buff=0.1 if side else 0.2)
        return VGroup(vector_row, accuracy_row).arrange(RIGHT if side else DOWN, buff=0.4 if side else 0.3)

    def run_to(self, phrase, until: float, share: float | None = None, also=()):
        """The counter runs from where the clock stands to clock value `until`, over `share` of the
        phrase (None: what is left of it): one animation drives every panel that changes with the
        epoch (curve and its head, bars, readout, word map, vector, accuracy), so nothing needs an
        updater. Between two recorded epochs the bars, dots and cell colours glide; every number
        shows a recorded epoch's value. `also`: animations played along (a marker rising to where
        the counter is heading)."""
        tr = self.trace
        probs = tr.probs[:, self.pair]
        last, digits = tr.last_epoch, len(str(tr.last_epoch))
        start = self.clock
        scale = tr.embedding_scale

        def show(_, alpha: float):
            self.clock = start + (until - start) * alpha
            e = self.epoch_now
            lo = min(int(np.floor(e)), last)
            hi, f = min(lo + 1, last), e - lo
            self.curve.set_progress(e)
            self.bars.set_values(probs[lo] * (1 - f) + probs[hi] * f, numbers=probs[lo])  # numbers: recorded
            self.glide_map(e, lo, hi, f)
            self.vector.set_values(self.E[lo])
            for cell, v in zip(self.vector.cells, self.E[lo] * (1 - f) + self.E[hi] * f):
                cell.set_fill(style.value_color(v, scale), opacity=1)
            self.epoch_number.set_text(f"{lo:>{digits}}")
            self.loss_number.set_text(loss_value(tr.mean_loss[lo], 3))
            self.accuracy_number.set_text(f"{percent(tr.accuracy[lo]):>4}")
            if self.pair_list is not None:
                self.place_band(e)

        panels = VGroup(self.curve, self.bars, self.map, self.vector, self.readout, self.accuracy_number)
        if self.pair_list is not None:
            panels.add(self.pair_band)
        if share is None:
            phrase.play(UpdateFromAlphaFunc(panels, show), *also, hold=RUN_HOLD, rate_func=linear)
        else:
            phrase.play(UpdateFromAlphaFunc(panels, show), *also, share=share, rate_func=linear)
        self.clock = until
        show(None, 1.0)  # every panel exactly where the clock stopped

    def event_marker(self, epoch: int) -> DashedLine:
        """The dashed marker of the event at `epoch`: from the axis up to the curve, and never
        shorter than a third of the chart, so a late epoch still shows."""
        if epoch not in self.markers:
            curve = self.curve
            point = curve.point(epoch, max(self.trace.mean_loss[epoch], curve.y_max / 3))
            self.markers[epoch] = DashedLine(curve.point(epoch, 0), point, stroke_color=style.ACCENT,
                                             stroke_width=3)
        return self.markers[epoch]

    def glide_map(self, e: float, lo: int, hi: int, f: float):
        """The word map at (fractional) epoch `e`, between recorded epochs lo and hi (f of the way):
        at each new recorded epoch the map places its labels afresh (WordMap.set_epoch); between two,
        each dot glides and its label moves along with it (placing labels every frame is costly)."""
        if lo != getattr(self, "map_epoch", None):
            self.map.set_epoch(e)
            self.map_epoch = lo
            return
        xy = self.map.positions[lo] * (1 - f) + self.map.positions[hi] * f
        for dot, label, p in zip(self.map.dots, self.map.labels, xy):
            step = self.map.to_frame(p) - dot.get_center()
            dot.shift(step)
            label.shift(step)

    def call_out(self, phrase, epoch: int, name: str, proof, share: float | None = None):
        """The event's dashed marker (risen during the lead-in, else now) and `proof`, the reading
        that shows the event (accuracy, mean loss), pointed at, while the event's name ("converged:
        epoch 32") grows into its place in the legend under the chart, from under the marker. It
        takes `share` of the phrase (None: the rest of it)."""
        marker = self.event_marker(epoch)
        entry = self.legend[name]
        # It grows from its top edge, below the marker's foot as near as it can: over no other text.
        foot = [float(np.clip(marker.get_start()[0], entry.get_left()[0], entry.get_right()[0])),
                entry.get_top()[1], 0.0]
        anims = [GrowFromPoint(entry, foot, rate_func=brisk),
                 Indicate(proof, color=style.ACCENT, scale_factor=1.1)]
        if marker not in self.mobjects:
            anims.insert(0, Create(marker, rate_func=brisk))
        phrase.play(*anims, share=share, hold=SHORT_HOLD)

    def every_guess_right(self, phrase, epoch: int):
        """The call-out; then, when every pair can be shown (few pairs, every word a bar), the bars
        go through every training pair at this epoch, the question and the right word's mark
        following, and come back to the followed pair: each one's right word is its tallest bar."""
        through = self.goes_through_pairs()
        self.call_out(phrase, epoch, "every guess right", self.accuracy_number,
                      share=0.2 if through else None)
        if through:
            self.go_through_pairs(phrase, epoch)

    def goes_through_pairs(self) -> bool:
        """Whether the bars can show every training pair in turn: few pairs, every word its own bar
        (the bars' view, as pair_panel will choose it, folds no word into "others")."""
        tr = self.trace
        width = self.panels()[1][1] * 0.95
        view = bars_view(tr.vocab, tr.probs[:, self.pair], self.right, width)
        return tr.P <= MAX_LISTED_PAIRS and not view.others

    def go_through_pairs(self, phrase, epoch: int):
        tr, bars = self.trace, self.bars
        order = [(self.pair + k) % tr.P for k in range(1, tr.P + 1)]  # ends on the followed pair
        turn = phrase.remaining / len(order)
        size = style.LABEL_SIZE
        now = tr.probs[epoch, self.pair]
        marker = bars.right_marker
        for p in order:
            target = fit_width(self.pair_row(p, size, text("?", size, style.MUTED)), self.question_width)
            target.move_to(self.question)
            label = bars.word_labels[bars.view.position(int(tr.targets[p]))]
            under = Line(label.get_corner(DOWN + LEFT), label.get_corner(DOWN + RIGHT),
                         stroke_color=style.RIGHT, stroke_width=4).shift(DOWN * 0.08)
            nxt = tr.probs[epoch, p]
            self.play(FadeTransform(self.question, target), Transform(marker, under),
                      bars.change_values(now, nxt), run_time=max(0.25, turn * PAIR_GLIDE), rate_func=brisk)
            self.question = target
            now = nxt
            wait = turn * (1 - PAIR_GLIDE) if p != order[-1] else 0
            if wait > 0.05:
                self.wait(wait)

    def point_at_right_bar(self, phrase):
        """The right word's bar and its number are pointed at, in the step's share of the phrase."""
        pos = self.bars.view.position(self.right)
        target = VGroup(self.bars.bars[pos], self.bars.value_labels[pos])
        phrase.play(Indicate(target, color=style.RIGHT, scale_factor=1.15), share=0.15)

    def answer(self, phrase):
        """The network's answer to the followed pair's question: the "?" becomes the right word, the
        row settling around it, while its bar and number are pointed at."""
        pos = self.bars.view.position(self.right)
        row = fit_width(self.pair_row(self.pair, style.LABEL_SIZE), self.question_width)
        row.move_to(self.question)
        phrase.play(ReplacementTransform(self.question[-1], row[-1], rate_func=brisk),
                    Transform(self.question[:-1], row[:-1], rate_func=brisk),
                    Indicate(VGroup(self.bars.bars[pos], self.bars.value_labels[pos]), color=style.RIGHT,
                             scale_factor=1.15), hold=SHORT_HOLD)

    def point_at_head(self, phrase):
        """The curve's last point (where a diverged run's loss stopped being a number)."""
        phrase.play(Indicate(self.curve.head, color=style.WRONG, scale_factor=2.0))

    def ride_down(self, phrase, epoch: int):
        """A dot carrying the first epoch's mean loss rides the curve down to `epoch`, its number
        reading the recorded mean loss of each epoch it passes; the level of half the first loss is
        drawn along, out to where the curve meets it."""
        tr, curve = self.trace, self.curve
        losses = tr.mean_loss
        half = losses[0] / 2
        slots = max(len(loss_value(v, 3)) for v in losses[: epoch + 1])
        dot = Dot(curve.point(0, losses[0]), radius=0.09, color=style.ACCENT)
        number = GlyphNumber(f"{loss_value(losses[0], 3):>{slots}}", style.BODY_SIZE, style.ACCENT,
                             slots=slots)
        level = DashedLine(curve.point(0, half), curve.point(epoch, half), stroke_color=style.ACCENT,
                           stroke_width=3)

        label = self.baseline_label

        def place(t: float):
            dot.move_to(curve.point(t, curve.value_at(t)))
            number.set_text(f"{loss_value(losses[min(int(np.floor(t + 1e-9)), epoch)], 3):>{slots}}")
            number.next_to(dot, RIGHT, buff=0.15)
            if number.get_right()[0] > curve.point(curve.x_max, 0)[0]:  # near the chart's end: on its left
                number.next_to(dot, LEFT, buff=0.15)
            below = label.get_bottom()[1] - 0.05
            beside = number.get_right()[0] > label.get_left()[0]
            if beside and number.get_top()[1] > below and number.get_bottom()[1] < label.get_top()[1]:
                number.shift(DOWN * (number.get_top()[1] - below))  # clear of ln V's label: just under it

        place(0)
        phrase.play(FadeIn(dot, scale=2), FadeIn(number), share=0.12)
        phrase.play(UpdateFromAlphaFunc(VGroup(dot, number), lambda _, a: place(a * epoch)), Create(level),
                    rate_func=brisk, hold=SHORT_HOLD)
        self.passing = VGroup(dot, number)  # gone when the next phrase begins; the level stays

    def show_fall(self, phrase, epoch: int):
        """The fall made by the event's epoch: the whole fall the loss can make (from the first
        epoch's loss down to the floor) outlined across the chart from epoch 0 to this epoch, then a
        band coming down inside it to this epoch's loss, the share of the fall made counting beside
        the band's edge."""
        tr, curve = self.trace, self.curve
        losses, floor = tr.mean_loss, tr.loss_floor
        x0, x1 = curve.point(0, 0)[0], curve.point(epoch, 0)[0]
        top = curve.point(0, losses[0])[1]
        corner = np.array([x0, top, 0.0])
        whole = Rectangle(width=x1 - x0, height=max(top - curve.point(0, floor)[1], 1e-3),
                          stroke_color=style.ACCENT, stroke_width=2, stroke_opacity=0.8, fill_opacity=0)
        whole.move_to(corner, aligned_edge=UP + LEFT)
        made = Rectangle(width=x1 - x0, height=1e-3, stroke_width=0, fill_color=style.ACCENT,
                         fill_opacity=0.22)
        made.move_to(corner, aligned_edge=UP + LEFT)
        share_made = GlyphNumber("  0%", style.HEADING_SIZE, style.ACCENT, slots=5)
        span = losses[0] - floor
        # Right of the band, in the open, when the chart has room there; else inside the band.
        room_right = curve.point(curve.x_max, 0)[0] - x1
        inside = room_right < share_made.width + 0.2 and x1 - x0 > share_made.width + 0.3

        def grow(_, a: float):
            y = losses[0] + (losses[epoch] - losses[0]) * a
            edge = curve.point(epoch, y)[1]
            made.stretch_to_fit_height(max(top - edge, 1e-3)).move_to(corner, aligned_edge=UP + LEFT)
            share_made.set_text(f"{percent((losses[0] - y) / span if span > 0 else 0):>5}")
            # Level with the band's edge, and never down on the curve (which only falls).
            share_made.next_to([x1, edge, 0], LEFT if inside else RIGHT, buff=0.12)
            left = (share_made.get_left()[0] - x0) / curve.plot_w * curve.x_max
            clear = curve.point(0, curve.value_at(left))[1] + share_made.height / 2 + 0.16  # the head passes
            share_made.set_y(max(edge, clear))
            label = self.baseline_label  # and never on ln V's label
            over = share_made.get_top()[1] - label.get_bottom()[1] + 0.05
            if share_made.get_right()[0] > label.get_left()[0] and over > 0:
                share_made.shift(DOWN * over)

        grow(None, 0.0)
        label = self.baseline_label
        if label.get_top()[1] < curve.baseline.get_center()[1]:  # ln V's label under its line, in the band:
            plate = BackgroundRectangle(label, color=style.BACKGROUND, fill_opacity=0.85, buff=0.04)
            self.add(whole, made, plate, label)  # it stays readable, on a plate over the band
        phrase.play(Create(whole), FadeIn(share_made), share=0.15, rate_func=brisk)
        phrase.play(UpdateFromAlphaFunc(VGroup(made, share_made), grow), share=0.45, rate_func=brisk)
        self.fall = VGroup(whole, made, share_made)

    def show_start_bar(self, phrase):
        """Where the right word's bar started: a level comes down the bar from its height now to
        epoch 0's, the share it marks counting down beside it (dark, on the bar)."""
        bars, pos = self.bars, self.bars.view.position(self.right)
        bar = bars.bars[pos]
        p1, p0 = self.trace.probs[-1, self.pair, self.right], self.trace.probs[0, self.pair, self.right]
        floor_y, x = bar.get_bottom()[1], bar.get_center()[0]
        level = Line(LEFT * bar.width / 2, RIGHT * bar.width / 2, stroke_color=style.BACKGROUND,
                     stroke_width=4)
        mark = GlyphNumber(f"{percent(p1):>5}", bars.value_size, style.BACKGROUND, slots=5)

        def place(_, a: float):
            p = p1 + (p0 - p1) * a
            y = floor_y + max(p * bars.max_height, 1e-3)
            level.move_to([x, y, 0])
            mark.set_text(f"{percent(p):>5}")
            inked = VGroup(*[c for c in mark.cells if c.has_points()]) or mark
            # Under the level while the bar has room for it there, else over it; not shown where it
            # would leave the bar (a bar too short to hold it).
            under = y - floor_y >= mark.height + 0.14
            over = bar.get_top()[1] - y >= mark.height + 0.14
            mark.shift([x - inked.get_center()[0],
                        (y - 0.08 - mark.get_top()[1]) if under else (y + 0.08 - mark.get_bottom()[1]), 0])
            for cell in mark.cells:
                cell.set_fill(opacity=1.0 if under or over else 0.0)

        place(None, 0.0)
        self.add(level, mark)
        phrase.play(UpdateFromAlphaFunc(VGroup(level, mark), place), hold=SHORT_HOLD, rate_func=brisk)


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
