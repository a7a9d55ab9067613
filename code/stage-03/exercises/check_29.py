# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_29.py>>[init]
"""Checker for exercise 29 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
import similarity
from corpora import BOUNDARY, UNK

TITLE = "Nearest neighbours from the centre"
KIND, NEEDS, LEVEL = "implement", ("3.8",), 2
SYMBOLS = [BOUNDARY, UNK, *"abcdefghij"]


def table(seed=0, D=6):
    return np.random.default_rng(seed).normal(size=(len(SYMBOLS), D)) + 3.0  # off-centre


def check_agrees_with_the_book(ex):
    """the same neighbours and cosines as similarity.nearest_neighbours, for several tokens"""
    for seed in range(5):
        t = table(seed)
        for token in "aej":
            got = [(s, float(c)) for s, c in ex.nearest(t, SYMBOLS, token, 4)]
            want = similarity.nearest_neighbours(t, SYMBOLS, token, 4)
            assert [s for s, _ in got] == [s for s, _ in want], f"{token!r}: {got} against {want}"
            assert np.allclose([c for _, c in got], [c for _, c in want], atol=1e-9)


def check_centred(ex):
    """adding one vector to every row changes no neighbour and no cosine"""
    t = table(1)
    shifted = t + np.random.default_rng(9).normal(size=t.shape[1]) * 10
    a, b = ex.nearest(t, SYMBOLS, "b", 5), ex.nearest(shifted, SYMBOLS, "b", 5)
    assert [s for s, _ in a] == [s for s, _ in b], (
        f"{a} became {b}: measure each row from the mean of the rows, not from the origin")


def check_leaves_out(ex):
    """neither the token itself nor the unknown symbol is anyone's neighbour"""
    t = table(2)
    t[1] = t[SYMBOLS.index("c")] * 1.01  # the unknown symbol's row next to c's
    got = [s for s, _ in ex.nearest(t, SYMBOLS, "c", len(SYMBOLS) - 2)]
    assert "c" not in got and UNK not in got, f"got {got}"
    assert len(got) == len(SYMBOLS) - 2, f"{len(got)} neighbours, asked for {len(SYMBOLS) - 2}"


def check_order(ex):
    """most similar first, cosines between -1 and 1"""
    cos = [c for _, c in ex.nearest(table(3), SYMBOLS, "f", 6)]
    assert cos == sorted(cos, reverse=True) and all(-1 - 1e-9 <= c <= 1 + 1e-9 for c in cos), cos
# ~/~ end
