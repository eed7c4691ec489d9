"""python -m benchmarks.browser: what a person waits for, measured in Chromium against ``python -m dashboard``.

    python -m benchmarks.browser [--strokes 20] [--visits 3] [--method vanilla]

(a) Stroke to answer: clear the pad, draw one stroke with the mouse, and time from the ``mouseup`` until
``#prediction`` shows the answer for that stroke, with ``performance.now()`` in the page; and until the
saliency map for it is on the page too (a costly map follows the verdict). Beside it, in the same page
and run, a bare ``fetch()`` of ``/api/predict`` with the pad's own PNG and the saliency method the tab
shows: the same server work without the page's machinery.
(b) First visit, in a fresh browser context (nothing cached): bytes on the wire (the Chrome DevTools
Protocol's ``encodedDataLength``) and requests until the network is idle, and the time from navigation
until a stroke drawn as soon as the pad appears gets its answer (the page is usable, not merely painted).
(c) A return visit: the same, with the browser's cache from the first.

The last line: ``stroke_to_answer_p50_ms=… api_roundtrip_p50_ms=… ratio=… wire_kb=… requests=… pad_ready_ms=…
stroke_to_map_p50_ms=… map_ratio=…`` (goals: ratio <= 2, wire_kb <= 1536, pad_ready_ms <= 1500).
"""

import argparse
import contextlib
import os
import statistics
import tempfile
from pathlib import Path

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PAD, draw
from tests.support.servers import running_dashboard
from training.drawings import SAMPLES

ONE_STROKE_DIGITS = [digit for digit, strokes in sorted(SAMPLES.items()) if len(strokes) == 1]
FIRST_STROKE = [[[280, 40], [283, 140], [280, 240]]]   # a 1, drawn as soon as the pad appears: a quick stroke
GOAL_RATIO, GOAL_WIRE_KB, GOAL_READY_MS = 2.0, 1536, 1500

# Every change of #prediction's text, with its time: installed before the page's own scripts run.
WATCH_ANSWERS = """
window.__answers = [];
window.__maps = [];
window.__mouseups = [];
document.addEventListener('mouseup', () => window.__mouseups.push(performance.now()), true);
new MutationObserver(() => {
  const shown = document.getElementById('prediction');
  const text = shown ? shown.textContent : null;
  const last = window.__answers[window.__answers.length - 1];
  if (!last || last.text !== text) window.__answers.push({text: text, at: performance.now()});
  const caption = document.getElementById('saliency-caption');
  const explained = caption && /^Why .*[^…]$/.test(caption.textContent) ? caption.textContent : null;
  const lastMap = window.__maps[window.__maps.length - 1];
  if (explained && (!lastMap || lastMap.text !== explained)) window.__maps.push({text: explained, at: performance.now()});
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
IS_ANSWER = r"/^[0-9?]+$/"      # a digit or a number, not the empty pad's dash or a placeholder
API_ROUND_TRIP = """async () => {
  const png = document.querySelector('canvas.lower-canvas').toDataURL('image/png');
  const pressed = document.querySelector('[id^="saliency-method--"][aria-pressed="true"]');
  const method = JSON.parse(pressed.dataset.value);
  const body = JSON.stringify({image: png, saliency: method});
  const started = performance.now();
  const response = await fetch('api/predict', {method: 'POST', headers: {'Content-Type': 'application/json'}, body});
  const answer = await response.json();
  return {ms: performance.now() - started, digit: answer.digit, status: response.status};
}"""


def wait_for_answer(page, after_ms, timeout_ms=30_000):
    """The time (page clock) at which #prediction first showed an answer after ``after_ms``."""
    page.wait_for_function(
        f"after => window.__answers.some(a => a.at > after && {IS_ANSWER}.test(a.text || ''))",
        arg=after_ms, timeout=timeout_ms, polling=50)
    return page.evaluate(f"after => window.__answers.find(a => a.at > after && {IS_ANSWER}.test(a.text || '')).at",
                         after_ms)


def wait_for_map(page, after_ms, timeout_ms=30_000):
    """The time (page clock) at which the saliency map for the answer after ``after_ms`` was on the page."""
    page.wait_for_function("after => window.__maps.some(m => m.at > after)", arg=after_ms, timeout=timeout_ms,
                           polling=50)
    return page.evaluate("after => window.__maps.find(m => m.at > after).at", after_ms)


def visit(context, url, strokes):
    """Open the dashboard, draw as soon as the pad appears; (wire bytes, requests, ms until answered)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    wire = {"bytes": 0, "requests": 0}
    cdp.on("Network.requestWillBeSent", lambda event: wire.__setitem__("requests", wire["requests"] + 1))
    cdp.on("Network.loadingFinished",
           lambda event: wire.__setitem__("bytes", wire["bytes"] + event.get("encodedDataLength", 0)))
    page.add_init_script(WATCH_ANSWERS)
    page.goto(url, wait_until="commit")
    page.locator(PAD).wait_for(timeout=60_000)
    page.wait_for_function("document.querySelector('canvas.lower-canvas').height >= 100", polling="raf")
    draw(page, strokes)
    answered = wait_for_answer(page, 0)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)       # anything loaded lazily after the answer counts too
    return page, wire["bytes"], wire["requests"], answered


def stroke_trials(page, count):
    """(stroke-to-answer ms, API round-trip ms) pairs, alternating the one-stroke sample digits."""
    results = []
    for trial in range(count):
        digit = ONE_STROKE_DIGITS[trial % len(ONE_STROKE_DIGITS)]
        page.get_by_role("button", name="Clear").click()
        page.wait_for_function("document.getElementById('prediction').textContent === '–'", polling=50)
        page.wait_for_function("document.querySelector('canvas.lower-canvas').height >= 100", polling="raf")
        page.wait_for_timeout(150)   # let the remounted pad settle, as a person would
        before = page.evaluate("window.__mouseups.length")
        draw(page, SAMPLES[digit])
        page.wait_for_function(f"window.__mouseups.length > {before}")
        released = page.evaluate("window.__mouseups[window.__mouseups.length - 1]")
        answered = wait_for_answer(page, released)
        mapped = wait_for_map(page, released)
        shown = page.locator("#prediction").text_content()
        page.wait_for_timeout(100)       # nothing of this stroke's left in flight when the API is timed
        api = page.evaluate(API_ROUND_TRIP)
        assert api["status"] == 200, api
        results.append((answered - released, api["ms"], mapped - released))
        print(f"  stroke {trial + 1:>2} ({digit}, read {shown}): {answered - released:6.1f} ms to answer, "
              f"{mapped - released:6.1f} ms to its map; API round trip {api['ms']:5.1f} ms", flush=True)
    return results


@contextlib.contextmanager
def chromium_on_dashboard():
    """``python -m dashboard`` and Chromium for one benchmark run: yields ``(browser, url)``."""
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, running_dashboard(log_path=Path(folder) / "server.log") as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        print(f"python -m dashboard on {url}/; Chromium {browser.version}; {os.cpu_count()} CPUs", flush=True)
        try:
            yield browser, url + "/"
        finally:
            browser.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strokes", type=int, default=20)
    parser.add_argument("--visits", type=int, default=3, help="first visits, each in a fresh context")
    parser.add_argument("--method", help="the saliency method to choose on the tab first (default: the tab's own)")
    args = parser.parse_args(argv)
    with chromium_on_dashboard() as (browser, url):
        first_visits = []
        for _ in range(args.visits):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page, wire, count, ready = visit(context, url, FIRST_STROKE)
            first_visits.append((wire, count, ready))
            print(f"first visit: {wire / 1024:7.1f} KB on the wire in {count} requests; "
                  f"first stroke answered {ready:6.0f} ms after navigation", flush=True)
            if len(first_visits) < args.visits:
                context.close()
        page.close()
        page, wire, count, ready = visit(context, url, FIRST_STROKE)
        print(f"return visit: {wire / 1024:7.1f} KB on the wire in {count} requests; "
              f"first stroke answered {ready:6.0f} ms after navigation", flush=True)
        if args.method:
            page.locator(f"#saliency-method--{args.method}").click()
            page.wait_for_function(f"document.getElementById('saliency-method--{args.method}')"
                                   ".getAttribute('aria-pressed') === 'true'")
        print("stroke to answer, and the same drawing through a bare fetch() of the API:", flush=True)
        trials = stroke_trials(page, args.strokes)

    stroke_p50 = statistics.median(t for t, _, _ in trials)
    api_p50 = statistics.median(a for _, a, _ in trials)
    map_p50 = statistics.median(m for _, _, m in trials)
    wire_kb = statistics.median(w for w, _, _ in first_visits) / 1024
    requests_count = int(statistics.median(c for _, c, _ in first_visits))
    ready_ms = statistics.median(r for _, _, r in first_visits)
    ratio = stroke_p50 / api_p50
    print(f"stroke to answer p50 {stroke_p50:.1f} ms, to its saliency map {map_p50:.1f} ms "
          f"({map_p50 / api_p50:.2f}x the API round trip with the same map, {api_p50:.1f} ms)")
    for met, text in [(ratio <= GOAL_RATIO, f"stroke-to-answer p50 <= {GOAL_RATIO}x the API round trip"),
                      (wire_kb <= GOAL_WIRE_KB, f"first visit <= {GOAL_WIRE_KB} KB on the wire"),
                      (ready_ms <= GOAL_READY_MS, f"first stroke answered <= {GOAL_READY_MS} ms after navigation")]:
        print(f"  {'met ' if met else 'MISSED'} {text}")
    print(f"stroke_to_answer_p50_ms={stroke_p50:.1f} api_roundtrip_p50_ms={api_p50:.1f} ratio={ratio:.2f} "
          f"wire_kb={wire_kb:.0f} requests={requests_count} pad_ready_ms={ready_ms:.0f} "
          f"stroke_to_map_p50_ms={map_p50:.1f} map_ratio={map_p50 / api_p50:.2f}")


if __name__ == "__main__":
    main()
