# ~/~ begin <<docs/stage-03/comparison-report.md#code/stage-03/tests/test_findings_report.py>>[init]
"""The closing page's tables and sentences (docs/stage-03/comparison-report.md)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import compare  # noqa: E402


def diff(mean, half=0.01):
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def figures(network, kn, unseen=None, mixture=-0.02, unit="character", seconds=(60, 2)):
    """A comparison's figures: network and Kneser-Ney test bits, the unseen difference."""
    part = None if unseen is None else {
        "differences_bits_per_token": {"neural_vs_kneser_ney": diff(unseen)}}
    return {"unit": unit, "corpus": {"train_tokens": 800_000},
            "neural": {"steps": 3000, "test_bits_per_token": network, "parameters": 400,
                       "train_seconds": seconds[0], "valid_bits_per_token": network,
                       "batch_size": 256},
            "best_kneser_ney": {"test_bits_per_token": kn, "parameters": 800,
                                "train_seconds": seconds[1], "valid_bits_per_token": kn},
            "best_add_k": {"valid_bits_per_token": kn + 0.3},
            "differences_bits_per_token": {"neural_vs_kneser_ney": diff(network - kn),
                                           "mixture_vs_kneser_ney": diff(mixture)},
            "by_context": {"seen": {"differences_bits_per_token": {
                "neural_vs_kneser_ney": diff(0.0, 0.02)}}, "unseen": part}}


def test_comparisons_reads_both_forms_of_recording_in_order():
    recordings = {"page": {"results": {"figures": figures(2.0, 2.1)}},
                  "series": {"results": {"runs": [{"figures": figures(2.2, 2.1)},
                                                  {"figures": figures(2.1, 2.1)}]}},
                  "sweep": {"results": {"candidates": []}}}
    found = compare.comparisons(recordings)
    assert [name for name, _ in found] == ["page", "series", "series"]
    assert [f["neural"]["test_bits_per_token"] for _, f in found] == [2.0, 2.2, 2.1]


def test_a_difference_is_below_above_or_level_by_its_interval():
    assert compare.against_kneser_ney(diff(-0.1), "bpc").startswith("0.100 bpc below")
    assert compare.against_kneser_ney(diff(0.1), "bpc").startswith("0.100 bpc above")
    assert compare.against_kneser_ney(diff(0.005), "bpc").startswith("level with")


def test_the_findings_table_has_a_row_per_comparison_and_a_dash_for_no_unseen_part():
    table = compare.findings_table([("a", figures(2.0, 2.1, unseen=-0.2)),
                                    ("b", figures(2.3, 2.1))])
    rows = table.splitlines()[2:]
    assert len(rows) == 2 and "| 800,000, 3,000 | 2.000 | 2.100 | -0.100 [-0.110, -0.090]" \
        in rows[0]
    assert rows[0].endswith("| -0.200 [-0.210, -0.190] |") and rows[1].endswith("| — |")


def test_the_unseen_and_mixture_sentences_count_each_side_of_zero():
    runs = [("a", figures(2.0, 2.1, unseen=-0.2, mixture=-0.05)),
            ("b", figures(2.0, 2.1, unseen=0.3, mixture=0.0)),
            ("c", figures(2.0, 2.1, unseen=0.001)), ("d", figures(2.0, 2.1))]
    unseen = compare.unseen_sentence(runs)
    assert "below Kneser–Ney in 1 of these 3 comparisons and above it in 1" in unseen
    assert "from -0.200 to +0.300 bpc" in unseen
    mixture = compare.mixture_sentence(runs)
    assert "in 3 of the 4 recorded comparisons" in mixture
    assert "between 0.000 and 0.050" in mixture


def test_the_cost_sentence_gives_the_ratios_of_time_and_size():
    runs = [("a", figures(2.0, 2.1, seconds=(60, 2))), ("b", figures(2.0, 2.1,
                                                                      seconds=(300, 3)))]
    assert "30 to 100 times as long" in compare.cost_sentence(runs)
    assert "0.50 to 0.50 times as many parameters" in compare.cost_sentence(runs)


def test_the_sweep_sentence_subtracts_the_base_candidate():
    recorded = {"settings": {"steps": 1000}, "results": {
        "kneser_ney": {"order": 5, "valid_bits_per_token": 6.0},
        "candidates": [
            {"label": "a", "valid_bits_per_token": 5.9,
             "minus_kneser_ney": {"all": -0.1, "seen": 0.0, "unseen": -0.2}},
            {"label": "b", "valid_bits_per_token": 6.1,
             "minus_kneser_ney": {"all": 0.1, "seen": -0.05, "unseen": 0.3}}]}}
    assert "“b” changes the validation loss by +0.200 bits per token: -0.050 on seen " \
        "contexts and +0.500 on unseen" in compare.sweep_sentence(recorded, "a", "b")
    assert "The lowest validation loss: **a**" in compare.sweep_table(recorded)
    with pytest.raises(KeyError):
        compare.sweep_sentence(recorded, "a", "c")


def test_the_recorded_verdict_says_below_only_when_the_interval_is():
    def recording(d):
        f = figures(2.0, 2.1)
        f["differences_bits_per_token"]["neural_vs_kneser_ney"] = d
        return {"results": {"runs": [{"figures": f}]}}

    assert compare.recorded_verdict(recording(diff(0.1)), recording(diff(-0.05))).endswith(
        "-0.050 [-0.060, -0.040] bpc, below Kneser–Ney.")
    assert compare.recorded_verdict(recording(diff(0.1)), recording(diff(-0.005))).endswith(
        "not below it.")
    assert "at 3,000 steps the network is +0.100 [+0.090, +0.110] bpc from" in \
        compare.recorded_verdict(recording(diff(0.1)), recording(diff(0.0)))


def test_the_steps_plot_draws_the_network_and_both_levels_on_each_panel():
    series = {name: {"results": {"runs": [{"figures": figures(v, 2.1)} for v in (2.3, 2.2)]}}
              for name in ("one", "two")}
    fig, axes = plt.subplots(1, 2)
    compare.plot_steps_series(series, axes)
    assert [len(ax.lines) for ax in axes] == [3, 3]
    assert list(axes[0].lines[0].get_ydata()) == [2.3, 2.2]
    plt.close(fig)
# ~/~ end
