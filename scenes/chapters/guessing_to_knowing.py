"""Chapter 7: From guessing to knowing. Every pair before and after training (each bar growing
from one to the other), the trained network writing the sentence by itself (each step's
probabilities, the winner carried into the sentence and fed back as context), and the word map
gliding from its random start to the end of training."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowFromCenter,
    LaggedStart,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    linear,
    smooth,
)

from model.analysis import generation_steps, unmoved_words
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import KEPT, short_word
from scenes.kit.charts import ProbabilityBars
from scenes.kit.formatting import percent
from scenes.kit.text import GlyphNumber, fit, flow, grid, text
from scenes.kit.wordmap import full_map

MAX_ROWS = 8  # pairs listed in the before/after table
MIN_TABLE_SCALE = 0.62  # the before/after table is never drawn below this share of its size (13.6 of 22):
# a pair's words too long for that are cut short with an ellipsis instead
MIN_NUMBER_SIZE = 12.5  # the written sentence's numbers are never flowed smaller than this


def set_bar(bar, track, fraction: float):
    """`bar` as wide as `fraction` of `track`, left-aligned in it."""
    return bar.stretch_to_fit_width(max(fraction * track.width, 1e-3)).move_to(track.get_left(),
                                                                                 aligned_edge=LEFT)


def grow_bar(bar, track, start: float, end: float):
    """An animation: `bar` (left-aligned in `track`) growing from fraction `start` of the track's
    width to `end`."""
    return UpdateFromAlphaFunc(bar, lambda mob, alpha: set_bar(mob, track, start + (end - start) * alpha))


def count_percent(number: GlyphNumber, start: float, end: float):
    """An animation: `number` counting from probability `start` to `end`, written as the lesson
    writes percentages (right-aligned in its slots), ending on exactly percent(end)."""
    slots = len(number.cells)

    def update(mob, alpha):
        value = end if alpha >= 1 else start + (end - start) * alpha
        mob.set_text(f"{percent(value):>{slots}}")

    return UpdateFromAlphaFunc(number, update)


class FromGuessingToKnowing(LessonScene):
    chapter_title = "From guessing to knowing"

    def construct(self):
        self.compare_before_and_after()
        self.let_it_write()
        self.show_the_final_map()

    # ---- beats ------------------------------------------------------------------
    def compare_before_and_after(self):
        self.beat("before_after")
        lay, tr = self.layout, self.trace
        self.show_title(self.chapter_title)
        shown = min(tr.P, MAX_ROWS)
        p0, p1 = tr.p_correct[0], tr.p_correct[-1]
        self.label_width = self.pair_label_width()
        table = self.before_after_table(shown, 1.0)
        # Built again at the size it will be shown: its numbers count in place, at their own size.
        scale = min(1.0, lay.safe_width / table.width, lay.content_height / table.height)
        if scale < 1:
            table = self.before_after_table(shown, scale)
        header, rows = table[0], table[1]
        self.table = fit(table, lay.safe_width, lay.content_height).move_to(lay.content_center)
        # Bars start empty; each grows as it is named (before, then from before to after).
        for _, (track, before, after), numbers in rows:
            set_bar(before, track, 0)
            set_bar(after, track, 0)
            numbers[0].set_text(f"{percent(0):>5}")
        with self.say(f"Every pair, before training: {self.spread(p0)}, a guess.") as phrase:
            arrive = [FadeIn(VGroup(label, track, numbers[0]), shift=0.3 * RIGHT)
                      for label, (track, _, _), numbers in rows]
            self.play(FadeIn(header), LaggedStart(*arrive, lag_ratio=0.1), run_time=1.0)
            self.add(*[before for _, (_, before, _), _ in rows])
            phrase.play(*[grow_bar(before, track, 0, p0[p]) for p, (_, (track, before, _), _) in
                          enumerate(rows)],
                        *[count_percent(numbers[0], 0, p0[p]) for p, (*_, numbers) in enumerate(rows)],
                        share=0.5, rate_func=linear)
        with self.say(f"After training: {self.spread(p1)}. From a guess to near-certainty.") as phrase:
            for p, (_, (track, _, after), numbers) in enumerate(rows):  # "after" starts where "before" is
                set_bar(after, track, p0[p])
                numbers[2].set_text(f"{percent(p0[p]):>5}")
            self.add(*[VGroup(after, numbers[1:]) for _, (_, _, after), numbers in rows])
            phrase.play(*[grow_bar(after, track, p0[p], p1[p]) for p, (_, (track, _, after), _) in
                          enumerate(rows)],
                        *[count_percent(numbers[2], p0[p], p1[p]) for p, (*_, numbers) in enumerate(rows)],
                        *([FadeIn(table[2])] if tr.P > shown else []), share=0.65, rate_func=linear)

    def let_it_write(self):
        self.beat("write")
        lay, tr = self.layout, self.trace
        first = tr.sentences[0][0]
        length = len(tr.sentences[0]) - 1
        steps = generation_steps(tr, tr.last_epoch, [first], length)
        written = [tr.vocab[best] for best, _ in steps]
        # The sentence as it will stand (each word with how sure the network was under it), wrapped
        # like a text, in the upper part; the probability bars below it.
        long = length > 12  # a long text: smaller words, more of the frame for them
        room = lay.content_height * ((0.5 if lay.portrait else 0.45) + (0.15 if long else 0))
        # Words and numbers as big as the room allows, flowed again at each smaller size (more words
        # to a line) rather than shrunk as a block, never below a readable size.
        scale = 1.0
        while True:
            size = (style.LABEL_SIZE if long else style.HEADING_SIZE) * scale
            chips = [self.chip(first, size)] + [self.chip(w, size) for w in written]
            numbers = [GlyphNumber(f"{percent(probs[best]):>5}", style.SMALL_SIZE * scale, style.MUTED)
                       for best, probs in steps]
            spacer = numbers[0].copy().set_opacity(0)  # keeps the first word in line with the others
            units = [VGroup(chip, number).arrange(DOWN, buff=0.12 * scale)
                     for chip, number in zip(chips, [spacer] + numbers)]
            lines = flow(units, lay.safe_width, h_buff=0.15 * scale, v_buff=0.25 * scale, rtl=self.rtl)
            smaller = scale * 0.93
            if lines.height <= room or style.SMALL_SIZE * smaller < MIN_NUMBER_SIZE:
                break
            scale = smaller
        fit(lines, lay.safe_width, room)
        lines.move_to([0, lay.content_top - lines.height / 2 - 0.05, 0])
        chart_h = lines.get_bottom()[1] - lay.content_bottom - 0.35
        history = np.array([probs for _, probs in steps])
        bars = ProbabilityBars(tr.vocab, self.word_colors(), np.zeros(tr.V), history=history,
                               width=lay.safe_width * (0.95 if lay.stacked else 0.7), height=chart_h)
        bars.move_to([0, lay.content_bottom + chart_h / 2, 0])
        for number in bars.value_labels:
            number.set_text("")
        c = tr.config.context
        boxes = self.context_boxes(chips, 1, c)
        text_out = " ".join([first] + written)
        same = text_out.split() == tr.sentences[0]
        ending = "word for word the sentence it learned." if same else "its best guess at each step."
        with self.say(f"Now give the trained network just “{first}”.") as phrase:
            self.play(FadeOut(self.table), run_time=style.FADE_TIME)
            phrase.play(FadeIn(chips[0], shift=0.5 * self.reading_way), FadeIn(bars.frame),
                        Create(bars.baseline), FadeIn(bars.word_labels, shift=0.2 * UP), share=0.5)
            phrase.play(Create(boxes))
        self.add(bars)
        n = len(steps)
        line = "At each step it picks the likeliest next word and feeds it back in as context."
        with self.say(line) as phrase:
            first_part = max(1, min(-(-n // 2), int(phrase.remaining / 0.9)))
            each = (phrase.remaining - 0.3) / first_part
            for k in range(first_part):
                boxes = self.write_step(k, steps, chips, numbers, bars, boxes, each)
        with self.say(f"It writes “{text_out}”: {ending}") as phrase:
            left = n - first_part
            each = max(0.6, (phrase.remaining - 1.2) / max(left, 1))
            for k in range(first_part, n):
                boxes = self.write_step(k, steps, chips, numbers, bars, boxes, each)
            phrase.play(FadeOut(boxes), FadeOut(bars), share=0.15)
        self.written_chips, self.written_numbers = chips, numbers

    def show_the_final_map(self):
        self.beat("final_map")
        tr = self.trace
        wm = full_map(self)
        still = unmoved_words(tr)
        trails = wm.make_trails()
        # Each word of the sentence goes to its place on the map (its label); repeats and numbers leave.
        arrivals, leaving, placed = [], list(self.written_numbers), set()
        for chip in self.written_chips:
            if chip.word in tr.vocab and chip.word not in placed:
                placed.add(chip.word)
                arrivals.append(FadeTransform(chip, wm.labels[tr.vocab.index(chip.word)]))
            else:
                leaving.append(chip)
        others = [label for word, label in zip(tr.vocab, wm.labels) if word not in placed]
        with self.say("And the word map: every word starts at a random point.") as phrase:
            self.play(FadeOut(VGroup(*leaving)), FadeIn(wm.frame), run_time=style.FADE_TIME)
            phrase.play(*arrivals, *[FadeIn(label) for label in others], share=0.45)
            phrase.play(LaggedStart(*[GrowFromCenter(d) for d in wm.dots], lag_ratio=0.2),
                        FadeIn(wm.epoch_label), share=0.25)
        self.remove(*wm.labels)  # they arrived one by one: the map holds them from now on
        self.add(trails, wm)
        pace = self.even_pace(wm.positions)
        epoch = UpdateFromAlphaFunc(wm, lambda m, a: m.set_epoch(pace(a)))
        with self.say("Training pushes each word to where it ends up.") as phrase:
            phrase.play(epoch, share=0.7, rate_func=linear)
        wm.set_epoch(tr.last_epoch)
        if still:
            names = " and ".join(f"“{w}”" for w in still)
            one = len(still) == 1
            rings = VGroup(*[Circle(radius=0.22, color=style.ACCENT, stroke_width=3).move_to(
                wm.dots[tr.vocab.index(w)]) for w in still])
            wide = VGroup(*[ring.copy().scale(5).set_stroke(opacity=0) for ring in rings])
            with self.say(f"{names} never moved: {'it is' if one else 'they are'} never an input, "
                          f"so no gradient ever reaches {'its' if one else 'their'} vector.") as phrase:
                phrase.play(Transform(wide, rings), share=0.4)  # the eye is led to the still words

    # ---- pieces -----------------------------------------------------------------
    def write_step(self, k, steps, chips, numbers, bars, boxes, seconds: float):
        """Step k of the writing, in `seconds`: the bars take this step's probabilities, the winner
        travels from its bar into the sentence with its probability, and the context boxes move
        on to take it in. Returns the new context boxes."""
        best, probs = steps[k]
        previous = steps[k - 1][1] if k else np.zeros_like(probs)
        shown = bars.set_values  # the bars glide from the last step's values to this step's

        def glide(mob, alpha):
            now = probs if alpha >= 1 else previous + (probs - previous) * alpha
            shown(now)

        self.play(UpdateFromAlphaFunc(bars, glide), run_time=seconds * 0.35, rate_func=smooth)
        at = bars.bar_of(best)
        source = bars.word_labels[bars.bars.submobjects.index(at) if at is not None else -1]
        chip = chips[k + 1]
        mover = chip.copy().scale_to_fit_height(max(source.height * 1.5, 0.1)).move_to(source)
        value = bars.value_labels[bars.bars.submobjects.index(at) if at is not None else -1]
        number_mover = numbers[k].copy().move_to(value)
        new_boxes = self.context_boxes(chips, k + 2, self.trace.config.context)
        self.play(ReplacementTransform(mover, chip), ReplacementTransform(number_mover, numbers[k]),
                  run_time=seconds * 0.45, rate_func=smooth)
        self.play(Transform(boxes, new_boxes), run_time=seconds * 0.2)
        return boxes

    @staticmethod
    def even_pace(positions):
        """alpha (0..1) → epoch, so that the points of `positions` (N, V, 2) travel at an even speed
        (the epochs where words move most take the most time; the epoch counter shows which)."""
        steps = np.linalg.norm(np.diff(positions, axis=0), axis=2).sum(axis=1)  # (N-1,) distance per epoch
        travelled = np.concatenate([[0.0], np.cumsum(steps)])
        last = len(positions) - 1
        if travelled[-1] <= 0:
            return lambda alpha: alpha * last
        return lambda alpha: float(np.interp(alpha * travelled[-1], travelled, np.arange(last + 1)))

    @staticmethod
    def context_boxes(chips, written: int, c: int) -> VGroup:
        """Boxes around the context the network reads next: the last `c` of the first `written` chips."""
        return VGroup(*[SurroundingRectangle(chip, color=style.ACCENT, buff=0.06, stroke_width=3,
                                             corner_radius=0.08)
                        for chip in chips[max(0, written - c):written]])

    def before_after_table(self, shown: int, scale: float) -> VGroup:
        """The header and the first `shown` pairs' rows (and a line counting the rest), everything
        at `scale` times its natural size: VGroup(header, rows[, more])."""
        lay, tr = self.layout, self.trace
        size = style.LABEL_SIZE * scale
        row_h = min(0.62, (lay.content_height - 0.6) / (shown + 0.8)) * scale
        rows = grid([self.before_after_row(p, row_h, scale) for p in range(shown)], gap=0.3 * scale,
                    pitch=row_h, align=[RIGHT, LEFT, LEFT])
        header = VGroup(text("probability of the right word:", size, style.MUTED),
                        text("before", size, style.MUTED), text("→ after training", size, style.INK))
        table = VGroup(header.arrange(RIGHT, buff=0.15 * scale), rows).arrange(DOWN, buff=0.3 * scale)
        if tr.P > shown:
            more = text(f"… and {tr.P - shown} more pairs", max(style.SMALL_SIZE * scale, 12), style.MUTED)
            table.add(more.next_to(rows, DOWN, buff=0.15 * scale))
        return table

    def bar_width(self, scale: float = 1.0) -> float:
        """The width of a before/after row's bar track, `scale` times its natural size."""
        return self.layout.safe_width * (0.4 if not self.layout.portrait else 0.38) * scale

    def pair_label_width(self) -> float:
        """The widest a row's pair (“the cat → sat”) may be at natural size: what is left of a table
        as wide as the frame allows at MIN_TABLE_SCALE once the bar and the numbers have their room."""
        numbers = VGroup(GlyphNumber(f"{percent(1.0):>5}", style.LABEL_SIZE), text("→", style.LABEL_SIZE),
                         GlyphNumber(f"{percent(1.0):>5}", style.LABEL_SIZE)).arrange(RIGHT, buff=0.12)
        return self.layout.safe_width / MIN_TABLE_SCALE - self.bar_width() - numbers.width - 2 * 0.3

    def pair_label(self, ctx: list[str], tgt: str, size: float, max_width: float) -> VGroup:
        """A pair's words (“the cat → sat”, the context muted, the next word in its colour) at `size`,
        at most `max_width` wide: a word too long for that is cut short with an ellipsis (the longer
        words first, never below KEPT characters and the ellipsis)."""
        limit = max(len(w) for w in [*ctx, tgt])
        buff = 0.12 * size / style.LABEL_SIZE
        while True:
            label = VGroup(text(" ".join(short_word(w, limit) for w in ctx), size, style.MUTED),
                           text(self.reading_arrow, size, style.MUTED),
                           text(short_word(tgt, limit), size, self.color_of(tgt))).arrange(self.reading_way,
                                                                                             buff=buff)
            if label.width <= max_width or limit <= KEPT + 1:
                return label
            limit -= 1

    def before_after_row(self, p: int, row_h: float, scale: float = 1.0) -> list:
        """Pair p's row: its words, a bar of the right word's probability before training (grey)
        over the bar after (the word's colour) in one track, and the two numbers; `scale` times the
        natural size."""
        tr, size = self.trace, style.LABEL_SIZE * scale
        before, after = tr.p_correct[0, p], tr.p_correct[-1, p]
        ctx, tgt = tr.pair_words(p)
        label = self.pair_label(ctx, tgt, size, self.label_width * scale)
        bar_w = self.bar_width(scale)
        track = Rectangle(width=bar_w, height=row_h * 0.5, stroke_color=style.MUTED, stroke_width=1,
                          fill_opacity=0)
        bars = VGroup(track, *[
            Rectangle(width=max(value * bar_w, 1e-3), height=row_h * 0.5, stroke_width=0, fill_color=color,
                      fill_opacity=0.9).move_to(track.get_left(), aligned_edge=LEFT)
            for value, color in ((before, style.MUTED), (after, self.color_of(tgt)))])
        bars[1].set_z_index(1)  # "before" stays visible over "after"
        numbers = VGroup(GlyphNumber(f"{percent(before):>5}", size, style.MUTED),
                         text("→", size, style.MUTED), GlyphNumber(f"{percent(after):>5}", size, style.INK))
        numbers.arrange(RIGHT, buff=0.12 * scale)
        return [label, bars, numbers]

    @staticmethod
    def spread(values) -> str:
        lo, hi = float(np.min(values)), float(np.max(values))
        return percent(lo) if percent(lo) == percent(hi) else f"{percent(lo)}–{percent(hi)}"
