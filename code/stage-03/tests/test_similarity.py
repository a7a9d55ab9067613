# ~/~ begin <<docs/stage-03/similar-vectors.md#code/stage-03/tests/test_similarity.py>>[init]
"""Tests of similarity.py (chapter 3.8, "Similar tokens, similar vectors").

Generated from docs/stage-03/similar-vectors.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

import dataclasses
import itertools

import numpy as np
import pytest

import similarity as sim
from corpora import BOUNDARY, UNK, UNK_ID, Data, WordVocabulary, load_data
from neural_lm import MLPLanguageModel, ModelConfig, TrainConfig

# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-test-statistic>>[init]
def zero_mean(table):
    """The table with its last row replaced so that the rows' mean is 0 (centred == table)."""
    table = table.copy()
    table[-1] = -table[:-1].sum(axis=0)
    return table


def test_cosines_and_the_mean_over_pairs_agree_with_a_pair_by_pair_computation():
    rng = np.random.default_rng(0)
    table = rng.standard_normal((12, 5)) + 3.0          # far from centred
    e = table - table.mean(axis=0)
    by_pairs = np.array([[e[i] @ e[j] / np.sqrt((e[i] @ e[i]) * (e[j] @ e[j]))
                          for j in range(12)] for i in range(12)])
    np.testing.assert_allclose(sim.cosine_similarities(table), by_pairs, atol=1e-12)
    np.testing.assert_allclose(sim.cosine_similarities(table, [3, 7]), by_pairs[[3, 7]],
                               atol=1e-12)
    groups = np.array([rng.choice(12, 4, replace=False) for _ in range(6)])   # (R, n)
    means = [np.mean([by_pairs[i, j] for i in g for j in g if i != j]) for g in groups]
    units = sim.unit_rows(table)
    np.testing.assert_allclose(sim.within_similarity(units, groups), means, atol=1e-12)
    np.testing.assert_allclose(sim.within_similarity(units, groups[0]), means[0], atol=1e-12)


def test_a_class_pointing_one_way_scores_one():
    rng = np.random.default_rng(1)
    symbols = [BOUNDARY, UNK] + [f"t{i}" for i in range(28)]
    table = rng.standard_normal((30, 6))
    table[2:7] = np.outer([1.0, 2.0, 0.5, 3.0, 1.5], rng.standard_normal(6))  # one direction
    table[7:10] = table[10:13] * [[0.5], [2.0], [4.0]]                       # three pairs
    table = zero_mean(table)
    group = sim.Group("one way", tuple(symbols[2:7]), tuple(symbols[2:]))
    pairs = sim.Pairs("pairs", tuple(zip(symbols[7:10], symbols[10:13], strict=True)))
    for token_class in (group, pairs):
        g = sim.measure(table, symbols, token_class, draws=500)
        assert g.statistic == pytest.approx(1.0, abs=1e-12)
        assert g.statistic > g.chance


def test_moving_or_scaling_the_whole_table_changes_nothing():
    rng = np.random.default_rng(2)
    symbols = [BOUNDARY, UNK] + list("abcdefghijklmnop")
    table = rng.standard_normal((18, 4))
    moved = 3.0 * table + rng.standard_normal(4) * 10     # every row: scaled, then shifted
    vowels, pairs = sim.character_classes(symbols)[0], sim.Pairs("p", (("a", "b"), ("c", "d")))
    for token_class in (vowels, pairs):
        a, b = (sim.measure(t, symbols, token_class, draws=300) for t in (table, moved))
        assert a.statistic == pytest.approx(b.statistic, abs=1e-12)
        assert a.as_high == b.as_high
    np.testing.assert_allclose(sim.cosine_similarities(moved), sim.cosine_similarities(table),
                               atol=1e-12)
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-test-permutation>>[init]
def test_the_p_value_agrees_with_the_exact_one_on_a_small_pool():
    rng = np.random.default_rng(3)
    symbols = [BOUNDARY, UNK, "a", "b", "c", "d", "e"]
    table = rng.standard_normal((7, 3))
    units = sim.unit_rows(table)
    pool = [2, 3, 4, 5, 6]
    score = {pair: units[pair[0]] @ units[pair[1]] for pair in itertools.combinations(pool, 2)}
    group = sim.Group("ab", ("a", "b"), tuple(symbols[2:]))
    exact = np.mean([s >= score[2, 3] - 1e-12 for s in score.values()])   # 10 groups in all
    g = sim.measure(table, symbols, group, draws=20_000, seed=5)
    assert g.size == 2 and g.p_value == pytest.approx(exact, abs=0.015)
    assert g.statistic == pytest.approx(score[2, 3])


def test_p_values_of_random_tables_are_spread_evenly():
    rng = np.random.default_rng(4)
    symbols = [str(i) for i in range(40)]
    p = []
    for seed in range(300):
        table = rng.standard_normal((40, 6))
        members = tuple(rng.choice(symbols, 5, replace=False))
        p.append(sim.measure(table, symbols, sim.Group("random", members, tuple(symbols)),
                             draws=200, seed=seed).p_value)
    p = np.array(p)
    assert 0.02 <= np.mean(p <= 0.05) <= 0.10 and 0.40 <= np.mean(p <= 0.5) <= 0.60
    assert p[0] > 0.05                                   # one random table: nothing to see


def test_a_class_alone_in_its_pool_ties_with_every_draw():
    table = np.random.default_rng(5).standard_normal((6, 3))
    symbols = [BOUNDARY, UNK, "a", "b", "c", "d"]
    g = sim.measure(table, symbols, sim.Group("all", ("a", "b", "c"), ("a", "b", "c")), draws=50)
    assert g.as_high == 50 and g.p_value == 1.0


def test_perfect_pairs_beat_every_random_pairing():
    rng = np.random.default_rng(6)
    letters = "abcdefghij"
    symbols = [BOUNDARY, UNK, *letters, *letters.upper()]
    table = rng.standard_normal((22, 8))
    table[12:] = table[2:12] * 2.0                       # each capital: its letter, longer
    table = np.vstack([table, -table.sum(axis=0)])       # a last row that centres the table
    g = sim.measure(table, [*symbols, "z"], sim.character_classes(symbols)[1], draws=1000)
    assert g.size == 10 and g.statistic == pytest.approx(1.0) and g.p_value == 1 / 1001


def test_tokens_the_vocabulary_lacks_are_left_out():
    rng = np.random.default_rng(7)
    symbols = [BOUNDARY, UNK, "a", "b", "c"]
    table = rng.standard_normal((5, 3))
    assert sim.measure(table, symbols, sim.Group("g", ("a", "b", "zz"), ("a", "b", "c"))).size == 2
    assert sim.measure(table, symbols, sim.Group("g", ("a", "zz"), ("a", "b", "c"))) is None
    assert sim.measure(table, symbols, sim.Pairs("p", (("a", "A"), ("b", "B")))) is None
    classes = sim.character_classes(symbols)
    assert [sim.measure(table, symbols, c) for c in classes] == [None] * 4
    with pytest.raises(ValueError, match="pool"):
        sim.measure(table, symbols, sim.Group("g", ("a", "b", "c"), ("a", "b")))
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-test-neighbours>>[init]
def test_nearest_neighbours_order_and_exclusions():
    rng = np.random.default_rng(8)
    symbols = [BOUNDARY, UNK, "a", "b", "c", "d", "e"]
    table = rng.standard_normal((7, 3))
    table[UNK_ID] = 2.0 * table[2]          # the unknown token points exactly the way of "a"
    table = zero_mean(table)                # (the last row, "e", takes up the mean)
    cos = sim.cosine_similarities(table, [2])[0]
    expected = sorted([0, 3, 4, 5, 6], key=lambda j: -cos[j])[:3]    # never "a", nor unknown
    near = sim.nearest_neighbours(table, symbols, "a", k=3)
    assert [s for s, _ in near] == [symbols[j] for j in expected]
    assert [c for _, c in near] == pytest.approx([cos[j] for j in expected], abs=1e-12)
    unknown, similarity = sim.nearest_neighbours(table, symbols, "a", k=1, among=[1, 2, 3])[0]
    assert unknown == UNK and similarity == pytest.approx(1.0)
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-test-training>>[init]
PLANE = ModelConfig(vocab_size=2, context=4, embedding=2, hidden=(256,))


@pytest.fixture(scope="module")
def names():
    return load_data("names")


def test_a_pool_of_equally_rare_tokens():
    counts = {f"t{i}": 2**i for i in range(20)}          # t0 .. t19, each twice the last
    pool = list(counts)
    rare = sim.equally_rare(["t3", "t4", "t5"], pool, counts, per_member=2, least=4)
    assert rare[0] == "t4" and set(rare) == {"t1", "t2", "t3", "t4", "t5", "t6"}  # nearest first
    assert sim.equally_rare(["t3"], pool, None) == tuple(pool)


def test_training_groups_the_vowels(names):
    run = sim.trained_tables(names, PLANE, TrainConfig(steps=300, eval_every=300))
    vowels = sim.character_classes(run.symbols, sim.token_counts(names))[0]
    before, after = (sim.measure(run.before["input"], run.symbols, vowels, draws=2000),
                     sim.measure(run.after["input"], run.symbols, vowels, draws=2000))
    assert after.statistic > before.statistic + 0.3 and after.p_value < before.p_value


def test_before_is_the_model_at_step_0_and_a_smaller_start_has_its_directions(names):
    fresh = MLPLanguageModel(dataclasses.replace(PLANE, vocab_size=names.vocab.size))
    one_step = TrainConfig(steps=1, eval_every=1)
    run = sim.trained_tables(names, PLANE, one_step)
    small = sim.trained_tables(names, dataclasses.replace(PLANE, embedding_scale=0.1), one_step)
    np.testing.assert_array_equal(run.before["input"], fresh.embedding.weight.data)
    np.testing.assert_array_equal(run.before["output"], fresh.output.weight.data.T)
    assert not np.array_equal(run.after["input"], run.before["input"])   # trained, not aliased
    unigram = dataclasses.replace(PLANE, output_bias="unigram")  # train_neural's own start too:
    still = sim.trained_tables(names, unigram, TrainConfig(steps=1, lr=0.0, momentum=0.0))
    for table in ("input", "output"):                          # a step at rate 0 moves nothing
        np.testing.assert_array_equal(still.before[table], still.after[table])
    np.testing.assert_allclose(small.before["input"], 0.1 * run.before["input"], rtol=1e-6)
    np.testing.assert_allclose(sim.cosine_similarities(small.before["input"]),
                               sim.cosine_similarities(run.before["input"]), atol=1e-6)
    assert sim.push_ratio(run.before["input"], run.before["input"]) == 0.0
# ~/~ end


# ~/~ begin <<docs/stage-03/similar-vectors.md#sim-test-words>>[init]
def test_word_classes_group_on_a_made_up_text():
    pronouns, titles = sim.WORD_CLASSES["pronouns"], sim.WORD_CLASSES["titles"]
    verbs = ("sees", "fears", "serves")
    rng = np.random.default_rng(0)
    lines = [f"{rng.choice(pronouns)} {rng.choice(verbs)} the {rng.choice(titles)}\n"
             if rng.random() < 0.5 else
             f"the {rng.choice(titles)} {rng.choice(verbs)} {rng.choice(pronouns)}\n"
             for _ in range(600)]
    vocab = WordVocabulary([BOUNDARY, UNK, *pronouns, *verbs, "the", *titles])
    data = Data("made-up", True, 0, vocab, lines[:500], lines[500:], [])
    pool = sim.frequent_tokens(data, 50)
    assert set(pool) == set(vocab.symbols[2:]) and pool[0] == "the"
    shape = ModelConfig(vocab_size=2, context=3, embedding=8, hidden=(32,), embedding_scale=0.1)
    run = sim.trained_tables(data, shape, TrainConfig(steps=300))
    classes = sim.word_classes(pool, sim.token_counts(data))
    for word_class in classes[::2]:                         # pronouns, titles (no numbers)
        before, after = (sim.measure(run.before["input"], run.symbols, word_class, draws=2000),
                         sim.measure(run.after["input"], run.symbols, word_class, draws=2000))
        assert after.statistic > before.statistic + 0.3 and after.p_value < 0.01
    assert sim.measure(run.after["input"], run.symbols, classes[1]) is None
# ~/~ end
# ~/~ end
