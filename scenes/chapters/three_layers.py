"""Chapter 3: The network, three layers. The diagram drawn layer by layer, then one forward
pass of one training pair at epoch 0 with the real numbers, shown happening: the context
words looked up and joined into x, x travelling the W₁ edges into the hidden layer, the
hidden values travelling the W₂ edges into the logits, softmax turning the logits into
bars (exponentiate, add up, divide), and the untrained network's guess."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    LaggedStart,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    TransformFromCopy,
    UpdateFromAlphaFunc,
    VGroup,
    linear,
)

from model.analysis import forward_at
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import VectorCells, labels_under
from scenes.kit.charts import output_view
from scenes.kit.diagram import NetworkDiagram
from scenes.kit.formatting import percent, signed
from scenes.kit.text import fit_width, text

GAP = 0.14  # frame units between the cells of a row of words: room for a highlight frame around each


class ThreeLayers(LessonScene):
    chapter_title = "The network: three layers"

    def construct(self):
        self.draw_the_network()
        self.embed_the_context()
        self.compute_the_hidden_layer()
        self.score_every_word()
        self.apply_softmax()
        self.read_the_guess()

    def setup(self):
        super().setup()
        tr = self.trace
        self.f = forward_at(tr, 0, self.pair)  # the epoch-0 forward pass, from the recorded weights
        self.panel_content = None
        self.view = output_view(tr.probs[0, self.pair], self.right)

    # ---- beats ------------------------------------------------------------------
    def draw_the_network(self):
        self.beat("diagram")
        lay, tr = self.layout, self.trace
        self.show_title(self.chapter_title)
        h = lay.content_height * (0.5 if lay.portrait else 0.66)
        self.net = NetworkDiagram(
            self.ctx, [self.color_of(w) for w in self.ctx], self.view.words(tr.vocab),
            self.view.colors(self.word_colors()), dim=tr.config.dim, hidden=tr.config.hidden,
            width=lay.safe_width, height=h,
        )
        self.net.move_to([0, lay.content_top - h / 2, 0])
        self.panel_center = np.array([0, (self.net.get_bottom()[1] + lay.content_bottom) / 2, 0])
        self.panel_width = lay.safe_width * 0.95
        n, labels = self.net, self.net.layer_labels
        with self.say("The network has three layers. The embedding layer turns the words into vectors,") as p:
            # The words come in from the middle of the frame, where the lesson reads them...
            big = VGroup(*[self.chip(w, style.HEADING_SIZE) for w in self.ctx]).arrange(RIGHT, buff=0.3)
            big.move_to(self.panel_center)
            p.play(FadeIn(big), share=0.12)
            p.play(*[ReplacementTransform(b, chip) for b, chip in zip(big, n.inputs)], FadeIn(labels[0]),
                   share=0.3)
            # ...and each is looked up: its d numbers leave the word along the lookup lines.
            d = tr.config.dim
            p.play(n.draw_edges_with_pen(n.lookups),
                   *[TransformFromCopy(n.inputs[k // d], node) for k, node in enumerate(n.embedding)],
                   FadeIn(labels[1]))
        with self.say(f"a hidden layer of {tr.config.hidden} units mixes them,") as p:
            p.play(n.draw_edges_with_pen(n.w1_edges), share=0.6)
            p.play(LaggedStart(*[GrowFromCenter(m) for m in n.hidden], lag_ratio=0.15), FadeIn(labels[2]))
        with self.say(f"and the output layer scores all {tr.V} words.") as p:
            p.play(n.draw_edges_with_pen(n.w2_edges), share=0.35)
            p.play(LaggedStart(*[GrowFromCenter(m) for m in n.output], lag_ratio=0.15), FadeIn(labels[3]),
                   share=0.25)
            p.play(n.draw_edges_with_pen(n.to_softmax), FadeIn(n.softmax_words, shift=0.2 * RIGHT),
                   FadeIn(labels[4]))
        self.add(n.softmax_bars)  # zero-width until softmax fills them

    def embed_the_context(self):
        self.beat("embed")
        tr, n = self.trace, self.net
        x, d, c = self.f.x[0], tr.config.dim, len(self.ctx)
        scale = tr.embedding_scale
        cells = VectorCells(x, scale=scale, cell=self.cell(len(x)))
        label = text("x = the context vectors, joined", style.BODY_SIZE, style.ACCENT)
        self.place(label, cells)
        # Before joining: each word's vector on its own, a gap apart, under a copy of its chip.
        parts = [VGroup(*cells.cells[k * d:(k + 1) * d], *cells.numbers[k * d:(k + 1) * d]) for k in range(c)]
        apart = [RIGHT * (k - (c - 1) / 2) * 0.5 for k in range(c)]
        for part, shift in zip(parts, apart):
            part.shift(shift)
        chips = VGroup(*[fit_width(self.chip(w, style.LABEL_SIZE), part.width)
                         for w, part in zip(self.ctx, parts)])
        targets = [chip.copy().move_to([part.get_center()[0], label.get_center()[1], 0])
                   for chip, part in zip(chips, parts)]
        for chip, source in zip(chips, n.inputs):
            chip.move_to(source)
        words = " and ".join(f"“{w}”" for w in self.ctx)
        with self.say(f"Take the pair “{' '.join(self.ctx)} → ?” before any training.") as p:
            p.play(*[ReplacementTransform(chip, target) for chip, target in zip(chips, targets)])
        with self.say(f"Looking up {words} gives each word its {d} numbers,") as p:
            # Each word's copy runs down its lookup lines into its d nodes, which take its numbers' colours.
            lookups = [Transform(n.inputs[k // d].copy(), node.copy().set_fill(style.value_color(v, scale)),
                                 remover=True) for k, (node, v) in enumerate(zip(n.embedding, x))]
            p.play(n.signal(n.lookups), *n.colour_layer("embedding", x, scale), *lookups, share=0.35)
            # In the panel, each word's d cells come out of its chip, just above them.
            p.play(*[ReplacementTransform(targets[k // d].copy(), cell)
                     for k, cell in enumerate(cells.cells)], share=0.3)
            self.remove(*cells.cells)
            self.add(cells)
            p.play(self.count(cells, np.zeros_like(x), x))
        with self.say(f"and joining their vectors gives x, {len(x)} numbers.") as p:
            p.play(*[m.animate.shift(-shift) for part, shift in zip(parts, apart) for m in part],
                   *[FadeOut(t, shift=0.3 * UP) for t in targets], share=0.55)
            p.play(FadeIn(label, shift=0.2 * DOWN))
        self.panel_content = VGroup(label, cells)

    def compute_the_hidden_layer(self):
        self.beat("hidden")
        n = self.net
        z = self.f.x[0] @ self.trace.params_at(0).W1 + self.trace.params_at(0).b1  # (H,) before tanh
        h = self.f.h[0]
        cells = VectorCells(z, scale=1.0, cell=self.cell(len(z)))
        label = text("x · W₁ + b₁", style.BODY_SIZE, style.ACCENT)
        self.place(label, cells)
        with self.say("The hidden layer multiplies them by its weights and adds a bias,") as p:
            self.send_panel_into(p, n.embedding, share=0.25)
            p.play(n.signal(n.w1_edges), share=0.3)
            self.rise_from(p, n.hidden, cells, label, share=0.15)
            p.play(self.count(cells, np.zeros_like(z), z))
        final = text("h = tanh(x · W₁ + b₁)", style.BODY_SIZE, style.ACCENT).move_to(label)
        with self.say("then squashes each result into the range −1 to 1 with tanh.") as p:
            self.rewrite(p, label, final, "x · W₁ + b₁", share=0.3, with_rest=[self.count(cells, z, h)])
            label = final
            self.fly_past(p, label, self.fly_into(cells, n.hidden))
        self.panel_content = VGroup(label, cells)

    def score_every_word(self):
        self.beat("output")
        tr, n = self.trace, self.net
        logits = self.view.values(tr.logits[0, self.pair])  # the words shown ("others": neutral)
        scale = max(1.0, float(np.abs(logits).max()))  # the hidden layer's scale: small scores look pale
        cells = self.word_cells(logits, scale)
        words = self.word_row(cells)
        label = text("logits = h · W₂ + b₂", style.BODY_SIZE, style.ACCENT)
        self.place(label, VGroup(cells, words))
        self.logit_cells, self.logit_words, self.logit_scale = cells, words, scale
        with self.say(f"The output layer gives each of the {tr.V} words a score, called a logit.") as p:
            self.send_panel_into(p, n.hidden, share=0.2)
            p.play(n.signal(n.w2_edges), share=0.3)
            self.rise_from(p, n.output, cells, VGroup(label, words), share=0.15)
            p.play(self.count(cells, np.zeros_like(logits), logits))
        with self.say("Untrained, the scores are all close to zero.") as p:
            self.fly_past(p, label, self.fly_into(cells, n.output))
        self.panel_content = VGroup(label, cells, words)

    def apply_softmax(self):
        self.beat("softmax")
        tr, n = self.trace, self.net
        cells, label = self.logit_cells, self.panel_content[0]
        logits = self.view.values(tr.logits[0, self.pair])
        probs = self.view.probabilities(tr.probs[0, self.pair])
        # e^logit of each row shown; "others" holds the rest of the vocabulary's e^logit (its share × sum).
        total = float(np.exp(tr.logits[0, self.pair]).sum())
        exps = probs * total
        f = getattr(cells, "glyph_scale", 1.0)
        unit = 0.9 * n.bar_len / float(exps.max())  # bar length per unit of e^logit: the longest fills 90%
        exp_label = text("exp(logits): every score made positive", style.BODY_SIZE, style.ACCENT)
        fit_width(exp_label.scale(getattr(cells, "glyph_scale", 1.0)), self.panel_width).move_to(label)
        with self.say("Softmax first raises e to the power of each score, so every score is positive,") as p:
            self.rewrite(p, label, exp_label, "logits", share=0.25)
            label = exp_label
            p.play(self.count(cells, logits, exps, colour=False),
                   *[c.animate.set_fill(style.PANEL) for c in cells.cells], share=0.3)
            self.play(FadeOut(label), run_time=0.25)  # out of the way of the cells flying up to the bars
            p.play(*self.become_bars(cells, exps * unit), share=0.35, rate_func=linear)
            p.play(FadeIn(label))
        sum_words = text("sum =", style.BODY_SIZE, style.ACCENT)
        sum_cells = VectorCells([total], scale=1.0, cell=cells.cells[0].height / 0.62 / f)
        sum_cells.cells.set_fill(style.PANEL)
        self.match_scale(sum_cells, cells)
        sum_words.scale(f)
        sum_group = VGroup(sum_words, sum_cells).arrange(RIGHT, buff=0.2 * f).move_to(label)
        with self.say(f"adds them up to {signed(total).strip()},") as p:
            p.play(FadeOut(label), share=0.15)
            flying = [num.copy() for num in cells.numbers]
            p.play(FadeIn(sum_words), FadeIn(sum_cells.cells),
                   *self.into_sum(flying, sum_cells),
                   self.count(sum_cells, [0.0], [total], colour=False), rate_func=linear)
            self.remove(*flying)
        final = text("p = softmax(logits)", style.BODY_SIZE, style.ACCENT).move_to(label)
        with self.say("and divides each by that sum: probabilities that add up to 100%.") as p:
            # Divide: the sum travels to every cell, and the numbers and the bars shrink by it.
            dividing = self.out_of_sum(sum_cells, cells)
            p.play(LaggedStart(*dividing, lag_ratio=0.25), share=0.25, rate_func=linear)
            self.remove(*[a.mobject for a in dividing])
            p.play(self.count(cells, exps, probs, colour=False), *self.bars_to(probs * n.bar_len), share=0.3)
            # Add up again: the probabilities, written as percentages, make 100%.
            self.play(self.count(cells, probs, probs, colour=False, as_percent=True), run_time=0.25)
            flying = [num.copy() for num in cells.numbers]
            p.play(*self.into_sum(flying, sum_cells),
                   self.count(sum_cells, [0.0], [round(float(probs.sum()), 6)], colour=False,
                              as_percent=True),
                   share=0.3, rate_func=linear)
            self.remove(*flying)
            self.play(FadeOut(sum_group), run_time=0.3)  # then the formula: never one text over another
            p.play(FadeIn(final))
        self.panel_content = VGroup(final, cells, self.logit_words)

    def read_the_guess(self):
        self.beat("guess")
        tr = self.trace
        probs = tr.probs[0, self.pair]
        guess, right = int(np.argmax(probs)), self.right
        guess_word = tr.vocab[guess]
        right_row, guess_row = self.view.position(right), self.view.position(guess)
        cells = self.logit_cells.cells
        frame = {"buff": 0.025, "stroke_width": 4}
        line = self.chance_line()
        label = self.panel_content[0]
        # The pair read as a sentence, its blank filled: "the cat → on   right: sat".
        size = style.LABEL_SIZE
        ctx = [self.chip(w, size) for w in self.ctx]
        guess_chip = self.chip(guess_word, size)
        guess_chip.box.set_stroke(style.RIGHT if guess == right else style.WRONG, width=3)
        head = VGroup(*ctx, text(self.reading_arrow, size, style.MUTED), guess_chip)
        head.arrange(self.reading_way, buff=0.15)
        tail = VGroup()
        if guess != right:
            right_chip = self.chip(self.target, size)
            right_chip.box.set_stroke(style.RIGHT, width=3)
            tail = VGroup(text("right:", size, style.RIGHT), right_chip).arrange(RIGHT, buff=0.15)
        sentence = VGroup(head, tail).arrange(RIGHT, buff=0.5) if guess != right else VGroup(head)
        fit_width(sentence, self.panel_width).move_to(label)
        right_box = SurroundingRectangle(cells[right_row], color=style.RIGHT, **frame)
        if guess == right:
            with self.say(f"Its best guess, “{guess_word}”, happens to be right,") as p:
                p.play(FadeOut(label), Create(right_box), share=0.3)
                word = ReplacementTransform(self.net.softmax_words[right_row].copy(), guess_chip)
                self.sentence_from_inputs(p, head, word, share=0.35)
            last = (f"but only with {percent(probs[right])}: about one chance in {tr.V}, "
                    "no better than a random pick.")
            with self.say(last) as p:
                p.play(Create(line))
            return
        with self.say(f"Its best guess is “{guess_word}” with {percent(probs[guess])};") as p:
            anims = [FadeOut(label)]
            if guess_row is not None:
                anims.append(Create(SurroundingRectangle(cells[guess_row], color=style.WRONG, **frame)))
            p.play(*anims, share=0.3)
            source = self.net.softmax_words[guess_row if guess_row is not None else -1]
            self.sentence_from_inputs(p, head, ReplacementTransform(source.copy(), guess_chip), share=0.35)
        with self.say(f"the right word “{self.target}” gets {percent(probs[right])}: "
                      f"about one chance in {tr.V}, no better than a random pick.") as p:
            p.play(Create(right_box), share=0.15)
            p.play(FadeIn(tail[0]), ReplacementTransform(self.net.softmax_words[right_row].copy(), tail[1]),
                   share=0.45, rate_func=linear)
            p.play(Create(line))

    # ---- pieces -----------------------------------------------------------------
    def sentence_from_inputs(self, phrase, head: VGroup, word, share: float) -> None:
        """The sentence's context chips come from the diagram's input words: the last one first, in a
        straight line (with `word`, the animation bringing the guessed word, and the arrow), then the
        others, arcing up and right so they never cross the input words below them or each other's
        paths."""
        c, inputs = len(self.ctx), self.net.inputs
        phrase.play(TransformFromCopy(inputs[c - 1], head[c - 1]), FadeIn(head[c]), word, share=share,
                    rate_func=linear)
        if c > 1:  # (TransformFromCopy runs its path backwards: +PI/2 arcs up and right)
            phrase.play(*[TransformFromCopy(inputs[k], head[k], path_arc=PI / 2) for k in range(c - 1)])

    def cell(self, n: int, gap: float = 0.0, slack: float = 0.5) -> float:
        """Cell size so that n cells (1.25 wide each, `gap` apart) fit the panel with `slack` cells'
        width to spare."""
        return min(0.75, (self.panel_width - (n - 1) * gap) / (n * 1.25 + slack))

    def word_cells(self, values, scale: float) -> VectorCells:
        """One cell per word shown (with its number), GAP apart: a frame drawn round one cell never
        touches its neighbour's number."""
        # The row fills the panel's width exactly: in a narrow frame every bit of it keeps the
        # numbers readable (a row of 8 in the Shorts safe area).
        cells = VectorCells(values, scale=scale, cell=self.cell(len(values), GAP, slack=0.0))
        cells.cells.arrange(RIGHT, buff=GAP)
        for cell, number in zip(cells.cells, cells.numbers):
            number.move_to(cell)
        return cells

    def word_row(self, cells: VectorCells) -> VGroup:
        """The words shown, each under its cell."""
        view = self.view
        return labels_under(cells.cells, view.words(self.trace.vocab), view.colors(self.word_colors()))

    def place(self, label, content) -> VGroup:
        """Lay a formula and its content out in the numbers panel under the diagram (not shown yet).
        Remembers on every VectorCells inside how much it was scaled, so counting keeps numbers the
        size of their cells."""
        block = VGroup(label, content).arrange(DOWN, buff=0.3)
        before = block.width
        fit_width(block, self.panel_width)
        room = self.panel_center[1] - self.layout.content_bottom
        if block.height > 2 * room:
            block.scale_to_fit_height(2 * room * 0.95)
        block.move_to(self.panel_center)
        for mob in block.get_family():
            if isinstance(mob, VectorCells):
                mob.glyph_scale = block.width / before
        return block

    @staticmethod
    def match_scale(cells: VectorCells, like: VectorCells) -> None:
        """Scale `cells` as `like` was scaled by place() (so their numbers are the same size)."""
        f = getattr(like, "glyph_scale", 1.0)
        cells.scale(f)
        cells.glyph_scale = f

    def count(self, cells: VectorCells, start, end, colour: bool = True, as_percent: bool = False):
        """An animation of the cells' numbers counting from `start` to `end` ((n,) each), written as
        the lesson writes them (signed, or as a percentage), each cell recoloured by its value
        on the way when `colour`. Pre-built glyphs are rewritten: no text is made per frame."""
        start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)

        def update(mob, alpha):
            values = start + (end - start) * alpha
            for cell, number, v in zip(cells.cells, cells.numbers, values):
                number.set_text(self.percent_cell(v) if as_percent else signed(v))  # keeps its drawn size
                if colour:
                    cell.set_fill(style.value_color(v, cells.value_scale), opacity=1)

        return UpdateFromAlphaFunc(cells, update, rate_func=linear)

    @staticmethod
    def percent_cell(p: float) -> str:
        """A probability as the lesson writes it, in a cell's 5 characters (99.97% is written 100%,
        not 100.0%), right-aligned."""
        written = percent(p)
        return f"{written if len(written) <= 5 else percent(p, 0):>5}"

    @staticmethod
    def into_sum(copies, sum_cells: VectorCells) -> list:
        """Copies of the row's numbers rise toward the sum's cell, fading out under it: they close in
        on it (to 40% of their spread) without ever touching each other or the words beside it."""
        goal = sum_cells.cells[0]
        anims = []
        for m in copies:
            x = m.get_center()[0] + 0.6 * (goal.get_center()[0] - m.get_center()[0])
            y = goal.get_bottom()[1] - m.height / 2 - 0.04
            anims.append(m.animate.move_to([x, y, 0]).set_opacity(0))
        return anims

    @staticmethod
    def out_of_sum(sum_cells: VectorCells, cells: VectorCells) -> list:
        """Copies of the sum's number go down to every cell of the row, fading out just above it."""
        source = sum_cells.numbers[0]
        anims = []
        for cell in cells.cells:
            m = source.copy()
            anims.append(m.animate.move_to([cell.get_center()[0], cell.get_top()[1] + m.height / 2 + 0.04, 0])
                         .set_opacity(0))
        return anims

    def send_panel_into(self, phrase, nodes, share: float) -> None:
        """The panel's row leaves by flying into the layer it belongs to (`nodes`, one per cell
        shown; extra cells go to the last node): its numbers and formula fade first."""
        old = self.panel_content
        label, cells = old[0], old[1]
        rest = list(old[2:])
        self.play(FadeOut(cells.numbers), FadeOut(label), *[FadeOut(m) for m in rest], run_time=0.3)
        self.remove(cells.numbers)
        phrase.play(*[Transform(cell.set_stroke(style.INK, width=1.5), nodes[min(i, len(nodes) - 1)].copy(),
                                remover=True)
                      for i, cell in enumerate(cells.cells)], share=share)
        self.panel_content = None

    def rise_from(self, phrase, nodes, cells: VectorCells, extra, share: float) -> None:
        """A new row comes out of a layer: each cell grows from a copy of its node, then the numbers
        are put in (at zero, to count up)."""
        for cell in cells.cells:
            cell.set_fill(style.NEUTRAL, opacity=1)
        phrase.play(*[ReplacementTransform(nodes[min(i, len(nodes) - 1)].copy(), cell)
                      for i, cell in enumerate(cells.cells)], FadeIn(extra, shift=0.2 * DOWN), share=share)
        self.remove(*cells.cells)
        self.add(cells)

    def fly_past(self, phrase, label, animations) -> None:
        """Play `animations` (copies flying up from the row into the diagram) with the formula `label`
        faded out on their way, then back: nothing flies over text."""
        self.play(FadeOut(label), run_time=0.25)
        phrase.play(*animations, share=0.6)
        phrase.play(FadeIn(label))

    @staticmethod
    def fly_into(cells: VectorCells, nodes) -> list:
        """Copies of the cells (outlined) fly up into the layer's nodes and colour them with their
        values."""
        anims = []
        for cell, node in zip(cells.cells, nodes):
            colour = cell.get_fill_color()
            copy = cell.copy().set_stroke(style.INK, width=1.5).set_fill(opacity=0)  # an outline
            target = node.copy().set_fill(colour, opacity=1)
            anims.append(Transform(copy, target, remover=True))
            anims.append(node.animate.set_fill(colour, opacity=1))
        return anims

    def become_bars(self, cells: VectorCells, lengths) -> list:
        """Copies of the cells (with their numbers) fly to the softmax column and turn into its bars,
        which grow to `lengths` (frame units) under them."""
        anims = self.bars_to(lengths)
        for cell, number, bar, w in zip(cells.cells, cells.numbers, self.net.softmax_bars, lengths):
            target = bar.copy().stretch_to_fit_width(max(float(w), 1e-3), about_edge=LEFT)
            anims.append(Transform(VGroup(cell.copy(), number.copy()), target, remover=True))
        return anims

    def bars_to(self, lengths) -> list:
        """Animations of the softmax bars growing or shrinking to `lengths` (frame units)."""
        return [bar.animate.stretch_to_fit_width(max(float(w), 1e-3), about_edge=LEFT)
                for bar, w in zip(self.net.softmax_bars, lengths)]

    def chance_line(self) -> DashedLine:
        """A dashed line across the softmax bars at 1/V: where a random pick would put every word."""
        bars = self.net.softmax_bars
        x = bars[0].get_left()[0] + self.net.bar_len / self.trace.V
        return DashedLine([x, bars.get_top()[1] + 0.1, 0], [x, bars.get_bottom()[1] - 0.1, 0],
                          color=style.INK, stroke_width=2, dash_length=0.06)
