# ~/~ begin <<docs/stage-03/building-the-model.md#code/stage-03/optim.py>>[init]
"""The optimisers of chapters 3.5 and 3.6: SGD with momentum and Adam, both with decoupled
weight decay on the matrices, and OPTIMISERS, the table that TrainConfig.optimiser names.

Generated from docs/stage-03/building-the-model.md (and rates-and-optimisers.md, Adam) by
entangled: edit the chapters and `make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import math

import numpy as np

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-optimiser>>[init]
class Optimiser:
    """The parameters an optimiser updates, with the weight decay of each (matrices only)."""

    def __init__(self, named_parameters, weight_decay: float = 0.0):
        self.params = [p for _, p in named_parameters]
        self.decays = [weight_decay if p.data.ndim > 1 else 0.0 for p in self.params]

    def zero_grad(self):
        for p in self.params:
            p.zero_grad()
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-sgd>>[init]
class SGD(Optimiser):
    """v <- mu v + g + lambda w;  w <- w - eta v   (lambda on matrices only, not on biases)."""

    def __init__(self, named_parameters, momentum: float = 0.0, weight_decay: float = 0.0):
        super().__init__(named_parameters, weight_decay)
        self.momentum = momentum
        self.velocity = [np.zeros_like(p.data) for p in self.params]

    def step(self, lr: float):
        for p, v, decay in zip(self.params, self.velocity, self.decays, strict=True):
            g = p.grad if decay == 0 else p.grad + decay * p.data
            if self.momentum:
                v *= self.momentum
                v += g
                g = v
            p.data -= lr * g
# ~/~ end


# ~/~ begin <<docs/stage-03/rates-and-optimisers.md#nlm-adam>>[init]
class Adam(Optimiser):
    """m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g²,  t <- t + 1;
    w <- w - eta [m^ / (sqrt(v^) + eps) + lambda w],  m^ = m / (1 - b1^t), v^ = v / (1 - b2^t)
    (Kingma and Ba, 2015; the decay lambda decoupled from g, on matrices only). Kept as the
    running sums M = m / (1 - b1) and V = v / (1 - b2): M <- b1 M + g, V <- b2 V + g²."""

    SLICE = 2**16  # numbers per slice of the update (256 KB of float32): a slice stays in cache

    def __init__(self, named_parameters, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(named_parameters, weight_decay)
        (self.beta1, self.beta2), self.eps, self.t = betas, eps, 0
        self.M = [np.zeros_like(p.data) for p in self.params]  # running sum of g
        self.V = [np.zeros_like(p.data) for p in self.params]  # running sum of g²
        self.rows = [max(1, self.SLICE * len(p.data) // p.data.size) for p in self.params]
        self.scratch = [np.empty_like(p.data[:rows])  # room for one slice's temporary
                        for p, rows in zip(self.params, self.rows, strict=True)]

    @property
    def m(self):
        """The running means of g, m = (1 - b1) M, one array per parameter (a copy)."""
        return [(1 - self.beta1) * M for M in self.M]

    @property
    def v(self):
        """The running means of g², v = (1 - b2) V, one array per parameter (a copy)."""
        return [(1 - self.beta2) * V for V in self.V]

    def step(self, lr: float):
        self.t += 1
        c1 = (1 - self.beta1**self.t) / (1 - self.beta1)  # m^ = M / c1
        c2 = math.sqrt((1 - self.beta2**self.t) / (1 - self.beta2))  # sqrt(v^) = sqrt(V) / c2
        rate, eps = lr * c2 / c1, self.eps * c2  # eta m^/(sqrt(v^) + eps) = rate M/(sqrt(V) + eps)
        for p, M, V, s, rows, decay in zip(self.params, self.M, self.V, self.scratch, self.rows,
                                           self.decays, strict=True):
            if decay:
                p.data *= 1 - lr * decay  # decoupled: w <- w - eta lambda w
            for i in range(0, len(p.data), rows):  # slice by slice (rows i .. i + rows - 1)
                part = slice(i, i + rows)
                self.update(p.data[part], p.grad[part], M[part], V[part], s[: len(M[part])],
                            rate, eps)

    def update(self, w, g, M, V, s, rate: float, eps: float):
        """The step on one slice, in place; s is scratch space of the slice's shape."""
        M *= self.beta1
        M += g  # M <- b1 M + g
        np.multiply(g, g, out=s)
        V *= self.beta2
        V += s  # V <- b2 V + g²
        np.sqrt(V, out=s)
        s += eps
        np.divide(M, s, out=s)
        s *= rate
        w -= s  # w <- w - eta m^ / (sqrt(v^) + eps)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-optimisers>>[init]
OPTIMISERS = {"sgd": lambda named, c: SGD(named, c.momentum, c.weight_decay),
              "adam": lambda named, c: Adam(named, (c.beta1, c.beta2), c.eps, c.weight_decay)}
# ~/~ end
# ~/~ end
