# ~/~ begin <<docs/stage-03/speed.md#code/stage-03/runtime.py>>[init]
"""The process settings of training, made once by the programs that train.

The BLAS thread count (one, or every core for a network whose matrix products are large enough:
`training_threads`) and a malloc that keeps freed memory, both measured in "How fast is our
autograd?" (docs/stage-03/speed.md). No module of the book changes the process when it is
imported; the command line (cli.main), the benchmark (bench.main) and the tests (conftest.py,
always one thread) call `configure()` at their start.

Generated from docs/stage-03/speed.md by entangled: edit the chapter and `make tangle`, or edit
this file and `make stitch`.
"""

from __future__ import annotations

import ctypes
import os

import numpy  # noqa: F401  (loads the BLAS library that threadpool_limits then finds)
from threadpoolctl import threadpool_limits

# ~/~ begin <<docs/stage-03/speed.md#runtime-configure>>[init]
def configure(threads: int = 1) -> None:
    """Set this process up for training: `threads` BLAS threads, and a malloc that keeps
    freed memory. Called by each entry point (again when it knows its network), never on
    import."""
    limit_blas_threads(threads)
    keep_freed_memory()
# ~/~ end


# ~/~ begin <<docs/stage-03/speed.md#runtime-threads>>[init]
def limit_blas_threads(threads: int) -> None:
    """From now on, at most `threads` threads in numpy's matrix library."""
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    threadpool_limits(limits=threads, user_api="blas")
# ~/~ end


# ~/~ begin <<docs/stage-03/speed.md#runtime-thread-rule>>[init]
ALL_CORES_FROM = 30_000_000  # multiply-adds of a step's forward products; measured above


def forward_products(shapes, batch: int) -> int:
    """Multiply-adds of the forward pass's matrix products, B Σ n_in·n_out over the (n_in, n_out)
    of the layers (neural_lm.layer_shapes): B (K D H_1 + H_1 H_2 + ... + H_L V)."""
    return batch * sum(n_in * n_out for n_in, n_out in shapes)


def training_threads(work: int, cores: int | None = None) -> int:
    """BLAS threads to train with: every core this process may use when a step does at least
    ALL_CORES_FROM multiply-adds in its forward products, one otherwise; but the count that the
    environment sets (OPENBLAS_NUM_THREADS, else OMP_NUM_THREADS), if it sets one."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name, "").isdigit() and int(os.environ[name]) >= 1:
            return int(os.environ[name])
    return (cores or usable_cores()) if work >= ALL_CORES_FROM else 1


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity), or else the machine's."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
# ~/~ end


# ~/~ begin <<docs/stage-03/speed.md#runtime-malloc>>[init]
def keep_freed_memory() -> bool:
    """Let glibc's malloc reuse freed blocks instead of returning them to the system at once;
    False where there is no glibc to tune."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return False
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # option numbers from glibc's <malloc.h>
    libc.mallopt(M_MMAP_THRESHOLD, 32 * 2**20)  # blocks under 32 MB come from the reusable heap
    libc.mallopt(M_TRIM_THRESHOLD, 256 * 2**20)  # which shrinks only at 256 MB free at its top
    return True
# ~/~ end
# ~/~ end
