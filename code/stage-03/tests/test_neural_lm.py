# ~/~ begin <<docs/stage-03/building-the-model.md#code/stage-03/tests/test_neural_lm.py>>[init]
"""Tests of neural_lm.py (chapter 3.5, "Building the model").

Generated from docs/stage-03/building-the-model.md by entangled: edit the chapter and
`make tangle`, or edit this file and `make stitch`.
"""

import dataclasses
import io
import json
import math
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neural_lm as nlm
from corpora import CorpusError, load_data, windows

# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-fixtures>>[init]
WORDS = ("anna", "bob", "carla", "dora", "emil", "frida", "gus", "hanna", "ida", "jon")


@pytest.fixture
def words_file(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "words.txt"
    path.write_text("\n".join(rng.choice(WORDS, size=300)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def data(words_file):
    return load_data(str(words_file), lines=True)


def small_model(data, **changes):
    config = nlm.ModelConfig(vocab_size=data.vocab.size, context=3, embedding=4, hidden=(16,))
    return nlm.MLPLanguageModel(dataclasses.replace(config, **changes))
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-model>>[init]
@settings(deadline=None, max_examples=25)
@given(V=st.integers(2, 40), K=st.integers(1, 6), D=st.integers(1, 8),
       hidden=st.lists(st.integers(1, 20), min_size=1, max_size=3))
def test_parameter_count_formula(V, K, D, hidden):
    config = nlm.ModelConfig(vocab_size=V, context=K, embedding=D, hidden=tuple(hidden))
    assert nlm.MLPLanguageModel(config).num_parameters() == nlm.parameter_count(config)
    H = hidden
    by_hand = V * D + K * D * H[0] + H[0] + sum(a * b + b for a, b in zip(H, H[1:])) + H[-1] * V + V
    assert nlm.parameter_count(config) == by_hand


def test_initial_loss_is_close_to_ln_V(data):
    model = nlm.MLPLanguageModel(nlm.ModelConfig(vocab_size=data.vocab.size))
    X, Y = windows(data.train, data.vocab, model.config.context)
    assert abs(float(model.loss(X, Y).data) - math.log(data.vocab.size)) < 0.05


def test_probabilities_sum_to_one(data):
    X, _ = windows(data.valid, data.vocab, 3)
    p = np.exp(small_model(data).log_probs(X))
    assert np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12) and (p > 0).all()


def test_token_log_probs_agree_with_the_loss(data):
    model = small_model(data)
    lp = model.token_log_probs(data.valid, data.vocab)
    X, Y = windows(data.valid, data.vocab, 3)
    assert lp.shape == (sum(map(len, data.valid)),) and lp.dtype == np.float64
    assert np.isclose(-lp.mean(), float(model.loss(X, Y).data), rtol=1e-5)
    # Batches of 7 and of 4096 give matrix products of different shapes, which a BLAS kernel
    # may sum in a different order: float32 logits then differ in the last bit or two
    # (a relative 2**-23 each), so the log-probabilities agree to about 1e-6, not exactly.
    np.testing.assert_allclose(lp, model.window_log_probs(X, Y, batch_size=7),
                               rtol=1e-5, atol=1e-6)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-training>>[init]
def run(data, out=None, progress=None, model_seed=0, model_activation="tanh", **changes):
    model = small_model(data, seed=model_seed, activation=model_activation)
    config = nlm.TrainConfig(**{"steps": 150, "batch_size": 32, "eval_every": 50, **changes})
    xy = nlm.training_windows(data, model.config.context)
    return model, nlm.train(model, data.vocab, *xy, config, out=out, progress=progress)


def test_training_lowers_the_validation_loss(data):
    _, result = run(data)
    assert result.valid[-1][1] < result.valid[0][1] - 0.5 and result.stopped == "steps"


def test_a_time_budget_stops_the_run(data):
    _, result = run(data, steps=None, time_budget=0.3)
    assert result.stopped == "time" and 0.3 <= result.seconds < 5 and result.steps > 0


def test_training_is_deterministic(data):
    a, b, c = run(data)[1], run(data)[1], run(data, seed=1)[1]
    assert a.losses == b.losses and a.valid == b.valid
    assert a.losses != c.losses


def test_the_test_split_never_influences_training(data):
    other = dataclasses.replace(data, test=data.train[:40])  # the same run, another test split
    a, b = run(data)[1], run(other)[1]
    assert a.losses == b.losses and a.valid == b.valid


def test_divergence_stops_and_keeps_the_last_good_checkpoint(data, tmp_path):
    out = tmp_path / "run.ckpt.npz"
    with pytest.raises(nlm.TrainingDiverged, match="diverged.*smaller --lr"):
        run(data, out=out, lr=1e4, eval_every=1, steps=100, model_activation="relu")
    ckpt = nlm.load_checkpoint(out)
    assert all(np.isfinite(p.data).all() for p in ckpt.model.parameters())


class InterruptAt(nlm.Progress):
    def __init__(self, step):
        super().__init__(io.StringIO(), interval=0.0)
        self.at = step

    def update(self, step, *args, **kwargs):
        super().update(step, *args, **kwargs)
        if step == self.at:
            self.at = None  # once: the final report after the interrupt must not raise again
            raise KeyboardInterrupt


def test_an_interrupt_saves_and_returns(data, tmp_path):
    out = tmp_path / "run.ckpt.npz"
    _, result = run(data, out=out, progress=InterruptAt(20))
    assert result.stopped == "interrupted" and result.steps == 20
    assert result.valid[-1][0] == 20 and nlm.load_checkpoint(out).meta["step"] == result.best_step


def test_the_status_line():
    assert [nlm.format_seconds(s) for s in (0, 75, 3723, math.nan)] == \
        ["00:00", "01:15", "1:02:03", "--:--"]
    stream = io.StringIO()
    progress = nlm.Progress(stream, interval=60.0)
    progress.update(10, 0.25, 2.5, 2.75, 1000.0, 30.0)
    progress.update(20, 0.5, 2.0, 2.25, 1000.0, 60.0)  # within the interval: not written
    progress.update(30, 0.75, 1.5, 1.75, 1000.0, 90.0, force=True)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[0].startswith("step      10 | train 2.5000 | valid 2.7500")
    assert lines[0].endswith("1,000 ex/s | 01:30 left") and lines[1].endswith("00:30 left")


def test_bad_training_options_are_refused():
    for bad in ({"lr": 0}, {"lr": -1}, {"steps": 0}, {"steps": None, "time_budget": 0},
                {"steps": 10, "time_budget": 5}, {"momentum": 1.0}, {"decay": "linear"}):
        with pytest.raises(nlm.UsageError):
            nlm.TrainConfig(**bad)
    for bad in ({"context": 0}, {"embedding": 0}, {"hidden": ()}, {"activation": "sigmoid"}):
        with pytest.raises(nlm.UsageError):
            nlm.ModelConfig(vocab_size=10, **bad)


def test_learning_rate_schedules():
    cosine = nlm.TrainConfig(lr=0.2)
    assert nlm.learning_rate(cosine, 0) == 0.2 and abs(nlm.learning_rate(cosine, 1)) < 1e-15
    assert math.isclose(nlm.learning_rate(cosine, 0.5), 0.1)
    step = nlm.TrainConfig(lr=0.2, decay="step")
    assert nlm.learning_rate(step, 0.74) == 0.2 and math.isclose(nlm.learning_rate(step, 0.8), 0.02)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-data>>[init]
def test_bad_corpora_end_in_one_clear_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("café\n".encode("latin-1") * 50)
    for path in (empty, latin1, tmp_path / "missing.txt"):
        with pytest.raises(CorpusError):
            load_data(str(path))
    short = tmp_path / "short.txt"
    short.write_text("abc", encoding="utf-8")
    with pytest.raises(nlm.DataError, match="needs at least 9"):
        nlm.training_windows(load_data(str(short)), context=8)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-generate>>[init]
def test_greedy_generation_is_deterministic_and_greedy(data):
    model, vocab = small_model(data), data.vocab
    text = nlm.generate(model, vocab, prompt="a", length=12, temperature=0)
    assert text == nlm.generate(model, vocab, prompt="a", length=12, temperature=0, seed=5)
    context = "\n\n" + "a"  # K = 3: the prompt padded with two boundary symbols
    for char in text:
        probs = model.log_probs(vocab.encode(context[-3:])[None, :])[0]
        assert vocab.symbols[int(np.argmax(probs))] == char
        context += char
    assert text == nlm.generate(model, vocab, prompt="a", length=12, temperature=2.0, top_k=1)


def test_sampling_follows_the_seed_and_the_vocabulary(data):
    model = small_model(data)
    a = nlm.generate(model, data.vocab, length=50, seed=3)
    assert a == nlm.generate(model, data.vocab, length=50, seed=3) and len(a) == 50
    assert a != nlm.generate(model, data.vocab, length=50, seed=4)


def test_temperature_and_top_k_reshape_the_distribution():
    p = np.array([0.5, 0.3, 0.15, 0.05])
    rng = np.random.default_rng(0)
    top2 = np.array([nlm.sample_next(np.log(p), 1.0, 2, rng) for _ in range(4000)])
    assert set(top2.tolist()) == {0, 1} and abs((top2 == 0).mean() - 0.5 / 0.8) < 0.03
    cold = np.array([nlm.sample_next(np.log(p), 0.5, None, rng) for _ in range(4000)])
    assert np.allclose(np.bincount(cold, minlength=4) / 4000, p**2 / (p**2).sum(), atol=0.03)


def test_unknown_prompt_characters_are_named(data):
    with pytest.raises(nlm.PromptError, match=r"'Z', 'é'"):
        nlm.generate(small_model(data), data.vocab, prompt="anna Zé")
    for bad in ({"temperature": -1}, {"temperature": math.nan}, {"top_k": 0}, {"length": -1}):
        with pytest.raises(nlm.UsageError):
            nlm.generate(small_model(data), data.vocab, **bad)
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-checkpoints>>[init]
def test_checkpoint_round_trip(data, tmp_path):
    model = run(data)[0]
    path = nlm.save_checkpoint(tmp_path / "runs" / "m.ckpt.npz", model, data.vocab, step=7,
                               data=data.info(), metrics={"valid_loss": 1.5})
    ckpt = nlm.load_checkpoint(path)
    assert ckpt.model.config == model.config and ckpt.meta["step"] == 7
    assert ckpt.vocab.symbols == data.vocab.symbols
    assert np.array_equal(ckpt.model.token_log_probs(data.test, ckpt.vocab),
                          model.token_log_probs(data.test, data.vocab))
    assert [p.name for p in path.parent.iterdir()] == ["m.ckpt.npz"]  # no temporary file left


def test_bad_checkpoints_are_reported(data, tmp_path):
    good = nlm.save_checkpoint(tmp_path / "good.npz", small_model(data), data.vocab)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    with np.load(good) as npz:
        arrays = dict(npz)
    arrays["hidden1.weight"] = arrays["hidden1.weight"][:, :5]
    mismatched = tmp_path / "mismatched.npz"
    np.savez(mismatched, **arrays)
    wrong_shape = re.escape(f"hidden1.weight has shape {arrays['hidden1.weight'].shape}")
    meta = json.loads(arrays[nlm.META].tobytes())
    future = tmp_path / "future.npz"
    np.savez(future, **{**arrays, nlm.META: np.frombuffer(
        json.dumps({**meta, "version": 99}).encode(), dtype=np.uint8)})
    for path, message in ((tmp_path / "missing.npz", "no checkpoint"),
                          (truncated, "truncated or corrupt"), (foreign, "not a checkpoint"),
                          (mismatched, wrong_shape), (future, "version 99")):
        with pytest.raises(nlm.CheckpointError, match=message):
            nlm.load_checkpoint(path)


def test_a_failed_write_keeps_the_old_checkpoint(data, tmp_path, monkeypatch):
    path = nlm.save_checkpoint(tmp_path / "runs" / "m.npz", small_model(data), data.vocab, step=1)
    def disk_full(*args):
        raise OSError("disk full")

    monkeypatch.setattr(nlm.os, "replace", disk_full)
    with pytest.raises(OSError):
        nlm.save_checkpoint(path, small_model(data, seed=9), data.vocab, step=2)
    assert nlm.load_checkpoint(path).meta["step"] == 1
    assert [p.name for p in path.parent.iterdir()] == ["m.npz"]
# ~/~ end


# ~/~ begin <<docs/stage-03/building-the-model.md#nlm-test-cli>>[init]
SCRIPT = Path(__file__).resolve().parents[1] / "neural_lm.py"


def cli(*args, cwd=None):
    proc = subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_every_command_has_help():
    for command in ("train", "generate", "evaluate"):
        assert cli(command, "--help").returncode == 0


@pytest.mark.slow
def test_train_generate_evaluate(words_file, tmp_path):
    out = tmp_path / "m.ckpt.npz"
    trained = cli("train", "--data", words_file, "--lines", "--steps", 200, "--context", 3,
                  "--hidden", 32, "--out", out)
    assert trained.returncode == 0 and out.exists() and "saved in" in trained.stdout
    sample = cli("generate", "--checkpoint", out, "--prompt", "an", "--length", 30)
    assert sample.returncode == 0 and sample.stdout.startswith("an")
    scores = json.loads(cli("evaluate", "--checkpoint", out, "--json").stdout)
    assert math.isclose(scores["test_bpc"], scores["test_loss_nats"] / math.log(2))
    assert math.isclose(scores["test_perplexity"], math.exp(scores["test_loss_nats"]))
    ckpt = nlm.load_checkpoint(out)  # the test split of the same data, split the same way
    test = load_data(str(words_file), lines=True, vocab=ckpt.vocab).test
    by_hand = nlm.evaluate(ckpt.model, ckpt.vocab, test)["loss_nats"]
    assert math.isclose(scores["test_loss_nats"], by_hand, rel_tol=1e-12)


@pytest.mark.slow
def test_ctrl_c_saves_and_exits_cleanly(words_file, tmp_path):
    out = tmp_path / "m.ckpt.npz"
    proc = subprocess.Popen([sys.executable, str(SCRIPT), "train", "--data", str(words_file),
                             "--lines", "--time-budget", "60", "--hidden", "16", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:  # the header, then a first status line after step 1
            if line.startswith("step"):
                break
        time.sleep(0.3)  # well into the training loop
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert stdout.startswith("interrupted") and nlm.load_checkpoint(out).meta["step"] > 0


@pytest.mark.slow
def test_cli_errors_are_one_line_with_the_right_status(words_file, tmp_path):
    latin1, empty, junk = tmp_path / "latin1.txt", tmp_path / "empty.txt", tmp_path / "junk.npz"
    latin1.write_bytes(b"caf\xe9\n" * 50)
    empty.write_text("", encoding="utf-8")
    junk.write_bytes(b"not a zip file")
    short = tmp_path / "short.txt"
    short.write_text("to be", encoding="utf-8")  # 5 characters, fewer than a context of 8 + 1
    out = tmp_path / "m.ckpt.npz"
    assert cli("train", "--data", words_file, "--lines", "--steps", 5, "--hidden", 8,
               "--out", out, "--quiet").returncode == 0
    cases = [
        (2, ["train"]), (2, ["train", "--data", words_file, "--context", 0]),
        (2, ["train", "--data", words_file, "--lr", 0]),
        (2, ["train", "--data", words_file, "--steps", 0]),
        (2, ["generate", "--checkpoint", out, "--prompt", "Zé"]),
        (2, ["train", "--data", words_file, "--out", tmp_path]),
        (1, ["train", "--data", tmp_path / "missing.txt"]), (1, ["train", "--data", latin1]),
        (1, ["train", "--data", empty]), (1, ["train", "--data", short]),
        (1, ["generate", "--checkpoint", tmp_path / "none.npz"]),
        (1, ["evaluate", "--checkpoint", junk]),
    ]
    for status, args in cases:
        proc = cli(*args)
        assert proc.returncode == status, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and "error" in proc.stderr, proc.stderr
# ~/~ end
# ~/~ end
