# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_15.py>>[init]
"""Exercise 15: how many parameters? (chapter 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=15` copies it to
exercises/ex15.py, the file you edit. Count on paper, then enter the results.
"""

PARAMETERS = None  # every weight and bias of the default character network on the names
LARGEST = None  # the part holding the most: "table", "hidden1", "hidden2" or "output"
# ~/~ end
