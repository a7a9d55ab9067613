# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_02.py>>[init]
"""Exercise 2: the fraction of held-out n-grams never seen in training (chapter 3.1).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=2` copies it to
exercises/ex02.py, the file you edit; the tangled original is never your working copy.
"""


def unseen_fraction(train: str, test: str, n: int) -> float:
    """Fraction of the n-grams of `test` (one per position) that occur nowhere in `train`."""
    raise NotImplementedError("exercise 1: count the test n-grams missing from train")
# ~/~ end
