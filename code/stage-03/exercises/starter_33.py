# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_33.py>>[init]
"""Exercise 33, an open problem: where does the loss go without learned vectors? (3.7, 3.8)

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=33` copies it to
exercises/ex33.py, the file you edit. The checker trains the networks itself, on the
conditions below: a few seconds on the names, longer on more text (`make exercise N=33
LIMIT=600` gives each check ten minutes).
"""

SEED = None  # your seed: a whole number from 1 on
OPTIONS = ["--data", "names", "--hidden", "64", "--steps", "600"]  # compare's options, --steps

FROZEN_COSTS_MORE_ON = None  # "seen" or "unseen": where the frozen table costs more per position
RANDOM_COSTS_MORE_ON = None  # the same for the learned network reading a random table
NOTE = None  # your explanation, in a sentence or two
# ~/~ end
