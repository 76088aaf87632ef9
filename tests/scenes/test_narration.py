"""Narration: voices, speech timing, subtitles, the script, recordings, and numbers from the trace."""

from __future__ import annotations

import re
import shutil
import wave

import numpy as np
import pytest
from click.testing import CliRunner

import render
from model.trace import CONVERGED_FRACTION
from render import render_settings
from scenes.kit.formatting import percent, signed
from scenes.kit.published import LARGE_MODELS
from scenes.kit.voice import RATE, Speaker, Voice, spoken
from scenes.lesson import LESSON, find
from scenes.rendering.audio import MONO_TARGET_LUFS, integrated_loudness
from scenes.rendering.chapter import dry_run_lesson, render_chapter
from scenes.rendering.subtitles import MAX_LINE, MAX_LINES, line_cues

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def test_long_lines_become_short_ordered_cues():
    text = ("The error is the prediction minus the right answer: minus 0.80 for sat, "
            "a little above zero for the rest.")
    cues = line_cues(text, 2.0, 10.0)
    assert len(cues) >= 2
    assert cues[0].start == 2.0 and cues[-1].end == 10.0
    for a, b in zip(cues, cues[1:]):
        assert a.end == pytest.approx(b.start)
    for c in cues:
        lines = c.text.split("\n")
        assert len(lines) <= MAX_LINES and all(len(line) <= MAX_LINE for line in lines)
    assert " ".join(c.text.replace("\n", " ") for c in cues) == text


@needs_espeak
def test_speech_is_cached_by_engine_voice_and_text(tmp_path):
    speaker = Speaker(Voice(engine="espeak"), tmp_path)
    first = speaker.clip("Hello there.", "01-title")
    again = speaker.clip("Hello there.", "02-other")
    assert first == again and speaker.synthesised == 1
    other = Speaker(Voice(engine="espeak", speed=120), tmp_path).clip("Hello there.", "01-title")
    assert other != first
    with wave.open(str(first)) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(float) / 32767
    assert integrated_loudness(samples) == pytest.approx(MONO_TARGET_LUFS, abs=0.5)  # levels normalised
    assert abs(samples[0]) < 1e-3 and abs(samples[-1]) < 1e-3  # faded: no click at the joins


@needs_espeak
def test_voice_command_template_speaks_each_line(small_trace_file, tmp_path):
    voice = Voice(engine="command", command="espeak-ng -v en-us -w {out} {text}")
    voice.check()
    settings = render_settings(small_trace_file, voice=voice).replace(speech_dir=tmp_path / "speech")
    result = render_chapter(find("HowWrongWasIt"), settings, media_dir=tmp_path / "m", dry_run=True)
    assert all(
        line.audio_duration > 0.5 and line.end - line.start >= line.audio_duration for line in result.lines
    )


def _tone(path, seconds):
    t = np.arange(int(seconds * 22050)) / 22050
    pcm = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(22050), w.writeframes(pcm.tobytes())


def test_each_phrase_lasts_at_least_its_recording(small_trace_file, tmp_path):
    """One recording per phrase, named by its id ("04-compare.2.wav"); a first phrase may go by its
    beat's id alone ("04-compare.wav")."""
    chapter = find("HowWrongWasIt")
    timeline = dry_run_lesson([chapter], render_settings(small_trace_file), media_dir=tmp_path / "m")
    lengths = {}
    for k, line in enumerate(timeline[0][2]):
        lengths[line.id] = 3.0 + 4.5 * k  # known, different lengths, some longer than reading time
        name = line.beat if line.phrase == 1 and k % 2 else line.id
        _tone(tmp_path / f"{name}.wav", lengths[line.id])
    settings = render_settings(small_trace_file, voice=Voice(engine="recordings", directory=str(tmp_path)))
    result = render_chapter(
        chapter, settings.replace(speech_dir=tmp_path / "speech"), media_dir=tmp_path / "m", dry_run=True
    )
    assert [line.id for line in result.lines] == list(lengths)
    for line in result.lines:
        assert line.audio_duration == pytest.approx(lengths[line.id], abs=0.01)
        assert line.end - line.start >= lengths[line.id]


def test_missing_recording_is_reported_by_name_before_rendering(small_trace_file, tmp_path):
    chapter = find("HowWrongWasIt")
    timeline = dry_run_lesson([chapter], render_settings(small_trace_file), media_dir=tmp_path / "m")
    beats = [line.id for line in timeline[0][2]]
    voice_dir = tmp_path / "voices"
    voice_dir.mkdir()
    for b in beats[1:]:
        _tone(voice_dir / f"{b}.wav", 1.0)
    (voice_dir / f"{beats[2]}.wav").write_bytes(b"not audio")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        render.cli,
        [
            "scene",
            "HowWrongWasIt",
            "--trace",
            str(small_trace_file),
            "--voice-dir",
            str(voice_dir),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert f"{beats[0]} (missing)" in result.output
    assert f"{beats[2]} (unreadable" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    "args,message",
    [
        (["--voice", "espeak", "--voice-cmd", "espeak-ng -w {out} {text}"], "choose one voice"),
        (["--voice", "piper", "--voice-model", "x.onnx"], "x.onnx does not exist"),
        (["--voice", "espeak", "--voice-model", "x.onnx"], "goes with --voice piper"),
        (["--voice-cmd", "no-such-tts-program {out}"], "was not found"),
    ],
)
def test_bad_voice_choices_are_usage_errors(args, message, tmp_path):
    result = CliRunner().invoke(render.cli, ["scene", "HowWrongWasIt", *args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert message in result.output


def test_script_lists_every_phrase_with_its_id_and_time(small_trace_file, tmp_path):
    out = tmp_path / "script.md"
    args = ["script", "--trace", str(small_trace_file), "--voice", "none", "--out", str(out)]
    result = CliRunner().invoke(render.cli, args)
    assert result.exit_code == 0, result.output
    script = out.read_text(encoding="utf-8")
    for i, chapter in enumerate(LESSON, 1):
        assert f"## {i}. {chapter.title}" in script
    ids = re.findall(r"\*\*(\d\d-[a-z_]+\.\d+)\*\* · starts (\d+):(\d\d) · ([\d.]+) s", script)
    assert ids and ids[0][0] == "01-title.1"
    assert "### 01-title" in script
    starts = [int(m) * 60 + int(s) for _, m, s, _ in ids]
    assert starts == sorted(starts)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?%?", text)


def test_every_number_in_the_narration_comes_from_the_trace(default_trace, tmp_path, default_trace_file):
    """Parse every number out of the default lesson's narration and find it among the trace's values,
    formatted as the lesson displays them (or the config's, or the published figures)."""
    from model.analysis import step_view
    from model.cache import cached_trace
    from model.experiments import context_one_run, learning_rate_runs

    tr = default_trace
    runs = [tr] + [cached_trace(c)[0] for c in learning_rate_runs(tr.config).values()]
    runs.append(cached_trace(context_one_run(tr.config))[0])
    allowed = set()
    for run in runs:
        for values in (run.probs.ravel(), run.p_correct.ravel(), run.accuracy):
            allowed |= {percent(v) for v in values}
        allowed |= {
            f"{v:.3f}" for v in np.concatenate([run.loss.ravel(), run.mean_loss, run.p_correct.ravel()])
        }
        allowed |= {f"{v:.2f}" for v in run.mean_loss}
        allowed |= {str(e) for e in range(run.n_epochs)}
        allowed |= {f"{run.config.lr:g}", f"{run.random_baseline:.3f}", f"{run.random_baseline:.2f}"}
        allowed |= {f"{1 - run.mean_loss[-1] / run.mean_loss[0]:.0%}"}
    # Signed values are parsed without their sign: compare magnitudes as displayed.
    allowed |= {signed(v).strip().lstrip("−") for v in tr.embeddings[0].ravel()}
    view = step_view(tr, 1, 1)
    allowed |= {signed(v).strip().lstrip("−") for v in view.error}
    allowed |= {signed(v, 3).strip().lstrip("−") for v in (view.after.E - view.before.E).ravel()}
    # The update rule with one real weight: its value before and after, its gradient, the step the
    # optimizer took (over the learning rate), and each layer's gradient size.
    from model.analysis import gradient_sizes
    from scenes.kit.formatting import gradient_size

    weights = np.concatenate([view.before.E.ravel(), view.after.E.ravel(), view.grads.E.ravel(),
                              (view.before.E - view.after.E).ravel() / tr.config.lr])
    allowed |= {signed(v, d).strip().lstrip("−") for v in weights for d in (3, 4)}
    allowed |= {gradient_size(g) for g in gradient_sizes(view.grads).values()}
    allowed |= {str(k + 1) for k in range(tr.config.dim)}  # "weight 2 of the vector"
    allowed |= {
        percent(v, d)
        for v in np.concatenate([view.f_before.probs[0], view.f_after.probs[0]])
        for d in (None, 1, 2, 3)
    }
    allowed |= {
        str(n)
        for n in (
            tr.V,
            tr.P,
            tr.parameters,
            tr.config.dim,
            tr.config.hidden,
            tr.config.context,
            sum(len(s) for s in tr.sentences),
        )
    }
    allowed |= {f"{tr.parameters:,}", f"{CONVERGED_FRACTION:.0%}"}
    for m in LARGE_MODELS:
        allowed |= set(_numbers(f"{m.parameters} {m.training_tokens} {m.vocabulary}"))
        allowed |= set(_numbers(m.name))  # "GPT-3", "Llama 3.1 405B" are names
    timeline = dry_run_lesson(LESSON, render_settings(default_trace_file), media_dir=tmp_path / "m")
    checked = 0
    for _, _, lines in timeline:
        for line in lines:
            for number in _numbers(line.text):
                assert number in allowed, f"{number!r} in {line.beat}: {line.text}"
                checked += 1
    assert checked > 40


def test_the_description_writes_each_figure_as_the_narration_does(
    default_trace, default_trace_file, tmp_path
):
    """Every number in the YouTube description also appears, written the same way, in the video's
    narration (one formatting module for every output: the video says "99.6%", so does YouTube)."""
    from scenes.publishing.youtube import lesson_summary

    summary = lesson_summary(default_trace)
    timeline = dry_run_lesson(LESSON, render_settings(default_trace_file), media_dir=tmp_path / "m")
    narration = " ".join(line.text for _, _, lines in timeline for line in lines)
    figures = _numbers(summary)
    assert len(figures) >= 4, summary  # parameters, epochs, learning rate, the probabilities before and after
    for figure in figures:
        assert figure in _numbers(narration), f"{figure!r} is in the description but not in the narration"


RAW_SYMBOLS = ["%", "→", "−", "<s>", "₁", "₂", "=", "×", "≈", "–", "“", "”", "softmax", "logit", "tanh"]


def test_the_voice_never_reads_a_raw_symbol_of_the_lesson(default_trace_file, tmp_path):
    """Every distinct word the default lesson sends to the voice, after the rewriting for speech:
    none is a raw symbol or a term a voice would mangle ("softmax", "ln 5", "1e-3", "W₂" ...)."""
    timeline = dry_run_lesson(LESSON, render_settings(default_trace_file), media_dir=tmp_path / "m")
    tokens = {word for _, _, lines in timeline for line in lines for word in spoken(line.text).split()}
    assert len(tokens) > 100
    for token in sorted(tokens):
        low = token.lower()
        assert not any(symbol in low for symbol in RAW_SYMBOLS), f"the voice would read {token!r}"
        assert not re.fullmatch(r"\d+(\.\d+)?e[+-]?\d+", low), f"the voice would read {token!r}"
        assert low != "ln", "the voice would read 'ln'"
