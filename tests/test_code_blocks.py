"""Every fenced code block in docs/ is tangled, executed at build, or display-only on purpose.

The rule (README.md, "Contributing"):
- ``` {.python file=code/...}   tangled into that file;
- ``` {.python #name}           a named block, which must be included by some <<name>>;
- ``` {.python .run}            executed when the site is built, its output shown below it;
- ```python, ```bash, ```text   display-only (a shell session, a wrong version for contrast).
A braced block with none of file=, #name or .run is an error: it looks tangled but is not.
"""

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^\s*```+\s*(\{[^}]*\}|[\w+-]*)\s*$")
REFERENCE = re.compile(r"^\s*<<([^>\s]+)>>\s*$")


def fenced_blocks(path: Path):
    """Yield (line number, info string, body lines) for every fenced block of a chapter."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m and lines[i].strip().startswith("```"):
            j = i + 1
            while j < len(lines) and not re.match(r"^\s*```+\s*$", lines[j]):
                j += 1
            yield i + 1, m.group(1), lines[i + 1 : j]
            i = j + 1
        else:
            i += 1


def chapters():
    return sorted(DOCS.rglob("*.md"))


def kind_of_block(info: str) -> str:
    """'tangled', 'executed', 'display' or 'error', by the rule in this module's docstring."""
    if not info.startswith("{"):
        return "display"
    props = info[1:-1]
    if not re.search(r"(^|\s)\.python\b", props):
        return "error"
    if "file=" in props or re.search(r"(^|\s)#[\w.-]+", props):
        return "tangled"
    if re.search(r"(^|\s)\.run\b", props):
        return "executed"
    return "error"


def test_every_braced_block_is_tangled_or_executed():
    bad = [
        f"{chapter.relative_to(ROOT)}:{line}: {info}"
        for chapter in chapters()
        for line, info, _ in fenced_blocks(chapter)
        if kind_of_block(info) == "error"
    ]
    assert not bad, "blocks that look tangled but are not:\n" + "\n".join(bad)


def named_blocks():
    defined, used = defaultdict(set), set()
    for chapter in chapters():
        for _, info, body in fenced_blocks(chapter):
            for name in re.findall(r"(?:^|\s)#([\w.-]+)", info[1:-1] if info.startswith("{") else ""):
                defined[name].add(chapter.relative_to(ROOT).as_posix())
            for text in body:
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
    (_, first, body), (_, second, _) = fenced_blocks(chapter)
    assert body == ["print(1)"]
    assert kind_of_block(first) == "error"
    assert kind_of_block(second) == "display"
    assert kind_of_block("{.python #model-config}") == "tangled"
    assert kind_of_block("{.python file=code/stage-03/neural_lm.py}") == "tangled"
    assert kind_of_block('{.python .run output=markdown}') == "executed"
    assert kind_of_block("{.py #x}") == "error"
