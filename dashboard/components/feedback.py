"""Under a reading: "Right?" with a tick, and "No, it's a ..." with ten digit buttons. One click saves the
drawing with its label into the collected drawings (with the model's reading of it, the model's hash and
the visitor's anonymous id), and a status region says so.

``Feedback(prefix, source)`` lays the buttons out under ids that start with ``prefix``; ``source`` is the id
of the store that holds the drawing it saves (``{"strokes": [...], "widths": [...]}``, as the Draw tab's pad
fills it), so each digit card of a number can have its own. ``save_feedback`` is the callback's body:
plain values in, the message out.

The buttons are disabled while nothing is drawn and once a drawing is saved (one drawing, one save),
and come back when the drawing changes (in the browser: assets/digit_reader.js, ``digitReaderFeedback``).
"""

import contextlib
import json

from dash import ClientsideFunction, Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask_limiter import RateLimitExceeded

from dashboard.api.drawings import MAX_SAVED_BYTES
from dashboard.components.drawing_pad import strokes_from_pad
from model.errors import BadInput, TooLarge
from model.reading import is_digit
from store import NewDrawing, StoreUnavailable, save_drawing

RIGHT = "right"                    # the tick: the model's own reading is the label
DIGITS = range(10)
SAVED = "Saved as a {label}: thank you."
BLANK = "Draw a digit first: a blank drawing cannot be saved."
TOO_LARGE = "This drawing is too large to save (it can still be read)."
TOO_MANY = "Too many saves; try again in a minute."
UNAVAILABLE = "Couldn't save, try again in a moment."
PRIVACY = ("Saving keeps the drawing and your answer, with an anonymous id, so the model can learn; "
           "see and delete yours on the Collected tab.")


class Feedback:
    """The ids, layout and callbacks of one "Right? / No, it's a ..." row."""

    def __init__(self, prefix, source):
        self.source = source
        self.right = f"{prefix}feedback-right"
        self.digits = [f"{prefix}feedback-{digit}" for digit in DIGITS]
        self.message = f"{prefix}feedback-message"
        self._right_label = f"{prefix}feedback-right-label"
        self._wrong_label = f"{prefix}feedback-wrong-label"

    @property
    def buttons(self):
        return [self.right, *self.digits]

    def layout(self):
        return html.Div(className="feedback", children=[
            html.Div(className="feedback-row", role="group", **{"aria-labelledby": self._right_label}, children=[
                html.Span("Right?", id=self._right_label, className="control-label"),
                html.Button("✓ Yes", id=self.right, n_clicks=0, type="button", disabled=True,
                            className="button feedback-yes"),
            ]),
            html.Div(className="feedback-row", role="group", **{"aria-labelledby": self._wrong_label}, children=[
                html.Span("No, it's a …", id=self._wrong_label, className="control-label"),
                html.Div(className="feedback-digits", children=[
                    html.Button(str(digit), id=button, n_clicks=0, type="button", disabled=True,
                                className="choice feedback-digit", **{"aria-label": f"No, it's a {digit}"})
                    for digit, button in zip(DIGITS, self.digits)
                ]),
            ]),
            html.Div(id=self.message, className="feedback-message", role="status"),
            html.P(PRIVACY, className="hint feedback-privacy"),
        ])

    def choice(self, trigger):
        """What the button ``trigger`` says: ``RIGHT`` or a digit; None for anything else."""
        if trigger == self.right:
            return RIGHT
        return self.digits.index(trigger) if trigger in self.digits else None

    def register_callbacks(self, app, services):
        # A new drawing (or none) brings the buttons back (or keeps them off) and clears the last word. The
        # store's timestamp moves with every change of its data; the drawing's own callbacks take the data.
        # What is already so is left alone (the buttons are always set together, so the first tells).
        app.clientside_callback(
            ClientsideFunction("digitReaderFeedback", "ready"),
            [Output(button, "disabled") for button in self.buttons]
            + [Output(self.message, "children", allow_duplicate=True)],
            Input(self.source, "modified_timestamp"), State(self.source, "data"), State(self.right, "disabled"),
            State(self.message, "children"), prevent_initial_call=True)

        @app.callback(
            [Output(self.message, "children"), Output(self.message, "className")]
            + [Output(button, "disabled", allow_duplicate=True) for button in self.buttons],
            [Input(button, "n_clicks") for button in self.buttons],
            State(self.source, "data"), prevent_initial_call=True)
        def save(*clicks_and_drawing):
            choice = self.choice(ctx.triggered_id)
            if choice is None or not ctx.triggered[0]["value"]:
                raise PreventUpdate
            message, saved = save_feedback(
                services.reader, services.drawings, clicks_and_drawing[-1], choice,
                visitor=lambda: services.visitors.current(create=True), limit=services.save_limit)
            disabled = [True if saved else no_update] * len(self.buttons)
            return [message, "feedback-message saved" if saved else "feedback-message problem", *disabled]


def save_feedback(reader, database, drawing, choice, visitor, limit=None):
    """Save ``drawing`` (the pad's ``{"strokes", "widths"}``) labelled ``choice`` (``RIGHT``: as the model
    reads it; or a digit) -> ``(message, saved)``.

    ``visitor`` is called for the visitor's id only once the drawing is worth saving (it may set the
    visitor's cookie); ``limit`` (the save limit, a context manager) counts only real saves.
    """
    if choice != RIGHT and not is_digit(choice):
        return "Choose a digit to save the drawing as.", False
    try:
        strokes = strokes_from_pad(drawing)
        if len(json.dumps([points for points, _ in strokes])) > MAX_SAVED_BYTES:
            return TOO_LARGE, False
        reading = reader.read_strokes(strokes, methods=())
    except TooLarge:
        return TOO_LARGE, False
    except BadInput as error:
        return f"Couldn't save that: {error.message}", False
    if reading.blank:
        return BLANK, False
    label = reading.digit if choice == RIGHT else choice
    widths = [width for _, width in strokes]
    try:
        with limit if limit is not None else contextlib.nullcontext():
            save_drawing(database, NewDrawing.of_reading(
                reading, label=label, visitor=visitor(), model_sha256=reader.classifier.sha256,
                strokes=[points for points, _ in strokes],
                # One brush width, as the API takes it; one per stroke if the brush changed mid-drawing.
                width=widths[0] if len(set(widths)) == 1 else widths))
    except RateLimitExceeded:
        return TOO_MANY, False
    except StoreUnavailable:
        return UNAVAILABLE, False
    return SAVED.format(label=label), True
