"""Training: per-example updates with Adam (default) or plain SGD, every step recorded."""

from __future__ import annotations

import numpy as np

from model.config import TrainConfig
from model.data import Dataset, build_dataset
from model.network import PARAM_NAMES, Params, backward, forward, init_params, losses
from model.trace import Trace


class Adam:
    """Adam (Kingma & Ba, 2015): a step of about `lr` per parameter, steered by gradient averages."""

    def __init__(self, params: Params, lr: float, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}  # first moment
        self.v = {k: np.zeros_like(v) for k, v in params.items()}  # second moment
        self.t = 0

    def step(self, params: Params, grads: Params) -> None:
        self.t += 1
        for name, g in grads.items():
            self.m[name] = self.beta1 * self.m[name] + (1 - self.beta1) * g
            self.v[name] = self.beta2 * self.v[name] + (1 - self.beta2) * g**2
            m_hat = self.m[name] / (1 - self.beta1**self.t)
            v_hat = self.v[name] / (1 - self.beta2**self.t)
            getattr(params, name)[...] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class SGD:
    """Plain gradient descent: each parameter moves against its gradient, times lr."""

    def __init__(self, params: Params, lr: float):
        self.lr = lr

    def step(self, params: Params, grads: Params) -> None:
        for name, g in grads.items():
            getattr(params, name)[...] -= self.lr * g


OPTIMIZERS = {"adam": Adam, "sgd": SGD}


def _finite(params: Params) -> bool:
    return all(np.isfinite(v).all() for _, v in params.items())


def train(config: TrainConfig) -> Trace:
    """Train on the config's sentence and return the full trace of the run.

    Epoch 0 is the untrained network. Each later epoch visits every pair once,
    in order, with one update per pair. If the loss or a weight stops being a
    finite number, training stops there and the trace records the divergence.
    """
    config.validate()
    data: Dataset = build_dataset(config.sentence, config.context)
    params = init_params(data.V, config.context, config.dim, config.hidden, config.seed, config.init_scale)
    optimizer = OPTIMIZERS[config.optimizer](params, config.lr)

    snapshots = {name: [] for name in PARAM_NAMES}
    evals = {"logits": [], "probs": [], "loss": []}
    steps = {"step_epoch": [], "step_example": [], "step_loss": []}
    grads_log = {name: [] for name in PARAM_NAMES}
    updates_log = {name: [] for name in PARAM_NAMES}
    diverged_epoch = None

    def record_epoch() -> bool:
        f = forward(params, data.contexts)
        loss = losses(f, data.targets)
        if not (np.isfinite(loss).all() and np.isfinite(f.probs).all()):
            return False
        for name, value in params.items():
            snapshots[name].append(value.copy())
        evals["logits"].append(f.logits)
        evals["probs"].append(f.probs)
        evals["loss"].append(loss)
        return True

    if not record_epoch():
        raise ValueError("the untrained network already gives a non-finite loss; lower init_scale.")
    for epoch in range(1, config.epochs + 1):
        for p in range(len(data.targets)):
            f = forward(params, data.contexts[p : p + 1])
            loss = losses(f, data.targets[p : p + 1])[0]
            grads = backward(params, f, data.targets[p : p + 1])
            if not (np.isfinite(loss) and _finite(grads)):
                break
            steps["step_epoch"].append(epoch)
            steps["step_example"].append(p)
            steps["step_loss"].append(loss)
            for name, g in grads.items():
                grads_log[name].append(g)
            before = params.copy()
            optimizer.step(params, grads)
            for name, value in params.items():
                updates_log[name].append(value - getattr(before, name))
            if not _finite(params):
                break
        else:
            if record_epoch():
                continue
        diverged_epoch = epoch
        break

    # Keep only the steps of the epochs that completed, so steps and epochs agree.
    n_keep = (len(evals["loss"]) - 1) * len(data.targets)
    arrays = {
        "contexts": data.contexts,  # (P, c)
        "targets": data.targets,  # (P,)
        **{f"param_{k}": np.stack(v) for k, v in snapshots.items()},  # (N, ...) N = epochs recorded
        "logits": np.stack(evals["logits"]),  # (N, P, V)
        "probs": np.stack(evals["probs"]),  # (N, P, V)
        "loss": np.stack(evals["loss"]),  # (N, P)
        "step_epoch": np.array(steps["step_epoch"][:n_keep], dtype=np.int64).reshape(-1),  # (S,)
        "step_example": np.array(steps["step_example"][:n_keep], dtype=np.int64).reshape(-1),  # (S,)
        "step_loss": np.array(steps["step_loss"][:n_keep], dtype=np.float64).reshape(-1),  # (S,)
    }
    for name, value in snapshots.items():
        shape = (0, *value[0].shape)
        for prefix, log in (("grad", grads_log), ("update", updates_log)):
            kept = log[name][:n_keep]
            arrays[f"{prefix}_{name}"] = np.stack(kept) if kept else np.zeros(shape)  # (S, ...)
    return Trace.from_run(config, data.itos, arrays, diverged_epoch=diverged_epoch)
