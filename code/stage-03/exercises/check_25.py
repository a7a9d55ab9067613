# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_25.py>>[init]
"""Checker for exercise 25 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "Is the difference real?"
KIND, NEEDS, LEVEL = "implement", ("3.7",), 2


def scores(seed=0, n=2000):
    rng = np.random.default_rng(seed)
    lp_a = -rng.exponential(2.0, size=n)
    return lp_a, lp_a + rng.normal(0.05, 0.3, size=n)


def check_deterministic(ex):
    """the same seed gives the same interval"""
    a, b = scores()
    first, second = ex.paired_bootstrap(a, b, 300, 7), ex.paired_bootstrap(a, b, 300, 7)
    assert tuple(first) == tuple(second), f"{first} != {second}"


def check_in_bits(ex):
    """a constant gain of 0.1 nats per character gives exactly 0.1 / ln 2 bits"""
    a, _ = scores()
    low, high = ex.paired_bootstrap(a, a + 0.1, 200, 0)
    want = 0.1 / np.log(2)
    assert abs(low - want) < 1e-9 and abs(high - want) < 1e-9, (
        f"expected ({want:.6f}, {want:.6f}) bits (is it a_minus_b, in bits?), got ({low}, {high})")


def check_paired(ex):
    """paired: the interval is as narrow as the per-position differences allow"""
    a, b = scores(1)
    low, high = ex.paired_bootstrap(a, b, 1000, 0)
    d = (a - b) / np.log(2)                             # per-character difference in bits
    expected_width = 2 * 1.96 * d.std() / np.sqrt(len(d))
    assert 0.7 < (high - low) / expected_width < 1.3, (
        f"width {high - low:.4f}, about {expected_width:.4f} expected: resample the same "
        f"positions for both models")
    centre = -(a.mean() - b.mean()) / np.log(2)
    assert low < centre < high, f"({low}, {high}) does not contain the observed {centre}"
# ~/~ end
