"""Shared fixtures. Tiers: fast math/trace/CLI tests; scenes built under dry run;
a few real low-resolution renders (marked `render`)."""

from __future__ import annotations

import pytest

from model import TrainConfig, save_trace, train


@pytest.fixture(scope="session")
def default_trace():
    return train(TrainConfig())


@pytest.fixture(scope="session")
def default_trace_file(tmp_path_factory, default_trace):
    return save_trace(default_trace, tmp_path_factory.mktemp("default") / "default.npz")


@pytest.fixture(scope="session")
def small_config():
    """A short run: quick to train and to animate."""
    return TrainConfig(epochs=8)


@pytest.fixture(scope="session")
def small_trace(small_config):
    return train(small_config)


@pytest.fixture()
def small_trace_file(tmp_path, small_trace):
    return save_trace(small_trace, tmp_path / "small.npz")


@pytest.fixture(scope="module")
def small_trace_module_file(tmp_path_factory, small_trace):
    return save_trace(small_trace, tmp_path_factory.mktemp("small") / "small.npz")


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    """Traces made on the fly go to a temporary cache, never the user's media/."""
    import model.cache

    cache = tmp_path_factory.getbasetemp() / "trace-cache"
    monkeypatch.setattr(model.cache, "DEFAULT_CACHE_DIR", cache)
    monkeypatch.setenv("NEXTWORD_CACHE", str(cache))  # for worker processes too
