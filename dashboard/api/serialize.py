"""The API's wire formats: images arriving as data URLs or base64, and readings leaving as JSON."""

import base64
import binascii

import numpy as np

from model.errors import BadInput, UnsupportedType

IMAGE_MEDIA_TYPES = ("image/png", "image/jpeg", "image/jpg", "image/webp")
_BASE64_WHITESPACE = b" \t\n\r\x0b\x0c"   # line breaks and spaces some encoders put in base64


def decode_data_url(text):
    """A data URL or bare base64 of an image -> bytes. Refuses other media types (HTML, SVG)."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("empty_image", "The image is empty.")
    text = text.strip()
    # Split with str methods, not a regular expression: a backtracking pattern over a 2 MB header
    # of ";a;a;a..." cost half a second (issue 8).
    header, comma, data = text.partition(",")
    if text.startswith("data:") and comma:
        media_type, _, params = header[len("data:"):].partition(";")
        media_type = media_type.strip().lower()
        if media_type and media_type not in IMAGE_MEDIA_TYPES:
            raise UnsupportedType("unsupported_media_type",
                                  f"Data URLs of type {media_type[:60]!r} are not accepted: send PNG, JPEG or WebP.")
        if "base64" not in params.lower():
            raise BadInput("invalid_base64", "The data URL must be base64-encoded (';base64,').")
        text = data
    try:
        payload = text.encode("ascii").translate(None, _BASE64_WHITESPACE)
    except UnicodeEncodeError:
        raise BadInput("invalid_base64", "The image is not valid base64.") from None
    if not payload:
        raise BadInput("empty_image", "The image is empty.")
    try:
        return base64.b64decode(payload + b"=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("invalid_base64", "The image is not valid base64.") from None


def reading_json(reading, saliency_method=None, neighbours=False):
    """The API's answer for a reading; with ``saliency_method``, its 28x28 map as nested lists; with
    ``neighbours``, its nearest training digits, most similar first (null for a blank drawing)."""
    body = {
        "digit": reading.digit,
        "confidence": round(float(reading.confidence), 6),
        "probabilities": [round(float(p), 6) for p in reading.probabilities],
        "status": str(reading.status),
    }
    if saliency_method:
        saliency = reading.saliency.get(saliency_method)
        body["saliency"] = None if saliency is None else rounded_grid(saliency)
    if neighbours:
        body["neighbours"] = None if reading.blank else [
            {"index": n.index, "label": n.label, "similarity": round(n.similarity, 6)} for n in reading.neighbours]
    return body


def rounded_grid(values, decimals=6):
    """A float array as nested lists, rounded; "+ 0.0" turns the -0.0 that rounding leaves into 0.0."""
    return (np.round(np.asarray(values, np.float64), decimals) + 0.0).tolist()


def number_json(number):
    """The API's answer for a row of digits: the number, its worst status, and every digit with its box."""
    return {
        "number": number.number,
        "status": str(number.status),
        "digits": [{**reading_json(placed.reading), "box": [round(float(v), 3) for v in placed.box]}
                   for placed in number.digits],
    }
