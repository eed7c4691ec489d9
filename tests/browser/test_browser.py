"""The real dashboard in Debian's Chromium: draw with the mouse, read the answer, clear, explore errors.

With ``DIGIT_READER_SCREENSHOTS=docs/screenshots`` the run also saves ``draw.png`` and
``errors.png`` there (the README's screenshots are taken this way).
"""

import os
from pathlib import Path

import numpy as np
import pytest

from dashboard.page import TAB_BAR
from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from training.drawings import SAMPLES

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("DIGIT_READER_SCREENSHOTS")
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


def draw(page, strokes):
    """Move the mouse along each stroke with the button down, as a person draws."""
    box = page.locator("canvas.upper-canvas").bounding_box()
    for points in strokes:
        (x, y), rest = points[0], points[1:]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for x, y in rest:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=2)
        page.mouse.up()


def ink_on_pad(page):
    """How many pixels of the pad are darker than paper (once the pad has its size: a remounted
    pad starts 0 pixels high until its paper image has loaded)."""
    page.wait_for_function("document.querySelector('canvas.lower-canvas').height >= 280")
    return page.evaluate("""() => {
        const canvas = document.querySelector('canvas.lower-canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0;
        for (let i = 0; i < pixels.length; i += 4) { if (pixels[i] < 128 && pixels[i + 3] > 0) dark++; }
        return dark;
    }""")


def click_confusion_cell(page, true, predicted):
    plot_area = page.locator("#confusion .nsewdrag").first.bounding_box()
    page.mouse.click(plot_area["x"] + (predicted + 0.5) / 10 * plot_area["width"],
                     plot_area["y"] + (true + 0.5) / 10 * plot_area["height"])


def save_screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)   # no hover label in the picture
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


def test_draw_read_live_clear_and_explore_the_errors(page):
    from playwright.sync_api import expect

    expect(page).to_have_title("Digit Reader")

    # Each stroke is read when it ends: no button is pressed.
    draw(page, SAMPLES[7])
    expect(page.locator("#prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#verdict")).to_contain_text("sure")
    expect(page.locator("#steps figure")).to_have_count(4)

    page.get_by_text("Integrated Gradients").first.click()
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

    page.locator(f"#{TAB_BAR}").get_by_text("Error analysis", exact=True).click()
    page.locator("#confusion .nsewdrag").first.wait_for()
    click_confusion_cell(page, true, predicted)
    expect(page.locator("#gallery-title")).to_have_text(
        f"{count} misclassified test digits, true {true} and predicted {predicted}", timeout=ANSWER_TIMEOUT_MS)
    thumbnails = page.locator("#gallery .thumb")
    expect(thumbnails).to_have_count(count)
    expect(thumbnails.first).to_contain_text(f"{true}→{predicted}")

    thumbnails.first.click()
    expect(page.locator("#inspector-prediction")).to_have_text(str(predicted), timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#inspector-title")).to_contain_text(f"true {true}, predicted {predicted}")
    save_screenshot(page, "errors.png")

    # Back on the Draw tab, the pad still holds its drawing beside its answer.
    page.locator(f"#{TAB_BAR}").get_by_text("Draw", exact=True).click()
    expect(page.locator("#prediction")).to_have_text("1")
    assert ink_on_pad(page) > 0

    assert page.errors == []
