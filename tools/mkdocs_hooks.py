"""MkDocs hooks: run the chapters' executed blocks, and serve MathJax from the site itself.

Executed blocks. A chapter may contain

    ``` {.python .run}
    print(perplexity(model, text))
    ```

Such a block is not tangled (it has neither `#name` nor `file=`); it runs when the site is
built, and what it prints appears under it. With `output=markdown` the printed text is read as
Markdown (a table, a sentence holding a measured number); figures that the block leaves open in
matplotlib are embedded as PNG images, with `caption="..."` as their caption and alt text (a
figure without a caption fails the build). The blocks of one page share one namespace and run in
order, in the repository root, with the stage folders importable. A block that raises fails the
build, naming the page, the block and its line, with the end of the traceback. tools/fences.py
reads the fences, as it does for the tests.

Each page's blocks run in a fresh Python process (tools/run_blocks.py), so they import the code
under code/ as it is now: `mkdocs serve` is one long-lived process, and blocks run inside it
would import the modules it had imported at an earlier build. The process starts in 0.07 s;
what it costs is the imports each page makes again (numpy, matplotlib's pyplot, the book's
modules): 0.1 to 3 s a page, about 15 s over the site's 12 executed pages (2 busy cores,
2026-11-29), paid only for pages not in the cache. `mkdocs build -v` logs each page's time.

These are MkDocs hooks, not a Markdown extension (the shape zensical would keep): an error must
name the page, and the cache may be pruned only after a build that rendered every page, and only
MkDocs knows either. The work itself, with_run_blocks_executed(markdown, page), takes the
page's Markdown and its name, so that an extension could call it.

Outputs are cached in .run-cache/ (not in .cache/, which zensical deletes) under a hash of the
page's blocks, of every file under code/ and of the runner, so `mkdocs serve` re-runs a page only
when its blocks or the code change. After a build that rendered every page, entries that no page
used are deleted; a `--dirty` rebuild renders only some pages, and deletes nothing.

`mkdocs serve` re-tangles the chapters before each build. When tangling fails the build fails
with tangle's message, before any block runs against code/ as it was; the server then holds
page requests until a build succeeds.

MathJax. The site must load nothing from the network, so the MathJax 3 files come from the
registry package django-static-mathjax (installed by `make install`) and are copied into
site/assets/mathjax after each build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

import fences  # tools/ is on sys.path while MkDocs imports its hooks
import tangle

# One BLAS thread for the executed pages and whatever they start: the runner calls
# runtime.configure(threads=1) for itself (docs/stage-03/speed.md says why), and these variables
# reach the processes its blocks start. Set OPENBLAS_NUM_THREADS to override.
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".run-cache"
RUNNER = Path(__file__).resolve().parent / "run_blocks.py"
TANGLE = [sys.executable, str(ROOT / "tools" / "tangle.py"), "tangle"]
SHOWN_TITLE = "run when the site is built"
log = logging.getLogger("mkdocs.hooks.run_blocks")


# --------------------------------------------------------------------------------------------
# executed blocks


class Build:
    """What one build did: the pages whose Markdown it read, and the cache entries they used."""

    def __init__(self) -> None:
        self.pages: set[str] = set()  # every Markdown page of the site (from on_files)
        self.rendered: set[str] = set()
        self.keys: set[str] = set()

    def rendered_every_page(self) -> bool:
        return bool(self.pages) and self.pages <= self.rendered


BUILD = Build()


def code_tree_digest() -> str:
    """A hash of every file under code/ (caches excluded), names and bytes."""
    digest = hashlib.sha256()
    for rel in sorted(tangle.code_files(ROOT)):
        digest.update(rel.encode() + b"\0")
        digest.update((ROOT / rel).read_bytes() + b"\0")
    return digest.hexdigest()


def page_key(sources: list[str], attrs: list[dict[str, str]]) -> str:
    """The cache key of a page's output: its blocks, the code they import, the runner."""
    return hashlib.sha256(
        json.dumps([sources, attrs, code_tree_digest(), RUNNER.read_bytes().decode()]).encode()
    ).hexdigest()


def cached_outputs(key: str) -> list[str] | None:
    try:
        return json.loads((CACHE / f"{key}.json").read_text(encoding="utf-8"))["outputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_outputs(key: str, page: str, outputs: list[str]) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = CACHE / f"{key}.json.{os.getpid()}.tmp"
    partial.write_text(json.dumps({"page": page, "outputs": outputs}), encoding="utf-8")
    os.replace(partial, CACHE / f"{key}.json")  # never a half-written entry


def run_page_blocks(page: str, blocks: list[dict]) -> list[str]:
    """Run one page's blocks in a fresh process (tools/run_blocks.py); their Markdown outputs."""
    env = dict(os.environ)
    for variable in BLAS_THREADS:
        env.setdefault(variable, "1")
    request = json.dumps({"page": page, "root": str(ROOT), "blocks": blocks})
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(RUNNER)], input=request.encode(), cwd=ROOT,
                          env=env, stdout=subprocess.PIPE)  # stderr: the build's own
    log.debug(f"{page}: {len(blocks)} executed blocks in {time.perf_counter() - started:.2f} s")
    try:
        result = json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        raise PluginError(
            f"{page}: the process running its executed blocks ended (exit status "
            f"{proc.returncode}) without a result; its messages, if any, are above"
        ) from None
    if "error" in result:
        error = result["error"]
        raise PluginError(
            f"{page}: executed block {error['block']} (line {error['line']}) failed:\n"
            f"{error['message']}"
        )
    return result["outputs"]


def indented(text: str, indent: str) -> str:
    return "\n".join(indent + line if line else line for line in text.split("\n"))


def on_page_markdown(markdown: str, page, config, files) -> str:
    BUILD.rendered.add(page.file.src_uri)
    return with_run_blocks_executed(markdown, page.file.src_uri)


def with_run_blocks_executed(markdown: str, src: str) -> str:
    """The page's Markdown with each executed block's output after it (or instead of it)."""
    lines = markdown.split("\n")
    blocks = [f for f in fences.parse(lines) if f.kind == "executed"]
    if not blocks:
        return markdown
    unclosed = [f.start + 1 for f in blocks if not f.closed]
    if unclosed:
        raise PluginError(f"{src}: the executed block at line {unclosed[0]} is never closed")
    sources, attrs = [f.source for f in blocks], [f.attrs for f in blocks]
    key = page_key(sources, attrs)
    BUILD.keys.add(key)
    outputs = cached_outputs(key)
    if outputs is None:
        requests = [{"source": s, "attrs": a, "line": f.start + 1}
                    for s, a, f in zip(sources, attrs, blocks, strict=True)]
        outputs = run_page_blocks(src, requests)
        if page_key(sources, attrs) == key:  # code/ did not change while the blocks ran
            store_outputs(key, src, outputs)
    for fence, output in reversed(list(zip(blocks, outputs, strict=True))):
        shown = indented(output, fence.indent)
        if fence.attrs.get("echo") == "false":
            lines[fence.start : fence.end + 1] = ["", shown, ""]
        else:
            lines[fence.start] = f'{fence.indent}{fence.marker} {{.python title="{SHOWN_TITLE}"}}'
            lines[fence.end + 1 : fence.end + 1] = ["", shown, ""]
    return "\n".join(lines)


def on_files(files, config):
    BUILD.pages = {f.src_uri for f in files.documentation_pages() if f.src_uri.endswith(".md")}
    return files


def prune_cache() -> list[Path]:
    """After a build that rendered every page, delete the entries that no page used."""
    if not BUILD.rendered_every_page() or not CACHE.is_dir():
        return []
    stale = [p for p in CACHE.iterdir()
             if p.is_file() and not (p.suffix == ".json" and p.stem in BUILD.keys)]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


# --------------------------------------------------------------------------------------------
# MathJax from the site itself


MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "ui", "a11y"]


def mathjax_source() -> Path:
    import mathjax  # the django-static-mathjax package

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def on_post_build(config) -> None:
    prune_cache()
    write_lab_notebooks(Path(config["docs_dir"]), Path(config["site_dir"]))
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
# `make serve`: re-tangle before each rebuild, so an edited chapter updates code/ too

SERVING = False


def on_startup(command, dirty) -> None:
    global SERVING
    SERVING = command == "serve"


def on_pre_build(config) -> None:
    global BUILD
    BUILD = Build()
    if not SERVING:
        return
    proc = subprocess.run(TANGLE, cwd=ROOT, capture_output=True, text=True)
    message = (proc.stdout + proc.stderr).strip()
    if proc.returncode != 0:
        # `mkdocs serve` holds every request until a build succeeds: no stale page is served.
        raise PluginError(f"tangling the chapters failed; nothing was built:\n{message}")
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
    if not (src.startswith("labs/") and src.endswith(".py")):
        return output
    stem = Path(src).stem
    links = (
        '<p class="lab-downloads">Run this lab yourself: '
        f'<a href="../{stem}.ipynb" download>download the notebook</a> or '
        f'<a href="../{stem}.py" download>the Python source</a> '
        "(start Jupyter in the repository root, with <code>.venv</code> activated).</p>"
    )
    return re.sub(r"(</h1>)", r"\1" + links.replace("\\", "\\\\"), output, count=1)
