"""The live reading: the Draw tab's answer to new strokes, the moment a stroke ends, without Dash's
callback round trip.

``POST <prefix>_live/draw`` with ``{"strokes": {"strokes": [...], "widths": [...]}, "method": ...}``
answers ``{"outputs": [{"id", "property", "value"}, ...]}``: the values of the Draw tab's outputs,
computed by the same body as its Dash callback (``drawing.update_drawing``), which
assets/digit_reader.js puts on the page with ``dash_clientside.set_props``. A costly saliency map (the
default, Integrated Gradients, costs about eight vanilla gradients) need not hold the verdict back: the
page asks for ``"part": "verdict"`` (everything but the map) and ``"part": "map"`` (the map, its caption
and legend) at once, and puts the map on the page after the verdict. The map's answer leaves out what the
verdict already set (the bars, the explained store): each update Dash applies costs the whole page a
pass over its components, and a store set again fires its callbacks again. Measured in Chromium
(``python -m benchmarks.browser``): Dash's renderer spends 10-20 ms preparing a callback request
(it waits for a timer behind fabric.js' own work on the stroke) and as long again applying its
answer; this path sends the strokes as the pointer lifts.
"""

import re

import flask
from dash import no_update
from dash._utils import to_json

from dashboard.api.requests import json_object
from dashboard.http_errors import never_cached, register_json_errors
from dashboard.tabs.draw import drawing, ids

ROUTE = "_live/draw"
MAP_KEYS = ("saliency", "saliency_caption", "legend")


def register_live_reading(app, services):
    prefix = app.config.routes_pathname_prefix
    live = flask.Blueprint("digit_reader_live" + re.sub(r"\W", "_", prefix), __name__)
    register_json_errors(live)
    never_cached(live)
    outputs = drawing.outputs()

    @live.post("/" + ROUTE)
    def draw():
        body = json_object()
        strokes, method, part = body.get("strokes"), body.get("method"), body.get("part")
        if part == "map":          # the drawing's explanation, as a method change makes it (no neighbours in it)
            view = drawing.update_drawing(services.reader, strokes, method, None, ids.PANEL.method, neighbours=False)
            if not view["message"]:          # else the drawing could not be read: the message says why
                view = {key: view[key] for key in MAP_KEYS}
        else:
            view = drawing.update_drawing(services.reader, strokes, method, None, ids.STROKES,
                                          map_later=part == "verdict")
        response = flask.Response(to_json({"outputs": prop_updates(outputs, view)}), mimetype="application/json")
        return response

    app.server.register_blueprint(live, url_prefix=prefix.rstrip("/"))


def prop_updates(outputs, view):
    """A callback's answer (keyed like its outputs) as ``{"id", "property", "value"}`` updates."""
    return [{"id": output.component_id, "property": output.component_property, "value": view[key]}
            for key, output in outputs.items() if view.get(key, no_update) is not no_update]
