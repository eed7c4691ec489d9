"""The real dashboard in Debian's Chromium: draw with the mouse, read the answer, clear, explore errors.

With ``DIGIT_READER_SCREENSHOTS=docs/screenshots`` the run also saves ``draw.png`` and ``number.png``
there (the README's screenshots are taken this way).
"""

import re

import numpy as np
import pytest

from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from tests.support.browser import draw, ink_on_pad, save_screenshot
from training.drawings import SAMPLES

pytestmark = pytest.mark.browser

ANSWER_TIMEOUT_MS = 10_000


@pytest.fixture()
def page(browser, live_server):
    """A fresh page on the dashboard that records every console error and uncaught exception."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(live_server + "/")
    try:
        page.locator("canvas.upper-canvas").wait_for(timeout=15_000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; say why instead
        pytest.fail(f"the drawing pad never appeared; console errors: {page.errors}")
    yield page
    page.close()


def click_confusion_cell(page, true, predicted):
    plot_area = page.locator("#confusion .nsewdrag").first.bounding_box()
    page.mouse.click(plot_area["x"] + (predicted + 0.5) / 10 * plot_area["width"],
                     plot_area["y"] + (true + 0.5) / 10 * plot_area["height"])


def test_draw_read_live_clear_and_explore_the_errors(page):
    from playwright.sync_api import expect

    expect(page).to_have_title("Digit Reader")

    # Each stroke is read when it ends: no button is pressed.
    draw(page, SAMPLES[7])
    expect(page.locator("#prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#verdict")).to_contain_text("sure")
    expect(page.locator("#steps figure")).to_have_count(4)

    page.get_by_role("button", name="Integrated Gradients").first.click()
    expect(page.locator("#saliency-caption")).to_have_text("Why 7? Integrated Gradients", timeout=ANSWER_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Integrated Gradients").first).to_have_attribute("aria-pressed", "true")

    # A probability bar explains that class; clicked again after another, it explains it again.
    bar = page.locator("#probabilities [data-choice='1']")
    bar.click()
    expect(page.locator("#saliency-caption")).to_have_text("Why 1, not 7? Integrated Gradients",
                                                           timeout=ANSWER_TIMEOUT_MS)
    expect(bar).to_have_attribute("aria-pressed", "true")
    page.locator("#probabilities [data-choice='7']").click()
    expect(page.locator("#saliency-caption")).to_have_text("Why 7? Integrated Gradients", timeout=ANSWER_TIMEOUT_MS)
    page.locator("#probabilities [data-choice='1']").click()
    expect(page.locator("#saliency-caption")).to_contain_text("Why 1", timeout=ANSWER_TIMEOUT_MS)
    page.locator("#probabilities [data-choice='7']").click()
    expect(page.locator("#saliency-caption")).to_have_text("Why 7? Integrated Gradients", timeout=ANSWER_TIMEOUT_MS)
    save_screenshot(page, "draw.png")

    page.get_by_role("button", name="Clear").click()
    expect(page.locator("#verdict")).to_have_text("nothing drawn", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#prediction")).to_have_text("–")
    page.locator("canvas.upper-canvas").wait_for()
    assert ink_on_pad(page) == 0

    # The remounted pad is live too.
    draw(page, SAMPLES[1])
    expect(page.locator("#prediction")).to_have_text("1", timeout=ANSWER_TIMEOUT_MS)
    assert ink_on_pad(page) > 0

    # Error analysis: the commonest mistake's cell opens its gallery; a thumbnail opens the inspector.
    summary = EvaluationReport.load_summary(DEFAULT_MODEL_PATH)
    mistakes = np.asarray(summary["confusion_matrix"]) * (1 - np.eye(10, dtype=int))
    true, predicted = map(int, np.unravel_index(mistakes.argmax(), mistakes.shape))
    count = int(mistakes[true, predicted])

    page.get_by_role("tab", name="Error analysis").click()
    expect(page.get_by_role("tab", name="Error analysis")).to_have_attribute("aria-selected", "true")
    page.locator("#confusion .nsewdrag").first.wait_for()
    click_confusion_cell(page, true, predicted)
    expect(page.locator("#gallery-title")).to_have_text(
        f"{count} misclassified test digits, true {true} and predicted {predicted}", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(f"#true-filter--{true}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#predicted-filter--{predicted}")).to_have_attribute("aria-pressed", "true")
    thumbnails = page.locator("#gallery .thumb")
    expect(thumbnails).to_have_count(count)
    expect(thumbnails.first).to_contain_text(f"{true}→{predicted}")

    thumbnails.first.click()
    expect(page.locator("#inspector-prediction")).to_have_text(str(predicted), timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#inspector-title")).to_contain_text(f"labelled {true}, read as {predicted}")

    # Back on the Draw tab, the pad still holds its drawing beside its answer.
    page.get_by_role("tab", name="Draw").click()
    expect(page.locator("#prediction")).to_have_text("1")
    assert ink_on_pad(page) > 0

    assert page.errors == []


def test_a_number_written_with_the_mouse_is_read_whole(page):
    from playwright.sync_api import expect

    number = [[[x * 0.62 + dx, y * 0.62 + 40] for x, y in stroke]
              for digit, dx in ((4, 10), (2, 190), (7, 360)) for stroke in SAMPLES[digit]]
    draw(page, number)
    expect(page.locator("#prediction")).to_have_text("427", timeout=ANSWER_TIMEOUT_MS)
    cards = page.locator("#digit-cards button")
    expect(cards).to_have_count(3)
    cards.nth(2).click()
    expect(page.locator("#saliency-caption")).to_have_text("Why 7? Integrated Gradients", timeout=ANSWER_TIMEOUT_MS)
    expect(cards.nth(2)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#prediction")).to_have_text("427")
    save_screenshot(page, "number.png")
    assert page.errors == []


def test_a_similar_training_digit_opens_in_the_inspector(page):
    from playwright.sync_api import expect

    draw(page, SAMPLES[7])
    expect(page.locator("#prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    neighbours = page.locator("#neighbours button")
    expect(neighbours).to_have_count(8)
    expect(neighbours.first).to_contain_text("7")
    neighbours.first.click()
    expect(page.get_by_role("tab", name="Error analysis")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#inspector-title")).to_contain_text("Training digit #", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#inspector-title")).to_contain_text("labelled 7")
    expect(page.locator("#inspector h2")).to_be_focused()
    assert page.errors == []


def hold_back(page, part):
    """Hold back the live reading's answers for ``part`` ("verdict" or "map"): the held routes, to continue."""
    held = []

    def hold(route):
        if (route.request.post_data_json or {}).get("part") == part:
            held.append(route)
        else:
            route.continue_()

    page.route("**/_live/draw", hold)
    return held


def test_a_late_map_does_not_land_over_a_class_chosen_meanwhile(page):
    """The live map is held back until a bar's explanation is on screen, then let through: it is dropped."""
    from playwright.sync_api import expect

    held = hold_back(page, "map")
    draw(page, SAMPLES[7])
    expect(page.locator("#prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    page.locator("#probabilities [data-choice='1']").click()
    caption = page.locator("#saliency-caption")
    expect(caption).to_have_text("Why 1, not 7? Integrated Gradients", timeout=ANSWER_TIMEOUT_MS)
    assert held, "the live reading asked for no separate map"
    with page.expect_response("**/_live/draw"):
        for route in held:
            route.continue_()
    page.wait_for_timeout(300)
    expect(caption).to_have_text("Why 1, not 7? Integrated Gradients")
    assert page.errors == []


def test_a_method_chosen_before_the_answer_lands_explains_the_new_drawing(page):
    """The strokes store is set once the answer is on the page (assets/digit_reader.js), or at the first click."""
    from playwright.sync_api import expect

    held = hold_back(page, "verdict")
    draw(page, SAMPLES[7])
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)      # Playwright calls the route handler while it waits
    assert held, "the stroke's verdict was not asked for"
    page.get_by_role("button", name="Vanilla gradient").first.click()
    # The method's callback reads the strokes store: it holds the drawing, though its answer has not landed.
    expect(page.locator("#saliency-caption")).to_have_text("Why 7? Vanilla gradient", timeout=ANSWER_TIMEOUT_MS)
    for route in held:
        route.continue_()
    expect(page.locator("#prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    assert page.errors == []


def test_the_digit_shows_a_frame_before_the_rest_of_its_reading(page):
    """assets/digit_reader.js puts the digit and its verdict on the page first, the bars and the rest a frame later."""
    from playwright.sync_api import expect

    page.evaluate("""() => {
      const seen = window.__changed = {};
      new MutationObserver(() => {
        const now = performance.now();
        if (seen.digit === undefined && document.getElementById('prediction').textContent === '7') seen.digit = now;
        const bar = document.querySelector('#probabilities [data-choice="7"]');
        if (seen.bars === undefined && bar && bar.classList.contains('predicted')) seen.bars = now;
      }).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
    }""")
    draw(page, SAMPLES[7])
    expect(page.locator("#probabilities [data-choice='7']")).to_have_class(re.compile(r"\bpredicted\b"),
                                                                         timeout=ANSWER_TIMEOUT_MS)
    changed = page.evaluate("window.__changed")
    assert changed["digit"] < changed["bars"], changed
    assert page.errors == []
