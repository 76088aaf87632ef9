"""A lesson file: everything a teacher sets for one lesson, in TOML, kept beside the course.

    render.py lesson --config lesson.toml

Each key maps onto one command-line option; options given on the command line win over
the file. Unknown keys and wrong types are errors that name the key. See
examples/lesson.toml for every key.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from model.config import LIMITS, OPTIMIZERS
from scenes.formats import ASPECTS, QUALITIES


class LessonFileError(ValueError):
    """The lesson file is unreadable or has a bad key: one sentence naming the file and the key."""


# key in the file -> (option name in render.py, type, allowed values or range)
KEYS = {
    "title": ("title", str, None),
    "sentence": ("sentence", str, None),
    "training.context": ("context", int, LIMITS["context"]),
    "training.epochs": ("epochs", int, LIMITS["epochs"]),
    "training.lr": ("lr", float, LIMITS["lr"]),
    "training.optimizer": ("optimizer", str, OPTIMIZERS),
    "training.dim": ("dim", int, LIMITS["dim"]),
    "training.hidden": ("hidden", int, LIMITS["hidden"]),
    "training.seed": ("seed", int, LIMITS["seed"]),
    "voice.engine": ("voice_engine", str, ("none", "espeak", "piper")),
    "voice.model": ("voice_model", Path, None),
    "voice.command": ("voice_cmd", str, None),
    "voice.directory": ("voice_dir", Path, None),
    "output.out": ("out", Path, None),
    "output.quality": ("quality", str, tuple(QUALITIES)),
    "output.aspect": ("aspect", str, tuple(ASPECTS)),
    "output.captions": ("captions", bool, None),
    "output.reading_pace": ("reading_pace", float, (0.5, 10.0)),
}


def _flatten(table: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _typed(key: str, value, kind, allowed):
    names = {int: "a whole number", float: "a number", str: "text", bool: "true or false", Path: "a path"}
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    ok = isinstance(value, str if kind is Path else kind) and not (kind in (int, float) and isinstance(value, bool))
    if not ok:
        raise LessonFileError(f"{key} must be {names[kind]}, got {value!r}.")
    if kind is Path:
        return value
    if isinstance(allowed, tuple) and allowed and isinstance(allowed[0], str):
        if value not in allowed:
            raise LessonFileError(f"{key} must be one of {', '.join(allowed)}, got {value!r}.")
    elif isinstance(allowed, tuple) and not (allowed[0] <= value <= allowed[1]):
        raise LessonFileError(f"{key} must be between {allowed[0]:g} and {allowed[1]:g}, got {value!r}.")
    return value


def load_lesson_file(path: Path) -> dict:
    """The file's settings as {option name: value}; relative paths are relative to the file."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise LessonFileError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LessonFileError(f"{path} cannot be read ({type(e).__name__}).") from None
    except tomllib.TOMLDecodeError as e:
        raise LessonFileError(f"{path} is not valid TOML: {e}.") from None
    settings = {}
    for key, value in _flatten(data).items():
        if key not in KEYS:
            raise LessonFileError(f"{path}: unknown key {key!r} (known keys: {', '.join(KEYS)}).")
        option, kind, allowed = KEYS[key]
        try:
            value = _typed(key, value, kind, allowed)
        except LessonFileError as e:
            raise LessonFileError(f"{path}: {e}") from None
        if kind is Path:
            value = (path.parent / value) if not Path(value).is_absolute() else Path(value)
        settings[option] = value
    return settings
