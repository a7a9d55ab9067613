# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_34.py>>[init]
"""Checker for exercise 34 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import functools

import numpy as np
from exercise_runs import (choice, interval, neighbour, note, parts, position_bits, seed,
                           seen_contexts, setup, trained_network)
from neural_lm import MLPLanguageModel

TITLE = "What direct connections buy"
KIND, NEEDS, LEVEL, LIMIT, USES = "open", ("3.7",), 3, 300, (26,)
MOST_STEPS = 5000


@functools.cache
def measured(options, seed_, network):
    """Direct minus plain network, bits per test position, on all, seen and unseen contexts."""
    s = setup(list(options), seed_, MOST_STEPS)
    plain, direct = (position_bits(trained_network(cls, s), s.data)
                     for cls in (MLPLanguageModel, network))
    return parts(direct - plain, seen_contexts(s.data), seed_)


def difference(ex):
    return measured(tuple(map(str, ex.OPTIONS)), seed(ex), neighbour(ex, 26).DirectMLP)


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_your_direct_network(ex):
    """your DirectMLP of exercise 26 starts as the plain network"""
    s = setup(list(map(str, ex.OPTIONS)), seed(ex), MOST_STEPS)
    X = np.random.default_rng(0).integers(0, s.shape.vocab_size, size=(16, s.shape.context))
    config = s.shape
    mine = neighbour(ex, 26).DirectMLP(config).forward(X).data
    plain = MLPLanguageModel(config).forward(X).data
    assert np.abs(mine - plain).max() < 1e-5, (
        "a fresh DirectMLP must compute what a fresh MLPLanguageModel does: "
        "`make exercise N=26` checks it")


def check_helps_more_on(ex):
    """HELPS_MORE_ON is where the direct connections lower the bits more per position"""
    d = difference(ex)
    want = "seen" if d["seen"].mean < d["unseen"].mean else "unseen"
    got = choice(ex, "HELPS_MORE_ON", ("seen", "unseen"))
    assert got == want, (f"HELPS_MORE_ON is {got!r}; direct minus plain is {d['seen'].mean:+.4f} "
                         f"bits per position on seen contexts, {d['unseen'].mean:+.4f} on unseen")


def check_note(ex):
    """NOTE explains, in your words, what the direct connections buy"""
    note(ex)


def check_leaderboard(ex):
    """your line on the leaderboard (direct minus plain network, bits per test position)"""
    d = difference(ex)
    met = "met" if d["unseen - seen"].hi < 0 else "not yet"
    return (f"conditions: {' '.join(map(str, ex.OPTIONS))}\ndirect minus plain: "
            + ", ".join(f"{part} {interval(i)}" for part, i in d.items())
            + f"\ntarget (a larger gain on unseen contexts than on seen ones, the contrast's "
            f"interval below 0): {met}\nyour note: {note(ex)}")
# ~/~ end
