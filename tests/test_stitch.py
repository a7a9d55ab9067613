"""`make tangle` and `make stitch` keep every edit: chapter edits, file edits, and through crashes.

Each test works on a git clone of the book (so git HEAD gives the last tangled state, as on a
reader's fresh clone) with this checkout's tools/ copied in, and runs the tools as `make` does:
`python tools/tangle.py tangle|stitch|check` in the clone.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import hostile_cases
import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "docs/foundations/autograd.md"
TANGLED = "code/stage-02/value.py"
# two blocks of that chapter, both tangled into that file
LIFT = '    """A Value stays itself; a plain number becomes a leaf Value."""'
DOMAIN = ('    """An operation was given a number outside its domain '
          '(log of 0, 0 to a negative power)."""')
FILE_EDIT = LIFT.replace("leaf Value.", "leaf Value (edited in code/).")
CHAPTER_EDIT = DOMAIN.replace("An operation", "An operation (edited in the chapter)")


def clone_book(where: Path) -> Path:
    """A fresh clone of the book (no .entangled/), with this checkout's tools."""
    book = where / "book"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(book)], check=True)
    for tool in (ROOT / "tools").glob("*.py"):
        shutil.copy(tool, book / "tools" / tool.name)
    return book


@pytest.fixture
def book(tmp_path) -> Path:
    return clone_book(tmp_path)


def run(book: Path, *args: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, "tools/tangle.py", *args], cwd=book, capture_output=True,
                          text=True, timeout=300)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path} should hold this line once; the test needs updating"
    path.write_text(text.replace(old, new))


def the_files(book: Path) -> dict[str, bytes]:
    """Every chapter and tangled file: what a tangle or stitch may change."""
    paths = [*book.glob("docs/**/*.md"), *(book / "code").rglob("*")]
    return {p.relative_to(book).as_posix(): p.read_bytes() for p in paths
            if p.is_file() and "__pycache__" not in p.parts}


def stamps(book: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime in ns) of every file under code/: both change when a file is rewritten."""
    return {p.relative_to(book).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (book / "code").rglob("*") if p.is_file()}


def in_sync(book: Path) -> bool:
    return run(book, "check").returncode == 0


# --------------------------------------------------------------------------------------------
# the three-way stitch


@pytest.mark.slow
def test_stitch_keeps_an_edit_made_only_in_the_chapter(book):
    edit(book / CHAPTER, DOMAIN, CHAPTER_EDIT)
    stitch = run(book, "stitch")
    assert stitch.returncode == 0, stitch.stdout + stitch.stderr
    assert CHAPTER_EDIT in (book / CHAPTER).read_text(), "stitch threw the chapter edit away"
    assert CHAPTER_EDIT in (book / TANGLED).read_text(), "stitch did not tangle the chapter edit"
    assert in_sync(book)


@pytest.mark.slow
def test_stitch_merges_edits_of_two_blocks_made_on_the_two_sides(book):
    edit(book / CHAPTER, DOMAIN, CHAPTER_EDIT)
    edit(book / TANGLED, LIFT, FILE_EDIT)
    stitch = run(book, "stitch")
    assert stitch.returncode == 0, stitch.stdout + stitch.stderr
    for path in (CHAPTER, TANGLED):
        text = (book / path).read_text()
        assert CHAPTER_EDIT in text and FILE_EDIT in text, f"an edit is missing from {path}"
    assert in_sync(book)


@pytest.mark.slow
def test_an_edit_of_one_block_on_both_sides_changes_nothing(book):
    edit(book / CHAPTER, LIFT, LIFT.replace("leaf Value.", "leaf Value (chapter)."))
    edit(book / TANGLED, LIFT, FILE_EDIT)
    before = the_files(book)
    stitch = run(book, "stitch")
    assert stitch.returncode != 0
    lines = stitch.stdout.splitlines()
    assert len(lines) == 1 and TANGLED in lines[0] and "value-lift" in lines[0], stitch.stdout
    assert "Traceback" not in stitch.stderr
    assert the_files(book) == before, "a refused stitch changed files"
    tangle = run(book, "tangle")
    assert tangle.returncode != 0 and TANGLED in tangle.stdout
    assert the_files(book) == before, "a refused tangle changed files"


def delete_the_begin_marker(text: str) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "#value-lift>>[init]" in line)
    end = next(i for i in range(index, len(lines)) if "~/~ end" in lines[i])
    return "".join(lines[:index] + lines[index + 1:]), end  # the end moves up to line `end`


def damage_the_begin_marker(text: str) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if "#value-lift>>[init]" in line)
    lines[index] = lines[index].replace(">>[init]", "[init]")
    return "".join(lines), index + 1


def add_a_line_after_the_last_marker(text: str) -> tuple[str, int]:
    return text + "print('one line too many')\n", len(text.splitlines()) + 1


@pytest.mark.slow
@pytest.mark.parametrize("damage", [delete_the_begin_marker, damage_the_begin_marker,
                                    add_a_line_after_the_last_marker])
def test_damaged_markers_stop_stitch_with_one_line(book, damage):
    target = book / TANGLED
    damaged, line = damage(target.read_text())
    target.write_text(damaged)
    before = the_files(book)
    stitch = run(book, "stitch")
    assert stitch.returncode != 0
    assert "Traceback" not in stitch.stdout + stitch.stderr
    assert stitch.stdout.splitlines() == [stitch.stdout.strip()], "more than one line"
    assert stitch.stdout.startswith(f"{TANGLED}:{line}: "), stitch.stdout
    assert the_files(book) == before, "a refused stitch changed files"


# --------------------------------------------------------------------------------------------
# a file under code/ older than its chapter is not a hand edit (issue 21, item 1)


def git(book: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=book, check=True, capture_output=True,
                          text=True).stdout


def older_by_checkout(book: Path) -> None:
    git(book, "checkout", "--", "code/")


def older_by_stash(book: Path) -> None:
    git(book, "stash", "push", "-q", "--", "code/")


def older_by_a_copy_of_an_earlier_tangle(book: Path) -> None:
    """A copy saved after the first chapter edit, put back after a second one: its text is in
    no commit, only in the record of the tangles made here."""
    saved = (book / TANGLED).read_bytes()
    edit(book / CHAPTER, CHAPTER_EDIT, CHAPTER_EDIT.replace("edited", "edited twice"))
    assert run(book, "tangle").returncode == 0
    (book / TANGLED).write_bytes(saved)


@pytest.mark.slow
@pytest.mark.parametrize("make_older", [older_by_checkout, older_by_stash,
                                        older_by_a_copy_of_an_earlier_tangle])
@pytest.mark.parametrize("first", ["tangle", "stitch"])
def test_an_older_file_never_undoes_a_chapter_edit(book, make_older, first):
    """Edit a chapter, tangle, make code/ older; then tangle and stitch in either order, as the
    printed advice says: the chapter edit stays, in the chapter and in code/."""
    assert run(book, "tangle").returncode == 0
    edit(book / CHAPTER, DOMAIN, CHAPTER_EDIT)
    assert run(book, "tangle").returncode == 0
    make_older(book)
    chapter = (book / CHAPTER).read_text()
    result = run(book, first)
    if first == "stitch":  # in doubt: refuses, saying to tangle
        lines = result.stdout.splitlines()
        assert result.returncode == 1 and len(lines) == 1, result.stdout + result.stderr
        assert lines[0].startswith(f"stitch: {TANGLED}:") and "make tangle" in lines[0]
        assert (book / CHAPTER).read_text() == chapter, "a refused stitch changed the chapter"
        result = run(book, "tangle")
    assert result.returncode == 0 and "older than their chapters" in result.stdout, result.stdout
    assert run(book, "stitch").returncode == 0
    assert (book / CHAPTER).read_text() == chapter, "the older file was carried into the chapter"
    assert (book / TANGLED).read_text().count("(edited") == 1, "code/ is not the chapter's"
    assert in_sync(book)


@pytest.mark.slow
def test_a_file_from_an_older_commit_is_older_on_a_fresh_clone(book):
    """No record here: git's history of the chapters tells the older text from an edit."""
    tensor = "code/stage-03/tensor.py"
    commits = git(book, "log", "--format=%H", "-n", "2", "--", tensor).split()
    if len(commits) < 2:
        pytest.skip("tensor.py has one commit")
    chapters = {rel: data for rel, data in the_files(book).items() if rel.startswith("docs/")}
    (book / tensor).write_text(git(book, "show", f"{commits[1]}:{tensor}"))
    stitch = run(book, "stitch")
    assert stitch.returncode == 1 and "an earlier commit of docs/" in stitch.stdout
    tangle = run(book, "tangle")
    assert tangle.returncode == 0 and f"brought up to date: {tensor}" in tangle.stdout
    after = {rel: data for rel, data in the_files(book).items() if rel.startswith("docs/")}
    assert after == chapters
    assert in_sync(book)


@pytest.mark.slow
def test_a_hand_edit_beside_an_older_block_keeps_both_edits(book):
    """One block reverted to its older text, another edited by hand, in one file: tangle brings
    the first up to date around the second; stitch then carries the second."""
    assert run(book, "tangle").returncode == 0
    edit(book / CHAPTER, DOMAIN, CHAPTER_EDIT)
    assert run(book, "tangle").returncode == 0
    edit(book / TANGLED, CHAPTER_EDIT, DOMAIN)  # a partial revert, by hand
    edit(book / TANGLED, LIFT, FILE_EDIT)
    tangle = run(book, "tangle")
    assert tangle.returncode == 0 and "your edits kept" in tangle.stdout, tangle.stdout
    text = (book / TANGLED).read_text()
    assert CHAPTER_EDIT in text and FILE_EDIT in text
    assert run(book, "stitch").returncode == 0
    for path in (CHAPTER, TANGLED):
        text = (book / path).read_text()
        assert CHAPTER_EDIT in text and FILE_EDIT in text, f"an edit is missing from {path}"
    assert in_sync(book)


# --------------------------------------------------------------------------------------------
# a conflict: the advice printed leads to a clean state, with no edit lost (item 5)


def keep_the_chapters(book: Path, chapter_line: str, file_line: str) -> None:
    edit(book / TANGLED, file_line, chapter_line)


def keep_both(book: Path, chapter_line: str, file_line: str) -> None:
    both = chapter_line.replace(".", " (chapter and file).", 1)
    edit(book / CHAPTER, chapter_line, both)
    edit(book / TANGLED, file_line, both)


@pytest.mark.slow
@pytest.mark.parametrize("resolve", [keep_the_chapters, keep_both])
def test_following_the_advice_after_a_conflict_ends_in_sync(book, resolve):
    chapter_line = LIFT.replace("leaf Value.", "leaf Value (chapter).")
    edit(book / CHAPTER, LIFT, chapter_line)
    edit(book / TANGLED, LIFT, FILE_EDIT)
    for command in ("tangle", "stitch"):
        result = run(book, command)
        lines = result.stdout.splitlines()
        assert result.returncode == 1 and len(lines) == 1, result.stdout
        assert f"{command}: {TANGLED}:" in lines[0] and "block value-lift" in lines[0]
        assert f"{CHAPTER}:73" in lines[0] and "make the two alike" in lines[0]
    resolve(book, chapter_line, FILE_EDIT)  # what the line says to do
    assert run(book, "tangle").returncode == 0
    assert run(book, "stitch").returncode == 0
    assert in_sync(book)
    chapter = (book / CHAPTER).read_text()
    assert "(chapter" in chapter and chapter.count("leaf Value (") == 1


# --------------------------------------------------------------------------------------------
# chapters entangled would mis-read, edits it would mis-read, files it cannot read (items 2-4)


def break_the_fence(book: Path) -> int:
    """The `}` of the file= fence that writes value.py deleted; returns its line."""
    text = (book / CHAPTER).read_text()
    fence = "``` {.python file=code/stage-02/value.py}"
    assert text.count(fence) == 1
    (book / CHAPTER).write_text(text.replace(fence, fence[:-1]))
    return text[:text.index(fence)].count("\n") + 1


@pytest.mark.slow
def test_a_fence_that_does_not_parse_stops_every_command_at_its_line(book):
    line = break_the_fence(book)
    before = the_files(book)
    for command in ("tangle", "stitch", "check"):
        result = run(book, command)
        assert result.returncode == 1, f"{command}: {result.stdout}"
        assert f"{CHAPTER}:{line}: " in result.stdout, f"{command}: {result.stdout}"
        assert "Traceback" not in result.stdout + result.stderr
        assert the_files(book) == before, f"{command} changed files (value.py removed?)"


@pytest.mark.slow
@pytest.mark.parametrize("target", ["ABSOLUTE", "code/../../outside.py", "../outside.py"])
def test_a_target_outside_code_is_refused_before_anything_is_written(book, target):
    outside = book.parent / "outside.py"
    target = str(outside) if target == "ABSOLUTE" else target
    chapter = book / "docs" / "stray.md"
    chapter.write_text(f"``` {{.python file={target}}}\nprint('written outside')\n```\n")
    for command in ("tangle", "stitch", "check"):
        result = run(book, command)
        assert result.returncode == 1 and "docs/stray.md:1: " in result.stdout, result.stdout
        assert "Traceback" not in result.stdout + result.stderr
        assert not outside.exists() and not (book / "outside.py").exists(), command
        assert not list(book.glob(".entangled/*.py")), command


@pytest.mark.slow
def test_an_edit_that_would_read_as_a_reference_is_refused(book):
    """A docstring line holding only <<value-domain-error>>: carried into the chapter, entangled
    would include that block there on the next tangle."""
    lift = LIFT.replace('"""A Value', '"""A Value\n    <<value-domain-error>>\n   ', 1)
    edit(book / TANGLED, LIFT, lift)
    line = (book / TANGLED).read_text().splitlines().index("    <<value-domain-error>>") + 1
    before = the_files(book)
    stitch = run(book, "stitch")
    assert stitch.returncode == 1 and stitch.stdout.startswith(f"stitch: {TANGLED}:{line}: ")
    assert len(stitch.stdout.splitlines()) == 1 and "<<value-domain-error>>" in stitch.stdout
    assert the_files(book) == before


@pytest.mark.slow
def test_chapters_that_tangle_to_python_that_does_not_parse_are_reported(book):
    edit(book / CHAPTER, DOMAIN, DOMAIN.replace('"""', "'''", 1))  # a string left open
    before = the_files(book)
    for command in ("tangle", "stitch", "check"):
        result = run(book, command)
        assert result.returncode == 1 and f"{TANGLED}:" in result.stdout, result.stdout
        assert "does not parse" in result.stdout and f"{CHAPTER}:" in result.stdout
        assert the_files(book) == before


@pytest.mark.slow
def test_an_edit_that_is_not_utf8_is_refused_with_its_line(book):
    data = (book / TANGLED).read_bytes()
    line = data[:data.index(LIFT.encode())].count(b"\n") + 1
    (book / TANGLED).write_bytes(data.replace(b"leaf Value.", b"leaf Value \xed\xa0\x80.", 1))
    before = the_files(book)
    stitch = run(book, "stitch")
    assert stitch.returncode == 1 and "Traceback" not in stitch.stdout + stitch.stderr
    assert stitch.stdout.startswith(f"stitch: {TANGLED}:{line}: byte 0xed"), stitch.stdout
    assert len(stitch.stdout.splitlines()) == 1
    assert the_files(book) == before


# --------------------------------------------------------------------------------------------
# tangle: quiet, writes only what changed, entangled run by this interpreter


@pytest.mark.slow
def test_tangle_is_quiet_and_rewrites_no_file_it_did_not_change(book):
    before = stamps(book)
    tangle = run(book, "tangle")  # a fresh clone: no .entangled/
    assert tangle.returncode == 0, tangle.stdout + tangle.stderr
    assert re.fullmatch(r"tangle: 0 written, \d+ unchanged\n", tangle.stdout), tangle.stdout
    assert tangle.stderr == ""
    assert stamps(book) == before, "tangle rewrote files whose bytes did not change"

    edit(book / CHAPTER, DOMAIN, CHAPTER_EDIT)
    tangle = run(book, "tangle")
    assert re.fullmatch(r"tangle: 1 written, \d+ unchanged\n", tangle.stdout), tangle.stdout
    changed = {rel for rel, stamp in stamps(book).items() if before[rel] != stamp}
    assert changed == {TANGLED}
    data = (book / TANGLED).read_bytes()
    assert data.endswith(b"\n") and not data.endswith(b"\n\n"), "one final newline"

    verbose = run(book, "tangle", "--verbose")
    assert "INFO" in verbose.stdout, "--verbose (make tangle V=1) should show entangled's log"


def test_make_passes_v_1_on_as_verbose():
    dry = subprocess.run(["make", "-n", "tangle", "stitch", "V=1"], cwd=ROOT,
                         capture_output=True, text=True)
    assert "tools/tangle.py tangle --verbose" in dry.stdout
    assert "tools/tangle.py stitch --verbose" in dry.stdout


# --------------------------------------------------------------------------------------------
# the hostile cases of issue 21: no value given to make runs a command (item 6), and the fast
# cases of every other item, from the table `make hostile` prints


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in hostile_cases.book_cases() if c.fast],
                         ids=lambda case: case.name)
def test_the_fast_hostile_cases_of_the_tools_are_answered_clearly(case):
    """The fast part of `make hostile`'s table for the book's tools (tools/hostile_cases.py),
    so that `make test` covers every class of issue 21."""
    kind, seen, _, _ = hostile_cases.run_book_case(ROOT, case)
    assert kind == "clear", f"{case.item} {case.name}: {kind}: {seen}"


@pytest.mark.slow
def test_entangled_runs_without_the_entangled_script(book, tmp_path):
    """A copied checkout: its venv's `entangled` script names a Python that does not exist."""
    venv = tmp_path / "copied-venv"
    (venv / "bin").mkdir(parents=True)
    shutil.copy(Path(sys.prefix) / "pyvenv.cfg", venv / "pyvenv.cfg")
    (venv / "lib").symlink_to(Path(sys.prefix) / "lib")
    (venv / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    script = venv / "bin" / "entangled"
    script.write_text("#!/nowhere/.venv/bin/python\nimport entangled\n")
    script.chmod(0o755)
    python = str(venv / "bin" / "python")
    for command in ("check", "tangle"):
        result = run(book, command, python=python)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"


@pytest.mark.slow
def test_leftovers_of_a_killed_run_are_ignored_and_removed(book):
    leftovers = [book / "code/stage-02/.value.py.x1.tangle-tmp",
                 book / "docs/foundations/.autograd.md.x2.tangle-tmp"]
    for path in leftovers:
        path.write_text("half written")
    assert in_sync(book), "check should ignore temporary files of a killed run"
    assert run(book, "tangle").returncode == 0
    assert not any(path.exists() for path in leftovers)
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=book,
                            capture_output=True, text=True).stdout
    assert ".entangled/" in status and "!! .entangled/" in status, "keep .entangled/ ignored"


# --------------------------------------------------------------------------------------------
# the stitch torture test: SIGKILL at many instants, then a re-run finishes the job


def make_the_edits(book: Path) -> None:
    edit(book / TANGLED, LIFT, FILE_EDIT)
    edit(book / CHAPTER, DOMAIN, CHAPTER_EDIT)


def damaged_files(book: Path, expected: set[str]) -> list[str]:
    """Files under code/ lost, and chapters or tangled files empty or without a final newline."""
    files = the_files(book)
    problems = [f"lost: {rel}" for rel in sorted(expected - set(files))]
    problems += [f"empty or no final newline: {rel}" for rel, data in files.items()
                 if rel.endswith((".py", ".md")) and not data.endswith(b"\n")]
    return problems


def restore(book: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = book / rel
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


# Runs tools/tangle.py stitch, killing its process group right after its n-th os.replace: the
# instants between two writes, which a timer hits only by luck (they last milliseconds).
STITCH_KILLED_AFTER_WRITE = """
import os, runpy, signal, sys
limit, done, replace = int(sys.argv[1]), [0], os.replace
def replace_then_die(source, target):
    replace(source, target)
    done[0] += 1
    if done[0] == limit:
        os.killpg(0, signal.SIGKILL)
os.replace = replace_then_die
sys.argv = ["tools/tangle.py", "stitch"]
sys.path.insert(0, "tools")
runpy.run_path("tools/tangle.py", run_name="__main__")
"""


def killed_stitch(book: Path, instant: float | None = None, write: int = 0) -> bool:
    """Run stitch, SIGKILL its whole process group at `instant` s or after its `write`-th file
    replacement; True if it was still running then."""
    command = ([sys.executable, "tools/tangle.py", "stitch"] if instant is not None else
               [sys.executable, "-c", STITCH_KILLED_AFTER_WRITE, str(write)])
    stitch = subprocess.Popen(command, cwd=book, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    if instant is None:
        return stitch.wait() == -signal.SIGKILL
    time.sleep(instant)
    running = stitch.poll() is None
    if running:
        os.killpg(stitch.pid, signal.SIGKILL)
    stitch.wait()
    return running


@pytest.mark.slow
def test_stitch_killed_at_any_instant_loses_no_edit(tmp_path):
    """A file edit and a chapter edit (two blocks of one chapter); stitch killed with SIGKILL at
    13 instants spread over its run time and right after each of its first two file writes;
    after each kill, every edit is on disk, and a re-run finishes the job."""
    book = clone_book(tmp_path)
    assert run(book, "tangle").returncode == 0  # the record of the last tangle, as after work
    record = book / ".entangled" / "last-tangle.json"
    clean = the_files(book) | ({".entangled/last-tangle.json": record.read_bytes()}
                               if record.exists() else {})
    code = {rel for rel in clean if rel.startswith("code/")}

    make_the_edits(book)
    start = time.monotonic()
    assert run(book, "stitch").returncode == 0
    duration = time.monotonic() - start
    assert FILE_EDIT in (book / CHAPTER).read_text()
    assert CHAPTER_EDIT in (book / TANGLED).read_text()

    kills = [{"fraction": (k + 0.5) / 13} for k in range(13)]
    kills += [{"write": 1}, {"write": 2}]  # after the chapter is written; after the file
    interrupted, carried_when_killed = 0, 0
    for kill in kills:
        restore(book, clean)
        make_the_edits(book)
        if "fraction" in kill:
            kill = {"instant": kill["fraction"] * duration}
        was_running = killed_stitch(book, **kill)
        assert was_running or "instant" in kill, f"stitch was not killed after {kill}"
        interrupted += was_running
        when = (f"killed at {kill['instant']:.2f} s of {duration:.2f} s" if "instant" in kill
                else f"killed after write {kill['write']}")
        chapter, tangled = (book / CHAPTER).read_text(), (book / TANGLED).read_text()
        assert CHAPTER_EDIT in chapter, f"{when}: the chapter edit is gone"
        assert FILE_EDIT in chapter or FILE_EDIT in tangled, f"{when}: the file edit is gone"
        carried_when_killed += FILE_EDIT in chapter
        assert not damaged_files(book, code), f"{when}: {damaged_files(book, code)}"

        start = time.monotonic()
        rerun = run(book, "stitch")
        assert rerun.returncode == 0, f"{when}, then re-run: {rerun.stdout}{rerun.stderr}"
        if "stitch: carried" in rerun.stdout:  # a whole run: the machine's speed now
            duration = min(duration, time.monotonic() - start)
        for path in (CHAPTER, TANGLED):
            text = (book / path).read_text()
            assert CHAPTER_EDIT in text and FILE_EDIT in text, f"{when}: an edit left {path}"
        assert not damaged_files(book, code), f"{when}, re-run: {damaged_files(book, code)}"
    print(f"stitch runs in {duration:.2f} s; {interrupted} of {len(kills)} kills interrupted it, "
          f"{carried_when_killed} after the file edit had reached the chapter")
    assert interrupted >= 8, "most kills came after stitch had finished: is it faster now?"
    assert carried_when_killed >= 2, "no kill came after the chapter was written"
    assert in_sync(book)


# --------------------------------------------------------------------------------------------
# the block reader and the merge rule, on small examples


def test_blocks_are_read_as_entangled_stitch_reads_them():
    import tangle_merge as merge

    text = ("# ~/~ begin <<docs/a.md#code/a.py>>[init]\n"
            "def f():\n"
            "    # ~/~ begin <<docs/a.md#body>>[init]\n"
            "    return 1\n"
            "    # ~/~ end\n"
            "    # ~/~ begin <<docs/a.md#body>>[1]\n"
            "\n"
            "    return 2\n"
            "    # ~/~ end\n"
            "# ~/~ end\n")
    blocks = merge.blocks_of("code/a.py", text)
    texts = {str(block): found[0].text for block, found in blocks.items()}
    assert texts == {"<<docs/a.md#code/a.py>>[0]": "def f():\n    <<body>>",
                     "<<docs/a.md#body>>[0]": "return 1",
                     "<<docs/a.md#body>>[1]": "\nreturn 2"}
    flat = merge.blocks_of("flat", merge.flat_file({b: f[0].text for b, f in blocks.items()}))
    assert {b: f[0].text for b, f in flat.items()} == {b: f[0].text for b, f in blocks.items()}


def test_the_merge_rule_block_by_block():
    import tangle_merge as merge

    a, b, c = (merge.BlockId("docs/a.md", name, 0) for name in "abc")
    base = {a: "a0", b: "b0", c: "c0"}
    chapters = {a: "a0", b: "b1", c: "c1"}  # the chapter changed b and c
    edits = [merge.Edit(a, "code/a.py", 1, "a2"),  # only the file changed a: carried
             merge.Edit(b, "code/a.py", 5, "b1"),  # both, alike: nothing to do
             merge.Edit(c, "code/a.py", 9, "c2")]  # both, differently: a conflict
    plan = merge.plan_stitch(edits, base, chapters)
    assert plan.carry == {a: "a2"}
    assert len(plan.conflicts) == 1 and "code/a.py:9" in plan.conflicts[0].message
