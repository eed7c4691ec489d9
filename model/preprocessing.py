"""From anything drawn to the model's 28x28 input, the way MNIST itself was made.

Images (PNG, JPEG, WebP, GIF, BMP; any polarity, alpha as ink) and stroke lists (fabric.js
paths from dash-canvas, or plain lists of points) become an "ink" image: uint8, 0 = paper,
255 = full ink. ``to_mnist`` then crops the ink, fits it in 20x20 keeping the aspect ratio,
places it in 28x28 and shifts its centre of mass to the centre.
"""

import io
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

from model.errors import BadInput

MAX_IMAGE_PIXELS = 4_000_000      # 2000x2000; refused from the header, before any decoding
MAX_IMAGE_SIDE = 10_000
MAX_STROKE_POINTS = 20_000
STROKE_CANVAS_SIDE = 512          # strokes are drawn at most this large: only shape and width matter
SUPERSAMPLE = 4                   # stroke anti-aliasing
INK_THRESHOLD = 128               # a pixel at least this dark counts as ink for the blank test
MIN_INK_PIXELS = 10               # fewer inked pixels than this is "nothing drawn"
BOX_THRESHOLD = 26                # faint anti-aliasing halo below this is outside the crop
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "GIF", "BMP")

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # a second guard inside Pillow itself


@dataclass
class Preprocessed:
    """The model input, or ``None`` when nothing was drawn, with the steps that led to it."""

    model_input: np.ndarray | None             # (28, 28) float32 in [0, 1], white ink on black
    steps: dict = field(default_factory=dict)  # name -> uint8 image, in order: ink, cropped, fitted, centred

    @property
    def blank(self):
        return self.model_input is None


# ---------------------------------------------------------------- images

def decode_image(data):
    """Image bytes -> ink image. Raises ``BadInput`` for anything that is not a usable image."""
    if not data:
        raise BadInput("empty_image", "The image is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
                raise BadInput("image_too_large",
                               f"The image is {width}x{height} pixels; at most {MAX_IMAGE_PIXELS:,} "
                               f"pixels and {MAX_IMAGE_SIDE} per side are accepted.", status=413)
            image.seek(0)  # animated images: the first frame
            image.load()
    except BadInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadInput("image_too_large", "The image claims too many pixels.", status=413) from None
    except Exception as error:  # Pillow raises many types for damaged files
        raise BadInput("invalid_image", "The data is not a readable PNG, JPEG, WebP, GIF or BMP image "
                       f"({type(error).__name__}).") from None
    return ink_from_image(image)


def ink_from_image(image):
    """A decoded Pillow image -> ink. Detects polarity; a transparent background is never ink."""
    grey, alpha = _grey_and_alpha(image)
    if alpha is not None and alpha.min() < 250:
        opaque = alpha > 127
        if not opaque.any():
            return np.zeros_like(alpha)
        hidden_tone = float(np.median(grey[~opaque])) if not opaque.all() else None
        if hidden_tone is None or abs(float(np.median(grey[opaque])) - hidden_tone) < 64:
            # A browser canvas: transparent pixels store the ink's own colour (or none), so the
            # alpha channel is the ink, weighted by the colour's contrast with its paper.
            contrast = 255 - grey if grey[opaque].mean() < 128 else grey
            return (contrast.astype(np.uint16) * alpha // 255).astype(np.uint8)
        # Transparent pixels that keep a paper colour (a palette PNG with its white made
        # transparent): lay the image on that paper and read it as an opaque one.
        grey = ((grey.astype(np.uint32) * alpha + int(hidden_tone) * (255 - alpha.astype(np.uint32))) // 255
                ).astype(np.uint8)
    return _ink_from_grey(grey)


def _grey_and_alpha(image):
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode != "I" or values.max() > 255 else 255.0
        return np.clip(values / top * 255 + 0.5, 0, 255).astype(np.uint8), None
    if mode == "F":
        values = np.nan_to_num(np.asarray(image, dtype=np.float64))
        top = 1.0 if values.max() <= 1.0 else 255.0
        return np.clip(values / top * 255 + 0.5, 0, 255).astype(np.uint8), None
    if mode in ("L", "1"):
        return np.asarray(image.convert("L")), None
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        return np.asarray(rgba.convert("L")), np.asarray(rgba.getchannel("A"))
    return np.asarray(image.convert("L")), None


def _ink_from_grey(grey):
    """Greyscale -> ink: the paper is the commoner tone at the border; its level becomes 0."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    paper = int(np.median(border))
    if paper >= 128:
        ink = 255 - grey.astype(np.int32)
        paper = 255 - paper
    else:
        ink = grey.astype(np.int32)
    if paper > 0:
        ink = (ink - paper) * 255 // max(255 - paper, 1)
    return np.clip(ink, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- strokes

def strokes_from_fabric(fabric):
    """dash-canvas ``json_data`` (fabric.js JSON, parsed) -> ``[(points (N, 2), width), ...]``."""
    if not isinstance(fabric, dict) or not isinstance(fabric.get("objects", []), list):
        raise BadInput("invalid_drawing", "The drawing is not fabric.js JSON with an 'objects' list.")
    strokes = []
    for shape in fabric.get("objects", []):
        if not isinstance(shape, dict) or shape.get("type") != "path":
            continue
        points = []
        for command in shape.get("path") or []:
            if isinstance(command, list) and len(command) >= 3:
                # M/L carry one point, Q a control and an end point: the pairs after the letter.
                coords = command[1:]
                points.extend(zip(coords[0::2], coords[1::2]))
        if points:
            strokes.append((points, shape.get("strokeWidth", 20)))
    return strokes


def rasterize_strokes(strokes, width=None):
    """Strokes -> ink, drawn anti-aliased with round caps and joints at their own scale.

    ``strokes`` is ``[[[x, y], ...], ...]`` with one ``width`` for all, or ``[(points, width), ...]``.
    """
    parsed = _parse_strokes(strokes, width)
    if not parsed:
        return np.zeros((1, 1), np.uint8)
    all_points = np.concatenate([points for points, _ in parsed])
    widest = max(w for _, w in parsed)
    low = all_points.min(axis=0) - widest / 2 - 1
    extent = float((all_points.max(axis=0) + widest / 2 + 1 - low).max())
    scale = min(1.0, STROKE_CANVAS_SIDE / extent) * SUPERSAMPLE
    side = max(SUPERSAMPLE, int(math.ceil(extent * scale / SUPERSAMPLE)) * SUPERSAMPLE)
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    for points, stroke_width in parsed:
        xy = [tuple(p) for p in ((points - low) * scale).tolist()]
        w = max(1.0, stroke_width * scale)
        if len(xy) > 1:
            draw.line(xy, fill=255, width=int(round(w)), joint="curve")
        r = w / 2
        for x, y in (xy[0], xy[-1]) if len(xy) > 1 else xy:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return np.asarray(canvas.reduce(SUPERSAMPLE))


_COORDINATE_TYPES = frozenset({int, float, np.int32, np.int64, np.float32, np.float64})


def _parse_strokes(strokes, width):
    if not isinstance(strokes, list):
        raise BadInput("invalid_strokes", "'strokes' must be a list of strokes, each a list of [x, y] points.")
    parsed, total = [], 0
    for i, stroke in enumerate(strokes):
        points, stroke_width = stroke if isinstance(stroke, tuple) else (stroke, width)
        stroke_width = 20 if stroke_width is None else stroke_width
        if isinstance(stroke_width, bool) or not isinstance(stroke_width, (int, float)) \
                or not math.isfinite(stroke_width) or not 0 < stroke_width <= 1000:
            raise BadInput("invalid_width", "'width' must be a number above 0 and at most 1000.")
        if not isinstance(points, list) or not points:
            raise BadInput("invalid_strokes", f"Stroke {i} must be a non-empty list of [x, y] points.")
        total += len(points)
        if total > MAX_STROKE_POINTS:
            raise BadInput("too_many_points", f"At most {MAX_STROKE_POINTS:,} points are accepted.", status=413)
        # Exact types: bool is an int and numpy would read "12" as 12.0, but neither is a coordinate.
        if not all(isinstance(p, (list, tuple)) and len(p) == 2
                   and type(p[0]) in _COORDINATE_TYPES and type(p[1]) in _COORDINATE_TYPES for p in points):
            raise BadInput("invalid_strokes", f"Stroke {i}: every point must be a pair of numbers [x, y].")
        try:
            array = np.array(points, dtype=np.float64)
        except OverflowError:   # an integer past float's range, e.g. 400 digits long
            array = np.array([[np.inf, np.inf]])
        if not np.isfinite(array).all() or np.abs(array).max() > 1e9:
            raise BadInput("invalid_strokes", f"Stroke {i}: coordinates must be finite numbers within ±1e9.")
        parsed.append((array, float(stroke_width)))
    return parsed


# ---------------------------------------------------------------- the MNIST recipe

def to_mnist(ink):
    """Ink image -> ``Preprocessed``: crop, fit 20x20 (aspect kept, anti-aliased), centre of mass."""
    steps = {"ink": ink}
    if np.count_nonzero(ink >= INK_THRESHOLD) < MIN_INK_PIXELS:
        return Preprocessed(None, steps)
    rows = np.flatnonzero((ink >= BOX_THRESHOLD).any(axis=1))
    cols = np.flatnonzero((ink >= BOX_THRESHOLD).any(axis=0))
    cropped = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
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
