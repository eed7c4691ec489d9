"""The one code path from a drawing to an answer, shared by the dashboard and the JSON API.

    reader = DigitReader.from_model_file()         # loads, checks the hash, warms up
    reading = reader.read_image(png_bytes)         # or read_strokes, read_fabric, read_pixels
    reading.status, reading.digit, reading.probabilities, reading.saliency["vanilla"]
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.errors import BadInput
from model.inference import METHODS, DigitClassifier, ModelError
from model.paths import DEFAULT_MODEL_PATH, report_path
from model.preprocessing import decode_image, rasterize_strokes, strokes_from_fabric, to_mnist
from model.report import EvaluationReport

UNCERTAIN_BELOW = 0.6   # top probability under this is answered "not sure"
IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif", "image/bmp")
_DATA_URL = re.compile(r"^data:(?P<type>[^;,]*)(?P<params>(;[^;,]*)*),(?P<data>.*)$", re.DOTALL)


@dataclass
class Reading:
    status: str                            # "ok", "uncertain" or "blank"
    digit: int | None = None               # the top class, None when blank
    confidence: float = 0.0
    probabilities: np.ndarray = field(default_factory=lambda: np.zeros(10, np.float32))
    target: int | None = None              # the class the saliency maps explain
    saliency: dict = field(default_factory=dict)
    model_input: np.ndarray | None = None  # (28, 28) float32
    steps: dict = field(default_factory=dict)

    def to_json(self, saliency_method=None):
        """The API's answer; with ``saliency_method``, its 28x28 map as nested lists."""
        body = {
            "digit": self.digit,
            "confidence": round(float(self.confidence), 6),
            "probabilities": [round(float(p), 6) for p in self.probabilities],
            "status": self.status,
        }
        if saliency_method:
            saliency = self.saliency.get(saliency_method)
            # "+ 0.0" turns the -0.0 that rounding leaves into 0.0.
            body["saliency"] = None if saliency is None else (np.round(saliency, 6) + 0.0).tolist()
        return body


def decode_data_url(text):
    """A data URL or bare base64 of an image -> bytes. Refuses other media types (HTML, SVG)."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("empty_image", "The image is empty.")
    match = _DATA_URL.match(text.strip())
    if match:
        media_type = match["type"].strip().lower()
        if media_type and media_type not in IMAGE_MEDIA_TYPES:
            raise BadInput("unsupported_media_type",
                           f"Data URLs of type {media_type[:60]!r} are not accepted: send PNG, JPEG or WebP.", 415)
        if ";base64" not in match["params"].lower():
            raise BadInput("invalid_base64", "The data URL must be base64-encoded (';base64,').")
        text = match["data"]
    payload = "".join(text.split())
    if not payload:
        raise BadInput("empty_image", "The image is empty.")
    try:
        return base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("invalid_base64", "The image is not valid base64.") from None


class DigitReader:
    def __init__(self, classifier):
        self.classifier = classifier

    @classmethod
    def from_model_file(cls, path=None, warm_up=True):
        """Load the model, refusing one whose hash differs from its evaluation report's."""
        path = Path(path or DEFAULT_MODEL_PATH)
        expected = None
        if report_path(path).exists():
            expected = EvaluationReport.load_summary(path).get("model_sha256")
        reader = cls(DigitClassifier(path, expected_sha256=expected))
        if warm_up:
            reader.classifier.warm_up()
        return reader

    def read_image(self, data, methods=("vanilla",), target=None):
        """Image bytes (PNG, JPEG, WebP, ...) -> ``Reading``."""
        return self._read(decode_image(data), methods, target)

    def read_data_url(self, text, methods=("vanilla",), target=None):
        return self.read_image(decode_data_url(text), methods, target)

    def read_strokes(self, strokes, width=None, methods=("vanilla",), target=None):
        """``[[[x, y], ...], ...]`` in canvas pixels, drawn ``width`` wide -> ``Reading``."""
        return self._read(rasterize_strokes(strokes, width), methods, target)

    def read_fabric(self, fabric, methods=("vanilla",), target=None):
        """dash-canvas ``json_data`` (parsed fabric.js JSON) -> ``Reading``."""
        return self._read(rasterize_strokes(strokes_from_fabric(fabric)), methods, target)

    def read_pixels(self, pixels, methods=("vanilla",), target=None):
        """An MNIST-style (28, 28) uint8 image, already preprocessed (the test set) -> ``Reading``."""
        model_input = np.asarray(pixels, np.float32) / 255
        return self._classify(model_input, {"centred": np.asarray(pixels, np.uint8)}, methods, target)

    def _read(self, ink, methods, target):
        pre = to_mnist(ink)
        if pre.blank:
            return Reading("blank", steps=pre.steps)
        return self._classify(pre.model_input, pre.steps, methods, target)

    def _classify(self, model_input, steps, methods, target):
        unknown = set(methods) - set(METHODS)
        if unknown:
            raise BadInput("unknown_saliency_method",
                           f"Unknown saliency method {sorted(unknown)[0]!r}; choose one of {', '.join(METHODS)}.")
        if target is not None and (isinstance(target, bool) or target not in range(10)):
            raise BadInput("invalid_target", "The saliency target must be a digit from 0 to 9.")
        prediction = self.classifier.predict(model_input, target, methods)
        digit = int(prediction.probabilities.argmax())
        confidence = float(prediction.probabilities[digit])
        return Reading(
            status="ok" if confidence >= UNCERTAIN_BELOW else "uncertain",
            digit=digit, confidence=confidence, probabilities=prediction.probabilities,
            target=prediction.target, saliency=prediction.saliency, model_input=model_input, steps=steps)


__all__ = ["BadInput", "DigitReader", "ModelError", "Reading", "decode_data_url", "METHODS"]
