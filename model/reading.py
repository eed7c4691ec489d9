"""What the model made of one drawing: ``Reading``, its ``Status``, and the rule for a digit."""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from model.errors import BadInput

UNCERTAIN_BELOW = 0.6   # a top probability under this is answered "not sure"
MAX_NEIGHBOURS = 32     # nearest training digits a reading may ask for


class Status(StrEnum):
    OK = "ok"
    UNCERTAIN = "uncertain"
    BLANK = "blank"      # nothing drawn: no digit, no probabilities
    NOT_A_DIGIT = "not_a_digit"   # a mark, a doodle, a letter: the best guess is still given


def is_digit(value):
    """True for an int from 0 to 9 (not a bool, a float or a numeric string)."""
    return type(value) is int and 0 <= value <= 9


def neighbour_count(value, minimum=1):
    """``value`` if it is an int from ``minimum`` to ``MAX_NEIGHBOURS`` (not a bool or a float), else ``BadInput``."""
    if type(value) is not int or not minimum <= value <= MAX_NEIGHBOURS:
        raise BadInput("invalid_neighbours", f"'neighbours' must be a whole number from 1 to {MAX_NEIGHBOURS}.")
    return value


def status_for(confidence):
    return Status.OK if confidence >= UNCERTAIN_BELOW else Status.UNCERTAIN


@dataclass
class Reading:
    status: Status
    digit: int | None = None               # the top class, None when blank
    confidence: float = 0.0
    probabilities: np.ndarray = field(default_factory=lambda: np.zeros(10, np.float32))
    target: int | None = None              # the class the saliency maps explain
    saliency: dict = field(default_factory=dict)
    model_input: np.ndarray | None = None  # (28, 28) float32
    steps: dict = field(default_factory=dict)
    neighbours: list = field(default_factory=list)   # [Neighbour(index, label, similarity), ...] most similar first
    not_a_digit_score: float | None = None            # model/analysis/not_a_digit.py; None when not scored

    @property
    def blank(self):
        return self.status is Status.BLANK


# ---------------------------------------------------------------- numbers: several digits in a row

_SEVERITY = ("ok", "uncertain", "not_a_digit")   # the overall status of a number is its digits' worst


@dataclass
class PlacedReading:
    """One digit of a number: its reading, and where it was drawn."""

    reading: Reading
    box: tuple      # (left, top, right, bottom) in input pixels


@dataclass
class NumberReading:
    """What the model made of a row of digits, read left to right."""

    status: Status
    number: str = ""                              # "4207"; "?" for a part that is not a digit; "" when blank
    digits: list = field(default_factory=list)    # [PlacedReading, ...] in reading order

    @classmethod
    def of(cls, digits):
        """The number that ``digits`` (``PlacedReading``s in reading order) spell, with their worst status."""
        if not digits:
            return cls(Status.BLANK)
        statuses = [placed.reading.status for placed in digits]
        number = "".join("?" if str(placed.reading.status) == "not_a_digit" else str(placed.reading.digit)
                         for placed in digits)
        return cls(max(statuses, key=lambda status: _SEVERITY.index(str(status))), number, list(digits))

    @property
    def blank(self):
        return self.status is Status.BLANK
