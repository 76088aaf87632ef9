"""nextword's model: numpy only.

A tiny next-word network (embedding -> hidden -> softmax, after Bengio et al.
2003, "A Neural Probabilistic Language Model"), trained for real, and the
trace that records everything the training run did. Nothing here imports
manim: the scenes read the trace, they never train.
"""

from model.config import TrainConfig
from model.data import Dataset, build_dataset, tokenize
from model.network import Params, backward, forward, init_params
from model.trace import SCHEMA_VERSION, Trace, TraceError, load_trace, save_trace


def __getattr__(name):
    """`train` (model.training) is imported on first use: scenes read traces, never train."""
    if name == "train":
        from model.training import train

        return train
    raise AttributeError(f"module 'model' has no attribute {name!r}")

__all__ = [
    "SCHEMA_VERSION",
    "Dataset",
    "Params",
    "Trace",
    "TraceError",
    "TrainConfig",
    "backward",
    "build_dataset",
    "forward",
    "init_params",
    "load_trace",
    "save_trace",
    "tokenize",
    "train",
]
