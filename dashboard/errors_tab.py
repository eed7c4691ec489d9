"""The error-analysis tab's callback bodies, reading only the shipped evaluation report.

``ErrorAnalysis`` prepares once what the interactions read (labels, predictions, confidences and
thumbnails of the gallery digits); ``update_gallery`` and ``inspect_digit`` are the callbacks'
bodies, plain functions like the Draw tab's.
"""

import numpy as np
from dash import html, no_update

from dashboard import figures, ids
from dashboard.reading_view import INSPECTOR_PANEL, clicked_digit, render_explanation, render_reading, \
    requested_methods
from model.errors import BadInput

ORDERS = {"least": "least confident first", "most": "most confident first"}
INSPECTOR_EMPTY = "pick a digit in the gallery"
INSPECTOR_KEYS = (*INSPECTOR_PANEL.outputs(), "title", "inspected", "message")


class ErrorAnalysis:
    """The report's gallery digits (every mistake, and the least confident correct ones of each
    class) with their true labels, predictions, confidences and thumbnails."""

    def __init__(self, report):
        self.report = report
        probabilities = report.probabilities[report.gallery_indices]
        self.indices = report.gallery_indices.astype(int)
        self.true = report.labels[report.gallery_indices].astype(int)
        self.predicted = probabilities.argmax(axis=1)
        self.confidence = probabilities.max(axis=1)
        self.thumbnails = [figures.image_url(image) for image in report.gallery_images]

    def select(self, true=None, predicted=None, order="least"):
        """Gallery positions: the correct digits of a class when ``true == predicted`` (diagonal),
        else the mistakes, optionally of one true and/or predicted digit; sorted by confidence."""
        if true is not None and true == predicted:
            chosen = (self.true == true) & (self.predicted == true)
        else:
            chosen = self.true != self.predicted
            if true is not None:
                chosen &= self.true == true
            if predicted is not None:
                chosen &= self.predicted == predicted
        positions = np.flatnonzero(chosen)
        confidence = self.confidence[positions]
        # Ties (float16 probabilities tie often) fall back to the test index, so the order is stable.
        sort_keys = (self.indices[positions], -confidence if order == "most" else confidence)
        return positions[np.lexsort(sort_keys)]

    def describe(self, true, predicted, count):
        if true is not None and true == predicted:
            return f"The {count} least confident correct {true}s"
        if true is None and predicted is None:
            return f"All {count} misclassified test digits"
        what = " and ".join(part for part in (
            None if true is None else f"true {true}", None if predicted is None else f"predicted {predicted}") if part)
        return f"{count} misclassified test digits, {what}"

    def thumbnail(self, position):
        index, true, predicted = int(self.indices[position]), self.true[position], self.predicted[position]
        confidence = self.confidence[position]
        return html.Button(
            id={"type": ids.THUMBNAIL, "index": index},
            className="thumb correct" if true == predicted else "thumb",
            title=f"test digit #{index}: true {true}, predicted {predicted} ({confidence:.1%})",
            children=[
                html.Img(src=self.thumbnails[position], className="pixels", alt=f"test digit {index}"),
                html.Span(f"{true}→{predicted}", className="thumb-labels"),
                html.Span(f"{confidence:.0%}", className="thumb-confidence"),
            ],
        )


def update_gallery(analysis, cell_click, true, predicted, order, trigger):
    """A confusion-matrix click sets both filters to its cell; the filters and order pick the digits."""
    filters = {"true": no_update, "predicted": no_update}
    if trigger == ids.CONFUSION:
        cell = clicked_cell(cell_click)
        if cell is not None:
            true, predicted = cell
            filters = {"true": true, "predicted": predicted}
    true, predicted = as_digit(true), as_digit(predicted)
    positions = analysis.select(true, predicted, order if isinstance(order, str) and order in ORDERS else "least")
    return {
        **filters,
        "title": analysis.describe(true, predicted, len(positions)),
        "gallery": [analysis.thumbnail(position) for position in positions],
    }


def inspect_digit(reader, analysis, method, bar_click, inspected, trigger):
    """A thumbnail click opens that test digit in the inspector, the same view as the Draw tab's."""
    inspected = dict(inspected) if isinstance(inspected, dict) else {}
    if isinstance(trigger, dict) and trigger.get("type") == ids.THUMBNAIL:
        inspected = {"index": trigger.get("index"), "target": None}
        new_digit = True
    else:
        new_digit = False
        if trigger == INSPECTOR_PANEL.probabilities:
            inspected["target"] = clicked_digit(bar_click)
    if inspected.get("index") is None:
        return dict.fromkeys(INSPECTOR_KEYS, no_update)
    try:
        pixels = gallery_image(analysis.report, inspected["index"])
        reading = reader.read_pixels(pixels, methods=requested_methods(method), target=inspected.get("target"))
    except BadInput as error:
        return {**dict.fromkeys(INSPECTOR_KEYS, no_update), "message": f"Could not open that: {error.message}"}
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


def clicked_cell(click_data):
    """(true, predicted) of a clicked confusion-matrix cell, or None."""
    try:
        point = click_data["points"][0]
        cell = as_digit(point["y"]), as_digit(point["x"])
    except (KeyError, IndexError, TypeError):
        return None
    return None if None in cell else cell


def as_digit(value):
    """A filter's value as a digit 0-9, or None (any) for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9 else None
