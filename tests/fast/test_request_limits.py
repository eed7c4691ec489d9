"""The request checks that run before any parsing or callback (dashboard/security.py and
dashboard/callback_guard.py), on their own: the JSON structure scan against the real parser, UTF-8
only, form limits, the X-Frame-Options rule, and callback requests checked against a small real
Dash app's declarations (pattern-matching inputs included)."""

import json

import dash
import flask
import pytest
from dash import ALL, Input, Output, State, html
from hypothesis import given
from hypothesis import strategies as st

from dashboard.callback_guard import callback_request_problem
from dashboard.security import MAX_FORM_ESCAPES, MAX_FORM_FIELDS, form_problem, json_structure, json_text_problem
from dashboard.security import x_frame_options
from tests.support.costly import callback_body, deep_json, hidden_arrays_json, prop_id
from tests.support.strategies import fuzz


def true_structure(value, depth=0):
    """(depth, containers) of a parsed JSON value, the slow and obvious way."""
    if isinstance(value, (list, dict)):
        children = value.values() if isinstance(value, dict) else value
        parts = [true_structure(child, depth + 1) for child in children]
        return max([depth + 1] + [d for d, _ in parts]), 1 + sum(c for _, c in parts)
    return depth, 0


tricky_text = st.text(alphabet='"\\[]{}ab/\u00e9\u2028\U0001F600', max_size=8)
json_trees = st.recursive(st.one_of(st.none(), st.integers(), tricky_text),
                          lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                  st.dictionaries(tricky_text, inner, max_size=3)), max_leaves=30)


@fuzz(800)
@given(value=json_trees, ascii_only=st.booleans())
def test_the_structure_scan_agrees_with_the_parser(value, ascii_only):
    """Brackets, quotes and backslashes inside strings (escaped or not, any run of backslashes) never count."""
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_structure(body) == true_structure(value)


def test_json_that_is_not_utf8_is_refused_before_the_scan():
    for body in (hidden_arrays_json(1000, "utf-16-le"), hidden_arrays_json(1000, "utf-16"),
                 deep_json(2000, "utf-32-le"), deep_json(2000, "utf-32-be"), b'{"a": "\xff"}', b"\xff\xfe{\x00}\x00"):
        assert "UTF-8" in json_text_problem(body)
    assert json_text_problem(b'{"a": "\xc3\xa9"}') is None
    assert json_text_problem(b'\xef\xbb\xbf{"a": 1}') is None          # a UTF-8 byte-order mark RFC 8259 lets us ignore
    assert json_text_problem(b"{}", "UTF-8") is None and json_text_problem(b"{}", "utf8") is None
    assert "utf-16" in json_text_problem(b"{}", "utf-16")
    # Why: the scan of a UTF-16 body is out of step, and would miss every array.
    assert json_structure(hidden_arrays_json(1000, "utf-16-le"))[1] < 10


def test_forms_with_many_fields_or_escapes_are_refused():
    assert form_problem(b"imageBase64=data%3Aimage%2Fpng%3Bbase64%2CiVBOR" + b"%2B" * 100) is None
    assert "fields" in form_problem(b"a=1&" * MAX_FORM_FIELDS)
    assert "percent-escapes" in form_problem(b"imageBase64=" + b"%41" * (MAX_FORM_ESCAPES + 1))


@pytest.mark.parametrize("frame_ancestors, header", [
    ("'none'", "DENY"), ("'self'", "SAMEORIGIN"), ("'self' https://portal.example.com", None),
    ("https://portal.example.com", None), ("https:", None),
])
def test_x_frame_options_says_what_frame_ancestors_says_or_nothing(frame_ancestors, header):
    assert x_frame_options(frame_ancestors) == header


# ---------------------------------------------------------------- callback requests

@pytest.fixture(scope="module")
def small_app():
    """A real Dash app with one plain and one pattern-matching callback, and a layout of 3 items."""
    app = dash.Dash(__name__, suppress_callback_exceptions=True)
    app.layout = html.Div([html.Button(id="go"), html.Div(id="out"), html.Div(id="note"),
                           *[html.Button(id={"type": "item", "index": i}) for i in range(3)]])

    @app.callback(Output("out", "children"), Output("note", "children"), Input("go", "n_clicks"),
                  State("note", "children"))
    def plain(clicks, note):
        return clicks, note

    @app.callback(Output("out", "title"), Input({"type": "item", "index": ALL}, "n_clicks"))
    def pattern(clicks):
        return str(clicks)

    return app


def dependencies(app):
    with app.server.test_request_context():
        return json.loads(app.dependencies().get_data())


def problem(app, body, limit=3):
    with app.server.test_request_context("/_dash-update-component", method="POST", json=body):
        return callback_request_problem(flask.request, app.callback_map, limit)


def items(indices, clicked=None):
    return [{"id": {"type": "item", "index": i}, "property": "n_clicks", "value": 1 if i == clicked else None}
            for i in indices]


@pytest.fixture(scope="module")
def bodies(small_app):
    plain, pattern = sorted(dependencies(small_app), key=lambda d: len(d["inputs"][0]["id"]))
    return {
        "plain": callback_body(plain, {"go.n_clicks": 1}, ["go.n_clicks"]),
        "pattern": callback_body(pattern, {pattern["inputs"][0]["id"] + ".n_clicks": items([0, 1, 2], 1)},
                                 [prop_id({"type": "item", "index": 1}, "n_clicks")]),
    }


def changed(body, **changes):
    return {**json.loads(json.dumps(body)), **changes}


def test_real_requests_pass(small_app, bodies):
    assert problem(small_app, bodies["plain"]) is None
    assert problem(small_app, bodies["pattern"]) is None
    assert problem(small_app, changed(bodies["pattern"], changedPropIds=[])) is None   # a redrawn layout
    # A component that has just left the layout may still be named as changed.
    gone = prop_id({"type": "item", "index": 7}, "n_clicks")
    assert problem(small_app, changed(bodies["pattern"], changedPropIds=[gone])) is None


@pytest.mark.parametrize("forge, words", [
    (lambda b: b.update(changedPropIds=['{"no json.n_clicks']), "not one of the callback's inputs"),
    (lambda b: b.update(changedPropIds=["note.children"]), "not one of the callback's inputs"),   # a state
    (lambda b: b.update(changedPropIds=["x"] * 5), "at most 1"),
    (lambda b: b.update(changedPropIds="go.n_clicks"), "list"),
    (lambda b: b.update(outputs=[{"id": "other", "property": "children"}, {"id": "note", "property": "children"}]),
     "outputs"),
    (lambda b: b.update(outputs=[[o] for o in b["outputs"]]), "outputs"),
    (lambda b: b.update(outputs=b["outputs"][:1]), "outputs"),
    (lambda b: b["inputs"][0].update(id="other"), "inputs"),
    (lambda b: b["inputs"][0].update(property="n_clicks_timestamp"), "inputs"),
    (lambda b: b.update(inputs=[[{"id": "go", "property": "n_clicks"}]]), "inputs"),
    (lambda b: b.update(state=[]), "state"),
])
def test_forged_plain_requests_are_refused(small_app, bodies, forge, words):
    body = changed(bodies["plain"])
    forge(body)
    assert words in problem(small_app, body)


@pytest.mark.parametrize("forge, words", [
    (lambda b: b["inputs"][0].extend(items([3])), "at most 3"),                 # more than the layout holds
    (lambda b: b["inputs"][0].__setitem__(1, b["inputs"][0][0]), "twice"),
    (lambda b: b["inputs"][0][0]["id"].update(type="other"), "must match"),
    (lambda b: b["inputs"][0][0]["id"].update(extra=1), "must match"),
    (lambda b: b["inputs"][0][0]["id"].update(index=[1]), "must match"),
    (lambda b: b["inputs"][0][0].update(id="item"), "must match"),
    (lambda b: b.update(inputs=[{"id": "a", "property": "n_clicks"}]), "list"),
    (lambda b: b.update(changedPropIds=[prop_id({"type": "other", "index": 1}, "n_clicks")]), "not one of"),
    (lambda b: b.update(changedPropIds=b["changedPropIds"] * 2), "twice"),
    (lambda b: b.update(changedPropIds=['{"index":1,"type":"item"}.n_clicks_timestamp']), "not one of"),
    (lambda b: b.update(changedPropIds=[prop_id({"type": "item", "index": i}, "n_clicks") for i in range(4)]),
     "at most 3"),
])
def test_forged_pattern_matching_requests_are_refused(small_app, bodies, forge, words):
    body = changed(bodies["pattern"])
    forge(body)
    assert words in problem(small_app, body)
