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
is a `Conflict`. A block whose text in the file is one the block had before (`older`: an earlier
commit of its chapter, an earlier tangle) is not an edit: the file is older than the chapter
(after `git checkout -- code/`, say), and carrying it would undo the chapter's newer text.

`hazards` lists the lines of an edit that would mean something else once written into a chapter:
a line holding only `<<name>>` (entangled includes that block there), a line holding only ```
(it ends the block), entangled's `~~~markdown` markers, a character that entangled's reading
splits the line at.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import fences

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
    literal: list[tuple[int, str]] = field(default_factory=list)  # (line, text) typed as-is



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
    literal: list[tuple[int, str]] = field(default_factory=list)  # lines not made by a marker


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
        carried, literal = [], []
        if not self.seen_a_block:  # lines above the first marker (a shebang) join its block
            carried, top.lines, literal, top.literal = top.lines, [], top.literal, []
        if begin["count"] == "init":
            if not begin["indent"].startswith(top.indent):
                raise self.error(number, f"the `~/~ begin` of {block} is indented less than "
                                 f"its enclosing block; {RESTORE}")
            top.lines.append(begin["indent"].removeprefix(top.indent) + f"<<{block.name}>>")
        self.stack.append(_Frame(block, begin["indent"], number, carried, literal))
        self.seen_a_block = True

    def end(self, number: int, end: re.Match) -> None:
        top = self.stack[-1]
        if len(self.stack) == 1:
            raise self.error(number, "a `~/~ end` without its `~/~ begin` (a marker line was "
                             f"deleted or damaged); {RESTORE}")
        if end["indent"] != top.indent:
            raise self.error(number, f"this `~/~ end` is indented differently from the "
                             f"`~/~ begin` of {top.block} (line {top.line}); {RESTORE}")
        self.blocks.setdefault(top.block, []).append(
            Block("\n".join(top.lines), top.line, top.literal))
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
            top.literal.append((number, top.lines[-1]))

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


def line_origins(path: str, text: str) -> dict[int, tuple[BlockId, int]]:
    """{line number: (block, index of the line in the block's text)} for the lines of a tangled
    file that are a block's own (a nested block's `~/~ begin` counts as its `<<name>>` line)."""
    reader, origins = _Reader(path), {}
    for number, line in enumerate(text.splitlines(), start=1):
        reader.read(line, number)
        frame = reader.stack[-1] if "~/~ begin" not in line else reader.stack[-2]
        if frame.block is not None and "~/~ end" not in line:
            origins[number] = (frame.block, len(frame.lines) - 1)
    return origins


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
    literal: tuple[tuple[int, str], ...] = ()  # (line in the file, text) of the lines typed


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
    older: dict[BlockId, tuple[Edit, str]] = field(default_factory=dict)  # (copy, seen where)

    def older_lines(self, lines: dict[BlockId, int]) -> list[str]:
        """One line for each file holding older texts of blocks: not edits, not carried."""
        by_file: dict[str, list[tuple[Edit, str]]] = {}
        for edit, since in self.older.values():
            by_file.setdefault(edit.path, []).append((edit, since))
        found = []
        for path, olds in sorted(by_file.items()):
            first, since = olds[0]
            block = first.block
            what = (f"block {block.name} holds an older text ({since}) than "
                    f"{block.chapter}:{lines.get(block, 1)}" if len(olds) == 1 else
                    f"{len(olds)} blocks ({', '.join(e.block.name for e, _ in olds)}) hold older "
                    f"texts than their chapters ({since}, ...)")
            found.append(f"stitch: {path}:{first.line}: {what}: the file is older than its "
                         "chapters, not edited by hand there; nothing was changed: run `make "
                         "tangle` to bring it up to date (edits of other blocks stay), or, to go "
                         "back to an older text, make that edit in the chapter")
        return found


def edits_in(path: str, text: str, tangled: str | None, base: dict[BlockId, str]) -> list[Edit]:
    """The blocks of one file under code/ that differ from their last tangled text.

    `tangled` is the file as last tangled (None if it was not a target then). A file whose
    marker lines are not those last tangled (one deleted, damaged or added) is a MarkerError
    naming the first line where they part.
    """
    if tangled is not None:
        check_markers(path, text, tangled)
    return [Edit(block, path, copy.line, copy.text, tuple(copy.literal))
            for block, copies in sorted(blocks_of(path, text).items()) for copy in copies
            if copy.text != base.get(block)]


# characters that end a line for entangled (str.splitlines) but not for the files it writes
SPLITS = {"\x0b": "a vertical tab", "\x0c": "a form feed", "\x1c": "U+001C", "\x1d": "U+001D",
          "\x1e": "U+001E", "\x85": "U+0085 (next line)", "\u2028": "U+2028 (line separator)",
          "\u2029": "U+2029 (paragraph separator)", "\r": "a carriage return"}


def split_characters(path: str, text: str, command: str = "stitch") -> list[str]:
    """Lines of a file under code/ holding a character that entangled's reading splits them at
    (a tangle never writes one): carried into a chapter, the line would become two."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")  # a file saved with CRLF line ends reads as LF
        if odd := next((c for c in line if c in SPLITS), None):
            found.append(f"{command}: {path}:{number}: this line holds {SPLITS[odd]}, which "
                          "entangled reads as a line break, so the chapter would get two lines: "
                          "write it as an escape (\\u2028, say) or delete it; nothing was changed")
    return found


def hazards(edit: Edit, command: str = "stitch") -> list[str]:
    """Lines of an edit that would mean something else once written into its chapter; each a
    line saying so and what to write instead."""
    found = []
    for number, line in edit.literal:
        where = f"{command}: {edit.path}:{number}: "
        if m := fences.REFERENCE.match(line):
            found.append(f"{where}a line holding only <<{m['name']}>> would become an "
                         f"instruction in {edit.block.chapter} (include block {m['name']} here); "
                         "nothing was changed: put more on the line (a comment, say), then run "
                         f"`make {command}` again")
        elif re.match(r"```\s*$", line):
            found.append(f"{where}a line holding only ``` would end the block in "
                         f"{edit.block.chapter}; nothing was changed: indent it or put more on "
                         f"the line, then run `make {command}` again")
        elif fences.ENTANGLED_IGNORE.match(line):
            found.append(f"{where}entangled reads `{line.strip()}` as the edge of a region it "
                         f"ignores, once it is in {edit.block.chapter}; nothing was changed: "
                         f"write it another way, then run `make {command}` again")
    return found


def fingerprint(text: str) -> str:
    """A block's text, up to blank lines at its end and spaces on blank lines, as a short hash:
    the form in which earlier texts of a block are remembered and compared."""
    lines = [line if line.strip() else "" for line in text.split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8", "surrogateescape")
                          ).hexdigest()[:24]


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


Older = Callable[[BlockId, str], str]  # (block, text) -> where the block had it before, or ""


def never_older(block: BlockId, text: str) -> str:
    return ""


def plan_stitch(edits: list[Edit], base: dict[BlockId, str], chapters: dict[BlockId, str],
                older: Older = never_older, lines: dict[BlockId, int] | None = None,
                command: str = "stitch") -> StitchPlan:
    """Decide, block by block, what a stitch carries from the files into the chapters.

    base: the block texts last tangled; chapters: the block texts the chapters tangle to now;
    edits: blocks that differ in the files from base; older(block, text): where the block had
    that text before ("" if never); lines: the line of each block's fence in its chapter, for
    the messages. An edit the chapter already holds is done; an older text is not an edit (the
    chapter wins); an edit whose chapter block is unchanged since the last tangle is carried;
    any other is a conflict (both sides changed the block, or it is gone from its chapter).
    """
    carry: dict[BlockId, str] = {}
    sources: dict[BlockId, str] = {}
    conflicts: list[Conflict] = []
    stale: dict[BlockId, tuple[Edit, str]] = {}
    by_block: dict[BlockId, list[Edit]] = {}
    for edit in edits:
        by_block.setdefault(edit.block, []).append(edit)
    for block, found in sorted(by_block.items()):
        first = found[0]
        where = f"{command}: {first.path}:{first.line}: block {block.name}"
        chapter = f"{block.chapter}:{(lines or {}).get(block, 1)}"
        if len({e.text for e in found}) > 1:
            other = next(e for e in found if e.text != first.text)
            conflicts.append(Conflict(
                f"{where} is edited differently here and at {other.path}:{other.line} (the "
                f"block is included twice); make both copies alike, then run `make {command}` "
                "again"))
        elif chapters.get(block) == first.text:
            continue
        elif since := older(block, first.text):
            stale[block] = (first, since)
        elif block not in chapters:
            conflicts.append(Conflict(
                f"{where} was edited here but is gone from {block.chapter}; nothing was "
                "changed: copy the edit into the chapter by hand if you want it, undo it here, "
                "then run `make tangle`"))
        elif block not in base:
            conflicts.append(Conflict(
                f"{where} differs from {chapter} and there is no record of its last tangle to "
                f"tell which side changed; nothing was changed: make the two alike (keep either "
                f"text, or both edits), then run `make {command}` again"))
        elif chapters[block] == base[block]:
            carry[block] = first.text
            sources[block] = first.path
        else:
            conflicts.append(Conflict(
                f"{where} was changed both here and in {chapter}, differently; nothing was "
                "changed: make the two alike (copy one side over the other, or write both "
                f"edits into both), then run `make {command}` again"))
    return StitchPlan(carry, sources, conflicts, stale)


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
