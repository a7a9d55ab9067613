# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_01.py>>[init]
"""Exercise 1: when the table outgrows the text (chapter 3.1).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=1` copies it to
exercises/ex01.py, the file you edit. Work it out on paper, then enter the two results.
"""

ORDER = None  # the smallest n whose table has more rows, V**(n - 1), than training positions
SHARE = None  # at that order, the largest share of the rows the training text can touch
# ~/~ end
