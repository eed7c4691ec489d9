"""The drawing pad: the one module that knows dash-canvas.

dash-canvas (fabric.js) draws the ink. What is read is not its fabric.js JSON (sent only from its own
save button, background image and all) but the strokes themselves: ``assets/digit_reader.js`` records
the pointer's path on the pad, in pad pixels, and when a stroke ends (or undo, redo or Clear change the
drawing) puts every stroke with its brush width into the strokes store, the Draw tab's input. That is
the API's own stroke format, checked by the same parser (``model.preprocessing.strokes``) with the
same limits. The pad takes its size and white paper from a background image (its ``height`` prop is
ignored), and remounts empty when the key of the Div around it changes.
"""

import functools
import re
from pathlib import Path

import dash_canvas
import numpy as np
from dash import dcc, html
from dash_canvas import DashCanvas

from dashboard.components.images import png_data_url
from model.errors import BadInput

PAD_WIDTH, PAD_HEIGHT = 560, 280   # canvas pixels, wide enough for a number; strokes arrive in these units
DEFAULT_BRUSH = 20                 # about MNIST's stroke width relative to a digit's height
BRUSH_RANGE = (6, 40)
# The pad's toolbar keeps undo and redo (the "undo" name hides both); its save button is hidden by the CSS.
HIDDEN_TOOLS = ["zoom", "pan", "line", "pencil", "rectangle", "select"]
WHITE_PAGE = png_data_url(np.full((PAD_HEIGHT, PAD_WIDTH), 255, np.uint8))
EMPTY_DRAWING = {"strokes": [], "widths": []}


def drawing_pad(pad_id, frame_id, strokes_id, label, wiring):
    """The pad in its frame, and the store its strokes arrive in. ``label`` names the pad for screen readers.

    ``wiring`` tells assets/digit_reader.js what to do when the drawing changes (data attributes of the
    frame): ``brush``, the id of the brush-size input; ``reading_url``, where to post the strokes (relative
    to the page); ``method``, the choice group whose pressed option is the saliency method to ask for;
    ``message``, where to say that a drawing could not be read; ``first``, the ids (space-separated) of the
    answer's outputs put on the page a frame before the rest (the digit and its verdict).
    """
    pad = DashCanvas(
        id=pad_id, width=PAD_WIDTH, image_content=WHITE_PAGE, tool="pencil", lineWidth=DEFAULT_BRUSH,
        lineColor="black", hide_buttons=HIDDEN_TOOLS)
    data = {f"data-{name.replace('_', '-')}": value for name, value in wiring.items()}
    return html.Div(className="pad-holder", children=[
        html.Div(pad, id=frame_id, key="pad-0", className="pad-frame", role="group", **{
            "aria-label": label, "data-strokes": strokes_id, "data-pad-width": PAD_WIDTH, **data}),
        dcc.Store(id=strokes_id, data=EMPTY_DRAWING),
    ])


def preload_link(requests_prefix):
    """A ``<link rel="preload">`` for dash-canvas' drawing code (fabric.js, its largest file), so the browser
    fetches it with the page's other scripts instead of only once React renders the pad: the pad is ready
    sooner. dash-canvas asks for that file under a fingerprint written into its own bundle."""
    fingerprint = _bundle_fingerprint()
    if fingerprint is None:
        return ""
    chunks = [resource["relative_package_path"] for resource in dash_canvas._js_dist if resource.get("async")]
    return "".join(f'<link rel="preload" as="script" href="{requests_prefix}_dash-component-suites/dash_canvas/'
                   f'{name.replace(".js", f".{fingerprint}.js")}">' for name in chunks)


@functools.cache
def _bundle_fingerprint():
    bundle = (Path(dash_canvas.__file__).parent / "dash_canvas.min.js").read_text()
    found = re.search(r'"(v\d+_\d+_\d+m\d+)"', bundle)
    return found and found.group(1)


def strokes_from_pad(drawing):
    """The strokes store's ``{"strokes": [[[x, y], ...], ...], "widths": [w, ...]}`` ->
    ``[(points, width), ...]`` for ``DigitReader.read_strokes`` (which checks every point)."""
    if drawing is None:
        return []
    if not (isinstance(drawing, dict) and isinstance(drawing.get("strokes"), list)
            and isinstance(drawing.get("widths"), list) and len(drawing["strokes"]) == len(drawing["widths"])):
        raise BadInput("invalid_drawing", "The drawing did not arrive as strokes with one width each.")
    return list(zip(drawing["strokes"], drawing["widths"]))
