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
but a real block to entangled. `Fence.nested` lists such lines.

`problems(chapters)` is the check that tools/tangle.py runs before entangled ever sees the
chapters (tangle, stitch, check, `make serve`), and the tests run on the book: every way a chapter
can make entangled 2.1.13 ignore, mis-read or misplace a block without an error (a fence that
looks tangled but is not, braces it reads differently, a `file=` outside code/, a `<<name>>` it
does not expand, a block nothing includes, a name in two chapters) is one line naming the chapter
and the line, saying what to write instead.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

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
    """Every fenced block of a chapter, in order (text, or its lines without line endings; a
    chapter saved with CRLF line ends reads as with LF, as entangled and the site read it)."""
    lines = text.split("\n") if isinstance(text, str) else text
    return list(_fences([line.removesuffix("\r") for line in lines]))


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


# --------------------------------------------------------------------------------------------
# entangled 2.1.13's own reading, mirrored (entangled/config, markdown_reader.py, properties.py,
# tangle.py), so that every place where it would read a chapter differently is refused

ENTANGLED_OPEN = re.compile(r"^(?P<indent>\s*)```\s*{(?P<properties>[^{}]*)}\s*$")
ENTANGLED_CLOSE = re.compile(r"^\s*```\s*$")
ENTANGLED_IGNORE = re.compile(r"^\s*~~~(markdown)?\s*$")  # turns its reading off, then on
REFERENCE = re.compile(r"^(?P<indent>\s*)<<(?P<name>[\w-]+)>>\s*$")  # what it expands
LOOKS_LIKE_REFERENCE = re.compile(r"^\s*<<.*>>\s*$")
NAME = re.compile(r"[A-Za-z][\w-]*")  # a name both `#name` and `<<name>>` read whole
ENTANGLED_TOKEN = re.compile(
    r"""\s*(?:
        \#(?P<id>[a-zA-Z]\S*)
      | (?P<key>[a-zA-Z]\S*)\s*=\s*(?:"(?P<dq>[^"\\]*(?:\\.[^"\\]*)*)"|(?P<bare>\S+))
      | \.?(?P<cls>[a-zA-Z]\S*)
    )""",
    re.VERBOSE,
)
CODE = "code/"
NAMING = "names hold letters, digits, - and _, and start with a letter"


def entangled_properties(inner: str) -> tuple[list[str], list[str], dict[str, str], str]:
    """Classes, ids, attributes and the unread rest of `inner`, as entangled reads braces: token
    after token until one does not parse; it ignores the rest without a word."""
    classes, ids, attrs, at = [], [], {}, 0
    while m := ENTANGLED_TOKEN.match(inner, at):
        if m["id"] is not None:
            ids.append(m["id"])
        elif m["key"] is not None:
            attrs.setdefault(m["key"], m["dq"] if m["dq"] is not None else m["bare"])
        else:
            classes.append(m["cls"])
        at = m.end()
    return classes, ids, attrs, inner[at:].strip()


def name_of(fence: Fence) -> str:
    """The name entangled files a tangled block under: its #id, else its file= target."""
    return fence.ids[0] if fence.ids else fence.attrs.get("file", "")


def _kind_problem(fence: Fence) -> str:
    """Why a braced fence is neither tangled nor executed (its kind is 'error')."""
    if fence.words:
        return (f"`{fence.words[0]}` in the braces is neither `.class`, `#name` nor `key=value`: "
                "write `{.python #name}`, `{.python file=code/...}` or `{.python .run}`")
    if "python" not in fence.classes:
        return ("entangled knows only `.python` blocks here (another class stops its tangle): "
                "write `{.python ...}`, or ```text for a block that is only shown")
    if "run" in fence.classes:
        return "a block is tangled (`file=` or `#name`) or run (`.run`), not both: drop one"
    return ("braces with neither `file=`, `#name` nor `.run` look tangled but are not: add one, "
            "or write ```python for a block that is only shown")


def _target_problem(target: str) -> str:
    """Why a file= target is not a plain relative path under code/ ('' if it is one)."""
    if (not target.startswith(CODE) or posixpath.normpath(target) != target or "\\" in target
            or ".." in target.split("/") or target.endswith("/")):
        return (f"file={target} is not a file under {CODE} (entangled would write it wherever it "
                f"points): tangled files live under {CODE}, e.g. file=code/stage-03/x.py")
    return ""


def _tangled_problems(fence: Fence, opening: str) -> list[tuple[int, str]]:
    """What entangled would do differently with a block fences.py reads as tangled."""
    at = fence.start + 1
    if fence.marker != "```":
        return [(at, f"entangled reads only ``` fences, so this {fence.marker} block is not "
                     "tangled: open and close it with three backticks")]
    m = ENTANGLED_OPEN.match(opening)
    if m is None:
        return [(at, "entangled does not read this line as a code block (braces inside the "
                     "braces, or text after them), so nothing is tangled from it: write "
                     "``` {.python #name} or ``` {.python file=code/...} alone on the line")]
    classes, ids, attrs, rest = entangled_properties(m["properties"])
    found = []
    if rest:
        found.append((at, f"entangled stops reading the braces at `{rest.split()[0]}` and "
                          f"ignores the rest: {NAMING}; write key=value or key=\"value\""))
    elif (classes[:1], ids[:1], attrs.get("file")) != (fence.classes[:1], fence.ids[:1],
                                                      fence.attrs.get("file")):
        found.append((at, "entangled reads these braces differently from the site (quotes "
                          "around a value, say): write file=code/... with no quotes, and "
                          "`.python` first"))
    if fence.classes[0] != "python":
        found.append((at, "entangled takes the first class as the language and knows only "
                          "`.python`: write `{.python ...}`"))
    found += [(at, f"`#{name}` is not a name entangled can include: {NAMING}")
              for name in fence.ids if not NAME.fullmatch(name)]
    if "file" in fence.attrs and (problem := _target_problem(fence.attrs["file"])):
        found.append((at, problem))
    found += [(at, f"`{key}=` means nothing to a tangled block here (entangled reads file= and, "
                   "as an octal number, mode=): remove it") for key in fence.attrs
              if key != "file"]
    if not fence.closed:
        found.append((at, "this block is never closed: end it with ``` at its own indentation"))
    return found + _body_problems(fence)


def _body_problems(fence: Fence) -> list[tuple[int, str]]:
    """Lines of a tangled block that entangled reads otherwise than they look."""
    found = []
    for k, line in enumerate(fence.body):
        where = fence.start + 2 + k
        if LOOKS_LIKE_REFERENCE.match(line) and not REFERENCE.match(line):
            found.append((where, f"entangled does not expand `{line.strip()}` (it writes the "
                                 f"line as it is): {NAMING}"))
        elif ENTANGLED_IGNORE.match(line):
            found.append((where, f"entangled reads `{line.strip()}` as the edge of a region it "
                                 "ignores, even inside a block: write it another way"))
        elif re.search(r" ~/~ end|~/~ begin", f" {line}"):
            found.append((where, "`~/~` is how entangled marks the blocks of a tangled file: it "
                                 "would read this line as a marker when stitching; write it "
                                 "another way (~ / ~, say)"))
    return found


@lru_cache(maxsize=64)
def _parsed(text: str) -> tuple[Fence, ...]:
    """parse(text), read once for the checks below (which only read the fences)."""
    return tuple(parse(text))


def fence_problems(text: str) -> list[tuple[int, str]]:
    """(line, problem) of one chapter's fences, each problem saying what to write instead."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    found = []
    for fence in _parsed(text):
        at, info = fence.start + 1, fence.info
        if info.startswith("{") != info.endswith("}"):
            found.append((at, f"`{info}` is not a braced block entangled reads (a brace is "
                              "missing, or text follows it), so it tangles nothing from it: "
                              "write `{.python ...}` with both braces, alone on the line"))
        elif not fence.braced and re.search(r"[{}]|(^|\s)([#.]\w|file\s*=)", info):
            found.append((at, f"`{info}` looks tangled but, without braces, is only shown: "
                              "write ``` {.python #name} (or file=...), or ```python to show it"))
        elif fence.kind == "error":
            found.append((at, _kind_problem(fence)))
        elif fence.kind == "tangled":
            found += _tangled_problems(fence, lines[fence.start])
        found += [(n + 1, "a braced fence shown inside another fence is a real block to "
                          "entangled: show the example in a ~~~ fence without braces, or indent "
                          "it") for n in fence.nested if ENTANGLED_OPEN.match(lines[n])]
    return found


def tangled_fences(chapter: str, text: str) -> dict[tuple[str, int], Fence]:
    """{(name, n): fence} of a chapter's tangled blocks, n counting the blocks of one name, as
    entangled numbers them (the `[n]` of its markers, 0 for `[init]`)."""
    blocks: dict[tuple[str, int], Fence] = {}
    counts: dict[str, int] = {}
    for fence in _parsed(text):
        if fence.kind == "tangled":
            name = name_of(fence)
            blocks[(name, counts.get(name, 0))] = fence
            counts[name] = counts.get(name, 0) + 1
    return blocks


def problems(chapters: dict[str, str]) -> list[str]:
    """Every problem of a book's chapters ({path: text}) as `path:line: what; how to fix`: the
    fences of each chapter; once they are sound, the names across chapters (a name defined in
    two chapters, a `<<name>>` that names no block, a named block no tangled file includes)."""
    found = [f"{path}:{line}: {problem}" for path in sorted(chapters)
             for line, problem in fence_problems(chapters[path])]
    if found:  # a broken fence leaves the blocks it includes unreached: say only what to fix
        return found
    defined: dict[str, tuple[str, int]] = {}
    blocks = []
    for path in sorted(chapters):
        for (name, _), fence in tangled_fences(path, chapters[path]).items():
            first = defined.setdefault(name, (path, fence.start + 1))
            if first[0] != path:
                found.append(f"{path}:{fence.start + 1}: the name `{name}` is also used in "
                             f"{first[0]}:{first[1]}; entangled would join the two in the order "
                             "it lists the files: rename one")
            blocks.append((path, fence, name))
    found += _reference_problems(blocks, defined)
    return found


def _reference_problems(blocks: list[tuple[str, Fence, str]],
                        defined: dict[str, tuple[str, int]]) -> list[str]:
    """References to no block, and named blocks that no file= block includes, even indirectly."""
    found, includes = [], {}
    for path, fence, name in blocks:
        for k, line in enumerate(fence.body):
            if m := REFERENCE.match(line):
                includes.setdefault(name, set()).add(m["name"])
                if m["name"] not in defined:
                    found.append(f"{path}:{fence.start + 2 + k}: <<{m['name']}>> names no block: "
                                 f"define it with ``` {{.python #{m['name']}}}, or fix the name")
    reached = {name for _, fence, name in blocks if "file" in fence.attrs}
    frontier = list(reached)
    while frontier:
        for name in includes.get(frontier.pop(), ()):
            if name not in reached:
                reached.add(name)
                frontier.append(name)
    for name, (path, line) in sorted(defined.items(), key=lambda item: item[1]):
        if name not in reached:
            found.append(f"{path}:{line}: no tangled file includes block `{name}` (a line "
                         f"<<{name}>> in a block that is written), so it is never tangled: "
                         "include it, or write ```python to show it only")
    return found
