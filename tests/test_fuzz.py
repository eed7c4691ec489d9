"""Property-based fuzzing: random and mutated inputs never crash the decoder or get a 5xx from the server.

The image decoder and stroke parser run in-process with many examples; the API and Dash's
callback endpoint are fuzzed through the live HTTP server with fewer. About 4,000 inputs in all.
"""

import base64
import io
import json
import struct

import numpy as np
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from api_helpers import PREDICT, crafted_png, data_url
from model.errors import BadInput
from model.preprocessing import decode_image, rasterize_strokes, to_mnist

def fuzz(examples):
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _seed_images():
    """Small valid images in every format and mode the decoder handles: the raw material for mutation."""
    grey = Image.new("L", (40, 40), 255)
    ImageDraw.Draw(grey).line([(10, 8), (30, 8), (18, 34)], fill=0, width=4)
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).line([(20, 5), (20, 35)], fill=(0, 0, 0, 255), width=5)
    variants = [
        (grey, "PNG", {}), (grey.convert("1"), "PNG", {}), (grey.convert("P"), "PNG", {"transparency": 0}),
        (Image.fromarray(np.asarray(grey).astype(np.uint16) * 257).convert("I;16"), "PNG", {}),
        (Image.merge("LA", (grey, grey)), "PNG", {}), (rgba, "PNG", {}), (grey, "JPEG", {"quality": 80}),
        (grey, "WEBP", {"lossless": True}), (grey, "GIF", {}), (grey, "BMP", {}),
        (grey, "GIF", {"save_all": True, "append_images": [rgba.convert("L")]}),
    ]
    seeds = []
    for image, format, options in variants:
        buffer = io.BytesIO()
        image.save(buffer, format, **options)
        seeds.append(buffer.getvalue())
    return seeds


SEEDS = _seed_images()


@st.composite
def mutated_images(draw):
    """A valid image with a few byte-level mutations: flips, inserts, deletions, truncation, 32-bit overwrites."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "int32"]))
        if kind == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[position:position + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del data[max(position, 1):]
        elif kind == "int32":
            data[position:position + 4] = struct.pack(">I", draw(st.integers(0, 2**32 - 1)))
    return bytes(data)


well_formed_png_headers = st.builds(
    crafted_png,
    width=st.integers(0, 120_000), height=st.integers(0, 120_000),
    bit_depth=st.sampled_from([1, 2, 4, 8, 16]), colour_type=st.sampled_from([0, 2, 3, 4, 6]),
    idat=st.binary(max_size=256),
)

any_image_bytes = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=512).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),
    st.binary(max_size=512).map(lambda tail: b"GIF89a" + tail),
    mutated_images(),
    well_formed_png_headers,
)


def decodes_or_refuses(data):
    try:
        to_mnist(decode_image(data))
    except BadInput as error:
        assert 400 <= error.status < 500 and error.code and error.message


@fuzz(2500)
@given(data=any_image_bytes)
def test_the_image_decoder_reads_or_refuses_anything(data):
    decodes_or_refuses(data)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                                 st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                           max_leaves=40)
coordinates = st.one_of(st.floats(-1e4, 1e4), st.integers(-10_000, 10_000), json_scalars)
stroke_lists = st.one_of(
    json_values,
    st.lists(st.lists(st.one_of(st.lists(coordinates, min_size=2, max_size=2), json_values), max_size=30), max_size=5),
)


@fuzz(600)
@given(strokes=stroke_lists, width=st.one_of(st.none(), json_scalars, st.floats(0.1, 80)))
def test_the_stroke_rasterizer_reads_or_refuses_anything(strokes, width):
    try:
        to_mnist(rasterize_strokes(strokes, width))
    except BadInput as error:
        assert 400 <= error.status < 500


# ---------------------------------------------------------------- through the live server

def assert_answered_without_5xx(response):
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["Content-Type"].startswith("application/json")
        assert set(response.json()["error"]) == {"code", "message"}
    assert "Traceback" not in response.text


predict_payloads = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={
        "image": st.one_of(json_values, any_image_bytes.map(data_url), any_image_bytes.map(lambda b: base64.b64encode(b).decode())),
        "strokes": stroke_lists,
        "width": st.one_of(json_scalars, st.floats(0.5, 60)),
        "saliency": st.one_of(st.sampled_from(["vanilla", "smoothgrad", "integrated_gradients"]), json_scalars),
    }),
)


@fuzz(400)
@given(payload=predict_payloads)
def test_the_api_never_answers_5xx(live_server, payload):
    body = json.dumps(payload, allow_nan=True)
    assert_answered_without_5xx(requests.post(live_server + PREDICT, data=body, timeout=30,
                                              headers={"Content-Type": "application/json"}))


@fuzz(250)
@given(body=st.binary(max_size=600), content_type=st.sampled_from(
    ["application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", ""]),
    path=st.sampled_from([PREDICT, "/", "/_dash-update-component"]))
def test_raw_bodies_never_get_a_5xx(live_server, body, content_type, path):
    assert_answered_without_5xx(requests.post(live_server + path, data=body, timeout=30,
                                              headers={"Content-Type": content_type}))


@pytest.fixture(scope="module")
def server_callbacks(app):
    """The dashboard's server-side callbacks: output id -> its declaration."""
    return {output: spec for output, spec in sorted(app.callback_map.items()) if "callback" in spec}


def _declared(dependency):
    return {"id": dependency.component_id, "property": dependency.component_property}


@fuzz(300)
@given(data=st.data())
def test_dash_callbacks_answer_random_values_without_a_5xx(live_server, server_callbacks, data):
    """A well-formed request for one of the dashboard's real callbacks, carrying random values.

    What a tampered browser could send: the callbacks must refuse it politely, never fail.
    """
    if not server_callbacks:
        pytest.skip("the dashboard registers no server-side callbacks yet")
    output = data.draw(st.sampled_from(sorted(server_callbacks)))
    spec = server_callbacks[output]
    declared_outputs = spec["output"]
    outputs = ([_declared(o) for o in declared_outputs] if isinstance(declared_outputs, list)
               else _declared(declared_outputs))
    inputs = [{**item, "value": data.draw(json_values)} for item in spec["inputs"]]
    state = [{**item, "value": data.draw(json_values)} for item in spec.get("state", [])]
    changed = data.draw(st.lists(st.sampled_from([f"{i['id']}.{i['property']}" for i in spec["inputs"]]),
                                 max_size=2, unique=True))
    payload = {"output": output, "outputs": outputs, "inputs": inputs, "state": state, "changedPropIds": changed}
    assert_answered_without_5xx(requests.post(live_server + "/_dash-update-component", timeout=30,
                                              data=json.dumps(payload, allow_nan=True),
                                              headers={"Content-Type": "application/json"}))


@fuzz(150)
@given(payload=json_values)
def test_malformed_dash_callback_envelopes_get_a_4xx(live_server, payload):
    assert_answered_without_5xx(requests.post(live_server + "/_dash-update-component", timeout=30,
                                              data=json.dumps(payload, allow_nan=True),
                                              headers={"Content-Type": "application/json"}))
