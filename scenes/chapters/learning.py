"""Chapter 5: Learning from the mistake. The error computed at the output (the right answer
taken away from the prediction), the error travelling back through the layers (each layer's
gradient size gathered as the signal crosses it), the update rule with one real weight of the
"cat" vector (taken out of the diagram with its gradient), the whole vector nudged by one step
(its numbers, their change, and its point on the word map), and the same forward pass again:
the right word's probability before and after the step, then at the end of every epoch."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowArrow,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Transform,
    TransformFromCopy,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    Write,
    linear,
    smooth,
)

from model.analysis import gradient_sizes, step_view, word_map_basis
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import CountCells, VectorCells, short_word, word_labels
from scenes.kit.charts import BAR_LABEL_SHARE, ProbabilityBars, bars_view
from scenes.kit.diagram import NetworkDiagram
from scenes.kit.formatting import gradient_size, learning_rate, percent, percents_apart, signed
from scenes.kit.text import GlyphNumber, fit, fit_width, grid, labelled, number_text, text
from scenes.kit.wordmap import WordMap

PORTRAIT_CELLS_SHARE = 0.85  # in portrait the error's cells, side by side, take this share of the width
NUMBER_ADVANCE = 0.0082  # frame units per character of a GlyphNumber, per unit of font size (measured)
WORDS_SHARE = 0.2  # in landscape the rows' words, left of the columns, are at most this share of the width
MIN_WORD_SIZE = 12.5  # the rows' words in the error columns never shrink below this
BAR_LABELS_ROOM = 1.1  # frame units: a bar chart's words below its line and numbers above its bars
BAR_NUMBER_ROOM = 0.5  # frame units over the tallest bar, for its number
BAR_WORD_ROOM = 0.65  # frame units under a bar chart's line, for its words and the right word's mark
MAGNIFICATIONS = (1, 2, 5)  # the word map draws a step magnified by 1, 2 or 5 times a power of ten
RULE = "new weight = weight − learning rate × gradient"
ROW_CELL = 0.9  # frame units: a cell of the update table at full size (its number at size ≈ 22)
ROW_GAP = 0.14  # frame units between the update table's rows, at full size
SIGNAL_TIME = 1.5  # seconds the error takes to cross a layer's edges, at most
GATHER_TIME = 2.2  # seconds a layer's gradients take to gather into their size, at most


class SignedBars(VGroup):
    """Bars that may go below zero, each with its value (2 decimals) and its word: the prediction
    (all above the line) becoming the error (the right word's bar below it).

    words, colors: the rows shown (n of each); values: (n,) the starting values; low ≤ 0 < high:
    the range the chart's height spans (changed with `set_range`: the chart rescales, its words
    staying put); width × height: its size in frame units.
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
        self.word_h = 0.5 * label_size / 22
        self.room = 0.45 * self.value_size / 22  # a value label and its gap, above or below a bar
        self.baseline = VMobject(stroke_color=style.MUTED, stroke_width=2).set_points_as_corners(
            [[-width / 2, 0, 0], [width / 2, 0, 0]])
        self.bars, self.word_labels = VGroup(), VGroup()
        for i, (word, color) in enumerate(zip(words, colors)):
            x = -width / 2 + slot * (i + 0.5)
            self.bars.add(Rectangle(width=slot * 0.72, height=1e-3, fill_color=color, fill_opacity=0.9,
                                    stroke_width=0).move_to([x, 0, 0]))
            self.word_labels.add(labels[i].move_to([x, -height / 2 + self.word_h / 2, 0]))
        self.value_labels = VGroup(*[GlyphNumber("", self.value_size, style.INK, slots=5) for _ in words])
        self.add(self.frame, self.baseline, self.bars, self.word_labels, self.value_labels)
        self.values = np.zeros(n)
        self.set_range(low, high)
        self.set_values(values)

    def set_range(self, low: float, high: float):
        """The values the chart's height spans from now on (low ≤ 0 < high): the zero line moves,
        the bars keep their values (call set_values to redraw them)."""
        self.low, self.high = float(low), float(high)
        height = self.frame.height
        self.unit = (height - self.word_h - 2 * self.room) / max(self.high - self.low, 1e-9)
        zero = self.frame.get_center()[1] + height / 2 - self.room - self.high * self.unit
        self.baseline.set_y(zero)
        return self

    def zero(self) -> float:
        """The y of the zero line now, wherever the chart has been moved."""
        return self.baseline.get_center()[1]

    def set_values(self, values):
        """Each bar to its value (up from the line when ≥ 0, down when < 0), its number beside it."""
        zero = self.zero()
        self.values = np.nan_to_num(np.asarray(values, float))
        for bar, label, v in zip(self.bars, self.value_labels, self.values):
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
    path = VMobject(stroke_color=color, stroke_width=6, stroke_opacity=0.8)

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


def parenthesised(x: float, digits: int) -> str:
    """A signed value as a term of a formula: in brackets when negative ("(−0.744)")."""
    s = signed(x, digits).strip()
    return f"({s})" if x < 0 else s


def words_of(line, content: str, words: str) -> VGroup:
    """The glyphs of `words` inside `line`, a Text of `content` drawn one glyph per character other
    than spaces and line breaks (scenes.kit.text.text does so for Latin text). Raises ValueError
    when `words` is not in `content`."""
    start = content.index(words)
    first = len("".join(content[:start].split()))
    return VGroup(*line.submobjects[first:first + len("".join(words.split()))])


def travelling_row(row: VectorCells, source, start, end) -> UpdateFromAlphaFunc:
    """A row of cells sliding from where `source` is to its own place, its numbers counting from
    `start` to `end` ((d,) each): a whole vector computed from another, cell by cell."""
    home = row.get_center()
    origin = source.get_center()
    start, end = np.asarray(start, float), np.asarray(end, float)

    def step(mob, a):
        mob.move_to(origin + (home - origin) * a)
        mob.set_values(start + (end - start) * a)

    step(row, 0.0)
    return UpdateFromAlphaFunc(row, step)


def fitted_cells(values, scale: float, cell: float, digits: int) -> VectorCells:
    """A row of cells (VectorCells) whose numbers, `digits` decimals each, are drawn small enough to
    fit their cells (VectorCells' own size suits 2 decimals)."""
    row = VectorCells(values, scale=scale, cell=cell, digits=digits)
    room = row.cells[0].width * 0.9 / ((digits + 3) * NUMBER_ADVANCE * row.numbers[0].size)
    if room < 1:
        for number, box in zip(row.numbers, row.cells):
            number.scale(room).move_to(box)
    return row


def within(start: float, end: float):
    """A rate function that runs (smoothly) only from `start` to `end`, fractions of its animation:
    one of several animations played together that should go first, or last."""
    def rate(t: float) -> float:
        return smooth(min(1.0, max(0.0, (t - start) / max(end - start, 1e-9))))

    return rate


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
        """The prediction's bars grow (the chart spanning the prediction only); its numbers travel
        into a vector; the chart rescales to hold the right answer's 1, which travels into its own
        vector; the two combine, cell by cell, into the error while the right word's bar drops below
        zero, and the chart's heading becomes the error's."""
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
        # The context, then an arrow pointing the way the text reads to the word asked for.
        pair = f"? {self.reading_arrow} {context}" if self.rtl else f"{context} → ?"
        heading = fit_width(text(f"prediction for “{pair}”", style.BODY_SIZE, style.MUTED), w * 0.95)
        # At first the chart spans the prediction only (its bars tall); the right answer's 1 and the
        # error below zero make it rescale later.
        low, first_high = min(0.0, float(self.errors.min())), min(1.0, float(pred.max()) * 1.15)
        chart = SignedBars(shown.words(tr.vocab), shown.colors(self.word_colors()), pred * 0,
                           low=0.0, high=first_high, width=chart_w, height=h * 0.95 - heading.height - 0.25)
        block = VGroup(heading, chart).arrange(DOWN, buff=0.25)
        fit(block, w * 0.95, h).move_to(left_c)
        error_heading = fit_width(text("error = prediction − right answer", style.BODY_SIZE, style.ACCENT),
                                  w * 0.95).move_to(heading)
        self.error_block = self.error_columns(pred, answer, w, h).move_to(right_c)
        pred_col, answer_col, err_col, heads, signs, words = self.error_block
        r = shown.position(self.right)
        right_bar = chart.bars[r]
        one = Rectangle(width=right_bar.width, height=1e-3, stroke_color=style.RIGHT, stroke_width=3,
                        fill_color=style.RIGHT, fill_opacity=0.2)
        one_label = number_text("1.00", chart.value_size, style.RIGHT)
        p = float(pred[r])
        with self.say(f"When training first reaches this pair, the network gives “{self.target}” "
                      f"{percent(probs[self.right])}.") as phrase:
            self.play(FadeIn(heading), FadeIn(VGroup(chart.baseline, chart.word_labels), shift=0.5 * RIGHT),
                      run_time=0.5)
            phrase.play(UpdateFromAlphaFunc(chart, lambda m, a: m.set_values(pred * a)), rate_func=linear)

        def make_room(mob, a):  # the chart reaching from the error's low to 1 while the 1 rises
            chart.set_range(low * a, first_high + (1.0 - first_high) * a).set_values(pred)
            one.stretch_to_fit_height(max(a * chart.unit, 1e-3))
            one.move_to([right_bar.get_x(), chart.zero(), 0], aligned_edge=DOWN)

        with self.say(f"Set it beside the right answer, which puts all of the probability, 1, "
                      f"on “{self.target}”.") as phrase:
            moves, land = flights(list(zip(chart.value_labels, pred_col.numbers)))
            phrase.play(FadeIn(VGroup(heads[0], words, pred_col.cells)), *moves, share=0.4)
            land(self)
            zeros = [number for k, number in enumerate(answer_col.numbers) if k != r]
            make_room(one, 0.0)
            phrase.play(UpdateFromAlphaFunc(VGroup(chart, one), make_room), share=0.3)
            one_label.next_to(one, UP, buff=0.1)
            self.play(FadeIn(one_label, shift=0.2 * UP), run_time=0.3)
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
                        FadeIn(heads[2]), share=0.25)
            phrase.play(UpdateFromAlphaFunc(err_col, lambda m, a: m.set_values(pred - a * answer)),
                        UpdateFromAlphaFunc(VGroup(one, chart), take_away), FadeIn(signs[1], scale=0.5),
                        share=0.45)
            # The chart now shows the error: its heading says so (the old one goes, then the new comes).
            phrase.play(FadeOut(heading, shift=0.4 * UP, rate_func=within(0.0, 0.4)),
                        FadeIn(error_heading, shift=0.4 * UP, rate_func=within(0.4, 1.0)))
        self.chart_block = VGroup(error_heading, chart, one)

    def send_the_error_back(self):
        """The error's cells land on the output layer of the network; the error travels back along
        each layer's edges, colours the layer it reaches, and the layer's gradients gather into its
        gradient size, counting up."""
        self.beat("backprop")
        lay, tr, v = self.layout, self.trace, self.view
        h = lay.content_height * (0.75 if lay.portrait else 0.72)
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
            # The chart and the columns slide out, the network comes in beside the error's cells,
            # which then land on its output layer.
            phrase.play(FadeOut(VGroup(self.chart_block, pred_col, answer_col, signs, heads, words),
                                shift=3 * LEFT), share=0.2)
            phrase.play(FadeIn(net, shift=0.5 * LEFT), share=0.3)
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
                crossing = min(0.35, SIGNAL_TIME / phrase.duration)
                phrase.play(grow, FadeIn(counter[0], shift=0.3 * UP), share=crossing, rate_func=linear)
                # The layer reached takes the signal's colours; the gradients of all the weights the
                # signal crossed gather into one number, the size of that gradient, counting up.
                gathered = path.copy()
                colour = net.colour_layer(*layer) if layer else []
                phrase.play(*colour, gathered.animate.scale(0.15).move_to(counter[1]).set_stroke(opacity=0),
                            counting(counter[1], 0.0, value, gradient_size), rate_func=linear,
                            share=min(1.0, GATHER_TIME / phrase.duration))
                self.remove(gathered)
        self.backprop_parts = VGroup(net, *paths, *[s[0] for s in sizes])
        self.net = net

    def state_the_update_rule(self):
        """The "cat" vector and its gradient lifted out of the diagram; the rule, its learning rate
        taken from its words; one real weight and its gradient picked out; (with Adam) the gradient
        row rescaled; the numbers carried into the rule and the new weight counted out."""
        self.beat("update_rule")
        lay, tr, v = self.layout, self.trace, self.view
        lr = learning_rate(tr.config.lr)
        meaning = (f"Each gradient says how the loss changes as its weight changes, so every weight steps "
                   f"against its gradient, scaled by the learning rate, {lr}.")
        if v.after is None:  # a diverged run: the rule, and the learning rate that broke it
            rule = fit_width(text(self.rule_text, style.HEADING_SIZE, style.INK), lay.safe_width * 0.95)
            block = VGroup(rule, self.learning_rate_row()).arrange(DOWN, buff=0.3).move_to(lay.content_center)
            with self.say(meaning) as phrase:
                self.play(FadeOut(self.backprop_parts, shift=DOWN), run_time=style.FADE_TIME)
                phrase.play(Write(rule), FadeIn(block[1]))
            self.rule_block = block
            return
        k, i = self.k, self.word_id
        w, g, new = v.before.E[i], v.grads.E[i], v.after.E[i]  # (d,) each
        adam = tr.config.optimizer == "adam"
        scaled = (w - new) / tr.config.lr  # (d,) what the learning rate multiplied, weight by weight
        used = scaled if adam else g
        digits = 3 if adam else 4  # the gradient the rule uses, as written
        self.update = dict(w=w, g=g, new=new, used=used, deltas=new - w, adam=adam)
        rows = [("learning rate", lr, None, None),
                (f"“{short_word(self.word)}” vector", w, tr.embedding_scale, 4),
                ("its gradient", g, np.abs(g).max(), 4)]
        if adam:
            rows.append(("Adam's scaled gradient", scaled, np.abs(scaled).max(), 3))
        rows.append(("change", new - w, np.abs(new - w).max(), 4))
        terms = (signed(w[k], 4).strip(), lr, parenthesised(used[k], digits), signed(new[k], 4).strip())
        width = lay.safe_width * 0.95
        height = lay.content_height * 0.97
        block = sized(lambda s: self.update_block(s, rows, terms, width), 1.0, width, height)
        block.move_to(lay.content_center)
        rule, table, formula = block
        lr_row, vec, grad = table[0], table[1][1], table[2][1]
        self.update_parts = block
        # The "cat" vector's squares in the diagram (its slot of the embedding layer, coloured by the
        # gradient that reached it) are copied out twice: its weights and their gradients.
        dim, slot = tr.config.dim, len(self.ctx) - 1
        net = self.net
        nodes = net.embedding[slot * dim:(slot + 1) * dim]
        rest = VGroup(*[m for m in net.submobjects if m is not net.embedding],
                      *[node for node in net.embedding if node not in nodes], *self.backprop_parts[1:])
        with self.say("Each gradient says how the loss changes as its weight changes,") as phrase:
            # The diagram leaves but for those squares, which then fly out into the two rows.
            phrase.play(FadeOut(rest, shift=2 * DOWN), share=0.2)
            phrase.play(*[TransformFromCopy(node, cell) for body in (vec, grad)
                          for node, cell in zip(nodes, body.cells)], FadeOut(nodes), share=0.45)
            phrase.play(FadeIn(VGroup(table[1][0], table[2][0]), shift=0.8 * RIGHT),
                        FadeIn(VGroup(vec.numbers, grad.numbers), scale=0.6))
        with self.say(f"so every weight steps against its gradient, scaled by the learning rate, "
                      f"{lr}.") as phrase:
            phrase.play(FadeIn(rule, shift=0.8 * DOWN), share=0.35)
            # The rule's words "learning rate" travel down to the row that gives their value.
            phrase.play(TransformFromCopy(words_of(rule, self.rule_text, "learning rate"), lr_row[0]),
                        FadeIn(lr_row[1], shift=0.5 * RIGHT))
        # The weight followed: its column, from the whole rows narrowed down to its cells.
        box = self.column_box(k, vec, grad)
        with self.say(f"Take weight {k + 1} of the “{self.word}” vector: "
                      f"{signed(w[k], 4).strip()}, with gradient {signed(g[k], 4).strip()}.") as phrase:
            wide = SurroundingRectangle(VGroup(vec, grad), buff=0.06, color=style.ACCENT, stroke_width=4)
            phrase.play(Create(wide), share=0.3)
            phrase.play(ReplacementTransform(wide, box))
        source = grad
        if adam:
            scaled_row = table[3]
            target_box = self.column_box(k, vec, scaled_row[1])
            with self.say(f"Adam, our optimizer, divides it by its recent size: "
                          f"{signed(scaled[k], 3).strip()}.") as phrase:
                # Every gradient is rescaled: the row slides down, each number counting to its new value
                # (its label comes once the row has passed it).
                phrase.play(FadeIn(scaled_row[0], shift=1.5 * RIGHT, rate_func=within(0.8, 1.0)),
                            travelling_row(scaled_row[1], grad, g, scaled), Transform(box, target_box))
            source = scaled_row[1]
        pieces, result = formula[:-1], formula[-1]
        with self.say(f"The new weight: {signed(w[k], 4).strip()} − {lr} × {terms[2]} "
                      f"= {signed(new[k], 4).strip()}.") as phrase:
            moves, land = flights(list(zip([vec.numbers[k], lr_row[1], source.numbers[k]], pieces[1::2][:3])))
            phrase.play(FadeIn(VGroup(pieces[0], pieces[2], pieces[4], pieces[6])), *moves, share=0.5)
            land(self)
            fmt = lambda x: signed(x, 4).strip()  # noqa: E731
            result.set_text(fmt(w[k]))
            self.add(result)
            phrase.play(counting(result, w[k], new[k], fmt), rate_func=linear)
        self.rule_block = VGroup(rule, table[:-1], formula, box)
        self.column = box

    def nudge_the_vector(self):
        """The change of every weight at once (−learning rate × its gradient, a whole row), the
        "cat" vector's numbers ticking from old to new beside it; on the word map the "cat" point
        moves by the step (magnified, and said so)."""
        self.beat("nudge")
        lay, tr, v, u = self.layout, self.trace, self.view, self.update
        i = self.word_id
        rule, table, formula = self.update_parts
        vec, change_row = table[1][1], table[-1]
        source = table[3][1] if u["adam"] else table[2][1]
        moved = ", ".join(signed(d, 3).strip() for d in u["deltas"])  # said to 3 decimals
        # Once the other rows have gone, the vector and its change (one under the other) make room
        # for the word map: at the top (the map below), or in a wide frame at the left (the map at
        # the right), whichever leaves the map more room.
        vec_row = table[1]
        kept = VGroup(vec_row, change_row)
        pitch = table[2].get_y() - vec_row.get_y()  # < 0: the next row down
        left, right = min(row[0].get_left()[0] for row in kept), vec.get_right()[0]
        kept_h = vec_row.height - pitch
        (map_c, map_w, map_h), place = self.map_region(right - left, kept_h)
        if place == "left":
            dx = lay.safe_left + 0.1 - left
            vec_y = lay.content_center[1] - pitch / 2
        else:
            dx = lay.content_center[0] - (left + right) / 2
            vec_y = lay.content_top - vec_row.height / 2
        top = [dx, vec_y - vec_row.get_y(), 0]
        under = [dx, vec_y + pitch - change_row.get_y(), 0]
        with self.say(f"Every number of the “{self.word}” vector takes such a step at once: "
                      f"{moved}.") as phrase:
            phrase.play(FadeOut(formula, shift=0.5 * DOWN), FadeOut(self.column), share=0.1)
            # The gradient row the rule used travels down and becomes the change: −learning rate × it.
            phrase.play(FadeIn(change_row[0], shift=1.5 * RIGHT, rate_func=within(0.8, 1.0)),
                        travelling_row(change_row[1], source, u["used"], u["deltas"]), share=0.3)
            phrase.play(FadeOut(VGroup(rule, table[0], table[2:-1]), shift=1.5 * LEFT), share=0.08)
            phrase.play(vec_row.animate.shift(top), change_row.animate.shift(under), share=0.12)
            # The change is added to the vector: a copy of its row rises onto it as the numbers tick.
            added = change_row[1].copy()
            phrase.play(added.animate.move_to(vec).set_opacity(0), CountCells(vec, u["new"], start=u["w"]),
                        rate_func=linear)
            self.remove(added)
        # On the map the "cat" point moves by the step, magnified (written under the map) so that it
        # can be seen.
        mean, basis = word_map_basis(tr)
        before, after = v.before.E[i], v.after.E[i]
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
        with self.say(f"On the map the “{self.word}” point moves by this step, towards making "
                      f"“{self.target}” more likely.") as phrase:
            phrase.play(FadeIn(wordmap, shift=2 * UP), share=0.35)
            phrase.play(FadeIn(note, shift=0.3 * UP), GrowArrow(arrow),
                        UpdateFromAlphaFunc(wordmap, lambda m, a: m.set_epoch(a)), rate_func=linear)
        self.nudge_block = VGroup(kept, map_block, arrow)

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
        prediction, then glide to the new one as the right word's probability counts up (its old
        level marked); then the chart reaches up to 100% and the bars glide through the end of every
        epoch of the run, the epoch counting."""
        self.beat("again")
        lay, tr, v = self.layout, self.trace, self.view
        p0, p1 = v.f_before.probs[0], v.f_after.probs[0]
        later = tr.probs[1:, self.pair]  # (epochs, V) this pair's prediction at the end of each epoch
        seq = np.vstack([p1, later])  # what the bars glide through after the step
        was, now = percents_apart(p0[self.right], p1[self.right])
        final = percent(later[-1, self.right]) if len(later) else now
        w = lay.safe_width * (0.95 if lay.stacked else 0.8)
        view = bars_view(tr.vocab, np.vstack([p0, seq]), self.right, w)
        digits = len(was.rstrip("%").partition(".")[2])
        fmt = lambda x: percent(x, digits)  # noqa: E731
        slots = max(len(was), len(now), len(fmt(1.0)), len(final))  # what it shows while counting
        number = GlyphNumber(was, style.HEADING_SIZE, style.RIGHT, slots=slots)
        head = VGroup(text(f"p(“{short_word(self.target)}”)", style.HEADING_SIZE, self.color_of(self.target)),
                      number_text(was, style.HEADING_SIZE, style.MUTED),
                      text("→", style.HEADING_SIZE, style.MUTED), number).arrange(RIGHT, buff=0.25)
        fit_width(head, lay.safe_width)
        last = tr.last_epoch
        epoch = GlyphNumber("1", style.BODY_SIZE, style.INK, slots=len(str(last)))
        clock = VGroup(text("after epoch", style.BODY_SIZE, style.MUTED), epoch).arrange(RIGHT, buff=0.2)
        if head.width + clock.width + 0.8 <= lay.safe_width:  # the epoch beside the head, else under it
            VGroup(head, clock).arrange(RIGHT, buff=0.8)
        else:
            VGroup(head, clock).arrange(DOWN, buff=0.15)
        VGroup(head, clock).move_to([0, lay.content_top - VGroup(head, clock).height / 2, 0])
        # The bars reach up to the tallest one shown rather than to p = 1 (from 0, so their heights
        # keep their proportions; their numbers say the values): a step of a point or two shows.
        tallest = float(max(view.probabilities(p0).max(), view.probabilities(p1).max(), 0.05))
        top = min(head.get_bottom()[1], clock.get_bottom()[1]) - BAR_NUMBER_ROOM
        reach = top - lay.content_bottom - BAR_WORD_ROOM
        bars = ProbabilityBars(tr.vocab, self.word_colors(), p0 * 0, width=w,
                               height=reach / tallest + BAR_LABELS_ROOM, right=self.right,
                               history=np.vstack([p0, seq]), view=view)
        bars.remove(bars.frame)  # the frame reaches up to p = 1, far above the tallest bar
        floor = top - tallest * bars.max_height
        bars.shift(UP * (floor - bars.baseline.get_y()))
        with self.say("Run the same pair through the network again, with the new weights.") as phrase:
            self.play(FadeOut(self.nudge_block, shift=UP), run_time=style.FADE_TIME)
            self.play(FadeIn(VGroup(bars.baseline, bars.word_labels, bars.right_marker), head[:2]),
                      run_time=0.5)
            phrase.play(bars.change_values(p0 * 0, p0), rate_func=linear)
        right_bar = bars.bar_of(self.right)
        old = DashedLine(right_bar.get_corner(UP + LEFT) + 0.12 * LEFT, right_bar.get_corner(UP + RIGHT)
                         + 0.12 * RIGHT, stroke_color=style.MUTED, stroke_width=3)
        way = "up" if p1[self.right] >= p0[self.right] else "down"
        with self.say(f"“{self.target}” now gets {now}, {way} from {was}: one small step.") as phrase:
            self.add(old)  # its old level stays marked while the bar moves
            phrase.play(FadeIn(head[2]), bars.change_values(p0, p1),
                        counting(number, float(p0[self.right]), float(p1[self.right]),
                                 lambda x: now if x == p1[self.right] else fmt(x)), rate_func=linear)
        if not len(later):
            return
        full = tallest * bars.max_height  # the bars' height at p = 1 once the chart reaches 100%
        start_height = bars.max_height

        def rescale(mob, a):
            mob.max_height = start_height + (full - start_height) * a
            mob.set_values(p1)

        def run(mob, a):
            t = a * (len(seq) - 1)
            j = min(int(t), len(seq) - 2)
            p = seq[j] + (seq[j + 1] - seq[j]) * (t - j)
            mob.set_values(p)
            number.set_text(final if a >= 1 else fmt(p[self.right]))
            epoch.set_text(str(max(1, int(np.ceil(t - 1e-9)))))

        with self.say(f"Training repeats it for every pair, epoch after epoch: after epoch {last}, "
                      f"“{self.target}” gets {final}.") as phrase:
            # The chart now reaches up to 100%: the run will take the right word far above this step.
            phrase.play(FadeOut(old), FadeIn(clock, shift=0.3 * DOWN),
                        UpdateFromAlphaFunc(bars, rescale), share=0.2)
            phrase.play(UpdateFromAlphaFunc(bars, run), rate_func=linear)

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
        """For W₂, W₁ and E: (VGroup(label, number), the size as said, the size), its number at 0
        ready to count up: each under the diagram between the two layers it joins, or in portrait
        (where the layers are close together) one per line under the diagram, E at the top and W₂
        at the bottom (the gradients gathering into them, W₂'s first, cross no line shown)."""
        sizes = gradient_sizes(self.view.grads)
        xs = [net.layer(name).get_x() for name in ("words", "embedding", "hidden", "output")]
        spacing = xs[1] - xs[0]
        y = net.get_bottom()[1] - 0.2
        portrait = self.layout.portrait
        out = []
        layers = (("W2", "W₂ gradient", (2, 3)), ("W1", "W₁ gradient", (1, 2)), ("E", "E gradient", (0, 1)))
        for k, (name, label, (a, b)) in enumerate(layers):
            value = sizes[name]
            said = gradient_size(value)

            def build(size, label=label, said=said):
                number = GlyphNumber(said, size, style.WRONG, slots=len(said))
                return VGroup(text(label, size, style.MUTED), number).arrange(RIGHT if portrait else DOWN,
                                                                               buff=0.2 if portrait else 0.12)

            if portrait:
                line = (y - bottom) / 3
                group = sized(build, style.BODY_SIZE, self.layout.safe_width * 0.9, max(0.3, line * 0.8))
                group.move_to([0, y - line * (2 - k + 0.5), 0])  # E, W₁, W₂ down: the diagram's order
            else:
                group = sized(build, style.BODY_SIZE, spacing * 0.9, max(0.3, y - bottom))
                group.move_to([(xs[a] + xs[b]) / 2, y - group.height / 2, 0])
            words, number = group
            number.set_text(gradient_size(0.0)[: len(said)] if np.isfinite(value) else said)
            out.append((VGroup(words, number), said, value if np.isfinite(value) else 0.0))
        return out

    @property
    def rule_text(self) -> str:
        """The update rule in words: one line, or two in portrait (narrow)."""
        return RULE.replace("= ", "=\n", 1) if self.layout.portrait else RULE

    def map_region(self, kept_w: float, kept_h: float) -> tuple[tuple, str]:
        """Where the word map goes beside a block kept_w × kept_h (frame units): ((centre, width,
        height), "top" or "left"), the block at the top of the content area (the map under it) or at
        its left (the map at its right), whichever gives the map more room (its width at most 2.4
        times its height, and its height at most its width)."""
        lay, gap = self.layout, 0.4

        def room(w, h):
            w, h = min(w, 2.4 * h), min(h, w)
            return w, h

        under_w, under_h = room(lay.safe_width * 0.95, lay.content_height - kept_h - gap)
        side_w, side_h = room(lay.safe_width - kept_w - gap - 0.1, lay.content_height)
        if side_w * side_h > under_w * under_h:
            x = lay.safe_right - (lay.safe_width - kept_w - gap - 0.1) / 2
            return (np.array([x, lay.content_center[1], 0]), side_w, side_h), "left"
        y = (lay.content_top - kept_h - gap + lay.content_bottom) / 2
        return (np.array([lay.content_center[0], y, 0]), under_w, under_h), "top"

    def update_block(self, size: float, rows, terms, width: float) -> VGroup:
        """The update rule over its table and the substituted formula, at `size` (a share of full
        size): VGroup(rule, table, formula). rows: (label, values, scale, digits) per row of the
        table, `values` a (d,) vector drawn as cells (or a string, drawn as one number: the learning
        rate); each table row is VGroup(label, cells or number). terms: the formula's weight,
        learning rate, gradient and new weight as written; the formula “new weight = w − lr × g =
        w'” (its last piece the result, a GlyphNumber) sits where the table's last row (the change,
        shown after the formula has gone) will be; in portrait it takes two lines. The rule is made
        smaller to fit `width` on its own."""
        rule = fit_width(text(self.rule_text, style.HEADING_SIZE * size, style.INK), width)
        cells = []
        for label, values, scale, digits in rows:
            name = text(label, style.BODY_SIZE * size, style.MUTED)
            if isinstance(values, str):
                body = number_text(values, style.BODY_SIZE * size, style.ACCENT)
            else:
                body = fitted_cells(values, float(scale) or 1.0, ROW_CELL * size, digits)
            cells.append([name, body])
        pitch = ROW_CELL * size * 0.62 + ROW_GAP * size
        if self.layout.portrait:  # narrow: each label over its row
            table = VGroup()
            for name, body in cells:
                if isinstance(body, VectorCells):
                    table.add(VGroup(name, body).arrange(DOWN, buff=0.1 * size, aligned_edge=LEFT))
                else:
                    table.add(VGroup(name, body).arrange(RIGHT, buff=0.3 * size))
            table.arrange(DOWN, buff=ROW_GAP * size, aligned_edge=LEFT)
        else:
            table = grid(cells, gap=0.35 * size, pitch=pitch, align=[RIGHT, LEFT])
        w0, lr, g, w1 = terms
        big = style.HEADING_SIZE * size
        pieces = [text("new weight =", big, style.INK), number_text(w0, big, style.INK),
                  text("−", big, style.INK), number_text(lr, big, style.ACCENT), text("×", big, style.INK),
                  number_text(g, big, style.WRONG), text("=", big, style.INK),
                  GlyphNumber(w1, big, style.RIGHT, slots=len(w1) + 1)]
        buff = 0.18 * size
        if self.layout.portrait:
            VGroup(*pieces[1:]).arrange(RIGHT, buff=buff)
            VGroup(pieces[0], VGroup(*pieces[1:])).arrange(DOWN, buff=0.15 * size)
        else:
            VGroup(*pieces).arrange(RIGHT, buff=buff)
        formula = fit_width(VGroup(*pieces), width)  # on its own: the table keeps its size
        VGroup(rule, table).arrange(DOWN, buff=0.35 * size)
        formula.next_to(table[-2], DOWN, buff=ROW_GAP * size * 2).set_x(table.get_x())
        return VGroup(rule, table, formula)

    def column_box(self, k: int, *rows) -> VGroup:
        """A frame around cell k of each row of cells given (a weight and its gradients): one per
        cell, so that no frame crosses the rows' labels between them (in portrait)."""
        return VGroup(*[SurroundingRectangle(row.cells[k], buff=0.05, color=style.ACCENT, stroke_width=4)
                        for row in rows])

    def learning_rate_row(self) -> VGroup:
        """“learning rate 0.01”: the run's learning rate, as the update rule uses it."""
        return labelled("learning rate", learning_rate(self.trace.config.lr), style.BODY_SIZE, style.MUTED,
                        style.ACCENT, buff=0.2)
