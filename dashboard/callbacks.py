"""Callbacks, registered on the app object so the factory can run twice in one process.

Each callback is a thin wrapper: it reads which input fired from ``dash.ctx`` and hands plain
values to the tab's body function (``draw_tab.update_drawing``, ``errors_tab.update_gallery``,
``errors_tab.inspect_digit``), which the tests and the benchmark call directly.
"""

from dash import ALL, ClientsideFunction, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from dashboard import draw_tab, errors_tab, ids
from dashboard.reading_view import DRAW_PANEL, INSPECTOR_PANEL


def register_callbacks(app, reader, report):
    # Switching tabs shows one page and hides the other, in the browser (assets/digit_reader.js).
    app.clientside_callback(ClientsideFunction("digitReader", "showPage"),
                            Output(ids.DRAW_PAGE, "className"), Output(ids.ERRORS_PAGE, "className"),
                            Input(ids.TABS, "value"))
    register_draw_callbacks(app, reader)
    register_error_callbacks(app, reader, errors_tab.ErrorAnalysis(report))


def register_draw_callbacks(app, reader):
    # The brush size goes straight to the pad in the browser (assets/digit_reader.js): no round trip.
    app.clientside_callback(ClientsideFunction("digitReader", "brushWidth"),
                            Output(ids.PAD, "lineWidth"), Input(ids.BRUSH_SIZE, "value"))

    @app.callback(
        output={**DRAW_PANEL.outputs(),
                "steps": Output(ids.STEPS, "children"),
                "message": Output(ids.DRAW_MESSAGE, "children"),
                "target": Output(ids.DRAW_TARGET, "data"),
                "pad_key": Output(ids.PAD_FRAME, "key"),
                "json_data": Output(ids.PAD, "json_data")},
        inputs={"json_data": Input(ids.PAD, "json_data"), **DRAW_PANEL.inputs(),
                "cleared": Input(ids.CLEAR, "n_clicks")},
        state={"target": State(ids.DRAW_TARGET, "data")},
        prevent_initial_call=True,
    )
    def update_drawing(json_data, method, bar_click, cleared, target):
        return draw_tab.update_drawing(reader, json_data, method, bar_click, cleared, target, ctx.triggered_id)


def register_error_callbacks(app, reader, analysis):
    @app.callback(
        output={"true": Output(ids.TRUE_FILTER, "value"), "predicted": Output(ids.PREDICTED_FILTER, "value"),
                "title": Output(ids.GALLERY_TITLE, "children"), "gallery": Output(ids.GALLERY, "children")},
        inputs={"cell_click": Input(ids.CONFUSION, "clickData"), "true": Input(ids.TRUE_FILTER, "value"),
                "predicted": Input(ids.PREDICTED_FILTER, "value"), "order": Input(ids.ORDER, "value")},
    )
    def update_gallery(cell_click, true, predicted, order):
        return errors_tab.update_gallery(analysis, cell_click, true, predicted, order, ctx.triggered_id)

    @app.callback(
        output={**INSPECTOR_PANEL.outputs(),
                "title": Output(ids.INSPECTOR_TITLE, "children"),
                "inspected": Output(ids.INSPECTED, "data"),
                "message": Output(ids.INSPECTOR_MESSAGE, "children")},
        inputs={"clicks": Input({"type": ids.THUMBNAIL, "index": ALL}, "n_clicks"), **INSPECTOR_PANEL.inputs()},
        state={"inspected": State(ids.INSPECTED, "data")},
        prevent_initial_call=True,
    )
    def inspect_digit(clicks, method, bar_click, inspected):
        trigger = ctx.triggered_id
        # A gallery redrawn with new thumbnails fires this too, with no click behind it.
        if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
            raise PreventUpdate
        return errors_tab.inspect_digit(reader, analysis, method, bar_click, inspected, trigger)
