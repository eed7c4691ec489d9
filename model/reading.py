"""What the model made of one drawing: ``Reading``, its ``Status``, and the rule for a digit."""

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

UNCERTAIN_BELOW = 0.6   # a top probability under this is answered "not sure"


class Status(StrEnum):
    OK = "ok"
    UNCERTAIN = "uncertain"
    BLANK = "blank"      # nothing drawn: no digit, no probabilities


def is_digit(value):
    """True for an int from 0 to 9 (not a bool, a float or a numeric string)."""
    return type(value) is int and 0 <= value <= 9


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

    @property
    def blank(self):
        return self.status is Status.BLANK
