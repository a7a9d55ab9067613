# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_27.py>>[init]
"""Checker for exercise 27 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from exercise_runs import Run, choice, compared, given, made, seed

TITLE = "Another seed, another verdict?"
KIND, NEEDS, LEVEL = "experiment", ("3.7",), 1
RUN = Run("seeds", "compare", ("--data", "names", "--hidden", "128", "--steps", "1500",
                               "--seeds", "3"))


def runs_of(ex):
    return [RUN]


def differences(ex):
    return [run["differences_bits_per_token"]["neural_vs_kneser_ney"]
            for run in compared(ex, RUN)["seeds"]["runs"]]


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_run(ex):
    """the comparison is there, made by this exercise's command with your seed"""
    made(ex, runs_of(ex))


def check_agree(ex):
    """AGREE says whether every seed's interval lies on the same side of zero"""
    runs = differences(ex)
    want = all(d["ci95"][0] > 0 for d in runs) or all(d["ci95"][1] < 0 for d in runs)
    got = given(ex, "AGREE")
    assert got is want, f"AGREE is {got!r}; your seeds' intervals are {[d['ci95'] for d in runs]}"


def check_moves_more(ex):
    """MOVES_MORE compares the spread of the seeds with the width of an interval"""
    runs = differences(ex)
    means = [d["mean"] for d in runs]
    spread, width = max(means) - min(means), sum(d["ci95"][1] - d["ci95"][0] for d in runs) / 3
    got = choice(ex, "MOVES_MORE", ("seed", "sample"))
    assert got == ("seed" if spread > width else "sample"), (
        f"MOVES_MORE is {got!r}; the means spread over {spread:.4f} bits per character, an "
        f"interval is {width:.4f} wide on average")
    return (f"your seeds: network minus Kneser-Ney {', '.join(f'{m:+.3f}' for m in means)} bits "
            f"per character; spread {spread:.3f} against intervals {width:.3f} wide")
# ~/~ end
