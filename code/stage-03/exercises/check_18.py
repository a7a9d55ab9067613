# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/check_18.py>>[init]
"""Checker for exercise 18 (docs/stage-03/exercises.md; generated, edit the chapter)."""

import numpy as np

TITLE = "Sampling with a temperature"
KIND, NEEDS, LEVEL = "implement", ("3.5",), 1
LOGITS = np.array([2.0, 1.0, 0.5, -1.0])


def check_temperature_one(ex):
    """T = 1 gives the plain softmax"""
    want = np.exp(LOGITS) / np.exp(LOGITS).sum()
    np.testing.assert_allclose(ex.temperature_probs(LOGITS, 1.0), want, atol=1e-12)


def check_limits(ex):
    """T -> 0 tends to the argmax, a large T to uniform, and T = 0.01 stays finite"""
    cold = ex.temperature_probs(LOGITS * 50, 0.01)
    assert np.all(np.isfinite(cold)) and cold[0] > 1 - 1e-9, f"T=0.01 gave {cold}"
    hot = ex.temperature_probs(LOGITS, 1e6)
    assert np.allclose(hot, 0.25, atol=1e-5), f"T=1e6 should be near uniform, got {hot}"


def check_rejects_bad_temperature(ex):
    """T <= 0 raises ValueError"""
    for T in (0.0, -1.0):
        try:
            ex.temperature_probs(LOGITS, T)
        except ValueError:
            continue
        raise AssertionError(f"T={T} was accepted; it should raise ValueError")


def check_sampling(ex):
    """draws follow the probabilities, and the same seed gives the same draws"""
    rng = np.random.default_rng(0)
    draws = np.array([ex.sample(LOGITS, 0.7, rng) for _ in range(20000)])
    freq = np.bincount(draws, minlength=4) / len(draws)
    want = ex.temperature_probs(LOGITS, 0.7)
    assert np.abs(freq - want).max() < 0.015, f"frequencies {freq} against {want}"
    again = [ex.sample(LOGITS, 0.7, np.random.default_rng(5)) for _ in range(3)]
    assert len(set(again)) == 1, "the same seed should give the same draw"
# ~/~ end
