# ~/~ begin <<docs/stage-03/similar-vectors.md#code/stage-03/similarity.py>>[init]
"""Similar tokens, similar vectors, measured (chapter 3.8).

Cosine similarity from a table's centre and nearest neighbours; a statistic of grouping (the
mean cosine within a class of tokens, or over pairs of tokens) with a permutation test against
random groups of comparable tokens; the token vectors of a network of chapter 3.5 before and
after training. Every function takes a (V, D) table and its V symbols, so characters and words
are measured alike.

Generated from docs/stage-03/similar-vectors.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import dataclasses
import string
from dataclasses import dataclass

import numpy as np

import compare
from corpora import BOUNDARY, UNK, UNK_ID, Data
from neural_lm import (
    MLPLanguageModel, ModelConfig, TrainConfig, target_counts, training_windows,
)

DRAWS = 10_000  # random groups per permutation test
BLOCK = 1_000   # random groups shuffled and scored at a time (bounded memory)
TIE = 1e-12     # scores this close to the class's count as at least as high

# ---- cosine similarity and nearest neighbours ------------------------------------------------

# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-unit-rows>>[init]
def centred(table: np.ndarray) -> np.ndarray:
    """e_i = C_i - mean_j C_j: the rows measured from their mean, in float64."""
    table = np.asarray(table, dtype=np.float64)
    return table - table.mean(axis=0)


def unit_rows(table: np.ndarray) -> np.ndarray:
    """u_i = e_i / |e_i|, the direction of each centred row (a row at the centre gives 0)."""
    e = centred(table)                                   # (V, D)
    lengths = np.linalg.norm(e, axis=1, keepdims=True)   # (V, 1)
    return np.divide(e, lengths, out=np.zeros_like(e), where=lengths > 0)
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-cosines>>[init]
def cosine_similarities(table: np.ndarray, ids=None) -> np.ndarray:
    """cos(e_i, e_j) = u_i · u_j for the rows i in ids (every row if None), against every row j:
    shape (len(ids), V)."""
    u = unit_rows(table)
    rows = u if ids is None else u[np.asarray(ids)]
    return rows @ u.T
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-neighbours>>[init]
def nearest_neighbours(table: np.ndarray, symbols: list[str], token: str, k: int = 5,
                       among=None) -> list[tuple[str, float]]:
    """The k tokens j with the largest cos(e_token, e_j), most similar first, with their
    cosines; j runs over the ids in `among` (default: every token but the unknown one)."""
    i = symbols.index(token)
    everyone = np.setdiff1d(np.arange(len(symbols)), [UNK_ID])
    candidates = np.setdiff1d(everyone if among is None else among, [i])
    cos = cosine_similarities(table, [i])[0, candidates]
    best = np.argsort(-cos, kind="stable")[:k]
    return [(symbols[candidates[j]], float(cos[j])) for j in best]
# ~/~ end

# ---- a statistic of grouping, and a permutation test -----------------------------------------

# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-within>>[init]
def within_similarity(units: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """S(G) = mean of u_i · u_j over the pairs i != j of each group, from
    sum_{i != j} u_i · u_j = |sum_i u_i|^2 - sum_i |u_i|^2; groups (n,) or (R, n) of ids."""
    rows = units[groups]                                  # (..., n, D)
    n = rows.shape[-2]
    total = rows.sum(axis=-2)                             # (..., D)
    pairs = (total**2).sum(axis=-1) - (rows**2).sum(axis=(-2, -1))
    return pairs / (n * (n - 1))
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-pairs>>[init]
def pair_similarity(units: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The mean of u_a · u_b over the pairs (left[i], right[i]); right may be (R, n) for R
    pairings of the same left side."""
    return (units[left] * units[right]).sum(axis=-1).mean(axis=-1)
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-random-groups>>[init]
def random_groups(pool: np.ndarray, n: int, draws: int, rng: np.random.Generator) -> np.ndarray:
    """(draws, n): each row the first n ids of an independent shuffle of pool, so n distinct
    ids drawn uniformly (n = len(pool): a random permutation of it)."""
    if not 1 <= n <= len(pool):
        raise ValueError(f"cannot draw groups of {n} from a pool of {len(pool)}")
    blocks = [rng.permuted(np.tile(pool, (min(BLOCK, draws - start), 1)), axis=1)[:, :n]
              for start in range(0, draws, BLOCK)]
    return np.concatenate(blocks)
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-blockwise>>[init]
def blockwise(statistic, units: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """statistic(units, groups) computed BLOCK rows of groups at a time."""
    return np.concatenate([statistic(units, groups[start : start + BLOCK])
                           for start in range(0, len(groups), BLOCK)])
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-classes>>[init]
def present(tokens, index: dict[str, int]) -> np.ndarray:
    """The ids of those tokens that the vocabulary holds, in order."""
    return np.array([index[t] for t in tokens if t in index], dtype=np.int64)


@dataclass(frozen=True)
class Group:
    """Tokens expected to be alike; random groups of as many are drawn from `pool`."""

    name: str
    members: tuple[str, ...]
    pool: tuple[str, ...]

    def scores(self, units, index, draws, rng):
        """(n, S of the class, S of `draws` random groups of n), or None if n < 2."""
        ids, pool = present(self.members, index), present(self.pool, index)
        if len(ids) < 2:
            return None
        chance = random_groups(pool, len(ids), draws, rng)  # (draws, n)
        return len(ids), within_similarity(units, ids), blockwise(within_similarity, units, chance)


@dataclass(frozen=True)
class Pairs:
    """Tokens expected to be alike two by two; random pairings shuffle the second side."""

    name: str
    pairs: tuple[tuple[str, str], ...]

    def scores(self, units, index, draws, rng):
        """(n, mean cosine of the n pairs, that of `draws` random pairings), or None if n < 2."""
        kept = [(index[a], index[b]) for a, b in self.pairs if a in index and b in index]
        if len(kept) < 2:
            return None
        left, right = np.array(kept).T
        chance = random_groups(right, len(right), draws, rng)  # (draws, n)
        by_chance = blockwise(lambda u, g: pair_similarity(u, left, g), units, chance)
        return len(kept), pair_similarity(units, left, right), by_chance
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-measure>>[init]
@dataclass(frozen=True)
class Grouping:
    """A class's statistic in one table, against random groups: p = (1 + as_high)/(1 + draws)."""

    name: str
    size: int          # tokens (or pairs) of the class that the vocabulary holds
    statistic: float   # S of the class
    chance: float      # the mean S of the random groups
    as_high: int       # random groups scoring at least as high as the class
    draws: int

    @property
    def p_value(self) -> float:
        return (1 + self.as_high) / (1 + self.draws)


def measure(table: np.ndarray, symbols: list[str], token_class: Group | Pairs,
            draws: int = DRAWS, seed: int = 0) -> Grouping | None:
    """Test one class in a (V, D) table of vectors, one row per symbol (None: fewer than two
    of its tokens or pairs are in the vocabulary)."""
    index = {s: i for i, s in enumerate(symbols)}
    scored = token_class.scores(unit_rows(table), index, draws, np.random.default_rng(seed))
    if scored is None:
        return None
    size, observed, chance = scored
    as_high = int(np.sum(chance >= observed - TIE))
    return Grouping(token_class.name, size, float(observed), float(chance.mean()), as_high, draws)
# ~/~ end

# ---- the classes -----------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-equally-rare>>[init]
def equally_rare(members, pool, counts: dict[str, int] | None, per_member: int = 4,
                 least: int = 20) -> tuple[str, ...]:
    """The tokens of pool whose training counts are nearest, in log(1 + count), to the median
    of the members' (at least `least` of them, or per_member for each member): the pool of
    random groups as rare as the class. Without counts, the whole pool."""
    if counts is None:
        return tuple(pool)
    typical = np.median([np.log1p(counts.get(m, 0)) for m in members])
    size = min(len(pool), max(least, per_member * len(members)))
    distance = np.abs(np.log1p([counts.get(t, 0) for t in pool]) - typical)
    return tuple(pool[i] for i in np.argsort(distance, kind="stable")[:size])
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-character-classes>>[init]
VOWELS, PUNCTUATION = "aeiou", ".,;:!?"


def character_classes(symbols: list[str],
                      counts: dict[str, int] | None = None) -> list[Group | Pairs]:
    """The vowels among the lower-case letters; each letter with its capital; the digits and
    the punctuation among all characters but the boundary and the unknown symbol: each group
    against random groups of equally rare tokens of its pool."""
    letters = tuple(c for c in string.ascii_lowercase if c in symbols)
    characters = tuple(s for s in symbols if s not in (BOUNDARY, UNK))
    return [Group("vowels", tuple(VOWELS), equally_rare(VOWELS, letters, counts)),
            Pairs("letter and capital", tuple((c, c.upper()) for c in letters)),
            Group("digits", tuple(string.digits), equally_rare(string.digits, characters, counts)),
            Group("punctuation", tuple(PUNCTUATION),
                  equally_rare(PUNCTUATION, characters, counts))]
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-word-classes>>[init]
WORD_CLASSES = {
    "pronouns": ("i", "you", "he", "she", "we", "they", "thou", "thee"),
    "numbers": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    "titles": ("king", "queen", "lord", "lady", "duke", "prince", "sir", "madam"),
}


def word_classes(pool: list[str], counts: dict[str, int] | None = None) -> list[Group]:
    """The classes of WORD_CLASSES, each against random groups of equally rare words of pool."""
    return [Group(name, words, equally_rare(words, pool, counts))
            for name, words in WORD_CLASSES.items()]


def token_counts(data: Data) -> dict[str, int]:
    """How often each token of the vocabulary occurs in the training split."""
    ids = np.concatenate([data.vocab.encode(s) for s in data.train])
    return dict(zip(data.vocab.symbols, np.bincount(ids, minlength=data.vocab.size).tolist(),
                    strict=True))


def frequent_tokens(data: Data, n: int) -> list[str]:
    """The n tokens seen most often in training, most frequent first (neither the boundary
    nor the unknown token)."""
    counts = token_counts(data)
    ranked = sorted((t for t in counts if t not in (BOUNDARY, UNK) and counts[t] > 0),
                    key=lambda t: -counts[t])  # a stable sort: ties keep the vocabulary's order
    return ranked[:n]
# ~/~ end

# ---- trained against untrained ---------------------------------------------------------------

# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-token-tables>>[init]
def token_tables(model: MLPLanguageModel) -> dict[str, np.ndarray]:
    """Copies of the model's token vectors: "input", C (V, D); "output", W_out^T (V, H_L)."""
    return {"input": model.embedding.weight.data.astype(np.float64),
            "output": model.output.weight.data.T.astype(np.float64)}


@dataclass
class TrainedTables:
    """A network's token vectors at step 0 and after training, with its validation loss at
    both (nats) and the step of its best parameters."""

    symbols: list[str]
    before: dict[str, np.ndarray]
    after: dict[str, np.ndarray]
    valid_before: float
    valid_after: float
    best_step: int
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-trained-tables>>[init]
def untrained(data: Data, shape: ModelConfig, seed: int) -> MLPLanguageModel:
    """The network compare.train_neural starts from for this seed: the same draws, and the
    counts of the training windows for a unigram start of the output bias."""
    config = dataclasses.replace(shape, vocab_size=data.vocab.size, seed=seed)
    windows, _ = training_windows(data, config.context)
    return MLPLanguageModel(config, data.vocab, target_counts(windows, data.vocab.size))


def trained_tables(data: Data, shape: ModelConfig, settings: TrainConfig,
                   seed: int = 0) -> TrainedTables:
    """Chapter 3.7's network of this shape, settings and seed, trained by its train_neural; its
    token vectors before and after, and its validation loss at both."""
    start = untrained(data, shape, seed)
    valid = training_windows(data, shape.context)[1]
    fitted = compare.train_neural(data, shape, settings, seed)
    return TrainedTables(list(data.vocab.symbols), token_tables(start), token_tables(fitted.model),
                         start.mean_loss(valid), fitted.model.mean_loss(valid),
                         fitted.settings["best_step"])
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-push-ratio>>[init]
def push_ratio(before: np.ndarray, after: np.ndarray, ids=None) -> float:
    """r = mean_i |m_i| / mean_i |e_i^0| over the rows i in ids (all rows if None): how far the
    centred rows moved, in units of their length at the start (m: the centred after - before)."""
    rows = slice(None) if ids is None else np.asarray(ids)
    moved = np.linalg.norm(centred(after - before)[rows], axis=1)
    start = np.linalg.norm(centred(before)[rows], axis=1)
    return float(moved.mean() / start.mean())
# ~/~ end

# ---- reporting -------------------------------------------------------------------------------

# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-report>>[init]
def shown(symbol: str) -> str:
    """A symbol as the tables show it: the boundary, the space and the unknown made visible."""
    return {BOUNDARY: "⏎", " ": "␣", UNK: "⟨unk⟩"}.get(symbol, symbol)


def cell(g: Grouping | None) -> str:
    return "—" if g is None else f"{g.statistic:+.2f} (p {g.p_value:.2g})"


def grouping_table(measured: dict[str, list[Grouping | None]]) -> str:
    """One row per table, one column per class: S of the class (p against chance)."""
    first = next(iter(measured.values()))
    names = [f"{g.name} ({g.size})" if g else "—" for g in first]
    lines = ["| table | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    lines += [f"| {label} | " + " | ".join(cell(g) for g in row) + " |"
              for label, row in measured.items()]
    return "\n".join(lines)


def neighbours_table(tables: dict[str, np.ndarray], symbols: list[str], queries: list[str],
                     k: int = 5, among=None) -> str:
    """One row per query token, one column per table: its k nearest neighbours (among the ids
    in `among`, if given) in order."""
    lines = ["| token | " + " | ".join(tables) + " |", "| --- |" + " --- |" * len(tables)]
    for token in queries:
        near = (nearest_neighbours(t, symbols, token, k, among) for t in tables.values())
        cells = [" ".join(f"`{shown(s)}`" for s, _ in found) for found in near]
        lines.append(f"| `{shown(token)}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-plot-plane>>[init]
def plot_plane(ax, table: np.ndarray, symbols: list[str], colours: dict[str, str]) -> None:
    """Each token written at its row of a (V, 2) table, in colours[token] (default "C0"), the
    unknown token left out; a cross at the table's centre; equal scales on both axes."""
    for (x, y), s in zip(table, symbols, strict=True):
        if s != UNK:
            ax.text(x, y, shown(s), color=colours.get(s, "C0"), ha="center", va="center",
                    fontsize=13)
    ax.plot(*table.mean(axis=0), "+", color="k", markersize=12)
    drawn = table[[i for i, s in enumerate(symbols) if s != UNK]]
    low, high = drawn.min(axis=0), drawn.max(axis=0)
    middle, half = (low + high) / 2, 0.6 * (high - low).max()   # a square, with a margin
    ax.set(xlim=(middle[0] - half, middle[0] + half), ylim=(middle[1] - half, middle[1] + half),
           xlabel="first number of the row", ylabel="second number of the row")
    ax.set_aspect("equal", adjustable="box")
# ~/~ end
# ~/~ end
