"""The collecting loop in Debian's Chromium: draw, say "No, it's a 3", see it saved, find it on the Collected
tab, open it, delete it; the admin signs in, sees everyone's and downloads the export; and all of it by
keyboard alone (the drawing itself aside: freehand drawing needs a pointer).

With ``DIGIT_READER_SCREENSHOTS=DIR`` the run also saves ``collected.png`` (1280 wide) and
``collected-phone.png`` (390 wide) there.
"""

import re

import pytest

from dashboard import create_app
from dashboard.components.drawing_pad import PAD_WIDTH
from tests.support.browser import PAD, draw, pad_scale, save_screenshot
from training.drawings import SAMPLES

pytestmark = pytest.mark.browser

TOKEN = "browser-admin-token-" + "0123456789abcdef" * 2
ANSWER_TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(serve_wsgi, tmp_path_factory):
    """A dashboard with an admin and a database of its own."""
    database = tmp_path_factory.mktemp("collected") / "drawings.sqlite3"
    app = create_app({"TESTING": True, "DIGIT_READER_DATABASE_URL": f"sqlite:///{database}",
                      "DIGIT_READER_ADMIN_TOKEN": TOKEN, "DIGIT_READER_SAVES_PER_MINUTE": 1000})
    return serve_wsgi(app.server)


@pytest.fixture()
def visit(browser, server):
    """``visit(viewport)``: a page in a browser context of its own (its own cookies: a new visitor), with
    every console error and uncaught exception recorded."""
    contexts = []

    def open_page(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(server + "/")
        page.locator(PAD).wait_for(timeout=15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def draw_and_say(page, digit, drawn):
    from playwright.sync_api import expect

    scale = pad_scale(page, PAD_WIDTH)         # a phone shows the pad smaller
    draw(page, [[(x * scale, y * scale) for x, y in stroke] for stroke in SAMPLES[drawn]])
    expect(page.locator("#prediction")).to_have_text(str(drawn), timeout=ANSWER_TIMEOUT_MS)
    button = page.get_by_role("button", name=f"No, it's a {digit}")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator("#feedback-message")).to_have_text(f"Saved as a {digit}: thank you.",
                                                           timeout=ANSWER_TIMEOUT_MS)


def test_draw_say_its_a_3_then_find_open_and_delete_it(visit):
    from playwright.sync_api import expect

    page = visit()
    feedback_buttons = page.locator(".feedback button")
    expect(feedback_buttons).to_have_count(11)
    for i in range(11):
        expect(feedback_buttons.nth(i)).to_be_disabled()      # nothing drawn, nothing to save
    draw_and_say(page, 3, drawn=7)
    expect(page.get_by_role("button", name="No, it's a 3")).to_be_disabled()   # one drawing, one save
    expect(page.get_by_role("status").filter(has_text="Saved as a 3")).to_have_count(1)

    page.get_by_role("tab", name="Collected").click()
    expect(page.locator("#collected-gallery-title")).to_have_text("Your 1 drawing", timeout=ANSWER_TIMEOUT_MS)
    thumbnail = page.locator("#collected-gallery .thumb")
    expect(thumbnail).to_have_count(1)
    expect(thumbnail).to_contain_text("3")
    expect(thumbnail).to_contain_text("read as 7")
    expect(page.locator("#collected-summary")).to_contain_text("reads 0 of the 1 drawings")

    thumbnail.click()
    expect(page.locator("#collected-prediction")).to_have_text("7", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#collected-inspector-title")).to_contain_text("labelled 3")
    save_screenshot(page, "collected.png")

    page.get_by_role("button", name="Delete this drawing").click()
    expect(page.get_by_text("Delete it for good?")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.locator("#collected-inspector-message")).to_contain_text("Deleted drawing", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#collected-gallery")).to_have_text(
        "Nothing saved yet: draw on the Draw tab and tell the model if it was right.", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#collected-prediction")).to_have_text("–")

    # Back on the Draw tab, a new drawing can be saved again.
    page.get_by_role("tab", name="Draw").click()
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_role("button", name="No, it's a 3")).to_be_disabled()
    expect(page.locator("#feedback-message")).to_have_text("")
    draw_and_say(page, 1, drawn=1)
    assert page.errors == []


def test_the_admin_signs_in_sees_everyones_and_downloads_the_export(visit):
    from playwright.sync_api import expect

    visitor = visit()
    draw_and_say(visitor, 2, drawn=2)

    admin = visit()
    admin.get_by_role("tab", name="Collected").click()
    expect(admin.locator("#collected-gallery-title")).to_have_text("Your 0 drawings", timeout=ANSWER_TIMEOUT_MS)
    admin.get_by_label("Admin token").fill("wrong-" + TOKEN)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.locator("#collected-admin-message")).to_have_text("That is not the admin token.",
                                                                   timeout=ANSWER_TIMEOUT_MS)
    expect(admin.get_by_label("Admin token")).to_have_value("")

    admin.get_by_label("Admin token").fill(TOKEN)
    admin.get_by_label("Admin token").press("Enter")
    expect(admin.locator("#collected-who")).to_contain_text("Signed in as the admin", timeout=ANSWER_TIMEOUT_MS)
    # Everyone's: the visitor's 2 among them (the module's other tests save into the same database).
    expect(admin.locator("#collected-gallery-title")).to_have_text(re.compile(r"Everyone's \d+ drawings?"),
                                                                   timeout=ANSWER_TIMEOUT_MS)
    expect(admin.locator("#collected-gallery .thumb").filter(has_text="read as 2").first).to_be_visible()
    assert TOKEN not in admin.content()
    cookies = {cookie["name"]: cookie for cookie in admin.context.cookies()}
    session = cookies["digit_reader_admin"]
    assert session["httpOnly"] and session["sameSite"] == "Strict" and TOKEN not in session["value"]

    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download as MNIST IDX files (zip)").click()
    assert download.value.suggested_filename == "digit-reader-drawings-idx.zip"

    admin.get_by_role("button", name="Sign out").click()
    expect(admin.locator("#collected-gallery-title")).to_have_text("Your 0 drawings", timeout=ANSWER_TIMEOUT_MS)
    expect(admin.get_by_label("Admin token")).to_be_visible()
    assert visitor.errors == [] and admin.errors == []


def focus_by_tab(page, locator, presses=80):
    """Press Tab until ``locator`` has the focus (as a keyboard user moves through the page)."""
    handle = locator.element_handle()
    for _ in range(presses):
        if page.evaluate("element => document.activeElement === element", handle):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {locator}")


def test_keyboard_only_saves_finds_opens_and_deletes(visit):
    from playwright.sync_api import expect

    page = visit()
    draw(page, SAMPLES[0])                     # drawing needs a pointer (WCAG 2.1.1 exempts it); nothing else does
    expect(page.locator("#prediction")).to_have_text("0", timeout=ANSWER_TIMEOUT_MS)

    focus_by_tab(page, page.get_by_role("button", name="No, it's a 6"))
    page.keyboard.press("Enter")
    expect(page.locator("#feedback-message")).to_have_text("Saved as a 6: thank you.", timeout=ANSWER_TIMEOUT_MS)

    focus_by_tab(page, page.get_by_role("tab", name="Draw"))
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Error analysis")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Collected")).to_be_focused()
    expect(page.get_by_role("tab", name="Collected")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#collected-gallery .thumb")).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)

    focus_by_tab(page, page.locator("#collected-label--6"))
    page.keyboard.press("Enter")
    expect(page.locator("#collected-gallery-title")).to_have_text("1 of your drawings: labelled 6",
                                                                  timeout=ANSWER_TIMEOUT_MS)
    focus_by_tab(page, page.locator("#collected-gallery .thumb"))
    page.keyboard.press("Enter")
    expect(page.locator("#collected-prediction")).to_have_text("0", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#collected-inspector-title")).to_be_focused()     # opening lands on what opened

    focus_by_tab(page, page.get_by_role("button", name="Delete this drawing"))
    page.keyboard.press("Enter")
    focus_by_tab(page, page.get_by_role("button", name="Keep it"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Keep it")).to_be_hidden()
    focus_by_tab(page, page.get_by_role("button", name="Delete this drawing"))
    page.keyboard.press("Enter")
    focus_by_tab(page, page.get_by_role("button", name="Yes, delete it"))
    page.keyboard.press("Enter")
    expect(page.locator("#collected-inspector-message")).to_contain_text("Deleted drawing", timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#collected-gallery .thumb")).to_have_count(0)
    assert page.errors == []


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_nothing_scrolls_sideways(visit, width):
    from playwright.sync_api import expect

    page = visit({"width": width, "height": 800})
    draw_and_say(page, 8, drawn=3)
    page.get_by_role("tab", name="Collected").click()
    expect(page.locator("#collected-gallery .thumb")).to_have_count(1, timeout=ANSWER_TIMEOUT_MS)
    page.locator("#collected-gallery .thumb").click()
    expect(page.locator("#collected-prediction")).to_have_text("3", timeout=ANSWER_TIMEOUT_MS)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    if width == 390:
        save_screenshot(page, "collected-phone.png")
    assert page.errors == []
