"""Chapter 1: Predicting the next word. The sentence, the keyboard analogy, next-token
prediction, and the training pairs a sliding window cuts from the sentence."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    RoundedRectangle,
    SurroundingRectangle,
    Transform,
    VGroup,
)

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.formatting import count
from scenes.kit.text import columns, fit, fit_width, flow, paragraph, text

MAX_PAIRS_LISTED = 6  # rows of the pair list; longer texts show the first ones and a count
MAX_PAIRS_ANIMATED = 6  # window steps played one by one; the rest appear together


class PredictingTheNextWord(LessonScene):
    chapter_title = "Predicting the next word"

    def construct(self):
        self.show_lesson_title()
        self.write_the_sentence()
        self.compare_with_a_phone_keyboard()
        self.state_the_task()
        self.slide_the_window()

    # ---- beats ------------------------------------------------------------------
    def show_lesson_title(self):
        self.beat("title")
        lay = self.layout
        title = paragraph(self.settings.lesson_title, style.TITLE_SIZE * 1.1, lay.safe_width * 0.9)
        sub = text("a real training run, step by step", style.BODY_SIZE, style.MUTED)
        group = VGroup(title, sub).arrange(DOWN, buff=0.4).move_to(lay.content_center + UP * 0.3)
        with self.say("AI assistants write text one word at a time. "
                      "Let's watch a tiny neural network learn to do exactly that."):
            self.play(FadeIn(title, shift=0.2 * UP), run_time=1.0)
            self.play(FadeIn(sub), run_time=0.6)
        self.title_block = group

    def write_the_sentence(self):
        self.beat("sentence")
        tr = self.trace
        self.play(FadeOut(self.title_block), run_time=style.FADE_TIME)
        self.show_title(self.chapter_title)
        self.words = [w for sentence in tr.sentences for w in sentence]
        self.start_chip, self.chips, self.sentence_block = self.sentence_chips(self.words)
        n = count(len(self.words))
        if len(self.words) <= 12:
            line = (f"Our network will learn just one sentence: “{' '.join(self.words)}”. "
                    f"It has {n} words.")
        else:
            kind = "sentence" if len(tr.sentences) == 1 else f"{len(tr.sentences)} sentences"
            line = f"Our network will learn just this {kind}: {n} words, {tr.V} of them different."
        with self.say(line):
            self.play(LaggedStart(*[FadeIn(c, shift=0.15 * UP) for c in self.chips],
                                  lag_ratio=min(0.35, 6 / max(len(self.chips), 1))), run_time=2.0)

    def compare_with_a_phone_keyboard(self):
        self.beat("keyboard")
        tr = self.trace
        typed = " ".join(w for w in self.ctx if w in tr.vocab)
        top = [tr.vocab[i] for i in np.argsort(-tr.probs[-1, self.pair], kind="stable")[:3]]
        self.phone = self.place_under_the_text(self.phone_keyboard(typed, top))
        phone, field, typed_mob, suggestions, note = self.phone
        with self.say(
            f"Your phone's keyboard does the same thing: after “{typed}” it suggests what may come next. "
            f"Once trained, our network's first suggestion will be “{top[0]}”."
        ):
            self.play(FadeIn(phone), FadeIn(field), FadeIn(typed_mob), run_time=0.8)
            self.play(LaggedStart(*[FadeIn(s, shift=0.1 * UP) for s in suggestions], lag_ratio=0.3),
                      FadeIn(note), run_time=1.2)

    def state_the_task(self):
        self.beat("task")
        lay = self.layout
        self.play(FadeOut(self.phone), run_time=style.FADE_TIME)
        heading = text("next-token prediction", style.HEADING_SIZE, style.ACCENT)
        steps = VGroup(
            text("1. read the words so far", style.BODY_SIZE),
            text("2. give every word a probability", style.BODY_SIZE),
            text("3. pick one, add it, repeat", style.BODY_SIZE),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        block = VGroup(heading, steps).arrange(DOWN, buff=0.35)
        self.place_under_the_text(fit_width(block, lay.safe_width * 0.9))
        with self.say(
            "This is next-token prediction, the task behind large language models: "
            "read the words so far, give every possible next word a probability, pick one, and repeat."
        ):
            self.play(FadeIn(heading), run_time=0.6)
            self.play(LaggedStart(*[FadeIn(s, shift=0.1 * RIGHT) for s in steps], lag_ratio=0.4),
                      run_time=1.8)
        self.task_block = block

    def slide_the_window(self):
        self.beat("pairs")
        tr = self.trace
        self.play(FadeOut(self.task_block), run_time=style.FADE_TIME)
        c = tr.config.context
        rows = self.pair_list()
        with self.say(
            f"A window sliding along the sentence turns it into {tr.P} training examples: "
            f"{c} {'word' if c == 1 else 'words'} in, the next word out. "
            f"A start marker fills the gap at the beginning."
        ) as line:
            self.play(FadeIn(self.start_chip, shift=0.1 * RIGHT), run_time=0.5)
            step_time = max(0.8, min(1.4, (line.duration - 1) / max(min(tr.P, MAX_PAIRS_ANIMATED), 1)))
            window = arrow = None
            for p in range(tr.P):
                new_window, new_arrow = self.window_on(p)
                anims = [FadeIn(rows[p])] if p < MAX_PAIRS_LISTED else []
                if p >= MAX_PAIRS_ANIMATED and p < tr.P - 1:
                    continue  # long texts: skip ahead to the last pair
                if window is None:
                    window, arrow = new_window, new_arrow
                    self.play(Create(window), GrowArrow(arrow), *anims, run_time=step_time)
                else:
                    self.play(Transform(window, new_window), Transform(arrow, new_arrow), *anims,
                              run_time=step_time)
            if tr.P > MAX_PAIRS_LISTED:
                self.play(FadeIn(rows[-1]), run_time=0.4)

    # ---- pieces -----------------------------------------------------------------
    def phone_keyboard(self, typed: str, suggested: list[str]) -> VGroup:
        """A phone's text field with `typed` in it and the suggestion chips under it, and a note."""
        phone_w = min(self.layout.safe_width * 0.8, 5.2)
        phone = RoundedRectangle(width=phone_w, height=2.6, corner_radius=0.3, stroke_color=style.MUTED,
                                 stroke_width=2, fill_color=style.PANEL, fill_opacity=1)
        field = RoundedRectangle(width=phone_w * 0.86, height=0.6, corner_radius=0.12, stroke_width=0,
                                 fill_color=style.BACKGROUND, fill_opacity=1)
        field.move_to(phone.get_top() + DOWN * 0.6)
        typed_mob = fit_width(text(typed + " |", style.BODY_SIZE), field.width * 0.9)
        typed_mob.move_to(field).align_to(field, LEFT).shift(RIGHT * 0.2)
        suggestions = VGroup(*[self.chip(w, style.BODY_SIZE, max_width=phone_w * 0.3) for w in suggested])
        suggestions.arrange(RIGHT, buff=0.18).next_to(field, DOWN, buff=0.4)
        fit_width(suggestions, phone_w * 0.92)
        note = text("suggestions: our network, after training", style.SMALL_SIZE, style.MUTED)
        fit_width(note, self.layout.safe_width).next_to(phone, DOWN, buff=0.2)
        return VGroup(phone, field, typed_mob, suggestions, note)

    def place_under_the_text(self, mob):
        """Centre `mob` in the room between the text's chips and the caption, shrunk to fit it."""
        room_top, room_bottom = self.chips.get_bottom()[1] - 0.3, self.layout.content_bottom
        fit(mob, max_height=room_top - room_bottom)
        return mob.move_to([0, (room_top + room_bottom) / 2, 0])

    def sentence_chips(self, words):
        """The start marker and the text's words as chips, wrapped into lines at the top of the
        content area. The start marker keeps its place but is shown only with the pairs."""
        lay = self.layout
        size = style.HEADING_SIZE if len(words) <= 12 else style.BODY_SIZE
        start = self.chip("<s>", size)
        chips = VGroup(*[self.chip(w, size) for w in words])
        block = flow([start, *chips], lay.safe_width * 0.95, h_buff=0.14, v_buff=0.18)
        fit(block, lay.safe_width * 0.95, lay.content_height * 0.45)
        block.move_to([0, lay.content_top - block.height / 2 - 0.1, 0])
        return start, chips, block

    def pair_list(self) -> VGroup:
        """The first pairs as rows ("the cat → sat") under the text, in columns when short of room,
        and a last row counting the rest when there are more."""
        lay, tr = self.layout, self.trace
        listed = min(tr.P, MAX_PAIRS_LISTED)
        rows = VGroup(*[self.pair_row(*tr.pair_words(p)) for p in range(listed)])
        room = lay.content_bottom + 0.1, self.sentence_block.get_bottom()[1] - 0.35
        more = text(f"… and {tr.P - listed} more", style.LABEL_SIZE, style.MUTED) if tr.P > listed else None
        # Short of room (a long text wraps into several lines), the pairs go into columns.
        before = rows[0].width
        table = columns(list(rows), lay.safe_width, room[1] - room[0] - (more.height + 0.2 if more else 0))
        if more:
            more.scale(rows[0].width / before)  # the same size as the pairs
            table.add(more.next_to(table, DOWN, aligned_edge=LEFT))
            rows.add(more)
        table.move_to([0, (room[0] + room[1]) / 2, 0])
        return rows

    def window_on(self, p: int) -> tuple[SurroundingRectangle, Arrow]:
        """The window round pair p's context chips (the start marker before the text) and the arrow
        from it to the chip of the word that comes next."""
        c = self.trace.config.context
        slots = list(self.chips)  # the chip of each word of the text
        position, first = self.target_position(p)
        ctx_slots = [self.start_chip if position - k - 1 < first else slots[position - k - 1]
                     for k in range(c)][::-1]
        window = SurroundingRectangle(VGroup(*ctx_slots), color=style.ACCENT, buff=0.08, corner_radius=0.1)
        arrow = Arrow(window.get_bottom(), slots[position].get_bottom(), path_arc=1.2, color=style.ACCENT,
                      stroke_width=3, buff=0.05, max_tip_length_to_length_ratio=0.15)
        return window, arrow

    def pair_row(self, ctx, tgt) -> VGroup:
        size = style.LABEL_SIZE
        left = VGroup(*[self.chip(w, size) for w in ctx]).arrange(RIGHT, buff=0.1)
        return VGroup(left, text("→", size, style.MUTED), self.chip(tgt, size)).arrange(RIGHT, buff=0.2)

    def target_position(self, p: int) -> tuple[int, int]:
        """Index, in the words of the whole text, of pair p's target word and of its sentence's first
        word."""
        lengths = [len(s) for s in self.trace.sentences]
        k = p
        offset = 0
        for n in lengths:
            if k < n - 1:
                return offset + k + 1, offset
            k -= n - 1
            offset += n
        raise IndexError(p)
