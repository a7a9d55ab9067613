# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_09.py>>[init]
"""Exercise 9: the sigmoid as a Tensor operation with its own backward (chapter 3.3).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=9` copies it to
exercises/ex09.py, the file you edit.
"""

import numpy as np

from tensor import Tensor, _accumulate, _result


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) elementwise, one node of the graph, with its own backward."""
    raise NotImplementedError("exercise 5: forward, then backward(g) in terms of the output")
# ~/~ end
