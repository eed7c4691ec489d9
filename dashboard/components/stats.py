"""A headline number with what it counts, as the tabs show them at their top (``.stat`` in assets/style.css)."""

from dash import html


def stat(value, label):
    return html.Div(className="stat", children=[html.Div(value, className="stat-value"),
                                                html.Div(label, className="stat-label")])
