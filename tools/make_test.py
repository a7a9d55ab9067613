"""`make test`: every check CI makes, in phases, using every core; the time of each at the end.

    python tools/make_test.py [pytest arguments]

1. lint        ruff over the code, the tools and the tests
2. check-sync  the chapters tangle to exactly the files under code/ (tools/tangle.py check)
3. site        one strict build of the site into a temporary folder, with the record of which
               executed blocks it had to run (tools/mkdocs_hooks.py, BOOK_RUN_REPORT); run-outputs/
               in git should hold them all, and a test says which did not and why
4. pytest      every test, on every core (pytest-xdist); the site tests read the build of phase 3
               (BOOK_TEST_SITE), so no worker builds it again
5. kernels     the stage tests under two other BLAS kernels, at the same time
               (tools/test_kernels.py)

It stops at the first phase that fails, and prints the table of phases either way, with the
load average of the machine at the start and end of each: timings on a shared machine are
noisy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def build_site(folder: Path) -> tuple[bool, str]:
    """A strict build into folder/site, its report in folder/run-report.json; (ok, its log)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", BOOK_RUN_REPORT=str(folder / "run-report.json"))
    proc = subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(folder / "site")], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    return proc.returncode == 0, proc.stdout + proc.stderr


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def main(pytest_args: list[str]) -> int:
    work = Path(tempfile.mkdtemp(prefix="book-test-"))
    env = dict(os.environ, BOOK_TEST_SITE=str(work / "site"))

    def site() -> int:
        ok, output = build_site(work)
        lines = [line for line in output.splitlines()
                 if "executed blocks" in line or ": ran " in line or "ERROR" in line]
        print(output if not ok else "\n".join(lines), flush=True)
        return 0 if ok else 1

    phases = [
        ("lint", [PY, "-m", "ruff", "check", "code", "tools", "tests", "conftest.py"]),
        ("check-sync", [PY, "tools/tangle.py", "check"]),
        ("site", site),
        ("pytest", [PY, "-m", "pytest", "-n", str(cores()), "--dist", "worksteal",
                    *pytest_args]),
        ("kernels", [PY, "tools/test_kernels.py"]),
    ]
    done, failed, started = [], None, time.perf_counter()
    try:
        for name, command in phases:
            print(f"\n== make test: {name} ==", flush=True)
            before, t0 = load(), time.perf_counter()
            status = command() if callable(command) else subprocess.run(
                command, cwd=ROOT, env=env).returncode
            done.append((name, time.perf_counter() - t0, before, load(), status))
            if status != 0:
                failed = name
                break
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n== make test: phases (on {cores()} cores; load average at start and end) ==")
    for name, seconds, before, after, status in done:
        print(f"  {name:<11} {seconds:6.1f} s   load {before} -> {after}"
              f"{'   FAILED' if status else ''}")
    print(f"  {'total':<11} {time.perf_counter() - started:6.1f} s")
    if failed:
        print(f"make test: the {failed} phase failed (its output is above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
