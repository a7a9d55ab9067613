# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_19.py>>[init]
"""Checker for exercise 19 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import corpora
from exercise_runs import Run, made, number, sampled, seed

TITLE = "Cold and hot samples"
KIND, NEEDS, LEVEL = "experiment", ("3.5",), 2
MODEL = Run("model", "train", ("--data", "names", "--hidden", "128", "--steps", "1500"))
SAMPLES = [Run(name, "generate", ("--checkpoint", "@model", "--temperature", T, "--length",
                                  "3000")) for name, T in (("cold", "0.5"), ("hot", "1.5"))]


def runs_of(ex):
    return [MODEL, *SAMPLES]


def new_share(text):
    """The share of the sample's names (its lines but the last, none empty) not in training."""
    training = {name.strip("\n") for name in corpora.load_data("names").train}
    drawn = [line for line in text.split("\n")[:-1] if line]
    return sum(name not in training for name in drawn) / len(drawn)


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """the checkpoint and both samples are there, made by this exercise's commands and seed"""
    made(ex, runs_of(ex))


def check_new_names(ex):
    """NEW_COLD and NEW_HOT are the shares of new names in your samples (to 0.01)"""
    shares = [new_share(sampled(ex, run)) for run in SAMPLES]
    for name, want in zip(("NEW_COLD", "NEW_HOT"), shares, strict=True):
        got = number(ex, name)
        assert abs(got - want) <= 0.01, f"{name} is {got:g}; your sample gives {want:.3f}"
    return (f"your samples: {shares[0]:.0%} of the names drawn at T = 0.5 are new, "
            f"{shares[1]:.0%} at T = 1.5")
# ~/~ end
