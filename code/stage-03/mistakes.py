# ~/~ begin <<docs/stage-03/mistakes.md#code/stage-03/mistakes.py>>[init]
"""The Common Mistakes as debugging tasks: `make debug N=3` runs `code/stage-03/mistakes.py 3`.

Each mistake is an exact replacement of a few lines in one tangled module. This injects it into
a temporary copy of code/, runs a short demo that shows the symptom and the reference tests
that catch it. tests/test_mistakes.py checks that every mistake is caught. From the Common
mistakes page, docs/stage-03/mistakes.md; generated: edit the chapter (or edit here and
`make stitch`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path

# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-record>>[init]
ROOT = Path(__file__).resolve().parents[2]          # the repository
STAGES = ("code/stage-01", "code/stage-02", "code/stage-03")


class MistakeError(Exception):
    """A mistake that cannot be injected (the reference code changed), or no such mistake."""


@dataclass(frozen=True)
class Mistake:
    """One classic mistake, as an exact replacement of lines in one tangled file."""

    number: int
    title: str
    file: str                  # relative to the repository, e.g. "code/stage-03/tensor.py"
    original: str              # the reference lines (indentation relative, see `locate`)
    broken: str                # the same lines with the mistake
    tests: tuple[str, ...]     # pytest arguments that must catch it (test modules, node ids)
    demo: str                  # Python that prints the symptom
    markers: str = "not slow"  # which of the tests to run


MISTAKES: dict[int, Mistake] = {}


def register(mistake: Mistake) -> None:
    assert mistake.number not in MISTAKES, f"mistake {mistake.number} registered twice"
    MISTAKES[mistake.number] = mistake
# ~/~ end


# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-inject>>[init]
def lines_of(snippet: str) -> list[str]:
    return textwrap.dedent(snippet).strip("\n").split("\n")


def locate(text: str, snippet: str) -> list[tuple[int, str]]:
    """(line index, indentation) of every place where the snippet's lines occur, indented alike."""
    lines, want = text.split("\n"), lines_of(snippet)
    hits = []
    for i in range(len(lines) - len(want) + 1):
        indent = lines[i][: len(lines[i]) - len(want[0])]
        if not lines[i].endswith(want[0]) or indent.strip():
            continue
        if all(lines[i + k] == (indent + w if w.strip() else "") for k, w in enumerate(want)):
            hits.append((i, indent))
    return hits


def inject(root: Path, mistake: Mistake) -> None:
    """Replace the mistake's original lines by its broken lines in root/mistake.file."""
    path = root / mistake.file
    text = path.read_text(encoding="utf-8")
    hits = locate(text, mistake.original)
    if len(hits) != 1:
        raise MistakeError(
            f"mistake {mistake.number} ({mistake.title}): its reference lines occur {len(hits)} "
            f"times in {mistake.file}, not once. The reference code changed: update the "
            f"mistake's `original` lines on the Common mistakes page.")
    (i, indent), lines = hits[0], text.split("\n")
    broken = [indent + w if w.strip() else "" for w in lines_of(mistake.broken)]
    lines[i : i + len(lines_of(mistake.original))] = broken
    path.write_text("\n".join(lines), encoding="utf-8")
# ~/~ end


# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-copy>>[init]
def copy_code(dest: Path) -> Path:
    """A copy of the repository's code/, with pytest's settings (pyproject.toml) and its root
    conftest.py (which sets the process up as every test session does), in dest."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")
    shutil.copytree(ROOT / "code", dest / "code", ignore=ignore)
    for name in ("pyproject.toml", "conftest.py"):
        shutil.copy(ROOT / name, dest / name)
    return dest


def environment(root: Path) -> dict[str, str]:
    """The environment in which `import tensor` (etc.) finds root's copy of the code first."""
    paths = [str(root / stage) for stage in STAGES]
    old = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths + ([old] if old else [])),
                PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")


def imported_from(root: Path) -> dict[str, str]:
    """{module: file it is imported from} for the book's modules, as seen from root."""
    names = [p.stem for stage in STAGES for p in sorted((root / stage).glob("*.py"))]
    code = f"import importlib\nfor n in {names!r}: print(n, importlib.import_module(n).__file__)"
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=environment(root),
                         capture_output=True, text=True, check=True).stdout
    return dict(line.split(" ", 1) for line in out.splitlines())
# ~/~ end


# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-run>>[init]
def run_tests(root: Path, mistake: Mistake, first_failure: bool = True):
    """pytest on the mistake's tests in root; the CompletedProcess."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--tb=line",
               "-m", mistake.markers, *(["-x"] if first_failure else []), *mistake.tests]
    return subprocess.run(command, cwd=root, env=environment(root), capture_output=True,
                          text=True, timeout=600)


def caught(mistake: Mistake) -> tuple[bool, str]:
    """Inject the mistake into a fresh copy; (did a reference test fail?, pytest's output)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_code(Path(tmp))
        inject(root, mistake)
        proc = run_tests(root, mistake)
    return proc.returncode == 1, proc.stdout + proc.stderr
# ~/~ end


# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-demos>>[init]
DEMO_RUNNER = r"""
import contextlib, io, json, sys, warnings
book, base, results = json.loads(sys.argv[1]), list(sys.path), []
for paths, code in json.load(sys.stdin):
    for name in book:
        sys.modules.pop(name, None)
    sys.path[:] = paths + base
    out, error = io.StringIO(), ""
    with warnings.catch_warnings(record=True) as seen, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            exec(compile(code, "<demo>", "exec"), {"__name__": "__demo__"})
        except Exception as e:
            error = f"{type(e).__name__}: {e}"
    warned = [f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}" for w in seen]
    results.append([out.getvalue(), error, warned])
json.dump(results, sys.stdout)
"""


def run_demos(jobs: list[tuple[Path, str]]) -> list[str]:
    """What each demo prints when run against its root's code (an exception included)."""
    names = sorted({p.stem for root, _ in jobs for s in STAGES for p in (root / s).glob("*.py")})
    payload = [[[str(root / s) for s in STAGES], textwrap.dedent(code)] for root, code in jobs]
    proc = subprocess.run([sys.executable, "-c", DEMO_RUNNER, json.dumps(names)], cwd=ROOT,
                          input=json.dumps(payload), capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise MistakeError(f"the demos could not run:\n{proc.stderr[-2000:]}")
    outputs = []
    for out, error, warned in json.loads(proc.stdout):
        text = out.rstrip() + (f"\n(stopped by {error})" if error else "")
        for line in dict.fromkeys(warned):  # each warning once
            text += "\n" + re.sub(r"^.*?/code/", "code/", line)
        outputs.append(text.strip())
    return outputs
# ~/~ end


# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-show>>[init]
def diff(mistake: Mistake) -> str:
    """The mistake as a unified diff of its file (reference, then broken)."""
    with tempfile.TemporaryDirectory() as tmp:
        before = (ROOT / mistake.file).read_text(encoding="utf-8")
        target = Path(tmp) / "file.py"
        target.write_text(before, encoding="utf-8")
        inject(Path(tmp), replace(mistake, file="file.py"))
        after = target.read_text(encoding="utf-8")
    lines = difflib.unified_diff(before.split("\n"), after.split("\n"), n=2, lineterm="",
                                 fromfile=f"{mistake.file} (reference)",
                                 tofile=f"{mistake.file} (with the mistake)")
    return "\n".join(line for line in lines if not line.lstrip("+- ").startswith("# ~/~"))


def symptoms(selected: list[Mistake]) -> list[str]:
    """For each mistake, its demo's output on the reference code and on a broken copy."""
    with tempfile.TemporaryDirectory() as tmp:
        jobs = []
        for mistake in selected:
            root = copy_code(Path(tmp) / str(mistake.number))
            inject(root, mistake)
            jobs += [(ROOT, mistake.demo), (root, mistake.demo)]
        outputs = run_demos(jobs)
    return [f"reference code:\n{textwrap.indent(reference, '    ')}\n"
            f"with the mistake:\n{textwrap.indent(broken, '    ')}"
            for reference, broken in zip(outputs[::2], outputs[1::2], strict=True)]


def failures(pytest_output: str) -> list[str]:
    """The lines of pytest's output that name failing tests, and its summary line."""
    summary = re.compile(r"^=*\s*\d+ (failed|passed|error)")
    return [line for line in pytest_output.splitlines()
            if line.startswith(("FAILED", "ERROR")) or summary.match(line)]
# ~/~ end


# ---------------------------------------------------------------------------------------------
# the registry: one entry per mistake on the page

# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[init]
TRAINING_DEMO = """
    import neural_lm as nlm
    from corpora import load_data
    data = load_data("names")
    config = nlm.ModelConfig(vocab_size=data.vocab.size, context=3, embedding=8, hidden=(64,))
    model = nlm.MLPLanguageModel(config, data.vocab)
    settings = nlm.TrainConfig(steps=400, batch_size=64, eval_every=100, valid_windows=2000)
    result = nlm.train(model, *nlm.training_windows(data, 3), settings)
    print(f"learning rate {settings.lr}; validation loss (nats) every 100 steps:")
    print("  " + "  ".join(f"{loss:.3f}" for _, loss in result.valid))
    print(f"the run stopped: {result.stopped}, after {result.steps} steps")
"""

register(Mistake(
    number=1,
    title="The target leaking into its own context window",
    file="code/stage-01/corpora.py",
    original="""
            X[:, j] = self.ids[t - self.K + j]
    """,
    broken="""
            X[:, j] = self.ids[t - self.K + 1 + j]
    """,
    tests=("code/stage-01/tests/test_corpora.py::test_windows_match_a_slow_loop",
           "code/stage-01/tests/test_corpora.py::test_windows_by_hand"),
    demo=textwrap.dedent("""
        import corpora
        vocab = corpora.Vocabulary.from_sequences(["abc\\n"], min_count=1)
        X, Y = corpora.windows(["abc\\n"], vocab, 3)
        print("the training pairs of the sequence 'abc' with K = 3 (\\\\n is the boundary):")
        for x, y in zip(X, Y):
            context, target = vocab.decode(x), vocab.decode(y[None])
            print(f"  {context!r:>9} -> {target!r}")
    """) + textwrap.dedent(TRAINING_DEMO),
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[1]
register(Mistake(
    number=2,
    title="Test data used for tuning",
    file="code/stage-03/neural_lm.py",
    original="""
        return (Windows.of(data.train, data.vocab, context),
                Windows.of(data.valid, data.vocab, context))
    """,
    broken="""
        return (Windows.of(data.train, data.vocab, context),
                Windows.of(data.test, data.vocab, context))
    """,
    tests=("code/stage-03/tests/test_neural_lm.py::test_the_test_split_never_influences_training",),
    demo="""
        import numpy as np
        import corpora
        import neural_lm as nlm
        data = corpora.load_data("names")
        _, valid = nlm.training_windows(data, 3)
        Xv, Yv = valid.batch(slice(None))
        print("train() keeps the parameters with the lowest loss on the windows it is given;")
        for name in ("valid", "test"):
            X, Y = corpora.windows(getattr(data, name), data.vocab, 3)
            same = X.shape == Xv.shape and np.array_equal(X, Xv) and np.array_equal(Y, Yv)
            print(f"  are they the windows of the {name} split? {'yes' if same else 'no'}")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[2]
register(Mistake(
    number=3,
    title="A gradient overwritten instead of accumulated",
    file="code/stage-02/value.py",
    original="""
        self.grad += other.data * out.grad
        other.grad += self.data * out.grad
    """,
    broken="""
        self.grad = other.data * out.grad
        other.grad = self.data * out.grad
    """,
    tests=("code/stage-02/tests/test_value.py::test_a_value_used_twice_accumulates",),
    demo="""
        from value import Value
        x = Value(3.0)
        y = x * x
        y.backward()
        print(f"y = x * x at x = 3: backward gives dy/dx = {x.grad:g}; the slope 2x is 6")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[3]
register(Mistake(
    number=4,
    title="An embedding gradient overwritten over repeated characters",
    file="code/stage-03/tensor.py",
    original="""
        out[present] = np.add.reduceat(np.take(rows, order, axis=0), starts, axis=0)
    """,
    broken="""
        out[idx] += rows  # looks like a scatter-add; numpy buffers it
    """,
    tests=("code/stage-03/tests/test_tensor.py::test_lookup_equals_one_hot_product_forward_and_backward",
           "code/stage-03/tests/test_tensor.py::test_lookup_gradient_accumulates_over_repeated_ids"),
    demo="""
        import numpy as np
        import tensor
        W = tensor.Tensor(np.zeros((4, 2)), requires_grad=True)
        tensor.embedding(W, np.array([[2, 2, 2, 1]])).sum().backward()
        print("ids 2, 2, 2, 1, each with upstream gradient 1; the gradient of W:")
        for v, row in enumerate(W.grad):
            print(f"  row {v}: {row.tolist()}")
        print("row 2 should be [3.0, 3.0]: id 2 was looked up three times")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[4]
register(Mistake(
    number=5,
    title="A bias gradient not summed back over the batch",
    file="code/stage-03/tensor.py",
    original="""
        grad = grad.sum(axis=tuple(range(extra)) + stretched, keepdims=True)
    """,
    broken="""
        grad = grad.mean(axis=tuple(range(extra)) + stretched, keepdims=True)
    """,
    tests=("code/stage-03/tests/test_tensor.py::test_broadcasting_gradients",
           "code/stage-03/tests/test_tensor.py::test_unbroadcast_sums_stretched_axes_and_checks_the_shape"),
    demo="""
        import numpy as np
        import tensor
        rng = np.random.default_rng(0)
        W = tensor.Tensor(rng.normal(size=(3, 2)), requires_grad=True, dtype=np.float64)
        b = tensor.Tensor(np.zeros(2), requires_grad=True, dtype=np.float64)
        x = tensor.Tensor(rng.normal(size=(8, 3)), dtype=np.float64)
        (x @ W + b).sum().backward()
        print("L = sum of (x @ W + b) over a batch of 8 rows, b broadcast to every row")
        print(f"  dL/db from backward: {b.grad.tolist()}")
        print("  dL/db by hand:       [8.0, 8.0] (each bias entry is added to 8 outputs)")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[5]
register(Mistake(
    number=6,
    title="The tanh derivative taken at the input",
    file="code/stage-03/tensor.py",
    original="""
        _accumulate(a, g * (1 - t * t))
    """,
    broken="""
        _accumulate(a, g * (1 - a.data * a.data))
    """,
    tests=("code/stage-03/tests/test_tensor.py::test_every_op_matches_finite_differences",),
    demo="""
        import numpy as np
        import tensor
        x = tensor.Tensor([0.1, 0.5, 2.0], requires_grad=True, dtype=np.float64)
        x.tanh().sum().backward()
        print(f"x:                      {x.data.tolist()}")
        print(f"d tanh(x)/dx, backward: {np.round(x.grad, 4).tolist()}")
        print(f"1 - tanh(x)**2:         {np.round(1 - np.tanh(x.data) ** 2, 4).tolist()}")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[6]
register(Mistake(
    number=7,
    title="Logits that start over-confident",
    file="code/stage-03/tensor.py",
    original="""
        std = gain / np.sqrt(n_in)
    """,
    broken="""
        std = gain  # not scaled by fan-in
    """,
    tests=("code/stage-03/tests/test_tensor.py::test_layers_initialise_by_fan_in_and_list_their_parameters",),
    demo="""
        import numpy as np
        import tensor
        rng = np.random.default_rng(0)
        V, H, B = 27, 200, 512
        hidden = tensor.Tensor(np.tanh(rng.normal(size=(B, H))))
        logits = tensor.Linear(H, V, rng)(hidden)
        loss = tensor.cross_entropy(logits, rng.integers(0, V, size=B))
        print(f"a fresh output layer: loss {loss.item():.2f} nats, "
              f"largest logit {np.abs(logits.data).max():.1f}")
        print(f"guessing uniformly:   loss ln {V} = {np.log(V):.2f} nats")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[7]
register(Mistake(
    number=8,
    title="Softmax without the max shift",
    file="code/stage-03/tensor.py",
    original="""
        shifted = logits.data - logits.data.max(axis=1, keepdims=True)  # (B, V), row maxima 0
    """,
    broken="""
        shifted = logits.data  # (B, V): the maximum is not subtracted
    """,
    tests=("code/stage-03/tests/test_tensor.py::test_cross_entropy_is_finite_for_huge_logits",),
    demo="""
        import numpy as np
        import tensor
        for scale in (1, 10, 100):
            logits = tensor.Tensor(scale * np.array([[2.0, 1.0, -1.0]]))
            loss = tensor.cross_entropy(logits, np.array([0]))
            print(f"logits {scale:>3} * [2, 1, -1], target 0: loss {loss.item():.4f}")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[8]
register(Mistake(
    number=9,
    title="Normalising over the wrong axis",
    file="code/stage-03/neural_lm.py",
    original="""
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    """,
    broken="""
        return z - np.log(np.exp(z).sum(axis=0, keepdims=True))
    """,
    tests=("code/stage-03/tests/test_neural_lm.py::test_probabilities_sum_to_one",
           "code/stage-03/tests/test_neural_lm.py::test_token_log_probs_agree_with_the_loss"),
    demo="""
        import numpy as np
        import neural_lm as nlm
        config = nlm.ModelConfig(vocab_size=6, context=2, embedding=3, hidden=(8,))
        p = np.exp(nlm.MLPLanguageModel(config).log_probs(np.array([[0, 1], [2, 3], [4, 5]])))
        print("three contexts, six symbols: p has shape (3, 6)")
        print(f"  sums over the symbols (one per context): {np.round(p.sum(axis=1), 4).tolist()}")
        print(f"  sums over the contexts (one per symbol): {np.round(p.sum(axis=0), 4).tolist()}")
    """,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[9]
register(Mistake(
    number=10,
    title="Forgetting to reset the gradients",
    file="code/stage-03/neural_lm.py",
    original="""
        optimiser.zero_grad()
        loss.backward()
    """,
    broken="""
        loss.backward()
    """,
    tests=("code/stage-03/tests/test_neural_lm.py::test_training_lowers_the_validation_loss",),
    demo=TRAINING_DEMO,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[10]
register(Mistake(
    number=11,
    title="A learning rate that diverges",
    file="code/stage-03/tensor.py",
    original="""
        scale = g / B  # the loss is the mean over the batch
    """,
    broken="""
        scale = g  # the gradient of the sum; the loss is the mean
    """,
    tests=("code/stage-03/tests/test_tensor.py::test_cross_entropy_equals_the_naive_formula_and_its_gradient",
           "code/stage-03/tests/test_tensor.py::test_same_gradients_as_the_scalar_engine"),
    demo=TRAINING_DEMO,
))
# ~/~ end
# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-registry>>[11]
register(Mistake(
    number=12,
    title="Bits and nats mixed up",
    file="code/stage-01/lm.py",
    original="""
        return float(nats_to_bits(nats_per_token(log_probs)))
    """,
    broken="""
        return float(nats_per_token(log_probs))
    """,
    tests=("code/stage-01/tests/test_lm.py::test_bits_nats_and_perplexity",
           "code/stage-01/tests/test_ngram.py::test_unigram_model_of_uniform_data_scores_log2_V"),
    demo="""
        import numpy as np
        import lm
        V = 27
        log_probs = np.full(1000, -np.log(V))   # a model that gives every character 1/27
        bpc = lm.bits_per_token(log_probs)
        print(f"a uniform model over {V} symbols: {bpc:.4f} bits per character "
              f"(it must be log2 {V} = {np.log2(V):.4f})")
        print(f"perplexity {lm.perplexity(log_probs):.4f}, 2 ** bpc = {2 ** bpc:.4f}")
    """,
))
# ~/~ end


# ~/~ begin <<docs/stage-03/mistakes.md#mistakes-main>>[init]
def number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"N must be a whole number, not {text!r}: "
                                         "make debug N=3") from None


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked; MistakeError (or argparse's) with one line if it is wrong."""
    parser = argparse.ArgumentParser(description="Inject one Common Mistake into a copy of code/.",
                                     exit_on_error=False)  # a bad N: our one line in main
    parser.add_argument("n", nargs="?", type=number, help="the mistake's number")
    parser.add_argument("--keep", action="store_true", help="keep the broken copy")
    parser.add_argument("--show-diff", action="store_true",
                        help="after the clues, name the mistake and show the changed lines")
    args = parser.parse_args(argv)
    if args.n is None:
        listing = "\n".join(f"  {n:2d}  {m.title}" for n, m in sorted(MISTAKES.items()))
        raise MistakeError(f"say which mistake: make debug N=<n>, one of\n{listing}")
    if args.n not in MISTAKES:
        raise MistakeError(f"there is no mistake {args.n}: they are numbered {min(MISTAKES)} to "
                           f"{max(MISTAKES)} (`make debug` alone lists them)")
    return args


def show(mistake: Mistake, tmp: Path, with_diff: bool = False) -> subprocess.CompletedProcess:
    """Inject the mistake into a copy of code/ in tmp; print the symptom and the reference tests
    that fail, then, only `with_diff`, the mistake's title and the changed lines; return
    pytest's run. Without them the clues never name the cause: finding it is the task."""
    root = copy_code(tmp)
    inject(root, mistake)
    print(f"Common mistake {mistake.number}, injected into a copy of code/ in {tmp}\n")
    symptom = symptoms([mistake])[0]
    print(f"The symptom (the same lines of Python, before and after):\n{symptom}\n")
    proc = run_tests(root, mistake, first_failure=False)
    print(f"The reference tests on the broken copy (pytest {' '.join(mistake.tests)}):")
    print("\n".join(f"    {line}" for line in failures(proc.stdout + proc.stderr)))
    if with_diff:
        print(f"\nThe mistake: {mistake.title}. What changed:\n{diff(mistake)}")
    return proc


def main(argv: list[str] | None = None) -> int:
    try:
        args = arguments(argv)
    except argparse.ArgumentError as error:
        print(f"make debug: {error.message}", file=sys.stderr)
        return 2
    except MistakeError as error:
        print(f"make debug: {error}", file=sys.stderr)
        return 2
    mistake = MISTAKES[args.n]
    tmp = Path(tempfile.mkdtemp(prefix=f"mistake-{mistake.number:02d}-"))
    try:
        proc = show(mistake, tmp, with_diff=args.show_diff)
    except MistakeError as error:
        print(f"make debug: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("make debug: stopped (Ctrl-C)", file=sys.stderr)
        return 130
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.keep:
        print(f"\nThe broken copy stays in {tmp}: try PYTHONPATH={tmp}/code/stage-03:"
              f"{tmp}/code/stage-02:{tmp}/code/stage-01 python, then import its modules.")
    if proc.returncode != 1:
        print(f"\nNo reference test caught mistake {mistake.number}: that is a missing test.")
        return 1
    if not args.show_diff:
        print(f"\nNow work from these clues to the cause: which lines of code/ would do this? "
              f"`make debug N={mistake.number} DIFF=1` then shows what changed.")
    print(f"Mistake {mistake.number} on the Common mistakes page walks from the symptom to the "
          f"diagnosis and the fix.")
    return 0
# ~/~ end


if __name__ == "__main__":
    sys.exit(main())
# ~/~ end
