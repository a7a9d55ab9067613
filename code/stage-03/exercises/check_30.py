# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_30.py>>[init]
"""Checker for exercise 30 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import similarity
from exercise_runs import Run, made, number, seed, trained
from neural_lm import MLPLanguageModel

TITLE = "A smaller start"
KIND, NEEDS, LEVEL = "experiment", ("3.8",), 2
BASE = ("--data", "names", "--hidden", "128", "--steps", "1500")
RUNS = {"BOOK": Run("scale1", "train", BASE),
        "SMALL": Run("scale0.1", "train", (*BASE, "--embedding-scale", "0.1"))}


def runs_of(ex):
    return list(RUNS.values())


def tables(run):
    """(symbols, the table at step 0, the trained table) of a checkpoint read back."""
    before = MLPLanguageModel(run.model.config).embedding.weight.data
    return list(run.model.vocab.symbols), before, run.model.embedding.weight.data


def vowels(symbols, table):
    return similarity.measure(table, symbols, similarity.character_classes(symbols)[0]).statistic


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_runs(ex):
    """both checkpoints are there, made by this exercise's commands with your seed"""
    made(ex, runs_of(ex))


def check_vowels(ex):
    """VOWELS_BOOK and VOWELS_SMALL are S of the vowels in the trained tables (to 0.01)"""
    for key, run in RUNS.items():
        symbols, _, after = tables(trained(ex, run))
        got, want = number(ex, f"VOWELS_{key}"), vowels(symbols, after)
        assert abs(got - want) <= 0.01, f"VOWELS_{key} is {got:g}; the table gives {want:.4f}"


def check_push(ex):
    """R_BOOK and R_SMALL are how far the rows moved, in starting lengths (to 2 %)"""
    found = {}
    for key, run in RUNS.items():
        symbols, before, after = tables(trained(ex, run))
        want, got = similarity.push_ratio(before, after), number(ex, f"R_{key}")
        assert abs(got - want) <= 0.02 * want, f"R_{key} is {got:g}; the tables give {want:.4f}"
        found[key] = (vowels(symbols, after), want)
    (s_book, r_book), (s_small, r_small) = found["BOOK"], found["SMALL"]
    return (f"your runs: the vowels group with S = {s_book:+.3f} from the book's start "
            f"(r = {r_book:.2f}) and S = {s_small:+.3f} from the smaller one (r = {r_small:.2f})")
# ~/~ end
