# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_03.py>>[init]
"""Exercise 3, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter).

Made with `make exercise N=3` and the two commands it printed; the figures are read from the
JSON files the commands wrote."""

import json
from pathlib import Path

SEED = 1

small, large = (json.loads((Path(__file__).parent / "runs" / f"ex03-{name}.json").read_text())
                for name in ("small", "large"))
FALLS_BY = (1 - small["by_context"]["seen_share"]) / (1 - large["by_context"]["seen_share"])
KN_GAIN = (small["best_kneser_ney"]["test_bits_per_token"]
           - large["best_kneser_ney"]["test_bits_per_token"])
# ~/~ end
