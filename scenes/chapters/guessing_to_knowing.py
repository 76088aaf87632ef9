"""Chapter 7: From guessing to knowing. Every pair before and after training, the trained
network writing the sentence by itself, and the final word map."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, LaggedStart, Rectangle, ValueTracker, VGroup, linear

from model.analysis import generate, unmoved_words
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.formatting import percent
from scenes.kit.text import fit, fit_width, flow, grid, number_text, text
from scenes.kit.wordmap import full_map

MAX_ROWS = 8  # pairs listed in the before/after table


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
        size = style.LABEL_SIZE
        row_h = min(0.62, (lay.content_height - 0.6) / (shown + 0.8))
        rows = grid([self.before_after_row(p, row_h) for p in range(shown)], gap=0.3, pitch=row_h,
                    align=[RIGHT, LEFT, LEFT])
        header = VGroup(text("probability of the right word:", size, style.MUTED),
                        text("before", size, style.MUTED), text("→ after training", size, style.INK))
        table = VGroup(header.arrange(RIGHT, buff=0.15), rows).arrange(DOWN, buff=0.3)
        if tr.P > shown:
            more = text(f"… and {tr.P - shown} more pairs", style.SMALL_SIZE, style.MUTED)
            table.add(more.next_to(rows, DOWN, buff=0.15))
        self.table = fit(table, lay.safe_width, lay.content_height).move_to(lay.content_center)
        with self.say(
            f"Every pair, before and after training: the right word's probability went from "
            f"{self.spread(p0)} to {self.spread(p1)}. From a guess to near-certainty."
        ):
            self.play(FadeIn(header), *[FadeIn(VGroup(label, track, before))
                                        for label, (track, before, _), _ in rows], run_time=1.0)
            self.play(LaggedStart(*[FadeIn(VGroup(after, numbers), shift=0.1 * RIGHT)
                                    for _, (_, _, after), numbers in rows], lag_ratio=0.15),
                      *([FadeIn(table[2])] if tr.P > shown else []), run_time=1.6)

    def let_it_write(self):
        self.beat("write")
        lay, tr = self.layout, self.trace
        first = tr.sentences[0][0]
        length = len(tr.sentences[0]) - 1
        written = generate(tr, tr.last_epoch, [first], length)
        size = style.HEADING_SIZE
        chips = VGroup(self.chip(first, size), *[self.chip(w, size) for w, _ in written])
        probs = VGroup(*[number_text(percent(p), style.SMALL_SIZE, style.MUTED) for _, p in written])
        for number, chip in zip(probs, chips[1:]):
            number.next_to(chip, DOWN, buff=0.15)
        # Each word with its number below, wrapped into lines like the text it is.
        spacer = probs[0].copy().set_opacity(0).next_to(chips[0], DOWN, buff=0.15)  # keeps word 1 in line
        units = [VGroup(chips[0], spacer)] + [VGroup(chip, number) for chip, number in zip(chips[1:], probs)]
        lines = flow(units, lay.safe_width, h_buff=0.15, v_buff=0.3)
        sentence = VGroup(chips, probs)
        fit(lines, max_height=lay.content_height * 0.7).move_to(lay.content_center + UP * 0.3)
        note = text("each word fed back in as context; the number is how sure it was", style.SMALL_SIZE,
                    style.MUTED)
        fit_width(note, lay.safe_width).next_to(sentence, DOWN, buff=0.5)
        text_out = " ".join([first] + [w for w, _ in written])
        same = text_out.split() == tr.sentences[0]
        ending = "word for word the sentence it learned." if same else "its best guess at each step."
        with self.say(
            f"Now give the trained network just “{first}” and let it feed each guess back in. "
            f"It writes “{text_out}”: {ending}"
        ):
            self.play(FadeOut(self.table), run_time=style.FADE_TIME)
            self.play(FadeIn(chips[0]), FadeIn(note), run_time=0.6)
            step = min(0.55, 14.0 / len(probs))  # a long text is written faster, not for longer
            for chip, number in zip(chips[1:], probs):
                self.play(FadeIn(chip, shift=0.15 * RIGHT), FadeIn(number), run_time=step)
        self.written = VGroup(sentence, note)

    def show_the_final_map(self):
        self.beat("final_map")
        tr = self.trace
        wm = full_map(self)
        still = unmoved_words(tr)
        if still:
            names = " and ".join(f"“{w}”" for w in still)
            extra = (f" {names} never moved: {'it is' if len(still) == 1 else 'they are'} never an input, "
                     f"so no gradient ever reaches {'its' if len(still) == 1 else 'their'} vector.")
        else:
            extra = ""
        t = ValueTracker(0)
        with self.say(f"And the word map: from random starting points to where the training pushed each word."
                      f"{extra}"):
            self.play(FadeOut(self.written), run_time=style.FADE_TIME)
            self.play(FadeIn(wm), run_time=0.6)
            wm.add_updater(lambda m: m.set_epoch(t.get_value()))
            self.play(t.animate.set_value(tr.last_epoch), run_time=3.0, rate_func=linear)
            wm.clear_updaters()
            wm.set_epoch(tr.last_epoch)

    # ---- pieces -----------------------------------------------------------------
    def before_after_row(self, p: int, row_h: float) -> list:
        """Pair p's row: its words, a bar of the right word's probability before training (grey)
        over the bar after (the word's colour) in one track, and the two numbers."""
        tr, size = self.trace, style.LABEL_SIZE
        before, after = tr.p_correct[0, p], tr.p_correct[-1, p]
        ctx, tgt = tr.pair_words(p)
        label = VGroup(text(" ".join(ctx), size, style.MUTED), text("→", size, style.MUTED),
                       text(tgt, size, self.color_of(tgt))).arrange(RIGHT, buff=0.12)
        bar_w = self.layout.safe_width * (0.4 if not self.layout.portrait else 0.38)
        track = Rectangle(width=bar_w, height=row_h * 0.5, stroke_color=style.MUTED, stroke_width=1,
                          fill_opacity=0)
        bars = VGroup(track, *[
            Rectangle(width=max(value * bar_w, 1e-3), height=row_h * 0.5, stroke_width=0, fill_color=color,
                      fill_opacity=0.9).move_to(track.get_left(), aligned_edge=LEFT)
            for value, color in ((before, style.MUTED), (after, self.color_of(tgt)))])
        bars[1].set_z_index(1)  # "before" stays visible over "after"
        numbers = VGroup(number_text(f"{percent(before):>5}", size, style.MUTED),
                         text("→", size, style.MUTED), number_text(f"{percent(after):>5}", size, style.INK))
        numbers.arrange(RIGHT, buff=0.12)
        return [label, bars, numbers]

    @staticmethod
    def spread(values) -> str:
        lo, hi = float(np.min(values)), float(np.max(values))
        return percent(lo) if percent(lo) == percent(hi) else f"{percent(lo)}–{percent(hi)}"
