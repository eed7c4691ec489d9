"""The collected drawings over JSON: anyone may save one; only the admin may list, open, delete and export.

    POST   <prefix>api/drawings          {"image": ...} or {"strokes": ..., "width": w}, plus "label": 0-9
                                          -> 201 {"id", "label", "predicted", "confidence"}
    GET    <prefix>api/drawings?limit=N  newest first (N up to 500; optional label, predicted, wrong=true)
                                          -> {"drawings": [...], "next": URL or null}
    GET    <prefix>api/drawings/<id>     one, with its 28x28 input and what was drawn
    DELETE <prefix>api/drawings/<id>     -> 204
    GET    <prefix>api/drawings/export?format=idx|npz   a zip of MNIST's gzipped IDX files, or an npz

The admin's routes want ``Authorization: Bearer <DIGIT_READER_ADMIN_TOKEN>`` (otherwise 401, and
never a hint of the data); the export also takes the session cookie of an admin signed in on the Collected tab. A save is answered 201 only once it is committed; a database that cannot
be reached answers 503, and readings (``/api/predict``) go on working meanwhile.
"""

import base64

import flask
from flask_limiter import RateLimitExceeded
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import NotFound, Unauthorized

from dashboard.api.requests import json_object, read_drawing, require
from dashboard.access import viewer_is_admin
from dashboard.api.serialize import decode_data_url
from dashboard.http_errors import json_error
from dashboard.limits import too_many_saves
from model.errors import BadInput, TooLarge
from model.reading import is_digit
from store import (Filters, NewDrawing, StoreUnavailable, Viewer, delete_drawing, get_drawing, list_drawings,
                   save_drawing)
from store.drawings import MAX_PAGE
from store.export import NPZ_FILE, export_files, idx_zip

MAX_SAVED_BYTES = 256 * 1024      # what was drawn, as stored: a pad's PNG is ~20 KB, its strokes less
DEFAULT_PAGE = 50
IMAGE_MAGIC = {b"\x89PNG": "image/png", b"\xff\xd8": "image/jpeg", b"RIFF": "image/webp", b"GIF8": "image/gif",
               b"BM": "image/bmp"}
EXPORTS = {"idx": ("application/zip", "digit-reader-drawings-idx.zip"),
           "npz": ("application/octet-stream", "digit-reader-drawings.npz")}


def add_drawing_routes(api, reader, services):
    """The routes on the API blueprint ``api``; ``services`` brings the database, visitors, admin and limit."""
    database, visitors, admin = services.drawings, services.visitors, services.admin

    @api.post("/drawings")
    @services.save_limit
    def save():
        ready_reader = require(reader)
        body = json_object()
        label = drawing_label(body)
        reading = read_drawing(ready_reader, body, methods=())
        if reading.blank:
            raise BadInput("blank_drawing", "Nothing is drawn: a blank drawing cannot be saved.")
        saved = save_drawing(database, NewDrawing.of_reading(
            reading, label=label, visitor=visitors.current(create=True), model_sha256=ready_reader.classifier.sha256,
            **what_was_drawn(body)))
        answer = {"id": saved.id, "label": saved.label, "predicted": saved.predicted,
                  "confidence": round(saved.confidence, 6)}
        location = flask.url_for(".one_drawing", drawing_id=saved.id)
        return answer, 201, {"Location": location}

    @api.get("/drawings")
    def drawings():
        require_admin(admin)
        args = flask.request.args
        limit = whole_number(args, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
        before = whole_number(args, "before", None, 1, None)
        filters = Filters(label=whole_number(args, "label", None, 0, 9),
                          predicted=whole_number(args, "predicted", None, 0, 9),
                          only_wrong=true_or_false(args, "wrong"))
        page = list_drawings(database, Viewer.admin(), filters, limit=limit, before=before)
        following = None
        if page.next_before is not None:
            query = {key: value for key, value in args.items() if key not in ("limit", "before")}
            following = flask.url_for(".drawings", **query, limit=limit, before=page.next_before)
        return {"drawings": [summary(drawing) for drawing in page.drawings], "next": following}

    @api.get("/drawings/<int:drawing_id>")
    def one_drawing(drawing_id):
        require_admin(admin)
        drawing = get_drawing(database, Viewer.admin(), drawing_id)
        if drawing is None:
            raise NotFound(f"There is no drawing {drawing_id}.")
        return detail(drawing), 200

    @api.delete("/drawings/<int:drawing_id>")
    def delete_one(drawing_id):
        require_admin(admin)
        if not delete_drawing(database, Viewer.admin(), drawing_id):
            raise NotFound(f"There is no drawing {drawing_id}.")
        return "", 204

    @api.get("/drawings/export")
    def export():
        # The Collected tab's download links: a signed-in admin's session cookie stands in for the token
        # (dashboard/access.py, AdminSessions); this read-only download is the one route it opens.
        if not viewer_is_admin(services.admin_sessions):
            require_admin(admin)
        kind = flask.request.args.get("format", "npz")
        if kind not in EXPORTS:
            raise BadInput("invalid_format", "'format' must be idx (MNIST's IDX files, zipped) or npz.")
        files = export_files(database)
        media_type, name = EXPORTS[kind]
        content = idx_zip(files) if kind == "idx" else files[NPZ_FILE]
        return flask.Response(content, mimetype=media_type, headers={
            "Content-Disposition": f"attachment; filename={name}"})

    api.register_error_handler(StoreUnavailable, database_unavailable)
    api.register_error_handler(RateLimitExceeded, too_many_saves)


def require_admin(admin):
    """A 401 unless the request carries the admin token (it never says more than that)."""
    if not admin.in_request():
        message = ("Send 'Authorization: Bearer <the admin token>'." if admin.configured else
                   "There is no admin on this server: set DIGIT_READER_ADMIN_TOKEN to have one.")
        raise Unauthorized(message, www_authenticate=WWWAuthenticate("bearer", {"realm": "digit-reader"}))


def drawing_label(body):
    if "label" not in body:
        raise BadInput("missing_label", "Send 'label': the digit (0 to 9) the drawing really is.")
    if not is_digit(body["label"]):
        raise BadInput("invalid_label", "'label' must be a whole number from 0 to 9.")
    return body["label"]


def what_was_drawn(body):
    """The strokes or image bytes to keep, refused when larger than a drawing needs to be."""
    if "image" in body:
        image = decode_data_url(body["image"])
        size, drawn = len(image), {"image": image}
    else:
        size = len(flask.json.dumps(body["strokes"]))
        drawn = {"strokes": body["strokes"], "width": body.get("width")}
    if size > MAX_SAVED_BYTES:
        raise TooLarge("drawing_too_large", f"A saved drawing is at most {MAX_SAVED_BYTES // 1024} KiB; "
                       "this one can be read (/api/predict) but not saved.")
    return drawn


def whole_number(args, name, default, low, high):
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        bound = f"from {low} to {high}" if high is not None else f"of at least {low}"
        raise BadInput(f"invalid_{name}", f"'{name}' must be a whole number {bound}.")
    return int(raw)


def true_or_false(args, name):
    raw = args.get(name, "false")
    if raw not in ("true", "false"):
        raise BadInput(f"invalid_{name}", f"'{name}' must be true or false.")
    return raw == "true"


def summary(drawing):
    return {"id": drawing.id, "label": drawing.label, "predicted": drawing.predicted,
            "confidence": round(drawing.confidence, 6), "created": iso(drawing.created),
            "model_sha256": drawing.model_sha256, "visitor": drawing.visitor}


def detail(drawing):
    body = summary(drawing)
    body["probabilities"] = [round(float(p), 6) for p in drawing.probabilities]
    body["model_input"] = drawing.model_input.tolist()         # 28 rows of 28 values, 0-255, white ink on black
    if drawing.strokes is not None:
        body.update(strokes=drawing.strokes["strokes"], width=drawing.strokes["width"])
    else:
        body["image"] = f"data:{image_type(drawing.image)};base64," + base64.b64encode(drawing.image).decode()
    return body


def image_type(data):
    return next((media_type for magic, media_type in IMAGE_MAGIC.items() if data.startswith(magic)),
                "application/octet-stream")


def iso(moment):
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def database_unavailable(error):
    response = json_error("database_unavailable", f"{error} The drawing was not saved (or the request not "
                          "answered): try again in a moment. Reading drawings still works.", 503)
    response.headers["Retry-After"] = "5"
    return response
