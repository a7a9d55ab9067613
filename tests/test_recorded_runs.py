"""The recorded benchmark runs that the chapters print are runs of the code as it is.

A chapter prints a recorded run (docs/stage-03/recorded/) where a figure depends on a quiet
machine. An estimate that code takes from such a run must then be the one the run was made
with, and must not fall short of what the run measured: a change to the estimate without a new
recording, or a recording that the estimate no longer covers, fails here.
"""

import json
from pathlib import Path

import memory

RECORDED = Path(__file__).resolve().parent.parent / "docs" / "stage-03" / "recorded"


def test_the_recorded_memory_run_is_covered_by_the_data_estimate():
    run = json.loads((RECORDED / "bench-memory.json").read_text(encoding="utf-8"))
    per_byte = run["big"]["data_bytes_per_byte"]
    assert per_byte["assumed"] == memory.DATA_BYTES_PER_BYTE, (
        "memory.DATA_BYTES_PER_BYTE changed since the recorded run: record it again with "
        "`make bench-memory BENCH_JSON=docs/stage-03/recorded/bench-memory.json`")
    assert 0 < per_byte["measured"] <= memory.DATA_BYTES_PER_BYTE
    assert run["big"]["trained"]["status"] == 0 and run["reference"]["met"]
    assert all(row["ratio"] >= 1 for row in run["estimates"].values())
