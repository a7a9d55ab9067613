# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_14.py>>[init]
"""Checker for exercise 14 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import Run, compared, made, number, seed

TITLE = "A network that counts"
KIND, NEEDS, LEVEL = "experiment", ("3.4", "3.7"), 2
BASE = ("--data", "names", "--hidden", "128", "--dropout", "0", "--steps", "2000")
RUNS = [Run(f"context{k}", "compare", (*BASE, "--context", str(k))) for k in (1, 2)]


def runs_of(ex):
    return RUNS


def gap(figures, order):
    """The network's validation bits minus those of the best add-k table of `order`."""
    table = min(row["valid_bits_per_token"] for row in figures["validation_tables"]["best_add_k"]
                if row["order"] == order)
    return figures["neural"]["valid_bits_per_token"] - table


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """both comparisons are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_gaps(ex):
    """GAP_1 and GAP_2 are the networks' distances to the add-k tables (to 0.002 bits)"""
    gaps = [gap(compared(ex, run), k + 1) for k, run in enumerate(RUNS, start=1)]
    for k, want in enumerate(gaps, start=1):
        got = number(ex, f"GAP_{k}")
        assert abs(got - want) <= 0.002, f"GAP_{k} is {got:g}; your run gives {want:+.4f}"
    return (f"your runs: one character of context, {gaps[0]:+.4f} bits per character from the "
            f"bigram table; two characters, {gaps[1]:+.4f} from the trigram table")
# ~/~ end
