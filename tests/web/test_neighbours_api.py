"""POST /api/predict with "neighbours", and "not_a_digit" over HTTP, through a real server and the
real model and index; the seed route keeps answering its best guess."""

import numpy as np
import pytest
import requests

from dashboard.api.serialize import reading_json
from tests.support.drawn import pad_png
from tests.support.encoders import data_url
from tests.support.http import assert_json_error, post_json, predict
from training.drawings import SAMPLES, non_digit_drawing

STAR = non_digit_drawing("star", np.random.default_rng(1))
DOT = [[[140, 140]]]


@pytest.mark.parametrize("k", [1, 5, 32])
def test_neighbours_are_answered_most_similar_first(live_server, k):
    body = predict(live_server, {"strokes": SAMPLES[4], "width": 20, "neighbours": k})
    assert set(body) == {"digit", "confidence", "probabilities", "status", "neighbours"}
    found = body["neighbours"]
    assert len(found) == k and all(set(n) == {"index", "label", "similarity"} for n in found)
    assert all(type(n["index"]) is int and 0 <= n["index"] < 60_000 and type(n["label"]) is int for n in found)
    similarities = [n["similarity"] for n in found]
    assert similarities == sorted(similarities, reverse=True) and similarities[0] <= 1
    assert np.mean([n["label"] == 4 for n in found]) >= 0.9


def test_the_api_answers_what_the_shared_reader_answers(live_server, reader):
    png = pad_png(SAMPLES[3], 20)
    body = predict(live_server, {"image": data_url(png), "neighbours": 6, "saliency": "vanilla"})
    assert body == reading_json(reader.read_image(png, neighbours=6), "vanilla", neighbours=True)


def test_no_neighbours_unless_asked_and_none_for_a_blank_drawing(live_server):
    assert "neighbours" not in predict(live_server, {"strokes": SAMPLES[7], "width": 20})
    blank = predict(live_server, {"strokes": [], "neighbours": 3})
    assert blank["status"] == "blank" and blank["neighbours"] is None


@pytest.mark.parametrize("bad", [0, 33, -1, 2.0, 2.5, True, False, "5", None, [3], {"k": 3}, 10 ** 30])
def test_a_bad_neighbour_count_is_a_json_400(live_server, bad):
    response = post_json(live_server, {"strokes": SAMPLES[7], "width": 20, "neighbours": bad})
    error = assert_json_error(response, 400, "invalid_neighbours")
    assert "1 to 32" in error["message"]


def test_the_neighbour_count_is_checked_before_the_drawing_is_decoded(live_server):
    response = post_json(live_server, {"image": "not base64 at all %%%", "neighbours": 99})
    assert_json_error(response, 400, "invalid_neighbours")


def test_a_doodle_and_a_dot_are_not_digits_but_keep_their_best_guess(live_server):
    for strokes, width in ((STAR.strokes, STAR.width), (DOT, 20)):
        for payload in ({"strokes": strokes, "width": width}, {"image": data_url(pad_png(strokes, width))}):
            body = predict(live_server, payload)
            assert body["status"] == "not_a_digit", payload.keys()
            assert body["digit"] == int(np.argmax(body["probabilities"]))
            assert body["confidence"] == max(body["probabilities"])


def test_the_seed_route_still_answers_its_best_guess(live_server, reader):
    for strokes, width in ((SAMPLES[2], 20), (STAR.strokes, STAR.width), (DOT, 20)):
        png = pad_png(strokes, width)
        response = requests.post(live_server + "/", data={"imageBase64": data_url(png)}, timeout=30)
        assert response.status_code == 200
        assert response.json() == {"guess": reader.read_image(png, methods=()).digit}
    assert requests.post(live_server + "/", data={"imageBase64": data_url(pad_png(SAMPLES[2], 20))},
                         timeout=30).json() == {"guess": 2}
