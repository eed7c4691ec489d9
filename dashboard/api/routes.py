"""The JSON API: the same DigitReader the dashboard uses.

    POST <prefix>api/predict   {"image": "data:image/png;base64,..."}            -> reading
                               {"strokes": [[[x, y], ...], ...], "width": 20}
                               optional "saliency": "vanilla" | "smoothgrad" | "integrated_gradients"
    GET  <prefix>api/health    200 once the model is loaded and warm, 503 before
    anything else under <prefix>api is a JSON 404 or 405
"""

import flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from dashboard.api.requests import json_object, read_drawing, require
from dashboard.api.serialize import reading_json
from dashboard.http_errors import register_json_errors
from model.explain.saliency import check_methods

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ENDPOINT_METHODS = {"predict": ["POST"], "health": ["GET", "HEAD"]}


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
        ready_reader = require(reader)
        body = json_object()
        saliency = body.get("saliency")
        methods = check_methods((saliency,)) if saliency is not None else ()
        return reading_json(read_drawing(ready_reader, body, methods), saliency)

    # Without this, Dash's catch-all page route would answer GET /api/predict or /api/typo with HTML.
    @api.route("", methods=ANY_METHOD)
    @api.route("/", methods=ANY_METHOD)
    @api.route("/<path:unknown>", methods=ANY_METHOD)
    def no_such_endpoint(unknown=""):
        if unknown in ENDPOINT_METHODS:
            raise MethodNotAllowed(ENDPOINT_METHODS[unknown], f"Use {ENDPOINT_METHODS[unknown][0]} for {unknown}.")
        raise NotFound("No such API endpoint: the API has POST predict and GET health.")

    return api
