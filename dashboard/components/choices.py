"""A single choice among a few options, as a row of toggle buttons: keyboard- and screen-reader-friendly
(a named ``role="group"`` of buttons, the chosen one ``aria-pressed``), and no round trip to the server to
show what was pressed.

The chosen value lives in a ``dcc.Store`` with the group's id: callbacks take ``Input(group_id, "data")``.
A click updates it in the browser (``assets/digit_reader.js``, ``choose``); a server callback may set it too
(``Output(group_id, "data", allow_duplicate=True)``), and the pressed button follows.
"""

import json

from dash import ClientsideFunction, Input, Output, dcc, html

DIGIT_CHOICES = [(None, "any"), *((digit, str(digit)) for digit in range(10))]   # a digit filter's options


def option_id(group_id, value):
    return f"{group_id}--{'any' if value is None else value}"


def choice_group(group_id, label, options, value, class_name=""):
    """``options`` is ``[(value, text), ...]``; ``value`` the one chosen first."""
    return html.Div(className=f"choice-group {class_name}".strip(), children=[
        html.Span(label, id=f"{group_id}-label", className="control-label"),
        html.Div(role="group", className="choices", **{"aria-labelledby": f"{group_id}-label"}, children=[
            html.Button(text, id=option_id(group_id, option), n_clicks=0, type="button", className="choice",
                        **{"aria-pressed": "true" if option == value else "false",
                           "data-value": json.dumps(option)})
            for option, text in options
        ]),
        dcc.Store(id=group_id, data=value),
    ])


def register_choice_group(app, group_id, values):
    """The browser-side callback that keeps the store and the pressed button in step."""
    buttons = [option_id(group_id, value) for value in values]
    app.clientside_callback(
        ClientsideFunction("digitReader", "choose"),
        [Output(group_id, "data")] + [Output(button, "aria-pressed") for button in buttons],
        [Input(button, "n_clicks") for button in buttons] + [Input(group_id, "data")],
    )
