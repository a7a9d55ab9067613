# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_06.py>>[init]
"""Checker for exercise 6 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import Run, made, number, seed, trained

TITLE = "One number per character"
KIND, NEEDS, LEVEL = "experiment", ("3.2", "3.5"), 1
BASE = ("--data", "names", "--hidden", "128", "--steps", "1500")
RUNS = [Run(f"d{d}", "train", (*BASE, "--embedding", str(d))) for d in (1, 16)]


def runs_of(ex):
    return RUNS


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """both checkpoints are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_cost(ex):
    """COST is what one number per character costs on validation (to 0.005 bits)"""
    one, sixteen = (trained(ex, run).bits() for run in RUNS)
    got = number(ex, "COST")
    assert abs(got - (one - sixteen)) <= 0.005, (
        f"COST is {got:g}; your runs give {one:.4f} bits per character with one number and "
        f"{sixteen:.4f} with 16")
    return (f"your runs: {one:.3f} bits per character with one number per character, "
            f"{sixteen:.3f} with 16: a cost of {one - sixteen:.3f}")
# ~/~ end
