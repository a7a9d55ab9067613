"""Run the stage tests again under BLAS kernels other than this machine's own.

numpy's bundled OpenBLAS picks a kernel for the processor it runs on, and kernels round the
same matrix product differently (another order of summation, another blocking for another batch
shape). A test that compares floats from two computation paths exactly therefore passes on the
machine that wrote it and fails on a reader's. OpenBLAS obeys OPENBLAS_CORETYPE, so one machine
can play several: this runs the numeric tests (code/stage-0*/tests, not the site build) under
two kernels that differ from the default and that the processor can execute.

    python tools/test_kernels.py [pytest arguments]
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# x86-64 kernels, oldest first, with the /proc/cpuinfo flags each needs (SSE3 shows as "pni").
X86_KERNELS = {"Prescott": {"sse2"}, "Sandybridge": {"avx"}, "Haswell": {"avx2", "fma"}}


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


def main(args: list[str]) -> int:
    default = default_kernel()
    kernels = other_kernels(default, cpu_flags())
    if not kernels:
        print(f"test-kernels: no other OpenBLAS kernel known for {platform.machine()}; skipped")
        return 0
    tests = [str(p) for p in sorted((ROOT / "code").glob("stage-0*/tests"))]
    for kernel in kernels:
        print(f"test-kernels: the stage tests with OPENBLAS_CORETYPE={kernel} "
              f"(this machine's default: {default or 'unknown'})", flush=True)
        env = dict(os.environ, OPENBLAS_CORETYPE=kernel)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests, *args]
        if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
            print(f"test-kernels: a test fails with the {kernel} kernel; it probably compares "
                  "floats from two computation paths exactly (use assert_allclose with the "
                  "tolerance the property has)", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
