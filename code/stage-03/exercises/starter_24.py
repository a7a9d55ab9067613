# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_24.py>>[init]
"""Exercise 24: seen and unseen, weighted (chapter 3.7).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=24` copies it to
exercises/ex24.py, the file you edit. Work it out on paper, then enter the two results.
"""

TIE = None  # the gain on unseen positions that makes the two models tie (s = 0.9, a = 0.05)
OVERALL = None  # network minus Kneser-Ney over the whole text when that gain is 0.2
# ~/~ end
