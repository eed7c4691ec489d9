"""The gallery's callback body: the viewer's saved drawings that match the filters, newest first, a page
at a time, each a thumbnail of what the model saw with its label and the model's answer.

The filters' and the paging store's values arrive here whatever sent them: anything but what the
buttons send means "any" (or the newest page).
"""

from dash import html

from dashboard.components import thumbnails
from dashboard.components.images import image_url
from dashboard.tabs.collected import ids
from model.reading import is_digit
from store import Filters, list_drawings
from store.drawings import count_drawings

PAGE_SIZE = 60                   # thumbnails a page (the pattern-matching input's limit is far above)
WHICH_CHOICES = [("all", "all"), ("differ", "only where they differ")]
NOTHING_SAVED = "Nothing saved yet: draw on the Draw tab and tell the model if it was right."
OUTPUT_KEYS = ("title", "gallery", "paging", "older_hidden", "newest_hidden")


def filters_of(label, answer, which):
    """The filters' values as ``Filters``: a digit or any, and only where label and answer differ or all."""
    return Filters(label=label if is_digit(label) else None, predicted=answer if is_digit(answer) else None,
                   only_wrong=which == "differ")


def whose(viewer):
    return "Everyone's" if viewer.is_admin else "Your"


def update_gallery(database, viewer, label, answer, which, paging, trigger):
    """The gallery for the filters: its title and thumbnails, the paging store, and whether there are
    older and newer pages. ``trigger`` is the id of what fired: the older-page or newest-page button
    move between pages; anything else (a filter, a deletion, a sign-in, opening the tab) starts again
    at the newest."""
    filters = filters_of(label, answer, which)
    paging = paging if isinstance(paging, dict) else {}
    before = None
    if trigger == ids.OLDER and positive_id(paging.get("next")):
        before = paging["next"]
    page = list_drawings(database, viewer, filters, limit=PAGE_SIZE, before=before)
    matching = count_drawings(database, viewer, filters)
    if matching:
        gallery = [thumbnail(drawing) for drawing in page.drawings]
    elif filters == Filters():
        gallery = [html.P(NOTHING_SAVED, className="empty-state")]
    else:
        gallery = [html.P(f"None of {whose(viewer).lower()} drawings match these filters.", className="empty-state")]
    return {
        "title": title(viewer, filters, matching, before is not None),
        "gallery": gallery,
        "paging": {"before": before, "next": page.next_before},
        "older_hidden": page.next_before is None,
        "newest_hidden": before is None,
    }


def positive_id(value):
    return type(value) is int and value > 0


def title(viewer, filters, count, older):
    """"Your 12 drawings", or "3 of everyone's drawings: labelled 7, read as 1", and whether it is an older page."""
    if filters == Filters():
        text = f"{whose(viewer)} {count:,} drawing" + ("" if count == 1 else "s")
    else:
        which = [f"labelled {filters.label}" if filters.label is not None else None,
                 f"read as {filters.predicted}" if filters.predicted is not None else None,
                 "the label and the answer differ" if filters.only_wrong else None]
        text = f"{count:,} of {whose(viewer).lower()} drawings: " + ", ".join(part for part in which if part)
    return text + (" (older ones)" if older else "")


def thumbnail(drawing):
    """A saved drawing as a button: what the model saw, the label big, the model's answer when saved under it."""
    return thumbnails.thumbnail(image_url(drawing.model_input), drawing.label, f"read as {drawing.predicted}",
                                classes=["correct"] if drawing.correct else [],
                                id={"type": ids.THUMBNAIL, "index": drawing.id}, n_clicks=0,
                                title=f"Drawing {drawing.id}")
