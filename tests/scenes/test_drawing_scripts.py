"""Text in any script drawn whole: right-to-left lines, shaped scripts, emoji sequences, combining
accents, characters with no glyph of their own; whole lessons in Arabic and Thai."""

from __future__ import annotations

import pytest

from model import TrainConfig, save_trace, train
from scenes.lesson import LESSON

SAMPLES = {
    "arabic": "في البيت",
    "thai": "แมว นั่ง บน เสื่อ",
    "devanagari": "बिल्ली चटाई पर बैठी",
    "bengali": "বিড়াল মাদুরে বসে",
    "zero-width space": "the cat\u200b sat",
    "emoji style": "i \u2764\ufe0f my cat",
    "zwj sequence": "\U0001f469\u200d\U0001f4bb codes",
    "combining accent": "cafe\u0301",
}


@pytest.mark.parametrize("content", SAMPLES.values(), ids=SAMPLES.keys())
def test_every_script_is_drawn_whole(content):
    from scenes.kit.text import text

    mob = text(content, 26)
    assert mob.width > 0.3 * len(content.split()) and mob.height > 0.1
    # A caption sentence around the word keeps all of its own text too.
    around = text(f"“{content}”. It has 7 words.", 26)
    assert around.width > mob.width + text("“”. It has 7 words.", 26).width * 0.9


def test_a_character_without_a_glyph_never_drops_the_rest():
    from scenes.kit.text import text

    assert text("abc \U000f0000 def", 26).width > text("abc def", 26).width


def test_rows_of_a_right_to_left_text_read_from_the_right():
    from manim import Square

    from scenes.kit.text import flow, right_to_left

    assert right_to_left("في البيت") and right_to_left("“שלום”") and not right_to_left("the cat")
    items = [Square(0.5) for _ in range(3)]
    flow(items, 10, rtl=True)
    xs = [m.get_center()[0] for m in items]
    assert xs == sorted(xs, reverse=True)  # the first word at the right


def _reading_order_xs(chips) -> list[float]:
    """The x of each chip's centre on the first line of a row of chips (reading order)."""
    y = chips[0].get_y()
    return [c.get_x() for c in chips if abs(c.get_y() - y) < 0.05]


def test_a_right_to_left_lesson_reads_from_the_right_with_arrows_pointing_left(tmp_path):
    """Chapter 1's sentence and pairs, chapter 2's sentence (whose words fly to the vocabulary) and
    chapter 7's written sentence start at the right for an
    Arabic text, and the pairs' arrows point left (the way it reads); the keyboard types from the
    right. A left-to-right text keeps them all the other way."""
    from render import render_settings
    from scenes.lesson import find
    from scenes.rendering.chapter import render_chapter

    for sentence, rtl in (("القط جلس على الحصيرة", True), ("the cat sat on the mat", False)):
        trace_file = save_trace(train(TrainConfig(sentence=sentence, epochs=5)), tmp_path / f"{rtl}.npz")
        seen = {}

        def hook(scene, beat):
            if beat.endswith("pairs"):
                seen["sentence"] = _reading_order_xs(scene.chips)
                family = [m for top in scene.get_top_level_mobjects() for m in top.get_family()]
                seen["arrows"] = [m.original_text for m in family
                                  if getattr(m, "original_text", None) in ("→", "←")]
                seen["pair"] = [c.get_x() for c in scene.pair_row(["a", "b"], "c")[0]]
            if beat.endswith("vocabulary"):
                seen["vocabulary"] = _reading_order_xs(scene.sentence)
            if beat.endswith("write"):
                seen["written"] = _reading_order_xs(scene.written_chips)

        for name in ("PredictingTheNextWord", "WordsBecomeVectors", "FromGuessingToKnowing"):
            render_chapter(find(name), render_settings(trace_file), media_dir=tmp_path / "m", dry_run=True,
                           beat_end_hooks=(hook,))
        for row in ("sentence", "vocabulary", "written", "pair"):
            xs = seen[row]
            assert len(xs) >= 2 and xs == sorted(xs, reverse=rtl), (sentence, row, xs)
        assert seen["arrows"] and set(seen["arrows"]) == {"←" if rtl else "→"}, (sentence, seen["arrows"])


@pytest.fixture(scope="module", params=["في البيت القط جلس على الحصيرة", "แมว นั่ง บน เสื่อ แมว นอน"],
                ids=["arabic", "thai"])
def script_trace_file(request, tmp_path_factory):
    trace = train(TrainConfig(sentence=request.param, epochs=20))
    return save_trace(trace, tmp_path_factory.mktemp("script") / "run.npz")


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_lessons_in_arabic_and_thai_render_every_chapter_readably(script_trace_file, aspect, tmp_path):
    from test_scenes import dry_render  # the same dry run and layout check as every chapter

    for chapter in LESSON:
        _, seen = dry_render(chapter, script_trace_file, tmp_path, aspect)
        for beat, (problems, texts) in seen.items():
            assert problems == [], f"{chapter.name} {aspect} {beat}: {problems}"
