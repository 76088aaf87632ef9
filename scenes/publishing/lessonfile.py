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

import click

from scenes.publishing.options import TYPES, describe, python_kinds


class LessonFileError(ValueError):
    """The lesson file is unreadable or has a bad key: one sentence naming the file and the key."""


# key in the file -> the option it sets (see scenes.publishing.options.TYPES for its type)
KEYS = {
    "title": "title",
    "sentence": "sentence",
    "training.context": "context",
    "training.epochs": "epochs",
    "training.lr": "lr",
    "training.optimizer": "optimizer",
    "training.dim": "dim",
    "training.hidden": "hidden",
    "training.seed": "seed",
    "voice.engine": "voice_engine",
    "voice.model": "voice_model",
    "voice.command": "voice_cmd",
    "voice.directory": "voice_dir",
    "output.out": "out",
    "output.quality": "quality",
    "output.aspect": "aspect",
    "output.captions": "captions",
    "output.subtitle_bom": "subtitle_bom",
    "output.reading_pace": "reading_pace",
}


def flatten(table: dict, prefix: str = "") -> dict:
    """A TOML table's keys, nested tables spelled with dots: {"train": {"lr": 0.1}} gives
    {"train.lr": 0.1}."""
    out = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _typed(key: str, value, kind: click.ParamType):
    """The value checked and converted by the option's own click type; LessonFileError names the key."""
    if not isinstance(value, python_kinds(kind)) or (isinstance(value, bool) and kind is not click.BOOL):
        raise LessonFileError(f"{key} must be {describe(kind)}, got {value!r}.")
    try:
        return kind.convert(value, None, None)
    except click.BadParameter as e:
        detail = e.message if e.message.startswith("must") else f"must be {describe(kind)}, got {value!r}."
        raise LessonFileError(f"{key} {detail}") from None


def read_toml(path: Path, error: type[Exception] | None = None) -> dict:
    """A TOML file in UTF-8 (a byte-order mark, as Notepad and PowerShell write, is read as
    nothing) as a dict. Raises `error` (default LessonFileError) with one sentence naming the
    file when it is missing, unreadable, UTF-16, not UTF-8 or not valid TOML."""
    error = error or LessonFileError
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise error(f"{path} does not exist.") from None
    except OSError as e:
        raise error(f"{path} cannot be read ({type(e).__name__}).") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(f"{path} is saved as UTF-16: save it as UTF-8 (in Notepad: Save as, Encoding UTF-8).")
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text: save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as e:
        raise error(f"{path} is not valid TOML: {e}.") from None


def load_lesson_file(path: Path) -> dict:
    """The file's settings as {option name: value}; relative paths are relative to the file."""
    data = read_toml(path)
    settings = {}
    for key, value in flatten(data).items():
        if key not in KEYS:
            raise LessonFileError(f"{path}: unknown key {key!r} (known keys: {', '.join(KEYS)}).")
        try:
            option, value = setting(key, value, path.parent)
        except LessonFileError as e:
            raise LessonFileError(f"{path}: {e}") from None
        settings[option] = value
    return settings


def setting(key: str, value, folder: Path) -> tuple[str, object]:
    """A known key of a lesson file ("training.epochs") and its value as typed in the file, as the
    command-line option it stands for and that option's value; a relative path is taken from
    `folder` (the file's). Raises LessonFileError naming the key when the value has the wrong type
    or is out of range."""
    option = KEYS[key]
    value = _typed(key, value, TYPES[option])
    if isinstance(value, Path) and not value.is_absolute():
        value = folder / value
    return option, value
