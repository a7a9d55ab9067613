# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_29.py>>[init]
"""Exercise 29: nearest neighbours from the centre (chapter 3.8).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=29` copies it to
exercises/ex29.py, the file you edit.
"""

import numpy as np

from corpora import UNK


def nearest(table: np.ndarray, symbols: list[str], token: str, k: int) -> list[tuple[str, float]]:
    """The k symbols with the largest cosine to `token`, rows measured from the table's mean."""
    raise NotImplementedError("exercise 29: centre the rows, normalise, rank by dot product")
# ~/~ end
