# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_24.py>>[init]
"""Checker for exercise 24 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
from exercise_runs import number

TITLE = "Seen and unseen, weighted"
KIND, NEEDS, LEVEL = "derive", ("3.7",), 1
S, A = 0.9, 0.05


def overall(gain, positions=10_000):
    """Network minus Kneser-Ney per position, averaged over a text with a share S seen."""
    seen = np.arange(positions) < S * positions
    return float(np.where(seen, A, -gain).mean())


def check_tie(ex):
    """TIE is the gain on unseen positions at which the models tie overall (to 1e-6)"""
    got = number(ex, "TIE")
    assert abs(overall(got)) < 1e-6, (
        f"with a gain of {got:g} on unseen positions the difference overall is "
        f"{overall(got):+.4f}, not 0: weight each part by its share")


def check_overall(ex):
    """OVERALL is the difference over the whole text when the gain is 0.2 (to 1e-6)"""
    got, want = number(ex, "OVERALL"), overall(0.2)
    assert abs(got - want) < 1e-6, f"OVERALL is {got:g}: the parts weighted by their shares"
# ~/~ end
