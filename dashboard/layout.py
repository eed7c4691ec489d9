"""The page: a placeholder until the dashboard issue lands."""

from dash import html


def build_layout(report):
    return html.Div([html.H1("Digit Reader"), html.P(f"Test accuracy {report.summary['test_accuracy']:.2%}")])
