"""Driving the dashboard in Debian's Chromium (Playwright cannot download its own browser here): its
launch arguments, drawing on the pad with the mouse or a finger as a person does, axe-core's checks, and
the README's screenshots (saved by the browser tests when ``DIGIT_READER_SCREENSHOTS`` names a folder)."""

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAD = "canvas.upper-canvas"
SCREENSHOTS = os.environ.get("DIGIT_READER_SCREENSHOTS")


def save_screenshot(page, name, full_page=True):
    """With ``DIGIT_READER_SCREENSHOTS=docs/screenshots``, save the page there as ``name``."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.mouse.move(0, 0)   # no hover label in the picture
        page.wait_for_timeout(300)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=full_page)


def draw(page, strokes):
    """Move the mouse along each stroke with the button down, as a person draws."""
    page.locator(PAD).scroll_into_view_if_needed()
    box = page.locator(PAD).bounding_box()
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
    page.wait_for_function("document.querySelector('canvas.lower-canvas').height >= 100")
    return page.evaluate("""() => {
        const canvas = document.querySelector('canvas.lower-canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let dark = 0;
        for (let i = 0; i < pixels.length; i += 4) { if (pixels[i] < 128 && pixels[i + 3] > 0) dark++; }
        return dark;
    }""")


def draw_with_touch(page, strokes, scale=1.0):
    """Draw each stroke with a finger, through the Chrome DevTools Protocol's touch events; ``scale``
    shrinks pad coordinates to a pad shown smaller (on a phone)."""
    page.locator(PAD).scroll_into_view_if_needed()
    box = page.locator(PAD).bounding_box()
    cdp = page.context.new_cdp_session(page)

    def touch(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": box["x"] + x * scale, "y": box["y"] + y * scale, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    for points in strokes:
        touch("touchStart", *points[0])
        for x, y in points[1:]:
            touch("touchMove", x, y)
        touch("touchEnd", *points[-1])
    cdp.detach()


def pad_scale(page, pad_width):
    """How much smaller than its ``pad_width`` canvas pixels the pad is shown."""
    return page.locator(PAD).bounding_box()["width"] / pad_width


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_results(page):
    """axe-core's WCAG 2.0/2.1/2.2 A and AA checks of the page as it is now: ``(violations, incomplete)``.

    Injected with ``page.evaluate`` (Playwright's evaluation is not a script the page's CSP could refuse).
    """
    page.evaluate(AXE.read_text())
    results = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                          resultTypes: ['violations', 'incomplete']})""", WCAG_TAGS)
    return results["violations"], results["incomplete"]
