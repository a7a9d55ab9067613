# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_01.py>>[init]
"""Checker for exercise 1 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import corpora
import neural_lm
from exercise_runs import number

TITLE = "When the table outgrows the text"
KIND, NEEDS, LEVEL = "derive", ("3.1",), 1


def names():
    """(V, N): the symbols of the names and their training positions (windows)."""
    data = corpora.load_data("names")
    return data.vocab.size, len(neural_lm.training_windows(data, 1)[0])


def smallest_order(V, N):
    n = 1
    while V ** (n - 1) <= N:
        n += 1
    return n


def check_order(ex):
    """ORDER is the smallest n with more rows, V^(n-1), than training positions"""
    V, N = names()
    got, want = number(ex, "ORDER"), smallest_order(V, N)
    assert got == want, (f"ORDER is {got:g}: the table of order {got:g} has {V}^{got - 1:g} rows, "
                         f"{'not more' if got < want else 'more, but so has a smaller order'} "
                         f"than {N:,} positions")


def check_share(ex):
    """SHARE is N / V^(n-1) at that order, to within 1 %"""
    V, N = names()
    want = N / V ** (smallest_order(V, N) - 1)
    got = number(ex, "SHARE")
    assert abs(got - want) <= 0.01 * want, f"SHARE is {got:g}: expected about {want:.3g}"
# ~/~ end
