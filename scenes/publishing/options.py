"""The settings a teacher gives, each with its click type: one source of truth for choices and
ranges, used by the command line (render.py) and by lesson files (lessonfile.py) alike."""

from __future__ import annotations

from pathlib import Path

import click

from model.config import LIMITS, OPTIMIZERS
from scenes.rendering.formats import ASPECTS, QUALITIES


class Between(click.ParamType):
    """A whole number (kind int) or a number (kind float) from low to high, both included."""

    def __init__(self, kind: type, low: float, high: float):
        self.kind, self.low, self.high = kind, low, high
        self.name = "integer" if kind is int else "number"

    def convert(self, value, param, ctx):
        if isinstance(value, str):
            try:
                value = self.kind(value)
            except ValueError:
                self.fail(
                    f"must be {'a whole number' if self.kind is int else 'a number'}, got {value!r}.",
                    param,
                    ctx,
                )
        if not self.low <= value <= self.high:
            self.fail(f"must be between {self.low:g} and {self.high:g}, got {value!r}.", param, ctx)
        return self.kind(value)


def _limited(name: str, kind: type = int) -> Between:
    return Between(kind, *LIMITS[name])


VOICE_ENGINES = ("none", "espeak", "piper")

# option name (as render.py's functions receive it) -> its click type
TYPES: dict[str, click.ParamType] = {
    "title": click.STRING,
    "sentence": click.STRING,
    "context": _limited("context"),
    "epochs": _limited("epochs"),
    "lr": _limited("lr", float),
    "optimizer": click.Choice(OPTIMIZERS),
    "dim": _limited("dim"),
    "hidden": _limited("hidden"),
    "seed": _limited("seed"),
    "voice_engine": click.Choice(VOICE_ENGINES),
    "voice_model": click.Path(dir_okay=False, path_type=Path),
    "voice_cmd": click.STRING,
    "voice_dir": click.Path(file_okay=False, path_type=Path),
    "out": click.Path(file_okay=False, path_type=Path),
    "quality": click.Choice(list(QUALITIES)),
    "aspect": click.Choice(list(ASPECTS)),
    "captions": click.BOOL,
    "subtitle_bom": click.BOOL,
    "reading_pace": Between(float, 0.5, 10.0),
    "jobs": Between(int, 1, 64),
}


def python_kinds(kind: click.ParamType) -> tuple[type, ...]:
    """The Python types a value of `kind` may have in a file (TOML): no strings for numbers, no 1 for true."""
    if isinstance(kind, Between):
        return (int,) if kind.kind is int else (int, float)
    if kind is click.BOOL:
        return (bool,)
    return (str,)


def describe(kind: click.ParamType) -> str:
    """What a value of `kind` is, for a sentence: "a whole number", "true or false", "one of a, b"."""
    if isinstance(kind, Between):
        return "a whole number" if kind.kind is int else "a number"
    if kind is click.BOOL:
        return "true or false"
    if isinstance(kind, click.Choice):
        return f"one of {', '.join(map(str, kind.choices))}"
    return "a path" if isinstance(kind, click.Path) else "text"
