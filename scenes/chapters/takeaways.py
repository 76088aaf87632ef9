"""Chapter 8: What you just saw. Learning rates side by side (real runs), convergence,
overfitting tested on a new arrangement of the words, why context matters (a real
context-1 run), scale next to published figures, Transformers in one breath, and the
closing line."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    Restore,
    Succession,
    Text,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
    linear,
)

from model.analysis import evaluate, rising_epochs
from model.data import best_probabilities, build_dataset
from model.experiments import CONTEXT_ONE, LR_TOO_LARGE, LR_TOO_SMALL, learning_rate_runs, rearranged
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.cells import KEPT, short_word
from scenes.kit.charts import LossCurve, ProbabilityBars
from scenes.kit.formatting import count, learning_rate, percent
from scenes.kit.published import LARGE_MODELS, UNDISCLOSED_NOTE
from scenes.kit.text import columns, fit, fit_width, flow, grid, labelled, number_text, text

MAX_GUESSES = 6  # rows of the new-sentence test listed; a long text adds a line for the rest
MIN_GUESSES = 3  # ... and, in a frame short of room, never fewer
GUESS_SCALE = 0.75  # the guesses' rows are drawn at this share of their size at least, when they can
MIN_CHIP_SIZE = 15  # the new sentence's chips are flowed smaller, for the guesses' room, down to this size


def describe_run(trace) -> str:
    """How a run behaved, in a few words, from its facts."""
    if trace.diverged_epoch is not None:
        return f"blows up in epoch {trace.diverged_epoch}"
    rises = rising_epochs(trace)
    if rises > trace.last_epoch // 10:
        return f"jumps around, rising in {rises} of {trace.last_epoch} epochs"
    if trace.convergence_epoch is not None:
        return f"converges by epoch {trace.convergence_epoch}"
    fallen = 1 - trace.mean_loss[-1] / trace.mean_loss[0]
    if fallen < 0.5:
        return f"falls only {percent(fallen)} in {trace.last_epoch} epochs"
    return f"falls {percent(fallen)} in {trace.last_epoch} epochs, still improving"


SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
POWER_TICKS = [(0, "1"), (3, "thousand"), (6, "million"), (9, "billion"), (12, "trillion")]


def figure(quoted: str) -> float:
    """The number in a published figure as quoted ("175 billion", "about 300 billion",
    "over 15 trillion", "50,257"): hedging words are dropped, scale words multiply.
    Raises ValueError when no number is found."""
    value, scale = None, 1.0
    for word in quoted.replace(",", "").split():
        if word in SCALE_WORDS:
            scale *= SCALE_WORDS[word]
        else:
            try:
                value = float(word)
            except ValueError:
                continue
    if value is None:
        raise ValueError(f"No number in {quoted!r}.")
    return value * scale


def shade_under(area: VMobject, curve, t: float) -> VMobject:
    """`area` becomes the region under `curve` (a LossCurve) from epoch 0 to epoch t: the loss
    shaded as it is drawn."""
    t = float(np.clip(t, 0, curve.last))
    epochs = list(range(int(np.floor(t)) + 1)) + [t]
    top = [curve.point(e, curve.value_at(e)) for e in epochs]
    area.set_points_as_corners([curve.point(0, 0), *top, curve.point(t, 0), curve.point(0, 0)])
    return area


def area_for(curve) -> VMobject:
    """An empty shaded region for `curve` (see shade_under)."""
    area = VMobject(stroke_width=0, fill_color=style.ACCENT, fill_opacity=0.22)
    area.set_z_index(-1)  # under the line
    return shade_under(area, curve, 0)


class LogBar(VGroup):
    """One row of a logarithmic bar chart: the name and its figure on a line, the bar under it
    (length ∝ log10 of the value, 0 at 1). grow() is its animation from nothing."""

    def __init__(self, name: str, quoted: str, value: float, unit: float, color):
        super().__init__()
        self.name = VGroup(text(name, style.LABEL_SIZE, color),
                           text(quoted, style.LABEL_SIZE, style.INK)).arrange(RIGHT, buff=0.3)
        length = max(np.log10(max(value, 1.0)) * unit, 0.05)
        bar_color = style.ACCENT if color == style.ACCENT else style.MUTED
        self.bar = Rectangle(width=length, height=0.3, stroke_width=0, fill_color=bar_color, fill_opacity=0.9)
        self.add(self.name, self.bar)

    def grow(self):
        return GrowFromEdge(self.bar, LEFT)


class WhatYouJustSaw(LessonScene):
    chapter_title = "What you just saw"

    def construct(self):
        self.compare_learning_rates()
        self.recall_convergence()
        self.test_on_a_new_sentence()
        self.show_why_context_matters()
        self.compare_with_large_models()
        self.mention_transformers()
        self.close()

    # ---- beats ------------------------------------------------------------------
    def compare_learning_rates(self):
        self.beat("learning_rate")
        lay = self.layout
        self.show_title(self.chapter_title)
        runs = self.learning_rate_runs()
        n = len(runs)
        if lay.portrait:  # stacked: each panel (head, curve, ticks, "epoch" label) a third of the height
            w, gap = lay.safe_width * 0.9, 0.2
            panels = VGroup(*[self.run_panel(name, run, w, self.stacked_panel_height(name, run, w, gap, n))
                              for name, run in runs.items()])
            panels.arrange(DOWN, buff=gap).move_to(lay.content_center)
        else:
            w = lay.safe_width / n * (0.8 if lay.square else 0.95)  # room for ticks
            h = lay.content_height * 0.95
            centers = [lay.content_center + RIGHT * (i - 1) * lay.safe_width / n for i in range(n)]
            panels = VGroup(*[self.run_panel(name, run, w, h).move_to(at)
                              for (name, run), at in zip(runs.items(), centers)])
        curves = [panel[1] for panel in panels]
        areas = [area_for(curve) for curve in curves]
        for curve in curves:
            curve.set_progress(0)
        small, right, large = runs.values()
        longest = max(run.last_epoch for run in runs.values())

        def draw(_, alpha):  # every curve at the same epoch: the runs side by side in time
            for curve, run in zip(curves, runs.values()):
                curve.set_progress(min(alpha * longest, run.last_epoch))
            for area, curve, run in zip(areas, curves, runs.values()):
                shade_under(area, curve, min(alpha * longest, run.last_epoch))

        with self.say("Three runs that differ only in their learning rate, side by side.") as phrase:
            self.play(LaggedStart(*[FadeIn(VGroup(p[0], c.axes, c.ticks, c.x_label, c.y_label, c.baseline))
                                    for p, c in zip(panels, curves)], lag_ratio=0.2), run_time=1.2)
            self.add(*areas, *[c.curve for c in curves])
            phrase.play(UpdateFromAlphaFunc(VGroup(*curves, *areas), draw), rate_func=linear)
        self.remove(*areas, *[c.curve for c in curves])
        lines = [f"At {learning_rate(small.config.lr)} the loss {describe_run(small)};",
                 f"at {learning_rate(right.config.lr)} it {describe_run(right)};",
                 f"at {learning_rate(large.config.lr)} it {describe_run(large)}."]
        notes = []
        for panel in panels:  # a diverged run's note comes when its run is named
            note = panel[2] if len(panel) > 2 else None
            if note is not None:
                panel.remove(note)
            notes.append(note)
            panel.add(areas[len(notes) - 1])
            self.add(panel)
            panel.save_state()
        marks = VGroup()
        for k, (line, run) in enumerate(zip(lines, runs.values())):  # each run in turn, the others dimmed
            with self.say(line) as phrase:
                focus = [Restore(panels[k])] if k else []
                focus += [panel.animate.fade(0.7) for i, panel in enumerate(panels)
                          if i == k - 1 or (k == 0 and i)]
                phrase.play(*focus, share=0.2)
                mark = self.run_mark(run, curves[k])
                note = notes[k]
                shown = [Create(mark)] if mark is not None else []
                shown += [FadeIn(note, scale=1.3)] if note is not None else []
                if shown:
                    phrase.play(*shown, share=0.45)
                marks.add(*[m for m in (mark, note) if m is not None])
        self.play(*[Restore(panel) for panel in panels[:-1]], run_time=0.3)
        self.panels = VGroup(panels, marks)

    # ---- beats (rest) ----
    def recall_convergence(self):
        self.beat("convergence")
        lay, tr = self.layout, self.trace
        w = lay.safe_width * (0.95 if lay.portrait else 0.7)
        curve = LossCurve(tr.mean_loss, width=w, height=lay.content_height * (0.5 if lay.portrait else 0.9),
                          baseline=tr.random_baseline)
        curve.set_progress(0).move_to(lay.content_center)
        area = area_for(curve)
        e = tr.convergence_epoch
        parts = [curve]
        if e is not None:
            marker = DashedLine(curve.point(e, 0), curve.point(e, curve.y_max * 0.6),
                                stroke_color=style.ACCENT)
            label = labelled("converged: epoch", str(e), style.SMALL_SIZE, style.ACCENT, buff=0.1)
            label.next_to(marker.get_end(), RIGHT, buff=0.1)
            if label.get_right()[0] > lay.safe_right:  # a late epoch in a narrow frame: left of the marker
                label.next_to(marker.get_end(), LEFT, buff=0.1)
            parts += [marker, label]
            first = f"Convergence: around epoch {e} the loss stopped improving much."
            second = "More epochs add little: the model has learned what this one sentence can teach."
        else:
            e = tr.last_epoch
            first = "Convergence: the loss falls as long as this run goes;"
            second = f"it was still improving at epoch {tr.last_epoch}: it had not yet converged."
        here = self.panels[0][1]  # this run's panel grows into the big chart
        with self.say(first) as phrase:
            self.play(FadeOut(VGroup(self.panels[0][0], self.panels[0][2], self.panels[1], here[2])),
                      ReplacementTransform(VGroup(here[0], here[1]), curve), run_time=0.8)
            self.add(area, curve)
            phrase.play(UpdateFromAlphaFunc(curve, lambda m, a: m.set_progress(a * e)),
                        UpdateFromAlphaFunc(area, lambda m, a: shade_under(m, curve, a * e)), share=0.55,
                        rate_func=linear)
            if len(parts) > 1:  # marked as the curve passes it
                phrase.play(Create(parts[1]), FadeIn(parts[2], shift=0.2 * RIGHT))
        with self.say(second) as phrase:
            rest = tr.last_epoch - e
            # The epochs after it, shaded as they pass: what "adds little" looks like.
            band = VMobject(stroke_width=0, fill_color=style.MUTED, fill_opacity=0.25).set_z_index(-2)

            def after(mob, alpha):
                x0, x1, y1 = curve.point(e, 0), curve.point(e + alpha * rest, 0), curve.y_max * 0.95
                mob.set_points_as_corners([x0, x1, curve.point(e + alpha * rest, y1), curve.point(e, y1), x0])

            after(band, 0)
            self.add(band)
            phrase.play(UpdateFromAlphaFunc(curve, lambda m, a: m.set_progress(e + a * rest)),
                        UpdateFromAlphaFunc(area, lambda m, a: shade_under(m, curve, e + a * rest)),
                        UpdateFromAlphaFunc(band, after), share=0.6, rate_func=linear)
            parts.append(band)
        self.convergence_parts = VGroup(area, *parts)

    def test_on_a_new_sentence(self):
        self.beat("overfitting")
        lay, tr = self.layout, self.trace
        words = rearranged(tr.sentences[0])
        guesses = evaluate(tr, tr.last_epoch, words)
        wrong = [g for g in guesses if g.guess != g.truth]
        # The words and the guesses as large as the room allows: fewer guesses listed first, then
        # smaller chips, each flowed again (see guess_table).
        scale = 1.0
        while True:
            new_sentence = self.new_sentence(words, tr.sentences[0], scale)
            table, rows, fits = self.guess_table(guesses, lay.content_height - new_sentence.height - 0.6)
            smaller = scale * 0.93
            if fits >= GUESS_SCALE or style.LABEL_SIZE * smaller < MIN_CHIP_SIZE:
                break
            scale = smaller
        block = VGroup(new_sentence, table).arrange(DOWN, buff=0.35)
        fit(block, lay.safe_width, lay.content_height).move_to(lay.content_center)
        lines, ghost = new_sentence[1]
        new_sentence[1].remove(ghost)  # only for the layout
        # The sentence it learned, in the same chips (laid out in its order): which words trade places.
        placed = [chip for line in lines for chip in line]
        by_place = [chip for line in ghost for chip in line]
        targets = [chip.get_center() for chip in placed]
        for chip, k in zip(placed, ghost.order):
            chip.move_to(by_place[k])
        sure = float(np.mean([g.p_guess for g in wrong])) if wrong else 0.0
        how = "confidently " if sure > 0.5 else ""
        with self.say("Overfitting: it saw one sentence.") as phrase:
            self.play(FadeOut(self.convergence_parts), run_time=style.FADE_TIME)
            arrive = [FadeIn(c, shift=0.3 * DOWN) for c in placed]
            phrase.play(FadeIn(new_sentence[0]), LaggedStart(*arrive, lag_ratio=0.1))
        line = f"On a new arrangement of the same words it {how}predicts what it memorised:"
        with self.say(line) as phrase:
            moves = [chip.animate(path_arc=1.2).move_to(target) for chip, target in zip(placed, targets)
                     if not np.allclose(chip.get_center(), target)]
            if moves:
                phrase.play(*moves, share=0.35)
            first = rows[: max(1, len(rows) // 2)]
            phrase.play(LaggedStart(*[self.guess_arrives(r) for r in first], lag_ratio=0.6))
        with self.say(f"{len(wrong)} of {len(guesses)} guesses wrong.") as phrase:
            rest = rows[max(1, len(rows) // 2):]
            if len(rest):
                phrase.play(LaggedStart(*[self.guess_arrives(r) for r in rest], lag_ratio=0.6))
        with self.say("Real models are tested on new text."):
            pass
        self.overfit_block = block

    def show_why_context_matters(self):
        self.beat("context")
        lay = self.layout
        one = self.settings.load_comparison(CONTEXT_ONE)
        best = best_probabilities(build_dataset(one.config.sentence, 1))
        with_ambiguity = [p for p in range(one.P) if best[p] < 1]
        if not with_ambiguity:
            line = ("Why context matters: with only one word of context, "
                    "every next word of this text is still unique. "
                    "Longer texts need the network to look further back.")
            with self.say(line):
                self.play(FadeOut(self.overfit_block), run_time=style.FADE_TIME)
            self.context_parts = VGroup()
            return
        p = with_ambiguity[0]
        ctx, _ = one.pair_words(p)
        history = one.probs[:, p]  # (N, V) this context's probabilities at every epoch
        probs = history[-1]
        after_it = {one.vocab[int(t)] for q, t in enumerate(one.targets)
                    if one.contexts[q, 0] == one.contexts[p, 0]}
        followers = sorted(after_it, key=one.vocab.index)
        w = lay.safe_width * (0.95 if lay.portrait else 0.6)
        bars = ProbabilityBars(one.vocab, self.word_colors(), history[0], width=w,
                               height=lay.content_height * 0.6, history=history)
        head = text(f"one word of context: “{ctx[0]}” → ?", style.BODY_SIZE, style.INK)
        block = VGroup(head, bars).arrange(DOWN, buff=0.35)
        fit_width(block, lay.safe_width).move_to(lay.content_center)
        split = " and ".join(f"“{f}” {percent(probs[one.vocab.index(f)])}" for f in followers)
        last = len(history) - 1

        moved = np.abs(np.diff(history, axis=0)).sum(axis=1)  # (N-1,) how much the bars change per epoch
        travelled = np.concatenate([[0.0], np.cumsum(moved)])

        def train(mob, alpha):  # the bars through the run at an even pace; numbers from a recorded epoch
            epochs = np.arange(last + 1)
            t = float(np.interp(alpha * travelled[-1], travelled, epochs)) if travelled[-1] else 0
            lo = int(np.floor(t))
            hi = min(lo + 1, last)
            mob.set_values(history[lo] + (history[hi] - history[lo]) * (t - lo),
                           history[hi if alpha >= 1 else lo])

        with self.say(f"Why context matters: with one word of context, after “{ctx[0]}” "
                      f"the network can't tell what comes next.") as phrase:
            self.play(FadeOut(self.overfit_block), run_time=style.FADE_TIME)
            phrase.play(FadeIn(head, shift=0.2 * DOWN), FadeIn(bars, shift=0.3 * UP), share=0.3)
        with self.say(f"Training splits it: {split}.") as phrase:
            phrase.play(UpdateFromAlphaFunc(bars, train), share=0.75, rate_func=linear)
        with self.say("Attention looks further back."):
            pass
        self.context_parts = block

    def compare_with_large_models(self):
        self.beat("scale")
        lay, tr = self.layout, self.trace
        n_words = sum(len(s) for s in tr.sentences)
        big = LARGE_MODELS[0]
        names = ["this network"] + [m.name for m in LARGE_MODELS]
        params = [float(tr.parameters)] + [figure(m.parameters) for m in LARGE_MODELS]
        data = [float(n_words)] + [figure(m.training_tokens) for m in LARGE_MODELS]
        top = float(np.log10(max(params + data))) + 0.3
        width = lay.safe_width * (0.9 if lay.stacked else 0.44)
        charts = VGroup(
            self.log_bars("parameters", names, params,
                          [count(tr.parameters)] + [m.parameters for m in LARGE_MODELS], width, top),
            self.log_bars("training data", names, data,
                          [f"{count(n_words)} words"] + [m.training_tokens + " tokens" for m in LARGE_MODELS],
                          width, top))
        if lay.stacked:
            charts.arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        else:
            charts.arrange(RIGHT, buff=0.6, aligned_edge=UP)
        note = text(UNDISCLOSED_NOTE, style.SMALL_SIZE, style.MUTED)
        block = VGroup(charts, note).arrange(DOWN, buff=0.35)
        fit(block, lay.safe_width, lay.content_height).move_to(lay.content_center)
        ours = [chart.rows[0] for chart in charts]
        theirs = [row for chart in charts for row in chart.rows[1:]]
        with self.say(f"Scale: our network has {count(tr.parameters)} parameters "
                      f"and learned from {count(n_words)} words.") as phrase:
            self.play(FadeOut(self.context_parts), run_time=style.FADE_TIME)
            self.play(*[FadeIn(VGroup(chart.head, chart.axis, chart.ticks)) for chart in charts],
                      *[FadeIn(row.name) for chart in charts for row in chart.rows], run_time=0.6)
            phrase.play(*[row.grow() for row in ours], share=0.4)
        with self.say(f"{big.name} has {big.parameters} parameters and learned from "
                      f"{big.training_tokens} tokens.") as phrase:
            phrase.play(LaggedStart(*[row.grow() for row in theirs], lag_ratio=0.3), share=0.85,
                        rate_func=linear)
        with self.say("The principle is the same.") as phrase:
            phrase.play(FadeIn(note, shift=0.2 * UP), share=0.4)
        self.scale_block = block

    def mention_transformers(self):
        self.beat("transformers")
        lay = self.layout
        items = [
            ("attention", "each word looks at every other word"),
            ("several heads", "many ways of looking, at once"),
            ("layer normalisation", "keeps the numbers in a good range"),
            ("residual connections", "let deep stacks of layers train"),
            ("positions", "tell the model the order of the words"),
        ]
        rows = VGroup()
        for term, meaning in items:
            row = VGroup(text(term, style.BODY_SIZE, style.ACCENT),
                         text(meaning, style.LABEL_SIZE, style.INK))
            if lay.portrait:  # the meaning goes under its term
                row.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
            else:
                row.arrange(RIGHT, buff=0.3)
            rows.add(row)
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.28)
        head = text("Transformers add:", style.HEADING_SIZE, style.INK)
        block = VGroup(head, rows).arrange(DOWN, buff=0.4)
        fit_width(block, lay.safe_width).move_to(lay.content_center)
        with self.say("Modern language models are Transformers.") as phrase:
            phrase.play(FadeOut(self.scale_block, shift=0.5 * UP), FadeIn(head, shift=0.5 * UP), share=0.5)
        with self.say("They add attention with several heads, layer normalisation, residual connections "
                      "and word positions.") as phrase:
            phrase.play(LaggedStart(*[FadeIn(r, shift=0.4 * RIGHT) for r in rows], lag_ratio=0.6), share=0.85)
        self.transformer_block = block

    def close(self):
        self.beat("closing")
        lay = self.layout
        lines = VGroup(
            text("predict the next token", style.HEADING_SIZE, style.INK),
            text("learn from mistakes", style.HEADING_SIZE, style.INK),
            text("repeat", style.HEADING_SIZE, style.ACCENT),
        ).arrange(DOWN, buff=0.35)
        fit_width(lines, lay.safe_width).move_to(lay.content_center)
        base = VGroup(*[text(term, style.BODY_SIZE, style.ACCENT)
                        for term in ("embeddings", "learning from data", "next-token prediction")])
        base.arrange(DOWN if lay.stacked else RIGHT, buff=0.3 if lay.stacked else 0.6)
        fit_width(base, lay.safe_width).move_to(lay.content_center)
        with self.say("But they all stand on the foundation you just watched: "
                      "embeddings, learning from data, and next-token prediction.") as phrase:
            phrase.play(FadeOut(self.transformer_block, shift=0.5 * UP), share=0.2)
            arrive = [FadeIn(term, shift=0.3 * UP) for term in base]
            phrase.play(LaggedStart(*arrive, lag_ratio=0.7), share=0.6)
        with self.say("Predict the next token, learn from mistakes, repeat.") as phrase:
            arrive = [FadeIn(line, shift=0.3 * UP) for line in lines]
            phrase.play(FadeOut(base, shift=0.5 * UP), share=0.15)
            phrase.play(LaggedStart(*arrive, lag_ratio=0.8), share=0.7)

    # ---- pieces -----------------------------------------------------------------
    def learning_rate_runs(self) -> dict:
        """The runs that differ only in learning rate, by name, in order: too small, this run, too large."""
        made = (LR_TOO_SMALL, LR_TOO_LARGE)  # prepared beside the main run (see model.experiments)
        return {name: self.settings.load_comparison(name) if name in made else self.trace
                for name in learning_rate_runs(self.trace.config)}

    def log_bars(self, head: str, names: list[str], values: list[float], quoted: list[str],
                 width: float, top: float) -> VGroup:
        """A logarithmic bar chart `width` wide: `head` over one LogBar per name (values, their quoted
        figures), an axis under them with ticks at 1, a thousand, a million… up to 10**top.
        Attributes: head, rows, axis, ticks."""
        unit = width / top
        chart = VGroup()
        chart.head = text(f"{head} (each step ×1,000)", style.LABEL_SIZE, style.MUTED)
        chart.rows = VGroup(*[LogBar(n, q, v, unit, style.ACCENT if i == 0 else style.INK)
                              for i, (n, v, q) in enumerate(zip(names, values, quoted))])
        for row in chart.rows:
            row.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        chart.rows.arrange(DOWN, aligned_edge=LEFT, buff=0.18)
        left = chart.rows.get_left()[0]
        for row in chart.rows:
            row.bar.align_to([left, 0, 0], LEFT)
        y = chart.rows.get_bottom()[1] - 0.1
        chart.axis = Line([left, y, 0], [left + width, y, 0], stroke_color=style.MUTED, stroke_width=2)
        chart.ticks = VGroup()
        for power, name in POWER_TICKS:
            if power <= top:
                x = left + power * unit
                mark = Line([x, y, 0], [x, y - 0.1, 0], stroke_color=style.MUTED, stroke_width=2)
                label = text(name, style.SMALL_SIZE, style.MUTED).next_to(mark, DOWN, buff=0.06)
                chart.ticks.add(VGroup(mark, label))
        chart.head.next_to(chart.rows, UP, buff=0.2, aligned_edge=LEFT)
        chart.add(chart.head, chart.rows, chart.axis, chart.ticks)
        return chart

    @staticmethod
    def arrangement(original: list[str], new: list[str]) -> list[int]:
        """For each word of `new`, where it stood in `original` (same words, another order): its own
        place when the word there is the same, else the first unused place holding it."""
        used, out = set(), []
        for j, word in enumerate(new):
            k = j if j < len(original) and original[j] == word and j not in used else next(
                k for k, w in enumerate(original) if w == word and k not in used)
            used.add(k)
            out.append(k)
        return out

    @staticmethod
    def guess_arrives(row):
        """A guess row arriving: the context and the guess, then its mark (✓ or ✗)."""
        if isinstance(row, Text) or len(row) < 4:
            return FadeIn(row, shift=0.2 * RIGHT)
        return Succession(FadeIn(VGroup(*row[:3]), shift=0.3 * RIGHT), FadeIn(row[3], scale=1.5))

    def run_mark(self, run, curve):
        """What the phrase about `run` points at on its curve, as its description says it: where it
        converged (a dashed line), the epochs it rose in (those stretches in red), or how far it fell
        (a dashed line at the starting level). None for a run that diverged (its note says so)."""
        if run.diverged_epoch is not None:
            return None
        losses = run.mean_loss
        rises = rising_epochs(run)
        if rises > run.last_epoch // 10:
            mark = VMobject(stroke_color=style.WRONG, stroke_width=5)
            for e in np.flatnonzero(np.diff(losses) > 0):
                mark.start_new_path(curve.point(e, losses[e]))
                mark.add_line_to(curve.point(e + 1, losses[e + 1]))
            return mark
        if run.convergence_epoch is not None:
            e = run.convergence_epoch
            return DashedLine(curve.point(e, 0), curve.point(e, curve.y_max * 0.9), stroke_color=style.ACCENT)
        last = run.last_epoch  # how far it fell: from the starting level down to where it ended
        return Line(curve.point(last, losses[0]), curve.point(last, losses[last]), stroke_color=style.ACCENT,
                    stroke_width=5)

    def stacked_panel_height(self, name: str, run, width: float, gap: float, count: int) -> float:
        """The height to build a run's panel at (see run_panel) so that, drawn whole (its head above
        and its tick labels and "epoch" label below the curve), `count` of them stacked `gap` apart
        fill the content height: a panel's drawn height grows linearly with the height asked for,
        measured at two heights."""
        share = (self.layout.content_height - (count - 1) * gap) / count
        h1, h2 = share, share * 0.5
        d1, d2 = (self.run_panel(name, run, width, h).height for h in (h1, h2))
        slope = (d1 - d2) / (h1 - h2)
        return h1 + (share - d1) / slope if slope > 0 else h2

    def run_panel(self, name: str, run, width: float, height: float) -> VGroup:
        """One run's whole loss curve under its name and learning rate (and where it diverged)."""
        lay = self.layout
        curve = LossCurve(run.mean_loss, width=width, height=height * 0.85, baseline=run.random_baseline,
                          y_label="loss")
        curve.set_progress(run.last_epoch)
        rate = labelled("learning rate", learning_rate(run.config.lr), style.SMALL_SIZE, style.MUTED,
                        style.ACCENT, buff=0.12, number_size=style.LABEL_SIZE)
        head = VGroup(text(f"{name}:", style.LABEL_SIZE, style.INK), rate)
        head.arrange(DOWN if lay.square else RIGHT, buff=0.12)  # a square's narrow panels: two lines
        fit_width(head, width * 0.95)
        panel = VGroup(head, curve).arrange(DOWN, buff=0.1)
        if run.diverged_epoch is not None:
            note = text(f"diverged in epoch {run.diverged_epoch}", style.SMALL_SIZE, style.WRONG)
            if lay.portrait:  # stacked panels: under the curve is the next panel's head; inside, top right
                panel.add(note.move_to(curve.get_corner(UP + RIGHT), aligned_edge=UP + RIGHT))
            else:
                panel.add(note.next_to(curve, DOWN, buff=0.05))
        return panel

    def new_sentence(self, words: list[str], learned: list[str], scale: float = 1.0) -> VGroup:
        """“new sentence:” and its words as chips (wrapped like a text), `scale` times their size:
        VGroup(label, VGroup(lines, ghost)), where `ghost` holds copies of the same chips flowed in
        the order of `learned` (the sentence it learned: the same words in another order), top
        aligned with `lines`: where each chip starts before it moves to its new place. The ghost
        is for layout only; take it out before showing the group."""
        lay = self.layout
        label = text("new sentence:", style.BODY_SIZE, style.MUTED)
        chip_size = (style.BODY_SIZE if len(words) <= 12 else style.LABEL_SIZE) * scale
        width = lay.safe_width * (0.95 if lay.portrait else 0.9)
        chips = [self.chip(w, chip_size) for w in words]
        order = self.arrangement(learned, words)  # chips[j] stands at place order[j] in `learned`
        by_place = [None] * len(chips)
        for chip, k in zip(chips, order):
            by_place[k] = chip.copy()
        lines = flow(chips, width, h_buff=0.1 * scale, v_buff=0.12 * scale)
        ghost = flow(by_place, width, h_buff=0.1 * scale, v_buff=0.12 * scale)
        ghost.move_to(lines.get_top(), aligned_edge=UP)
        ghost.order = order
        many = lay.portrait or max(len(lines), len(ghost)) > 1
        return VGroup(label, VGroup(lines, ghost)).arrange(DOWN if many else RIGHT, buff=0.25)

    def guess_table(self, guesses, max_height: float) -> tuple[VGroup, VGroup, float]:
        """The trained network's guess at each word of the new sentence, one row each (“the mat → sat
        97% ✗ really “on””) in aligned columns, in two columns of rows when short of height: the
        table, its rows and the share of their natural size they are drawn at. A long text lists
        every wrong guess it can, fills up with right ones (in sentence order) and ends with a row
        counting the rest; fewer rows (MIN_GUESSES at least) when that keeps them at GUESS_SCALE of
        their size in `max_height`. A word too long for the frame is cut short with an ellipsis."""
        for most in range(MAX_GUESSES, MIN_GUESSES - 1, -1):
            table, rows, scale = self.guess_rows(guesses, max_height, most)
            if scale >= GUESS_SCALE or most >= len(guesses):
                break
        return table, rows, scale

    def guess_rows(self, guesses, max_height: float, most: int) -> tuple[VGroup, VGroup, float]:
        """guess_table with at most `most` guesses listed."""
        wrong_at = [i for i, g in enumerate(guesses) if g.guess != g.truth][:most]
        right_at = [i for i, g in enumerate(guesses) if g.guess == g.truth][: most - len(wrong_at)]
        listed = sorted(wrong_at + right_at)
        size = style.LABEL_SIZE
        limit = max(len(w) for g in guesses for w in [*g.context, g.guess, g.truth])
        while True:  # words cut shorter until every row fits the frame's width
            def cut(word):
                return short_word(word, limit)

            rows = grid([[text(" ".join(cut(w) for w in g.context) + " →", size, style.MUTED),
                          text(cut(g.guess), size, self.color_of(g.guess)),
                          number_text(percent(g.p_guess), size, style.INK),
                          text("✓", size, style.RIGHT) if g.guess == g.truth
                          else text(f"✗  really “{cut(g.truth)}”", size, style.WRONG)]
                         for g in (guesses[i] for i in listed)], gap=0.35, pitch=0.5)
            if rows.width <= self.layout.safe_width / 0.85 or limit <= KEPT + 1:  # (see columns: 85%)
                break
            limit -= 1
        before = rows[0].height
        table = columns(list(rows), self.layout.safe_width, max_height, buff=0.8, most=2, pitch=0.5)
        scale = rows[0].height / before
        hidden = [g for i, g in enumerate(guesses) if i not in listed]
        if hidden:
            missed = sum(g.guess != g.truth for g in hidden)
            rest = "all right" if not missed else f"{missed} of them wrong"
            more = text(f"… and {len(hidden)} more guesses, {rest}", style.LABEL_SIZE, style.MUTED)
            table.add(more.scale(scale).next_to(table, DOWN, buff=0.2, aligned_edge=LEFT))
            rows.add(more)
            scale *= min(1.0, max_height / table.height)  # the line under the rows: fitted with them
        return table, rows, scale

    def model_table(self, header: list[str], rows: list[list[str]]) -> VGroup:
        """The figures in aligned columns under their headings, this network's row highlighted."""
        size = style.LABEL_SIZE
        cells = [[text(c, size, style.MUTED) for c in ["", *header]]]
        cells += [[text(c, size, style.ACCENT if i == 0 else style.INK) for c in row]
                  for i, row in enumerate(rows)]
        return grid(cells, gap=0.5, pitch=0.6)

    def model_blocks(self, header: list[str], rows: list[list[str]]) -> VGroup:
        """For a narrow frame: one block per model, its name and then each figure on a line of its own."""
        size = style.LABEL_SIZE
        blocks = VGroup()
        for i, (name, *figures) in enumerate(rows):
            color = style.ACCENT if i == 0 else style.INK
            lines = [text(name, size, color)] + [VGroup(text(h, size, style.MUTED), text(c, size, color))
                                                 .arrange(RIGHT, buff=0.2) for h, c in zip(header, figures)]
            blocks.add(VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=0.12))
        return blocks.arrange(DOWN, aligned_edge=LEFT, buff=0.45)
