# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#code/stage-03/tests/test_training_dynamics.py>>[init]
"""Tests of the options and instruments of chapter 3.6 (training_dynamics.py, and the
options of neural_lm.py and optim.py the chapter measures).

Generated from docs/stage-03/rates-and-optimisers.md and initialisation-and-regularisation.md
by entangled: edit the chapters.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neural_lm as nlm
import training_dynamics as td
from corpora import BOUNDARY, Vocabulary, Windows, windows
from neural_lm import (
    MLPLanguageModel, ModelConfig, TrainConfig, TrainResult, dropout, learning_rate,
)
import optim
from optim import SGD
from options import DECAYS
from tensor import Tensor

# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-test-schedules>>[init]
@settings(max_examples=30, deadline=None)
@given(steps=st.integers(1, 400), decay=st.sampled_from(DECAYS))
def test_schedules_start_at_lr_and_never_increase(steps, decay):
    config = TrainConfig(steps=steps, lr=0.3, decay=decay)
    rates = [learning_rate(config, t / steps) for t in range(steps + 1)]
    assert rates[0] == 0.3
    assert all(b <= a + 1e-15 for a, b in zip(rates, rates[1:], strict=False))
    assert all(-1e-15 <= r <= 0.3 for r in rates)
# ~/~ end


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-test-dropout>>[init]
def test_dropout_zeroes_about_p_and_scales_the_rest_by_one_over_one_minus_p():
    p = 0.3
    x = Tensor(np.random.default_rng(1).uniform(1, 2, (200, 100)), requires_grad=True)
    y = dropout(x, p, np.random.default_rng(2))
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], x.data[kept] / (1 - p), rtol=1e-6)
    assert abs((~kept).mean() - p) < 0.01           # 20,000 draws: std of the share 0.003
    y.sum().backward()
    np.testing.assert_allclose(x.grad, kept / (1 - p), rtol=1e-6)
    again = dropout(x, p, np.random.default_rng(2)).data
    assert np.array_equal(again, y.data)


def test_the_model_drops_units_only_in_training():
    plain, (X, _) = tiny_problem()
    dropping = MLPLanguageModel(dataclasses.replace(plain.config, dropout=0.5))
    assert np.array_equal(dropping.forward(X).data, plain.forward(X).data)  # no rng: no masks
    logits = dropping.forward(X, np.random.default_rng(0))
    assert not np.array_equal(logits.data, plain.forward(X).data)
    again = dropping.forward(X, np.random.default_rng(0))
    assert np.array_equal(again.data, logits.data)  # the masks come from the generator


def test_the_written_out_forward_pass_is_the_model_s():
    model, (X, _) = tiny_problem()
    logits, hidden = td.forward_with_hidden(model, X)
    assert np.array_equal(logits.data, model.forward(X).data)  # the same operations, in order
    assert [h.shape for h in hidden] == [(len(X), 16), (len(X), 8)]
    assert np.array_equal(td.hidden_activations(model, X)[1], hidden[1].data)
# ~/~ end


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-test-weight-decay>>[init]
def test_weight_decay_shrinks_weights_and_leaves_biases_alone():
    W = Tensor(np.full((2, 3), 2.0), requires_grad=True)
    b = Tensor(np.full(3, 2.0), requires_grad=True)
    optimiser = SGD([("W", W), ("b", b)], momentum=0.0, weight_decay=0.1)
    W.grad, b.grad = np.zeros((2, 3), np.float32), np.zeros(3, np.float32)
    optimiser.step(0.5)
    np.testing.assert_allclose(W.data, 2.0 * (1 - 0.5 * 0.1), rtol=1e-7)
    np.testing.assert_array_equal(b.data, 2.0)
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-test-adam>>[init]
def adam_by_hand(w, grads, lr, b1=0.9, b2=0.999, eps=1e-8):
    """Adam on one number, straight from its definition, in Python floats."""
    m = v = 0.0
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w -= lr * m_hat / (math.sqrt(v_hat) + eps)
    return w


def test_adams_first_step_is_lr_against_the_sign_of_the_gradient():
    g = np.array([[1e-3, -0.2, 5.0, -1e3]])
    w = Tensor(np.zeros((1, 4)), requires_grad=True, dtype=np.float64)
    adam = optim.Adam([("w", w)])
    w.grad = g.copy()
    adam.step(0.01)
    np.testing.assert_allclose(w.data, -0.01 * np.sign(g), rtol=1e-4)


def test_adams_running_means_are_weighted_sums_of_the_gradients():
    grads = np.random.default_rng(0).standard_normal((30, 3))
    w = Tensor(np.zeros(3), requires_grad=True, dtype=np.float64)
    adam = optim.Adam([("w", w)], betas=(0.9, 0.99))
    for g in grads:
        w.grad = g.copy()
        adam.step(0.01)
    weights = {b: (1 - b) * b ** np.arange(len(grads))[::-1] for b in (0.9, 0.99)}  # (1-b) b^(t-i)
    np.testing.assert_allclose(adam.m[0], weights[0.9] @ grads, rtol=1e-12)
    np.testing.assert_allclose(adam.v[0], weights[0.99] @ grads**2, rtol=1e-12)
    fresh = optim.Adam([("w", w)], betas=(0.9, 0.99))
    for _ in range(5):  # a constant gradient: the corrected means are g and g² exactly
        w.grad = np.full(3, 0.7)
        fresh.step(0.01)
    np.testing.assert_allclose(fresh.m[0] / (1 - 0.9**5), 0.7, rtol=1e-12)
    np.testing.assert_allclose(fresh.v[0] / (1 - 0.99**5), 0.49, rtol=1e-12)


def test_a_few_adam_steps_by_hand():
    grads = [0.3, -0.1, 0.25, 2.0, -0.05]
    w = Tensor([[1.0, -2.0]], requires_grad=True, dtype=np.float64)
    adam = optim.Adam([("w", w)], betas=(0.8, 0.99), eps=1e-3)  # eps near the gradients' size
    for g in grads:
        w.grad = np.array([[g, 10 * g]])
        adam.step(0.1)
    expected = [adam_by_hand(1.0, grads, 0.1, 0.8, 0.99, 1e-3),
                adam_by_hand(-2.0, [10 * g for g in grads], 0.1, 0.8, 0.99, 1e-3)]
    np.testing.assert_allclose(w.data[0], expected, rtol=1e-12)


def test_adams_weight_decay_is_decoupled():
    W = Tensor(np.full((2, 3), 2.0), requires_grad=True)
    b = Tensor(np.full(3, 2.0), requires_grad=True)
    adam = optim.Adam([("W", W), ("b", b)], weight_decay=0.1)
    W.grad, b.grad = np.zeros((2, 3), np.float32), np.zeros(3, np.float32)
    adam.step(0.5)
    np.testing.assert_allclose(W.data, 2.0 * (1 - 0.5 * 0.1), rtol=1e-7)
    np.testing.assert_array_equal(b.data, 2.0)
# ~/~ end


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-test-probe>>[init]
WORDS = ["anna", "bob", "cecil", "dora", "emma", "otto", "hannah", "ada", "abba", "eve"]


def tiny_problem(activation="tanh"):
    sequences = [w + BOUNDARY for w in WORDS]
    vocab = Vocabulary.from_sequences(sequences, min_count=1)
    config = ModelConfig(vocab_size=vocab.size, context=2, embedding=4, hidden=(16, 8),
                         activation=activation, seed=0)
    return MLPLanguageModel(config, vocab), windows(sequences, vocab, 2)


def test_the_probe_follows_the_validations_of_a_run():
    model, _ = tiny_problem()
    sequences = [w + BOUNDARY for w in WORDS]
    gathered = Windows.of(sequences, model.vocab, 2)
    probe = td.ProbeLoss(model, gathered, size=30)
    config = TrainConfig(steps=200, lr=0.5, momentum=0.0, decay="none", eval_every=10)
    run = nlm.train(model, gathered, gathered.take(np.arange(0, len(gathered), 3)), config, [probe])
    assert len(probe.losses) == len(run.valid) and len(probe.probe) == 30
    best = [step for step, _ in run.valid].index(run.best_step)
    assert model.mean_loss(probe.probe) == pytest.approx(probe.losses[best], rel=1e-6)
    assert probe.losses[-1] < probe.losses[0] - 0.5
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-test-readings>>[init]
def test_diverged_at_and_the_stopwatch_read_a_run():
    model, _ = tiny_problem("relu")
    watch = td.Stopwatch()
    config = TrainConfig(steps=12, batch_size=8, momentum=0.0, decay="none", eval_every=100)
    run = nlm.train(model, names_windows(model), names_windows(model), config, [watch])
    assert td.diverged_at(run) is None and run.steps == 12
    assert len(watch.times) == run.steps + 1 and watch.seconds() >= 0
    assert all(b >= a for a, b in zip(watch.times, watch.times[1:], strict=False))
    model, _ = tiny_problem("relu")
    blown = nlm.train(model, names_windows(model), names_windows(model),
                      dataclasses.replace(config, lr=1e40))
    assert td.diverged_at(blown) == blown.steps and not math.isfinite(blown.losses[-1])
    assert all(math.isfinite(loss) for loss in blown.losses[:-1])


def test_the_running_mean_averages_the_last_width_values():
    values = np.arange(10.0) ** 2
    smooth = td.running_mean(values, 3)
    expected = [values[max(t - 2, 0) : t + 1].mean() for t in range(10)]
    np.testing.assert_allclose(smooth, expected, rtol=1e-12)
# ~/~ end


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-test-measurements>>[init]
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


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-test-range>>[init]
def names_windows(model):
    return Windows.of([w + BOUNDARY for w in WORDS], model.vocab, 2)


def test_the_range_test_raises_the_rate_geometrically_from_low_to_high():
    model, _ = tiny_problem()
    config = TrainConfig(steps=40, batch_size=8, momentum=0.0, eval_every=100)
    test = td.range_test(model, names_windows(model), config, 1e-3, 1.0)
    assert len(test.rates) == len(test.losses) == 40 and not test.diverged
    assert test.rates[0] == pytest.approx(1e-3, rel=1e-12)
    assert test.rates[-1] == pytest.approx(1.0, rel=1e-12)
    np.testing.assert_allclose(test.rates[1:] / test.rates[:-1], 1000 ** (1 / 39), rtol=1e-12)
    model, _ = tiny_problem()  # rates past float32's largest number (3.4e38) must overflow:
    blown = td.range_test(model, names_windows(model), config, 1.0, 1e45)
    assert blown.diverged and len(blown.rates) == len(blown.losses) < 40
    assert np.isfinite(blown.losses).all()


def test_the_readings_of_a_known_curve():
    line = 3.0 - 0.5 * np.arange(50.0)
    np.testing.assert_allclose(td.centred_median(line, 5)[5:-5], line[5:-5], rtol=1e-12)
    assert td.centred_median(line, 5)[0] == pytest.approx(np.median(line[:6]))
    wild = line.copy()
    wild[20] = 1e30
    assert np.abs(td.centred_median(wild, 5) - td.centred_median(line, 5)).max() <= 0.5
    x = np.linspace(-1.5, 2.5, 2001)  # ln eta
    test = td.RangeTest(np.exp(x), x**3 / 3 - x, half_width=5)
    assert test.steepest() == pytest.approx(1.0, rel=0.01)
    assert test.bottom() == pytest.approx(np.e, rel=0.01)
    start = (-1.5) ** 3 / 3 + 1.5  # L(x_0): the loss is back above it past this root
    back = max(r.real for r in np.roots([1 / 3, 0, -1, -start]) if abs(r.imag) < 1e-9)
    assert np.log(test.blow_up()) == pytest.approx(back, abs=0.02)
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#dyn-test-update-ratio>>[init]
def test_the_update_ratio_of_a_known_update():
    model, _ = tiny_problem()
    ratio = td.UpdateRatio(model)
    assert ratio.names == ["embedding.weight", "hidden1.weight", "hidden2.weight",
                           "output.weight"]
    W = model.hidden[0].weight
    norm = np.linalg.norm(W.data.astype(np.float64))
    W.data += 0.01
    ratio(TrainResult(losses=[0.0]))  # the call after step 1
    assert 10 ** ratio.ratios()[0, 1] == pytest.approx(0.01 * np.sqrt(W.data.size) / norm,
                                                      rel=1e-4)
    assert ratio.ratios()[0, 0] == -np.inf  # the embedding did not move


def test_the_update_ratio_of_an_sgd_step_is_proportional_to_the_rate():
    first = []
    for lr in (0.1, 0.2):
        model, _ = tiny_problem()
        ratio = td.UpdateRatio(model)
        config = TrainConfig(steps=1, lr=lr, momentum=0.0, decay="none", eval_every=10)
        nlm.train(model, names_windows(model), names_windows(model), config, [ratio])
        np.testing.assert_allclose(np.log10(ratio.travelled()), ratio.ratios()[0], rtol=1e-9)
        first.append(ratio.ratios()[0])
    np.testing.assert_allclose(first[1] - first[0], np.log10(2), atol=1e-4)
# ~/~ end


# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-test-layer-stats>>[init]
def test_layer_statistics_match_a_backward_pass_by_hand():
    model, (X, Y) = tiny_problem()
    stats = td.LayerStats(model, X, Y)
    stats.measure(0)
    E, W1, b1, W2, b2, Wo, bo = [p.data.astype(np.float64) for p in model.parameters()]
    h1 = np.tanh(E[X].reshape(len(X), -1) @ W1 + b1)  # (B, 16)
    h2 = np.tanh(h1 @ W2 + b2)  # (B, 8)
    z = h2 @ Wo + bo  # (B, V)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = (p - np.eye(z.shape[1])[Y]) / len(Y)  # dL/dz for the mean loss
    dh2 = dz @ Wo.T
    da2 = dh2 * (1 - h2**2)
    dh1 = da2 @ W2.T
    da1 = dh1 * (1 - h1**2)
    expected = {"mean": [h1.mean(), h2.mean()], "std": [h1.std(), h2.std()],
                "grad_h": [dh1.std(), dh2.std()], "grad_a": [da1.std(), da2.std()],
                "saturated": [td.saturated_fraction(h1), td.saturated_fraction(h2)]}
    for name, values in expected.items():
        np.testing.assert_allclose(stats.series(name)[0], values, rtol=1e-4, atol=1e-7)
# ~/~ end
# ~/~ begin <<docs/stage-03/initialisation-and-regularisation.md#dyn-test-layer-stats>>[1]
def test_a_layer_forced_dead_is_all_dead_and_passes_no_gradient():
    model, (X, Y) = tiny_problem("relu")
    model.hidden[0].bias.data[:] = -1e3  # a_1 < 0 for every example and unit
    model.hidden[1].bias.data[:] = 1.0  # the layer above stays alive
    stats = td.LayerStats(model, X, Y)
    stats.measure(0)
    assert stats.failure == "dead" and stats.series("dead")[0, 0] == 1.0
    assert stats.series("grad_h")[0, 0] > 0 and stats.series("grad_a")[0, 0] == 0.0


def test_layer_statistics_every_few_steps_leave_the_gradients_alone():
    model, (X, Y) = tiny_problem()
    stats = td.LayerStats(model, X, Y, every=10)
    config = TrainConfig(steps=25, batch_size=8, momentum=0.0, eval_every=100)
    nlm.train(model, names_windows(model), names_windows(model), config, [stats])
    assert stats.steps == [0, 10, 20] and stats.series("saturated").shape == (3, 2)
    grads = [p.grad for p in model.parameters()]
    stats.measure(25)
    assert all(p.grad is grad for p, grad in zip(model.parameters(), grads, strict=True))
# ~/~ end
# ~/~ end
