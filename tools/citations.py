"""Citations that link to the References page: a Python-Markdown extension.

The chapters cite by author and year, as a reader expects: "Bengio et al. (2003)",
"(Chen and Goodman, 1999)", "Ney, Essen and Kneser, 1994". Each entry of docs/references.md
opens with an anchor `<a id="surname-year">` named for its first author and its year; this
extension reads those anchors and turns every citation of a known work in the prose into a link
to its entry. Code and mathematics are left alone (Python-Markdown runs inline patterns on text
only). A citation of a work with no entry stays plain text, and tests/test_references.py fails
on it.

    markdown_extensions:
      - citations:            # tools/ is on the path of the build
          references: docs/references.md
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

ANCHOR = re.compile(r'<a id="(?P<key>(?P<surname>[a-z-]+)-(?P<year>\d{4}))"></a>')
NAME = r"[A-Z][\w'-]+"
# "Bengio et al.", "Chen and Goodman", "Ney, Essen and Kneser", or one surname; then the year
# in parentheses ("Bengio et al. (2003)") or after a comma ("(Bengio et al., 2003)").
CITATION = (
    rf"(?P<first>{NAME})(?: et al\.| and {NAME}|(?:, {NAME})+ and {NAME})?"
    r"(?: \((?P<year1>\d{4})\)|, (?P<year2>\d{4}))"
)


def reference_keys(path: str | Path) -> set[str]:
    """The keys ("bengio-2003", ...) of the entries of the References page."""
    return {m["key"] for m in ANCHOR.finditer(Path(path).read_text(encoding="utf-8"))}


def citation_key(first_author: str, year: str) -> str:
    return f"{first_author.lower()}-{year}"


class CitationPattern(InlineProcessor):
    def __init__(self, keys: set[str], page: str):
        super().__init__(CITATION)
        self.keys, self.page = keys, page

    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        key = citation_key(m["first"], m["year1"] or m["year2"])
        if key not in self.keys:
            return None, None, None  # not a work we list: leave the text as it is
        link = etree.Element("a", {"href": f"{self.page}#{key}", "class": "citation"})
        link.text = AtomicString(m.group(0))  # never scanned again, so never linked twice
        return link, m.start(0), m.end(0)


class CitationExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "references": ["docs/references.md", "the References page (a path)"],
            "page": ["/references.md", "its address in links (absolute, from docs/)"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        keys = reference_keys(self.getConfig("references"))
        # After the link and code patterns, which therefore keep their text to themselves.
        md.inlinePatterns.register(CitationPattern(keys, self.getConfig("page")), "citation", 15)


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's entry point)
    return CitationExtension(**kwargs)
