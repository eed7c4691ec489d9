"""On a phone: the pad fits the screen, a finger draws, and the verdict is in view while drawing.

With ``DIGIT_READER_SCREENSHOTS=docs/screenshots`` the run also saves ``draw-phone.png`` (390 wide) there.
"""

import pytest

from dashboard.components.drawing_pad import PAD_WIDTH
from tests.support.browser import PAD, draw_with_touch, ink_on_pad, pad_scale, save_screenshot
from training.drawings import SAMPLES

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=3)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(live_server + "/")
    page.locator(PAD).wait_for(timeout=15_000)
    yield page
    context.close()


def in_view(page, selector):
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_a_finger_draws_and_the_verdict_stays_in_view(phone):
    from playwright.sync_api import expect

    scale = pad_scale(phone, PAD_WIDTH)
    assert scale < 1, "the pad is shown smaller than its canvas, to fit the phone"
    draw_with_touch(phone, SAMPLES[7], scale=scale)
    expect(phone.locator("#prediction")).to_have_text("7", timeout=10_000)
    assert ink_on_pad(phone) > 0
    assert phone.evaluate("window.scrollY") == 0
    assert in_view(phone, "#prediction") and in_view(phone, "#verdict") and in_view(phone, PAD)
    save_screenshot(phone, "draw-phone.png", full_page=False)   # what the person sees while drawing
    assert phone.errors == []


@pytest.mark.parametrize("width", [320, 390])
def test_nothing_scrolls_sideways(browser, live_server, width):
    page = browser.new_page(viewport={"width": width, "height": 700})
    page.goto(live_server + "/")
    page.locator(PAD).wait_for(timeout=15_000)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert overflow <= 0
