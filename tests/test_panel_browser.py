"""The panel of the appendix "The models in your browser", in a real browser.

Run by `make test-browser` (marker `browser`; plain `pytest` skips it). Independent of the site
build: the module trains a character network and a word network of the book's default shapes
for a few hundred steps on 60,000 characters of Shakespeare, tunes Kneser–Ney on each (the word
model pruned on purpose, so that a pruned model is checked too), exports both pairs with
panel.export, writes a page of its own around panel.html with Material's stylesheets, and
serves it on 127.0.0.1 with a server that logs every request.

In headless Chromium: the page's probabilities against the values export computed in Python
(within panel.TOLERANCE; the largest differences are printed); typing changes the bars, an
unseen context is marked unseen; the slider changes the samples and a seed repeats them; no
request leaves 127.0.0.1; the time until the panel is interactive and the time of a keystroke
(printed, asserted only against generous bounds); phone width, the dark scheme, and the line a
browser without JavaScript shows. Screenshots go to artefacts/screenshots/panel-*.png.
"""

import dataclasses
import functools
import re
import http.server
import shutil
import statistics
import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from panel_driving import (clear, largest_differences, open_panel, panel_state, sample,
                           type_a_reference_context, type_into)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artefacts" / "screenshots"
READY_BOUND_MS = 5000  # the goal is 1 s on the book's machine; this only catches a hang
KEYSTROKE_BOUND_MS = 250  # the goal is 50 ms; the measured times are printed


# ---- the page: two pairs of models trained briefly, exported, served on 127.0.0.1 ----------


def trained_pair(tokens: str, steps: int = 200):
    import compare
    import corpora
    import ngram
    from defaults import network_defaults

    data = corpora.load_data("shakespeare", split_seed=0, max_chars=60_000, tokens=tokens)
    shape, schedule = network_defaults(tokens)
    schedule = dataclasses.replace(schedule, steps=steps)
    network = compare.train_neural(data, shape, schedule, seed=0).model
    orders = compare.ngram_orders(range(1, 9), data.vocab.size)
    kn, _ = ngram.tune("kn", data.train, data.valid, data.vocab, orders=orders)
    return data, network, kn


def material_stylesheets(target: Path) -> list[str]:
    """Copy Material's own stylesheets (main and palette) into target; their names."""
    import material

    names = []
    for css in sorted((Path(material.__file__).parent / "templates/assets/stylesheets")
                      .glob("*.min.css")):
        shutil.copy(css, target / css.name)
        names.append(css.name)
    return names


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The models in your browser</title><link rel="icon" href="data:,">
{links}
</head>
<body data-md-color-scheme="default" data-md-color-primary="indigo"
      data-md-color-accent="deep-orange">
<div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">
<div class="md-content"><article class="md-content__inner md-typeset">
<h1>The models in your browser</h1>
{panel}
</article></div></div></main></div>
<script type="module" src="javascripts/panel.js"></script>
</body></html>
"""


class LoggingHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str]  # every path asked for, in order (set per server)

    def log_message(self, *args):
        self.requests.append(self.path)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A page with a panel of two pairs, served: its url, the exports and the networks by name,
    its folder, and the server's log of requests."""
    import panel

    root = tmp_path_factory.mktemp("panel-page")
    for folder in ("javascripts", "stylesheets", "assets/models"):
        (root / folder).mkdir(parents=True)
    exports, networks = {}, {}
    for tokens in ("chars", "words"):
        data, networks[tokens], kn = trained_pair(tokens)
        network = networks[tokens]
        full = len(panel.kneser_ney_file(kn, data, 10**9)[0])
        exports[tokens] = panel.export(network, kn, data, root / panel.ASSETS_URL, tokens,
                                       kneser_ney_budget=full - 1 if tokens == "words" else None)
    assert not exports["chars"].pruned and exports["words"].pruned
    shutil.copy(ROOT / "docs/javascripts/panel.js", root / "javascripts")
    shutil.copy(ROOT / "docs/stylesheets/panel.css", root / "stylesheets")
    links = [f"stylesheets/{name}" for name in material_stylesheets(root / "stylesheets")]
    links = "\n".join(f'<link rel="stylesheet" href="{href}">'
                      for href in [*links, "stylesheets/panel.css"])
    html = panel.html([e.pair for e in exports.values()]).replace(
        '<div class="lm-panel"', '<div class="lm-panel" data-stream-ms="0"', 1)  # no pauses
    (root / "index.html").write_text(PAGE.format(links=links, panel=html), encoding="utf-8")
    handler = type("Handler", (LoggingHandler,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{httpd.server_address[1]}/", exports=exports,
                          networks=networks, root=root, requests=handler.requests)
    httpd.shutdown()


def reference(page, tokens: str) -> tuple[dict, dict]:
    import panel

    return panel.read_model_file(page.root / panel.ASSETS_URL
                                 / page.exports[tokens].files["reference"])


# ---- the tests -------------------------------------------------------------------------------


def test_the_page_computes_what_python_computes(page, browser):
    import panel

    open_panel(browser, page.url)
    for name, exported in page.exports.items():
        header, arrays = reference(page, name)
        files = {key: panel.ASSETS_URL + exported.files[key] for key in ("network", "kneser_ney")}
        worst = largest_differences(browser, page.url + "javascripts/panel.js", files, header,
                                    arrays)
        print(f"\n{name}: the largest |page - Python| over {len(header['texts'])} contexts and "
              f"every token: network {worst['network']:.1e}, Kneser–Ney {worst['kneser_ney']:.1e} "
              f"(tolerance {panel.TOLERANCE:g})")
        assert max(worst.values()) <= panel.TOLERANCE
        assert any(header["seen"]) and not all(header["seen"])


def bits_shown(score: str) -> float:
    """The bits per token that a model's score line gives for the text typed."""
    return float(re.search(r"typed, ([\d.]+) bits per", score).group(1))


@pytest.mark.parametrize("tokens", ["chars", "words"])
def test_typing_changes_the_bars_and_an_unseen_context_is_marked(page, browser, tokens):
    import lm
    import panel

    header, arrays = reference(page, tokens)
    files = page.root / panel.ASSETS_URL
    kneser_ney = panel.load(files / page.exports[tokens].files["kneser_ney"])
    open_panel(browser, page.url, tokens)
    states = []
    for i in (header["seen"].index(True), header["seen"].index(False)):
        state = type_a_reference_context(browser, header, arrays, i)
        for score, model in zip(state["scores"], (page.networks[tokens], kneser_ney),
                                strict=True):            # the text typed, scored token by token
            bits = lm.bits_per_token(model.token_log_probs([header["texts"][i]]))
            assert bits_shown(score) == pytest.approx(bits, abs=0.006), score
        states.append(state)
    assert states[0]["tops"] != states[1]["tops"]
    clear(browser)                   # the edge of "seen": its context's oldest token changed
    type_into(browser, header["texts"][header["kinds"].index("edge")])
    state, order = panel_state(browser), page.exports[tokens].order
    assert state["seen"] == "false" and f"falls back on the last {order - 2}," in state["status"]


@pytest.mark.parametrize("tokens", ["chars", "words"])
def test_a_pruned_model_says_so_and_what_it_cost(page, browser, tokens):
    open_panel(browser, page.url, tokens)
    title, about = browser.execute_script(
        "const m = document.querySelector('.lm-panel__model[data-model=kneserNey]');"
        "return [m.querySelector('h4').textContent,"
        "        m.querySelector('.lm-panel__about').textContent];")
    bits = page.exports[tokens].pruning["valid_bits"]
    if page.exports[tokens].pruned:
        assert title == "Kneser–Ney, pruned" and "pruned to fit the page" in about
        assert f"{bits['exported'] - bits['fitted']:.3f} bits per word" in about
    else:
        assert title == "Kneser–Ney" and "every count" in about


def test_the_slider_changes_the_samples_and_a_seed_repeats_them(page, browser):
    open_panel(browser, page.url)
    type_into(browser, "ROMEO. ")
    for model in ("network", "kneserNey"):
        cold, hot = sample(browser, model, 0.2, 3), sample(browser, model, 1.6, 3)
        assert cold and hot and cold != hot, model
        assert sample(browser, model, 0.2, 3) == cold, f"{model}: the same seed, another text"
        assert sample(browser, model, 0.2, 4) != cold or sample(browser, model, 1.6, 4) != hot


def test_the_panel_is_quick(page, browser):
    open_panel(browser, page.url)
    ready = float(browser.execute_script(
        "return document.querySelector('.lm-panel').dataset.readyMs"))
    report = [f"the panel was interactive {ready:.0f} ms after the page began to load"]
    for tokens, text in (("chars", "Now is the winter of our discontent"),
                         ("words", "now is the winter of our discontent made glorious ")):
        open_panel(browser, page.url, tokens)
        times = type_into(browser, text)
        report.append(f"{tokens}: a keystroke updated the bars in {statistics.median(times):.1f}"
                      f" ms (median of {len(times)}), {max(times):.1f} ms at most")
        assert max(times) < KEYSTROKE_BOUND_MS
    print("\n" + "\n".join(report))
    assert ready < READY_BOUND_MS


def test_no_request_leaves_127_0_0_1(page, browser):
    page.requests.clear()
    open_panel(browser, page.url, "words")             # both pairs loaded
    sample(browser, "network", 1.0, 1)
    urls = browser.execute_script("return [location.href, ...performance.getEntriesByType("
                                  "'resource').map(e => e.name)]")
    hosts = {urlparse(u).hostname for u in urls if urlparse(u).scheme not in ("data", "blob")}
    assert hosts == {"127.0.0.1"}, urls
    assert any(".network.bin" in u for u in urls) and any("kneser-ney" in u for u in urls)
    assert page.requests and all(not path.startswith(("http:", "https:"))
                                 for path in page.requests), page.requests
    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_phone_width_and_the_dark_scheme(page, browser, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shade = "light" if scheme == "default" else "dark"
    try:
        for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
            browser.set_window_size(width, height)
            open_panel(browser, page.url)
            browser.execute_script("document.body.setAttribute('data-md-color-scheme', "
                                   "arguments[0])", scheme)
            type_into(browser, "To be, or not to be")
            layout = browser.execute_script("""
                const p = document.querySelector('.lm-panel');
                const luminance = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).map(Number);
                                           return (0.3 * r + 0.59 * g + 0.11 * b) / 255; };
                const boxes = [...p.querySelectorAll('.lm-panel__model')]
                    .map(m => m.getBoundingClientRect());
                return {overflow: document.documentElement.scrollWidth - innerWidth,
                        text: luminance(getComputedStyle(p).color),
                        page: luminance(getComputedStyle(document.body).backgroundColor),
                        stacked: boxes[1].top >= boxes[0].bottom,
                        bar: p.querySelector('.lm-panel__fill').getBoundingClientRect().width};
            """)
            assert layout["overflow"] <= 0, f"{name}: the page scrolls sideways"
            assert layout["bar"] > 0
            assert layout["stacked"] == (name == "phone"), name
            if scheme == "slate":
                assert layout["text"] > 0.6 > 0.3 > layout["page"], layout
            else:
                assert layout["text"] < 0.4 < 0.7 < layout["page"], layout
            path = SHOTS / f"panel-{name}-{shade}.png"
            assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
    finally:
        browser.set_window_size(1280, 900)


def test_without_javascript_the_panel_is_absent_and_a_line_says_so(page, browser):
    from selenium.webdriver.common.by import By

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(page.url)
        assert not browser.find_element(By.CSS_SELECTOR, ".lm-panel").is_displayed()
        lines = browser.find_elements(By.CSS_SELECTOR, ".lm-panel-off")
        assert len(lines) == 1 and lines[0].is_displayed() and "JavaScript" in lines[0].text
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    open_panel(browser, page.url)
    assert not browser.find_elements(By.CSS_SELECTOR, ".lm-panel-off")
