"""The Draw tab's callbacks: a thin wrapper that hands plain values to ``drawing.update_drawing``.

New strokes take the live reading (live.py); this callback answers a bar, a digit card or a method choice. The pad,
its brush and Clear need no round trip: assets/digit_reader.js records the strokes, sets the brush
width on the pad and remounts the pad on Clear.
"""

from dash import ClientsideFunction, Input, Output, State, ctx

from dashboard.tabs.draw import drawing, ids
from dashboard.tabs.draw.live import register_live_reading


def register_callbacks(app, services):
    app.clientside_callback(ClientsideFunction("digitReader", "brushWidth"),
                            Output(ids.PAD, "lineWidth"), Input(ids.BRUSH_SIZE, "value"))
    ids.PANEL.register_callbacks(app, services.reader)
    ids.FEEDBACK.register_callbacks(app, services)
    register_live_reading(app, services)
    reader = services.reader

    @app.callback(output=drawing.outputs(),
                  inputs={**ids.PANEL.inputs(), "chosen_card": Input(ids.CHOSEN_CARD, "data")},
                  state={"strokes": State(ids.STROKES, "data"), "target": State(ids.TARGET, "data"),
                         "shown_card": State(ids.SHOWN_CARD, "data")},
                  prevent_initial_call=True)
    def explain(method, chosen_bar, chosen_card, strokes, target, shown_card):
        return drawing.update_drawing(reader, strokes, method, target, ctx.triggered_id, chosen_bar, chosen_card,
                                      shown_card)
