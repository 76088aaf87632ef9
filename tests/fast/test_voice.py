"""The voice: words as a teacher says them, loudness as broadcasters measure it, and a sound
track that plays each sound at its own time."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner

import render
from scenes.kit.voice import Voice, VoiceError, normalise, spoken
from scenes.rendering.audio import (
    MONO_TARGET_LUFS,
    RATE,
    decoded_sound,
    integrated_loudness,
    limit,
    mux_narration,
    narration_track,
    video_duration,
)


def test_voice_reads_symbols_and_terms_as_a_teacher_would():
    assert spoken("it gives “sat” 21%") == "it gives sat 21 percent"
    assert spoken("−0.80 for sat") == "minus 0.80 for sat"
    assert spoken("ln 5 = 1.61") == "the natural log of 5 equals 1.61"
    assert spoken("19%–20% to 98%–99%") == "19 percent to 20 percent to 98 percent to 99 percent"
    assert spoken("the cat → ?") == "the cat, what comes next?"
    assert spoken("<s> the → cat") == "start the then cat"
    assert spoken("softmax turns logits into probabilities; tanh squashes") == (
        "soft max turns low jits into probabilities; tanch squashes")
    assert spoken("W₂ has 8 × 5 weights") == "W two has 8 times 5 weights"
    assert spoken("a rate of 1e-3") == "a rate of 1 times ten to the minus 3"
    assert spoken("175B parameters, 0.203 and 141") == "175 billion parameters, 0.203 and 141"


def test_user_words_pass_through_and_symbol_only_words_are_not_spoken():
    assert spoken("le chat 猫 sur le tapis") == "le chat 猫 sur le tapis"
    assert spoken("the 🐱 sat & ❤️ stayed") == "the sat stayed"
    assert spoken("🐱 ❤️") == ""


def _speechlike(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    envelope = 0.5 * (1 + np.sin(2 * np.pi * 3 * t))  # syllables
    return (amplitude * envelope * np.sin(2 * np.pi * 180 * t)).astype(np.float32)


@pytest.mark.parametrize("amplitude", [0.01, 0.3, 0.99])
def test_every_clip_is_made_as_loud_as_the_lesson_with_peaks_under_minus_1_dbfs(amplitude):
    quiet_start = np.zeros(int(0.4 * RATE), dtype=np.float32)
    clip = normalise(np.concatenate([quiet_start, _speechlike(2.0, amplitude), quiet_start]))
    assert integrated_loudness(clip) == pytest.approx(MONO_TARGET_LUFS, abs=0.2)
    assert 20 * np.log10(np.abs(clip).max()) <= -1.0
    assert len(clip) < 2.1 * RATE  # the silence at both ends is trimmed: speech starts with its line
    assert abs(clip[0]) < 1e-3 and abs(clip[-1]) < 1e-3  # faded: no click at the joins


def test_the_limiter_keeps_peaks_under_its_ceiling_and_quiet_parts_untouched():
    x = _speechlike(1.0, 0.2)
    x[RATE // 2] = 1.0  # one spike
    y = limit(x, -6.0)
    assert np.abs(y).max() <= 10 ** (-6 / 20) + 1e-6
    assert np.allclose(y[: RATE // 4], x[: RATE // 4])  # far from the spike: unchanged


def _blank_video(path: Path, seconds: int = 3, fps: int = 10) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = 64, 36, "yuv420p"
        for _ in range(seconds * fps):
            frame = av.VideoFrame.from_ndarray(np.zeros((36, 64, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_the_sound_track_is_aac_48k_stereo_each_sound_at_its_time_as_long_as_the_video(tmp_path):
    video = _blank_video(tmp_path / "v.mp4")
    click = np.zeros(480, dtype=np.float32) + 0.5
    track = narration_track([(1.0, click), (2.5, click)], video_duration(video))
    out = mux_narration(video, track, tmp_path / "voiced.mp4")
    with av.open(str(out)) as c:
        audio, picture = c.streams.audio[0], c.streams.video[0]
        assert (audio.codec_context.name, audio.codec_context.profile) == ("aac", "LC")
        assert (audio.rate, audio.channels) == (48000, 2)
        seconds = float(picture.duration * picture.time_base)
        assert float(audio.duration * audio.time_base) == pytest.approx(seconds)
    sound = decoded_sound(out)
    onsets = np.flatnonzero(np.diff((np.abs(sound[:, 0]) > 0.1).astype(int)) == 1) / RATE
    assert onsets[0] == pytest.approx(1.0, abs=1 / 1000) and onsets[-1] == pytest.approx(2.5, abs=1 / 1000)
    assert np.allclose(sound[:, 0], sound[:, 1])  # the mono narration on both channels


def test_a_missing_voice_package_stops_before_rendering_with_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "piper", None)  # as if piper-tts were not installed
    with pytest.raises(VoiceError, match="--voice none"):
        Voice(engine="piper").check()
    out = tmp_path / "lesson"
    result = CliRunner().invoke(render.cli, ["scene", "HowWrongWasIt", "--out", str(out)])
    assert result.exit_code == 2
    assert "the natural voice (Piper) is not installed" in result.output and "--voice none" in result.output
    assert "Traceback" not in result.output and not out.exists()
