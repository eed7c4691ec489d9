"""Three panels under a reading view that answer "why?" and "would it still say so?": inside the network
(every conv layer's channels), robustness probes (the answer as the model input is rotated, scaled,
thickened and shifted) and a counterfactual (the smallest edit that makes the model answer another class).

Each panel is closed until opened, and a closed panel costs nothing: the reading view puts the current model
input into its ``explained`` store, and a panel asks the server for its part only while open (the
browser-side ``gatePanels`` passes the store on or not). The views are small functions of the reader and the
``explained`` value, which the tests call directly.
"""

import logging

import numpy as np
from dash import ClientsideFunction, Input, Output, State, dcc, html

from dashboard.components.images import png_data_url, saliency_rgb
from model.errors import BadInput
from model.explain.activations import sprite
from model.reading import is_digit

PANELS = {
    "activations": "Inside the network",
    "robustness": "Would it still say so?",
    "counterfactual": "What would make it another digit?",
}
HINTS = {
    "activations": "What each convolutional layer computes from the 28×28 input: one small map per channel, "
                   "brighter where the channel responds. Choose a channel to enlarge it.",
    "robustness": "The model's answer as the model input is turned, resized, thinned or thickened and moved. "
                  "Cells that read differently from the drawing as it is are marked.",
    "counterfactual": "The smallest change to the model input that makes the model answer another class: "
                      "choose the class with its probability bar.",
}
SPRITE_COLUMNS = 8
log = logging.getLogger(__name__)
AXIS_LABELS = {"rotation": "Turned (degrees)", "scale": "Resized (×)", "thickness": "Stroke (thinner ← → thicker)"}


class ExplanationPanels:
    """The panels' ids and layout, for the reading view whose model input is in the store ``explained``."""

    def __init__(self, prefix, explained):
        self.explained = explained
        self.prefix = prefix
        self.channel = f"{prefix}activation-channel"     # {"layer": i, "channel": c}, chosen in the browser

    def id(self, panel, part):
        return f"{self.prefix}{panel}-{part}"

    def layout(self):
        return html.Div(className="explanations", children=[
            html.Section(className="explanation", children=[
                html.H3(html.Button(title, id=self.id(panel, "toggle"), n_clicks=0, type="button",
                                    className="disclosure",
                                    **{"aria-expanded": "false", "aria-controls": self.id(panel, "body")})),
                html.Div(id=self.id(panel, "body"), hidden=True, className="explanation-body", children=[
                    html.P(HINTS[panel], className="hint"),
                    dcc.Loading(html.Div(id=self.id(panel, "content"), className=f"{panel}-view"),
                                type="dot", delay_show=300),
                ]),
                dcc.Store(id=self.id(panel, "open"), data=False),
                dcc.Store(id=self.id(panel, "request")),
            ])
            for panel, title in PANELS.items()
        ] + [dcc.Store(id=self.channel, data={"layer": 0, "channel": 0})])

    def register_callbacks(self, app, reader):
        for panel in PANELS:
            app.clientside_callback(
                ClientsideFunction("digitReader", "togglePanel"),
                Output(self.id(panel, "open"), "data"), Output(self.id(panel, "toggle"), "aria-expanded"),
                Output(self.id(panel, "body"), "hidden"),
                Input(self.id(panel, "toggle"), "n_clicks"), State(self.id(panel, "open"), "data"),
                prevent_initial_call=True)
        # One gate for the three panels: a new drawing runs one callback, not three.
        app.clientside_callback(
            ClientsideFunction("digitReader", "gatePanels"),
            [Output(self.id(panel, "request"), "data") for panel in PANELS],
            Input(self.explained, "data"), [Input(self.id(panel, "open"), "data") for panel in PANELS])

        @app.callback(Output(self.id("activations", "content"), "children"),
                      Input(self.id("activations", "request"), "data"), Input(self.channel, "data"),
                      prevent_initial_call=True)
        def show_activations(request, chosen):
            return guarded(activations_view, reader, request, chosen, self.channel)

        @app.callback(Output(self.id("robustness", "content"), "children"),
                      Input(self.id("robustness", "request"), "data"), prevent_initial_call=True)
        def show_robustness(request):
            return guarded(robustness_view, reader, request)

        @app.callback(Output(self.id("counterfactual", "content"), "children"),
                      Input(self.id("counterfactual", "request"), "data"), prevent_initial_call=True)
        def show_counterfactual(request):
            return guarded(counterfactual_view, reader, request)


def explained_value(reading):
    """What a reading view puts in its ``explained`` store: its model input (8-bit), digit and explained class."""
    if reading.blank or reading.model_input is None:
        return None
    pixels = np.clip(np.round(np.asarray(reading.model_input) * 255), 0, 255).astype(np.uint8)
    return {"pixels": pixels.ravel().tolist(), "digit": reading.digit, "target": reading.target}


def explained_input(value):
    """The ``explained`` store's value -> ``(model input (28, 28) float32, digit, target)``; ``BadInput`` if forged."""
    if not isinstance(value, dict):
        raise BadInput("nothing_drawn", "Draw a digit first.")
    pixels = value.get("pixels")
    if not (isinstance(pixels, list) and len(pixels) == 28 * 28
            and all(type(p) is int and 0 <= p <= 255 for p in pixels)):
        raise BadInput("invalid_model_input", "That is not a model input.")
    digit, target = value.get("digit"), value.get("target")
    if not is_digit(digit) or not (target is None or is_digit(target)):
        raise BadInput("invalid_model_input", "That is not a reading.")
    return np.array(pixels, np.float32).reshape(28, 28) / 255, digit, target


def guarded(view, reader, request, *extra):
    """A panel's view, or a short message in that panel only: a failure here never breaks the reading."""
    if request is None:
        return html.P("Draw a digit to see this.", className="hint")
    try:
        return view(reader, *explained_input(request), *extra)
    except BadInput as error:
        return html.P(f"Could not show this: {error.message}", className="message", role="status")
    except Exception:  # noqa: BLE001 - one panel failing must not take the reading with it
        log.exception("The %s panel failed", view.__name__)
        return html.P("Could not show this just now; the rest of the reading is unaffected.", className="message",
                      role="status")


# ---------------------------------------------------------------- inside the network

def activations_view(reader, model_input, digit, target, chosen, channel_store):
    layers = reader.activations(model_input)
    layer_index, channel = chosen_channel(chosen, layers)
    layer = layers[layer_index]
    low, high = layer.channel_range(channel)
    channels = layer.maps.shape[0]
    return [
        html.Div(className="sprites", **{"data-channel-store": channel_store}, children=[
            html.Figure(className="sprite-figure", children=[
                html.Img(src=png_data_url(sprite(item, sprite_columns(item))), className="pixels sprite",
                         alt=f"{item.name}: {item.maps.shape[0]} channel maps",
                         **{"data-layer": str(i), "data-columns": str(sprite_columns(item)),
                            "data-channels": str(item.maps.shape[0]), "data-side": str(item.maps.shape[1])}),
                html.Figcaption(f"{item.name} · up to {item.high:.2f}"),
            ])
            for i, item in enumerate(layers)
        ]),
        html.Div(className="channel-explorer", **{"data-channel-store": channel_store,
                                                  "data-layer": str(layer_index), "data-channel": str(channel),
                                                  "data-channels": str(channels)}, children=[
            html.Div(role="group", className="choices", **{"aria-label": "Layer"}, children=[
                html.Button(f"Layer {i + 1}", type="button", className="choice", **{
                    "data-choose-layer": str(i), "aria-pressed": "true" if i == layer_index else "false"})
                for i in range(len(layers))
            ]),
            html.Div(className="channel-stepper", children=[
                html.Button("Previous channel", type="button", className="button", **{"data-step-channel": "-1"}),
                html.Span(f"Channel {channel + 1} of {channels}", className="channel-name"),
                html.Button("Next channel", type="button", className="button", **{"data-step-channel": "1"}),
            ]),
            html.Figure(className="pixel-figure", children=[
                html.Img(src=png_data_url(scaled_map(layer.maps[channel])), className="pixels",
                         alt=f"{layer.name}, channel {channel + 1}"),
                html.Figcaption(f"{layer.name}, channel {channel + 1}: values {low:.2f} to {high:.2f}"),
            ]),
        ]),
    ]


def sprite_columns(layer):
    """Eight maps a row; single values (the 1x1 layer) sixteen, so the grid stays about square."""
    return SPRITE_COLUMNS * 2 if layer.maps.shape[1] == 1 else SPRITE_COLUMNS


def chosen_channel(chosen, layers):
    """The chosen ``(layer, channel)``, kept within the layers' sizes (a forged value means the first)."""
    chosen = chosen if isinstance(chosen, dict) else {}
    layer, channel = chosen.get("layer"), chosen.get("channel")
    layer = layer if type(layer) is int and 0 <= layer < len(layers) else 0
    channel = channel if type(channel) is int and 0 <= channel < layers[layer].maps.shape[0] else 0
    return layer, channel


def scaled_map(channel_map):
    top = float(channel_map.max())
    return np.zeros(channel_map.shape, np.uint8) if top <= 0 else np.round(channel_map / top * 255).astype(np.uint8)


# ---------------------------------------------------------------- robustness

def robustness_view(reader, model_input, digit, target):
    probes = reader.robustness(model_input)
    shift = probes["shift"]
    half = len(shift.values) // 2        # a horizontal sweep, then a vertical one (each through [0, 0])
    horizontal, vertical = list(range(half)), list(range(half, len(shift.values)))
    rows = [probe_row(AXIS_LABELS[name], probes[name].values, probes[name].probabilities, digit, as_drawn)
            for name, as_drawn in (("rotation", 0), ("scale", 1.0), ("thickness", 0))] + [
        probe_row("Moved left ← → right (pixels)", [shift.values[i][0] for i in horizontal],
                  shift.probabilities[horizontal], digit, 0),
        probe_row("Moved up ↑ ↓ down (pixels)", [shift.values[i][1] for i in vertical],
                  shift.probabilities[vertical], digit, 0)]
    # A table wider than a phone scrolls on its own, reachable by keyboard (WCAG 2.1.1, 1.4.10).
    return html.Div(className="table-scroll", tabIndex="0", role="region", **{"aria-label": "Robustness probes"},
                    children=html.Table(className="probes", children=[
        html.Caption(f"What the model reads as the drawing changes; as drawn, it reads {digit}."),
        html.Tbody(rows),
    ]))


def probe_row(label, values, probabilities, digit, unchanged):
    """One axis: a header cell, then per value the digit read and how sure; the value that leaves the
    drawing as it is (``unchanged``) marked, and readings other than ``digit`` marked as changed."""
    cells = []
    for value, row in zip(values, probabilities):
        read = int(np.argmax(row))
        as_drawn = value == unchanged
        classes = " ".join(["probe", *(["changed"] if read != digit else []), *(["as-drawn"] if as_drawn else [])])
        cells.append(html.Td(className=classes, title=f"{value}: reads {read}, {row[read]:.0%}", children=[
            html.Span(f"{value:g}", className="probe-value"), html.Strong(str(read)),
            html.Span(f"{row[read]:.0%}", className="probe-p")]))
    return html.Tr([html.Th(label, scope="row"), *cells])


# ---------------------------------------------------------------- counterfactual

def counterfactual_view(reader, model_input, digit, target):
    if target is None or target == digit:
        return html.P(f"Choose another class than {digit} with its probability bar above: this shows the "
                      "smallest change to the drawing that makes the model read that class.", className="hint")
    edit = reader.counterfactual(model_input, target)
    verdict = (f"The model reads {int(np.argmax(edit.probabilities))} "
               f"({edit.probabilities.max():.0%}) after {edit.changed_pixels} pixels changed.")
    return [
        html.Div(className="images-row", children=[
            figure(edit.original, f"As drawn: {digit}", "the model input as drawn"),
            figure(edit.image, f"Edited toward {target}", f"the model input edited toward {target}"),
            html.Figure(className="pixel-figure", children=[
                html.Img(src=png_data_url(difference_rgb(edit.original, edit.added, edit.removed)),
                         className="pixels", alt=f"{edit.changed_pixels} pixels changed: ink added and removed"),
                html.Figcaption([html.Span(className="swatch for"), "ink added ",
                                 html.Span(className="swatch against"), "ink removed"]),
            ]),
        ]),
        html.P(verdict if edit.reached else f"No small edit found that makes it a {target}. {verdict}",
               className="counterfactual-verdict"),
    ]


def figure(image, caption, alt):
    return html.Figure(className="pixel-figure", children=[
        html.Img(src=png_data_url(np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)), className="pixels", alt=alt),
        html.Figcaption(caption)])


def difference_rgb(original, added, removed):
    """The input as pale ink, ink added in the saliency palette's "toward" colour and removed in its "away"."""
    return saliency_rgb(original, np.asarray(added, np.float32) - np.asarray(removed, np.float32))
