"""``POST <prefix>`` with the form field ``imageBase64`` -> ``{"guess": n}``: the original Flask digit
reader's endpoint, answered as it was, so its old jQuery client keeps working."""

import flask

from dashboard.api.requests import require
from dashboard.api.serialize import decode_data_url
from dashboard.http_errors import never_cached, register_json_errors
from model.errors import BadInput


def create_legacy_blueprint(reader, name="digit_reader_legacy"):
    legacy = flask.Blueprint(name, __name__)
    register_json_errors(legacy)
    never_cached(legacy)

    @legacy.post("/")
    def guess():
        image = flask.request.form.get("imageBase64")
        if image is None:
            raise BadInput("missing_field", "Send the drawing as the form field 'imageBase64' (a data URL).")
        reading = require(reader).read_image(decode_data_url(image), methods=())
        return {"guess": reading.digit}

    return legacy
