"""The exercises: every solution passes its checker, every fresh starter fails it with "not
implemented yet", and `make exercise` never overwrites a file the reader owns.

The exercise files are tangled from docs/stage-03/exercises.md into code/stage-03/exercises/;
the runner there (`make exercise N=<n>`) copies a starter to exercises/exNN.py only if that
file does not exist.
"""

import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

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
        assert runner.title(n), f"exercise {n}: its checker has no TITLE"


@pytest.mark.parametrize("n", NUMBERS)
def test_the_solution_passes_every_check(n):
    outcomes = runner.check_exercise(n, runner.part("solution", n))
    failed = [f"{o.description}: {o.detail}" for o in outcomes if not o.passed]
    assert outcomes, f"exercise {n}: its checker has no checks"
    assert not failed, f"exercise {n}: the solution fails\n" + "\n".join(failed)


@pytest.mark.parametrize("n", NUMBERS)
def test_a_fresh_starter_fails_every_check_as_not_implemented_yet(n):
    outcomes = runner.check_exercise(n, runner.part("starter", n))
    passed = [o.description for o in outcomes if o.passed]
    assert not passed, f"exercise {n}: checks that a bare starter passes prove nothing: {passed}"
    details = {o.detail for o in outcomes}
    assert runner.NOT_YET in details, (
        f"exercise {n}: the starter fails, but not as {runner.NOT_YET!r}: {details}")


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
    n = 3
    wrong = tmp_path / "ex03.py"
    wrong.write_text("def collapse(W1, b1, W2, b2):\n    return W1 @ W2, b2\n", encoding="utf-8")
    outcomes = runner.check_exercise(n, wrong)
    text = runner.report(n, "ex03.py", outcomes)
    assert "✓ returns W of shape" in text and "✗ x @ W + b equals" in text
    assert "largest difference" in text and "make exercise N=3" in text


def test_an_error_in_the_readers_file_is_reported_with_its_line(tmp_path):
    broken = tmp_path / "ex03.py"
    broken.write_text("import numpy as np\n\n\n"
                      "def collapse(W1, b1, W2, b2):\n    return np.linalg.inv(W1), b1\n")
    outcomes = runner.check_exercise(3, broken)
    assert not any(o.passed for o in outcomes)
    assert any("ex03.py, line 5" in o.detail for o in outcomes), [o.detail for o in outcomes]
    syntax = tmp_path / "ex04.py"
    syntax.write_text("def unbroadcast(grad, shape)\n    pass\n")
    (outcome,) = runner.check_exercise(4, syntax)
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
    proc = run_runner(book_copy, "3", "--file", str(mine))
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
    proc = run_runner(book_copy, "3", "--file", str(mine), "--time-limit", "1", timeout=60)
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
    proc = subprocess.Popen([sys.executable, str(runner_py), "3", "--file", str(mine)],
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
    proc = run_runner(book_copy, "3")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr
    assert "exercises is not a folder" in proc.stderr
    assert os.path.lexists(folder) and not (book_copy / "nowhere").exists()
    if make_it == "a file":
        assert folder.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("make_it", ["a folder", "a link to nothing"])
def test_an_answer_that_is_not_a_file_is_refused_and_nothing_is_written(book_copy, make_it):
    mine = book_copy / "exercises" / "ex03.py"
    mine.parent.mkdir()
    if make_it == "a folder":
        mine.mkdir()
    else:
        mine.symlink_to(book_copy / "elsewhere.py")
    proc = run_runner(book_copy, "3")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "exercises/ex03.py is not a file" in proc.stderr
    assert not (book_copy / "elsewhere.py").exists(), "the starter was written through the link"


@pytest.mark.parametrize("args, words", [
    (["abc"], "N must be a whole number, not 'abc'"),
    (["99"], "there is no exercise 99"),
    (["3", "--time-limit", "0"], "LIMIT must be a number of seconds above 0"),
    (["3", "--time-limit", "inf"], "LIMIT must be a number of seconds above 0"),
    (["3", "--time-limit", "soon"], "LIMIT must be a number of seconds above 0"),
])
def test_a_bad_request_is_one_line(book_copy, args, words):
    proc = run_runner(book_copy, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()], proc.stderr
    assert proc.stderr.startswith("make exercise: ") and words in proc.stderr


@NEEDS_MAKE
def test_make_exercise_passes_the_limit_on(book_copy):
    assert "(each check may run 10 s)" in make_exercise(book_copy, 3).stdout
    proc = make_exercise(book_copy, 3, "LIMIT=2.5")
    assert "(each check may run 2.5 s)" in proc.stdout, proc.stdout + proc.stderr
