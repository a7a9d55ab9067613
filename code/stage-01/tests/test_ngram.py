# ~/~ begin <<docs/foundations/counting.md#code/stage-01/tests/test_ngram.py>>[init]
"""Tests of ngram.py: normalisation, hand-computed values, slow references, measures, errors."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import corpora
import lm
import ngram
from corpora import BOUNDARY, UNK, Vocabulary, WordVocabulary
from ngram import MLE, AddK, KneserNey, NgramError

TRAIN = ["anna\n", "hannah\n", "ann\n", "nathan\n", "hana\n", "nan\n", "thea\n"]
VOCAB = Vocabulary.from_sequences(TRAIN, min_count=2)          # \n, unk, a, e?, h, n, t


@pytest.fixture(scope="module")
def names_data():
    corpus = corpora.load_corpus("names")
    splits = corpora.split_corpus(corpus, seed=0)
    train = splits.train[:1500]
    return train, splits.valid[:200], Vocabulary.from_sequences(train)


CONTEXTS = ["", "a", "ann", "hannah", "zzzzzzzzzz", "ü€", "nn\nan", "qqq" + UNK]


# ~/~ begin <<docs/foundations/counting.md#test-ngram-sums>>[init]
# every conditional distribution is a distribution

@pytest.mark.parametrize("order", range(1, 9))
@pytest.mark.parametrize("make", [lambda n: KneserNey(n), lambda n: KneserNey(n, 0.7),
                                  lambda n: AddK(n, 1.0), lambda n: AddK(n, 0.01)],
                         ids=["kn-modified", "kn-0.7", "add-1", "add-0.01"])
def test_every_distribution_sums_to_one(names_data, order, make):
    train, _, vocab = names_data
    model = make(order).fit(train, vocab)
    seen = [s[:i] for s in train[:20] for i in range(len(s))]
    for context in CONTEXTS + seen:
        p = model.distribution(context)
        assert p.shape == (vocab.size,)
        assert abs(p.sum() - 1) < 1e-12, (context, p.sum())
        assert p.min() > 0                                     # UNK included


def test_mle_distributions_of_seen_contexts_sum_to_one(names_data):
    train, _, vocab = names_data
    for order in range(1, 9):
        model = MLE(order).fit(train, vocab)
        for s in train[:10]:
            for i in range(len(s)):
                assert abs(model.distribution(s[:i]).sum() - 1) < 1e-12
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-hand>>[init]
# Kneser–Ney by hand
#
# Training sequences "aab\n" and "ab\n", every character kept (min_count=1):
# ids \n=0, UNK=1, a=2, b=3, so V = 4. A bigram model with one discount d = 1/2.
# Bigrams (context, target), the context padded with \n at a sequence start:
#   (\n,a) (a,a) (a,b) (b,\n)  and  (\n,a) (a,b) (b,\n)
#   raw counts: (\n,a)=2, (a,a)=1, (a,b)=2, (b,\n)=2.
# Unigram level, continuation counts N1+(. w) = distinct characters seen before w:
#   a: {\n, a} -> 2;  b: {a} -> 1;  \n: {b} -> 1;  UNK: 0.   Total 4, three types.
#   gamma() = d * 3 = 3/2, and P0 = 1/4, so
#   P1(a) = (2 - 1/2 + 3/2 * 1/4) / 4 = 15/32,  P1(b) = P1(\n) = (1 - 1/2 + 3/8) / 4 = 7/32,
#   P1(UNK) = (3/8) / 4 = 3/32.                        (15 + 7 + 7 + 3 = 32)
# Bigram level, context "a": c(a) = 3, types a (1) and b (2), gamma(a) = d * 2 = 1:
#   P(a|a) = (1 - 1/2 + 15/32) / 3 = 31/96,   P(b|a) = (2 - 1/2 + 7/32) / 3 = 55/96,
#   P(\n|a) = (7/32) / 3 = 7/96,               P(UNK|a) = (3/32) / 3 = 3/96.
# Context "b": c(b) = 2, one type (\n, 2), gamma(b) = 1/2:
#   P(\n|b) = (2 - 1/2 + 1/2 * 7/32) / 2 = 103/128,  P(a|b) = (1/2 * 15/32) / 2 = 15/128.
# Context UNK (never seen): P(w|UNK) = P1(w).

def test_kneser_ney_matches_the_hand_computation():
    vocab = Vocabulary.from_sequences(["aab\n", "ab\n"], min_count=1)
    model = KneserNey(2, discount=0.5).fit(["aab\n", "ab\n"], vocab)
    assert vocab.symbols == [BOUNDARY, UNK, "a", "b"]
    np.testing.assert_allclose(model.distribution("a"), [7 / 96, 3 / 96, 31 / 96, 55 / 96],
                               rtol=1e-14)
    p_b = model.distribution("b")
    assert p_b[0] == pytest.approx(103 / 128, rel=1e-14)
    assert p_b[2] == pytest.approx(15 / 128, rel=1e-14)
    assert p_b[1] == pytest.approx((1 / 2 * 3 / 32) / 2, rel=1e-14)
    np.testing.assert_allclose(model.distribution("z"), [7 / 32, 3 / 32, 15 / 32, 7 / 32],
                               rtol=1e-14)                     # "z" is UNK: unseen context
    unigram = KneserNey(1, discount=0.5).fit(["aab\n", "ab\n"], vocab)
    # order 1 uses raw counts: \n 2, a 3, b 2 of 7; gamma = 3/2
    np.testing.assert_allclose(unigram.distribution("anything"),
                               [(1.5 + 1.5 / 4) / 7, (1.5 / 4) / 7, (2.5 + 1.5 / 4) / 7,
                                (1.5 + 1.5 / 4) / 7], rtol=1e-14)


def test_modified_discounts_by_hand():
    # n1 = 4, n2 = 2, n3 = 2, n4 = 1: Y = 4 / (4 + 4) = 1/2
    # D1 = 1 - 2 Y n2/n1 = 1/2,  D2 = 2 - 3 Y n3/n2 = 1/2,  D3+ = 3 - 4 Y n4/n3 = 2
    counts = np.array([1, 1, 1, 1, 2, 2, 3, 3, 4, 7])
    np.testing.assert_allclose(ngram.modified_discounts(counts), [0, 0.5, 0.5, 2.0])
    # n1 = 3, n2 = 2, n3 = 1, n4 = 2: Y = 3/7, D3+ = 3 - 4 (3/7) 2 = -3/7 < 0: falls back to Y
    counts = np.array([1, 1, 1, 2, 2, 3, 4, 4])
    np.testing.assert_allclose(ngram.modified_discounts(counts), [0, 3 / 7, 19 / 14, 3 / 7])
    np.testing.assert_allclose(ngram.modified_discounts(np.array([5, 9])), [0, .5, .5, .5])
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-references>>[init]
# slow references, written straight from the formulas with dictionaries

def grams_of(train, vocab, order):
    """Counter of every m-gram (tuple of ids, m = 1..order) at every predicted position."""
    grams = Counter()
    for s in train:
        ids = [0] * (order - 1) + vocab.encode(s).tolist()
        for t in range(order - 1, len(ids)):
            for m in range(1, order + 1):
                grams[tuple(ids[t - m + 1 : t + 1])] += 1
    return grams


def reference_kneser_ney(train, vocab, order, discount=None):
    grams, V = grams_of(train, vocab, order), vocab.size
    levels = {order: {g: c for g, c in grams.items() if len(g) == order}}
    for m in range(1, order):
        levels[m] = Counter(g[1:] for g in grams if len(g) == m + 1)     # N1+(. g)
    D = {m: ngram.modified_discounts(np.array(list(c.values()))) if discount is None
         else [0] + [discount] * 3 for m, c in levels.items()}

    def p(w, h):
        m = len(h) + 1
        lower = 1 / V if m == 1 else p(w, h[1:])
        following = {g[-1]: c for g, c in levels[m].items() if g[:-1] == h}
        total = sum(following.values())
        if total == 0:
            return lower
        gamma = sum(D[m][min(c, 3)] for c in following.values())
        c = following.get(w, 0)
        return (c - D[m][min(c, 3)] + gamma * lower) / total
    return p


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("discount", [None, 0.3])
def test_kneser_ney_equals_a_slow_reference(order, discount):
    model = KneserNey(order, discount).fit(TRAIN, VOCAB)
    p = reference_kneser_ney(TRAIN, VOCAB, order, discount)
    for context in ["", "a", "an", "han", "nna", "xyz", "th", "e\n"]:
        padded = ("\n" * order + context)[-(order - 1):]
        h = tuple(VOCAB.encode(padded).tolist()) if order > 1 else ()
        expected = [p(w, h) for w in range(VOCAB.size)]
        np.testing.assert_allclose(model.distribution(context), expected, rtol=1e-12)


@given(st.lists(st.text(alphabet="abc\n", min_size=1, max_size=15), min_size=1, max_size=5),
       st.integers(1, 4), st.text(alphabet="abcd\n", max_size=5))
@settings(deadline=None, max_examples=40)
def test_kneser_ney_equals_the_reference_on_random_corpora(train, order, context):
    vocab = Vocabulary.from_sequences(train, min_count=2)          # often with UNK in training
    if sum(map(len, train)) < order:
        return
    model = KneserNey(order).fit(train, vocab)
    p = reference_kneser_ney(train, vocab, order)
    h = tuple(vocab.encode(("\n" * order + context)[-(order - 1):]).tolist()) if order > 1 else ()
    got = model.distribution(context)
    np.testing.assert_allclose(got, [p(w, h) for w in range(vocab.size)], rtol=1e-12)
    assert abs(got.sum() - 1) < 1e-12


def test_mle_equals_count_ratios():
    grams = grams_of(TRAIN, VOCAB, 3)
    model = MLE(3).fit(TRAIN, VOCAB)
    for context in ["an", "\nh", "nn", "a\n"[:1] + "n"]:
        h = tuple(VOCAB.encode(context).tolist())
        total = sum(c for g, c in grams.items() if len(g) == 3 and g[:2] == h)
        expected = [grams[h + (w,)] / total for w in range(VOCAB.size)]
        np.testing.assert_allclose(model.distribution(context), expected, rtol=1e-14)
    with pytest.raises(NgramError, match="never occurs"):
        model.distribution("zz")
    assert model.token_log_probs(["zz\n"])[0] == -math.inf       # log 0, no warning


def test_add_k_equals_its_formula():
    grams, V, k = grams_of(TRAIN, VOCAB, 2), VOCAB.size, 0.3
    model = AddK(2, k).fit(TRAIN, VOCAB)
    for context in ["a", "n", "h", "\n", "q"]:
        h = tuple(VOCAB.encode(context).tolist())
        total = sum(c for g, c in grams.items() if len(g) == 2 and g[:1] == h)
        expected = [(grams[h + (w,)] + k) / (total + k * V) for w in range(V)]
        np.testing.assert_allclose(model.distribution(context), expected, rtol=1e-14)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-words>>[init]
# words

WORD_TRAIN = ["the king is dead, long live the king\n", "the queen is here\n",
              "long live the queen!\n", "is the king here?\n", "the fool is dead\n"]


@pytest.mark.parametrize("order", [1, 2, 3])
def test_kneser_ney_on_words_equals_the_slow_reference(order):
    vocab = WordVocabulary.from_sequences(WORD_TRAIN, min_count=2)  # ",", "!", ... are UNK
    model = KneserNey(order).fit(WORD_TRAIN, vocab)
    p = reference_kneser_ney(WORD_TRAIN, vocab, order)
    for context in ["", "the", "long live the", "the jester is", "king\nis the"]:
        ids = [0] * order + vocab.encode(context).tolist()
        h = tuple(ids[len(ids) - (order - 1):]) if order > 1 else ()
        expected = [p(w, h) for w in range(vocab.size)]
        np.testing.assert_allclose(model.distribution(context), expected, rtol=1e-12)
    text = "the jester is here, long live the king!\n"
    assert len(model.token_log_probs([text])) == len(corpora.word_tokens(text)) == 11
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-scoring>>[init]
# scoring text

@pytest.mark.parametrize("model", [KneserNey(3), AddK(2, 0.5), KneserNey(5, 0.8)],
                         ids=repr)
def test_token_log_probs_agree_with_the_distributions(model):
    model.fit(TRAIN, VOCAB)
    text = ["hannah\n", "zanna\n", "t"]
    expected = [math.log(model.distribution(s[:i])[VOCAB.index.get(s[i], 1)])
                for s in text for i in range(len(s))]
    got = model.token_log_probs(text)
    assert got.dtype == np.float64 and got.shape == (sum(map(len, text)),)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert model.log_prob("hannah\n") == pytest.approx(sum(expected[:7]), rel=1e-12)


def test_next_log_probs_is_the_log_of_the_distribution():
    model = KneserNey(3).fit(TRAIN, VOCAB)
    for context in ["", "h", "han", "zz"]:
        np.testing.assert_allclose(np.exp(model.next_log_probs(VOCAB.encode(context))),
                                   model.distribution(context), rtol=1e-12)
    np.testing.assert_allclose(model.next_log_probs(VOCAB.encode("xhan")),
                               model.next_log_probs(VOCAB.encode("han")), rtol=0)


def test_unigram_model_of_uniform_data_scores_log2_V():
    text = ["abcd" * 50]
    vocab = Vocabulary.from_sequences(text, min_count=1)
    model = AddK(1, 1e-9).fit(text, vocab)
    assert lm.bits_per_token(model.token_log_probs(text)) == pytest.approx(2.0, abs=1e-6)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-sampling>>[init]
# sampling

def test_sampling_is_seeded_and_never_draws_unk(names_data):
    train, _, vocab = names_data
    model = KneserNey(3).fit(train, vocab)
    a = [model.sample(20, seed=s, stop_at_boundary=True) for s in range(30)]
    assert a == [model.sample(20, seed=s, stop_at_boundary=True) for s in range(30)]
    assert len(set(a)) > 20 and all(BOUNDARY not in x and UNK not in x for x in a)
    long = model.sample(300, seed=1)
    assert len(long) == 300 and UNK not in long
    rng = np.random.default_rng(5)
    assert model.sample(10, seed=rng) != model.sample(10, seed=rng)   # a Generator advances


def test_temperature_zero_is_greedy():
    model = KneserNey(3).fit(TRAIN, VOCAB)
    text = model.sample(12, temperature=0, prompt="ha")
    context = "ha"
    for ch in text:
        p = model.distribution(context)
        p[1] = 0
        assert VOCAB.index[ch] == int(np.argmax(p))
        context += ch
    assert text == model.sample(12, temperature=0, prompt="ha", seed=99)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-tuning>>[init]
# tuning on the validation split

def test_tune_returns_the_best_row_and_a_fitted_model(names_data):
    train, valid, vocab = names_data
    best, table = ngram.tune("addk", train, valid, vocab, orders=[1, 2, 3], params=[1.0, 0.1])
    assert len(table) == 6 and {r["kind"] for r in table} == {"addk"}
    row = min(table, key=lambda r: r["valid_bpc"])
    assert (best.order, best.k) == (row["order"], row["param"])
    assert lm.bits_per_token(best.token_log_probs(valid)) == pytest.approx(row["valid_bpc"])
    best_kn, table_kn = ngram.tune("kn", train, valid, vocab, orders=range(1, 5))
    assert [r["order"] for r in table_kn] == [1, 2, 3, 4]
    assert isinstance(best_kn, KneserNey) and best_kn.discount is None
    assert min(r["valid_bpc"] for r in table_kn) < row["valid_bpc"]   # KN beats add-k here
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-ngram-errors>>[init]
# bad settings and bad data: one clear error each

@pytest.mark.parametrize("make, message", [
    (lambda: KneserNey(0), "order"), (lambda: AddK(-1, 1.0), "order"),
    (lambda: AddK(2.5, 1.0), "order"), (lambda: MLE(0), "order"),
    (lambda: AddK(2, 0), "k must"), (lambda: AddK(2, -0.5), "k must"),
    (lambda: AddK(2, float("nan")), "k must"), (lambda: AddK(2, "1"), "k must"),
    (lambda: KneserNey(2, 0), "discount"), (lambda: KneserNey(2, 1), "discount"),
    (lambda: KneserNey(2, 1.5), "discount"), (lambda: KneserNey(2, -0.2), "discount"),
    (lambda: ngram.make_model("witten-bell", 2), "unknown model kind"),
])
def test_bad_settings(make, message):
    with pytest.raises(NgramError, match=message):
        make()


def test_text_shorter_than_the_order(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("abc")
    corpus = corpora.load_corpus(str(path))
    vocab = Vocabulary.from_sequences(corpus.sequences, min_count=1)
    with pytest.raises(NgramError, match="3 tokens, fewer than the order 5"):
        KneserNey(5).fit(corpus.sequences, vocab)


def test_unfitted_model_and_too_large_codes():
    with pytest.raises(NgramError, match="not fitted"):
        KneserNey(2).distribution("a")
    huge = Vocabulary([BOUNDARY, UNK] + [chr(0x4E00 + i) for i in range(2000)], min_count=1)
    with pytest.raises(NgramError, match="64-bit"):
        KneserNey(6).fit(["一丁"], huge)


def test_ngram_errors_are_value_errors():
    assert issubclass(NgramError, ValueError)


@pytest.mark.parametrize("V, expected", [(2, 62), (27, 13), (85, 9), (3_977, 5), (11_370, 4),
                                         (2**21, 2), (3_037_000_500, 1)])  # (2**21)**3 = 2**63
def test_highest_order_is_the_last_whose_codes_fit_in_64_bits(V, expected):
    n = ngram.highest_order(V)
    assert n == expected and V**n <= 2**63 - 1 < V ** (n + 1)
    ngram.check_code_range(V, n)
    with pytest.raises(NgramError, match=f"the highest order for {V} symbols is {n}"):
        ngram.check_code_range(V, n + 1)
# ~/~ end
# ~/~ end
