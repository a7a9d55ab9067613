# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_11.py>>[init]
"""Checker for exercise 11 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "The loss before training"
KIND, NEEDS, LEVEL = "derive", ("3.4",), 1


def cross_entropy_of_zero_logits(V, targets):
    """The mean negative log-probability of `targets` when all logits are 0 (uniform)."""
    logits = np.zeros((len(targets), V))
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(targets)), targets].mean()


def check_nats(ex):
    """in nats: equals the cross-entropy of all-zero logits, for several V"""
    for V in (2, 27, 65, 1000):
        nats, _ = ex.uniform_loss(V)
        want = cross_entropy_of_zero_logits(V, np.arange(V) % V)
        assert abs(nats - want) < 1e-9, f"V={V}: expected {want:.6f} nats, got {nats}"


def check_bits(ex):
    """in bits: 1 bit for V = 2, and nats / ln 2 in general"""
    for V in (2, 4, 27, 65):
        nats, bits = ex.uniform_loss(V)
        assert abs(bits - nats / np.log(2)) < 1e-9, (
            f"V={V}: {bits} bits is not {nats} nats divided by ln 2")
    assert abs(ex.uniform_loss(2)[1] - 1.0) < 1e-12, "a fair coin costs exactly 1 bit"


def check_one_symbol(ex):
    """a vocabulary of one symbol costs nothing"""
    assert ex.uniform_loss(1) == (0.0, 0.0), "with V = 1 every prediction is certain"
# ~/~ end
