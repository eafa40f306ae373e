"""The survey page on an emulated slow-3G phone: bytes, first paint, DOMContentLoaded, load, submit.

    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 .venv/bin/python bench/slow3g.py [--loads 5] [--latency 2000]

Serves the embedded app (SQLite in a temporary instance folder, the demo hospital's survey points) with
werkzeug on 127.0.0.1, and opens an outpatient survey --loads times in Debian's chromium as a 360x740 phone
(device scale 2, mobile user agent), each time in a fresh browser context with the cache disabled, through
Network.emulateNetworkConditions. The preset is Chrome DevTools' "Slow 3G" as Puppeteer's
PredefinedNetworkConditions copies it: 500 kbit/s x 0.8 = 50,000 bytes/s down and up, and 400 ms RTT x 5 =
2000 ms latency (DevTools applies the factor 5 to the nominal RTT; a plain 400 ms is the lenient reading,
`--latency 400`). Prints medians of bytes transferred (encodedDataLength of Network.loadingFinished, and
Resource Timing transferSize as a cross-check), first-paint, first-contentful-paint, DOMContentLoaded and
load, then times one submit round trip (one answer, submit, the thank-you page shown), and saves a screenshot
to artifacts/screenshots/slow3g-survey.png. Playwright never downloads a browser here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import live_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
USER_AGENT = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
              "Mobile Safari/537.36")
THROUGHPUT = 500 * 1000 / 8 * 0.8  # bytes/s, DevTools "Slow 3G", both directions
STRICT_LATENCY = 400 * 5  # ms
SCREENSHOT = ROOT / "artifacts" / "screenshots" / "slow3g-survey.png"
MAX_BYTES = 60 * 1024
MAX_FIRST_PAINT = 2000  # ms
TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
  const resources = performance.getEntriesByType('resource');
  return {fp: paint['first-paint'], fcp: paint['first-contentful-paint'], dcl: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd, transfer: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
          urls: [nav.name, ...resources.map(r => r.name)]};
}"""


def make_app():
    """The embedded app on a fresh SQLite file with the demo hospital's organisation (no responses needed)."""
    instance = Path(tempfile.mkdtemp(prefix="slow3g-"))
    os.environ.update(INSTANCE_PATH=str(instance), DATABASE_URL=f"sqlite:///{instance / 'survey.db'}")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from survey_web import banks, create_app
    from survey_web.demo import ensure_organisation

    app = create_app({"MIN_FILL_SECONDS": 0})  # the bench answers faster than a person may
    with app.app_context():
        upgrade()
        banks.sync_all()
        ensure_organisation()
    return app


def outpatient_token(app) -> str:
    from sqlalchemy import select

    from survey_web.extensions import db
    from survey_web.models import SurveyPoint

    with app.app_context():
        return db.session.scalar(select(SurveyPoint.token).where(SurveyPoint.bank_code == "outpatient")
                                 .order_by(SurveyPoint.id))


def phone(browser, latency: float):
    """A fresh phone context (no cookies, no cache) and its page throttled to slow 3G; returns (context,
    page, the list Network.loadingFinished byte counts are appended to)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  user_agent=USER_AGENT, locale="zh-CN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    received: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": latency,
                                                  "downloadThroughput": THROUGHPUT, "uploadThroughput": THROUGHPUT})
    return context, page, received


def cold_load(browser, url: str, latency: float) -> dict:
    """One cold load of URL: bytes, paint and navigation timings (ms from navigation start)."""
    context, page, received = phone(browser, latency)
    try:
        page.goto(url, wait_until="load", timeout=120_000)
        page.wait_for_timeout(300)  # late loadingFinished events and the paint entries settle
        figures = page.evaluate(TIMINGS)
        return {**figures, "bytes": sum(received), "requests": len(received)}
    finally:
        context.close()


def submit_round_trip(browser, url: str, latency: float) -> float:
    """Seconds from tapping submit (one answer given) to the thank-you page shown; saves the screenshot."""
    context, page, _received = phone(browser, latency)
    try:
        page.goto(url, wait_until="load", timeout=120_000)
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
        page.locator("#q-role label").first.click()
        page.locator("#q-overall label").first.click()
        started = time.perf_counter()
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/thanks", timeout=120_000)
        page.locator("h1").wait_for(state="visible")
        return time.perf_counter() - started
    finally:
        context.close()


def median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def report(rows: list[dict], submit: float, latency: float) -> None:
    print(f"{'load':>4}{'bytes':>9}{'transfer':>10}{'reqs':>6}{'FP ms':>8}{'FCP ms':>8}{'DCL ms':>8}{'load ms':>9}")
    for n, row in enumerate(rows, 1):
        print(f"{n:>4}{row['bytes']:>9.0f}{row['transfer']:>10.0f}{row['requests']:>6}{row['fp']:>8.0f}"
              f"{row['fcp']:>8.0f}{row['dcl']:>8.0f}{row['load']:>9.0f}")
    size, paint = median(rows, "bytes"), median(rows, "fp")
    print(f"medians of {len(rows)} cold loads: {size:.0f} bytes ({size / 1024:.1f} KB; Resource Timing "
          f"{median(rows, 'transfer') / 1024:.1f} KB), first paint {paint:.0f} ms, first contentful paint "
          f"{median(rows, 'fcp'):.0f} ms, DOMContentLoaded {median(rows, 'dcl'):.0f} ms, "
          f"load {median(rows, 'load'):.0f} ms")
    print("requests: the page, then", ", ".join(Path(u.split("?")[0]).name for u in rows[0]["urls"][1:]))
    print(f"submit round trip (one answer, submit, thank-you page shown): {submit:.2f} s")
    print(f"{'PASS' if size < MAX_BYTES else 'FAIL'}  page weight {size / 1024:.1f} KB < 60 KB")
    print(f"{'PASS' if paint < MAX_FIRST_PAINT else 'FAIL'}  first paint {paint:.0f} ms < 2000 ms"
          + ("" if paint < MAX_FIRST_PAINT or latency < MAX_FIRST_PAINT else
             f" (one request's emulated latency alone is {latency:.0f} ms)"))
    print(f"screenshot: {SCREENSHOT.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--latency", type=float, default=STRICT_LATENCY,
                        help="ms; 2000 is DevTools' Slow 3G (400 ms RTT x 5), 400 the lenient reading")
    args = parser.parse_args()
    name = {STRICT_LATENCY: "DevTools 'Slow 3G', strict (400 ms RTT x 5)",
            400: "'Slow 3G', lenient (400 ms RTT without DevTools' x 5)"}.get(args.latency, "custom")
    print(f"preset: {name}: latency {args.latency:g} ms, {THROUGHPUT:,.0f} bytes/s down and up, cache disabled; "
          f"phone {PHONE['width']}x{PHONE['height']} @2x, mobile UA")
    from playwright.sync_api import sync_playwright

    app = make_app()
    token = outpatient_token(app)
    with live_server(app) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            url = f"{base}/s/{token}"
            rows = [cold_load(browser, url, args.latency) for _ in range(args.loads)]
            submit = submit_round_trip(browser, url, args.latency)
        finally:
            browser.close()
    report(rows, submit, args.latency)


if __name__ == "__main__":
    main()
