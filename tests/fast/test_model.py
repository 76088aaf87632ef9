"""The math: data, gradients, training story, determinism, and model/'s independence from manim."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from model import TrainConfig, backward, build_dataset, forward, init_params, tokenize, train
from model.data import START, best_probabilities, loss_floor
from model.network import PARAM_NAMES, losses


def test_vocabulary_is_distinct_words_in_order_of_first_appearance():
    data = build_dataset("the cat sat on the mat", context=2)
    assert data.itos == ("the", "cat", "sat", "on", "mat")
    assert data.V == 5


def test_pairs_predict_every_word_after_the_first_from_padded_context():
    data = build_dataset("the cat sat on the mat", context=2)
    pairs = [data.pair_words(p) for p in range(len(data.targets))]
    assert pairs == [
        ([START, "the"], "cat"),
        (["the", "cat"], "sat"),
        (["cat", "sat"], "on"),
        (["sat", "on"], "the"),
        (["on", "the"], "mat"),
    ]
    assert data.start_id == data.V  # START is an input only: never a target
    assert (data.targets < data.V).all()


def test_context_one_pairs_and_floor():
    data = build_dataset("the cat sat on the mat", context=1)
    assert [data.pair_words(p)[0] for p in range(5)] == [["the"], ["cat"], ["sat"], ["on"], ["the"]]
    best = best_probabilities(data)
    assert best.tolist() == [0.5, 1.0, 1.0, 1.0, 0.5]
    assert loss_floor(data) == pytest.approx(2 * math.log(2) / 5)
    assert loss_floor(build_dataset("the cat sat on the mat", context=2)) == 0.0


def test_tokenize_lowercases_and_drops_sentence_punctuation():
    assert tokenize("The cat sat.") == tokenize("the cat sat") == ["the", "cat", "sat"]
    assert tokenize("  spaced   out  ") == ["spaced", "out"]


def _loss(params, contexts, targets):
    return losses(forward(params, contexts), targets).mean()


@pytest.mark.parametrize("context", [1, 2])
def test_gradients_match_central_finite_differences(context):
    data = build_dataset("the cat sat on the mat", context=context)
    params = init_params(data.V, context, dim=3, hidden=4, seed=1, scale=1.0)
    params.b1[...] = np.random.default_rng(2).normal(0, 0.3, params.b1.shape)  # non-zero biases
    params.b2[...] = np.random.default_rng(3).normal(0, 0.3, params.b2.shape)
    grads = backward(params, forward(params, data.contexts), data.targets)
    eps = 1e-6
    for name in PARAM_NAMES:
        value, grad = getattr(params, name), getattr(grads, name)
        numeric = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + eps
            up = _loss(params, data.contexts, data.targets)
            value[idx] = old - eps
            down = _loss(params, data.contexts, data.targets)
            value[idx] = old
            numeric[idx] = (up - down) / (2 * eps)
        assert np.abs(grad - numeric).max() < 1e-7, name
        assert np.abs(numeric).max() > 0 or name == "E", name  # the check is not vacuous


def test_default_run_tells_the_lessons_story(default_trace):
    tr = default_trace
    V = tr.V
    # Epoch 0: barely better than random, close to 1/V for every pair.
    assert np.allclose(tr.p_correct[0], 1 / V, atol=0.05)
    assert tr.mean_loss[0] == pytest.approx(math.log(V), abs=0.05)
    # The loss falls smoothly: no epoch is worse than the one before.
    assert (np.diff(tr.mean_loss) <= 1e-9).all()
    # It converges by the documented rule, somewhere near epoch 30.
    assert tr.convergence_epoch is not None and 20 <= tr.convergence_epoch <= 45
    # At the end every pair's right word has probability >= 0.95.
    assert (tr.p_correct[-1] >= 0.95).all()
    assert tr.accuracy[-1] == 1.0
    assert tr.config.lr == 0.01 and tr.config.optimizer == "adam"


def test_context_one_ends_split_between_cat_and_mat_after_the():
    tr = train(TrainConfig(context=1, epochs=150))
    the = tr.vocab.index("the")
    after_the = [p for p in range(tr.P) if tr.contexts[p, 0] == the]
    assert len(after_the) == 2
    final = tr.probs[-1, after_the[0]]
    assert final[tr.vocab.index("cat")] == pytest.approx(0.5, abs=0.05)
    assert final[tr.vocab.index("mat")] == pytest.approx(0.5, abs=0.05)
    assert tr.mean_loss[-1] == pytest.approx(tr.loss_floor, abs=0.03)


def test_same_config_gives_bit_identical_trace():
    a, b = train(TrainConfig(epochs=10)), train(TrainConfig(epochs=10))
    assert a.equals(b)
    assert not a.equals(train(TrainConfig(epochs=10, seed=1)))


def test_trace_records_every_step_and_epoch(small_trace):
    tr = small_trace
    assert tr.n_epochs == tr.config.epochs + 1
    assert len(tr.arrays["step_epoch"]) == tr.config.epochs * tr.P
    # The first step's gradients are those of pair 0 at the initial weights.
    p0 = tr.params_at(0)
    expected = backward(p0, forward(p0, tr.contexts[:1]), tr.targets[:1])
    for name in PARAM_NAMES:
        assert np.allclose(getattr(tr.grads_at(0), name), getattr(expected, name))
    # Epoch-end probabilities are those of the recorded parameters.
    f = forward(tr.params_at(3), tr.contexts)
    assert np.allclose(f.probs, tr.probs[3])


def test_sgd_step_moves_each_parameter_against_its_gradient_times_lr():
    # One pair, one epoch: exactly one update step between epoch 0 and epoch 1.
    tr = train(TrainConfig(sentence="hello world", optimizer="sgd", lr=0.5, epochs=1))
    before, after, grads = tr.params_at(0), tr.params_at(1), tr.grads_at(0)
    for name in PARAM_NAMES:
        assert np.allclose(getattr(after, name), getattr(before, name) - 0.5 * getattr(grads, name)), name


def test_adam_first_step_moves_each_weight_by_about_lr():
    tr = train(TrainConfig(sentence="hello world", epochs=1))
    moved = tr.params_at(1).W2 - tr.params_at(0).W2
    g = tr.grads_at(0).W2
    # Adam's first step is lr * g / (|g| + eps): about lr, against the gradient.
    assert np.allclose(moved[np.abs(g) > 1e-6], -0.01 * np.sign(g[np.abs(g) > 1e-6]), rtol=1e-3)


def test_a_huge_learning_rate_is_recorded_as_divergence():
    tr = train(TrainConfig(lr=100.0, epochs=20))
    assert tr.diverged_epoch is not None
    assert tr.n_epochs == tr.diverged_epoch  # the epochs before it are kept
    assert np.isfinite(tr.mean_loss).all()


@pytest.mark.parametrize("lr, names", [
    (0.01, ["too small", "just right", "too large"]),
    (100.0, ["too small", "just right"]),  # at the top of the range: nothing larger to compare with
    (1e-6, ["just right", "too large"]),  # at the bottom: nothing smaller
])
def test_learning_rate_runs_never_repeat_the_main_rate(lr, names):
    from model.config import LIMITS
    from model.experiments import CONTEXT_ONE, comparison_runs, learning_rate_runs

    config = TrainConfig(lr=lr)
    runs = learning_rate_runs(config)
    assert list(runs) == names
    rates = [run.lr for run in runs.values()]
    assert rates == sorted(set(rates))  # distinct, smallest first
    assert all(LIMITS["lr"][0] <= r <= LIMITS["lr"][1] for r in rates)
    assert runs["just right"] is config
    assert set(comparison_runs(config)) == {n for n in names if n != "just right"} | {CONTEXT_ONE}


def test_learning_rate_runs_are_named_from_what_each_run_did():
    from types import SimpleNamespace

    from model.analysis import learning_rate_names

    def run(converged=None, diverged=None, losses=(2.0, 1.0, 0.5, 0.4, 0.4)):
        return SimpleNamespace(convergence_epoch=converged, diverged_epoch=diverged,
                               mean_loss=np.array(losses), last_epoch=len(losses) - 1)

    jumpy = run(losses=(2.0, 3.0, 1.0, 4.0, 2.0))
    lesson = {"too small": run(), "just right": run(converged=3), "too large": jumpy}
    assert list(learning_rate_names(lesson).values()) == ["too small", "just right", "too large"]
    blew_up = {"too small": jumpy, "just right": run(diverged=1, losses=(2.0,))}  # --lr 100
    assert learning_rate_names(blew_up) == {"too small": "smaller", "just right": "this run"}
    calm = {"too small": run(converged=2), "just right": run(converged=3), "too large": run(converged=1)}
    assert list(learning_rate_names(calm).values()) == ["smaller", "just right", "larger"]


def test_importing_model_does_not_import_manim():
    code = "import sys, model, model.cache; assert 'manim' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_step_updates_rebuild_the_weights_and_the_backprop_signals_match(default_trace):
    from model.analysis import step_view

    tr = default_trace
    view = step_view(tr, 1, 1)  # "the cat -> sat" in the first epoch
    assert view.pair == 1
    # The recorded gradient equals the backward pass on the weights the step found.
    expected = backward(view.before, view.f_before, tr.targets[1:2])
    for name in PARAM_NAMES:
        assert np.allclose(getattr(view.grads, name), getattr(expected, name))
    # The signal reaching the context vectors is the embedding gradient of those rows.
    d = tr.config.dim
    cat = tr.vocab.index("cat")
    assert np.allclose(view.input_signal[d:], view.grads.E[cat])
    # One step on this pair makes the right word more likely.
    assert view.f_after.probs[0, tr.targets[1]] > view.f_before.probs[0, tr.targets[1]]
    # The last step of an epoch ends at that epoch's recorded weights.
    last = tr.params_after_step(tr.step_of(3, tr.P - 1))
    assert np.allclose(last.W1, tr.params_at(3).W1)


def test_tokenize_keeps_every_other_character_as_typed():
    assert tokenize("Привет мир! Ελληνικά, 猫 🐱") == ["привет", "мир", "ελληνικά", "猫", "🐱"]
    assert tokenize("Straßenbahn fährt.") == ["straßenbahn", "fährt"]
    assert tokenize("&amp; <b>; x;") == ["&amp;", "<b>", "x"]
