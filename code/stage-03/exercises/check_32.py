# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_32.py>>[init]
"""Checker for exercise 32 (docs/stage-03/exercises.md; generated, edit the chapter)."""

from defaults import network_defaults
from exercise_runs import Run, given, made, seed, trained

TITLE = "The best context and embedding at a fixed budget"
KIND, NEEDS, LEVEL, LIMIT = "open", ("3.5", "3.6a"), 2, 60
RULES = ("--data", "names", "--hidden", "128", "--steps", "2000")
DEFAULTS = Run("defaults", "train", RULES)


def pairs(ex):
    """TRIED, checked: pairs of whole numbers from 1 on."""
    tried = [tuple(pair) for pair in ex.TRIED]
    if not tried or not all(len(p) == 2 and all(isinstance(x, int) and x >= 1 for x in p)
                            for p in tried):
        raise NotImplementedError("list in TRIED the (K, D) pairs you train: [(4, 16), (6, 24)]")
    return tried


def runs_of(ex):
    return [DEFAULTS] + [Run(f"k{K}-d{D}", "train", (*RULES, "--context", str(K),
                                                     "--embedding", str(D)))
                         for K, D in pairs(ex)]


def bits(ex):
    """{(K, D): validation bits per character} of every run, the defaults' pair included."""
    shape = network_defaults("chars")[0]
    runs = runs_of(ex)
    keys = [(shape.context, shape.embedding), *pairs(ex)]
    return {key: trained(ex, run).bits() for key, run in zip(keys, runs, strict=True)}


def check_seed(ex):
    """you chose a seed of your own"""
    seed(ex)


def check_tried(ex):
    """TRIED lists your pairs, and BEST is one of them"""
    best = tuple(given(ex, "BEST"))
    assert best in pairs(ex), f"BEST is {best}, which is not in TRIED {pairs(ex)}"


def check_runs(ex):
    """every run is there, made by the command of the rules with your seed"""
    made(ex, runs_of(ex))


def check_best(ex):
    """BEST is the pair of your lowest validation loss"""
    found = {pair: b for pair, b in bits(ex).items() if pair in pairs(ex)}
    best = tuple(given(ex, "BEST"))
    assert found[best] == min(found.values()), (
        f"BEST is {best} at {found[best]:.4f} bits per character; "
        f"{min(found, key=found.get)} reached {min(found.values()):.4f}")


def check_leaderboard(ex):
    """your line on the leaderboard (validation bits per character after 2,000 steps)"""
    found, shape = bits(ex), network_defaults("chars")[0]
    default, best = found[(shape.context, shape.embedding)], tuple(given(ex, "BEST"))
    met = "met" if found[best] < default else "not yet"
    search = "; ".join(f"K={K}, D={D}: {found[(K, D)]:.4f}"
                       for K, D in sorted(pairs(ex), key=lambda pair: found[pair]))
    return (f"yours: K={best[0]}, D={best[1]}: {found[best]:.4f} against the defaults' "
            f"(K={shape.context}, D={shape.embedding}) {default:.4f}, {found[best] - default:+.4f};"
            f" target (below the defaults): {met}\nyour search, best first: {search}")
# ~/~ end
