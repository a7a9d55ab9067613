# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_24.py>>[init]
"""Exercise 24, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

s, a = 0.9, 0.05
TIE = s * a / (1 - s)  # s a - (1 - s) g = 0
OVERALL = s * a - (1 - s) * 0.2
# ~/~ end
