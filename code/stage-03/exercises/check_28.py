# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_28.py>>[init]
"""Checker for exercise 28 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
from exercise_runs import number

TITLE = "How far the pushes must go"
KIND, NEEDS, LEVEL = "derive", ("3.8",), 2


def trained_cosine(r, D=64, seed=0):
    """cos(C_a, C_b) for orthogonal starts of length sqrt(D) pushed by r sqrt(D) the same way."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(D, 3)))  # three orthonormal directions
    start_a, start_b, push = np.sqrt(D) * q.T     # |start| = sqrt(D), the push r times as long
    a, b = start_a + r * push, start_b + r * push
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


def check_cos_third(ex):
    """COS_THIRD is the cosine after training for r = 1/3 (to 1e-3)"""
    got, want = number(ex, "COS_THIRD"), trained_cosine(1 / 3)
    assert abs(got - want) < 1e-3, f"COS_THIRD is {got:g}: put r = 1/3 into equation (2)"


def check_r_half(ex):
    """R_HALF is the r at which the cosine reaches 1/2 (to 1e-3)"""
    got = number(ex, "R_HALF")
    assert got > 0 and abs(trained_cosine(got) - 0.5) < 1e-3, (
        f"with r = {got:g} the cosine is {trained_cosine(got) if got > 0 else float('nan'):.4f}")


def check_spread(ex):
    """SPREAD_32 is the standard deviation of the cosine of random directions in 32 dimensions"""
    u = np.random.default_rng(1).normal(size=(20_000, 2, 32))
    cos = (u[:, 0] * u[:, 1]).sum(axis=1) / np.linalg.norm(u, axis=2).prod(axis=1)
    got, want = number(ex, "SPREAD_32"), cos.std()
    assert abs(got - want) < 0.01, f"SPREAD_32 is {got:g}; 20,000 random pairs give {want:.3f}"
# ~/~ end
