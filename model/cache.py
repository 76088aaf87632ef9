"""Traces cached under a name derived from a hash of their inputs.

The name hashes the training config, the trace schema version and the model's
own source code, so a render never silently uses a trace made with other
settings or by older code. Only `cached_trace` and `lesson_runs` train (on a
cache miss); `cache_path` just names the file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from model.config import TrainConfig
from model.experiments import comparison_runs
from model.trace import SCHEMA_VERSION, Trace, TraceError, load_trace, save_trace

MODEL_DIR = Path(__file__).resolve().parent
DEFAULT_CACHE_DIR = Path(os.environ.get("NEXTWORD_CACHE", MODEL_DIR.parent / "media" / "traces"))


def code_version() -> str:
    """A hash of the model package's source: retraining follows any change to the math."""
    h = hashlib.sha256(f"schema{SCHEMA_VERSION}".encode())
    for path in sorted(MODEL_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def cache_path(config: TrainConfig, cache_dir: Path | None = None) -> Path:
    """Where the trace of `config` is cached: `trace-<16 hex digits>.npz` in the cache folder."""
    return Path(cache_dir or DEFAULT_CACHE_DIR) / f"trace-{config.digest(code_version())}.npz"


def cached_trace(config: TrainConfig, cache_dir: Path | None = None) -> tuple[Trace, Path]:
    """The trace for `config` and its file: loaded from the cache, or trained now and cached."""
    path = cache_path(config, cache_dir)
    if path.exists():
        try:
            return load_trace(path), path
        except TraceError:
            pass  # a damaged cache entry is simply made again
    from model.training import train  # only a cache miss trains

    trace = train(config)
    save_trace(trace, path)
    return trace, path


def lesson_runs(config: TrainConfig, cache_dir: Path | None = None) -> dict[str, Path]:
    """The trace file of every comparison run the lesson shows for a main run of `config`
    (see model.experiments.comparison_runs), trained now if not cached."""
    return {name: cached_trace(c, cache_dir)[1] for name, c in comparison_runs(config).items()}
