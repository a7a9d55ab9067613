# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_14.py>>[init]
"""Exercise 14, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import json
from pathlib import Path


def figures(k):
    return json.loads((Path(__file__).parent / "runs" / f"ex14-context{k}.json").read_text())


def gap(k):
    """The network with k characters of context minus the best add-k table of order k + 1."""
    f = figures(k)
    table = min(row["valid_bits_per_token"] for row in f["validation_tables"]["best_add_k"]
                if row["order"] == k + 1)
    return f["neural"]["valid_bits_per_token"] - table


SEED = 1
GAP_1, GAP_2 = gap(1), gap(2)
# ~/~ end
