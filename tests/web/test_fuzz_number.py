"""Property-based fuzzing of ``POST /api/number`` through the live HTTP server: whatever it is sent
(the bodies ``predict`` is fuzzed with, and drawings of many parts, touching, crossing or dust) it
never answers a 5xx, and an answer is a number of at most 12 digits (about 500 requests)."""

import base64
import json

import numpy as np
import requests
from hypothesis import given
from hypothesis import strategies as st

from model.segmentation import MAX_DIGITS
from tests.support.encoders import data_url, encoded
from tests.support.strategies import any_image_bytes, fuzz, json_scalars, json_values, stroke_lists
from tests.web.test_fuzz_server import assert_answered_without_5xx

NUMBER = "/api/number"

number_payloads = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={
        "image": st.one_of(json_values, any_image_bytes.map(data_url),
                           any_image_bytes.map(lambda b: base64.b64encode(b).decode())),
        "strokes": stroke_lists,
        "width": st.one_of(json_scalars, st.floats(0.5, 60)),
        "saliency": st.one_of(st.none(), st.sampled_from(["vanilla", "smoothgrad"]), json_scalars),
    }),
)

points = st.lists(st.tuples(st.floats(0, 560), st.floats(0, 280)), min_size=1, max_size=12).map(
    lambda ps: [[round(x, 1), round(y, 1)] for x, y in ps])
many_strokes = st.fixed_dictionaries({"strokes": st.lists(points, min_size=1, max_size=80),
                                      "width": st.floats(1, 40)})


@st.composite
def pages_of_marks(draw):
    """A white 280x560 page with up to 120 dark rectangles: specks, bars, blobs, touching or not."""
    page = np.full((280, 560), 255, np.uint8)
    for _ in range(draw(st.integers(0, 120))):
        top, left = draw(st.integers(0, 279)), draw(st.integers(0, 559))
        page[top:top + draw(st.integers(1, 120)), left:left + draw(st.integers(1, 40))] = 0
    return {"image": data_url(encoded(page))}


def assert_a_number_or_a_refusal(response):
    assert_answered_without_5xx(response)
    if response.status_code == 200:
        body = response.json()
        assert set(body) == {"number", "status", "digits"} and len(body["digits"]) == len(body["number"]) <= MAX_DIGITS


@fuzz(250)
@given(payload=number_payloads)
def test_number_never_answers_5xx(live_server, payload):
    response = requests.post(live_server + NUMBER, data=json.dumps(payload, allow_nan=True), timeout=30,
                             headers={"Content-Type": "application/json"})
    assert_a_number_or_a_refusal(response)


@fuzz(150)
@given(payload=many_strokes)
def test_drawings_of_many_strokes_are_read_or_refused(live_server, payload):
    assert_a_number_or_a_refusal(requests.post(live_server + NUMBER, json=payload, timeout=30))


@fuzz(100)
@given(payload=pages_of_marks())
def test_pages_of_many_marks_are_read_or_refused(live_server, payload):
    assert_a_number_or_a_refusal(requests.post(live_server + NUMBER, json=payload, timeout=30))
