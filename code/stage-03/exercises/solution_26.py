# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_26.py>>[init]
"""Exercise 26, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import numpy as np

import neural_lm as nlm
from tensor import Linear, Tensor


class DirectMLP(nlm.MLPLanguageModel):
    """The MLP language model plus a direct linear path from the embeddings to the logits."""

    def __init__(self, config: nlm.ModelConfig):
        super().__init__(config)
        K, D, V = config.context, config.embedding, config.vocab_size
        self.direct = Linear(K * D, V, rng=config.seed, bias=False)
        self.direct.weight.data[...] = 0.0   # start as the plain MLP

    def named_parameters(self) -> list[tuple[str, Tensor]]:
        return super().named_parameters() + [("direct.weight", self.direct.weight)]

    def forward(self, X: np.ndarray, rng=None) -> Tensor:
        B, K = X.shape
        e = self.embedding(X).reshape(B, K * self.config.embedding)   # (B, K*D)
        return super().forward(X, rng) + self.direct(e)               # (B, V)
# ~/~ end
