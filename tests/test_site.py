"""The site builds strictly, loads nothing from the network, and its executed parts ran."""

import os
import re
import subprocess
import sys
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


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def html_pages(site):
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


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
        built = site / (stem[: -len("index")] if stem.endswith("index") else stem + "/") / "index.html"
        assert built.exists(), f"{source} was not built (expected {built.relative_to(site)})"


def test_labs_and_run_blocks_executed(site):
    lab_pages = list((site / "labs").glob("*/index.html"))
    assert lab_pages, "no lab was built"
    for page in lab_pages:
        text = page.read_text(encoding="utf-8")
        assert "data:image/png;base64" in text, f"{page.parent.name}: no executed figure"
    run_outputs = [p for p in html_pages(site) if "run when the site is built" in p.read_text()]
    assert run_outputs, "no chapter has an executed block"


def test_search_index_covers_the_chapters(site):
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Value" in index and "topological" in index
