"""The Error-analysis tab's layout: the report's figures, the map of the test set, the gallery of test digits
and the inspector, and whether the probabilities can be trusted (calibration and the "not sure" curve).

A report made before the map, the label errors and calibration existed still loads: those panels say
what is missing and how to make it.
"""

from dash import dcc, html

from dashboard.components import figures
from dashboard.components.choices import DIGIT_CHOICES, choice_group
from dashboard.components.stats import stat
from dashboard.tabs.errors import ids
from dashboard.tabs.errors.analysis import ORDERS, REGENERATE, SHOWS
from dashboard.tabs.errors.inspector import EMPTY_VERDICT

MAP_HINT = ("Each dot is a test digit, placed by UMAP of the model's embedding (labels never went into it) and "
            "coloured by its label; crosses mark misclassified digits, rings suspected label errors. Hover for the "
            "digit, drag a box or a lasso to list those digits in the gallery (double-click to clear it), click one "
            "to inspect it. "
            "Without a mouse: the gallery's Show buttons list the same marked digits.")


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
                    choice_group(ids.SHOW, "Show", list(SHOWS.items()), "mistakes", class_name="show-choice"),
                    choice_group(ids.TRUE_FILTER, "True digit", DIGIT_CHOICES, None, class_name="digit-filter"),
                    choice_group(ids.PREDICTED_FILTER, "Predicted", DIGIT_CHOICES, None, class_name="digit-filter"),
                    choice_group(ids.ORDER, "Order", list(ORDERS.items()), "least", class_name="order"),
                ]),
                html.P(label_issue_note(summary), className="hint"),
                dcc.Store(id=ids.SELECTION),
                html.Div(id=ids.GALLERY, className="gallery", **{"data-inspector": ids.INSPECTOR}),
            ]),
        ]),
        # Between the gallery it fills and the inspector it opens digits in.
        map_card(services.report),
        html.Div(className="errors-grid", children=[
            html.Section(id=ids.INSPECTOR, className="card", children=[
                html.H2(id=ids.INSPECTOR_TITLE, children="Inspector"),
                html.Div(id=ids.INSPECTOR_MESSAGE, className="message", role="status"),
                html.Div(id=ids.EVIDENCE, className="evidence"),
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
        calibration_cards(summary.get("calibration")),
    ])


def missing(what):
    return html.P(f"This report has no {what}: run `{REGENERATE}` to make it.", className="message missing")


def map_card(report):
    title = html.H2("Map of the test set")
    if report.map_xy is None:
        return html.Section(className="card map-card", children=[title, missing("map of the test set")])
    suspected = {issue["index"] for issue in report.label_issues}
    agreement = report.summary.get("test_map", {}).get("neighbour_label_agreement", {}).get("10")
    return html.Section(className="card map-card", children=[
        title,
        html.P(MAP_HINT, className="hint"),
        html.Div(className="map-frame", children=[
            # Drawn before the tab's other charts (our Plotly build's queue: dashboard/vendor/plotly/bundle.js).
            dcc.Graph(id=ids.MAP, className="draw-first", config=figures.MAP_CONFIG, clear_on_unhover=True,
                      figure=figures.test_map_figure(report.map_xy, report.labels, report.predictions,
                                                     [i in suspected for i in range(len(report.labels))])),
            dcc.Tooltip(id=ids.MAP_TOOLTIP, direction="right"),
        ]),
        html.P(id=ids.MAP_CAPTION, className="hint", **{"aria-live": "polite"}),
        *([html.P(f"{agreement:.1%} of each digit's 10 nearest neighbours on the map carry its label.",
                  className="hint")] if agreement is not None else []),
    ])


def label_issue_note(summary):
    if "label_issues" not in summary:
        return f"Suspected label errors need a newer report: run `{REGENERATE}`."
    issues = summary["label_issues"]
    probable = sum(issue["score"] > 0 for issue in issues)
    return (f"Suspected label errors: the {len(issues)} test digits whose label the evidence doubts most (of them "
            f"{probable} more probably another digit), found by method (training/label_issues.py), marked "
            "“label?”. A suspicion, not a verdict.")


def calibration_cards(calibration):
    if calibration is None:
        return html.Div(className="errors-grid", children=[
            html.Section(className="card", children=[html.H2("Can the probabilities be trusted?"),
                                                      missing("calibration")]),
            html.Section(className="card", children=[html.H2("“Not sure”: answered against accuracy"),
                                                      missing("coverage curve")]),
        ])
    return html.Div(className="errors-grid", children=[
        html.Section(className="card", children=[
            html.H2("Can the probabilities be trusted?"),
            html.P(calibration_text(calibration), className="hint"),
            dcc.Graph(id=ids.RELIABILITY, figure=figures.reliability_figure(calibration), config=figures.GRAPH_CONFIG),
        ]),
        html.Section(className="card", children=[
            html.H2("“Not sure”: answered against accuracy"),
            html.P(coverage_text(calibration["coverage"]), className="hint"),
            dcc.Graph(id=ids.COVERAGE, figure=figures.coverage_figure(calibration["coverage"]),
                      config=figures.GRAPH_CONFIG),
        ]),
    ])


def calibration_text(calibration):
    validation = calibration["validation"]
    test, drawn = calibration["test"]["before"], calibration["drawn"]["before"]
    verdict = ("applied to every answer" if calibration["applied"] else
               "not applied: fitted on one half of the validation digits it did not lower the other half's "
               f"log-loss ({validation['cross_fitted_nll_before']:.4f} before, "
               f"{validation['cross_fitted_nll_after']:.4f} after)")
    return (f"Each bar is the accuracy of the digits whose top probability falls in that bin, over it how many "
            f"there are; a calibrated model's bars reach the dotted diagonal. Expected calibration error: "
            f"{test['ece']:.2%} on the {test['count']:,} test digits, {drawn['ece']:.2%} on "
            f"{drawn['count']:,} drawn digits. Temperature scaling, fitted on the "
            f"{validation['size']:,} validation digits: T = {calibration['temperature']:.3f}, {verdict}.")


def coverage_text(coverage):
    test = coverage["test"]
    today = next(p for p in test["points"] if p["threshold"] == test["current"])
    return (f"Below the threshold the answer is “not sure”. Today's {test['current']:.0%} answers "
            f"{today['coverage']:.2%} of the test digits, {today['accuracy']:.2%} of them right "
            f"({today['errors_answered']} mistakes still answered). Axes zoomed to the data.")
