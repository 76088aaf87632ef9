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
    Arrow,
    Dot,
    FadeIn,
    FadeOut,
    LaggedStart,
    SurroundingRectangle,
    VGroup,
)

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import MatrixCells, VectorCells
from scenes.kit.formatting import signed
from scenes.kit.text import fit, fit_width, flow, number_text, text
from scenes.kit.wordmap import full_map

MAX_MATRIX_ROWS = 12  # rows drawn; bigger vocabularies show the first rows and a count
MIN_CELL = 0.5  # smallest cell (frame units) of the table: its numbers stay readable


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
        chips = VGroup(*[self.chip(w, style.HEADING_SIZE) for w in [*tr.vocab, "<s>"]])
        tiles = [VGroup(c, number_text(str(i), style.LABEL_SIZE, style.MUTED).next_to(c, DOWN, buff=0.18))
                 for i, c in enumerate(chips)]
        self.vocab_row = flow(tiles, lay.safe_width * 0.95, h_buff=0.3, v_buff=0.3)  # long vocabularies wrap
        fit(self.vocab_row, lay.safe_width * 0.95, lay.content_height)
        self.vocab_row.move_to(lay.content_center)
        indices = VGroup(*[t[1] for t in tiles])
        with self.say(
            f"The sentence uses {tr.V} different words: its vocabulary. "
            f"Each gets a number and a colour it keeps for the whole lesson, "
            f"plus a start marker that is only ever an input."
        ):
            self.play(LaggedStart(*[FadeIn(c, shift=0.1 * UP) for c in chips], lag_ratio=0.2), run_time=1.6)
            self.play(FadeIn(indices), run_time=0.6)

    def show_the_embedding_matrix(self):
        self.beat("embedding_matrix")
        lay, tr = self.layout, self.trace
        self.matrix_ids = self.table_rows()
        words = [tr.input_word(i) for i in self.matrix_ids]
        labels = [text(word, style.LABEL_SIZE, self.color_of(word)) for word in words]
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
        with self.say(
            f"The embedding layer is a table with one row of {tr.config.dim} numbers for every word. "
            f"Before training they are random: these are the network's real starting values."
        ):
            self.play(FadeOut(self.vocab_row), run_time=style.FADE_TIME)
            self.play(FadeIn(header), LaggedStart(*[FadeIn(r) for r in self.matrix.rows], lag_ratio=0.1),
                      FadeIn(self.matrix.labels), run_time=1.6)

    def look_up_a_word(self):
        self.beat("lookup")
        row_index = self.matrix_ids.index(self.word_id)
        onehot = self.onehot_column()
        highlight = SurroundingRectangle(VGroup(self.matrix.rows[row_index], self.matrix.labels[row_index]),
                                         color=style.ACCENT, buff=0.06)
        self.vector = VectorCells(self.E0[self.word_id], scale=self.trace.embedding_scale, cell=0.9)
        self.vector_block = self.place_vector(VGroup(self.chip(self.word, style.BODY_SIZE), self.vector))
        onehot_label = self.label_the_column(onehot)
        self.lookup_parts = VGroup(onehot, onehot_label, highlight)
        with self.say(
            f"To look up “{self.word}”, its number picks one row: "
            f"a one-hot vector, all zeros and a single one, times the table. "
            f"That row is the vector for “{self.word}”."
        ):
            self.play(FadeIn(onehot), FadeIn(onehot_label), run_time=0.8)
            self.play(FadeIn(highlight), run_time=0.6)
            self.play(FadeIn(self.vector_block, shift=0.3 * RIGHT), run_time=1.0)

    def single_out_the_vector(self):
        self.beat("vector")
        values = ", ".join(signed(v).strip() for v in self.E0[self.word_id])
        frame = SurroundingRectangle(self.vector_block, color=style.ACCENT, buff=0.15, corner_radius=0.1)
        with self.say(
            f"At the start these are random numbers: {values}. "
            f"Training will move them until they help predict what comes next."
        ):
            self.play(FadeOut(self.lookup_parts), FadeIn(frame), run_time=0.8)
        self.vector_frame = frame

    def draw_the_word_map(self):
        self.beat("word_map")
        wm = full_map(self)
        with self.say(
            "Drawn as points on a map, the words start out scattered at random. "
            "Later you will see them move as the network learns."
        ):
            self.play(FadeOut(self.matrix_block), FadeOut(self.vector_block), FadeOut(self.vector_frame),
                      run_time=style.FADE_TIME)
            self.play(FadeIn(wm.frame), FadeIn(wm.epoch_label),
                      LaggedStart(*[FadeIn(VGroup(dot, label)) for dot, label in zip(wm.dots, wm.labels)],
                                  lag_ratio=0.2),
                      run_time=1.6)
        self.word_map = wm

    def recall_word_arithmetic(self):
        self.beat("word_arithmetic")
        lay = self.layout
        size = style.BODY_SIZE
        # A schematic, not data: four words at the corners of a parallelogram.
        corners = {"man": np.array([-1.6, -0.7, 0]), "woman": np.array([1.0, -0.7, 0]),
                   "king": np.array([-1.0, 0.9, 0]), "queen": np.array([1.6, 0.9, 0])}
        dots = VGroup()
        for word, at in corners.items():
            side = DOWN if at[1] < 0 else UP
            label = text(word, size, style.INK).next_to(at, side, buff=0.15)
            dots.add(VGroup(Dot(at, radius=0.07, color=style.ACCENT), label))
        arrows = VGroup(
            Arrow(corners["man"], corners["king"], buff=0.12, color=style.MUTED, stroke_width=3),
            Arrow(corners["woman"], corners["queen"], buff=0.12, color=style.MUTED, stroke_width=3),
        )
        sum_text = text("king − man + woman ≈ queen", style.HEADING_SIZE, style.ACCENT)
        note = text("illustration: vectors trained on billions of words", style.SMALL_SIZE, style.MUTED)
        sketch = VGroup(arrows, dots)
        block = VGroup(sum_text, sketch, note).arrange(DOWN, buff=0.4)
        fit_width(block, lay.safe_width * 0.9)
        block.move_to(lay.content_center)
        with self.say(
            "Trained on billions of words, such vectors capture meaning: "
            "king minus man plus woman lands near queen. Ours will learn from one sentence."
        ):
            self.play(FadeOut(self.word_map), run_time=style.FADE_TIME)
            self.play(FadeIn(sum_text), run_time=0.8)
            self.play(FadeIn(sketch), FadeIn(note), run_time=1.0)

    # ---- pieces -----------------------------------------------------------------
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
        label = text(f"one-hot\n“{self.word}”", style.SMALL_SIZE, style.MUTED)
        label.next_to(onehot, DOWN, buff=0.15)
        below_limit = max(lay.content_bottom,
                          self.vector_block.get_top()[1] + 0.1 if lay.stacked else lay.content_bottom)
        if label.get_bottom()[1] < below_limit:
            label.next_to(onehot, UP, buff=0.15)
        return label
