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
import subprocess
import sys
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


def make_exercise(root: Path, n: int | str) -> subprocess.CompletedProcess:
    # -o: never try to remake the virtual environment's stamp in the copy
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "exercise",
                           f"N={n}"], cwd=root, capture_output=True, text=True, env=env)


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
    assert proc.returncode != 0 and "make exercise: argument n: invalid int value" in proc.stderr


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
