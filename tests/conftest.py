"""Shared fixtures, and the tiers: a test's folder is its tier (and its pytest marker).

    tests/fast/    math, trace, CLI, formatting, structure: seconds   (-m fast)
    tests/scenes/  every chapter built under a dry run, layout checks  (-m scenes)
    tests/render/  real low-resolution renders checked with PyAV      (-m render)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model import TrainConfig, save_trace, train

TIERS = ("fast", "scenes", "render")


def pytest_collection_modifyitems(items):
    for item in items:
        tier = Path(str(item.fspath)).parent.name
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


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


@pytest.fixture()
def settings_for():
    """settings_for(trace_file, **options): RenderSettings for a trace, its comparison runs
    resolved as the CLI resolves them (trained into the temporary cache when missing)."""
    import render

    def make(trace_file, **options):
        options.setdefault("quality", "preview")
        return render.render_settings(Path(trace_file), **options)

    return make
