# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_23.py>>[init]
"""Checker for exercise 23 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import Run, choice, made, number, seed, trained

TITLE = "Dropout and the gap"
KIND, NEEDS, LEVEL = "experiment", ("3.6b",), 2
BASE = ("--data", "names", "--hidden", "256", "--steps", "1500")
RUNS = {"none": Run("dropout0", "train", (*BASE, "--dropout", "0")),
        "dropout": Run("dropout0.3", "train", (*BASE, "--dropout", "0.3"))}


def runs_of(ex):
    return list(RUNS.values())


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """both checkpoints are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_gaps(ex):
    """GAP_NONE and GAP_DROPOUT are your runs' validation minus training bits (to 0.005)"""
    for name, key in (("GAP_NONE", "none"), ("GAP_DROPOUT", "dropout")):
        run = trained(ex, RUNS[key])
        want, got = run.bits("valid") - run.bits("train"), number(ex, name)
        assert abs(got - want) <= 0.005, (
            f"{name} is {got:g}; the checkpoint gives {run.bits('valid'):.4f} bits per character "
            f"on validation and {run.bits('train'):.4f} on training (dropout off)")


def check_lower(ex):
    """LOWER names the run with the lower validation loss"""
    bits = {key: trained(ex, run).bits() for key, run in RUNS.items()}
    got = choice(ex, "LOWER", tuple(RUNS))
    assert bits[got] == min(bits.values()), f"LOWER is {got!r}; your runs give {bits}"
    gaps = {key: trained(ex, run).bits() - trained(ex, run).bits("train")
            for key, run in RUNS.items()}
    return (f"your runs: without dropout {bits['none']:.3f} bits per character on validation, "
            f"gap {gaps['none']:+.3f}; with dropout 0.3 {bits['dropout']:.3f}, gap "
            f"{gaps['dropout']:+.3f}")
# ~/~ end
