"""The gallery's callback body: what to show (the mistakes, the suspected label errors, a selection on the
map), the filters and the order pick the test digits shown.

A confusion-matrix click sets both filters in the browser (assets/digit_reader.js, ``cellFilters``), and a
box or lasso on the map sets the selection and shows it (``mapSelection``); the values arrive here whatever
sent them, so a filter that is not a digit means "any", and a selection that is not a list of test digits
is refused politely.
"""

from dashboard.tabs.errors.analysis import GALLERY_LIMIT, ORDERS, REGENERATE, SHOWS
from model.reading import is_digit

MAX_SELECTION = 10_000
EMPTY_SELECTION = ("Nothing selected on the map yet: drag a box or a lasso around some digits there "
                   "(or show the misclassified digits or the suspected label errors).")
BAD_SELECTION = "That selection could not be read: drag a box or a lasso on the map again."
NO_LABEL_ISSUES = f"This report has no suspected label errors: run `{REGENERATE}` to find them."


def update_gallery(analysis, true, predicted, order, show="mistakes", selection=None):
    """The gallery's title and thumbnails for what to show, the filters and the order."""
    true, predicted = as_digit(true), as_digit(predicted)
    order = order if isinstance(order, str) and order in ORDERS else "least"
    show = show if isinstance(show, str) and show in SHOWS else "mistakes"
    if show == "label_issues" and not analysis.has_label_issues:
        return {"title": NO_LABEL_ISSUES, "gallery": []}
    if show == "selection":
        selection = as_selection(selection)
        if selection is None:
            return {"title": BAD_SELECTION, "gallery": []}
        if not selection:
            return {"title": EMPTY_SELECTION, "gallery": []}
    positions = analysis.select(true, predicted, order, show, selection)
    shown = positions[:GALLERY_LIMIT]
    return {
        "title": analysis.describe(true, predicted, len(positions), show, len(shown)),
        "gallery": [analysis.thumbnail(position) for position in shown],
    }


def as_digit(value):
    """A filter's value as a digit 0-9, or None (any) for anything else."""
    return value if is_digit(value) else None


def as_selection(value):
    """A map selection as a list of test indices; [] for none; None for anything forged."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SELECTION:
        return None
    if not all(type(index) is int and 0 <= index < MAX_SELECTION for index in value):
        return None
    return value
