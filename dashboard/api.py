"""The JSON API: the same DigitReader the dashboard uses."""

import flask

from model.errors import BadInput


def create_api_blueprint(reader, name="digit_reader_api"):
    api = flask.Blueprint(name, __name__)

    @api.get("/health")
    def health():
        return {"status": "ok", "model_sha256": reader.classifier.sha256}

    @api.post("/predict")
    def predict():
        body = flask.request.get_json(silent=True)
        try:
            if not isinstance(body, dict):
                raise BadInput("invalid_json", "The body must be a JSON object.")
            if "image" in body:
                reading = reader.read_data_url(body["image"], methods=())
            else:
                reading = reader.read_strokes(body.get("strokes"), body.get("width"), methods=())
        except BadInput as error:
            return {"error": {"code": error.code, "message": error.message}}, error.status
        return reading.to_json()

    return api
