# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/starter_22.py>>[init]
"""Exercise 22: crawl, learn, die (chapters 3.6a and 3.6b).

Starter, tangled from docs/stage-03/exercises.md. `make exercise N=22` copies it to
exercises/ex22.py, the file you edit. Choose your seed, run `make exercise N=22`: it prints the
four commands to run. Then enter what they measured, and measure the dead units here.
"""

import corpora
import neural_lm
import training_dynamics
from checkpoint import load_checkpoint

SEED = None  # your seed: a whole number from 1 on; the commands use it

BEST = None  # the rate whose run reached the lowest validation loss, as a string: "0.003"
DEAD_FAST = None  # the share of dead hidden units of the run at 0.03, on the validation windows
DEAD_FASTEST = None  # the same for the run at 0.3
# ~/~ end
