"""Fixtures shared by the tests of the book: one strict build of the site per run, and headless
Chromium for the tests marked `browser`.

`make test` builds the site once, before pytest (tools/make_test.py), and names the folder in
BOOK_TEST_SITE; every site test reads that build. Without it (a plain `pytest`), the first test
that needs the site builds it, once for the whole run: with pytest-xdist, the other workers
wait for that build (a file lock in the run's shared temporary folder) instead of making their
own.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from make_test import build_site  # tools/, on sys.path through pytest's `pythonpath` setting

# Before any test module imports it: the checks of the shared panel helpers then say what they
# compared when they fail, as a test's own asserts do.
pytest.register_assert_rewrite("panel_driving")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id) -> Path:
    """The folder holding the build (site/) and its record of what it ran (run-report.json)."""
    given = os.environ.get("BOOK_TEST_SITE")
    if given:
        return Path(given).parent
    if worker_id == "master":  # no xdist: this process is the whole run
        folder = tmp_path_factory.mktemp("build")
        ok, output = build_site(folder)
        assert ok, f"mkdocs build --strict failed:\n{output}"
        return folder
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "build"  # one folder for all workers
    shared.mkdir(exist_ok=True)
    with FileLock(str(shared) + ".lock"):
        if not (shared / "built").exists():
            ok, output = build_site(shared)
            (shared / "built").write_text("ok" if ok else output)
    outcome = (shared / "built").read_text()
    assert outcome == "ok", f"mkdocs build --strict failed:\n{outcome}"
    return shared


@pytest.fixture(scope="session")
def site(built_site) -> Path:
    """The site, built with `mkdocs build --strict`."""
    return built_site / "site"


@pytest.fixture(scope="session")
def run_report(built_site) -> dict:
    """What that build ran: the sessions of executed blocks and the labs, with the reasons."""
    return json.loads((built_site / "run-report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """pytest-xdist's worker name ("gw0", ...), or "master" when it is not running."""
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's headless Chromium through selenium, nothing downloaded, with the flags that keep
    it from calling home; its console and network events logged. One per test module."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.fail("chromium and chromedriver are missing: run `make test-browser`, which "
                    "installs them")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
