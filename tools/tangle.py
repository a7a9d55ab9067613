"""Tangle, stitch and check the book's code, with the checks entangled-cli leaves out.

entangled-cli 2.1.13 exits 0 even when it refuses to write a file (a hand edit it would
overwrite) or cannot resolve a `<<reference>>`. This wrapper reads its log instead, makes every
tangled file end in exactly one newline (entangled writes a fresh file without one), and adds a
check that needs no state: tangle the chapters from scratch in a temporary folder and compare
byte for byte with code/, reporting changed files, targets not yet written and orphans.

    python tools/tangle.py tangle   # docs/ -> code/
    python tools/tangle.py stitch   # edits in code/ -> docs/, then tangle
    python tools/tangle.py check    # exit 1 if code/ is not what docs/ tangles to
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "code"
IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis"}
PROBLEMS = ("ERROR", "WARNING", "CRITICAL")


def entangled() -> str:
    exe = Path(sys.executable).parent / "entangled"
    return str(exe) if exe.exists() else "entangled"


def run_entangled(args: list[str], cwd: Path) -> str:
    """Run entangled and return its combined log; fail loudly if it cannot run at all."""
    proc = subprocess.run([entangled(), *args], cwd=cwd, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"entangled {' '.join(args)} failed (exit {proc.returncode}):\n{log}")
    return log


def problems_in(log: str) -> list[str]:
    return [line for line in log.splitlines() if any(word in line for word in PROBLEMS)]


def code_files(root: Path) -> set[str]:
    """Every file under root/code, as a relative posix path, caches excluded."""
    base = root / CODE
    if not base.exists():
        return set()
    return {
        p.relative_to(root).as_posix()
        for p in base.rglob("*")
        if p.is_file() and not IGNORED_PARTS.intersection(p.parts) and p.suffix != ".pyc"
    }


def end_with_one_newline(path: Path) -> None:
    data = path.read_bytes()
    fixed = data.rstrip(b"\n") + b"\n"
    if fixed != data:
        path.write_bytes(fixed)


def tangle_from_scratch(root: Path, dest: Path) -> tuple[dict[str, bytes], list[str]]:
    """Tangle root/docs in a fresh copy; return {target path: bytes} and entangled's problems."""
    shutil.copytree(root / "docs", dest / "docs")
    shutil.copy(root / "entangled.toml", dest / "entangled.toml")
    log = run_entangled(["tangle"], cwd=dest)  # a fresh folder: nothing to conflict with
    targets = {}
    for rel in sorted(code_files(dest)):
        end_with_one_newline(dest / rel)
        targets[rel] = (dest / rel).read_bytes()
    stray = [
        p.relative_to(dest).as_posix()
        for p in dest.rglob("*")
        if p.is_file()
        and p.parts[len(dest.parts)] not in ("docs", CODE, ".entangled", "entangled.toml")
    ]
    extra = [f"tangle target outside {CODE}/: {s}" for s in stray]
    return targets, problems_in(log) + extra


def check(root: Path = ROOT) -> int:
    """Compare code/ with a from-scratch tangle of docs/; print what differs and how to fix it."""
    with tempfile.TemporaryDirectory() as tmp:
        targets, problems = tangle_from_scratch(root, Path(tmp))
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


def code_edited_since_commit(root: Path = ROOT) -> bool:
    """True when a file under code/ differs from git's HEAD (or git cannot tell)."""
    proc = subprocess.run(["git", "status", "--porcelain", "--", CODE], cwd=root,
                          capture_output=True, text=True)
    return proc.returncode != 0 or bool(proc.stdout.strip())


def tangle() -> int:
    log = run_entangled(["tangle"], cwd=ROOT)
    problems = problems_in(log)
    if problems and not code_edited_since_commit():
        # entangled's record (.entangled/, never committed) is missing or stale after a clone, a
        # pull or a merge; no file under code/ was edited by hand, so overwriting loses nothing.
        log = run_entangled(["tangle", "--force"], cwd=ROOT)
        problems = [p for p in problems_in(log) if "continuing anyway" not in p
                    and "not managed by" not in p]
    for line in problems:
        print(f"entangled: {line}")
    if problems:
        print(
            "\nentangled refused to tangle. If it names a conflict, a file under code/ was edited "
            "by hand: run `make stitch` to carry the edit into its chapter (or `git checkout` the "
            "file to drop it), then `make tangle` again."
        )
        return 1
    for rel in code_files(ROOT):
        end_with_one_newline(ROOT / rel)
    print(log.strip() or "tangle: nothing to be done")
    return 0


def stitch() -> int:
    """Carry hand edits of tangled files back into the chapters, whatever state .entangled/ is in.

    entangled stitches only files its record (.entangled/filedb.json) knows, and that record is
    not committed. So: put the chapters' own version of each edited file in place, let entangled
    record it, put the edits back, and stitch.
    """
    edited = {rel: (ROOT / rel).read_bytes() for rel in code_files(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        targets, problems = tangle_from_scratch(ROOT, Path(tmp))
    for line in problems:
        print(f"entangled: {line}")
    if problems:
        return 1
    changed = [t for t in targets if t in edited and edited[t] != targets[t]]
    if not changed:
        print("stitch: no file under code/ differs from its chapter; nothing to carry back")
        return 0
    for rel in changed:
        (ROOT / rel).write_bytes(targets[rel])
    shutil.rmtree(ROOT / ".entangled", ignore_errors=True)
    run_entangled(["tangle", "--force"], cwd=ROOT)
    for rel in changed:
        (ROOT / rel).write_bytes(edited[rel])
    log = run_entangled(["stitch"], cwd=ROOT)
    problems = problems_in(log)
    for line in problems:
        print(f"entangled: {line}")
    if problems:
        return 1
    print(f"stitched back into the chapters: {', '.join(changed)}")
    return tangle()


def main(argv: list[str]) -> int:
    commands = {"tangle": tangle, "stitch": stitch, "check": check}
    if len(argv) != 1 or argv[0] not in commands:
        print(f"usage: python tools/tangle.py {{{','.join(commands)}}}", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
