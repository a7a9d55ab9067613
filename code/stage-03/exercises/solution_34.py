# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_34.py>>[init]
"""Exercise 34, a reference (docs/stage-03/exercise-solutions.md; generated, edit the chapter).

Not an answer: a valid entry on the names, short enough for the tests, its answer read from
the same measurement the checker makes."""

from pathlib import Path

from exercise_runs import seen_contexts, setup, position_bits, trained_network
from neural_lm import MLPLanguageModel

SEED = 1
OPTIONS = ["--data", "names", "--hidden", "64", "--steps", "600"]


def _direct_mlp():
    """The DirectMLP of the answer to exercise 26 beside this file."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("ex26", Path(__file__).parent / "ex26.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DirectMLP


_s = setup(OPTIONS, SEED, 5000)
_d = (position_bits(trained_network(_direct_mlp(), _s), _s.data)
      - position_bits(trained_network(MLPLanguageModel, _s), _s.data))
_seen = seen_contexts(_s.data)
HELPS_MORE_ON = "seen" if _d[_seen].mean() < _d[~_seen].mean() else "unseen"
NOTE = ("The direct path is a linear model of the context, a bigram-like shortcut that the "
        "hidden layers then only correct; where it helps says whether that shortcut is learned "
        "faster than the hidden layers learn the same thing.")
# ~/~ end
