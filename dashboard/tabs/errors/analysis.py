"""What the Error-analysis tab reads, prepared once from the shipped evaluation report: every test digit
whose pixels ship (all 10,000 with the embedding index; without it, the report's gallery: every mistake
and the least confident correct ones of each class) with its label, prediction and confidence; the
suspected label errors; and the rules that pick and order the digits a gallery shows.
"""

import functools

import numpy as np

from dashboard.components import thumbnails
from dashboard.components.images import image_url
from dashboard.tabs.errors import ids
from model.artifacts import subset_position

ORDERS = {"least": "least confident first", "most": "most confident first", "suspicion": "most suspicious first"}
SHOWS = {"mistakes": "misclassified", "label_issues": "suspected label errors", "selection": "map selection"}
DIAGONAL_LIMIT = 24      # a diagonal cell shows its least confident correct digits, this many
GALLERY_LIMIT = 120      # thumbnails at most, for a map selection of thousands
REGENERATE = "python -m training.evaluate"


class ErrorAnalysis:
    """``test_images``: a function giving all (10000, 28, 28) test pixels (the embedding index's, loaded on
    first use), or None when only the report's gallery pixels ship."""

    def __init__(self, report, test_images=None):
        self.report = report
        self._test_images = test_images
        self.indices = (np.arange(len(report.labels)) if test_images is not None
                        else report.gallery_indices.astype(int))
        probabilities = report.probabilities[self.indices]
        self.true = report.labels[self.indices].astype(int)
        self.predicted = probabilities.argmax(axis=1)
        self.confidence = probabilities.max(axis=1)
        self.issues = {issue["index"]: issue for issue in report.label_issues}
        self.issue_rank = {issue["index"]: rank for rank, issue in enumerate(report.label_issues)}
        self.suspected = np.array([index in self.issues for index in self.indices.tolist()], bool)
        self.map_xy = report.map_xy

    @property
    def has_label_issues(self):
        return "label_issues" in self.report.summary

    def position(self, test_index):
        """The position of a test digit among ``indices``, or None for one whose pixels do not ship."""
        return subset_position(self.indices, test_index)

    def select(self, true=None, predicted=None, order="least", show="mistakes", selection=None):
        """Positions, ordered by confidence or suspicion (``order``), of the digits ``show`` asks for: the mistakes (or,
        when ``true == predicted``, a diagonal cell: that class's least confident correct digits), the
        suspected label errors, or the test digits of a map ``selection``; optionally of one true and/or
        predicted digit."""
        diagonal = show == "mistakes" and true is not None and true == predicted
        if diagonal:
            chosen = (self.true == true) & (self.predicted == true)
        else:
            if show == "label_issues":
                chosen = self.suspected.copy()
            elif show == "selection":
                chosen = np.zeros(len(self.indices), bool)
                chosen[[p for p in map(self.position, selection or []) if p is not None]] = True
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
        if order == "suspicion":     # the suspected label errors as the report ranks them, then the rest
            sort_keys += (np.array([self.issue_rank.get(int(i), len(self.issue_rank)) for i in self.indices[positions]]),)
        ordered = positions[np.lexsort(sort_keys)]
        if diagonal:
            # The least confident correct ones, whichever order they are shown in.
            least = positions[np.lexsort((self.indices[positions], confidence))][:DIAGONAL_LIMIT]
            ordered = ordered[np.isin(ordered, least)]
        return ordered

    def describe(self, true, predicted, count, show="mistakes", shown=None):
        shown = count if shown is None else shown
        more = f" (the first {shown} shown)" if shown < count else ""
        of = " and ".join(part for part in (
            None if true is None else f"true {true}", None if predicted is None else f"predicted {predicted}") if part)
        if show == "label_issues":
            return f"{count} suspected label errors" + (f", {of}" if of else "") + more
        if show == "selection":
            return f"{count} test digits selected on the map" + (f", {of}" if of else "") + more
        if true is not None and true == predicted:
            return f"The {count} least confident correct {true}s"
        if true is None and predicted is None:
            return f"All {count} misclassified test digits"
        return f"{count} misclassified test digits, {of}"

    @functools.lru_cache(maxsize=4096)
    def thumbnail_url(self, position):
        if self._test_images is None:
            return image_url(self.report.gallery_images[position])
        return image_url(self._test_images()[self.indices[position]])

    def thumbnail(self, position):
        index, true, predicted = int(self.indices[position]), self.true[position], self.predicted[position]
        confidence = self.confidence[position]
        issue = self.issues.get(index)
        title = f"test digit #{index}: true {true}, predicted {predicted} ({confidence:.1%})"
        if issue:
            title += f"; suspected label error: labelled {issue['given']}, {suspicion(issue)}"
        classes = [*(["correct"] if true == predicted else []), *(["suspected"] if issue else [])]
        return thumbnails.thumbnail(self.thumbnail_url(position), f"{true}→{predicted}", f"{confidence:.0%}",
                                    classes=classes, id={"type": ids.THUMBNAIL, "index": index}, title=title)


def suspicion(issue):
    """"probably 9" where the signals find the suggested class the more probable, else "perhaps 9"."""
    return f"{'probably' if issue['score'] > 0 else 'perhaps'} {issue['suggested']}"
