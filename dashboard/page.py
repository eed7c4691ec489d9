"""The page: a header, the tab bar, and one page per tab. Each tab brings its own layout and callbacks
(dashboard/tabs/); this module only puts them together."""

from dash import ClientsideFunction, Input, Output, dcc, html

from dashboard.tabs import draw, errors

TABS = (draw.TAB, errors.TAB)
TAB_BAR = "tabs"


def build_layout(services):
    summary = services.report.summary
    first = TABS[0]
    return html.Div(className="page", children=[
        html.Header(className="header", children=[
            html.Div(children=[
                html.H1("Digit Reader"),
                html.P("Draw a digit and a convolutional network trained on MNIST reads it as you draw.",
                       className="subtitle"),
            ]),
            html.Div(f"test accuracy {summary['test_accuracy']:.2%}", className="chip"),
        ]),
        # The tabs only switch which page shows (assets/style.css hides the others while keeping
        # their layout): dcc.Tabs would unmount a hidden page, and the pad would come back empty.
        dcc.Tabs(id=TAB_BAR, value=first.page_id, className="tabs", children=[
            dcc.Tab(label=tab.label, value=tab.page_id, className="tab", selected_className="tab--selected")
            for tab in TABS
        ]),
        *[html.Div(tab.layout(services), id=tab.page_id, className="tab-page" if tab is first else "tab-page hidden")
          for tab in TABS],
    ])


def register_callbacks(app, services):
    # Switching tabs shows one page and hides the others, in the browser (assets/digit_reader.js).
    app.clientside_callback(ClientsideFunction("digitReader", "showPage"),
                            [Output(tab.page_id, "className") for tab in TABS], Input(TAB_BAR, "value"))
    for tab in TABS:
        tab.register_callbacks(app, services)
