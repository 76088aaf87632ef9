"""Chapter 2: Words become vectors. The vocabulary, the embedding matrix with its real
epoch-0 values, a lookup as one-hot × matrix, the "cat" vector, the word map, and a
callback to word arithmetic."""

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
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    smooth,
)

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import (
    CHIP_LINE_CHARS,
    CountCells,
    MatrixCells,
    VectorCells,
    short_word,
    word_labels,
)
from scenes.kit.formatting import signed
from scenes.kit.text import GlyphNumber, fit, fit_width, flow, flow_fitting, number_text, text
from scenes.kit.wordmap import full_map

MAX_MATRIX_ROWS = 12  # rows drawn; bigger vocabularies show the first rows and a count
MIN_CELL = 0.5  # smallest cell (frame units) of the table: its numbers stay readable
SMALLEST_CHIP = 13.5  # the vocabulary's chips and the text's words are never drawn smaller
SMALLEST_INDEX = 13.5  # nor the vocabulary's index numbers (the readable minimum is 12)


class WordsBecomeVectors(LessonScene):
    chapter_title = "Words become vectors"

    def construct(self):
        self.show_the_vocabulary()
        self.show_the_embedding_matrix()
        self.look_up_a_word()
        self.single_out_the_vector()
        self.draw_the_word_map()
        self.recall_word_arithmetic()

    def setup(self):
        super().setup()
        tr = self.trace
        self.word = self.ctx[-1]  # the word the lesson follows: "cat" by default
        self.word_id = tr.vocab.index(self.word)
        self.E0 = tr.embeddings[0]  # (V+1, d) the table before training

    # ---- beats ------------------------------------------------------------------
    def show_the_vocabulary(self):
        self.beat("vocabulary")
        lay, tr = self.layout, self.trace
        self.show_title(self.chapter_title)
        # A short vocabulary of short words is drawn big; a long one (or a long word, whose chip
        # wraps onto several lines) at the usual sizes.
        few = tr.V <= 8 and max(len(w) for w in tr.vocab) <= CHIP_LINE_CHARS
        chip_size = style.TITLE_SIZE if few else style.HEADING_SIZE
        chips, indices, self.vocab_row = self.vocabulary_tiles(chip_size, lay.safe_width * 0.95,
                                                               lay.content_height * 0.58)
        sentence, tokens = self.sentence_words(style.HEADING_SIZE if few else style.BODY_SIZE,
                                               lay.content_height * 0.36)
        gap = lay.content_height * (0.22 if few else 0.06)
        both = VGroup(sentence, self.vocab_row).arrange(DOWN, buff=gap)
        both.move_to(lay.content_center)
        words = [m for m, t in zip(sentence, tokens) if t != tr.V]
        starts = [m for m, t in zip(sentence, tokens) if t == tr.V]
        # Until the start marker is put in, the words after it on its line close up.
        # (each word moves with the nearest marker before it on its line, so no word moves twice)
        def marker_before(m):
            before = [s for s in starts if abs(m.get_y() - s.get_y()) < 0.05 and m.get_x() > s.get_x()]
            return max(before, key=lambda s: s.get_x()) if before else None

        after = [[m for m in words if marker_before(m) is s] for s in starts]
        closing = [VGroup(*line) for line in after if line]
        gaps = [line[0].get_left()[0] - s.get_left()[0] for s, line in zip(starts, after) if line]
        for line, gap in zip(closing, gaps):
            line.shift(LEFT * gap)
        text_name = "this text" if len(tr.sentences) > 1 else "this sentence"
        with self.say(f"The network learns from {text_name}.") as phrase:
            phrase.play(LaggedStart(*[FadeIn(w, shift=1.0 * UP) for w in words], lag_ratio=0.25))
        with self.say(f"It uses {tr.V} different words: its vocabulary.") as phrase:
            phrase.play(self.fly_to_chips(words, [t for t in tokens if t != tr.V], chips))
        with self.say("Each gets a number and a colour it keeps for the whole lesson,") as phrase:
            phrase.play(LaggedStart(*[FadeIn(i, shift=0.4 * UP) for i in indices[:-1]], lag_ratio=0.5),
                        share=0.35)
            phrase.play(self.colour_the_text(words, [t for t in tokens if t != tr.V], chips))
        with self.say("plus a start marker that is only ever an input.") as phrase:
            opening = [line.animate.shift(RIGHT * gap) for line, gap in zip(closing, gaps)]
            phrase.play(*opening, LaggedStart(*[FadeIn(s, shift=0.5 * RIGHT) for s in starts], lag_ratio=0.3),
                        share=0.35)
            phrase.play(self.fly_to_chips(starts, [tr.V] * len(starts), chips),
                        FadeIn(indices[-1], shift=0.4 * UP))
        self.sentence = sentence

    def show_the_embedding_matrix(self):
        self.beat("embedding_matrix")
        lay, tr = self.layout, self.trace
        self.matrix_ids = self.table_rows()
        words = [tr.input_word(i) for i in self.matrix_ids]
        # A word too long for a row label is cut short (its chip in the vocabulary shows it whole).
        labels = list(word_labels(words, [self.color_of(word) for word in words],
                                  min(3.0, lay.safe_width * 0.22), style.LABEL_SIZE))
        cell = min(0.85, (lay.content_height - 1.2) / (len(self.matrix_ids) * 0.7 + 0.5))
        self.matrix = MatrixCells(self.E0[self.matrix_ids], labels, scale=tr.embedding_scale, cell=cell)
        shown = len(self.matrix_ids)
        size = f"{tr.V + 1} rows × {tr.config.dim} numbers"
        if shown < tr.V + 1:
            size += f", {shown} shown"
        header = VGroup(*[text(line, style.LABEL_SIZE, style.MUTED) for line in ("embedding table", size)])
        fit_width(header.arrange(DOWN, buff=0.1, aligned_edge=RIGHT), self.matrix.width)
        block = VGroup(header, self.matrix).arrange(DOWN, buff=0.25, aligned_edge=RIGHT)
        self.matrix_block = self.place_table(block)
        values = self.E0[self.matrix_ids]
        self.matrix.set_values(np.zeros_like(values))  # written in below
        chips = self.vocab_row
        chip_of = {t[0].word: t for row in chips for t in row}
        with self.say(f"The embedding layer is a table with one row of {tr.config.dim} numbers "
                      f"for every word.") as phrase:
            phrase.play(*self.leave(self.sentence), share=0.15)
            moves = []
            for word, label, row in zip(words, self.matrix.labels, self.matrix.rows):
                tile = chip_of.pop(word)
                moves.append(AnimationGroup(ReplacementTransform(tile[0].label, label), FadeOut(tile[0].box),
                                            FadeOut(tile[1]), FadeIn(row, shift=0.2 * LEFT)))
            rest = self.leave(*chip_of.values())
            phrase.play(LaggedStart(*moves, lag_ratio=0.25), *rest, FadeIn(header), share=0.7)
        with self.say("Before training they are random: "
                      "these are the network's real starting values.") as phrase:
            # Row by row, a cursor on the row being written while its cells take their values.
            cursor = SurroundingRectangle(self.matrix.rows[0], color=style.ACCENT, buff=0.04)
            each = (phrase.remaining - 0.6) / len(values) / phrase.duration
            for k, (row, v) in enumerate(zip(self.matrix.rows, values)):
                jump = (lambda t: smooth(min(1.0, t / 0.3))) if k else (lambda t: 1.0)
                phrase.play(CountCells(row, v), cursor.animate(rate_func=jump).move_to(row), share=each,
                            rate_func=lambda t: t)
            phrase.play(FadeOut(cursor), share=0.05)

    def look_up_a_word(self):
        self.beat("lookup")
        row_index = self.matrix_ids.index(self.word_id)
        onehot = self.onehot_column()
        row = self.matrix.rows[row_index]
        label = self.matrix.labels[row_index]
        highlight = SurroundingRectangle(VGroup(onehot.cells[row_index], row, label), color=style.ACCENT,
                                         buff=0.06)
        self.vector = VectorCells(self.E0[self.word_id], scale=self.trace.embedding_scale, cell=0.9)
        chip = self.chip(self.word, style.BODY_SIZE)
        self.vector_block = self.place_vector(VGroup(chip, self.vector))
        onehot_label = self.label_the_column(onehot)
        one = onehot.cells[row_index]
        spot = SurroundingRectangle(one, color=style.ACCENT, buff=0.04)
        self.lookup_parts = VGroup(onehot, onehot_label, spot)
        pieces = [VGroup(c, n) for c, n in zip(onehot.cells, onehot.numbers)]
        with self.say(f"To look up “{self.word}”, its number picks one row:") as phrase:
            phrase.play(Indicate(label, color=style.ACCENT), share=0.3)
            phrase.play(ReplacementTransform(label.copy(), onehot_label))
        with self.say("a one-hot vector, all zeros and a single one,") as phrase:
            # A cursor runs down the table: each row gets its 0 (or its 1) of the one-hot column.
            table = zip(onehot.cells, self.matrix.labels, self.matrix.rows)
            lines = [VGroup(c, lab, r) for c, lab, r in table]
            cursor = SurroundingRectangle(lines[0], color=style.MUTED, buff=0.04)
            each = (phrase.remaining - 0.3) * 0.8 / len(lines) / phrase.duration
            for k, (piece, line) in enumerate(zip(pieces, lines)):
                jump = (lambda t: smooth(min(1.0, t / 0.3))) if k else (lambda t: 1.0)
                phrase.play(FadeIn(piece, shift=0.3 * DOWN), cursor.animate(rate_func=jump).move_to(line),
                            share=each)
            phrase.play(ReplacementTransform(cursor, spot),
                        Indicate(onehot.numbers[row_index], color=style.ACCENT))
        with self.say("times the table.") as phrase:
            # Multiplied by 0, every other row drops out; only the row times 1 is left.
            others = [m for k, (p, r) in enumerate(zip(pieces, self.matrix.rows)) if k != row_index
                      for m in (p, r)]
            phrase.play(Transform(spot, highlight), *[m.animate.set_opacity(0.3) for m in others])
        self.dimmed = [r for k, r in enumerate(self.matrix.rows) if k != row_index]
        with self.say(f"That row is the vector for “{self.word}”.") as phrase:
            lifted = VGroup(label.copy().set_z_index(1), row.copy())
            chip.label.set_z_index(1)
            self.add(lifted)
            phrase.play(lifted.animate.shift(0.12 * UP + 0.12 * RIGHT), share=0.2)
            phrase.play(ReplacementTransform(lifted[0], chip.label), FadeIn(chip.box),
                        ReplacementTransform(lifted[1], self.vector))

    def single_out_the_vector(self):
        self.beat("vector")
        tr = self.trace
        numbers = [signed(v).strip() for v in self.E0[self.word_id]]
        head = "At the start these are random numbers:"
        frame = SurroundingRectangle(self.vector_block, color=style.ACCENT, buff=0.15, corner_radius=0.1)
        marker = SurroundingRectangle(self.vector.cells[0], color=style.ACCENT, buff=0.03)
        with self.say(f"{head} {', '.join(numbers)}.") as phrase:
            phrase.play(*self.leave(self.lookup_parts), Create(frame),
                        *[r.animate.set_opacity(1) for r in self.dimmed], share=0.25)
            # Each number is marked as it is read: its share of the phrase is its place among the words.
            words = len(f"{head} {', '.join(numbers)}.".split())
            for k, (cell, number) in enumerate(zip(self.vector.cells, self.vector.numbers)):
                if k == 0:
                    self.play(Create(marker), run_time=0.25)
                at = (len(head.split()) + k + 1) / words
                phrase.play(marker.animate.move_to(cell),
                            Indicate(number, color=style.ACCENT, scale_factor=1.25),
                            share=max(0.05, min(at, 1.0) - (1.0 - phrase.remaining / phrase.duration)))
        last = tr.last_epoch
        digits = len(str(last))
        epoch_number = GlyphNumber(f"{0:>{digits}}", style.SMALL_SIZE, style.INK, slots=digits)
        epoch_label = VGroup(text("epoch", style.SMALL_SIZE, style.MUTED), epoch_number)
        epoch_label.arrange(RIGHT, buff=0.12)
        self.place_epoch_label(epoch_label, frame)
        history = tr.embeddings[:, self.word_id]  # (N, d) the vector at every epoch

        def train(_, alpha):
            e = int(round(alpha * last))
            self.vector.set_values(history[e])
            epoch_number.set_text(f"{e:>{digits}}")

        with self.say("Training will move them until they help predict what comes next.") as phrase:
            phrase.play(FadeOut(marker), FadeIn(epoch_label), share=0.15)
            phrase.play(UpdateFromAlphaFunc(self.vector, train, rate_func=lambda t: t))
        self.vector_frame = VGroup(frame, epoch_label)

    def draw_the_word_map(self):
        self.beat("word_map")
        tr = self.trace
        wm = full_map(self)
        targets = [dot.get_center() for dot in wm.dots]
        wm.frame.set_z_index(-1)
        shrink, fly, appear = [], [], []
        for i, dot in enumerate(wm.dots):
            if i in self.matrix_ids:
                row = self.matrix.rows[self.matrix_ids.index(i)]
                dot.move_to(row.get_center())
                shrink.append(ReplacementTransform(row, dot))
                fly.append(dot.animate.move_to(targets[i]))
            else:
                appear.append(FadeIn(dot))
        start_row = self.matrix.rows[self.matrix_ids.index(tr.V)]
        with self.say("Drawn as points on a map,") as phrase:
            phrase.play(*self.leave(self.vector_block, self.vector_frame), share=0.3)
            phrase.play(LaggedStart(*shrink, lag_ratio=0.2), FadeOut(start_row),
                        FadeOut(self.matrix_block[0]))
        with self.say("the words start out scattered at random.") as phrase:
            phrase.play(*self.leave(self.matrix.labels), share=0.15)
            phrase.play(FadeIn(wm.frame), LaggedStart(*fly, *appear, lag_ratio=0.25), share=0.6)
            phrase.play(FadeIn(wm.labels), FadeIn(wm.epoch_label))
        self.remove(wm.frame, *wm.dots, wm.labels, wm.epoch_label)
        self.add(wm)
        last = tr.last_epoch
        with self.say("Later you will see them move as the network learns.") as phrase:
            phrase.play(UpdateFromAlphaFunc(wm, lambda m, a: m.set_epoch(a * last)))
        self.word_map = wm

    def recall_word_arithmetic(self):
        self.beat("word_arithmetic")
        lay = self.layout
        size = style.BODY_SIZE
        # A schematic, not data: four words at the corners of a parallelogram.
        corners = {"man": np.array([-1.6, -0.7, 0]), "woman": np.array([1.0, -0.7, 0]),
                   "king": np.array([-1.0, 0.9, 0]), "queen": np.array([1.6, 0.9, 0])}
        dots = {}
        for word, at in corners.items():
            side = DOWN if at[1] < 0 else UP
            label = text(word, size, style.INK).next_to(at, side, buff=0.15)
            dots[word] = VGroup(Dot(at, radius=0.07, color=style.ACCENT), label)
        royal = Arrow(corners["man"], corners["king"], buff=0.12, color=style.MUTED, stroke_width=3)
        moved = Arrow(corners["woman"], corners["queen"], buff=0.12, color=style.ACCENT, stroke_width=3)
        terms = VGroup(*[text(t, style.HEADING_SIZE, style.ACCENT) for t in
                         ("king", "− man", "+ woman", "≈ queen")]).arrange(RIGHT, buff=0.25)
        note = text("illustration: vectors trained on billions of words", style.SMALL_SIZE, style.MUTED)
        sketch = VGroup(royal, moved, *dots.values())
        block = VGroup(terms, sketch, note).arrange(DOWN, buff=0.4)
        fit_width(block, lay.safe_width * 0.9)
        block.move_to(lay.content_center)
        with self.say("Trained on billions of words, such vectors capture meaning:") as phrase:
            phrase.play(FadeOut(self.word_map), share=0.2)
            phrase.play(LaggedStart(*[FadeIn(d, scale=0.5) for d in dots.values()], lag_ratio=0.4),
                        FadeIn(note))
        with self.say("king minus man plus woman lands near queen.") as phrase:
            phrase.play(FadeIn(terms[0], shift=0.1 * UP), Indicate(dots["king"]), share=0.2)
            phrase.play(FadeIn(terms[1], shift=0.1 * UP), GrowArrow(royal), share=0.25)
            phrase.play(FadeIn(terms[2], shift=0.1 * UP), ReplacementTransform(royal.copy(), moved),
                        share=0.3)
            phrase.play(FadeIn(terms[3], shift=0.1 * UP), Indicate(dots["queen"]))
        with self.say("Ours will learn from one sentence.") as phrase:
            phrase.play(royal.animate.set_color(style.ACCENT), share=0.3)

    # ---- pieces -----------------------------------------------------------------
    def leave(self, *mobs) -> list:
        """FadeOut for each part of `mobs` on screen, found from the top of the scene down: parts
        were often added one by one (or inside an animation's group), and fading out a group that is
        not itself on screen would leave them behind."""
        family = {id(m) for mob in mobs for m in mob.get_family()}
        found = []

        def walk(mob):
            if id(mob) in family:
                found.append(mob)
            else:
                for sub in mob.submobjects:
                    walk(sub)

        for mob in self.mobjects:
            walk(mob)
        return [FadeOut(m) for m in found]

    def vocabulary_tiles(self, size: float, max_width: float, max_height: float):
        """The vocabulary's chips (and the start marker's, last), each over its index number, in
        rows no wider than `max_width`: at `size`, or smaller (re-wrapped, so more fit on a row)
        until the rows fit `max_height`. The numbers shrink with the chips but stay readable
        (SMALLEST_INDEX). Returns VGroups: the chips and their numbers in token order, and the
        rows of tiles (chip, number)."""
        words = [*self.trace.vocab, "<s>"]
        chips = VGroup(*[self.chip(w, size) for w in words])
        scale, floor = 1.0, min(1.0, SMALLEST_CHIP / size)
        while True:
            number_size = min(style.LABEL_SIZE, max(SMALLEST_INDEX, style.LABEL_SIZE * scale))
            numbers = VGroup(*[number_text(str(i), number_size, style.MUTED) for i in range(len(chips))])
            for chip, number in zip(chips, numbers):
                number.next_to(chip, DOWN, buff=0.18 * scale)
            tiles = [VGroup(c, n) for c, n in zip(chips, numbers)]
            rows = flow(tiles, max_width, h_buff=0.3 * scale, v_buff=0.3 * scale)  # long vocabularies wrap
            if rows.height <= max_height or scale <= floor:
                break
            new = max(floor, scale * 0.96)
            chips.scale(new / scale)
            scale = new
        return chips, numbers, fit(rows, max_width, max_height)

    def sentence_words(self, size: float, max_height: float) -> tuple[VGroup, list[int]]:
        """The training text as words in a wrapping paragraph, each sentence opened by the start
        marker, at `size` or smaller (re-wrapped, never below SMALLEST_CHIP) so as to fit
        `max_height`: (the words, flat, each a Text with `.word`; their token ids, the marker
        being V)."""
        tr = self.trace
        items, tokens = [], []
        for sentence in tr.sentences:
            for word in ["<s>", *sentence]:
                mob = text(word, size, style.START_COLOR if word == "<s>" else style.INK)
                mob.word = word
                items.append(mob)
                tokens.append(tr.V if word == "<s>" else tr.vocab.index(word))
        flow_fitting(items, self.layout.safe_width * 0.95, max_height, h_buff=0.25, v_buff=0.25,
                     floor=min(1.0, SMALLEST_CHIP / size))
        return VGroup(*items), tokens

    def fly_to_chips(self, words, tokens, chips) -> LaggedStart:
        """Each word of the text flies to its vocabulary chip, one after another: the first of each
        becomes the chip's label (its box drawn round it), a repeat merges into it and is gone."""
        moves, landed = [], set()
        for word, token in zip(words, tokens):
            chip, copy = chips[token], word.copy().set_z_index(1)  # over the chips' boxes
            chip.label.set_z_index(1)
            self.add(copy)  # over its word, until it leaves
            if token not in landed:
                landed.add(token)
                moves.append(AnimationGroup(ReplacementTransform(copy, chip.label), FadeIn(chip.box)))
            else:
                moves.append(Transform(copy, chip.label.copy().set_opacity(0), remover=True))
        return LaggedStart(*moves, lag_ratio=0.3)

    def colour_the_text(self, words, tokens, chips) -> LaggedStart:
        """Each chip sends its colour back to the text: a copy of the chip travels to every place its
        word is used, and the word there takes the chip's colour as it arrives."""
        moves = []
        for word, token in zip(words, tokens):
            chip = chips[token]
            label, box = chip.label.copy(), chip.box.copy()
            self.add(box, label)
            coloured = word.copy().set_color(chip.label.get_color())
            landed = box.copy().stretch_to_fit_width(word.width + 0.15)
            landed.stretch_to_fit_height(word.height + 0.15)
            late = lambda t: smooth(max(0.0, t - 0.6) / 0.4)  # noqa: E731 - the word turns as the copy lands
            moves.append(AnimationGroup(
                Transform(box, landed.move_to(word).set_opacity(0), remover=True),
                Transform(label, coloured.copy(), remover=True),
                word.animate(rate_func=late).set_color(coloured.get_color()),
            ))
        return LaggedStart(*moves, lag_ratio=0.35)

    def place_epoch_label(self, label: VGroup, frame) -> VGroup:
        """The epoch counter under the vector's frame, right-aligned with the vector, or above it
        when the caption leaves no room below."""
        label.next_to(frame, DOWN, buff=0.12).align_to(self.vector, RIGHT)
        if label.get_bottom()[1] < self.layout.content_bottom:
            label.next_to(frame, UP, buff=0.08).align_to(self.vector, RIGHT)
        return label

    def table_rows(self) -> list[int]:
        """Token ids of the table's rows: as many as fit with numbers big enough to read (cells of
        MIN_CELL or more), always with the word the lesson follows and, last, the start token."""
        lay, tr = self.layout, self.trace
        # Stacked, the vector goes below the table.
        room = lay.content_height * (0.6 if lay.portrait else 0.65 if lay.square else 1.0)
        fitting = int(((room - 1.2) / MIN_CELL - 0.5) / 0.7)
        rows = max(3, min(tr.V + 1, MAX_MATRIX_ROWS, fitting))
        first = list(range(rows - 1))
        if self.word_id not in first:
            first[-1] = self.word_id
        return first + [tr.V]

    def place_table(self, block: VGroup) -> VGroup:
        """The table on the left (landscape), or at the top right leaving room for the one-hot
        column on its left (stacked); never taller than the content area."""
        lay = self.layout
        if lay.stacked:
            fit_width(block, lay.safe_width * 0.75)
            block.move_to(lay.content_center + UP * lay.content_height * 0.18)
            block.align_to([lay.safe_right - 0.1, 0, 0], RIGHT)
        else:
            block.move_to(lay.content_center + LEFT * lay.safe_width * 0.2)
        fit(block, max_height=lay.content_height)  # a long vocabulary: the table shrinks to fit
        if block.get_top()[1] > lay.content_top:
            block.align_to([0, lay.content_top, 0], UP)
        return block

    def onehot_column(self) -> VectorCells:
        """The one-hot vector of the word, a column left of the table, each 0 or 1 beside its row."""
        onehot = VectorCells([1.0 if i == self.word_id else 0.0 for i in self.matrix_ids], scale=1.0,
                             cell=self.matrix.rows[0].cells[0].height / 0.62, vertical=True, digits=0)
        onehot.next_to(self.matrix.labels, LEFT, buff=0.3)
        for cell, number, row in zip(onehot.cells, onehot.numbers, self.matrix.rows):
            cell.match_y(row)
            number.match_y(row)
        return onehot

    def place_vector(self, block: VGroup) -> VGroup:
        """The word's chip and vector: right of the table (landscape), or halfway between the
        table and the caption, never touching the table (stacked)."""
        lay = self.layout
        block.arrange(RIGHT, buff=0.25)
        if lay.stacked:
            block.move_to(lay.content_center + DOWN * lay.content_height * 0.32)
        else:
            block.move_to(lay.content_center + RIGHT * lay.safe_width * 0.27)
        fit_width(block, lay.safe_width * (0.95 if lay.stacked else 0.45))
        if lay.stacked:
            gap_top = self.matrix_block.get_bottom()[1] - 0.3
            y = max((gap_top + lay.content_bottom) / 2, lay.content_bottom + block.height / 2)
            block.move_to([block.get_center()[0], min(y, gap_top - block.height / 2), 0])
        return block

    def label_the_column(self, onehot) -> VGroup:
        """“one-hot "cat"” under the column, or above it when a tall table leaves no room below."""
        lay = self.layout
        label = text(f"one-hot\n“{short_word(self.word)}”", style.SMALL_SIZE, style.MUTED)
        label.next_to(onehot, DOWN, buff=0.15)
        below_limit = max(lay.content_bottom,
                          self.vector_block.get_top()[1] + 0.1 if lay.stacked else lay.content_bottom)
        if label.get_bottom()[1] < below_limit:
            label.next_to(onehot, UP, buff=0.15)
        # A long word makes the label wider than the column: keep it inside the frame.
        label.shift(RIGHT * max(0.0, lay.safe_left - label.get_left()[0]))
        label.shift(LEFT * max(0.0, label.get_right()[0] - lay.safe_right))
        return label
