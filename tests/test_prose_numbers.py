"""No measured number is typed into the prose (the house rule): a speed, a time, a memory size,
a loss or a ratio comes from an executed block, so it changes when the code does.

A checker cannot tell a measured number from a defined one in general, so this one looks for the
shapes measured claims take in this book: a number with a unit of time, speed or memory; a loss
or ratio with two or more decimals; "N times faster"; and the vague stand-ins for a measurement
("many times slower", "made no difference"). Code, mathematics, link targets and HTML are left
out; so are the outputs of executed blocks (they are not in the source). A flagged phrase that is
a definition or a fact, not a measurement, goes into ALLOWED with its reason.
"""

import re
from pathlib import Path

import fences

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
HIDDEN = re.compile(r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|\]\([^)]*\)|<[^>\n]+>", re.S)
NUMBER = r"\d[\d,]*(?:\.\d+)?"
UNITS = (r"(?:s|ms|µs|seconds?|minutes?|hours?|[KMG]i?B|bytes|GFLOP/s|FLOP/s|examples?/s|"
         r"steps?/s|ex/s|chars?/s|characters per second|bpc|bits per character|nats|x|×)")
MEASURED = [
    (rf"(?<![\w.]){NUMBER}\s?{UNITS}(?![\w])", "a number with a unit of time, speed, size or loss"),
    (r"(?<![\w.])(?<!Python )\d+\.\d{2,}(?![\w])", "a number with two or more decimals"),
    (rf"(?<![\w.]){NUMBER} times (?:faster|slower|more|less|larger|smaller)", "a measured ratio"),
    (r"\b(?:many|several|some|a few|ten|hundreds? of|thousands? of) times "
     r"(?:faster|slower|more|less)", "a vague measured ratio: print the measured one"),
    (r"\bmade (?:no|little) difference\b|\bsome per ?cent\b", "a measurement stated without one"),
]
# (chapter, phrase as flagged, why it is not a measurement). Keep this list short.
ALLOWED = {
    ("stage-03/cross-entropy.md", "709.8"): "where exp overflows float64: ln of its largest value",
    ("stage-03/feed-forward.md", "4 KB"): "the size of a memory page: a fact of the hardware",
    ("stage-03/speed.md", "4 KB"): "the size of a memory page: a fact of the hardware",
    ("stage-03/speed.md", "32 MB"): "glibc's largest mmap threshold: a setting, not a measurement",
    ("stage-03/exercises.md", "0.01"): "a temperature the exercise asks the reader to handle",
    ("stage-03/command-line.md", "150 MB"): "the memory goal set by the issue, not a measurement",
    ("stage-03/command-line.md", "200 MB"): "the size of the file the benchmark writes",
    ("stage-03/command-line.md", "8 bytes"): "the size of a float64: a definition",
    ("stage-03/command-line.md", "2 GB"): "the address-space limit the tests set",
    ("stage-03/speed.md", "300 MB"): "the memory goal of the benchmark, not a measurement",
    ("stage-03/speed.md", "41 MB"): "1024 × 10,000 × 4 bytes, computed in the same sentence",
    ("stage-03/speed.md", "256 KB"): "65,536 float32 numbers: the size of Adam's slice, a setting",
    ("stage-03/speed.md", "0.10"): "the goal set for Adam's overhead, not a measurement",
}


def prose_lines(path: Path):
    """(line number, text) of a chapter, without code blocks, code, maths, links and HTML."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for fence in fences.parse(lines):  # the site's own reading of the fences
        last = min(fence.end, len(lines) - 1)
        lines[fence.start : last + 1] = [""] * (last - fence.start + 1)
    text = HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines))
    return enumerate(text.split("\n"), start=1)


def flagged() -> list[str]:
    found = []
    for path in sorted(DOCS.rglob("*.md")):
        chapter = path.relative_to(DOCS).as_posix()
        if chapter == "references.md":
            continue
        for number, line in prose_lines(path):
            for pattern, why in MEASURED:
                for m in re.finditer(pattern, line, re.I):
                    if (chapter, m.group(0)) not in ALLOWED:
                        found.append(f"{chapter}:{number}: {m.group(0)!r}: {why}")
    return found


def test_no_measured_number_is_typed_into_the_prose():
    found = flagged()
    assert not found, ("typed numbers (print them from a .run block, or allow-list a definition "
                       "in tests/test_prose_numbers.py):\n" + "\n".join(found))


def test_the_checker_catches_the_shapes_it_claims():
    samples = ["trains at 55,000 examples/s", "a loss of 2.162", "took 40 seconds",
               "is 3 times faster", "many times slower", "made no difference", "peaks at 150 MB"]
    for text in samples:
        assert any(re.search(p, text, re.I) for p, _ in MEASURED), text
    for text in ["chapter 3.5", "orders 1 to 8", "an 80 / 10 / 10 split", "Stage 4"]:
        assert not any(re.search(p, text, re.I) for p, _ in MEASURED), text
