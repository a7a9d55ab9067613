# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_14.py>>[init]
"""Exercise 14: a network that counts (chapters 3.4 and 3.7).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=14` copies it to
exercises/ex14.py, the file you edit. Choose your seed, run `make exercise N=14`: it prints the
two commands to run. Then read their JSON and enter what they measured.
"""

SEED = None  # your seed: a whole number from 1 on; the commands use it

GAP_1 = None  # network with 1 character of context - best add-k of order 2 (validation bits)
GAP_2 = None  # network with 2 characters of context - best add-k of order 3 (validation bits)
# ~/~ end
