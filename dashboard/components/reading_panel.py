"""One view of a ``Reading``, shown by the Draw tab and by the error-analysis inspector alike:
the verdict, the ten probabilities, the model input and a saliency map with its method choice.

``ReadingPanel(prefix)`` lays the view out under ids that start with ``prefix``; ``render_reading`` and
``render_explanation`` turn a reading into the values of its outputs. Everything is plain HTML (no
plotting library): the ten probabilities are ten buttons, so a click or a key press on one explains that
class, and the view renders in a few milliseconds when a drawing is read.
"""

import functools

import numpy as np
from dash import Input, Output, dcc, html, no_update

from dashboard.components import thumbnails
from dashboard.components.choices import choice_group, register_choice_group
from dashboard.components.explanations import ExplanationPanels, explained_value
from dashboard.components.images import image_url, png_data_url, saliency_url
from model.explain.saliency import METHODS, check_methods
from model.reading import is_digit

INSPECT_REQUEST = "inspect-request"   # a page-level store: {"set": "train" | "test", "index": i} to inspect
NEIGHBOURS = 8                        # most similar training digits shown under a reading
METHOD_LABELS = {"integrated_gradients": "Integrated Gradients", "smoothgrad": "SmoothGrad",
                 "vanilla": "Vanilla gradient"}
assert set(METHOD_LABELS) == set(METHODS)
# Integrated Gradients reads best on drawings: it marks the strokes that made the answer, where the
# gradient maps scatter speckles over the paper (docs/screenshots/saliency-methods.png compares them).
# It costs about six forward-and-gradient passes; the reading still arrives within the felt-speed goal.
DEFAULT_METHOD = "integrated_gradients"
# Before anything is drawn, both images are plain paper (a black square looks like a broken image).
BLANK_INPUT = BLANK_SALIENCY = png_data_url(np.full((28, 28), 241, np.uint8))
NO_READING = "–"
DIGITS = range(10)


class ReadingPanel:
    """The ids, layout, callback outputs and inputs of one reading view."""

    def __init__(self, prefix):
        self.card = f"{prefix}reading"
        self.prediction = f"{prefix}prediction"
        self.verdict = f"{prefix}verdict"
        self.bars = f"{prefix}probabilities"          # ten buttons: a click explains that class
        self.chosen_bar = f"{prefix}chosen-bar"        # a store: the digit of the bar last clicked
        self.model_input = f"{prefix}model-input"
        self.saliency = f"{prefix}saliency"
        self.saliency_caption = f"{prefix}saliency-caption"
        self.legend = f"{prefix}saliency-legend"
        self.announcement = f"{prefix}announcement"   # what screen readers hear when a reading changes
        self.neighbours = f"{prefix}neighbours"        # the most similar training digits: a click inspects one
        self.explained = f"{prefix}explained"          # a store: the model input the panels below explain
        self.explanations = ExplanationPanels(prefix, self.explained)
        self.method = f"{prefix}saliency-method"        # a choice group: its store holds the method

    def layout(self, empty_verdict, below_verdict=None):
        """The view; ``below_verdict``, a component shown between the verdict and the probabilities."""
        return html.Div(className="reading-panel", children=[
            html.Div(id=self.card, className="verdict-card blank", children=[
                html.Div(NO_READING, id=self.prediction, className="big-digit"),
                html.Div(empty_verdict, id=self.verdict, className="verdict"),
            ]),
            *([below_verdict] if below_verdict is not None else []),
            html.Div(id=self.announcement, className="sr-only", role="status",
                     **{"aria-live": "polite", "aria-atomic": "true"}),
            html.Div(className="block-title", children=[
                html.Span("Probabilities"), html.Span("click a bar to see why", className="hint")]),
            # assets/digit_reader.js puts a clicked bar's digit into the store: the bars themselves are
            # redrawn with every reading, and new buttons must not look like clicks to Dash.
            html.Div(id=self.bars, className="bars", role="group", children=bar_buttons(np.zeros(10), None, None),
                     **{"aria-label": "Probabilities: choose a class to see why", "data-chosen": self.chosen_bar}),
            dcc.Store(id=self.chosen_bar),
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
                    choice_group(self.method, "Saliency method", list(METHOD_LABELS.items()), DEFAULT_METHOD,
                                 class_name="method-choice"),
                    html.Div(legend(None), id=self.legend, className="legend"),
                ]),
            ]),
            html.Div(className="block-title", children=[
                html.Span("Most similar training digits"), html.Span("click one to inspect it", className="hint")]),
            html.Div(id=self.neighbours, className="neighbours", role="group", **{
                "aria-label": "Most similar training digits", "data-chosen": INSPECT_REQUEST, "data-inspect": "train"}),
            dcc.Store(id=self.explained),
            self.explanations.layout(),
        ])

    def outputs(self):
        """The callback outputs, keyed like ``render_reading``'s answer."""
        return {
            "card_class": Output(self.card, "className"),
            "prediction": Output(self.prediction, "children"),
            "verdict": Output(self.verdict, "children"),
            "bars": Output(self.bars, "children"),
            "model_input": Output(self.model_input, "src"),
            "saliency": Output(self.saliency, "src"),
            "saliency_caption": Output(self.saliency_caption, "children"),
            "legend": Output(self.legend, "children"),
            "announcement": Output(self.announcement, "children"),
            "explained": Output(self.explained, "data"),
            "neighbours": Output(self.neighbours, "children"),
        }

    def inputs(self):
        return {"method": Input(self.method, "data"), "chosen_bar": Input(self.chosen_bar, "data")}

    def register_callbacks(self, app, reader):
        register_choice_group(app, self.method, METHODS)
        self.explanations.register_callbacks(app, reader)

    def clicked_bar(self, trigger, chosen_bar):
        """The digit of the bar just clicked, or None when something else fired the callback (or a forged value)."""
        return chosen_bar if trigger == self.chosen_bar and is_digit(chosen_bar) else None


def percent(p):
    """A probability as people read it, the same in the verdict and on the bars: whole percents, with one
    decimal near the ends, and never a 100% (or a 0%) that no model can claim."""
    if p >= 0.9995:
        return ">99.9%"
    if p >= 0.995 or p < 0.01:
        return "<0.1%" if p < 0.0005 else f"{p:.1%}"
    return f"{p:.0%}"


def bar_buttons(probabilities, predicted, target):
    """The ten probabilities as buttons: the predicted class stands out, the explained one (when another) is
    pressed, and each bar's height is its probability (``--p``). One component a bar, redrawn with every
    reading: the digit is its text, and the stylesheet draws the bar and the value (``data-value``) above it."""
    return [
        html.Button(str(digit), type="button", className=bar_class(digit, predicted, target),
                    style={"--p": f"{min(p, 1.0):.3f}"},
                    **{"data-choice": str(digit), "data-value": percent(p) if p >= 0.001 else "",
                       "aria-pressed": "true" if digit == target else "false"})
        for digit, p in zip(DIGITS, map(float, probabilities))
    ]


def bar_class(digit, predicted, target):
    return " ".join(["bar", *(["predicted"] if digit == predicted else []),
                     *(["explained"] if target is not None and digit == target and digit != predicted else [])])


def verdict(reading, empty_verdict="nothing drawn"):
    if reading.status == "blank":
        return empty_verdict
    if reading.status == "not_a_digit":
        return f"This doesn't look like a digit (best guess {reading.digit}, {percent(reading.confidence)})"
    if reading.status == "uncertain":
        first, second = reading.probabilities.argsort()[::-1][:2]
        return (f"not sure: {first} ({percent(reading.probabilities[first])}) "
                f"or {second} ({percent(reading.probabilities[second])})?")
    return f"{percent(reading.confidence)} sure"


def announcement(reading, empty_verdict="nothing drawn"):
    """The verdict as one sentence, for the live region."""
    if reading.status == "blank":
        return empty_verdict.capitalize()
    if reading.status == "uncertain":
        return f"Read as {reading.digit}, but {verdict(reading)}"
    if reading.status == "not_a_digit":
        return verdict(reading)
    return f"Read as {reading.digit}, {verdict(reading)}"


def legend(target):
    """What the map's two colours mean, naming the class explained."""
    toward, away = (f"pushes toward {target}", f"pushes away from {target}") if target is not None else (
        "pushes toward the class", "pushes away from it")
    return [html.Span(className="swatch for"), toward, html.Br(), html.Span(className="swatch against"), away]


def saliency_caption(reading, method):
    if reading.status == "blank" or reading.target is None:
        return "Saliency: draw a digit"
    why = f"Why {reading.target}?"
    if reading.target != reading.digit:
        why = f"Why {reading.target}, not {reading.digit}?"
    return f"{why} {METHOD_LABELS[method]}"


def neighbours_for(reader):
    """``(how many neighbours to ask the reader for, pixels_of)``: none when the model ships no index."""
    if reader.index is None:
        return 0, None
    return NEIGHBOURS, reader.index.bank_image


def neighbour_strip(reading, pixels_of):
    """The reading's nearest training digits as buttons (thumbnail, label, similarity); ``pixels_of`` gives a
    training digit's 28x28 pixels by its index in the training set."""
    return [
        thumbnails.thumbnail(bank_thumbnail(pixels_of, neighbour.index), neighbour.label,
                             f"{neighbour.similarity:.2f}", classes=["neighbour"],
                             title=f"training digit #{neighbour.index}", **{"data-choice": str(neighbour.index)})
        for neighbour in reading.neighbours
    ]


@functools.lru_cache(maxsize=4096)
def bank_thumbnail(pixels_of, index):
    """A training digit's data URL, encoded once: readings of similar drawings share their neighbours, and
    encoding eight thumbnails was a fifth of a new drawing's time."""
    return image_url(pixels_of(index))


def render_explanation(reading, method):
    """The outputs that change when only the explained class or the method does: the drawing and its
    probabilities stay; the bars show which class is explained, and the map and caption are new."""
    return {
        "card_class": no_update, "prediction": no_update, "verdict": no_update, "model_input": no_update,
        "announcement": no_update, "neighbours": no_update,
        "bars": bar_buttons(reading.probabilities, reading.digit, reading.target),
        "explained": explained_value(reading), **_saliency_outputs(reading, method),
    }


def render_reading(reading, method, empty_verdict="nothing drawn", pixels_of=None):
    """Every output of the view for a new reading; ``pixels_of`` (see ``neighbour_strip``) shows its neighbours."""
    if reading.status == "blank":
        return {"neighbours": [],
            "card_class": "verdict-card blank", "prediction": NO_READING, "verdict": empty_verdict,
            "announcement": announcement(reading, empty_verdict),
            "bars": bar_buttons(np.zeros(10), None, None), "model_input": BLANK_INPUT, "explained": None,
            **_saliency_outputs(reading, method),
        }
    return {
        "neighbours": neighbour_strip(reading, pixels_of) if pixels_of else [],
        "card_class": f"verdict-card {reading.status}",
        "prediction": str(reading.digit),
        "verdict": verdict(reading),
        "announcement": announcement(reading),
        "bars": bar_buttons(reading.probabilities, reading.digit, reading.target),
        "model_input": image_url(reading.model_input),
        "explained": explained_value(reading),
        **_saliency_outputs(reading, method),
    }


def _saliency_outputs(reading, method):
    if reading.status == "blank":
        return {"saliency": BLANK_SALIENCY, "saliency_caption": saliency_caption(reading, method), "legend": legend(None)}
    if method not in reading.saliency:
        # Read without its map (the verdict first): the map and its legend follow in a moment.
        return {"saliency": no_update, "saliency_caption": f"{saliency_caption(reading, method)}: working it out…",
                "legend": no_update}
    return {"saliency": saliency_url(reading.model_input, reading.saliency[method]),
            "saliency_caption": saliency_caption(reading, method), "legend": legend(reading.target)}


def requested_methods(method):
    """The method choice's value as ``methods`` for the reader (``BadInput`` for a forged one)."""
    return check_methods((method,))
