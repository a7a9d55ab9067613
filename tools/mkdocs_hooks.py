"""MkDocs hooks: run the chapters' executed blocks (their outputs kept in run-outputs/, in git),
and serve MathJax from the site itself.

Executed blocks. A chapter may contain

    ``` {.python .run}
    print(perplexity(model, text))
    ```

Such a block is not tangled (it has neither `#name` nor `file=`); it runs when the site is
built, and what it prints appears under it. With `output=markdown` the printed text is read as
Markdown (a table, a sentence holding a measured number); figures that the block leaves open in
matplotlib are embedded as PNG images, with `caption="..."` as their caption and alt text (a
figure without a caption fails the build). A block that raises fails the build, naming the page,
the block and its line, with the end of the traceback. tools/fences.py reads the fences, as it
does for the tests.

Sessions. The blocks of a page run in order in one namespace, in a fresh Python process
(tools/run_blocks.py), in the repository root, with the stage folders importable: that is the
page's session "main". A block with `session=NAME` belongs to session NAME instead: the blocks of
one session share a namespace and a process; different sessions share nothing, are cached each
on its own, and run in parallel. An expensive page can so keep an edit of one part from running
the others again.

The outputs, in run-outputs/ (committed, so that a fresh clone reads the book at once; not in
.cache/, which zensical deletes):

    run-outputs/pages/<page>/<session>.<blocks key>.<inputs key>.json   what each block printed
    run-outputs/figures/<sha256>.png                                      the figures, by content
    run-outputs/assets/<sha256>.<suffix>                                  files for the site
    run-outputs/labs/, run-outputs/labs.inputs.json                       the executed labs

An entry is found by its blocks key: the session's block sources, the page and the session's
name, the runner (tools/run_blocks.py) and Python's version. It is used only while every input
it recorded is as it was when the blocks ran. The inputs are what the blocks actually read,
recorded while they ran (tools/run_blocks.py): the files under the repository that they opened
or imported (code/, tools/, recorded JSON under docs/...), with the sha-256 of each, the folders
they listed, and for each pinned distribution they imported (numpy, matplotlib...) its line in
requirements.txt; the Python processes they start with the same interpreter are followed
(tools/run_blocks.py). A session that starts any other process, which cannot be followed, has
for inputs everything under code/ and tools/, pyproject.toml, conftest.py and every pin.
So a prose edit runs nothing; a code edit runs the sessions that read the edited file, and
nothing is ever shown from code that has changed since it ran. A file changed while the blocks
ran leaves no entry (the next build runs them again). Outputs do not depend on the machine's
BLAS kernel or on the time a build takes: they are what the code printed when it last ran.

Before the pages render (on_files), every session whose entry is missing or stale runs, up to
BOOK_JOBS at once (default: the cores this process may use), longest first. Each build logs
which sessions it ran and why (the input that changed, or the block that is new); with
BOOK_RUN_REPORT=path it also writes that as JSON, which the tests read to prove the committed
outputs fresh. After a build that rendered every page, entries and figures that no page used are
deleted: the folder holds one entry per session. `make outputs` refreshes it.

Files for the site. While a session runs, the environment variable BOOK_ASSETS names a fresh,
empty temporary folder; the files its blocks write there (panel.export writes a page's models)
are stored by content in run-outputs/assets/ and named in the session's entry (file name ->
stored name). Every build copies the files of each entry it shows into site/assets/models/
under their own names, whether the session ran or not; two sessions that write one name with
different bytes fail the build, naming both. Pruning and the freshness test cover them as they
cover figures.

The labs (mkdocs-jupyter, executed in a kernel) keep their outputs in run-outputs/labs/, the
plugin's own cache, which is keyed on a lab's bytes only. So that a lab never shows what older
code printed, run-outputs/labs.inputs.json records what a lab may read (everything under code/,
the plotting style, the reader's pins) as of the last run of the labs; when any of it differs,
the labs' outputs are deleted and the labs run again.

`make serve` re-tangles the chapters before a build when their code (not their prose) changed.
When tangling fails the build fails with tangle's message, before any block runs against code/
as it was; the server then holds page requests until a build succeeds.

These are MkDocs hooks, not a Markdown extension (the shape zensical would keep): an error must
name the page, and the outputs may be pruned only after a build that rendered every page, and
only MkDocs knows either. The work itself, with_run_blocks_executed(markdown, page), takes the
page's Markdown and its name, so that an extension could call it (it runs what it must).

Notebooks. Each chapter with code is also written as NAME.ipynb beside its page, with the
outputs the page shows, and linked under its title (tools/notebooks.py says what it holds).

MathJax. The site must load nothing from the network, so the MathJax 3 files come from the
registry package django-static-mathjax (installed by `make install`) and are copied into
site/assets/mathjax after each build.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from mkdocs.exceptions import PluginError

import fences  # tools/ is on sys.path while MkDocs imports its hooks
import notebooks  # tools/notebooks.py: every chapter as a Jupyter notebook

# One BLAS thread for the executed pages and whatever they start: the runner calls
# runtime.configure(threads=1) for itself (docs/stage-03/speed.md says why), and these variables
# reach the processes its blocks start. Set OPENBLAS_NUM_THREADS to override.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ROOT / "run-outputs"
RUNNER = Path(__file__).resolve().parent / "run_blocks.py"
TANGLE = [sys.executable, str(ROOT / "tools" / "tangle.py"), "tangle"]
PINS = ("requirements.txt", "requirements-dev.txt")
# What a session that starts another process may have read, and what the labs read.
EVERYTHING = ("tree:code", "tree:tools", "file:pyproject.toml", "file:conftest.py",
              *(f"file:{name}" for name in PINS))
# What a lab (a notebook run in a Jupyter kernel, which no hook follows) may read: the book's
# code, the plotting style, the pinned packages. Its own text is in mkdocs-jupyter's key.
LAB_INPUTS = ("tree:code", "file:tools/book.mplstyle", "file:tools/book_style.py",
              "file:requirements.txt")
SHOWN_TITLE = "run when the site is built"
MAIN = "main"
SESSION_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
ASSETS_ENV = "BOOK_ASSETS"  # names the folder for the files the blocks write for the site
SITE_ASSETS = ("assets", "models")  # where the site serves them
ASSET_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")  # a file name a URL needs no escape for
log = logging.getLogger("mkdocs.hooks.run_blocks")


# --------------------------------------------------------------------------------------------
# sessions: the groups of blocks that run together


@dataclass
class Session:
    """The blocks of one page that share a namespace and a process."""

    page: str
    name: str
    blocks: list = field(default_factory=list)  # fences.Fence
    numbers: list[int] = field(default_factory=list)  # each block's number on its page

    @cached_property
    def key(self) -> str:
        """The blocks key: what the entry is looked up by (its inputs are checked after)."""
        ident = [RUNNER.read_bytes().decode(), f"{sys.version_info[0]}.{sys.version_info[1]}",
                 self.page, self.name, [f.source for f in self.blocks]]
        return sha(json.dumps(ident).encode())

    def folder(self) -> Path:
        return OUTPUTS / "pages" / self.page.removesuffix(".md")

    def label(self) -> str:
        return self.page if self.name == MAIN else f"{self.page} [session {self.name}]"


def sha(data: bytes, length: int = 64) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def executed_blocks(markdown: str, src: str) -> list:
    blocks = [f for f in fences.parse(markdown.split("\n")) if f.kind == "executed"]
    unclosed = [f.start + 1 for f in blocks if not f.closed]
    if unclosed:
        raise PluginError(f"{src}: the executed block at line {unclosed[0]} is never closed")
    return blocks


def sessions_of(blocks: list, src: str) -> list[Session]:
    """The page's sessions, in the order of their first block."""
    sessions: dict[str, Session] = {}
    for number, fence in enumerate(blocks, start=1):
        name = fence.attrs.get("session", MAIN)
        if not SESSION_NAME.match(name):
            raise PluginError(f"{src}: executed block {number} (line {fence.start + 1}): "
                              f"session={name!r} is not a name (letters, digits, - and _)")
        session = sessions.setdefault(name, Session(src, name))
        session.blocks.append(fence)
        session.numbers.append(number)
    return list(sessions.values())


# --------------------------------------------------------------------------------------------
# inputs: what the blocks read, and what it holds now


def pinned() -> dict[str, str]:
    """{normalised distribution name: its line `name==version`} from the requirement files."""
    pins = {}
    for name in PINS:
        path = ROOT / name
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        for line in lines:
            match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", line.strip())
            if match:
                pins.setdefault(normalised(match[1]), f"{match[1]}=={match[2]}")
    return pins


def normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def visible(rel_parts: tuple[str, ...]) -> bool:
    """Not hidden (.venv, .git, .entangled), not a bytecode cache."""
    return not any(p.startswith(".") or p == "__pycache__" for p in rel_parts)


def tree_files(rel: str) -> list[Path]:
    base = ROOT / rel
    return sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".pyc"
                  and visible(p.relative_to(ROOT).parts))


class Inputs:
    """The current value of each input (memoised: one build reads each file once)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self._pins: dict[str, str] | None = None

    def value(self, name: str) -> str:
        if name not in self.values:
            self.values[name] = self._compute(name)
        return self.values[name]

    def _compute(self, name: str) -> str:
        kind, _, what = name.partition(":")
        if kind == "file":
            path = ROOT / what
            return sha(path.read_bytes(), 20) if path.is_file() else "missing"
        if kind == "folder":
            path = ROOT / what
            if not path.is_dir():
                return "missing"
            names = sorted(p.name for p in path.iterdir() if visible((p.name,)))
            return sha("\n".join(names).encode(), 20)
        if kind == "tree":
            digest = hashlib.sha256()
            for path in tree_files(what):
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
            return digest.hexdigest()[:20]
        if kind == "distribution":
            if self._pins is None:
                self._pins = pinned()
            return self._pins.get(normalised(what), f"{what} not pinned")
        raise ValueError(f"unknown input {name!r}")

    def changed(self, recorded: dict[str, str]) -> list[str]:
        """The recorded inputs whose value is no longer the recorded one."""
        return [name for name, value in recorded.items() if self.value(name) != value]

    def touched_since(self, names: list[str], started: float) -> list[str]:
        """The files among the inputs modified after `started` (while the blocks ran)."""
        touched = []
        for name in names:
            kind, _, what = name.partition(":")
            paths = ([ROOT / what] if kind in ("file", "folder")
                     else tree_files(what) if kind == "tree" else [])
            if any(p.exists() and p.stat().st_mtime > started for p in paths):
                touched.append(name)
        return touched


def input_names(reads: dict) -> list[str]:
    """The inputs of a session, from what the runner saw it read. Of the distributions it
    imported, those the requirement files pin: the others (setuptools' import hook, a PyTorch
    that happens to be installed) are not the book's to vary."""
    if reads["spawned"]:
        names = list(EVERYTHING)
    else:
        names = [*(f"file:{f}" for f in reads["files"]),
                 *(f"folder:{f}" for f in reads["folders"])]
    pins, providers = pinned(), distributions()
    names += [f"distribution:{d}" for module in reads["modules"]
              for d in providers.get(module, ()) if normalised(d) in pins]
    return sorted(set(names))


def distributions() -> dict[str, list[str]]:
    """{top-level module: the distributions providing it}, read again when one is installed."""
    stamp = tuple(os.stat(p).st_mtime_ns for p in sys.path if os.path.isdir(p))
    if PROVIDERS.get("stamp") != stamp:
        from importlib.metadata import packages_distributions

        PROVIDERS.update(stamp=stamp, providers=packages_distributions())
    return PROVIDERS["providers"]


PROVIDERS: dict = {}


def describe(name: str, now: str) -> str:
    """An input that changed, in words."""
    kind, _, what = name.partition(":")
    if kind == "distribution":
        return f"the pin of {what} is now {now}"
    if now == "missing":
        return f"{what} is gone"
    return {"file": f"{what} changed", "folder": f"the files in {what}/ changed",
            "tree": f"a file under {what}/ changed"}.get(kind, name)


# --------------------------------------------------------------------------------------------
# the stored outputs


def entry_path(session: Session, inputs: dict[str, str]) -> Path:
    inputs_key = sha(json.dumps(inputs, sort_keys=True).encode(), 16)
    return session.folder() / f"{session.name}.{session.key[:16]}.{inputs_key}.json"


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all. The temporary file is unique to this call:
    sessions run in threads of one process and may store the same figure at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(partial, 0o644)  # mkstemp makes it 0o600; the stored outputs are ordinary files
        os.replace(partial, path)  # never a half-written entry
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def find_entry(session: Session, inputs: Inputs) -> tuple[Path | None, str]:
    """The entry whose inputs all hold now, or None and why there is none."""
    candidates = sorted(session.folder().glob(f"{session.name}.{session.key[:16]}.*.json"))
    why = []
    for path in candidates:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        changed = inputs.changed(entry["inputs"])
        if not changed:
            return path, ""
        why += [describe(name, inputs.value(name)) for name in changed]
    if why:
        return None, "; ".join(dict.fromkeys(why))
    return None, blocks_changed(session)


def blocks_changed(session: Session) -> str:
    """Why a session has no entry: which of its blocks are new or edited, if an entry of an
    earlier version of the session says so."""
    earlier = sorted(session.folder().glob(f"{session.name}.*.json"))
    if not earlier:
        return "no output stored for this session"
    try:
        known = set(json.loads(earlier[-1].read_text(encoding="utf-8"))["sources"])
    except (OSError, ValueError, KeyError):
        return "its blocks changed"
    edited = [f"{n} (line {f.start + 1})" for n, f in zip(session.numbers, session.blocks,
                                                          strict=True)
              if sha(f.source.encode(), 20) not in known]
    return (f"block {', '.join(edited)} new or edited" if edited
            else "its blocks were removed or reordered")


def store(session: Session, result: dict, names: list[str], inputs: Inputs,
          seconds: float) -> Path:
    """Write the figures (by content) and the entry; the entry's path."""
    blocks = []
    for output in result["blocks"]:
        figures = []
        for figure in output["figures"]:
            png = base64.b64decode(figure["png"])
            name = f"{sha(png, 24)}.png"
            target = OUTPUTS / "figures" / name
            if not target.exists():
                write_atomically(target, png)
            figures.append({"png": name, "min_text_px": figure["min_text_px"]})
        blocks.append({"printed": output["printed"], "figures": figures,
                       "seconds": output["seconds"]})
    recorded = {name: inputs.value(name) for name in names}
    entry = {"page": session.page, "session": session.name, "seconds": round(seconds, 2),
             "sources": [sha(f.source.encode(), 20) for f in session.blocks],
             "inputs": recorded, "assets": store_assets(result["assets"]), "blocks": blocks}
    path = entry_path(session, recorded)
    write_atomically(path, (json.dumps(entry, indent=1, ensure_ascii=False) + "\n").encode())
    return path


# --------------------------------------------------------------------------------------------
# files for the site: what the blocks write into BOOK_ASSETS, stored by content, served as named


def written_assets(session: Session, folder: Path) -> dict[str, bytes]:
    """{file name: bytes} of what a session's blocks wrote into its assets folder: files only,
    each with a name a URL needs no escape for, or a PluginError saying what is wrong."""
    assets = {}
    for path in sorted(folder.iterdir()):
        if path.is_symlink() or not path.is_file() or not ASSET_NAME.match(path.name):
            raise PluginError(
                f"{session.label()}: its executed blocks wrote {path.name!r} into BOOK_ASSETS, "
                "which the site does not serve: write plain files there, named with letters, "
                "digits, '.', '-' and '_', not starting with '.' (no folders, no links)")
        assets[path.name] = path.read_bytes()
    return assets


def stored_asset_name(name: str, data: bytes) -> str:
    """The name under run-outputs/assets/: the content's hash and the file's suffix."""
    return f"{sha(data, 24)}{Path(name).suffix}"


def store_assets(assets: dict[str, bytes]) -> dict[str, str]:
    """Write each file into run-outputs/assets/ by content (once); {file name: stored name}."""
    stored = {}
    for name, data in sorted(assets.items()):
        stored[name] = stored_asset_name(name, data)
        target = OUTPUTS / "assets" / stored[name]
        if not target.exists():
            write_atomically(target, data)
    return stored


def show_assets(session: Session, assets: dict[str, tuple[str, bytes | Path]]) -> None:
    """Note the files of a session shown in this build ({file name: (stored name, its bytes or
    the stored file)}), for the site; a PluginError if another session wrote one of the names
    with other bytes, or a stored file is missing."""
    for name, (stored, source) in assets.items():
        if isinstance(source, Path) and not source.is_file():
            raise PluginError(
                f"{session.label()}: its entry names {source.relative_to(ROOT).as_posix()}, "
                f"which is missing (the file {name} for the site): restore it from git "
                "(git checkout -- run-outputs), or delete the entry to run the session again")
        earlier = BUILD.assets.get(name)
        if earlier is not None and earlier[0] != stored:
            raise PluginError(
                f"{earlier[2]} and {session.label()} both write {'/'.join(SITE_ASSETS)}/{name}, "
                "with different contents: the site can serve only one; give one of them "
                "another name")
        BUILD.assets[name] = (stored, source, session.label())


def copy_assets(site: Path) -> None:
    """Copy the files of the entries this build showed into site/assets/models/."""
    target = site.joinpath(*SITE_ASSETS)
    for name, (_, source, _) in sorted(BUILD.assets.items()):
        target.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target / name)
        else:
            (target / name).write_bytes(source)


def prune_assets() -> list[Path]:
    """Delete the stored files that no entry this build used names (after prune_outputs'
    check that the build rendered every page)."""
    folder = OUTPUTS / "assets"
    if not folder.is_dir():
        return []
    named = set()
    for path in BUILD.used:
        named.update(json.loads(path.read_text(encoding="utf-8")).get("assets", {}).values())
    unused = [p for p in folder.iterdir() if p.is_file() and p.name not in named]
    for path in unused:
        path.unlink(missing_ok=True)
    return unused


# --------------------------------------------------------------------------------------------
# running


def run_session(session: Session, assets: str | None = None) -> dict:
    """Run one session's blocks in a fresh process (tools/run_blocks.py), with BOOK_ASSETS
    naming the folder `assets` (unset without one: a block that writes files for the site then
    fails clearly, instead of writing where nothing collects them); the runner's result."""
    env = dict(os.environ, PYTHONHASHSEED="0")  # set iteration order, the same in every build
    for variable in BLAS_THREADS:
        env.setdefault(variable, "1")
    env.pop(ASSETS_ENV, None)
    if assets:
        env[ASSETS_ENV] = assets
    request = json.dumps({"page": session.page, "session": session.name, "root": str(ROOT),
                          "blocks": [{"source": f.source, "line": f.start + 1, "number": n}
                                     for n, f in zip(session.numbers, session.blocks,
                                                     strict=True)]})
    with subprocess.Popen([sys.executable, str(RUNNER)], stdin=subprocess.PIPE, cwd=ROOT,
                          env=env, stdout=subprocess.PIPE) as proc:  # stderr: the build's own
        RUNNING.add(proc)
        try:
            stdout, _ = proc.communicate(request.encode())
        finally:
            RUNNING.discard(proc)
    try:
        result = json.loads(stdout.decode("utf-8"))
    except ValueError:
        raise PluginError(
            f"{session.label()}: the process running its executed blocks ended (exit status "
            f"{proc.returncode}) without a result; its messages, if any, are above"
        ) from None
    if "error" in result:
        error = result["error"]
        raise PluginError(f"{session.page}: executed block {error['block']} (line "
                          f"{error['line']}) failed:\n{error['message']}")
    return result


RUNNING: set[subprocess.Popen] = set()  # the sessions running now, in the pool's threads


@atexit.register
def stop_running_sessions() -> None:
    """Ctrl-C on `make serve` during a build: end the sessions it started, not leave them."""
    for proc in list(RUNNING):
        proc.kill()


def execute(session: Session, reason: str) -> Path | None:
    """Run a session and store its outputs; the entry (None if a file changed meanwhile)."""
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="book-assets-") as assets:  # fresh, outside ROOT
        result = run_session(session, assets)
        result["assets"] = written_assets(session, Path(assets))
    seconds = time.time() - started
    inputs = Inputs()  # the values after the run: unchanged during it, or not stored
    names = input_names(result["reads"])
    touched = inputs.touched_since(names, started)
    path = None if touched else store(session, result, names, inputs, seconds)
    note = f"; not stored: {', '.join(touched)} changed while it ran" if touched else ""
    log.info(f"{session.label()}: ran {len(session.blocks)} executed blocks in {seconds:.1f} s "
             f"({reason}){note}")
    BUILD.executed.append({"page": session.page, "session": session.name, "reason": reason,
                           "seconds": round(seconds, 2), "stored": path is not None})
    if path is None:  # shown this once from the result itself
        BUILD.unstored[session.key] = result
    return path


def jobs() -> int:
    if os.environ.get("BOOK_JOBS", "").isdigit() and int(os.environ["BOOK_JOBS"]) >= 1:
        return int(os.environ["BOOK_JOBS"])
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def expected_seconds(session: Session) -> float:
    """How long the session last took (any earlier entry), for running the longest first."""
    for path in session.folder().glob(f"{session.name}.*.json"):
        try:
            return json.loads(path.read_text(encoding="utf-8"))["seconds"]
        except (OSError, ValueError, KeyError):
            pass
    return float("inf")


def run_stale_sessions(pages: dict[str, str]) -> None:
    """Run, in parallel, every session of these pages ({src: Markdown}) without a fresh entry.
    A failure is kept for its page to report when it renders."""
    stale = []
    for src, markdown in pages.items():
        try:
            sessions = sessions_of(executed_blocks(markdown, src), src)
        except PluginError:
            continue  # the page reports it when it renders
        for session in sessions:
            path, reason = find_entry(session, BUILD.inputs)
            if path is None:
                stale.append((session, reason))
            else:
                BUILD.entries[session.key] = path
    stale.sort(key=lambda item: -expected_seconds(item[0]))

    def attempt(item):
        session, reason = item
        try:
            BUILD.entries[session.key] = execute(session, reason)
        except PluginError as error:
            BUILD.failures[session.key] = error

    if stale:
        log.info(f"executed blocks: {len(stale)} sessions to run, {jobs()} at a time")
        with ThreadPoolExecutor(max_workers=jobs()) as pool:
            list(pool.map(attempt, stale))


# --------------------------------------------------------------------------------------------
# rendering


def figure_html(figure: dict, caption: str) -> str:
    data = base64.b64encode((OUTPUTS / "figures" / figure["png"]).read_bytes()).decode()
    alt = html.escape(caption, quote=True)
    return (f'<figure class="run-figure"><img alt="{alt}" src="data:image/png;base64,{data}"'
            f' data-min-text-px="{figure["min_text_px"]:.1f}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def block_markdown(output: dict, fence, where: str) -> str:
    """One block's output as Markdown: its text (or Markdown), then its figures."""
    printed, parts = output["printed"], []
    if printed.strip():
        parts.append(printed.strip() if fence.attrs.get("output") == "markdown"
                     else "``` {.text .run-output}\n" + printed.rstrip() + "\n```")
    caption = fence.attrs.get("caption", "")
    if output["figures"] and not caption:
        raise PluginError(f'{where} draws a figure but has no caption="..." (its alt text too)')
    parts += [figure_html(figure, caption) for figure in output["figures"]]
    return "\n\n".join(parts)


def indented(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def session_outputs(session: Session) -> list[dict]:
    """The outputs of a session's blocks: stored, run in this build, or run now."""
    key = session.key
    if key in BUILD.failures:
        raise BUILD.failures[key]
    if key not in BUILD.unstored:
        path = BUILD.entries.get(key)
        if path is None or not path.exists():
            path, reason = find_entry(session, BUILD.inputs)
            if path is None:
                path = execute(session, reason)
    if key in BUILD.unstored:  # shown this once, from the run itself
        result = BUILD.unstored[key]
        show_assets(session, {name: (stored_asset_name(name, data), data)
                              for name, data in result["assets"].items()})
        return result["blocks"]
    BUILD.used.add(path)
    entry = json.loads(path.read_text(encoding="utf-8"))
    show_assets(session, {name: (stored, OUTPUTS / "assets" / stored)
                          for name, stored in entry.get("assets", {}).items()})
    return entry["blocks"]


def with_run_blocks_executed(markdown: str, src: str) -> str:
    """The page's Markdown with each executed block's output after it (or instead of it)."""
    lines = markdown.split("\n")
    blocks = executed_blocks(markdown, src)
    if not blocks:
        return markdown
    shown = {}
    for session in sessions_of(blocks, src):
        outputs = session_outputs(session)
        for number, fence, output in zip(session.numbers, session.blocks, outputs, strict=True):
            where = f"{src}: executed block {number} (line {fence.start + 1})"
            shown[fence.start] = block_markdown(output, fence, where)
    for fence in reversed(blocks):
        output = indented(shown[fence.start], fence.indent)
        if fence.attrs.get("echo") == "false":
            lines[fence.start : fence.end + 1] = ["", output, ""]
        else:
            lines[fence.start] = f'{fence.indent}{fence.marker} {{.python title="{SHOWN_TITLE}"}}'
            lines[fence.end + 1 : fence.end + 1] = ["", output, ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# one build


class Build:
    """What one build did: the pages it rendered, the entries they used, the sessions it ran."""

    def __init__(self) -> None:
        self.pages: set[str] = set()  # every Markdown page of the site (from on_files)
        self.rendered: set[str] = set()
        self.inputs = Inputs()
        self.entries: dict[str, Path | None] = {}  # blocks key -> entry, for sessions run early
        self.failures: dict[str, PluginError] = {}
        self.unstored: dict[str, dict] = {}  # results of runs during which an input changed
        self.used: set[Path] = set()
        self.assets: dict[str, tuple] = {}  # file name -> (stored name, bytes or path, session)
        self.executed: list[dict] = []
        self.labs: dict = {"reason": "", "before": set(), "ran": []}

    def rendered_every_page(self) -> bool:
        return bool(self.pages) and self.pages <= self.rendered


BUILD = Build()


def on_files(files, config):
    pages = [f for f in files.documentation_pages() if f.src_uri.endswith(".md")]
    BUILD.pages = {f.src_uri for f in pages}
    docs = Path(config["docs_dir"])
    sources = {}
    for f in pages:
        path = docs / f.src_uri
        if path.is_file():
            sources[f.src_uri] = path.read_text(encoding="utf-8")
    run_stale_sessions(sources)
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    BUILD.rendered.add(page.file.src_uri)
    shown = with_run_blocks_executed(markdown, page.file.src_uri)
    write_chapter_notebook(markdown, page, config)
    return shown


def prune_outputs() -> list[Path]:
    """After a build that rendered every page, delete the entries that no page used and the
    figures that no entry left names."""
    pages = OUTPUTS / "pages"
    if not BUILD.rendered_every_page() or not pages.is_dir():
        return []
    stale = [p for p in pages.rglob("*") if p.is_file() and p not in BUILD.used]
    for path in stale:
        path.unlink(missing_ok=True)
    named = set()
    for path in BUILD.used:
        for block in json.loads(path.read_text(encoding="utf-8"))["blocks"]:
            named.update(figure["png"] for figure in block["figures"])
    figures = OUTPUTS / "figures"
    unused = [p for p in figures.iterdir() if p.name not in named] if figures.is_dir() else []
    for path in unused:
        path.unlink(missing_ok=True)
    for folder in sorted((p for p in pages.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return stale + unused + prune_assets()


def write_report(path: str) -> None:
    """The build's record of what it ran, for the freshness test (BOOK_RUN_REPORT)."""
    report = {
        "executed": BUILD.executed,
        "labs_executed": BUILD.labs["ran"], "labs_reason": BUILD.labs["reason"],
        "used": sorted(p.relative_to(ROOT).as_posix() for p in BUILD.used),
        "assets": {name: stored for name, (stored, _, _) in sorted(BUILD.assets.items())},
        "complete": BUILD.rendered_every_page(),
    }
    Path(path).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------
# labs: their outputs in run-outputs/labs/, run again when the code changes


def lab_outputs(config) -> Path | None:
    """The folder in which mkdocs-jupyter keeps the executed labs, if it executes them."""
    plugin = (config.get("plugins") or {}).get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("execute") or not plugin.config.get("cache"):
        return None
    return ROOT / plugin.config["cache_dir"]


def check_lab_outputs(config) -> None:
    """Delete the labs' stored outputs when what they may read changed since they ran."""
    folder = lab_outputs(config)
    if folder is None:
        return
    stamp = folder.with_name(folder.name + ".inputs.json")
    now = {name: BUILD.inputs.value(name) for name in LAB_INPUTS}
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    if recorded != now:
        changed = [describe(n, now[n]) for n in LAB_INPUTS if recorded.get(n) != now[n]]
        BUILD.labs["reason"] = "; ".join(changed) if recorded else "no record of their inputs"
        for path in folder.glob("*.json"):
            path.unlink()
        write_atomically(stamp, (json.dumps(now, indent=1) + "\n").encode())
    BUILD.labs["before"] = set(folder.glob("*.json")) if folder.is_dir() else set()


def labs_that_ran(config) -> list[str]:
    folder = lab_outputs(config)
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.name for p in set(folder.glob("*.json")) - BUILD.labs["before"])


# --------------------------------------------------------------------------------------------
# MathJax from the site itself


MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "ui", "a11y"]


def mathjax_source() -> Path:
    import mathjax  # the django-static-mathjax package

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def on_post_build(config) -> None:
    prune_outputs()
    BUILD.labs["ran"] = labs_that_ran(config)
    ran = [f"{e['page']} [{e['session']}]" for e in BUILD.executed]
    log.info(f"executed blocks: {len(BUILD.used)} sessions from run-outputs/, "
             f"{len(ran)} run{(': ' + ', '.join(ran)) if ran else ''}; "
             f"labs run: {len(BUILD.labs['ran'])}")
    if os.environ.get("BOOK_RUN_REPORT"):
        write_report(os.environ["BOOK_RUN_REPORT"])
    write_lab_notebooks(Path(config["docs_dir"]), Path(config["site_dir"]))
    copy_assets(Path(config["site_dir"]))
    source = mathjax_source()
    target = Path(config["site_dir"]) / "assets" / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


# --------------------------------------------------------------------------------------------
# `make serve`: re-tangle before a rebuild when the chapters' code changed

SERVING = False
TANGLED: dict = {"code": None}  # the chapters' code at the last successful tangle


def on_startup(command, dirty) -> None:
    global SERVING
    SERVING = command == "serve"


def chapters_code() -> str:
    """A hash of what tangling reads: the chapters' tangled blocks and entangled.toml."""
    digest = hashlib.sha256()
    for path in [ROOT / "entangled.toml", *sorted((ROOT / "docs").rglob("*.md"))]:
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        if path.suffix != ".md":
            digest.update(text.encode())
            continue
        for fence in fences.parse(text):
            if fence.braced and fence.kind != "executed":
                digest.update(f"{fence.info}\n{fence.source}\0".encode())
    return digest.hexdigest()


def on_pre_build(config) -> None:
    global BUILD
    BUILD = Build()
    if SERVING:
        tangle_if_the_code_changed()
    check_lab_outputs(config)


def tangle_if_the_code_changed() -> None:
    code = chapters_code()
    if code == TANGLED["code"]:
        return  # a prose edit: nothing to tangle
    proc = subprocess.run(TANGLE, cwd=ROOT, capture_output=True, text=True)
    message = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        # `mkdocs serve` holds every request until a build succeeds: no stale page is served.
        raise PluginError(f"tangling the chapters failed; nothing was built:\n{message}")
    TANGLED["code"] = code
    for line in message.splitlines():
        log.info(f"tangle: {line}")


# --------------------------------------------------------------------------------------------
# labs: downloadable as notebooks


def write_lab_notebooks(docs: Path, site: Path) -> None:
    """Write each lab (jupytext percent format) beside its page as an .ipynb and as .py."""
    import jupytext

    for lab in sorted((docs / "labs").glob("lab_*.py")):
        target = site / "labs"
        target.mkdir(parents=True, exist_ok=True)
        jupytext.write(jupytext.read(lab), target / f"{lab.stem}.ipynb")
        shutil.copy2(lab, target / lab.name)


def on_post_page(output: str, page, config) -> str:
    src = page.file.src_uri
    if src in CHAPTER_NOTEBOOKS:
        return notebooks.with_download_link(output, CHAPTER_NOTEBOOKS[src])
    if not (src.startswith("labs/") and src.endswith(".py")):
        return output
    stem = Path(src).stem
    links = (
        '<p class="lab-downloads">Run this lab yourself: '
        f'<a href="../{stem}.ipynb" download>download the notebook</a> or '
        f'<a href="../{stem}.py" download>the Python source</a> '
        "(open it with <code>make lab</code>, which starts JupyterLab in the book's environment; "
        "it runs from any folder).</p>"
    )
    return re.sub(r"(</h1>)", r"\1" + links.replace("\\", "\\\\"), output, count=1)


# --------------------------------------------------------------------------------------------
# chapters as notebooks (tools/notebooks.py): written beside their pages, linked from them

CHAPTER_NOTEBOOKS: dict[str, str] = {}  # page -> its notebook's address relative to the page


def write_chapter_notebook(markdown: str, page, config) -> None:
    """Write a chapter's notebook into the site, with the outputs its page shows (a chapter
    with code only)."""
    src = page.file.src_uri
    CHAPTER_NOTEBOOKS.pop(src, None)
    if not (notebooks.is_chapter(src) and notebooks.has_code(markdown)):
        return
    linked = set(notebooks.chapters(Path(config["docs_dir"])))
    notebook = notebooks.chapter_notebook(markdown, src, executed_outputs(markdown, src), linked)
    target = Path(config["site_dir"]) / notebooks.notebook_name(src)
    write_atomically(target, notebooks.notebook_bytes(notebook))
    CHAPTER_NOTEBOOKS[src] = notebooks.link_from_page(src, page.url)


def executed_outputs(markdown: str, src: str) -> list[dict]:
    """What each executed block of a page printed and drew, in page order, as the page shows
    it: {"printed": str, "figures": [PNG bytes]}."""
    blocks = executed_blocks(markdown, src)
    found = {}
    for session in sessions_of(blocks, src):
        for fence, output in zip(session.blocks, session_outputs(session), strict=True):
            found[fence.start] = {"printed": output["printed"],
                                  "figures": [figure_png(f) for f in output["figures"]]}
    return [found[fence.start] for fence in blocks]


def figure_png(figure: dict) -> bytes:
    """A figure's PNG: by name in run-outputs/figures/, or in base64 if it was not stored."""
    if figure["png"].endswith(".png"):
        return (OUTPUTS / "figures" / figure["png"]).read_bytes()
    return base64.b64decode(figure["png"])
