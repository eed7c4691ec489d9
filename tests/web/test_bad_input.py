"""Every bad input gets a 4xx with a JSON error that says what was wrong, and the server keeps serving.

Against the real threaded HTTP server and the real model (issue 4's list, in its order).
"""

import base64
import json

import numpy as np
import pytest
import requests
from PIL import Image

from dashboard.settings import DEFAULT_MAX_BODY_BYTES
from model.reading import Status
from tests.support.encoders import crafted_png, data_url, encoded
from tests.support.http import PREDICT, assert_json_error, chunked_post, post_json, raw_http


@pytest.fixture(scope="module")
def seven(mnist_test):
    """A real MNIST 7 (the first test digit) as a greyscale image, dark ink on white, 112 px square."""
    images, labels = mnist_test
    assert labels[0] == 7
    return Image.fromarray(255 - images[0]).resize((112, 112), Image.Resampling.BILINEAR)


def post_raw(base_url, body, content_type="application/json", path=PREDICT):
    headers = {} if content_type is None else {"Content-Type": content_type}
    return requests.post(base_url + path, data=body, headers=headers, timeout=30)


# ---------------------------------------------------------------- the body itself

@pytest.mark.parametrize("body, code", [
    (b"", "empty_body"),
    (b"   \n", "empty_body"),
    (b'{"image": ', "invalid_json"),
    (b"{'image': 'x'}", "invalid_json"),
    (b"\xff\xfe\x00garbage", "invalid_json"),
    (b'{"strokes": [[[1, 2]]], "width": 1' + b"0" * 5000 + b"}", "invalid_json"),   # past int's digit limit
    (b"[" * 50_000 + b"]" * 50_000, "json_too_deep"),
    (b'{"a":' * 30_000 + b"1" + b"}" * 30_000, "json_too_deep"),
    (b"[" * 100_000, "json_too_deep"),
    (b"[]", "invalid_json"),
    (b'[{"image": "x"}]', "invalid_json"),
    (b"null", "invalid_json"),
    (b"42", "invalid_json"),
    (b'"data:image/png;base64,AAAA"', "invalid_json"),
    (b"true", "invalid_json"),
])
def test_bodies_that_are_not_a_json_object(live_server, body, code):
    assert_json_error(post_raw(live_server, body), 400, code)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "image/png"])
def test_wrong_content_type(live_server, content_type):
    assert_json_error(post_raw(live_server, b'{"strokes": []}', content_type), 415, "unsupported_media_type")


@pytest.mark.parametrize("method, path, status", [
    ("GET", PREDICT, 405), ("PUT", PREDICT, 405), ("PUT", "/api/health", 405), ("POST", "/api/health", 405),
    ("POST", "/api/predictions", 404), ("GET", "/api/", 404), ("DELETE", "/", 405), ("PATCH", "/_dash-layout", 405),
])
def test_wrong_methods_and_unknown_api_endpoints(live_server, method, path, status):
    response = requests.request(method, live_server + path, timeout=10)
    assert_json_error(response, status)
    if status == 405:
        assert response.headers["Allow"]


# ---------------------------------------------------------------- fields

@pytest.mark.parametrize("payload, code", [
    ({}, "missing_drawing"),
    ({"drawing": "x"}, "missing_drawing"),
    ({"image": "", "strokes": []}, "missing_drawing"),
    ({"image": None}, "invalid_image"),
    ({"image": 42}, "invalid_image"),
    ({"image": ["data:image/png;base64,AAAA"]}, "invalid_image"),
    ({"image": {"data": "x"}}, "invalid_image"),
    ({"strokes": "M 0 0 L 10 10"}, "invalid_strokes"),
    ({"strokes": {"0": [[1, 2]]}}, "invalid_strokes"),
    ({"strokes": None}, "invalid_strokes"),
    ({"strokes": [[[1, 2]]], "width": "20"}, "invalid_width"),
    ({"strokes": [[[1, 2]]], "width": True}, "invalid_width"),
    ({"strokes": [[[1, 2]]], "width": -3}, "invalid_width"),
    ({"strokes": [[[1, 2]]], "width": 0}, "invalid_width"),
    ({"strokes": [[[1, 2]]], "width": 1e9}, "invalid_width"),
])
def test_missing_or_wrongly_typed_fields(live_server, payload, code):
    assert_json_error(post_json(live_server, payload), 400, code)


@pytest.mark.parametrize("saliency", ["gradcam", "VANILLA", "", 1, True, ["vanilla"], {"method": "vanilla"}])
def test_unknown_saliency_methods(live_server, saliency):
    # Refused before any decoding, whatever the drawing (blank drawings included).
    assert_json_error(post_json(live_server, {"strokes": [], "saliency": saliency}), 400, "unknown_saliency_method")


# ---------------------------------------------------------------- images

@pytest.mark.parametrize("image, status, code", [
    ("", 400, "empty_image"),
    ("   ", 400, "empty_image"),
    ("data:,", 400, None),
    ("data:image/png;base64,", 400, "empty_image"),
    ("data:image/png;base64,!!!not*base64###", 400, "invalid_base64"),
    ("iVBORw0KGgo=====AAAA", 400, "invalid_base64"),
    ("data:image/png,%89PNG%0D%0A", 400, "invalid_base64"),
    ("data:text/html;base64," + base64.b64encode(b"<script>alert(1)</script>").decode(), 415, "unsupported_media_type"),
    ("data:text/html,<script>alert(1)</script>", 415, "unsupported_media_type"),
    ("data:image/svg+xml;base64," + base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg"/>').decode(),
     415, "unsupported_media_type"),
    ("data:image/svg+xml,<svg onload=alert(1)>", 415, "unsupported_media_type"),
    (data_url(b"Hello, this is plain text and not an image at all."), 400, "invalid_image"),
    (data_url(b"%PDF-1.7\n" + b"0" * 200, "image/png"), 400, "invalid_image"),
    (data_url(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "image/png"), 400, "invalid_image"),
])
def test_image_strings_that_are_not_images(live_server, image, status, code):
    assert_json_error(post_json(live_server, {"image": image}), status, code)


def test_truncated_and_corrupt_pngs(live_server, seven):
    png = encoded(seven)
    for damaged in (png[:8], png[:33], png[: len(png) // 2], png[:-60],          # cut inside the compressed pixels
                    png[:40] + bytes(b ^ 0xFF for b in png[40:80]) + png[80:],     # IDAT data scrambled
                    png[:16] + b"\x00\x00\x00\x00" + png[20:]):                    # zero width, bad CRC
        assert_json_error(post_json(live_server, {"image": data_url(damaged)}), 400, "invalid_image")


@pytest.mark.parametrize("width, height, bit_depth, colour_type", [
    (12_000, 12_000, 8, 0),          # 144 MP: Pillow alone would only warn below 179 MP
    (50_000, 50_000, 1, 0),          # 2.5 GP of 1-bit pixels
    (2_100, 2_000, 8, 6),            # just over the 4 MP limit, RGBA
    (10_001, 1, 8, 0),               # a side over the limit
])
def test_decompression_bombs_are_refused_from_the_header(live_server, width, height, bit_depth, colour_type):
    bomb = crafted_png(width, height, bit_depth, colour_type)
    assert len(bomb) < 1000
    assert_json_error(post_json(live_server, {"image": data_url(bomb)}), 413, "image_too_large")


def test_a_real_compressed_bomb_is_refused(live_server):
    """A valid PNG: 12000x12000 black pixels in ~100 KB of DEFLATE."""
    import zlib
    rows = zlib.compress((b"\x00" + b"\x00" * 12_000) * 12_000, 9)
    bomb = crafted_png(12_000, 12_000, idat=rows)
    assert len(bomb) < 200_000
    assert_json_error(post_json(live_server, {"image": data_url(bomb)}), 413, "image_too_large")


@pytest.mark.parametrize("size", [(1, 1), (1, 5000), (5000, 1), (3, 4000), (1000, 1000)])
def test_extreme_aspect_ratios_and_tiny_images_are_answered(live_server, size):
    image = Image.new("L", size, 255)
    image.paste(0, (0, 0, max(1, size[0] // 2), max(1, size[1] // 2)))
    body = post_json(live_server, {"image": data_url(encoded(image))})
    assert body.status_code == 200, body.text
    assert body.json()["status"] in {str(status) for status in Status}


def test_animated_images_are_read_from_their_first_frame(live_server, seven):
    still = post_json(live_server, {"image": data_url(encoded(seven))}).json()
    blank = Image.new("L", seven.size, 255)
    for format, media_type in (("PNG", "image/png"), ("WEBP", "image/webp")):
        animated = encoded(seven, format, save_all=True, append_images=[blank, blank], duration=100, loop=0,
                           **({"lossless": True} if format == "WEBP" else {}))
        body = post_json(live_server, {"image": data_url(animated, media_type)})
        assert body.status_code == 200, (format, body.text)
        assert body.json()["digit"] == still["digit"] == 7, format


@pytest.mark.parametrize("format, media_type", [("GIF", "image/gif"), ("BMP", "image/bmp")])
def test_gif_and_bmp_are_refused(live_server, seven, format, media_type):
    """Read until issue 8 (which this test asserted); the README has only ever named PNG, JPEG and WebP."""
    image = encoded(seven, format)
    assert_json_error(post_json(live_server, {"image": data_url(image, media_type)}), 415, "unsupported_media_type")
    bare = base64.b64encode(image).decode()
    error = assert_json_error(post_json(live_server, {"image": bare}), 415, "unsupported_image_format")
    assert format in error["message"] and "PNG, JPEG or WebP" in error["message"]


def image_modes(seven):
    """The same 7 as 16-bit, 1-bit, palette, grey+alpha, RGBA with a transparent background, and inverted."""
    grey = np.asarray(seven)
    ink = 255 - grey
    transparent = np.zeros((*grey.shape, 4), np.uint8)
    transparent[..., 3] = ink                                   # black ink whose alpha is the drawing
    return {
        "16-bit": Image.fromarray((grey.astype(np.uint16) * 257)).convert("I;16"),
        "1-bit": seven.point(lambda v: 255 if v > 127 else 0).convert("1"),
        "palette": seven.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=16),
        "grey+alpha": Image.merge("LA", (seven, Image.new("L", seven.size, 255))),
        "transparent background": Image.fromarray(transparent, "RGBA"),
        "white on black": Image.fromarray(ink),
        "RGB": seven.convert("RGB"),
    }


@pytest.mark.parametrize("mode", ["16-bit", "1-bit", "palette", "grey+alpha", "transparent background",
                                  "white on black", "RGB"])
def test_every_image_mode_is_read_like_the_plain_image(live_server, seven, mode):
    image = image_modes(seven)[mode]
    body = post_json(live_server, {"image": data_url(encoded(image))})
    assert body.status_code == 200, body.text
    assert body.json()["digit"] == 7, (mode, body.json())


def test_a_palette_png_with_a_transparent_index_is_read(live_server, seven):
    palette = seven.convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    white_index = palette.getpixel((0, 0))
    body = post_json(live_server, {"image": data_url(encoded(palette, transparency=white_index))})
    assert body.status_code == 200 and body.json()["digit"] == 7, body.text


# ---------------------------------------------------------------- strokes

@pytest.mark.parametrize("strokes_json", [
    '[[[1, 2], [NaN, 4]]]',
    '[[[1, 2], [Infinity, 4]]]',
    '[[[-Infinity, 2]]]',
    '[[[1e999, 2]]]',
    '[[[1e12, 2], [3, 4]]]',
    '[[[1' + '0' * 400 + ', 2]]]',
    '[[["12", "30"]]]',
    '[[[1, 2, 3]]]',
    '[[[1]]]',
    '[[1, 2]]',
    '[[]]',
    '[[["a", "b"]]]',
    '[[[null, 1]]]',
    '[[[true, false]]]',
    '[[[[1, 2], [3, 4]]]]',
    '[[{"x": 1, "y": 2}]]',
    '[[[1, 2]], "not a stroke"]',
])
def test_strokes_with_bad_numbers_or_shapes(live_server, strokes_json):
    body = ('{"strokes": ' + strokes_json + ', "width": 20}').encode()
    assert_json_error(post_raw(live_server, body), 400, "invalid_strokes")


def test_too_many_stroke_points(live_server):
    from model.preprocessing.strokes import MAX_STROKE_POINTS, MAX_STROKES

    many = {"strokes": [[[i % 280, (i * 7) % 280] for i in range(MAX_STROKE_POINTS + 1)]]}
    assert_json_error(post_json(live_server, many), 413, "too_many_points")
    split = {"strokes": [[[1, 2], [3, 4]] for _ in range(MAX_STROKES + 1)]}
    assert_json_error(post_json(live_server, split), 413, "too_many_strokes")
    # Far more: refused from the JSON's shape, before it is parsed.
    assert_json_error(post_json(live_server, {"strokes": [[[i % 280, 5] for i in range(25_000)]]}), 413,
                      "json_too_large")


@pytest.mark.parametrize("points, code", [(150_000, "json_too_large"), (400_000, "body_too_large")])
def test_hundreds_of_thousands_of_points_are_refused_before_parsing(live_server, points, code):
    body = ('{"strokes": [[' + ",".join(["[1,2]"] * points) + "]]}").encode()
    assert_json_error(post_raw(live_server, body), 413, code)


def test_brackets_inside_strings_are_not_structure(live_server):
    from dashboard.security import json_structure

    assert json_structure(b'{"a": "[[[{{\\\"[", "b": [[1], {"c": "]]"}]}') == (3, 4)
    image = "data:image/png;base64," + "[" * 200 + "A" * 100
    assert_json_error(post_json(live_server, {"image": image}), 400, "invalid_base64")


# ---------------------------------------------------------------- size limit

def test_a_body_over_the_limit_is_refused_as_json(live_server):
    body = json.dumps({"image": "A" * DEFAULT_MAX_BODY_BYTES}).encode()
    assert_json_error(post_raw(live_server, body), 413, "body_too_large")


def test_a_chunked_body_over_the_limit_is_never_answered_from_its_first_bytes(live_server):
    """The body's first 2 MiB alone would be a readable (and invalid) JSON prefix: it must be a 413."""
    body = json.dumps({"image": "A" * (DEFAULT_MAX_BODY_BYTES + 50_000)}).encode()
    status, _, answer = raw_http(live_server, chunked_post(PREDICT, body))
    assert status == 413, answer[:300]
    assert json.loads(answer)["error"]["code"] == "body_too_large"


def test_a_chunked_body_of_exactly_the_limit_is_read(live_server):
    start = b'{"strokes": [], "pad": "'
    body = start + b"x" * (DEFAULT_MAX_BODY_BYTES - len(start) - 2) + b'"}'
    assert len(body) == DEFAULT_MAX_BODY_BYTES
    status, _, answer = raw_http(live_server, chunked_post(PREDICT, body))
    assert status == 200 and json.loads(answer)["status"] == "blank", answer[:300]


# ---------------------------------------------------------------- the legacy route and Dash's endpoints

@pytest.mark.parametrize("form", [{}, {"imageBase64": ""}, {"imageBase64": "data:,"},
                                  {"imageBase64": "data:text/html,<b>"}, {"imageBase64": data_url(b"not png")},
                                  {"imageBase64": data_url(crafted_png(20_000, 20_000))}])
def test_the_legacy_route_answers_bad_drawings_with_json(live_server, form):
    response = requests.post(live_server + "/", data=form, timeout=30)
    assert 400 <= response.status_code < 500
    assert_json_error(response, response.status_code)


@pytest.mark.parametrize("body, content_type", [
    (b"", "application/json"),
    (b"{not json", "application/json"),
    (b"[" * 50_000, "application/json"),
    (b"null", "application/json"),
    (b"[1, 2]", "application/json"),
    (b'{"output": "no-such-component.children"}', "application/json"),
    (b'{"output": 1, "inputs": []}', "application/json"),
    (b"output=x", "application/x-www-form-urlencoded"),
])
def test_dash_callback_endpoint_never_leaks_a_traceback(live_server, body, content_type):
    response = post_raw(live_server, body, content_type, path="/_dash-update-component")
    assert_json_error(response, 400)


def test_dash_callback_endpoint_with_a_real_output_but_broken_inputs(live_server, app):
    if not app.callback_map:
        pytest.skip("the dashboard registers no callbacks yet")
    output = next(iter(app.callback_map))
    for inputs in ([1, 2], [{"id": 1}], "x", [[{"property": "value"}]]):
        response = requests.post(live_server + "/_dash-update-component", timeout=30,
                                 json={"output": output, "outputs": {"id": "x", "property": "y"}, "inputs": inputs})
        assert_json_error(response, 400, "invalid_callback_request")


def test_the_server_is_still_serving_after_all_of_it(live_server, seven):
    assert requests.get(live_server + "/api/health", timeout=10).status_code == 200
    body = post_json(live_server, {"image": data_url(encoded(seven))})
    assert body.status_code == 200 and body.json()["digit"] == 7
