"""Dash's JSON endpoints, guarded: a malformed callback request gets a JSON 400, an unexpected error a
JSON 500, never a traceback. Dash indexes a request's inputs, state and outputs by the callback's
declaration without checking them, so each request's shape is checked against it first.
"""

import functools

import flask
from dash.exceptions import PreventUpdate

from dashboard.http_errors import error_response, json_error


def answer_errors_as_json(view, dash_app):
    """Wrap a Dash view: malformed callback requests get a JSON 400, anything unexpected a JSON 500."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            if flask.request.method == "POST":
                problem = callback_request_problem(flask.request, dash_app.callback_map)
                if problem:
                    return json_error("invalid_callback_request", problem)
            return view(*args, **kwargs)
        except PreventUpdate:
            raise  # Dash's own handler answers 204
        except Exception as error:  # noqa: BLE001 - every error becomes JSON, none a traceback
            return error_response(error)

    return guarded


def callback_request_problem(request, callback_map):
    """What is wrong with a ``_dash-update-component`` request's shape, or None.

    Dash indexes the request's inputs, state and outputs by the callback's declaration without
    checking them, so a forged request with too few would be an IndexError: a 500.
    """
    if not request.is_json:
        return "Dash callbacks are sent as JSON."
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    spec = callback_map.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if spec is None or "callback" not in spec:     # clientside callbacks have no server function
        return "'output' must name one of this dashboard's server-side callbacks."
    for key in ("inputs", "state"):
        items, declared = body.get(key, []), spec.get(key, [])
        if not (isinstance(items, list) and len(items) == len(declared)
                and all(_is_dependency(item, allow_list=True) for item in items)):
            return f"'{key}' must be a list of the callback's {len(declared)} {{'id', 'property'}} objects."
    outputs, declared = body.get("outputs", []), spec.get("output")
    if isinstance(declared, list):
        valid = (isinstance(outputs, list) and len(outputs) == len(declared)
                 and all(_is_dependency(item, allow_list=True) for item in outputs))
    else:
        valid = _is_dependency(outputs, allow_list=True)
    if not valid:
        return "'outputs' must match the callback's outputs as {'id', 'property'} objects."
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        return "'changedPropIds' must be a list of strings."
    return None


def _is_dependency(item, allow_list):
    if allow_list and isinstance(item, list):   # pattern-matching (ALL, ALLSMALLER) dependencies
        return all(_is_dependency(entry, allow_list=False) for entry in item)
    return (isinstance(item, dict) and isinstance(item.get("id"), (str, dict))
            and isinstance(item.get("property"), str))
