# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_17.py>>[init]
"""Exercise 17: the vocabulary and the unknown symbol (chapter 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=17` copies it to
exercises/ex17.py, the file you edit.
"""

import numpy as np

BOUNDARY, UNK = "\n", "\x00"


def build_symbols(train: list[str], min_count: int) -> list[str]:
    """[BOUNDARY, UNK] + the sorted characters seen >= min_count times in the training split."""
    raise NotImplementedError("exercise 10: count, keep the frequent ones, sort, put two in front")


def encode(text: str, symbols: list[str]) -> np.ndarray:
    """The id of each character of text (int64); characters not in symbols get UNK's id."""
    raise NotImplementedError("exercise 10: look each character up, UNK when it is missing")
# ~/~ end
