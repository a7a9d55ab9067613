# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_04.py>>[init]
"""Exercise 4: when a table of vectors pays (chapter 3.2).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=4` copies it to
exercises/ex04.py, the file you edit. Work it out on paper, then enter the two results.
"""

ONE_HOT = None  # weights of the first layer fed K one-hot vectors (V = 80, K = 8, H = 512)
LARGEST_D = None  # the largest D with V*D + K*D*H below ONE_HOT
# ~/~ end
