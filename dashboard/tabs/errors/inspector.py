"""The inspector's callback body: a thumbnail click opens that test digit in the Draw tab's reading view."""

from dash import no_update

from dashboard.components.reading_panel import clicked_digit, render_explanation, render_reading, requested_methods
from dashboard.tabs.errors import ids
from model.errors import BadInput

EMPTY_VERDICT = "pick a digit in the gallery"
OUTPUT_KEYS = (*ids.PANEL.outputs(), "title", "inspected", "message")


def inspect_digit(reader, analysis, method, bar_click, inspected, trigger):
    """A thumbnail click opens that test digit in the inspector, the same view as the Draw tab's."""
    inspected = dict(inspected) if isinstance(inspected, dict) else {}
    if isinstance(trigger, dict) and trigger.get("type") == ids.THUMBNAIL:
        inspected = {"index": trigger.get("index"), "target": None}
        new_digit = True
    else:
        new_digit = False
        if trigger == ids.PANEL.probabilities:
            inspected["target"] = clicked_digit(bar_click)
    if inspected.get("index") is None:
        return dict.fromkeys(OUTPUT_KEYS, no_update)
    try:
        pixels = gallery_image(analysis.report, inspected["index"])
        reading = reader.read_pixels(pixels, methods=requested_methods(method), target=inspected.get("target"))
    except BadInput as error:
        return {**dict.fromkeys(OUTPUT_KEYS, no_update), "message": f"Could not open that: {error.message}"}
    index = inspected["index"]
    true = int(analysis.report.labels[index])
    view = render_reading(reading, method) if new_digit else render_explanation(reading, method)
    return {
        **view,
        "title": f"Test digit #{index}: true {true}, predicted {reading.digit}",
        "inspected": inspected,
        "message": "",
    }


def gallery_image(report, index):
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(report.labels):
        raise BadInput("invalid_index", "That is not a test digit.")
    try:
        return report.image(index)
    except KeyError:
        raise BadInput("invalid_index", f"Test digit #{index} is not in the shipped gallery.") from None
