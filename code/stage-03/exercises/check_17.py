# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_17.py>>[init]
"""Checker for exercise 17 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np
from corpora import BOUNDARY, UNK, Vocabulary, load_corpus, split_corpus

TITLE = "The vocabulary and the unknown symbol"
KIND, NEEDS, LEVEL = "implement", ("3.5",), 1


def check_small_example(ex):
    """'abca' with min_count 2 keeps only 'a', after the boundary and the unknown symbol"""
    got = ex.build_symbols(["abca"], 2)
    assert list(got) == [BOUNDARY, UNK, "a"], f"got {got!r}"


def check_against_the_book(ex):
    """the same symbols as corpora.Vocabulary on the names corpus, for min_count 1 to 3"""
    train = split_corpus(load_corpus("names"), seed=0).train
    for min_count in (1, 2, 3):
        want = Vocabulary.from_sequences(train, min_count).symbols
        got = list(ex.build_symbols(train, min_count))
        assert got == want, f"min_count={min_count}: {len(got)} symbols, expected {len(want)}"


def check_encode(ex):
    """encodes known characters by position and everything else as UNK (id 1)"""
    symbols = ex.build_symbols(["hello world\n", "held\n"], 1)
    vocab = Vocabulary(list(symbols))
    for text in ("hello\n", "zebra!\n", "", "\x00"):
        got = np.asarray(ex.encode(text, symbols))
        want = vocab.encode(text)
        assert got.dtype == np.int64, f"ids should be int64, got {got.dtype}"
        assert np.array_equal(got, want), f"{text!r}: got {got.tolist()}, want {want.tolist()}"


def check_training_split_only(ex):
    """a character the training split never shows is encoded as unknown"""
    splits = split_corpus(load_corpus("names"), seed=0)
    symbols = ex.build_symbols(splits.train, 2)
    ids = np.asarray(ex.encode("q~", symbols))
    assert ids[1] == 1, "'~' never occurs in training: it must be encoded as UNK (id 1)"
# ~/~ end
