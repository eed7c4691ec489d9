"""The drawing pad: the one module that knows dash-canvas and the fabric.js JSON it sends.

dash-canvas sends its drawing (fabric.js JSON, ``json_data``) only when its own save button is
pressed. ``assets/digit_reader.js`` presses that button at the end of every stroke and after undo or
redo, so drawings arrive live; the button is labelled Classify, so it is the manual one too.
The pad takes its size and white paper from a background image (its ``height`` prop is ignored),
and remounts empty when the key of the Div around it changes.
"""

import json

import numpy as np
from dash import html
from dash_canvas import DashCanvas

from dashboard.components.images import png_data_url
from model.errors import BadInput, TooLarge

PAD_SIDE = 280                     # canvas pixels; strokes arrive in these units
DEFAULT_BRUSH = 20                 # about MNIST's stroke width relative to the digit's height
BRUSH_RANGE = (6, 40)
MAX_DRAWING_CHARS = 4_000_000      # a long scribble is ~100 KB; more is not a drawing
CLASSIFY_LABEL = "Classify"
# The pad's toolbar keeps undo and redo (the "undo" name hides both) and its save button.
HIDDEN_TOOLS = ["zoom", "pan", "line", "pencil", "rectangle", "select"]
WHITE_PAGE = png_data_url(np.full((PAD_SIDE, PAD_SIDE), 255, np.uint8))


def pad_key(times_cleared):
    """The key of the pad's frame: a new one remounts the pad empty."""
    return f"pad-{times_cleared or 0}"


def drawing_pad(pad_id, frame_id):
    pad = DashCanvas(
        id=pad_id, width=PAD_SIDE, image_content=WHITE_PAGE, tool="pencil", lineWidth=DEFAULT_BRUSH,
        lineColor="black", goButtonTitle=CLASSIFY_LABEL, hide_buttons=HIDDEN_TOOLS)
    return html.Div(pad, id=frame_id, key=pad_key(0), className="pad-frame")


def strokes_from_pad(json_data):
    """The pad's ``json_data`` -> ``[(points, width), ...]`` for ``DigitReader.read_strokes``."""
    return strokes_from_fabric(parse_drawing(json_data))


def parse_drawing(json_data):
    """The pad's ``json_data`` -> parsed fabric.js JSON; nothing saved yet is an empty drawing."""
    if json_data is None or json_data == "":
        return {"objects": []}
    if not isinstance(json_data, str):
        raise BadInput("invalid_drawing", "The drawing did not arrive as fabric.js JSON text.")
    if len(json_data) > MAX_DRAWING_CHARS:
        raise TooLarge("drawing_too_large", "The drawing is too large to read.")
    try:
        drawing = json.loads(json_data)
    except (ValueError, RecursionError):
        raise BadInput("invalid_drawing", "The drawing could not be read (not valid JSON).") from None
    if not isinstance(drawing, dict):
        raise BadInput("invalid_drawing", "The drawing is not fabric.js JSON with an 'objects' list.")
    return drawing


def strokes_from_fabric(fabric):
    """Parsed fabric.js JSON -> ``[(points, width), ...]``: the pencil's paths, other objects ignored."""
    if not isinstance(fabric, dict) or not isinstance(fabric.get("objects", []), list):
        raise BadInput("invalid_drawing", "The drawing is not fabric.js JSON with an 'objects' list.")
    strokes = []
    for shape in fabric.get("objects", []):
        if not isinstance(shape, dict) or shape.get("type") != "path":
            continue
        points = []
        for command in shape.get("path") or []:
            if isinstance(command, list) and len(command) >= 3:
                # M/L carry one point, Q a control and an end point: the pairs after the letter.
                coords = command[1:]
                points.extend(zip(coords[0::2], coords[1::2]))
        if points:
            strokes.append((points, shape.get("strokeWidth", DEFAULT_BRUSH)))
    return strokes
