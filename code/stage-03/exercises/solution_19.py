# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_19.py>>[init]
"""Exercise 19, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

from pathlib import Path

import corpora

SEED = 1
TRAINING = {name.strip("\n") for name in corpora.load_data("names").train}


def new_share(name):
    """The share of new names in the sample runs/ex19-NAME.txt (the last line left out)."""
    text = (Path(__file__).parent / "runs" / f"ex19-{name}.txt").read_text(encoding="utf-8")
    drawn = [line for line in text.split("\n")[:-1] if line]
    return sum(line not in TRAINING for line in drawn) / len(drawn)


NEW_COLD, NEW_HOT = new_share("cold"), new_share("hot")
# ~/~ end
