"""Issue 11 in Debian's Chromium: the map of the test set (the drawing's star, a hovered digit's thumbnail, a box
selection filling the gallery, a click opening the inspector), the suspected label errors by keyboard alone,
and the calibration panels; on a desktop and on a phone.

With ``DIGIT_READER_SCREENSHOTS=docs/screenshots`` the run also saves ``error-map.png`` (1280 wide) and
``error-map-phone.png`` (390 wide) there.
"""

import re

import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.plotly_bundle import TRACES
from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from tests.browser.test_browser import ANSWER_TIMEOUT_MS
from tests.support.browser import AXE, axe_results, draw, save_screenshot
from training.drawings import SAMPLES

pytestmark = pytest.mark.browser

MAP_DRAWN = """() => {
  const plot = document.querySelector('#test-map .js-plotly-plot');
  return Boolean(plot && plot._fullLayout && plot.querySelector('canvas.gl-canvas-context'));
}"""
# Where a trace's first point is on the page (Plotly's own axes convert it).
POINT = """(trace) => {
  const plot = document.querySelector('#test-map .js-plotly-plot');
  const data = plot._fullData[trace], xa = plot._fullLayout.xaxis, ya = plot._fullLayout.yaxis;
  const box = plot.getBoundingClientRect();
  return {x: box.left + xa._offset + xa.l2p(data.x[0]), y: box.top + ya._offset + ya.l2p(data.y[0]),
          index: data.customdata[0]};
}"""
SUSPECTED_TRACE = 11


def open_page(browser, live_server, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(live_server + "/")
    page.locator("canvas.upper-canvas").wait_for(timeout=15_000)
    return page


def open_the_tab(page):
    page.get_by_role("tab", name="Error analysis").click()
    page.wait_for_function(MAP_DRAWN, timeout=30_000)


@pytest.fixture()
def desktop(browser, live_server):
    page = open_page(browser, live_server, 1280)
    yield page
    page.close()


def test_the_map_shows_the_drawing_hovers_selects_and_opens_digits(desktop):
    from playwright.sync_api import expect

    page = desktop
    draw(page, SAMPLES[7])
    expect(page.locator("#prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    open_the_tab(page)
    # The charts drew with our plotly.js (dashboard/plotly_bundle.py): the version Dash ships, our traces only.
    plotly = page.evaluate("() => ({version: Plotly.version, traces: Object.keys(Plotly.PlotSchema.get().traces)})")
    assert plotly["version"] == get_plotlyjs_version() and sorted(plotly["traces"]) == sorted(TRACES)
    expect(page.locator("#test-map-caption")).to_contain_text("Your drawing (read as 7, the star) falls among",
                                                              timeout=ANSWER_TIMEOUT_MS)
    # The star is drawn a frame after the caption shows, once the charts queued before it are drawn.
    page.wait_for_function("document.querySelector('#test-map .js-plotly-plot')._fullData[12].x.length === 1",
                           timeout=ANSWER_TIMEOUT_MS)

    # Hover: the digit's thumbnail and what the report says of it.
    page.locator("#test-map").scroll_into_view_if_needed()
    point = page.evaluate(POINT, SUSPECTED_TRACE)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("#test-map-tooltip")
    expect(tooltip).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(tooltip).to_contain_text(f"#{point['index']}: labelled")
    expect(tooltip).to_contain_text("label suspect")
    assert tooltip.locator("img").get_attribute("src").startswith("data:image/png;base64,")

    # A click opens that digit in the inspector, and the focus goes there.
    page.mouse.click(point["x"], point["y"])
    expect(page.locator("#inspector-title")).to_contain_text(f"Test digit #{point['index']}: labelled",
                                                             timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#inspector-evidence")).to_contain_text("Suspected label error: labelled")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'inspector-title'")
    page.locator("#gallery-show--label_issues").click()
    expect(page.locator("#gallery-title")).to_contain_text("suspected label errors", timeout=ANSWER_TIMEOUT_MS)
    save_screenshot(page, "error-map.png")

    # A box dragged over the map lists its digits in the gallery.
    page.locator("#test-map").scroll_into_view_if_needed()
    page.wait_for_timeout(800)        # the smooth scroll to the inspector and back has settled
    area = page.locator("#test-map .nsewdrag").first.bounding_box()
    page.mouse.move(area["x"] + area["width"] * 0.02, area["y"] + area["height"] * 0.02)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.55, area["y"] + area["height"] * 0.6, steps=8)
    page.mouse.up()
    expect(page.locator("#gallery-title")).to_contain_text("test digits selected on the map",
                                                           timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#gallery-show--selection")).to_have_attribute("aria-pressed", "true")
    assert page.locator("#gallery .thumb").count() > 0
    assert page.errors == []


# The frame in which each of the tab's charts is first drawn, from the tab's click (the map's, and the others' in
# the page's order).
WATCH_FIRST_DRAWS = """() => {
  const drawn = window.__drawn = {};
  let frame = 0;
  const poll = () => {
    frame += 1;
    document.querySelectorAll('#errors-page .js-plotly-plot').forEach((plot, order) => {
      const chart = plot.closest('#test-map') ? 'map' : 'chart ' + order;
      if (drawn[chart] === undefined && plot._fullLayout) drawn[chart] = frame;
    });
    if (Object.keys(drawn).length < 6) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}"""


def test_the_map_is_drawn_first_with_plotly_loaded_once_from_the_click(desktop):
    page = desktop
    page.evaluate(WATCH_FIRST_DRAWS)
    page.get_by_role("tab", name="Error analysis").click()
    page.wait_for_function("Object.keys(window.__drawn).length === 6", timeout=30_000)
    drawn = page.evaluate("window.__drawn")
    others = [frame for chart, frame in drawn.items() if chart != "map"]
    # Our Plotly build's queue draws the map before the charts asked for with it (dashboard/vendor/plotly/bundle.js).
    assert len(others) == 5 and drawn["map"] < min(others), drawn
    # Plotly began to load at the click, before the graphs' own code (assets/digit_reader.js, loadPlotly),
    # and only once: dcc.Graph waited for that script rather than adding its own.
    loads = page.evaluate("""() => performance.getEntriesByType('resource')
        .filter(r => /plotly\\.min\\.js|async-graph/.test(r.name))
        .map(r => ({name: r.name.includes('async-graph') ? 'graph' : 'plotly', start: r.startTime}))""")
    starts = {load["name"]: load["start"] for load in loads}
    assert len(loads) == 2 and starts["plotly"] < starts["graph"], loads
    assert page.locator("script[src*='plotly.min.js']").count() == 1
    assert page.evaluate("typeof Plotly.react") == "function"
    assert page.errors == []


def test_the_suspected_label_errors_by_keyboard_alone(desktop):
    from playwright.sync_api import expect

    page = desktop
    issues = EvaluationReport.load_summary(DEFAULT_MODEL_PATH)["label_issues"]
    page.get_by_role("tab", name="Draw").focus()
    page.keyboard.press("ArrowRight")           # to the Error-analysis tab, and it opens
    page.wait_for_function(MAP_DRAWN, timeout=30_000)
    show = page.locator("#gallery-show--label_issues")
    show.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#gallery-title")).to_have_text(f"{len(issues)} suspected label errors",
                                                        timeout=ANSWER_TIMEOUT_MS)
    page.locator("#order--suspicion").focus()
    page.keyboard.press("Enter")
    first = page.locator("#gallery .thumb").first
    expect(first).to_have_class(re.compile(r"\bsuspected\b"))
    page.wait_for_function("getComputedStyle(document.querySelector('#gallery .thumb'), '::after').content "
                           "=== '\"label?\"'", timeout=ANSWER_TIMEOUT_MS)      # its badge
    page.wait_for_function(f"document.querySelector('#gallery .thumb') && "
                           f"document.querySelector('#gallery .thumb').title.startsWith('test digit #{issues[0]['index']}:')")
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#inspector-evidence")).to_contain_text(
        f"labelled {issues[0]['given']}, probably {issues[0]['suggested']}", timeout=ANSWER_TIMEOUT_MS)
    # The calibration panels are drawn, with today's threshold marked.
    expect(page.locator("#reliability .main-svg").first).to_be_visible()
    expect(page.locator("#coverage")).to_contain_text("today: not sure below 60%")
    if AXE.exists():
        violations, _ = axe_results(page)
        blocking = [f"{v['impact']} {v['id']}: {[node['target'] for node in v['nodes']][:5]}"
                    for v in violations if v["impact"] in ("serious", "critical")]
        assert not blocking, blocking
    assert page.errors == []


def test_the_map_on_a_phone(browser, live_server):
    from playwright.sync_api import expect

    page = open_page(browser, live_server, 390)
    try:
        open_the_tab(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width} px)"
        area = page.locator("#test-map .nsewdrag").first.bounding_box()
        assert area["width"] >= 300 and area["height"] >= 250
        expect(page.locator("#test-map-caption")).to_contain_text("Draw a digit on the Draw tab")
        page.locator("#gallery-show--label_issues").click()
        expect(page.locator("#gallery-title")).to_contain_text("suspected label errors", timeout=ANSWER_TIMEOUT_MS)
        save_screenshot(page, "error-map-phone.png")
        assert page.errors == []
    finally:
        page.close()
