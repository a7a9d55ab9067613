# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_19.py>>[init]
"""Exercise 19: cold and hot samples (chapter 3.5).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=19` copies it to
exercises/ex19.py, the file you edit. Choose your seed, run `make exercise N=19`: it prints the
three commands to run (one trains, two sample). Then measure the samples here.
"""

import corpora

SEED = None  # your seed: a whole number from 1 on; the commands use it

NEW_COLD = None  # the share of the names drawn at T = 0.5 that are not training names
NEW_HOT = None  # the same at T = 1.5
# ~/~ end
