# ~/~ begin <<docs/stage-03/evaluation.md#code/stage-03/tests/test_compare.py>>[init]
"""Tests of compare (chapter 3.7): bootstrap, mixture, weight tuning, seen/unseen split, the
JSON of the command for characters and for words."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import cli
import compare
import corpora
import neural_lm
import ngram


def correlated(rng, n, mean, block=50):
    """Synthetic per-position values: a slowly varying level plus noise, with a known mean."""
    levels = np.repeat(rng.standard_normal(n // block + 1), block)[:n]
    return mean + levels + rng.standard_normal(n)


def test_block_bootstrap_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(0)
    hits = 0
    for trial in range(60):
        interval = compare.block_bootstrap(correlated(rng, 20_000, 0.3), block=500,
                                           resamples=500, seed=trial)
        hits += interval.lo <= 0.3 <= interval.hi
    assert 0.85 <= hits / 60 <= 1.0


def test_block_bootstrap_excludes_zero_for_a_clear_difference_and_not_for_none():
    rng = np.random.default_rng(1)
    clear = compare.block_bootstrap(correlated(rng, 20_000, 0.5), block=500)
    assert clear.excludes_zero() and clear.lo > 0
    none = compare.block_bootstrap(rng.standard_normal(20_000), block=500)
    assert not none.excludes_zero()


def test_block_bootstrap_mean_is_the_masked_mean_and_is_seeded():
    values = np.arange(10.0)
    mask = values % 2 == 0
    a = compare.block_bootstrap(values, mask, block=3, seed=4)
    assert a.mean == pytest.approx(4.0) and a.lo <= a.mean <= a.hi
    assert compare.block_bootstrap(values, mask, block=3, seed=4) == a
    with pytest.raises(compare.CompareError, match="mask selects none"):
        compare.block_bootstrap(values, np.zeros(10, dtype=bool))


def test_the_contrast_of_two_parts_is_measured_on_the_same_resamples():
    rng = np.random.default_rng(2)
    seen = rng.random(20_000) < 0.8
    shifted = correlated(rng, 20_000, 0.0) + np.where(seen, 0.0, 0.25)  # unseen: +0.25
    c = compare.contrast_bootstrap(shifted, seen, block=500)
    assert c.mean == pytest.approx(shifted[~seen].mean() - shifted[seen].mean())
    assert c.excludes_zero() and c.lo <= 0.25 <= c.hi
    flat = compare.contrast_bootstrap(correlated(rng, 20_000, 0.1), seen, block=500)
    assert not flat.excludes_zero()  # the same mean on both sides
    with pytest.raises(compare.CompareError, match="both sides"):
        compare.contrast_bootstrap(shifted, np.ones(20_000, dtype=bool))


def test_bits_difference_is_negative_where_the_first_model_is_better():
    d = compare.bits_difference(np.log([0.5, 0.25]), np.log([0.25, 0.25]))
    assert d == pytest.approx([-1.0, 0.0], abs=1e-12)


def test_mixture_at_the_ends_is_the_components():
    rng = np.random.default_rng(2)
    a, b = np.log(rng.uniform(0.01, 1, 100)), np.log(rng.uniform(0.01, 1, 100))
    assert np.array_equal(compare.mix_log_probs(a, b, 1.0), a)
    assert np.array_equal(compare.mix_log_probs(a, b, 0.0), b)
    mid = compare.mix_log_probs(a, b, 0.3)
    assert mid == pytest.approx(np.log(0.3 * np.exp(a) + 0.7 * np.exp(b)), abs=1e-12)


def test_mixture_of_distributions_is_a_distribution():
    p, q = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.1, 0.3])
    mixed = np.exp(compare.mix_log_probs(np.log(p), np.log(q), 0.37))
    assert mixed.sum() == pytest.approx(1.0, abs=1e-12)


def test_tune_weight_finds_the_validation_optimum():
    rng = np.random.default_rng(3)
    a, b = np.log(rng.uniform(0.01, 1, 2000)), np.log(rng.uniform(0.01, 1, 2000))
    weight = compare.tune_weight(a, b)
    grid = np.linspace(0, 1, 2001)
    scores = [compare.mix_log_probs(a, b, w).mean() for w in grid]
    assert 0 < weight < 1
    assert abs(weight - grid[int(np.argmax(scores))]) <= 1e-3
    assert compare.mix_log_probs(a, b, weight).mean() >= max(scores) - 1e-12


def test_tune_weight_picks_an_end_when_one_model_dominates():
    a = np.log(np.full(50, 0.5))
    assert compare.tune_weight(a, a - 1.0) == 1.0     # the first model is better everywhere
    assert compare.tune_weight(a - 1.0, a) == 0.0


def test_seen_and_unseen_partition_the_positions():
    data = corpora.Data("t", True, 0,
                        corpora.Vocabulary.from_sequences(["abab\n", "bba\n"], min_count=1),
                        ["abab\n", "bba\n"], [], ["abba\n", "cab\n"])
    seen = compare.seen_split(data, 2)
    n = sum(len(s) for s in data.test)
    assert seen.shape == (n,) and seen.dtype == bool
    contexts = set()
    for s in data.train:
        padded = "\n\n" + s
        contexts |= {padded[t : t + 2] for t in range(len(s))}
    expected = [("\n\n" + s)[t : t + 2].replace("c", corpora.UNK) in contexts
                for s in data.test for t in range(len(s))]
    assert seen.tolist() == expected
    lp = np.log(np.linspace(0.1, 0.9, n))
    both = (seen.sum() * compare.bits_per_token(lp, seen)
            + (~seen).sum() * compare.bits_per_token(lp, ~seen)) / n
    assert both == pytest.approx(compare.bits_per_token(lp), abs=1e-12)


def test_ngram_orders_stop_where_codes_stop_fitting(capsys):
    assert compare.ngram_orders(range(1, 9), 11_370) == [1, 2, 3, 4]
    assert "orders above 4 left out" in capsys.readouterr().err
    assert compare.ngram_orders(range(1, 9), 85) == list(range(1, 9))
    assert capsys.readouterr().err == ""


WORDS = ["anna", "bob", "carla", "dora", "emil", "frida", "gustav", "hanna"]


@pytest.fixture(scope="module", params=["chars", "words"])
def four_models(request):
    """add-k, Kneser–Ney, a briefly trained network and their mixture, on one vocabulary (of
    characters, then of words)."""
    rng = np.random.default_rng(0)
    train = [" ".join(rng.choice(WORDS, 3)) + "\n" for _ in range(200)]
    valid = [" ".join(rng.choice(WORDS, 3)) + "\n" for _ in range(20)]
    vocab = corpora.VOCABULARIES[request.param].from_sequences(train, min_count=2)
    data = corpora.Data("words", True, 0, vocab, train, valid, [])
    config = neural_lm.ModelConfig(vocab_size=data.vocab.size, context=3, embedding=4, hidden=(16,))
    network = neural_lm.MLPLanguageModel(config, data.vocab)
    neural_lm.train(network, *neural_lm.training_windows(data, 3),
                    neural_lm.TrainConfig(steps=50, batch_size=16, eval_every=25))
    kneser_ney = ngram.KneserNey(3).fit(train, data.vocab)
    return {"add-k": ngram.AddK(3, 0.1).fit(train, data.vocab), "kneser-ney": kneser_ney,
            "network": network, "mixture": compare.Mixture(network, kneser_ney, 0.3)}


def test_a_frozen_table_stays_as_drawn_and_the_ablation_measures_against_the_same_seed():
    rng = np.random.default_rng(1)
    text = [" ".join(rng.choice(WORDS, 3)) + "\n" for _ in range(300)]
    vocab = corpora.Vocabulary.from_sequences(text[:240], min_count=2)
    data = corpora.Data("words", True, 0, vocab, text[:240], text[240:270], text[270:])
    shape = neural_lm.ModelConfig(vocab_size=vocab.size, context=3, embedding=4, hidden=(16,))
    settings = neural_lm.TrainConfig(steps=60, batch_size=16, eval_every=30, lr=0.3)
    frozen = compare.train_neural(data, shape, settings, 0, freeze_table=True).model
    drawn = neural_lm.MLPLanguageModel(shape)  # the same seed: the same draw
    assert np.array_equal(frozen.embedding.weight.data, drawn.embedding.weight.data)
    assert not np.array_equal(frozen.output.weight.data, drawn.output.weight.data)
    learned = compare.train_neural(data, shape, settings, 0).model
    seen = np.arange(data.num_tokens("test")) % 3 > 0
    extras = {"seen": seen, "shape": shape, "settings": settings,
              "network_test": {0: learned.token_log_probs(data.test)},
              "kneser_ney_test": frozen.token_log_probs(data.test)}
    (run,) = compare.embedding_ablation(data, extras, [0])["runs"]
    gain = compare.bits_difference(frozen.token_log_probs(data.test),
                                   extras["network_test"][0])
    assert run["gain"]["all"]["mean"] == pytest.approx(gain.mean())
    assert run["gain"]["unseen"]["mean"] == pytest.approx(gain[~seen].mean())
    assert run["frozen_vs_kneser_ney"]["mean"] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("name", ["add-k", "kneser-ney", "network", "mixture"])
def test_every_model_answers_the_contract(four_models, name):
    model = four_models[name]
    text = ["hanna bob\n", "zoe, emil\n"]     # z, o, e, "," and the word zoe are unknown
    scored = model.token_log_probs(text)
    asked = []
    for ids in (model.vocab.encode(s) for s in text):
        for t in range(len(ids)):
            next_lp = model.next_log_probs(ids[:t])
            assert next_lp.shape == (model.vocab.size,)
            assert abs(np.exp(next_lp).sum() - 1) < 1e-9
            asked.append(next_lp[ids[t]])
    # two computation paths (the network: batches of different shapes): a tolerance, not ==
    np.testing.assert_allclose(scored, asked, rtol=1e-5, atol=1e-6)


def test_embedding_map_is_the_top_two_principal_components():
    # a table with known principal axes: E = mean + Q diag(s) W^T, Q centred and orthonormal
    rng = np.random.default_rng(5)
    A = rng.standard_normal((30, 4))
    Q, _ = np.linalg.qr(A - A.mean(axis=0))
    W, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    s = np.array([5.0, 2.0, 1.0, 0.5])
    E = 7.0 + (Q * s) @ W.T
    coords = compare.embedding_map(E)
    expected = Q[:, :2] * s[:2]
    signs = np.sign(np.sum(coords * expected, axis=0))     # each axis is known up to its sign
    assert np.allclose(coords, expected * signs, atol=1e-10)
    assert (coords[np.abs(coords).argmax(axis=0), [0, 1]] > 0).all()


def check_the_json_contract(figures: dict, unit: str, max_order: int) -> None:
    """The structure that compare --json promises, for either unit."""
    assert figures["unit"] == unit
    for key in compare.MODELS:
        bits = figures[key]["test_bits_per_token"]
        assert math.isfinite(bits) and math.isfinite(figures[key]["valid_bits_per_token"])
        assert figures[key]["test_perplexity"] == pytest.approx(2**bits, rel=1e-12)
    assert set(figures["differences_bits_per_token"]) == {
        "neural_vs_add_k", "neural_vs_kneser_ney", "mixture_vs_kneser_ney"}
    for d in figures["differences_bits_per_token"].values():
        assert set(d) == {"mean", "ci95"} and d["ci95"][0] <= d["mean"] <= d["ci95"][1]
    for key in ("best_add_k", "best_kneser_ney"):
        assert 1 <= figures[key]["order"] <= figures["ngram_orders"]["tuned"][1] <= max_order
    assert figures["ngram_orders"]["code_limit"] == ngram.highest_order(
        figures["corpus"]["vocabulary"])
    assert 0.0 <= figures["mixture"]["weight"] <= 1.0
    assert (figures["mixture"]["test_bits_per_token"]
            <= figures["best_kneser_ney"]["test_bits_per_token"] + 0.05)
    seen = figures["by_context"]["seen"]
    assert set(seen["differences_bits_per_token"]) == set(figures["differences_bits_per_token"])
    assert set(seen["test_bits_per_token"]) == set(compare.MODELS)


@pytest.mark.slow
def test_compare_json_end_to_end(tmp_path, capsys):
    rng = np.random.default_rng(0)
    words = ["anna", "bob", "carla", "dora", "emil", "frida", "gustav", "hanna"]
    text = "\n".join(" ".join(rng.choice(words, 6)) for _ in range(400)) + "\n"
    path = tmp_path / "tiny.txt"
    path.write_text(text, encoding="utf-8")
    status = cli.main(["compare", "--data", str(path), "--lines", "--steps", "60",
                       "--max-order", "3", "--hidden", "32", "--seeds", "2", "--curves", "5",
                       "--json"])
    assert status == 0
    figures = json.loads(capsys.readouterr().out)
    check_the_json_contract(figures, "character", max_order=3)
    first, second = figures["seeds"]["runs"]
    assert (first["seed"], second["seed"]) == (0, 1) and first != second
    assert first["differences_bits_per_token"] == figures["differences_bits_per_token"]
    assert first["test_bits_per_token"]["neural"] == figures["neural"]["test_bits_per_token"]
    curves = figures["learning_curves"]
    batch = figures["neural"]["batch_size"]  # the defaults' batch
    assert [tokens for tokens, _ in curves["neural"]] == [s * batch for s in (1, 3, 8, 22, 60)]
    assert [tokens for tokens, _ in curves["kneser_ney"]][-1] == curves["train_tokens"]
    assert curves["kneser_ney"][-1][1] == pytest.approx(
        figures["best_kneser_ney"]["valid_bits_per_token"], rel=1e-9)  # tuned as before
    for key in compare.MODELS:  # and the names of the figures before there were words
        assert figures[key]["test_bpc"] == figures[key]["test_bits_per_token"]
    assert figures["differences_bpc"] == figures["differences_bits_per_token"]
    assert figures["corpus"]["test_chars"] == figures["corpus"]["test_tokens"] == len(
        "".join(corpora.load_data(str(path), lines=True).test))


SUBJECTS = ("the king", "the queen", "my lord", "a fool", "his daughter", "our duke")
VERBS = ("loves", "fears", "serves", "sees", "follows")


@pytest.mark.slow
def test_compare_json_on_words_end_to_end(tmp_path, capsys):
    rng = np.random.default_rng(1)
    lines = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(SUBJECTS)}"
             f"{rng.choice(['.', '!', ', and weeps.'])}" for _ in range(800)]
    path = tmp_path / "never_seen.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status = cli.main(["compare", "--data", str(path), "--tokens", "words", "--time-budget", "1",
                       "--max-order", "20", "--json"])               # more than 64 bits allow
    assert status == 0
    figures = json.loads(capsys.readouterr().out)
    check_the_json_contract(figures, "word", max_order=20)
    assert figures["ngram_orders"]["tuned"] == [1, figures["ngram_orders"]["code_limit"]]
    assert "differences_bpc" not in figures and "test_bpc" not in figures["neural"]
    data = corpora.load_data(str(path), tokens="words")
    assert figures["corpus"]["test_tokens"] == data.num_tokens("test")
    assert figures["corpus"]["vocabulary"] == data.vocab.size
    for text in figures["samples"].values():  # decoded as text, every word one of the corpus
        assert text and not data.vocab.unknown_tokens(text) and "  " not in text


def test_seed_spread_is_the_spread_of_the_runs_means():
    def run(means):
        return {"differences_bits_per_token": {
            name: {"mean": m, "ci95": [m - 0.01, m + 0.01]}
            for name, m in zip(compare.DIFFERENCES, means, strict=True)}}
    runs = [run([-0.2, 0.1, -0.005]), run([-0.1, 0.3, 0.005]), run([-0.3, 0.2, -0.02])]
    spread = compare.seed_spread(runs)
    first = spread["neural_vs_add_k"]
    assert (first["mean"], first["min"], first["max"]) == pytest.approx((-0.2, -0.3, -0.1))
    assert first["sd"] == pytest.approx(0.1)                  # sample standard deviation
    assert first["all_below_zero"] and not first["all_above_zero"]
    assert spread["neural_vs_kneser_ney"]["all_above_zero"]
    third = spread["mixture_vs_kneser_ney"]                   # intervals on both sides of 0
    assert not third["all_below_zero"] and not third["all_above_zero"]
    assert compare.seed_spread(runs[:1])["neural_vs_add_k"]["sd"] == 0.0


def run_of(steps, network_valid, kn_valid=2.0):
    """A recorded compare run, as much of it as the series functions read."""
    d = {"mean": network_valid - kn_valid, "ci95": [network_valid - kn_valid - 0.01,
                                                     network_valid - kn_valid + 0.01]}
    return {"seconds": 60.0 * steps / 1000, "figures": {
        "unit": "character", "differences_bits_per_token": {"neural_vs_kneser_ney": d},
        "neural": {"steps": steps, "valid_bits_per_token": network_valid,
                   "test_bits_per_token": network_valid},
        "best_kneser_ney": {"valid_bits_per_token": kn_valid, "test_bits_per_token": kn_valid}}}


def test_the_convergence_sentence_says_where_the_series_meets_kneser_ney():
    crossing = [run_of(1000, 2.3), run_of(2000, 2.1), run_of(4000, 1.95), run_of(8000, 1.9)]
    assert "below Kneser–Ney's level from 4,000 steps on" in \
        compare.convergence_sentence(crossing)
    closing = [run_of(1000, 2.3), run_of(2000, 2.2), run_of(4000, 2.1)]
    assert "still closing the gap" in compare.convergence_sentence(closing)
    stuck = [run_of(1000, 2.3), run_of(2000, 2.2), run_of(4000, 2.25)]
    assert "stopped shrinking" in compare.convergence_sentence(stuck)
    assert "| 8,000 | 8 min | 1.900 |" in compare.steps_table(crossing)


def test_the_contrast_and_ablation_sentences_follow_their_intervals():
    figures = {"unit": "word", "by_context": {"unseen_minus_seen": {"neural_vs_kneser_ney": {
        "mean": -0.2, "ci95": [-0.3, -0.1]}}}}
    assert "better on unseen contexts" in compare.contrast_sentence(figures)
    assert "excludes zero" in compare.contrast_sentence(figures)
    figures["by_context"]["unseen_minus_seen"]["neural_vs_kneser_ney"]["ci95"] = [-0.3, 0.1]
    assert "includes zero" in compare.contrast_sentence(figures)
    gain = {"all": {"mean": 0.2, "ci95": [0.1, 0.3]}, "seen": {"mean": 0.1, "ci95": [0, .2]},
            "unseen": {"mean": 0.4, "ci95": [0.3, 0.5]},
            "unseen_minus_seen": {"mean": 0.3, "ci95": [0.2, 0.4]}}
    ablation = {"unit": "word", "runs": [{"seed": s, "gain": gain,
                                          "frozen_test_bits_per_token": 7.0} for s in (0, 1)]}
    assert "larger on unseen contexts" in compare.ablation_sentence(ablation)
    gain["unseen_minus_seen"] = {"mean": 0.1, "ci95": [-0.1, 0.3]}
    assert "not clearly larger" in compare.ablation_sentence(ablation)


def test_a_setting_on_the_edge_of_its_grid_is_named():
    rows = [{"order": n, "param": k, "valid_bits_per_token": 0.0}
            for n in (1, 2, 3) for k in (0.01, 0.1, 1.0)]
    figures = {"validation_tables": {"best_add_k": rows, "best_kneser_ney": rows},
               "best_add_k": {"order": 2, "k": 0.1}, "best_kneser_ney": {"order": 3},
               "ngram_orders": {"code_limit": 3}, "corpus": {"vocabulary": 75}}
    assert compare.edges_sentence(figures).startswith("On the edge of a grid: Kneser–Ney")
    assert "add-k" not in compare.edges_sentence(figures)
    figures["best_add_k"]["k"] = 1.0
    assert "add-k's k = 1 is at an end of its grid" in compare.edges_sentence(figures)
    figures["best_kneser_ney"]["order"], figures["best_add_k"]["k"] = 2, 0.1
    assert compare.edges_sentence(figures) == "Every tuned setting lies inside its grid."


def test_curve_steps_are_log_spaced_and_end_at_the_last_step():
    assert compare.curve_steps(60, 5) == {1, 3, 8, 22, 60}
    assert compare.curve_steps(3, 12) == {1, 2, 3}


def test_compare_is_a_subcommand_of_the_model_command_line():
    args = cli.build_parser().parse_args(["compare", "--data", "x.txt", "--json"])
    assert args.command == "compare" and args.data == "x.txt" and args.json
    assert args.time_budget is None and args.steps is None and cli.model_config(args).hidden
    assert cli.run_length(args, cli.RunLength(seconds=60.0)).seconds == 60.0


def test_bad_requests_end_in_one_line_and_exit_code_2(tmp_path, capsys):
    assert cli.main(["compare", "--data", str(tmp_path / "missing.txt")]) == 1  # as train
    assert cli.main(["compare", "--data", "names", "--time-budget", "0"]) == 2
    assert cli.main(["compare", "--data", "names", "--hidden", "0"]) == 2
    assert cli.main(["compare", "--data", "names", "--seeds", "0"]) == 2
    assert cli.main(["compare", "--data", "names", "--curves", "5"]) == 2  # needs --steps
    assert cli.main(["compare", "--data", "names", "--max-order", str(10**9)]) == 2
    err = capsys.readouterr().err
    assert err.count("compare: error:") == 6 and "Traceback" not in err
    assert "[compare]" not in err            # refused before any work was done


def test_the_embedding_map_replaces_a_png_whole_through_its_link(tmp_path, monkeypatch):
    import matplotlib.figure

    (tmp_path / "maps").mkdir()
    image, link = tmp_path / "maps" / "map.png", tmp_path / "map.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n an older map")
    link.symlink_to(image)
    rng = np.random.default_rng(0)
    extras = {"embedding": rng.standard_normal((6, 3)), "symbols": list("\n\x00abcd"),
              "counts": np.arange(6)}
    compare.save_embedding_map(str(link), extras)
    assert link.is_symlink() and image.read_bytes().startswith(b"\x89PNG")
    assert image.stat().st_size > 1000  # the new map, written through the link
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["map.png", "map.png", "maps"]
    new = image.read_bytes()

    def cut_short(figure, path, **options):  # a write that fails half-way (a full disk)
        Path(path).write_bytes(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", cut_short)
    with pytest.raises(OSError):
        compare.save_embedding_map(str(link), extras)
    assert image.read_bytes() == new and len(list(tmp_path.rglob("*"))) == 3  # kept, no debris
# ~/~ end
