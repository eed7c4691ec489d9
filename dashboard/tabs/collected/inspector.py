"""The Collected tab's inspector: a thumbnail click opens that saved drawing in the Draw tab's reading view,
read again by the current model; a bar or a method choice explains it further; and deleting it takes
two clicks (Delete, then "Yes, delete it").

``inspect_drawing`` is the callback's body, plain values in, every output out (``OUTPUT_KEYS``).
"""

from dash import no_update

from dashboard.components.reading_panel import (neighbours_for, percent, render_explanation, render_reading,
                                                 requested_methods)
from dashboard.tabs.collected import ids
from model.errors import BadInput
from model.reading import Reading, Status
from store import StoreUnavailable, delete_drawing, get_drawing

EMPTY_VERDICT = "pick a drawing in the gallery"
EMPTY_TITLE = "Inspector"
NOT_THERE = "That drawing is not there any more (or not yours to see)."
UNAVAILABLE = "Couldn't reach the saved drawings, try again in a moment."
OUTPUT_KEYS = (*ids.PANEL.outputs(), "title", "details", "message", "opened", "confirm_hidden", "delete_hidden",
               "changed")


def inspect_drawing(reader, database, viewer, method, opened, changed, trigger, chosen_bar=None):
    """What the inspector shows after ``trigger`` (the id of what fired): a thumbnail (``{"type": THUMBNAIL,
    "index": drawing id}``) opens that drawing, a bar (``chosen_bar``) or a method choice explains the open
    one, Delete asks for confirmation, and the confirmation deletes it (and bumps ``changed``, so the
    gallery and the scores are read again)."""
    unchanged = dict.fromkeys(OUTPUT_KEYS, no_update)
    opened = dict(opened) if isinstance(opened, dict) else {}
    if trigger == ids.DELETE:
        return {**unchanged, "confirm_hidden": "id" not in opened}
    if trigger == ids.CANCEL_DELETE:
        return {**unchanged, "confirm_hidden": True}
    if trigger == ids.CONFIRM_DELETE:
        return deleted(database, viewer, opened, changed, method)
    new_drawing = isinstance(trigger, dict) and trigger.get("type") == ids.THUMBNAIL
    if new_drawing:
        opened = {"id": trigger.get("index"), "target": None}
    elif ids.PANEL.clicked_bar(trigger, chosen_bar) is not None:
        opened["target"] = chosen_bar
    if "id" not in opened:
        return unchanged
    try:
        drawing = get_drawing(database, viewer, opened["id"]) if is_drawing_id(opened["id"]) else None
        if drawing is None:
            return {**unchanged, "message": NOT_THERE}
        count, pixels_of = neighbours_for(reader)
        reading = reader.read_pixels(drawing.model_input, methods=requested_methods(method),
                                     target=opened.get("target"), neighbours=count)
    except StoreUnavailable:
        return {**unchanged, "message": UNAVAILABLE}
    except BadInput as error:
        return {**unchanged, "message": f"Could not open that: {error.message}"}
    view = (render_reading(reading, method, EMPTY_VERDICT, pixels_of=pixels_of) if new_drawing
            else render_explanation(reading, method))
    return {
        **view,
        "title": f"Drawing #{drawing.id}: labelled {drawing.label}",
        "details": details(drawing, reader.classifier.sha256),
        "message": "",
        "opened": opened,
        "confirm_hidden": True if new_drawing else no_update,
        "delete_hidden": False,
        "changed": no_update,
    }


def deleted(database, viewer, opened, changed, method):
    """Delete the open drawing (one the viewer may see); the inspector empties and the gallery is read again."""
    drawing_id = opened.get("id")
    try:
        gone = is_drawing_id(drawing_id) and delete_drawing(database, viewer, drawing_id)
    except StoreUnavailable:
        return {**dict.fromkeys(OUTPUT_KEYS, no_update), "message": UNAVAILABLE}
    empty = render_reading(Reading(Status.BLANK), method, EMPTY_VERDICT)
    return {
        **empty,
        "title": EMPTY_TITLE,
        "details": "",
        "message": f"Deleted drawing #{drawing_id}." if gone else NOT_THERE,
        "opened": None,
        "confirm_hidden": True,
        "delete_hidden": True,
        "changed": (changed if type(changed) is int else 0) + 1,
    }


def details(drawing, current_sha256):
    model = "this model" if drawing.model_sha256 == current_sha256 else "an earlier model"
    return (f"Saved {drawing.created:%Y-%m-%d %H:%M} UTC; {model} read it as {drawing.predicted} "
            f"({percent(drawing.confidence)} sure) then. Below, the model running now reads it again.")


def is_drawing_id(value):
    return type(value) is int and value > 0
