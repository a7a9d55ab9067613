# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_17.py>>[init]
"""Exercise 17, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

from collections import Counter

import numpy as np

BOUNDARY, UNK = "\n", "\x00"


def build_symbols(train: list[str], min_count: int) -> list[str]:
    """[BOUNDARY, UNK] + the sorted characters seen >= min_count times in the training split."""
    counts = Counter("".join(train))
    kept = {c for c, n in counts.items() if n >= min_count} - {BOUNDARY, UNK}
    return [BOUNDARY, UNK] + sorted(kept)


def encode(text: str, symbols: list[str]) -> np.ndarray:
    """The id of each character of text (int64); characters not in symbols get UNK's id."""
    index = {s: i for i, s in enumerate(symbols)}
    return np.array([index.get(c, index[UNK]) for c in text], dtype=np.int64)
# ~/~ end
