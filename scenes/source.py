"""Where scenes get their trace and options: the environment, or the defaults.

`render.py` sets these for each render; a plain `manim -ql scenes/<file>.py
<Scene>` uses the default trace (trained once, then cached) and the defaults.

    NEXTWORD_TRACE     path of a trace file (.npz)
    NEXTWORD_CAPTIONS  "0" to switch the on-screen captions off
    NEXTWORD_READING   reading pace for captions, words per second
    NEXTWORD_VOICE     the voice, as JSON (scenes.voice.Voice); default: none
    NEXTWORD_SPEECH    folder of the speech cache (default media/speech)
    NEXTWORD_TITLE     the lesson's title
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from model import Trace, TrainConfig, load_trace
from model.cache import DEFAULT_CACHE_DIR, cached_trace
from scenes.voice import Voice

DEFAULT_SPEECH_DIR = DEFAULT_CACHE_DIR.parent / "speech"

DEFAULT_READING_PACE = 2.6  # words per second: a calm reading pace (~155 words a minute)


def current_trace() -> Trace:
    path = os.environ.get("NEXTWORD_TRACE")
    if path:
        return load_trace(path)
    trace, _ = cached_trace(TrainConfig())
    return trace


def companion_trace(config: TrainConfig) -> Trace:
    """An extra run the lesson compares against (model/experiments.py), from the trace cache."""
    trace, _ = cached_trace(config)
    return trace


@dataclass(frozen=True)
class SceneOptions:
    captions: bool = True  # show each narration line on screen
    words_per_second: float = DEFAULT_READING_PACE  # reading pace
    voice: Voice = Voice()  # who speaks the lines (engine "none": nobody)
    speech_dir: str = str(DEFAULT_SPEECH_DIR)  # where spoken clips are cached
    title: str = ""  # the lesson's title ("" for the default)

    @classmethod
    def from_env(cls) -> "SceneOptions":
        voice = os.environ.get("NEXTWORD_VOICE")
        return cls(
            captions=os.environ.get("NEXTWORD_CAPTIONS", "1") != "0",
            words_per_second=float(os.environ.get("NEXTWORD_READING", DEFAULT_READING_PACE)),
            voice=Voice.from_json(voice) if voice else Voice(),
            speech_dir=os.environ.get("NEXTWORD_SPEECH", str(DEFAULT_SPEECH_DIR)),
            title=os.environ.get("NEXTWORD_TITLE", ""),
        )

    def to_env(self) -> dict[str, str]:
        return {
            "NEXTWORD_CAPTIONS": "1" if self.captions else "0",
            "NEXTWORD_READING": str(self.words_per_second),
            "NEXTWORD_VOICE": self.voice.to_json(),
            "NEXTWORD_SPEECH": self.speech_dir,
            "NEXTWORD_TITLE": self.title,
        }
