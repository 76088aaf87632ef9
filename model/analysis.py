"""Read-only calculations on a trace that the lesson shows (numpy only, never trains)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.network import Forward, Params, backward, forward
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


def focus_pair(trace: Trace) -> int:
    """The pair the lesson follows: the first whose context is all real words
    ("the cat → sat" by default), else the first pair."""
    for p in range(trace.P):
        if all(int(t) < trace.V for t in trace.contexts[p]):
            return p
    return 0


def forward_at(trace: Trace, epoch: int, pair: int) -> Forward:
    """The forward pass of one pair with the weights of `epoch` (for the hidden layer,
    which the trace does not store; logits and probabilities match the trace's)."""
    return forward(trace.params_at(epoch), trace.contexts[pair : pair + 1])


def generation_steps(
    trace: Trace, epoch: int, first_words: list[str], length: int
) -> list[tuple[int, np.ndarray]]:
    """Greedy generation, step by step: from the first words, the network (weights of `epoch`)
    gives every word a probability, the likeliest is appended and fed back as context. Returns,
    per new word, (its vocabulary id, the (V,) probabilities of that step)."""
    stoi = {w: i for i, w in enumerate(trace.vocab)}
    c = trace.config.context
    ids = [trace.V] * c + [stoi[w] for w in first_words]
    params = trace.params_at(epoch)
    out = []
    for _ in range(length):
        probs = forward(params, np.array([ids[-c:]])).probs[0]
        best = int(np.argmax(probs))
        out.append((best, probs))
        ids.append(best)
    return out


def generate(trace: Trace, epoch: int, first_words: list[str], length: int) -> list[tuple[str, float]]:
    """Greedy generation (see generation_steps). Returns (word, probability) per new word."""
    steps = generation_steps(trace, epoch, first_words, length)
    return [(trace.vocab[best], float(probs[best])) for best, probs in steps]


@dataclass
class StepView:
    """One update step, as chapter 5 tells it: the error at the output, the signal at
    each layer on its way back, the recorded gradients, and the weights before and after."""

    step: int
    pair: int
    before: Params  # weights as the step found them
    after: Params | None  # weights after the update (None: the run diverged before recording it)
    f_before: Forward  # the pair's forward pass before the step
    f_after: Forward | None  # ... and after it
    error: np.ndarray  # (V,) d loss / d logits = probabilities - one-hot(right word)
    hidden_signal: np.ndarray  # (H,) d loss / d (hidden pre-activation)
    input_signal: np.ndarray  # (c*d,) d loss / d x, what reaches the context vectors
    grads: Params  # the gradients the trace recorded for this step


def step_view(trace: Trace, epoch: int, pair: int) -> StepView:
    """The update of `pair` in `epoch`. If the run diverged before that step was recorded, the
    view holds the weights the run had last (and the gradients of the backward pass on them),
    with no `after`."""
    step = trace.step_of(epoch, pair)
    recorded = step < len(trace.arrays["step_epoch"])
    before = trace.params_before_step(step) if recorded else trace.params_at(trace.last_epoch)
    after = trace.params_after_step(step) if recorded else None
    ctx = trace.contexts[pair : pair + 1]
    f0 = forward(before, ctx)
    f1 = forward(after, ctx) if after is not None else None
    error = f0.probs[0].copy()
    error[trace.targets[pair]] -= 1.0
    hidden_signal = (error @ before.W2.T) * (1.0 - f0.h[0] ** 2)
    input_signal = hidden_signal @ before.W1.T
    grads = trace.grads_at(step) if recorded else backward(before, f0, trace.targets[pair : pair + 1])
    return StepView(step, pair, before, after, f0, f1, error, hidden_signal, input_signal, grads)


def gradient_sizes(grads: Params) -> dict[str, float]:
    """The size (Euclidean norm) of each parameter tensor's gradient."""
    return {name: float(np.linalg.norm(value)) for name, value in grads.items()}


@dataclass
class Guess:
    context: list[str]  # the words the network saw
    truth: str  # the word that really comes next in the new sentence
    guess: str  # the network's most likely word
    p_guess: float  # its probability
    p_truth: float  # the probability it gave the true word


def evaluate(trace: Trace, epoch: int, words: list[str]) -> list[Guess]:
    """The network (weights of `epoch`) on a new sentence made of known words: one guess per word
    after the first, each from the true previous words (a real evaluation, no learning)."""
    stoi = {w: i for i, w in enumerate(trace.vocab)}
    c = trace.config.context
    ids = [trace.V] * c + [stoi[w] for w in words]
    params = trace.params_at(epoch)
    out = []
    for i in range(1, len(words)):
        ctx = ids[i : i + c]
        probs = forward(params, np.array([ctx])).probs[0]
        best = int(np.argmax(probs))
        truth = stoi[words[i]]
        out.append(
            Guess(
                [trace.input_word(t) for t in ctx],
                words[i],
                trace.vocab[best],
                float(probs[best]),
                float(probs[truth]),
            )
        )
    return out


def rising_epochs(trace: Trace) -> int:
    """How many epochs ended with a higher mean loss than the one before (a sign of instability)."""
    return int((np.diff(trace.mean_loss) > 0).sum())


def jumps_around(trace: Trace) -> bool:
    """Whether the mean loss rose in more than a tenth of the run's epochs (see rising_epochs)."""
    return rising_epochs(trace) > trace.last_epoch // 10


def learning_rate_names(runs: dict) -> dict[str, str]:
    """What to call each learning-rate run, from what it did. `runs`: model.experiments'
    learning_rate_runs names ("too small", "just right", "too large") → their traces. The main
    run is "just right" only if it converged without blowing up ("this run" otherwise); the
    smaller rate is "too small" only beside such a run and if it converged later or not at all
    ("smaller" otherwise); the larger rate is "too large" only if it blew up or jumped around
    ("larger" otherwise). Returns the same keys → names."""
    from model.experiments import LR_TOO_LARGE, LR_TOO_SMALL

    main = runs["just right"]
    right = main.convergence_epoch is not None and main.diverged_epoch is None
    names = {}
    for name, run in runs.items():
        if name == LR_TOO_SMALL:
            slower = run.convergence_epoch is None or run.convergence_epoch > (main.convergence_epoch or 0)
            names[name] = LR_TOO_SMALL if right and slower else "smaller"
        elif name == LR_TOO_LARGE:
            names[name] = LR_TOO_LARGE if run.diverged_epoch is not None or jumps_around(run) else "larger"
        else:
            names[name] = name if right else "this run"
    return names


def unmoved_words(trace: Trace) -> list[str]:
    """Words whose vector never changed: they are never an input, so they never get a gradient."""
    E = trace.arrays["param_E"]
    return [w for i, w in enumerate(trace.vocab) if np.array_equal(E[0, i], E[-1, i])]
