"""The one rule of the house: code/ is exactly what the chapters in docs/ tangle to."""

import shutil
from pathlib import Path

import pytest
import tangle

ROOT = Path(__file__).resolve().parent.parent


def test_code_is_what_the_chapters_tangle_to(capsys):
    status = tangle.check(ROOT)
    report = capsys.readouterr().out
    assert status == 0, report


@pytest.fixture
def copy_of_book(tmp_path):
    for part in ("docs", "code"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "entangled.toml", tmp_path)
    return tmp_path


def a_tangled_file(root: Path) -> Path:
    return next(p for p in sorted((root / "code").rglob("*.py")) if "__pycache__" not in p.parts)


def test_check_catches_a_hand_edit(copy_of_book, capsys):
    target = a_tangled_file(copy_of_book)
    target.write_text(target.read_text() + "x = 1  # a hand edit\n")
    assert tangle.check(copy_of_book) == 1
    assert "differs from its chapter" in capsys.readouterr().out


def test_check_catches_an_orphan_and_a_missing_target(copy_of_book, capsys):
    tangled = a_tangled_file(copy_of_book)
    (copy_of_book / "code" / "stage-02" / "orphan.py").write_text("print('nobody wrote me')\n")
    tangled.unlink()
    assert tangle.check(copy_of_book) == 1
    out = capsys.readouterr().out
    assert "no chapter tangles this file: code/stage-02/orphan.py" in out
    assert "not tangled yet" in out


def test_check_catches_a_missing_reference_at_its_line(copy_of_book, capsys):
    chapter = copy_of_book / "docs" / "broken.md"
    chapter.write_text("``` {.python file=code/stage-02/broken.py}\n<<no-such-block>>\n```\n")
    assert tangle.check(copy_of_book) == 1
    assert "docs/broken.md:2: <<no-such-block>> names no block" in capsys.readouterr().out


def test_check_reports_what_only_entangled_sees(copy_of_book, capsys):
    chapter = copy_of_book / "docs" / "broken.md"  # a block that includes itself
    chapter.write_text("``` {.python file=code/stage-02/broken.py}\n<<loop>>\n```\n\n"
                       "``` {.python #loop}\n<<loop>>\n```\n")
    assert tangle.check(copy_of_book) == 1
    assert "entangled:" in capsys.readouterr().out


@pytest.mark.slow
def test_stitch_carries_a_hand_edit_back_on_a_fresh_clone(tmp_path):
    """A reader clones, edits a tangled file, runs `make stitch`: the edit lands in the chapter."""
    import subprocess
    import sys

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    for tool in (ROOT / "tools").glob("*.py"):  # the tools of this checkout, committed or not
        shutil.copy(tool, clone / "tools" / tool.name)
    target = clone / "code" / "stage-02" / "value.py"
    line = '    """A Value stays itself; a plain number becomes a leaf Value."""\n'
    assert line in target.read_text(), "the line this test edits has changed; pick another"
    target.write_text(target.read_text().replace(line, line.replace("Value.", "Value (edited).")))
    stitch = subprocess.run([sys.executable, "tools/tangle.py", "stitch"], cwd=clone,
                            capture_output=True, text=True)
    assert stitch.returncode == 0, stitch.stdout + stitch.stderr
    chapter = (clone / "docs" / "foundations" / "autograd.md").read_text()
    assert "leaf Value (edited)." in chapter
    assert tangle.check(clone) == 0
