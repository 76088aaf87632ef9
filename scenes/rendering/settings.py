"""What a render is told: one frozen object, made by the CLI and passed whole to the workers
and the scene.

The parent process resolves every trace file first (the main run and the comparison runs
of model/experiments.py, trained and cached there); scenes only load them. A plain
`manim -ql scenes/chapters/<file>.py <Scene>` run has no CLI to make the settings, so it
reads them from the environment (`RenderSettings.from_env`):

    NEXTWORD_TRACE     path of the main trace file (.npz); default: the cached default run
                       (made by `./nextword train`)
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from model.cache import DEFAULT_CACHE_DIR, cache_path
from model.config import TrainConfig
from model.experiments import comparison_runs
from model.trace import Trace, TraceError, load_trace
from scenes.kit.voice import Voice
from scenes.lesson import DEFAULT_TITLE
from scenes.rendering.formats import DEFAULT_ASPECT, frame_rate, pixel_size

DEFAULT_SPEECH_DIR = DEFAULT_CACHE_DIR.parent / "speech"
DEFAULT_READING_PACE = 2.6  # words per second: a calm reading pace (~155 words a minute)


@dataclass(frozen=True)
class RenderSettings:
    """Everything a chapter's render depends on besides the code."""

    trace: Path  # the main run's trace file (.npz)
    comparisons: tuple[tuple[str, Path], ...] = ()  # (name, trace file) of each comparison run
    quality: str = "preview"  # a preset of scenes.rendering.formats (size and frame rate)
    aspect: str = DEFAULT_ASPECT  # "16:9", "9:16" or "1:1"
    captions: bool = True  # show each narration line on screen
    words_per_second: float = DEFAULT_READING_PACE  # reading pace: a silent beat lasts its reading time
    voice: Voice = Voice()  # who speaks the lines (engine "none": nobody)
    speech_dir: Path = DEFAULT_SPEECH_DIR  # where spoken clips are cached (a place, not content)
    title: str = ""  # the lesson's title ("" for the default)
    transparent: bool = False  # no background (WebM with alpha), for clips over slides
    subtitle_bom: bool = False  # lesson.srt/.vtt start with a UTF-8 byte-order mark (not in the picture)

    @property
    def lesson_title(self) -> str:
        """The title shown and published: the one given, else the default."""
        return self.title or DEFAULT_TITLE

    @property
    def fps(self) -> int:
        """Frames per second of the quality preset."""
        return frame_rate(self.quality)

    @property
    def pixel_size(self) -> tuple[int, int]:
        """(width, height) in pixels of the quality preset in this aspect."""
        return pixel_size(self.quality, self.aspect)

    def replace(self, **changes) -> "RenderSettings":
        return dataclasses.replace(self, **changes)

    def load_trace(self) -> Trace:
        """The main run (validated); TraceError names the file and the problem."""
        return load_trace(self.trace)

    def load_comparison(self, name: str) -> Trace:
        """The comparison run called `name` (see model.experiments.comparison_runs).

        Raises TraceError when the parent did not resolve it (one sentence saying how).
        """
        for known, path in self.comparisons:
            if known == name:
                return load_trace(path)
        raise TraceError(f"the comparison run {name!r} was not prepared: render through `./nextword` "
                         "(`./nextword scene WhatYouJustSaw` trains the comparison runs once).")

    def fingerprint(self) -> dict:
        """What changes the picture or the sound, as plain data (for cache keys): every field
        but the trace files (keyed by content elsewhere) and the speech cache's place."""
        return {
            "quality": self.quality, "aspect": self.aspect, "captions": self.captions,
            "words_per_second": self.words_per_second, "voice": self.voice.to_json(), "title": self.title,
            "transparent": self.transparent, "comparisons": [name for name, _ in self.comparisons],
        }

    @classmethod
    def from_env(cls) -> "RenderSettings":
        """Settings for a plain `manim` run: NEXTWORD_TRACE, else the cached default run, and the
        comparison runs where the trace cache has them. Nothing is trained here."""
        path = os.environ.get("NEXTWORD_TRACE")
        trace = Path(path) if path else cache_path(TrainConfig())
        if not trace.exists():
            raise TraceError(f"no trace at {trace}: run `./nextword train` first (or set NEXTWORD_TRACE).")
        config = load_trace(trace).config
        comparisons = tuple((name, cache_path(c)) for name, c in comparison_runs(config).items()
                            if cache_path(c).exists())
        return cls(trace=trace, comparisons=comparisons)
