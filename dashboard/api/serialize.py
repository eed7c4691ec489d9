"""The API's wire formats: images arriving as data URLs or base64, and readings leaving as JSON."""

import base64
import binascii
import re

import numpy as np

from model.errors import BadInput, UnsupportedType

IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif", "image/bmp")
_DATA_URL = re.compile(r"^data:(?P<type>[^;,]*)(?P<params>(;[^;,]*)*),(?P<data>.*)$", re.DOTALL)


def decode_data_url(text):
    """A data URL or bare base64 of an image -> bytes. Refuses other media types (HTML, SVG)."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("empty_image", "The image is empty.")
    match = _DATA_URL.match(text.strip())
    if match:
        media_type = match["type"].strip().lower()
        if media_type and media_type not in IMAGE_MEDIA_TYPES:
            raise UnsupportedType("unsupported_media_type",
                                  f"Data URLs of type {media_type[:60]!r} are not accepted: send PNG, JPEG or WebP.")
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


def reading_json(reading, saliency_method=None):
    """The API's answer for a reading; with ``saliency_method``, its 28x28 map as nested lists."""
    body = {
        "digit": reading.digit,
        "confidence": round(float(reading.confidence), 6),
        "probabilities": [round(float(p), 6) for p in reading.probabilities],
        "status": str(reading.status),
    }
    if saliency_method:
        saliency = reading.saliency.get(saliency_method)
        body["saliency"] = None if saliency is None else rounded_grid(saliency)
    return body


def rounded_grid(values, decimals=6):
    """A float array as nested lists, rounded; "+ 0.0" turns the -0.0 that rounding leaves into 0.0."""
    return (np.round(np.asarray(values, np.float64), decimals) + 0.0).tolist()
