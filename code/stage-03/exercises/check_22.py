# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_22.py>>[init]
"""Checker for exercise 22 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import training_dynamics
from exercise_runs import Run, choice, made, number, seed, trained

TITLE = "Crawl, learn, die"
KIND, NEEDS, LEVEL = "experiment", ("3.6a", "3.6b"), 2
RATES = ("0.0003", "0.003", "0.03", "0.3")
RUNS = [Run(f"lr{rate}", "train", ("--data", "names", "--hidden", "128", "--steps", "1500",
                                   "--optimiser", "adam", "--lr", rate)) for rate in RATES]


def runs_of(ex):
    return RUNS


def dead(run):
    """The share of the hidden units that are 0 on every validation window."""
    windows = run.windows("valid")
    X, _ = windows.batch(slice(0, len(windows)))
    (h,) = training_dynamics.hidden_activations(run.model, X)
    return training_dynamics.dead_fraction(h)


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """the four checkpoints are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_best(ex):
    """BEST is the rate of the lowest validation loss"""
    bits = {rate: trained(ex, run).bits() for rate, run in zip(RATES, RUNS, strict=True)}
    got = choice(ex, "BEST", RATES)
    assert bits[got] == min(bits.values()), (
        f"BEST is {got!r}; your runs give " + ", ".join(f"{b:.4f} at {r}" for r, b in bits.items())
        + " bits per character")


def check_dead(ex):
    """DEAD_FAST and DEAD_FASTEST are the shares of dead units at 0.03 and 0.3 (to 0.01)"""
    shares = [dead(trained(ex, run)) for run in RUNS[2:]]
    for name, want in zip(("DEAD_FAST", "DEAD_FASTEST"), shares, strict=True):
        got = number(ex, name)
        assert abs(got - want) <= 0.01, f"{name} is {got:g}; your checkpoint gives {want:.3f}"
    bits = ", ".join(f"{trained(ex, run).bits():.3f}" for run in RUNS)
    return (f"your runs: {bits} bits per character at rates {', '.join(RATES)}; dead units "
            f"{shares[0]:.0%} at 0.03 and {shares[1]:.0%} at 0.3")
# ~/~ end
