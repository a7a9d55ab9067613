# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_03.py>>[init]
"""Exercise 3: ten times the text (chapter 3.1, with chapter 3.7's command).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=3` copies it to
exercises/ex03.py, the file you edit. Choose your seed, run `make exercise N=3`: it prints the
two commands to run. Then read their JSON and enter what they measured.
"""

SEED = None  # your seed: a whole number from 1 on; the commands use it

FALLS_BY = None  # the unseen share with 100,000 characters / the unseen share with 1,000,000
KN_GAIN = None  # Kneser-Ney's test bits per character, small text minus large text
# ~/~ end
