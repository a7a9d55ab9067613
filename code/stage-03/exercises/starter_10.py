# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_10.py>>[init]
"""Exercise 10: how many units? (chapters 3.3 and 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=10` copies it to
exercises/ex10.py, the file you edit. Choose your seed, run `make exercise N=10`: it prints the
three commands to run. Then enter what they measured.
"""

SEED = None  # your seed: a whole number from 1 on; the commands use it

SHARE = None  # (bits with 8 units - bits with 32) / (bits with 8 units - bits with 128)
# ~/~ end
