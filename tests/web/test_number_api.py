"""``POST /api/number`` through a real HTTP server and the real model: its answer's shape, that it is
the shared reader's answer, and that it refuses what ``/api/predict`` refuses, the same way."""

import functools
import json

import numpy as np
import pytest
import requests

from dashboard.api.serialize import number_json
from model.segmentation import MAX_DIGITS
from tests.support.encoders import crafted_png, data_url, encoded
from tests.support.http import PREDICT, assert_json_error, post_json
from training.drawings import line
from training.numbers import number_drawing, number_png

NUMBER = "/api/number"
post = functools.partial(post_json, path=NUMBER)


@pytest.fixture(scope="module")
def drawing():
    return number_drawing("4207", np.random.default_rng(5), "apart")


def test_a_number_has_the_documented_shape(live_server, drawing):
    response = post(live_server, {"image": data_url(number_png(drawing))})
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert set(body) == {"number", "status", "digits"}
    assert body["number"] == "4207" and body["status"] in ("ok", "uncertain")
    assert len(body["digits"]) == 4
    for digit, box in zip(body["digits"], drawing.boxes):
        assert set(digit) == {"digit", "confidence", "probabilities", "box", "status"}
        assert len(digit["probabilities"]) == 10 and abs(sum(digit["probabilities"]) - 1) < 1e-3
        assert digit["digit"] == int(np.argmax(digit["probabilities"])) and digit["confidence"] == max(digit["probabilities"])
        assert len(digit["box"]) == 4 and all(abs(a - b) <= 3 for a, b in zip(digit["box"], box)), (digit["box"], box)
    assert "".join(str(d["digit"]) for d in body["digits"]) == body["number"]


def test_the_api_answers_what_the_shared_reader_answers(live_server, reader, drawing):
    png = number_png(drawing)
    assert post(live_server, {"image": data_url(png)}).json() == number_json(reader.read_number_image(png))
    strokes = {"strokes": drawing.strokes, "width": drawing.width}
    assert post(live_server, strokes).json() == number_json(reader.read_number_strokes(drawing.strokes, drawing.width))


def test_strokes_and_their_picture_read_the_same_number(live_server):
    rng = np.random.default_rng(21)
    for digits in ("31", "865", "7092"):
        drawing = number_drawing(digits, rng, "close")
        from_strokes = post(live_server, {"strokes": drawing.strokes, "width": drawing.width}).json()
        from_png = post(live_server, {"image": data_url(number_png(drawing, transparent=True))}).json()
        assert from_strokes["number"] == from_png["number"] == digits


def test_a_single_digit_is_a_one_digit_number(live_server):
    body = post(live_server, {"strokes": [[[140, 40], [141, 140], [140, 240]]], "width": 22}).json()
    assert body["number"] == "1" and body["status"] == "ok" and len(body["digits"]) == 1


def test_a_blank_drawing_is_an_empty_number(live_server):
    white = encoded(np.full((280, 560), 255, np.uint8))
    for payload in ({"image": data_url(white)}, {"strokes": []}, {"strokes": [[[10, 10]], [[400, 200]]], "width": 8}):
        assert post(live_server, payload).json() == {"number": "", "status": "blank", "digits": []}


def test_more_than_twelve_digits_are_refused_with_a_message(live_server):
    ones = [line((20 + 40 * i, 60), (20 + 40 * i, 220), 8) for i in range(MAX_DIGITS + 1)]
    error = assert_json_error(post(live_server, {"strokes": ones, "width": 12}), 400, "too_many_digits")
    assert "12" in error["message"]
    page = np.full((280, 560), 255, np.uint8)
    for i in range(MAX_DIGITS + 1):
        page[60:220, 20 + 40 * i:32 + 40 * i] = 0
    assert_json_error(post(live_server, {"image": data_url(encoded(page))}), 400, "too_many_digits")


@pytest.mark.parametrize("field, value", [("saliency", "vanilla"), ("robustness", True), ("counterfactual", 3),
                                          ("neighbours", 4)])
def test_explanations_are_not_offered_for_a_number(live_server, field, value):
    error = assert_json_error(post(live_server, {"strokes": [], field: value}), 400, "explanations_not_offered")
    assert "predict" in error["message"]
    assert post(live_server, {"strokes": [], "saliency": None, "robustness": False}).status_code == 200


@pytest.mark.parametrize("body, content_type", [
    (b"", "application/json"),
    (b'{"image": ', "application/json"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    (b"[]", "application/json"),
    (b'{"strokes": []}', "text/plain"),
    (b'{"strokes": []}', None),
    (json.dumps({}).encode(), "application/json"),
    (json.dumps({"image": "", "strokes": []}).encode(), "application/json"),
    (json.dumps({"image": 42}).encode(), "application/json"),
    (json.dumps({"image": "data:image/png;base64,!!!"}).encode(), "application/json"),
    (json.dumps({"image": "data:text/html,<script>alert(1)</script>"}).encode(), "application/json"),
    (json.dumps({"image": data_url(b"not an image at all")}).encode(), "application/json"),
    (json.dumps({"image": data_url(crafted_png(12_000, 12_000))}).encode(), "application/json"),
    (json.dumps({"strokes": "M 0 0 L 10 10"}).encode(), "application/json"),
    (b'{"strokes": [[[1, 2], [NaN, 4]]], "width": 20}', "application/json"),
    (json.dumps({"strokes": [[[1, 2]]], "width": -3}).encode(), "application/json"),
    (json.dumps({"strokes": [[[1, 2]]], "width": True}).encode(), "application/json"),
    (json.dumps({"strokes": [[[i % 280, (i * 7) % 280] for i in range(25_000)]]}).encode(), "application/json"),
    (json.dumps({"image": "A" * 2_200_000}).encode(), "application/json"),
])
def test_what_predict_refuses_number_refuses_the_same_way(live_server, body, content_type):
    headers = {} if content_type is None else {"Content-Type": content_type}
    answers = [requests.post(live_server + path, data=body, headers=headers, timeout=30) for path in (PREDICT, NUMBER)]
    predict, number = (assert_json_error(answer, answers[0].status_code) for answer in answers)
    assert 400 <= answers[0].status_code < 500
    assert number["code"] == predict["code"], (predict, number)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_number_takes_only_post(live_server, method):
    response = requests.request(method, live_server + NUMBER, timeout=10)
    assert_json_error(response, 405)
    assert response.headers["Allow"] == "POST"


def test_the_unknown_endpoint_answer_names_number(live_server):
    error = assert_json_error(requests.get(live_server + "/api/numbers", timeout=10), 404)
    assert "POST number" in error["message"]
