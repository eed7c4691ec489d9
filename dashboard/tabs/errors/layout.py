"""The Error-analysis tab's layout: the report's figures, the gallery of test digits and the inspector."""

from dash import dcc, html

from dashboard.components import figures
from dashboard.tabs.errors import ids
from dashboard.tabs.errors.analysis import ORDERS
from dashboard.tabs.errors.inspector import EMPTY_VERDICT

DIGIT_OPTIONS = [{"label": str(digit), "value": digit} for digit in range(10)]


def layout(services):
    summary = services.report.summary
    training = summary.get("training", {})
    per_class = summary["per_class_accuracy"]
    return html.Div(className="tab-body", children=[
        html.Div(className="stats", children=[
            stat(f"{summary['test_accuracy']:.2%}", "test accuracy"),
            stat(f"{summary['error_count']:,}", f"errors in {summary['test_size']:,} test digits"),
            stat(f"{min(per_class):.1%}", f"worst class ({per_class.index(min(per_class))})"),
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
                ids.PANEL.layout(EMPTY_VERDICT),
                dcc.Store(id=ids.INSPECTED),
            ]),
            html.Div(className="stack", children=[
                html.Section(className="card", children=[
                    html.H2("Accuracy per digit"),
                    dcc.Graph(figure=figures.per_class_accuracy_figure(per_class), config=figures.GRAPH_CONFIG),
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
