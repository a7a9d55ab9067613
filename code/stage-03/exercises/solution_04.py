# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_04.py>>[init]
"""Exercise 4, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math

V, K, H = 80, 8, 512
ONE_HOT = K * V * H
LARGEST_D = math.ceil(K * V * H / (V + K * H)) - 1  # V·D + K·D·H < K·V·H  <=>  D < KVH / (V + KH)
# ~/~ end
