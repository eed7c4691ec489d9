"""The JSON API and the original digit reader's form endpoint: the same DigitReader the dashboard uses.

    POST <prefix>api/predict   {"image": "data:image/png;base64,..."}            -> reading
                               {"strokes": [[[x, y], ...], ...], "width": 20}
                               optional "saliency": "vanilla" | "smoothgrad" | "integrated_gradients"
    GET  <prefix>api/health    200 once the model is loaded and warm, 503 before
    anything else under <prefix>api is a JSON 404 or 405
    POST <prefix>              form field imageBase64 (a data URL, as jQuery's $.ajax sent it) -> {"guess": n}
"""

import flask
from werkzeug.exceptions import MethodNotAllowed, NotFound, ServiceUnavailable

from dashboard.errors import register_json_errors
from model.errors import BadInput
from model.inference import METHODS

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ENDPOINT_METHODS = {"predict": ["POST"], "health": ["GET", "HEAD"]}
_JSON_TYPE_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean",
                    type(None): "null"}


def create_api_blueprint(reader, name="digit_reader_api"):
    """``reader`` is a loaded ``DigitReader``, or None while the model is still loading."""
    api = flask.Blueprint(name, __name__)
    register_json_errors(api)

    @api.get("/health")
    def health():
        if reader is None:
            return {"status": "loading"}, 503, {"Retry-After": "5", "Cache-Control": "no-store"}
        return {"status": "ok", "model_sha256": reader.classifier.sha256}, 200, {"Cache-Control": "no-store"}

    @api.post("/predict")
    def predict():
        ready_reader = _require(reader)
        body = _json_object()
        saliency = body.get("saliency")
        if saliency is not None and saliency not in METHODS:
            raise BadInput("unknown_saliency_method",
                           f"'saliency' must be one of {', '.join(METHODS)}, or left out.")
        methods = (saliency,) if saliency else ()
        if ("image" in body) == ("strokes" in body):
            raise BadInput("missing_drawing", "Send exactly one of 'image' (a data URL or base64 image) "
                           "and 'strokes' (a list of strokes, each a list of [x, y] points).")
        if "image" in body:
            if not isinstance(body["image"], str):
                raise BadInput("invalid_image", "'image' must be a string: a data URL or base64 image.")
            reading = ready_reader.read_data_url(body["image"], methods=methods)
        else:
            reading = ready_reader.read_strokes(body["strokes"], body.get("width"), methods=methods)
        return reading.to_json(saliency)

    # Without this, Dash's catch-all page route would answer GET /api/predict or /api/typo with HTML.
    @api.route("", methods=ANY_METHOD)
    @api.route("/", methods=ANY_METHOD)
    @api.route("/<path:unknown>", methods=ANY_METHOD)
    def no_such_endpoint(unknown=""):
        if unknown in ENDPOINT_METHODS:
            raise MethodNotAllowed(ENDPOINT_METHODS[unknown], f"Use {ENDPOINT_METHODS[unknown][0]} for {unknown}.")
        raise NotFound("No such API endpoint: the API has POST predict and GET health.")

    return api


def create_legacy_blueprint(reader, name="digit_reader_legacy"):
    """``POST /`` as the original Flask digit reader answered it, so its old client keeps working."""
    legacy = flask.Blueprint(name, __name__)
    register_json_errors(legacy)

    @legacy.post("/")
    def guess():
        image = flask.request.form.get("imageBase64")
        if image is None:
            raise BadInput("missing_field", "Send the drawing as the form field 'imageBase64' (a data URL).")
        reading = _require(reader).read_data_url(image, methods=())
        return {"guess": reading.digit}

    return legacy


def _require(reader):
    if reader is None:
        raise ServiceUnavailable("The model is still loading; try again in a few seconds.")
    return reader


def _json_object():
    """The request body as a JSON object, or ``BadInput`` saying what is wrong with it."""
    request = flask.request
    if not request.is_json:
        raise BadInput("unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.", 415)
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
