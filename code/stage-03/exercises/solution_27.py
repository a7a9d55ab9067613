# ~/~ begin <<docs/stage-03/exercise-solutions.md#code/stage-03/exercises/solution_27.py>>[init]
"""Exercise 27, a solution (docs/stage-03/exercise-solutions.md; generated, edit the chapter)."""

import json
from pathlib import Path

SEED = 1
figures = json.loads((Path(__file__).parent / "runs" / "ex27-seeds.json").read_text())
runs = [run["differences_bits_per_token"]["neural_vs_kneser_ney"]
        for run in figures["seeds"]["runs"]]
AGREE = all(r["ci95"][0] > 0 for r in runs) or all(r["ci95"][1] < 0 for r in runs)
means = [r["mean"] for r in runs]
width = sum(r["ci95"][1] - r["ci95"][0] for r in runs) / len(runs)
MOVES_MORE = "seed" if max(means) - min(means) > width else "sample"
# ~/~ end
