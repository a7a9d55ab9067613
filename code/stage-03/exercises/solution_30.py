# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_30.py>>[init]
"""Exercise 30, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

from pathlib import Path

import neural_lm
import similarity
from checkpoint import load_checkpoint

SEED = 1


def measured(name):
    """(S of the vowels, r) for the checkpoint runs/ex30-NAME.ckpt.npz."""
    model = load_checkpoint(Path(__file__).parent / "runs" / f"ex30-{name}.ckpt.npz").model
    symbols, after = list(model.vocab.symbols), model.embedding.weight.data
    before = neural_lm.MLPLanguageModel(model.config).embedding.weight.data  # step 0, same seed
    vowels = similarity.character_classes(symbols)[0]
    return (similarity.measure(after, symbols, vowels).statistic,
            similarity.push_ratio(before, after))


(VOWELS_BOOK, R_BOOK), (VOWELS_SMALL, R_SMALL) = measured("scale1"), measured("scale0.1")
# ~/~ end
