# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_27.py>>[init]
"""Exercise 27: another seed, another verdict? (chapter 3.7).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=27` copies it to
exercises/ex27.py, the file you edit. Choose your seed, run `make exercise N=27`: it prints the
command to run. Then read its JSON and enter what it measured.
"""

SEED = None  # your seed: a whole number from 1 on; the command uses it and the next two

AGREE = None  # True if every seed's interval of network - Kneser-Ney is on the same side of 0
MOVES_MORE = None  # "seed" if the three means spread wider than an interval is wide, else "sample"
# ~/~ end
