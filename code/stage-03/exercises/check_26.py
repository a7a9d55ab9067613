# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_26.py>>[init]
"""Checker for exercise 26 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
import neural_lm as nlm
from corpora import load_data

TITLE = "Extending the model with direct connections"
KIND, NEEDS, LEVEL = "implement", ("3.7", "3.5"), 3


def config(V=12):
    return nlm.ModelConfig(vocab_size=V, context=3, embedding=4, hidden=(16,), seed=3)


def batch(V=12, B=20):
    rng = np.random.default_rng(0)
    return rng.integers(0, V, size=(B, 3)), rng.integers(0, V, size=B)


def check_parameters(ex):
    """one new parameter, direct.weight of shape (K*D, V), on top of the base model's"""
    model, base = ex.DirectMLP(config()), nlm.MLPLanguageModel(config())
    names = dict(model.named_parameters())
    assert "direct.weight" in names, f"no 'direct.weight' among {sorted(names)}"
    assert names["direct.weight"].shape == (12, 12), f"shape {names['direct.weight'].shape}"
    assert model.num_parameters() == base.num_parameters() + 3 * 4 * 12


def check_starts_as_the_base_model(ex):
    """a fresh DirectMLP gives exactly the logits of a fresh MLPLanguageModel"""
    X, _ = batch()
    got = ex.DirectMLP(config()).forward(X).data
    want = nlm.MLPLanguageModel(config()).forward(X).data
    assert np.abs(got - want).max() < 1e-6, "with W_direct = 0 both models must agree"


def check_direct_gradient(ex):
    """the gradient of W_direct is e^T (softmax - onehot) / B"""
    model = ex.DirectMLP(config())
    X, Y = batch()
    model.loss(X, Y).backward()
    e = model.embedding.weight.data[X].reshape(len(X), -1).astype(np.float64)   # (B, K*D)
    logits = model.forward(X).data.astype(np.float64)
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(Y)), Y] -= 1
    want = e.T @ p / len(Y)
    got = dict(model.named_parameters())["direct.weight"].grad
    assert got is not None, "no gradient reached direct.weight: is it used in forward?"
    assert np.abs(got - want).max() < 1e-5, f"off by {np.abs(got - want).max():.3g}"


def check_trains(ex):
    """neural_lm.train lowers its validation loss and moves the direct weight"""
    data = load_data("names")
    model = ex.DirectMLP(nlm.ModelConfig(vocab_size=data.vocab.size, context=3,
                                         embedding=8, hidden=(32,)))
    settings = nlm.TrainConfig(steps=200, batch_size=64, eval_every=100, valid_windows=2000)
    result = nlm.train(model, *nlm.training_windows(data, 3), settings)
    assert result.valid[-1][1] < result.valid[0][1] - 0.5, f"validation losses {result.valid}"
    assert np.abs(dict(model.named_parameters())["direct.weight"].data).max() > 0
# ~/~ end
