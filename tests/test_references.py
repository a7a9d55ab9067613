"""Every work the chapters cite has an entry on the References page, every entry is cited, and a
citation becomes a link to its entry (tools/citations.py)."""

import re
from pathlib import Path

import citations

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCES = DOCS / "references.md"
FENCE = re.compile(r"^[ \t]*(```+|~~~+).*?^[ \t]*\1[ \t]*$", re.M | re.S)
INLINE = re.compile(r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$", re.S)


def prose(path: Path) -> str:
    """The text of a chapter without code blocks, inline code and mathematics."""
    return INLINE.sub(" ", FENCE.sub(" ", path.read_text(encoding="utf-8")))


def cited_keys() -> dict[str, list[str]]:
    """{key: [chapters citing it]} over every chapter but the References page itself."""
    found: dict[str, list[str]] = {}
    for path in sorted(DOCS.rglob("*.md")):
        if path == REFERENCES:
            continue
        for m in re.finditer(citations.CITATION, prose(path)):
            key = citations.citation_key(m["first"], m["year1"] or m["year2"])
            found.setdefault(key, []).append(path.relative_to(DOCS).as_posix())
    return found


def test_every_citation_has_an_entry_and_every_entry_is_cited():
    listed, cited = citations.reference_keys(REFERENCES), cited_keys()
    missing = {key: pages for key, pages in cited.items() if key not in listed}
    assert not missing, f"cited but not on the References page: {missing}"
    unused = sorted(listed - set(cited))
    assert not unused, f"on the References page but cited nowhere: {unused}"


def test_the_pattern_reads_the_book_s_citation_forms():
    forms = {"Bengio et al. (2003)": "bengio-2003", "Chen and Goodman, 1999": "chen-1999",
             "Ney, Essen and Kneser, 1994": "ney-1994", "Cybenko, 1989": "cybenko-1989",
             "He et al. (2015)": "he-2015"}
    for text, key in forms.items():
        m = re.fullmatch(citations.CITATION, text)
        assert m and citations.citation_key(m["first"], m["year1"] or m["year2"]) == key, text


def test_a_citation_becomes_one_link_to_its_entry():
    import markdown

    md = markdown.Markdown(extensions=[citations.CitationExtension(references=str(REFERENCES))])
    html = md.convert("As **Kneser and Ney (1995)** and `Bengio et al. (2003)` and Smith (2001).")
    assert html.count('href="/references.md#kneser-1995"') == 1  # once, even inside bold
    assert "bengio-2003" not in html and "Smith (2001)" in html  # code stays code; unknown: text


def test_no_citation_sits_inside_a_link_of_its_own():
    link_text = re.compile(r"\[([^\]]*)\]\(")
    nested = [(path.name, m[1]) for path in DOCS.rglob("*.md")
              for m in link_text.finditer(prose(path)) if re.search(citations.CITATION, m[1])]
    assert not nested, f"a citation is linked automatically; drop the manual link: {nested}"
