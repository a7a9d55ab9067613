# ~/~ begin <<docs/foundations/counting.md#code/stage-01/tests/test_lm.py>>[init]
"""Tests of lm.py: the measures, evaluation and the one sampler, on models the tests write."""

import math

import numpy as np
import pytest

import lm
from corpora import BOUNDARY_ID, UNK, UNK_ID, Vocabulary, WordVocabulary

VOCAB = Vocabulary.from_sequences(["abc\n", "abc\n"])        # \n, unk, a, b, c


# ~/~ begin <<docs/foundations/counting.md#test-lm-measures>>[init]
class Uniform:
    """A model of the contract that knows nothing: every token 1/V, whatever the history."""

    def __init__(self, vocab):
        self.vocab = vocab

    def token_log_probs(self, sequences):
        n = sum(len(self.vocab.encode(s)) for s in sequences)
        return np.full(n, -math.log(self.vocab.size))

    def next_log_probs(self, history):
        return np.full(self.vocab.size, -math.log(self.vocab.size))


def test_bits_nats_and_perplexity():
    assert lm.nats_to_bits(math.log(2)) == pytest.approx(1.0, rel=1e-15)
    assert lm.bits_to_nats(lm.nats_to_bits(1.7)) == pytest.approx(1.7, rel=1e-15)
    uniform = np.full(1000, -math.log(27))                     # a uniform guess over 27 symbols
    assert lm.nats_per_token(uniform) == pytest.approx(math.log(27), rel=1e-14)
    assert lm.bits_per_token(uniform) == pytest.approx(math.log2(27), rel=1e-14)
    assert lm.perplexity(uniform) == pytest.approx(27, rel=1e-13)
    lp = np.log([0.5, 0.25, 0.125])                            # 1, 2, 3 bits
    assert lm.bits_per_token(lp) == pytest.approx(2.0, rel=1e-14)
    assert lm.perplexity(lp) == pytest.approx(2 ** lm.bits_per_token(lp), rel=1e-14)


def test_evaluate_reports_the_three_measures_and_the_tokens():
    scores = lm.evaluate(Uniform(VOCAB), ["abc\n", "b\n"])
    assert scores["tokens"] == 6 and scores["perplexity"] == pytest.approx(VOCAB.size)
    assert scores["loss_nats"] == pytest.approx(math.log(VOCAB.size), rel=1e-14)
    assert scores["bits"] == pytest.approx(math.log2(VOCAB.size), rel=1e-14)
    with pytest.raises(lm.RequestError, match="nothing to evaluate"):
        lm.evaluate(Uniform(VOCAB), [])
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-lm-sampling>>[init]
class Scripted:
    """A model of the contract that records every history it is asked about. It always says
    "a", except that after two tokens it says BOUNDARY, and it thinks UNK likelier still."""

    def __init__(self, vocab):
        self.vocab, self.asked = vocab, []

    def token_log_probs(self, sequences):
        raise NotImplementedError

    def next_log_probs(self, history):
        self.asked.append(list(history))
        p = np.full(self.vocab.size, 0.01)
        p[UNK_ID] = 0.5
        p[BOUNDARY_ID if len(history) == 2 else self.vocab.index["a"]] = 0.4
        return np.log(p / p.sum())


def test_greedy_and_top_1_follow_the_argmax():
    model = Scripted(VOCAB)
    assert lm.sample(model, 7, temperature=0) == "aa\naaaa"
    assert lm.sample(model, 7, temperature=2.0, top_k=1, seed=5) == "aa\naaaa"


def test_lines_mode_restarts_the_history_after_a_boundary():
    model = Scripted(VOCAB)
    assert lm.sample(model, 9, temperature=0, lines=True) == "aa\naa\naa\n"
    assert [len(h) for h in model.asked] == [0, 1, 2] * 3
    model.asked.clear()
    assert lm.sample(model, 3, prompt="ab\na", temperature=0, lines=True) == "a\na"
    assert model.asked[0] == [VOCAB.index["a"]]                   # the prompt's item only


def test_a_vanishing_temperature_is_greedy():
    model = Scripted(VOCAB)
    assert lm.sample(model, 7, temperature=1e-320) == "aa\naaaa"   # ln p / T overflows
    assert lm.draw(np.log([0.2, 0.5, 0.3]), 5e-324, 2, np.random.default_rng(0)) == 1


def test_sampled_ids_come_one_by_one():
    model = Scripted(VOCAB)
    ids = lm.sample_ids(model, 10**12, temperature=0)        # a trillion: never all at once
    assert [next(ids) for _ in range(3)] == [VOCAB.index["a"]] * 2 + [BOUNDARY_ID]
    assert len(model.asked) == 3
    with pytest.raises(lm.RequestError):                      # checked before the first id
        lm.sample_ids(model, 5, temperature=-1)


def test_temperature_and_top_k_reshape_the_distribution():
    p = np.array([0.5, 0.3, 0.15, 0.05])
    rng = np.random.default_rng(0)
    top2 = np.array([lm.draw(np.log(p), 1.0, 2, rng) for _ in range(4000)])
    assert set(top2.tolist()) == {0, 1} and abs((top2 == 0).mean() - 0.5 / 0.8) < 0.03
    cold = np.array([lm.draw(np.log(p), 0.5, None, rng) for _ in range(4000)])
    assert np.allclose(np.bincount(cold, minlength=4) / 4000, p**2 / (p**2).sum(), atol=0.03)


def test_sampling_is_seeded_and_never_draws_unk():
    model = Scripted(VOCAB)
    a = lm.sample(model, 200, seed=3)
    assert a == lm.sample(model, 200, seed=3) != lm.sample(model, 200, seed=4)
    assert len(a) == 200 and UNK not in a


def test_a_word_continuation_carries_the_space_that_joins_it():
    words = WordVocabulary.from_sequences(["a b ,\n"], min_count=1)
    assert lm.sample(Scripted(words), 3, prompt="B", temperature=0) == " a\na"
    assert lm.sample(Scripted(words), 3, prompt="b,", temperature=0) == "\na a"
    assert lm.sample(Scripted(words), 3, temperature=0) == "a a\n"
    with pytest.raises(lm.PromptError, match=r"1 word\(s\) .*: 'zebra'"):
        lm.sample(Scripted(words), 3, prompt="a zebra")


def test_bad_requests_are_refused_with_one_clear_error():
    with pytest.raises(lm.PromptError, match=r"'Z', 'é'"):
        lm.sample(Scripted(VOCAB), 5, prompt="abZé")
    for bad in ({"temperature": -1}, {"temperature": math.nan}, {"top_k": 0}, {"length": -1}):
        with pytest.raises(lm.RequestError):
            lm.sample(Scripted(VOCAB), **{"length": 5, **bad})
# ~/~ end
# ~/~ end
