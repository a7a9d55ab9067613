# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_28.py>>[init]
"""Exercise 28: how far the pushes must go (chapter 3.8).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=28` copies it to
exercises/ex28.py, the file you edit. Work it out on paper, then enter the three results.
"""

COS_THIRD = None  # the cosine after training for r = 1/3 (orthogonal starts, aligned pushes)
R_HALF = None  # the r at which that cosine reaches 1/2
SPREAD_32 = None  # the standard deviation of the cosine of two random directions, D = 32
# ~/~ end
