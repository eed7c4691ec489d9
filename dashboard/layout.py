"""The page: a header and two tabs, Draw and Error analysis. Layout only; the callbacks live apart."""

from dash import dcc, html

from dashboard import figures, ids
from dashboard.canvas import BRUSH_RANGE, DEFAULT_BRUSH, drawing_pad
from dashboard.errors_tab import INSPECTOR_EMPTY, ORDERS
from dashboard.reading_view import DRAW_PANEL, INSPECTOR_PANEL

DIGIT_OPTIONS = [{"label": str(digit), "value": digit} for digit in range(10)]


def build_layout(report):
    summary = report.summary
    return html.Div(className="page", children=[
        html.Header(className="header", children=[
            html.Div(children=[
                html.H1("Digit Reader"),
                html.P("Draw a digit and a convolutional network trained on MNIST reads it as you draw.",
                       className="subtitle"),
            ]),
            html.Div(f"test accuracy {summary['test_accuracy']:.2%}", className="chip"),
        ]),
        # The tabs only switch which page shows (assets/style.css hides the other one while keeping
        # its layout): dcc.Tabs would unmount the hidden page, and the pad would come back empty.
        dcc.Tabs(id=ids.TABS, value=ids.DRAW_PAGE, className="tabs", children=[
            dcc.Tab(label="Draw", value=ids.DRAW_PAGE, className="tab", selected_className="tab--selected"),
            dcc.Tab(label="Error analysis", value=ids.ERRORS_PAGE, className="tab",
                    selected_className="tab--selected"),
        ]),
        html.Div(draw_tab(), id=ids.DRAW_PAGE, className="tab-page"),
        html.Div(errors_tab(summary), id=ids.ERRORS_PAGE, className="tab-page hidden"),
    ])


# ---------------------------------------------------------------- Draw tab

def draw_tab():
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
            html.Div(id=ids.DRAW_MESSAGE, className="message", role="status"),
            dcc.Store(id=ids.DRAW_TARGET),
        ]),
        html.Section(className="card", children=[
            DRAW_PANEL.layout("nothing drawn"),
            html.Div("How the drawing becomes the model's input", className="block-title steps-title"),
            html.Div(id=ids.STEPS, className="steps"),
        ]),
    ])


# ---------------------------------------------------------------- Error-analysis tab

def errors_tab(summary):
    training = summary.get("training", {})
    return html.Div(className="tab-body", children=[
        html.Div(className="stats", children=[
            stat(f"{summary['test_accuracy']:.2%}", "test accuracy"),
            stat(f"{summary['error_count']:,}", f"errors in {summary['test_size']:,} test digits"),
            stat(f"{min(summary['per_class_accuracy']):.1%}",
                 f"worst class ({summary['per_class_accuracy'].index(min(summary['per_class_accuracy']))})"),
            stat(str(training.get("epochs", "–")), f"epochs, {training.get('train_minutes', 0):.0f} min training"),
        ]),
        html.Div(className="errors-grid", children=[
            html.Section(className="card", children=[
                html.H2("Confusion matrix"),
                html.P("Click a cell to see its test digits.", className="hint"),
                dcc.Graph(id=ids.CONFUSION, figure=figures.confusion_figure(summary["confusion_matrix"]),
                          config=figures.GRAPH_CONFIG),
            ]),
            html.Section(className="card", children=[
                html.H2(id=ids.GALLERY_TITLE, children="Misclassified test digits"),
                html.Div(className="filters", children=[
                    html.Label("True", htmlFor=ids.TRUE_FILTER, className="control-label"),
                    dcc.Dropdown(id=ids.TRUE_FILTER, options=DIGIT_OPTIONS, placeholder="any",
                                 className="filter", searchable=False),
                    html.Label("Predicted", htmlFor=ids.PREDICTED_FILTER, className="control-label"),
                    dcc.Dropdown(id=ids.PREDICTED_FILTER, options=DIGIT_OPTIONS, placeholder="any",
                                 className="filter", searchable=False),
                    dcc.RadioItems(id=ids.ORDER, value="least", inline=True, className="order",
                                   options=[{"label": label, "value": name} for name, label in ORDERS.items()]),
                ]),
                html.Div(id=ids.GALLERY, className="gallery"),
            ]),
        ]),
        html.Div(className="errors-grid", children=[
            html.Section(id=ids.INSPECTOR, className="card", children=[
                html.H2(id=ids.INSPECTOR_TITLE, children="Inspector"),
                html.Div(id=ids.INSPECTOR_MESSAGE, className="message", role="status"),
                INSPECTOR_PANEL.layout(INSPECTOR_EMPTY),
                dcc.Store(id=ids.INSPECTED),
            ]),
            html.Div(className="stack", children=[
                html.Section(className="card", children=[
                    html.H2("Accuracy per digit"),
                    dcc.Graph(figure=figures.per_class_accuracy_figure(summary["per_class_accuracy"]),
                              config=figures.GRAPH_CONFIG),
                ]),
                html.Section(className="card", children=[
                    html.H2("Training"),
                    dcc.Graph(figure=figures.training_curves_figure(training.get("curves", {})),
                              config=figures.GRAPH_CONFIG),
                ]),
            ]),
        ]),
    ])


def stat(value, label):
    return html.Div(className="stat", children=[html.Div(value, className="stat-value"),
                                                html.Div(label, className="stat-label")])
