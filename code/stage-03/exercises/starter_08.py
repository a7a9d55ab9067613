# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_08.py>>[init]
"""Exercise 8: the backward of broadcasting (chapter 3.3).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=8` copies it to
exercises/ex08.py, the file you edit.
"""

import numpy as np


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum `grad` over the axes that broadcasting added or stretched, back to `shape`."""
    raise NotImplementedError("exercise 4: sum over the added axes, then the stretched ones")
# ~/~ end
