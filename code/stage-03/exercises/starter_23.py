# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_23.py>>[init]
"""Exercise 23: dropout and the gap (chapter 3.6b).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=23` copies it to
exercises/ex23.py, the file you edit. Choose your seed, run `make exercise N=23`: it prints the
two commands to run. Then measure the two gaps here.
"""

import math

import corpora
import neural_lm
from checkpoint import load_checkpoint

SEED = None  # your seed: a whole number from 1 on; the commands use it

GAP_NONE = None  # validation bits minus training bits per character, without dropout
GAP_DROPOUT = None  # the same with dropout 0.3
LOWER = None  # the run with the lower validation loss: "none" or "dropout"
# ~/~ end
