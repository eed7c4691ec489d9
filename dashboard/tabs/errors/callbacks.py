"""The Error-analysis tab's callbacks: thin wrappers over ``gallery.update_gallery``, ``inspector.inspect_digit``
and the map's ``digit_map.tooltip`` and ``digit_map.drawing_marker``; the map's selection and clicks are
handled in the browser (assets/digit_reader.js, ``mapSelection`` and ``mapClick``)."""

from dash import ALL, ClientsideFunction, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from dashboard.components.choices import DIGIT_CHOICES, register_choice_group
from dashboard.components.reading_panel import INSPECT_REQUEST
from dashboard.tabs.draw import ids as draw_ids
from dashboard.tabs.errors import digit_map, gallery, ids, inspector
from dashboard.tabs.errors.analysis import ORDERS, SHOWS, ErrorAnalysis


def register_callbacks(app, services):
    reader = services.reader
    # Every test digit's pixels ship with the embedding index (loaded on first use); without it, the gallery's.
    analysis = ErrorAnalysis(services.report, None if reader.index is None else lambda: reader.index.test_images)
    for filter_id in (ids.TRUE_FILTER, ids.PREDICTED_FILTER):
        register_choice_group(app, filter_id, [value for value, _ in DIGIT_CHOICES])
    register_choice_group(app, ids.ORDER, list(ORDERS))
    register_choice_group(app, ids.SHOW, list(SHOWS))
    ids.PANEL.register_callbacks(app, services.reader)

    # A confusion-matrix cell sets both filters in the browser: its row is the true digit, its column the prediction.
    app.clientside_callback(ClientsideFunction("digitReader", "cellFilters"),
                            Output(ids.TRUE_FILTER, "data", allow_duplicate=True),
                            Output(ids.PREDICTED_FILTER, "data", allow_duplicate=True),
                            Input(ids.CONFUSION, "clickData"), prevent_initial_call=True)

    @app.callback(
        output={"title": Output(ids.GALLERY_TITLE, "children"), "gallery": Output(ids.GALLERY, "children")},
        inputs={"true": Input(ids.TRUE_FILTER, "data"), "predicted": Input(ids.PREDICTED_FILTER, "data"),
                "order": Input(ids.ORDER, "data"), "show": Input(ids.SHOW, "data"),
                "selection": Input(ids.SELECTION, "data")},
    )
    def update_gallery(true, predicted, order, show, selection):
        return gallery.update_gallery(analysis, true, predicted, order, show, selection)

    @app.callback(
        output={**ids.PANEL.outputs(),
                "title": Output(ids.INSPECTOR_TITLE, "children"),
                "inspected": Output(ids.INSPECTED, "data"),
                "message": Output(ids.INSPECTOR_MESSAGE, "children"),
                "evidence": Output(ids.EVIDENCE, "children")},
        inputs={"clicks": Input({"type": ids.THUMBNAIL, "index": ALL}, "n_clicks"), **ids.PANEL.inputs(),
                "request": Input(INSPECT_REQUEST, "data")},
        state={"inspected": State(ids.INSPECTED, "data")},
        # Also when the tab is first laid out: a digit chosen on another tab before is opened then.
        prevent_initial_call=False,
    )
    def inspect_digit(clicks, method, chosen_bar, request, inspected):
        trigger = ctx.triggered_id
        # A gallery redrawn with new thumbnails fires this too, with no click behind it. When the tab has just
        # been laid out, that call replaces the first one (Dash keeps a callback's latest answer only), so it
        # must still open a digit requested from another tab.
        if isinstance(trigger, dict) and trigger.get("type") == ids.THUMBNAIL and not ctx.triggered[0]["value"]:
            if inspected is not None or request is None:
                raise PreventUpdate
            trigger = INSPECT_REQUEST
        return inspector.inspect_digit(reader, analysis, method, inspected, trigger, chosen_bar, request)

    if analysis.map_xy is not None:
        register_map_callbacks(app, reader, analysis)


def register_map_callbacks(app, reader, analysis):
    from dashboard.page import tab_id   # the page imports the tabs: import it once they are all there
    from dashboard.tabs.errors import TAB

    # A box or lasso fills the gallery with its digits; a click opens one in the inspector (as a request,
    # the way any tab asks the inspector); both in the browser.
    app.clientside_callback(ClientsideFunction("digitReaderMap", "mapSelection"),
                            Output(ids.SELECTION, "data"), Output(ids.SHOW, "data", allow_duplicate=True),
                            Input(ids.MAP, "selectedData"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("digitReaderMap", "mapClick"),
                            Output(INSPECT_REQUEST, "data", allow_duplicate=True),
                            Input(ids.MAP, "clickData"), prevent_initial_call=True)

    @app.callback(output={"show": Output(ids.MAP_TOOLTIP, "show"), "bbox": Output(ids.MAP_TOOLTIP, "bbox"),
                          "children": Output(ids.MAP_TOOLTIP, "children")},
                  inputs={"hover": Input(ids.MAP, "hoverData")}, prevent_initial_call=True)
    def show_hovered_digit(hover):
        return digit_map.tooltip(analysis, hover)

    # The drawing is placed when the tab is laid out and whenever it is opened again, never while drawing:
    # the Draw tab's readings cost the same with the map as without it.
    @app.callback(output={"figure": Output(ids.MAP, "figure"), "caption": Output(ids.MAP_CAPTION, "children")},
                  inputs={"opened": Input(tab_id(TAB), "n_clicks")},
                  state={"explained": State(draw_ids.PANEL.explained, "data")})
    def place_the_drawing(opened, explained):
        # The first opening lays the map out (dashboard/page.py, lay_out_when_first_opened).
        return digit_map.drawing_marker(reader, analysis, explained, fresh_map=opened == 1)
