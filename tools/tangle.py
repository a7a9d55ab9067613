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
chapters tangled to (written atomically, after the files; `.entangled/` is git-ignored). Without
it (a fresh clone, `make clean`) the last tangled state is what git HEAD's chapters tangle to;
outside a git checkout, the chapters as they are now (any difference in code/ then counts as an
edit of code/). entangled's own `.entangled/filedb.json` holds only hashes, cannot give an old
block back, and is not used. After `git checkout`/`git reset` of chapters and code/ together,
run `make tangle` so that the record follows them.

Stitch is a three-way merge, block by block (tools/tangle_merge.py): a block changed only in a
file under code/ is carried into its chapter; changed only in its chapter, the chapter wins;
changed on both sides, differently, nothing is written and one line names the file and the
block. Damaged markers also stop it, with one line naming the file and the line.

Crash safety. A stitch writes the chapters first (each then holds both its own edits and the
carried ones), then the files under code/, then the record; a tangle writes code/, then the
record. At every instant each edit is on disk, in its file under code/ or in its chapter, and
each step is idempotent: a re-run after a crash (SIGKILL, power loss) sees the half-done job as
edits already carried and finishes it. It also removes what the crash left: temporary files
(`*.tangle-tmp`, git-ignored) and `.entangled/scratch/`.
"""

from __future__ import annotations

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
from pathlib import Path

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
    return [re.sub(r"^\[[\d:]+\]\s*", "", line.strip()) for line in log.splitlines()
            if any(word in line for word in PROBLEMS)]


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


def tangle_in(worker: Entangled, scratch: Path) -> Tangled:
    """Tangle the chapters already in scratch (docs/ and entangled.toml)."""
    log = worker.run(scratch, "tangle")  # a fresh folder: nothing to conflict with
    return Tangled(tangled_files(scratch), problems_in(log) + stray_targets(scratch))


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


def load_record(root: Path) -> dict[str, bytes] | None:
    """What the chapters tangled to at the last tangle or stitch here; None if unknown."""
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
        return {rel: text.encode("utf-8", "surrogateescape")
                for rel, text in record["tangled"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save_record(root: Path, files: dict[str, bytes]) -> None:
    if load_record(root) != files:
        write_atomically(root / RECORD, json.dumps({"tangled": decoded(files)}).encode("utf-8"))


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


def files_now(root: Path, paths: set[str]) -> dict[str, bytes]:
    """The bytes of those paths under root that are files."""
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
# bringing code/ to a tangle


@dataclass
class CodeUpdate:
    """How code/ becomes a tangle: files to write and to remove, and those left alone."""

    write: dict[str, bytes] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # edited by hand, chapter unchanged
    refused: list[str] = field(default_factory=list)  # edited by hand, chapter changed too


def plan_update(now: dict[str, bytes], base: dict[str, bytes],
                present: dict[str, bytes]) -> CodeUpdate:
    """Compare code/ with the tangle `now` and the last tangle `base`, file by file.

    A file as last tangled is replaced; one edited by hand is kept when its chapter did not
    change, refused when it did (`make stitch` merges the two). A file no chapter tangles any
    more is removed when untouched since its last tangle.
    """
    update = CodeUpdate()
    for rel, data in now.items():
        if present.get(rel) == data:
            update.unchanged.append(rel)
        elif rel not in present or present[rel] == base.get(rel):
            update.write[rel] = data
        elif base.get(rel) == data:
            update.kept.append(rel)
        else:
            update.refused.append(rel)
    for rel in sorted(set(base) - set(now)):
        if rel in present:
            (update.remove if present[rel] == base[rel] else update.kept).append(rel)
    return update


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
    if update.kept:
        line += (f"; edited by hand and left alone: {', '.join(update.kept)} "
                 "(`make stitch` carries the edits into the chapters)")
    return line


def report_problems(problems: list[str]) -> None:
    for line in problems:
        print(f"entangled: {line}")
    print("the chapters do not tangle: fix what entangled names above (a missing <<reference>>, "
          "say) and run the command again; nothing was written (V=1 shows entangled's log)")


# --------------------------------------------------------------------------------------------
# stitch: carrying edits of code/ into the chapters


def plan_carry(now: dict[str, bytes], base: dict[str, bytes], present: dict[str, bytes],
               chapter_texts: dict[merge.BlockId, str]) -> merge.StitchPlan:
    """The stitch plan for the files under code/ that differ from both tangles; MarkerError."""
    base_text = decoded(base)
    base_texts = merge.texts_of(base_text)
    edits = []
    for rel, data in present.items():
        if data not in (now.get(rel), base.get(rel)):
            edits += merge.edits_in(rel, data.decode("utf-8", "surrogateescape"),
                                    base_text.get(rel), base_texts)
    return merge.plan_stitch(edits, base_texts, chapter_texts)


def carry_into_chapters(worker: Entangled, root: Path, scratch: Path, plan: merge.StitchPlan,
                        chapter_texts: dict[merge.BlockId, str]) -> dict[str, bytes]:
    """Stitch the planned blocks into the chapters, write those chapters; return their tangle.

    In scratch (tangled from the chapters now), each file holding a carried block is replaced by
    a flat file of just its carried blocks; entangled stitches those into the chapters there and
    tangles again. Only if that tangle has every carried block as planned and every other block
    as before are the changed chapters written into root.
    """
    names = [f"<<{block.chapter}#{block.name}>>" for block in plan.carry]
    for rel, text in decoded(tangled_files(scratch)).items():
        if not any(name in text for name in names):
            continue
        mine = {b: plan.carry[b] for b in merge.blocks_of(rel, text) if b in plan.carry}
        if mine:
            (scratch / rel).write_text(merge.flat_file(mine), encoding="utf-8")
    log = worker.run(scratch, "stitch", "tangle")
    if problems_in(log):
        report_problems(problems_in(log))
        raise ToolError("stitch: entangled could not stitch; nothing was changed")
    after = tangled_files(scratch)
    expect_merged(plan, chapter_texts, merge.texts_of(decoded(after)))
    for chapter in sorted({block.chapter for block in plan.carry}):
        data = (scratch / chapter).read_bytes()
        if (root / chapter).read_bytes() != data:
            write_atomically(root / chapter, data)
    return after


def expect_merged(plan: merge.StitchPlan, before: dict[merge.BlockId, str],
                  after: dict[merge.BlockId, str]) -> None:
    """ToolError unless the stitched chapters tangle to the carried blocks and nothing else new."""
    for block in sorted(set(before) | set(after)):
        if after.get(block) != plan.carry.get(block, before.get(block)):
            source = plan.sources.get(block, f"{CODE}/")
            raise ToolError(f"stitch: entangled did not carry {block} from {source} exactly; "
                            f"nothing was changed: put the edit into {block.chapter} by hand, "
                            "then `make tangle`")


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
    targets, problems = tangled.files, tangled.problems
    present = code_files(root)
    changed = [t for t in targets if t in present and (root / t).read_bytes() != targets[t]]
    missing = [t for t in targets if t not in present]
    orphans = sorted(present - set(targets))
    for line in problems:
        print(f"entangled: {line}")
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
            "  - an entangled error: fix the chapter it names (a missing <<reference>>, say)"
        )
        return 1
    print(f"in sync: {len(targets)} tangled files under {CODE}/ match docs/ byte for byte")
    return 0


def tangle(root: Path = ROOT, verbose: bool = False) -> int:
    """Write code/ from the chapters; refuse, changing nothing, where that would lose an edit."""
    with workspace(root, verbose) as (scratch, worker):
        now = tangle_from_scratch(worker, root, scratch / "now")
        if now.problems:
            report_problems(now.problems)
            return 1
        present = files_now(root, code_files(root) | set(now.files))
        base = now.files
        if present != now.files:  # something to decide: what was the last tangle?
            base = last_tangled(worker, root, scratch / "base", now.files)
        update = plan_update(now.files, base, present)
        for rel in update.refused:
            print(f"tangle: {rel} was edited by hand and its chapter changed too; nothing was "
                  "written: run `make stitch` to merge the two")
        if update.refused:
            return 1
        apply_update(root, update, now.files)
    print(summary(update))
    return 0


def stitch(root: Path = ROOT, verbose: bool = False) -> int:
    """Carry edits of files under code/ into the chapters (three-way, by block), then tangle."""
    with workspace(root, verbose) as (scratch, worker):
        now = tangle_from_scratch(worker, root, scratch / "now")
        if now.problems:
            report_problems(now.problems)
            return 1
        base = last_tangled(worker, root, scratch / "base", now.files)
        present = files_now(root, set(now.files) | set(base))
        chapter_texts = merge.texts_of(decoded(now.files))
        plan = plan_carry(now.files, base, present, chapter_texts)
        for conflict in plan.conflicts:
            print(conflict.message)
        if plan.conflicts:
            return 1
        after = now.files
        if plan.carry:
            after = carry_into_chapters(worker, root, scratch / "now", plan, chapter_texts)
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
