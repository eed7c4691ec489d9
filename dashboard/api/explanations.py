"""The explanation fields of ``POST <prefix>api/predict``: what a request asks for (checked before the
drawing is decoded) and the JSON they add to the reading. Each is computed only when asked for.

    "robustness": true   -> "robustness": {"rotation": {"values": [-30, ...], "probabilities": [[10 floats], ...]},
                                           "scale": ..., "thickness": ..., "shift": {"values": [[dx, dy], ...], ...}}
    "counterfactual": k  -> "counterfactual": {"target": k, "image": [[28 floats in [0, 1]] x 28],
                                               "original": [[...]], "probability": p_k, "changed_pixels": n,
                                               "reached": true when the model answers k for "image"}

A blank drawing has no model input to explain: a field asked for is then null.
"""

from dataclasses import dataclass

from dashboard.api.serialize import rounded_grid
from model.errors import BadInput
from model.reading import is_digit

IMAGE_DECIMALS = 4   # a pixel in [0, 1]: 4 decimals is finer than the 8-bit input


@dataclass(frozen=True)
class Asked:
    robustness: bool = False
    counterfactual: int | None = None


def explanations_asked(body):
    """The explanation fields of a request body -> ``Asked``, or ``BadInput`` for a malformed one."""
    robustness = body.get("robustness", False)
    if type(robustness) is not bool:
        raise BadInput("invalid_robustness", "'robustness' must be true or false.")
    counterfactual = body.get("counterfactual")
    if "counterfactual" in body and not is_digit(counterfactual):
        raise BadInput("invalid_counterfactual",
                       "'counterfactual' must be a digit from 0 to 9: the class to turn the drawing into.")
    return Asked(robustness, counterfactual)


def explanations_json(reader, reading, asked):
    """The fields ``asked`` for, computed for ``reading``'s model input."""
    body = {}
    if asked.robustness:
        body["robustness"] = None if reading.blank else robustness_json(reader.robustness(reading.model_input))
    if asked.counterfactual is not None:
        body["counterfactual"] = None if reading.blank else counterfactual_json(
            reader.counterfactual(reading.model_input, asked.counterfactual))
    return body


def robustness_json(robustness):
    return {name: {"values": axis.values, "probabilities": rounded_grid(axis.probabilities)}
            for name, axis in robustness.axes.items()}


def counterfactual_json(counterfactual):
    return {
        "target": counterfactual.target,
        "image": rounded_grid(counterfactual.image, IMAGE_DECIMALS),
        "original": rounded_grid(counterfactual.original, IMAGE_DECIMALS),
        "probability": round(counterfactual.probability, 6),
        "changed_pixels": counterfactual.changed_pixels,
        "reached": counterfactual.reached,
    }
