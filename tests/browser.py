"""A live server and Debian's chromium for real-browser tests (Playwright never downloads a browser)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-gpu", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
PHONE = {"width": 375, "height": 667}
TABLET = {"width": 1024, "height": 768}


@contextmanager
def live_server(app):
    """Serve APP on a free loopback port in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@contextmanager
def chromium(extra_args: tuple[str, ...] = ()):
    """A headless Debian chromium driven by Playwright; skips if the binary is missing.

    EXTRA_ARGS: e.g. --ignore-certificate-errors-spki-list=<hash> to trust a test certificate."""
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra_args],
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save artifacts/screenshots/NAME.png. Both backends' runs of a test (maybe on two pytest-xdist workers at
    once) write the same name: each writes a file of its own and renames it into place, so none is torn."""
    from playwright.sync_api import Error as PlaywrightError

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    partial = SCREENSHOTS / f".{name}.{os.getpid()}.png"
    try:
        page.screenshot(path=str(partial), full_page=full_page)
    except PlaywrightError as error:
        # Chromium sometimes cannot capture a very tall page while other browsers load the cores ("Unable to
        # capture screenshot"): the picture is for people to look at, not a check, so try once more and then
        # keep what the window shows rather than fail the test that asked for it.
        if "Unable to capture screenshot" not in str(error):
            raise
        time.sleep(0.5)
        try:
            page.screenshot(path=str(partial), full_page=full_page)
        except PlaywrightError:
            page.screenshot(path=str(partial), full_page=False)
    partial.replace(path)
    return path


# Everything a finger may need to hit on a survey page (radio inputs are hidden: their labels count), and a
# script listing those under 48 px, with their text and size.
TARGETS = "a, button, .opt > span, summary, label.check, textarea, input[type=tel]"
SMALL_TARGETS = f"""() => [...document.querySelectorAll('{TARGETS}')]
    .filter(e => e.getClientRects().length && !e.closest('.hp'))
    .map(e => [e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
    .filter(([, r]) => r.width < 48 || r.height < 48)
    .map(([t, r]) => `${{t}} ${{Math.round(r.width)}}x${{Math.round(r.height)}}`)"""

AXE = Path(__file__).resolve().parent.parent / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[str]:
    """Run axe-core's WCAG 2.2 AA rules on PAGE; one line per violation with its first nodes.

    The page's context must be made with `bypass_csp=True`: the app's CSP rightly refuses the injected script.
    """
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: scripts/test installs axe-core from the npm registry")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]
