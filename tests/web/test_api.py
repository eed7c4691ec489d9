"""The JSON API and the legacy form endpoint, through a real HTTP server and the real model."""

import base64
import io
import json
from urllib.parse import urlencode

import numpy as np
import pytest
import requests
from PIL import Image

from dashboard.api.serialize import reading_json
from tests.support.encoders import canvas_png, data_url, encoded
from tests.support.http import PREDICT, predict


@pytest.fixture(scope="module")
def digits(mnist_test):
    """The first 40 MNIST test digits as drawing-pad PNGs, with their labels."""
    images, labels = mnist_test
    return [(canvas_png(images[i]), int(labels[i])) for i in range(40)]


def test_health_answers_once_the_model_is_loaded(live_server, reader):
    response = requests.get(live_server + "/api/health", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "model_sha256": reader.classifier.sha256}


def test_a_reading_has_the_documented_shape(live_server, digits):
    body = predict(live_server, {"image": data_url(digits[0][0])})
    assert set(body) == {"digit", "confidence", "probabilities", "status"}
    assert body["status"] in ("ok", "uncertain")
    assert len(body["probabilities"]) == 10 and abs(sum(body["probabilities"]) - 1) < 1e-3
    assert body["digit"] == int(np.argmax(body["probabilities"]))
    assert body["confidence"] == max(body["probabilities"])


def test_the_api_answers_what_the_shared_reader_answers(live_server, reader, digits):
    """One code path: over HTTP, byte for byte what DigitReader gives in-process."""
    for png, _ in digits[:10]:
        assert predict(live_server, {"image": data_url(png)}) == reading_json(reader.read_image(png, methods=()))


def test_real_digits_are_read(live_server, digits):
    correct = sum(predict(live_server, {"image": data_url(png)})["digit"] == label for png, label in digits)
    assert correct >= 0.85 * len(digits)


def test_bare_base64_jpeg_and_webp_are_read_like_png(live_server, digits):
    png, label = digits[1]
    image = Image.open(io.BytesIO(png))
    expected = predict(live_server, {"image": data_url(png)})["digit"]
    assert predict(live_server, {"image": base64.b64encode(png).decode()})["digit"] == expected
    assert predict(live_server, {"image": data_url(encoded(image, "JPEG", quality=95), "image/jpeg")})["digit"] == expected
    assert predict(live_server, {"image": data_url(encoded(image, "WEBP", lossless=True), "image/webp")})["digit"] == expected


def test_strokes_are_read(live_server):
    one = {"strokes": [[[140, 40], [141, 140], [140, 240]]], "width": 22}
    body = predict(live_server, one)
    assert body["digit"] == 1 and body["status"] == "ok"
    # Width is optional, and a stroke may be a single point (a dot).
    assert predict(live_server, {"strokes": [[[10, 10], [10, 200]], [[50, 50]]]})["status"] in ("ok", "uncertain")


@pytest.mark.parametrize("method", ["vanilla", "smoothgrad", "integrated_gradients"])
def test_saliency_maps_come_when_asked(live_server, digits, method):
    body = predict(live_server, {"image": data_url(digits[2][0]), "saliency": method})
    saliency = np.array(body["saliency"])
    assert saliency.shape == (28, 28) and np.isfinite(saliency).all() and np.abs(saliency).max() > 0


def test_no_saliency_unless_asked(live_server, digits):
    assert "saliency" not in predict(live_server, {"image": data_url(digits[2][0]), "saliency": None})


def test_a_blank_drawing_is_blank(live_server):
    white = encoded(np.full((280, 280), 255, np.uint8))
    body = predict(live_server, {"image": data_url(white), "saliency": "vanilla"})
    assert body["status"] == "blank" and body["digit"] is None and body["saliency"] is None
    assert predict(live_server, {"strokes": []})["status"] == "blank"


def test_the_original_jquery_client_still_works(live_server, digits):
    """Exactly what the original page's ``$.ajax({type: "POST", url: "/", data: {imageBase64: ...}})`` sent."""
    png, label = digits[3]
    canvas_data_url = data_url(png)
    response = requests.post(
        live_server + "/",
        data=urlencode({"imageBase64": canvas_data_url}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
            "X-Requested-With": "XMLHttpRequest",
            "Accept": "*/*",
            "Origin": live_server,
            "Referer": live_server + "/",
        },
        timeout=30,
    )
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    assert response.json() == {"guess": predict(live_server, {"image": canvas_data_url})["digit"]}
    assert response.json()["guess"] == label


def test_the_dashboard_page_and_the_legacy_route_share_the_root_path(live_server):
    page = requests.get(live_server + "/", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "_dash-config" in page.text and "<title>Digit Reader</title>" in page.text
    legacy = requests.post(live_server + "/", data={"imageBase64": ""}, timeout=10)
    assert legacy.status_code == 400 and legacy.json()["error"]["code"] == "empty_image"


def test_the_legacy_route_refuses_requests_without_the_field(live_server):
    response = requests.post(live_server + "/", data={"image": "x"}, timeout=10)
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_field"


def test_a_chunked_body_is_read_whole(live_server, digits):
    """Transfer-Encoding: chunked (no Content-Length) is read to its end, not dropped as empty."""
    payload = json.dumps({"image": data_url(digits[4][0])}).encode()
    response = requests.post(live_server + PREDICT, data=iter([payload[:1000], payload[1000:]]),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 200 and response.json()["digit"] == predict(
        live_server, {"image": data_url(digits[4][0])})["digit"]
