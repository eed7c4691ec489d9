"""Dash's JSON endpoints, guarded: a callback request is checked against its callback's declaration
before Dash runs it. What is wrong with a request is a JSON 400 that says what (and one log line,
dashboard/http_errors.py); an unexpected error is a JSON 500, never a traceback to the client.

Dash trusts the renderer: it indexes a request's inputs, state and outputs by the callback's
declaration without checking them (too few: an IndexError), checks the outputs only after the
callback has run (the model runs, then a 500), parses a ``changedPropIds`` entry that starts with
"{" as JSON (a 500), and compares every input with every ``changedPropIds`` entry in pure Python
(45,000 inputs and 200,000 ids: two minutes of CPU). So before Dash sees a request:

- ``output`` names one of this dashboard's server-side callbacks;
- ``outputs``, ``inputs`` and ``state`` hold exactly its declared dependencies, in order, with the
  declared ids and properties. A pattern-matching one (ALL, ALLSMALLER) is a list of distinct
  components whose ids match the pattern, at most ``max_pattern_matches`` of them (what the
  layout can hold); a MATCH one is one such component;
- ``changedPropIds`` is a list of distinct ``id.property`` names of the callback's inputs, no more
  than its inputs can hold. For a pattern-matching input, any component matching the pattern:
  the renderer also names components that have just left the layout.
"""

import functools
import json
from dataclasses import dataclass

import flask
from dash.exceptions import PreventUpdate

from dashboard.http_errors import error_response
from model.errors import BadInput

# The most components one pattern-matching input may list when the app does not say (protect()).
DEFAULT_MAX_PATTERN_MATCHES = 1_000
MAX_PROP_ID_CHARS = 1_000          # "id.property": ids are short names or small JSON objects
WILDCARDS = frozenset({"ALL", "ALLSMALLER", "MATCH"})


def answer_errors_as_json(view, dash_app, max_pattern_matches=DEFAULT_MAX_PATTERN_MATCHES):
    """Wrap a Dash view: malformed callback requests get a JSON 400, anything unexpected a JSON 500."""
    declarations = {}

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            if flask.request.method == "POST":
                problem = callback_request_problem(flask.request, dash_app.callback_map, max_pattern_matches,
                                                   declarations)
                if problem:
                    return error_response(BadInput("invalid_callback_request", problem))
            return view(*args, **kwargs)
        except PreventUpdate:
            raise  # Dash's own handler answers 204
        except Exception as error:  # noqa: BLE001 - every error becomes JSON, none a traceback
            return error_response(error)

    return guarded


@dataclass(frozen=True)
class Dependency:
    """One declared output, input or state: a component id (or a pattern) and a property."""

    id: str | dict                 # a pattern is a dict whose wildcard values are ["ALL"], ["MATCH"], ...
    property: str

    @classmethod
    def declared(cls, item):
        """From a callback map's {"id", "property"} (a pattern id as its JSON text) or an Output."""
        if not isinstance(item, dict):
            item = item.to_dict()
        component = item["id"]
        if isinstance(component, str) and component.startswith("{"):
            component = json.loads(component)
        return cls(component, clean_property(item["property"]))

    @property
    def wildcards(self):
        if not isinstance(self.id, dict):
            return set()
        return {value[0] for value in self.id.values() if isinstance(value, list) and value and value[0] in WILDCARDS}

    @property
    def is_list(self):
        """ALL and ALLSMALLER dependencies arrive as a list of components."""
        return bool(self.wildcards & {"ALL", "ALLSMALLER"})

    def matches_id(self, component):
        if not self.wildcards:
            return stringify_id(component) == stringify_id(self.id)
        if not isinstance(component, dict) or component.keys() != self.id.keys():
            return False
        return all(_is_id_value(component[key]) if _is_wildcard(value) else component[key] == value
                   for key, value in self.id.items())

    def matches(self, item):
        return (isinstance(item, dict) and isinstance(item.get("property"), str)
                and clean_property(item["property"]) == self.property and self.matches_id(item.get("id")))

    def describe(self):
        return f"{stringify_id(self.id)}.{self.property}"


@dataclass(frozen=True)
class Declaration:
    outputs: tuple
    outputs_listed: bool            # several outputs arrive as a list, one alone as one object
    inputs: tuple
    state: tuple
    no_output: bool

    @classmethod
    def of(cls, spec):
        declared = spec.get("output")
        listed = isinstance(declared, (list, tuple))
        outputs = tuple(Dependency.declared(o) for o in (declared if listed else [declared] if declared else []))
        return cls(outputs, listed, tuple(Dependency.declared(i) for i in spec.get("inputs", [])),
                   tuple(Dependency.declared(s) for s in spec.get("state", [])), bool(spec.get("no_output")))


def callback_request_problem(request, callback_map, max_pattern_matches=DEFAULT_MAX_PATTERN_MATCHES,
                             declarations=None):
    """What is wrong with a ``_dash-update-component`` request, or None (see the module docstring)."""
    if not request.is_json:
        return "Dash callbacks are sent as JSON."
    try:
        body = request.get_json(silent=True)
    except RecursionError:   # refused by the nesting check in dashboard.security; kept for safety
        return "The JSON is nested too deeply."
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    output = body.get("output")
    spec = callback_map.get(output) if isinstance(output, str) else None
    if spec is None or "callback" not in spec:     # clientside callbacks have no server function
        return "'output' must name one of this dashboard's server-side callbacks."
    declarations = {} if declarations is None else declarations
    if output not in declarations:
        declarations[output] = Declaration.of(spec)
    declaration = declarations[output]
    limit = max_pattern_matches
    if not declaration.no_output:
        outputs = body.get("outputs")
        if not declaration.outputs_listed:
            outputs = [outputs]
        elif not isinstance(outputs, list):
            outputs = None
        problem = _dependencies_problem("outputs", outputs, declaration.outputs, limit)
        if problem:
            return problem
    for key in ("inputs", "state"):
        items = body.get(key, [])
        problem = _dependencies_problem(key, items if isinstance(items, list) else None, getattr(declaration, key),
                                        limit)
        if problem:
            return problem
    return _changed_problem(body.get("changedPropIds", []), declaration.inputs, limit)


def _dependencies_problem(key, items, declared, limit):
    names = ", ".join(dependency.describe() for dependency in declared) or "none"
    if items is None or len(items) != len(declared):
        return f"'{key}' must be the callback's {len(declared)} {key}: {names}."
    for item, dependency in zip(items, declared):
        if dependency.is_list:
            if not isinstance(item, list) or len(item) > limit:
                return (f"'{key}': {dependency.describe()} must be a list of at most {limit:,} "
                        "matching components.")
            if not all(dependency.matches(entry) for entry in item):
                return f"'{key}': every component listed for {dependency.describe()} must match it."
            if len({stringify_id(entry["id"]) for entry in item}) != len(item):
                return f"'{key}': a component is listed twice for {dependency.describe()}."
        elif not dependency.matches(item):
            return f"'{key}' must be the callback's {len(declared)} {key}, in order: {names}."
    return None


def _changed_problem(changed, inputs, limit):
    most = sum(limit if dependency.is_list else 1 for dependency in inputs)
    if not isinstance(changed, list) or len(changed) > most \
            or not all(isinstance(name, str) and len(name) <= MAX_PROP_ID_CHARS for name in changed):
        return f"'changedPropIds' must be a list of at most {most:,} names of the callback's inputs."
    if len(set(changed)) != len(changed):
        return "'changedPropIds' names an input twice."
    plain = {dependency.describe() for dependency in inputs if not dependency.wildcards}
    patterns = [dependency for dependency in inputs if dependency.wildcards]
    for name in changed:
        if name in plain:
            continue
        component, _, prop = name.rpartition(".")
        if component.startswith("{") and patterns:
            try:
                component = json.loads(component)
            except (ValueError, RecursionError):
                component = None
            if any(pattern.property == prop and pattern.matches_id(component) for pattern in patterns):
                continue
        return f"'changedPropIds': {name[:100]!r} is not one of the callback's inputs."
    return None


def stringify_id(component):
    """A component id as Dash names it: a string as it is, a dict as sorted, compact JSON."""
    if isinstance(component, dict):
        return json.dumps(component, sort_keys=True, separators=(",", ":"))
    return component if isinstance(component, str) else json.dumps(component)


def clean_property(name):
    """A property without the "@hash" Dash adds to outputs declared with allow_duplicate."""
    return name.split("@")[0]


def _is_wildcard(value):
    return isinstance(value, list) and len(value) == 1 and value[0] in WILDCARDS


def _is_id_value(value):
    # What a pattern's wildcard key can hold in a component id: a string, a number or a boolean.
    return isinstance(value, (str, int, float, bool))
