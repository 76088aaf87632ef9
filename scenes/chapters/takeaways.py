"""Chapter 8: What you just saw. Learning rates side by side (real runs), convergence,
overfitting tested on a new arrangement of the words, why context matters (a real
context-1 run), scale next to published figures, Transformers in one breath, and the
closing line."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, FadeOut, LaggedStart, VGroup

from model.analysis import evaluate, rising_epochs
from model.data import best_probabilities, build_dataset
from model.experiments import CONTEXT_ONE, LR_TOO_LARGE, LR_TOO_SMALL, learning_rate_runs, rearranged
from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.charts import LossCurve, ProbabilityBars
from scenes.kit.formatting import count, learning_rate, percent
from scenes.kit.published import LARGE_MODELS, UNDISCLOSED_NOTE
from scenes.kit.text import columns, fit, fit_width, flow, grid, labelled, number_text, text

MAX_GUESSES = 6  # rows of the new-sentence test listed; a long text adds a line for the rest


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
        if lay.portrait:
            w, h = lay.safe_width * 0.9, lay.content_height / n * 0.8
            centers = [lay.content_center + UP * (1 - i) * lay.content_height / n for i in range(n)]
        else:
            w = lay.safe_width / n * (0.8 if lay.square else 0.95)  # room for ticks
            h = lay.content_height * 0.95
            centers = [lay.content_center + RIGHT * (i - 1) * lay.safe_width / n for i in range(n)]
        panels = VGroup(*[self.run_panel(name, run, w, h).move_to(at)
                          for (name, run), at in zip(runs.items(), centers)])
        small, right, large = runs.values()
        with self.say(
            f"Learning rate: at {learning_rate(small.config.lr)} the loss {describe_run(small)}; "
            f"at {learning_rate(right.config.lr)} it {describe_run(right)}; "
            f"at {learning_rate(large.config.lr)} it {describe_run(large)}."
        ):
            self.play(LaggedStart(*[FadeIn(p) for p in panels], lag_ratio=0.3), run_time=1.8)
        self.panels = panels

    def recall_convergence(self):
        self.beat("convergence")
        lay, tr = self.layout, self.trace
        w = lay.safe_width * (0.95 if lay.portrait else 0.7)
        curve = LossCurve(tr.mean_loss, width=w, height=lay.content_height * (0.5 if lay.portrait else 0.9),
                          baseline=tr.random_baseline)
        curve.set_progress(tr.last_epoch).move_to(lay.content_center)
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
            line = (f"Convergence: around epoch {e} the loss stopped improving much. More epochs add little: "
                    f"the model has learned what this one sentence can teach.")
        else:
            line = (f"Convergence: this run was still improving at epoch {tr.last_epoch}; "
                    f"it had not yet converged.")
        with self.say(line):
            self.play(FadeOut(self.panels), run_time=style.FADE_TIME)
            self.play(FadeIn(curve), run_time=0.8)
            if len(parts) > 1:
                self.play(Create(parts[1]), FadeIn(parts[2]), run_time=0.8)
        self.convergence_parts = VGroup(*parts)

    def test_on_a_new_sentence(self):
        self.beat("overfitting")
        lay, tr = self.layout, self.trace
        words = rearranged(tr.sentences[0])
        guesses = evaluate(tr, tr.last_epoch, words)
        wrong = [g for g in guesses if g.guess != g.truth]
        new_sentence = self.new_sentence(words)
        table, rows = self.guess_table(guesses, lay.content_height - new_sentence.height - 0.6)
        block = VGroup(new_sentence, table).arrange(DOWN, buff=0.35)
        fit(block, lay.safe_width, lay.content_height).move_to(lay.content_center)
        sure = float(np.mean([g.p_guess for g in wrong])) if wrong else 0.0
        how = "confidently " if sure > 0.5 else ""
        with self.say(
            f"Overfitting: it saw one sentence. "
            f"On a new arrangement of the same words it {how}predicts what it memorised: "
            f"{len(wrong)} of {len(guesses)} guesses wrong. Real models are tested on new text."
        ):
            self.play(FadeOut(self.convergence_parts), run_time=style.FADE_TIME)
            self.play(FadeIn(new_sentence), run_time=0.6)
            self.play(LaggedStart(*[FadeIn(r, shift=0.1 * RIGHT) for r in rows], lag_ratio=0.25),
                      run_time=2.0)
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
        probs = one.probs[-1, p]
        after_it = {one.vocab[int(t)] for q, t in enumerate(one.targets)
                    if one.contexts[q, 0] == one.contexts[p, 0]}
        followers = sorted(after_it, key=one.vocab.index)
        w = lay.safe_width * (0.95 if lay.portrait else 0.6)
        bars = ProbabilityBars(one.vocab, self.word_colors(), probs, width=w, height=lay.content_height * 0.6)
        head = text(f"one word of context: “{ctx[0]}” → ?", style.BODY_SIZE, style.INK)
        block = VGroup(head, bars).arrange(DOWN, buff=0.35)
        fit_width(block, lay.safe_width).move_to(lay.content_center)
        split = " and ".join(f"“{f}” {percent(probs[one.vocab.index(f)])}" for f in followers)
        with self.say(
            f"Why context matters: with one word of context, "
            f"after “{ctx[0]}” the network can't tell what comes next. "
            f"It ends split: {split}. Attention looks further back."
        ):
            self.play(FadeOut(self.overfit_block), run_time=style.FADE_TIME)
            self.play(FadeIn(block), run_time=1.0)
        self.context_parts = block

    def compare_with_large_models(self):
        self.beat("scale")
        lay, tr = self.layout, self.trace
        n_words = sum(len(s) for s in tr.sentences)
        header = ["parameters", "training data", "vocabulary"]
        rows = [["this network", count(tr.parameters), f"{count(n_words)} words", count(tr.V)]]
        rows += [[m.name, m.parameters, m.training_tokens + " tokens", m.vocabulary] for m in LARGE_MODELS]
        table = self.model_blocks(header, rows) if lay.portrait else self.model_table(header, rows)
        note = text(UNDISCLOSED_NOTE, style.SMALL_SIZE, style.MUTED)
        block = VGroup(table, note).arrange(DOWN, buff=0.45)
        fit_width(block, lay.safe_width).move_to(lay.content_center)
        big = LARGE_MODELS[0]
        with self.say(
            f"Scale: our network has {count(tr.parameters)} parameters "
            f"and learned from {count(n_words)} words. "
            f"{big.name} has {big.parameters} parameters and learned from {big.training_tokens} tokens. "
            f"The principle is the same."
        ):
            self.play(FadeOut(self.context_parts), run_time=style.FADE_TIME)
            self.play(LaggedStart(*[FadeIn(r) for r in table], lag_ratio=0.3), run_time=1.6)
            self.play(FadeIn(note), run_time=0.5)
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
        with self.say(
            "Modern language models are Transformers. They add attention with several heads, "
            "layer normalisation, residual connections and word positions."
        ):
            self.play(FadeOut(self.scale_block), FadeIn(head), run_time=0.6)
            self.play(LaggedStart(*[FadeIn(r, shift=0.1 * RIGHT) for r in rows], lag_ratio=0.3), run_time=2.0)
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
        with self.say(
            "But they all stand on the foundation you just watched: "
            "embeddings, learning from data, and next-token prediction. "
            "Predict the next token, learn from mistakes, repeat."
        ):
            self.play(FadeOut(self.transformer_block), run_time=style.FADE_TIME)
            self.play(LaggedStart(*[FadeIn(line, shift=0.15 * UP) for line in lines], lag_ratio=0.5),
                      run_time=2.0)

    # ---- pieces -----------------------------------------------------------------
    def learning_rate_runs(self) -> dict:
        """The runs that differ only in learning rate, by name, in order: too small, this run, too large."""
        made = (LR_TOO_SMALL, LR_TOO_LARGE)  # prepared beside the main run (see model.experiments)
        return {name: self.settings.load_comparison(name) if name in made else self.trace
                for name in learning_rate_runs(self.trace.config)}

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
            panel.add(note.next_to(curve, DOWN, buff=0.05))
        return panel

    def new_sentence(self, words: list[str]) -> VGroup:
        """“new sentence:” and its words as chips (wrapped like a text)."""
        lay = self.layout
        label = text("new sentence:", style.BODY_SIZE, style.MUTED)
        chip_size = style.BODY_SIZE if len(words) <= 12 else style.LABEL_SIZE
        width = lay.safe_width * (0.95 if lay.portrait else 0.9)
        chips = flow([self.chip(w, chip_size) for w in words], width, h_buff=0.1, v_buff=0.12)
        return VGroup(label, chips).arrange(DOWN if lay.portrait or len(chips) > 1 else RIGHT, buff=0.25)

    def guess_table(self, guesses, max_height: float) -> tuple[VGroup, VGroup]:
        """The trained network's guess at each word of the new sentence, one row each (“the mat → sat
        97% ✗ really “on””) in aligned columns, in two columns of rows when short of height: the
        table and its rows. A long text lists every wrong guess it can, fills up with right ones
        (in sentence order) and ends with a row counting the rest."""
        wrong_at = [i for i, g in enumerate(guesses) if g.guess != g.truth][:MAX_GUESSES]
        right_at = [i for i, g in enumerate(guesses) if g.guess == g.truth][: MAX_GUESSES - len(wrong_at)]
        listed = sorted(wrong_at + right_at)
        size = style.LABEL_SIZE
        rows = grid([[text(" ".join(g.context) + " →", size, style.MUTED),
                      text(g.guess, size, self.color_of(g.guess)),
                      number_text(percent(g.p_guess), size, style.INK),
                      text("✓", size, style.RIGHT) if g.guess == g.truth
                      else text(f"✗  really “{g.truth}”", size, style.WRONG)]
                     for g in (guesses[i] for i in listed)], gap=0.35, pitch=0.5)
        before = rows[0].height
        table = columns(list(rows), self.layout.safe_width, max_height, buff=0.8, most=2, pitch=0.5)
        hidden = [g for i, g in enumerate(guesses) if i not in listed]
        if hidden:
            missed = sum(g.guess != g.truth for g in hidden)
            rest = "all right" if not missed else f"{missed} of them wrong"
            more = text(f"… and {len(hidden)} more guesses, {rest}", style.LABEL_SIZE, style.MUTED)
            table.add(more.scale(rows[0].height / before).next_to(table, DOWN, buff=0.2, aligned_edge=LEFT))
            rows.add(more)
        return table, rows

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
