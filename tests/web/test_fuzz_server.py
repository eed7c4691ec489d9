"""Property-based fuzzing through the live HTTP server: the API and Dash's callback endpoint never
answer a 5xx, whatever they are sent (about 1,100 requests)."""

import base64
import json

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from tests.support.encoders import data_url
from tests.support.http import PREDICT
from tests.support.strategies import any_image_bytes, fuzz, json_scalars, json_values, stroke_lists


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
