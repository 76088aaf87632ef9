"""Text in any script: one spelling per word (NFC, stray format characters dropped), and texts no
installed font can draw refused before anything is trained or written."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import render
from model.data import build_dataset, normalise, tokenize

PRIVATE_USE = "\U000f0000"  # a character no font draws


@pytest.mark.parametrize(
    "typed,words",
    [
        ("the cat\u200b sat", ["the", "cat", "sat"]),  # a zero-width space between words
        ("cafe\u0301 café", ["café", "café"]),  # a decomposed accent: the same word as the composed one
        ("i \u2764\ufe0f my cat", ["i", "\u2764\ufe0f", "my", "cat"]),  # the emoji style selector stays
        ("\U0001f469\u200d\U0001f4bb codes", ["\U0001f469\u200d\U0001f4bb", "codes"]),  # a ZWJ sequence stays
        ("\u200dhi\u200d there\ufeff", ["hi", "there"]),  # joiners at a word's edge mean nothing
        ("\u200fفي البيت", ["في", "البيت"]),  # a direction mark before an Arabic text
        ("می\u200cخواهم", ["می\u200cخواهم"]),  # a Persian non-joiner inside a word shapes it
    ],
)
def test_words_are_spelled_one_way(typed, words):
    assert tokenize(typed) == words


def test_cafe_typed_either_way_is_one_vocabulary_word():
    data = build_dataset("cafe\u0301 au lait . café noir", 2)
    assert data.itos.count("café") == 1
    assert normalise("cafe\u0301") == "caf\u00e9"


def test_a_text_no_font_can_draw_is_refused_naming_it_and_nothing_is_written(tmp_path):
    out = tmp_path / "run.npz"
    args = ["train", "--sentence", f"the {PRIVATE_USE} sat", "--out", str(out)]
    result = CliRunner().invoke(render.cli, args)
    assert result.exit_code == 2
    assert "U+F0000" in result.output and "no installed font can draw" in result.output
    assert not out.exists()


def test_the_refusal_names_the_script(monkeypatch, tmp_path):
    """As on a machine without Thai fonts: the sentence names the script, for `lesson` too."""
    import scenes.kit.fonts as fonts

    fonts.covered.cache_clear()
    monkeypatch.setattr(fonts, "covered", lambda c: not ("\u0e00" <= c <= "\u0e7f"))
    args = ["lesson", "--sentence", "แมว นั่ง บน เสื่อ", "--out", str(tmp_path)]
    result = CliRunner().invoke(render.cli, args)
    assert result.exit_code == 2
    assert "--sentence uses the Thai script, which no installed font can draw" in result.output
    assert list(tmp_path.iterdir()) == []


def test_scripts_with_installed_fonts_pass():
    from scenes.kit.fonts import coverage_problem

    for sentence in ("the cat sat", "في البيت", "แมว นั่ง บน เสื่อ", "बिल्ली चटाई पर बैठी", "বিড়াল মাদুরে বসে"):
        assert coverage_problem(sentence, "--sentence") is None, sentence
