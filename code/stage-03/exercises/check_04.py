# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_04.py>>[init]
"""Checker for exercise 4 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import number

TITLE = "When does a table of vectors pay?"
KIND, NEEDS, LEVEL = "derive", ("3.2",), 1
V, K, H = 80, 8, 512


def weights(D):
    """The table and the first layer fed embeddings of size D (no biases)."""
    return V * D + K * D * H


def check_one_hot(ex):
    """ONE_HOT is the number of weights of the first layer fed one-hot vectors"""
    got = number(ex, "ONE_HOT")
    assert got == K * V * H, f"ONE_HOT is {got:g}: the layer maps K·V numbers to H units"


def check_largest_d(ex):
    """LARGEST_D is the largest D whose table and first layer hold fewer weights"""
    got = number(ex, "LARGEST_D")
    assert got == int(got) and weights(got) < K * V * H <= weights(got + 1), (
        f"LARGEST_D is {got:g}: with it the table and the layer hold {weights(got):,.0f} weights, "
        f"with one more {weights(got + 1):,.0f}, against {K * V * H:,} for one-hot input")
# ~/~ end
