"""Chapter 5: Learning from the mistake. The error computed at the output (the right answer
taken away from the prediction), the error travelling back through the layers, the update
rule with one real weight, the "cat" vector nudged by one step (its numbers and its point on
the word map), and the same forward pass again: the right word's probability before and after."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    FadeIn,
    FadeOut,
    GrowArrow,
    GrowFromEdge,
    LaggedStart,
    Rectangle,
    TransformFromCopy,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    Write,
    linear,
)

from model.analysis import gradient_sizes, step_view, word_map_basis
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import VectorCells, short_word, word_labels
from scenes.kit.charts import BAR_LABEL_SHARE, OutputView, ProbabilityBars, bars_view
from scenes.kit.diagram import NetworkDiagram
from scenes.kit.formatting import gradient_size, learning_rate, percent, percents_apart, signed
from scenes.kit.text import GlyphNumber, fit, fit_width, grid, labelled, number_text, text
from scenes.kit.wordmap import WordMap

PORTRAIT_CELLS_SHARE = 0.85  # in portrait the error's cells, side by side, take this share of the width
NUMBER_ADVANCE = 0.0082  # frame units per character of a GlyphNumber, per unit of font size (measured)
WORDS_SHARE = 0.2  # in landscape the rows' words, left of the columns, are at most this share of the width
MIN_WORD_SIZE = 12.5  # the rows' words in the error columns never shrink below this
BAR_LABELS_ROOM = 1.1  # frame units: a bar chart's words below its line and numbers above its bars
MAGNIFICATIONS = (1, 2, 5)  # the word map draws a step magnified by 1, 2 or 5 times a power of ten


class SignedBars(VGroup):
    """Bars that may go below zero, each with its value (2 decimals) and its word: the prediction
    (all above the line) becoming the error (the right word's bar below it).

    words, colors: the rows shown (n of each); values: (n,) the starting values; low ≤ 0 ≤ high:
    the lowest and highest values the bars will ever show (they fix the scale, so the chart never
    rescales while it moves); width × height: its size in frame units.
    """

    def __init__(self, words, colors, values, *, low: float, high: float, width: float, height: float):
        super().__init__()
        n = len(words)
        slot = width / n
        # The words share one size; a word too long for its slot is cut short (cells.word_labels).
        labels = word_labels(words, colors, slot * BAR_LABEL_SHARE, style.LABEL_SIZE)
        label_size = max(label.font_size for label in labels)
        self.value_size = min(style.LABEL_SIZE, slot * 0.9 / (5 * NUMBER_ADVANCE))
        self.frame = Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)
        word_h = 0.5 * label_size / 22
        room = 0.45 * self.value_size / 22  # a value label and its gap, above or below a bar
        self.unit = (height - word_h - 2 * room) / max(high - low, 1e-9)
        self.zero_y = height / 2 - room - high * self.unit
        self.baseline = VMobject(stroke_color=style.MUTED, stroke_width=2).set_points_as_corners(
            [[-width / 2, self.zero_y, 0], [width / 2, self.zero_y, 0]])
        self.bars, self.word_labels = VGroup(), VGroup()
        for i, (word, color) in enumerate(zip(words, colors)):
            x = -width / 2 + slot * (i + 0.5)
            self.bars.add(Rectangle(width=slot * 0.62, height=1e-3, fill_color=color, fill_opacity=0.9,
                                    stroke_width=0).move_to([x, self.zero_y, 0]))
            self.word_labels.add(labels[i].move_to([x, -height / 2 + word_h / 2, 0]))
        self.value_labels = VGroup(*[GlyphNumber("", self.value_size, style.INK, slots=5) for _ in words])
        self.add(self.frame, self.baseline, self.bars, self.word_labels, self.value_labels)
        self.set_values(values)

    def zero(self) -> float:
        """The y of the zero line now, wherever the chart has been moved."""
        return self.baseline.get_center()[1]

    def set_values(self, values):
        """Each bar to its value (up from the line when ≥ 0, down when < 0), its number beside it."""
        zero = self.zero()
        for bar, label, v in zip(self.bars, self.value_labels, np.nan_to_num(np.asarray(values, float))):
            x = bar.get_center()[0]
            bar.stretch_to_fit_height(max(abs(float(v)) * self.unit, 1e-3))
            bar.move_to([x, zero, 0], aligned_edge=DOWN if v >= 0 else UP)
            label.set_text(signed(v, 2))
            gap = 0.1 + label.height / 2
            label.move_to([x, bar.get_top()[1] + gap if v >= 0 else bar.get_bottom()[1] - gap, 0])
        return self


def growing_edges(pairs, color=style.WRONG) -> tuple[VMobject, UpdateFromAlphaFunc]:
    """Lines that grow from each start point to its end point, all at once: a signal travelling
    along a layer's edges. pairs: (start, end) points in frame units. Returns the path (ONE
    VMobject, many pieces: it draws fast) and the animation that grows it."""
    pairs = [(np.asarray(a, float), np.asarray(b, float)) for a, b in pairs]
    path = VMobject(stroke_color=color, stroke_width=4, stroke_opacity=0.8)

    def grow(mob, alpha):
        mob.clear_points()
        for a, b in pairs:
            mob.start_new_path(a)
            mob.add_line_to(a + (b - a) * max(alpha, 1e-3))

    grow(path, 0)
    return path, UpdateFromAlphaFunc(path, grow)


def counting(number: GlyphNumber, start: float, end: float, fmt) -> UpdateFromAlphaFunc:
    """A number counting from `start` to `end`, written by `fmt` (its glyphs rewritten in place)."""
    return UpdateFromAlphaFunc(number,
                               lambda m, a: m.set_text(fmt(end if a >= 1 else start + (end - start) * a)))


def sized(build, size: float, max_width: float, max_height: float | None = None):
    """`build(size)`, built again at a smaller size if it does not fit max_width × max_height.
    Groups holding GlyphNumbers are sized this way, never scaled: a GlyphNumber rewrites its
    glyphs at the size it was made with."""
    mob = build(size)
    f = min(1.0, max_width / mob.width, (max_height / mob.height) if max_height else 1.0)
    return mob if f >= 1.0 else build(size * f * 0.98)


def flights(pairs) -> tuple[list, object]:
    """Copies of each source number flying to its target (scaled to the target's size): the
    animations, and a function to call after them that swaps the copies for the targets.
    pairs: (source, target) mobjects; the targets need not be on screen yet."""
    copies, animations = [], []
    for src, dst in pairs:
        copy = src.copy()
        ratio = dst.height / src.height if src.height > 1e-6 and dst.height > 1e-6 else 1.0
        copies.append(copy)
        animations.append(copy.animate.scale(ratio).move_to(dst))

    def land(scene):
        scene.remove(*copies)
        scene.add(*[dst for _, dst in pairs])

    return animations, land


def nice_magnification(wanted: float) -> int:
    """The largest 1, 2 or 5 times a power of ten not above `wanted` (at least 1)."""
    best = 1
    for power in range(0, 7):
        for m in MAGNIFICATIONS:
            if m * 10**power <= wanted:
                best = m * 10**power
    return best


class LearningFromTheMistake(LessonScene):
    chapter_title = "Learning from the mistake"

    def construct(self):
        self.measure_the_error()
        self.send_the_error_back()
        self.state_the_update_rule()
        if self.view.after is not None:
            self.nudge_the_vector()
            self.run_the_pair_again()
        else:
            self.report_the_divergence()

    def setup(self):
        super().setup()
        tr = self.trace
        self.view = step_view(tr, 1, self.pair)  # this pair's update in the first epoch
        self.word = self.ctx[-1]  # "cat" by default
        self.word_id = tr.vocab.index(self.word)
        # The weight the update rule follows: the "cat" vector's number with the largest gradient.
        self.k = int(np.argmax(np.abs(self.view.grads.E[self.word_id])))

    # ---- beats ------------------------------------------------------------------
    def measure_the_error(self):
        """The prediction's bars grow; its numbers travel into a vector beside the right answer's;
        the two combine, cell by cell, into the error while the right word's bar drops below zero."""
        self.beat("error")
        lay, tr, v = self.layout, self.trace, self.view
        self.show_title(self.chapter_title)
        left_c, right_c, w, h = lay.halves()
        probs = v.f_before.probs[0]
        chart_w = w * 0.92
        # As many bars as can be read ("others" only when the words truly cannot fit); in portrait the
        # error's cells under the chart, one per bar, are narrower than the bars: they decide.
        shown = bars_view(tr.vocab, probs, self.right, w * PORTRAIT_CELLS_SHARE if lay.portrait else chart_w)
        self.shown = shown
        pred = shown.probabilities(probs)  # (n,) the rows' probabilities ("others": the rest's sum)
        answer = np.zeros(len(pred))
        answer[shown.position(self.right)] = 1.0
        self.errors = pred - answer  # (n,) the error of each row shown
        context = " ".join(map(short_word, self.ctx))  # a long word cut short (the chips show it whole)
        heading = fit_width(text(f"prediction for “{context} → ?”", style.BODY_SIZE, style.MUTED), w * 0.95)
        chart = SignedBars(shown.words(tr.vocab), shown.colors(self.word_colors()), pred * 0,
                           low=min(0.0, float(self.errors.min())), high=1.0, width=chart_w,
                           height=h * 0.95 - heading.height - 0.25)
        block = VGroup(heading, chart).arrange(DOWN, buff=0.25)
        fit(block, w * 0.95, h).move_to(left_c)
        self.error_block = self.error_columns(pred, answer, w, h).move_to(right_c)
        pred_col, answer_col, err_col, heads, signs, words = self.error_block
        r = shown.position(self.right)
        right_bar = chart.bars[r]
        one = Rectangle(width=right_bar.width, height=chart.unit, stroke_color=style.RIGHT, stroke_width=3,
                        fill_opacity=0).move_to([right_bar.get_x(), chart.zero(), 0], aligned_edge=DOWN)
        one_label = number_text("1.00", chart.value_size, style.RIGHT).next_to(one, UP, buff=0.1)
        p = float(pred[r])
        with self.say(f"When training first reaches this pair, the network gives “{self.target}” "
                      f"{percent(probs[self.right])}.") as phrase:
            self.play(FadeIn(heading), FadeIn(VGroup(chart.baseline, chart.word_labels), shift=0.5 * RIGHT),
                      run_time=0.5)
            phrase.play(UpdateFromAlphaFunc(chart, lambda m, a: m.set_values(pred * a)), rate_func=linear)
        with self.say(f"Set it beside the right answer, which puts all of the probability, 1, "
                      f"on “{self.target}”.") as phrase:
            moves, land = flights(list(zip(chart.value_labels, pred_col.numbers)))
            phrase.play(FadeIn(VGroup(heads[0], words, pred_col.cells)), *moves, share=0.45)
            land(self)
            zeros = [number for k, number in enumerate(answer_col.numbers) if k != r]
            phrase.play(GrowFromEdge(one, DOWN), FadeIn(one_label, shift=0.3 * UP), share=0.2)
            moves, land = flights([(one_label, answer_col.numbers[r])])  # the 1 travels into the vector
            phrase.play(FadeIn(VGroup(signs[0], heads[1], answer_col.cells, *zeros)), *moves)
            land(self)

        def take_away(mob, a):
            chart.set_values(pred - a * answer)
            one.move_to([right_bar.get_x(), chart.zero() + a * (p - 1) * chart.unit, 0], aligned_edge=DOWN)

        with self.say(f"The error is the prediction minus the right answer: "
                      f"{signed(v.error[self.right]).strip()} for “{self.target}”, "
                      f"a little above zero for the rest.") as phrase:
            self.play(FadeOut(one_label), run_time=0.3)  # it would cross the bar's own number
            # The answer's cells slide one column on; there the prediction's numbers count down to the
            # prediction minus the answer, the cells taking the error's colours.
            err_col.set_values(pred)
            phrase.play(*[TransformFromCopy(a, e) for a, e in zip(answer_col.cells, err_col.cells)],
                        FadeIn(heads[2]), share=0.3)
            phrase.play(UpdateFromAlphaFunc(err_col, lambda m, a: m.set_values(pred - a * answer)),
                        UpdateFromAlphaFunc(VGroup(one, chart), take_away), share=0.55)
            phrase.play(FadeIn(signs[1], scale=0.5))
        self.chart_block = VGroup(block, one)

    def send_the_error_back(self):
        """The error's cells become the output layer's colours; the error travels back along each
        layer's edges, colouring the layer it reaches while that layer's gradient size counts up."""
        self.beat("backprop")
        lay, tr, v = self.layout, self.trace, self.view
        h = lay.content_height * (0.55 if lay.portrait else 0.66)
        shown = self.shown
        net = NetworkDiagram(self.ctx, [self.color_of(w) for w in self.ctx], shown.words(tr.vocab),
                             shown.colors(self.word_colors()), dim=tr.config.dim, hidden=tr.config.hidden,
                             width=lay.safe_width, height=h)
        net.move_to([0, lay.content_top - h / 2, 0])
        net.set_probabilities(shown.probabilities(v.f_before.probs[0]))
        sizes = self.gradient_counters(net, lay.content_bottom)
        err_scale = float(np.abs(self.errors).max()) or 1.0
        hid_scale = float(np.abs(v.hidden_signal).max()) or 1.0
        in_scale = float(np.abs(v.input_signal).max()) or 1.0
        pred_col, answer_col, cells, heads, signs, words = self.error_block
        out_colored = [node.copy().set_fill(style.value_color(e, err_scale), opacity=1)
                       for node, e in zip(net.output, self.errors)]
        with self.say("Backpropagation sends this error back through the network, layer by layer.") as phrase:
            self.play(FadeOut(self.chart_block, shift=LEFT), FadeOut(VGroup(pred_col, answer_col, signs),
                                                                     shift=LEFT),
                      FadeOut(heads), FadeOut(words), FadeIn(net), run_time=0.7)
            phrase.play(*[TransformFromCopy(cell, node) for cell, node in zip(cells.cells, out_colored)],
                        FadeOut(cells))
            self.remove(*out_colored)
            for node, e in zip(net.output, self.errors):
                node.set_fill(style.value_color(e, err_scale), opacity=1)
        w2 = [(o.get_left(), hd.get_right()) for o in net.output for hd in net.hidden]
        w1 = [(hd.get_left(), e.get_right()) for hd in net.hidden for e in net.embedding]
        dim = tr.config.dim
        lookups = [(e.get_left(), net.inputs[i // dim].get_right()) for i, e in enumerate(net.embedding)]
        stages = (
            (f"Across the output weights W₂ to the hidden layer: W₂'s gradient has size "
             f"{sizes[0][1]}.", w2, ("hidden", v.hidden_signal, hid_scale)),
            (f"Across W₁ to the embedding layer: size {sizes[1][1]}.", w1,
             ("embedding", v.input_signal, in_scale)),
            (f"And into the word vectors themselves: size {sizes[2][1]}.", lookups, None),
        )
        paths = []
        for (said, pairs, layer), (counter, _said, value) in zip(stages, sizes):
            path, grow = growing_edges(pairs)
            paths.append(path)
            with self.say(said) as phrase:
                phrase.play(grow, FadeIn(counter[0], shift=0.3 * UP), share=0.5, rate_func=linear)
                colour = net.colour_layer(*layer) if layer else []
                phrase.play(*colour, counting(counter[1], 0.0, value, gradient_size), rate_func=linear)
        self.backprop_parts = VGroup(net, *paths, *[s[0] for s in sizes])

    def state_the_update_rule(self):
        """The rule; one real weight of the "cat" vector and its gradient; (with Adam) the gradient
        rescaled; the numbers carried into the rule and the new weight counted out."""
        self.beat("update_rule")
        lay, tr, v = self.layout, self.trace, self.view
        rule = text("new weight = weight − learning rate × gradient", style.HEADING_SIZE, style.INK)
        fit_width(rule, lay.safe_width * 0.95)
        lr = learning_rate(tr.config.lr)
        meaning = (f"Each gradient says how the loss changes as its weight changes, so every weight steps "
                   f"against its gradient, scaled by the learning rate, {lr}.")
        if v.after is None:  # a diverged run: the rule, and the learning rate that broke it
            block = VGroup(rule, self.learning_rate_row()).arrange(DOWN, buff=0.3).move_to(lay.content_center)
            with self.say(meaning) as phrase:
                self.play(FadeOut(self.backprop_parts, shift=DOWN), run_time=style.FADE_TIME)
                phrase.play(Write(rule), FadeIn(block[1]))
            self.rule_block = block
            return
        k, i = self.k, self.word_id
        w0, w1, g = float(v.before.E[i, k]), float(v.after.E[i, k]), float(v.grads.E[i, k])
        adam = tr.config.optimizer == "adam"
        scaled = (w0 - w1) / tr.config.lr  # what the learning rate multiplied in this step
        used = scaled if adam else g

        def term(x, digits):
            s = signed(x, digits).strip()
            return f"({s})" if x < 0 else s

        def build(size):
            return VGroup(*self.rule_parts(size, w0, w1, g, scaled, adam, term(used, 3 if adam else 4)))

        room = lay.content_height * 0.95 - rule.height - 0.45
        table, formula = sized(build, style.HEADING_SIZE, lay.safe_width * 0.95, room)
        pieces, result = formula[:-1], formula[-1]
        block = VGroup(rule, table, formula).arrange(DOWN, buff=0.4).move_to(lay.content_center)
        with self.say("Each gradient says how the loss changes as its weight changes,") as phrase:
            phrase.play(FadeOut(self.backprop_parts, shift=2 * DOWN), rate_func=linear)
        with self.say(f"so every weight steps against its gradient, scaled by the learning rate, "
                      f"{lr}.") as phrase:
            phrase.play(Write(rule), share=0.6, rate_func=linear)
            phrase.play(FadeIn(table[2], shift=0.5 * UP))
        with self.say(f"Take weight {k + 1} of the “{self.word}” vector: "
                      f"{signed(w0, 4).strip()}, with gradient {signed(g, 4).strip()}.") as phrase:
            phrase.play(LaggedStart(*[FadeIn(row, shift=0.5 * UP) for row in table[:2]], lag_ratio=0.6))
        if adam:
            with self.say(f"Adam, our optimizer, divides it by its recent size: "
                          f"{signed(scaled, 3).strip()}.") as phrase:
                moves, land = flights([(table[1][1], table[3][1])])
                phrase.play(FadeIn(table[3][0], shift=0.5 * UP), *moves)
                land(self)
        sources = [table[0][1], table[2][1], table[3][1] if adam else table[1][1]]
        with self.say(f"The new weight: {signed(w0, 4).strip()} − {lr} × {term(used, 3 if adam else 4)} "
                      f"= {signed(w1, 4).strip()}.") as phrase:
            moves, land = flights(list(zip(sources, pieces[1::2][:3])))
            phrase.play(FadeIn(VGroup(pieces[0], pieces[2], pieces[4], pieces[6])), *moves, share=0.5)
            land(self)
            fmt = lambda x: signed(x, 4).strip()  # noqa: E731
            result.set_text(fmt(w0))
            self.add(result)
            phrase.play(counting(result, w0, w1, fmt), rate_func=linear)
        self.rule_block = block
        self.weight_result = result

    def nudge_the_vector(self):
        """Every number of the "cat" vector steps at once, its changes counting; on the word map the
        "cat" point moves by the step (magnified, and said so)."""
        self.beat("nudge")
        tr, v = self.trace, self.view
        i = self.word_id
        before, after = v.before.E[i], v.after.E[i]
        region = self.two_regions()
        (vec_c, vec_w, vec_h), (map_c, map_w, map_h) = region
        cell = min(1.0, (vec_w - 1.3) * 0.95 / (len(before) * 1.25))  # room on the left for "change"
        cells = VectorCells(before, scale=tr.embedding_scale, cell=cell, digits=3)
        change_size = max(12.0, cells.numbers[0].size * 0.8)  # smaller than the cells': gaps between them
        changes = VGroup(*[GlyphNumber(signed(0.0, 3), change_size, style.ACCENT, slots=6) for _ in before])
        for number, c in zip(changes, cells.cells):
            number.next_to(c, DOWN, buff=0.25)
        change_label = text("change", style.SMALL_SIZE, style.MUTED)
        word = text("vector", style.BODY_SIZE, style.MUTED)
        # A long word's chip is shrunk a little, then cut short: it never widens the block.
        head = VGroup(self.chip(self.word, style.BODY_SIZE, max_width=vec_w * 0.95 - word.width - 0.2), word)
        head.arrange(RIGHT, buff=0.2)
        change_label.next_to(changes, LEFT, buff=0.3)
        rows = VGroup(change_label, cells, changes)
        vec_block = VGroup(head, rows).arrange(DOWN, buff=0.35)  # the head over the rows and their label
        vec_block.move_to(vec_c)  # sized to fit, never scaled (its numbers change)
        # The word map: every word where this step found it; the "cat" point then moves by the step,
        # magnified (written under the map) so that it can be seen.
        mean, basis = word_map_basis(tr)
        here = (v.before.E[: tr.V] - mean) @ basis  # (V, 2)
        there = here.copy()
        step = (after - before) @ basis  # (2,) the step on the map
        span = float(np.ptp(here, axis=0).max()) or 1.0
        length = float(np.linalg.norm(step))
        mag = nice_magnification(0.3 * span / length) if length > 0 else 1
        there[i] = here[i] + mag * step
        name = short_word(self.word)  # a long word cut short (the chip above shows it whole)
        note = text(f"“{name}” step drawn {mag}× bigger" if mag > 1 else f"“{name}” step",
                    style.SMALL_SIZE, style.MUTED)
        wordmap = WordMap(np.stack([here, there]), tr.vocab, self.word_colors(), width=map_w,
                          height=map_h - note.height - 0.2, label_size=style.SMALL_SIZE)
        wordmap.remove(wordmap.epoch_label)  # two moments of one step, not epochs
        map_block = VGroup(wordmap, note).arrange(DOWN, buff=0.15).move_to(map_c)
        fit_width(note, map_w)
        start, end = wordmap.to_frame(here[i]), wordmap.to_frame(there[i])
        arrow = Arrow(start, end, buff=0, color=style.ACCENT, stroke_width=4,
                      max_tip_length_to_length_ratio=0.25)
        deltas = after - before
        moved = ", ".join(signed(d, 3).strip() for d in deltas)

        def tick(mob, a):
            cells.set_values(before + a * deltas)
            for number, d in zip(changes, deltas):
                number.set_text(signed(a * d, 3))

        with self.say(f"Every number of the “{self.word}” vector takes such a step at once: "
                      f"{moved}.") as phrase:
            phrase.play(FadeOut(self.rule_block, shift=UP), FadeOut(self.weight_result, shift=UP),
                        FadeIn(VGroup(head, cells, change_label, changes), shift=UP), FadeIn(wordmap),
                        share=0.35)
            phrase.play(UpdateFromAlphaFunc(VGroup(cells, changes), tick), rate_func=linear)
        with self.say(f"On the map the “{self.word}” point moves by this step, towards making "
                      f"“{self.target}” more likely.") as phrase:
            # The vector has made its step: it leaves, and the map shows where the step takes "cat".
            phrase.play(FadeOut(vec_block, shift=1.5 * LEFT), FadeIn(note, shift=0.3 * UP), GrowArrow(arrow),
                        share=0.4)
            phrase.play(UpdateFromAlphaFunc(wordmap, lambda m, a: m.set_epoch(a)), rate_func=linear)
        self.nudge_block = VGroup(map_block, arrow)

    def report_the_divergence(self):
        self.beat("diverged")
        tr, lay = self.trace, self.layout
        warning = text("training diverged", style.HEADING_SIZE, style.WRONG)
        block = VGroup(warning, self.learning_rate_row()).arrange(DOWN, buff=0.3).move_to(lay.content_center)
        with self.say(
            f"But with a learning rate of {learning_rate(tr.config.lr)} the steps are far too big: "
            f"in epoch {tr.diverged_epoch} the loss stopped being a number at all, "
            f"before this step could be recorded. The run diverged."
        ) as phrase:
            self.play(FadeOut(self.rule_block), run_time=style.FADE_TIME)
            phrase.play(FadeIn(block), share=0.3)

    def run_the_pair_again(self):
        """The same pair through the network with the new weights: the bars grow to the old
        prediction, then glide to the new one as the right word's probability counts up."""
        self.beat("again")
        lay, tr, v = self.layout, self.trace, self.view
        p0, p1 = v.f_before.probs[0], v.f_after.probs[0]
        was, now = percents_apart(p0[self.right], p1[self.right])
        w = lay.safe_width * (0.95 if lay.stacked else 0.8)
        view = self.wide_view(p0, p1, w)
        digits = len(was.rstrip("%").partition(".")[2])
        fmt = lambda x: percent(x, digits)  # noqa: E731
        slots = max(len(was), len(now), len(fmt(1.0)))  # what it shows while counting may be longer
        number = GlyphNumber(was, style.HEADING_SIZE, style.RIGHT, slots=slots)
        head = VGroup(text(f"p(“{short_word(self.target)}”)", style.HEADING_SIZE, self.color_of(self.target)),
                      number_text(was, style.HEADING_SIZE, style.MUTED),
                      text("→", style.HEADING_SIZE, style.MUTED), number).arrange(RIGHT, buff=0.25)
        head.move_to([0, lay.content_top - head.height / 2, 0])
        # The bars reach up to the tallest one shown rather than to p = 1 (from 0, so their heights
        # keep their proportions; their numbers say the values): a step of a point or two shows.
        tallest = float(max(view.probabilities(p0).max(), view.probabilities(p1).max(), 0.05))
        reach = lay.content_height - head.height - 0.4 - BAR_LABELS_ROOM
        bars = ProbabilityBars(tr.vocab, self.word_colors(), p0 * 0, width=w,
                               height=reach / tallest + BAR_LABELS_ROOM, right=self.right,
                               history=np.stack([p0, p1]), view=view)
        bars.remove(bars.frame)  # the frame reaches up to p = 1, far above the tallest bar
        floor = head.get_bottom()[1] - 0.85 - tallest * bars.max_height  # room for the numbers
        bars.shift(UP * (floor - bars.baseline.get_y()))
        with self.say("Run the same pair through the network again, with the new weights.") as phrase:
            self.play(FadeOut(self.nudge_block, shift=UP), run_time=style.FADE_TIME)
            self.play(FadeIn(VGroup(bars.baseline, bars.word_labels, bars.right_marker), head[:2]),
                      run_time=0.5)
            phrase.play(bars.change_values(p0 * 0, p0), rate_func=linear)
        way = "up" if p1[self.right] >= p0[self.right] else "down"
        with self.say(f"“{self.target}” now gets {now}, {way} from {was}: one small step. Training repeats "
                      f"it for every pair, epoch after epoch.") as phrase:
            phrase.play(FadeIn(head[2]), bars.change_values(p0, p1),
                        counting(number, float(p0[self.right]), float(p1[self.right]),
                                 lambda x: now if x == p1[self.right] else fmt(x)), share=0.8)

    # ---- pieces -----------------------------------------------------------------
    def error_columns(self, pred, answer, width: float, height: float) -> VGroup:
        """The prediction, the right answer and the error (prediction − right answer) as vectors
        over the rows the bars show (a big vocabulary's "others" row holds the rest's sum), each
        under its heading, with − and = between them and the rows' words: columns side by side in
        landscape and square frames (the words on the left), rows stacked in portrait (the words
        under the error). pred, answer: (n,) values; width × height: the region's size. Returns
        VGroup(prediction, answer, error, headings, signs, words), built at the size that fits (never
        scaled: the error's numbers are rewritten as it is computed)."""
        tr, shown, n = self.trace, self.shown, len(self.errors)
        portrait = self.layout.portrait
        names, colors = shown.words(tr.vocab), shown.colors(self.word_colors())

        def build(k):  # k: the size, as a share of full size
            heads = VGroup(text("prediction", style.BODY_SIZE * k, style.MUTED),
                           text("right answer", style.BODY_SIZE * k, style.RIGHT),
                           text("error", style.BODY_SIZE * k, style.ACCENT))
            signs = VGroup(*[text(s, style.HEADING_SIZE * k, style.INK) for s in "−="])
            if portrait:
                cell = min(0.9, width * PORTRAIT_CELLS_SHARE / (n * 1.25)) * k
            else:
                cell = min(1.1, (height * 0.9 - heads[0].height - 0.2) / (n * 0.62)) * k
            cols = [VectorCells(x, scale=1.0, cell=cell, vertical=not portrait)
                    for x in (pred, answer, self.errors)]
            units = [VGroup(head, col).arrange(DOWN, buff=0.15 * k) for head, col in zip(heads, cols)]
            if portrait:
                VGroup(*units).arrange(DOWN, buff=0.3 * k)
                for sign, col in zip(signs, cols[1:]):
                    sign.next_to(col, LEFT, buff=0.15 * k)
                words = word_labels(names, colors, cols[2].cells[0].width * 0.95,
                                    max(style.LABEL_SIZE * k, MIN_WORD_SIZE))
                for word, x in zip(words, cols[2].cells):
                    word.next_to(x, DOWN, buff=0.1 * k)
            else:
                VGroup(units[0], signs[0], units[1], signs[1], units[2]).arrange(RIGHT, buff=0.3 * k)
                for sign in signs:
                    sign.set_y(cols[0].get_y())
                words = word_labels(names, colors, width * WORDS_SHARE,
                                    max(style.LABEL_SIZE * k, MIN_WORD_SIZE))
                for word, x in zip(words, cols[0].cells):
                    word.next_to(x, LEFT, buff=0.15 * k)
            return VGroup(*cols, heads, signs, words)

        return sized(build, 1.0, width * 0.95, height * 0.95)

    def gradient_counters(self, net, bottom: float) -> list:
        """For W₂, W₁ and E: (VGroup(label, number), the size as said, the size), each under the
        diagram between the two layers it joins, its number at 0 ready to count up."""
        sizes = gradient_sizes(self.view.grads)
        xs = [net.layer(name).get_x() for name in ("words", "embedding", "hidden", "output")]
        spacing = xs[1] - xs[0]
        y = net.get_bottom()[1] - 0.2
        out = []
        for name, label, (a, b) in (("W2", "W₂ gradient", (2, 3)), ("W1", "W₁ gradient", (1, 2)),
                                    ("E", "E gradient", (0, 1))):
            value = sizes[name]
            said = gradient_size(value)

            def build(size, label=label, said=said):
                return VGroup(text(label, size, style.MUTED),
                              GlyphNumber(said, size, style.WRONG, slots=len(said))).arrange(DOWN, buff=0.12)

            group = sized(build, style.BODY_SIZE, spacing * 0.9, max(0.3, y - bottom))
            words, number = group
            group.move_to([(xs[a] + xs[b]) / 2, y - group.height / 2, 0])
            number.set_text(gradient_size(0.0)[: len(said)] if np.isfinite(value) else said)
            out.append((VGroup(words, number), said, value if np.isfinite(value) else 0.0))
        return out

    def two_regions(self) -> tuple[tuple, tuple]:
        """Two regions of the content area (centre, width, height): side by side in landscape,
        stacked in portrait (the first on top)."""
        lay = self.layout
        a, b, w, h = lay.halves()
        return (a, w, h), (b, w, h)

    def rule_parts(self, size: float, w0: float, w1: float, g: float, scaled: float, adam: bool,
                   used: str) -> tuple[VGroup, VGroup]:
        """The update rule's numbers at `size`: a table (the weight, its gradient, the learning rate
        and, for Adam, the scaled gradient; each row VGroup(label, number)) and the substituted
        formula “new weight = w − lr × g = w'” (its last piece the result, a GlyphNumber)."""
        lr = learning_rate(self.trace.config.lr)
        rows = [[text(f"“{short_word(self.word)}” vector, number {self.k + 1}", size, style.MUTED),
                 number_text(signed(w0, 4).strip(), size, style.INK)],
                [text("its gradient", size, style.MUTED),
                 number_text(signed(g, 4).strip(), size, style.WRONG)],
                [text("learning rate", size, style.MUTED), number_text(lr, size, style.ACCENT)]]
        if adam:
            rows.append([text("Adam's scaled gradient", size, style.MUTED),
                         number_text(signed(scaled, 3).strip(), size, style.WRONG)])
        table = grid(rows, gap=0.5, pitch=0.55 * size / style.BODY_SIZE, align=[LEFT, RIGHT])
        pieces = [text("new weight =", size, style.INK), number_text(signed(w0, 4).strip(), size, style.INK),
                  text("−", size, style.INK), number_text(lr, size, style.ACCENT), text("×", size, style.INK),
                  number_text(used, size, style.WRONG), text("=", size, style.INK),
                  GlyphNumber(signed(w1, 4).strip(), size, style.RIGHT, slots=len(signed(w1, 4)))]
        formula = VGroup(*pieces).arrange(RIGHT, buff=0.18 * size / style.BODY_SIZE)
        return table, formula

    def wide_view(self, p0, p1, width: float) -> OutputView:
        """The bars' words for a chart `width` frame units wide: every word when their bars fit
        readably (charts.bars_view), else the likeliest ones (over both moments, p0 and p1: (V,)
        each) with the right word, and "others"."""
        return bars_view(self.trace.vocab, np.stack([p0, p1]), self.right, width)

    def learning_rate_row(self) -> VGroup:
        """“learning rate 0.01”: the run's learning rate, as the update rule uses it."""
        return labelled("learning rate", learning_rate(self.trace.config.lr), style.BODY_SIZE, style.MUTED,
                        style.ACCENT, buff=0.2)
