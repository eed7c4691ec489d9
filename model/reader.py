"""The one code path from a drawing to an answer, shared by the dashboard, the JSON API and training.

    reader = DigitReader.from_model_file()         # loads, checks the hash, warms up
    reading = reader.read_image(png_bytes)         # or read_strokes, read_pixels
    reading.status, reading.digit, reading.probabilities, reading.saliency["vanilla"]
"""

from pathlib import Path

import numpy as np

from model.artifacts import DEFAULT_MODEL_PATH, expected_model_sha256
from model.classifier import DigitClassifier
from model.errors import BadInput
from model.explain.saliency import check_methods
from model.preprocessing import decode_image, rasterize_strokes, to_mnist
from model.reading import Reading, Status, is_digit, status_for


class DigitReader:
    def __init__(self, classifier):
        self.classifier = classifier

    @classmethod
    def from_model_file(cls, path=None, warm_up=True, check_report=True):
        """Load the model, refusing one whose hash differs from its evaluation report's (unless
        ``check_report`` is False: the evaluation that writes a new report)."""
        path = Path(path or DEFAULT_MODEL_PATH)
        expected = expected_model_sha256(path) if check_report else None
        reader = cls(DigitClassifier(path, expected_sha256=expected))
        if warm_up:
            reader.classifier.warm_up()
        return reader

    def read_image(self, data, methods=("vanilla",), target=None):
        """Image bytes (PNG, JPEG, WebP, ...) -> ``Reading``."""
        return self._read(decode_image(data), methods, target)

    def read_strokes(self, strokes, width=None, methods=("vanilla",), target=None):
        """``[[[x, y], ...], ...]`` drawn ``width`` wide, or ``[(points, width), ...]`` -> ``Reading``."""
        return self._read(rasterize_strokes(strokes, width), methods, target)

    def probabilities(self, pixels):
        """Many MNIST-style (N, 28, 28) uint8 images -> (N, 10) probabilities, in batches (evaluation)."""
        return self.classifier.probabilities(pixels)

    def read_pixels(self, pixels, methods=("vanilla",), target=None):
        """An MNIST-style (28, 28) uint8 image, already preprocessed (the test set) -> ``Reading``."""
        model_input = np.asarray(pixels, np.float32) / 255
        return self._classify(model_input, {"centred": np.asarray(pixels, np.uint8)}, methods, target)

    def _read(self, ink, methods, target):
        pre = to_mnist(ink)
        if pre.blank:
            return Reading(Status.BLANK, steps=pre.steps)
        return self._classify(pre.model_input, pre.steps, methods, target)

    def _classify(self, model_input, steps, methods, target):
        methods = check_methods(methods)
        if target is not None and not is_digit(target):
            raise BadInput("invalid_target", "The saliency target must be a digit from 0 to 9.")
        prediction = self.classifier.predict(model_input, target, methods)
        digit = int(prediction.probabilities.argmax())
        confidence = float(prediction.probabilities[digit])
        return Reading(
            status=status_for(confidence), digit=digit, confidence=confidence,
            probabilities=prediction.probabilities, target=prediction.target, saliency=prediction.saliency,
            model_input=model_input, steps=steps)
