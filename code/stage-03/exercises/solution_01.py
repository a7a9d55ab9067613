# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/solution_01.py>>[init]
"""Exercise 1, a solution (docs/stage-03/exercises.md; generated, edit the chapter)."""


def unseen_fraction(train: str, test: str, n: int) -> float:
    """Fraction of the n-grams of `test` (one per position) that occur nowhere in `train`."""
    seen = {train[i : i + n] for i in range(len(train) - n + 1)}
    grams = [test[i : i + n] for i in range(len(test) - n + 1)]
    return sum(g not in seen for g in grams) / len(grams)
# ~/~ end
