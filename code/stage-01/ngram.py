# ~/~ begin <<docs/foundations/counting.md#code/stage-01/ngram.py>>[init]
"""n-gram language models by counting: MLE, add-k and interpolated Kneser–Ney, of any tokens.

Each answers the model contract of lm.py (token_log_probs, next_log_probs), so the book's one
evaluation and one sampler serve them as they serve the network.

Tangled from docs/foundations/counting.md (Foundation A: the counting baseline). This file is
generated: edit the chapter and run `make tangle`, or edit here and run `make stitch`.
References: Kneser and Ney (1995); modified discounts after Chen and Goodman (1999).
"""

from __future__ import annotations

import math

import numpy as np

import lm
from corpora import BOUNDARY, Vocabulary, pad_history, padded_ids
from lm import bits_per_token

# ~/~ begin <<docs/foundations/counting.md#ngram-checks>>[init]
class NgramError(ValueError):
    """Bad settings or data for an n-gram model; the message says what and how to fix it."""


def check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 1:
        raise NgramError(f"order must be a whole number >= 1 (1 = unigram), not {order!r}")
    return int(order)


def as_number(x) -> float:
    """float(x), or NaN (which fails every range check) for what is not a number."""
    try:
        return float(x) if not isinstance(x, (bool, str)) else math.nan
    except (TypeError, ValueError):
        return math.nan
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-log>>[init]
def log(p: np.ndarray) -> np.ndarray:
    """Natural log, with ln 0 = -inf silently (the honest score of an impossible event)."""
    with np.errstate(divide="ignore"):
        return np.log(p)
# ~/~ end


# n-grams as integer codes, and counting them

# ~/~ begin <<docs/foundations/counting.md#ngram-codes>>[init]
def gram_codes(ids: np.ndarray, targets: np.ndarray, V: int, order: int):
    """Yield, for m = 1..order, the m-grams ending at each target position as base-V numbers.

    The oldest token is the most significant digit, so for an m-gram code g:
    g // V is its context, g % V its last token, g % V**(m-1) the (m-1)-gram it ends with.
    """
    codes = ids[targets]                                                 # unigrams
    yield codes
    for m in range(2, order + 1):
        codes = codes + ids[targets - (m - 1)] * V ** (m - 1)            # one older token
        yield codes


def highest_order(V: int) -> int:
    """The largest order n whose codes fit in 64 bits: V**n <= 2**63 - 1."""
    n = 1
    while V ** (n + 1) <= np.iinfo(np.int64).max:
        n += 1
    return n


def check_code_range(V: int, order: int) -> None:
    if order > highest_order(V):
        raise NgramError(f"{V} symbols to the power {order} does not fit in a 64-bit code: "
                         f"the highest order for {V} symbols is {highest_order(V)}; use a lower "
                         "order, or a larger min_count for a smaller vocabulary")


def codes_of_order(ids: np.ndarray, targets: np.ndarray, V: int, order: int) -> np.ndarray:
    """The codes of the order-grams ending at the targets (the last array gram_codes yields);
    an NgramError if they would not fit in 64 bits."""
    check_code_range(V, check_order(order))
    *_, codes = gram_codes(ids, targets, V, order)
    return codes
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-lookup>>[init]
def find(keys: np.ndarray, queries: np.ndarray, order: np.ndarray | None = None):
    """(where, found): keys[where[i]] == queries[i] where found[i] (keys sorted, unique, not empty).

    order = np.argsort(queries), or of anything that sorts the same way, if already known.
    """
    order = np.argsort(queries) if order is None else order
    where = np.empty(len(queries), dtype=np.int64)
    where[order] = np.searchsorted(keys, queries[order])
    where = np.minimum(where, len(keys) - 1)
    return where, keys[where] == queries


def lookup(keys: np.ndarray, values: np.ndarray, queries: np.ndarray, order=None) -> np.ndarray:
    """values[j] where keys[j] == query, 0 where a query is absent."""
    if len(keys) == 0:
        return np.zeros(len(queries), dtype=values.dtype)
    where, found = find(keys, queries, order)
    return np.where(found, values[where], 0)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-context-table>>[init]
def context_table(grams: np.ndarray, counts: np.ndarray, V: int):
    """(contexts, totals, n1, n2, n3plus) for sorted m-gram codes and their counts."""
    contexts, start = np.unique(grams // V, return_index=True)  # grams sorted: contexts contiguous
    if len(grams) == 0:
        return (contexts,) + tuple(np.zeros(0, dtype=np.int64) for _ in range(4))

    def per_context(x):
        return np.add.reduceat(x.astype(np.int64), start)

    return (contexts, per_context(counts), per_context(counts == 1),
            per_context(counts == 2), per_context(counts >= 3))
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-counts>>[init]
class NgramCounts:
    """How often every m-gram (m = 1..max_order) occurs in the training sequences.

    raw[m] = (grams, counts): sorted unique m-gram codes and how often each occurs;
    continuation[m] (m < max_order) = (grams, N1+(. g)): how many distinct tokens precede g.
    """

    def __init__(self, sequences: list[str], vocab: Vocabulary, max_order: int):
        self.max_order, self.vocab, self.V = check_order(max_order), vocab, vocab.size
        check_code_range(self.V, self.max_order)
        ids, targets = padded_ids(sequences, vocab, self.max_order - 1)
        self.num_tokens = len(targets)
        if self.num_tokens < self.max_order:
            raise NgramError(f"the training text has {self.num_tokens} tokens, fewer than "
                             f"the order {self.max_order}; give more text or a lower order")
        self.raw = {m: np.unique(codes, return_counts=True)
                    for m, codes in enumerate(gram_codes(ids, targets, self.V, max_order), 1)}
        self.continuation = {
            m: np.unique(self.raw[m + 1][0] % self.V**m, return_counts=True)
            for m in range(1, self.max_order)
        }
        self._tables = {}

    # ~/~ begin <<docs/foundations/counting.md#ngram-counts-level>>[init]
    def level(self, m: int, continuation: bool):
        """(grams, counts, contexts, totals, n1, n2, n3plus) of order m, made once and kept."""
        key = (m, continuation)
        if key not in self._tables:
            grams, counts = self.continuation[m] if continuation else self.raw[m]
            self._tables[key] = (grams, counts) + context_table(grams, counts, self.V)
        return self._tables[key]
    # ~/~ end
# ~/~ end


# what every n-gram model does with its probabilities

# ~/~ begin <<docs/foundations/counting.md#ngram-model-base>>[init]
class NgramModel:
    """An order-n model: P(next token | the n-1 tokens before it)."""

    order: int
    vocab: Vocabulary | None = None

    def fit(self, sequences: list[str], vocab: Vocabulary):
        """Count the training sequences (order n and below) and prepare the probabilities."""
        return self.use_counts(NgramCounts(sequences, vocab, self.order))

    def use_counts(self, counts: NgramCounts):
        """Take counts made for this order or a higher one (tune shares one set of counts)."""
        if counts.max_order < self.order:
            raise NgramError(f"counts go up to order {counts.max_order}, "
                             f"the model needs {self.order}")
        self.vocab, self.V = counts.vocab, counts.V
        self._prepare(counts)
        return self

    def _check_fitted(self):
        if self.vocab is None:
            raise NgramError("the model is not fitted yet: call .fit(train_sequences, vocab)")

    # ~/~ begin <<docs/foundations/counting.md#ngram-model-scoring>>[init]
    def token_log_probs(self, sequences: list[str]) -> np.ndarray:
        """ln P of every token of every sequence, in the order of the windows (the contract)."""
        self._check_fitted()
        ids, targets = padded_ids(sequences, self.vocab, self.order - 1)
        return self.log_probs_of_codes(list(gram_codes(ids, targets, self.V, self.order)))

    def log_probs_of_codes(self, codes: list[np.ndarray]) -> np.ndarray:
        """ln P for queries given as their m-gram codes, m = 1..(at least) order."""
        return log(self._probs(codes[: self.order]))

    def log_prob(self, text: str) -> float:
        """ln P(text), text read as one sequence: the sum of its tokens' log-probabilities."""
        return float(self.token_log_probs([text]).sum())
    # ~/~ end

    # ~/~ begin <<docs/foundations/counting.md#ngram-model-next>>[init]
    def next_log_probs(self, history: np.ndarray) -> np.ndarray:
        """ln P(w | history) for every symbol w: shape (V,) (the contract)."""
        return log(self.next_probs(history))

    def next_probs(self, history: np.ndarray) -> np.ndarray:
        """P(w | last n-1 ids of history, BOUNDARY-padded) for every symbol w: (V,), sums to 1."""
        self._check_fitted()
        K = self.order - 1
        context = pad_history(history, K)                  # (K,)
        codes, context_code = [], 0
        for m in range(1, self.order + 1):                 # the m-grams (last m-1 ids, w)
            if m > 1:
                context_code += int(context[K - (m - 1)]) * self.V ** (m - 2)
            codes.append(context_code * self.V + np.arange(self.V, dtype=np.int64))
        return self._probs(codes)

    def distribution(self, context: str) -> np.ndarray:
        """P(w | context) for every symbol w: next_probs of the ids of the text context."""
        self._check_fitted()
        return self.next_probs(self.vocab.encode(context))
    # ~/~ end

    # ~/~ begin <<docs/foundations/counting.md#ngram-model-sample>>[init]
    def sample(self, length: int = 200, temperature: float = 1.0, seed=0, prompt: str = "",
               stop_at_boundary: bool = False) -> str:
        """Up to `length` tokens after `prompt` (not included), from the one sampler of the
        book, lm.sample; with stop_at_boundary, the first item only, without its BOUNDARY."""
        self._check_fitted()
        text = lm.sample(self, length, prompt, temperature, seed=seed, lines=stop_at_boundary)
        return text.split(BOUNDARY)[0] if stop_at_boundary else text
    # ~/~ end
# ~/~ end


# add-k, and the maximum-likelihood estimate

# ~/~ begin <<docs/foundations/counting.md#ngram-addk>>[init]
class AddK(NgramModel):
    """P(w | h) = (c(hw) + k) / (c(h) + k V): every count raised by k."""

    def __init__(self, order: int, k: float = 1.0):
        self.order = check_order(order)
        if not 0 < as_number(k) < math.inf:
            raise NgramError(f"k must be a positive number (e.g. 1 for Laplace, 0.01), not {k!r}; "
                             "for k = 0 use MLE")
        self.k = float(k)

    def _prepare(self, counts: NgramCounts):
        self.grams, self.counts, self.contexts, self.totals = counts.level(self.order, False)[:4]

    def lookup_counts(self, codes):
        """c(hw) and c(h) for queries given by their m-gram codes."""
        q = codes[self.order - 1]
        order = np.argsort(q)
        return (lookup(self.grams, self.counts, q, order),
                lookup(self.contexts, self.totals, q // self.V, order))

    def smooth(self, c, total):
        return (c + self.k) / (total + self.k * self.V)

    def _probs(self, codes):
        return self.smooth(*self.lookup_counts(codes))

    def __repr__(self):
        return f"AddK(order={self.order}, k={self.k:g})"
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-mle>>[init]
class MLE(AddK):
    """P(w | h) = c(hw) / c(h): normalised counts; zero for an unseen pair, undefined for an
    unseen context (distribution raises; token_log_probs gives -inf)."""

    def __init__(self, order: int):
        self.order, self.k = check_order(order), 0.0

    def smooth(self, c, total):
        return c / np.maximum(total, 1)                    # 0 where the context is unseen

    def distribution(self, context: str) -> np.ndarray:
        p = super().distribution(context)
        if p.sum() == 0:
            raise NgramError(f"context {context[-(self.order - 1):]!r} never occurs in training: "
                             "its MLE is undefined (0/0); use AddK or KneserNey")
        return p

    def __repr__(self):
        return f"MLE(order={self.order})"
# ~/~ end


# interpolated Kneser–Ney

# ~/~ begin <<docs/foundations/counting.md#ngram-discounts>>[init]
def modified_discounts(counts: np.ndarray) -> np.ndarray:
    """[0, D1, D2, D3+] from counts of counts n_r (Chen and Goodman, 1999):
    Y = n1 / (n1 + 2 n2),  D_r = r - (r + 1) Y n_{r+1} / n_r.
    Where the formula breaks down (a tiny corpus: some n_r = 0, or D_r outside (0, r]), D_r = Y."""
    n = [0] + [int(np.count_nonzero(counts == r)) for r in (1, 2, 3, 4)]
    Y = n[1] / (n[1] + 2 * n[2]) if n[1] > 0 and n[2] > 0 else 0.5
    D = [0.0]
    for r in (1, 2, 3):
        d = r - (r + 1) * Y * n[r + 1] / n[r] if n[r] > 0 else Y
        D.append(d if 0 < d <= r else Y)
    return np.array(D)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-kn>>[init]
class KneserNey(NgramModel):
    """Interpolated Kneser–Ney. For the order-m level with counts c (raw at the top order,
    continuation counts N1+(. h w) below it):

        P_m(w | h) = (c(hw) - D(c(hw)) + gamma(h) P_{m-1}(w | h')) / c(h),
        gamma(h)   = D1 N1(h .) + D2 N2(h .) + D3+ N3+(h .),

    h' = h without its oldest token, P_0 = 1/V, and P_m = P_{m-1} when c(h) = 0.
    discount=None: three discounts per order from counts of counts (modified KN);
    a number d in (0, 1): that one discount everywhere.
    """

    def __init__(self, order: int, discount: float | None = None):
        self.order = check_order(order)
        if discount is not None:
            if not 0 < as_number(discount) < 1:
                raise NgramError(f"discount must be a number strictly between 0 and 1, or None "
                                 f"to estimate it from the counts; not {discount!r}")
            discount = float(discount)
        self.discount = discount

    # ~/~ begin <<docs/foundations/counting.md#ngram-kn-prepare>>[init]
    def _prepare(self, counts: NgramCounts):
        self.levels = [counts.level(m, m < self.order) for m in range(1, self.order + 1)]
        if self.discount is None:
            self.D = [modified_discounts(level[1]) for level in self.levels]
        else:
            self.D = [np.array([0.0] + [self.discount] * 3)] * self.order

    def discounts(self) -> np.ndarray:
        """(order, 3) array: D1, D2, D3+ of each level, unigrams first."""
        self._check_fitted()
        return np.array([D[1:] for D in self.D])
    # ~/~ end

    # ~/~ begin <<docs/foundations/counting.md#ngram-kn-probs>>[init]
    def level_lookups(self, codes, cache: dict | None = None) -> list:
        """Per level: (c(hw), c(h), N1(h.), N2(h.), N3+(h.)) of every query (0 where unseen).

        They do not depend on the discounts, and a continuation level is the same for every
        model order above it: `cache`, a dict, shares them between models scored on one text.
        """
        cache = {} if cache is None else cache
        levels = zip(self.levels, codes, strict=False)  # codes may go beyond this model's order
        for m, ((grams, c, contexts, *per_context), q) in enumerate(levels, 1):
            if (m, m < self.order) not in cache:
                order = np.argsort(q)                      # sorts the contexts q // V as well
                count = lookup(grams, c, q, order)
                where, found = find(contexts, q // self.V, order)
                cache[m, m < self.order] = [count] + [np.where(found, x[where], 0)
                                                      for x in per_context]
        return [cache[m, m < self.order] for m in range(1, self.order + 1)]

    def interpolate(self, looked_up: list) -> np.ndarray:
        """The recursion from P_0 = 1/V up to the top order, for all queries at once."""
        p = np.full(len(looked_up[0][0]), 1.0 / self.V)    # P_0: uniform over the vocabulary
        for D, (count, total, n1, n2, n3) in zip(self.D, looked_up, strict=True):
            gamma = D[1] * n1 + D[2] * n2 + D[3] * n3
            discounted = count - D[np.minimum(count, 3)]
            p = np.where(total > 0, (discounted + gamma * p) / np.maximum(total, 1), p)
        return p

    def _probs(self, codes):
        return self.interpolate(self.level_lookups(codes))

    def __repr__(self):
        d = "modified" if self.discount is None else f"{self.discount:g}"
        return f"KneserNey(order={self.order}, discount={d})"
    # ~/~ end
# ~/~ end


# choosing order and smoothing on the validation split (never on test)

# ~/~ begin <<docs/foundations/counting.md#ngram-tune>>[init]
K_GRID = (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)


def make_model(kind: str, order: int, param=None) -> NgramModel:
    """'addk' (param k), 'kn' (param discount, None = estimated) or 'mle'."""
    kinds = {"addk": AddK, "add-k": AddK, "kn": KneserNey, "kneser-ney": KneserNey, "mle": MLE}
    if kind not in kinds:
        raise NgramError(f"unknown model kind {kind!r}; choose one of 'addk', 'kn', 'mle'")
    cls = kinds[kind]
    return cls(order) if cls is MLE else cls(order, param) if param is not None else cls(order)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#ngram-tune-loop>>[init]
def tune(kind: str, train: list[str], valid: list[str], vocab: Vocabulary,
         orders=range(1, 9), params=None, counts: NgramCounts | None = None):
    """Fit every (order, param) on train, score it on valid; return (best model, table).

    params: the k values for 'addk' (default K_GRID); the discounts for 'kn' (default
    (None,): the modified discounts estimated from the counts). The table is a list of rows
    {"kind", "order", "param", "valid_bpc"}; the best model has the lowest valid_bpc (bits per
    token: per character, or per word with a vocabulary of words).
    counts: NgramCounts of train, if already made (they are reused, not checked against train).
    """
    orders = [check_order(o) for o in orders]
    if params is None:
        params = K_GRID if kind in ("addk", "add-k") else (None,)
    if counts is None or counts.max_order < max(orders) or counts.vocab != vocab:
        counts = NgramCounts(train, vocab, max(orders))         # one count serves every model
    ids, targets = padded_ids(valid, vocab, max(orders) - 1)
    codes = list(gram_codes(ids, targets, vocab.size, max(orders)))
    table, best, best_bpc, cache = [], None, math.inf, {}
    for order in orders:
        models = [make_model(kind, order, param).use_counts(counts) for param in params]
        if isinstance(models[0], AddK):       # c(hw), c(h) do not depend on k: look up once
            c, total = models[0].lookup_counts(codes)
            scores = [bits_per_token(log(m.smooth(c, total))) for m in models]
        else:                                 # nor do KN's lookups depend on the discounts
            looked_up = models[0].level_lookups(codes, cache)
            scores = [bits_per_token(log(m.interpolate(looked_up))) for m in models]
        for param, model, bpc in zip(params, models, scores, strict=True):
            table.append({"kind": kind, "order": order, "param": param, "valid_bpc": bpc})
            if bpc < best_bpc:
                best, best_bpc = model, bpc
    return best, table
# ~/~ end
# ~/~ end
