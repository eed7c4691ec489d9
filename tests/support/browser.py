"""Driving the dashboard in Debian's Chromium (Playwright cannot download its own browser here): its
launch arguments, drawing on the pad with the mouse or a finger as a person does, and axe-core's checks."""

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAD = "canvas.upper-canvas"


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
