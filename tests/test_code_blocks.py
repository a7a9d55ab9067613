"""Every fenced code block in docs/ is tangled, executed at build, or display-only on purpose.

The rule (README.md, "Contributing"; tools/fences.py reads the fences, here and for the site):
- ``` {.python file=code/...}   tangled into that file;
- ``` {.python #name}           a named block, which must be included by some <<name>>;
- ``` {.python .run}            executed when the site is built, its output shown below it;
- ```python, ```bash, ```text   display-only (a shell session, a wrong version for contrast).
A braced block with none of file=, #name or .run is an error: it looks tangled but is not.
"""

import re
from collections import defaultdict
from pathlib import Path

import fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = re.compile(r"^\s*<<([^>\s]+)>>\s*$")


def chapters():
    return sorted(DOCS.rglob("*.md"))


def blocks_of(chapter: Path) -> list[fences.Fence]:
    return fences.parse(chapter.read_text(encoding="utf-8"))


def test_every_braced_block_is_tangled_or_executed():
    bad = [
        f"{chapter.relative_to(ROOT)}:{fence.start + 1}: {fence.info}"
        for chapter in chapters()
        for fence in blocks_of(chapter)
        if fence.kind == "error"
    ]
    assert not bad, "blocks that look tangled but are not:\n" + "\n".join(bad)


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


def named_blocks():
    defined, used = defaultdict(set), set()
    for chapter in chapters():
        for fence in blocks_of(chapter):
            for name in fence.ids:
                defined[name].add(chapter.relative_to(ROOT).as_posix())
            for text in fence.body:
                m = REFERENCE.match(text)
                if m:
                    used.add(m.group(1))
    return defined, used


def test_every_named_block_is_used_and_lives_in_one_chapter():
    defined, used = named_blocks()
    unused = sorted(set(defined) - used)
    assert not unused, f"named blocks that no <<reference>> includes (never tangled): {unused}"
    spread = {n: sorted(c) for n, c in defined.items() if len(c) > 1}
    assert not spread, f"a name appended from several chapters tangles in file order: {spread}"
    dotted = sorted(n for n in defined if "." in n)
    assert not dotted, f"entangled silently ignores <<names.with.dots>>: {dotted}"


def test_the_rule_itself(tmp_path):
    chapter = tmp_path / "x.md"
    chapter.write_text("text\n\n``` {.python}\nprint(1)\n```\n\n```bash\nmake test\n```\n")
    first, second = blocks_of(chapter)
    assert first.body == ["print(1)"]
    assert first.kind == "error"
    assert second.kind == "display"
    # the kinds themselves are tested with the reader, in test_fences.py
