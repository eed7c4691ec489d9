"""The Draw tab's callbacks: thin wrappers that hand plain values to ``drawing.update_drawing``."""

from dash import ClientsideFunction, Input, Output, State, ctx

from dashboard.tabs.draw import drawing, ids


def register_callbacks(app, services):
    # The brush size goes straight to the pad in the browser (assets/digit_reader.js): no round trip.
    app.clientside_callback(ClientsideFunction("digitReader", "brushWidth"),
                            Output(ids.PAD, "lineWidth"), Input(ids.BRUSH_SIZE, "value"))
    reader = services.reader

    @app.callback(
        output={**ids.PANEL.outputs(),
                "steps": Output(ids.STEPS, "children"),
                "message": Output(ids.MESSAGE, "children"),
                "target": Output(ids.TARGET, "data"),
                "pad_key": Output(ids.PAD_FRAME, "key"),
                "json_data": Output(ids.PAD, "json_data")},
        inputs={"json_data": Input(ids.PAD, "json_data"), **ids.PANEL.inputs(),
                "cleared": Input(ids.CLEAR, "n_clicks")},
        state={"target": State(ids.TARGET, "data")},
        prevent_initial_call=True,
    )
    def update_drawing(json_data, method, bar_click, cleared, target):
        return drawing.update_drawing(reader, json_data, method, bar_click, cleared, target, ctx.triggered_id)
