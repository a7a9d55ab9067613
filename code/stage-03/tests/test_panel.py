# ~/~ begin <<docs/stage-03/in-your-browser.md#code/stage-03/tests/test_panel.py>>[init]
"""Tests of panel.py (appendix "The models in your browser"); the page's JavaScript is
tested in Chromium by tests/test_panel_browser.py.

Generated from docs/stage-03/in-your-browser.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

import gzip
import html
import json

import markdown
import numpy as np
import pytest

import ngram
import panel
from corpora import BOUNDARY_ID, Windows, load_data, pad_history
from neural_lm import MLPLanguageModel, ModelConfig, TrainConfig, train, training_windows

# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-test-fixtures>>[init]
@pytest.fixture(scope="module")
def pair(request):
    """(data, network, Kneser–Ney) of 30,000 characters of Shakespeare, as characters or words:
    a small network trained briefly, Kneser–Ney tuned on validation."""
    data = load_data("shakespeare", split_seed=0, max_chars=30_000, tokens=request.param)
    shape = ModelConfig(vocab_size=data.vocab.size, context=5, embedding=8, hidden=(32, 32))
    network = MLPLanguageModel(shape, data.vocab)
    train(network, *training_windows(data, shape.context), TrainConfig(steps=150, lr=0.05))
    kn, _ = ngram.tune("kn", data.train, data.valid, data.vocab, orders=range(1, 6))
    return data, network, kn


BOTH = pytest.mark.parametrize("pair", ["chars", "words"], indirect=True)
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-test-file>>[init]
def test_arrays_come_back_exact_in_the_narrowest_type(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"small": rng.integers(0, 256, (3, 4)), "wide": rng.integers(0, 2**32, 7),
              "mid": np.array([0, 65535]), "empty": np.zeros((0, 5), dtype=np.int64),
              "floats": rng.standard_normal((2, 3)).astype(np.float32),
              "doubles": rng.standard_normal(4)}
    data = panel.model_file({"kind": "test", "note": "über"}, arrays)
    assert data == panel.model_file({"kind": "test", "note": "über"}, arrays)  # deterministic
    path = tmp_path / "x.bin"
    panel.write_new(path, data)
    header, back = panel.read_model_file(path)
    assert header["note"] == "über"
    assert [a["dtype"] for a in header["arrays"]] == ["uint8", "uint32", "uint16", "uint8",
                                                       "float32", "float32"]
    for name, a in arrays.items():
        assert back[name].shape == a.shape
        np.testing.assert_array_equal(back[name], a.astype(np.float32) if a.dtype.kind == "f"
                                      else a)
    assert panel.parsed(gzip.decompress(data))[0] == header  # a server may have unzipped it


def test_a_file_that_is_not_ours_is_refused_with_one_message(tmp_path):
    good = panel.model_file({"kind": "test"}, {"a": np.arange(1000)})
    raw = gzip.decompress(good)
    cases = {"not ours": b"<html>not found</html>",
             "other version": gzip.compress(raw.replace(b'"version": 1', b'"version": 9')),
             "cut short": gzip.compress(raw[:-10]), "broken gzip": good[:40]}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(panel.PanelError, match=name.split()[-1] if name != "not ours"
                           else "not a model file"):
            panel.read_model_file(tmp_path / name)
    with pytest.raises(panel.PanelError, match="cannot be read"):
        panel.read_model_file(tmp_path / "missing")
    with pytest.raises(panel.PanelError, match="32 bits"):
        panel.model_file({}, {"a": np.array([-1])})


def test_a_file_is_never_overwritten_unless_asked(tmp_path):
    path = tmp_path / "m.bin"
    panel.write_new(path, b"first")
    with pytest.raises(panel.PanelError, match="exists already"):
        panel.write_new(path, b"second")
    assert path.read_bytes() == b"first"
    panel.write_new(path, b"second", overwrite=True)
    assert path.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.bin"]  # no partial file left
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-test-network>>[init]
def test_rounded_weights_lie_within_half_a_step():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((50, 7)) * [1, 10, 1e-3, 0, 1, 1, 5]   # one column all zeros
    for bits in (8, 12, 17, 24):
        M = 2 ** (bits - 1) - 1
        codes, steps = panel.quantised(W, bits)
        np.testing.assert_allclose(steps[[0, 1, 2, 4]], np.abs(W).max(axis=0)[[0, 1, 2, 4]] / M,
                                   rtol=1e-6)                  # the grid spans the column
        assert codes.min() >= 0 and codes.max() <= 2 * M
        error = np.abs(panel.dequantised(codes, steps, bits) - W)
        assert np.all(error <= steps / 2 * (1 + 1e-6))
        assert error[:, 3].max() == 0


@BOTH
def test_the_fewest_bits_are_the_fewest(pair):
    data, network, _ = pair
    X = panel.probe_contexts(network, data, count=300)
    target = 1e-4
    bits, error = panel.fewest_bits(network, X, target)
    twin = panel.with_values(network, panel.stored_values(network, bits))
    assert error == panel.largest_change(network, twin, X) <= target
    fewer = panel.with_values(network, panel.stored_values(network, bits - 1))
    assert panel.largest_change(network, fewer, X) > target
    assert panel.fewest_bits(network, X, 0.0) == (None, 0.0)   # no grid is exact: float32


@BOTH
def test_the_network_read_back_is_within_the_tolerance_everywhere(pair, tmp_path):
    data, network, kn = pair
    exported = panel.export(network, kn, data, tmp_path, "m")
    twin = panel.load(tmp_path / exported.files["network"])
    assert twin.config == network.config and twin.vocab == network.vocab
    everywhere = Windows.of(data.valid, data.vocab, network.config.context).batch(slice(None))[0]
    assert panel.largest_change(network, twin, everywhere) <= panel.TOLERANCE
    assert exported.rounding <= panel.TOLERANCE / 4
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-test-kneser-ney>>[init]
def histories(data, count=40, seed=0):
    """Histories of every length from 0 to 10, from the validation text and random."""
    rng = np.random.default_rng(seed)
    ids = data.vocab.encode("".join(data.valid)[:5000])
    out = [ids[max(0, end - length) : end] for end, length in
           zip(rng.integers(0, len(ids), count), rng.integers(0, 11, count), strict=True)]
    return out + [rng.integers(0, data.vocab.size, n) for n in range(11)]


@BOTH
def test_kneser_ney_read_back_is_the_model(pair):
    data, _, kn = pair
    twin = panel.PanelKneserNey(*panel.parsed(panel.kneser_ney_file(kn, data, 10**9)[0]))
    for history in histories(data):
        np.testing.assert_allclose(twin.next_probs(history), kn.next_probs(history),
                                   rtol=0, atol=1e-12)
    np.testing.assert_allclose(twin.token_log_probs(data.valid), kn.token_log_probs(data.valid),
                               rtol=0, atol=1e-9)


@BOTH
def test_pruned_kneser_ney_is_a_distribution_that_left_out_what_it_says(pair):
    data, _, kn = pair
    oracle = panel.seen_in_training(histories(data), data, kn.order - 1)
    for min_count, from_order in panel.pruning_steps(kn.order)[1:4]:
        arrays = panel.trie_arrays(kn, min_count, from_order)
        header = {"order": kn.order, "discount": None, "vocab": json.loads(kn.vocab.to_json()),
                  "discounts": kn.discounts().tolist()}
        pruned = panel.PanelKneserNey(header, arrays)
        for m, ((grams, counts, *_), (kept, _, *_)) in enumerate(
                zip(kn.levels, pruned.levels, strict=True), 1):
            wanted = grams[counts >= (min_count if m >= from_order else 1)]
            np.testing.assert_array_equal(kept, wanted)
        for history in histories(data, count=10):
            assert pruned.next_probs(history).sum() == pytest.approx(1.0, abs=1e-12)
        assert [pruned.context_seen(h) for h in histories(data)] == oracle  # nodes all kept


def seen_by_search(histories, data, K) -> list[bool]:
    """Chapter 3.7's "seen" by a plain search: are a history's last K ids (BOUNDARY-padded)
    the K ids before some token of some training sequence (padded alike)?"""
    contexts = set()
    for sequence in data.train:
        ids = [BOUNDARY_ID] * K + data.vocab.encode(sequence).tolist()
        contexts.update(tuple(ids[t - K : t]) for t in range(K, len(ids)))
    return [tuple(pad_history(h, K).tolist()) in contexts for h in histories]


@BOTH
def test_seen_is_chapter_3_7s_seen(pair):
    data, _, kn = pair
    twin = panel.PanelKneserNey(*panel.parsed(panel.kneser_ney_file(kn, data, 10**9)[0]))
    some = histories(data)
    oracle = seen_by_search(some, data, kn.order - 1)
    assert panel.seen_in_training(some, data, kn.order - 1) == oracle
    assert [twin.context_seen(h) for h in some] == oracle
    assert any(oracle) and not all(oracle)


@BOTH
def test_the_budget_prunes_as_little_as_it_can(pair):
    data, _, kn = pair
    full = len(panel.kneser_ney_file(kn, data, 10**9)[0])
    _, pruning = panel.kneser_ney_file(kn, data, full)
    assert pruning["min_count"] == 1
    blob, pruning = panel.kneser_ney_file(kn, data, full - 1)
    assert (pruning["min_count"], pruning["from_order"]) == (2, kn.order) and len(blob) < full
    with pytest.raises(panel.PanelError, match="even pruned"):
        panel.kneser_ney_file(kn, data, 1000)
# ~/~ end


# ~/~ begin <<docs/stage-03/in-your-browser.md#panel-test-export>>[init]
@BOTH
def test_the_reference_holds_what_the_page_must_compute(pair, tmp_path):
    data, network, kn = pair
    exported = panel.export(network, kn, data, tmp_path, "m")
    header, arrays = panel.read_model_file(tmp_path / exported.files["reference"])
    twin = panel.load(tmp_path / exported.files["kneser_ney"])
    K = kn.order - 1
    assert header["seen"] == seen_by_search(header["histories"], data, K)
    shorter = seen_by_search(header["histories"], data, K - 1)
    edges = [i for i, kind in enumerate(header["kinds"]) if kind == "edge"]
    assert edges and all(shorter[i] and not header["seen"][i] for i in edges)
    for text, history, seen, p_nn, p_kn in zip(header["texts"], header["histories"],
                                               header["seen"], arrays["network"],
                                               arrays["kneser_ney"], strict=True):
        assert panel.history_ids(text, data.vocab, data.lines).tolist() == history
        assert twin.context_seen(np.array(history)) == seen
        np.testing.assert_allclose(p_nn, np.exp(network.next_log_probs(np.array(history))),
                                   atol=1e-7)
        np.testing.assert_allclose(p_kn, twin.next_probs(np.array(history)), atol=1e-7)


@BOTH
def test_export_writes_all_three_files_or_none(pair, tmp_path):
    data, network, kn = pair
    (tmp_path / "m.reference.bin").write_bytes(b"mine")
    with pytest.raises(panel.PanelError, match="already"):
        panel.export(network, kn, data, tmp_path, "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.reference.bin"]
    assert (tmp_path / "m.reference.bin").read_bytes() == b"mine"
    with pytest.raises(panel.PanelError, match="budget"):
        panel.export(network, kn, data, tmp_path, "n", budget=1000)
    with pytest.raises(panel.PanelError, match="letters, digits"):
        panel.export(network, kn, data, tmp_path, "../n")
    other = load_data("names", split_seed=0, max_chars=5000)
    with pytest.raises(panel.PanelError, match="one vocabulary"):
        panel.export(network, kn, other, tmp_path, "n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.reference.bin"]


def test_the_panel_survives_the_sites_markdown(tmp_path, monkeypatch):
    exported = panel.Exported("c", "character", panel.file_names("c"), {}, 17, 1e-5, 10, 7,
                              {"min_count": 1})
    assert exported.pair == ("characters", "c")
    text = panel.html([exported.pair])
    page = markdown.markdown(f"Before.\n\n{text}\n\nAfter.", extensions=["md_in_html", "attr_list"])
    assert text in page
    models = json.loads(html.unescape(page.split('data-models="')[1].split('"')[0]))
    assert models == [{"label": "characters", "network": "assets/models/c.network.bin",
                       "kneser_ney": "assets/models/c.kneser-ney.bin"}]
    assert "<noscript><p" in page and "JavaScript" in page
    monkeypatch.delenv(panel.ASSETS_ENV, raising=False)
    first, second = panel.assets_folder(), panel.assets_folder()  # outside the build
    assert first != second and first.is_dir() and not any(first.iterdir())
    first.rmdir(), second.rmdir()
    monkeypatch.setenv(panel.ASSETS_ENV, str(tmp_path))
    assert panel.assets_folder() == tmp_path
# ~/~ end
# ~/~ end
