# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_33.py>>[init]
"""Checker for exercise 33 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import functools

from exercise_runs import ablation, choice, interval, note, parts, seed, seen_contexts, setup

TITLE = "Where does the loss go without learned vectors?"
KIND, NEEDS, LEVEL, LIMIT = "open", ("3.7", "3.8"), 3, 300
MOST_STEPS = 5000


@functools.cache
def measured(options, seed_):
    """The costs of each ablation (bits per position against the learned network) by part."""
    s = setup(list(options), seed_, MOST_STEPS)
    bits, seen = ablation(s), seen_contexts(s.data)
    return {name: parts(bits[name] - bits["learned"], seen, seed_)
            for name in ("frozen", "random")}


def costs(ex):
    return measured(tuple(map(str, ex.OPTIONS)), seed(ex))


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_conditions(ex):
    """OPTIONS are options of neural-lm compare, with --steps up to 5,000"""
    setup(list(map(str, ex.OPTIONS)), seed(ex), MOST_STEPS)


def answered(ex, name, table):
    """The reader's `name` says where the `table` ablation costs more bits per position."""
    cost = costs(ex)[table]
    want = "seen" if cost["seen"].mean > cost["unseen"].mean else "unseen"
    got = choice(ex, name, ("seen", "unseen"))
    assert got == want, (f"{name} is {got!r}; the {table} table costs {cost['seen'].mean:+.4f} "
                         f"bits per position on seen contexts, {cost['unseen'].mean:+.4f} on "
                         "unseen ones")


def check_frozen(ex):
    """FROZEN_COSTS_MORE_ON is where the frozen table costs more bits per position"""
    answered(ex, "FROZEN_COSTS_MORE_ON", "frozen")


def check_random(ex):
    """RANDOM_COSTS_MORE_ON is where the random table costs more bits per position"""
    answered(ex, "RANDOM_COSTS_MORE_ON", "random")


def check_note(ex):
    """NOTE explains, in your words, where the loss goes"""
    note(ex)


def check_leaderboard(ex):
    """your line on the leaderboard (bits per test position against the learned network)"""
    c = costs(ex)
    met = "met" if c["frozen"]["unseen - seen"].lo > 0 else "not yet"
    lines = [f"{name}: " + ", ".join(f"{part} {interval(i)}" for part, i in c[name].items())
             for name in ("frozen", "random")]
    return (f"conditions: {' '.join(map(str, ex.OPTIONS))}\n" + "\n".join(lines)
            + f"\ntarget (the frozen table's cost larger on unseen contexts than on seen ones, "
            f"the contrast's interval above 0): {met}\n"
            f"your note: {note(ex)}")
# ~/~ end
