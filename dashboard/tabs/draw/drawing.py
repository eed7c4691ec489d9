"""The Draw tab's callback body: the strokes, a bar, a digit card or a method choice in; every output out.

One digit is shown as the reading view shows any reading; several are a number: the whole number in
the verdict, a card per digit under it, and the chosen digit in detail (probabilities, saliency, panels).

A plain function of plain values (the reader, the inputs, and which input fired), so the tests
and the benchmark call exactly what the browser's requests run.
"""

from dash import Output, dcc, html, no_update

from dashboard.components.drawing_pad import strokes_from_pad
from dashboard.components.images import image_url
from dashboard.components.reading_panel import (neighbours_for, percent, render_explanation, render_reading,
                                                 requested_methods)
from dashboard.tabs.draw import ids
from model.errors import BadInput

STEP_LABELS = {"ink": "Your ink", "cropped": "Cropped", "fitted": "Fitted in 20×20", "centred": "Centred, 28×28"}
STEP_PIXELS = 84   # the large steps are shrunk to thumbnails before encoding
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth")


def outputs():
    """The Draw tab's outputs, keyed like ``update_drawing``'s answer (its Dash callback and the live reading)."""
    return {**ids.PANEL.outputs(),
            "steps": Output(ids.STEPS, "children"),
            "message": Output(ids.MESSAGE, "children"),
            "target": Output(ids.TARGET, "data"),
            "cards": Output(ids.CARDS, "children"),
            "shown_card": Output(ids.SHOWN_CARD, "data")}


OUTPUT_KEYS = tuple(outputs())


def update_drawing(reader, strokes, method, target, trigger, chosen_bar=None, chosen_card=None, shown_card=None,
                   neighbours=True, screen=True, map_later=False):
    """The Draw tab's answer, keyed like its outputs.

    ``trigger`` is the id of the input that fired. New strokes are read (as one digit or a number) and
    explained for their prediction; a digit card (``chosen_card``, its position) shows that digit; a bar
    (``chosen_bar``, its digit) explains that class instead and a method change keeps the class, and both
    leave the drawing's views as they are (and the digit shown, ``shown_card``). Bad input keeps the last
    reading and says what was wrong.
    With ``neighbours``, the nearest training digits come with the reading, and ``screen`` judges whether
    it is a digit at all (``reader.read_writing``): the benchmark times the reading without them. With
    ``map_later``, new strokes are answered without a costly saliency map (all but the vanilla gradient):
    the verdict first, and the map from a second call as a method change (``needs_map`` tells).
    """
    count, pixels_of = neighbours_for(reader) if neighbours else (0, None)
    clicked = ids.PANEL.clicked_bar(trigger, chosen_bar)
    card_chosen = trigger == ids.CHOSEN_CARD
    shown = chosen_card if card_chosen else shown_card
    new_drawing = not card_chosen and clicked is None and trigger != ids.PANEL.method
    if clicked is not None:
        target = clicked
    elif new_drawing or card_chosen:
        target = None
    try:
        methods = requested_methods(method)
        number, chosen, reading = reader.read_writing(
            strokes_from_pad(strokes), methods=() if map_later and needs_map(methods) else methods, target=target,
            neighbours=count, chosen=None if new_drawing else shown, screen=screen)
    except BadInput as error:
        return {**dict.fromkeys(OUTPUT_KEYS, no_update), "message": friendly_message(error)}
    unchanged = {"message": "", "target": target}
    if not (new_drawing or card_chosen or reading.blank):
        return {**render_explanation(reading, method), "steps": no_update, "cards": no_update,
                "shown_card": no_update, **unchanged}
    view = {**render_reading(reading, method, pixels_of=pixels_of), "steps": steps_view(reading.steps), **unchanged}
    if number is None:
        return {**view, "cards": [], "shown_card": None}
    return {**view, **number_view(number, chosen)}


def needs_map(methods):
    """True when ``methods`` cost more than the live graph's vanilla gradient: worth a second call."""
    return set(methods) != {"vanilla"}


def number_view(number, chosen):
    """A number's verdict (the whole number; what it doubts), and a card per digit, ``chosen`` pressed."""
    doubted = [i for i, placed in enumerate(number.digits) if placed.reading.status != "ok"]
    if not doubted:
        verdict = f"read as a {len(number.digits)}-digit number"
    elif number.digits[doubted[0]].reading.status == "not_a_digit":
        verdict = f"the {ORDINALS[doubted[0]]} part doesn't look like a digit"
    else:
        verdict = f"not sure of the {ORDINALS[doubted[0]]} digit"
    return {
        "card_class": f"verdict-card {number.status} number", "prediction": number.number, "verdict": verdict,
        "announcement": f"Read as the number {' '.join(number.number)}: {verdict}",
        "cards": [digit_card(i, placed.reading, i == chosen) for i, placed in enumerate(number.digits)],
        "shown_card": chosen,
    }


def digit_card(position, reading, chosen):
    shown = "?" if reading.status == "not_a_digit" else str(reading.digit)
    note = {"uncertain": "not sure", "not_a_digit": "not a digit"}.get(str(reading.status), "")
    return html.Button(type="button", className=f"digit-card {reading.status}",
                       **{"data-choice": str(position), "aria-pressed": "true" if chosen else "false"}, children=[
        html.Img(src=image_url(reading.model_input), className="pixels", alt=""),
        html.Span(shown, className="card-digit"),
        html.Span(percent(reading.confidence), className="card-confidence"),
        *([html.Span(note, className="card-note")] if note else []),
    ])


def digit_cards():
    """Where a number's cards go (empty for one digit): under the verdict."""
    return html.Div(className="digit-cards-row", children=[
        html.Div(id=ids.CARDS, className="digit-cards", role="group", **{
            "aria-label": "Digits of the number: choose one to see why", "data-chosen": ids.CHOSEN_CARD}),
        dcc.Store(id=ids.CHOSEN_CARD),
        dcc.Store(id=ids.SHOWN_CARD),
    ])


def friendly_message(error):
    return f"Could not read that: {error.message} The last result is kept."


def steps_view(steps):
    """The preprocessing steps, in order, as small images with captions."""
    return [
        html.Figure(className="step", children=[
            html.Img(src=image_url(steps[name], STEP_PIXELS), className="pixels", alt=label),
            html.Figcaption(label),
        ])
        for name, label in STEP_LABELS.items() if name in steps and steps[name].size > 1
    ]
