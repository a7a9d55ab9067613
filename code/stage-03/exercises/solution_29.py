# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_29.py>>[init]
"""Exercise 29, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np

from corpora import UNK


def nearest(table: np.ndarray, symbols: list[str], token: str, k: int) -> list[tuple[str, float]]:
    """The k symbols with the largest cosine to `token`, rows measured from the table's mean."""
    e = np.asarray(table, dtype=np.float64)
    e = e - e.mean(axis=0)                                   # (V, D), from the centre
    u = e / np.linalg.norm(e, axis=1, keepdims=True)         # directions
    cos = u @ u[symbols.index(token)]                        # (V,)
    ranked = [i for i in np.argsort(-cos, kind="stable")
              if symbols[i] not in (token, UNK)]
    return [(symbols[i], float(cos[i])) for i in ranked[:k]]
# ~/~ end
