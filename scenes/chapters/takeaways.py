"""Chapter 8: What you just saw. Learning rates side by side (real runs), convergence,
overfitting tested on a new arrangement of the words, why context matters (a real
context-1 run), scale next to published figures, Transformers in one breath, and the
closing line."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    CurvedArrow,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    RoundedRectangle,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    linear,
)

from model.analysis import evaluate, jumps_around, learning_rate_names, rising_epochs
from model.data import best_probabilities, build_dataset
from model.experiments import CONTEXT_ONE, LR_TOO_LARGE, LR_TOO_SMALL, learning_rate_runs, rearranged
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import KEPT, short_word
from scenes.kit.charts import LossCurve, ProbabilityBars
from scenes.kit.formatting import count, learning_rate, loss_value, percent
from scenes.kit.published import LARGE_MODELS, UNDISCLOSED_NOTE
from scenes.kit.text import GlyphNumber, columns, fit, fit_width, flow, grid, labelled, number_text, text

MAX_GUESSES = 6  # rows of the new-sentence test listed; a long text adds a line for the rest
MIN_GUESSES = 3  # ... and, in a frame short of room, never fewer
GUESS_SCALE = 0.75  # the guesses' rows are drawn at this share of their size at least, when they can
MIN_CHIP_SIZE = 15  # the new sentence's chips are flowed smaller, for the guesses' room, down to this size
FOCUS_SHARE = 0.5  # the run being described takes this share of the learning-rate panels' room...
FOCUS_SHARE_PORTRAIT = 0.44  # ... of their height in a portrait frame
FOCUS_SHARE_SQUARE = 0.4  # ... of the width of a square one
PANEL_GAP = 0.3  # frame units between learning-rate panels side by side (0.2 stacked)
TICK_GAP = 2.2  # a y tick label is shown only this many label heights above the last one shown
MIN_HEAD_SIZE = 12.5  # a learning-rate panel's head goes on two lines rather than drawn smaller than this
GROW_MOST = 1.3  # a block of words and guesses is drawn up to this many times its size to fill the room
BAR_THICKNESS = 0.42  # the scale chart's bars, frame units
MAX_PAIRS = 8  # a text whose next words are all unique shows this many of its pairs at most
MIN_BARS_ROOM = 0.45  # the context beat keeps the sentence on screen when its bars keep this share of room


def describe_run(trace) -> str:
    """How a run behaved, in a few words, from its facts."""
    if trace.diverged_epoch is not None:
        return f"blows up in epoch {trace.diverged_epoch}"
    rises = rising_epochs(trace)
    if rises > trace.last_epoch // 10:
        return f"jumps around, rising in {rises} of {trace.last_epoch} epochs"
    if trace.convergence_epoch is not None:
        return f"converges by epoch {trace.convergence_epoch}"
    fallen = 1 - trace.mean_loss[-1] / trace.mean_loss[0]
    if fallen < 0.5:
        return f"falls only {percent(fallen)} in {trace.last_epoch} epochs"
    return f"falls {percent(fallen)} in {trace.last_epoch} epochs, still improving"


def mark_kind(trace) -> str | None:
    """What a run's description points at on its curve (see describe_run): "rises" (the epochs it
    rose in), "converged" (where it converged), "fell" (how far it fell), or None (a run that
    diverged: its note says so)."""
    if trace.diverged_epoch is not None:
        return None
    if jumps_around(trace):
        return "rises"
    return "converged" if trace.convergence_epoch is not None else "fell"


SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
POWER_TICKS = [(0, "1"), (3, "thousand"), (6, "million"), (9, "billion"), (12, "trillion")]


def figure(quoted: str) -> float:
    """The number in a published figure as quoted ("175 billion", "about 300 billion",
    "over 15 trillion", "50,257"): hedging words are dropped, scale words multiply.
    Raises ValueError when no number is found."""
    value, scale = None, 1.0
    for word in quoted.replace(",", "").split():
        if word in SCALE_WORDS:
            scale *= SCALE_WORDS[word]
        else:
            try:
                value = float(word)
            except ValueError:
                continue
    if value is None:
        raise ValueError(f"No number in {quoted!r}.")
    return value * scale


def shade_under(area: VMobject, curve, t: float) -> VMobject:
    """`area` becomes the region under `curve` (a LossCurve) from epoch 0 to epoch t: the loss
    shaded as it is drawn."""
    t = float(np.clip(t, 0, curve.last))
    epochs = list(range(int(np.floor(t)) + 1)) + [t]
    top = [curve.point(e, curve.value_at(e)) for e in epochs]
    area.set_points_as_corners([curve.point(0, 0), *top, curve.point(t, 0), curve.point(0, 0)])
    return area


def area_for(curve, t: float = 0.0) -> VMobject:
    """A shaded region for `curve`, up to epoch t (see shade_under)."""
    area = VMobject(stroke_width=0, fill_color=style.ACCENT, fill_opacity=0.22)
    area.set_z_index(-1)  # under the line
    return shade_under(area, curve, t)


class Readout(VGroup):
    """A dot riding a LossCurve and the loss of the last epoch it has passed, written over the dot
    on a plate (under it near the top of the plot; `below`: under it unless near the bottom),
    kept inside the plot: the curve read epoch by epoch. set_epoch(t) puts it at epoch t
    (0 ≤ t ≤ the curve's last epoch)."""

    def __init__(self, curve: LossCurve, size: float = style.LABEL_SIZE, below: bool = False):
        super().__init__()
        self.curve, self.below = curve, below
        slots = max(len(loss_value(x)) for x in curve.losses)
        self.dot = Dot(radius=0.06, color=style.ACCENT)
        self.value = GlyphNumber(loss_value(curve.losses[0]), size, style.INK, slots=slots)
        self.plate = Rectangle(width=1, height=1, stroke_width=0, fill_color=style.BACKGROUND,
                               fill_opacity=0.85)
        self.add(self.plate, self.dot, self.value)
        self.t = 0.0
        self.set_epoch(0)

    def set_epoch(self, t: float) -> "Readout":
        c = self.curve
        t = float(np.clip(t, 0, c.last))
        self.t = t
        at = c.point(t, c.value_at(t))
        self.dot.move_to(at)
        self.value.set_text(loss_value(c.losses[int(np.floor(t + 1e-9))]))
        inked = VGroup(*[cell for cell in self.value.cells if cell.has_points()]) or self.value
        w, h = inked.width, inked.height
        (left, bottom, _), (right, top, _) = c.point(0, 0), c.point(c.x_max, c.y_max)
        x = float(np.clip(at[0], left + w / 2 + 0.06, right - w / 2 - 0.06))
        over, under = at[1] + 0.14 + h / 2, at[1] - 0.14 - h / 2
        y = under if (self.below and under - h / 2 > bottom + 0.1) or over + h / 2 > top else over
        name = c.y_label  # never over the axis's name ("loss", top left): under the dot, or right of it
        (x0, y0, _), (x1, y1, _) = name.get_corner(DOWN + LEFT), name.get_corner(UP + RIGHT)

        def hits(x, y):
            return (x + w / 2 + 0.06 > x0 and x - w / 2 - 0.06 < x1
                    and y + h / 2 + 0.05 > y0 and y - h / 2 - 0.05 < y1)

        if hits(x, y):
            y = under if y == over else over
        if hits(x, y):
            x = x1 + w / 2 + 0.1
        self.value.shift([x - inked.get_center()[0], y - inked.get_center()[1], 0])
        self.plate.stretch_to_fit_width(w + 0.12).stretch_to_fit_height(h + 0.1).move_to([x, y, 0])
        return self


class RunView:
    """One learning-rate run drawn at one size and place: its head (name and learning rate) over its
    loss curve (`chart`), the area under the curve, a readout riding the curve, the mark its
    description points at (see mark_kind) and, for a run that diverged, its note. `parts(...)` are
    the pieces on screen, by name, so that a view can turn into the same run drawn elsewhere."""

    def __init__(self, run, head, chart: LossCurve, note, readout_size: float):
        self.run, self.head, self.chart, self.note = run, head, chart, note
        self.area = area_for(chart, chart.last)
        self.kind = mark_kind(run)
        self.readout = Readout(chart, readout_size, below=self.kind == "fell").set_epoch(chart.last)
        self.mark = self.build_mark()
        self.set_mark(chart.last)

    def box(self) -> VGroup:
        """What takes room: the head, the chart and the note (shown or not)."""
        return VGroup(self.head, self.chart, *([self.note] if self.note is not None else []))

    def parts(self, mark: bool = False, note: bool = False) -> dict:
        """The pieces on screen by name: head, chart, area, readout, and the mark and the note when
        asked for (and the run has them)."""
        shown = {"head": self.head, "chart": self.chart, "area": self.area, "readout": self.readout}
        if mark and self.mark is not None:
            shown["mark"] = self.mark
        if note and self.note is not None:
            shown["note"] = self.note
        return shown

    def set_epoch(self, t: float):
        """Curve, area and readout drawn up to epoch t."""
        self.chart.set_progress(t)
        shade_under(self.area, self.chart, t)
        self.readout.set_epoch(t)

    def build_mark(self):
        """The mark's mobject, empty or whole as set_mark draws it; None for a run without one."""
        if self.kind == "rises":
            return VMobject(stroke_color=style.WRONG, stroke_width=5)
        if self.kind == "converged":
            e, c = self.run.convergence_epoch, self.chart
            return DashedLine(c.point(e, 0), c.point(e, c.y_max * 0.9), stroke_color=style.ACCENT)
        if self.kind == "fell":  # the starting level, and the drop from it to where the curve is
            return VGroup(Line(stroke_color=style.MUTED, stroke_width=2),
                          Line(stroke_color=style.ACCENT, stroke_width=5))
        return None

    def set_mark(self, t: float):
        """The mark as far as epoch t: the rising epochs passed so far in red; the convergence line
        once t reaches it; the drop from the starting loss to the loss at t."""
        c, losses, t = self.chart, self.run.mean_loss, float(np.clip(t, 0, self.chart.last))
        if self.kind == "rises":
            mark = self.mark
            mark.clear_points()
            passed = [e for e in np.flatnonzero(np.diff(losses) > 0) if e < t]
            for e in passed:
                end = min(e + 1.0, t)
                mark.start_new_path(c.point(e, losses[e]))
                mark.add_line_to(c.point(end, c.value_at(end)))
            if not passed:  # nothing yet: an invisible stub where the curve starts
                mark.set_points_as_corners([c.point(0, losses[0])] * 2)
            mark.set_stroke(opacity=1.0 if passed else 0.0)
        elif self.kind == "converged":
            self.mark.set_stroke(opacity=1.0 if t >= self.run.convergence_epoch else 0.0)
        elif self.kind == "fell":
            level, drop = self.mark
            start, now = c.point(0, losses[0]), c.point(t, losses[0])
            level.put_start_and_end_on(start, now + RIGHT * 1e-4)
            drop.put_start_and_end_on(now, c.point(t, c.value_at(t)) + DOWN * 1e-4)


class LogBar(VGroup):
    """One row of a logarithmic bar chart: the name and its figure on a line, the bar under it
    (length ∝ log10 of the value, 0 at 1). `number`: the figure is this count (digits and commas,
    then `unit` words), written in a GlyphNumber that counts up as the bar grows; else the
    figure is the `quoted` words, which ride at the bar's tip once the bar outgrows them.
    `unit_word` is (singular, plural): the count reads "1 word" on its way to "30 words".
    Call start() once the row is in its place (it empties the bar); grow() is then its
    animation."""

    def __init__(self, name: str, quoted: str, value: float, unit: float, color, number: str | None = None,
                 unit_word: tuple[str, str] = ("", "")):
        super().__init__()
        self.value = float(value)
        self.number = number
        if number is None:
            self.figure = text(quoted, style.LABEL_SIZE, style.INK)
        else:
            self.count = number_text(number, style.LABEL_SIZE, style.INK)
            one, many = unit_word
            words = [text(many, style.LABEL_SIZE, style.INK)] if many else []
            self.figure = VGroup(self.count, *words)
            self.figure.arrange(RIGHT, buff=0.12)
            # The singular, in the plural's place, shown only while the count reads 1 (both stay in
            # the group: a part added or removed mid-animation would not be drawn as it is).
            self.units = None
            if many and one != many:
                self.units = (text(one, style.LABEL_SIZE, style.INK).move_to(words[0], aligned_edge=LEFT),
                              words[0])
                self.figure.add(self.units[0].set_opacity(0))
        self.name = VGroup(text(name, style.LABEL_SIZE, color), self.figure).arrange(RIGHT, buff=0.3)
        length = max(np.log10(max(self.value, 1.0)) * unit, 0.05)
        bar_color = style.ACCENT if color == style.ACCENT else style.MUTED
        self.bar = Rectangle(width=length, height=BAR_THICKNESS, stroke_width=0, fill_color=bar_color,
                             fill_opacity=0.9)
        self.add(self.name, self.bar)

    def start(self):
        """Remember where the bar ends and where the figure sits, then empty the bar."""
        self.left = self.bar.get_left()
        self.full = self.bar.width
        self.home = self.figure.get_left()[0]
        self.set_length(0.0)
        return self

    def set_length(self, alpha: float):
        """The bar at `alpha` of its length (0 to 1) on the log scale: a counted figure shows the
        value reached (10 to the power of the length), a quoted one rides the tip."""
        width = max(alpha * self.full, 1e-3)
        self.bar.stretch_to_fit_width(width).move_to(self.left, aligned_edge=LEFT)
        if self.number is not None and isinstance(self.count, GlyphNumber):
            reached = self.value if alpha >= 1 else 10 ** (alpha * np.log10(max(self.value, 1.0)))
            self.count.set_text(f"{count(round(reached)):>{len(self.number)}}")
            if self.units is not None:  # "1 word", then "2 words"…
                single, plural = self.units
                one = round(reached) == 1
                single.set_opacity(1 if one else 0)
                plural.set_opacity(0 if one else 1)
        elif self.number is None:
            tip = self.left[0] + width
            self.figure.shift([max(self.home, tip - self.figure.width) - self.figure.get_left()[0], 0, 0])

    def grow(self):
        """The bar growing from nothing to its length (see set_length)."""
        return UpdateFromAlphaFunc(self, lambda _, alpha: self.set_length(alpha))


class WhatYouJustSaw(LessonScene):
    chapter_title = "What you just saw"

    def construct(self):
        self.compare_learning_rates()
        self.recall_convergence()
        self.test_on_a_new_sentence()
        self.show_why_context_matters()
        self.compare_with_large_models()
        self.mention_transformers()
        self.close()

    # ---- beats ------------------------------------------------------------------
    def compare_learning_rates(self):
        """The learning-rate runs' curves (three, or two: see learning_rate_runs) drawn together,
        epoch by epoch, each read by a riding readout; then each run in turn takes the larger share
        of the room and is read again while its mark (where it converged, the epochs it rose in, how
        far it fell) is drawn."""
        self.beat("learning_rate")
        self.show_title(self.chapter_title)
        runs = self.learning_rate_runs()
        traces = list(runs.values())
        n = len(traces)

        def views_for(focus, before=None):  # a panel that keeps its size and shade is kept as it is
            views = []
            for i, ((name, run), slot) in enumerate(zip(runs.items(), self.lr_slots(n, focus))):
                dim = focus is not None and i != focus
                old = before[i] if before else None
                same = (old is not None and i != focus and old.dim == dim
                        and np.allclose(old.slot[1:], slot[1:]))
                views.append(old if same else self.run_view(name, run, slot, last=i == n - 1, dim=dim))
            return views

        views = views_for(None)
        longest = max(v.chart.last for v in views)
        for v in views:
            v.set_epoch(0)

        def draw(_, alpha):  # every curve at the same epoch: the runs side by side in time
            for v in views:
                v.set_epoch(min(alpha * longest, v.chart.last))

        many = "Three" if n == 3 else "Two"  # two where the main rate is at a limit (see learning_rate_runs)
        with self.say(f"{many} runs that differ only in their learning rate, side by side.") as phrase:
            frames = [VGroup(v.head, *[m for m in v.chart.submobjects if m is not v.chart.curve])
                      for v in views]
            phrase.play(LaggedStart(*[FadeIn(f, shift=0.6 * UP) for f in frames], lag_ratio=0.25), share=0.25)
            self.add(*[m for v in views for m in (v.area, v.chart, v.readout)])
            drawn = VGroup(*[VGroup(v.chart.curve, v.area, v.readout) for v in views])
            phrase.play(UpdateFromAlphaFunc(drawn, draw), rate_func=linear)
        lines = [f"{'At' if k == 0 else 'at'} {learning_rate(run.config.lr)} "
                 f"{'the loss' if k == 0 else 'it'} {describe_run(run)}{'.' if k == n - 1 else ';'}"
                 for k, run in enumerate(traces)]
        for k, line in enumerate(lines):  # each run in turn, larger, the others dimmed
            with self.say(line) as phrase:
                new = views_for(k, views)
                new[k].readout.set_epoch(0)
                new[k].set_mark(0)
                moves = []
                for i, (old, now) in enumerate(zip(views, new)):
                    if now is old:  # the same panel, perhaps elsewhere
                        shift = self.lr_slots(n, k)[i][0] - old.slot[0]
                        if np.linalg.norm(shift) > 1e-6:
                            parts = VGroup(*old.parts(mark=i < k, note=i < k).values())
                            moves.append(parts.animate.shift(shift))
                            old.slot = (old.slot[0] + shift, *old.slot[1:])
                        continue
                    moves += self.move_view(old.parts(mark=i < k, note=i < k),
                                            now.parts(mark=i <= k, note=i < k))
                phrase.play(*moves, share=0.3)
                views = new
                v = views[k]

                def replay(_, alpha, v=v):  # the run read again, its mark drawn as the readout passes
                    t = alpha * v.chart.last
                    v.readout.set_epoch(t)
                    if v.mark is not None:
                        v.set_mark(t)

                reading = UpdateFromAlphaFunc(VGroup(v.readout, *([v.mark] if v.mark is not None else [])),
                                              replay)
                if v.note is None:
                    phrase.play(reading, rate_func=linear)
                else:  # a run that blew up: its note when the readout reaches the end of its run
                    phrase.play(reading, share=0.55, rate_func=linear)
                    phrase.play(FadeIn(v.note, scale=1.3))
        self.lr_views, self.lr_main = views, traces.index(self.trace)

    def recall_convergence(self):
        """This run's curve grows into a big chart and is drawn again, read epoch by epoch; the
        convergence epoch is marked as the readout passes it, then the epochs after it are shaded
        as they pass."""
        self.beat("convergence")
        lay, tr = self.layout, self.trace
        curve = LossCurve(tr.mean_loss, width=lay.safe_width * 0.92,
                          height=lay.content_height * (0.8 if lay.portrait else 0.96),
                          baseline=tr.random_baseline)
        curve.move_to(lay.content_center)
        area = area_for(curve)
        size = style.BODY_SIZE if lay.portrait else style.LABEL_SIZE  # a phone's small screen: larger
        readout = Readout(curve, size)
        curve.set_progress(0)
        e = tr.convergence_epoch
        marks = []
        if e is not None:
            marker = DashedLine(curve.point(e, 0), curve.point(e, curve.y_max * 0.6),
                                stroke_color=style.ACCENT)
            label = labelled("converged: epoch", str(e), style.SMALL_SIZE, style.ACCENT, buff=0.1)
            label.next_to(marker.get_end(), RIGHT, buff=0.1)
            if label.get_right()[0] > lay.safe_right:  # a late epoch in a narrow frame: left of the marker
                label.next_to(marker.get_end(), LEFT, buff=0.1)
            marks = [marker, label]
            first = f"Convergence: around epoch {e} the loss stopped improving much."
            taught = "this one sentence" if len(tr.sentences) == 1 else "these sentences"
            second = f"More epochs add little: the model has learned what {taught} can teach."
        elif tr.diverged_epoch is not None:
            e = tr.last_epoch
            first = f"Convergence: this run blew up in epoch {tr.diverged_epoch},"
            second = "so it never converged: its loss never settled."
        else:
            e = tr.last_epoch
            first = "Convergence: the loss falls as long as this run goes;"
            second = f"it was still improving at epoch {tr.last_epoch}: it had not yet converged."
        main = self.lr_views[self.lr_main]
        on_screen = {id(m) for top in self.mobjects for m in top.get_family()}
        leaving = [m for i, v in enumerate(self.lr_views) for key, m in v.parts(mark=True, note=True).items()
                   if id(m) in on_screen and not (i == self.lr_main and key == "chart")]

        def draw(start, end):
            def update(_, alpha):
                t = start + alpha * (end - start)
                curve.set_progress(t)
                shade_under(area, curve, t)
                readout.set_epoch(t)
            return UpdateFromAlphaFunc(VGroup(curve.curve, area, readout), update)

        with self.say(first) as phrase:
            self.play(FadeOut(VGroup(*leaving)), ReplacementTransform(main.chart, curve), run_time=0.8)
            self.add(area, curve, readout)
            phrase.play(draw(0, e), share=0.72 if marks else None, rate_func=linear)
            if marks:  # marked as the readout passes it
                phrase.play(Create(marks[0]), FadeIn(marks[1], shift=0.4 * RIGHT))
        with self.say(second) as phrase:
            rest = tr.last_epoch - e
            # The epochs after it, shaded as they pass, and how much they take off the loss: what
            # "adds little" looks like.
            band = VMobject(stroke_width=0, fill_color=style.MUTED, fill_opacity=0.25).set_z_index(-2)
            losses = tr.mean_loss
            def fallen(loss: float) -> str:  # how much the loss has fallen since epoch e: "0.03"
                return loss_value(max(losses[e] - loss, 0.0))

            gained = GlyphNumber(fallen(losses[e:].min()), size, style.INK)
            gain = VGroup(text("loss fell by", size, style.MUTED), gained)
            if lay.stacked:  # a narrow chart: the words over the number, inside the shaded epochs
                gain.arrange(DOWN, aligned_edge=RIGHT, buff=0.08)
            else:
                gain.arrange(RIGHT, buff=0.12)

            def after(_, alpha):
                now = e + alpha * rest
                x0, x1, y1 = curve.point(e, 0), curve.point(now, 0), curve.y_max * 0.95
                band.set_points_as_corners([x0, x1, curve.point(now, y1), curve.point(e, y1), x0])
                gained.set_text(fallen(losses[int(np.floor(now + 1e-9))]))
                right = max(x1[0] - 0.1, x0[0] + 0.1 + gain.width)
                gain.move_to([right, curve.point(0, curve.y_max * 0.35)[1], 0], aligned_edge=RIGHT)

            after(band, 0)
            shown = [band, gain] if rest > 0 else [band]
            self.add(*shown)
            phrase.play(draw(e, e + rest), UpdateFromAlphaFunc(VGroup(*shown), after), rate_func=linear)
        self.convergence_parts = VGroup(area, curve, readout, *shown, *marks)

    def test_on_a_new_sentence(self):
        """The sentence it learned, its words trading places into a new arrangement, then the
        network's guess at each word, one by one: the context words' chips travel into the row,
        the guess and its probability follow, marked right or wrong."""
        self.beat("overfitting")
        lay, tr = self.layout, self.trace
        words = rearranged(tr.sentences[0])
        guesses = evaluate(tr, tr.last_epoch, words)
        wrong = [g for g in guesses if g.guess != g.truth]
        # The words and the guesses as large as the room allows: fewer guesses listed first, then
        # smaller chips, each flowed again (see guess_table).
        tally = self.tally(len(guesses))
        scale = 1.0
        while True:
            new_sentence = self.new_sentence(words, tr.sentences[0], scale)
            room = lay.content_height - new_sentence.height - tally.height - 0.95
            table, rows, fits = self.guess_table(guesses, room)
            smaller = scale * 0.93
            if fits >= GUESS_SCALE or style.LABEL_SIZE * smaller < MIN_CHIP_SIZE:
                break
            scale = smaller
        block = VGroup(new_sentence, table, tally).arrange(DOWN, buff=0.35)
        tally.align_to(table, RIGHT if self.rtl else LEFT)
        # As large as the room allows, up to GROW_MOST times its size.
        block.scale(min(GROW_MOST, lay.safe_width / block.width, lay.content_height / block.height))
        block.move_to(lay.content_center)
        label = new_sentence[0]
        lines, ghost = new_sentence[1]
        new_sentence[1].remove(ghost)  # only for the layout
        # The sentence it learned, in the same chips (laid out in its order): which words trade places.
        placed = [chip for line in lines for chip in line]
        by_place = [chip for line in ghost for chip in line]
        targets = [chip.get_center() for chip in placed]
        for chip, k in zip(placed, ghost.order):
            chip.move_to(by_place[k])
        sure = float(np.mean([g.p_guess for g in wrong])) if wrong else 0.0
        how = "confidently " if sure > 0.5 else ""
        seen = "one sentence" if len(tr.sentences) == 1 else "only these sentences"
        with self.say(f"Overfitting: it saw {seen}.") as phrase:
            phrase.play(FadeOut(self.convergence_parts, shift=0.6 * DOWN), share=0.3)
            phrase.play(LaggedStart(*[FadeIn(c, shift=0.8 * DOWN) for c in placed], lag_ratio=0.15))
        with self.say("On a new arrangement of the same words") as phrase:
            moves = [chip.animate(path_arc=1.2).move_to(target) for chip, target in zip(placed, targets)
                     if not np.allclose(chip.get_center(), target)]
            phrase.play(FadeIn(label, shift=0.4 * self.reading_way), *moves)
        half = -(-len(rows) // 2)
        # What it brings to the new arrangement: the sentence it memorised, or, for a run that did
        # not learn every pair of it, only what it did learn.
        right = float(tr.accuracy[-1])
        if tr.diverged_epoch is None and right >= 1.0:
            brings = f"it {how}predicts what it memorised:"
        else:
            brings = f"it guesses with what it learned, {percent(right)} of its own pairs right:"
        with self.say(brings) as phrase:
            phrase.play(LaggedStart(*[self.guess_arrives(r, placed) for r in rows[:half]], lag_ratio=0.5))
            self.land()
        with self.say(f"{len(wrong)} of {len(guesses)} guesses wrong. "
                      "Real models are tested on new text.") as phrase:
            if len(rows) > half:
                arrivals = [self.guess_arrives(r, placed) for r in rows[half:]]
                phrase.play(LaggedStart(*arrivals, lag_ratio=0.5), share=0.5)
                self.land()
            counting, crosses = self.count_wrong(rows, tally, len(wrong))
            phrase.play(FadeIn(tally, shift=0.3 * UP), counting)
            self.remove(*crosses)  # landed
        self.overfit = dict(block=block, label=label, table=VGroup(table, tally), chips=placed,
                            order=ghost.order,
                            learned_at=[by_place[k].get_center() for k in ghost.order])

    def show_why_context_matters(self):
        """A real run with one word of context: the sentence's words go back to the order it learned;
        every word that follows the context word travels to its bar, which start level; training
        then splits the probability between them."""
        self.beat("context")
        lay = self.layout
        one = self.settings.load_comparison(CONTEXT_ONE)
        best = best_probabilities(build_dataset(one.config.sentence, 1))
        with_ambiguity = [p for p in range(one.P) if best[p] < 1]
        old = self.overfit
        # The chips go back to the sentence it learned, centred; what follows takes the room under them.
        chips = old["chips"]
        homes = np.array(old["learned_at"])
        homes[:, 0] -= (homes[:, 0].min() + homes[:, 0].max()) / 2
        chip_bottom = min(h[1] for h in homes) - max(c.height for c in chips) / 2
        room = chip_bottom - 0.3 - lay.content_bottom
        keep = room >= MIN_BARS_ROOM * lay.content_height
        top = chip_bottom - 0.3 if keep else lay.content_top
        going = [FadeOut(old["table"], shift=0.6 * DOWN), FadeOut(old["label"])]
        if keep:
            going += [chip.animate(path_arc=0.8).move_to(home) for chip, home in zip(chips, homes)]
        else:
            going += [FadeOut(VGroup(*chips), shift=0.6 * UP)]
        learned = list(self.trace.sentences[0])
        if not with_ambiguity:
            line = ("Why context matters: with only one word of context, "
                    "every next word of this text is still unique. "
                    "Longer texts need the network to look further back.")
            pairs, flights = self.next_word_pairs(learned, chips if keep else [], old["order"],
                                                  top - lay.content_bottom)
            pairs.move_to([0, (top + lay.content_bottom) / 2, 0])
            with self.say(line) as phrase:
                phrase.play(*going, share=0.25)
                phrase.play(LaggedStart(*flights, lag_ratio=0.3))
                self.land()
            self.context_parts = VGroup(pairs, *(chips if keep else []))
            return
        p = with_ambiguity[0]
        ctx, _ = one.pair_words(p)
        history = one.probs[:, p]  # (N, V) this context's probabilities at every epoch
        probs = history[-1]
        after_it = {one.vocab[int(t)] for q, t in enumerate(one.targets)
                    if one.contexts[q, 0] == one.contexts[p, 0]}
        followers = sorted(after_it, key=one.vocab.index)
        split = " and ".join(f"“{f}” {percent(probs[one.vocab.index(f)])}" for f in followers)
        head = self.context_head(ctx[0])
        fit_width(head, lay.safe_width).move_to([0, top - head.height / 2, 0])
        bars = self.tall_bars(one, history, lay.safe_width * (0.95 if lay.portrait else 0.7),
                              head.get_bottom()[1] - 0.3 - lay.content_bottom)
        bars.shift([-bars.frame.get_center()[0], lay.content_bottom - bars.frame.get_bottom()[1], 0])
        zeros = np.zeros(one.V)
        bars.set_values(zeros)
        last = len(history) - 1
        moved = np.abs(np.diff(history, axis=0)).sum(axis=1)  # (N-1,) how much the bars change per epoch
        travelled = np.concatenate([[0.0], np.cumsum(moved)])

        def train(mob, alpha):  # the bars through the run at an even pace; numbers from a recorded epoch
            epochs = np.arange(last + 1)
            t = float(np.interp(alpha * travelled[-1], travelled, epochs)) if travelled[-1] else 0
            lo = int(np.floor(t))
            hi = min(lo + 1, last)
            mob.set_values(history[lo] + (history[hi] - history[lo]) * (t - lo),
                           history[hi if alpha >= 1 else lo])

        with self.say(f"Why context matters: with one word of context, after “{ctx[0]}” "
                      f"the network can't tell what comes next.") as phrase:
            phrase.play(*going, share=0.25)
            frame = VGroup(head.words, bars.baseline, bars.word_labels,
                           *([bars.right_marker] if hasattr(bars, "right_marker") else []))
            phrase.play(FadeIn(frame, shift=0.5 * UP), share=0.2)
            self.add(bars)
            flights = self.context_flights(ctx[0], learned, chips if keep else [], old["order"], head,
                                                   bars, one.vocab)
            phrase.play(bars.change_values(zeros, history[0]), LaggedStart(*flights, lag_ratio=0.4))
            self.land()
            self.remove(frame, head.word)
            self.add(head, bars)
        if one.diverged_epoch is None:
            splits = f"Training splits it: {split}."
        else:  # its bars never leave their starting values
            splits = f"This run blew up in epoch {one.diverged_epoch}, before training could split it."
        with self.say(f"{splits} Attention looks further back.") as phrase:
            phrase.play(UpdateFromAlphaFunc(bars, train), rate_func=linear)
        self.context_parts = VGroup(head, bars, *(chips if keep else []))

    def compare_with_large_models(self):
        """Log bars of parameters and training data: this network's grow first, their figures counting
        up; then each published model's, their quoted figures riding the bars' tips."""
        self.beat("scale")
        lay, tr = self.layout, self.trace
        n_words = sum(len(s) for s in tr.sentences)
        big, others = LARGE_MODELS[0], LARGE_MODELS[1:]
        names = ["this network"] + [m.name for m in LARGE_MODELS]
        params = [float(tr.parameters)] + [figure(m.parameters) for m in LARGE_MODELS]
        data = [float(n_words)] + [figure(m.training_tokens) for m in LARGE_MODELS]
        top = float(np.log10(max(params + data))) + 0.3

        quoted_params = [count(tr.parameters)] + [m.parameters for m in LARGE_MODELS]
        quoted_data = [f"{count(n_words)} words"] + [m.training_tokens + " tokens" for m in LARGE_MODELS]

        def make(width):
            return VGroup(
                self.log_bars("parameters", names, params, quoted_params, width, top,
                              (count(tr.parameters), ("", ""))),
                self.log_bars("training data", names, data, quoted_data, width, top,
                              (count(n_words), ("word", "words"))))

        width = lay.safe_width * (0.9 if lay.stacked else 0.46)
        charts = make(width)
        # A name and its figure wider than the axis ("Llama 3.1 405B  over 15 trillion tokens" in a
        # narrow frame) would overhang its end: the axis is drawn as long as the widest row.
        widest = max(row.name.width for chart in charts for row in chart.rows)
        if widest > width:
            charts = make(widest)
        if lay.stacked:
            charts.arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        else:
            charts.arrange(RIGHT, buff=0.6, aligned_edge=UP)
        note = text(UNDISCLOSED_NOTE, style.SMALL_SIZE, style.MUTED)
        block = VGroup(charts, note).arrange(DOWN, buff=0.35)
        block.scale(min(GROW_MOST, lay.safe_width / block.width, lay.content_height / block.height))
        block.move_to(lay.content_center)
        for chart in charts:
            for row in chart.rows:
                row.start()

        def model_rows(k):
            return [chart.rows[k] for chart in charts]

        with self.say(f"Scale: our network has {count(tr.parameters)} parameters "
                      f"and learned from {count(n_words)} words.") as phrase:
            phrase.play(FadeOut(self.context_parts, shift=0.8 * UP), share=0.15)
            # The log axis laid out step by step: 1, a thousand, a million...
            phrase.play(*[FadeIn(VGroup(chart.head, chart.rows[0].name), shift=0.4 * UP) for chart in charts],
                        *[Create(chart.axis) for chart in charts],
                        *[LaggedStart(*[FadeIn(t, shift=0.4 * UP) for t in chart.ticks], lag_ratio=0.5)
                          for chart in charts], share=0.35)
            self.add(*model_rows(0))
            phrase.play(*[row.grow() for row in model_rows(0)])
        with self.say(f"{big.name} has {big.parameters} parameters and learned from "
                      f"{big.training_tokens} tokens.") as phrase:
            self.arrive(phrase, model_rows(1), None)
        last = [f"{m.name}: {m.parameters} parameters, {m.training_tokens} tokens." for m in others]
        with self.say(" ".join(last + ["The principle is the same."])) as phrase:
            self.arrive(phrase, [row for k in range(2, len(names)) for row in model_rows(k)], note)
        self.scale_block = block

    def arrive(self, phrase, rows, note):
        """Rows of the scale chart arriving: their names, then their bars growing (then `note`)."""
        if rows:
            phrase.play(*[FadeIn(row.name, shift=0.6 * RIGHT) for row in rows], share=0.15)
            self.add(*rows)
            phrase.play(*[row.grow() for row in rows], share=0.65 if note is not None else None,
                        rate_func=linear)
        if note is not None:
            phrase.play(FadeIn(note, shift=0.6 * UP))

    def mention_transformers(self):
        """What Transformers add, one row after another."""
        self.beat("transformers")
        lay = self.layout
        items = [
            ("attention", "each word looks at every other word"),
            ("several heads", "many ways of looking, at once"),
            ("layer normalisation", "keeps the numbers in a good range"),
            ("residual connections", "let deep stacks of layers train"),
            ("positions", "tell the model the order of the words"),
        ]
        rows = VGroup()
        for term, meaning in items:
            row = VGroup(text(term, style.BODY_SIZE, style.ACCENT),
                         text(meaning, style.LABEL_SIZE, style.INK))
            if lay.portrait:  # the meaning goes under its term
                row.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            else:
                row.arrange(RIGHT, buff=0.3)
            rows.add(row)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.28)
        head = text("Transformers add:", style.HEADING_SIZE, style.INK)
        block = VGroup(head, rows).arrange(DOWN, buff=0.4)
        fit_width(block, lay.safe_width).move_to(lay.content_center)
        with self.say("Modern language models are Transformers.") as phrase:
            phrase.play(FadeOut(self.scale_block, shift=1.2 * UP), FadeIn(head, shift=1.2 * UP))
        with self.say("They add attention with several heads, layer normalisation, residual connections "
                      "and word positions.") as phrase:
            phrase.play(LaggedStart(*[FadeIn(r, shift=0.8 * RIGHT) for r in rows], lag_ratio=0.6))
        self.transformer_block = block

    def close(self):
        """The Transformers stand on three blocks rising under them, the foundation the lesson showed;
        then the loop it runs: predict, learn from mistakes, repeat, and back."""
        self.beat("closing")
        lay = self.layout
        head, rows = self.transformer_block
        terms = ["embeddings", "learning from data", "next-token prediction"]
        stones = VGroup(*[self.foundation_stone(term) for term in terms])
        stones.arrange(DOWN if lay.stacked else RIGHT, buff=0.2)
        roof_text = text("Transformers", style.HEADING_SIZE, style.INK)
        roof = VGroup(RoundedRectangle(width=stones.width, height=roof_text.height + 0.6, corner_radius=0.15,
                                       stroke_width=0, fill_color=style.PANEL, fill_opacity=1), roof_text)
        roof_text.move_to(roof[0]).set_z_index(1)  # over its panel
        building = VGroup(roof, stones).arrange(DOWN, buff=0.2)
        fit(building, lay.safe_width, lay.content_height).move_to(lay.content_center)
        lines = VGroup(
            text("predict the next token", style.HEADING_SIZE, style.INK),
            text("learn from mistakes", style.HEADING_SIZE, style.INK),
            text("repeat", style.HEADING_SIZE, style.ACCENT),
        ).arrange(DOWN, buff=0.45)
        lines.scale(min(1.4, lay.safe_width * 0.78 / lines.width, lay.content_height * 0.9 / lines.height))
        lines.move_to(lay.content_center + RIGHT * 0.3)
        start, end = lines[2].get_left() + LEFT * 0.2, lines[0].get_left() + LEFT * 0.2 + DOWN * 0.05
        loop = CurvedArrow(start, end, angle=-2.2, color=style.ACCENT, stroke_width=4)
        if loop.get_left()[0] < lay.safe_left:  # a narrow frame: the lines and their loop move right
            VGroup(lines, loop).shift(RIGHT * (lay.safe_left - loop.get_left()[0] + 0.05))
        with self.say("But they all stand on the foundation you just watched: "
                      "embeddings, learning from data, and next-token prediction.") as phrase:
            phrase.play(FadeOut(rows, shift=0.8 * LEFT), share=0.12)  # sideways: never over the head
            # "Transformers" of the head becomes the roof's word; the rest of the head goes first.
            self.rewrite(phrase, head, roof_text, "Transformers", share=0.24, with_rest=[FadeIn(roof[0])])
            phrase.play(LaggedStart(*[FadeIn(stone, shift=1.6 * UP) for stone in stones], lag_ratio=0.7))
        with self.say("Predict the next token, learn from mistakes, repeat.") as phrase:
            phrase.play(FadeOut(building, shift=1.2 * UP), share=0.25)
            phrase.play(LaggedStart(*[FadeIn(line, shift=0.8 * UP) for line in lines], Create(loop),
                                    lag_ratio=0.7))

    # ---- pieces -----------------------------------------------------------------
    def learning_rate_runs(self) -> dict:
        """The runs that differ only in learning rate, in order: smaller, this run, larger (either
        left out where the limits make it this run: see model.experiments.learning_rate_runs), each
        under the name its panel shows (see model.analysis.learning_rate_names)."""
        made = (LR_TOO_SMALL, LR_TOO_LARGE)  # prepared beside the main run (see model.experiments)
        runs = {name: self.settings.load_comparison(name) if name in made else self.trace
                for name in learning_rate_runs(self.trace.config)}
        names = learning_rate_names(runs)
        return {names[name]: run for name, run in runs.items()}

    def lr_slots(self, n: int, focus: int | None) -> list[tuple[np.ndarray, float, float]]:
        """Where each of `n` learning-rate panels goes: (centre, width, height), side by side, or
        stacked in a portrait frame. Equal shares of the room, or, with `focus`, that run's panel
        FOCUS_SHARE of it (FOCUS_SHARE_PORTRAIT, FOCUS_SHARE_SQUARE) and the others the rest."""
        lay = self.layout
        big = FOCUS_SHARE_PORTRAIT if lay.portrait else FOCUS_SHARE_SQUARE if lay.square else FOCUS_SHARE
        shares = [1 / n] * n if focus is None or n < 2 else [big if i == focus else (1 - big) / (n - 1)
                                                             for i in range(n)]
        slots = []
        if lay.portrait:
            gap = 0.2
            room, y = lay.content_height - (n - 1) * gap, lay.content_top
            for share in shares:
                h = share * room
                slots.append((np.array([0.0, y - h / 2, 0.0]), lay.safe_width * 0.95, h))
                y -= h + gap
        else:
            room, x = lay.safe_width - (n - 1) * PANEL_GAP, lay.safe_left
            for share in shares:
                w = share * room
                slots.append((np.array([x + w / 2, lay.content_center[1], 0.0]), w, lay.content_height))
                x += w + PANEL_GAP
        return slots

    def run_view(self, name: str, run, slot, last: bool, dim: bool) -> RunView:
        """A run's view (see RunView) filling `slot` (centre, width, height), its curve whole, its
        mark drawn whole; dimmed when `dim`."""
        center, width, height = slot
        view = self.build_run_view(name, run, width, height, last)
        parts = VGroup(*view.parts(mark=True, note=True).values())
        parts.shift(center - view.box().get_center())
        if dim:
            parts.fade(0.7)
        view.slot, view.dim = slot, dim
        return view

    def build_run_view(self, name: str, run, width: float, height: float, last: bool) -> RunView:
        """One run's view whose drawn panel (head, curve, tick labels, "epoch" label, note) is
        `width` × `height`: a chart's drawn size is 0.86 of its width and 0.78 of its height plus
        its labels' margins (see chart_margins)."""
        lay = self.layout
        head = self.run_head(name, run, width)
        note = None
        if run.diverged_epoch is not None:
            note = self.memo_text(f"diverged in epoch {run.diverged_epoch}", style.SMALL_SIZE, style.WRONG)
        under = note.height + 0.05 if note is not None and not lay.portrait else 0.0
        extra_w, extra_h = self.chart_margins(name, run, last)
        chart = self.loss_chart(run, (width * 0.98 - extra_w) / 0.86,
                                max((height - head.height - 0.1 - under - extra_h) / 0.78, 0.6), last)
        VGroup(head, chart).arrange(DOWN, buff=0.1)
        if note is not None:
            if lay.portrait:  # stacked panels: under the curve is the next panel's head; inside, top right
                note.move_to(chart.get_corner(UP + RIGHT), aligned_edge=UP + RIGHT)
            else:
                note.next_to(chart, DOWN, buff=0.05)
        size = style.LABEL_SIZE if chart.plot_h > 1.6 and chart.plot_w > 3 else style.SMALL_SIZE
        return RunView(run, head, chart, note, size)

    def memo_text(self, content: str, size: float, color):
        """text(content, size, color), made once per scene and copied after (a Text costs ~35 ms)."""
        made = self.__dict__.setdefault("texts_made", {})
        key = (content, size, str(color))
        if key not in made:
            made[key] = text(content, size, color)
        return made[key].copy()

    def run_head(self, name: str, run, width: float) -> VGroup:
        """A run's name and learning rate on a line, or on two when one would be drawn smaller than
        MIN_HEAD_SIZE (and always in a square frame's narrow panels), fitted to `width`."""
        rate = VGroup(self.memo_text("learning rate", style.SMALL_SIZE, style.MUTED),
                      number_text(learning_rate(run.config.lr), style.LABEL_SIZE, style.ACCENT))
        rate.arrange(RIGHT, buff=0.12)
        head = VGroup(self.memo_text(f"{name}:", style.LABEL_SIZE, style.INK), rate).arrange(RIGHT, buff=0.12)
        if self.layout.square or head.width * (MIN_HEAD_SIZE / style.SMALL_SIZE) > width * 0.95:
            head.arrange(DOWN, buff=0.12)
        return fit_width(head, width * 0.95)

    def loss_chart(self, run, width: float, height: float, last: bool) -> LossCurve:
        """A run's whole loss curve (LossCurve, `width` × `height`). In a portrait frame only the
        last panel keeps its "epoch" label; a y tick label too close to the one under it is hidden."""
        chart = LossCurve(run.mean_loss, width=width, height=height, baseline=run.random_baseline,
                          y_label="loss")
        chart.set_progress(chart.last)
        if self.layout.portrait and not last:
            chart.remove(chart.x_label)
        axis_x = chart.axes[1].get_center()[0]
        shown_y = None
        y_ticks = sorted([m for m in chart.ticks if m.get_center()[0] < axis_x], key=lambda m: m.get_y())
        for tick_label in y_ticks:
            if shown_y is not None and tick_label.get_y() - shown_y < TICK_GAP * tick_label.height:
                tick_label.set_opacity(0)
            else:
                shown_y = tick_label.get_y()
        return chart

    def chart_margins(self, name: str, run, last: bool) -> tuple[float, float]:
        """How much wider and taller a run's chart is drawn than 0.86 of its width and 0.78 of its
        height (its tick labels, its axes' names): the same at every size, measured once."""
        margins = self.__dict__.setdefault("chart_margins_seen", {})
        if (name, last) not in margins:
            probe = self.loss_chart(run, 4.0, 2.0, last)
            margins[(name, last)] = (probe.width - 0.86 * 4.0, probe.height - 0.78 * 2.0)
        return margins[(name, last)]

    @staticmethod
    def move_view(before: dict, after: dict) -> list:
        """Animations turning one view's parts (by name) into another's: each part into its
        counterpart, new parts in, parts no longer shown out."""
        moves = [ReplacementTransform(before[key], mob) if key in before else FadeIn(mob)
                 for key, mob in after.items()]
        return moves + [FadeOut(mob) for key, mob in before.items() if key not in after]

    def log_bars(self, head: str, names: list[str], values: list[float], quoted: list[str],
                 width: float, top: float, ours: tuple[str, tuple[str, str]]) -> VGroup:
        """A logarithmic bar chart `width` wide: `head` over one LogBar per name (values, their quoted
        figures; the first, this network, counted: `ours` is its count and its unit word, singular and
        plural), an axis under
        them with ticks at 1, a thousand, a million… up to 10**top. Attributes: head, rows, axis,
        ticks."""
        unit = width / top
        chart = VGroup()
        chart.head = text(f"{head} (each step ×1,000)", style.LABEL_SIZE, style.MUTED)
        chart.rows = VGroup(*[LogBar(n, q, v, unit, style.ACCENT if i == 0 else style.INK,
                                     number=ours[0] if i == 0 else None,
                                     unit_word=ours[1] if i == 0 else ("", ""))
                              for i, (n, v, q) in enumerate(zip(names, values, quoted))])
        for row in chart.rows:
            row.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        chart.rows.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        left = chart.rows.get_left()[0]
        for row in chart.rows:
            row.bar.align_to([left, 0, 0], LEFT)
        y = chart.rows.get_bottom()[1] - 0.1
        chart.axis = Line([left, y, 0], [left + width, y, 0], stroke_color=style.MUTED, stroke_width=2)
        chart.ticks = VGroup()
        for power, name in POWER_TICKS:
            if power <= top:
                x = left + power * unit
                mark = Line([x, y, 0], [x, y - 0.1, 0], stroke_color=style.MUTED, stroke_width=2)
                label = text(name, style.SMALL_SIZE, style.MUTED).next_to(mark, DOWN, buff=0.06)
                chart.ticks.add(VGroup(mark, label))
        chart.head.next_to(chart.rows, UP, buff=0.2, aligned_edge=LEFT)
        chart.add(chart.head, chart.rows, chart.axis, chart.ticks)
        return chart

    def tall_bars(self, run, history, width: float, height: float) -> ProbabilityBars:
        """Probability bars for `history` ((N, V), a context's probabilities at every epoch) whose
        tallest bar at any epoch, its number above it, reaches `height` over the chart's bottom: built
        taller than that (its invisible frame reaching higher), so the bars use the room."""
        def build(h):
            return ProbabilityBars(run.vocab, self.word_colors(), history[0], width=width, height=h,
                                   history=history)

        bars = build(height)
        shown = np.array([bars.view.probabilities(h) for h in history])  # (N, bars)
        highest = float(shown.max())
        bars.set_values(history[int(np.argmax(shown.max(axis=1)))])
        reached = max(m.get_top()[1] for m in [*bars.bars, *bars.value_labels]) - bars.frame.get_bottom()[1]
        if highest <= 0 or reached >= height:
            return bars
        return build(height + (height - reached) / highest)

    def foundation_stone(self, term: str) -> VGroup:
        """One term of the foundation on its block."""
        words = text(term, style.BODY_SIZE, style.ACCENT)
        box = RoundedRectangle(width=words.width + 0.6, height=words.height + 0.6, corner_radius=0.15,
                               stroke_color=style.ACCENT, stroke_width=2, fill_color=style.PANEL,
                               fill_opacity=1)
        return VGroup(box, words.move_to(box))

    def context_head(self, word: str) -> VGroup:
        """“one word of context: “the” → ?”, the arrow the way the text reads. Attributes: word (the
        quoted context word) and words (the rest)."""
        size = style.BODY_SIZE
        label = text("one word of context:", size, style.INK)
        quoted = text(f"“{word}”", size, style.INK)
        arrow, ask = text(self.reading_arrow, size, style.MUTED), text("?", size, style.INK)
        asked = VGroup(quoted, arrow, ask).arrange(self.reading_way, buff=0.15)
        head = VGroup(label, asked).arrange(RIGHT, buff=0.2)
        head.word, head.words = quoted, VGroup(label, arrow, ask)
        return head

    def next_word_pairs(self, learned: list[str], chips, order: list[int], height: float) -> tuple:
        """Each word of the sentence it learned and the word after it (“sat → on”, the arrow the
        way the text reads), MAX_PAIRS at most, flowed in rows fitted to `height`; copies of the
        chips (`chips`, chip j at place order[j]; none: the words fade in) travel into them.
        Returns the pairs and their animations."""
        chip_at = {k: j for j, k in enumerate(order)}
        pairs, flights = VGroup(), []
        for k in range(min(len(learned) - 1, MAX_PAIRS)):
            words = [text(learned[k], style.BODY_SIZE, self.color_of(learned[k])),
                     text(self.reading_arrow, style.BODY_SIZE, style.MUTED),
                     text(learned[k + 1], style.BODY_SIZE, self.color_of(learned[k + 1]))]
            pairs.add(VGroup(*words).arrange(self.reading_way, buff=0.15))
        rows = flow(list(pairs), self.layout.safe_width, h_buff=0.6, v_buff=0.3, rtl=self.rtl)
        rows.scale(min(GROW_MOST, self.layout.safe_width / rows.width, height / rows.height))
        for k, pair in enumerate(pairs):
            came = [self.travel(chips[chip_at[k + m]], pair[2 * m]) if chips else FadeIn(pair[2 * m])
                    for m in (0, 1)]
            flights.append(AnimationGroup(*came, FadeIn(pair[1])))
        return rows, flights

    def travel(self, source, target, arrive: bool = True):
        """A copy of `source` travelling onto `target`, shrinking or growing to its height and fading
        as it goes, while `target` fades in there (unless not `arrive`: a copy landing on what is
        already shown). The copies are kept in `travellers`, to take away once they have landed."""
        copy = source.copy()
        self.__dict__.setdefault("travellers", []).append(copy)
        flight = copy.animate.move_to(target.get_center()).scale(target.height / max(copy.height, 1e-6))
        flight = flight.set_opacity(0)
        return AnimationGroup(flight, FadeIn(target)) if arrive else flight

    def land(self):
        """Take away the copies that have travelled (see travel)."""
        self.remove(*self.__dict__.get("travellers", []))
        self.travellers = []

    def context_flights(self, word: str, learned: list[str], chips, order: list[int], head, bars,
                        vocab) -> list:
        """Where `word` stands in the sentence it learned (`learned`, its chips `chips` in the new
        arrangement, chip j at place order[j]): copies of its chips travel to the head's quoted word,
        and copies of the words that follow it to their bars' labels (see travel). Returns the
        animations."""
        chip_at = {k: j for j, k in enumerate(order)}
        places = [k for k, w in enumerate(learned) if w == word and k + 1 < len(learned)] if chips else []
        flights = [] if places else [FadeIn(head.word)]
        for n, k in enumerate(places):
            flights.append(self.travel(chips[chip_at[k]], head.word, arrive=n == 0))
            follower = learned[k + 1]
            at = bars.view.position(vocab.index(follower)) if follower in vocab else None
            label = bars.word_labels[len(bars.word_labels) - 1 if at is None else at]
            flights.append(self.travel(chips[chip_at[k + 1]], label, arrive=False))
        return flights

    @staticmethod
    def arrangement(original: list[str], new: list[str]) -> list[int]:
        """For each word of `new`, where it stood in `original` (same words, another order): its own
        place when the word there is the same, else the first unused place holding it."""
        used, out = set(), []
        for j, word in enumerate(new):
            k = j if j < len(original) and original[j] == word and j not in used else next(
                k for k, w in enumerate(original) if w == word and k not in used)
            used.add(k)
            out.append(k)
        return out

    def tally(self, total: int) -> VGroup:
        """“0 of 5 guesses wrong”, its count a GlyphNumber (attribute number) to count up."""
        number = GlyphNumber(str(total), style.BODY_SIZE, style.WRONG)  # laid out at its widest
        words = text(f"of {total} guesses wrong", style.BODY_SIZE, style.WRONG)
        tally = VGroup(number, words).arrange(RIGHT, buff=0.15)
        number.set_text(f"{0:>{len(str(total))}}")
        tally.number = number
        return tally

    def count_wrong(self, rows, tally, wrong: int) -> tuple:
        """The wrong guesses counted: a ✗ from each wrong row listed travels to the tally, which counts
        them as they land, ending at `wrong` (every wrong guess, listed or not). Returns the animation
        and the travelling ✗s (to take away once landed)."""
        crosses = []
        for row in rows:
            reading = getattr(row, "reading", None)
            if reading is not None and getattr(row, "wrong", False):
                mark = reading[3]
                cross = text("✗", style.LABEL_SIZE, style.WRONG)
                cross.scale(mark.height / max(cross.height, 1e-6) * 0.95)
                cross.move_to(mark.get_left(), aligned_edge=LEFT)
                crosses.append(cross)
        number, width = tally.number, len(tally.number.cells)
        lag, n = 0.5, len(crosses)
        ends = [(lag * i + 1) / (lag * (n - 1) + 1) for i in range(n)]

        def counted(mob, alpha):
            landed = wrong if alpha >= 1 else min(wrong, sum(alpha >= end for end in ends))
            mob.set_text(f"{landed:>{width}}")

        flights = [cross.animate.move_to(number.get_center()).scale(1.2).set_opacity(0) for cross in crosses]
        return AnimationGroup(UpdateFromAlphaFunc(number, counted),
                              *([LaggedStart(*flights, lag_ratio=lag)] if flights else [])), crosses

    def guess_arrives(self, row, chips):
        """A guess row arriving: copies of its context words' chips (`chips`: the new sentence's, in
        its order) travel into the row, the guess and its probability follow, then its mark."""
        reading = getattr(row, "reading", None)
        if reading is None:  # the line counting the rest
            return FadeIn(row, shift=0.3 * self.reading_way)
        context, guess, chance, mark = reading
        c = self.trace.config.context
        came = []
        for m, word in enumerate(context.words):
            at = row.index + 1 - c + m  # guess i is made from the c words before word i + 1
            came.append(self.travel(chips[at], word) if 0 <= at < len(chips) else FadeIn(word))
        way = 0.4 * self.reading_way
        return AnimationGroup(AnimationGroup(*came, FadeIn(context.arrow)),
                              AnimationGroup(FadeIn(guess, shift=way), FadeIn(chance, shift=way)),
                              FadeIn(mark, scale=1.5), lag_ratio=1)

    def new_sentence(self, words: list[str], learned: list[str], scale: float = 1.0) -> VGroup:
        """“new sentence:” and its words as chips (wrapped like a text, right to left for a
        right-to-left text), `scale` times their size: VGroup(label, VGroup(lines, ghost)), where
        `ghost` holds copies of the same chips flowed in the order of `learned` (the sentence it
        learned: the same words in another order), top aligned with `lines`: where each chip
        starts before it moves to its new place. The ghost is for layout only; take it out
        before showing the group."""
        lay = self.layout
        label = text("new sentence:", style.BODY_SIZE, style.MUTED)
        chip_size = (style.BODY_SIZE if len(words) <= 12 else style.LABEL_SIZE) * scale
        width = lay.safe_width * (0.95 if lay.portrait else 0.9)
        chips = [self.chip(w, chip_size) for w in words]
        order = self.arrangement(learned, words)  # chips[j] stands at place order[j] in `learned`
        by_place = [None] * len(chips)
        for chip, k in zip(chips, order):
            by_place[k] = chip.copy()
        lines = flow(chips, width, h_buff=0.1 * scale, v_buff=0.12 * scale, rtl=self.rtl)
        ghost = flow(by_place, width, h_buff=0.1 * scale, v_buff=0.12 * scale, rtl=self.rtl)
        ghost.move_to(lines.get_top(), aligned_edge=UP)
        ghost.order = order
        many = lay.portrait or max(len(lines), len(ghost)) > 1
        # On one line the label stands before the words: at their left, or at their right when they
        # read right to left.
        return VGroup(label, VGroup(lines, ghost)).arrange(DOWN if many else self.reading_way, buff=0.25)

    def guess_table(self, guesses, max_height: float) -> tuple[VGroup, VGroup, float]:
        """The trained network's guess at each word of the new sentence, one row each (“the mat → sat
        97% ✗ really “on””) in aligned columns, in two columns of rows when short of height: the
        table, its rows and the share of their natural size they are drawn at. A long text lists
        every wrong guess it can, fills up with right ones (in sentence order) and ends with a row
        counting the rest; fewer rows (MIN_GUESSES at least) when that keeps them at GUESS_SCALE of
        their size in `max_height`. A word too long for the frame is cut short with an ellipsis.
        Rows read right to left for a right-to-left text."""
        for most in range(MAX_GUESSES, MIN_GUESSES - 1, -1):
            table, rows, scale = self.guess_rows(guesses, max_height, most)
            if scale >= GUESS_SCALE or most >= len(guesses):
                break
        return table, rows, scale

    def guess_row(self, g, size: float, cut) -> list:
        """One guess's cells in reading order: its context words and the reading arrow, the guess,
        its probability, its mark (✓, or ✗ and the right word). The context cell has attributes
        words and arrow."""
        words = [text(cut(w), size, style.MUTED) for w in g.context]
        arrow = text(self.reading_arrow, size, style.MUTED)
        context = VGroup(*words, arrow).arrange(self.reading_way, buff=0.12)
        context.words, context.arrow = words, arrow
        mark = (text("✓", size, style.RIGHT) if g.guess == g.truth
                else text(f"✗  really “{cut(g.truth)}”", size, style.WRONG))
        return [context, text(cut(g.guess), size, self.color_of(g.guess)),
                number_text(percent(g.p_guess), size, style.INK), mark]

    def guess_rows(self, guesses, max_height: float, most: int) -> tuple[VGroup, VGroup, float]:
        """guess_table with at most `most` guesses listed."""
        wrong_at = [i for i, g in enumerate(guesses) if g.guess != g.truth][:most]
        right_at = [i for i, g in enumerate(guesses) if g.guess == g.truth][: most - len(wrong_at)]
        listed = sorted(wrong_at + right_at)
        size = style.LABEL_SIZE
        limit = max(len(w) for g in guesses for w in [*g.context, g.guess, g.truth])
        while True:  # words cut shorter until every row fits the frame's width
            def cut(word):
                return short_word(word, limit)

            cells = [self.guess_row(guesses[i], size, cut) for i in listed]
            rows = grid([row[::-1] if self.rtl else row for row in cells], gap=0.35, pitch=0.5,
                        align=RIGHT if self.rtl else LEFT)
            if rows.width <= self.layout.safe_width / 0.85 or limit <= KEPT + 1:  # (see columns: 85%)
                break
            limit -= 1
        for row, reading, i in zip(rows, cells, listed):
            row.reading, row.index, row.wrong = reading, i, guesses[i].guess != guesses[i].truth
        before = rows[0].height
        table = columns(list(rows), self.layout.safe_width, max_height, buff=0.8, most=2, pitch=0.5,
                        rtl=self.rtl)
        scale = rows[0].height / before
        hidden = [g for i, g in enumerate(guesses) if i not in listed]
        if hidden:
            missed = sum(g.guess != g.truth for g in hidden)
            rest = "all right" if not missed else f"{missed} of them wrong"
            more = text(f"… and {len(hidden)} more guesses, {rest}", style.LABEL_SIZE, style.MUTED)
            edge = RIGHT if self.rtl else LEFT
            table.add(more.scale(scale).next_to(table, DOWN, buff=0.2, aligned_edge=edge))
            rows.add(more)
            scale *= min(1.0, max_height / table.height)  # the line under the rows: fitted with them
        return table, rows, scale
