# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_26.py>>[init]
"""Exercise 26: direct connections from the embeddings to the output (chapters 3.5, 3.7).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=26` copies it to
exercises/ex26.py, the file you edit.
"""

import numpy as np

import neural_lm as nlm
from tensor import Linear, Tensor


class DirectMLP(nlm.MLPLanguageModel):
    """The MLP language model plus a direct linear path from the embeddings to the logits."""

    def __init__(self, config: nlm.ModelConfig):
        super().__init__(config)
        raise NotImplementedError("exercise 14: add the (K*D, V) direct weight, all zeros")

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        raise NotImplementedError("exercise 14: the base model's parameters and the new one")

    def forward(self, X: np.ndarray, rng=None) -> Tensor:
        raise NotImplementedError("exercise 14: logits of the hidden path plus e @ W_direct")
# ~/~ end
