"""The inspector's callback body: a digit opened in the Draw tab's reading view.

A test digit comes from a gallery thumbnail; a training digit (or a test digit) from anywhere on the page
through the page's ``INSPECT_REQUEST`` store (the nearest training digits under a reading, for instance).
"""

from dash import html, no_update

from dashboard.components.reading_panel import (INSPECT_REQUEST, neighbours_for, render_explanation,
                                                render_reading, requested_methods)
from dashboard.tabs.errors import ids
from dashboard.tabs.errors.analysis import suspicion
from model.artifacts import subset_position
from model.errors import BadInput

EMPTY_VERDICT = "pick a digit in the gallery"
OUTPUT_KEYS = (*ids.PANEL.outputs(), "title", "inspected", "message", "evidence")
SETS = {"test": "Test digit", "train": "Training digit"}


def inspect_digit(reader, analysis, method, inspected, trigger, chosen_bar=None, request=None):
    """A thumbnail or a request opens that digit in the inspector, the same view as the Draw tab's; a bar
    explains that class, a method choice keeps the class."""
    inspected = dict(inspected) if isinstance(inspected, dict) else {}
    new_digit = True
    if isinstance(trigger, dict) and trigger.get("type") == ids.THUMBNAIL:
        inspected = {"set": "test", "index": trigger.get("index"), "target": None}
    elif trigger in (INSPECT_REQUEST, None) and isinstance(request, dict):
        inspected = {"set": request.get("set"), "index": request.get("index"), "target": None}
    else:
        new_digit = False
        if ids.PANEL.clicked_bar(trigger, chosen_bar) is not None:
            inspected["target"] = chosen_bar
    if inspected.get("index") is None:
        return dict.fromkeys(OUTPUT_KEYS, no_update)
    count, pixels_of = neighbours_for(reader)
    try:
        pixels, label = digit_pixels(reader, analysis.report, inspected.get("set", "test"), inspected["index"])
        reading = reader.read_pixels(pixels, methods=requested_methods(method), target=inspected.get("target"),
                                     neighbours=count)
    except BadInput as error:
        return {**dict.fromkeys(OUTPUT_KEYS, no_update), "message": f"Could not open that: {error.message}"}
    view = render_reading(reading, method, pixels_of=pixels_of) if new_digit else render_explanation(reading, method)
    name = SETS[inspected.get("set", "test")]
    # A suspected label says so right under the title: "labelled 8, probably 9", and why.
    issue = analysis.issues.get(inspected["index"]) if inspected.get("set", "test") == "test" else None
    return {
        **view,
        "title": f"{name} #{inspected['index']}: labelled {label}, read as {reading.digit}",
        "inspected": inspected,
        "message": "",
        "evidence": evidence(issue) if new_digit else no_update,
    }


def evidence(issue):
    """Why a test digit's label is suspected (training/label_issues.py), or nothing for an unsuspected digit."""
    if not issue:
        return []
    given, suggested, found = issue["given"], issue["suggested"], issue.get("evidence", {})

    def shares(signal):
        values = found.get(signal, {})
        return " and ".join(f"{digit} {values[str(digit)]:.0%}" for digit in (suggested, given) if str(digit) in values)

    lines = [
        ("The model gives", shares("model")),
        ("Five small models trained apart average", shares("ensemble")),
        ("…and answer", " ".join(map(str, found.get("small_models", [])))),
        ("Nearest training digits by pixels are labelled", " ".join(map(str, found.get("pixel_neighbours", [])))),
        ("…and by the model's embedding", " ".join(map(str, found.get("embedding_neighbours", [])))),
    ]
    return [
        html.P(f"Suspected label error: labelled {given}, {suspicion(issue)} (score {issue['score']:+.2f}: the "
               f"signals' average probability of {suggested} less that of {given}).", className="evidence-title"),
        html.Ul([html.Li(f"{what}: {value}") for what, value in lines if value]),
    ]


def digit_pixels(reader, report, digit_set, index):
    """A test or training digit's 28x28 pixels and its label; ``BadInput`` for one that does not ship."""
    if digit_set not in SETS or type(index) is not int:
        raise BadInput("invalid_index", "That is not a digit of the test or the training set.")
    if digit_set == "train":
        if reader.index is None:
            raise BadInput("invalid_index", "This model ships no training digits.")
        position = subset_position(reader.index.bank_indices, index)
        if position is None:
            raise BadInput("invalid_index", f"Training digit #{index} is not among the shipped ones.")
        return reader.index.bank_images[position], int(reader.index.bank_labels[position])
    if not 0 <= index < len(report.labels):
        raise BadInput("invalid_index", "That is not a test digit.")
    if reader.index is not None:
        return reader.index.test_images[index], int(report.labels[index])
    try:
        return report.image(index), int(report.labels[index])
    except KeyError:
        raise BadInput("invalid_index", f"Test digit #{index} is not in the shipped gallery.") from None
