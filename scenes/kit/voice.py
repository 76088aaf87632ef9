"""Voices for the narration: offline speech engines, any TTS command, or the user's own
recordings. No manim here: the CLI checks and prepares speech before any rendering.

Every clip is turned into the same form before it reaches a video: mono, 48 kHz,
16-bit WAV, loudness normalised (RMS −20 dBFS, peaks below −1 dBFS) with 10 ms fades
at both ends, so levels match across beats and joins do not click. Speech is cached by
(engine, voice, text) under media/speech/, so a re-render does not speak again.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scenes.files import atomic_path

RATE = 48_000  # Hz, what YouTube and AAC in MP4 expect
TARGET_RMS_DB = -20.0
PEAK_DB = -1.0
FADE_S = 0.010
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".opus")


class VoiceError(RuntimeError):
    """A voice cannot speak: the message is one sentence naming what is wrong."""


# ---- words as a person says them ---------------------------------------------------

_SPOKEN = [
    (re.compile(r"<s>"), "start"),
    (re.compile(r"[“”\"]"), ""),
    (re.compile(r"(\d)%"), r"\1 percent"),
    (re.compile(r"−\s*(?=\d)"), "minus "),
    (re.compile(r"−"), " minus "),
    (re.compile(r"→"), " to "),
    (re.compile(r"×"), " times "),
    (re.compile(r"≈"), " is about "),
    (re.compile(r"\bln (\d)"), r"the natural log of \1"),
    (re.compile(r"–"), " to "),
    (re.compile(r"="), " equals "),
    (re.compile(r"₁"), " 1"),
    (re.compile(r"₂"), " 2"),
]


def spoken(text: str) -> str:
    """The line as a voice should read it: "21%" → "21 percent", "−0.80" → "minus 0.80"."""
    for pattern, replacement in _SPOKEN:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


# ---- audio -----------------------------------------------------------------------------


def read_audio(path: Path) -> np.ndarray:
    """Any audio file PyAV can decode, as mono float32 samples at 48 kHz."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise VoiceError(f"{path} has no audio in it.")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            chunks = []
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except (av.error.FFmpegError, OSError) as e:
        raise VoiceError(f"{path} cannot be read as audio ({type(e).__name__}).") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    if len(samples) == 0:
        raise VoiceError(f"{path} holds no sound.")
    return samples.astype(np.float32)


def normalise(samples: np.ndarray) -> np.ndarray:
    """Same loudness for every clip, no clipping, and short fades so joins do not click."""
    x = samples.astype(np.float64)
    rms = np.sqrt(np.mean(x**2)) if len(x) else 0.0
    if rms > 1e-6:
        x *= 10 ** (TARGET_RMS_DB / 20) / rms
    peak = np.abs(x).max() if len(x) else 0.0
    limit = 10 ** (PEAK_DB / 20)
    if peak > limit:
        x *= limit / peak
    n = min(int(FADE_S * RATE), len(x) // 2)
    if n:
        ramp = np.linspace(0.0, 1.0, n)
        x[:n] *= ramp
        x[-n:] *= ramp[::-1]
    return x.astype(np.float32)


def write_wav(samples: np.ndarray, dest: Path) -> Path:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with atomic_path(dest) as tmp:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(pcm.tobytes())
    return dest


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def silence(dest: Path, seconds: float) -> Path:
    return write_wav(np.zeros(max(1, int(seconds * RATE)), dtype=np.float32), dest)


# ---- voices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """How to speak: `engine` is none, espeak, piper, command or recordings."""

    engine: str = "none"
    voice: str = "en-us"  # espeak voice name
    speed: int = 160  # espeak words per minute
    model: str = ""  # piper: the .onnx voice model
    command: str = ""  # command: a template with {text} and {out}, or reading text on stdin
    directory: str = ""  # recordings: one file per beat id

    @property
    def speaks(self) -> bool:
        return self.engine != "none"

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Voice":
        return cls(**json.loads(text))

    def identity(self) -> str:
        """What the speech depends on, besides the text (for the cache key)."""
        if self.engine == "espeak":
            return f"espeak:{self.voice}:{self.speed}"
        if self.engine == "piper":
            return f"piper:{_file_identity(Path(self.model))}"
        if self.engine == "command":
            return f"command:{self.command}"
        return self.engine

    def check(self) -> None:
        """Raise VoiceError (one sentence) if this voice cannot work here."""
        if self.engine == "espeak" and not shutil.which("espeak-ng"):
            raise VoiceError("espeak-ng is not installed (Debian: apt-get install espeak-ng).")
        if self.engine == "piper":
            if not Path(self.model).is_file():
                raise VoiceError(f"the Piper voice model {self.model} does not exist.")
            try:
                import piper  # noqa: F401
            except ImportError:
                raise VoiceError(
                    "the piper-tts package is not installed (pip install 'nextword[piper]')."
                ) from None
        if self.engine == "command":
            try:
                words = shlex.split(self.command)
            except ValueError as e:
                raise VoiceError(f"the voice command cannot be parsed ({e}).") from None
            if not words or not shutil.which(words[0]):
                raise VoiceError(f"the voice command {words[0] if words else '(empty)'!r} was not found.")
        if self.engine == "recordings" and not Path(self.directory).is_dir():
            raise VoiceError(f"the recordings folder {self.directory} does not exist.")


def _file_identity(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return str(path)
    return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"


def recording_for(directory: Path, beat_id: str) -> Path | None:
    """The user's recording for a beat: <beat_id>.wav (or .flac, .ogg, .mp3, .m4a, .opus)."""
    for suffix in AUDIO_SUFFIXES:
        path = directory / f"{beat_id}{suffix}"
        if path.is_file():
            return path
    return None


class Speaker:
    """Turns narration lines into normalised, cached WAV clips."""

    def __init__(self, voice: Voice, cache_dir: Path):
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.synthesised = 0  # lines actually spoken by an engine (not from the cache)

    def clip(self, text: str, beat_id: str) -> Path | None:
        """The WAV for this line, or None when the voice is off."""
        v = self.voice
        if not v.speaks:
            return None
        if v.engine == "recordings":
            source = recording_for(Path(v.directory), beat_id)
            if source is None:
                raise VoiceError(f"no recording for beat {beat_id} in {v.directory}.")
            key = f"recording:{_file_identity(source)}"
        else:
            source = None
            key = f"{v.identity()}|{spoken(text)}"
        dest = self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.wav"
        if dest.exists():
            return dest
        if source is None:
            raw = self.cache_dir / f".raw-{dest.stem}.wav"
            raw.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._speak(spoken(text), raw)
                samples = read_audio(raw)
            finally:
                raw.unlink(missing_ok=True)
            self.synthesised += 1
        else:
            samples = read_audio(source)
        return write_wav(normalise(samples), dest)

    def _speak(self, text: str, out: Path) -> None:
        v = self.voice
        if v.engine == "espeak":
            argv, stdin = ["espeak-ng", "-v", v.voice, "-s", str(v.speed), "-w", str(out), text], None
        elif v.engine == "piper":
            argv, stdin = [sys.executable, "-m", "piper", "--model", v.model, "--output_file", str(out)], text
        elif v.engine == "command":
            words = shlex.split(v.command)
            uses_text = any("{text}" in w for w in words)
            argv = [w.replace("{out}", str(out)).replace("{text}", text) for w in words]
            stdin = None if uses_text else text
        else:
            raise VoiceError(f"unknown voice engine {v.engine!r}.")
        try:
            done = subprocess.run(argv, input=stdin, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise VoiceError(f"the voice {v.engine} failed to run ({type(e).__name__}).") from None
        if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] or ["no sound written"]
            raise VoiceError(f"the voice {v.engine} failed: {detail[0]}")
