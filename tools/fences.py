"""The one reader of the chapters' fenced code blocks, for the site hook and the tests.

A chapter holds four kinds of fence (README.md, "Contributing"):

    ``` {.python file=code/stage-03/x.py}   tangled into that file
    ``` {.python #name}                     a named block, included elsewhere by <<name>>
    ``` {.python .run output=markdown}      executed when the site is built
    ```python  (or ```bash, ```text, ```)   display only

A fence opens with three or more backticks (or tildes), indented like the text around it (inside
an admonition, say), and closes at a line holding the same marker at the same indentation, as
pymdownx.superfences renders it. The braces hold `.class`, `#id` and `key=value` or
`key="value with spaces"`, as entangled reads them. A braced block that is none of the three
kinds (no `.python`, or neither `file=`, `#id` nor `.run`, or both `#id` and `.run`) is an error:
it looks tangled but is not.

One difference remains with entangled, which knows only ``` fences with braces: a braced fence
line written *inside* another fence (an example shown in a ````-fence, say) is text on the page
but a real block to entangled. `Fence.nested` lists such lines, so that the tests can refuse them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Iterator

OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
TOKEN = re.compile(
    r"""\s*(?:
        \#(?P<id>[^\s"'=}]+)
      | \.(?P<cls>[^\s"'=}]+)
      | (?P<key>[A-Za-z_][\w-]*)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))
      | (?P<word>\S+)
    )""",
    re.VERBOSE,
)


def parse_info(info: str) -> tuple[list[str], list[str], dict[str, str], list[str]]:
    """Classes, ids, attributes and unrecognised words of a braced info string `{...}`."""
    inner = info.strip()
    if inner.startswith("{") and inner.endswith("}"):
        inner = inner[1:-1]
    classes, ids, attrs, words = [], [], {}, []
    for m in TOKEN.finditer(inner):
        if m["id"] is not None:
            ids.append(m["id"])
        elif m["cls"] is not None:
            classes.append(m["cls"])
        elif m["key"] is not None:
            attrs[m["key"]] = next(v for v in (m["dq"], m["sq"], m["bare"]) if v is not None)
        elif m["word"] is not None:
            words.append(m["word"])
    return classes, ids, attrs, words


@dataclass
class Fence:
    """One fenced block. Line numbers are 0-based indexes into the lines it was read from."""

    start: int  # the opening line
    end: int  # the closing line (len(lines) when it never closes)
    indent: str
    marker: str  # "```", "````", "~~~", ...
    info: str  # everything after the marker: "{.python .run}", "python", ""
    body: list[str]  # the lines in between, as written
    closed: bool = True
    classes: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # in braces, but no .class, #id or key=value
    nested: list[int] = field(default_factory=list)  # body lines that look like a braced fence

    @property
    def braced(self) -> bool:
        return self.info.startswith("{") and self.info.endswith("}")

    @property
    def language(self) -> str:
        """The language of a plain fence (```python -> "python"), or the first class in braces."""
        if self.braced:
            return self.classes[0] if self.classes else ""
        return self.info.split()[0].lstrip(".") if self.info else ""

    @property
    def source(self) -> str:
        """The body without the fence's own indentation: the code as it runs or tangles."""
        return "\n".join(
            line[len(self.indent):] if line.startswith(self.indent) else line.lstrip()
            for line in self.body
        )

    @property
    def kind(self) -> str:
        """'tangled', 'executed', 'display' or 'error' (see this module's docstring)."""
        if not self.braced:
            return "display"
        if "python" not in self.classes or self.words:
            return "error"
        tangled = "file" in self.attrs or bool(self.ids)
        executed = "run" in self.classes
        if tangled and executed:
            return "error"  # entangled would write it *and* the site would run it
        if tangled:
            return "tangled"
        return "executed" if executed else "error"


def parse(text: str | list[str]) -> list[Fence]:
    """Every fenced block of a chapter, in order (text, or its lines without line endings)."""
    lines = text.split("\n") if isinstance(text, str) else text
    return list(_fences(lines))


def _fences(lines: list[str]) -> Iterator[Fence]:
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, marker, info = m["indent"], m["marker"], m["info"]
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(marker)}[ \t]*$")
        j, closed = i + 1, False
        while j < len(lines):
            line = lines[j]
            if closing.match(line):
                closed = True
                break
            if line.strip() and not line.startswith(indent):
                break  # the text around it ended first: superfences drops such a fence
            j += 1
        body = lines[i + 1 : j]
        fence = Fence(i, j, indent, marker, info, body, closed)
        if fence.braced:
            fence.classes, fence.ids, fence.attrs, fence.words = parse_info(info)
        fence.nested = [
            i + 1 + k for k, line in enumerate(body)
            if (inner := OPEN.match(line)) and inner["info"].startswith("{")
        ]
        yield fence
        i = j + 1 if closed else j
