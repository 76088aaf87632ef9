"""Chapter 2: Words become vectors. The vocabulary, the embedding matrix with its real
epoch-0 values, a lookup as one-hot × matrix, the "cat" vector moving as the run trains, the
word map, and a callback to word arithmetic."""

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
    GrowFromEdge,
    Indicate,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
)
from manim.utils.rate_functions import linear, smooth, smoothstep

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

MAX_MATRIX_ROWS = 12  # rows drawn; bigger vocabularies show the first rows and a count
MIN_CELL = 0.5  # smallest cell (frame units) of the table: its numbers stay readable
MAX_CELL = 0.95  # largest cell of the table (a short vocabulary in a wide frame)
VECTOR_CELL = 1.0  # cell of the word's vector, before it is fitted to its place
SHORT_VOCAB_CHIP = 48  # size of a short vocabulary's chips: big, the beat's whole picture
SMALLEST_CHIP = 13.5  # the vocabulary's chips and the text's words are never drawn smaller
SMALLEST_INDEX = 13.5  # nor the vocabulary's index numbers (the readable minimum is 12)
EPOCH_FLOOR = 0.3  # share of a training run's time spread evenly over its epochs (see paced_epochs)


def brisk(animation):
    """`animation` (each part of a group, the group's own timing kept) eased with smoothstep: under
    way from its first frames to its last, where manim's default `smooth` barely moves in its
    first and last tenth (frames that would stand still). Returns the animation."""
    parts = getattr(animation, "animations", None)
    if parts is not None:
        for part in parts:
            brisk(part)
    else:
        animation.rate_func = smoothstep
    return animation


def between_rows(start_points, end_points, alpha: float):
    """A Transform's path_func for a copy travelling between two rows of words (the text and the
    vocabulary): each point leaves its row straight up or down, crosses over in the gap between
    the rows, and arrives straight into the other row (a cubic Bézier), never through the words
    on either row. Points: (n, 3) arrays; returns the points at `alpha` (0 … 1)."""
    lift = np.zeros_like(start_points)
    lift[:, 1] = (end_points[:, 1] - start_points[:, 1]) * 0.9
    b = 1 - alpha
    return (b ** 3 * start_points + 3 * b * b * alpha * (start_points + lift)
            + 3 * b * alpha * alpha * (end_points - lift) + alpha ** 3 * end_points)


def across_then_down(start_points, end_points, alpha: float):
    """A Transform's path_func hugging an L: each point travels across first (at its starting
    height) and then up or down to its end, so that a row copied out of a table passes above
    what sits beside its destination. Points: (n, 3) arrays; returns the points at `alpha`."""
    corner = start_points.copy()
    corner[:, 0] = end_points[:, 0]
    b = 1 - alpha
    return b ** 3 * start_points + 3 * b * alpha * corner + alpha ** 3 * end_points


def paced_epochs(history, last: int) -> np.ndarray:
    """When a replayed run reaches each epoch, as a share of the replay (0 … 1): each epoch's step
    takes time in proportion to how much `history` changes in it (plus EPOCH_FLOOR of the time
    spread evenly), so the picture moves at an even pace instead of racing through the first
    epochs and standing nearly still through the last. history: (N, ...) a value at every epoch,
    of which epochs 0 … `last` are replayed. Returns (last + 1,) increasing from 0 to 1."""
    if last < 1:
        return np.zeros(1)
    h = np.asarray(history[: last + 1], dtype=float).reshape(last + 1, -1)
    steps = np.abs(np.diff(h, axis=0)).sum(axis=1)
    steps = (1 - EPOCH_FLOOR) * steps / max(float(steps.sum()), 1e-12) + EPOCH_FLOOR / last
    at = np.concatenate([[0.0], np.cumsum(steps)])
    return at / at[-1]


def epoch_at(alpha: float, pace: np.ndarray) -> float:
    """The (fractional) epoch reached at share `alpha` of a replay paced by `pace` (paced_epochs)."""
    if len(pace) < 2:
        return 0.0
    return float(np.interp(alpha, pace, np.arange(len(pace))))


def balanced_flow(items, max_width: float, h_buff: float, v_buff: float, rtl: bool) -> VGroup:
    """`items` flowed into rows (text.flow) as few as at `max_width`, but about equally long: the
    narrowest width that needs no more rows, so no word is left alone on the last line. Returns
    the rows."""
    rows = flow(items, max_width, h_buff, v_buff, rtl=rtl)
    if len(rows) < 2:
        return rows
    lo, hi = max(m.width for m in items), max_width
    for _ in range(16):
        mid = (lo + hi) / 2
        if len(flow(items, mid, h_buff, v_buff, rtl=rtl)) <= len(rows):
            hi = mid
        else:
            lo = mid
    return flow(items, hi, h_buff, v_buff, rtl=rtl)


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
        chip_size = SHORT_VOCAB_CHIP if few else style.HEADING_SIZE
        chips, indices, self.vocab_row = self.vocabulary_tiles(chip_size, lay.safe_width * 0.95,
                                                               lay.content_height * 0.58)
        sentence, tokens = self.sentence_words(style.TITLE_SIZE if few else style.BODY_SIZE,
                                               lay.content_height * 0.36)
        spare = lay.content_height - sentence.height - self.vocab_row.height
        gap = max(0.25, min(lay.content_height * (0.22 if few else 0.06), spare * 0.6))
        both = VGroup(sentence, self.vocab_row).arrange(DOWN, buff=gap)
        both.move_to(lay.content_center)
        words = [m for m, t in zip(sentence, tokens) if t != tr.V]
        word_tokens = [t for t in tokens if t != tr.V]
        starts = [m for m, t in zip(sentence, tokens) if t == tr.V]
        way = self.reading_way

        # Until the start marker is put in, the words after it on its line close up.
        # (each word moves with the nearest marker before it on its line, so no word moves twice)
        def along(m) -> float:  # how far along its line a word is, in reading order
            return float(np.dot(m.get_center(), way))

        def lead(m) -> float:  # where its first letter starts, along the reading way
            return float(np.dot(m.get_edge_center(-way), way))

        def marker_before(m):
            before = [s for s in starts if abs(m.get_y() - s.get_y()) < 0.05 and along(m) > along(s)]
            return max(before, key=along) if before else None

        after = [[m for m in words if marker_before(m) is s] for s in starts]
        closing = [VGroup(*line) for line in after if line]
        gaps = [lead(line[0]) - lead(s) for s, line in zip(starts, after) if line]
        for line, room in zip(closing, gaps):
            line.shift(-way * room)
        text_name = "this text" if len(tr.sentences) > 1 else "this sentence"
        with self.say(f"The network learns from {text_name}.") as phrase:
            phrase.play(LaggedStart(*[brisk(FadeIn(w, shift=1.2 * UP)) for w in words], lag_ratio=0.25))
        with self.say(f"It uses {tr.V} different words: its vocabulary.") as phrase:
            phrase.play(self.fly_to_chips(words, word_tokens, chips))
        with self.say("Each gets a number and a colour it keeps for the whole lesson,") as phrase:
            phrase.play(self.number_and_colour(words, word_tokens, chips, indices))
        with self.say("plus a start marker that is only ever an input.") as phrase:
            opening = [line.animate(rate_func=smoothstep).shift(way * r) for line, r in zip(closing, gaps)]
            coming = LaggedStart(*[brisk(FadeIn(s, shift=0.8 * way)) for s in starts], lag_ratio=0.3)
            phrase.play(*opening, coming, share=0.35)
            phrase.play(self.fly_to_chips(starts, [tr.V] * len(starts), chips),
                        brisk(FadeIn(indices[-1], shift=0.4 * UP)))
        self.sentence = sentence

    def show_the_embedding_matrix(self):
        self.beat("embedding_matrix")
        lay, tr = self.layout, self.trace
        self.matrix_ids = self.table_rows()
        words = [tr.input_word(i) for i in self.matrix_ids]
        # A word too long for a row label is cut short (its chip in the vocabulary shows it whole).
        labels = list(word_labels(words, [self.color_of(word) for word in words],
                                  min(3.0, lay.safe_width * 0.22), style.LABEL_SIZE))
        shown = len(self.matrix_ids)
        size = f"{tr.V + 1} rows × {tr.config.dim} numbers"
        if shown < tr.V + 1:
            size += f", {shown} shown"
        header = VGroup(*[text(line, style.LABEL_SIZE, style.MUTED) for line in ("embedding table", size)])
        header.arrange(DOWN, buff=0.1, aligned_edge=RIGHT)
        # Cells as big as the table's room allows (each row: 0.62 cell high, 0.04 apart).
        per_row = (self.table_room() - header.height - 0.35) / shown
        cell = max(MIN_CELL, min(MAX_CELL, (per_row - 0.04) / 0.62))
        self.matrix = MatrixCells(self.E0[self.matrix_ids], labels, scale=tr.embedding_scale, cell=cell)
        fit_width(header, self.matrix.width)
        block = VGroup(header, self.matrix).arrange(DOWN, buff=0.25, aligned_edge=RIGHT)
        self.matrix_block = self.place_table(block, column=cell + 0.3)
        values = self.E0[self.matrix_ids]
        self.matrix.set_values(np.zeros_like(values))  # written in below
        chips = self.vocab_row
        chip_of = {t[0].word: t for row in chips for t in row}
        with self.say(f"The embedding layer is a table with one row of {tr.config.dim} numbers "
                      f"for every word.") as phrase:
            phrase.play(*self.leave(self.sentence), share=0.15)
            # Each word's chip goes to its row's place, the word becoming the row's label; then each
            # row of (still blank) cells grows out of its word.
            moves = []
            for word, label in zip(words, self.matrix.labels):
                tile = chip_of.pop(word)
                tag = tile[0].box.copy().stretch_to_fit_width(label.width + 0.1)
                tag.stretch_to_fit_height(label.height + 0.1).move_to(label).set_opacity(0)
                moves.append(brisk(AnimationGroup(ReplacementTransform(tile[0].label, label),
                                                  Transform(tile[0].box, tag, remover=True),
                                                  FadeOut(tile[1]))))
            rest = self.leave(*chip_of.values())
            phrase.play(LaggedStart(*moves, lag_ratio=0.2), *rest, FadeIn(header, shift=0.3 * DOWN),
                        share=0.45)
            growing = [brisk(GrowFromEdge(row, LEFT)) for row in self.matrix.rows]
            phrase.play(LaggedStart(*growing, lag_ratio=0.3))
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
        self.vector = VectorCells(self.E0[self.word_id], scale=self.trace.embedding_scale, cell=VECTOR_CELL)
        chip = self.chip(self.word, style.BODY_SIZE)
        self.vector_block = self.place_vector(VGroup(chip, self.vector))
        onehot_label = self.label_the_column(onehot)
        one = onehot.cells[row_index]
        spot = SurroundingRectangle(one, color=style.ACCENT, buff=0.04)
        self.lookup_parts = VGroup(onehot, onehot_label, spot)
        pieces = [VGroup(c, n) for c, n in zip(onehot.cells, onehot.numbers)]
        # Each row's number in the vocabulary, where its one-hot entry will be.
        size = max(SMALLEST_INDEX, onehot.numbers[0].size)
        ids = [number_text(str(i), size, style.MUTED).move_to(cell)
               for i, cell in zip(self.matrix_ids, onehot.cells)]
        with self.say(f"To look up “{self.word}”, its number picks one row:") as phrase:
            phrase.play(brisk(FadeIn(chip, shift=2.5 * LEFT)), share=0.35)
            phrase.play(LaggedStart(*[brisk(FadeIn(i, shift=0.6 * RIGHT)) for i in ids], lag_ratio=0.35),
                        share=0.4)
            phrase.play(Create(spot), Indicate(label, color=style.ACCENT), Indicate(ids[row_index]))
        with self.say("a one-hot vector, all zeros and a single one,") as phrase:
            # A cursor runs down the table: each row's number becomes its 0 (or its 1) of the one-hot column.
            table = zip(onehot.cells, self.matrix.labels, self.matrix.rows)
            lines = [VGroup(c, lab, r) for c, lab, r in table]
            cursor = SurroundingRectangle(lines[0], color=style.MUTED, buff=0.04)
            each = (phrase.remaining - 0.3) * 0.75 / len(lines) / phrase.duration
            for k, (number, piece, line) in enumerate(zip(ids, pieces, lines)):
                jump = (lambda t: smooth(min(1.0, t / 0.3))) if k else (lambda t: 1.0)
                phrase.play(brisk(ReplacementTransform(number, piece)),
                            cursor.animate(rate_func=jump).move_to(line), share=each)
            phrase.play(FadeOut(cursor), brisk(ReplacementTransform(label.copy(), onehot_label)))
        with self.say("times the table.") as phrase:
            # Multiplied by 0, every other row drops out; only the row times 1 is left.
            others = [m for k, (p, r) in enumerate(zip(pieces, self.matrix.rows)) if k != row_index
                      for m in (p, r)]
            phrase.play(brisk(Transform(spot, highlight)), *[m.animate(rate_func=smoothstep).set_opacity(0.3)
                                                              for m in others])
        self.dimmed = [r for k, r in enumerate(self.matrix.rows) if k != row_index]
        with self.say(f"That row is the vector for “{self.word}”.") as phrase:
            lifted = row.copy().set_z_index(2)  # over the dimmed rows it may cross
            self.add(lifted)
            phrase.play(lifted.animate(rate_func=smoothstep).shift(0.15 * UP + 0.15 * RIGHT), share=0.2)
            # Beside the table (landscape) it goes across, above the chip, then down onto the vector.
            path = {} if self.layout.stacked else {"path_func": across_then_down}
            phrase.play(brisk(ReplacementTransform(lifted, self.vector, **path)))

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
                phrase.play(marker.animate(rate_func=smoothstep).move_to(cell),
                            Indicate(number, color=style.ACCENT, scale_factor=1.25),
                            share=max(0.05, min(at, 1.0) - (1.0 - phrase.remaining / phrase.duration)))
        last = tr.last_epoch
        digits = len(str(last))
        epoch_number = GlyphNumber(f"{0:>{digits}}", style.SMALL_SIZE, style.INK, slots=digits)
        epoch_label = VGroup(text("epoch", style.SMALL_SIZE, style.MUTED), epoch_number)
        epoch_label.arrange(RIGHT, buff=0.12)
        self.place_epoch_label(epoch_label, frame)
        history = tr.embeddings[: last + 1, self.word_id]  # (N, d) the vector at every epoch
        pace = paced_epochs(history, last)

        def train(_, alpha):
            e = int(epoch_at(alpha, pace))  # the last epoch reached: its true values
            self.vector.set_values(history[e])
            epoch_number.set_text(f"{e:>{digits}}")

        # (The table keeps its starting values: the map below starts from them.)
        with self.say("Training will move them until they help predict what comes next.") as phrase:
            phrase.play(FadeOut(marker), FadeIn(epoch_label), share=0.1)
            phrase.play(UpdateFromAlphaFunc(VGroup(self.vector, epoch_number), train, rate_func=linear))
        self.vector_frame = VGroup(frame, epoch_label)

    def draw_the_word_map(self):
        self.beat("word_map")
        lay, tr = self.layout, self.trace
        last = tr.last_epoch
        # The map as the beat's whole content (as wordmap.full_map), its words at the body size.
        w = lay.safe_width * (0.9 if lay.portrait else 0.6)
        wm = self.get_word_map(w, min(lay.content_height * 0.95, w * 0.75), label_size=style.BODY_SIZE)
        wm.move_to(lay.content_center)
        wm.frame.set_z_index(-1)
        shrink, fly, appear = [], [], [FadeIn(wm.frame), FadeIn(wm.epoch_label)]
        for i, (dot, word_label) in enumerate(zip(wm.dots, wm.labels)):
            if i in self.matrix_ids:
                k = self.matrix_ids.index(i)
                row = self.matrix.rows[k]
                # The row shrinks to a point at its left end, its label coming to sit on the point's
                # right (as on the map): the two then fly together.
                point = dot.copy().move_to(row.get_left())
                table_label = self.matrix.labels[k]
                beside = point.get_right() + RIGHT * (0.08 + table_label.width / 2)
                shrink.append(AnimationGroup(FadeOut(row.numbers), ReplacementTransform(row.cells, point),
                                             table_label.animate.move_to(beside)))
                fly.append(brisk(AnimationGroup(ReplacementTransform(point, dot),
                                                ReplacementTransform(self.matrix.labels[k], word_label))))
            else:
                appear += [FadeIn(dot), FadeIn(word_label)]
        start = self.matrix_ids.index(tr.V)
        with self.say("Drawn as points on a map,") as phrase:
            # Each row of the starting table shrinks into its word's point.
            phrase.play(*self.leave(self.vector_block, self.vector_frame, self.matrix_block[0],
                                    self.matrix.rows[start], self.matrix.labels[start]), share=0.25)
            phrase.play(*[brisk(s) for s in shrink])
        with self.say("the words start out scattered at random.") as phrase:
            # ... and flies, its label with it, to its place on the map at epoch 0.
            phrase.play(LaggedStart(*fly, lag_ratio=0.6), *appear)
        self.remove(wm.frame, *wm.dots, *wm.labels, wm.epoch_label)
        self.add(wm)
        pace = paced_epochs(wm.positions, last)
        with self.say("Later you will see them move as the network learns.") as phrase:
            phrase.play(UpdateFromAlphaFunc(wm, lambda m, a: m.set_epoch(epoch_at(a, pace)),
                                            rate_func=linear))
        self.word_map = wm

    def recall_word_arithmetic(self):
        self.beat("word_arithmetic")
        lay, tr = self.layout, self.trace
        size = style.HEADING_SIZE
        # A schematic, not data: four words at the corners of a parallelogram.
        corners = {"man": np.array([-2.4, -1.0, 0]), "woman": np.array([1.5, -1.0, 0]),
                   "king": np.array([-1.5, 1.3, 0]), "queen": np.array([2.4, 1.3, 0])}
        dots = {}
        for word, at in corners.items():
            side = DOWN if at[1] < 0 else UP
            label = text(word, size, style.INK).next_to(at, side, buff=0.18)
            dots[word] = VGroup(Dot(at, radius=0.1, color=style.ACCENT), label)
        royal = Arrow(corners["man"], corners["king"], buff=0.15, color=style.MUTED, stroke_width=5)
        moved = Arrow(corners["woman"], corners["queen"], buff=0.15, color=style.ACCENT, stroke_width=5)
        terms = VGroup(*[text(t, style.TITLE_SIZE, style.ACCENT) for t in
                         ("king", "− man", "+ woman", "≈ queen")]).arrange(RIGHT, buff=0.3)
        note = text("illustration: vectors trained on billions of words", style.SMALL_SIZE, style.MUTED)
        sketch = VGroup(royal, moved, *dots.values())
        for part in (terms, sketch, note):  # each as wide as the frame allows (narrow: the sum's line)
            fit_width(part, lay.safe_width * 0.9)
        block = VGroup(terms, sketch, note).arrange(DOWN, buff=0.35)
        fit(block, lay.safe_width * 0.9, lay.content_height)
        block.move_to(lay.content_center)
        with self.say("Trained on billions of words, such vectors capture meaning:") as phrase:
            phrase.play(FadeOut(self.word_map, scale=0.6), share=0.25)
            phrase.play(LaggedStart(*[brisk(FadeIn(d, scale=0.4)) for d in dots.values()], lag_ratio=0.45),
                        brisk(FadeIn(note, shift=0.4 * UP)))
        with self.say("king minus man plus woman lands near queen.") as phrase:
            phrase.play(brisk(FadeIn(terms[0], shift=0.3 * UP)), Indicate(dots["king"]), share=0.2)
            phrase.play(brisk(FadeIn(terms[1], shift=0.3 * UP)), brisk(GrowArrow(royal)), share=0.25)
            phrase.play(brisk(FadeIn(terms[2], shift=0.3 * UP)),
                        brisk(ReplacementTransform(royal.copy(), moved)), share=0.3)
            phrase.play(brisk(FadeIn(terms[3], shift=0.3 * UP)), Indicate(dots["queen"]))
        # Back to our own text, in its words' colours: what chapter 3 starts from.
        ours = "one sentence" if len(tr.sentences) == 1 else f"these {len(tr.sentences)} sentences"
        sentence, _ = self.sentence_words(style.TITLE_SIZE, lay.content_height * 0.8)
        for word in sentence:
            word.set_color(self.color_of(word.word))
        sentence.move_to(lay.content_center)
        with self.say(f"Ours will learn from {ours}.") as phrase:
            phrase.play(*[brisk(f) for f in self.leave(terms, sketch, note, scale=0.5)], share=0.35)
            phrase.play(LaggedStart(*[brisk(FadeIn(w, shift=1.2 * UP)) for w in sentence], lag_ratio=0.25))

    # ---- pieces -----------------------------------------------------------------
    def leave(self, *mobs, **fade) -> list:
        """FadeOut (with `fade`'s options: shift, scale...) for each part of `mobs` on screen, found
        from the top of the scene down: parts were often added one by one (or inside an animation's
        group), and fading out a group that is not itself on screen would leave them behind."""
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
        return [FadeOut(m, **fade) for m in found]

    def vocabulary_tiles(self, size: float, max_width: float, max_height: float):
        """The vocabulary's chips (and the start marker's, last), each over its index number, in
        rows no wider than `max_width`: at `size`, or smaller (re-wrapped, so more fit on a row)
        until the rows fit `max_height`. The numbers shrink with the chips but stay readable
        (SMALLEST_INDEX). Returns VGroups: the chips and their numbers in token order, and the
        rows of tiles (chip, number), about equally long, right to left for a right-to-left text."""
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
        # Rows about equally long, laid the way the text reads.
        rows = balanced_flow(tiles, max_width, 0.3 * scale, 0.3 * scale, rtl=self.rtl)
        return chips, numbers, fit(rows, max_width, max_height)

    def sentence_words(self, size: float, max_height: float) -> tuple[VGroup, list[int]]:
        """The training text as words in a wrapping paragraph, each sentence opened by the start
        marker, at `size` or smaller (re-wrapped, never below SMALLEST_CHIP) so as to fit
        `max_height`, its lines about equally long and read right to left for a right-to-left
        text: (the words, flat, each a Text with `.word`; their token ids, the marker being V)."""
        tr = self.trace
        items, tokens = [], []
        for sentence in tr.sentences:
            for word in ["<s>", *sentence]:
                mob = text(word, size, style.START_COLOR if word == "<s>" else style.INK)
                mob.word = word
                items.append(mob)
                tokens.append(tr.V if word == "<s>" else tr.vocab.index(word))
        width = self.layout.safe_width * 0.95
        before = items[0].height
        flow_fitting(items, width, max_height, h_buff=0.25, v_buff=0.25, floor=min(1.0, SMALLEST_CHIP / size),
                     rtl=self.rtl)
        scale = items[0].height / before  # how far the words (and so their gaps) were shrunk to fit
        balanced_flow(items, width, 0.25 * scale, 0.25 * scale, rtl=self.rtl)
        return VGroup(*items), tokens

    def fly_to_chips(self, words, tokens, chips) -> LaggedStart:
        """Each word of the text flies to its vocabulary chip, one after another, crossing in the gap
        between the rows (between_rows): the first of each becomes the chip's label (its box drawn
        round it), a repeat merges into it and is gone."""
        moves, landed = [], set()
        for word, token in zip(words, tokens):
            chip, copy = chips[token], word.copy().set_z_index(1)  # over the chips' boxes
            chip.label.set_z_index(1)
            self.add(copy)  # over its word, until it leaves
            if token not in landed:
                landed.add(token)
                arrive = ReplacementTransform(copy, chip.label, path_func=between_rows)
                moves.append(brisk(AnimationGroup(arrive, FadeIn(chip.box, scale=0.6))))
            else:
                moves.append(brisk(Transform(copy, chip.label.copy().set_opacity(0), path_func=between_rows,
                                             remover=True)))
        return LaggedStart(*moves, lag_ratio=0.3)

    def number_and_colour(self, words, tokens, chips, indices) -> LaggedStart:
        """Chip after chip (the start marker's excepted): its number comes up under it while copies
        of it travel to every place its word is used in the text (see colour_the_text)."""
        colouring = self.colour_the_text(words, tokens, chips).animations
        groups = []
        for token in range(len(chips) - 1):
            mine = [move for move, t in zip(colouring, tokens) if t == token]
            groups.append(AnimationGroup(brisk(FadeIn(indices[token], shift=0.5 * UP)), *mine))
        return LaggedStart(*groups, lag_ratio=0.4)

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
                Transform(box, landed.move_to(word).set_opacity(0), path_func=between_rows,
                          rate_func=smoothstep, remover=True),
                Transform(label, coloured.copy(), path_func=between_rows, rate_func=smoothstep, remover=True),
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

    def table_room(self) -> float:
        """The height (frame units) the table and its header may take: all the content area, or
        (stacked, the vector below it) its upper part."""
        lay = self.layout
        return lay.content_height * (0.6 if lay.portrait else 0.65 if lay.square else 1.0)

    def table_rows(self) -> list[int]:
        """Token ids of the table's rows: as many as fit with numbers big enough to read (cells of
        MIN_CELL or more), always with the word the lesson follows and, last, the start token."""
        tr = self.trace
        fitting = int(((self.table_room() - 1.2) / MIN_CELL - 0.5) / 0.7)
        rows = max(3, min(tr.V + 1, MAX_MATRIX_ROWS, fitting))
        first = list(range(rows - 1))
        if self.word_id not in first:
            first[-1] = self.word_id
        return first + [tr.V]

    def place_table(self, block: VGroup, column: float) -> VGroup:
        """The table on the left, with `column` (frame units) to spare on its own left for the one-hot
        column, as wide as the room left of the vector allows (landscape); or at the top right
        (stacked); never taller than the content area."""
        lay = self.layout
        if lay.stacked:
            fit_width(block, lay.safe_width * 0.75)
            block.move_to(lay.content_center + UP * lay.content_height * 0.18)
            block.align_to([lay.safe_right - 0.1, 0, 0], RIGHT)
        else:
            # The vector's place begins 0.045 of the width right of centre (see place_vector).
            left, right = lay.safe_left + 0.1 + column, lay.content_center[0] + lay.safe_width * 0.02
            fit_width(block, right - left)
            block.move_to([(left + right) / 2, lay.content_center[1], 0])
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
        """“one-hot "cat"” under the column, or above it when a tall table leaves no room below; a
        long word cut shorter (down to 4 characters) when the label would reach the table's header."""
        lay = self.layout
        header = self.matrix_block[0]
        for chars in (CHIP_LINE_CHARS, 12, 8, 4):
            label = text(f"one-hot\n“{short_word(self.word, chars)}”", style.SMALL_SIZE, style.MUTED)
            label.next_to(onehot, DOWN, buff=0.15)
            below_limit = max(lay.content_bottom,
                              self.vector_block.get_top()[1] + 0.1 if lay.stacked else lay.content_bottom)
            if label.get_bottom()[1] < below_limit:
                label.next_to(onehot, UP, buff=0.15)
            # A long word makes the label wider than the column: keep it inside the frame.
            label.shift(RIGHT * max(0.0, lay.safe_left - label.get_left()[0]))
            label.shift(LEFT * max(0.0, label.get_right()[0] - lay.safe_right))
            (x0, y0), (x1, y1) = label.get_corner(DOWN + LEFT)[:2], label.get_corner(UP + RIGHT)[:2]
            (h0, g0), (h1, g1) = header.get_corner(DOWN + LEFT)[:2], header.get_corner(UP + RIGHT)[:2]
            if x1 < h0 or x0 > h1 or y1 < g0 or y0 > g1:  # clear of the header
                break
        return label
