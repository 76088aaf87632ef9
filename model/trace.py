"""The trace: everything a training run did, saved, loaded and validated.

The trace is the contract between the model and the scenes. It stores its
inputs (the config, hence sentence, seed and hyperparameters) beside its
outputs, in one versioned file: a NumPy .npz holding the arrays below plus a
JSON header named `meta`. N = epochs recorded (epoch 0 is the untrained
network), P = training pairs, S = update steps (one per pair per epoch).

    contexts (P, c)        targets (P,)
    param_E (N, V+1, d)    param_W1 (N, c*d, H)  param_b1 (N, H)
    param_W2 (N, H, V)     param_b2 (N, V)
    logits (N, P, V)       probs (N, P, V)       loss (N, P)
    step_epoch (S,)        step_example (S,)     step_loss (S,)
    grad_E (S, V+1, d) ... grad_b2 (S, V)        gradients of each update step
    update_E (S, V+1, d) ... update_b2 (S, V)    the change each step made to each parameter
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from model.config import TrainConfig
from model.data import START, Dataset, build_dataset, loss_floor, split_sentences
from model.network import PARAM_NAMES, Params

SCHEMA_VERSION = 1
FORMAT_NAME = "nextword-trace"

# The convergence rule, documented once: training has converged at the first
# epoch whose mean loss has made CONVERGED_FRACTION of the fall it can ever
# make, from its epoch-0 value down to the loss floor (the lowest mean loss any
# model can reach on this data). After that the loss can only creep.
CONVERGED_FRACTION = 0.97


class TraceError(ValueError):
    """A trace file is missing, unreadable or inconsistent. The message is one sentence."""


def convergence_epoch(
    mean_loss: np.ndarray, floor: float, fraction: float = CONVERGED_FRACTION
) -> int | None:
    """First epoch e with mean_loss[0] - mean_loss[e] >= fraction * (mean_loss[0] - floor), or None."""
    return _first(mean_loss[0] - mean_loss >= fraction * (mean_loss[0] - floor))


def _first(condition: np.ndarray) -> int | None:
    hits = np.flatnonzero(condition)
    return int(hits[0]) if len(hits) else None


@dataclass
class Trace:
    config: TrainConfig
    vocab: tuple[str, ...]  # itos: the output words, in order of first appearance
    arrays: dict[str, np.ndarray]
    diverged_epoch: int | None = None  # the epoch in which training blew up, if it did

    @classmethod
    def from_run(cls, config, vocab, arrays, diverged_epoch=None) -> "Trace":
        return cls(config=config, vocab=tuple(vocab), arrays=dict(arrays), diverged_epoch=diverged_epoch)

    # ---- shapes -----------------------------------------------------------
    @property
    def V(self) -> int:
        return len(self.vocab)

    @property
    def P(self) -> int:
        return len(self.arrays["targets"])

    @property
    def n_epochs(self) -> int:
        """Epochs recorded, epoch 0 included (config.epochs + 1 unless it diverged)."""
        return len(self.arrays["loss"])

    @property
    def last_epoch(self) -> int:
        return self.n_epochs - 1

    # ---- what the run did ---------------------------------------------------
    @property
    def contexts(self) -> np.ndarray:
        return self.arrays["contexts"]

    @property
    def targets(self) -> np.ndarray:
        return self.arrays["targets"]

    @property
    def probs(self) -> np.ndarray:
        return self.arrays["probs"]

    @property
    def logits(self) -> np.ndarray:
        return self.arrays["logits"]

    @property
    def loss(self) -> np.ndarray:
        return self.arrays["loss"]

    @cached_property
    def mean_loss(self) -> np.ndarray:
        return self.loss.mean(axis=1)  # (N,)

    @cached_property
    def predictions(self) -> np.ndarray:
        return self.probs.argmax(axis=2)  # (N, P)

    @cached_property
    def accuracy(self) -> np.ndarray:
        return (self.predictions == self.targets).mean(axis=1)  # (N,)

    @cached_property
    def p_correct(self) -> np.ndarray:
        """(N, P) the probability the network gave each pair's right word."""
        return np.take_along_axis(self.probs, self.targets[None, :, None], axis=2)[:, :, 0]

    def params_at(self, epoch: int) -> Params:
        return Params(**{k: self.arrays[f"param_{k}"][epoch] for k in PARAM_NAMES})

    def grads_at(self, step: int) -> Params:
        return Params(**{k: self.arrays[f"grad_{k}"][step] for k in PARAM_NAMES})

    def step_of(self, epoch: int, pair: int) -> int:
        """The update step that trained `pair` during `epoch` (1-based: epoch 1 is the first pass)."""
        return (epoch - 1) * self.P + pair

    def params_before_step(self, step: int) -> Params:
        """The weights as the step found them: its epoch's start plus the earlier steps' updates."""
        epoch = int(self.arrays["step_epoch"][step])
        first = self.step_of(epoch, 0)
        return Params(
            **{
                k: self.arrays[f"param_{k}"][epoch - 1] + self.arrays[f"update_{k}"][first:step].sum(axis=0)
                for k in PARAM_NAMES
            }
        )

    def params_after_step(self, step: int) -> Params:
        before = self.params_before_step(step)
        return Params(**{k: getattr(before, k) + self.arrays[f"update_{k}"][step] for k in PARAM_NAMES})

    @cached_property
    def sentences(self) -> list[list[str]]:
        """The training text as words, one list per sentence."""
        return split_sentences(self.config.sentence)

    @cached_property
    def dataset(self) -> Dataset:
        """The training pairs the run was trained on (rebuilt from its config; validate() checks
        that they match the stored ones)."""
        return build_dataset(self.config.sentence, self.config.context)

    def input_word(self, token_id: int) -> str:
        """The word of an input token id (id V is the start token)."""
        return self.dataset.input_word(token_id)

    def pair_words(self, p: int) -> tuple[list[str], str]:
        """(context words, right next word) of pair p."""
        return self.dataset.pair_words(p)

    @property
    def embeddings(self) -> np.ndarray:
        """(N, V+1, d) the embedding table at every epoch; row V is the start token's vector."""
        return self.arrays["param_E"]

    @cached_property
    def embedding_scale(self) -> float:
        """The largest |value| in any embedding at any epoch: one colour scale for the whole run."""
        return float(np.abs(self.embeddings).max())

    # ---- derived facts the narration quotes ---------------------------------
    @property
    def random_baseline(self) -> float:
        """The loss of a uniform guess: ln V."""
        return math.log(self.V)

    @cached_property
    def loss_floor(self) -> float:
        """The lowest mean loss any model can reach on this data (0 if every context is unambiguous)."""
        return loss_floor(self.dataset)

    @property
    def parameters(self) -> int:
        return self.params_at(0).count()

    @property
    def convergence_epoch(self) -> int | None:
        return convergence_epoch(self.mean_loss, self.loss_floor)

    @property
    def loss_halved_epoch(self) -> int | None:
        return _first(self.mean_loss <= self.mean_loss[0] / 2)

    @property
    def all_correct_epoch(self) -> int | None:
        return _first(self.accuracy == 1.0)

    def facts(self) -> dict:
        return {
            "convergence_epoch": self.convergence_epoch,
            "loss_halved_epoch": self.loss_halved_epoch,
            "all_correct_epoch": self.all_correct_epoch,
            "random_baseline": self.random_baseline,
            "loss_floor": self.loss_floor,
            "parameters": self.parameters,
            "diverged_epoch": self.diverged_epoch,
        }

    def summary(self) -> dict:
        """The run as plain JSON-able data (what `render.py train --json` prints)."""
        pairs = []
        for p in range(self.P):
            ctx, tgt = self.pair_words(p)
            pairs.append({"context": ctx, "target": tgt})
        epochs = [
            {
                "epoch": e,
                "mean_loss": float(self.mean_loss[e]),
                "accuracy": float(self.accuracy[e]),
                "p_correct": [float(x) for x in self.p_correct[e]],
            }
            for e in range(self.n_epochs)
        ]
        return {
            "config": self.config.to_dict(),
            "vocab": list(self.vocab),
            "start_token": START,
            "pairs": pairs,
            "epochs": epochs,
            **self.facts(),
        }

    def equals(self, other: "Trace") -> bool:
        """Bit-identical: same config, vocabulary, divergence and every array."""
        return (
            self.config == other.config
            and self.vocab == other.vocab
            and self.diverged_epoch == other.diverged_epoch
            and self.arrays.keys() == other.arrays.keys()
            and all(
                self.arrays[k].dtype == other.arrays[k].dtype
                and self.arrays[k].shape == other.arrays[k].shape
                and self.arrays[k].tobytes() == other.arrays[k].tobytes()
                for k in self.arrays
            )
        )

    # ---- validation -------------------------------------------------------
    def expected_shapes(self) -> dict[str, tuple]:
        c, d, H = self.config.context, self.config.dim, self.config.hidden
        V, P, N = self.V, self.P, self.n_epochs
        S = len(self.arrays["step_epoch"])
        shapes = {
            "contexts": (P, c),
            "targets": (P,),
            "param_E": (N, V + 1, d),
            "param_W1": (N, c * d, H),
            "param_b1": (N, H),
            "param_W2": (N, H, V),
            "param_b2": (N, V),
            "logits": (N, P, V),
            "probs": (N, P, V),
            "loss": (N, P),
            "step_epoch": (S,),
            "step_example": (S,),
            "step_loss": (S,),
        }
        for k in PARAM_NAMES:
            shapes[f"grad_{k}"] = (S, *shapes[f"param_{k}"][1:])
            shapes[f"update_{k}"] = (S, *shapes[f"param_{k}"][1:])
        return shapes

    def validate(self) -> None:
        """Raise TraceError (one sentence) if anything is inconsistent."""
        try:
            self.config.validate()
        except ValueError as e:
            raise TraceError(f"its training settings are invalid: {e}") from None
        shapes = self.expected_shapes()
        missing = sorted(set(shapes) - set(self.arrays))
        if missing:
            raise TraceError(f"the array {missing[0]!r} is missing.")
        extra = sorted(set(self.arrays) - set(shapes))
        if extra:
            raise TraceError(f"it has an unexpected array {extra[0]!r}.")
        for name, shape in shapes.items():
            if self.arrays[name].shape != shape:
                raise TraceError(f"the array {name!r} has shape {self.arrays[name].shape}, expected {shape}.")
            if not np.isfinite(self.arrays[name]).all():
                raise TraceError(f"the array {name!r} holds values that are not finite numbers.")
        try:
            data = self.dataset
        except ValueError as e:
            raise TraceError(f"its sentence cannot be trained on: {e}") from None
        if data.itos != self.vocab:
            raise TraceError("its vocabulary does not match its sentence.")
        if not (np.array_equal(data.contexts, self.contexts) and np.array_equal(data.targets, self.targets)):
            raise TraceError("its training pairs do not match its sentence.")
        max_epochs = self.config.epochs + 1
        if self.n_epochs < 1 or self.n_epochs > max_epochs:
            raise TraceError(f"it records {self.n_epochs} epochs, but its settings allow 1 to {max_epochs}.")
        if (self.n_epochs < max_epochs) != (self.diverged_epoch is not None):
            raise TraceError("its epoch count does not agree with its divergence record.")
        if len(self.arrays["step_epoch"]) != (self.n_epochs - 1) * self.P:
            raise TraceError("its number of update steps does not match its epochs and pairs.")
        if self.n_epochs > 1:
            per_epoch = {
                k: self.arrays[f"update_{k}"]
                .reshape(self.n_epochs - 1, self.P, *self.arrays[f"update_{k}"].shape[1:])
                .sum(axis=1)
                for k in PARAM_NAMES
            }
            for k in PARAM_NAMES:
                if not np.allclose(
                    self.arrays[f"param_{k}"][1:], self.arrays[f"param_{k}"][:-1] + per_epoch[k], atol=1e-9
                ):
                    raise TraceError(f"its recorded updates of {k} do not add up to its epoch-end weights.")
        probs = self.probs
        if (probs < 0).any() or (probs > 1).any() or not np.allclose(probs.sum(axis=2), 1.0, atol=1e-6):
            raise TraceError("its probabilities do not each sum to 1.")
        expected_loss = -np.log(np.maximum(self.p_correct, 1e-300))
        if not np.allclose(self.loss, expected_loss, rtol=1e-9, atol=1e-9):
            raise TraceError("its losses do not match its probabilities.")


def save_trace(trace: Trace, path: str | os.PathLike) -> Path:
    """Write the trace whole or not at all (a temporary file renamed into place)."""
    path = Path(path)
    meta = {
        "format": FORMAT_NAME,
        "schema_version": SCHEMA_VERSION,
        "config": trace.config.to_dict(),
        "vocab": list(trace.vocab),
        "start_token": START,
        "diverged_epoch": trace.diverged_epoch,
        "facts": trace.facts(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(json.dumps(meta, ensure_ascii=False)), **trace.arrays)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_trace(path: str | os.PathLike) -> Trace:
    """Read and validate a trace file; TraceError names the file and the problem."""
    path = Path(path)
    try:
        return _load(path)
    except TraceError as e:
        raise TraceError(f"{path} is not a usable trace: {e}") from None


def _load(path: Path) -> Trace:
    if not path.exists():
        raise TraceError("the file does not exist.")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise TraceError(f"it cannot be read as a trace file ({type(e).__name__}).") from None
    if "meta" not in arrays:
        raise TraceError("it has no 'meta' header.")
    try:
        meta = json.loads(str(arrays.pop("meta")))
    except (json.JSONDecodeError, TypeError):
        raise TraceError("its 'meta' header is not valid JSON.") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_NAME:
        raise TraceError(f"its header does not say format {FORMAT_NAME!r}.")
    version = meta.get("schema_version")
    if version != SCHEMA_VERSION:
        raise TraceError(f"it is format version {version}, this nextword reads version {SCHEMA_VERSION}.")
    try:
        config = TrainConfig.from_dict(meta["config"])
        vocab = tuple(meta["vocab"])
        diverged = meta.get("diverged_epoch")
    except (KeyError, TypeError, ValueError) as e:
        raise TraceError(f"its header is incomplete or malformed ({e}).") from None
    if not all(isinstance(w, str) for w in vocab) or not (diverged is None or isinstance(diverged, int)):
        raise TraceError("its header is malformed.")
    trace = Trace(config=config, vocab=vocab, arrays=arrays, diverged_epoch=diverged)
    trace.validate()
    stored = meta.get("facts", {})
    for key, value in trace.facts().items():
        if (
            key in stored
            and stored[key] != value
            and not (
                isinstance(value, float)
                and isinstance(stored[key], float)
                and math.isclose(value, stored[key])
            )
        ):
            raise TraceError(f"its recorded {key} ({stored[key]}) does not match its data ({value}).")
    return trace
