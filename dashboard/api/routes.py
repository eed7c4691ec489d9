"""The JSON API: the same DigitReader the dashboard uses.

    POST <prefix>api/predict   {"image": "data:image/png;base64,..."}            -> reading
                               {"strokes": [[[x, y], ...], ...], "width": 20}
                               optional "saliency": "vanilla" | "smoothgrad" | "integrated_gradients"
                               optional "robustness": true, "counterfactual": k (dashboard/api/explanations.py)
                               optional "neighbours": k (1 to 32) -> "neighbours": [{"index", "label", "similarity"}]
    POST <prefix>api/number    the same bodies -> a whole number, digit by digit (dashboard/api/number.py)
    GET  <prefix>api/health    200 once the model is loaded and warm, 503 before
    POST <prefix>api/drawings, and the admin's GET and DELETE: dashboard/api/drawings.py
    anything else under <prefix>api is a JSON 404 or 405
"""

import re

import flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from dashboard.api.drawings import add_drawing_routes
from dashboard.api.explanations import explanations_asked, explanations_json
from dashboard.api.number import add_number_route
from dashboard.api.requests import json_object, neighbours_asked, read_drawing, require
from dashboard.api.serialize import reading_json
from dashboard.http_errors import never_cached, register_json_errors
from model.explain.saliency import check_methods

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
ENDPOINT_METHODS = {"predict": ["POST"], "health": ["GET", "HEAD"], "drawings": ["GET", "HEAD", "POST"],
                    "number": ["POST"],
                    "drawings/<id>": ["GET", "HEAD", "DELETE"], "drawings/export": ["GET", "HEAD"]}


def create_api_blueprint(reader, name="digit_reader_api", services=None):
    """``reader`` is a loaded ``DigitReader``, or None while the model is still loading; ``services``
    with a database adds the collected drawings' routes."""
    api = flask.Blueprint(name, __name__)
    register_json_errors(api)
    never_cached(api)
    if services is not None and services.drawings is not None:
        add_drawing_routes(api, reader, services)

    @api.get("/health")
    def health():
        if reader is None:
            return {"status": "loading"}, 503, {"Retry-After": "5"}
        return {"status": "ok", "model_sha256": reader.classifier.sha256}

    @api.post("/predict")
    def predict():
        ready_reader = require(reader)
        body = json_object()
        saliency = body.get("saliency")
        methods = check_methods((saliency,)) if saliency is not None else ()
        asked = explanations_asked(body)
        neighbours = neighbours_asked(body)
        reading = read_drawing(ready_reader, body, methods, neighbours=neighbours)
        return {**reading_json(reading, saliency, neighbours > 0), **explanations_json(ready_reader, reading, asked)}

    add_number_route(api, reader)

    # Without this, Dash's catch-all page route would answer GET /api/predict or /api/typo with HTML.
    @api.route("", methods=ANY_METHOD)
    @api.route("/", methods=ANY_METHOD)
    @api.route("/<path:unknown>", methods=ANY_METHOD)
    def no_such_endpoint(unknown=""):
        endpoint = re.sub(r"^drawings/\d+$", "drawings/<id>", unknown)
        if endpoint in ENDPOINT_METHODS:
            allowed = ENDPOINT_METHODS[endpoint]
            raise MethodNotAllowed(allowed, f"Use {' or '.join(allowed)} for {endpoint}.")
        raise NotFound("No such API endpoint: the API has POST predict, POST number, GET health, "
                       "POST and GET drawings, GET and DELETE drawings/<id>, and GET drawings/export.")

    return api
