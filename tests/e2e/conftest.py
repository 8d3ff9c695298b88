"""Browser harness: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Every test in tests/e2e is marked `e2e` (run them alone with `pytest -m e2e`, skip them with
`-m "not e2e"`). Fixtures:

- `browser`: one headless Chromium for the session (/usr/bin/chromium, never downloaded). When it is
  missing the tests are skipped, unless GUICHET_REQUIRE_BROWSER=1 (CI) makes that a failure.
- `page`: a fresh browser context per test (French locale, `base_url` = the live server, so
  `page.goto("/")` works). The Content-Security-Policy stays enforced: a CSP violation reported by the
  browser fails the test. `page.browser_problems` lists the console errors and uncaught exceptions.
  On failure a full-page screenshot goes to test-results/.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread: Django's async-safety check would
# otherwise refuse the ORM calls the tests make to set up their data.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("GUICHET_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("GUICHET_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + "; GUICHET_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _live_server_serves_no_media():
    """Private files are never served by URL (MEDIA_URL is None): tell the live server not to either.

    Django's LiveServerThread wraps the site in a handler serving MEDIA_ROOT under MEDIA_URL; with
    MEDIA_URL None it crashes, with "" it would serve private files. A base URL with a host makes the
    handler pass every request through.
    """
    from django.test import testcases

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(testcases._MediaFilesHandler, "get_base_url", lambda self: "http://media.invalid/")
        yield


class BrowserProblems(list):
    """Console errors and uncaught exceptions a page reported (CSP violations included)."""


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = BrowserProblems()
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.browser_problems = problems
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:]
        with contextlib.suppress(Exception):  # a screenshot must never hide the real failure
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
    context.close()
    csp = [text for text in problems if "Content Security Policy" in text]
    if csp and not failed:
        pytest.fail("The page broke its Content-Security-Policy:\n" + "\n".join(csp))
