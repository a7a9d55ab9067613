# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_10.py>>[init]
"""Checker for exercise 10 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import Run, made, number, seed, trained

TITLE = "How many units?"
KIND, NEEDS, LEVEL = "experiment", ("3.3", "3.5"), 1
RUNS = [Run(f"h{h}", "train", ("--data", "names", "--steps", "1500", "--hidden", str(h)))
        for h in (8, 32, 128)]


def runs_of(ex):
    return RUNS


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """the three checkpoints are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_share(ex):
    """SHARE is the part of the gain from 8 to 128 units already made at 32 (to 0.02)"""
    b8, b32, b128 = (trained(ex, run).bits() for run in RUNS)
    want, got = (b8 - b32) / (b8 - b128), number(ex, "SHARE")
    assert abs(got - want) <= 0.02, (
        f"SHARE is {got:g}; your runs give {b8:.4f}, {b32:.4f} and {b128:.4f} bits per "
        f"character with 8, 32 and 128 units: a share of {want:.3f}")
    return (f"your runs: {b8:.3f}, {b32:.3f} and {b128:.3f} bits per character with 8, 32 and "
            f"128 units; 32 units made {want:.0%} of the gain")
# ~/~ end
