"""The page: a header, the tab bar, and one panel per tab. Each tab brings its own layout and callbacks
(dashboard/tabs/); this module puts them together.

The tabs are real tabs (``role="tab"`` buttons, arrow keys in assets/digit_reader.js) that only switch
which panel shows: a hidden panel keeps its layout, so the pad keeps its drawing. A lazy tab is laid out
when it is first opened, so what it needs (Plotly's charts) loads then, not before the pad works.
"""

import functools

from dash import ClientsideFunction, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard.components.reading_panel import INSPECT_REQUEST
from dashboard.tabs import collected, draw, errors

TABS = (draw.TAB, errors.TAB, collected.TAB)
TAB_BAR = "tabs"


def tab_id(tab):
    return f"tab-{tab.page_id}"


def loaded_id(tab):
    return f"{tab.page_id}-loaded"


def build_layout(services):
    summary = services.report.summary
    first = TABS[0]
    return html.Div(className="page", children=[
        html.Header(className="header", children=[
            html.Div(children=[
                html.H1("Digit Reader"),
                html.P("Draw a digit, or a whole number, and a convolutional network trained on MNIST reads it as "
                       "you draw.",
                       className="subtitle"),
            ]),
            html.Div(f"test accuracy {summary['test_accuracy']:.2%}", className="chip"),
        ]),
        html.Div(id=TAB_BAR, role="tablist", className="view-tabs", **{"aria-label": "Views"}, children=[
            html.Button(tab.label, id=tab_id(tab), role="tab", type="button", n_clicks=0, className="view-tab",
                        tabIndex="0" if tab is first else "-1",
                        **{"aria-selected": "true" if tab is first else "false", "aria-controls": tab.page_id,
                           **({"data-inspects": "true"} if tab.inspects else {}),
                           # Its charts' Plotly starts loading at the click (assets/digit_reader.js, loadPlotly).
                           **({"data-charts": "true"} if tab.lazy else {})})
            for tab in TABS
        ]),
        html.Main(children=[
            html.Div(loading(tab) if tab.lazy else tab.layout(services), id=tab.page_id, role="tabpanel",
                     className="tab-page" if tab is first else "tab-page hidden",
                     **{"aria-labelledby": tab_id(tab)})
            for tab in TABS
        ] + [dcc.Store(id=loaded_id(tab), data=False) for tab in TABS if tab.lazy] + [dcc.Store(id=INSPECT_REQUEST)]),
    ])


def loading(tab):
    return html.P(f"Loading {tab.label.lower()}…", className="hint loading")


def register_callbacks(app, services):
    # Switching tabs happens in the browser: one panel shows, one tab is selected (and in the tab order).
    app.clientside_callback(
        ClientsideFunction("digitReader", "showTab"),
        [Output(tab.page_id, "className") for tab in TABS] + [Output(tab_id(tab), "aria-selected") for tab in TABS]
        + [Output(tab_id(tab), "tabIndex") for tab in TABS],
        [Input(tab_id(tab), "n_clicks") for tab in TABS])
    for tab in TABS:
        if tab.lazy:
            register_lazy_layout(app, services, tab)
        tab.register_callbacks(app, services)


def register_lazy_layout(app, services, tab):
    # Built once, on the first opening in any browser: it depends on the services alone (the report's figures,
    # the map's 10,000 points), and each page that opens the tab gets the same tree.
    built = functools.cache(lambda: tab.layout(services))

    @app.callback(Output(tab.page_id, "children"), Output(loaded_id(tab), "data"),
                  Input(tab_id(tab), "n_clicks"), State(loaded_id(tab), "data"), prevent_initial_call=True)
    def lay_out_when_first_opened(clicks, loaded):
        if loaded:
            raise PreventUpdate
        return built(), True
