"""Property-based fuzzing through the live HTTP server: the API and Dash's callback endpoint never
answer a 5xx, whatever they are sent (about 1,500 requests), and a callback request that does not
fit its callback's declaration is a 400 before Dash runs it."""

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


def _dependency_id(dependency):
    component = dependency["id"]
    return json.loads(component) if component.startswith("{") else component


def _pattern_entries(dependency):
    """Entries for a pattern-matching input: components that match it, with random wildcard values."""
    pattern = _dependency_id(dependency)
    ids = st.fixed_dictionaries({key: (st.one_of(st.integers(-5, 10_000), st.text(max_size=4), st.booleans())
                                       if isinstance(value, list) else st.just(value)) for key, value in pattern.items()})
    return st.lists(st.builds(lambda component, value: {"id": component, "property": dependency["property"],
                                                        "value": value}, ids, json_scalars),
                    max_size=6, unique_by=lambda entry: json.dumps(entry["id"], sort_keys=True))


odd_prop_ids = st.one_of(
    st.text(max_size=30), st.text(max_size=30).map(lambda text: "{" + text),
    st.builds(lambda value, prop: json.dumps(value) + "." + prop, json_values, st.sampled_from(["n_clicks", "data", "x"])),
    st.just('{"index":["ALL"],"type":"thumbnail"}.n_clicks'), st.just("." * 40), st.just("x" * 2000),
)


@fuzz(300)
@given(data=st.data())
def test_dash_callbacks_answer_lists_and_odd_changed_ids_without_a_5xx(live_server, server_callbacks, data):
    """Any input may arrive as a list (a pattern-matching one must), changedPropIds may name anything;
    a request whose shape is not the declared one is a 400 that says so, before Dash runs it."""
    output = data.draw(st.sampled_from(sorted(server_callbacks)))
    spec = server_callbacks[output]
    declared = spec["output"]
    outputs = [_declared(o) for o in declared] if isinstance(declared, list) else _declared(declared)
    inputs, fits = [], True
    for item in spec["inputs"] + spec.get("state", []):
        pattern = "ALL" in item["id"]
        as_list = data.draw(st.booleans()) if not pattern else data.draw(st.sampled_from([True, True, False]))
        fits &= as_list == pattern
        if as_list:
            entries = data.draw(_pattern_entries(item) if pattern else st.lists(
                st.just({**item, "value": data.draw(json_values)}), max_size=3))
        else:
            entries = {**item, "value": data.draw(json_values)}
        inputs.append(entries)
    names = [f"{i['id']}.{i['property']}" for i in spec["inputs"] if "ALL" not in i["id"]]
    changed = data.draw(st.lists(st.one_of(st.sampled_from(names) if names else st.nothing(), odd_prop_ids),
                                 max_size=4))
    payload = {"output": output, "outputs": outputs, "inputs": inputs[:len(spec["inputs"])],
               "state": inputs[len(spec["inputs"]):], "changedPropIds": changed}
    response = requests.post(live_server + "/_dash-update-component", timeout=30,
                             data=json.dumps(payload, allow_nan=True), headers={"Content-Type": "application/json"})
    assert_answered_without_5xx(response)
    if not fits:
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_callback_request"


@fuzz(150)
@given(payload=json_values)
def test_malformed_dash_callback_envelopes_get_a_4xx(live_server, payload):
    assert_answered_without_5xx(requests.post(live_server + "/_dash-update-component", timeout=30,
                                              data=json.dumps(payload, allow_nan=True),
                                              headers={"Content-Type": "application/json"}))
