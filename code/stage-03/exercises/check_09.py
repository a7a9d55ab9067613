# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_09.py>>[init]
"""Checker for exercise 9 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
from tensor import Tensor, no_grad

TITLE = "A new operation with its own backward"
KIND, NEEDS, LEVEL = "implement", ("3.3",), 2


def check_forward(ex):
    """the values are 1 / (1 + exp(-x)), in the input's dtype"""
    x = np.linspace(-5, 5, 11)
    s = ex.sigmoid(Tensor(x, dtype=np.float64))
    np.testing.assert_allclose(s.data, 1 / (1 + np.exp(-x)), atol=1e-12)
    assert ex.sigmoid(Tensor(x)).data.dtype == np.float32, "float32 in, float32 out"


def check_one_node(ex):
    """it is one node whose only parent is the input"""
    x = Tensor([0.5, -1.0], requires_grad=True)
    s = ex.sigmoid(x)
    assert s._parents == (x,) and s._backward is not None, (
        "build the output with _result(data, (x,), backward), not from other operations")


def check_gradient(ex):
    """the gradient agrees with central finite differences (float64, to 1e-8)"""
    x0 = np.random.default_rng(0).normal(size=(3, 4)) * 3
    w = np.random.default_rng(1).normal(size=(3, 4))
    x = Tensor(x0, requires_grad=True, dtype=np.float64)
    (ex.sigmoid(x) * w).sum().backward()
    h = 1e-6
    grad = np.zeros_like(x0)
    for idx in np.ndindex(x0.shape):
        up, down = x0.copy(), x0.copy()
        up[idx] += h
        down[idx] -= h
        grad[idx] = (np.sum(w * _sig(up)) - np.sum(w * _sig(down))) / (2 * h)
    err = np.abs(x.grad - grad).max()
    assert err < 1e-8, f"gradient off by {err:.3g} from finite differences"


def _sig(z):
    return 0.5 * (1 + np.tanh(0.5 * z))   # sigma, computed another way


def check_accumulates(ex):
    """used twice, the input gets both gradients (s(x) + s(x))"""
    x = Tensor([0.3], requires_grad=True, dtype=np.float64)
    (ex.sigmoid(x) + ex.sigmoid(x)).sum().backward()
    s = _sig(0.3)
    assert abs(x.grad[0] - 2 * s * (1 - s)) < 1e-12, f"got {x.grad[0]}, want {2 * s * (1 - s)}"


def check_stable_and_no_grad(ex):
    """finite for x = -1000 and 1000, and no graph under no_grad()"""
    s = ex.sigmoid(Tensor([-1000.0, 1000.0], dtype=np.float64))
    np.testing.assert_allclose(s.data, [0.0, 1.0], atol=1e-300)
    with no_grad():
        t = ex.sigmoid(Tensor([1.0], requires_grad=True))
    assert not t.requires_grad, "under no_grad() the result must not join the graph"
# ~/~ end
