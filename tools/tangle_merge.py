"""Blocks of tangled files, and the three-way merge that decides what `make stitch` carries.

A tangled file is a tree of blocks between entangled's marker lines

    # ~/~ begin <<docs/foundations/autograd.md#value-init>>[init]
    ...
    # ~/~ end

`blocks_of` reads them exactly as entangled 2.1.13's stitch does (its `CodeReader`): a block's
text is its lines with the marker's indentation removed, a nested `[init]` block standing as the
line `<<name>>`; lines above the first marker belong to the first block (entangled also moves
blank lines between two top-level blocks, and the first one's `<<name>>`, into the second: a
quirk not copied here). Unlike entangled it
stops with a `MarkerError` naming the line when the markers are damaged, unbalanced, or a line
sits outside every block (entangled raises a traceback there, or drops the line silently).

`plan_stitch` compares three versions of every block: the last tangled state (base), the
chapters now, and the files under code/ now. A block changed only in a file is carried into its
chapter; changed only in the chapter, the chapter wins; changed on both sides, differently, it
is a `Conflict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BEGIN = re.compile(
    r"^(?P<indent>\s*).* ~/~ begin <<(?P<source>[^#<>]+)#(?P<name>[^#<>]+)>>\[(?P<count>init|\d+)\]"
)
END = re.compile(r"^(?P<indent>\s*).* ~/~ end")
DAMAGED = re.compile(r"^\s*\S{1,3}\s*~/~")  # a comment line opening with ~/~: a marker, or was one


@dataclass(frozen=True, order=True)
class BlockId:
    """One code block of one chapter: entangled's ReferenceId (chapter, name, n-th of the name)."""

    chapter: str
    name: str
    count: int

    def __str__(self) -> str:
        return f"<<{self.chapter}#{self.name}>>[{self.count}]"


@dataclass
class Block:
    """A block as it stands in one tangled file: its text and the line of its `begin` marker."""

    text: str
    line: int


class MarkerError(Exception):
    """The marker lines of a tangled file cannot be read; names the file and the line."""

    def __init__(self, path: str, line: int, problem: str):
        super().__init__(f"{path}:{line}: {problem}")
        self.path, self.line = path, line


@dataclass
class _Frame:
    block: BlockId | None  # None for the file's top level
    indent: str
    line: int
    lines: list[str] = field(default_factory=list)


RESTORE = "restore the marker lines (`git diff` shows them) and run `make stitch` again"


class _Reader:
    """Reads a tangled file line by line, as entangled's stitch does: a stack of open blocks."""

    def __init__(self, path: str):
        self.path = path
        self.blocks: dict[BlockId, list[Block]] = {}
        self.stack = [_Frame(None, "", 0)]
        self.seen_a_block = False

    def error(self, number: int, message: str) -> MarkerError:
        return MarkerError(self.path, number, message)

    def begin(self, number: int, begin: re.Match) -> None:
        top = self.stack[-1]
        block = BlockId(begin["source"], begin["name"],
                        0 if begin["count"] == "init" else int(begin["count"]))
        carried = []
        if not self.seen_a_block:  # lines above the first marker (a shebang) join its block
            carried, top.lines = top.lines, []
        if begin["count"] == "init":
            if not begin["indent"].startswith(top.indent):
                raise self.error(number, f"the `~/~ begin` of {block} is indented less than "
                                 f"its enclosing block; {RESTORE}")
            top.lines.append(begin["indent"].removeprefix(top.indent) + f"<<{block.name}>>")
        self.stack.append(_Frame(block, begin["indent"], number, carried))
        self.seen_a_block = True

    def end(self, number: int, end: re.Match) -> None:
        top = self.stack[-1]
        if len(self.stack) == 1:
            raise self.error(number, "a `~/~ end` without its `~/~ begin` (a marker line was "
                             f"deleted or damaged); {RESTORE}")
        if end["indent"] != top.indent:
            raise self.error(number, f"this `~/~ end` is indented differently from the "
                             f"`~/~ begin` of {top.block} (line {top.line}); {RESTORE}")
        self.blocks.setdefault(top.block, []).append(Block("\n".join(top.lines), top.line))
        self.stack.pop()

    def content(self, number: int, line: str) -> None:
        top = self.stack[-1]
        if not line.strip():
            top.lines.append("")
        elif len(self.stack) == 1 and self.seen_a_block:
            raise self.error(number, "this line is outside every block (after a `~/~ end`): "
                             "move it inside a block, or delete it")
        elif not line.startswith(top.indent):
            raise self.error(number, f"this line is indented less than its block {top.block} "
                             f"(line {top.line}): indent it, or move it out")
        else:
            top.lines.append(line.removeprefix(top.indent))

    def read(self, line: str, number: int) -> None:
        marker = "~/~" in line  # cheap test first: most lines are code
        if marker and (begin := BEGIN.match(line)):
            self.begin(number, begin)
        elif marker and (end := END.match(line)):
            self.end(number, end)
        elif marker and "~/~ begin" in line:
            raise self.error(number, f"a damaged `~/~ begin` marker; {RESTORE}")
        else:
            self.content(number, line)

    def finish(self) -> dict[BlockId, list[Block]]:
        if len(self.stack) > 1:
            frame = self.stack[-1]
            raise self.error(frame.line, f"the `~/~ begin` of {frame.block} has no `~/~ end`; "
                             f"{RESTORE}")
        if not self.seen_a_block and any(line.strip() for line in self.stack[0].lines):
            raise self.error(1, "no `~/~ begin` marker at all: this is not a tangled file any "
                             "more; restore its markers, or `git checkout` it")
        return self.blocks


def blocks_of(path: str, text: str) -> dict[BlockId, list[Block]]:
    """Every block of a tangled file, as entangled's stitch reads it; MarkerError if damaged.

    A block included twice (a `<<name>>` used in two places) has two entries.
    """
    reader = _Reader(path)
    for number, line in enumerate(text.splitlines(), start=1):
        reader.read(line, number)
    return reader.finish()


def texts_of(files: dict[str, str]) -> dict[BlockId, str]:
    """The text of every block tangled into any of the files (path -> text), first one seen."""
    texts: dict[BlockId, str] = {}
    for path in sorted(files):
        for block, found in blocks_of(path, files[path]).items():
            texts.setdefault(block, found[0].text)
    return texts


@dataclass(frozen=True)
class Edit:
    """A block whose text in a file under code/ is not its last tangled text."""

    block: BlockId
    path: str
    line: int
    text: str


@dataclass(frozen=True)
class Conflict:
    """A block that cannot be carried; `message` is the one line that says so and what to do."""

    message: str


@dataclass
class StitchPlan:
    """What `make stitch` does: the block texts to carry into the chapters, or why it cannot."""

    carry: dict[BlockId, str]
    sources: dict[BlockId, str]  # the file each carried block comes from
    conflicts: list[Conflict]


def edits_in(path: str, text: str, tangled: str | None, base: dict[BlockId, str]) -> list[Edit]:
    """The blocks of one file under code/ that differ from their last tangled text.

    `tangled` is the file as last tangled (None if it was not a target then). A file whose
    marker lines are not those last tangled (one deleted, damaged or added) is a MarkerError
    naming the first line where they part.
    """
    if tangled is not None:
        check_markers(path, text, tangled)
    return [Edit(block, path, copy.line, copy.text)
            for block, copies in sorted(blocks_of(path, text).items()) for copy in copies
            if copy.text != base.get(block)]


def markers_of(text: str) -> list[tuple[int, str]]:
    """(line number, what it marks) for each marker line, damaged ones included."""
    markers = []
    for number, line in enumerate(text.splitlines(), start=1):
        if begin := BEGIN.match(line):
            markers.append((number, f"~/~ begin <<{begin['source']}#{begin['name']}>>"
                                    f"[{begin['count']}]"))
        elif END.match(line):
            markers.append((number, "~/~ end"))
        elif DAMAGED.match(line):
            markers.append((number, line.strip()))
    return markers


def check_markers(path: str, text: str, tangled: str) -> None:
    """MarkerError at the first marker line of text that is not the one last tangled there."""
    found, expected = markers_of(text), markers_of(tangled)
    for index, (_, marker) in enumerate(expected):
        if index >= len(found) or found[index][1] != marker:
            at = found[index][0] if index < len(found) else len(text.splitlines())
            seen = f"`{found[index][1]}`" if index < len(found) else "the end of the file"
            raise MarkerError(path, at, f"a marker line is missing or damaged here: expected "
                              f"`{marker}`, found {seen}; restore it (`git diff` shows it) and "
                              "run `make stitch` again")
    if len(found) > len(expected):
        raise MarkerError(path, found[len(expected)][0], "a marker line that was not tangled "
                          "here; delete it and run `make stitch` again")


def plan_stitch(edits: list[Edit], base: dict[BlockId, str],
                chapters: dict[BlockId, str]) -> StitchPlan:
    """Decide, block by block, what a stitch carries from the files into the chapters.

    base: the block texts last tangled; chapters: the block texts the chapters tangle to now;
    edits: blocks that differ in the files from base. An edit the chapter already holds is done;
    one whose chapter block is unchanged since the last tangle is carried; any other is a
    conflict (both sides changed the block, or it is gone from its chapter).
    """
    carry: dict[BlockId, str] = {}
    sources: dict[BlockId, str] = {}
    conflicts: list[Conflict] = []
    by_block: dict[BlockId, list[Edit]] = {}
    for edit in edits:
        by_block.setdefault(edit.block, []).append(edit)
    for block, found in sorted(by_block.items()):
        first = found[0]
        where = f"{first.path}:{first.line}"
        if len({e.text for e in found}) > 1:
            other = next(e for e in found if e.text != first.text)
            conflicts.append(Conflict(
                f"stitch: {block} is edited differently in {where} and {other.path}:{other.line}"
                "; make both copies alike, then run `make stitch` again"))
        elif block not in chapters:
            conflicts.append(Conflict(
                f"stitch: {where}: block {block} was edited here but is gone from "
                f"{block.chapter}; put the edit into the chapter by hand, then `make tangle`"))
        elif chapters[block] == first.text:
            continue
        elif block not in base:
            conflicts.append(Conflict(
                f"stitch: {where}: block {block} differs from {block.chapter} and there is no "
                "record of its last tangle to tell which side changed; make the two alike by "
                "hand, then `make tangle`"))
        elif chapters[block] == base[block]:
            carry[block] = first.text
            sources[block] = first.path
        else:
            conflicts.append(Conflict(
                f"stitch: {where}: block {block} was changed both in this file and in "
                f"{block.chapter}; undo one of the two edits, then run `make stitch` again"))
    return StitchPlan(carry, sources, conflicts)


def flat_file(blocks: dict[BlockId, str]) -> str:
    """A file entangled's stitch reads as exactly these block texts (no nesting, no `[init]`).

    Written in place of a tangled file in a scratch folder, it makes `entangled stitch` carry
    precisely these blocks into their chapters and leave every other block as the chapter has it.
    """
    lines = []
    for block, text in sorted(blocks.items()):
        lines.append(f"# ~/~ begin <<{block.chapter}#{block.name}>>[{block.count}]")
        lines.extend(text.split("\n") if text else [])
        lines.append("# ~/~ end")
    return "\n".join(lines) + "\n"
