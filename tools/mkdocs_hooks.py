"""MkDocs hooks: run the chapters' executed blocks, and serve MathJax from the site itself.

Executed blocks. A chapter may contain

    ``` {.python .run}
    print(perplexity(model, text))
    ```

Such a block is not tangled (it has neither `#name` nor `file=`); it runs when the site is
built, and what it prints appears under it. With `output=markdown` the printed text is read as
Markdown (a table, a sentence holding a measured number); figures that the block leaves open in
matplotlib are embedded as PNG images, with `caption="..."` as their caption and alt text (a
figure without a caption fails the build). The
blocks of one page share one namespace and run in order, in the repository root, with the stage
folders importable. A block that raises fails the build, naming the page and the block.

Outputs are cached in .cache/run-blocks under a hash of the page's blocks and of every file
under code/, so `mkdocs serve` re-runs a page only when its blocks or the code change.

MathJax. The site must load nothing from the network, so the MathJax 3 files come from the
registry package django-static-mathjax (installed by `make install`) and are copied into
site/assets/mathjax after each build.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import json
import os
import re
import shutil
import traceback
from pathlib import Path

from mkdocs.exceptions import PluginError

# One BLAS thread for the executed pages (numpy is imported before the chapters' code can ask
# for it): the matrices are small, and two threads waiting for each other on a busy 2-core
# machine made training steps many times slower. Set OPENBLAS_NUM_THREADS to override.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "run-blocks"
FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)```+ *\{(?P<props>[^}]*)\}\s*$")
FENCE_CLOSE = re.compile(r"^[ \t]*```+\s*$")
ATTRIBUTE = re.compile(r'(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*([^\s"]+)')


# --------------------------------------------------------------------------------------------
# executed blocks


def parse_props(props: str) -> tuple[set[str], dict[str, str]]:
    classes = set(re.findall(r"(?:^|\s)\.([\w-]+)", props))
    attrs = {}
    for m in ATTRIBUTE.finditer(props):
        key = m.group(1) or m.group(3)
        attrs[key] = m.group(2) if m.group(1) else m.group(4)
    return classes, attrs


def find_run_blocks(lines: list[str]) -> list[tuple[int, int, dict[str, str]]]:
    """(first line, closing line, attributes) of every ```{.python .run} block."""
    blocks, i = [], 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if m:
            classes, attrs = parse_props(m["props"])
            j = i + 1
            while j < len(lines) and not FENCE_CLOSE.match(lines[j]):
                j += 1
            if "run" in classes and "python" in classes:
                blocks.append((i, j, attrs))
            i = j + 1
        else:
            i += 1
    return blocks


def code_tree_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "code").rglob("*.py")):
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def figures_as_markdown(caption: str, where: str) -> str:
    import matplotlib.pyplot as plt

    if plt.get_fignums() and not caption:
        plt.close("all")
        raise PluginError(f'{where} draws a figure but has no caption="..." (its alt text too)')
    parts = []
    for number in plt.get_fignums():
        fig = plt.figure(number)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        data = base64.b64encode(buffer.getvalue()).decode()
        alt = html.escape(caption, quote=True)
        figcaption = f"<figcaption>{html.escape(caption)}</figcaption>"
        parts.append(
            f'<figure class="run-figure"><img alt="{alt}" src="data:image/png;base64,{data}">'
            f"{figcaption}</figure>"
        )
    plt.close("all")
    return "\n\n".join(parts)


def run_page_blocks(sources: list[str], attrs: list[dict[str, str]], page: str) -> list[str]:
    """Execute the blocks of one page in one namespace; return each block's Markdown output."""
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {"__name__": f"__page__{page}"}
    outputs = []
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for number, (source, attr) in enumerate(zip(sources, attrs), start=1):
            stdout = io.StringIO()
            try:
                with contextlib.redirect_stdout(stdout):
                    exec(compile(source, f"<{page}: run block {number}>", "exec"), namespace)
            except Exception as error:
                detail = "".join(traceback.format_exception(error)[-6:])
                raise PluginError(f"{page}: executed block {number} failed:\n{detail}") from error
            printed = stdout.getvalue()
            parts = []
            if printed.strip():
                if attr.get("output") == "markdown":
                    parts.append(printed.strip())
                else:
                    parts.append("``` {.text .run-output}\n" + printed.rstrip() + "\n```")
            figures = figures_as_markdown(attr.get("caption", ""), f"{page}: executed block {number}")
            if figures:
                parts.append(figures)
            outputs.append("\n\n".join(parts))
    finally:
        os.chdir(cwd)
    return outputs


def on_page_markdown(markdown: str, page, config, files) -> str:
    lines = markdown.split("\n")
    blocks = find_run_blocks(lines)
    if not blocks:
        return markdown
    sources = ["\n".join(lines[i + 1 : j]) for i, j, _ in blocks]
    attrs = [a for _, _, a in blocks]
    key = hashlib.sha256(
        json.dumps([sources, attrs, code_tree_digest()]).encode()
    ).hexdigest()
    cached = CACHE / f"{key}.json"
    if cached.exists():
        outputs = json.loads(cached.read_text(encoding="utf-8"))
    else:
        outputs = run_page_blocks(sources, attrs, page.file.src_uri)
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(outputs), encoding="utf-8")
    for (i, j, attr), output in reversed(list(zip(blocks, outputs))):
        indent = FENCE_OPEN.match(lines[i])["indent"]
        lines[i] = f'{indent}``` {{.python title="run when the site is built"}}'
        if attr.get("echo") == "false":
            del lines[i : j + 1]
            lines[i:i] = ["", output, ""]
        else:
            lines[j + 1 : j + 1] = ["", output, ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# MathJax from the site itself


MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "ui", "a11y"]


def mathjax_source() -> Path:
    import mathjax  # the django-static-mathjax package

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def on_post_build(config) -> None:
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
    if SERVING:
        import subprocess
        import sys

        subprocess.run([sys.executable, str(ROOT / "tools" / "tangle.py"), "tangle"], cwd=ROOT)


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
