"""The Draw tab's callback body: a drawing, a bar click, a method or Clear in; every output out.

A plain function of plain values (the reader, the inputs, and which input fired), so the tests
and the benchmark call exactly what the browser's requests run.
"""

from dash import html, no_update

from dashboard.components.drawing_pad import pad_key, strokes_from_pad
from dashboard.components.images import image_url
from dashboard.components.reading_panel import clicked_digit, render_explanation, render_reading, requested_methods
from dashboard.tabs.draw import ids
from model.errors import BadInput
from model.reading import Reading, Status

STEP_LABELS = {"ink": "Your ink", "cropped": "Cropped", "fitted": "Fitted in 20×20", "centred": "Centred, 28×28"}
STEP_PIXELS = 84   # the large steps are shrunk to thumbnails before encoding
OUTPUT_KEYS = (*ids.PANEL.outputs(), "steps", "message", "target", "pad_key", "json_data")


def update_drawing(reader, json_data, method, bar_click, cleared, target, trigger):
    """The Draw tab's answer, keyed like its outputs.

    ``trigger`` is the id of the input that fired. A new drawing is read and explained for its
    prediction; a bar click explains that class instead and a method change keeps the class, and
    both leave the drawing's views as they are. Clear remounts an empty pad. Bad input keeps the
    last reading and says what was wrong.
    """
    if trigger == ids.CLEAR:
        return {**render_reading(Reading(Status.BLANK), method), "steps": [], "message": "", "target": None,
                "pad_key": pad_key(cleared), "json_data": ""}
    new_drawing = trigger not in (ids.PANEL.probabilities, ids.PANEL.method)
    if trigger == ids.PANEL.probabilities:
        target = clicked_digit(bar_click)
    elif new_drawing:
        target = None
    try:
        reading = reader.read_strokes(strokes_from_pad(json_data), methods=requested_methods(method), target=target)
    except BadInput as error:
        return {**dict.fromkeys(OUTPUT_KEYS, no_update), "message": friendly_message(error)}
    unchanged = {"message": "", "target": target, "pad_key": no_update, "json_data": no_update}
    if new_drawing or reading.blank:
        return {**render_reading(reading, method), "steps": steps_view(reading.steps), **unchanged}
    return {**render_explanation(reading, method), "steps": no_update, **unchanged}


def friendly_message(error):
    return f"Could not read that: {error.message} The last result is kept."


def steps_view(steps):
    """The preprocessing steps, in order, as small images with captions."""
    return [
        html.Figure(className="step", children=[
            html.Img(src=image_url(steps[name], STEP_PIXELS), className="pixels", alt=label),
            html.Figcaption(label),
        ])
        for name, label in STEP_LABELS.items() if name in steps and steps[name].size > 1
    ]
