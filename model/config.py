"""The training configuration: every input of a run, in one place."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

DEFAULT_SENTENCE = "the cat sat on the mat"

# Ranges the CLI and the trace loader enforce. (low, high), both inclusive.
LIMITS = {
    "context": (1, 8),
    "dim": (1, 64),
    "hidden": (1, 256),
    "epochs": (1, 2000),
    "lr": (1e-6, 100.0),
    "init_scale": (1e-4, 10.0),
    "seed": (0, 2**32 - 1),
}
OPTIMIZERS = ("adam", "sgd")


class ConfigError(ValueError):
    """A setting out of range: `field` names it, `detail` says what is wrong."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field} {detail}")
        self.field, self.detail = field, detail


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run. Same config -> same trace, bit for bit."""

    sentence: str = DEFAULT_SENTENCE  # the training text (words separated by spaces)
    context: int = 2  # how many previous words the network sees
    dim: int = 4  # d: length of each word's embedding vector
    hidden: int = 8  # H: units in the hidden (tanh) layer
    epochs: int = 60  # passes over all training pairs
    lr: float = 0.01  # learning rate (the lesson quotes 0.01)
    optimizer: str = "adam"  # "adam" (default) or "sgd" (plain gradient descent)
    seed: int = 0  # seeds np.random.default_rng for the initial weights
    init_scale: float = 0.5  # std of the initial weights (before 1/sqrt(fan-in))

    def validate(self) -> None:
        """Raise ValueError with one clear sentence if a setting is out of range."""
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not (low <= value <= high):
                raise ConfigError(name, f"must be between {low:g} and {high:g}, got {value!r}.")
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError("optimizer", f"must be one of {', '.join(OPTIMIZERS)}, got {self.optimizer!r}.")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown training setting {unknown[0]!r}.")
        return cls(**data)

    def replace(self, **changes) -> "TrainConfig":
        return dataclasses.replace(self, **changes)

    def digest(self, salt: str = "") -> str:
        """A short hash of the settings (plus `salt`, e.g. the model code's version)."""
        blob = json.dumps(self.to_dict(), sort_keys=True) + salt
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
