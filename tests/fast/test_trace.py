"""The trace file: exact round trip, caching by inputs, and one clear error per problem."""

from __future__ import annotations

import json

import numpy as np
import pytest

from model import SCHEMA_VERSION, TraceError, TrainConfig, load_trace, save_trace
from model.cache import cache_path, cached_trace


def test_save_load_round_trips_exactly(tmp_path, small_trace):
    path = save_trace(small_trace, tmp_path / "t.npz")
    loaded = load_trace(path)
    assert loaded.equals(small_trace)
    assert loaded.facts() == small_trace.facts()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.npz"]  # no temporary file left behind
    assert path.stat().st_mode & 0o044  # readable by others, like any file the user makes


def test_trace_stores_inputs_beside_outputs(tmp_path, small_trace):
    path = save_trace(small_trace, tmp_path / "t.npz")
    with np.load(path) as npz:
        meta = json.loads(str(npz["meta"]))
    assert meta["config"]["sentence"] == "the cat sat on the mat"
    assert meta["config"]["seed"] == 0 and meta["config"]["lr"] == 0.01
    assert meta["vocab"] == ["the", "cat", "sat", "on", "mat"]
    assert meta["schema_version"] == SCHEMA_VERSION
    assert meta["facts"]["parameters"] == small_trace.parameters


def test_cache_name_follows_the_inputs(tmp_path):
    a, b = TrainConfig(epochs=3), TrainConfig(epochs=3, seed=1)
    assert cache_path(a, tmp_path) != cache_path(b, tmp_path)
    assert cache_path(a, tmp_path) == cache_path(TrainConfig(epochs=3), tmp_path)
    trace, path = cached_trace(a, tmp_path)
    assert path.exists()
    again, _ = cached_trace(a, tmp_path)
    assert again.equals(trace)


def rewrite(path, out, meta_change=None, arrays_change=None):
    """Copy a trace file with its header or arrays edited."""
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays.pop("meta")))
    if meta_change:
        meta_change(meta)
    if arrays_change:
        arrays_change(arrays)
    np.savez(out, meta=np.array(json.dumps(meta)), **arrays)
    return out


def _set(key, value):
    def change(d):
        d[key] = value

    return change


def _nan_probs(a):
    a["probs"] = a["probs"].copy()
    a["probs"][1, 0, 0] = np.nan


def _unnormalised(a):
    a["probs"] = a["probs"] * 1.5


def _bad_shape(a):
    a["param_W1"] = a["param_W1"][:, :-1]


def _tampered_update(a):
    a["update_W1"] = a["update_W1"] * 2


def _drop(name):
    def change(a):
        del a[name]

    return change


def _other_sentence(m):
    m["config"]["sentence"] = "a dog ran"


def _bad_lr(m):
    m["config"]["lr"] = -1.0


def _wrong_fact(m):
    m["facts"]["convergence_epoch"] = 999


CASES = [
    ("newer schema", dict(meta_change=_set("schema_version", SCHEMA_VERSION + 1)), "format version"),
    ("wrong format", dict(meta_change=_set("format", "something-else")), "format"),
    ("nan", dict(arrays_change=_nan_probs), "not finite"),
    ("probabilities", dict(arrays_change=_unnormalised), "sum to 1"),
    ("shape", dict(arrays_change=_bad_shape), "has shape"),
    ("missing array", dict(arrays_change=_drop("grad_E")), "'grad_E' is missing"),
    ("vocabulary", dict(meta_change=_other_sentence), "vocabulary does not match"),
    ("settings", dict(meta_change=_bad_lr), "lr must be between"),
    ("facts", dict(meta_change=_wrong_fact), "convergence_epoch"),
    ("updates", dict(arrays_change=_tampered_update), "updates of W1 do not add up"),
]


@pytest.mark.parametrize("label,change,message", CASES, ids=[c[0] for c in CASES])
def test_load_rejects_inconsistent_traces_with_one_clear_sentence(
    tmp_path, small_trace_file, label, change, message
):
    bad = rewrite(small_trace_file, tmp_path / "bad.npz", **change)
    with pytest.raises(TraceError) as err:
        load_trace(bad)
    text = str(err.value)
    assert message in text
    assert str(bad) in text  # names the file
    assert "\n" not in text


def test_load_rejects_missing_truncated_and_garbage_files(tmp_path, small_trace_file):
    with pytest.raises(TraceError, match="does not exist"):
        load_trace(tmp_path / "nope.npz")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(small_trace_file.read_bytes()[:300])
    with pytest.raises(TraceError, match="cannot be read"):
        load_trace(truncated)
    garbage = tmp_path / "garbage.npz"
    garbage.write_text("this is not a trace")
    with pytest.raises(TraceError, match="cannot be read"):
        load_trace(garbage)


def test_load_rejects_a_file_without_header(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, x=np.zeros(3))
    with pytest.raises(TraceError, match="no 'meta' header"):
        load_trace(path)


def test_summary_has_the_fields_scripts_use(small_trace):
    s = small_trace.summary()
    assert s["vocab"] == list(small_trace.vocab)
    assert s["pairs"][1] == {"context": ["the", "cat"], "target": "sat"}
    assert [e["epoch"] for e in s["epochs"]] == list(range(small_trace.n_epochs))
    assert s["epochs"][0]["p_correct"] == pytest.approx(small_trace.p_correct[0].tolist())
    for key in ("convergence_epoch", "random_baseline", "loss_floor", "parameters"):
        assert key in s
    json.dumps(s)  # plain JSON


def test_a_failed_write_leaves_no_file_under_the_final_name(tmp_path, small_trace, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", broken)
    with pytest.raises(OSError):
        save_trace(small_trace, tmp_path / "t.npz")
    assert list(tmp_path.iterdir()) == []
