# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_06.py>>[init]
"""Exercise 6: one number per character (chapters 3.2 and 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=6` copies it to
exercises/ex06.py, the file you edit. Choose your seed, run `make exercise N=6`: it prints the
two commands to run. Then enter what they measured.
"""

SEED = None  # your seed: a whole number from 1 on; the commands use it

COST = None  # validation bits per character with embeddings of 1, minus those with 16
# ~/~ end
