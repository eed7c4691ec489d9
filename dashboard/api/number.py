"""``POST <prefix>api/number``: digits drawn side by side, read as one number.

    {"image": "data:image/png;base64,..."}  or  {"strokes": [[[x, y], ...], ...], "width": 20}
    -> {"number": "4207", "status": "ok" | "uncertain" | "not_a_digit" | "blank",
        "digits": [{"digit", "confidence", "probabilities", "status", "box": [left, top, right, bottom]}, ...]}

It takes the bodies ``predict`` takes and refuses what ``predict`` refuses, through the same code
(dashboard/api/requests.py). It takes no explanation fields: those come one digit at a time, from ``predict``.
"""

from dashboard.api.requests import json_object, read_drawing, require
from dashboard.api.serialize import number_json
from model.errors import BadInput

EXPLANATION_FIELDS = ("saliency", "robustness", "counterfactual", "neighbours")


def add_number_route(api, reader):
    """``reader`` is a loaded ``DigitReader``, or None while the model is still loading."""

    @api.post("/number")
    def number():
        ready_reader = require(reader)
        body = json_object()
        # null and false ask for nothing, as they do in predict.
        asked = [field for field in EXPLANATION_FIELDS if body.get(field) is not None and body.get(field) is not False]
        if asked:
            raise BadInput("explanations_not_offered", f"'{asked[0]}' is not offered for a whole number: ask "
                           "predict for explanations, one digit at a time.")
        return number_json(read_drawing(_NumberReader(ready_reader), body))


class _NumberReader:
    """``read_drawing`` reads a body's drawing with ``read_image`` or ``read_strokes``: these read a whole number."""

    def __init__(self, reader):
        self._reader = reader

    def read_image(self, data, methods=()):
        return self._reader.read_number_image(data)

    def read_strokes(self, strokes, width=None, methods=()):
        return self._reader.read_number_strokes(strokes, width)
