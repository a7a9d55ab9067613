"""The site builds strictly, loads nothing from the network, and its executed parts ran."""

import hashlib
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
EXTERNAL_ASSET = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref=["']?(?:https?:)?//[^>]*>"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//"""
    r"""|url\(["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)


def test_no_page_loads_anything_from_the_network(site):
    offenders = []
    for page in html_pages(site):
        for line in page.read_text(encoding="utf-8").splitlines():
            if EXTERNAL_ASSET.search(line):
                offenders.append(f"{page.relative_to(site)}: {line.strip()[:160]}")
    assert not offenders, "\n".join(offenders)


def test_the_asset_check_can_fail():
    assert EXTERNAL_ASSET.search('<script src="https://cdn.example/mathjax.js"></script>')
    assert EXTERNAL_ASSET.search('<link rel="stylesheet" href="//fonts.example/css">')
    assert not EXTERNAL_ASSET.search('<a href="https://arxiv.org/abs/1234">paper</a>')


def test_mathjax_is_served_by_the_site(site):
    assert (site / "assets" / "mathjax" / "tex-chtml.js").stat().st_size > 100_000
    assert any((site / "assets" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))


def test_every_page_of_the_nav_is_built(site):
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)

    def sources(nav):
        for item in nav:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                yield from sources(value)
            else:
                yield value

    for source in sources(config["nav"]):
        stem = re.sub(r"\.(md|py)$", "", source)
        folder = stem[: -len("index")] if stem.endswith("index") else stem + "/"
        built = site / folder / "index.html"
        assert built.exists(), f"{source} was not built (expected {built.relative_to(site)})"


def test_labs_and_run_blocks_executed(site):
    lab_pages = list((site / "labs").glob("*/index.html"))
    assert lab_pages, "no lab was built"
    for page in lab_pages:
        text = page.read_text(encoding="utf-8")
        assert "data:image/png;base64" in text, f"{page.parent.name}: no executed figure"
        assert "lab-downloads" in text, f"{page.parent.name}: no download links"
        notebook = json.loads((site / "labs" / f"{page.parent.name}.ipynb").read_text())
        assert notebook["cells"], f"{page.parent.name}.ipynb has no cells"
    run_outputs = [p for p in html_pages(site) if "run when the site is built" in p.read_text()]
    assert run_outputs, "no chapter has an executed block"


def test_search_index_covers_the_chapters(site):
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Value" in index and "topological" in index


class LinksAndIds(HTMLParser):
    """Collect the ids of a page and the internal links (href) it makes."""

    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        href = attrs.get("href") if tag in ("a", "link") else None
        if href and not re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.IGNORECASE):
            self.links.append(href)


def parse(page):
    parser = LinksAndIds()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_internal_links_and_anchors_resolve(site):
    parsed = {page: parse(page) for page in html_pages(site)}
    broken = []
    for page, found in parsed.items():
        for href in found.links:
            path, _, anchor = href.partition("#")
            if path.startswith("/"):  # only the 404 page uses root-relative links
                target = site / path.lstrip("/")
            else:
                target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)}: {href} (no such file)")
                continue
            if anchor and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if anchor not in ids:
                    broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


# --------------------------------------------------------------------------------------------
# run-outputs/: the committed outputs of the executed blocks cover the book as it is


REFRESH = ("Refresh them and commit them with the change: make outputs && git add run-outputs "
           "&& git commit")


def test_the_committed_outputs_cover_the_current_content(run_report):
    """The build ran nothing: run-outputs/ held every session's output, for the code as it is."""
    ran = [f"  {e['page']} [session {e['session']}]: {e['reason']}"
           for e in run_report["executed"]]
    if run_report["labs_executed"]:
        ran.append(f"  the labs: {run_report['labs_reason'] or 'a lab is new or edited'}")
    assert not ran, ("the site build had to run executed blocks, because run-outputs/ did not "
                     "hold their output for the current content:\n" + "\n".join(ran)
                     + f"\n{REFRESH}")


def shown_outputs(run_report) -> set[str]:
    """The files of run-outputs/ that the build showed: entries, figures, files for the site."""
    shown = set(run_report["used"])
    for name in run_report["used"]:
        entry = json.loads((ROOT / name).read_text(encoding="utf-8"))
        shown.update(f"run-outputs/assets/{stored}" for stored in entry.get("assets", {}).values())
        for block in entry["blocks"]:
            shown.update(f"run-outputs/figures/{f['png']}" for f in block["figures"])
    return shown


def test_the_outputs_the_site_shows_are_in_git(run_report):
    """In git as they are (committed, or added): not untracked, not changed since (figures and
    the files for the site are named by their content: a changed one is not what it says)."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    proc = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--",
                           "run-outputs"], cwd=ROOT, capture_output=True, text=True, check=True)
    not_committed = {line[3:] for line in proc.stdout.splitlines()
                     if line.startswith("??") or line[1] in "MD"}  # untracked, or changed
    missing = sorted(shown_outputs(run_report) & not_committed)
    assert not missing, ("the site shows outputs that git does not hold as they are:\n  "
                         + "\n  ".join(missing) + f"\n{REFRESH}")


def test_the_site_serves_the_files_its_entries_name_as_stored(site, run_report):
    """Each file the executed blocks wrote for the site (run-outputs/assets/, named by its
    content) is served under its own name in assets/models/, byte for byte."""
    served = site / "assets" / "models"
    for name, stored in run_report["assets"].items():
        data = (ROOT / "run-outputs" / "assets" / stored).read_bytes()
        assert hashlib.sha256(data).hexdigest().startswith(stored.split(".")[0]), stored
        assert (served / name).read_bytes() == data, f"assets/models/{name} is not {stored}"
    extra = sorted({p.name for p in served.iterdir()} - set(run_report["assets"])
                   if served.is_dir() else ())
    assert not extra, f"assets/models/ serves files no entry shown names: {extra}"
