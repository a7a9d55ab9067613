# ~/~ begin <<docs/stage-03/training-dynamics.md#code/stage-03/tests/test_training_dynamics.py>>[init]
"""Tests of the training options and instruments of chapter 3.6 (training_dynamics.py).

Generated from docs/stage-03/training-dynamics.md by entangled: edit the chapter.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import training_dynamics as td
from corpora import BOUNDARY, Vocabulary, windows
from neural_lm import DECAYS, SGD, MLPLanguageModel, ModelConfig, TrainConfig, learning_rate
from tensor import Tensor

# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-test-schedules>>[init]
@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 400), decay=st.sampled_from(DECAYS))
def test_schedules_start_at_lr_and_never_increase(steps, decay):
    config = TrainConfig(steps=steps, lr=0.3, decay=decay)
    rates = [learning_rate(config, t / steps) for t in range(steps + 1)]
    assert rates[0] == 0.3
    assert all(b <= a + 1e-15 for a, b in zip(rates, rates[1:]))
    assert all(-1e-15 <= r <= 0.3 for r in rates)
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-test-dropout>>[init]
def test_dropout_is_the_identity_in_evaluation():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    assert td.dropout(x, 0.5, np.random.default_rng(0), training=False) is x


def test_dropout_zeroes_about_p_and_scales_the_rest_by_one_over_one_minus_p():
    p = 0.3
    x = Tensor(np.random.default_rng(1).uniform(1, 2, (200, 100)), requires_grad=True)
    y = td.dropout(x, p, np.random.default_rng(2), training=True)
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], x.data[kept] / (1 - p), rtol=1e-6)
    assert abs((~kept).mean() - p) < 0.01           # 20,000 draws: std of the share 0.003
    y.sum().backward()
    np.testing.assert_allclose(x.grad, kept / (1 - p), rtol=1e-6)


def test_dropout_is_reproducible_and_rejects_a_bad_probability():
    x = Tensor(np.ones((5, 5)))
    a = td.dropout(x, 0.5, np.random.default_rng(7), training=True).data
    b = td.dropout(x, 0.5, np.random.default_rng(7), training=True).data
    assert np.array_equal(a, b)
    with pytest.raises(td.TrainingOptionError, match="dropout probability"):
        td.dropout(x, 1.0, np.random.default_rng(0), training=True)
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-test-early-stopping>>[init]
def test_early_stopping_returns_the_best_validation_step_and_its_parameters():
    w = Tensor(np.zeros(2))
    stopper = td.EarlyStopping(patience=2)
    losses = [3.0, 2.0, 2.5, 1.5, 1.6, 1.5, 9.0]   # a tie is not an improvement
    stops = []
    for step, loss in enumerate(losses, start=1):
        w.data[:] = step                              # the parameters at this step
        stops.append(stopper.update(step * 10, loss, [w]))
    assert stopper.best_step == 40 and stopper.best_loss == 1.5
    assert stops == [False, False, False, False, False, True, True]
    stopper.restore([w])
    assert np.array_equal(w.data, [4.0, 4.0])


def test_weight_decay_shrinks_weights_and_leaves_biases_alone():
    W = Tensor(np.full((2, 3), 2.0), requires_grad=True)
    b = Tensor(np.full(3, 2.0), requires_grad=True)
    optimiser = SGD([("W", W), ("b", b)], momentum=0.0, weight_decay=0.1)
    W.grad, b.grad = np.zeros((2, 3), np.float32), np.zeros(3, np.float32)
    optimiser.step(0.5)
    np.testing.assert_allclose(W.data, 2.0 * (1 - 0.5 * 0.1), rtol=1e-7)
    np.testing.assert_array_equal(b.data, 2.0)
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-test-fit>>[init]
WORDS = ["anna", "bob", "cecil", "dora", "emma", "otto", "hannah", "ada", "abba", "eve"]


def tiny_problem(activation="tanh"):
    sequences = [w + BOUNDARY for w in WORDS]
    vocab = Vocabulary.from_sequences(sequences, min_count=1)
    data = windows(sequences, vocab, 2)
    config = ModelConfig(vocab_size=vocab.size, context=2, embedding=4, hidden=(16, 8),
                         activation=activation, seed=0)
    return MLPLanguageModel(config), data


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_forward_without_dropout_is_the_models_forward(activation):
    model, (X, _) = tiny_problem(activation)
    record = []
    logits = td.forward(model, X, record=record)
    assert np.array_equal(logits.data, model.forward(X).data)
    assert [h.shape for h in record] == [(len(X), 16), (len(X), 8)]


def test_fit_restores_the_best_validation_checkpoint():
    model, data = tiny_problem()
    valid = (data[0][::3], data[1][::3])
    config = TrainConfig(steps=200, lr=0.5, momentum=0.0, decay="none", eval_every=10)
    run = td.fit(model, data, valid, config)
    assert run.best_valid == min(run.valid_loss)
    assert run.best_step == run.eval_steps[int(np.argmin(run.valid_loss))]
    assert td.evaluate(model, *valid) == pytest.approx(run.best_valid, rel=1e-6)


def test_fit_stops_at_the_first_non_finite_loss():
    model, data = tiny_problem("relu")
    run = td.fit(model, data, None, TrainConfig(steps=200, lr=1e4, momentum=0.0, decay="none"))
    assert run.diverged_at is not None and run.diverged_at == len(run.loss)
    assert not np.isfinite(run.loss[-1]) and np.all(np.isfinite(run.loss[:-1]))


def test_fit_rejects_bad_options_with_one_clear_error():
    model, data = tiny_problem()
    with pytest.raises(td.TrainingOptionError, match="dropout probability"):
        td.fit(model, data, None, TrainConfig(steps=10), dropout_p=1.5)
    with pytest.raises(td.TrainingOptionError, match="patience"):
        td.fit(model, data, None, TrainConfig(steps=10), patience=0)
    with pytest.raises(td.TrainingOptionError, match="steps"):
        td.fit(model, data, None, TrainConfig(steps=None, time_budget=1.0))
# ~/~ end


# ~/~ begin <<docs/stage-03/training-dynamics.md#dyn-test-measurements>>[init]
def test_full_gradient_is_the_mean_of_per_example_gradients():
    model, (X, Y) = tiny_problem()
    full = td.flat_gradient(model, X, Y)
    each = np.mean([td.flat_gradient(model, X[i : i + 1], Y[i : i + 1]) for i in range(len(X))],
                   axis=0)
    np.testing.assert_allclose(full, each, rtol=1e-4, atol=1e-6)


def test_unit_counters_on_hand_made_activations():
    h = np.array([[0.995, -0.2, 0.0], [0.5, -0.999, 0.0], [0.1, 0.3, -1.0]])
    assert td.saturated_fraction(h) == pytest.approx(3 / 9)
    assert td.dead_fraction(np.maximum(h, 0)) == pytest.approx(1 / 3)   # the last unit
# ~/~ end
# ~/~ end
