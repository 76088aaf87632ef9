"""The network, forward and backward by hand. Three layers:

    x      = [E[w_1], ..., E[w_c]]        embedding layer: look up and concatenate
    h      = tanh(x W1 + b1)              hidden layer
    logits = h W2 + b2                    output layer
    probs  = softmax(logits)              probability of each next word
    loss   = -log probs[target]           cross-entropy

Shapes: V words (+1 START token as input only), d = dim, c = context,
H = hidden, B = batch of examples.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

PARAM_NAMES = ("E", "W1", "b1", "W2", "b2")


@dataclass
class Params:
    E: np.ndarray  # (V+1, d) one embedding row per input token (the last is START)
    W1: np.ndarray  # (c*d, H)
    b1: np.ndarray  # (H,)
    W2: np.ndarray  # (H, V)
    b2: np.ndarray  # (V,)

    def items(self):
        return [(f.name, getattr(self, f.name)) for f in fields(self)]

    def copy(self) -> "Params":
        return Params(**{k: v.copy() for k, v in self.items()})

    def count(self) -> int:
        return int(sum(v.size for _, v in self.items()))


def init_params(V: int, context: int, dim: int, hidden: int, seed: int, scale: float) -> Params:
    """Small random weights (std scale/sqrt(fan-in)), zero biases, from one seeded generator."""
    rng = np.random.default_rng(seed)
    return Params(
        E=rng.normal(0.0, scale, (V + 1, dim)),  # (V+1, d)
        W1=rng.normal(0.0, scale / np.sqrt(context * dim), (context * dim, hidden)),  # (c*d, H)
        b1=np.zeros(hidden),  # (H,)
        W2=rng.normal(0.0, scale / np.sqrt(hidden), (hidden, V)),  # (H, V)
        b2=np.zeros(V),  # (V,)
    )


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)  # stable: the largest logit becomes 0
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class Forward:
    """Everything the forward pass computed, kept for the backward pass and the trace."""

    contexts: np.ndarray  # (B, c) input token ids
    x: np.ndarray  # (B, c*d) concatenated context vectors
    h: np.ndarray  # (B, H) hidden activations
    logits: np.ndarray  # (B, V)
    probs: np.ndarray  # (B, V)


def forward(p: Params, contexts: np.ndarray) -> Forward:
    contexts = np.asarray(contexts).reshape(len(contexts), -1)  # (B, c)
    x = p.E[contexts].reshape(len(contexts), -1)  # (B, c, d) -> (B, c*d)
    h = np.tanh(x @ p.W1 + p.b1)  # (B, H)
    logits = h @ p.W2 + p.b2  # (B, V)
    return Forward(contexts, x, h, logits, softmax(logits))


def losses(f: Forward, targets: np.ndarray) -> np.ndarray:
    """(B,) cross-entropy of each example: -log p(right word)."""
    with np.errstate(divide="ignore"):  # p == 0 gives an honest inf
        return -np.log(f.probs[np.arange(len(targets)), targets])


def backward(p: Params, f: Forward, targets: np.ndarray) -> Params:
    """Gradients of the mean loss over the batch, one per parameter, same shapes."""
    B = len(targets)
    dlogits = f.probs.copy()  # d loss / d logits = probs - onehot(target)
    dlogits[np.arange(B), targets] -= 1.0
    dlogits /= B  # (B, V)
    dW2 = f.h.T @ dlogits  # (H, V)
    db2 = dlogits.sum(axis=0)  # (V,)
    dh = dlogits @ p.W2.T  # (B, H)
    dpre = dh * (1.0 - f.h**2)  # through tanh: tanh' = 1 - tanh^2
    dW1 = f.x.T @ dpre  # (c*d, H)
    db1 = dpre.sum(axis=0)  # (H,)
    dx = (dpre @ p.W1.T).reshape(B, f.contexts.shape[1], -1)  # (B, c, d)
    dE = np.zeros_like(p.E)
    np.add.at(dE, f.contexts, dx)  # each context slot sends its share back to its row
    return Params(E=dE, W1=dW1, b1=db1, W2=dW2, b2=db2)
