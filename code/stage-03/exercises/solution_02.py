# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_02.py>>[init]
"""Exercise 2, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""


def unseen_fraction(train: str, test: str, n: int) -> float:
    """Fraction of the n-grams of `test` (one per position) that occur nowhere in `train`."""
    seen = {train[i : i + n] for i in range(len(train) - n + 1)}
    grams = [test[i : i + n] for i in range(len(test) - n + 1)]
    return sum(g not in seen for g in grams) / len(grams)
# ~/~ end
