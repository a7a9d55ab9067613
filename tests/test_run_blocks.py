"""The site hook's executed blocks: current code under `mkdocs serve`, the cache, errors, tangle.

Each test builds a scratch book in a temporary folder (code/stage-x/<module>.py and a page) and
calls the hook functions as MkDocs does, in this one process: `make serve` is one long-lived
process that builds again after every edit.
"""

import importlib.util
import json
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
HOOKS = ROOT / "tools" / "mkdocs_hooks.py"
BEFORE = 'def answer():\n    return "before the edit"\n'
AFTER = 'def answer():\n    return "after the edit, and longer"\n'  # another size: see below


def load_hooks():
    """A fresh copy of the hook module, loaded from its file as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location(f"hooks_{uuid.uuid4().hex}", HOOKS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Book:
    """A scratch book: one module under code/, pages whose blocks import it, the hook to build."""

    def __init__(self, root: Path, hooks):
        self.root, self.hooks = root, hooks
        self.module = f"scratch_{uuid.uuid4().hex[:12]}"  # a new name: never in sys.modules yet
        self.stage = root / "code" / "stage-x"
        self.stage.mkdir(parents=True)
        self.source = self.stage / f"{self.module}.py"
        self.source.write_text(BEFORE)
        self.cache = root / "run-cache"
        self.config = {"site_dir": str(root / "site"), "docs_dir": str(root / "docs")}

    def page(self, blocks: str = "", name: str = "scratch.md") -> tuple[str, SimpleNamespace]:
        m = self.module
        blocks = blocks or f"``` {{.python .run}}\nimport {m}\nprint({m}.answer())\n```"
        return f"# A page\n\nSome prose.\n\n{blocks}\n\nMore prose.\n", SimpleNamespace(
            file=SimpleNamespace(src_uri=name))

    def build(self, *pages) -> list[str]:
        """One build, as `mkdocs serve` runs it again after an edit; each page's Markdown."""
        self.hooks.on_pre_build(config=self.config)
        pages = pages or [self.page()]
        if hasattr(self.hooks, "on_files"):
            files = [SimpleNamespace(src_uri=p.file.src_uri) for _, p in pages]
            site_files = SimpleNamespace(documentation_pages=lambda: files)
            self.hooks.on_files(site_files, config=self.config)
        return [self.hooks.on_page_markdown(md, page=p, config=self.config, files=None)
                for md, p in pages]

    def entries(self) -> dict[Path, str]:
        return {p: p.read_text() for p in self.cache.glob("*.json")}


@pytest.fixture
def book(tmp_path, monkeypatch):
    hooks = load_hooks()
    book = Book(tmp_path, hooks)
    monkeypatch.setattr(hooks, "ROOT", tmp_path)
    monkeypatch.setattr(hooks, "CACHE", book.cache)
    # never tangle the real book from a test
    monkeypatch.setattr(hooks, "TANGLE", [sys.executable, "-c", "print('nothing to be done')"],
                        raising=False)
    monkeypatch.syspath_prepend(str(book.stage))  # blocks run inside this process import from here
    monkeypatch.setenv("PYTHONPATH", str(book.stage))  # blocks run in a child process do
    yield book
    sys.modules.pop(book.module, None)


# --------------------------------------------------------------------------------------------
# the issue: `make serve` published output computed from the code as it was before an edit


def test_an_edit_of_the_code_shows_on_the_next_build_of_the_same_serve_process(book):
    book.hooks.on_startup(command="serve", dirty=False)
    (first,) = book.build()
    assert "before the edit" in first
    cached_before = book.entries()

    # An edit of the tangled function (make serve tangles it from the chapter). The new text
    # has another size, so Python cannot mistake the old bytecode for it within one second.
    book.source.write_text(AFTER)
    (second,) = book.build()
    assert "after the edit" in second, "the block ran against the module imported before the edit"
    assert "before the edit" not in second

    new = {p: t for p, t in book.entries().items() if p not in cached_before}
    assert len(new) == 1, "the new output is cached under one new key"
    assert "after the edit" in next(iter(new.values()))


def test_the_next_build_takes_the_new_output_from_the_cache(book, monkeypatch):
    book.build()
    book.source.write_text(AFTER)
    (ran,) = book.build()
    monkeypatch.setattr(book.hooks, "run_page_blocks", lambda *a: pytest.fail("ran again"))
    (cached,) = book.build()
    assert cached == ran and "after the edit" in cached


# --------------------------------------------------------------------------------------------
# the cache key


def test_the_key_changes_with_a_block_its_attributes_and_any_file_under_code(book):
    key = book.hooks.page_key
    base = key(["print(1)"], [{}])
    assert key(["print(1)"], [{}]) == base
    assert key(["print(2)"], [{}]) != base
    assert key(["print(1)"], [{"output": "markdown"}]) != base
    book.source.write_text(AFTER)
    edited = key(["print(1)"], [{}])
    assert edited != base
    (book.stage / "data.txt").write_text("any file, not only Python")
    assert key(["print(1)"], [{}]) != edited


def test_the_key_ignores_bytecode_caches(book):
    base = book.hooks.page_key(["print(1)"], [{}])
    (book.stage / "__pycache__").mkdir()
    (book.stage / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0" * 16)
    assert book.hooks.page_key(["print(1)"], [{}]) == base


def test_an_unchanged_page_is_not_run_again(book, monkeypatch):
    (first,) = book.build()
    monkeypatch.setattr(book.hooks, "run_page_blocks", lambda *a: pytest.fail("ran again"))
    (second,) = book.build()
    assert second == first


def test_a_changed_block_runs_again(book):
    book.build()
    (changed,) = book.build(book.page("``` {.python .run}\nprint('another block')\n```"))
    assert "another block" in changed


# --------------------------------------------------------------------------------------------
# pruning


def test_a_build_of_every_page_deletes_the_entries_no_page_used(book):
    other = book.page("``` {.python .run}\nprint('other page')\n```", name="other.md")
    book.build(book.page(), other)
    assert len(book.entries()) == 2
    book.source.write_text(AFTER)
    book.build(book.page(), other)
    assert len(book.entries()) == 4  # both keys hold the code: nothing deleted during a build
    book.hooks.prune_cache()
    texts = list(book.entries().values())
    assert len(texts) == 2 and not any("before the edit" in t for t in texts)


def test_a_build_of_some_pages_deletes_nothing(book):
    other = book.page("``` {.python .run}\nprint('other page')\n```", name="other.md")
    book.build(book.page(), other)
    book.hooks.on_pre_build(config=book.config)  # a --dirty rebuild: one page rendered of two
    files = [SimpleNamespace(src_uri="scratch.md"), SimpleNamespace(src_uri="other.md")]
    book.hooks.on_files(SimpleNamespace(documentation_pages=lambda: files), config=book.config)
    md, page = book.page("``` {.python .run}\nprint('edited')\n```")
    book.hooks.on_page_markdown(md, page=page, config=book.config, files=None)
    assert book.hooks.prune_cache() == []
    assert len(book.entries()) == 3


# --------------------------------------------------------------------------------------------
# output, errors, environment


def test_outputs_as_before(book):
    blocks = (
        "``` {.python .run}\nx = 6 * 7\nprint(x)\n```\n\n"
        "``` {.python .run output=markdown}\nprint(f'the answer is **{x}**')\n```\n\n"
        "``` {.python .run echo=false}\nprint('only the output')\n```\n\n"
        "``` {.python .run}\ny = x\n```"
    )
    (md,) = book.build(book.page(blocks))
    assert '``` {.python title="run when the site is built"}\nx = 6 * 7\nprint(x)\n```\n\n' \
           "``` {.text .run-output}\n42\n```" in md
    assert "the answer is **42**" in md
    assert "only the output" in md and "print('only the output')" not in md
    assert "y = x\n```\n\n\n" in md  # a block that prints nothing adds nothing


def test_an_executed_block_inside_an_admonition_keeps_its_indentation(book):
    block = '!!! note\n\n    ``` {.python .run output=markdown}\n    print("*inside*")\n    ```'
    (md,) = book.build(book.page(block))
    shown = '    ``` {.python title="run when the site is built"}\n    print("*inside*")\n    ```'
    assert shown in md
    assert "\n    *inside*\n" in md


def test_a_failing_block_names_the_page_the_block_and_its_line(book):
    blocks = "``` {.python .run}\ndef f():\n    return 1 / 0\n```\n\n``` {.python .run}\nf()\n```"
    with pytest.raises(PluginError) as failure:
        book.build(book.page(blocks, name="stage-x/broken.md"))
    message = str(failure.value)
    assert "stage-x/broken.md: executed block 2 (line 10) failed" in message
    assert "return 1 / 0" in message and "ZeroDivisionError" in message
    assert not book.entries(), "a failed page is not cached"


def test_a_block_that_exits_fails_the_build(book):
    with pytest.raises(PluginError, match="(?s)executed block 1 .*SystemExit: 3"):
        book.build(book.page("``` {.python .run}\nimport sys\nsys.exit(3)\n```"))


def test_a_figure_needs_a_caption(book):
    draw = "import matplotlib.pyplot as plt\nplt.plot([0, 1])"
    with pytest.raises(PluginError, match='no caption="..."'):
        book.build(book.page(f"``` {{.python .run}}\n{draw}\n```"))
    (md,) = book.build(book.page(f'``` {{.python .run caption="A line, rising"}}\n{draw}\n```'))
    assert '<img alt="A line, rising" src="data:image/png;base64,' in md


def test_figures_use_the_book_s_style_and_say_how_small_their_text_is(book):
    """The browser test reads data-min-text-px: the smallest font, in pixels of the PNG."""
    draw = ("import matplotlib.pyplot as plt\nprint(plt.rcParams['font.size'])\n"
            "plt.plot([0, 1])\nplt.title('big', fontsize=20)\nplt.xlabel('small', fontsize=6)")
    (md,) = book.build(book.page(f'``` {{.python .run caption="Sizes"}}\n{draw}\n```'))
    assert "11.0" in md  # font.size of tools/book.mplstyle, not matplotlib's default 10
    assert f'data-min-text-px="{6 * 110 / 72:.1f}"' in md


def test_blocks_run_in_the_root_with_one_blas_thread_and_a_clean_stdout(book, monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    block = (
        "import os, subprocess, sys\n"
        "subprocess.run([sys.executable, '-c', 'print(\"stray output of a subprocess\")'])\n"
        "print(os.getcwd(), os.environ['OPENBLAS_NUM_THREADS'])"
    )
    (md,) = book.build(book.page(f"``` {{.python .run echo=false}}\n{block}\n```"))
    assert f"{book.root} 1" in md and "stray" not in md


# --------------------------------------------------------------------------------------------
# `make serve` re-tangles first


def test_a_failing_tangle_fails_the_build_before_any_block_runs(book, monkeypatch):
    failing = "print('entangled: ERROR conflicts found, breaking off'); raise SystemExit(1)"
    monkeypatch.setattr(book.hooks, "TANGLE", [sys.executable, "-c", failing])
    book.hooks.on_startup(command="serve", dirty=False)
    with pytest.raises(PluginError, match="(?s)tangl.*ERROR conflicts found, breaking off"):
        book.build()
    assert not book.entries()


def test_a_plain_build_does_not_tangle(book, monkeypatch):
    monkeypatch.setattr(book.hooks, "TANGLE", [sys.executable, "-c", "raise SystemExit(1)"])
    book.hooks.on_startup(command="build", dirty=False)
    book.hooks.on_pre_build(config=book.config)  # no error: `make site` builds what code/ holds


def test_the_runner_reports_json_only(tmp_path):
    request = {"page": "p.md", "root": str(tmp_path),
               "blocks": [{"source": "print(1)", "attrs": {}, "line": 1}]}
    import subprocess

    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "run_blocks.py")],
                          input=json.dumps(request), capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout) == {"outputs": ["``` {.text .run-output}\n1\n```"]}
