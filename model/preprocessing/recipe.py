"""Ink -> the model's 28x28 input, the way MNIST itself was made: crop the ink, fit it in 20x20
keeping the aspect ratio (anti-aliased), place it in 28x28 and shift its centre of mass to the centre."""

from dataclasses import dataclass, field

import numpy as np
from PIL import Image

INK_THRESHOLD = 128               # a pixel at least this dark counts as ink for the blank test
MIN_INK_PIXELS = 10               # fewer inked pixels than this is "nothing drawn"
BOX_THRESHOLD = 26                # faint anti-aliasing halo below this is outside the crop


@dataclass
class Preprocessed:
    """The model input, or ``None`` when nothing was drawn, with the steps that led to it."""

    model_input: np.ndarray | None             # (28, 28) float32 in [0, 1], white ink on black
    steps: dict = field(default_factory=dict)  # name -> uint8 image, in order: ink, cropped, fitted, centred

    @property
    def blank(self):
        return self.model_input is None


def to_mnist(ink):
    """Ink image -> ``Preprocessed``: crop, fit 20x20 (aspect kept, anti-aliased), centre of mass."""
    steps = {"ink": ink}
    rows = np.flatnonzero(ink.max(axis=1) >= BOX_THRESHOLD)
    if not rows.size:
        return Preprocessed(None, steps)
    cols = np.flatnonzero(ink.max(axis=0) >= BOX_THRESHOLD)
    cropped = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    # Every pixel dark enough to count as ink lies inside the box (INK_THRESHOLD > BOX_THRESHOLD).
    if np.count_nonzero(cropped >= INK_THRESHOLD) < MIN_INK_PIXELS:
        return Preprocessed(None, steps)
    height, width = cropped.shape
    factor = 20 / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    fitted = np.asarray(Image.fromarray(cropped).resize(size, Image.Resampling.BILINEAR, reducing_gap=None))

    mass = fitted.astype(np.float64)
    total = mass.sum()
    if total == 0:
        return Preprocessed(None, steps)
    cy = (mass.sum(axis=1) @ np.arange(mass.shape[0])) / total
    cx = (mass.sum(axis=0) @ np.arange(mass.shape[1])) / total
    top = int(np.clip(round(13.5 - cy), 0, 28 - mass.shape[0]))
    left = int(np.clip(round(13.5 - cx), 0, 28 - mass.shape[1]))
    centred = np.zeros((28, 28), np.uint8)
    centred[top:top + fitted.shape[0], left:left + fitted.shape[1]] = fitted
    steps.update(cropped=cropped, fitted=fitted, centred=centred)
    return Preprocessed(centred.astype(np.float32) / 255, steps)
