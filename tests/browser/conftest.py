"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium; Playwright's
own browser downloads are never used) against pytest-django's live server.

`open_page` gives a page at a given width that records console errors, uncaught exceptions and
Content-Security-Policy violations; the test fails on any of them when it ends. Without Chromium
the tests are skipped with the reason printed, except under CI=true, where they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django would then refuse its
# (synchronous, correct) database calls from the test body without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = [375, 1280]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"

# Reports a CSP violation to the test; Playwright injects it outside the page's CSP.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});
"""


def pytest_collection_modifyitems(items):
    # Under xdist (`--dist loadgroup`) each browser test module runs on one worker, so that
    # its module-scoped data is made once; the modules spread over the workers, each with its
    # own live server (a port the kernel gave it), test database and Chromium.
    # `once`: what Chromium shows does not depend on the database; `make test-postgres`
    # leaves these out.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.xdist_group(f"browser:{item.module.__name__}"))
            item.add_marker(pytest.mark.once)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Each phase's report on the test, so that open_page's teardown knows whether it failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (.ci/run does)"
        if _in_ci():
            pytest.fail(message)
        print(f"\nSKIP browser tests: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class PageProblems:
    """What went wrong in a page while a test used it."""

    def __init__(self):
        self.console_errors = []
        self.page_errors = []
        self.csp_violations = []

    def all(self):
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught exception: {m}" for m in self.page_errors]
            + [f"CSP violation: {m}" for m in self.csp_violations]
        )


@pytest.fixture
def open_page(chromium, live_server, request):
    """open_page(width, path="/", javascript=True) -> a Playwright page at live_server + path.

    On teardown the test fails if any page had a console error, an uncaught exception or a CSP
    violation. When a test fails, screenshots of its pages go to artifacts/screenshots/
    (git-ignored)."""
    contexts = []

    def _open(width, path="/", *, javascript=True):
        context = chromium.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            # Fixed, so that keyboard input into date fields (month/day/year) is the same
            # whatever the machine's language.
            locale="en-US",
            base_url=live_server.url,
        )
        contexts.append(context)
        problems = PageProblems()
        context.expose_function(
            "__reportCspViolation", lambda message: problems.csp_violations.append(message)
        )
        context.add_init_script(_CSP_LISTENER)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: msg.type == "error" and problems.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
        # Chromium's console line for a failed load does not say which URL: record it here.
        page.on(
            "response",
            lambda r: r.status >= 400 and problems.console_errors.append(f"{r.status} {r.url}"),
        )
        page.problems = problems
        page.goto(path)
        return page

    yield _open

    found = [
        problem for context in contexts for page in context.pages for problem in page.problems.all()
    ]
    # A full-page screenshot costs up to a second: taken only when there is something to see.
    report = getattr(request.node, "report_call", None)
    if found or report is None or report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(p for context in contexts for p in context.pages):
            name = f"{request.node.name}-{number}".replace("/", "_")
            page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    for context in contexts:
        context.close()
    if found:
        pytest.fail("The browser reported problems:\n  " + "\n  ".join(found))


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"
    )
