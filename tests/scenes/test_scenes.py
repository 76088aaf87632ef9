"""Scenes: every chapter built under dry run at 16:9 and 9:16 with a layout check at
the end of every beat; numbers on screen come from the trace given; stills; one real render."""

from __future__ import annotations

import numpy as np
import pytest

from model import TrainConfig, save_trace, train
from render import render_settings
from scenes.kit.checks import layout_problems, visible_texts
from scenes.kit.text import GlyphNumber
from scenes.lesson import LESSON, find
from scenes.rendering.chapter import render_chapter, render_stills


def on_screen(scene) -> list[str]:
    """Every text and number on screen now, as the viewer reads it."""
    out = []
    for mob in visible_texts(scene):
        out.append(mob.content.strip() if isinstance(mob, GlyphNumber) else mob.original_text)
    return out


def dry_render(chapter, trace_file, tmp_path, aspect="16:9", phrases=None):
    """Build a chapter without drawing; `seen[beat]` is (layout problems, texts) at each beat's
    end, and `phrases[phrase id]` the same at each phrase's end when a dict is given."""
    seen = {}

    def hook(scene, beat):
        seen[beat] = (layout_problems(scene), on_screen(scene))

    def phrase_hook(scene, phrase_id):
        phrases[phrase_id] = (layout_problems(scene), on_screen(scene))

    result = render_chapter(
        chapter,
        render_settings(trace_file, aspect=aspect),
        media_dir=tmp_path / "m",
        dry_run=True,
        beat_end_hooks=(hook,),
        phrase_end_hooks=(phrase_hook,) if phrases is not None else (),
    )
    return result, seen


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
@pytest.mark.parametrize("chapter", LESSON, ids=[c.name for c in LESSON])
def test_every_beat_keeps_text_inside_the_safe_area_without_overlap(
    chapter, aspect, default_trace_file, tmp_path
):
    phrases = {}
    result, seen = dry_render(chapter, default_trace_file, tmp_path, aspect, phrases)
    assert result.beats and list(seen) == result.beats
    for beat, (problems, texts) in seen.items():
        assert problems == [], f"{chapter.name} {aspect} beat {beat}: {problems}"
        assert texts, f"{beat} shows no text at all"
    assert list(phrases) == [line.id for line in result.lines]  # the check ran at every phrase's end
    for phrase_id, (problems, _) in phrases.items():
        assert problems == [], f"{chapter.name} {aspect} phrase {phrase_id}: {problems}"
    # Every beat is narrated, phrase by phrase, and each phrase lasts at least its reading time.
    number = LESSON.index(chapter) + 1
    beats = list(dict.fromkeys(line.beat for line in result.lines))
    assert beats == [f"{number:02d}-{b}" for b in result.beats]
    for line in result.lines:
        assert line.end - line.start >= line.duration - 1e-6


def test_layout_check_catches_overlap_leaving_the_frame_and_fine_print(small_trace_file, tmp_path):
    from manim import DOWN, RIGHT, UP

    from scenes.kit.text import text

    found = {}

    def hook(scene, beat):
        if beat == "end":
            a, b = text("overlapping words", 30), text("overlapping words", 30)
            off = text("far away", 30).shift(RIGHT * 20)
            tiny = text("fine print", 30).scale(0.3).shift(UP * 2)  # drawn at size 9
            small_number = GlyphNumber("42%", 22).scale(0.4).shift(DOWN * 2)  # drawn at size 8.8
            scene.add(a, b, off, tiny, small_number)
            found["problems"] = layout_problems(scene)

    render_chapter(
        find("WatchItLearn"),
        render_settings(small_trace_file),
        media_dir=tmp_path / "m",
        dry_run=True,
        beat_end_hooks=(hook,),
    )
    assert "'overlapping words' overlaps 'overlapping words'" in found["problems"]
    assert "'far away' is outside the title-safe area" in found["problems"]
    assert "'fine print' is too small to read (size 9.0 < 12)" in found["problems"]
    assert any(p.startswith("number at") and "(size 8.8 < 12)" in p for p in found["problems"])


def test_watch_it_learn_shows_the_numbers_of_the_trace_it_is_given(tmp_path):
    """Two traces (other seeds): the chapter puts each one's own numbers on screen."""
    for seed in (1, 7):
        trace = train(TrainConfig(seed=seed, epochs=12))
        path = save_trace(trace, tmp_path / f"seed{seed}.npz")
        result, seen = dry_render(find("WatchItLearn"), path, tmp_path)
        _, texts = seen["end"]
        assert f"{trace.mean_loss[-1]:.3f}" in texts  # the readout's mean loss at the last epoch
        assert str(trace.last_epoch) in texts
        pair = 1  # the focus pair: "the cat" -> sat
        probs = trace.probs[-1, pair]
        from scenes.kit.formatting import percent

        for p in probs:
            assert percent(p) in texts
        captions = " ".join(line.text for line in result.lines)
        assert percent(trace.p_correct[0, pair]) in captions
        assert percent(trace.p_correct[-1, pair]) in captions


@pytest.fixture(scope="module")
def other_trace(tmp_path_factory):
    """Another seed: every number differs from the default run's."""
    trace = train(TrainConfig(seed=5, epochs=10))
    return trace, save_trace(trace, tmp_path_factory.mktemp("other") / "seed5.npz")


def test_part_one_shows_the_numbers_of_the_trace_it_is_given(other_trace, tmp_path):
    from scenes.kit.formatting import percent, signed

    trace, path = other_trace
    pair = 1  # the focus pair: "the cat" -> sat
    cat = trace.vocab.index("cat")

    result, seen = dry_render(find("PredictingTheNextWord"), path, tmp_path)
    keyboard = seen["keyboard"][1]
    top = trace.vocab[int(np.argmax(trace.probs[-1, pair]))]
    assert keyboard.count(top) >= 2  # in the sentence and first among the suggestions
    assert f"{trace.P} training examples" in " ".join(line.text for line in result.lines)

    result, seen = dry_render(find("WordsBecomeVectors"), path, tmp_path)
    vector = seen["vector"][1]
    for v in trace.params_at(0).E[cat]:
        assert signed(v).strip() in vector
    vector_lines = " ".join(line.text for line in result.lines if line.beat == "02-vector")
    assert ", ".join(signed(v).strip() for v in trace.params_at(0).E[cat]) in vector_lines

    result, seen = dry_render(find("ThreeLayers"), path, tmp_path)
    shown = seen["guess"][1]
    for p in trace.probs[0, pair]:
        assert percent(p) in shown
    assert percent(trace.p_correct[0, pair]) in result.lines[-1].text

    result, seen = dry_render(find("HowWrongWasIt"), path, tmp_path)
    assert f"{trace.loss[0, pair]:.3f}" in seen["cross_entropy"][1]
    assert f"{trace.mean_loss[0]:.3f}" in seen["all_pairs"][1]
    assert f"{trace.random_baseline:.3f}" in seen["all_pairs"][1]


def test_stills_write_one_png_per_beat(small_trace_file, tmp_path):
    paths = render_stills(
        find("WatchItLearn"),
        render_settings(small_trace_file, aspect="9:16"),
        media_dir=tmp_path / "m",
        out_dir=tmp_path / "stills",
    )
    assert [p.name for p in paths] == sorted(p.name for p in (tmp_path / "stills").glob("*.png"))
    from PIL import Image

    with Image.open(paths[-1]) as img:
        assert img.size == (480, 854)
        pixels = np.asarray(img.convert("RGB"))
    assert pixels.std() > 5  # not a blank frame


def test_the_lesson_tells_the_chapters_in_order():
    assert [c.name for c in LESSON] == [
        "PredictingTheNextWord",
        "WordsBecomeVectors",
        "ThreeLayers",
        "HowWrongWasIt",
        "LearningFromTheMistake",
        "WatchItLearn",
        "FromGuessingToKnowing",
        "WhatYouJustSaw",
    ]
    assert len({c.title for c in LESSON}) == len(LESSON)


@pytest.mark.parametrize(
    "settings", [dict(lr=100.0), dict(optimizer="sgd", lr=50.0)], ids=["epoch1", "epoch3"]
)
def test_a_diverging_run_renders_every_chapter_and_says_so(settings, tmp_path):
    trace = train(TrainConfig(**settings))
    assert trace.diverged_epoch is not None
    path = save_trace(trace, tmp_path / "diverged.npz")
    narration = []
    for chapter in LESSON:
        result, seen = dry_render(chapter, path, tmp_path)
        for beat, (problems, _) in seen.items():
            assert problems == [], f"{chapter.name} {beat}: {problems}"
        narration += [line.text for line in result.lines]
    assert any("diverged" in line for line in narration)
    # Nothing is said to be learned that was not: no memorised sentence, no split the run never made.
    from model.cache import cached_trace
    from model.experiments import context_one_run
    from scenes.publishing.youtube import lesson_summary

    assert not any("memorised" in line for line in narration)
    assert any(line.startswith("it guesses with what it learned") for line in narration)
    one = cached_trace(context_one_run(trace.config))[0]
    assert any(line.startswith("Training splits it") for line in narration) == (one.diverged_epoch is None)
    summary = lesson_summary(trace)
    assert f"blows up in epoch {trace.diverged_epoch}" in summary and "epochs at" not in summary
    # At the top of the learning-rate range (100) there is no larger rate to compare with: two runs,
    # each rate said once; from 50 the "too large" run is 100: three.
    runs = 2 if settings["lr"] == 100.0 else 3
    assert any(line.startswith(f"{['Two', 'Three'][runs - 2]} runs that differ") for line in narration)
    # each run said as "At 0.001 the loss…" or "at 0.01 it…"
    said = [w[1] for w in map(str.split, narration) if w[0] in ("At", "at") and w[1][0].isdigit()]
    assert len(said) == runs and len(set(said)) == runs, said


LONG_TEXT = " ".join(
    (
        "once upon a time a small brown fox jumped over the lazy dog and then the dog chased the fox "
        "across the fields and the fox ran to the tree and the dog sat by the river bank in the sun"
    ).split()[:40]
)


@pytest.fixture(scope="module")
def long_trace_file(tmp_path_factory):
    words = LONG_TEXT.split()
    assert len(words) == 40 and len(set(words)) == 25  # 25 distinct words: most of the supported 30
    return save_trace(
        train(TrainConfig(sentence=LONG_TEXT, epochs=30)), tmp_path_factory.mktemp("long") / "long.npz"
    )


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_a_forty_word_sentence_keeps_every_chapter_readable(aspect, long_trace_file, tmp_path):
    """Inside the frame, no text over text, no text under the readable size, at every phrase's end;
    the 25-word vocabulary's probability bars show the likeliest words plus "others" (which holds
    the rest's probability)."""
    for chapter in LESSON:
        phrases = {}
        _, seen = dry_render(chapter, long_trace_file, tmp_path, aspect, phrases)
        for phrase_id, (problems, _) in phrases.items():
            assert problems == [], f"{chapter.name} {aspect} {phrase_id}: {problems}"
        for beat in {
            "HowWrongWasIt": ["compare"],
            "LearningFromTheMistake": ["error", "again"],
            "WatchItLearn": ["set_the_stage", "end"],
        }.get(chapter.name, []):
            texts = seen[beat][1]
            assert "others" in texts, f"{chapter.name} {beat}: no 'others' bar"


def test_probability_bars_fold_the_rest_into_others():
    from scenes.kit.charts import ProbabilityBars

    probs = np.full(20, 0.01)
    probs[[3, 7, 11]] = [0.3, 0.2, 0.33]
    bars = ProbabilityBars(
        [f"w{i}" for i in range(20)], ["#ffffff"] * 20, probs, width=4.0, height=3.0, right=5
    )
    assert len(bars.bars) == 5  # 4.0 units hold five bars: the right word, the three likeliest, "others"
    assert bars.words == ["w3", "w5", "w7", "w11", "others"]
    shown = [label.content.strip() for label in bars.value_labels]
    assert shown == ["30%", "1%", "20%", "33%", "16%"]  # "others": 16 words of 1%
    assert bars.bar_of(5) is bars.bars[1] and bars.bar_of(0) is None
    later = np.full(20, 0.01)
    later[[0, 5]] = [0.5, 0.31]
    moving = ProbabilityBars(
        [f"w{i}" for i in range(20)],
        ["#ffffff"] * 20,
        probs,
        width=4.0,
        height=3.0,
        right=5,
        history=np.stack([probs, later]),
    )
    assert "w0" in moving.words  # it becomes likely later, so it has its own bar from the start


def test_word_map_labels_cover_no_other_label_or_dot():
    """With many words crowded together, each label is shown only where it covers no other word's
    label or dot, at every epoch."""
    from scenes.kit.wordmap import WordMap, _bounds, _overlap

    rng = np.random.default_rng(3)
    positions = np.cumsum(rng.normal(scale=0.05, size=(4, 25, 2)), axis=0) + rng.normal(size=(1, 25, 2))
    words = [f"word{k}" for k in range(25)]
    wm = WordMap(positions, words, ["#ffffff"] * 25, width=6.0, height=4.0)
    for t in (0, 1.5, 3):
        wm.set_epoch(t)
        shown = [k for k, label in enumerate(wm.labels) if label.get_fill_opacity() > 0]
        assert 5 <= len(shown) < 25  # crowded: some stepped aside, most are there
        for k in shown:
            box = _bounds(wm.labels[k])
            assert not any(_overlap(box, _bounds(wm.dots[j])) for j in range(25)), (t, words[k])
            assert not any(_overlap(box, _bounds(wm.labels[j])) for j in shown if j != k), (t, words[k])


def test_close_probabilities_are_written_apart():
    from scenes.kit.formatting import percents_apart

    assert percents_apart(0.046, 0.049) == ("4.6%", "4.9%")
    assert percents_apart(0.0461, 0.0463) == ("4.61%", "4.63%")
    assert percents_apart(0.20, 0.45) == ("20%", "45%")
    assert percents_apart(0.3, 0.3) == ("30%", "30%")


def test_text_is_typeset_the_same_at_every_resolution(tmp_path):
    """A line is never wrapped by Pango, whatever the frame's width in pixels: Manim gives Pango
    that width as its line width, and at 144 pixels across a 9:16 chapter title came out on two
    lines, but only in a process that had not typeset it before (a worker that drew a 16:9
    chapter first showed it on one)."""
    from manim import tempconfig

    from scenes.kit import style
    from scenes.kit.text import text

    title = "From guessing to knowing, typeset narrow"  # made nowhere else: typeset here, not reused
    with tempconfig({"pixel_width": 144, "pixel_height": 256, "frame_width": 8.0, "frame_height": 14.2,
                     "media_dir": str(tmp_path)}):
        narrow = text(title, style.TITLE_SIZE)
        one_line = text("Fg", style.TITLE_SIZE)  # a capital and a descender
    assert narrow.height < 1.3 * one_line.height, "the title was wrapped onto more lines"
    assert narrow.width > 7


def test_a_formula_rewrite_finds_the_part_both_texts_hold():
    """The glyphs a rewrite keeps ("logits" into "exp(logits): …"), whether Manim keeps the spaces
    as glyphs (text drawn without ligatures) or drops them (subscripts: shaped text)."""
    from scenes.kit.text import glyphs_of, text

    for content, part, start in (("exp(logits): every score made positive", "logits", 4),
                                 ("logits = h · W₂ + b₂", "logits", 0),
                                 ("h = tanh(x · W₁ + b₁)", "x · W₁ + b₁", 7)):
        mob = text(content)
        kept, rest = glyphs_of(mob, part)
        glyphs = list(mob.submobjects)
        assert len(kept) + len(rest) == len(glyphs)
        assert glyphs.index(kept[0]) == (start if len(glyphs) < len(content) else content.index(part))
        assert all(any(g is k for g in glyphs) for k in kept)
        assert abs(kept.width - text(part).width) < 0.05 * kept.width, content  # the part, drawn alone
    assert glyphs_of(text("logits = h · W₂ + b₂"), "softmax") is None


def test_every_script_in_a_sentence_has_a_font():
    """CJK and emoji words are drawn with real glyphs, not boxes: fontconfig finds a font for each."""
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        pytest.skip("fontconfig's fc-list is not installed")
    for ch in "猫ÄжλΩ🐱ß":
        found = subprocess.run(
            ["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True
        ).stdout
        assert found.strip(), f"no installed font draws {ch!r} (U+{ord(ch):04X}); run ./nextword setup"


def test_several_sentences_train_and_render(tmp_path):
    text = "the cat sat on the mat\nthe dog sat on the log"
    trace = train(TrainConfig(sentence=text, epochs=10))
    assert trace.P == 10  # five pairs from each sentence, none across the line break
    assert trace.pair_words(5) == (["<s>", "the"], "dog")  # the second sentence starts afresh
    path = save_trace(trace, tmp_path / "two.npz")
    _, seen = dry_render(find("PredictingTheNextWord"), path, tmp_path)
    for beat, (problems, _) in seen.items():
        assert problems == [], f"{beat}: {problems}"


HOSTILE = ["\\input{x}", "$x$", "%", "&", "_", "#", "{", "<b>", "</span>", "&amp;"]


def test_hostile_words_are_shown_literally_and_never_reach_latex(tmp_path, monkeypatch):
    import manim.utils.tex_file_writing as tex

    def no_latex(*args, **kwargs):
        raise AssertionError(f"LaTeX was run: {args!r}")

    monkeypatch.setattr(tex, "tex_to_svg_file", no_latex)
    sentence = "the " + " ".join(HOSTILE) + " end"
    trace = train(TrainConfig(sentence=sentence, epochs=5))
    assert list(trace.vocab) == ["the", *HOSTILE, "end"]
    path = save_trace(trace, tmp_path / "hostile.npz")
    for name in ("PredictingTheNextWord", "WordsBecomeVectors"):
        result, seen = dry_render(find(name), path, tmp_path)
        shown = set().union(*[set(texts) for _, texts in seen.values()])
        for word in HOSTILE:
            assert word in shown, f"{word!r} is not on screen as typed in {name}"
    # ... and in the subtitles, where players must not read them as tags either.
    from scenes.rendering.subtitles import line_cues, read_srt, read_vtt, write_srt, write_vtt

    cues = line_cues(" ".join(HOSTILE), 0.0, 5.0)
    assert " ".join(
        c.text.replace("\n", " ") for c in read_vtt(write_vtt(cues, tmp_path / "h.vtt"))
    ) == " ".join(HOSTILE)
    srt = write_srt(cues, tmp_path / "h.srt")
    assert "<b>" not in srt.read_text(encoding="utf-8")  # a zero-width space keeps it from being a tag
    assert " ".join(c.text.replace("\n", " ") for c in read_srt(srt)) == " ".join(HOSTILE)


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_a_long_run_keeps_the_dashboard_readable(aspect, tmp_path):
    """150 epochs: three-digit epoch numbers keep their place, no text crosses another or a panel."""
    path = save_trace(train(TrainConfig(epochs=150)), tmp_path / "long-run.npz")
    _, seen = dry_render(find("WatchItLearn"), path, tmp_path, aspect)
    for beat, (problems, texts) in seen.items():
        assert problems == [], f"{aspect} {beat}: {problems}"
    assert "150" in seen["end"][1]
