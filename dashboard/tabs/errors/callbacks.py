"""The Error-analysis tab's callbacks: thin wrappers over ``gallery.update_gallery`` and ``inspector.inspect_digit``."""

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from dashboard.tabs.errors import gallery, ids, inspector
from dashboard.tabs.errors.analysis import ErrorAnalysis


def register_callbacks(app, services):
    reader, analysis = services.reader, ErrorAnalysis(services.report)

    @app.callback(
        output={"true": Output(ids.TRUE_FILTER, "value"), "predicted": Output(ids.PREDICTED_FILTER, "value"),
                "title": Output(ids.GALLERY_TITLE, "children"), "gallery": Output(ids.GALLERY, "children")},
        inputs={"cell_click": Input(ids.CONFUSION, "clickData"), "true": Input(ids.TRUE_FILTER, "value"),
                "predicted": Input(ids.PREDICTED_FILTER, "value"), "order": Input(ids.ORDER, "value")},
    )
    def update_gallery(cell_click, true, predicted, order):
        return gallery.update_gallery(analysis, cell_click, true, predicted, order, ctx.triggered_id)

    @app.callback(
        output={**ids.PANEL.outputs(),
                "title": Output(ids.INSPECTOR_TITLE, "children"),
                "inspected": Output(ids.INSPECTED, "data"),
                "message": Output(ids.INSPECTOR_MESSAGE, "children")},
        inputs={"clicks": Input({"type": ids.THUMBNAIL, "index": ALL}, "n_clicks"), **ids.PANEL.inputs()},
        state={"inspected": State(ids.INSPECTED, "data")},
        prevent_initial_call=True,
    )
    def inspect_digit(clicks, method, bar_click, inspected):
        trigger = ctx.triggered_id
        # A gallery redrawn with new thumbnails fires this too, with no click behind it.
        if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
            raise PreventUpdate
        return inspector.inspect_digit(reader, analysis, method, bar_click, inspected, trigger)
