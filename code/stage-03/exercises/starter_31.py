# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_31.py>>[init]
"""Exercise 31, an open problem: beat Kneser-Ney in five minutes (chapters 3.5 to 3.7).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=31` copies it to
exercises/ex31.py, the file you edit. Choose your seed, your budget and your network, run
`make exercise N=31`: it prints the command to run; run it, then `make exercise N=31` again.
"""

SEED = None  # your seed: a whole number from 1 on (it also chooses the split)
BUDGET = None  # seconds of training, at most 300
OPTIONS = []  # your network and optimiser, as options: ["--hidden", "512", "512", "--lr", "0.003"]
# ~/~ end
