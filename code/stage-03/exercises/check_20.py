# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_20.py>>[init]
"""Checker for exercise 20 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
import optim
from exercise_runs import number
from tensor import Tensor

TITLE = "Adam's first steps"
KIND, NEEDS, LEVEL = "derive", ("3.6a",), 2


def first_steps(beta1, beta2, lr=1e-3):
    """The first step of the book's Adam on a gradient of 1, and the uncorrected one."""
    w = Tensor(np.zeros(1), requires_grad=True, dtype=np.float64)
    adam = optim.Adam([("w", w)], betas=(beta1, beta2))
    w.grad = np.ones(1)
    adam.step(lr)
    corrected = -w.data[0] / lr
    return corrected, corrected * (1 - beta1) / np.sqrt(1 - beta2)


def check_first_step(ex):
    """FIRST_STEP is the first uncorrected step in units of the corrected one (to 0.1 %)"""
    corrected, uncorrected = first_steps(0.9, 0.999)
    want, got = uncorrected / corrected, number(ex, "FIRST_STEP")
    assert abs(got - want) <= 1e-3 * want, (
        f"FIRST_STEP is {got:g}: at t = 1, m = (1 - beta1) g and sqrt(v) = sqrt(1 - beta2) |g|")


def check_beta2_even(ex):
    """BETA2_EVEN makes the two first steps equal, for beta1 = 0.9 (to 1e-6)"""
    got = number(ex, "BETA2_EVEN")
    assert 0 < got < 1, f"BETA2_EVEN is {got:g}: a beta is between 0 and 1"
    corrected, uncorrected = first_steps(0.9, got)
    assert abs(uncorrected / corrected - 1) < 1e-5, (
        f"with beta2 = {got:g} the uncorrected first step is {uncorrected / corrected:.4f} "
        "times the corrected one, not 1")


def correction(t):
    """1 / (1 - 0.9^t), the correction of the mean at step t (inf before the first step)."""
    return 1 / (1 - 0.9**t) if t >= 1 else float("inf")


def check_steps_m(ex):
    """STEPS_M is the first t with 1 / (1 - 0.9^t) below 1.01"""
    got = number(ex, "STEPS_M")
    assert got == int(got) and correction(got) < 1.01 <= correction(got - 1), (
        f"STEPS_M is {got:g}: the correction is {correction(got):.4f} at t = {got:g} and "
        f"{correction(got - 1):.4f} one step before")
# ~/~ end
