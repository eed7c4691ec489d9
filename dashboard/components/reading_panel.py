"""One view of a ``Reading``, shown by the Draw tab and by the error-analysis inspector alike:
the verdict, the ten probabilities, the model input and a saliency map with its method selector.

``ReadingPanel(prefix)`` lays the view out under ids that start with ``prefix``;
``render_reading`` and ``render_explanation`` turn a reading into the values of its outputs.
"""

import numpy as np
from dash import Input, Output, Patch, dcc, html, no_update

from dashboard.components import figures
from dashboard.components.images import image_url, png_data_url, saliency_url
from model.explain.saliency import METHODS, check_methods
from model.reading import is_digit

METHOD_LABELS = {"vanilla": "Vanilla gradient", "smoothgrad": "SmoothGrad",
                 "integrated_gradients": "Integrated Gradients"}
assert set(METHOD_LABELS) == set(METHODS)
DEFAULT_METHOD = "vanilla"
BLANK_INPUT = png_data_url(np.zeros((28, 28), np.uint8))
BLANK_SALIENCY = png_data_url(np.full((28, 28), 255, np.uint8))
NO_READING = "–"


class ReadingPanel:
    """The ids, layout and callback outputs of one reading view."""

    def __init__(self, prefix):
        self.card = f"{prefix}reading"
        self.prediction = f"{prefix}prediction"
        self.verdict = f"{prefix}verdict"
        self.probabilities = f"{prefix}probabilities"
        self.model_input = f"{prefix}model-input"
        self.saliency = f"{prefix}saliency"
        self.saliency_caption = f"{prefix}saliency-caption"
        self.method = f"{prefix}saliency-method"

    def layout(self, empty_verdict):
        return html.Div(className="reading-panel", children=[
            html.Div(id=self.card, className="verdict-card blank", children=[
                html.Div(NO_READING, id=self.prediction, className="big-digit"),
                html.Div(empty_verdict, id=self.verdict, className="verdict"),
            ]),
            html.Div(className="chart-block", children=[
                html.Div(className="block-title", children=[
                    html.Span("Probabilities"), html.Span("click a bar to see why", className="hint")]),
                dcc.Graph(id=self.probabilities, figure=figures.probability_figure([0] * 10),
                          config=figures.GRAPH_CONFIG, className="probability-graph"),
            ]),
            html.Div(className="images-row", children=[
                html.Figure(className="pixel-figure", children=[
                    html.Img(id=self.model_input, src=BLANK_INPUT, className="pixels", alt="model input"),
                    html.Figcaption("What the model sees (28×28)"),
                ]),
                html.Figure(className="pixel-figure", children=[
                    html.Img(id=self.saliency, src=BLANK_SALIENCY, className="pixels", alt="saliency map"),
                    html.Figcaption("Saliency", id=self.saliency_caption),
                ]),
                html.Div(className="method-block", children=[
                    html.Div("Saliency method", className="block-title"),
                    dcc.RadioItems(
                        id=self.method, value=DEFAULT_METHOD, className="method-choice",
                        options=[{"label": label, "value": name} for name, label in METHOD_LABELS.items()]),
                    html.Div(className="legend", children=[
                        html.Span(className="swatch for"), "pushes toward the class",
                        html.Br(),
                        html.Span(className="swatch against"), "pushes away from it",
                    ]),
                ]),
            ]),
        ])

    def outputs(self):
        """The callback outputs, keyed like ``render_reading``'s answer."""
        return {
            "card_class": Output(self.card, "className"),
            "prediction": Output(self.prediction, "children"),
            "verdict": Output(self.verdict, "children"),
            "probabilities": Output(self.probabilities, "figure"),
            "model_input": Output(self.model_input, "src"),
            "saliency": Output(self.saliency, "src"),
            "saliency_caption": Output(self.saliency_caption, "children"),
        }

    def inputs(self):
        return {"method": Input(self.method, "value"), "bar_click": Input(self.probabilities, "clickData")}


def verdict(reading, empty_verdict="nothing drawn"):
    if reading.status == "blank":
        return empty_verdict
    if reading.status == "uncertain":
        first, second = reading.probabilities.argsort()[::-1][:2]
        return (f"not sure: {first} ({reading.probabilities[first]:.0%}) "
                f"or {second} ({reading.probabilities[second]:.0%})?")
    if reading.confidence >= 0.9995:   # ".1%" would round it up to a 100% no model can claim
        return "over 99.9% sure"
    return f"{reading.confidence:.1%} sure"


def saliency_caption(reading, method):
    if reading.status == "blank" or reading.target is None:
        return "Saliency: draw a digit"
    why = f"Why {reading.target}?"
    if reading.target != reading.digit:
        why = f"Why {reading.target}, not {reading.digit}?"
    return f"{why} {METHOD_LABELS[method]}"


def render_explanation(reading, method):
    """The outputs that change when only the explained class or the method does: the drawing and
    its probabilities stay, so the chart gets a ``Patch`` of its bar outlines and the rest no update."""
    outline = Patch()
    outline["data"][0]["marker"]["line"]["width"] = figures.bar_outline(reading.digit, reading.target)
    return {
        "card_class": no_update, "prediction": no_update, "verdict": no_update, "model_input": no_update,
        "probabilities": outline,
        **_saliency_outputs(reading, method),
    }


def render_reading(reading, method, empty_verdict="nothing drawn"):
    """Every output of the view for a new reading."""
    if reading.status == "blank":
        return {
            "card_class": "verdict-card blank", "prediction": NO_READING, "verdict": empty_verdict,
            "probabilities": figures.probability_figure([0] * 10), "model_input": BLANK_INPUT,
            "saliency": BLANK_SALIENCY, "saliency_caption": saliency_caption(reading, method),
        }
    return {
        "card_class": f"verdict-card {reading.status}",
        "prediction": str(reading.digit),
        "verdict": verdict(reading),
        "probabilities": figures.probability_figure(reading.probabilities, reading.digit, reading.target),
        "model_input": image_url(reading.model_input),
        **_saliency_outputs(reading, method),
    }


def _saliency_outputs(reading, method):
    if reading.status == "blank":
        return {"saliency": BLANK_SALIENCY, "saliency_caption": saliency_caption(reading, method)}
    return {"saliency": saliency_url(reading.model_input, reading.saliency[method]),
            "saliency_caption": saliency_caption(reading, method)}


def clicked_digit(click_data):
    """The digit of a clicked probability bar, or None for anything else."""
    try:
        digit = click_data["points"][0]["x"]
    except (KeyError, IndexError, TypeError):
        return None
    return digit if is_digit(digit) else None


def requested_methods(method):
    """The method selector's value as ``methods`` for the reader (``BadInput`` for a forged one)."""
    return check_methods((method,))
