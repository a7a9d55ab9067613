# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_20.py>>[init]
"""Exercise 20, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import math

beta1, beta2 = 0.9, 0.999
FIRST_STEP = (1 - beta1) / math.sqrt(1 - beta2)  # m_1 / sqrt(v_1), since m^_1 / sqrt(v^_1) = 1
BETA2_EVEN = 1 - (1 - beta1) ** 2  # (1 - beta1) / sqrt(1 - beta2) = 1
STEPS_M = math.floor(math.log(1 / 101) / math.log(beta1)) + 1  # beta1^t < 1 - 1/1.01 = 1/101
# ~/~ end
