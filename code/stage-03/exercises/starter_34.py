# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_34.py>>[init]
"""Exercise 34, an open problem: what direct connections buy (chapter 3.7, exercise 26).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=34` copies it to
exercises/ex34.py, the file you edit. The checker trains the networks itself, your DirectMLP
from exercises/ex26.py among them: a few seconds on the names, longer on more text
(`make exercise N=34 LIMIT=600` gives each check ten minutes).
"""

SEED = None  # your seed: a whole number from 1 on
OPTIONS = ["--data", "names", "--hidden", "64", "--steps", "600"]  # compare's options, --steps

HELPS_MORE_ON = None  # "seen" or "unseen": where the direct connections lower the bits more
NOTE = None  # your explanation, in a sentence or two
# ~/~ end
