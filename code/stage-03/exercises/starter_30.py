# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_30.py>>[init]
"""Exercise 30: a smaller start (chapter 3.8).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=30` copies it to
exercises/ex30.py, the file you edit. Choose your seed, run `make exercise N=30`: it prints the
two commands to run. Then measure the two tables here.
"""

import neural_lm
import similarity
from checkpoint import load_checkpoint

SEED = None  # your seed: a whole number from 1 on; the commands use it

VOWELS_BOOK = None  # S of the vowels in the trained table, the book's start
VOWELS_SMALL = None  # the same, the start ten times smaller
R_BOOK = None  # how far the rows moved, in units of their starting length: the book's start
R_SMALL = None  # the same, the smaller start
# ~/~ end
