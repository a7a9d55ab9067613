# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_31.py>>[init]
"""Exercise 31, a reference (docs/stage-03/exercise-solutions.md; generated, edit the chapter).

Not an answer: a valid entry, short enough for the tests, that shows the rules at work."""

SEED = 1
BUDGET = 5
OPTIONS = ["--hidden", "128"]
# ~/~ end
