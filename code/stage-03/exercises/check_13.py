# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_13.py>>[init]
"""Checker for exercise 13 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "The gradient of cross-entropy"
KIND, NEEDS, LEVEL = "implement", ("3.4",), 2


def batch(seed=0, B=4, V=6, scale=1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.normal(size=(B, V)), rng.integers(0, V, size=B)


def check_loss_value(ex):
    """the loss is the mean of -log p(target) (B = 1, exact)"""
    loss, _ = ex.cross_entropy(np.log(np.array([[0.5, 0.25, 0.25]])), np.array([1]))
    assert abs(loss - np.log(4)) < 1e-12, f"p(target) = 1/4 should cost ln 4, got {loss}"


def check_mean_over_batch(ex):
    """the loss is a mean over the batch, not a sum"""
    logits, targets = batch()
    one, _ = ex.cross_entropy(logits[:1], targets[:1])
    two, _ = ex.cross_entropy(np.concatenate([logits[:1]] * 2), np.concatenate([targets[:1]] * 2))
    assert abs(one - two) < 1e-12, f"the same row twice should cost the same: {one} != {two}"


def check_gradient(ex):
    """the gradient agrees with central finite differences (float64, to 1e-7)"""
    logits, targets = batch(1)
    _, grad = ex.cross_entropy(logits, targets)
    h, numeric = 1e-6, np.zeros_like(logits)
    for i in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[i] += h
        down[i] -= h
        difference = ex.cross_entropy(up, targets)[0] - ex.cross_entropy(down, targets)[0]
        numeric[i] = difference / (2 * h)
    err = np.abs(grad - numeric).max()
    assert err < 1e-7, f"gradient off by {err:.3g} from finite differences"


def check_large_logits(ex):
    """finite loss and gradient for logits of size 1000"""
    logits, targets = batch(2, scale=1000.0)
    loss, grad = ex.cross_entropy(logits, targets)
    assert np.isfinite(loss) and np.all(np.isfinite(grad)), f"loss {loss}, grad {grad}"
    assert np.allclose(grad.sum(axis=1), 0.0, atol=1e-12), "each gradient row sums to 0"
# ~/~ end
