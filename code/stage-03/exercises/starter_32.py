# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_32.py>>[init]
"""Exercise 32, an open problem: the best K and D at a fixed budget (chapters 3.5 and 3.6).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=32` copies it to
exercises/ex32.py, the file you edit. Choose your seed and the pairs to try, run
`make exercise N=32`: it prints the commands to run; run them, then `make exercise N=32` again.
"""

SEED = None  # your seed: a whole number from 1 on; the commands use it
TRIED = []  # the (K, D) pairs you trained: [(4, 16), (6, 24)]
BEST = None  # the pair of your lowest validation loss, one of TRIED: (6, 24)
# ~/~ end
