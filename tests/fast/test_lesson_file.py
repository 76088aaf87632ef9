"""Lesson files, and failures that must stop with one clear sentence and leave earlier files intact."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

import render
from scenes.publishing.lessonfile import KEYS, load_lesson_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "lesson.toml"


@pytest.fixture()
def captured(monkeypatch, tmp_path):
    """Run `lesson` up to the render, and capture what it would render with."""
    import scenes.publishing.lesson

    seen = {}

    def fake_render_lesson(chapters, settings, **kwargs):
        seen.update(kwargs, settings=settings)
        raise SystemExit(0)

    monkeypatch.setattr(scenes.publishing.lesson, "render_lesson", fake_render_lesson)
    monkeypatch.setattr(render, "MEDIA", tmp_path / "media")
    return seen


def test_the_example_lesson_file_sets_every_key():
    settings = load_lesson_file(EXAMPLE)
    assert settings["sentence"] == "the cat sat on the mat"
    assert settings["epochs"] == 60 and settings["lr"] == 0.01
    assert settings["quality"] == "1080p60" and settings["aspect"] == "16:9"
    assert settings["out"] == EXAMPLE.parent / "../media/lesson"
    documented = {k.split(".")[-1] for k in KEYS}
    text = EXAMPLE.read_text()
    assert all(key in text for key in documented)


def test_file_settings_reach_the_render_and_flags_win(captured, tmp_path):
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        'title = "Dogs"\nsentence = "a dog ran to a park"\n[training]\nepochs = 7\nseed = 3\n'
        '[output]\nquality = "720p30"\naspect = "9:16"\ncaptions = false\nout = "rendered"\n'
    )
    result = CliRunner().invoke(
        render.cli, ["lesson", "--config", str(lesson), "--seed", "4", "--aspect", "1:1"]
    )
    assert result.exit_code == 0, result.output
    settings = captured["settings"]
    assert settings.quality == "720p30"
    assert settings.aspect == "1:1"  # the flag wins
    assert captured["out_dir"] == tmp_path / "rendered"
    assert settings.title == "Dogs" and settings.captions is False
    assert settings.subtitle_bom is False
    trace = settings.load_trace()
    assert trace.config.sentence == "a dog ran to a park"
    assert trace.config.epochs == 7 and trace.config.seed == 4  # the flag wins


def test_the_subtitle_byte_order_mark_is_asked_for_by_flag_or_by_file(captured, tmp_path):
    lesson = tmp_path / "lesson.toml"
    lesson.write_text('[output]\nsubtitle_bom = true\n')
    assert CliRunner().invoke(render.cli, ["lesson", "--config", str(lesson)]).exit_code == 0
    assert captured["settings"].subtitle_bom is True
    assert CliRunner().invoke(render.cli, ["lesson", "--subtitle-bom"]).exit_code == 0
    assert captured["settings"].subtitle_bom is True


@pytest.mark.parametrize(
    "content,message",
    [
        ('sentense = "typo"\n', "unknown key 'sentense'"),
        ('[training]\nepochs = "sixty"\n', "training.epochs must be a whole number"),
        ("[training]\nlr = -1\n", "training.lr must be between"),
        ('[output]\nquality = "4k"\n', "output.quality must be one of"),
        ("[output]\ncaptions = 1\n", "output.captions must be true or false"),
        ("[training\n", "is not valid TOML"),
    ],
)
def test_bad_lesson_files_are_usage_errors_naming_the_key(content, message, tmp_path, captured):
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(content)
    result = CliRunner().invoke(render.cli, ["lesson", "--config", str(lesson)])
    assert result.exit_code == 2
    assert message in result.output
    assert str(lesson) in result.output
    assert not captured


def test_a_missing_lesson_file_is_a_usage_error(tmp_path, captured):
    result = CliRunner().invoke(render.cli, ["lesson", "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_trace_and_training_settings_do_not_mix(tmp_path, captured, small_trace_file):
    result = CliRunner().invoke(render.cli, ["lesson", "--trace", str(small_trace_file), "--epochs", "5"])
    assert result.exit_code == 2 and "not both" in result.output


def test_an_output_folder_that_cannot_be_written_is_reported_before_rendering(tmp_path, captured):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(render.cli, ["lesson", "--out", str(blocker / "lesson")])
    assert result.exit_code == 2
    assert f"cannot write to {blocker / 'lesson'}" in result.output
    assert not captured


def test_a_full_disk_is_one_clear_error_and_earlier_files_stay(tmp_path, monkeypatch, capsys):
    import scenes.publishing.lesson

    out = tmp_path / "lesson"
    out.mkdir()
    earlier = out / "lesson.mp4"
    earlier.write_bytes(b"an earlier, complete lesson")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "chapters" / "01.mp4"))

    monkeypatch.setattr(scenes.publishing.lesson, "render_lesson", full)
    monkeypatch.setattr(render, "MEDIA", tmp_path / "media")
    with pytest.raises(SystemExit) as exit_:
        render.main(["lesson", "--out", str(out), "--trace", str(tmp_path / "missing.npz")])
    assert exit_.value.code == 2  # the missing trace is caught first
    small = tmp_path / "t.npz"
    from model import TrainConfig, save_trace, train

    save_trace(train(TrainConfig(epochs=3)), small)
    with pytest.raises(SystemExit) as exit_:
        render.main(["lesson", "--out", str(out), "--trace", str(small)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err
    assert earlier.read_bytes() == b"an earlier, complete lesson"
