# ~/~ begin <<docs/stage-03/speed.md#code/stage-03/tests/test_runtime.py>>[init]
"""Tests of runtime.py and of its promise: importing the book changes nothing in the process.

Generated from docs/stage-03/speed.md by entangled: edit the chapter.
"""

import json
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import runtime
from neural_lm import ModelConfig, layer_shapes

# ~/~ begin <<docs/stage-03/speed.md#runtime-tests>>[init]
BOOK = sorted(p.stem for p in Path(__file__).resolve().parents[2].glob("stage-0*/*.py"))
SPY = """
import ctypes, json, os, sys
from threadpoolctl import threadpool_info
opened, called, real = [], [], ctypes.CDLL
class Spy:
    def __init__(self, lib): self.lib = lib
    def __getattr__(self, name): called.append(name); return getattr(self.lib, name)
ctypes.CDLL = lambda name, *a, **k: opened.append(name) or Spy(real(name, *a, **k))
def state():
    threads = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return {"environ": dict(os.environ), "threads": threads}
"""


def in_a_fresh_process(code: str) -> dict:
    """Run code after SPY in a new Python whose environment sets no thread count; its JSON."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    proc = subprocess.run([sys.executable, "-c", SPY + textwrap.dedent(code)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_importing_the_book_changes_nothing_in_the_process():
    seen = in_a_fresh_process(f"""
        import numpy
        before = state()
        opened.clear()                      # threadpoolctl itself opens libraries to ask them
        for name in {BOOK!r}:
            __import__(name)
        print(json.dumps({{"before": before, "opened": list(opened), "after": state()}}))
    """)
    assert "neural_lm" in BOOK and "tensor" in BOOK
    assert seen["after"] == seen["before"]
    assert "libc.so.6" not in seen["opened"]


def test_the_thread_rule_depends_on_the_shapes_the_cores_and_the_environment(monkeypatch):
    shapes = layer_shapes(ModelConfig(vocab_size=85, context=8, embedding=24, hidden=(256, 256)))
    chars = runtime.forward_products(shapes, batch=1)
    assert chars == 8 * 24 * 256 + 256 * 256 + 256 * 85
    assert runtime.forward_products(shapes, batch=64) == 64 * chars
    rule = runtime.ALL_CORES_FROM
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)  # the test session sets it to 1
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert runtime.training_threads(rule - 1, cores=8) == 1
    assert runtime.training_threads(rule, cores=8) == 8
    assert runtime.training_threads(10 * rule, cores=1) == 1
    assert runtime.training_threads(rule) >= 1  # the cores this process may use
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert runtime.training_threads(rule, cores=8) == runtime.training_threads(1, cores=8) == 3
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")  # OpenBLAS's own variable comes first
    assert runtime.training_threads(rule, cores=8) == 2


def test_the_test_session_keeps_training_runs_on_one_thread():
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"  # set by conftest.py for the whole session
    assert runtime.training_threads(10**12, cores=64) == 1


def test_configure_sets_one_thread_and_tunes_malloc():
    seen = in_a_fresh_process("""
        import runtime
        runtime.configure(threads=1)
        print(json.dumps({"after": state(), "called": called}))
    """)
    assert seen["after"]["threads"] in ([1], [])       # [] where numpy has no BLAS library
    glibc = platform.libc_ver()[0] == "glibc"
    assert seen["called"].count("mallopt") == (2 if glibc else 0)
# ~/~ end
# ~/~ end
