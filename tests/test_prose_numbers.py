"""No measured number is typed into the prose (the house rule): a speed, a time, a memory size,
a loss or a ratio comes from an executed block, so it changes when the code does. Nor does a
vague word stand in for one: "a few seconds", "twice as fast", "orders of magnitude", "far
longer" and "dramatically" are claims about a measurement, and either the measurement is printed
by an executed block (with the sentence around it), or the sentence says something that is true
whatever a run prints.

A checker cannot tell a measured number from a defined one in general, so this one looks for the
shapes measured claims take in this book:

- MEASURED: a number with a unit of time, speed or memory; a loss or ratio with two or more
  decimals; "N times faster"; "many times slower"; "made no difference";
- VAGUE: durations in words ("a few seconds", "within a second", "ten minutes"); ratios in
  words ("twice", "half", "doubles", "tenfold"); "orders of magnitude"; vague counts ("hundreds
  of", "tens of", "millions of"); vague comparisons ("far longer", "much smaller"); intensifiers
  that stand for a measurement ("dramatically", "hugely", "negligible").

It reads every chapter under docs/ (not the references, which are bibliography), the README,
and the help texts of the Makefile (`make` alone prints them). Code, mathematics, link targets
and HTML are left out, but the comments of shell sessions are prose (`make demo   # about 2
minutes` is a claim). The outputs of executed blocks are not in the source, so they are not
read: that is where measured numbers belong.

A flagged phrase that is a definition or a fact, not a measurement ("each position is read
twice" as a fact of an algorithm), goes into ALLOWED with its reason; prefer rewording, and keep
that list short. NOT_YET_READ lists the pages whose owners are rewriting them now: the VAGUE
patterns skip them until their owners fix what the patterns flag (the MEASURED ones read them).

Two more checks keep the Markdown clean: no control character (any byte below 0x20 but the
newline: a tab, a carriage return, a bell) in the Markdown; and no TeX command in a Python string
of a chapter's code that Python reads as an escape (`"$\\text{x}$"` written without the doubled
backslash becomes a tab and `ext{x}` on the page, `"\\approx"` a bell and `pprox`).
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HIDDEN = re.compile(r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|\]\([^)]*\)|<[^>\n]+>", re.S)
NUMBER = r"\d[\d,]*(?:\.\d+)?"
UNITS = (r"(?:s|ms|µs|seconds?|minutes?|min|hours?|[KMG]i?B|bytes|GFLOP/s|FLOP/s|examples?/s|"
         r"steps?/s|ex/s|chars?/s|characters per second|bpc|bits per character|nats|x|×)")
MEASURED = [
    (rf"(?<![\w.]){NUMBER}\s?{UNITS}(?![\w])", "a number with a unit of time, speed, size or loss"),
    (r"(?<![\w.])(?<!Python )\d+\.\d{2,}(?![\w])", "a number with two or more decimals"),
    (rf"(?<![\w.]){NUMBER} times (?:faster|slower|more|less|larger|smaller)", "a measured ratio"),
    (r"\b(?:many|several|some|a few|ten|hundreds? of|thousands? of) times "
     r"(?:faster|slower|more|less)", "a vague measured ratio: print the measured one"),
    (r"\bmade (?:no|little) difference\b|\bsome per ?cent\b", "a measurement stated without one"),
]
WORDS = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
         r"thirty|forty|fifty|sixty|a hundred|a thousand|a dozen|a couple of|a few|several|some|"
         r"many|dozens of|hundreds of|thousands of)")
TIME = r"(?:(?:milli|micro)?seconds?|minutes?|hours?)"
COMPARATIVE = (r"(?:faster|slower|longer|shorter|larger|smaller|bigger|better|worse|more|less|"
               r"fewer|higher|lower|stronger|weaker|cheaper|sparser|denser|harder|easier|quicker)")
VAGUE = [
    (rf"\b{WORDS}\s+{TIME}\b", "a duration in words: print the measured one"),
    (r"\bwithin (?:a|an|one) (?:second|minute|hour)\b"
     r"|\b(?:in|under|about|around|nearly|almost|roughly|less than|more than|over) (?:a|an|one) "
     r"(?:second|minute|hour)\b(?=\s*(?:$|[^\w\s]|(?:or|and|to|per|we|it|on|of|with|the|for)\b))",
     "a duration in words: print the measured one"),
    (rf"\b{WORDS} times {COMPARATIVE}\b|\b(?:two|three|four|five|ten|hundred|thousand|many|"
     r"several)-?fold\b", "a ratio in words: print the measured one"),
    (r"\b(?:twice|thrice|half|halves|halved|halving|doubles|doubled|doubling|tripled?)\b(?!-)",
     "a ratio in words: print the measured one, or say what is counted"),
    (rf"\b{WORDS} per ?cent\b", "a share in words: print the measured one"),
    (r"\borders? of magnitude\b", "a ratio in words: print the measured one"),
    (r"\b(?:tens|hundreds|thousands|millions|billions|dozens) of\b",
     "a vague count: print the count"),
    (rf"\b(?:far|much|vastly|way|a lot) {COMPARATIVE}\b",
     "a vague comparison: print the measured difference"),
    (r"\b(?:dramatic(?:ally)?|drastic(?:ally)?|vast(?:ly)?|huge(?:ly)?|enormous(?:ly)?|"
     r"massive(?:ly)?|tremendous(?:ly)?|substantial(?:ly)?|considerabl[ey]|negligibl[ey]|"
     r"hopeless(?:ly)?)\b", "an intensifier standing for a measurement: print the measurement"),
]
# (page, phrase as flagged, why it is not a measurement). Keep this list short.
ALLOWED = {
    ("stage-03/cross-entropy.md", "709.8"): "where exp overflows float64: ln of its largest value",
    ("stage-03/feed-forward.md", "4 KB"): "the size of a memory page: a fact of the hardware",
    ("stage-03/speed.md", "4 KB"): "the size of a memory page: a fact of the hardware",
    ("stage-03/speed.md", "32 MB"): "glibc's largest mmap threshold: a setting, not a measurement",
    ("stage-03/exercises.md", "0.01"): "a temperature the exercise asks the reader to handle",
    ("stage-03/exercises.md", "five minutes"): "open problem 31's budget: a rule, not measured",
    ("stage-03/exercise-solutions.md", "five minutes"): "open problem 31's budget, in its title",
    ("stage-03/command-line.md", "150 MB"): "the memory goal set by the issue, not a measurement",
    ("stage-03/command-line.md", "200 MB"): "the size of the file the benchmark writes",
    ("stage-03/command-line.md", "8 bytes"): "the size of a float64: a definition",
    ("stage-03/command-line.md", "2 GB"): "the address-space limit the tests set",
    ("stage-03/speed.md", "300 MB"): "the memory goal of the benchmark, not a measurement",
    ("stage-03/speed.md", "41 MB"): "1024 × 10,000 × 4 bytes, computed in the same sentence",
    ("stage-03/speed.md", "256 KB"): "65,536 float32 numbers: the size of Adam's slice, a setting",
    ("stage-03/speed.md", "0.10"): "the goal set for Adam's overhead, not a measurement",
}
# Pages that other engineers are rewriting now. The VAGUE patterns skip them until their owners
# have fixed what the patterns flag there; then remove the entry. Every page is read today.
NOT_YET_READ: dict[str, str] = {}
CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f]")
SHELL = {"bash", "sh", "shell", "console"}
MAKE_HELP = re.compile(r"^[a-z-]+:.*?## (?P<help>.*)$")
LOST_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\[abfrtv][A-Za-z]")  # \t of \text, \a of \approx


def prose_lines(path: Path):
    """(line number, text) of a Markdown file, without code blocks, code, maths, links and HTML;
    of a shell session, its comments stay: they are sentences the reader takes at their word."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for fence in fences.parse(lines):  # the site's own reading of the fences
        last = min(fence.end, len(lines) - 1)
        for k in range(fence.start, last + 1):
            inside = fence.start < k < fence.end
            comment = re.search(r"(?:^|\s)#\s(.*)$", lines[k]) if inside else None
            lines[k] = comment[1] if comment and fence.language in SHELL else ""
    text = HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines))
    return enumerate(text.split("\n"), start=1)


def make_help_lines(path: Path):
    """(line number, help text) of each target of a Makefile: what `make` alone prints."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if m := MAKE_HELP.match(line):
            yield number, m["help"]


def sources() -> list[tuple[str, list[tuple[int, str]]]]:
    """(name, its prose lines) of every file the checker reads."""
    read = [(p.relative_to(DOCS).as_posix(), list(prose_lines(p)))
            for p in sorted(DOCS.rglob("*.md")) if p.name != "references.md"]
    read.append(("README.md", list(prose_lines(ROOT / "README.md"))))
    read.append(("Makefile", list(make_help_lines(ROOT / "Makefile"))))
    return read


def flagged(read=None, not_yet_read=None) -> list[str]:
    """Every phrase of the prose that one of the patterns flags and ALLOWED does not excuse."""
    read = sources() if read is None else read
    not_yet_read = NOT_YET_READ if not_yet_read is None else not_yet_read
    found = []
    for name, lines in read:
        patterns = MEASURED + ([] if name in not_yet_read else VAGUE)
        for number, line in lines:
            for pattern, why in patterns:
                for m in re.finditer(pattern, line, re.I):
                    if (name, m.group(0)) not in ALLOWED:
                        found.append(f"{name}:{number}: {m.group(0)!r}: {why}")
    return found


def control_characters(path: Path) -> list[str]:
    """Where a file holds a byte below 0x20 other than the newline."""
    found = []
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        for m in CONTROL.finditer(line):
            found.append(f"{path.name}:{number}: byte {m.group(0)!r} at column {m.start() + 1}")
    return found


def lost_tex_escapes(markdown: str) -> list[str]:
    """Python strings holding `$` in the chapter's code in which a TeX command starts with an
    escape Python reads as a control character (\\t, \\a, \\b, \\f, \\r, \\v)."""
    found = []
    for fence in fences.parse(markdown.split("\n")):
        if fence.language != "python":
            continue
        try:
            tokens = list(tokenize.generate_tokens(io.StringIO(fence.source).readline))
        except (tokenize.TokenError, SyntaxError):
            continue  # not Python as a whole (a wrong version shown for contrast): nothing to read
        for token in tokens:
            if token.type != tokenize.STRING or "$" not in token.string:
                continue
            prefix = re.match(r"[A-Za-z]*", token.string)[0].lower()
            if "r" not in prefix and (m := LOST_ESCAPE.search(token.string)):
                found.append(f"line {fence.start + 1 + token.start[0]}: {m.group(0)!r} in "
                             f"{token.string[:60]}")
    return found


# ---- the book ------------------------------------------------------------------------------


def test_no_measured_number_is_typed_into_the_prose():
    found = flagged()
    assert not found, ("typed or vague measurements (print them from a .run block, say what is "
                       "true whatever the run prints, or allow-list a definition in "
                       "tests/test_prose_numbers.py):\n" + "\n".join(found))


def test_no_control_character_in_the_markdown():
    found = [hit for path in [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]
             for hit in control_characters(path)]
    assert not found, "control characters (a tab in maths renders `\\text` as `ext`):\n" + \
        "\n".join(found)


def test_no_tex_command_is_lost_to_a_python_escape():
    found = [f"{path.relative_to(DOCS)}: {hit}" for path in sorted(DOCS.rglob("*.md"))
             for hit in lost_tex_escapes(path.read_text(encoding="utf-8"))]
    assert not found, "write \\\\text (or a raw string r\"...\") in maths:\n" + "\n".join(found)


def test_the_lists_name_pages_that_exist():
    names = {name for name, _ in sources()}
    stale = sorted({page for page, _ in ALLOWED} - names) + sorted(set(NOT_YET_READ) - names)
    assert not stale, f"ALLOWED or NOT_YET_READ name pages that do not exist: {stale}"


# ---- the checker itself, on planted pages ------------------------------------------------

PLANTED = {
    "trains at 55,000 examples/s": "a number with a unit",
    "a loss of 2.162": "two decimals",
    "took 40 seconds": "a number with a unit",
    "is 3 times faster": "a measured ratio",
    "many times slower": "a vague ratio",
    "made no difference": "no measurement",
    "peaks at 150 MB": "a number with a unit",
    "the whole page runs in a few seconds": "a duration in words",
    "to reach the minimum within a second we use Adam": "a duration in words",
    "it takes ten minutes": "a duration in words",
    "the sort is twice as fast": "a ratio in words",
    "in half the time": "a ratio in words",
    "ten times faster than before": "a ratio in words",
    "a tenfold gain": "a ratio in words",
    "after hundreds of steps": "a vague count",
    "misses by orders of magnitude": "orders of magnitude",
    "training takes far longer": "a vague comparison",
    "paid off dramatically for words": "an intensifier",
    "a few per cent of the step": "a share in words",
}
NOT_FLAGGED = ["chapter 3.5", "orders 1 to 8", "an 80 / 10 / 10 split", "Stage 4",
               "a second backward pass adds the same gradient", "in a second pass we",
               "the half-open interval"]


def planted_page(tmp_path, text, name="page.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_checker_flags_each_kind_it_claims(tmp_path):
    for sentence, kind in PLANTED.items():
        page = planted_page(tmp_path, f"# A page\n\nWe find that {sentence}, as shown.\n")
        found = flagged([("page.md", list(prose_lines(page)))], not_yet_read={})
        assert found, f"not flagged ({kind}): {sentence!r}"
    for sentence in NOT_FLAGGED:
        page = planted_page(tmp_path, f"# A page\n\n{sentence}.\n")
        assert not flagged([("page.md", list(prose_lines(page)))], not_yet_read={}), sentence


def test_the_checker_reads_prose_and_shell_comments_not_code_or_maths(tmp_path):
    page = planted_page(tmp_path, "\n".join([
        "# A README",
        "",
        "```bash",
        "make demo   # the comparison (about 2 minutes)",
        "sleep 5s",
        "```",
        "",
        "```python",
        "time.sleep(3)  # 3 s: code, not prose",
        "```",
        "",
        "In maths $t = 2.50 s$ and in code `3 s` are not prose; a link [x](a-2.50s.md) neither.",
    ]))
    found = flagged([("README.md", list(prose_lines(page)))], not_yet_read={})
    assert [hit.split(": ")[1] for hit in found] == ["'2 minutes'"], found


def test_the_checker_reads_the_make_help_and_skips_pages_not_yet_read(tmp_path):
    makefile = planted_page(tmp_path, "demo: x  ## the comparison (~2 min)\n\trun it\n", "Makefile")
    assert flagged([("Makefile", list(make_help_lines(makefile)))], not_yet_read={})
    page = planted_page(tmp_path, "# A page\n\nIt runs in a few seconds and peaks at 150 MB.\n")
    lines = list(prose_lines(page))
    skipped = flagged([("page.md", lines)], not_yet_read={"page.md": "being rewritten"})
    assert [hit.split(": ")[1] for hit in skipped] == ["'150 MB'"]  # MEASURED still reads it


def test_the_control_character_checks_catch_what_they_claim(tmp_path):
    tab_in_maths = planted_page(tmp_path, "a multiplication by $1/(B \\cdot \text{total})$\n")
    bell_and_cr = planted_page(tmp_path, "x \\approx y \x07pprox\r\n", "b.md")
    clean = planted_page(tmp_path, "# Fine\n\n$\\text{total}$\n", "c.md")
    assert len(control_characters(tab_in_maths)) == 1
    assert len(control_characters(bell_and_cr)) == 2
    assert control_characters(clean) == []
    chapter = "\n".join([
        "``` {.python .run output=markdown}",
        'print(f"$1/(B \\text{{total}})$ and $x \\approx {1:.2f}$")',
        'print(r"$\\text{raw strings are fine}$", "$\\\\text{so are doubled backslashes}$")',
        'print("a\\tb")  # a tab outside maths is the author\'s business',
        "```",
    ])
    found = lost_tex_escapes(chapter)
    assert len(found) == 1 and "'\\\\te'" in found[0], found  # one hit per string: \t of \text
