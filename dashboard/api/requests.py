"""Reading an API request: the JSON body as an object, and the drawing in it (an image or strokes)."""

import flask
from werkzeug.exceptions import ServiceUnavailable

from dashboard.api.serialize import decode_data_url
from model.errors import BadInput, UnsupportedType
from model.reading import neighbour_count

_JSON_TYPE_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean",
                    type(None): "null"}


def require(reader):
    """The reader, or a 503 while the model is still loading."""
    if reader is None:
        raise ServiceUnavailable("The model is still loading; try again in a few seconds.")
    return reader


def json_object():
    """The request body as a JSON object, or ``BadInput`` saying what is wrong with it."""
    request = flask.request
    if not request.is_json:
        raise UnsupportedType("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.")
    body = request.get_data(cache=True)
    if not body.strip():
        raise BadInput("empty_body", "The request body is empty; send a JSON object.")
    try:
        parsed = flask.json.loads(body)
    except RecursionError:
        # Already refused by the nesting check in dashboard.security; kept for routes mounted without it.
        raise BadInput("json_too_deep", "The JSON is nested too deeply.") from None
    except ValueError as error:  # JSONDecodeError, and UnicodeDecodeError for bytes that are not UTF-8
        raise BadInput("invalid_json", f"The body is not valid JSON ({str(error)[:120]}).") from None
    if not isinstance(parsed, dict):
        raise BadInput("invalid_json", f"The body must be a JSON object, not {_JSON_TYPE_NAMES[type(parsed)]}.")
    return parsed


def neighbours_asked(body):
    """How many nearest training digits a request body asks for (``"neighbours": 1..32``), 0 for none."""
    return neighbour_count(body["neighbours"]) if "neighbours" in body else 0


def read_drawing(reader, body, methods=(), **options):
    """The drawing in a request body (exactly one of ``image`` and ``strokes`` + ``width``) -> ``Reading``.
    ``options`` go to the reader as they are (``neighbours=k``)."""
    if ("image" in body) == ("strokes" in body):
        raise BadInput("missing_drawing", "Send exactly one of 'image' (a data URL or base64 image) "
                       "and 'strokes' (a list of strokes, each a list of [x, y] points).")
    if "image" in body:
        if not isinstance(body["image"], str):
            raise BadInput("invalid_image", "'image' must be a string: a data URL or base64 image.")
        return reader.read_image(decode_data_url(body["image"]), methods=methods, **options)
    return reader.read_strokes(body["strokes"], body.get("width"), methods=methods, **options)
