# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_31.py>>[init]
"""Checker for exercise 31 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import os

import cli
import record
from exercise_runs import Run, compared, given, made, number, seed

TITLE = "Beat Kneser-Ney in five minutes"
KIND, NEEDS, LEVEL, LIMIT = "open", ("3.5", "3.6a", "3.7"), 3, 120
MOST_SECONDS = 300
SLACK, GRACE = 1.05, 2.0  # a run stops at the first step after its budget, validates once more
NETWORK_FLAGS = {flag for flag, *_ in cli.NETWORK_OPTIONS} | {"--threads"}  # threads: speed only


def runs_of(ex):
    return [Run("result", "compare", ("--data", "shakespeare", "--max-chars", "1000000",
                                      "--time-budget", str(given(ex, "BUDGET")),
                                      *map(str, ex.OPTIONS)))]


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_rules(ex):
    """BUDGET is at most 300 s and OPTIONS set only the network and its optimiser"""
    budget = number(ex, "BUDGET")
    assert 0 < budget <= MOST_SECONDS, f"BUDGET is {budget:g}: from above 0 to {MOST_SECONDS} s"
    flags = [o for o in map(str, ex.OPTIONS) if o.startswith("--")]
    if other := [flag for flag in flags if flag not in NETWORK_FLAGS]:
        raise AssertionError(f"OPTIONS set {', '.join(other)}: only the network and optimiser "
                             f"options are yours ({', '.join(sorted(NETWORK_FLAGS))})")


def check_run(ex):
    """the comparison is there, made by the command of your rules with your seed"""
    made(ex, runs_of(ex))


def check_budget(ex):
    """the network trained within your budget"""
    seconds = compared(ex, *runs_of(ex))["neural"]["train_seconds"]
    assert seconds <= SLACK * number(ex, "BUDGET") + GRACE, (
        f"the network trained for {seconds:.1f} s, more than your BUDGET of {ex.BUDGET} s")


def book_line():
    """The book's own five-minute run, if recorded (found by listing the folder: the Exercises
    page, which prints this line, then knows to run again when the recording appears)."""
    if "chars-1m-300s.json" not in os.listdir(record.RECORDED):
        return ("the book's default network for five minutes is not recorded yet: "
                "`make record NAME=chars-1m-300s` makes it (chapter 3.7 prints it)")
    recorded = record.load("chars-1m-300s")
    f = recorded["results"]["runs"][0]["figures"]
    d = f["differences_bits_per_token"]["neural_vs_kneser_ney"]
    return (f"the book's default network, {f['neural']['train_seconds']:.0f} s on split seed "
            f"{f['corpus']['seed']}: {f['neural']['test_bits_per_token']:.3f} against Kneser-Ney's "
            f"{f['best_kneser_ney']['test_bits_per_token']:.3f} ({d['mean']:+.3f} "
            f"[{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]), recorded at commit "
            f"{recorded['provenance']['commit'][:10]}")


def check_leaderboard(ex):
    """your line on the leaderboard (bits per character on the test text; lower is better)"""
    f = compared(ex, *runs_of(ex))
    d = f["differences_bits_per_token"]["neural_vs_kneser_ney"]
    met = "met" if d["ci95"][1] < 0 else "not yet"
    return (f"yours: {f['neural']['test_bits_per_token']:.3f} bits per character in "
            f"{f['neural']['train_seconds']:.0f} s ({f['neural']['steps']:,} steps, "
            f"{f['neural']['parameters']:,} parameters) against Kneser-Ney's "
            f"{f['best_kneser_ney']['test_bits_per_token']:.3f}: {d['mean']:+.3f} "
            f"[{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]; target (below Kneser-Ney, interval "
            f"below 0): {met}\n{book_line()}")
# ~/~ end
