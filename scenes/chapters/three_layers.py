"""Chapter 3: The network, three layers. The diagram, then one forward pass of one
training pair at epoch 0 with the real numbers: context vectors, hidden activations,
logits, softmax, and the untrained network's guess."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, FadeIn, FadeOut, Indicate, SurroundingRectangle, VGroup

from model.analysis import forward_at
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import VectorCells, labels_under
from scenes.kit.charts import output_view
from scenes.kit.diagram import NetworkDiagram
from scenes.kit.formatting import percent
from scenes.kit.text import GlyphNumber, fit_width, text


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
        n = self.net
        with self.say(
            f"The network has three layers. The embedding layer turns the words into vectors, "
            f"a hidden layer of {tr.config.hidden} units mixes them, "
            f"and the output layer scores all {tr.V} words."
        ):
            self.play(FadeIn(n.inputs), FadeIn(n.layer_labels[0]), run_time=0.6)
            self.play(FadeIn(n.lookups), FadeIn(n.embedding), FadeIn(n.layer_labels[1]), run_time=0.8)
            self.play(FadeIn(n.w1_edges), FadeIn(n.hidden), FadeIn(n.layer_labels[2]), run_time=0.8)
            self.play(FadeIn(n.w2_edges), FadeIn(n.output), FadeIn(n.layer_labels[3]), run_time=0.8)
            self.play(FadeIn(n.to_softmax), FadeIn(n.softmax_words), FadeIn(n.softmax_bars),
                      FadeIn(n.layer_labels[4]), run_time=0.8)

    def embed_the_context(self):
        self.beat("embed")
        tr = self.trace
        x = self.f.x[0]
        scale = tr.embedding_scale
        cells = VectorCells(x, scale=scale, cell=self.cell(len(x)))
        words = " and ".join(f"“{w}”" for w in self.ctx)
        with self.say(
            f"Take the pair “{' '.join(self.ctx)} → ?” before any training. Looking up {words} "
            f"and joining their vectors gives {len(x)} numbers."
        ):
            self.play(Indicate(self.net.inputs, color=style.ACCENT), run_time=0.8)
            self.show_panel("x = the context vectors, joined", cells,
                            self.net.colour_layer("embedding", x, scale))

    def compute_the_hidden_layer(self):
        self.beat("hidden")
        h = self.f.h[0]
        with self.say(
            "The hidden layer multiplies them by its weights, adds a bias, and squashes each result "
            "into the range −1 to 1 with tanh."
        ):
            self.show_panel("h = tanh(x · W₁ + b₁)", VectorCells(h, scale=1.0, cell=self.cell(len(h))),
                            self.net.colour_layer("hidden", h, 1.0))

    def score_every_word(self):
        self.beat("output")
        tr = self.trace
        logits = self.view.values(tr.logits[0, self.pair])[: len(self.view.indices)]  # the words shown
        scale = float(np.abs(logits).max()) or 1.0
        cells = VectorCells(logits, scale=scale, cell=self.cell(len(logits)))
        with self.say(
            f"The output layer gives each of the {tr.V} words a score, called a logit. "
            f"Untrained, the scores are all close to zero."
        ):
            self.show_panel("logits = h · W₂ + b₂", VGroup(cells, self.word_row(cells)),
                            self.net.colour_layer("output", self.view.values(tr.logits[0, self.pair]), scale))

    def apply_softmax(self):
        self.beat("softmax")
        tr = self.trace
        probs = self.view.probabilities(tr.probs[0, self.pair])
        cells = VectorCells(probs, scale=1.0, cell=self.cell(len(probs)), numbers=False)
        numbers = VGroup(*[GlyphNumber(f"{percent(p):>5}", style.LABEL_SIZE, style.INK).move_to(c)
                           for p, c in zip(probs, cells.cells)])
        for c in cells.cells:
            c.set_fill(style.PANEL)
        self.prob_cells = VGroup(*[VGroup(c, n) for c, n in zip(cells.cells, numbers)])
        with self.say(
            "Softmax turns the scores into probabilities that add up to 100%. "
            "Equal scores mean equal chances."
        ):
            grow = [b.animate.stretch_to_fit_width(max(p * self.net.bar_len, 1e-3), about_edge=LEFT)
                    for b, p in zip(self.net.softmax_bars, probs)]
            self.show_panel("p = softmax(logits)", VGroup(VGroup(cells, numbers), self.word_row(cells)), grow)

    def read_the_guess(self):
        self.beat("guess")
        tr = self.trace
        probs = tr.probs[0, self.pair]
        guess = int(np.argmax(probs))
        right = self.right
        guess_word = tr.vocab[guess]
        right_row, guess_row = self.view.position(right), self.view.position(guess)
        if guess == right:
            verdict = (f"Its best guess, “{guess_word}”, happens to be right, "
                       f"but only with {percent(probs[guess])}")
        else:
            verdict = (f"Its best guess is “{guess_word}” with {percent(probs[guess])}; "
                       f"the right word “{self.target}” gets {percent(probs[right])}")
        boxes = [SurroundingRectangle(self.prob_cells[right_row], color=style.RIGHT, buff=-0.03,
                                      stroke_width=5)]
        if guess != right and guess_row is not None:
            boxes.append(SurroundingRectangle(self.prob_cells[guess_row], color=style.WRONG, buff=-0.03,
                                              stroke_width=5))
        with self.say(f"{verdict}: about one chance in {tr.V}, no better than a random pick."):
            self.play(*[FadeIn(b) for b in boxes], run_time=0.8)

    # ---- pieces -----------------------------------------------------------------
    def cell(self, n: int) -> float:
        """Cell size so that n cells (1.25 wide each) fit the panel."""
        return min(0.75, self.panel_width / (n * 1.25 + 0.5))

    def word_row(self, cells: VectorCells) -> VGroup:
        """The words shown, each under its cell."""
        view = self.view
        return labels_under(cells.cells, view.words(self.trace.vocab), view.colors(self.word_colors()))

    def show_panel(self, formula: str, content, animations=()) -> None:
        """Replace the numbers panel under the diagram: a formula and its real values."""
        label = text(formula, style.BODY_SIZE, style.ACCENT)
        block = VGroup(label, content).arrange(DOWN, buff=0.3)
        fit_width(block, self.panel_width)
        room = self.panel_center[1] - self.layout.content_bottom
        if block.height > 2 * room:
            block.scale_to_fit_height(2 * room * 0.95)
        block.move_to(self.panel_center)
        old, self.panel_content = self.panel_content, block
        if old is not None:
            self.play(FadeOut(old, shift=0.2 * UP), FadeIn(block, shift=0.2 * UP), *animations, run_time=1.0)
        else:
            self.play(FadeIn(block, shift=0.2 * UP), *animations, run_time=1.0)
