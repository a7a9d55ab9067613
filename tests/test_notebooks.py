"""Every chapter as a notebook (tools/notebooks.py), the lab from its own folder, `make lab`.

A chapter's notebook holds its executed blocks as code cells, exactly, with the outputs the site
shows, and runs top to bottom in Jupyter from its own folder (where a path relative to the
repository root names nothing): the cheap chapters are executed here with nbclient, as Jupyter
runs them, in a folder outside the repository.
"""

import base64
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

import fences
import notebooks

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def executed(markdown: str) -> list[str]:
    return [f.source for f in fences.parse(markdown) if f.kind == "executed"]


def code_cells(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


# --------------------------------------------------------------------------------------------
# which chapters, and what their notebooks hold


def test_every_chapter_with_code_gets_a_notebook_of_its_executed_blocks():
    pages = {p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8")
             for folder in ("foundations", "stage-03")
             for p in sorted((DOCS / folder).glob("*.md"))}
    with_code = {page for page, text in pages.items() if fences.parse(text)}
    assert set(notebooks.chapters()) == with_code
    assert "stage-03/embeddings.md" in with_code and "stage-03/index.md" not in with_code
    for page in sorted(with_code):
        notebook = notebooks.chapter_notebook(pages[page], page)
        nbformat.validate(notebook)
        assert code_cells(notebook) == executed(pages[page]), page
        assert "tangled into the book's modules" in notebook.cells[0].source, page


PLANTED = '''# 9.9 A planted chapter

!!! abstract "In this chapter"
    What it says, with [a link](other.md#a-section) and [the references](../references.md#x).

Prose before the code.

``` {.python #planted-block}
def planted():
    return 42
```

??? example "Tests: `planted`"

    ``` {.python #test-planted}
    def test_planted():
        assert planted() == 42
    ```

``` {.python .run}
print("printed")
```

```bash
make tangle
```

``` {.python .run output=markdown}
print("| a | b |\\n| --- | --- |\\n| 1 | 2 |")
```

``` {.python .run echo=false caption="A planted figure"}
import matplotlib.pyplot as plt
plt.plot([0, 1])
```

The end.
'''


def test_a_planted_chapter_becomes_the_notebook_the_module_describes():
    png = b"\x89PNG\r\n\x1a\n planted"
    outputs = [{"printed": "printed\n", "figures": []},
               {"printed": "| a | b |\n| --- | --- |\n| 1 | 2 |\n", "figures": []},
               {"printed": "", "figures": [png]}]
    notebook = notebooks.chapter_notebook(PLANTED, "stage-03/planted.md", outputs,
                                          linked={"stage-03/planted.md", "stage-03/other.md"})
    nbformat.validate(notebook)
    cells = notebook.cells
    code = [c for c in cells if c.cell_type == "code"]
    assert [c.source for c in code] == executed(PLANTED)

    stream, markdown, figure = (c.outputs for c in code)
    assert stream == [{"output_type": "stream", "name": "stdout", "text": "printed\n"}]
    assert markdown[0]["output_type"] == "display_data"
    assert markdown[0]["data"]["text/markdown"] == outputs[1]["printed"]
    assert base64.b64decode(figure[0]["data"]["image/png"]) == png
    assert figure[0]["data"]["text/plain"] == "A planted figure"
    assert code[2].metadata["jupyter"] == {"source_hidden": True}  # echo=false
    assert [c.execution_count for c in code] == [1, 2, 3]

    prose = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert "> **In this chapter**" in prose  # !!! as a quote
    assert "<details><summary>Tests: <code>planted</code></summary>" in prose  # ??? folded
    assert "*#planted-block*\n```python\ndef planted():" in prose  # tangled: shown, named
    assert "*#test-planted*\n```python\ndef test_planted():" in prose  # unindented
    assert "```bash\nmake tangle\n```" in prose
    assert "](other.ipynb#a-section)" in prose  # a chapter: its notebook
    assert "](../references/#x)" in prose  # a page without a notebook: the site's page
    assert "{.python" not in prose and "\n    ```" not in prose

    again = notebooks.chapter_notebook(PLANTED, "stage-03/planted.md", outputs,
                                       linked={"stage-03/planted.md", "stage-03/other.md"})
    assert notebooks.notebook_bytes(again) == notebooks.notebook_bytes(notebook)  # no random ids


def test_a_block_whose_session_has_no_stored_output_has_no_output():
    notebook = notebooks.chapter_notebook(PLANTED, "stage-03/planted.md", [None, None, None])
    assert all(c.outputs == [] and c.execution_count is None
               for c in notebook.cells if c.cell_type == "code")
    with pytest.raises(ValueError, match="3 executed blocks but 1 outputs"):
        notebooks.chapter_notebook(PLANTED, "stage-03/planted.md", [None])


def sessions_page(*blocks: tuple[str, str]) -> str:
    return "# Sessions\n\n" + "\n\n".join(
        f"``` {{.python .run{f' session={s}' if s else ''}}}\n{code}\n```" for s, code in blocks)


def test_the_first_cell_says_what_one_kernel_for_every_session_changes():
    def note(*blocks):
        return notebooks.chapter_notebook(sessions_page(*blocks), "stage-03/s.md").cells[0].source

    assert "session" not in note(("", "x = 1"), ("", "print(x)"))  # one session: nothing to say
    apart = note(("", "x = 1"), ("b", "y = 2"), ("", "print(x)"), ("b", "print(y)"))
    assert "changes nothing" in apart and "main, b" in apart
    crossed = note(("", "x = 1"), ("b", "x = 2"), ("", "print(x)"))
    assert "a cell reads `x` after a cell of another session set it" in crossed
    imports = note(("", "import numpy as np"), ("b", "import numpy as np"), ("", "np.zeros(1)"))
    assert "changes nothing" in imports  # the same module, whichever session imported it


# --------------------------------------------------------------------------------------------
# notebooks and the lab run from their own folders

# Not the exercises: their page times every reference solution, an experiment's runs included
# (its paths are checked by the static test below).
CHEAP = ("foundations/autograd.md", "stage-03/command-line.md")


def test_cheap_chapters_run_top_to_bottom_in_jupyter_from_their_own_folder(tmp_path, capsys):
    """As Jupyter runs a downloaded notebook: a kernel of the book's Python, started in the
    notebook's folder, here outside the repository. Their blocks read recorded runs, found
    through the book's modules, never by a path from the folder."""
    from nbclient import NotebookClient

    timings = []
    for page in CHEAP:
        folder = tmp_path / Path(page).parent.name
        folder.mkdir(exist_ok=True)
        markdown = (DOCS / page).read_text(encoding="utf-8")
        path = folder / Path(notebooks.notebook_name(page)).name
        path.write_bytes(notebooks.notebook_bytes(notebooks.chapter_notebook(markdown, page)))
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        timings.append(f"{page} {time.perf_counter() - started:.1f} s")
        for cell in notebook.cells:
            if cell.cell_type == "code" and "print(" in cell.source:
                assert cell.outputs, f"{page}: a cell printed nothing:\n{cell.source[:300]}"
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert left == ["foundations", "foundations/autograd.ipynb", "stage-03",
                    "stage-03/command-line.ipynb"], (
        "a notebook wrote into the folder it runs in")
    with capsys.disabled():
        print(f"\nnotebooks executed with nbclient: {'; '.join(timings)}")


ROOT_RELATIVE = re.compile(r"""["'](?:\./)?(?:docs|code|tools|run-outputs)/""")


def test_no_executed_block_names_a_file_by_its_path_from_the_repository_root():
    """The static half of the test above, for every chapter (most take too long to run here):
    a string like "docs/stage-03/recorded/x.json" names nothing in a notebook's folder."""
    found = [f"{page}:{fence.start + 2 + k}: {line.strip()}"
             for page in notebooks.chapters()
             for fence in fences.parse((DOCS / page).read_text(encoding="utf-8"))
             if fence.kind == "executed"
             for k, line in enumerate(fence.body) if ROOT_RELATIVE.search(line)]
    assert not found, ("executed blocks that read a file by its path from the repository root "
                       "(find it through a module instead: record.load(name), "
                       "Path(module.__file__)):\n" + "\n".join(found))
    assert ROOT_RELATIVE.search('json.loads(Path("docs/stage-03/recorded/x.json").read_text())')


def test_the_lab_runs_from_its_own_folder():
    labs = sorted((DOCS / "labs").glob("lab_*.py"))
    assert labs
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    for lab in labs:
        proc = subprocess.run([sys.executable, lab.name], cwd=lab.parent, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{lab.name} from {lab.parent}:\n{proc.stderr[-2000:]}"


def test_the_style_helper_finds_the_style_from_anywhere(tmp_path, monkeypatch):
    import book_style

    monkeypatch.chdir(tmp_path)
    assert book_style.STYLE.is_absolute() and book_style.STYLE.is_file()
    assert book_style.STYLE == ROOT / "tools" / "book.mplstyle"


# --------------------------------------------------------------------------------------------
# the site hook writes each chapter's notebook beside its page, and links it


def load_hooks():
    spec = importlib.util.spec_from_file_location(f"hooks_{uuid.uuid4().hex}",
                                                  ROOT / "tools" / "mkdocs_hooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_site_build_writes_the_chapters_notebook_and_links_it(tmp_path, monkeypatch):
    hooks = load_hooks()
    monkeypatch.setattr(hooks, "ROOT", tmp_path)
    monkeypatch.setattr(hooks, "OUTPUTS", tmp_path / "run-outputs")
    monkeypatch.setenv("BOOK_JOBS", "1")
    docs, site = tmp_path / "docs", tmp_path / "site"
    config = {"site_dir": str(site), "docs_dir": str(docs)}
    chapter = ("# A chapter\n\nProse.\n\n``` {.python .run}\nprint(6 * 7)\n```\n\n"
               "``` {.python .run caption=\"A line\"}\nimport matplotlib.pyplot as plt\n"
               "plt.plot([0, 1])\n```\n")
    pages = {"stage-03/chapter.md": chapter, "stage-03/index.md": "# No code here\n"}
    for name, text in pages.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text)
    files = [SimpleNamespace(src_uri=name) for name in pages]
    hooks.on_pre_build(config=config)
    hooks.on_files(SimpleNamespace(documentation_pages=lambda: files), config=config)
    urls = {"stage-03/chapter.md": "stage-03/chapter/", "stage-03/index.md": "stage-03/"}
    shown = {}
    for f in files:
        page = SimpleNamespace(file=f, url=urls[f.src_uri])
        shown[f.src_uri] = hooks.on_page_markdown(pages[f.src_uri], page=page, config=config,
                                                  files=None)
        html = hooks.on_post_page("<h1>Title</h1><p>text</p>", page=page, config=config)
        shown[f.src_uri + " html"] = html

    notebook = nbformat.read(site / "stage-03" / "chapter.ipynb", as_version=4)
    assert code_cells(notebook) == executed(chapter)
    printed, drawn = (c.outputs for c in notebook.cells if c.cell_type == "code")
    assert printed[0]["text"] == "42\n" and "42" in shown["stage-03/chapter.md"]
    assert base64.b64decode(drawn[0]["data"]["image/png"]).startswith(b"\x89PNG")
    link = re.search(r'<h1>Title</h1><p class="chapter-notebook"><a href="([^"]+)" download>'
                     r"Download this chapter as a notebook</a>", shown["stage-03/chapter.md html"])
    assert link and link[1] == "../chapter.ipynb"  # from site/stage-03/chapter/index.html
    assert "chapter-notebook" not in shown["stage-03/index.md html"]
    assert not (site / "stage-03" / "index.ipynb").exists()


@pytest.mark.slow
def test_the_built_site_offers_every_chapter_as_a_notebook(site):
    for page in notebooks.chapters():
        markdown = (DOCS / page).read_text(encoding="utf-8")
        path = site / notebooks.notebook_name(page)
        assert path.is_file(), f"{page}: no notebook in the site"
        notebook = nbformat.read(path, as_version=4)
        assert code_cells(notebook) == executed(markdown), page
        html = (site / page.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
        href = f'href="../{Path(path).name}"'
        assert href in html and "Download this chapter as a notebook" in html, page
        unshown = [c.source[:80] for c in notebook.cells
                   if c.cell_type == "code" and c.execution_count is None]
        assert not unshown, f"{page}: cells without the outputs the page shows: {unshown}"


# --------------------------------------------------------------------------------------------
# make lab: notebooks/ is the reader's too


def test_make_lab_writes_the_notebooks_and_keeps_the_ones_the_reader_changed(tmp_path):
    first = {"a.ipynb": b"chapter a, first version", "sub/b.ipynb": b"chapter b, first"}
    assert notebooks.write_keeping_edits(tmp_path, first) == []
    assert (tmp_path / "sub" / "b.ipynb").read_bytes() == b"chapter b, first"

    (tmp_path / "a.ipynb").write_bytes(b"the reader's own work")
    second = {"a.ipynb": b"chapter a, second version", "sub/b.ipynb": b"chapter b, second"}
    assert notebooks.write_keeping_edits(tmp_path, second) == ["a.ipynb"]
    assert (tmp_path / "a.ipynb").read_bytes() == b"the reader's own work"
    assert (tmp_path / "sub" / "b.ipynb").read_bytes() == b"chapter b, second"  # untouched: new

    (tmp_path / "a.ipynb").unlink()  # deleted: the chapter as it is now
    assert notebooks.write_keeping_edits(tmp_path, second) == []
    assert (tmp_path / "a.ipynb").read_bytes() == b"chapter a, second version"
    assert not list(tmp_path.rglob(".*.tmp"))


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_lab_installs_jupyterlab_then_opens_the_notebooks():
    dry = subprocess.run(["make", "-n", "-B", "lab"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    install = dry.index("-r requirements-lab.txt")
    write = dry.index("tools/notebooks.py notebooks")
    assert install < write < dry.index("jupyter lab --ServerApp.root_dir=notebooks")


def test_the_lab_requirements_pin_jupyterlab_and_nothing_reading_pins():
    def pins(name):
        lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
        return dict(line.split("==") for line in (x.split("#")[0].strip() for x in lines) if line)

    def norm(mapping):
        return {k.lower().replace("_", "-"): v for k, v in mapping.items()}

    reader, dev, lab = (norm(pins(f)) for f in ("requirements.txt", "requirements-dev.txt",
                                                "requirements-lab.txt"))
    assert lab["jupyterlab"].startswith("4.6.") and "jupyter-server" in lab
    assert not set(lab) & set(reader), "a distribution pinned in requirements.txt too"
    both = set(lab) & set(dev)
    assert {name: lab[name] for name in both} == {name: dev[name] for name in both}
    assert norm(pins("requirements-lab.in")).items() <= lab.items()
    assert "jupyterlab" not in reader and "jupyterlab" not in dev
