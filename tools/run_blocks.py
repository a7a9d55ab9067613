"""Run one session of a page's executed blocks in a fresh Python process, for the site hook.

    python tools/run_blocks.py < request.json > result.json

The request names the page, the session, the folder to run in (the repository root) and the
session's blocks in order, each with its source and its line in the chapter:

    {"page": "stage-03/x.md", "session": "main", "root": "/path/to/book",
     "blocks": [{"source": "print(1)", "line": 12, "number": 1}, ...]}

The blocks share one namespace and run in order. The result holds, for each block, what it
printed, the figures it left open in matplotlib (PNG bytes in base64, and the height in pixels
of their smallest text) and the seconds it took, and what the blocks read, for the cache
(tools/mkdocs_hooks.py):

    {"blocks": [{"printed": "...", "figures": [{"png": "iVBOR...", "min_text_px": 9.2}],
                 "seconds": 0.02}, ...],
     "reads": {"files": ["code/stage-03/x.py", "docs/recorded/y.json"],
               "folders": ["docs/recorded"], "modules": ["numpy", "matplotlib", "value"],
               "spawned": false}}
or, when a block fails, which block and the last lines of its traceback:

    {"error": {"block": 2, "line": 40, "message": "Traceback ...\\nZeroDivisionError: ..."}}

What the blocks read is recorded while they run, by an audit hook (PEP 578): every file under
the root that is opened for reading (by the blocks, by the modules they call, by matplotlib
reading the book's style), every folder under the root that they list (not the listings the
import system makes for itself), and at the end every module under the root that is imported
(its source file) and the names of all the imported top-level modules outside the standard
library (the hook finds their distributions). A Python
process that a block starts with this interpreter (a subprocess running the book's code)
records the same into a folder when it exits (follow_reads/sitecustomize.py, first on its
PYTHONPATH). "spawned" says that some process escaped the record: another program, a fork, or a
Python process that left no record (killed, or started with an environment of its own). Paths
are relative to the root; files of hidden folders (.venv, .git) and bytecode caches are not
recorded.

Formatting (Markdown, captions) is the hook's: a caption edited in the chapter re-renders the
page without running its blocks again.

A fresh process per session imports the code under code/ as it is now: a long-lived `mkdocs
serve` would otherwise run an edited chapter against the modules it imported before the edit.
Anything the blocks write to the process's stdout outside a block's capture (a subprocess they
start, say) goes to stderr, which the site build shows, so that only the result is on stdout.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import io
import json
import linecache
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

DPI = 110  # pixels per inch of the PNG images (the book's style, tools/book.mplstyle)
STYLE = Path(__file__).with_name("book.mplstyle")
SPAWNING = frozenset({"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                      "os.forkpty", "pty.spawn", "os.startfile"})
LISTING = frozenset({"os.listdir", "os.scandir"})
IMPORT_SYSTEM = "<frozen importlib._bootstrap_external>"
FOLLOW = Path(__file__).with_name("follow_reads")  # holds the sitecustomize of child processes
# Programs that read nothing of the repository: platform.platform() runs `uname -p`.
SYSTEM_QUERIES = frozenset({"uname"})


class Reads:
    """What a process reads under the root, recorded by an audit hook; the Python processes it
    starts with this interpreter record theirs too (follow_reads/sitecustomize.py)."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.python_children = 0  # started with this interpreter: they record their own reads
        self.other_children = False  # any other process: its reads cannot be followed
        self.recording = True
        self.python = os.path.realpath(sys.executable)

    def relative(self, path) -> str | None:
        """The path relative to the root, or None when it is outside it or not recorded."""
        if isinstance(path, int) or path is None:
            return None  # a file descriptor: its opening was recorded, if it was a path
        try:
            full = os.path.abspath(os.fsdecode(os.fspath(path)))
        except (TypeError, ValueError):
            return None
        if not full.startswith(self.root + os.sep):
            return None
        rel = full[len(self.root) + 1 :].replace(os.sep, "/")
        parts = rel.split("/")
        if any(p.startswith(".") or p == "__pycache__" for p in parts) or rel.endswith(".pyc"):
            return None
        return rel

    def audit(self, event: str, args: tuple) -> None:
        if not self.recording:
            return
        if event == "open":
            if self.reads(*args) and (rel := self.relative(args[0])) is not None:
                self.files.add(rel)
        elif event in LISTING:
            if sys._getframe(1).f_code.co_filename == IMPORT_SYSTEM:
                return  # importlib listing sys.path entries: the imported modules are recorded
            if (rel := self.relative(args[0] if args else ".")) is not None:
                self.folders.add(rel)
        elif event == "subprocess.Popen":
            executable, command = args[0], args[1]
            self.count_child(executable or (command if isinstance(command, (str, bytes))
                                            else command[0]))
        elif event in SPAWNING:
            self.other_children = True

    @staticmethod
    def reads(path, mode: str | None, flags: int) -> bool:
        """Whether an opening reads a file named by a path relative to the working folder."""
        if mode is not None:  # open(), io.open_code()
            return "r" in mode or "+" in mode
        if isinstance(path, int) or not os.path.isabs(os.fsdecode(path)):
            # os.open of a descriptor, or of a path that may be relative to a folder's
            # descriptor (dir_fd, which the event does not carry: shutil.rmtree walks so)
            return False
        return flags & os.O_ACCMODE in (os.O_RDONLY, os.O_RDWR)  # os.open

    def count_child(self, program) -> None:
        found = shutil.which(os.fsdecode(program)) if program is not None else None
        found = os.path.realpath(found) if found else None
        if found == self.python:
            self.python_children += 1
        elif not (found and os.path.basename(found) in SYSTEM_QUERIES
                  and self.relative(found) is None):
            self.other_children = True

    def modules(self) -> tuple[set[str], set[str]]:
        """The files of the imported modules under the root, and every imported top level."""
        files, tops = set(), set()
        for name, module in list(sys.modules.items()):
            rel = self.relative(getattr(module, "__file__", None))
            if rel is not None and name != "__main__":
                files.add(rel)
            tops.add(name.partition(".")[0])
        return files, tops

    def record(self) -> dict:
        """Stop recording; what this process read, with its imported modules."""
        self.recording = False
        files, tops = self.modules()
        return {"files": sorted(self.files | files), "folders": sorted(self.folders),
                "modules": sorted(tops), "python_children": self.python_children,
                "other_children": self.other_children}


def follow_this_process() -> None:
    """In a Python process that a session started: record its reads into BOOK_READS_DIR when it
    exits (called by follow_reads/sitecustomize.py)."""
    reads = Reads(os.environ["BOOK_READS_ROOT"])
    sys.addaudithook(reads.audit)
    folder = Path(os.environ["BOOK_READS_DIR"])

    def save() -> None:
        (folder / f"{os.getpid()}.json").write_text(json.dumps(reads.record()))

    atexit.register(save)


def all_reads(reads: Reads, children: Path) -> dict:
    """What the session read, with the Python processes it started; "spawned" when some
    process escaped the record (another program, or a child that left none)."""
    records = [reads.record()]
    records += [json.loads(p.read_text()) for p in sorted(children.glob("*.json"))]
    started = sum(r["python_children"] for r in records)
    spawned = any(r["other_children"] for r in records) or started != len(records) - 1
    modules = {top for r in records for top in r["modules"]} - set(sys.stdlib_module_names)
    return {"files": sorted({f for r in records for f in r["files"]}),
            "folders": sorted({f for r in records for f in r["folders"]}),
            "modules": sorted(m for m in modules if not m.startswith("_")), "spawned": spawned}


def smallest_text_px(fig) -> float:
    """The height in pixels, in the saved image, of the smallest visible text of a figure
    (font size in points * DPI / 72); the browser test checks it as displayed."""
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    sizes = [t.get_fontsize() for t in texts]
    return min(sizes, default=float("nan")) * DPI / 72


def open_figures() -> list[dict]:
    """The figures open in matplotlib, as PNG (base64) with their smallest text; closes them."""
    if "matplotlib.pyplot" not in sys.modules:
        return []  # nothing imported pyplot, so nothing can have drawn
    import matplotlib.pyplot as plt

    figures = []
    for number in plt.get_fignums():
        fig = plt.figure(number)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
        figures.append({"png": base64.b64encode(buffer.getvalue()).decode(),
                        "min_text_px": round(smallest_text_px(fig), 1)})
    plt.close("all")
    return figures


def run_session(page: str, blocks: list[dict]) -> dict:
    """Execute the blocks in one namespace, in order; their outputs, or the first error."""
    namespace: dict = {"__name__": f"__page__{page}"}
    outputs = []
    for index, block in enumerate(blocks, start=1):
        source, number = block["source"], block.get("number", index)  # its number on the page
        filename = f"<{page}: run block {number}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        stdout, started = io.StringIO(), time.perf_counter()
        try:
            with contextlib.redirect_stdout(stdout):
                exec(compile(source, filename, "exec"), namespace)
            figures = open_figures()
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit too: a block must not end the build quietly
            error.__traceback__ = error.__traceback__.tb_next  # from the block's frame on
            message = "".join(traceback.format_exception(error)[-6:]).rstrip()
            return {"error": {"block": number, "line": block.get("line"), "message": message}}
        outputs.append({"printed": stdout.getvalue(), "figures": figures,
                        "seconds": round(time.perf_counter() - started, 2)})
    return {"blocks": outputs}


def main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    result = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray output to stderr, not the result
    os.chdir(request["root"])
    sys.path[0] = request["root"]  # as for `python -m mkdocs` there; not tools/
    os.environ["MPLBACKEND"] = "Agg"  # no window, whatever the caller's setting
    os.environ["MATPLOTLIBRC"] = str(STYLE)  # the book's style, read when matplotlib is imported
    threads = int(os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)  # the thread rule obeys it, in children too
    reads = Reads(request["root"])
    sys.addaudithook(reads.audit)
    with tempfile.TemporaryDirectory() as children:
        # The Python processes the blocks start record their reads into `children`.
        os.environ.update(BOOK_READS_DIR=children, BOOK_READS_ROOT=reads.root, PYTHONPATH=(
            os.pathsep.join([str(FOLLOW), *filter(None, [os.environ.get("PYTHONPATH")])])))
        import runtime  # code/stage-03, importable in the book's environment

        runtime.configure(threads=threads)  # one BLAS thread, as for the tests (and malloc)
        outcome = run_session(request["page"], request["blocks"])
        if "error" not in outcome:
            outcome["reads"] = all_reads(reads, Path(children))
    with result:
        json.dump(outcome, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
