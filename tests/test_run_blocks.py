"""The site hook's executed blocks: outputs kept by what they read, never stale; sessions; errors.

Each test builds a scratch book in a temporary folder (code/stage-x/<module>.py, pages under
docs/, run-outputs/) and calls the hook functions as MkDocs does, in this one process: `make
serve` is one long-lived process that builds again after every edit. The last tests build a copy
of the real book with `mkdocs build`.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
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
    sys.modules[spec.name] = module  # as MkDocs does (a dataclass needs its module there)
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
        self.outputs = root / "run-outputs"
        self.docs = root / "docs"
        self.config = {"site_dir": str(root / "site"), "docs_dir": str(self.docs)}

    def page(self, blocks: str = "", name: str = "scratch.md", prose: str = "Some prose."):
        m = self.module
        blocks = blocks or f"``` {{.python .run}}\nimport {m}\nprint({m}.answer())\n```"
        return f"# A page\n\n{prose}\n\n{blocks}\n\nMore prose.\n", name

    def build(self, *pages) -> list[str]:
        """One build, as `mkdocs serve` runs it again after an edit; each page's Markdown."""
        pages = pages or [self.page()]
        for markdown, name in pages:  # saved, then built
            (self.docs / name).parent.mkdir(parents=True, exist_ok=True)
            (self.docs / name).write_text(markdown)
        self.hooks.on_pre_build(config=self.config)
        files = [SimpleNamespace(src_uri=name) for _, name in pages]
        self.hooks.on_files(SimpleNamespace(documentation_pages=lambda: files), config=self.config)
        return [self.hooks.on_page_markdown(md, page=SimpleNamespace(file=f), config=self.config,
                                            files=None)
                for (md, _), f in zip(pages, files, strict=True)]

    def finish(self) -> Path:
        """What MkDocs does after the pages: prune, copy the files for the site; the site."""
        self.hooks.on_post_build(config=self.config)
        return Path(self.config["site_dir"])

    def entries(self) -> dict[Path, dict]:
        return {p: json.loads(p.read_text()) for p in (self.outputs / "pages").rglob("*.json")}

    def ran(self) -> list[dict]:
        """The sessions the last build ran, with the reason, as the build's report says."""
        return self.hooks.BUILD.executed


@pytest.fixture
def book(tmp_path, monkeypatch):
    hooks = load_hooks()
    book = Book(tmp_path, hooks)
    monkeypatch.setattr(hooks, "ROOT", tmp_path)
    monkeypatch.setattr(hooks, "OUTPUTS", book.outputs)
    # never tangle the real book from a test
    monkeypatch.setattr(hooks, "TANGLE", [sys.executable, "-c", "print('nothing to be done')"])
    monkeypatch.setenv("PYTHONPATH", str(book.stage))  # the blocks' process imports from here
    monkeypatch.setenv("BOOK_JOBS", "2")
    monkeypatch.setattr(hooks, "MATHJAX_PARTS", [])  # on_post_build: no MathJax to copy here
    yield book
    sys.modules.pop(book.module, None)


def never_run(*args):
    pytest.fail("a session ran although its outputs were stored and fresh")


# --------------------------------------------------------------------------------------------
# an edit of the code shows on the next build, and nothing stale is ever shown


def test_an_edit_of_the_code_shows_on_the_next_build_of_the_same_serve_process(book):
    book.hooks.on_startup(command="serve", dirty=False)
    (first,) = book.build()
    assert "before the edit" in first

    # An edit of the tangled function (make serve tangles it from the chapter). The new text
    # has another size, so Python cannot mistake the old bytecode for it within one second.
    book.source.write_text(AFTER)
    (second,) = book.build()
    assert "after the edit" in second, "the block ran against the module as it was before"
    assert "before the edit" not in second
    assert [r["reason"] for r in book.ran()] == [f"code/stage-x/{book.module}.py changed"]


def test_the_next_build_takes_the_new_output_from_the_stored_entry(book, monkeypatch):
    book.build()
    book.source.write_text(AFTER)
    (ran,) = book.build()
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    (stored,) = book.build()
    assert stored == ran and "after the edit" in stored
    assert book.ran() == []


def test_an_entry_records_the_files_the_blocks_imported_and_read_with_their_hashes(book):
    (book.root / "docs" / "recorded").mkdir(parents=True)
    (book.root / "docs" / "recorded" / "run.json").write_text('{"loss": 1.5}')
    m = book.module
    block = (f"``` {{.python .run}}\nimport json, os, {m}\nprint({m}.answer())\n"
             "print(json.load(open('docs/recorded/run.json'))['loss'])\n"
             "print(sorted(os.listdir('docs/recorded')))\n```")
    book.build(book.page(block))
    ((_, entry),) = book.entries().items()
    module, data = f"file:code/stage-x/{m}.py", "file:docs/recorded/run.json"
    assert {module, data, "folder:docs/recorded"} <= set(entry["inputs"])
    assert entry["inputs"][data] == book.hooks.sha(b'{"loss": 1.5}', 20)
    assert not any("__pycache__" in name or ".pyc" in name for name in entry["inputs"])


def test_a_prose_edit_runs_nothing(book, monkeypatch):
    book.build()
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    (md,) = book.build(book.page(prose="Other prose, and a caption fixed."))
    assert "Other prose" in md and "before the edit" in md


def test_an_edit_of_a_file_the_page_did_not_read_runs_nothing(book, monkeypatch):
    other = book.stage / "unrelated.py"
    other.write_text("x = 1\n")
    book.build()
    other.write_text("x = 2  # edited\n")
    (book.stage / "new_module.py").write_text("y = 1\n")  # a new file beside the imported one
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    (md,) = book.build()
    assert "before the edit" in md


def test_an_edit_of_a_read_data_file_runs_the_page_again(book):
    data = book.root / "docs" / "numbers.json"
    data.parent.mkdir(parents=True)
    data.write_text("[1, 2]")
    block = "``` {.python .run}\nimport json\nprint(sum(json.load(open('docs/numbers.json'))))\n```"
    (first,) = book.build(book.page(block))
    assert "\n3\n" in first
    data.write_text("[1, 2, 3]")
    (second,) = book.build(book.page(block))
    assert "\n6\n" in second
    assert [r["reason"] for r in book.ran()] == ["docs/numbers.json changed"]


def test_a_new_file_in_a_listed_folder_runs_the_page_again(book):
    folder = book.root / "docs" / "runs"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text("{}")
    block = ("``` {.python .run}\nfrom pathlib import Path\n"
             "print(len(list(Path('docs/runs').glob('*.json'))))\n```")
    book.build(book.page(block))
    (folder / "b.json").write_text("{}")
    (md,) = book.build(book.page(block))
    assert "\n2\n" in md and book.ran()[0]["reason"] == "the files in docs/runs/ changed"


def test_the_python_processes_a_block_starts_are_followed(book):
    m = book.module
    block = ("``` {.python .run}\nimport subprocess, sys\nsubprocess.run([sys.executable, '-c', "
             f"'import {m}; print({m}.answer())'], check=True)\nprint('ran')\n```")
    book.build(book.page(block))
    ((_, entry),) = book.entries().items()
    assert f"file:code/stage-x/{m}.py" in entry["inputs"] and "tree:code" not in entry["inputs"]
    book.source.write_text(AFTER)
    book.build(book.page(block))
    assert [r["reason"] for r in book.ran()] == [f"code/stage-x/{m}.py changed"]


def test_system_queries_and_removed_folders_add_no_input(book, monkeypatch):
    """platform.platform() runs `uname -p`; shutil.rmtree opens names relative to a folder."""
    block = ("``` {.python .run}\nimport platform, shutil, tempfile, pathlib\n"
             "platform.platform()\nwith tempfile.TemporaryDirectory() as tmp:\n"
             "    (pathlib.Path(tmp) / 'tests' / 'x').mkdir(parents=True)\n"
             "    shutil.rmtree(pathlib.Path(tmp) / 'tests')\nprint('done')\n```")
    book.build(book.page(block))
    ((_, entry),) = book.entries().items()
    assert not [name for name in entry["inputs"] if not name.startswith("distribution:")]


@pytest.mark.parametrize("command", [
    "subprocess.run(['true'], check=True)",  # another program: nothing to follow it with
    "subprocess.run([sys.executable, '-c', 'import os; os._exit(0)'], check=True)",  # no record
    "subprocess.run([sys.executable, '-I', '-c', 'pass'], check=True)",  # no PYTHONPATH: none
])
def test_a_session_whose_process_escapes_the_record_depends_on_all_the_code(book, command):
    block = f"``` {{.python .run}}\nimport subprocess, sys\n{command}\nprint('ran')\n```"
    book.build(book.page(block))
    ((_, entry),) = book.entries().items()
    assert {"tree:code", "tree:tools", "file:pyproject.toml"} <= set(entry["inputs"])
    (book.stage / "anything.py").write_text("z = 0\n")  # that process might have read it
    book.build(book.page(block))
    assert [r["reason"] for r in book.ran()] == ["a file under code/ changed"]


def test_imported_distributions_are_inputs_through_their_pins(book):
    requirements = book.root / "requirements.txt"
    requirements.write_text("numpy==2.4.6\nmkdocs==1.6.1\n")
    block = "``` {.python .run}\nimport numpy\nprint(numpy.zeros(2).sum())\n```"
    book.build(book.page(block))
    ((_, entry),) = book.entries().items()
    assert entry["inputs"]["distribution:numpy"] == "numpy==2.4.6"
    assert "distribution:mkdocs" not in entry["inputs"]
    requirements.write_text("numpy==2.4.6\nmkdocs==1.6.2\n")  # a pin the page does not use
    book.build(book.page(block))
    assert book.ran() == []
    requirements.write_text("numpy==9.9.9\nmkdocs==1.6.2\n")
    book.build(book.page(block))
    assert [r["reason"] for r in book.ran()] == ["the pin of numpy is now numpy==9.9.9"]


def test_an_entry_whose_input_changed_is_never_shown(book, monkeypatch):
    """Even with its old entry still in run-outputs/ (a clone of a branch that forgot to
    refresh), a session whose input changed runs again, and its report says why."""
    book.build()
    old = set(book.entries())
    book.source.write_text(AFTER)
    book.hooks.on_pre_build(config=book.config)
    md, name = book.page()
    (book.docs / name).write_text(md)
    book.hooks.BUILD.pages = {name}
    shown = book.hooks.with_run_blocks_executed(md, name)  # the extension's path: no prefetch
    assert "after the edit" in shown and "before the edit" not in shown
    assert set(book.entries()) - old, "the new output is stored beside the old one"


def test_a_file_changed_while_the_blocks_ran_leaves_no_entry(book):
    data = book.root / "docs" / "numbers.json"
    data.parent.mkdir(parents=True)
    data.write_text("[1]")
    block = ("``` {.python .run}\nimport json\nvalues = json.load(open('docs/numbers.json'))\n"
             "open('docs/numbers.json', 'w').write('[1, 1]')\nprint(sum(values))\n```")
    (md,) = book.build(book.page(block))
    assert "\n1\n" in md, "shown once, from the run itself"
    assert not book.entries() and book.ran()[0]["stored"] is False


def test_the_key_ignores_bytecode_and_hidden_folders(book, monkeypatch):
    book.build()
    (book.stage / "__pycache__").mkdir(exist_ok=True)
    (book.stage / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0" * 16)
    (book.root / ".venv").mkdir()
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    book.build()


def test_a_changed_block_runs_again_and_the_report_names_it(book):
    book.build(book.page("``` {.python .run}\nprint('one')\n```\n\n"
                         "``` {.python .run}\nprint(2)\n```"))
    (md,) = book.build(book.page("``` {.python .run}\nprint('one')\n```\n\n"
                                 "``` {.python .run}\nprint('another')\n```"))
    assert "another" in md
    assert book.ran()[0]["reason"] == "block 2 (line 9) new or edited"


# --------------------------------------------------------------------------------------------
# sessions


SESSIONS = ("``` {.python .run session=slow}\nimport os\nslow = os.getpid()\n"
            "print('slow', 1)\n```\n\n"
            "``` {.python .run}\nimport os\nprint('main', os.getpid())\n```\n\n"
            "``` {.python .run session=slow}\nprint('slow', slow == os.getpid())\n```")


def test_sessions_run_in_their_own_processes_and_keep_their_own_namespaces(book):
    (md,) = book.build(book.page(SESSIONS))
    assert "slow 1" in md and "slow True" in md  # one namespace for the two blocks of slow
    assert md.index("slow 1") < md.index("main") < md.index("slow True")  # each under its block
    assert len(book.entries()) == 2
    with pytest.raises(PluginError, match="(?s)executed block 2 .*NameError: name 'slow'"):
        book.build(book.page(SESSIONS.replace("'main', os.getpid()", "slow")))


def test_an_edit_of_one_session_runs_that_session_only(book):
    book.build(book.page(SESSIONS))
    (md,) = book.build(book.page(SESSIONS.replace("print('main',", "print('main, edited',")))
    assert "main, edited" in md
    assert [(r["session"], r["reason"]) for r in book.ran()] == [
        ("main", "block 2 (line 11) new or edited")]


def test_independent_sessions_run_at_the_same_time(book, tmp_path_factory):
    """Each session waits for the other's mark: they finish only if they run in parallel."""
    marks = tmp_path_factory.mktemp("marks")

    def waiting(me: str, other: str) -> str:
        return (f"``` {{.python .run session={me}}}\nimport pathlib, time\n"
                f"pathlib.Path({str(marks / me)!r}).touch()\nend = time.time() + 60\n"
                f"other = pathlib.Path({str(marks / other)!r})\n"
                "while not other.exists() and time.time() < end:\n"
                f"    time.sleep(0.05)\nprint({me!r}, other.exists())\n```")

    (md,) = book.build(book.page(waiting("a", "b") + "\n\n" + waiting("b", "a")))
    assert "a True" in md and "b True" in md


def test_a_session_name_must_be_a_name(book):
    with pytest.raises(PluginError, match="session='a b' is not a name"):
        book.build(book.page("``` {.python .run session=\"a b\"}\nprint(1)\n```"))


# --------------------------------------------------------------------------------------------
# figures and pruning


DRAW = "import matplotlib.pyplot as plt\nplt.plot([0, 1])"


def test_figures_are_stored_as_png_files_by_content(book):
    block = f'``` {{.python .run caption="A line, rising"}}\n{DRAW}\n```'
    (md,) = book.build(book.page(block))
    assert '<img alt="A line, rising" src="data:image/png;base64,' in md
    (png,) = (book.outputs / "figures").glob("*.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    ((path, entry),) = book.entries().items()
    assert entry["blocks"][0]["figures"][0]["png"] == png.name
    assert path.stat().st_size < 2000, "the entry names the figure; it does not hold it"


def test_sessions_storing_the_same_figure_at_once_both_succeed(tmp_path):
    """Sessions run in threads of one process; two that draw the same figure store the same
    file at the same moment (a build failed so when the temporary name was the process id)."""
    from concurrent.futures import ThreadPoolExecutor

    hooks = load_hooks()
    target = tmp_path / "figures" / "same.png"
    data = [bytes([n % 256]) * 200_000 for n in range(16)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda d: hooks.write_atomically(target, d), data))
    assert target.read_bytes() in data, "one of the writes, whole"
    assert sorted(p.name for p in target.parent.iterdir()) == ["same.png"], "no temporary left"


def test_a_figure_needs_a_caption_and_a_caption_needs_no_run(book, monkeypatch):
    with pytest.raises(PluginError, match='executed block 1 .* no caption="..."'):
        book.build(book.page(f"``` {{.python .run}}\n{DRAW}\n```"))
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    (md,) = book.build(book.page(f'``` {{.python .run caption="A line, rising"}}\n{DRAW}\n```'))
    assert '<img alt="A line, rising"' in md


def test_figures_use_the_book_s_style_and_say_how_small_their_text_is(book):
    """The browser test reads data-min-text-px: the smallest font, in pixels of the PNG."""
    draw = ("import matplotlib.pyplot as plt\nprint(plt.rcParams['font.size'])\n"
            "plt.plot([0, 1])\nplt.title('big', fontsize=20)\nplt.xlabel('small', fontsize=6)")
    (md,) = book.build(book.page(f'``` {{.python .run caption="Sizes"}}\n{draw}\n```'))
    assert "11.0" in md  # font.size of tools/book.mplstyle, not matplotlib's default 10
    assert f'data-min-text-px="{6 * 110 / 72:.1f}"' in md


def test_a_build_of_every_page_deletes_the_entries_and_figures_no_page_used(book):
    other = book.page(f'``` {{.python .run caption="Flat"}}\n{DRAW.replace("1]", "0]")}\n```',
                      name="other.md")
    book.build(book.page(), other)
    assert len(book.entries()) == 2
    book.source.write_text(AFTER)
    book.build(book.page(), book.page('``` {.python .run}\nprint("no figure now")\n```',
                                      name="other.md"))
    assert len(book.entries()) == 4  # nothing deleted during a build
    book.hooks.prune_outputs()
    texts = [json.dumps(e) for e in book.entries().values()]
    assert len(texts) == 2 and not any("before the edit" in t for t in texts)
    assert not list((book.outputs / "figures").glob("*.png"))


def test_a_build_of_some_pages_deletes_nothing(book):
    other = book.page("``` {.python .run}\nprint('other page')\n```", name="other.md")
    book.build(book.page(), other)
    book.hooks.on_pre_build(config=book.config)  # a --dirty rebuild: one page rendered of two
    files = [SimpleNamespace(src_uri="scratch.md"), SimpleNamespace(src_uri="other.md")]
    book.hooks.BUILD.pages = {f.src_uri for f in files}
    md, name = book.page("``` {.python .run}\nprint('edited')\n```")
    book.hooks.on_page_markdown(md, page=SimpleNamespace(file=files[0]), config=book.config,
                                files=None)
    assert book.hooks.prune_outputs() == []
    assert len(book.entries()) == 3


def test_the_report_lists_what_ran_and_why(book, tmp_path):
    book.build()
    book.source.write_text(AFTER)
    book.build()
    report = tmp_path / "report.json"
    book.hooks.write_report(str(report))
    data = json.loads(report.read_text())
    assert [(e["page"], e["reason"]) for e in data["executed"]] == [
        ("scratch.md", f"code/stage-x/{book.module}.py changed")]
    assert data["complete"] and len(data["used"]) == 1


# --------------------------------------------------------------------------------------------
# files for the site: what the blocks write into BOOK_ASSETS


def writing(name: str, text: str, session: str = "main") -> str:
    """A block that writes text into the file `name` of BOOK_ASSETS, as panel.export does."""
    return (f"``` {{.python .run session={session}}}\nimport os, pathlib\n"
            f"pathlib.Path(os.environ['BOOK_ASSETS'], {name!r}).write_text({text!r})\n"
            f"print('wrote', {name!r})\n```")


def test_a_file_a_block_writes_reaches_the_site_and_survives_a_build_that_runs_nothing(
        book, monkeypatch):
    page = book.page(writing("chars.network.bin", "the weights"))
    book.build(page)
    site = book.finish()
    assert (site / "assets" / "models" / "chars.network.bin").read_text() == "the weights"
    ((_, entry),) = book.entries().items()
    stored = book.outputs / "assets" / entry["assets"]["chars.network.bin"]
    assert stored.suffix == ".bin" and stored.read_text() == "the weights"
    assert stored.stem == book.hooks.sha(b"the weights", 24), "stored by content"

    shutil.rmtree(site)  # a fresh clone's build: every output from run-outputs/
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    book.build(page)
    book.finish()
    assert (site / "assets" / "models" / "chars.network.bin").read_text() == "the weights"
    assert stored.exists(), "pruned although the entry shown names it"


def test_each_session_writes_into_a_fresh_empty_folder_outside_the_book(book):
    block = ("``` {{.python .run session={0}}}\nimport os\nfolder = os.environ['BOOK_ASSETS']\n"
             "print('{0}', os.listdir(folder), folder.startswith(os.getcwd()), 'in', folder)\n"
             "open(os.path.join(folder, '{0}.bin'), 'w').write('{0}')\n```")
    (md,) = book.build(book.page(block.format("a") + "\n\n" + block.format("b")))
    assert "a [] False in " in md and "b [] False in " in md, "another session's files?"
    folders = re.findall(r"^[ab] \[\] False in (.+)$", md, re.MULTILINE)
    assert len(set(folders)) == 2 and not any(Path(f).exists() for f in folders), folders
    assert sorted(p.name for p in (book.finish() / "assets" / "models").iterdir()) == [
        "a.bin", "b.bin"]


def test_two_sessions_writing_one_name_with_different_bytes_are_refused(book):
    same = book.page(writing("x.bin", "one", "a") + "\n\n" + writing("x.bin", "one", "b"))
    book.build(same)  # the same bytes: one file, whoever wrote it
    assert (book.finish() / "assets" / "models" / "x.bin").read_text() == "one"
    other = book.page(writing("x.bin", "one", "a"), name="one.md")
    clash = book.page(writing("x.bin", "two", "b"), name="two.md")
    with pytest.raises(PluginError, match=r"one\.md \[session a\] and two\.md \[session b\] "
                                          r"both write assets/models/x\.bin"):
        book.build(other, clash)


def test_a_file_no_entry_names_any_more_is_pruned(book):
    book.build(book.page(writing("old.bin", "old bytes")))
    (old,) = (book.outputs / "assets").iterdir()
    book.build(book.page(writing("new.bin", "new bytes")))
    assert old.exists(), "nothing deleted during a build"
    book.finish()  # the build rendered every page: prune
    assert [p.name for p in (book.outputs / "assets").iterdir()] == [
        book.hooks.stored_asset_name("new.bin", b"new bytes")]
    assert sorted(p.name for p in (book.finish() / "assets" / "models").iterdir()) == ["new.bin"]


def test_a_session_run_without_a_folder_for_the_site_has_no_BOOK_ASSETS(book, monkeypatch):
    """Only the build's own fresh folder: never one the caller's environment happens to name."""
    monkeypatch.setenv("BOOK_ASSETS", str(book.root / "docs"))
    md, name = book.page("``` {.python .run}\nimport os\nprint(os.environ.get('BOOK_ASSETS'))\n```")
    (session,) = book.hooks.sessions_of(book.hooks.executed_blocks(md, name), name)
    assert book.hooks.run_session(session)["blocks"][0]["printed"] == "None\n"
    (shown,) = book.build((md, name))
    assert str(book.root / "docs") not in shown, "the caller's folder, not a fresh one"


def test_a_folder_written_for_the_site_is_refused_with_its_name(book):
    block = ("``` {.python .run}\nimport os\n"
             "os.mkdir(os.path.join(os.environ['BOOK_ASSETS'], 'models'))\n```")
    with pytest.raises(PluginError, match="wrote 'models' into BOOK_ASSETS, which the site"):
        book.build(book.page(block))
    assert not book.entries()


def test_a_missing_stored_file_fails_with_what_to_do(book, monkeypatch):
    page = book.page(writing("x.bin", "bytes"))
    book.build(page)
    for path in (book.outputs / "assets").iterdir():
        path.unlink()
    monkeypatch.setattr(book.hooks, "run_session", never_run)
    with pytest.raises(PluginError, match="(?s)run-outputs/assets/.*missing.*git checkout"):
        book.build(page)


def test_the_files_of_a_run_not_stored_still_reach_the_site(book):
    """A file the blocks read changed while they ran: no entry, but the build shows the run."""
    data = book.root / "docs" / "numbers.json"
    data.parent.mkdir(parents=True)
    data.write_text("[1]")
    block = ("``` {.python .run}\nimport json, os\njson.load(open('docs/numbers.json'))\n"
             "open('docs/numbers.json', 'w').write('[1, 1]')\n"
             "open(os.path.join(os.environ['BOOK_ASSETS'], 'x.bin'), 'w').write('shown')\n```")
    book.build(book.page(block))
    assert not book.entries()
    assert (book.finish() / "assets" / "models" / "x.bin").read_text() == "shown"
    assert not (book.outputs / "assets").exists() or not any((book.outputs / "assets").iterdir())


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
    assert not book.entries(), "a failed session is not stored"


def test_a_block_that_exits_fails_the_build(book):
    with pytest.raises(PluginError, match="(?s)executed block 1 .*SystemExit: 3"):
        book.build(book.page("``` {.python .run}\nimport sys\nsys.exit(3)\n```"))


def test_blocks_run_in_the_root_with_one_blas_thread_and_a_clean_stdout(book, monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    block = (
        "import os, subprocess, sys\n"
        "subprocess.run([sys.executable, '-c', 'print(\"stray output of a subprocess\")'])\n"
        "print(os.getcwd(), os.environ['OPENBLAS_NUM_THREADS'], os.environ['PYTHONHASHSEED'])"
    )
    (md,) = book.build(book.page(f"``` {{.python .run echo=false}}\n{block}\n```"))
    assert f"{book.root} 1 0" in md and "stray" not in md


def test_sessions_still_running_when_the_server_stops_are_ended(book):
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    book.hooks.RUNNING.add(proc)
    book.hooks.stop_running_sessions()  # registered with atexit: runs when Ctrl-C ends serve
    assert proc.wait(timeout=10) != 0


def test_the_runner_reports_json_only(tmp_path):
    request = {"page": "p.md", "root": str(tmp_path),
               "blocks": [{"source": "print(1)", "line": 1}]}
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "run_blocks.py")],
                          input=json.dumps(request), capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout)
    assert result["blocks"] == [{"printed": "1\n", "figures": [],
                                 "seconds": result["blocks"][0]["seconds"]}]
    assert set(result["reads"]) == {"files", "folders", "modules", "spawned"}


# --------------------------------------------------------------------------------------------
# `make serve` re-tangles first, when the chapters' code changed


def test_a_failing_tangle_fails_the_build_before_any_block_runs(book, monkeypatch):
    failing = "print('entangled: ERROR conflicts found, breaking off'); raise SystemExit(1)"
    monkeypatch.setattr(book.hooks, "TANGLE", [sys.executable, "-c", failing])
    book.hooks.on_startup(command="serve", dirty=False)
    with pytest.raises(PluginError, match="(?s)tangl.*ERROR conflicts found, breaking off"):
        book.build()
    assert not book.entries()


def test_serve_tangles_again_only_when_a_chapter_s_code_changed(book, monkeypatch):
    calls = book.root / "tangled"
    monkeypatch.setattr(book.hooks, "TANGLE", [
        sys.executable, "-c", f"open({str(calls)!r}, 'a').write('x')"])
    book.hooks.on_startup(command="serve", dirty=False)
    chapter = ("# C\n\nProse.\n\n``` {.python file=code/stage-x/t.py}\nx = 1\n```\n", "c.md")
    book.build(chapter)
    book.build((chapter[0].replace("Prose.", "Other prose."), "c.md"))
    assert calls.read_text() == "x", "a prose edit tangled again"
    book.build((chapter[0].replace("x = 1", "x = 2"), "c.md"))
    assert calls.read_text() == "xx", "an edit of the code was not tangled"


def test_a_plain_build_does_not_tangle(book, monkeypatch):
    monkeypatch.setattr(book.hooks, "TANGLE", [sys.executable, "-c", "raise SystemExit(1)"])
    book.hooks.on_startup(command="build", dirty=False)
    book.hooks.on_pre_build(config=book.config)  # no error: `make site` builds what code/ holds


# --------------------------------------------------------------------------------------------
# the real book, copied: an edit of a module runs again exactly the pages that import it


def committed_entries() -> list[dict]:
    return [json.loads(p.read_text()) for p in (ROOT / "run-outputs" / "pages").rglob("*.json")]


def module_read_by_one_cheap_page() -> tuple[str, str, set[str]]:
    """A file under code/ that exactly one page's session read, that page (the cheapest such),
    and the pages whose sessions depend on all of code/ (they run again too)."""
    readers: dict[str, set] = {}
    for entry in committed_entries():
        for name in entry["inputs"]:
            if name.startswith("file:code/"):
                readers.setdefault(name, set()).add((entry["page"], entry["seconds"]))
    every_page = [e for e in committed_entries() if "tree:code" in e["inputs"]]
    singles = [(next(iter(r))[1], name, next(iter(r))[0]) for name, r in readers.items()
               if len(r) == 1]
    if not singles:
        pytest.skip("no module is read by one page only")
    seconds, name, page = min(singles)
    return name.removeprefix("file:"), page, {e["page"] for e in every_page}


@pytest.mark.slow
def test_an_edited_module_runs_again_the_pages_that_read_it_in_a_copy_of_the_book(tmp_path):
    module, page, conservative = module_read_by_one_cheap_page()
    copy = tmp_path / "book"
    ignore = shutil.ignore_patterns(".venv", ".git", "site", ".cache", "__pycache__",
                                    ".pytest_cache", ".hypothesis", ".entangled", "artefacts")
    shutil.copytree(ROOT, copy, ignore=ignore)
    with (copy / module).open("a") as f:
        f.write("\n# edited by the test\n")
    stages = [str(copy / "code" / s) for s in ("stage-01", "stage-02", "stage-03")]
    report = tmp_path / "report.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([*stages, str(copy / "tools")]),
               BOOK_RUN_REPORT=str(report), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                           str(tmp_path / "site")], cwd=copy, env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ran = {(e["page"], e["reason"]) for e in json.loads(report.read_text())["executed"]}
    assert (page, f"{module} changed") in ran
    assert {p for p, _ in ran} == {page} | conservative, "pages that did not read it ran"
    # the labs read all of code/: they run again too
    assert json.loads(report.read_text())["labs_executed"]
