"""Read-only calculations on a trace that the lesson shows (numpy only, never trains)."""

from __future__ import annotations

import numpy as np

from model.network import Forward, forward
from model.trace import Trace


def word_map_basis(trace: Trace) -> tuple[np.ndarray, np.ndarray]:
    """A fixed 2-D view of the word vectors: the top two principal axes of the
    trained (last epoch) embeddings of the V words. The same (mean, basis) is
    used for every epoch, so points move only because the vectors moved.

    Returns mean (d,) and basis (d, 2). Signs are fixed so the largest entry of
    each axis is positive (the same trace always gives the same picture).
    """
    E = trace.arrays["param_E"][-1, : trace.V]  # (V, d) the words, not START
    mean = E.mean(axis=0)
    _, _, vt = np.linalg.svd(E - mean, full_matrices=False)
    basis = np.zeros((E.shape[1], 2))
    k = min(2, vt.shape[0])
    basis[:, :k] = vt[:k].T
    for j in range(k):
        if basis[np.argmax(np.abs(basis[:, j])), j] < 0:
            basis[:, j] *= -1
    return mean, basis


def word_map(trace: Trace, epoch: int, mean: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """(V, 2) the words' positions on the map at `epoch`."""
    E = trace.arrays["param_E"][epoch, : trace.V]
    return (E - mean) @ basis


def forward_at(trace: Trace, epoch: int, pair: int) -> Forward:
    """The forward pass of one pair with the weights of `epoch` (for the hidden layer,
    which the trace does not store; logits and probabilities match the trace's)."""
    return forward(trace.params_at(epoch), trace.contexts[pair : pair + 1])


def generate(trace: Trace, epoch: int, first_words: list[str], length: int) -> list[tuple[str, float]]:
    """Greedy generation: from the first words, append the most likely next word,
    feeding each guess back as context. Returns (word, probability) per new word."""
    stoi = {w: i for i, w in enumerate(trace.vocab)}
    c = trace.config.context
    ids = [trace.V] * c + [stoi[w] for w in first_words]
    params = trace.params_at(epoch)
    out = []
    for _ in range(length):
        probs = forward(params, np.array([ids[-c:]])).probs[0]
        best = int(np.argmax(probs))
        out.append((trace.vocab[best], float(probs[best])))
        ids.append(best)
    return out
