"""Page budgets of the learner's path (BOOK.md, "Parts of the site"; issue 24).

Each section page of Stage 3 (the nav entries "3.1 ..." to "3.8 ...") shows at most 4,000 words
of prose and 400 lines of code; Foundation A at most 5,000 words and 600 lines. What counts is
what a reader scrolls through on the site with every folded block closed:

- **words of prose**: the page's text outside code blocks, outside folded blocks (a `??? `
  collapsible admonition, closed until the reader opens it) and outside display maths; headings,
  admonitions that are open (`!!!`, `???+`), lists and tables written in the chapter all count.
  A word is a run of characters holding a letter or a digit (`make tangle` is two words, an
  inline `$V^{n-1}$` one). The *sentences and lists* that executed blocks print with
  `output=markdown` are prose too and are counted; the *tables* they print, their figures and
  their printed text blocks are results, not prose, and are not.
- **lines of code**: the lines of every code block outside folded blocks, blank ones included
  (a reader scrolls past them too), whatever its kind (tangled, display, executed); an executed
  block with `echo=false` shows no code and counts nothing. What executed blocks print is not
  code and is not counted.

Why the Markdown source and not the built HTML: the fence reader (tools/fences.py) is the site's
own reading of the code blocks, so the source tells exactly which lines are code, which are
folded and which are an executed block's output (the HTML loses the last distinction: a printed
table and a written one render alike). The one thing the source lacks, what executed blocks
print, is read from `run-outputs/`, as the site build reads it (tools/mkdocs_hooks.py); the page
test therefore runs after the strict build of the `site` fixture, which brings it up to date, and
fails if a page's outputs are missing from it.

A page over budget that another engineer is cutting is marked in OVER_BUDGET with a reason:
`xfail(strict=True)`, so the test fails the moment that page comes within budget, and its mark
must then be removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SECTION_BUDGET = (4_000, 400)  # (words of prose, lines of code)
FOUNDATION_A = "foundations/counting.md"
FOUNDATION_A_BUDGET = (5_000, 600)

# page: why it is over budget today. Remove an entry when its page comes within budget.
OVER_BUDGET: dict[str, str] = {}  # every page is within its budget today

FOLD = re.compile(r"^(?P<indent>[ \t]*)\?\?\?(?!\+)\s")  # `??? note "Title"`: closed until opened
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]", re.S)
INLINE_MATH = re.compile(r"(?<!\\)\$[^$\n]+\$")
HIDDEN = re.compile(r"<[^>\n]+>|\]\([^)\n]*\)|\{:[^}\n]*\}")  # HTML tags, link targets, attr lists
WORD = re.compile(r"\S*[^\W_]\S*")  # a run of non-space characters holding a letter or digit


@dataclass(frozen=True)
class Count:
    words: int
    code_lines: int


def folded_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines inside closed collapsible blocks (`??? `), the title line included."""
    hidden: set[int] = set()
    i = 0
    while i < len(lines):
        m = FOLD.match(lines[i])
        if not m:
            i += 1
            continue
        depth = len(m["indent"].expandtabs(4))
        j = i + 1
        while j < len(lines) and (not lines[j].strip()
                                  or len(lines[j]) - len(lines[j].lstrip()) > depth):
            j += 1
        while j > i + 1 and not lines[j - 1].strip():
            j -= 1  # trailing blank lines belong to the text after the block
        hidden.update(range(i, j))
        i = j
    return hidden


def prose_words(text: str) -> int:
    """Words of Markdown prose: display maths and HTML dropped, inline maths one word."""
    text = DISPLAY_MATH.sub(" ", text)
    text = INLINE_MATH.sub(" x ", text)
    text = HIDDEN.sub(" ", text)
    return len(WORD.findall(text))


def output_prose(output: str) -> str:
    """The prose in what an executed block printed: its lines outside tables, figures and
    printed text blocks."""
    lines = output.split("\n")
    inside = set()
    for fence in fences.parse(lines):
        inside.update(range(fence.start, min(fence.end, len(lines) - 1) + 1))
    return "\n".join(
        line for k, line in enumerate(lines)
        if k not in inside and not line.lstrip().startswith(("|", "<figure", "<img"))
    )


def measure(markdown: str, outputs: list[str]) -> Count:
    """Visible words of prose and lines of code of a page (this module's docstring says which),
    given its Markdown source and what its executed blocks print, in order."""
    lines = markdown.split("\n")
    hidden = folded_lines(lines)
    page_fences = fences.parse(lines)
    executed = [f for f in page_fences if f.kind == "executed"]
    if len(executed) != len(outputs):
        raise ValueError(f"{len(executed)} executed blocks but {len(outputs)} outputs")
    printed = dict(zip((f.start for f in executed), outputs, strict=True))
    code_lines, generated, in_fence = 0, [], set()
    for fence in page_fences:
        last = min(fence.end, len(lines) - 1)
        in_fence.update(range(fence.start, last + 1))
        if fence.start in hidden:
            continue
        if fence.attrs.get("echo") != "false":
            code_lines += len(fence.body)
        if fence.start in printed:
            generated.append(output_prose(printed[fence.start]))
    prose = [line for k, line in enumerate(lines) if k not in hidden and k not in in_fence]
    return Count(prose_words("\n".join(prose + generated)), code_lines)


# ---- the pages of the learner's path -------------------------------------------------------


def nav_pages() -> list[tuple[str, str]]:
    """(title, page) of every nav entry, in order."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def walk(nav):
        for item in nav:
            title, value = next(iter(item.items())) if isinstance(item, dict) else ("", item)
            if isinstance(value, list):
                yield from walk(value)
            else:
                yield title, value

    return list(walk(config["nav"]))


SECTION_TITLE = re.compile(r"3\.[1-8](?!\d)")  # "3.6 Training dynamics", or "3.6a ..." if split


def budgeted_pages() -> dict[str, tuple[int, int]]:
    """Every page with a budget: the sections 3.1 to 3.8 (by their nav titles), Foundation A."""
    pages = {page: SECTION_BUDGET for title, page in nav_pages()
             if SECTION_TITLE.match(str(title))}
    pages[FOUNDATION_A] = FOUNDATION_A_BUDGET
    return pages


def executed_outputs(page: str, markdown: str) -> list[str]:
    """What the page's executed blocks printed, from run-outputs/ (the entries the build shows)."""
    import json

    import mkdocs_hooks as hooks

    blocks = hooks.executed_blocks(markdown, page)
    inputs, printed = hooks.Inputs(), {}
    for session in hooks.sessions_of(blocks, page):
        path, why = hooks.find_entry(session, inputs)
        assert path is not None, f"{session.label()}: no output in run-outputs/ ({why})"
        stored = json.loads(path.read_text(encoding="utf-8"))["blocks"]
        for fence, output in zip(session.blocks, stored, strict=True):  # as the site shows it
            printed[fence.start] = hooks.block_markdown(output, fence, session.label())
    return [printed[fence.start] for fence in blocks]


def params():
    for page, budget in budgeted_pages().items():
        marks = ([pytest.mark.xfail(strict=True, reason=f"{page}: {OVER_BUDGET[page]}")]
                 if page in OVER_BUDGET else [])
        yield pytest.param(page, budget, marks=marks, id=page)


@pytest.mark.slow  # needs the outputs of the executed blocks: after the site fixture's build
@pytest.mark.parametrize("page, budget", list(params()))
def test_page_is_within_its_budget(site, page, budget):
    markdown = (DOCS / page).read_text(encoding="utf-8")
    count = measure(markdown, executed_outputs(page, markdown))
    words, code_lines = budget
    assert count.words <= words and count.code_lines <= code_lines, (
        f"{page}: {count.words:,} words of visible prose (budget {words:,}), "
        f"{count.code_lines:,} visible lines of code (budget {code_lines:,}): fold tests and "
        f"assembled files (??? blocks), move machinery to an appendix, or split the page")


def test_every_page_marked_over_budget_is_a_budgeted_page():
    stale = sorted(set(OVER_BUDGET) - set(budgeted_pages()))
    assert not stale, f"OVER_BUDGET names pages that have no budget (renamed?): {stale}"


def test_the_sections_of_stage_3_are_in_the_nav():
    found = {m[0] for title, _ in nav_pages() if (m := SECTION_TITLE.match(str(title)))}
    assert found == {f"3.{i}" for i in range(1, 9)}, sorted(found)


# ---- the counter itself --------------------------------------------------------------------

PLANTED = '''# A page

Four words of prose. Inline $V^{n-1}$ is one word, and [a link](x.md#y) two.

$$
\\sum_i x_i \\text{ is not counted}
$$

``` {.python #shown}
a = 1

b = 2
```

``` {.python .run output=markdown}
print("| not | prose |")
```

``` {.python .run echo=false output=markdown}
print("hidden code")
```

??? example "A folded block"

    ``` {.python file=x.py}
    folded = True
    ```

    Folded words are not counted.

!!! note "Open note"
    Counted words.
'''


def test_the_counter_counts_what_the_docstring_says():
    outputs = ["| not | prose |\n|---|---|\n| 1 | 2 |",
               "A generated sentence of six words.\n\n``` {.text .run-output}\nprinted\n```"]
    count = measure(PLANTED, outputs)
    # "A page" 2, "Four words of prose." 4, "Inline x is one word, and a link two." 9,
    # "note Open note Counted words." 5 (the `!!!` marker is no word), the generated sentence 6
    assert count == Count(words=2 + 4 + 9 + 5 + 6, code_lines=3 + 1)


def test_a_page_over_budget_fails():
    long_page = "# Long\n\n" + "word " * 4_001 + "\n\n```python\n" + "x = 1\n" * 401 + "```\n"
    count = measure(long_page, [])
    assert count == Count(words=4_002, code_lines=401)
    assert count.words > SECTION_BUDGET[0] and count.code_lines > SECTION_BUDGET[1]
    folded = "# Long\n\n??? note \"Folded\"\n\n" + "".join(
        f"    line {i}\n" for i in range(5_000)) + "\nAfter.\n"
    assert measure(folded, []) == Count(words=2, code_lines=0)


def test_the_counter_refuses_outputs_that_do_not_match_the_blocks():
    with pytest.raises(ValueError, match="2 executed blocks but 1 outputs"):
        measure(PLANTED, ["only one"])


def test_stored_outputs_are_counted_as_the_site_shows_them():
    """executed_outputs hands the counter what the site shows (mkdocs_hooks.block_markdown):
    what a block prints as text is a fenced result, not prose; what it prints as Markdown is."""
    import mkdocs_hooks as hooks

    page = ("``` {.python .run}\nprint('five words printed as text')\n```\n\n"
            "``` {.python .run output=markdown}\nprint('three generated words')\n```\n")
    blocks = [f for f in fences.parse(page.split("\n")) if f.kind == "executed"]
    stored = [{"printed": "five words printed as text\n", "figures": []},
              {"printed": "three generated words\n", "figures": []}]
    shown = [hooks.block_markdown(output, fence, "planted")
             for fence, output in zip(blocks, stored, strict=True)]
    assert measure(page, shown) == Count(words=3, code_lines=2)
    assert measure(page, [s["printed"] for s in stored]) == Count(words=8, code_lines=2)
