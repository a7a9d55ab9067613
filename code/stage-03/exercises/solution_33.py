# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_33.py>>[init]
"""Exercise 33, a reference (docs/stage-03/exercise-solutions.md; generated, edit the chapter).

Not an answer: a valid entry on the names, short enough for the tests, its answers read from
the checker's own measurement."""

from exercise_runs import ablation, seen_contexts, setup

SEED = 1
OPTIONS = ["--data", "names", "--hidden", "64", "--steps", "600"]

_s = setup(OPTIONS, SEED, 5000)
_bits, _seen = ablation(_s), seen_contexts(_s.data)


def _where(name):
    cost = _bits[name] - _bits["learned"]
    return "seen" if cost[_seen].mean() > cost[~_seen].mean() else "unseen"


FROZEN_COSTS_MORE_ON, RANDOM_COSTS_MORE_ON = _where("frozen"), _where("random")
NOTE = ("On the names a frozen random table of 32 numbers per character is nearly one-hot, "
        "so the hidden layer learns what the table would have; a random table in place of a "
        "learned one breaks every position the network had learned to read.")
# ~/~ end
