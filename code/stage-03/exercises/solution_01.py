# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_01.py>>[init]
"""Exercise 1, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math

import corpora
import neural_lm

names = corpora.load_data("names")
V, N = names.vocab.size, len(neural_lm.training_windows(names, 1)[0])

ORDER = math.floor(math.log(N) / math.log(V)) + 2  # the first n - 1 above log_V N
SHARE = N / V ** (ORDER - 1)
# ~/~ end
