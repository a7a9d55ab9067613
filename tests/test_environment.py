"""The book's environment: the path setup follows the checkout, and `pytest` from anywhere runs
in the project's .venv (see conftest.py and tools/install_paths.py)."""

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def test_the_pth_file_names_this_checkouts_stage_folders_by_relative_paths():
    if Path(sys.prefix).resolve() != VENV.resolve():
        pytest.skip("not running in this checkout's .venv")
    packages = Path(site.getsitepackages()[0])
    lines = (packages / "neural_lm_book.pth").read_text(encoding="utf-8").split()
    assert lines and not any(os.path.isabs(line) for line in lines), lines  # a moved copy works
    resolved = [(packages / line).resolve() for line in lines]
    assert resolved == [*(ROOT / "code" / f"stage-0{n}" for n in (1, 2, 3)), ROOT / "tools"]


def test_a_pytest_from_outside_hands_the_run_over_to_the_venv():
    outside = shutil.which("python3", path=str(Path(sys.base_prefix) / "bin"))
    if not VENV.exists() or outside is None:
        pytest.skip("needs this checkout's .venv and the base Python")
    if subprocess.run([outside, "-c", "import pytest"], capture_output=True).returncode != 0:
        pytest.skip("the base Python has no pytest of its own")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEURAL_LM_BOOK_")}
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run([outside, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "code/stage-02/tests/test_value.py", "-k", "add"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "running in the book's environment" in proc.stderr, proc.stderr
    assert proc.returncode == 0 and " passed" in proc.stdout, proc.stdout + proc.stderr
