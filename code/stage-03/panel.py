# ~/~ begin <<docs/stage-03/in-your-browser.md#code/stage-03/panel.py>>[init]
"""The models of a page, in the reader's browser: the files its JavaScript reads, and their reader.

A page that trained a network and tuned a Kneser–Ney model writes both into compact files
(`export`) and prints a panel (`html`) in which docs/javascripts/panel.js computes the same
probabilities in the reader's browser: the network's forward pass from its weights, kept to a
measured tolerance, and Kneser–Ney's interpolated recursion from a trie of its counts, pruned
only when the file would be too large, the cost measured on held-out text. `load` reads a file
back as a model of the book's contract: the Python twin of what the page computes.

From the appendix "The models in your browser" (docs/stage-03/in-your-browser.md). Generated
by entangled: edit the chapter and `make tangle`, or edit this file and `make stitch`.
"""

from __future__ import annotations

import dataclasses
import gzip
import html as html_text
import json
import math
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import corpus_stats
import lm
import ngram
from corpora import UNK_ID, Data, Vocabulary, Windows, pad_history, vocabulary_from_json
from neural_lm import MLPLanguageModel, ModelConfig

BUDGET = 3_000_000  # bytes of one model file at most, compressed
TOLERANCE = 1e-4    # the page's probabilities against Python's, at most
PROBES = 4096       # validation contexts on which the network's rounding is measured
ASSETS_ENV = "BOOK_ASSETS"     # the folder where a page's executed blocks write its files
ASSETS_URL = "assets/models/"  # where the site serves them, from its root


class PanelError(ValueError):
    """A model that cannot be exported or read as asked; the message says why and what to do."""

# ---- the file: a header and arrays, compressed -----------------------------------------------

# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-encode>>[init]
UNSIGNED = (np.uint8, np.uint16, np.uint32)


def encoded(a: np.ndarray) -> tuple[dict, bytes]:
    """(description, bytes) of an array: whole numbers >= 0 in the narrowest unsigned type that
    holds them, other numbers as float32; little-endian, cut into byte planes (every element's
    first byte, then every second byte, ...), which gzip compresses better than whole numbers."""
    a = np.asarray(a)
    if a.dtype.kind in "iub":
        top = int(a.max()) if a.size else 0
        if a.size and (a.min() < 0 or top >= 2**32):
            raise PanelError(f"whole numbers from {a.min()} to {top} do not fit in 32 bits")
        dtype = next(np.dtype(t) for t in UNSIGNED if top <= np.iinfo(t).max)
    else:
        dtype = np.dtype(np.float32)
    values = np.ascontiguousarray(a, dtype=dtype.newbyteorder("<")).reshape(-1)
    planes = values.view(np.uint8).reshape(-1, dtype.itemsize).T         # (itemsize, n)
    return {"dtype": dtype.name, "shape": list(a.shape)}, planes.tobytes()


def decoded(entry: dict, raw: bytes, start: int) -> tuple[np.ndarray, int]:
    """The array that `encoded` described by entry, read from raw at start; and where it ends."""
    dtype, n = np.dtype(entry["dtype"]).newbyteorder("<"), math.prod(entry["shape"])
    end = start + n * dtype.itemsize
    if end > len(raw):
        raise PanelError("the file ends inside an array: it is cut short")
    planes = np.frombuffer(raw, np.uint8, n * dtype.itemsize, start).reshape(dtype.itemsize, n)
    return planes.T.copy().view(dtype).reshape(entry["shape"]).astype(dtype.name), end
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-file>>[init]
MAGIC = b"NLMPANEL"
VERSION = 1


def model_file(header: dict, arrays: dict[str, np.ndarray]) -> bytes:
    """MAGIC, the header's length (4 bytes, little-endian), the header as JSON, the arrays in
    its order; all of it gzip-compressed (gzip's default level; no time stamp: the same model,
    the same bytes)."""
    entries, parts = [], []
    for name, a in arrays.items():
        entry, data = encoded(a)
        entries.append({"name": name, **entry})
        parts.append(data)
    header = {"format": "neural-lm-book panel model", "version": VERSION, **header,
              "arrays": entries}
    text = json.dumps(header, ensure_ascii=False).encode("utf-8")
    raw = MAGIC + len(text).to_bytes(4, "little") + text + b"".join(parts)
    return gzip.compress(raw, compresslevel=6, mtime=0)
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-read>>[init]
def read_model_file(path: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """(header, arrays by name) of a file that model_file wrote; a PanelError if it is not one."""
    path = Path(path)
    try:
        return parsed(path.read_bytes())
    except OSError as error:
        raise PanelError(f"{path}: cannot be read: {error.strerror}") from None
    except PanelError as error:
        raise PanelError(f"{path}: {error}") from None


def parsed(raw: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """(header, arrays) of the bytes of a model file, compressed (or already decompressed by
    the server that sent them)."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as error:
            raise PanelError(f"a broken gzip stream: {error}") from None
    if raw[:8] != MAGIC:
        raise PanelError(f"not a model file of the panel (it does not start with "
                         f"{MAGIC.decode()}); write one with panel.export")
    size = int.from_bytes(raw[8:12], "little")
    header = json.loads(raw[12 : 12 + size].decode("utf-8"))
    if header.get("version") != VERSION:
        raise PanelError(f"format version {header.get('version')}, but this code reads version "
                         f"{VERSION}: export the model again")
    arrays, start = {}, 12 + size
    for entry in header["arrays"]:
        arrays[entry["name"]], start = decoded(entry, raw, start)
    return header, arrays
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-write>>[init]
def write_new(path: Path, data: bytes, overwrite: bool = False) -> None:
    """Write data into the file path, atomically; refuse if it exists, unless overwrite."""
    if path.exists() and not overwrite:
        raise PanelError(f"{path} exists already; pass overwrite=True to replace it")
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
# ~/~ end

# ---- the network: its weights to a measured tolerance ----------------------------------------

# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-quantise>>[init]
def quantised(W: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes, steps) with W[i, j] = (codes[i, j] - M) steps[j] + e, |e| <= steps[j] / 2,
    M = 2^(bits-1) - 1: each column j rounded to a grid of its own step, max_i |W[i, j]| / M.
    Codes are whole numbers from 0 to 2M."""
    M = 2 ** (bits - 1) - 1
    top = np.abs(W).max(axis=0)                                        # (n_out,)
    steps = np.where(top > 0, top / M, 1.0).astype(np.float32)         # as the file keeps them
    codes = np.clip(np.rint(W / steps), -M, M).astype(np.int64) + M
    return codes, steps


def dequantised(codes: np.ndarray, steps: np.ndarray, bits: int) -> np.ndarray:
    """The weights that codes and steps stand for: (codes - M) steps, in float64."""
    return (codes.astype(np.int64) - (2 ** (bits - 1) - 1)) * steps.astype(np.float64)
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-stored>>[init]
def stored_values(network: MLPLanguageModel, bits: int | None) -> list[np.ndarray]:
    """The network's parameters as a file of this many bits keeps them: the weights rounded,
    the biases (and every parameter, with bits None) as float32."""
    return [dequantised(*quantised(p.data, bits), bits) if bits and name.endswith(".weight")
            else p.data for name, p in network.named_parameters()]


def with_values(network: MLPLanguageModel, values: list[np.ndarray]) -> MLPLanguageModel:
    """A network of the same configuration and vocabulary holding these parameter values."""
    twin = MLPLanguageModel(network.config, network.vocab)
    twin.set_parameter_values(values)
    return twin


def largest_change(a: MLPLanguageModel, b: MLPLanguageModel, X: np.ndarray) -> float:
    """max over the contexts X (N, K) and every token w of |P_a(w | x) - P_b(w | x)|."""
    worst = 0.0
    for start in range(0, len(X), 512):
        batch = X[start : start + 512]
        change = np.exp(a.log_probs(batch)) - np.exp(b.log_probs(batch))   # (B, V)
        worst = max(worst, float(np.abs(change).max()))
    return worst


def probe_contexts(network: MLPLanguageModel, data: Data, count: int = PROBES) -> np.ndarray:
    """Up to `count` contexts (N, K) of the validation split, drawn with a fixed seed."""
    windows = Windows.of(data.valid, data.vocab, network.config.context)
    rows = np.arange(len(windows))
    if len(rows) > count:
        rows = np.sort(np.random.default_rng(0).choice(len(rows), count, replace=False))
    return windows.batch(rows)[0]
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-fewest-bits>>[init]
def fewest_bits(network: MLPLanguageModel, X: np.ndarray, target: float,
                lowest: int = 8, highest: int = 24) -> tuple[int | None, float]:
    """(bits, error): the fewest bits from lowest to highest whose rounding changes no
    probability on the contexts X by more than target (bisection: fewer bits, larger changes),
    and the change measured; (None, 0.0) when even `highest` bits change more: keep float32."""
    def error(bits):
        return largest_change(network, with_values(network, stored_values(network, bits)), X)

    if error(highest) > target:
        return None, 0.0
    while lowest < highest:
        middle = (lowest + highest) // 2
        lowest, highest = (lowest, middle) if error(middle) <= target else (middle + 1, highest)
    return highest, error(highest)
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-network-file>>[init]
def network_file(network: MLPLanguageModel, bits: int | None, error: float, probes: int,
                 lines: bool) -> bytes:
    """The network's file: its configuration and vocabulary in the header; each weight matrix
    as codes and steps at this many bits (as float32 when bits is None), each bias as float32."""
    arrays = {}
    for name, p in network.named_parameters():
        if bits and name.endswith(".weight"):
            arrays[name + ".codes"], arrays[name + ".steps"] = quantised(p.data, bits)
        else:
            arrays[name] = p.data
    header = {"kind": "network", "vocab": json.loads(network.vocab.to_json()), "lines": lines,
              "config": dataclasses.asdict(network.config), "bits": bits,
              "rounding": {"largest_change": error, "contexts": probes}}
    return model_file(header, arrays)


def read_network(header: dict, arrays: dict[str, np.ndarray]) -> MLPLanguageModel:
    """The network a file holds, as the book's MLPLanguageModel (its weights as the file keeps
    them, in float32 as the class computes)."""
    fields = header["config"]
    config = ModelConfig(**{**fields, "hidden": tuple(fields["hidden"])})  # JSON: a list
    network = MLPLanguageModel(config, vocabulary_from_json(header["vocab"]))
    bits = header["bits"]
    values = [dequantised(arrays[name + ".codes"], arrays[name + ".steps"], bits)
              if bits and name.endswith(".weight") else arrays[name]
              for name, _ in network.named_parameters()]
    network.set_parameter_values(values)
    return network
# ~/~ end

# ---- Kneser–Ney: a trie of its contexts ------------------------------------------------------

# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-trie>>[init]
def trie_arrays(kn: ngram.KneserNey, min_count: int = 1, from_order: int = 2) -> dict:
    """The levels of a fitted Kneser–Ney model as a trie of contexts, newest token first.

    A node at depth d is a context of d tokens (the root, depth 0, the empty one); its children
    at depth d + 1 extend it one token further back, sorted by that token. The nodes of one
    depth are listed parent by parent; for each: `depth{d}.tokens` (the token it adds),
    `depth{d}.children` (how many children it has), `depth{d}.followers` (how many entries of
    level d + 1 it holds). The entries of level m, node by node, tokens ascending:
    `level{m}.tokens`, `level{m}.counts`. Pruned: at the orders from from_order up, the
    entries whose count is below min_count are left out (the nodes never are).
    """
    V, arrays = kn.V, {}
    codes = np.zeros(1, dtype=np.int64)           # depth 0: the empty context, code 0
    for d, (grams, counts, contexts, *_) in enumerate(kn.levels):
        if d > 0:                                 # the contexts of level d + 1: d tokens each
            known, by_code = np.sort(codes), np.argsort(codes)
            where, found = ngram.find(known, contexts % V ** (d - 1))   # their parents
            if not found.all():
                raise PanelError("a context of the model has no shorter context in it; "
                                 "fit the model with ngram.KneserNey.fit")
            parent, token = by_code[where], contexts // V ** (d - 1)    # oldest token first
            order = np.lexsort((token, parent))                         # parent by parent
            arrays[f"depth{d - 1}.children"] = np.bincount(parent, minlength=len(codes))
            codes, arrays[f"depth{d}.tokens"] = contexts[order], token[order]
        keep = counts >= (min_count if d + 1 >= from_order else 1)
        grams, counts = grams[keep], counts[keep]
        node = np.argsort(codes)[np.searchsorted(np.sort(codes), grams // V)]  # (entries,)
        order = np.lexsort((grams % V, node))
        arrays[f"depth{d}.followers"] = np.bincount(node, minlength=len(codes))
        arrays[f"level{d + 1}.tokens"] = (grams % V)[order]
        arrays[f"level{d + 1}.counts"] = counts[order]
    return arrays
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-kn-reader>>[init]
class PanelKneserNey(ngram.KneserNey):
    """Interpolated Kneser–Ney computed from the tables a panel's file holds (pruned or not):
    the recursion of ngram.KneserNey, and whether a context was seen in training."""

    def __init__(self, header: dict, arrays: dict[str, np.ndarray]):
        super().__init__(header["order"], header["discount"])
        self.vocab = vocabulary_from_json(header["vocab"])
        self.V = V = self.vocab.size
        self.D = [np.array([0.0, *d]) for d in header["discounts"]]
        self.levels, codes = [], np.zeros(1, dtype=np.int64)
        for d in range(self.order):
            if d > 0:            # a node's code: its token, oldest, before its parent's code
                parent = np.repeat(np.arange(len(codes)), arrays[f"depth{d - 1}.children"])
                token = arrays[f"depth{d}.tokens"].astype(np.int64)
                codes = token * V ** (d - 1) + codes[parent]
            node = np.repeat(np.arange(len(codes)), arrays[f"depth{d}.followers"])
            grams = codes[node] * V + arrays[f"level{d + 1}.tokens"]
            order = np.argsort(grams)
            grams, counts = grams[order], arrays[f"level{d + 1}.counts"][order].astype(np.int64)
            self.levels.append((grams, counts) + ngram.context_table(grams, counts, V))
        self.seen = np.sort(codes)  # the contexts of order - 1 tokens seen in training

    def context_seen(self, history: np.ndarray) -> bool:
        """Was the context of the model's last order - 1 tokens (BOUNDARY-padded) seen?"""
        K = self.order - 1
        code = sum(int(t) * self.V ** (K - 1 - i) for i, t in enumerate(pad_history(history, K)))
        return K == 0 or bool(corpus_stats.member(np.array([code]), self.seen)[0])
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-pruning>>[init]
def pruning_steps(order: int) -> list[tuple[int, int]]:
    """(min_count, from_order) to try in turn: none; the n-grams seen once, from the top order
    down one order at a time; then higher counts, at every order from 2."""
    return ([(1, order + 1)] + [(2, m) for m in range(order, 1, -1)]
            + [(count, 2) for count in (3, 4, 6, 8, 16, 32)])


def kneser_ney_file(kn: ngram.KneserNey, data: Data, budget: int) -> tuple[bytes, dict]:
    """(file, pruning) for the first step of pruning_steps whose file fits in budget bytes;
    the pruning holds the model's validation bits per token, as fitted and as in the file."""
    fitted, sizes = lm.bits_per_token(kn.token_log_probs(data.valid)), []
    for min_count, from_order in pruning_steps(kn.order):
        arrays = trie_arrays(kn, min_count, from_order)
        kept = sum(len(arrays[f"level{m}.counts"]) for m in range(1, kn.order + 1))
        pruning = {"min_count": min_count, "from_order": from_order, "entries": kept,
                   "entries_before": sum(len(level[0]) for level in kn.levels),
                   "valid_bits": {"fitted": fitted, "exported": fitted}}
        header = {"kind": "kneser-ney", "vocab": json.loads(kn.vocab.to_json()),
                  "lines": data.lines, "order": kn.order, "discount": kn.discount,
                  "discounts": kn.discounts().tolist(), "pruning": pruning}
        sizes.append(len(model_file(header, arrays)))
        if sizes[-1] <= budget and min_count > 1:              # pruned: the cost, measured
            pruned = PanelKneserNey(header, arrays).token_log_probs(data.valid)
            pruning["valid_bits"]["exported"] = lm.bits_per_token(pruned)
            sizes[-1] = len(model_file(header, arrays))        # a few bytes more
        if sizes[-1] <= budget:
            return model_file(header, arrays), pruning
    raise PanelError(f"Kneser–Ney of order {kn.order} needs {min(sizes):,} bytes even pruned, "
                     f"more than the budget of {budget:,}: use a lower order or a larger budget")
# ~/~ end

# ---- the values the page must reproduce ------------------------------------------------------

# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-history>>[init]
def history_ids(text: str, vocab: Vocabulary, lines: bool) -> np.ndarray:
    """The ids a model reads after `text`: all of them; in lines mode, those after the last
    BOUNDARY (an item starts afresh, as in lm.sample)."""
    ids = vocab.encode(text)
    return ids[lm.restart_after(ids.tolist()) :] if lines else ids
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-reference>>[init]
def reference_texts(data: Data, length: int, context_length: int, count: int = 8,
                    tries: int = 200) -> list[tuple[str, str]]:
    """`count` (kind, text) pairs, texts of at most `length` tokens, none holding UNK, chosen
    with a fixed seed: in turn the end of a stretch of the training split ("train": its context
    was seen), of the validation split ("valid"), random tokens ("random": a context almost
    surely never seen; they also stand in for a split that yields no stretch free of UNK in
    `tries` draws), and the edge of "seen" ("edge"): the training stretch again, the oldest
    token of its context of context_length tokens changed so that this context was never seen,
    though the shorter ones in it were (or, if no token does that, random tokens again)."""
    rng, vocab, texts = np.random.default_rng(0), data.vocab, []

    def stretch(source: str) -> np.ndarray:
        if source == "random":
            return rng.integers(2, vocab.size, size=length)            # no BOUNDARY, no UNK
        sequences = getattr(data, source)
        ids = vocab.encode(sequences[rng.integers(len(sequences))])
        end = int(rng.integers(0, len(ids))) + 1 if len(ids) else 0
        return ids[max(0, end - length) : end]

    def text_of(ids: np.ndarray) -> str | None:
        text = vocab.decode(ids) + (" " if vocab.kind == "words" else "")  # a whole word
        ok = len(ids) and UNK_ID not in ids and np.array_equal(vocab.encode(text), ids)
        return text if ok else None

    while len(texts) < count:
        kind = ("train", "valid", "random", "edge")[len(texts) % 4]
        if kind == "edge":
            edge = edge_of_seen(data, texts[-3][1], context_length)
            texts.append(("edge", edge) if edge else texts[-1])
            continue
        for source in (kind,) * tries + ("random",):
            if text := text_of(stretch(source)):
                texts.append((source, text))
                break
    return texts


def edge_of_seen(data: Data, text: str, context_length: int) -> str | None:
    """text with the oldest token of its last context_length changed so that they were never
    seen in training, though the last context_length - 1 were; None if no token does that."""
    ids, K = data.vocab.encode(text), context_length
    if K < 2 or len(ids) < K or not seen_in_training([ids], data, K)[0]:
        return None
    changed = np.repeat(ids[None, :], data.vocab.size - 2, axis=0)     # (V - 2, length)
    changed[:, -K] = np.arange(2, data.vocab.size)                      # every token but two
    seen = seen_in_training(list(changed), data, K)
    for ids, was_seen in zip(changed, seen, strict=True):
        edge = data.vocab.decode(ids) + text[len(text.rstrip(" ")):]    # a word's space, kept
        if not was_seen and np.array_equal(data.vocab.encode(edge), ids):
            return edge
    return None


def seen_in_training(histories: list[np.ndarray], data: Data, context_length: int) -> list[bool]:
    """For each history: did its last context_length ids (BOUNDARY-padded) occur as a context
    in the training split? (chapter 3.7's test, corpus_stats.seen_context_mask, at the end of
    each history)"""
    train = corpus_stats.encode_all(data.train, data.vocab)
    held_out = [np.append(h, 0) for h in histories]                # a token after each history
    mask = corpus_stats.seen_context_mask(train, held_out, context_length, data.vocab.size)
    return mask[np.cumsum([len(h) for h in held_out]) - 1].tolist()


def reference_file(network, kneser_ney: PanelKneserNey, data: Data,
                   texts: list[tuple[str, str]]) -> bytes:
    """The texts (and their kinds), the ids each model reads after them, whether that context
    was seen, and every next token's probability under the network and the exported
    Kneser–Ney."""
    histories = [history_ids(text, data.vocab, data.lines) for _, text in texts]
    header = {"kind": "reference", "kinds": [kind for kind, _ in texts],
              "texts": [text for _, text in texts], "histories": [h.tolist() for h in histories],
              "seen": seen_in_training(histories, data, kneser_ney.order - 1)}
    arrays = {key: np.exp([model.next_log_probs(h) for h in histories])     # (texts, V)
              for key, model in (("network", network), ("kneser_ney", kneser_ney))}
    return model_file(header, arrays)
# ~/~ end

# ---- export, reading back, and the panel of a page -------------------------------------------

# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-exported>>[init]
@dataclass
class Exported:
    """What export wrote for one pair of models, and what it measured."""

    name: str
    unit: str                 # "character" or "word"
    files: dict[str, str]     # network, kneser_ney, reference: the file names
    sizes: dict[str, int]     # their bytes, compressed
    bits: int | None          # of the network's weights (None: float32)
    rounding: float           # the largest change of a probability on the probe contexts
    probes: int               # how many probe contexts
    order: int                # of Kneser–Ney
    pruning: dict             # min_count, from_order, entries kept and before, valid_bits

    @property
    def pruned(self) -> bool:
        """Did Kneser–Ney's file leave entries out?"""
        return self.pruning["min_count"] > 1

    @property
    def pair(self) -> tuple[str, str]:
        """(label, name) of the pair, for html: "characters" or "words", and the name."""
        return f"{self.unit}s", self.name

    def sentence(self) -> str:
        """What the page's panel holds, in one sentence of Markdown."""
        bits = self.pruning["valid_bits"]
        pruned = (f"pruned (counts below {self.pruning['min_count']} left out from order "
                  f"{self.pruning['from_order']}: {bits['exported']:.4f} bits per {self.unit} "
                  f"on validation instead of {bits['fitted']:.4f})"
                  if self.pruned else "with every count")
        weights = f"{self.bits}-bit weights" if self.bits else "float32 weights"
        return (f"For {self.unit}s, the network in {weights} (no probability moved by more than "
                f"{self.rounding:.1e} on {self.probes:,} validation contexts), "
                f"{self.sizes['network'] / 1e6:.2f} MB; Kneser–Ney of order {self.order}, "
                f"{pruned}, {self.sizes['kneser_ney'] / 1e6:.2f} MB.")
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-export>>[init]
def file_names(name: str) -> dict[str, str]:
    """The files of the pair called name: NAME.network.bin, NAME.kneser-ney.bin and
    NAME.reference.bin, by their role."""
    return {role: f"{name}.{role.replace('_', '-')}.bin"
            for role in ("network", "kneser_ney", "reference")}


def export(network: MLPLanguageModel, kneser_ney: ngram.KneserNey, data: Data,
           folder: str | Path, name: str, budget: int = BUDGET, tolerance: float = TOLERANCE,
           overwrite: bool = False, kneser_ney_budget: int | None = None) -> Exported:
    """Write NAME.network.bin, NAME.kneser-ney.bin and NAME.reference.bin into folder: the two
    models for the page (each at most `budget` bytes) and the values it must reproduce within
    `tolerance`. Kneser–Ney is pruned only as far as its budget asks (kneser_ney_budget, if
    given, instead of budget). Nothing is written unless all three can be."""
    if not (network.vocab == kneser_ney.vocab == data.vocab):
        raise PanelError("the network, Kneser–Ney and the data must share one vocabulary")
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise PanelError(f"a name is letters, digits, - and _ (it names files), not {name!r}")
    folder, files = Path(folder), file_names(name)
    taken = [f for f in files.values() if (folder / f).exists()]
    if taken and not overwrite:
        raise PanelError(f"{folder} holds {', '.join(taken)} already: export into a folder of "
                         "its own, or pass overwrite=True to replace them")
    X = probe_contexts(network, data)
    bits, rounding = fewest_bits(network, X, tolerance / 4)
    blobs = {"network": network_file(network, bits, rounding, len(X), data.lines)}
    if len(blobs["network"]) > budget:
        raise PanelError(f"the network's file needs {len(blobs['network']):,} bytes (weights "
                         f"of {bits or 32} bits, to keep its probabilities within "
                         f"{tolerance / 4:g}), more than the budget of {budget:,}")
    blobs["kneser_ney"], pruning = kneser_ney_file(kneser_ney, data,
                                                   kneser_ney_budget or budget)
    exported = PanelKneserNey(*parsed(blobs["kneser_ney"]))
    texts = reference_texts(data, max(network.config.context, kneser_ney.order - 1) + 4,
                            kneser_ney.order - 1)
    blobs["reference"] = reference_file(network, exported, data, texts)
    folder.mkdir(parents=True, exist_ok=True)
    for key, blob in blobs.items():
        write_new(folder / files[key], blob, overwrite)
    return Exported(name, data.unit, files, {k: len(b) for k, b in blobs.items()}, bits,
                    rounding, len(X), kneser_ney.order, pruning)
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-load>>[init]
def load(path: str | Path):
    """The model a file of the panel holds, as a model of the book's contract: the network
    (MLPLanguageModel) or Kneser–Ney (PanelKneserNey)."""
    header, arrays = read_model_file(path)
    if header["kind"] == "network":
        return read_network(header, arrays)
    if header["kind"] == "kneser-ney":
        return PanelKneserNey(header, arrays)
    raise PanelError(f"{path}: holds {header['kind']!r}, not a model")
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-html>>[init]
def html(pairs: list[tuple[str, str]]) -> str:
    """The panel, as the HTML an executed block prints (output=markdown): an element that
    panel.js fills in with the pairs of models, each (label, name) as export named its files
    (Exported.pair), the first shown first; and one line for a browser without JavaScript."""
    models = [{"label": label, **{role: ASSETS_URL + file_names(name)[role]
                                  for role in ("network", "kneser_ney")}}
              for label, name in pairs]
    return (f'<div class="lm-panel" data-models="{html_text.escape(json.dumps(models))}" '
            'hidden></div>\n'
            '<noscript><p class="lm-panel-off">Here the page would let you type a context and '
            'see what the network and Kneser–Ney predict after it, but that needs JavaScript, '
            'which is off in this browser.</p></noscript>')


def assets_folder() -> Path:
    """The folder named by the environment variable BOOK_ASSETS: the site build sets it for a
    page's executed blocks and serves what they write there at ASSETS_URL. Elsewhere (the
    chapter run as a notebook), a fresh temporary folder: the export runs and is measured the
    same, and nothing serves its files."""
    folder = os.environ.get(ASSETS_ENV)
    return Path(folder) if folder else Path(tempfile.mkdtemp(prefix="panel-assets-"))
# ~/~ end
# ~/~ end
