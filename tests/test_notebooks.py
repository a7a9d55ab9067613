"""The lab runs from its own folder: Jupyter runs a notebook there, where a path relative to the
repository root names nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_the_lab_runs_from_its_own_folder():
    labs = sorted((DOCS / "labs").glob("lab_*.py"))
    assert labs
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    for lab in labs:
        proc = subprocess.run([sys.executable, lab.name], cwd=lab.parent, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{lab.name} from {lab.parent}:\n{proc.stderr[-2000:]}"


def test_the_style_helper_finds_the_style_from_anywhere(tmp_path, monkeypatch):
    import book_style

    monkeypatch.chdir(tmp_path)
    assert book_style.STYLE.is_absolute() and book_style.STYLE.is_file()
    assert book_style.STYLE == ROOT / "tools" / "book.mplstyle"
