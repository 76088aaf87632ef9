"""Chapter 1: Predicting the next word. The sentence, the keyboard analogy, next-token
prediction, and the training pairs a sliding window cuts from the sentence.

Every beat is narrated phrase by phrase, and each phrase carries the motion that shows
what it says: the sentence is written word by word as it is read, the keyboard types and
its suggestions arrive with the trained network's real probabilities, the prediction loop
runs on the real sentence, and each window position peels off into its training pair."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromCenter,
    GrowFromEdge,
    Indicate,
    Line,
    Rectangle,
    ReplacementTransform,
    RoundedRectangle,
    ScaleInPlace,
    SurroundingRectangle,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    linear,
    smooth,
    there_and_back,
)

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import short_word
from scenes.kit.formatting import count, percent
from scenes.kit.text import (
    GlyphNumber,
    columns,
    fit,
    fit_width,
    flow_fitting,
    one_glyph_per_character,
    paragraph,
    right_to_left,
    text,
)

MAX_PAIRS_LISTED = 6  # rows of the pair list; longer texts show the first ones and a count
MAX_PAIRS_ANIMATED = 6  # window steps played one by one; the window then sweeps through the rest
MAX_BARS = 5  # probability rows in the prediction loop (a larger vocabulary shows its likeliest words)
MAX_LOOPS = 3  # times the prediction loop runs on the sentence, at most
PERCENT_SLOTS = 5  # characters of a counting percentage ("99.7%")
SMALLEST_CHIP = 13.5  # the text's chips are never drawn smaller (the readable minimum is 12)
LOOP_SCALE = 0.6  # the prediction loop is drawn at this share of its full size at least, when it can be


def between(start: float, end: float, rate=smooth):
    """A rate function that stays at 0 until `start`, runs `rate` until `end` (both fractions of
    the animation, 0 ≤ start < end ≤ 1) and stays at 1 after: lets one play() stagger its parts
    at chosen moments (a word appearing as the narration reaches it)."""

    def f(t: float) -> float:
        if t <= start:
            return rate(0.0)
        if t >= end:
            return rate(1.0)
        return rate((t - start) / (end - start))

    return f


def glyph_words(line) -> list[VGroup]:
    """The glyphs of a Text, grouped by the words of its string (spaces dropped), in reading order.
    Text the font shapes (Arabic, Thai, emoji sequences: not one glyph per character) is grouped by
    the gaps between its glyphs instead (see _words_by_gaps); right-to-left text reads from the right."""
    content = line.original_text
    glyphs = list(line.submobjects)
    if not one_glyph_per_character(content):
        return _words_by_gaps(glyphs, right_to_left(content))
    if len(glyphs) != len(content):  # glyphs for the non-space characters only
        content = content.replace(" ", "")
        spaced = line.original_text
    else:
        spaced = content
    words, current, k = [], [], 0
    for ch in spaced:
        if ch == " ":
            if len(glyphs) == len(line.original_text):
                k += 1
            if current:
                words.append(VGroup(*current))
                current = []
            continue
        if k < len(glyphs):
            current.append(glyphs[k])
        k += 1
    if current:
        words.append(VGroup(*current))
    return words


def _words_by_gaps(glyphs, rtl: bool) -> list[VGroup]:
    """Glyphs grouped into words where the gap between neighbours (left to right) is wider than 0.45
    of the tallest glyph (a space is about 0.42 of it in DejaVu Sans and Noto, measured; the gaps
    inside Arabic, Thai and Latin words at most 0.35); the words in reading order (from the right
    when `rtl`)."""
    drawn = sorted((g for g in glyphs if g.width > 0), key=lambda g: g.get_left()[0])
    if not drawn:
        return []
    gap = max(g.height for g in drawn) * 0.45
    words, current, right = [], [drawn[0]], drawn[0].get_right()[0]
    for g in drawn[1:]:
        if g.get_left()[0] - right > gap:
            words.append(VGroup(*current))
            current = []
        current.append(g)
        right = max(right, g.get_right()[0])
    words.append(VGroup(*current))
    return words[::-1] if rtl else words


def number_at_size(number: GlyphNumber, base_width: float, color) -> GlyphNumber:
    """`number` rebuilt at the size it is drawn at now, `base_width` being its width when made.
    A GlyphNumber draws new text at the size it was made with, so one scaled since (fitted with
    its group) would jump back to that size as soon as it counts; the new one counts in place."""
    factor = number.width / base_width
    new = GlyphNumber(number.content, number.size * factor, color, slots=len(number.cells))
    return new.move_to(number)


def counting(number: GlyphNumber, start: float, end: float, fmt=percent, slots: int = PERCENT_SLOTS,
             rate=smooth):
    """An animation turning `number` from showing `start` to showing `end` (formatted by `fmt`,
    right-aligned in `slots` characters), every frame from cached glyphs. Counting up from 0, the
    number is blank until it starts."""

    def update(m, a):
        t = rate(a)
        m.set_text(" " * slots if start == 0 and t <= 0 else f"{fmt(start + (end - start) * t):>{slots}}")

    return UpdateFromAlphaFunc(number, update)


class PredictingTheNextWord(LessonScene):
    chapter_title = "Predicting the next word"

    def construct(self):
        self.show_lesson_title()
        self.write_the_sentence()
        self.compare_with_a_phone_keyboard()
        self.run_the_prediction_loop()
        self.slide_the_window()

    # ---- beats ------------------------------------------------------------------
    def show_lesson_title(self):
        self.beat("title")
        lay = self.layout
        title = paragraph(self.settings.lesson_title, style.TITLE_SIZE * 1.1, lay.safe_width * 0.9)
        sub = text("a real training run, step by step", style.BODY_SIZE, style.MUTED)
        nodes, edges = self.tiny_network(min(3.2, lay.content_height * 0.55))
        net = VGroup(edges, nodes)
        group = VGroup(title, sub, net).arrange(DOWN, buff=0.45)
        fit(group, lay.safe_width, lay.safe_top - lay.content_bottom - 0.2)
        group.move_to([0, (lay.safe_top + lay.content_bottom) / 2, 0])
        with self.say("AI assistants write text one word at a time.") as phrase:
            words = [w for line in title for w in glyph_words(line)]
            phrase.play(*self.write_on(words, [k / len(words) * 0.75 for k in range(len(words))],
                                       shift=0.5 * UP, length=0.25))
        with self.say("Let's watch a tiny neural network learn to do exactly that.") as phrase:
            phrase.play(FadeIn(sub, shift=0.4 * UP), share=0.2)
            # Layer by layer, left to right: a column of dots, then the edges to the next column.
            anims = [FadeIn(col, shift=0.3 * RIGHT, rate_func=between(k * 0.4, k * 0.4 + 0.2))
                     for k, col in enumerate(nodes)]
            anims += [Create(layer, rate_func=between(k * 0.4 + 0.1, (k + 1) * 0.4 + 0.05))
                      for k, layer in enumerate(edges)]
            phrase.play(*anims, share=0.6)
            # A signal runs through it, input to output: what it will do for every word.
            n = len(edges)
            phrase.play(*[layer.animate(rate_func=between(k / (n + 1), (k + 2) / (n + 1), there_and_back))
                          .set_stroke(color=style.ACCENT) for k, layer in enumerate(edges)])
        self.title_block = group

    def write_the_sentence(self):
        self.beat("sentence")
        tr = self.trace
        self.words = [w for sentence in tr.sentences for w in sentence]
        self.start_chip, self.chips, self.sentence_block = self.sentence_chips(self.words)
        n, kind = len(self.words), "one sentence" if len(tr.sentences) == 1 else "these sentences"
        if n <= 12:
            lead = f"Our network will learn just {kind}:"
            first = f"{lead} “{' '.join(self.words)}”."
            at = [len(lead.split()) + k for k in range(n)]  # where each word is read in the phrase
            reach = len(first.split())
        else:
            first = f"Our network will learn just {'this sentence' if len(tr.sentences) == 1 else kind}."
            at, reach = list(range(n)), n
        different = "all different" if tr.V == n else f"{count(tr.V)} of them different"
        # The sentence is written large in the middle, word by word as it is read, then settles at the top.
        lay = self.layout
        big = self.chips.copy()
        big.scale(min(1.5, lay.safe_width * 0.95 / big.width, lay.content_height * 0.5 / big.height))
        big.move_to(lay.content_center)
        with self.say(first) as phrase:
            self.play(FadeOut(self.title_block, shift=1.5 * UP), run_time=style.FADE_TIME)
            self.show_title(self.chapter_title)
            starts = [self.reading_reaches(phrase, j, reach) for j in at]
            phrase.play(*self.write_on(list(big), starts, shift=0.8 * UP, length=0.3))
        with self.say(f"It has {count(n)} words, {different}.") as phrase:
            phrase.play(ReplacementTransform(big, self.chips), share=0.3)
            tally = self.tally_row(n, tr.V)
            phrase.play(*self.count_the_words(tally), share=0.6)
        self.play(FadeOut(tally), run_time=0.3)

    def compare_with_a_phone_keyboard(self):
        self.beat("keyboard")
        tr = self.trace
        typed = " ".join(w for w in self.ctx if w in tr.vocab)
        probs = tr.probs[-1, self.pair]
        top = [int(i) for i in np.argsort(-probs, kind="stable")[:3]]
        words, values = [tr.vocab[i] for i in top], [float(probs[i]) for i in top]
        # The phone is built at the size it is drawn at (a long suggestion is cut short, readable);
        # the note keeps its size (fine print would shrink below reading size), under the phone.
        phone = self.phone_keyboard(typed, words, values)
        note = phone[7]
        room_width, room_height = self.room_under_the_text(reserve=note.height + 0.15)
        k = min(1.0, room_width / phone[0].width, room_height / phone[0].height)
        phone = self.phone_keyboard(typed, words, values, k)
        note = phone[7]
        body = VGroup(*[m for m in phone if m is not note])
        self.place_under_the_text(body, reserve=note.height + 0.15)
        note.next_to(body, DOWN, buff=0.15)
        case, field, typed_mob, cursor, suggestions, bars, numbers, note, picked = phone
        with self.say("Your phone's keyboard does the same thing:") as phrase:
            phrase.play(FadeIn(VGroup(case, field), shift=1.5 * UP), share=0.45)
            self.add(cursor)
            # Typed letter by letter, the cursor keeping just ahead of the letters.
            glyphs = sorted((g for g in typed_mob if g.width > 0), key=lambda g: g.get_x(),
                            reverse=self.rtl)  # typed the way the text reads
            anims = [FadeIn(g, rate_func=between(k / len(glyphs) * 0.9, (k + 1) / len(glyphs) * 0.9, linear))
                     for k, g in enumerate(glyphs)]
            end = cursor.copy().next_to(typed_mob, self.reading_way, buff=0.06)
            anims.append(cursor.animate(rate_func=between(0, 0.9, linear)).move_to(end))
            phrase.play(*anims)
        with self.say(f"After “{typed}” it suggests what may come next.") as phrase:
            # The suggestions are words the text holds: each comes down from its first place in it.
            arrivals = [self.from_the_text(tr.vocab[i], s) for i, s in zip(top, suggestions)]
            phrase.play(AnimationGroup(*arrivals, lag_ratio=0.2), share=0.45)
            phrase.play(*[GrowFromEdge(b, -self.reading_way) for b in bars],
                        *[counting(num, 0.0, float(probs[i])) for num, i in zip(numbers, top)])
        first = tr.vocab[top[0]]
        with self.say(f"Once trained, our network's first suggestion will be “{first}”.") as phrase:
            ring = SurroundingRectangle(suggestions[0], color=style.ACCENT, buff=0.06, corner_radius=0.1)
            phrase.play(Create(ring), FadeIn(note, shift=0.3 * UP), share=0.2)
            # Picked: the first suggestion travels up into the field after the typed words.
            flying = suggestions[0].copy()
            phrase.play(ReplacementTransform(flying, picked, path_arc=-0.8),
                        cursor.animate.next_to(picked, self.reading_way, buff=0.06), share=0.6)
        self.phone = VGroup(*phone, ring)

    def run_the_prediction_loop(self):
        self.beat("task")
        self.play(FadeOut(self.phone), run_time=style.FADE_TIME)
        steps = self.loop_steps()
        heading, loop, slot, box, arrows, rows = self.prediction_loop(steps)
        position, _ = self.target_position(steps[0])
        later = [c for k, c in enumerate(self.chips) if k >= position]
        with self.say("This is next-token prediction, the task behind large language models:") as phrase:
            # The words not yet written dim: the network sees only the words so far.
            phrase.play(FadeIn(heading, shift=0.6 * UP), *[c.animate.set_opacity(0.25) for c in later],
                        share=0.3)
            phrase.play(GrowFromCenter(box), *[GrowArrow(a) for a in arrows],
                        *[GrowFromEdge(r.track, LEFT) for r in rows])
        window, _ = self.window_on(steps[0])
        inputs = self.loop_inputs(steps[0], slot)
        with self.say("read the words so far,") as phrase:
            phrase.play(Create(window), share=0.3)
            sources = self.context_chips(steps[0])
            phrase.play(*[ReplacementTransform(src.copy(), dst) for src, dst in zip(sources, inputs)])
        with self.say("give every possible next word a probability,") as phrase:
            thinking = between(0, 0.3, there_and_back)
            phrase.play(Indicate(box[1], color=style.ACCENT, scale_factor=1.2, rate_func=thinking),
                        *self.show_probabilities(rows, steps[0]))
        with self.say("pick one, add it to the text, and repeat.") as phrase:
            ring = self.pick(phrase, rows, steps[0])
            for p in steps[1:]:  # each repeat takes 0.6 of the phrase; only (nearly) whole ones are played
                if phrase.remaining < 0.6 * phrase.duration - 0.2:
                    break
                new_window, _ = self.window_on(p)
                new_inputs = self.loop_inputs(p, slot)
                phrase.play(Transform(window, new_window), FadeOut(inputs),
                            *[ReplacementTransform(src.copy(), dst)
                              for src, dst in zip(self.context_chips(p), new_inputs)], share=0.15)
                inputs = new_inputs
                phrase.play(*self.show_probabilities(rows, p), FadeOut(ring), share=0.15)
                ring = self.pick(phrase, rows, p)
        self.loop_block = VGroup(loop, inputs, ring, window)

    def slide_the_window(self):
        self.beat("pairs")
        tr = self.trace
        self.play(FadeOut(self.loop_block), *[c.animate.set_opacity(1) for c in self.chips],
                  run_time=style.FADE_TIME)
        c = tr.config.context
        rows = self.pair_list()
        where = "the beginning of each sentence" if len(tr.sentences) > 1 else "the beginning"
        with self.say(f"A start marker fills the gap at {where},") as phrase:
            # The first line moves over and the marker slides into the gap it leaves.
            phrase.play(FadeIn(self.start_chip, shift=self.start_gap * RIGHT),
                        *[m.animate.shift(self.start_gap * RIGHT) for m in self.first_line], share=0.45)
            # The window closes in from the whole text onto the first pair's words.
            window, arrow = self.window_on(0)
            whole = SurroundingRectangle(VGroup(self.start_chip, self.chips), color=style.ACCENT, buff=0.08,
                                         corner_radius=0.1)
            phrase.play(ReplacementTransform(whole, window), GrowArrow(arrow, rate_func=between(0.5, 1.0)))
        with self.say(f"and a window slides along: {c} {'word' if c == 1 else 'words'} in, "
                      f"the next word out.") as phrase:
            phrase.play(*self.peel(0, rows), share=0.45)
            if tr.P > 1:
                phrase.play(*self.step_window(1, window, arrow, rows))
        animated = list(range(2, min(tr.P, MAX_PAIRS_ANIMATED)))
        with self.say(f"That turns the text into {tr.P} training examples.") as phrase:
            sweep = tr.P > MAX_PAIRS_ANIMATED
            each = (phrase.remaining - 0.3) * (0.7 if sweep else 1.0) / max(len(animated), 1)
            for p in animated:
                self.play(*self.step_window(p, window, arrow, rows), run_time=max(0.4, each))
            if sweep:
                more = rows[-1]
                more.number.set_text(f"{0:>{len(more.number.content)}}")
                phrase.play(FadeIn(more), share=0.08)
                phrase.play(*self.sweep_the_rest(window, arrow, rows))

    # ---- animations ----------------------------------------------------------------
    def write_on(self, items, starts, shift=0.12 * UP, length: float = 0.14):
        """Each item fades in (rising by `shift`) from its start (a fraction of the play's run)."""
        return [FadeIn(m, shift=shift, rate_func=between(s, min(1.0, s + length)))
                for m, s in zip(items, starts)]

    def reading_reaches(self, phrase, j: int, words: int) -> float:
        """When the narration reaches word j of a phrase of `words` words, as a fraction of a
        play() that starts now and fills the phrase (speech takes about 85% of a phrase)."""
        run = max(phrase.remaining - 0.3, 0.25)
        at = phrase.line.start + j / max(words, 1) * 0.85 * phrase.duration
        return min(0.9, max(0.0, (at - float(self.time)) / run))

    def count_the_words(self, tally):
        """A highlight sweeps along the chips while `tally` under the sentence counts the words
        and the different words (a word counts as new the first time it is met)."""
        words = self.words
        n_num, v_num = tally.numbers
        firsts = []
        seen = set()
        for w in words:
            firsts.append(w not in seen)
            seen.add(w)
        n = len(words)
        span = 0.9 / n

        def update(_, a):
            k = 0 if a <= 0 else min(n, int(a / span) + 1)  # the chips reached so far
            n_num.set_text(f"{k:>{len(str(n))}}")
            v_num.set_text(f"{sum(firsts[:k]):>{len(str(self.trace.V))}}")

        self.add(tally)
        n_num.set_text(f"{0:>{len(str(n))}}")
        v_num.set_text(f"{0:>{len(str(self.trace.V))}}")
        ticks = [between(k * span, min(1.0, k * span + max(span, 0.12)), there_and_back) for k in range(n)]
        tick = [ScaleInPlace(chip, 1.15, rate_func=r) for chip, r in zip(self.chips, ticks)]
        return [FadeIn(tally.words, rate_func=between(0, 0.1)), *tick,
                UpdateFromAlphaFunc(VGroup(n_num, v_num), update)]

    def show_probabilities(self, rows, p: int):
        """Each row's bar and number move to the network's probability of its word after pair p's
        context (from the trace's last epoch); rows not yet shown grow in."""
        probs = self.trace.probs[-1, p]
        anims = []
        for row in rows:
            value = float(probs[row.word_id])
            target = self.bar_fill(row, value)
            if row.value is None:  # the word's chip comes down from its first place in the text
                row.bar.become(target)
                word = self.trace.vocab[row.word_id]
                anims += [self.from_the_text(word, row.chip, rate_func=between(0, 0.5)),
                          GrowFromEdge(row.bar, LEFT, rate_func=between(0.4, 1.0))]
                anims.append(counting(row.number, 0.0, value, rate=between(0.4, 1.0)))
            else:
                anims += [Transform(row.bar, target), counting(row.number, row.value, value)]
            row.value = value
        return anims

    def pick(self, phrase, rows, p: int):
        """Ring the likeliest row, then a copy of its chip travels up into the sentence, where the
        dimmed next word lights up: the pick is added to the text."""
        tr = self.trace
        probs = tr.probs[-1, p]
        best = max(rows, key=lambda r: probs[r.word_id])
        ring = SurroundingRectangle(best, color=style.ACCENT, buff=0.05, corner_radius=0.08)
        phrase.play(Create(ring), share=0.12)  # with the flight: 0.3 of the phrase
        position, _ = self.target_position(p)
        slot = self.chips[position]
        flying = best.chip.copy()
        lit = slot.copy().set_opacity(1)
        phrase.play(flying.animate.replace(lit), share=0.18)
        self.remove(flying)
        slot.set_opacity(1)
        return ring

    def from_the_text(self, word: str, chip, **kw):
        """`chip` arriving: a copy of the word's first chip in the text travels to it and becomes it
        (a word the text lacks fades in)."""
        if word not in self.words:
            return FadeIn(chip, **kw)
        return ReplacementTransform(self.chips[self.words.index(word)].copy(), chip, **kw)

    def step_window(self, p: int, window, arrow, rows):
        """The window and its arrow move on to pair p, which then peels off into its row."""
        new_window, new_arrow = self.window_on(p)
        return [Transform(window, new_window, rate_func=between(0, 0.45)),
                Transform(arrow, new_arrow, rate_func=between(0, 0.45)), *self.peel(p, rows, start=0.35)]

    def peel(self, p: int, rows, start: float = 0.0):
        """Pair p peels off the sentence: copies of the window's words and of the next word travel
        down into the pair's row of the list (from `start`, a fraction of the play's run)."""
        if p >= MAX_PAIRS_LISTED:
            return []
        row = rows[p]
        left, arrow, target = row
        sources = [*self.context_chips(p), self.chips[self.target_position(p)[0]]]
        moves = [ReplacementTransform(src.copy(), dst, rate_func=between(start, 1.0))
                 for src, dst in zip(sources, [*left, target])]
        return [*moves, FadeIn(arrow, rate_func=between(start + 0.5 * (1 - start), 1.0))]

    def sweep_the_rest(self, window, arrow, rows):
        """Long texts: the window sweeps through the remaining positions to the last one, while the
        list's last row counts the pairs it passes ("… and 33 more")."""
        tr = self.trace
        first = MAX_PAIRS_ANIMATED
        frames = [self.window_on(p) for p in range(first, tr.P)]
        more = rows[-1]
        total = tr.P - MAX_PAIRS_LISTED
        passed = first - MAX_PAIRS_LISTED
        number = more.number

        def step(_, a):
            k = min(len(frames) - 1, int(a * len(frames)))
            window.become(frames[k][0])
            arrow.become(frames[k][1])
            number.set_text(f"{passed + k + 1:>{len(str(total))}}")

        return [UpdateFromAlphaFunc(VGroup(window, arrow, number), step, rate_func=linear)]

    # ---- pieces -----------------------------------------------------------------
    def tiny_network(self, height: float) -> tuple[VGroup, VGroup]:
        """A sketch of the lesson's network from its configuration: a column of dots for the input
        (context × dim numbers), the hidden layer and the output (one per vocabulary word), and the
        edges between neighbouring columns (one path each)."""
        cfg = self.trace.config
        sizes = [cfg.context * cfg.dim, cfg.hidden, self.trace.V]
        gap = height * 1.3
        pitch = [min(0.3, height / n) for n in sizes]
        nodes = VGroup()
        for k, (n, step) in enumerate(zip(sizes, pitch)):
            col = VGroup(*[
                RoundedRectangle(width=step * 0.6, height=step * 0.6, corner_radius=step * 0.3,
                                 stroke_width=0, fill_color=style.POSITIVE if k < 2 else style.ACCENT,
                                 fill_opacity=1).move_to([k * gap, (n - 1) / 2 * step - i * step, 0])
                for i in range(n)])
            nodes.add(col)
        edges = VGroup()
        for a, b in zip(nodes, nodes[1:]):
            path = VMobject(stroke_color=style.MUTED, stroke_width=2, stroke_opacity=1)
            for u in a:
                for v in b:
                    path.append_vectorized_mobject(Line(u.get_center(), v.get_center()))
            edges.add(path)
        return nodes, edges

    def tally_row(self, n: int, v: int) -> VGroup:
        """'6 words · 5 different' under the sentence, with both numbers as GlyphNumbers."""
        size = style.BODY_SIZE
        n_num = GlyphNumber(str(n), size, style.ACCENT)
        v_num = GlyphNumber(str(v), size, style.ACCENT)
        w1 = text("words,", size, style.MUTED)
        w2 = text("different", size, style.MUTED)
        row = VGroup(n_num, w1, v_num, w2).arrange(RIGHT, buff=0.15)
        row.next_to(self.sentence_block, DOWN, buff=0.3)
        row.numbers = (n_num, v_num)
        row.words = VGroup(w1, w2)
        return row

    def phone_keyboard(self, typed: str, suggested: list[str], probs: list[float], k: float = 1.0) -> VGroup:
        """A phone's text field with `typed` in it (and a cursor), the suggestion chips under it with
        a bar and a percentage for each (`probs`), a note, and the first suggestion's word as it will
        stand in the field once picked; all but the note at `k` times their full size (0 < k ≤ 1).
        A word too long for its place is cut short ("extraordin…")."""
        phone_w = min(self.layout.safe_width * 0.9, 6.4) * k
        size = style.BODY_SIZE * k
        field = RoundedRectangle(width=phone_w * 0.86, height=0.6 * k, corner_radius=0.12 * k, stroke_width=0,
                                 fill_color=style.BACKGROUND, fill_opacity=1)
        # One line, so that the words share their baseline, split into its words (it reads from the
        # right for a right-to-left text: there the field fills from its right edge).
        way = self.reading_way
        line = text(" ".join(short_word(w) for w in [*typed.split(), suggested[0]]), size)
        fit_width(line, field.width * 0.85)
        words = glyph_words(line)
        line.move_to(field).align_to(field, -way).shift(way * 0.2 * k)
        typed_mob = VGroup(*[g for w in words[:-1] for g in w])
        picked = words[-1]
        cursor = Line(UP * 0.2 * k, DOWN * 0.2 * k, stroke_color=style.ACCENT, stroke_width=3)
        cursor.next_to(field.get_edge_center(-way), way, buff=0.2 * k)
        col_w = phone_w * 0.28
        cols, suggestions, bars, numbers = VGroup(), VGroup(), VGroup(), VGroup()
        for w, p in zip(suggested, probs):
            chip = self.chip(w, size, max_width=col_w)
            track = Rectangle(width=col_w, height=0.3 * k, stroke_width=0, fill_color=style.NEUTRAL,
                              fill_opacity=1)
            bar = Rectangle(width=max(p * col_w, 0.01), height=0.3 * k, stroke_width=0,
                            fill_color=style.ACCENT, fill_opacity=1)
            number = GlyphNumber(f"{percent(p):>{PERCENT_SLOTS}}", size, style.INK)
            col = VGroup(chip, track, number).arrange(DOWN, buff=0.15 * k)
            cols.add(col)
            suggestions.add(chip), bars.add(bar), numbers.add(number)
        cols.arrange(way, buff=phone_w * 0.04).next_to(field, DOWN, buff=0.35 * k)
        for col, bar in zip(cols, bars):
            bar.move_to(col[1], aligned_edge=-way)
        tracks = VGroup(*[col[1] for col in cols])
        # The case holds the field and the suggestions with a margin all round.
        inside = VGroup(field, cols)
        case = RoundedRectangle(width=phone_w, height=inside.height + 0.6 * k, corner_radius=0.3 * k,
                                stroke_color=style.MUTED, stroke_width=2, fill_color=style.PANEL,
                                fill_opacity=1)
        case.move_to(inside)
        note = text("suggestions: our network, after training", style.SMALL_SIZE, style.MUTED)
        fit_width(note, self.layout.safe_width)
        return VGroup(VGroup(case, tracks), field, typed_mob, cursor, suggestions, bars, numbers, note,
                      picked)

    def room_under_the_text(self, reserve: float = 0.0) -> tuple[float, float]:
        """Width and height (frame units) of the room between the text's chips and the caption,
        leaving `reserve` free under it."""
        lay = self.layout
        return lay.safe_width, self.chips.get_bottom()[1] - 0.3 - lay.content_bottom - reserve

    def place_under_the_text(self, mob, reserve: float = 0.0):
        """Centre `mob` in the room between the text's chips and the caption, shrunk to fit it,
        leaving `reserve` (frame units) free under it."""
        room_top, room_bottom = self.chips.get_bottom()[1] - 0.3, self.layout.content_bottom + reserve
        fit(mob, max_width=self.layout.safe_width, max_height=room_top - room_bottom)
        return mob.move_to([0, (room_top + room_bottom) / 2, 0])

    def sentence_room(self) -> float:
        """The height (frame units) the text's chips may take at the top of the content area:
        45% of it, less when the prediction loop under them would otherwise be drawn at under
        LOOP_SCALE of its full size, but a quarter of it at least."""
        lay = self.layout
        loop = self.build_loop(self.loop_steps(), 1.0)[1]
        need = loop.height * min(LOOP_SCALE, lay.safe_width / loop.width)
        spare = lay.content_height - 0.4 - need  # 0.1 above the chips, 0.3 between them and the loop
        return max(lay.content_height * 0.25, min(lay.content_height * 0.45, spare))

    def loop_steps(self) -> list[int]:
        """The pairs the prediction loop runs on: the focus pair, then the next ones of its sentence
        while the trained network's pick is the text's next word (at most MAX_LOOPS)."""
        tr = self.trace
        steps = [self.pair]
        _, first = self.target_position(self.pair)
        while len(steps) < MAX_LOOPS:
            p = steps[-1]
            if int(np.argmax(tr.probs[-1, p])) != int(tr.targets[p]) or p + 1 >= tr.P:
                break
            if self.target_position(p + 1)[1] != first:
                break
            steps.append(p + 1)
        return steps

    def prediction_loop(self, steps: list[int]):
        """The loop's parts (see build_loop) placed under the text, built at the size they are
        drawn at: as large as the room there allows, so that a long word's chip is cut short at a
        readable size rather than shrunk with the group (the text's chips show it whole)."""
        loop = self.build_loop(steps, 1.0)[1]
        room_width, room_height = self.room_under_the_text()
        k = min(1.0, room_width / loop.width, room_height / loop.height)
        heading, loop, slot, box, arrows, rows = self.build_loop(steps, k)
        built = loop.width
        self.place_under_the_text(loop)  # a no-op but for rounding: cut chips are no wider
        self.loop_scale, self.loop_fit = k, loop.width / built  # the inputs landing in the slot alike
        tr = self.trace
        for row in rows:
            row.bar = Rectangle(width=0.01, height=row.track.height, stroke_width=0,
                                fill_color=self.color_of(tr.vocab[row.word_id]), fill_opacity=1)
            row.bar.move_to(row.track, aligned_edge=LEFT)
            row.add(row.bar)
        return heading, loop, slot, box, arrows, rows

    def build_loop(self, steps: list[int], k: float):
        """The loop's parts at `k` times their full size (0 < k ≤ 1), not placed: a heading, the
        slot the words read land in, the network box, the arrows, and a row per word (chip, bar
        track, percentage). Rows: the whole vocabulary when small, else the words likeliest at any
        of the loop's steps. In portrait the slot stands left of the box and the rows under it.
        Returns (heading, loop, slot, box, arrows, rows); each row has .chip .track .number
        .word_id and .value (None: not shown yet)."""
        lay, tr = self.layout, self.trace
        size = style.BODY_SIZE * k
        heading = text("next-token prediction", style.HEADING_SIZE * k, style.ACCENT)
        if tr.V <= MAX_BARS + 1:
            ids = list(range(tr.V))
        else:
            ranked = np.argsort(-tr.probs[-1, steps[0]], kind="stable")
            picks = [int(np.argmax(tr.probs[-1, p])) for p in steps]
            ids = list(dict.fromkeys([*picks, *[int(i) for i in ranked]]))[:MAX_BARS]
        bar_w = (2.0 if lay.portrait else 2.6) * k
        rows = VGroup()
        for i in ids:
            chip = self.chip(tr.vocab[i], size, max_width=2.0 * k)
            track = Rectangle(width=bar_w, height=0.32 * k, stroke_width=0, fill_color=style.NEUTRAL,
                              fill_opacity=1)
            number = GlyphNumber(f"{percent(0.0):>{PERCENT_SLOTS}}", size, style.INK, slots=PERCENT_SLOTS)
            row = VGroup(chip, track, number)
            row.chip, row.track, row.number, row.word_id, row.value = chip, track, number, i, None
            rows.add(row)
        chip_w = max(r.chip.width for r in rows)
        for j, row in enumerate(rows):
            y = -j * 0.72 * k
            row.chip.move_to([chip_w - row.chip.width / 2, y, 0])
            row.track.move_to([chip_w + 0.25 * k + bar_w / 2, y, 0])
            row.number.move_to([chip_w + 0.45 * k + bar_w, y, 0], aligned_edge=LEFT)
        inputs = [self.build_inputs(p, k) for p in steps]
        slot = Rectangle(width=max(g.width for g in inputs) + 0.2 * k,
                         height=max(g.height for g in inputs) + 0.2 * k, stroke_width=0, fill_opacity=0)
        box_w, box_h = (2.2, 1.1) if lay.portrait else (2.6, 1.5)
        box = RoundedRectangle(width=box_w * k, height=box_h * k, corner_radius=0.18 * k,
                               stroke_color=style.ACCENT, stroke_width=2, fill_color=style.PANEL,
                               fill_opacity=1)
        box = VGroup(box, text("network", style.HEADING_SIZE * k).move_to(box))
        gap = 0.9 * k
        arrow = dict(buff=0.1 * k, color=style.MUTED, stroke_width=3)
        if lay.portrait:  # short of width: the slot beside the box, the rows under them
            top = VGroup(slot, box).arrange(RIGHT, buff=gap)
            VGroup(top, rows).arrange(DOWN, buff=gap)
            a1 = Arrow(slot.get_right(), box.get_left(), **arrow)
            a2 = Arrow(box.get_bottom(), [box.get_x(), rows.get_top()[1], 0], **arrow)
        else:
            VGroup(slot, box, rows).arrange(RIGHT, buff=gap)
            a1 = Arrow(slot.get_right(), box.get_left(), **arrow)
            a2 = Arrow(box.get_right(), rows.get_left(), **arrow)
        arrows = VGroup(a1, a2)
        loop = VGroup(heading, VGroup(VGroup(slot, box, rows), arrows)).arrange(DOWN, buff=0.35 * k)
        return heading, loop, slot, box, arrows, rows

    def bar_fill(self, row, value: float) -> Rectangle:
        """Row's bar filled to `value` (0–1) of its track."""
        bar = row.bar.copy()
        bar.stretch_to_fit_width(max(value * row.track.width, 0.01))
        return bar.move_to(row.track, aligned_edge=LEFT)

    def loop_inputs(self, p: int, slot) -> VGroup:
        """Pair p's context words as chips in a row at the loop's size, centred in `slot`."""
        return self.build_inputs(p, self.loop_scale).scale(self.loop_fit).move_to(slot)

    def build_inputs(self, p: int, k: float) -> VGroup:
        """Pair p's context words as chips in a row, at `k` times their full size (a long word cut
        short, see build_loop)."""
        ctx, _ = self.trace.pair_words(p)
        chips = [self.chip(w, style.BODY_SIZE * k, max_width=2.0 * k) for w in ctx]
        return VGroup(*chips).arrange(self.reading_way, buff=0.12 * k)

    def context_chips(self, p: int) -> list:
        """The chips of pair p's context words in the sentence (the start marker before the text)."""
        c = self.trace.config.context
        position, first = self.target_position(p)
        return [self.start_chip if position - k - 1 < first else self.chips[position - k - 1]
                for k in range(c)][::-1]

    def sentence_chips(self, words):
        """The start marker and the text's words as chips, wrapped into lines at the top of the
        content area, as large as the room left by the prediction loop under them allows (see
        sentence_room). The start marker keeps its place but is shown only with the pairs."""
        lay = self.layout
        size = style.HEADING_SIZE if len(words) <= 12 else style.BODY_SIZE
        start = self.chip("<s>", size)
        chips = VGroup(*[self.chip(w, size) for w in words])
        block = flow_fitting([start, *chips], lay.safe_width * 0.95, self.sentence_room(),
                             h_buff=0.14, v_buff=0.18, floor=SMALLEST_CHIP / size, rtl=self.rtl)
        block.move_to([0, lay.content_top - block.height / 2 - 0.1, 0])
        # Until the start marker comes, the first line stands centred without it.
        self.first_line = [m for m in block[0] if m is not start]
        self.start_gap = (chips[0].get_left()[0] - start.get_left()[0]) / 2
        for m in self.first_line:
            m.shift(LEFT * self.start_gap)
        return start, chips, block

    def pair_list(self) -> VGroup:
        """The first pairs as rows ("the cat → sat") under the text, in columns when short of room,
        and a last row counting the rest when there are more (its number a GlyphNumber, `.number`)."""
        lay, tr = self.layout, self.trace
        listed = min(tr.P, MAX_PAIRS_LISTED)
        rows = VGroup(*[self.pair_row(*tr.pair_words(p)) for p in range(listed)])
        room = lay.content_bottom + 0.1, self.sentence_block.get_bottom()[1] - 0.35
        more = None
        if tr.P > listed:
            size = style.LABEL_SIZE
            number = GlyphNumber(str(tr.P - listed), size, style.MUTED)
            base = number.width
            more = VGroup(text("… and", size, style.MUTED), number, text("more", size, style.MUTED))
            more.arrange(RIGHT, buff=0.12)
        # Short of room (a long text wraps into several lines), the pairs go into columns.
        before = rows[0].width
        table = columns(list(rows), lay.safe_width, room[1] - room[0] - (more.height + 0.2 if more else 0),
                        rtl=self.rtl)
        if more:
            more.scale(rows[0].width / before)  # the same size as the pairs
            table.add(more.next_to(table, DOWN, aligned_edge=-self.reading_way))
            rows.add(more)
        table.move_to([0, (room[0] + room[1]) / 2, 0])
        if more:
            more.number = more.submobjects[1] = number_at_size(more[1], base, style.MUTED)
        return rows

    def window_on(self, p: int) -> tuple[SurroundingRectangle, Arrow]:
        """The window round pair p's context chips (the start marker before the text) and the arrow
        from it to the chip of the word that comes next."""
        position, _ = self.target_position(p)
        window = SurroundingRectangle(VGroup(*self.context_chips(p)), color=style.ACCENT, buff=0.08,
                                      corner_radius=0.1)
        arrow = Arrow(window.get_bottom(), self.chips[position].get_bottom(),
                      path_arc=-1.2 if self.rtl else 1.2, color=style.ACCENT, stroke_width=3, buff=0.05,
                      max_tip_length_to_length_ratio=0.15)
        return window, arrow

    def pair_row(self, ctx, tgt) -> VGroup:
        size = style.LABEL_SIZE
        way = self.reading_way
        left = VGroup(*[self.chip(w, size) for w in ctx]).arrange(way, buff=0.1)
        arrow = text(self.reading_arrow, size, style.MUTED)
        return VGroup(left, arrow, self.chip(tgt, size)).arrange(way, buff=0.2)

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
