# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_02.py>>[init]
"""Checker for exercise 2 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "How much of the test text is new?"
KIND, NEEDS, LEVEL = "implement", ("3.1",), 1


def brute_force(train, test, n):
    grams = [test[i : i + n] for i in range(len(test) - n + 1)]
    return sum(g not in train for g in grams) / len(grams)


def check_example(ex):
    """the example from the statement: train 'abcab', test 'abd', n=2 gives 0.5"""
    got = ex.unseen_fraction("abcab", "abd", 2)
    assert abs(got - 0.5) < 1e-12, f"expected 0.5, got {got}"


def check_counts_positions(ex):
    """a repeated n-gram counts once per position (tokens, not types)"""
    got = ex.unseen_fraction("aa", "aaab", 2)
    assert abs(got - 1 / 3) < 1e-12, (
        f"test 'aaab' has bigrams aa, aa, ab; only ab is unseen in 'aa': expected 1/3, "
        f"got {got}")


def check_random_texts(ex):
    """agrees with a brute-force count on random texts, for n = 1 to 5"""
    rng = np.random.default_rng(0)
    for _ in range(30):
        train = "".join(rng.choice(list("abcd"), size=rng.integers(5, 60)))
        test = "".join(rng.choice(list("abcde"), size=rng.integers(6, 40)))
        for n in range(1, 6):
            want, got = brute_force(train, test, n), ex.unseen_fraction(train, test, n)
            assert abs(got - want) < 1e-12, (
                f"train={train!r} test={test!r} n={n}: expected {want}, got {got}")
# ~/~ end
