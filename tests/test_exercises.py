"""The exercises: every section has its ladder (derive, implement, experiment) and there are
open problems; every reference solution passes its checker, every fresh starter fails it with
"not implemented yet", a wrong answer fails it, an experiment's checker refuses runs it did not
see the reader make; and `make exercise` never overwrites a file the reader owns.

The starters and checkers are tangled from docs/stage-03/exercises.md, the solutions from
docs/stage-03/exercise-solutions.md, into code/stage-03/exercises/; the runner there
(`make exercise N=<n>`) copies a starter to exercises/exNN.py only if that file does not exist.
An experiment's reference solution makes its runs first (runner.reference), as a reader does.
"""

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "code" / "stage-03" / "exercises"


def load_runner(path: Path = EXERCISES / "runner.py"):
    spec = importlib.util.spec_from_file_location("exercise_runner", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the runner's dataclass looks its module up
    spec.loader.exec_module(module)
    return module


runner = load_runner()
NUMBERS = runner.numbers()


def test_there_are_at_least_ten_exercises_each_complete():
    assert len(NUMBERS) >= 10, f"only {len(NUMBERS)} exercises"
    for n in NUMBERS:
        for kind in ("starter", "check", "solution"):
            assert runner.part(kind, n).exists(), f"exercise {n} has no {kind} file"
        about = runner.about(n)
        assert about.title, f"exercise {n}: its checker has no TITLE"
        assert about.kind in KINDS and 1 <= about.level <= 3, about
        assert about.needs and all(re.fullmatch(r"3\.[1-8][ab]?", s) for s in about.needs), about
        assert all(m < n for m in about.uses), f"exercise {n} uses a later exercise: {about}"


KINDS = ("derive", "implement", "experiment", "open")
ABOUT = {n: runner.about(n) for n in NUMBERS}
RUNS = [n for n in NUMBERS if ABOUT[n].kind in ("experiment", "open")]  # make runs, or train


def section(n: int) -> str:
    """The section an exercise belongs to: the first it needs, 3.6a and 3.6b counting as 3.6."""
    return ABOUT[n].needs[0][:3]


def test_every_section_has_its_ladder_and_there_are_open_problems():
    kinds = {f"3.{i}": {ABOUT[n].kind for n in NUMBERS
                        if ABOUT[n].kind != "open" and section(n) == f"3.{i}"} for i in range(1, 9)}
    lacking = {s: sorted({"derive", "implement", "experiment"} - k) for s, k in kinds.items()}
    assert not any(lacking.values()), f"sections lacking a kind: {lacking}"
    assert sum(section(n) == "3.8" and ABOUT[n].kind != "open" for n in NUMBERS) >= 2
    assert sum(ABOUT[n].kind == "open" for n in NUMBERS) >= 4
    order = [(section(n) if ABOUT[n].kind != "open" else "9", n) for n in NUMBERS]
    assert order == sorted(order), "the exercises are not numbered in the order of the sections"


@pytest.fixture(scope="module")
def references(tmp_path_factory):
    """The folder of exercise n's reference solution and its runs, made once per session."""
    made = {}

    def folder(n: int) -> Path:
        if n not in made:
            made[n] = tmp_path_factory.mktemp(f"reference{n:02d}")
            runner.reference(n, made[n])
        return made[n]

    return folder


def copy_of(folder: Path, tmp_path: Path) -> Path:
    """A copy of a reference folder that a test may spoil."""
    return Path(shutil.copytree(folder, tmp_path / "copy"))


def solutions():
    for n in NUMBERS:
        yield pytest.param(n, marks=[pytest.mark.slow] if n in RUNS else [], id=str(n))


@pytest.mark.parametrize("n", list(solutions()))
def test_the_solution_passes_every_check(n, references):
    outcomes = runner.check_exercise(n, references(n) / f"ex{n:02d}.py")
    failed = [f"{o.description}: {o.detail}" for o in outcomes if not o.passed]
    assert outcomes, f"exercise {n}: its checker has no checks"
    assert not failed, f"exercise {n}: the solution fails\n" + "\n".join(failed)


@pytest.mark.parametrize("n", NUMBERS)
def test_a_fresh_starter_fails_every_check_as_not_implemented_yet(n):
    outcomes = runner.check_exercise(n, runner.part("starter", n))
    passed = [o.description for o in outcomes if o.passed]
    assert not passed, f"exercise {n}: checks that a bare starter passes prove nothing: {passed}"
    other = {o.detail for o in outcomes if not o.detail.startswith(runner.NOT_YET)}
    assert not other, f"exercise {n}: the starter fails, but not as {runner.NOT_YET!r}: {other}"


# A plausible wrong answer to each exercise that is no experiment: each must fail a check.
WRONG = {
    1: "ORDER = 4\nSHARE = 0.05\n",
    2: "def unseen_fraction(train, test, n):\n"
       "    grams = {test[i:i + n] for i in range(len(test) - n + 1)}  # types, not tokens\n"
       "    return sum(g not in train for g in grams) / len(grams)\n",
    4: "ONE_HOT = 8 * 80 * 512\nLARGEST_D = 80\n",
    5: "import numpy as np\n\n\ndef embedding_backward(idx, G, V):\n"
       "    D = G.shape[-1]\n    dW = np.zeros((V, D))\n"
       "    dW[idx.reshape(-1)] += G.reshape(-1, D)  # buffered: one of the repeats survives\n"
       "    return dW\n",
    7: "def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2\n",
    8: "def unbroadcast(grad, shape):\n    return grad.sum(axis=0).reshape(shape)\n",
    9: "import numpy as np\nfrom tensor import Tensor, _accumulate, _result\n\n\n"
       "def sigmoid(x):\n    s = 1 / (1 + np.exp(-x.data))\n\n    def backward(g):\n"
       "        _accumulate(x, g * s)\n\n    return _result(s, (x,), backward)\n",
    11: "import math\n\n\ndef uniform_loss(V):\n    return math.log(V), math.log(V)\n",
    12: "import numpy as np\n\n\ndef log_softmax(z):\n"
        "    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))\n",
    13: "import numpy as np\n\n\ndef cross_entropy(z, y):\n"
        "    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
        "    loss = -np.log(p[np.arange(len(y)), y]).mean()\n"
        "    p[np.arange(len(y)), y] -= 1\n    return loss, p\n",
    15: 'PARAMETERS = 8 * 32 * 512 + 512 * 512 + 512 * 28\nLARGEST = "hidden1"\n',
    16: "import numpy as np\n\n\ndef context_windows(ids, K, boundary):\n"
        "    padded = [boundary] * K + list(ids)\n"
        "    X = [padded[i + 1:i + K + 1] for i in range(len(ids))]\n"
        "    return np.array(X), np.array(ids)\n",
    17: "import numpy as np\nBOUNDARY, UNK = '\\n', '\\x00'\n\n\n"
        "def build_symbols(train, min_count):\n"
        "    return [BOUNDARY, UNK] + sorted(set(''.join(train)) - {BOUNDARY, UNK})\n\n\n"
        "def encode(text, symbols):\n"
        "    return np.array([symbols.index(c) for c in text if c in symbols], dtype=np.int64)\n",
    18: "import numpy as np\n\n\ndef temperature_probs(logits, T):\n"
        "    p = np.exp(logits * T)\n    return p / p.sum()\n\n\n"
        "def sample(logits, T, rng):\n    return int(np.argmax(logits))\n",
    20: "FIRST_STEP = 1.0\nBETA2_EVEN = 0.9\nSTEPS_M = 10\n",
    21: "import numpy as np\n\n\ndef clip_grad_norm(grads, max_norm):\n"
        "    return [g * min(1, max_norm / np.linalg.norm(g)) for g in grads], 0.0\n",
    24: "TIE = 0.05\nOVERALL = 0.9 * 0.05 - 0.2\n",
    25: "import numpy as np\n\n\ndef paired_bootstrap(lp_a, lp_b, n_boot, seed):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    a = lp_a[rng.integers(0, len(lp_a), (n_boot, len(lp_a)))].mean(axis=1)\n"
        "    b = lp_b[rng.integers(0, len(lp_b), (n_boot, len(lp_b)))].mean(axis=1)\n"
        "    return tuple(np.percentile((b - a) / np.log(2), [2.5, 97.5]))\n",
    26: "import neural_lm as nlm\n\n\nclass DirectMLP(nlm.MLPLanguageModel):\n    pass\n",
    28: "COS_THIRD = 1 / 3\nR_HALF = 0.5\nSPREAD_32 = 1 / 32\n",
    29: "import numpy as np\n\n\ndef nearest(table, symbols, token, k):\n"
        "    u = table / np.linalg.norm(table, axis=1, keepdims=True)\n"
        "    cos = u @ u[symbols.index(token)]\n"
        "    order = [i for i in np.argsort(-cos) if symbols[i] != token]\n"
        "    return [(symbols[i], float(cos[i])) for i in order[:k]]\n",
}


def test_every_exercise_without_runs_has_a_wrong_answer_here():
    assert sorted(WRONG) == [n for n in NUMBERS if n not in RUNS]


@pytest.mark.parametrize("n", sorted(WRONG))
def test_a_wrong_answer_fails(n, tmp_path):
    answer = tmp_path / f"ex{n:02d}.py"
    answer.write_text(WRONG[n], encoding="utf-8")
    outcomes = runner.check_exercise(n, answer)
    failed = [o for o in outcomes if not o.passed]
    assert failed, f"exercise {n}: a wrong answer passes every check"
    assert not any(o.detail.startswith(runner.NOT_YET) for o in failed), failed


# An answer of each experiment and open problem that its runs do not support (appended to the
# reference solution, so that it overrides one of its answers).
WRONG_READING = {
    3: "FALLS_BY = 10.0",
    6: "COST = 0.0",
    10: "SHARE = 1.0",
    14: "GAP_2 = GAP_1",
    19: "NEW_COLD, NEW_HOT = NEW_HOT, NEW_COLD",
    22: 'BEST = "0.3"',
    23: 'LOWER = {"none": "dropout", "dropout": "none"}[LOWER]',
    27: 'MOVES_MORE = {"seed": "sample", "sample": "seed"}[MOVES_MORE]',
    30: "R_SMALL = R_BOOK",
    31: "BUDGET = 400",
    32: "BEST = TRIED[1] if BEST == TRIED[0] else TRIED[0]",
    33: 'FROZEN_COSTS_MORE_ON = {"seen": "unseen", "unseen": "seen"}[FROZEN_COSTS_MORE_ON]',
    34: 'HELPS_MORE_ON = {"seen": "unseen", "unseen": "seen"}[HELPS_MORE_ON]',
}


def test_every_experiment_and_open_problem_has_a_wrong_reading_here():
    assert sorted(WRONG_READING) == RUNS


def failures(n: int, folder: Path) -> list[str]:
    outcomes = runner.check_exercise(n, folder / f"ex{n:02d}.py")
    return [f"{o.description}: {o.detail}" for o in outcomes if not o.passed]


@pytest.mark.slow
@pytest.mark.parametrize("n", RUNS)
def test_a_reading_the_runs_do_not_support_fails(n, references, tmp_path):
    folder = copy_of(references(n), tmp_path)
    mine = folder / f"ex{n:02d}.py"
    mine.write_text(mine.read_text(encoding="utf-8") + "\n" + WRONG_READING[n] + "\n")
    assert failures(n, folder), f"exercise {n}: {WRONG_READING[n]!r} passes"


MADE = [n for n in RUNS if hasattr(runner.load(runner.part("check", n), f"c{n}"), "runs_of")]


@pytest.mark.slow
@pytest.mark.parametrize("n", MADE)
def test_runs_made_with_another_seed_are_refused(n, references, tmp_path):
    folder = copy_of(references(n), tmp_path)
    mine = folder / f"ex{n:02d}.py"
    text = mine.read_text(encoding="utf-8")
    assert re.search(r"^SEED = 1$", text, re.M), "the reference's seed is not 1"
    mine.write_text(re.sub(r"^SEED = 1$", "SEED = 2", text, flags=re.M), encoding="utf-8")
    found = failures(n, folder)
    assert any("with your seed" in f for f in found), found


def tamper(path: Path) -> None:
    """Change what a run wrote, as a hand would: a checkpoint's recorded loss, a comparison's
    Kneser-Ney score, a sample's text."""
    if path.name.endswith(".ckpt.npz"):
        arrays = dict(np.load(path))
        meta = json.loads(arrays["__meta__"].tobytes())
        meta["metrics"]["valid_loss"] -= 0.01
        arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        with open(path, "wb") as f:
            np.savez(f, **arrays)
    elif path.suffix == ".json":
        figures = json.loads(path.read_text(encoding="utf-8"))
        figures["best_kneser_ney"]["test_bits_per_token"] += 0.01
        path.write_text(json.dumps(figures), encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8").replace("a", "e", 1), encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("n", MADE)
def test_a_run_changed_by_hand_is_refused(n, references, tmp_path):
    folder = copy_of(references(n), tmp_path)
    for path in sorted((folder / "runs").iterdir()):
        spoiled = copy_of(folder, tmp_path / path.name)
        tamper(spoiled / "runs" / path.name)
        found = failures(n, spoiled)
        assert any("not written by" in f or "not the text" in f for f in found), (path, found)


@pytest.mark.slow
def test_a_checkpoint_of_another_command_is_refused(references, tmp_path):
    folder = copy_of(references(6), tmp_path)
    shutil.copy(folder / "runs" / "ex06-d16.ckpt.npz", folder / "runs" / "ex06-d1.ckpt.npz")
    found = failures(6, folder)
    assert any("its model setting embedding is 16, the command's 1" in f for f in found), found


def test_the_commands_of_every_run_are_the_command_line_s(tmp_path):
    import cli

    import exercise_runs

    for n in MADE:
        checker = runner.load(runner.part("check", n), f"check_{n:02d}")
        path = tmp_path / f"ex{n:02d}.py"
        path.write_text(runner.without_markers(runner.part("solution", n).read_text()))
        mine = exercise_runs.constants(path)
        for run in checker.runs_of(mine):
            args = cli.build_parser().parse_args(run.argv(path, mine.SEED))
            assert args.command == run.command and args.seed == 1, (n, run)


def test_no_chapter_tangles_into_the_readers_folder():
    targets = [
        m.group(1)
        for chapter in (ROOT / "docs").rglob("*.md")
        for m in re.finditer(r"file=(\S+?)[\s}]", chapter.read_text(encoding="utf-8"))
    ]
    assert targets, "found no tangle targets at all: is the pattern wrong?"
    inside = [t for t in targets if t.lstrip("./").startswith("exercises/")]
    assert not inside, f"tangling would write into the reader's exercises/: {inside}"


@pytest.fixture
def book_copy(tmp_path):
    """A copy with the Makefile and the exercises, using this checkout's virtual environment."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copytree(EXERCISES, tmp_path / "code" / "stage-03" / "exercises",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return tmp_path


def make_exercise(root: Path, n: int | str, *more: str) -> subprocess.CompletedProcess:
    # -o: never try to remake the virtual environment's stamp in the copy
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "exercise",
                           f"N={n}", *more], cwd=root, capture_output=True, text=True, env=env)


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists() or shutil.which("make") is None,
                    reason="needs `make install` and make")
def test_make_exercise_copies_the_starter_once_and_never_overwrites(book_copy):
    n = NUMBERS[0]
    mine = book_copy / "exercises" / f"ex{n:02d}.py"

    first = make_exercise(book_copy, n)
    assert first.returncode != 0 and runner.NOT_YET in first.stdout, first.stdout + first.stderr
    starter = runner.part("starter", n).read_text(encoding="utf-8")
    assert mine.read_text(encoding="utf-8") == runner.without_markers(starter)
    assert "# ~/~" not in mine.read_text(encoding="utf-8")

    answer = runner.part("solution", n).read_text(encoding="utf-8") + "# my own words\n"
    mine.write_text(answer, encoding="utf-8")
    second = make_exercise(book_copy, n)
    assert mine.read_text(encoding="utf-8") == answer, "make exercise overwrote the reader's file"
    assert second.returncode == 0, second.stdout + second.stderr
    assert "✗" not in second.stdout and "✓" in second.stdout
    assert "Created" not in second.stdout


@pytest.mark.skipif(not (ROOT / ".venv" / ".installed").exists() or shutil.which("make") is None,
                    reason="needs `make install` and make")
def test_make_exercise_runs_no_command_hidden_in_n(book_copy, tmp_path):
    injected = tmp_path / "INJECTED"
    proc = make_exercise(book_copy, f"3; touch {injected}")
    assert not injected.exists(), "make exercise ran the command after the ';' in N"
    assert proc.returncode != 0 and "make exercise: N must be a whole number" in proc.stderr


def test_the_checklist_says_what_failed_and_what_to_do(tmp_path):
    n = 7
    wrong = tmp_path / "ex07.py"
    wrong.write_text("def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2\n", encoding="utf-8")
    outcomes = runner.check_exercise(n, wrong)
    text = runner.report(n, "ex07.py", outcomes)
    assert "✓ returns W of shape" in text and "✗ x @ W + b equals" in text
    assert "largest difference" in text and "make exercise N=7" in text
    assert "Solutions page" in text


def test_an_error_in_the_readers_file_is_reported_with_its_line(tmp_path):
    broken = tmp_path / "ex07.py"
    broken.write_text("import numpy as np\n\n\n"
                      "def collapse(W1, b1, W2, b2):\n    return np.linalg.inv(W1), b1\n")
    outcomes = runner.check_exercise(7, broken)
    assert not any(o.passed for o in outcomes)
    assert any("ex07.py, line 5" in o.detail for o in outcomes), [o.detail for o in outcomes]
    syntax = tmp_path / "ex08.py"
    syntax.write_text("def unbroadcast(grad, shape)\n    pass\n")
    (outcome,) = runner.check_exercise(8, syntax)
    assert not outcome.passed and "SyntaxError" in outcome.detail


# --------------------------------------------------------------------------------------------
# whatever the reader's file does, the checker outlives it and says so (issue 21, item 7)

NEEDS_MAKE = pytest.mark.skipif(
    not (ROOT / ".venv" / ".installed").exists() or shutil.which("make") is None,
    reason="needs `make install` and make")


def run_runner(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The runner of the copy in root (its exercises/ is root's), in a fresh process."""
    return subprocess.run([sys.executable, str(root / "code/stage-03/exercises/runner.py"),
                           *args], cwd=root, capture_output=True, text=True, timeout=timeout)


ENDS_THE_PROCESS = {
    "sys.exit(0) on import": "import sys\nsys.exit(0)\n",
    "sys.exit(0) in the function": "import sys\n\n\ndef collapse(W1, b1, W2, b2):\n"
                                   "    sys.exit(0)\n",
    "os._exit(0) on import": "import os\nos._exit(0)\n",
    "os._exit(0) in the function": "import os\n\n\ndef collapse(W1, b1, W2, b2):\n"
                                   "    os._exit(0)\n",
    "a crash (SIGSEGV) in the function": "import os, signal\n\n\ndef collapse(W1, b1, W2, b2):"
                                         "\n    os.kill(os.getpid(), signal.SIGSEGV)\n",
}


@pytest.mark.parametrize("how", ENDS_THE_PROCESS)
def test_a_file_that_ends_the_process_passes_no_check(book_copy, how):
    mine = book_copy / "mine.py"
    mine.write_text(ENDS_THE_PROCESS[how], encoding="utf-8")
    proc = run_runner(book_copy, "7", "--file", str(mine))
    assert proc.returncode == 1, f"{how}: exit {proc.returncode}\n{proc.stdout}"
    assert "✓" not in proc.stdout and "0 of " in proc.stdout, proc.stdout
    assert "exit" in proc.stdout or "killed" in proc.stdout, "the checklist does not say why"
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("where", ["in the function", "on import"])
def test_a_check_that_never_ends_is_stopped_at_the_time_limit(book_copy, where):
    mine = book_copy / "mine.py"
    loop = ("def collapse(W1, b1, W2, b2):\n    while True:\n        pass\n"
            if where == "in the function" else "while True:\n    pass\n")
    mine.write_text(loop, encoding="utf-8")
    start = time.monotonic()
    proc = run_runner(book_copy, "7", "--file", str(mine), "--time-limit", "1", timeout=60)
    assert proc.returncode == 1 and "✓" not in proc.stdout
    assert "stopped after 1 s, the time limit" in proc.stdout and "LIMIT=" in proc.stdout
    assert "(each check may run 1 s)" in proc.stdout.splitlines()[0], "the limit is not printed"
    assert time.monotonic() - start < 30


def test_ctrl_c_in_a_check_ends_with_one_line_and_no_process_left(book_copy):
    mine = book_copy / "mine.py"
    pid_file = book_copy / "pid"
    mine.write_text(f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n\n\n"
                    "def collapse(W1, b1, W2, b2):\n    while True:\n        pass\n")
    runner_py = book_copy / "code/stage-03/exercises/runner.py"
    proc = subprocess.Popen([sys.executable, str(runner_py), "7", "--file", str(mine)],
                            cwd=book_copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # inside the check now
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does, to the terminal's process group
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert err.strip().splitlines() == ["make exercise: stopped (Ctrl-C); your file is as you "
                                        "left it"], err
    child = int(pid_file.read_text())
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # the child that ran the reader's code is gone


@pytest.mark.parametrize("make_it", ["a file", "a link to nothing"])
def test_exercises_that_is_not_a_folder_is_refused_and_kept(book_copy, make_it):
    folder = book_copy / "exercises"
    if make_it == "a file":
        folder.write_text("my notes\n", encoding="utf-8")
    else:
        folder.symlink_to(book_copy / "nowhere")
    proc = run_runner(book_copy, "7")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr
    assert "exercises is not a folder" in proc.stderr
    assert os.path.lexists(folder) and not (book_copy / "nowhere").exists()
    if make_it == "a file":
        assert folder.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("make_it", ["a folder", "a link to nothing"])
def test_an_answer_that_is_not_a_file_is_refused_and_nothing_is_written(book_copy, make_it):
    mine = book_copy / "exercises" / "ex07.py"
    mine.parent.mkdir()
    if make_it == "a folder":
        mine.mkdir()
    else:
        mine.symlink_to(book_copy / "elsewhere.py")
    proc = run_runner(book_copy, "7")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "exercises/ex07.py is not a file" in proc.stderr
    assert not (book_copy / "elsewhere.py").exists(), "the starter was written through the link"


@pytest.mark.parametrize("args, words", [
    (["abc"], "N must be a whole number, not 'abc'"),
    (["99"], "there is no exercise 99"),
    (["7", "--time-limit", "0"], "LIMIT must be a number of seconds above 0"),
    (["7", "--time-limit", "inf"], "LIMIT must be a number of seconds above 0"),
    (["7", "--time-limit", "soon"], "LIMIT must be a number of seconds above 0"),
])
def test_a_bad_request_is_one_line(book_copy, args, words):
    proc = run_runner(book_copy, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr
    assert proc.stderr.startswith("make exercise: ") and words in proc.stderr


@NEEDS_MAKE
def test_make_exercise_passes_the_limit_on(book_copy):
    assert "(each check may run 10 s)" in make_exercise(book_copy, 7).stdout
    proc = make_exercise(book_copy, 7, "LIMIT=2.5")
    assert "(each check may run 2.5 s)" in proc.stdout, proc.stdout + proc.stderr
    limit = runner.about(31).limit
    assert f"(each check may run {limit:g} s)" in make_exercise(book_copy, 31).stdout
    assert "(each check may run 2.5 s)" in make_exercise(book_copy, 31, "LIMIT=2.5").stdout


@NEEDS_MAKE
def test_an_experiment_prints_the_commands_to_run_with_the_readers_seed(book_copy):
    first = make_exercise(book_copy, 6)
    assert "not implemented yet: set SEED" in first.stdout, first.stdout
    mine = book_copy / "exercises" / "ex06.py"
    mine.write_text(mine.read_text(encoding="utf-8").replace("SEED = None", "SEED = 5"))
    second = make_exercise(book_copy, 6)
    assert "2 of your runs are not there yet" in second.stdout, second.stdout
    for d in (1, 16):
        assert (f"neural-lm train --data names --hidden 128 --steps 1500 --embedding {d} --seed 5 "
                f"--out exercises/runs/ex06-d{d}.ckpt.npz --overwrite") in second.stdout


def test_the_page_s_commands_fit_their_block_and_mean_what_they_say():
    """A long command is continued onto indented lines, broken only before an option, and the
    shell reads the same words from it (the browser test found one-line commands clipped)."""
    command = ("neural-lm train --data names --hidden 512 512 --steps 1500 --optimiser adam "
               "--lr 0.0003 --seed SEED --out 'exercises/runs/a b.ckpt.npz' --overwrite")
    text = runner.wrapped(command, width=40)
    lines = text.split("\n")
    assert len(lines) > 1 and all(line.endswith(" \\") for line in lines[:-1])
    assert all(len(line) <= 40 + 2 for line in lines), "each line within the width and its ` \\`"
    assert all(line.startswith("    --") for line in lines[1:]), "a break only before an option"
    argv = ["printf '%s\\n' " + c.removeprefix("neural-lm ") for c in (command, text)]
    words = [subprocess.run(["sh", "-c", a], capture_output=True, text=True, check=True).stdout
             for a in argv]
    assert words[0] == words[1] and "a b.ckpt.npz" in words[1]
    for n in runner.numbers():
        if hasattr(runner.load(runner.part("check", n), f"check_{n:02d}"), "runs_of"):
            try:
                block = runner.commands(n)
            except (AttributeError, NotImplementedError):
                continue  # an open problem whose commands need the reader's constants
            assert all(len(line) <= 84 for line in block.split("\n")), block
