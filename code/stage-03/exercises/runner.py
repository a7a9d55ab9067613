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
import json
import math
import os
import re
import select
import signal
import subprocess
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace

# ~/~ begin <<docs/stage-03/exercises.md#exrunner-files>>[init]
HERE = Path(__file__).resolve().parent      # code/stage-03/exercises
ROOT = HERE.parents[2]                      # the repository
READER = ROOT / "exercises"                 # the reader's own files (gitignored)
NOT_YET = "not implemented yet"
LIMIT = 10.0                                # seconds one check may run (make exercise LIMIT=60)


class ExerciseError(Exception):
    """A request the runner cannot serve (an exercise that does not exist, say)."""


def numbers() -> list[int]:
    """The numbers of all exercises: one per checker file."""
    return sorted(int(p.stem.split("_")[1]) for p in HERE.glob("check_[0-9]*.py"))


@dataclass(frozen=True)
class About:
    """What a checker says of its exercise: the Exercises page and the listing show it."""

    title: str
    kind: str                # derive | implement | experiment | open
    needs: tuple[str, ...]   # the sections it builds on ("3.5", "3.6a", ...)
    level: int               # 1 to 3
    limit: float | None      # seconds a check may run, unless the reader says (LIMIT=)
    uses: tuple[int, ...]    # earlier exercises whose answers it imports


def about(n: int) -> About:
    c = load(part("check", n), f"check_{n:02d}")
    return About(c.TITLE, c.KIND, tuple(c.NEEDS), c.LEVEL, getattr(c, "LIMIT", None),
                 tuple(getattr(c, "USES", ())))


def part(kind: str, n: int) -> Path:
    """The starter, checker or solution file of exercise n."""
    return HERE / f"{kind}_{n:02d}.py"


def reader_file(n: int, folder: Path = READER) -> Path:
    return folder / f"ex{n:02d}.py"


def shown(path: Path) -> str:
    """A path as the reader typed it: relative to the repository when it is inside."""
    full = path.absolute()
    return str(full.relative_to(ROOT)) if full.is_relative_to(ROOT) else str(path)
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-copy>>[init]
def without_markers(text: str) -> str:
    """The starter as the reader gets it: entangled's `# ~/~` marker lines removed."""
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith("# ~/~ ")]
    return "".join(kept)


def copy_starter(n: int, folder: Path = READER) -> bool:
    """Copy starter n to the reader's folder unless the file exists; True if it copied."""
    target = reader_file(n, folder)
    if os.path.lexists(folder) and not folder.is_dir():
        raise ExerciseError(f"{shown(folder)} is not a folder, but your answers go into "
                            f"{shown(folder)}/: rename it, then run `make exercise N={n}` again")
    if os.path.lexists(target):
        if not target.is_file():
            raise ExerciseError(f"{shown(target)} is not a file (a folder, or a link to nothing): "
                                f"move it aside, then run `make exercise N={n}` again")
        return False
    folder.mkdir(parents=True, exist_ok=True)
    starter = without_markers(part("starter", n).read_text(encoding="utf-8"))
    with open(target, "x", encoding="utf-8") as mine:  # "x": never over a file made meanwhile
        mine.write(starter)
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
def failure(error: BaseException, path: Path) -> str:
    """What an exception raised by the reader's code says, with the line it came from."""
    if isinstance(error, SystemExit):
        return (f"your code called sys.exit({error.code!r}){where(error, path)}: hand the "
                "answer back with return instead")
    return f"{type(error).__name__}: {error}{where(error, path)}"


def run_check(check, module: ModuleType, path: Path) -> Outcome:
    description = (check.__doc__ or check.__name__).strip().splitlines()[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            said = check(module)
    except NotImplementedError as error:
        return Outcome(False, description, f"{NOT_YET}: {error}" if str(error) else NOT_YET)
    except AssertionError as error:
        return Outcome(False, description, str(error) or "the check's assertion failed")
    except (Exception, SystemExit) as error:  # the reader's code may raise anything: go on
        return Outcome(False, description, failure(error, path))
    return Outcome(True, description, said if isinstance(said, str) else "")


def checks_of(n: int) -> list:
    checker = load(part("check", n), f"check_{n:02d}")
    return [f for name, f in vars(checker).items() if name.startswith("check_")]


def outcomes(n: int, path: Path, start: int = 0, imported=lambda: None) -> Iterator[Outcome]:
    """Import the module in `path` (then call `imported`) and run exercise n's checks on it,
    from the check numbered `start` on."""
    checks, path = checks_of(n), path.resolve()
    try:
        module = load(path, f"ex{n:02d}")
    except (Exception, SystemExit) as error:
        yield Outcome(False, f"{path.name} can be imported", failure(error, path))
        return
    imported()
    for check in checks[start:]:
        yield run_check(check, module, path)


def check_exercise(n: int, path: Path) -> list[Outcome]:
    """Run every check of exercise n against the module in `path`, in this process."""
    return list(outcomes(n, path))
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-apart>>[init]
def check_apart(n: int, path: Path, limit: float = LIMIT) -> list[Outcome]:
    """Every check of exercise n on the module in `path`, each in a child process with `limit`
    seconds; what the reader's code does there cannot end, hang or fake the checking."""
    descriptions = [(c.__doc__ or c.__name__).strip().splitlines()[0] for c in checks_of(n)]
    done: list[Outcome] = []
    while len(done) < len(descriptions):
        imported, got, trouble = run_child(n, path, len(done), limit)
        if not imported:  # the import failed, or took too long: nothing else can run
            return got or [Outcome(False, f"{path.name} can be imported", trouble)]
        done += got
        if trouble and len(done) < len(descriptions):
            done.append(Outcome(False, descriptions[len(done)], trouble))
    return done


def run_child(n: int, path: Path, start: int, limit: float):
    """Run the checks from number `start` in a child; (imported?, outcomes, trouble or None)."""
    read, write = os.pipe()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # Ctrl-C waits till we own it
    try:
        child = subprocess.Popen([sys.executable, __file__, str(n), "--file", str(path),
                                  "--child", f"{start},{write}"], pass_fds=(write,),
                                 stdin=subprocess.DEVNULL, start_new_session=True)
    finally:  # the child is in a session of its own: Ctrl-C reaches the runner, not it
        os.close(write)
    imported, got, pending = False, [], b""
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        while True:
            if not select.select([read], [], [], limit)[0]:
                return imported, got, (f"stopped after {limit:g} s, the time limit for one check "
                                       f"(an endless loop?); `make exercise N={n} "
                                       f"LIMIT={4 * limit:g}` gives it longer")
            data = os.read(read, 1 << 16)
            if not data:
                return imported, got, ended(child.wait())
            *lines, pending = (pending + data).split(b"\n")
            for line in lines:
                message = json.loads(line)
                if message == "done":
                    return imported, got, None
                if message == "imported":
                    imported = True
                else:
                    got.append(Outcome(**message))
    finally:
        os.close(read)
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def ended(status: int) -> str:
    how = f"killed by {signal.Signals(-status).name}" if status < 0 else f"exit status {status}"
    return (f"the process running your code ended during this check ({how}): does your code "
            "call os._exit or sys.exit? A check wants the answer returned")


def child(n: int, path: Path, start: int, fd: int) -> int:
    """The child's side: run the checks, one JSON line on the pipe `fd` for each outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to answer
    import runtime  # the book's: an entry point sets its process up once, as the tests do

    runtime.configure(threads=1)  # one BLAS thread: checks that train run as the tests run
    with open(fd, "w", encoding="utf-8", buffering=1) as pipe:
        def send(message) -> None:
            pipe.write(json.dumps(message) + "\n")

        for outcome in outcomes(n, path, start, imported=lambda: send("imported")):
            send(vars(outcome))
        send("done")
    return 0
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-report>>[init]
def title(n: int) -> str:
    return about(n).title


def report(n: int, shown: str, outcomes: list[Outcome], limit: float | None = None) -> str:
    each = f" (each check may run {limit:g} s)" if limit else ""
    lines = [f"Exercise {n}: {title(n)} — checking {shown}{each}"]
    for o in outcomes:
        lines.append(f"  {'✓' if o.passed else '✗'} {o.description}")
        lines += [f"      {line}" for line in o.detail.splitlines()]
    passed = sum(o.passed for o in outcomes)
    lines.append(f"{passed} of {len(outcomes)} checks pass.")
    solution = f"exercise {n} on the Solutions page (docs/stage-03/exercise-solutions.md)"
    if passed == len(outcomes):
        later = [m for m in numbers() if m > n]
        step = f"; then go on with `make exercise N={later[0]}`" if later else " (the last one)"
        lines.append(f"Well done. Compare with {solution}{step}.")
    elif any(o.detail.startswith(NOT_YET) for o in outcomes):
        lines.append(f"Next: open {shown}, fill in what the starter leaves open (each "
                     f"`raise NotImplementedError(...)`, each `None`), and run "
                     f"`make exercise N={n}` again.")
    else:
        lines.append(f"Next: read the first ✗ above, fix {shown}, and run `make exercise N={n}` "
                     f"again. Stuck? See {solution}. To start afresh, delete {shown}.")
    return "\n".join(lines)
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-reference>>[init]
def reference(n: int, folder: Path) -> Path:
    """Exercise n's reference solution, left in `folder` as a reader leaves an answer:
    solution_NN.py as exNN.py (beside the answers of the exercises it uses), and the runs its
    commands make, in folder/runs/. The tests and the Exercises page check it like any answer."""
    import exercise_runs  # the book's code, needed only to make runs: `make exercise` skips it

    for m in (*about(n).uses, n):
        text = without_markers(part("solution", m).read_text(encoding="utf-8"))
        (folder / f"ex{m:02d}.py").write_text(text, encoding="utf-8")
    path = folder / f"ex{n:02d}.py"
    checker = load(part("check", n), f"check_{n:02d}")
    if hasattr(checker, "runs_of"):
        mine = exercise_runs.constants(path)  # SEED and the like, read before the runs exist
        for run in checker.runs_of(mine):
            exercise_runs.make(run, path, mine.SEED)
    return path


def timed_reference(n: int, folder: Path) -> float:
    """Seconds to make exercise n's reference runs and pass its checks (in this process);
    RuntimeError if a check fails."""
    start = time.perf_counter()
    path = reference(n, folder)
    failed = [f"{o.description}: {o.detail}" for o in check_exercise(n, path) if not o.passed]
    if failed:
        raise RuntimeError(f"exercise {n}: the reference solution fails " + "; ".join(failed))
    return time.perf_counter() - start


def ladder_line(n: int, seconds: float) -> str:
    """What the Exercises page says under an exercise's title: its kind, its level, the sections
    it needs, and how long its reference solution took to pass (its runs included)."""
    a, took = about(n), f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    runs = ", its runs included," if a.kind in ("experiment", "open") else ""
    uses = "".join(f" and exercise {m}" for m in a.uses)
    return (f"*{a.kind}* · {'★' * a.level}{'☆' * (3 - a.level)} · needs {', '.join(a.needs)}"
            f"{uses} · the reference solution{runs} passed in {took} when this page was built")


def ladder_table(times: dict[int, float]) -> str:
    """Every exercise in one Markdown table, linked to its place on the Exercises page."""
    rows = ["| | kind | exercise | needs | level | reference |",
            "| ---: | --- | --- | --- | --- | ---: |"]
    for n, seconds in sorted(times.items()):
        a = about(n)
        heading = f"Exercise {n}: {a.title}"
        slug = re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", heading).strip().lower())
        rows.append(f"| {n} | {a.kind} | [{a.title}](#{slug}) | {', '.join(a.needs)} | "
                    f"{'★' * a.level} | {seconds:.1f} s |")
    return "\n".join(rows)


def commands(n: int, **constants) -> str:
    """Exercise n's commands as the reader types them, `SEED` standing for their seed (and the
    reader's other constants as given): a block of shell lines in Markdown, for the page."""
    checker = load(part("check", n), f"check_{n:02d}")
    mine = SimpleNamespace(SEED="SEED", __file__=str(reader_file(n)), **constants)
    lines = [wrapped(run.shell(reader_file(n), "SEED")) for run in checker.runs_of(mine)]
    return "```bash\n" + "\n".join(lines) + "\n```"


def wrapped(command: str, width: int = 76) -> str:
    """A shell command continued with ` \\` onto indented lines, broken only before an option
    (a word starting with --) and never between an option and its values, so that the lines
    of the page's code block fit in the block."""
    units = re.split(r" (?=--)", command)  # the program and its first words, then each option
    lines = [units[0]]
    for unit in units[1:]:
        if len(lines[-1]) + 1 + len(unit) > width:
            lines.append("    " + unit)
        else:
            lines[-1] += " " + unit
    return " \\\n".join(lines)
# ~/~ end


# ~/~ begin <<docs/stage-03/exercises.md#exrunner-main>>[init]
def number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"N must be a whole number, not {text!r}: "
                                         "make exercise N=3") from None


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"LIMIT must be a number of seconds above 0, not "
                                         f"{text!r}: make exercise N=3 LIMIT=60")
    return value


def arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked; ExerciseError (or argparse's) with one line if it is wrong."""
    parser = argparse.ArgumentParser(description="Check your answer to one exercise.",
                                     exit_on_error=False)  # a bad N: our one line below
    parser.add_argument("n", nargs="?", type=number, help="the exercise number")
    parser.add_argument("--file", type=Path, help="check this file instead of exercises/exNN.py")
    parser.add_argument("--time-limit", type=seconds, default=None, metavar="SECONDS",
                        help=f"how long one check may run (default {LIMIT:g}, or what the "
                             "exercise's checker asks for)")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # START,FD: run as check_apart's child
    args = parser.parse_args(argv)
    if args.n is None:
        listing = "\n".join(f"  {m:2d}  {about(m).kind:10s}  {title(m)}" for m in numbers())
        raise ExerciseError(f"say which exercise: make exercise N=<n>, one of\n{listing}")
    if args.n not in numbers():
        raise ExerciseError(f"there is no exercise {args.n}: they are numbered {numbers()[0]} to "
                            f"{numbers()[-1]} (`make exercise` alone lists them)")
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        args = arguments(argv)
        if args.child:
            start, fd = map(int, args.child.split(","))
            return child(args.n, args.file, start, fd)
        path = args.file or reader_file(args.n)
        if args.file is None and copy_starter(args.n):
            print(f"Created {shown(path)} from the starter. It is yours: edit it; nothing will "
                  f"overwrite it.\n")
        limit = args.time_limit or about(args.n).limit or LIMIT
        outcomes = check_apart(args.n, path, limit)
    except argparse.ArgumentError as error:
        print(f"make exercise: {error.message}", file=sys.stderr)
        return 2
    except (ExerciseError, OSError) as error:
        print(f"make exercise: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("make exercise: stopped (Ctrl-C); your file is as you left it", file=sys.stderr)
        return 130
    print(report(args.n, shown(path), outcomes, limit))
    return 0 if all(o.passed for o in outcomes) else 1
# ~/~ end

if __name__ == "__main__":
    sys.exit(main())
# ~/~ end
