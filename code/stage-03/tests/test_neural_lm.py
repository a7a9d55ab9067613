# ~/~ begin <<docs/stage-03/building-the-model.md#code/stage-03/tests/test_neural_lm.py>>[init]
"""Tests of neural_lm.py (chapter 3.5, "Building the model").

Generated from docs/stage-03/building-the-model.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neural_lm as nlm
import optim
from corpora import CorpusError, Windows, load_data, windows
from tensor import Tensor

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-fixtures>>[init]
WORDS = ("anna", "bob", "carla", "dora", "emil", "frida", "gus", "hanna", "ida", "jon")


@pytest.fixture
def words_file(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "words.txt"
    path.write_text("\n".join(rng.choice(WORDS, size=300)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def data(words_file):
    return load_data(str(words_file), lines=True)


def small_model(data, **changes):
    config = nlm.ModelConfig(vocab_size=data.vocab.size, context=3, embedding=4, hidden=(16,))
    return nlm.MLPLanguageModel(dataclasses.replace(config, **changes), data.vocab)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-model>>[init]
@settings(deadline=None, max_examples=25)
@given(V=st.integers(2, 40), K=st.integers(1, 6), D=st.integers(1, 8),
       hidden=st.lists(st.integers(1, 20), min_size=1, max_size=3))
def test_parameter_count_formula(V, K, D, hidden):
    config = nlm.ModelConfig(vocab_size=V, context=K, embedding=D, hidden=tuple(hidden))
    assert nlm.MLPLanguageModel(config).num_parameters() == nlm.parameter_count(config)
    H = hidden
    by_hand = (V * D + K * D * H[0] + H[0] + sum(a * b + b for a, b in zip(H, H[1:], strict=False))
               + H[-1] * V + V)
    assert nlm.parameter_count(config) == by_hand


def test_initial_loss_is_close_to_ln_V(data):
    model = nlm.MLPLanguageModel(nlm.ModelConfig(vocab_size=data.vocab.size))
    X, Y = windows(data.train, data.vocab, model.config.context)
    assert abs(float(model.loss(X, Y).data) - math.log(data.vocab.size)) < 0.05


def test_the_embedding_scale_scales_the_same_draw(data):
    plain, small = small_model(data), small_model(data, embedding_scale=0.1)
    np.testing.assert_allclose(small.embedding.weight.data, 0.1 * plain.embedding.weight.data,
                               rtol=1e-6)
    for a, b in zip(plain.parameters()[1:], small.parameters()[1:], strict=True):
        assert np.array_equal(a.data, b.data)  # the other layers: the same draws as before


def test_a_unigram_output_bias_starts_at_the_unigram_distribution(data):
    train_windows, _ = nlm.training_windows(data, 3)
    X, Y = train_windows.batch(slice(None))
    counts = nlm.target_counts(train_windows, data.vocab.size)
    assert np.array_equal(counts, np.bincount(Y, minlength=data.vocab.size))
    model = nlm.MLPLanguageModel(dataclasses.replace(small_model(data).config,
                                                     output_bias="unigram"), data.vocab, counts)
    unigram = np.exp(model.output.bias.data.astype(np.float64))
    np.testing.assert_allclose(unigram, (counts + 1) / (counts.sum() + len(counts)), rtol=1e-6)
    cross_entropy_of_unigram = -nlm.unigram_log_probs(counts)[Y].mean()  # H_1, in nats
    assert abs(float(model.loss(X, Y).data) - cross_entropy_of_unigram) < 0.05
    assert cross_entropy_of_unigram < math.log(data.vocab.size) - 0.3


def test_probabilities_sum_to_one(data):
    X, _ = windows(data.valid, data.vocab, 3)
    p = np.exp(small_model(data).log_probs(X))
    assert np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12) and (p > 0).all()


def test_token_log_probs_agree_with_the_loss(data):
    model = small_model(data)
    lp = model.token_log_probs(data.valid)
    X, Y = windows(data.valid, data.vocab, 3)
    assert lp.shape == (data.num_tokens("valid"),) and lp.dtype == np.float64
    assert np.isclose(-lp.mean(), float(model.loss(X, Y).data), rtol=1e-5)
    # Batches of 7 and of 4096 give matrix products of different shapes, which a BLAS kernel
    # may sum in a different order: float32 logits then differ in the last bit or two
    # (a relative 2**-23 each), so the log-probabilities agree to about 1e-6, not exactly.
    gathered = Windows.of(data.valid, data.vocab, 3)
    np.testing.assert_allclose(lp, model.windows_log_probs(gathered, batch_size=7),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("V, D", [(30_000, 4), (20, 100_000)])
def test_an_evaluation_batch_stays_small_whatever_the_shape(data, monkeypatch, V, D):
    # 30,000 symbols (words, Chinese): 4096 windows of float64 log-probabilities take 983 MB;
    # a context of 3 x 100,000 numbers: 4096 embedded contexts take 4.9 GB
    model = nlm.MLPLanguageModel(nlm.ModelConfig(vocab_size=V, context=3, embedding=D,
                                                 hidden=(8,)))
    windows, rows = Windows.of(data.train, data.vocab, 3), []
    log_probs = model.log_probs
    monkeypatch.setattr(model, "log_probs", lambda X: rows.append(len(X)) or log_probs(X))
    lp = model.windows_log_probs(windows)
    widest = max(8 * V, 4 * 3 * D)  # bytes of a window in the widest array of the batch
    assert len(windows) > 1000 and max(rows) * widest <= 32 * 2**20  # 32 MB at most
    np.testing.assert_allclose(lp, model.windows_log_probs(windows, batch_size=7),
                               rtol=1e-5, atol=1e-6)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-optimiser>>[init]
def test_two_momentum_steps_by_hand():
    w = Tensor([[1.0, -2.0]], requires_grad=True, dtype=np.float64)
    b = Tensor([0.5], requires_grad=True, dtype=np.float64)
    optimiser = optim.SGD([("w", w), ("b", b)], momentum=0.9, weight_decay=0.1)
    for gw, gb in (([[0.3, 0.4]], [1.0]), ([[-0.1, 0.2]], [2.0])):
        w.grad, b.grad = np.array(gw), np.array(gb)
        optimiser.step(0.5)
    np.testing.assert_allclose(w.data, [[0.63, -2.185]], rtol=1e-12)
    np.testing.assert_allclose(b.data, [-1.45], rtol=1e-12)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-training>>[init]
def run(data, callbacks=(), model_seed=0, model_activation="tanh", progress=None, **changes):
    model = small_model(data, seed=model_seed, activation=model_activation)
    config = nlm.TrainConfig(**{"steps": 150, "batch_size": 32, "eval_every": 50, "lr": 0.3,
                                **changes})
    return model, nlm.train(model, *nlm.training_windows(data, 3), config, callbacks, progress)


def test_training_lowers_the_validation_loss(data):
    for optimiser in ({}, {"optimiser": "adam", "lr": 0.01}):
        _, result = run(data, **optimiser)
        assert result.valid[-1][1] < result.valid[0][1] - 0.5 and result.stopped == "steps"


def test_training_is_deterministic(data):
    a, b, c = run(data)[1], run(data)[1], run(data, seed=1)[1]
    assert a.losses == b.losses and a.valid == b.valid
    assert a.losses != c.losses


def test_the_test_split_never_influences_training(data):
    other = dataclasses.replace(data, test=data.train[:40])  # the same run, another test split
    a, b = run(data)[1], run(other)[1]
    assert a.losses == b.losses and a.valid == b.valid


class Recording(nlm.MLPLanguageModel):
    """The model, keeping a copy of every batch it is trained on."""

    def __init__(self, config):
        super().__init__(config)
        self.batches = []

    def loss(self, X, Y, rng=None):
        self.batches.append((X.copy(), Y.copy()))
        return super().loss(X, Y, rng)


def test_each_batch_is_rows_of_the_materialised_windows(data):
    model = Recording(nlm.ModelConfig(vocab_size=data.vocab.size, context=3, hidden=(8,)))
    config = nlm.TrainConfig(steps=5, batch_size=16, eval_every=50, seed=4)
    nlm.train(model, *nlm.training_windows(data, 3), config)
    X, Y = windows(data.train, data.vocab, 3)
    batches = nlm.minibatches(len(Y), 16, 4)  # the documented source of the minibatch order
    for X_batch, Y_batch in model.batches:
        rows = next(batches)
        assert np.array_equal(X_batch, X[rows]) and np.array_equal(Y_batch, Y[rows])


@pytest.mark.parametrize("n, size", [(10, 3), (7, 7), (3, 8)])
def test_minibatches_show_every_window_once_per_epoch(n, size):
    batches = nlm.minibatches(n, size, seed=0)
    drawn = np.concatenate([next(batches) for _ in range(6 * n)])  # 6 * size epochs of n
    assert all(len(next(batches)) == size for _ in range(3))
    epochs = drawn.reshape(-1, n)                     # every run of n is one epoch
    assert all(sorted(epoch) == list(range(n)) for epoch in epochs)
    assert len({tuple(epoch) for epoch in epochs}) > 1   # a new order each epoch
    again = nlm.minibatches(n, size, seed=0)
    assert np.array_equal(np.concatenate([next(again) for _ in range(6 * n)]), drawn)


def test_divergence_is_reported_and_leaves_finite_parameters(data):
    model, result = run(data, lr=1e4, eval_every=1, steps=100, model_activation="relu")
    assert result.stopped == "diverged" and result.steps < 100
    assert not math.isfinite(result.losses[-1]) and np.isfinite(result.losses[:-1]).all()
    assert all(np.isfinite(p.data).all() for p in model.parameters())


class Scripted(nlm.MLPLanguageModel):
    """A small model whose validation losses are given in advance."""

    def __init__(self, data, losses):
        super().__init__(nlm.ModelConfig(vocab_size=data.vocab.size, context=3, hidden=(8,)))
        self.script = iter(losses)

    def mean_loss(self, windows):
        return next(self.script)


class Log:
    """A callback that writes down (step, last validation) at every call, and a copy of the
    first weight matrix at each step (after that step's update, before any restore)."""

    def __init__(self, model, stop_at=None):
        self.model, self.stop_at, self.calls, self.weights = model, stop_at, [], {}

    def __call__(self, run):
        self.calls.append((run.steps, run.valid[-1][0]))
        self.weights[run.steps] = self.model.hidden[0].weight.data.copy()
        return run.steps == self.stop_at


def test_the_best_parameters_are_put_back(data):
    model = Scripted(data, [3.0, 2.0, 2.5, 1.5, 1.5, 1.6])  # a tie is no new best
    log = Log(model)
    result = nlm.train(model, *nlm.training_windows(data, 3),
                       nlm.TrainConfig(steps=5, eval_every=1), [log])
    assert result.stopped == "steps" and result.best_step == 3 and result.best_valid == 1.5
    np.testing.assert_array_equal(model.hidden[0].weight.data, log.weights[3])
    assert not np.array_equal(log.weights[3], log.weights[5])


def test_callbacks_see_every_step_and_can_stop_the_run(data):
    model = Scripted(data, [3.0, 2.0, 2.5, 2.4])
    log, other = Log(model, stop_at=3), Log(model)
    result = nlm.train(model, *nlm.training_windows(data, 3),
                       nlm.TrainConfig(steps=10, eval_every=2), [log, other])
    assert log.calls == [(0, 0), (1, 0), (2, 2), (3, 2)]  # (step, step of the last validation)
    assert other.calls == log.calls                       # both called, also at the stop
    assert result.stopped == "asked" and result.steps == 3 and result.valid[-1][0] == 3


def test_a_progress_of_the_caller_sets_the_rate_and_ends_the_run(data, monkeypatch):
    fractions = []  # the p that each step's learning rate was asked for
    monkeypatch.setattr(nlm, "learning_rate", lambda config, p: fractions.append(p) or 0.1)
    _, result = run(data, progress=lambda run: run.steps / 8)
    assert result.stopped == "steps" and result.steps == 8
    assert fractions == [t / 8 for t in range(8)]  # step t + 1 at the fraction done before it
    _, done = run(data, progress=lambda run: 1.0)  # over before it starts
    assert done.steps == 0 and [step for step, _ in done.valid] == [0]


def test_learning_rate_schedules():
    cosine = nlm.TrainConfig(lr=0.2)
    assert nlm.learning_rate(cosine, 0) == 0.2 and abs(nlm.learning_rate(cosine, 1)) < 1e-15
    assert math.isclose(nlm.learning_rate(cosine, 0.5), 0.1)
    step = nlm.TrainConfig(lr=0.2, decay="step")
    assert nlm.learning_rate(step, 0.74) == 0.2 and math.isclose(nlm.learning_rate(step, 0.8), 0.02)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-data>>[init]
def test_bad_corpora_end_in_one_clear_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1") * 50)
    for path in (empty, latin1, tmp_path / "missing.txt"):
        with pytest.raises(CorpusError):
            load_data(str(path))


def test_what_the_model_asserts(data):
    with pytest.raises(AssertionError, match="vocabulary"):
        nlm.MLPLanguageModel(nlm.ModelConfig(vocab_size=data.vocab.size + 1), data.vocab)
    with pytest.raises(AssertionError, match="vocabulary"):
        nlm.MLPLanguageModel(nlm.ModelConfig(vocab_size=5)).token_log_probs(["ab"])
    with pytest.raises(KeyError, match="sigmoid"):
        small_model(data, activation="sigmoid").forward(np.zeros((1, 3), dtype=np.int64))
# ~/~ end
# ~/~ end
