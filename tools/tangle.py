"""Tangle, stitch and check the book's code: entangled computes, this wrapper owns the files.

    python tools/tangle.py tangle [--verbose]   # docs/ -> code/
    python tools/tangle.py stitch [--verbose]   # edits in code/ -> docs/, then tangle
    python tools/tangle.py check                # exit 1 if code/ is not what docs/ tangles to

entangled-cli 2.1.13 only computes here: it tangles (and stitches) copies of the chapters in a
scratch folder, and its log is read for errors, since it exits 0 on them. It runs as
`python -c "... from entangled.main import cli ..."` under this interpreter, never through the
`entangled` script, whose first line names the Python of whichever checkout installed it.

This wrapper is the one owner of the bytes under code/ and docs/: every tangled file ends in
exactly one newline (entangled ends a fresh file without one), a file is written only when its
bytes change, and every write is atomic (a temporary file in the same folder, fsync, os.replace),
so a crash leaves each file old or new, never empty or half written.

The last tangled state. Telling a chapter edit from a file edit needs what the files were when
last tangled. After every tangle or stitch, `.entangled/last-tangle.json` records what the
chapters tangled to, and a fingerprint of every text each block has had (written atomically,
after the files; `.entangled/` is git-ignored). Without
it (a fresh clone, `make clean`) the last tangled state is what git HEAD's chapters tangle to;
outside a git checkout, the chapters as they are now (any difference in code/ then counts as an
edit of code/). entangled's own `.entangled/filedb.json` holds only hashes, cannot give an old
block back, and is not used. After `git checkout`/`git reset` of chapters and code/ together,
run `make tangle` so that the record follows them.

Before entangled sees any chapter, tools/fences.py checks them (`fences.problems`): a fence it
would ignore or mis-read, a `file=` outside code/, a `<<name>>` it would not expand, stops every
command with one line naming the chapter and the line; nothing is written, and nothing is ever
written outside code/. A `.py` file the chapters tangle to must parse as Python.

Both commands merge three versions block by block (tools/tangle_merge.py): the chapters now,
the last tangle, code/ now. Stitch carries a block changed only in a file under code/ into its
chapter; changed only in its chapter, the chapter wins. Tangle writes the chapters' blocks and
keeps the blocks edited by hand under code/ (a file holding both gets both). A block whose text
under code/ is one the block had before (in an earlier commit of its chapter, or an earlier
tangle here: the record keeps a fingerprint of each) is older than its chapter, not an edit:
tangle brings it up to date; stitch refuses to carry it back over the newer chapter. A block
changed on both sides, differently, a damaged marker, or an edit that would read differently in
the chapter (a line holding only `<<name>>`), stops either command: nothing is written, and one
line names the file, the line and what to do.

Crash safety. A stitch writes the chapters first (each then holds both its own edits and the
carried ones), then the files under code/, then the record; a tangle writes code/, then the
record. At every instant each edit is on disk, in its file under code/ or in its chapter, and
each step is idempotent: a re-run after a crash (SIGKILL, power loss) sees the half-done job as
edits already carried and finishes it. It also removes what the crash left: temporary files
(`*.tangle-tmp`, git-ignored) and `.entangled/scratch/`.
"""

from __future__ import annotations

import ast
import fcntl
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import fences
import tangle_merge as merge

ROOT = Path(__file__).resolve().parent.parent
CODE = "code"
DOCS = "docs"
CONFIG = "entangled.toml"
STATE = ".entangled"
RECORD = f"{STATE}/last-tangle.json"
SCRATCH = f"{STATE}/scratch"
TEMP_SUFFIX = ".tangle-tmp"
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis"}
PROBLEMS = ("ERROR", "WARNING", "CRITICAL")
HISTORY = 64  # fingerprints of earlier texts the record keeps for each block

# entangled's command line, in one process of this interpreter serving requests (a folder and
# its commands, one JSON line each on stdin), so that a command pays entangled's start-up once.
# Scratch folders are thrown away: entangled's fsync of every file it writes there is skipped.
ENTANGLED = r"""
import json, os, sys
from entangled.config import config
from entangled.main import cli
os.fsync = lambda fd: None
for request in sys.stdin:
    folder, commands = json.loads(request)
    os.chdir(folder)
    config.config = None
    status = 0
    for command in commands:
        sys.argv = ["entangled", *command.split()]
        try:
            cli()
        except SystemExit as stop:
            status = status or (stop.code if isinstance(stop.code, int) else 1)
        except Exception:
            status = 1
    print(f"\0entangled finished {status}", flush=True)
"""
DONE = "\0entangled finished "


class ToolError(Exception):
    """A problem the user can fix; its message is one line saying how. Exit status 1."""


# --------------------------------------------------------------------------------------------
# entangled, computing in scratch folders


class Entangled:
    """One entangled process for a whole command: `run` tangles or stitches in a folder."""

    def __init__(self, verbose: bool = False):
        self.verbose = verbose
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        env = dict(os.environ, COLUMNS="1000")  # rich wraps log lines at 80 columns otherwise
        return subprocess.Popen([sys.executable, "-c", ENTANGLED], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env)

    def run(self, folder: Path, *commands: str) -> str:
        """Run entangled commands ("tangle", "stitch") in folder and return the log. ToolError if
        entangled crashed; it exits 0 on the errors it knows, so read the log for those."""
        self.process = self.process or self.start()
        self.process.stdin.write(json.dumps([str(folder.resolve()), list(commands)]) + "\n")
        self.process.stdin.flush()
        lines, status = [], None
        for line in self.process.stdout:
            if DONE in line:  # entangled's last log line may lack its newline
                last, _, status = line.partition(DONE)
                lines.append(last)
                status = int(status)
                break
            lines.append(line)
        log = "".join(lines)
        if self.verbose:
            print(log.rstrip())
        if status != 0:
            print(log.rstrip(), file=sys.stderr)
            how = "stopped unexpectedly" if status is None else f"failed (status {status})"
            raise ToolError(f"entangled {' then '.join(commands)} {how}; its log is above")
        return log

    def close(self) -> None:
        """Stop the process: it is idle, waiting for a request (or the command was killed)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process.stdin.close()
            self.process.stdout.close()


@contextmanager
def entangled(verbose: bool = False):
    worker = Entangled(verbose)
    try:
        yield worker
    finally:
        worker.close()


def problems_in(log: str) -> list[str]:
    """entangled's error and warning lines (it exits 0 on them), without their time stamps."""
    return ["entangled: " + re.sub(r"^\[[\d:]+\]\s*", "", line.strip())
            for line in log.splitlines() if any(word in line for word in PROBLEMS)]


def is_code_file(root: Path, path: Path) -> bool:
    return (path.is_file() and not IGNORED_PARTS.intersection(path.relative_to(root).parts)
            and path.suffix != ".pyc" and not path.name.endswith(TEMP_SUFFIX))


def code_files(root: Path) -> set[str]:
    """Every file under root/code, as a relative posix path; caches and temporaries excluded."""
    base = root / CODE
    if not base.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in base.rglob("*") if is_code_file(root, p)}


def with_one_final_newline(data: bytes) -> bytes:
    return data.rstrip(b"\n") + b"\n"


@dataclass
class Tangled:
    """What a set of chapters tangles to: {target path: bytes}, and entangled's problems."""

    files: dict[str, bytes]
    problems: list[str]


def tangled_files(scratch: Path) -> dict[str, bytes]:
    """The files entangled wrote under scratch/code, each ending in exactly one newline."""
    return {rel: with_one_final_newline((scratch / rel).read_bytes())
            for rel in sorted(code_files(scratch))}


def stray_targets(scratch: Path) -> list[str]:
    """Files a tangle wrote outside code/ (a chapter's file= pointing elsewhere)."""
    expected = (DOCS, CODE, STATE, CONFIG)
    return [f"tangle target outside {CODE}/: {p.relative_to(scratch).as_posix()}"
            for p in scratch.rglob("*")
            if p.is_file() and p.relative_to(scratch).parts[0] not in expected]


def not_utf8(rel: str, data: bytes, error: UnicodeDecodeError, fix: str) -> str:
    """One line: where in data the first byte that is not UTF-8 sits, and what to do."""
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    return (f"{rel}:{line}: byte 0x{data[error.start]:02x} (column {column}) is not UTF-8, the "
            f"encoding of the book's files (a character saved in another encoding, or cut in "
            f"half); {fix}")


def text_of(rel: str, data: bytes, command: str) -> str:
    """A file under code/ as text; ToolError naming its line when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ToolError(f"{command}: " + not_utf8(
            rel, data, error, f"nothing was changed: re-type that character (or save the file "
            f"as UTF-8), then run `make {command}` again")) from None


def read_chapters(folder: Path) -> tuple[dict[str, str], list[str]]:
    """The chapters entangled reads in folder ({docs/...md: text}), and a line for each that is
    not UTF-8 (entangled would stop with a traceback)."""
    chapters, problems = {}, []
    for path in sorted(p for p in (folder / DOCS).rglob("*.md") if p.is_file()):
        rel, data = path.relative_to(folder).as_posix(), path.read_bytes()
        try:
            chapters[rel] = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(not_utf8(rel, data, error, "save it as UTF-8"))
    return chapters, problems


def chapter_problems(folder: Path) -> list[str]:
    """What would make entangled ignore, mis-read or misplace a block of folder's chapters."""
    chapters, problems = read_chapters(folder)
    return problems + fences.problems(chapters)


def tangle_in(worker: Entangled, scratch: Path) -> Tangled:
    """Tangle the chapters already in scratch (docs/ and entangled.toml), once they pass the
    fence check: entangled never sees a chapter that would make it write outside code/."""
    problems = chapter_problems(scratch)
    if problems:
        return Tangled({}, problems)
    log = worker.run(scratch, "tangle")  # a fresh folder: nothing to conflict with
    return Tangled(tangled_files(scratch), problems_in(log) + stray_targets(scratch))


def parse_error(rel: str, data: bytes) -> tuple[int, str] | None:
    """(line, message) where a .py file stops parsing as Python; None if it parses or is not .py."""
    if not rel.endswith(".py"):
        return None
    try:
        ast.parse(data, rel)
    except SyntaxError as error:
        return error.lineno or 1, error.msg
    except ValueError as error:  # a null byte
        return 1, str(error)
    return None


def source_line(chapters: dict[str, str], rel: str, text: str, line: int) -> str:
    """`docs/x.md:N`: the chapter line that a line of a tangled file comes from."""
    origin = merge.line_origins(rel, text).get(line)
    if origin is None or origin[0].chapter not in chapters:
        return "its chapter"
    block, index = origin
    fence = fences.tangled_fences(block.chapter, chapters[block.chapter]).get(
        (block.name, block.count))
    return f"{block.chapter}:{fence.start + 2 + index}" if fence else block.chapter


def python_problems(chapters: dict[str, str], files: dict[str, bytes],
                    parsed: dict[str, bytes] | None = None) -> list[str]:
    """A line for each .py file the chapters tangle to that does not parse; `parsed`: files
    known to parse (the last tangle's), not parsed again."""
    found = []
    for rel, data in files.items():
        if (parsed or {}).get(rel) == data:
            continue
        if error := parse_error(rel, data):
            line, message = error
            where = source_line(chapters, rel, data.decode("utf-8", "replace"), line)
            found.append(f"{rel}:{line}: the chapters tangle to Python that does not parse "
                         f"({message}); the line comes from {where}: fix it there")
    return found


def tangle_from_scratch(worker: Entangled, root: Path, scratch: Path) -> Tangled:
    """Tangle root's chapters as they are now, in the new folder scratch."""
    shutil.copytree(root / DOCS, scratch / DOCS, ignore=shutil.ignore_patterns(f"*{TEMP_SUFFIX}"))
    shutil.copy(root / CONFIG, scratch / CONFIG)
    return tangle_in(worker, scratch)


def chapters_at_head(root: Path, scratch: Path) -> bool:
    """Put git HEAD's chapters (docs/, entangled.toml) into scratch; False if git cannot."""
    prefix = subprocess.run(["git", "rev-parse", "--show-prefix"], cwd=root,
                            capture_output=True, text=True)
    if prefix.returncode != 0:
        return False
    archive = subprocess.run(["git", "archive", "--format=tar", f"HEAD:{prefix.stdout.strip()}",
                              DOCS, CONFIG], cwd=root, capture_output=True)
    if archive.returncode != 0:
        return False
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python >= 3.11.4
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(scratch, **safe)
    return True


# --------------------------------------------------------------------------------------------
# files on disk: atomic writes, the record of the last tangle, one run at a time


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, data: bytes) -> None:
    """Replace path by data in one step: a temporary file beside it, fsync, os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else new_file_mode()
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def remove_file(root: Path, rel: str) -> None:
    """Delete a tangled file no chapter writes any more, and the folders it leaves empty."""
    path = root / rel
    path.unlink()
    folder = path.parent
    while folder != root / CODE and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def remove_leftovers(root: Path) -> None:
    """What a killed run left: temporary files beside the files it was replacing, its scratch."""
    for part in (CODE, DOCS, STATE):
        if (root / part).exists():
            for temp in (root / part).rglob(f"*{TEMP_SUFFIX}"):
                temp.unlink(missing_ok=True)
    shutil.rmtree(root / SCRATCH, ignore_errors=True)


def read_record(root: Path) -> dict:
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def load_record(root: Path) -> dict[str, bytes] | None:
    """What the chapters tangled to at the last tangle or stitch here; None if unknown."""
    try:
        return {rel: text.encode("utf-8", "surrogateescape")
                for rel, text in read_record(root)["tangled"].items()}
    except (KeyError, TypeError, AttributeError):
        return None


def recorded_history(root: Path) -> dict[str, list[str]]:
    """{block: fingerprints of the texts it had in the tangles recorded here}, oldest first."""
    history = read_record(root).get("history")
    if not isinstance(history, dict):
        return {}
    return {block: [f for f in prints if isinstance(f, str)]
            for block, prints in history.items() if isinstance(prints, list)}


def save_record(root: Path, files: dict[str, bytes]) -> None:
    """Record files as the last tangle, adding the fingerprint of each block's text to its
    history (the last HISTORY texts of each block are kept)."""
    if load_record(root) == files:
        return
    history = recorded_history(root)
    for block, text in merge.texts_of(decoded(files)).items():
        prints = history.setdefault(str(block), [])
        mark = merge.fingerprint(text)
        if mark in prints:
            prints.remove(mark)
        prints.append(mark)
        del prints[:-HISTORY]
    record = {"tangled": decoded(files), "history": history}
    write_atomically(root / RECORD, json.dumps(record).encode("utf-8"))


def decoded(files: dict[str, bytes]) -> dict[str, str]:
    return {rel: data.decode("utf-8", "surrogateescape") for rel, data in files.items()}


def last_tangled(worker: Entangled, root: Path, scratch: Path,
                 now: dict[str, bytes]) -> dict[str, bytes]:
    """The last tangled state: the record, else git HEAD's chapters tangled, else `now`."""
    record = load_record(root)
    if record is not None:
        return record
    if chapters_at_head(root, scratch):
        head = tangle_in(worker, scratch)
        if not head.problems:
            return head.files
    return now


class Older:
    """Where a block had a text before, if it did: in an earlier commit of its chapter (git's
    history, read with the fence reader), or in an earlier tangle here (the record). A file
    under code/ holding such a text is older than its chapter, not edited by hand."""

    def __init__(self, root: Path):
        self.root = root
        self.recorded = {block: set(prints) for block, prints in recorded_history(root).items()}
        self.commits: dict[str, dict[merge.BlockId, set[str]]] = {}

    def __call__(self, block: merge.BlockId, text: str) -> str:
        mark = merge.fingerprint(text)
        if mark in self.recorded.get(str(block), ()):
            return "an earlier tangle here wrote it"
        if block.chapter not in self.commits:
            self.commits[block.chapter] = chapter_history(self.root, block.chapter)
        if mark in self.commits[block.chapter].get(block, ()):
            return f"an earlier commit of {block.chapter} has it"
        return ""


def chapter_history(root: Path, chapter: str) -> dict[merge.BlockId, set[str]]:
    """{block: fingerprints of its texts} over every commit of `chapter` in git's history."""
    log = subprocess.run(["git", "log", "--format=%H", "--", chapter], cwd=root,
                         capture_output=True, text=True)
    if log.returncode != 0 or not log.stdout.strip():
        return {}
    names = "".join(f"{commit}:./{chapter}\n" for commit in log.stdout.split())
    cat = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input=names.encode(),
                         capture_output=True)
    history: dict[merge.BlockId, set[str]] = {}
    out, at = cat.stdout, 0
    while at < len(out):
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        at = header_end + 1
        if len(header) != 3:  # "<name> missing"
            continue
        size = int(header[2])
        text = out[at:at + size].decode("utf-8", "replace")
        at += size + 1
        for (name, count), fence in fences.tangled_fences(chapter, text).items():
            block = merge.BlockId(chapter, name, count)
            history.setdefault(block, set()).add(merge.fingerprint(fence.source))
    return history


def files_now(root: Path, paths: set[str]) -> dict[str, bytes]:
    """The bytes of those paths under root that are files; ToolError if something that is not
    a file (a folder, say) stands where a tangled file or its folder goes."""
    for rel in sorted(paths):
        for part in [*reversed(Path(rel).parents[:-1]), Path(rel)]:
            path = root / part
            folder = part != Path(rel)
            if os.path.lexists(path) and not (path.is_dir() if folder else path.is_file()):
                what = "a folder, but tangled files go into it" if folder else \
                    "a file, but a tangled file goes there"
                raise ToolError(f"{part.as_posix()} is not {what}; nothing was written: move it "
                                "aside, then run the command again")
    return {rel: (root / rel).read_bytes() for rel in sorted(paths) if (root / rel).is_file()}


@contextmanager
def workspace(root: Path, verbose: bool):
    """One tangle or stitch at a time in root (`make serve` tangles too): hold a lock, clear what
    a killed run left, and yield an empty scratch folder and an entangled process."""
    (root / STATE).mkdir(exist_ok=True)
    with open(root / STATE / "tangle.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the process ends, however it ends
        remove_leftovers(root)
        (root / SCRATCH).mkdir()
        try:
            with entangled(verbose) as worker:
                yield root / SCRATCH, worker
        finally:
            shutil.rmtree(root / SCRATCH, ignore_errors=True)




# --------------------------------------------------------------------------------------------
# the three sides of a merge, block by block


@dataclass
class Sides:
    """What a tangle or stitch compares: what the chapters tangle to now, the last tangle
    (base), the files under code/ now (present); where blocks had other texts before (older);
    and the chapters as they are now."""

    now: dict[str, bytes]
    base: dict[str, bytes]
    present: dict[str, bytes]
    older: merge.Older
    chapters: dict[str, str]

    @cached_property
    def chapter_texts(self) -> dict[merge.BlockId, str]:
        return merge.texts_of(decoded(self.now))

    @cached_property
    def base_texts(self) -> dict[merge.BlockId, str]:
        return merge.texts_of(decoded(self.base))

    @cached_property
    def fence_lines(self) -> dict[merge.BlockId, int]:
        """The line of each block's opening fence in its chapter, for messages."""
        return {merge.BlockId(path, name, count): fence.start + 1
                for path, text in self.chapters.items()
                for (name, count), fence in fences.tangled_fences(path, text).items()}

    def edited(self) -> list[str]:
        """Files under code/ that are neither what the chapters tangle to nor the last tangle."""
        return sorted(rel for rel, data in self.present.items()
                      if data not in (self.now.get(rel), self.base.get(rel)))

    def plan(self, rels: list[str], command: str) -> tuple[merge.StitchPlan, list[str]]:
        """The block-by-block plan for those files under code/, and the lines that stop the
        carrying of its edits. ToolError (not UTF-8) or MarkerError (markers damaged) when a
        file cannot be read as blocks."""
        edits, problems = [], []
        base_text = decoded(self.base)
        for rel in rels:
            text = text_of(rel, self.present[rel], command)
            problems += merge.split_characters(rel, text, command)
            try:
                edits += merge.edits_in(rel, text, base_text.get(rel), self.base_texts)
            except merge.MarkerError as error:  # not the last tangle's markers: an older file?
                edits += self.older_file(rel, text, error)
        plan = merge.plan_stitch(edits, self.base_texts, self.chapter_texts, self.older,
                                 self.fence_lines, command)
        problems += [line for edit in edits if edit.block in plan.carry
                     for line in merge.hazards(edit, command)]
        return plan, problems

    def older_file(self, rel: str, text: str, error: merge.MarkerError) -> list[merge.Edit]:
        """The blocks of a file whose markers are not the last tangle's, when every block is
        the chapter's, the last tangle's or an older text (a file from an earlier commit, with
        blocks since added or removed); else the marker error stands."""
        edits = []
        try:
            blocks = merge.blocks_of(rel, text)
        except merge.MarkerError:
            raise error from None
        for block, copies in blocks.items():
            for copy in copies:
                if copy.text in (self.chapter_texts.get(block), self.base_texts.get(block)):
                    continue
                if not self.older(block, copy.text):
                    raise error
                edits.append(merge.Edit(block, rel, copy.line, copy.text))
        return edits


def block_counts(rel: str, data: bytes) -> dict[merge.BlockId, int]:
    return {block: len(copies) for block, copies
            in merge.blocks_of(rel, data.decode("utf-8", "surrogateescape")).items()}


def holds_only(present: bytes, now: bytes, rel: str, carry: dict[merge.BlockId, str]) -> bool:
    """Whether the file `present` is the file `now` with the carried block texts, and nothing
    else changed in its blocks: tangling it would bring nothing new."""
    mine = merge.blocks_of(rel, present.decode("utf-8"))
    theirs = merge.blocks_of(rel, now.decode("utf-8", "surrogateescape"))
    return ({b: [c.text for c in copies] for b, copies in mine.items()}
            == {b: [carry.get(b, c.text) for c in copies] for b, copies in theirs.items()})


# --------------------------------------------------------------------------------------------
# bringing code/ to a tangle


@dataclass
class CodeUpdate:
    """How code/ becomes a tangle: files to write and to remove, and those left alone."""

    write: dict[str, bytes] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by hand, nothing new to bring in
    merged: list[str] = field(default_factory=list)  # edited by hand, chapters' changes around
    older: list[str] = field(default_factory=list)  # older than their chapters: rewritten
    refused: list[str] = field(default_factory=list)  # one line each: why nothing is written


def plan_update(sides: Sides) -> tuple[CodeUpdate, merge.StitchPlan]:
    """Compare code/ with the tangle now and the last tangle, file by file, then block by
    block; return the update and the hand-edited blocks to keep in files that also take the
    chapters' changes. A file no chapter tangles any more is removed when untouched since its
    last tangle."""
    update, keep = CodeUpdate(), merge.StitchPlan({}, {}, [])
    for rel, data in sides.now.items():
        present = sides.present.get(rel)
        if present == data:
            update.unchanged.append(rel)
        elif present is None or present == sides.base.get(rel):
            update.write[rel] = data
        else:
            merge_file(sides, rel, update, keep)
    for rel in sorted(set(sides.base) - set(sides.now)):
        if rel in sides.present:
            (update.remove if sides.present[rel] == sides.base[rel] else update.kept).append(rel)
    return update, keep


def merge_file(sides: Sides, rel: str, update: CodeUpdate, keep: merge.StitchPlan) -> None:
    """Decide one file under code/ that is neither the tangle now nor the last tangle."""
    try:
        plan, problems = sides.plan([rel], "tangle")
    except (ToolError, merge.MarkerError) as error:
        if sides.base.get(rel) == sides.now[rel]:  # its chapter did not change: leave it alone
            update.kept.append(rel)
        else:
            update.refused.append(str(error) if str(error).startswith("tangle: ")
                                  else f"tangle: {error}")
        return
    if plan.conflicts:
        update.refused += [conflict.message for conflict in plan.conflicts]
    elif not plan.carry:  # no edit: the chapters' blocks, older texts of them, or both
        update.write[rel] = sides.now[rel]
        if plan.older:
            update.older.append(rel)
    elif holds_only(sides.present[rel], sides.now[rel], rel, plan.carry):
        update.kept.append(rel)
    elif problems:
        update.refused += problems
    else:
        keep.carry.update(plan.carry)
        keep.sources.update(plan.sources)
        update.merged.append(rel)


def overwrite(after: dict[str, bytes], base: dict[str, bytes],
              present: dict[str, bytes]) -> CodeUpdate:
    """After a stitch every edit is in the chapters: write what differs, remove the orphans."""
    update = CodeUpdate()
    for rel, data in after.items():
        if present.get(rel) == data:
            update.unchanged.append(rel)
        else:
            update.write[rel] = data
    update.remove = sorted(rel for rel in set(base) - set(after) if rel in present)
    return update


def apply_update(root: Path, update: CodeUpdate, now: dict[str, bytes]) -> None:
    """Write the changed files, remove the orphans, then record `now` as the last tangle."""
    for rel, data in update.write.items():
        write_atomically(root / rel, data)
    for rel in update.remove:
        remove_file(root, rel)
    save_record(root, now)


def summary(update: CodeUpdate) -> str:
    line = f"tangle: {len(update.write)} written, {len(update.unchanged)} unchanged"
    if update.remove:
        line += f", {len(update.remove)} removed (no chapter writes them)"
    if update.older:
        line += (f"; older than their chapters (not edited by hand), brought up to date: "
                 f"{', '.join(update.older)}")
    if update.merged:
        line += (f"; edited by hand, your edits kept and the chapters' changes written around "
                 f"them: {', '.join(update.merged)}")
    if update.kept:
        line += f"; edited by hand and left alone: {', '.join(update.kept)}"
    if update.merged or update.kept:
        line += " (`make stitch` carries the edits into the chapters)"
    return line


def report_problems(command: str, problems: list[str]) -> None:
    """The lines that stop a command before anything is written; the last says so."""
    for line in problems[:-1]:
        print(f"{command}: {line}")
    print(f"{command}: {problems[-1]}; nothing was written (V=1 shows entangled's log)"
          if problems[-1].startswith("entangled:") else
          f"{command}: {problems[-1]} (nothing was written)")


# --------------------------------------------------------------------------------------------
# stitch: carrying edits of code/ into the chapters


def stitched(worker: Entangled, scratch: Path, plan: merge.StitchPlan, sides: Sides,
             command: str) -> dict[str, bytes]:
    """What the chapters in scratch tangle to once the planned blocks are stitched into them.

    In scratch (tangled from the chapters now), each file holding a carried block is replaced by
    a flat file of just its carried blocks; entangled stitches those into the chapters there,
    the fence check reads the result, and entangled tangles again. Only if that tangle has every
    carried block as planned, every other block as before and every file the same blocks is it
    returned; nothing outside scratch is written.
    """
    names = [f"<<{block.chapter}#{block.name}>>" for block in plan.carry]
    for rel, text in decoded(tangled_files(scratch)).items():
        if not any(name in text for name in names):
            continue
        mine = {b: plan.carry[b] for b in merge.blocks_of(rel, text) if b in plan.carry}
        if mine:
            (scratch / rel).write_text(merge.flat_file(mine), encoding="utf-8")
    problems = problems_in(worker.run(scratch, "stitch")) or chapter_problems(scratch)
    problems = problems or problems_in(worker.run(scratch, "tangle"))
    if problems:
        raise ToolError(f"{command}: carrying the edits into the chapters would break them "
                        f"({problems[0]}); nothing was changed (V=1 shows entangled's log)")
    after = tangled_files(scratch)
    expect_merged(plan, sides, after)
    return after


def expect_merged(plan: merge.StitchPlan, sides: Sides, after: dict[str, bytes]) -> None:
    """ToolError unless the stitched chapters tangle to the carried blocks and nothing else new:
    the same files, each with the same blocks, each block's text as planned."""
    before, texts = sides.chapter_texts, merge.texts_of(decoded(after))
    for block in sorted(set(before) | set(texts)):
        if texts.get(block) != plan.carry.get(block, before.get(block)):
            source = plan.sources.get(block, f"{CODE}/")
            raise ToolError(f"entangled did not carry {block} from {source} exactly; nothing "
                            f"was changed: put the edit into {block.chapter} by hand, then "
                            "`make tangle`")
    for rel in sorted(set(sides.now) | set(after)):
        if rel not in after or rel not in sides.now or (
                block_counts(rel, after[rel]) != block_counts(rel, sides.now[rel])):
            raise ToolError(f"carrying the edits would change which blocks {rel} holds; nothing "
                            "was changed: put the edits into the chapters by hand, then "
                            "`make tangle`")


def carried_parse_problems(sides: Sides, plan: merge.StitchPlan,
                           after: dict[str, bytes]) -> list[str]:
    """A line for each .py file that would not parse after the stitch: at the line of the file
    under code/ when the line is a carried edit's, else at the chapter's."""
    found = []
    for rel, data in after.items():
        if data == sides.base.get(rel) or (error := parse_error(rel, data)) is None:
            continue  # the last tangle parsed (or git HEAD's, which make test checks)
        line, message = error
        origin = merge.line_origins(rel, data.decode("utf-8", "replace")).get(line)
        if origin is None or origin[0] not in plan.carry:
            where = source_line(sides.chapters, rel, data.decode("utf-8", "replace"), line)
            found.append(f"stitch: {rel}:{line}: the chapters tangle to Python that does not "
                         f"parse ({message}); the line comes from {where}: fix it there, then "
                         "run `make stitch` again; nothing was changed")
            continue
        source = plan.sources[origin[0]]
        mine = merge.line_origins(source, sides.present[source].decode("utf-8"))
        at = next((n for n, o in mine.items() if o == origin), line)
        found.append(f"stitch: {source}:{at}: with this edit, {rel} would not parse as Python "
                     f"({message}); nothing was changed: fix it, then run `make stitch` again")
    return found


def write_chapters(root: Path, scratch: Path, plan: merge.StitchPlan) -> None:
    for chapter in sorted({block.chapter for block in plan.carry}):
        data = (scratch / chapter).read_bytes()
        if (root / chapter).read_bytes() != data:
            write_atomically(root / chapter, data)


def stitch_summary(plan: merge.StitchPlan) -> str:
    if not plan.carry:
        return "stitch: no edit under code/ to carry into the chapters"
    chapters = sorted({block.chapter for block in plan.carry})
    files = sorted(set(plan.sources.values()))
    return (f"stitch: carried {len(plan.carry)} block(s) from {', '.join(files)} "
            f"into {', '.join(chapters)}")


# --------------------------------------------------------------------------------------------
# the commands


def check(root: Path = ROOT) -> int:
    """Compare code/ with a from-scratch tangle of docs/; print what differs and how to fix it."""
    with tempfile.TemporaryDirectory() as tmp, entangled() as worker:
        tangled = tangle_from_scratch(worker, root, Path(tmp))
        problems = tangled.problems or python_problems(read_chapters(Path(tmp))[0],
                                                       tangled.files)
    targets = tangled.files
    present = code_files(root)
    changed = [t for t in targets if t in present and (root / t).read_bytes() != targets[t]]
    missing = [t for t in targets if t not in present]
    orphans = sorted(present - set(targets)) if not problems else []
    for line in problems:
        print(line)
    for t in changed:
        print(f"differs from its chapter: {t}")
    for t in missing:
        print(f"not tangled yet: {t}")
    for t in orphans:
        print(f"no chapter tangles this file: {t}")
    if problems or changed or missing or orphans:
        print(
            "\ncode/ is out of sync with the chapters in docs/. The chapters are the source:\n"
            "  - you edited a chapter:          run `make tangle`\n"
            "  - you edited a file under code/: run `make stitch` to carry it into its chapter\n"
            "  - an orphan: delete it, or add the block that writes it to a chapter\n"
            "  - a chapter's line named above: fix it there (nothing is tangled until then)"
        )
        return 1
    print(f"in sync: {len(targets)} tangled files under {CODE}/ match docs/ byte for byte")
    return 0


def tangle(root: Path = ROOT, verbose: bool = False) -> int:
    """Write code/ from the chapters; refuse, changing nothing, where that would lose an edit."""
    with workspace(root, verbose) as (scratch, worker):
        now = tangle_from_scratch(worker, root, scratch / "now")
        chapters = read_chapters(scratch / "now")[0]
        problems = now.problems or python_problems(chapters, now.files, load_record(root))
        if problems:
            report_problems("tangle", problems)
            return 1
        present = files_now(root, code_files(root) | set(now.files))
        base = now.files
        if present != now.files:  # something to decide: what was the last tangle?
            base = last_tangled(worker, root, scratch / "base", now.files)
        sides = Sides(now.files, base, present, Older(root), chapters)
        update, keep = plan_update(sides)
        if update.refused:
            print("\n".join(update.refused))
            return 1
        if keep.carry:  # hand edits to keep in files that take the chapters' changes too
            after = stitched(worker, scratch / "now", keep, sides, "tangle")
            update.write.update({rel: after[rel] for rel in update.merged})
        apply_update(root, update, now.files)
    print(summary(update))
    return 0


def stitch(root: Path = ROOT, verbose: bool = False) -> int:
    """Carry edits of files under code/ into the chapters (three-way, by block), then tangle."""
    with workspace(root, verbose) as (scratch, worker):
        now = tangle_from_scratch(worker, root, scratch / "now")
        if now.problems:
            report_problems("stitch", now.problems)
            return 1
        base = last_tangled(worker, root, scratch / "base", now.files)
        present = files_now(root, set(now.files) | set(base))
        sides = Sides(now.files, base, present, Older(root), read_chapters(scratch / "now")[0])
        plan, problems = sides.plan(sides.edited(), "stitch")
        problems += [c.message for c in plan.conflicts] + plan.older_lines(sides.fence_lines)
        after = now.files
        if plan.carry and not problems:
            after = stitched(worker, scratch / "now", plan, sides, "stitch")
        problems = problems or carried_parse_problems(sides, plan, after)
        if problems:
            print("\n".join(problems))
            return 1
        write_chapters(root, scratch / "now", plan)
        update = overwrite(after, base, present)
        apply_update(root, update, after)
    print(stitch_summary(plan))
    print(summary(update))
    return 0


def main(argv: list[str]) -> int:
    commands = {"tangle": tangle, "stitch": stitch}
    verbose = "--verbose" in argv
    args = [a for a in argv if a != "--verbose"]
    if len(args) != 1 or args[0] not in (*commands, "check"):
        print("usage: python tools/tangle.py {tangle,stitch,check} [--verbose]", file=sys.stderr)
        return 2
    try:
        if args[0] == "check":
            return check(ROOT)
        return commands[args[0]](ROOT, verbose)
    except (ToolError, merge.MarkerError) as error:
        print(error)
        return 1
    except OSError as error:  # a file or folder that cannot be read or written
        print(f"{args[0]}: {error.filename}: {error.strerror}; fix that, then run `make "
              f"{'check-sync' if args[0] == 'check' else args[0]}` again (each file is "
              "replaced whole or not at all)")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
