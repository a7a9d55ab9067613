"""Run the stage tests again under BLAS kernels other than this machine's own.

numpy's bundled OpenBLAS picks a kernel for the processor it runs on, and kernels round the
same matrix product differently (another order of summation, another blocking for another batch
shape). A test that compares floats from two computation paths exactly therefore passes on the
machine that wrote it and fails on a reader's. OpenBLAS obeys OPENBLAS_CORETYPE, so one machine
can play several: this runs the numeric tests (code/stage-0*/tests, not the site build) under
two kernels that differ from the default and that the processor can execute.

    python tools/test_kernels.py [pytest arguments]

The two runs go at the same time, one process each (each with one BLAS thread, as every test
session): on two cores, in the time of one. They leave out the few stage tests whose subject is
the handling of processes and messages (Ctrl-C, error lines, help), which compute nothing that a
kernel rounds and take a third of the time; a test renamed here is simply run again.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# x86-64 kernels, oldest first, with the /proc/cpuinfo flags each needs (SSE3 shows as "pni").
X86_KERNELS = {"Prescott": {"sse2"}, "Sandybridge": {"avx"}, "Haswell": {"avx2", "fma"}}
# Stage tests of signals, messages and help: no float in them depends on the kernel.
NOT_ARITHMETIC = [
    "code/stage-03/tests/test_cli.py::test_ctrl_c_saves_and_exits_cleanly",
    "code/stage-03/tests/test_cli.py::test_cli_errors_are_one_line_with_the_right_status",
    "code/stage-03/tests/test_cli.py::test_every_command_has_help",
]


def default_kernel() -> str:
    """The kernel numpy's OpenBLAS chose here (as threadpoolctl reports it), or ''."""
    code = ("import threadpoolctl, numpy; print(next((i.get('architecture') or '' for i in "
            "threadpoolctl.threadpool_info() if i['user_api'] == 'blas'), ''))")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return proc.stdout.strip()


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def other_kernels(default: str, flags: set[str], count: int = 2) -> list[str]:
    """Up to `count` kernels this processor can run that are not the default one."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    usable = [k for k, needs in X86_KERNELS.items() if needs <= flags]
    return [k for k in usable if k.lower() != default.lower()][:count]


def report(kernel: str, proc: subprocess.Popen, log) -> bool:
    """Wait for one kernel's run; print its summary line (all of its output if it failed)."""
    status = proc.wait()
    log.seek(0)
    lines = log.read().rstrip().splitlines() or [""]
    print(f"test-kernels: {kernel}: " + "\n".join(lines[-1:] if status == 0 else lines),
          flush=True)
    return status == 0


def main(args: list[str]) -> int:
    default = default_kernel()
    kernels = other_kernels(default, cpu_flags())
    if not kernels:
        print(f"test-kernels: no other OpenBLAS kernel known for {platform.machine()}; skipped")
        return 0
    tests = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "code").glob("stage-0*/tests"))]
    deselect = [arg for test in NOT_ARITHMETIC for arg in ("--deselect", test)]
    with contextlib.ExitStack() as files:
        runs = {}
        for kernel in kernels:
            print(f"test-kernels: the stage tests with OPENBLAS_CORETYPE={kernel} "
                  f"(this machine's default: {default or 'unknown'})", flush=True)
            env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                       *deselect, *tests, *args]
            log = files.enter_context(tempfile.TemporaryFile(mode="w+"))
            runs[kernel] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT), log
        failed = [kernel for kernel, (proc, log) in runs.items() if not report(kernel, proc, log)]
    if failed:
        print(f"test-kernels: a test fails with the {' and '.join(failed)} kernel; it probably "
              "compares floats from two computation paths exactly (use assert_allclose with "
              "the tolerance the property has)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
