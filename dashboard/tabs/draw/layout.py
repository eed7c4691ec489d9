"""The Draw tab's layout: the pad and its controls beside the reading of what is drawn."""

from dash import dcc, html

from dashboard.components.drawing_pad import BRUSH_RANGE, DEFAULT_BRUSH, drawing_pad
from dashboard.tabs.draw import drawing, ids, live

EMPTY_VERDICT = "nothing drawn"
PAD_LABEL = "Drawing pad: draw a digit or a number with the mouse or a finger; it is read when you lift"


def layout(services):
    return html.Div(className="tab-body draw-grid", children=[
        html.Section(className="card pad-card", **{"aria-labelledby": "draw-title"}, children=[
            html.H2("Draw a digit, or a number", id="draw-title"),
            html.P("Read as each stroke ends.", className="hint"),
            drawing_pad(ids.PAD, ids.PAD_FRAME, ids.STROKES, PAD_LABEL, wiring={
                "brush": ids.BRUSH_SIZE, "reading_url": live.ROUTE, "method": ids.PANEL.method, "message": ids.MESSAGE,
                "first": " ".join((ids.PANEL.prediction, ids.PANEL.verdict, ids.PANEL.card))}),
            html.Div(className="pad-controls", children=[
                html.Label("Brush", htmlFor=ids.BRUSH_SIZE, className="control-label"),
                dcc.Input(id=ids.BRUSH_SIZE, type="range", min=BRUSH_RANGE[0], max=BRUSH_RANGE[1], step=2,
                          value=DEFAULT_BRUSH, className="brush-slider", debounce=False),
                html.Button("Clear", id=ids.CLEAR, n_clicks=0, type="button", className="button secondary",
                            **{"data-clears": ids.PAD_FRAME}),
            ]),
            html.Div(id=ids.MESSAGE, className="message", role="status"),
            dcc.Store(id=ids.TARGET),
        ]),
        html.Section(className="card reading-card", **{"aria-label": "The model's reading"}, children=[
            ids.PANEL.layout(EMPTY_VERDICT, below_verdict=html.Div([drawing.digit_cards(), ids.FEEDBACK.layout()])),
        ]),
        # Under the pad on a wide screen, after the reading on a narrow one (assets/style.css).
        html.Section(className="card steps-card", **{"aria-labelledby": "steps-title"}, children=[
            html.H2("How the drawing becomes the model's input", id="steps-title"),
            html.Div(id=ids.STEPS, className="steps"),
        ]),
    ])
