"""The Draw tab's layout: the pad and its controls beside the reading of what is drawn."""

from dash import dcc, html

from dashboard.components.drawing_pad import BRUSH_RANGE, DEFAULT_BRUSH, drawing_pad
from dashboard.tabs.draw import ids

EMPTY_VERDICT = "nothing drawn"


def layout(services):
    return html.Div(className="tab-body draw-grid", children=[
        html.Section(className="card pad-card", children=[
            html.H2("Draw a digit"),
            html.P("Read live, as each stroke ends.", className="hint"),
            drawing_pad(ids.PAD, ids.PAD_FRAME),
            html.Div(className="pad-controls", children=[
                html.Label("Brush", htmlFor=ids.BRUSH_SIZE, className="control-label"),
                dcc.Slider(id=ids.BRUSH_SIZE, min=BRUSH_RANGE[0], max=BRUSH_RANGE[1], step=2, value=DEFAULT_BRUSH,
                           marks=None, allow_direct_input=False, className="brush-slider",
                           tooltip={"placement": "bottom"}),
                html.Button("Clear", id=ids.CLEAR, n_clicks=0, className="button secondary"),
            ]),
            html.Div(id=ids.MESSAGE, className="message", role="status"),
            dcc.Store(id=ids.TARGET),
        ]),
        html.Section(className="card", children=[
            ids.PANEL.layout(EMPTY_VERDICT),
            html.Div("How the drawing becomes the model's input", className="block-title steps-title"),
            html.Div(id=ids.STEPS, className="steps"),
        ]),
    ])
