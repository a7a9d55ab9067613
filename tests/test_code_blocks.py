"""Every fenced code block in docs/ is tangled, executed at build, or display-only on purpose.

The rule (README.md, "Contributing"; tools/fences.py reads the fences, here and for the site):
- ``` {.python file=code/...}   tangled into that file;
- ``` {.python #name}           a named block, which must be included by some <<name>>;
- ``` {.python .run}            executed when the site is built, its output shown below it;
- ```python, ```bash, ```text   display-only (a shell session, a wrong version for contrast).
A braced block with none of file=, #name or .run is an error: it looks tangled but is not.
"""

from pathlib import Path

import fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def chapters():
    return sorted(DOCS.rglob("*.md"))


def blocks_of(chapter: Path) -> list[fences.Fence]:
    return fences.parse(chapter.read_text(encoding="utf-8"))


def test_no_chapter_has_a_block_entangled_would_ignore_or_misread():
    """The check `make tangle`, `make stitch` and `make check-sync` run first (fences.problems):
    no braced block that is not tangled, no `file=` outside code/, no <<name>> entangled would
    leave as it is, no named block that nothing tangled includes, no name in two chapters."""
    book = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
            for path in chapters()}
    found = fences.problems(book)
    assert not found, "\n".join(found)


def test_every_fence_closes_and_none_hides_a_braced_fence():
    """An unclosed fence swallows the page; a braced fence shown inside another is text on the
    page but a real block to entangled, which sees only ``` fences."""
    bad = []
    for chapter in chapters():
        for fence in blocks_of(chapter):
            where = f"{chapter.relative_to(ROOT)}:{fence.start + 1}"
            if not fence.closed:
                bad.append(f"{where}: never closed (at its own indentation)")
            bad += [f"{where}: a braced fence inside it, line {n + 1}" for n in fence.nested]
    assert not bad, "\n".join(bad)


def test_the_rule_itself(tmp_path):
    chapter = tmp_path / "x.md"
    chapter.write_text("text\n\n``` {.python}\nprint(1)\n```\n\n```bash\nmake test\n```\n")
    first, second = blocks_of(chapter)
    assert first.body == ["print(1)"]
    assert first.kind == "error"
    assert second.kind == "display"
    # the kinds themselves are tested with the reader, in test_fences.py
