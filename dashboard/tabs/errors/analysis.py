"""What the Error-analysis tab reads, prepared once from the shipped evaluation report: the gallery
digits (every mistake, and the least confident correct ones of each class) with their labels,
predictions, confidences and thumbnails, and the rule that picks and orders them."""

import numpy as np
from dash import html

from dashboard.components.images import image_url
from dashboard.tabs.errors import ids

ORDERS = {"least": "least confident first", "most": "most confident first"}


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
        self.thumbnails = [image_url(image) for image in report.gallery_images]

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
