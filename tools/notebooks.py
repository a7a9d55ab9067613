"""Every chapter as a Jupyter notebook, made from the chapter's own fences (tools/fences.py).

jupytext cannot read the chapters' fences (``` {.python .run} and ``` {.python file=...}): a
chapter converted by it is one Markdown cell. So a chapter with code becomes a notebook here:

- a first Markdown cell, one line, saying what the notebook is and how it runs;
- the prose as Markdown cells, cut at the executed blocks; admonitions as quotes (`!!!`) and as
  folded <details> (`???`), since Jupyter knows neither; links to other chapters lead to their
  notebooks, links to other pages of the site to those pages;
- each executed block (``` {.python .run ...}) as a code cell holding its source exactly, with
  the outputs the site shows (run-outputs/): printed text as a stream, `output=markdown` as
  text/markdown, figures as image/png (the caption as their text); an `echo=false` block's code
  is folded (`jupyter.source_hidden`), as the site hides it;
- tangled blocks (`file=`, `#name`) and display-only blocks as Markdown code, a tangled block
  under its name as on the site: they are in the modules that the code cells import. (An
  executed block inside an admonition would cut it in two: no chapter has one.)

The cells import the book's modules by name, through the .pth that `make install` writes
(tools/install_paths.py), and read the book's files through those modules, never by a path
relative to the working folder: a notebook runs top to bottom in Jupyter from its own folder.

Sessions. On the site the blocks of each `session=NAME` run in a process of their own; in a
notebook every cell shares one kernel. That is harmless when the cells run top to bottom unless
two sessions set the same name; the first cell says which, if any.

Two writers use this module: the site hook (tools/mkdocs_hooks.py) writes NAME.ipynb beside
each chapter page, with the outputs that page shows, and links it from the page; and `make lab`
(`python tools/notebooks.py notebooks`) writes the chapters and the labs into notebooks/, with
the outputs stored in run-outputs/ that still hold for the code as it is, and never replaces a
notebook the reader changed there.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import json
import os
import posixpath
import re
import sys
from pathlib import Path

import nbformat
from nbformat import v4

import fences  # tools/, importable in the book's environment

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHAPTER_FOLDERS = ("foundations", "stage-03")
BOOK = "Stage 3 — Neural Language Models"
ADMONITION = re.compile(r'^(?P<indent>[ \t]*)(?P<kind>!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)'
                        r'(?:[ \t]+"(?P<title>[^"]*)")?[ \t]*$')
LINK = re.compile(r"\]\((?P<target>[^()\s#]+\.(?:md|py))(?P<anchor>#[^()\s]*)?\)")
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                         "language": "python"},
          "language_info": {"name": "python"}}
MANIFEST = ".written.json"  # in `make lab`'s folder: what this module last wrote there


# --------------------------------------------------------------------------------------------
# which pages get a notebook, and where it goes


def has_code(markdown: str) -> bool:
    """Whether a page holds a fenced block (as fences.parse would find one, read faster)."""
    return any(fences.OPEN.match(line) for line in markdown.split("\n"))


def is_chapter(src: str) -> bool:
    """A page of the chapter folders (docs/foundations/, docs/stage-03/), by its path in docs/."""
    return posixpath.dirname(src) in CHAPTER_FOLDERS and src.endswith(".md")


def chapters(docs: Path = DOCS) -> list[str]:
    """The chapters that get a notebook (their paths in docs/): every chapter with code."""
    return [path.relative_to(docs).as_posix() for folder in CHAPTER_FOLDERS
            for path in sorted((docs / folder).glob("*.md"))
            if has_code(path.read_text(encoding="utf-8"))]


def notebook_name(src: str) -> str:
    """Where a chapter's notebook lies, relative to the site (and to notebooks/)."""
    return src.removesuffix(".md") + ".ipynb"


def link_from_page(src: str, page_url: str) -> str:
    """The notebook's address relative to its page's address (`stage-03/embeddings/`)."""
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    return posixpath.relpath(notebook_name(src), folder.rstrip("/") or ".")


def with_download_link(page_html: str, href: str) -> str:
    """The page with a link to its notebook under its title."""
    link = (f'<p class="chapter-notebook"><a href="{html.escape(href)}" download>Download this '
            "chapter as a notebook</a> (its code cells run from any folder in the book's "
            "environment: <code>make lab</code> opens every chapter in JupyterLab).</p>")
    return re.sub(r"(</h1>)", lambda m: m[1] + link, page_html, count=1)


# --------------------------------------------------------------------------------------------
# the prose


def prose_markdown(lines: list[str], src: str, linked: set[str]) -> list[str]:
    """Markdown lines as Jupyter shows them: fences as plain code (a tangled block under its
    name), admonitions unfolded into quotes or <details>, links to chapters made links to their
    notebooks."""
    found = {f.start: f for f in fences.parse(lines)}
    out, i = [], 0
    while i < len(lines):
        if i in found:
            out += fence_markdown(found[i])
            i = found[i].end + 1
            continue
        m = ADMONITION.match(lines[i])
        if m is None:
            out.append(relinked(lines[i], src, linked))
            i += 1
            continue
        end = admonition_end(lines, i, len(m["indent"].expandtabs(4)))
        inner = m["indent"] + "    "
        body = [line[len(inner):] if line.startswith(inner) else line.lstrip()
                for line in lines[i + 1 : end]]
        out += admonition(m, prose_markdown(body, src, linked))
        i = end
    return out


def admonition_end(lines: list[str], start: int, depth: int) -> int:
    """The line after an admonition's last line: its body is indented deeper than its head."""
    j = start + 1
    while j < len(lines) and (not lines[j].strip()
                              or len(lines[j].expandtabs(4)) - len(lines[j].lstrip()) > depth):
        j += 1
    while j > start + 1 and not lines[j - 1].strip():
        j -= 1  # blank lines after it belong to the text that follows
    return j


def admonition(head: re.Match, body: list[str]) -> list[str]:
    """A closed `???` block as <details>, any other admonition as a quote with its title."""
    indent = head["indent"]
    title = head["title"] if head["title"] is not None else head["type"].capitalize()
    if head["kind"] == "???":
        summary = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(title, quote=False))
        return [f"{indent}<details><summary>{summary}</summary>", "",
                *(indent + line if line else line for line in body), "", f"{indent}</details>"]
    quoted = [f"{indent}> **{title}**", f"{indent}>"] if title else []
    return quoted + [f"{indent}> {line}".rstrip() for line in body]


def fence_markdown(fence: fences.Fence) -> list[str]:
    """A fence that a notebook shows but does not run, as plain Markdown code."""
    head = [f"{fence.indent}{fence.marker}{fence.language}"]
    if fence.kind == "tangled":
        name = f"#{fence.ids[0]}" if fence.ids else f"file: {fence.attrs['file']}"
        head.insert(0, f"{fence.indent}*{name}*")
    return [*head, *fence.body, f"{fence.indent}{fence.marker}"]


def relinked(line: str, src: str, linked: set[str]) -> str:
    """A prose line whose links to pages of the site lead where a notebook can follow them: to
    the other chapters' notebooks, the labs' notebooks, or the site's page."""
    here = posixpath.dirname(src)

    def target(m: re.Match) -> str:
        page = posixpath.normpath(posixpath.join(here, m["target"]))
        if page in linked or (page.startswith("labs/") and page.endswith(".py")):
            new = page.rsplit(".", 1)[0] + ".ipynb"
            address = posixpath.relpath(new, here or ".")
        else:  # a page without a notebook: its address on the site, a folder
            stem = page.removesuffix(".md")
            folder = stem.removesuffix("index").rstrip("/") if stem.endswith("index") else stem
            address = posixpath.relpath(folder or ".", here or ".") + "/"
        return f"]({address}{m['anchor'] or ''})"

    return LINK.sub(target, line)


# --------------------------------------------------------------------------------------------
# the code cells


def block_outputs(fence: fences.Fence, output: dict | None) -> list:
    """A stored output as notebook outputs: {"printed": str, "figures": [PNG bytes]}."""
    if output is None:
        return []
    outputs = []
    printed = output["printed"]
    if printed.strip():
        if fence.attrs.get("output") == "markdown":
            outputs.append(v4.new_output("display_data", data={"text/markdown": printed,
                                                              "text/plain": printed}))
        else:
            outputs.append(v4.new_output("stream", name="stdout", text=printed))
    caption = fence.attrs.get("caption", "a figure")
    for png in output["figures"]:
        outputs.append(v4.new_output("display_data", data={
            "image/png": base64.b64encode(png).decode(), "text/plain": caption}))
    return outputs


def code_cell(fence: fences.Fence, output: dict | None, count: int):
    cell = v4.new_code_cell(fence.source, outputs=block_outputs(fence, output),
                            execution_count=count if output is not None else None)
    if fence.attrs.get("echo") == "false":
        cell.metadata["jupyter"] = {"source_hidden": True}  # the site shows only its output
    return cell


def names_in(source: str) -> tuple[set[str], set[str]]:
    """The names a block binds outside imports (an import binds the same module in any session),
    and the names it reads."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(), set()
    binds, reads = set(), set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            binds.add(node.name)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for n in ast.walk(node):
            if isinstance(n, ast.Name):
                (binds if isinstance(n.ctx, ast.Store) else reads).add(n.id)
    return binds, reads


def sessions_note(blocks: list[fences.Fence]) -> str:
    """What running the page's sessions in one kernel changes ("" for a page of one session):
    the names a cell reads after a cell of another session set them last."""
    sessions = list(dict.fromkeys(f.attrs.get("session", "main") for f in blocks))
    if len(sessions) < 2:
        return ""
    setter: dict[str, str] = {}
    crossed = set()
    for fence in blocks:
        session = fence.attrs.get("session", "main")
        binds, reads = names_in(fence.source)
        crossed |= {n for n in reads if setter.get(n, session) != session}
        setter.update(dict.fromkeys(binds, session))
    where = ("On the site, the blocks of each session (" + ", ".join(sessions)
             + ") run in a process of their own; here every cell shares one kernel")
    if not crossed:
        return where + ", which changes nothing: no cell reads a name another session set."
    return (where + ", and a cell reads " + ", ".join(f"`{n}`" for n in sorted(crossed))
            + " after a cell of another session set it: it may print otherwise than on the site.")


# --------------------------------------------------------------------------------------------
# the notebook


def title_of(markdown: str, src: str) -> str:
    m = re.search(r"^# (.+)$", markdown, re.M)
    return m[1].strip() if m else src


def chapter_notebook(markdown: str, src: str, outputs: list[dict | None] | None = None,
                     linked: set[str] | None = None):
    """The chapter as a notebook. `outputs`: for each executed block in order, what it printed
    and drew ({"printed": str, "figures": [PNG bytes]}), or None where nothing is stored;
    `linked`: the chapters (paths in docs/) whose notebooks its links may lead to."""
    lines = markdown.split("\n")
    every = fences.parse(lines)
    blocks = [f for f in every if f.kind == "executed"]
    outputs = outputs if outputs is not None else [None] * len(blocks)
    if len(outputs) != len(blocks):
        raise ValueError(f"{src}: {len(blocks)} executed blocks but {len(outputs)} outputs")
    linked = set(linked) if linked is not None else {src}
    head = (f"*The chapter “{title_of(markdown, src)}” of the book {BOOK}, as a notebook made from "
            f"`docs/{src}`: its code cells are the chapter's executed blocks, with the outputs "
            "the site shows; the code shown as text is tangled into the book's modules "
            "(`code/`), which the cells import. Run it with the book's Python (`make lab` opens "
            "JupyterLab with it), from any folder.*")
    note = sessions_note(blocks)
    cells = [v4.new_markdown_cell(head + (f"\n\n*{note}*" if note else ""))]
    start = 0
    for count, (fence, output) in enumerate(zip(blocks, outputs, strict=True), start=1):
        cells.append(markdown_cell(lines[start : fence.start], src, linked))
        cells.append(code_cell(fence, output, count))
        start = fence.end + 1
    cells.append(markdown_cell(lines[start:], src, linked))
    notebook = v4.new_notebook(cells=[c for c in cells if c is not None], metadata=dict(KERNEL))
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # the same bytes from the same chapter and outputs
    return notebook


def markdown_cell(lines: list[str], src: str, linked: set[str]):
    text = "\n".join(prose_markdown(lines, src, linked)).strip("\n")
    return v4.new_markdown_cell(text) if text.strip() else None


def notebook_bytes(notebook) -> bytes:
    nbformat.validate(notebook)
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# `make lab`: the chapters and the labs in a folder of their own, the reader's edits kept


def stored_outputs(markdown: str, src: str) -> list[dict | None]:
    """For each executed block, its output in run-outputs/ if it holds for the code as it is
    now (else None: a notebook never shows what older code printed)."""
    import mkdocs_hooks as hooks  # the site's own reading of run-outputs/

    blocks = hooks.executed_blocks(markdown, src)
    inputs, found = hooks.Inputs(), {}
    for session in hooks.sessions_of(blocks, src):
        path, _ = hooks.find_entry(session, inputs)
        stored = (json.loads(path.read_text(encoding="utf-8"))["blocks"] if path
                  else [None] * len(session.blocks))
        for fence, output in zip(session.blocks, stored, strict=True):
            found[fence.start] = output and {
                "printed": output["printed"],
                "figures": [(hooks.OUTPUTS / "figures" / f["png"]).read_bytes()
                            for f in output["figures"]]}
    return [found[f.start] for f in blocks]


def lab_notebooks(docs: Path = DOCS) -> dict[str, bytes]:
    """{name under the folder: bytes} of each lab (jupytext percent format) as a notebook."""
    import jupytext

    return {f"labs/{lab.stem}.ipynb": jupytext.writes(jupytext.read(lab), "ipynb").encode()
            for lab in sorted((docs / "labs").glob("lab_*.py"))}


def book_notebooks(docs: Path = DOCS) -> dict[str, bytes]:
    """{name under the folder: bytes} of every notebook `make lab` offers."""
    names = chapters(docs)
    found = {}
    for src in names:
        markdown = (docs / src).read_text(encoding="utf-8")
        notebook = chapter_notebook(markdown, src, stored_outputs(markdown, src), set(names))
        found[notebook_name(src)] = notebook_bytes(notebook)
    return found | lab_notebooks(docs)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_keeping_edits(folder: Path, notebooks: dict[str, bytes]) -> list[str]:
    """Write the notebooks into folder; a notebook changed since this function wrote it (the
    reader's work) is kept as it is. The names kept, for the message."""
    manifest_path = folder / MANIFEST
    try:
        written = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        written = {}
    kept = []
    for name, data in notebooks.items():
        path = folder / name
        if path.exists():
            now = sha(path.read_bytes())
            if now != written.get(name):
                kept.append(name)
                continue
            if now == sha(data):
                continue
        replace_atomically(path, data)
        written[name] = sha(data)
    replace_atomically(manifest_path, (json.dumps(written, indent=1, sort_keys=True)
                                       + "\n").encode())
    return kept


def replace_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tools/notebooks.py FOLDER  (make lab writes notebooks/)",
              file=sys.stderr)
        return 2
    folder = Path(argv[0])
    notebooks = book_notebooks()
    kept = write_keeping_edits(folder, notebooks)
    print(f"{len(notebooks) - len(kept)} notebooks of the chapters and labs in {folder}/")
    for name in kept:
        print(f"  kept your edited {folder / name} (delete it for the chapter as it is now)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
