"""Small requests that cost a lot (issue 8), against the real server: each is refused with the right
4xx before its expensive step, or reduced before it, and none is a 5xx. Time is the benchmark's to
measure (python -m benchmarks.abuse); these check what happens.

In the issue's order: progressive JPEGs of many scans (API and seed route), wide strokes (API and
the Draw callback), the quadratic Dash envelope, UTF-16/32 JSON, RLE BMPs, forged callback
requests; then the headers, and the other costly requests the benchmark found.
"""

import base64
import json
import logging

import pytest
import requests

from dashboard import create_app
from model.artifacts import DEFAULT_MODEL_PATH
from model.preprocessing.containers import MAX_JPEG_SCANS
from model.preprocessing.strokes import MAX_STROKE_POINTS
from model.report import EvaluationReport
from tests.support import costly
from tests.support.costly import pad_png
from tests.support.encoders import data_url
from tests.support.http import PREDICT, assert_json_error, post_json
from tests.support.servers import running_dashboard

DASH = "/_dash-update-component"


def post_raw(url, body, path=PREDICT, content_type="application/json"):
    return requests.post(url + path, data=body, headers={"Content-Type": content_type}, timeout=60)


def seed_form(url, data, media_type="image/png"):
    return requests.post(url + "/", data={"imageBase64": data_url(data, media_type)}, timeout=60)


@pytest.fixture(scope="module")
def dependencies(live_server):
    return requests.get(live_server + "/_dash-dependencies", timeout=30).json()


@pytest.fixture(scope="module")
def draw_callback(dependencies):
    """The Draw tab's callback that reads the pad's strokes (its state) when a saliency method is chosen."""
    return next(dependency for dependency in dependencies if not dependency.get("clientside_function")
                and "pad-strokes.data" in costly.names(dependency.get("state", []))
                and "saliency-method.data" in costly.names(dependency["inputs"]))


def draw_request(draw_callback, strokes=costly.NORMAL_STROKES, width=costly.NORMAL_WIDTH, method="vanilla"):
    inputs = costly.names(draw_callback["inputs"])
    method_input = next(name for name in inputs if name.startswith("saliency-method."))
    values = {"pad-strokes.data": {"strokes": strokes, "widths": [width] * len(strokes)}, method_input: method}
    return costly.callback_body(draw_callback, values, changed=[method_input])


def post_dash(url, body):
    return post_raw(url, json.dumps(body, separators=(",", ":")).encode(), DASH)


# ---------------------------------------------------------------- JPEGs of many scans

def test_a_jpeg_of_many_scans_is_refused_from_its_markers(live_server):
    """Issue 8: 97,000 scans of 2000x2000 answered after 59 s. Now the size (from the frame header) and
    the scans (counted from the markers) are refused before any decoding."""
    flood = costly.scan_flood_jpeg(2000, 97_000)
    error = assert_json_error(post_json(live_server, {"image": data_url(flood, "image/jpeg")}), 413, "image_too_large")
    assert "2000x2000" in error["message"]
    many = costly.scan_flood_jpeg(1000, 10_000)
    error = assert_json_error(post_json(live_server, {"image": data_url(many, "image/jpeg")}), 413,
                              "image_too_complex")
    assert f"more than {MAX_JPEG_SCANS} scans" in error["message"]


def test_a_jpeg_at_the_scan_limit_is_read(live_server):
    body = post_json(live_server, {"image": data_url(costly.scan_flood_jpeg(1000, MAX_JPEG_SCANS - 1), "image/jpeg")})
    assert body.status_code == 200 and body.json()["status"] == "blank", body.text[:300]   # mid-grey: nothing drawn


def test_the_seed_route_refuses_them_too(live_server):
    """The form-encoded seed route, which any web page can make a visitor's browser post to."""
    assert_json_error(seed_form(live_server, costly.scan_flood_jpeg(1000, 100), "image/jpeg"), 413, "image_too_complex")
    # The issue's 10,000 scans (4.9 s): so many base64 '+' and '/' that the form is refused first.
    assert_json_error(seed_form(live_server, costly.scan_flood_jpeg(2000, 10_000), "image/jpeg"), 413)
    assert seed_form(live_server, pad_png()).json() == {"guess": 7}


# ---------------------------------------------------------------- wide strokes

def test_twenty_thousand_points_a_thousand_wide_are_refused_before_drawing(live_server):
    """Issue 8: 15 s of drawing round joints 1000 px wide. Now more points than a drawing has are
    refused as they are counted, and far more from the JSON's shape, before it is parsed."""
    wide = {"strokes": costly.tight_points(20_000), "width": 1000}
    assert_json_error(post_json(live_server, wide), 413, "too_many_points")
    wider = {"strokes": costly.tight_points(40_000), "width": 1000}
    assert_json_error(post_json(live_server, wider), 413, "json_too_large")


def test_points_that_would_paint_the_drawing_over_and_over_are_refused_before_drawing(live_server):
    wide = {"strokes": costly.tight_points(MAX_STROKE_POINTS), "width": 1000}
    error = assert_json_error(post_json(live_server, wide), 413, "strokes_too_costly")
    assert "times" in error["message"]


def test_a_long_scribble_is_drawn_coarser_and_read(live_server):
    body = post_json(live_server, {"strokes": costly.scribble(MAX_STROKE_POINTS), "width": 40})
    assert body.status_code == 200 and body.json()["status"] != "blank"


def test_the_draw_callback_reads_strokes_with_the_same_limits(live_server, draw_callback):
    normal = post_dash(live_server, draw_request(draw_callback))
    assert normal.status_code == 200 and "draw-message" in normal.json()["response"]
    wide = post_dash(live_server, draw_request(draw_callback, costly.tight_points(MAX_STROKE_POINTS), 1000))
    assert wide.status_code == 200
    assert "not a drawing" in wide.json()["response"]["draw-message"]["children"]
    assert "reading" not in wide.json()["response"]                   # the last reading is kept
    many = post_dash(live_server, draw_request(draw_callback, costly.tight_points(40_000), 1000))
    assert_json_error(many, 413, "json_too_large")


# ---------------------------------------------------------------- the quadratic envelope

def thumbnail_body(dependencies, count, changed):
    dependency = costly.find_callback(dependencies, '{"index":["ALL"],"type":"thumbnail"}.n_clicks')
    entries = [{"id": {"index": i, "type": "thumbnail"}, "property": "n_clicks", "value": None} for i in range(count)]
    ids = [costly.prop_id({"index": i, "type": "thumbnail"}, "n_clicks") for i in range(changed)]
    return costly.callback_body(dependency, {'{"index":["ALL"],"type":"thumbnail"}.n_clicks': entries}, ids)


def test_the_issues_quadratic_envelope_is_refused_before_dash_runs(live_server, dependencies):
    """45,000 inputs x 200,000 changedPropIds (1.97 MB): 127 s of CPU, answered 200, before issue 8."""
    body = thumbnail_body(dependencies, 0, 0)
    body["inputs"][0] = [{"id": "a", "property": "b"}] * 45_000
    body["changedPropIds"] = ["x"] * 200_000
    assert_json_error(post_dash(live_server, body), 413, "json_too_large")


def test_pattern_matching_lists_are_capped_at_what_the_gallery_holds(live_server, dependencies):
    gallery = len(EvaluationReport.load(DEFAULT_MODEL_PATH).gallery_indices)    # the error gallery's digits
    full = post_dash(live_server, thumbnail_body(dependencies, gallery, gallery))
    assert full.status_code in (200, 204), full.text[:300]
    error = assert_json_error(post_dash(live_server, thumbnail_body(dependencies, gallery + 1, 1)), 400,
                              "invalid_callback_request")
    assert f"at most {gallery}" in error["message"]
    assert_json_error(post_dash(live_server, thumbnail_body(dependencies, 3000, 3000)), 400, "invalid_callback_request")


# ---------------------------------------------------------------- JSON in other encodings

@pytest.mark.parametrize("body", [costly.hidden_arrays_json(300_000, "utf-16-le"), costly.hidden_arrays_json(10, "utf-16"),
                                  costly.deep_json(5_000, "utf-32-le"), costly.deep_json(5_000, "utf-32")])
@pytest.mark.parametrize("path", [PREDICT, DASH])
def test_json_in_utf16_or_utf32_is_refused_before_the_structure_scan(live_server, body, path):
    """Issue 8: the scan of a UTF-16 body was out of step, 300,000 arrays reached the parser (1 s), and a
    deep UTF-32 body was a 500 with a traceback on Dash's endpoint."""
    error = assert_json_error(post_raw(live_server, body, path), 400, "invalid_json")
    assert "UTF-8" in error["message"]


def test_a_charset_other_than_utf8_is_refused(live_server):
    response = post_raw(live_server, b'{"strokes": []}', content_type="application/json; charset=utf-16")
    assert "UTF-8" in assert_json_error(response, 400, "invalid_json")["message"]
    assert post_raw(live_server, b'{"strokes": []}', content_type="application/json; charset=UTF-8").status_code == 200


# ---------------------------------------------------------------- formats

def test_an_rle_bmp_is_refused_by_its_signature(live_server):
    """Issue 8: 9 KB of RLE BMP cost 0.6 s in Pillow's pure-Python decoder."""
    bmp = costly.rle_bmp(2000)
    assert len(bmp) < 10_000
    error = assert_json_error(post_json(live_server, {"image": base64.b64encode(bmp).decode()}), 415,
                              "unsupported_image_format")
    assert "BMP" in error["message"]
    assert_json_error(post_json(live_server, {"image": data_url(bmp, "image/bmp")}), 415, "unsupported_media_type")


@pytest.mark.parametrize("image", [costly.comment_flood_jpeg(300_000), costly.text_flood_png(80_000),
                                   costly.split_idat_png()], ids=["JPEG comments", "PNG text", "1-byte IDATs"])
def test_images_of_countless_segments_are_refused_from_their_headers(live_server, image):
    assert_json_error(post_json(live_server, {"image": base64.b64encode(image).decode()}), 413, "image_too_complex")


# ---------------------------------------------------------------- forged callback requests

FORGERIES = {
    "changedPropIds entry starting with {": lambda body: body.update(changedPropIds=['{"no json.property']),
    "outputs with other ids": lambda body: body.update(
        outputs=[{"id": f"other-{i}", "property": "children"} for i, _ in enumerate(body["outputs"])]),
    "outputs as nested lists": lambda body: body.update(outputs=[[output] for output in body["outputs"]]),
    "state with another id": lambda body: body["state"][0].update(id="not-the-pad"),
    "changedPropIds naming the state": lambda body: body.update(changedPropIds=["pad-strokes.data"]),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_forged_callback_requests_are_one_log_line_and_a_400(live_server, draw_callback, caplog, forgery):
    """Issue 8: each was a 500 with 1.5-3 KB of traceback (the outputs only after the model had run)."""
    body = draw_request(draw_callback)
    FORGERIES[forgery](body)
    with caplog.at_level(logging.INFO):
        response = post_dash(live_server, body)
    assert_json_error(response, 400, "invalid_callback_request")
    ours = [record for record in caplog.records if record.name.startswith("dashboard")]
    assert len(ours) == 1 and ours[0].levelno == logging.INFO and ours[0].exc_info is None, ours
    assert "\n" not in ours[0].getMessage() and not any(record.exc_info for record in caplog.records)


# ---------------------------------------------------------------- paths and headers

def test_an_unknown_component_suite_file_is_a_404(live_server):
    for path in ("/_dash-component-suites/dash/no-such-file.js", "/_dash-component-suites/no_such_package/x.js"):
        assert_json_error(requests.get(live_server + path, timeout=10), 404)


def test_reload_hash_answers_only_when_debugging(live_server):
    assert_json_error(requests.get(live_server + "/_reload-hash", timeout=10), 404)
    debugging = create_app({"DIGIT_READER_DEBUG": True}).server.test_client()
    assert debugging.get("/_reload-hash").status_code == 200


def test_api_answers_are_never_cached(live_server):
    answers = [post_json(live_server, {"strokes": costly.NORMAL_STROKES}), post_json(live_server, {}),
               requests.get(live_server + "/api/health", timeout=10), requests.get(live_server + "/api/nope", timeout=10),
               seed_form(live_server, pad_png())]
    assert [answer.status_code for answer in answers] == [200, 400, 200, 404, 200]
    assert all(answer.headers["Cache-Control"] == "no-store" for answer in answers)


@pytest.mark.parametrize("frame_ancestors, header", [("'self'", "SAMEORIGIN"), ("'none'", "DENY"),
                                                     ("'self' https://portal.example.com", None)])
def test_x_frame_options_matches_frame_ancestors(frame_ancestors, header):
    client = create_app({"DIGIT_READER_FRAME_ANCESTORS": frame_ancestors}).server.test_client()
    for response in (client.get("/"), client.get("/api/health"), client.post(PREDICT, data="{")):
        assert f"frame-ancestors {frame_ancestors}" in response.headers["Content-Security-Policy"]
        assert response.headers.get("X-Frame-Options") == header


@pytest.mark.slow
def test_python_m_dashboard_sends_no_server_banner():
    """Werkzeug's dev server announces ``Werkzeug/x Python/y`` on every answer; ours does not."""
    with running_dashboard() as url:
        health = requests.get(url + "/api/health", timeout=30)
        page = requests.get(url + "/", timeout=30)
        for response in (health, page):
            assert response.status_code == 200 and "Server" not in response.headers, response.headers
            assert "Werkzeug" not in str(response.headers) and "Date" in response.headers


# ---------------------------------------------------------------- what the benchmark found besides

def test_a_form_of_countless_fields_or_escapes_is_refused_before_parsing(live_server):
    """300,000 fields (or 600,000 percent-escapes) in 2 MB cost parse_qsl 0.5-0.7 s of pure Python."""
    fields = b"a=1&" * 300_000 + b"imageBase64=x"
    assert_json_error(post_raw(live_server, fields, "/", "application/x-www-form-urlencoded"), 413, "form_too_large")
    escapes = b"imageBase64=" + b"%41" * 600_000
    assert_json_error(post_raw(live_server, escapes, "/", "application/x-www-form-urlencoded"), 413, "form_too_large")


def test_a_data_url_header_of_a_million_parameters_is_read_in_one_pass(live_server):
    """The data-URL pattern backtracked over ';a;a;a...' for half a second; now it is split once."""
    assert_json_error(post_json(live_server, {"image": "data:" + ";a" * 700_000}), 400, "invalid_base64")
    assert_json_error(post_json(live_server, {"image": "data:image/png" + ";x" * 500_000 + ",AAAA"}), 400,
                      "invalid_base64")
