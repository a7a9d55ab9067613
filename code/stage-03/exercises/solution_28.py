# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_28.py>>[init]
"""Exercise 28, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math

r = 1 / 3
COS_THIRD = (0 + r**2 * 1) / (1 + r**2)  # equation (2), starts orthogonal, pushes aligned
R_HALF = 1.0  # r^2 / (1 + r^2) = 1/2  <=>  r^2 = 1
SPREAD_32 = 1 / math.sqrt(32)  # the cosine of random directions: mean 0, variance 1 / D
# ~/~ end
