"""The CLI: train's table and JSON, list, and a usage error (exit 2, one sentence, nothing
written) for every bad value."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import render
from model import load_trace


@pytest.fixture()
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(render.cli, list(args), catch_exceptions=False)

    return invoke


def test_train_prints_the_run_and_saves_the_trace(run, tmp_path):
    out = tmp_path / "run.npz"
    result = run("train", "--epochs", "12", "--out", str(out))
    assert result.exit_code == 0, result.output
    trace = load_trace(out)
    assert trace.config.epochs == 12
    assert "p2: the cat → sat" in result.output
    assert f"{trace.mean_loss[12]:.4f}" in result.output  # the last epoch's row
    assert f"parameters        {trace.parameters}" in result.output
    assert "random baseline   1.6094" in result.output


def test_train_json_is_the_run(run, tmp_path):
    out = tmp_path / "run.npz"
    result = run("train", "--epochs", "5", "--seed", "3", "--json", "--out", str(out))
    assert result.exit_code == 0
    data = json.loads(result.output)
    trace = load_trace(out)
    assert data["vocab"] == ["the", "cat", "sat", "on", "mat"]
    assert data["pairs"][0] == {"context": ["<s>", "the"], "target": "cat"}
    assert len(data["epochs"]) == 6
    assert data["epochs"][5]["mean_loss"] == pytest.approx(float(trace.mean_loss[5]))
    assert data["epochs"][0]["p_correct"] == pytest.approx(trace.p_correct[0].tolist())
    assert data["parameters"] == trace.parameters
    assert data["random_baseline"] == pytest.approx(1.6094, abs=1e-4)
    assert data["loss_floor"] == 0.0
    assert "convergence_epoch" in data


@pytest.mark.parametrize(
    "args,message",
    [
        (["--sentence", "hello"], "at least 2 words"),
        (["--sentence", ""], "at least 2 words"),
        (["--sentence", "   "], "at least 2 words"),
        (["--lr", "0"], "'--lr': must be between"),
        (["--lr", "-0.5"], "'--lr': must be between"),
        (["--epochs", "0"], "--epochs"),
        (["--context", "0"], "--context"),
        (["--dim", "0"], "--dim"),
        (["--optimizer", "rmsprop"], "--optimizer"),
    ],
)
def test_bad_training_values_are_usage_errors(run, tmp_path, args, message):
    out = tmp_path / "never.npz"
    result = run("train", *args, "--out", str(out))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [None, b"not a trace", b"PK\x03\x04broken"])
def test_missing_or_corrupt_trace_is_a_usage_error(run, tmp_path, content):
    trace = tmp_path / "t.npz"
    if content is not None:
        trace.write_bytes(content)
    out = tmp_path / "out"
    result = run("scene", "WatchItLearn", "--trace", str(trace), "--out", str(out))
    assert result.exit_code == 2
    assert str(trace) in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unknown_scene_is_a_usage_error(run, tmp_path):
    result = run("scene", "NoSuchScene", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "WatchItLearn" in result.output


def test_list_names_the_scenes_in_order(run):
    from scenes.lesson import LESSON

    result = run("list")
    assert result.exit_code == 0
    names = [line.split()[1] for line in result.output.strip().splitlines()]
    assert names == [c.name for c in LESSON]


@pytest.mark.parametrize(
    "command", [[], ["train"], ["scene"], ["list"], ["lesson"], ["course"], ["clips"], ["page"], ["script"]]
)
def test_every_command_has_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_train_says_plainly_when_a_run_diverges(run, tmp_path):
    result = run("train", "--lr", "100", "--out", str(tmp_path / "d.npz"))
    assert result.exit_code == 0
    assert "DIVERGED          in epoch 1" in result.output
    assert load_trace(tmp_path / "d.npz").diverged_epoch == 1


@pytest.mark.parametrize(
    "sentence,message",
    [
        (" ".join(f"w{i}" for i in range(31)), "at most 30"),
        (" ".join(["the cat"] * 31), "at most 60"),
    ],
)
def test_texts_beyond_the_supported_size_are_usage_errors(run, tmp_path, sentence, message):
    result = run("train", "--sentence", sentence, "--out", str(tmp_path / "x.npz"))
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.parametrize("args", [["lesson", "--lr", "0"], ["lesson", "--no-such-option"],
                                  ["train", "--sentence", "hello"]])
def test_bad_input_is_one_sentence_on_stderr_and_exit_2(args, capsys, monkeypatch):
    """Run as a program (`./nextword …`): the sentence alone, not click's usage lines before it."""
    monkeypatch.setenv("NEXTWORD_PROG", "./nextword")
    with pytest.raises(SystemExit) as exit_:
        render.main(args)
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and lines[0].startswith("Error: ") and lines[0][-1] in ".?", err


def test_help_names_the_program_as_it_was_run(capsys, monkeypatch):
    monkeypatch.setenv("NEXTWORD_PROG", "./nextword")
    render.main(["lesson", "--help"])
    assert capsys.readouterr().out.startswith("Usage: ./nextword lesson [OPTIONS]")
