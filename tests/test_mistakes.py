"""The proof that the reference tests are worth something: every Common Mistake is caught.

Each mistake on docs/stage-03/mistakes.md is injected in turn into a temporary copy of code/
(by code/stage-03/mistakes.py, the code `make debug` runs), the reference tests it names run
against that copy, and at least one of them must fail. Before that, the unmodified copy must
pass the same tests, and its modules must be the ones imported: otherwise a "caught" mistake
could be a broken copy, or the reference code tested instead of the copy.
"""

import dataclasses
import shutil
import subprocess
import textwrap
from pathlib import Path

import mistakes
import pytest

MISTAKES = sorted(mistakes.MISTAKES.values(), key=lambda m: m.number)


def test_there_are_at_least_ten_mistakes_numbered_in_order():
    numbers = [m.number for m in MISTAKES]
    assert len(numbers) >= 10, f"only {len(numbers)} mistakes"
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    for m in MISTAKES:
        assert m.tests and m.demo.strip(), f"mistake {m.number} needs tests and a demo"
        assert mistakes.lines_of(m.original) != mistakes.lines_of(m.broken), m.number


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: f"mistake-{m.number}")
def test_each_mistake_matches_its_file_exactly_once(mistake):
    text = (mistakes.ROOT / mistake.file).read_text(encoding="utf-8")
    hits = mistakes.locate(text, mistake.original)
    assert len(hits) == 1, (f"mistake {mistake.number}: its reference lines occur {len(hits)} "
                            f"times in {mistake.file}; the reference code changed")
    assert mistakes.diff(mistake).count("\n+") >= 1


def test_inject_keeps_indentation_and_refuses_zero_or_two_matches(tmp_path):
    source = "def f(x):\n    if x:\n        y = x + 1\n        return y\n    return 0\n"
    (tmp_path / "m.py").write_text(source)
    mistake = mistakes.Mistake(0, "t", "m.py", original="y = x + 1\nreturn y",
                               broken="y = x - 1\nreturn y", tests=("t",), demo="pass")
    mistakes.inject(tmp_path, mistake)
    assert (tmp_path / "m.py").read_text() == source.replace("x + 1", "x - 1")

    (tmp_path / "m.py").write_text(source)
    for original in ("y = x + 2", "return"):  # absent; only part of a line
        with pytest.raises(mistakes.MistakeError, match="times in m.py"):
            mistakes.inject(tmp_path, dataclasses.replace(mistake, original=original))
    twice = source + textwrap.indent("y = x + 1\nreturn y\n", "    ")
    (tmp_path / "m.py").write_text(twice)
    with pytest.raises(mistakes.MistakeError, match="occur 2 times"):
        mistakes.inject(tmp_path, mistake)


@pytest.mark.slow
def test_the_unmodified_copy_is_imported_and_passes_the_tests(tmp_path):
    root = mistakes.copy_code(tmp_path)
    imported = mistakes.imported_from(root)
    assert imported, "no module of the book was imported from the copy"
    for name, file in imported.items():
        assert Path(file).resolve().is_relative_to(root.resolve()), (
            f"`import {name}` found {file}, not the copy in {root}: the injected mistake would "
            f"not be what the tests run")
    for markers in sorted({m.markers for m in MISTAKES}):
        tests = tuple(dict.fromkeys(t for m in MISTAKES if m.markers == markers for t in m.tests))
        proc = mistakes.run_tests(root, dataclasses.replace(MISTAKES[0], tests=tests,
                                                            markers=markers))
        assert proc.returncode == 0, f"the unmodified copy fails its tests:\n{proc.stdout[-3000:]}"


@pytest.mark.slow
def test_every_mistake_is_caught_by_a_reference_test(capsys):
    missed = {}
    for mistake in MISTAKES:
        caught, output = mistakes.caught(mistake)
        if not caught:
            missed[mistake.number] = output[-1500:]
    with capsys.disabled():
        print(f"\nmistakes caught: {len(MISTAKES) - len(missed)}/{len(MISTAKES)}")
    assert not missed, "mistakes no reference test catches (missing tests):\n" + "\n".join(
        f"mistake {n} ({mistakes.MISTAKES[n].title}):\n{out}" for n, out in missed.items())


@pytest.mark.parametrize("n, words", [("abc", "N must be a whole number, not 'abc'"),
                                      ("99", "there is no {kind} 99: they are numbered 1 to"),
                                      ("-1", "there is no {kind} -1: they are numbered 1 to")])
def test_make_debug_and_make_exercise_answer_a_bad_n_alike(capsys, n, words):
    """One line each, in the same words: `make debug N=abc` used to print argparse's two."""
    import importlib.util
    import sys

    path = mistakes.ROOT / "code/stage-03/exercises/runner.py"
    spec = importlib.util.spec_from_file_location("exercise_runner", path)
    runner = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = runner
    spec.loader.exec_module(runner)
    for main, kind in ((mistakes.main, "mistake"), (runner.main, "exercise")):
        assert main([n]) == 2
        out, err = capsys.readouterr()
        command = "debug" if kind == "mistake" else "exercise"
        assert out == "" and err.count("\n") == 1, f"make {command} N={n}: {err!r}"
        assert err.startswith(f"make {command}: {words.format(kind=kind)}"), err


# --------------------------------------------------------------------------------------------
# `make debug` is a find-the-bug task: the clues first, the cause only on request (issue 25)


def test_make_debug_shows_the_clues_and_not_the_cause_unless_asked(capsys):
    mistake = mistakes.MISTAKES[3]  # its demo and its test take about a second
    changed = [line[1:].strip() for line in mistakes.diff(mistake).splitlines()
               if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert changed

    assert mistakes.main([str(mistake.number)]) == 0
    blind = capsys.readouterr().out
    assert "The symptom" in blind and "FAILED" in blind, blind
    for secret in (mistake.title, mistake.file, *changed):
        assert secret not in blind, f"a blind `make debug` shows {secret!r}:\n{blind}"
    assert f"make debug N={mistake.number} DIFF=1" in blind

    assert mistakes.main([str(mistake.number), "--show-diff"]) == 0
    shown = capsys.readouterr().out
    assert mistake.title in shown and all(line in shown for line in changed), shown
    assert shown.index("FAILED") < shown.index(mistake.title) < shown.index(changed[0]), (
        "the diff comes after the symptom and the failing tests")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_debug_passes_diff_1_on_and_nothing_else():
    def dry(*variables: str) -> str:
        return subprocess.run(["make", "-n", "-o", ".venv/.installed-dev", "debug", "N=3",
                               *variables], cwd=mistakes.ROOT, capture_output=True, text=True,
                              check=True).stdout

    assert "--show-diff" in dry("DIFF=1")
    assert "--show-diff" not in dry() and "--show-diff" not in dry("DIFF=0")
