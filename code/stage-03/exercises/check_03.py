# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_03.py>>[init]
"""Checker for exercise 3 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import Run, compared, made, number, seed

TITLE = "Ten times the text"
KIND, NEEDS, LEVEL, LIMIT = "experiment", ("3.1", "3.7"), 2, 60
REST = ("--max-order", "6", "--hidden", "16", "--steps", "20")
RUNS = [Run(name, "compare", ("--data", "shakespeare", "--max-chars", chars, *REST))
        for name, chars in (("small", "100000"), ("large", "1000000"))]


def runs_of(ex):
    return RUNS


def measured(ex):
    small, large = (compared(ex, run) for run in RUNS)
    unseen = [1 - f["by_context"]["seen_share"] for f in (small, large)]
    gain = (small["best_kneser_ney"]["test_bits_per_token"]
            - large["best_kneser_ney"]["test_bits_per_token"])
    return unseen, gain


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """both comparisons are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_falls_by(ex):
    """FALLS_BY is how many times smaller the unseen share is with ten times the text (to 2 %)"""
    (small, large), _ = measured(ex)
    got, want = number(ex, "FALLS_BY"), small / large
    assert abs(got - want) <= 0.02 * want, (
        f"FALLS_BY is {got:g}; your runs say {small:.1%} unseen with the small text and "
        f"{large:.1%} with the large one: the ratio small / large")


def check_kn_gain(ex):
    """KN_GAIN is what Kneser-Ney's test score gained (to 0.005 bits per character)"""
    (small, large), gain = measured(ex)
    got = number(ex, "KN_GAIN")
    assert abs(got - gain) <= 0.005, f"KN_GAIN is {got:g}; your runs say {gain:.4f}"
    return (f"your runs: {small:.1%} unseen contexts with 100,000 characters, {large:.1%} with "
            f"ten times as many (a factor {small / large:.2f}); Kneser-Ney gained {gain:.3f} "
            "bits per character")
# ~/~ end
