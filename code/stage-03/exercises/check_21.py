# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_21.py>>[init]
"""Checker for exercise 21 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "Clipping the gradient norm"
KIND, NEEDS, LEVEL = "implement", ("3.6a",), 1


def grads(scale, seed=0):
    rng = np.random.default_rng(seed)
    return [scale * rng.normal(size=s) for s in [(3, 4), (4,), (4, 2)]]


def global_norm(gs):
    return np.sqrt(sum((g**2).sum() for g in gs))


def check_norm_returned(ex):
    """returns the global norm before clipping"""
    gs = grads(10.0)
    _, norm = ex.clip_grad_norm(gs, 1.0)
    assert abs(norm - global_norm(gs)) < 1e-9, f"norm {norm}, expected {global_norm(gs)}"


def check_clipped(ex):
    """large gradients come out with global norm max_norm, every array scaled alike"""
    gs = grads(10.0)
    clipped, _ = ex.clip_grad_norm(gs, 1.0)
    assert abs(global_norm(clipped) - 1.0) < 1e-9, (
        f"clipped norm {global_norm(clipped)}: the norm is over all arrays at once")
    factors = [c.reshape(-1)[0] / g.reshape(-1)[0] for c, g in zip(clipped, gs, strict=True)]
    assert np.allclose(factors, factors[0]), f"different factors per array: {factors}"


def check_small_untouched(ex):
    """gradients already within the limit are returned unchanged"""
    gs = grads(0.01)
    clipped, _ = ex.clip_grad_norm(gs, 1.0)
    for c, g in zip(clipped, gs, strict=True):
        np.testing.assert_array_equal(c, g)


def check_inputs_unchanged(ex):
    """the arrays passed in are not modified"""
    gs = grads(10.0)
    before = [g.copy() for g in gs]
    ex.clip_grad_norm(gs, 1.0)
    for g, b in zip(gs, before, strict=True):
        np.testing.assert_array_equal(g, b)
# ~/~ end
