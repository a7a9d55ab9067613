# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_15.py>>[init]
"""Exercise 15, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import corpora
from defaults import network_defaults

shape = network_defaults("chars")[0]
V, K, D, (H1, H2) = corpora.load_data("names").vocab.size, shape.context, shape.embedding, \
    shape.hidden
sizes = {"table": V * D, "hidden1": K * D * H1 + H1, "hidden2": H1 * H2 + H2,
         "output": H2 * V + V}
PARAMETERS = sum(sizes.values())
LARGEST = max(sizes, key=sizes.get)
# ~/~ end
