"""Stroke lists -> ink: points in any units, drawn anti-aliased with round caps and joints.

A stroke is a list of ``[x, y]`` points; every value is checked (exact numeric types, finite,
within range) because the strokes come straight from a request body.
"""

import math

import numpy as np
from PIL import Image, ImageDraw

from model.errors import BadInput, TooLarge

MAX_STROKE_POINTS = 20_000
STROKE_CANVAS_SIDE = 512          # strokes are drawn at most this large: only shape and width matter
SUPERSAMPLE = 4                   # stroke anti-aliasing


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
            raise TooLarge("too_many_points", f"At most {MAX_STROKE_POINTS:,} points are accepted.")
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
