# ~/~ begin <<docs/stage-03/exercises.md#code/stage-03/exercises/runner.py>>[init]
"""The exercise checker: `make exercise N=3` runs `python code/stage-03/exercises/runner.py 3`.

It copies starter_03.py to exercises/ex03.py (only if that file does not exist yet), runs
check_03.py against it and prints a checklist with what to do next. From the Exercises page,
docs/stage-03/exercises.md; this file is generated: edit the chapter (or edit here and
`make stitch`).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

# ~/~ begin <<docs/stage-03/exercises.md#exrunner-files>>[init]
HERE = Path(__file__).resolve().parent      # code/stage-03/exercises
ROOT = HERE.parents[2]                      # the repository
READER = ROOT / "exercises"                 # the reader's own files (gitignored)
NOT_YET = "not implemented yet"


class ExerciseError(Exception):
    """A request the runner cannot serve (an exercise that does not exist, say)."""


def numbers() -> list[int]:
    """The numbers of all exercises: one per checker file."""
    return sorted(int(p.stem.split("_")[1]) for p in HERE.glob("check_[0-9]*.py"))


def part(kind: str, n: int) -> Path:
    """The starter, checker or solution file of exercise n."""
    return HERE / f"{kind}_{n:02d}.py"


def reader_file(n: int, folder: Path = READER) -> Path:
    return folder / f"ex{n:02d}.py"
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-copy>>[init]
def without_markers(text: str) -> str:
    """The starter as the reader gets it: entangled's `# ~/~` marker lines removed."""
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith("# ~/~ ")]
    return "".join(kept)


def copy_starter(n: int, folder: Path = READER) -> bool:
    """Copy starter n to the reader's folder unless the file exists; True if it copied."""
    target = reader_file(n, folder)
    if target.exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    starter = part("starter", n).read_text(encoding="utf-8")
    target.write_text(without_markers(starter), encoding="utf-8")
    return True
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-outcome>>[init]
@dataclass
class Outcome:
    """The result of one check: passed or not, what was checked, and why it failed."""

    passed: bool
    description: str
    detail: str = ""


def load(path: Path, name: str) -> ModuleType:
    """Import the file at `path` as a fresh module called `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # what dataclasses and pickle look up while it runs
    spec.loader.exec_module(module)
    return module


def where(error: BaseException, path: Path) -> str:
    """' (ex03.py, line 12)' for the last traceback line inside the reader's file, if any."""
    lines = [f for f in traceback.extract_tb(error.__traceback__) if Path(f.filename) == path]
    return f" ({path.name}, line {lines[-1].lineno})" if lines else ""
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-check>>[init]
def run_check(check, module: ModuleType, path: Path) -> Outcome:
    description = (check.__doc__ or check.__name__).strip().splitlines()[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            check(module)
    except NotImplementedError:
        return Outcome(False, description, NOT_YET)
    except AssertionError as error:
        return Outcome(False, description, str(error) or "the check's assertion failed")
    except Exception as error:  # the reader's code may raise anything: report it, go on
        return Outcome(False, description, f"{type(error).__name__}: {error}{where(error, path)}")
    return Outcome(True, description)


def check_exercise(n: int, path: Path) -> list[Outcome]:
    """Run every check of exercise n against the module in `path`."""
    checker = load(part("check", n), f"check_{n:02d}")
    try:
        module = load(path.resolve(), f"ex{n:02d}")
    except Exception as error:
        detail = f"{type(error).__name__}: {error}{where(error, path.resolve())}"
        return [Outcome(False, f"{path.name} can be imported", detail)]
    checks = [f for name, f in vars(checker).items() if name.startswith("check_")]
    return [run_check(check, module, path.resolve()) for check in checks]
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-report>>[init]
def title(n: int) -> str:
    return load(part("check", n), f"check_{n:02d}").TITLE


def report(n: int, shown: str, outcomes: list[Outcome]) -> str:
    lines = [f"Exercise {n}: {title(n)} — checking {shown}"]
    for o in outcomes:
        lines.append(f"  {'✓' if o.passed else '✗'} {o.description}")
        if o.detail:
            lines.append(f"      {o.detail}")
    passed = sum(o.passed for o in outcomes)
    lines.append(f"{passed} of {len(outcomes)} checks pass.")
    if passed == len(outcomes):
        later = [m for m in numbers() if m > n]
        step = f"; then go on with `make exercise N={later[0]}`" if later else " (the last one)"
        lines.append(f"Well done. Compare with the solution folded under exercise {n} on the "
                     f"Exercises page{step}.")
    elif any(o.detail == NOT_YET for o in outcomes):
        lines.append(f"Next: open {shown}, replace each `raise NotImplementedError(...)` with "
                     f"your code, and run `make exercise N={n}` again.")
    else:
        lines.append(f"Next: read the first ✗ above, fix {shown}, and run `make exercise N={n}` "
                     f"again. Stuck? The solution is folded under exercise {n} on the Exercises "
                     f"page. To start afresh, delete {shown}.")
    return "\n".join(lines)
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-main>>[init]
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check your answer to one exercise.",
                                     exit_on_error=False)  # a bad N: our one line below
    parser.add_argument("n", nargs="?", type=int, help="the exercise number")
    parser.add_argument("--file", type=Path, help="check this file instead of exercises/exNN.py")
    try:
        args = parser.parse_args(argv)
        if args.n is None:
            listing = "\n".join(f"  {m:2d}  {title(m)}" for m in numbers())
            raise ExerciseError(f"say which exercise: make exercise N=<n>, one of\n{listing}")
        if args.n not in numbers():
            raise ExerciseError(f"there is no exercise {args.n}; they are numbered "
                                f"{', '.join(map(str, numbers()))}")
    except (ExerciseError, argparse.ArgumentError) as error:
        print(f"make exercise: {error}", file=sys.stderr)
        return 2
    path = args.file or reader_file(args.n)
    if args.file is None and copy_starter(args.n):
        print(f"Created {path.relative_to(ROOT)} from the starter. It is yours: edit it; "
              f"nothing will overwrite it.\n")
    full = path.resolve()
    shown = str(full.relative_to(ROOT)) if full.is_relative_to(ROOT) else str(path)
    outcomes = check_exercise(args.n, path)
    print(report(args.n, shown, outcomes))
    return 0 if all(o.passed for o in outcomes) else 1
# ~/~ end


if __name__ == "__main__":
    sys.exit(main())
# ~/~ end
