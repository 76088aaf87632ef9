"""The extra runs the lesson compares against, derived from the main run's config.
Their settings live here and nowhere else; they are trained and cached like the main trace."""

from __future__ import annotations

from model.config import LIMITS, TrainConfig

LR_SMALL_FACTOR = 0.1  # "too small": a tenth of the main learning rate
LR_LARGE_FACTOR = 500.0  # "too large": enough to make training unstable (with Adam, 5.0 for the default 0.01)
LR_TOO_SMALL, LR_TOO_LARGE, CONTEXT_ONE = "too small", "too large", "context 1"  # the runs' names


def learning_rate_runs(config: TrainConfig) -> dict[str, TrainConfig]:
    """The runs that differ only in learning rate, in order: too small, the main one ("just
    right"), too large. The learning rates stay inside LIMITS["lr"]; a run that the limit would
    make the same as the main one (a main learning rate already at the limit) is left out, so
    there are two runs, or three."""
    low, high = LIMITS["lr"]
    small = config.replace(lr=max(low, config.lr * LR_SMALL_FACTOR))
    large = config.replace(lr=min(high, config.lr * LR_LARGE_FACTOR))
    runs = {LR_TOO_SMALL: small, "just right": config, LR_TOO_LARGE: large}
    return {name: run for name, run in runs.items() if run is config or run.lr != config.lr}


def context_one_run(config: TrainConfig) -> TrainConfig:
    """The same run with only one word of context (for "why context matters")."""
    return config.replace(context=1)


def comparison_runs(config: TrainConfig) -> dict[str, TrainConfig]:
    """Every extra run the lesson shows beside the main one, by name: the learning rate too
    small and too large (each only where it differs from the main one: see learning_rate_runs),
    and one word of context."""
    rates = learning_rate_runs(config)
    return {**{name: rates[name] for name in (LR_TOO_SMALL, LR_TOO_LARGE) if name in rates},
            CONTEXT_ONE: context_one_run(config)}


def rearranged(words: list[str]) -> list[str]:
    """A new arrangement of the same words, to test whether the network generalises:
    the second and the last word swap places (the cat sat on the mat -> the mat sat on the cat).
    If they are the same word, the sentence is reversed."""
    out = list(words)
    if len(out) >= 3 and out[1] != out[-1]:
        out[1], out[-1] = out[-1], out[1]
    else:
        out.reverse()
    return out
