"""Stroke lists -> ink: points in any units, drawn anti-aliased with round caps and joints.

A stroke is a list of ``[x, y]`` points; every value is checked (exact numeric types, finite,
within range) because the strokes come straight from a request body.

What drawing costs is bounded before anything is drawn. Every point costs a round joint, so the
points are capped; points within one ink pixel of the point before them are dropped (they change
nothing the ink can show); and the painting left (the pixels and rows of every segment and joint)
is estimated from the points and the width. A wide brush over many points paints the same pixels
again and again: when the estimate is over the budget, the strokes are drawn at a coarser
resolution, the ink image smaller in proportion. Strokes that would still be over the budget at
the model's own 28 pixels are no drawing, and are refused.
"""

import math

import numpy as np
from PIL import Image, ImageDraw

from model.errors import BadInput, TooLarge

# A pad drawing is the pointer's path: 60-240 points a second of drawing, so a few hundred for a
# digit and a few thousand for a long scribble. Each point costs about a microsecond to check and
# one or two to draw (the painting itself is budgeted below), each stroke a few more: a hand lifts
# the pen a few dozen times, not thousands.
MAX_STROKE_POINTS = 10_000
MAX_STROKES = 1_000
MAX_WIDTH = 1000
DEFAULT_WIDTH = 20
STROKE_CANVAS_SIDE = 512          # strokes are drawn at most this large: only shape and width matter
SUPERSAMPLE = 4                   # stroke anti-aliasing
# The painting budget, in pixels filled. Pillow fills about 10 million pixels a millisecond here,
# and each row of a disc or of a segment's band costs about as much as ROW_COST pixels (~60 ns;
# measured for bands and discs 4-320 pixels wide on canvases of 228-2048). 150 million is about
# 15 ms; the pad's digit drawn 20 wide is about 3 million.
PAINT_BUDGET = 150_000_000
ROW_COST = 600
MIN_INK_SIDE = 28                 # the model's input: a drawing drawn any coarser is not worth reading


def rasterize_strokes(strokes, width=None):
    """Strokes -> ink, drawn anti-aliased with round caps and joints at their own scale.

    ``strokes`` is ``[[[x, y], ...], ...]`` with one ``width`` for all, or ``[(points, width), ...]``.
    """
    points, lengths, widths = _parsed_points(strokes, width)
    if not len(points):
        return np.zeros((1, 1), np.uint8)
    widest = float(widths.max())
    low = points.min(axis=0) - widest / 2 - 1
    extent = float((points.max(axis=0) + widest / 2 + 1 - low).max())
    scale = min(1.0, STROKE_CANVAS_SIDE / extent) * SUPERSAMPLE
    placed = _placed(points, lengths, widths, low, scale)
    rows, area = _painting(*placed)
    rows *= ROW_COST
    if area + rows > PAINT_BUDGET:
        # Coarser by the factor that brings rows (linear in the scale) and area (quadratic) within budget.
        factor = (-rows + math.sqrt(rows ** 2 + 4 * area * PAINT_BUDGET)) / (2 * area)
        if extent * scale * factor / SUPERSAMPLE < MIN_INK_SIDE:
            raise TooLarge("strokes_too_costly",
                           f"These {len(points):,} points drawn {widest:g} wide would paint the drawing over "
                           f"about {area / (extent * scale) ** 2:,.0f} times; that is not a drawing.")
        scale *= factor
        placed = _placed(points, lengths, widths, low, scale)
    side = max(SUPERSAMPLE, int(math.ceil(extent * scale / SUPERSAMPLE)) * SUPERSAMPLE)
    canvas = Image.new("L", (side, side), 0)
    _draw(ImageDraw.Draw(canvas), *placed)
    return np.asarray(canvas.reduce(SUPERSAMPLE))


def _placed(points, lengths, widths, low, scale):
    """The strokes in canvas pixels: the points, thinned to one per ink pixel they move into; each
    point's stroke index; the strokes' widths; and which points need a disc (``_needs_disc``)."""
    xy = (points - low) * scale
    stroke = np.repeat(np.arange(len(lengths)), lengths)
    cell = np.floor(xy / SUPERSAMPLE)
    keep = np.ones(len(xy), bool)
    keep[1:] = (cell[1:] != cell[:-1]).any(axis=1) | (stroke[1:] != stroke[:-1])
    keep[np.cumsum(lengths) - 1] = True         # a stroke still ends where it ended
    xy, stroke, widths = xy[keep], stroke[keep], np.maximum(1.0, widths * scale)
    return xy, stroke, widths, _needs_disc(xy, stroke, widths[stroke] / 2)


def _needs_disc(xy, stroke, radius):
    """Where a round cap or joint must be drawn: at each end of a stroke, and where it turns enough
    that the two segments' bands leave a gap deeper than half a canvas pixel on the outside of the
    turn (the gap is r (1 - cos(turn / 2)) deep): smooth pointer paths need few."""
    disc = np.ones(len(xy), bool)
    if len(xy) < 3:
        return disc
    before, after = xy[1:-1] - xy[:-2], xy[2:] - xy[1:-1]
    interior = (stroke[:-2] == stroke[1:-1]) & (stroke[1:-1] == stroke[2:])
    lengths = np.hypot(before[:, 0], before[:, 1]) * np.hypot(after[:, 0], after[:, 1])
    cos_turn = np.divide((before * after).sum(axis=1), lengths, out=np.full(len(lengths), -1.0), where=lengths > 0)
    # cos(turn) >= cos(2 acos(1 - 0.5 / r)) = 2 (1 - 0.5 / r)^2 - 1: shallow enough to leave no visible gap
    shallow = cos_turn >= 2 * np.clip(1 - 0.5 / radius[1:-1], 0, 1) ** 2 - 1
    disc[1:-1] = ~(interior & shallow)
    return disc


def _painting(xy, stroke, widths, disc):
    """(rows, pixels) the strokes paint: a disc where ``disc``, a band along every segment."""
    point_widths = widths[stroke]
    rows = float(point_widths[disc].sum())
    area = float((point_widths[disc] ** 2).sum()) * math.pi / 4
    joined = stroke[1:] == stroke[:-1]
    step = np.diff(xy, axis=0)[joined]
    segment_widths = point_widths[1:][joined]
    rows += float((np.abs(step[:, 1]) + segment_widths).sum())
    area += float((np.hypot(step[:, 0], step[:, 1]) * segment_widths).sum())
    return rows, area


def _draw(draw, xy, stroke, widths, disc):
    starts = np.flatnonzero(np.r_[True, stroke[1:] != stroke[:-1]])
    for start, end in zip(starts.tolist(), np.r_[starts[1:], len(xy)].tolist()):
        w = float(widths[stroke[start]])
        if end - start > 1:
            draw.line(xy[start:end].ravel().tolist(), fill=255, width=int(round(w)))
        if w > 1.5:
            r = w / 2
            for x, y in xy[start:end][disc[start:end]].tolist():
                draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        elif end - start == 1:
            draw.point(xy[start].tolist(), fill=255)


_COORDINATE_TYPES = frozenset({int, float, np.int32, np.int64, np.float32, np.float64})


def _is_point(p):
    # Exact types: bool is an int and numpy would read "12" as 12.0, but neither is a coordinate.
    return (isinstance(p, (list, tuple)) and len(p) == 2
            and type(p[0]) in _COORDINATE_TYPES and type(p[1]) in _COORDINATE_TYPES)


def _parse_strokes(strokes, width):
    """Checked strokes -> ``[(points as an (n, 2) float array, width), ...]``; ``BadInput`` if any is wrong."""
    points, lengths, widths = _parsed_points(strokes, width)
    return list(zip(np.split(points, np.cumsum(lengths)[:-1]), widths.tolist()))


def _parsed_points(strokes, width):
    """Checked strokes -> (every point as one (n, 2) float array, points per stroke, width per stroke)."""
    if not isinstance(strokes, list):
        raise BadInput("invalid_strokes", "'strokes' must be a list of strokes, each a list of [x, y] points.")
    if len(strokes) > MAX_STROKES:
        raise TooLarge("too_many_strokes", f"At most {MAX_STROKES:,} strokes are accepted.")
    flat, lengths, widths = [], [], []
    for i, stroke in enumerate(strokes):
        points, stroke_width = stroke if isinstance(stroke, tuple) else (stroke, width)
        stroke_width = DEFAULT_WIDTH if stroke_width is None else stroke_width
        if isinstance(stroke_width, bool) or not isinstance(stroke_width, (int, float)) \
                or not math.isfinite(stroke_width) or not 0 < stroke_width <= MAX_WIDTH:
            raise BadInput("invalid_width", f"'width' must be a number above 0 and at most {MAX_WIDTH}.")
        if not isinstance(points, list) or not points:
            raise BadInput("invalid_strokes", f"Stroke {i} must be a non-empty list of [x, y] points.")
        if len(flat) + len(points) > MAX_STROKE_POINTS:
            raise TooLarge("too_many_points", f"At most {MAX_STROKE_POINTS:,} points are accepted.")
        flat.extend(points)
        lengths.append(len(points))
        widths.append(float(stroke_width))
    if not flat:
        return np.zeros((0, 2)), np.zeros(0, int), np.zeros(0)
    if not all(map(_is_point, flat)):
        i = _stroke_of(lengths, next(n for n, p in enumerate(flat) if not _is_point(p)))
        raise BadInput("invalid_strokes", f"Stroke {i}: every point must be a pair of numbers [x, y].")
    try:
        array = np.array(flat, dtype=np.float64)
    except OverflowError:   # an integer past float's range, e.g. 400 digits long
        array = np.array([[p if abs(p) < 1e300 else np.inf for p in point] for point in flat], dtype=np.float64)
    bad = ~(np.isfinite(array) & (np.abs(array) <= 1e9)).all(axis=1)
    if bad.any():
        i = _stroke_of(lengths, int(np.argmax(bad)))
        raise BadInput("invalid_strokes", f"Stroke {i}: coordinates must be finite numbers within ±1e9.")
    return array, np.array(lengths), np.array(widths)


def _stroke_of(lengths, point_index):
    return int(np.searchsorted(np.cumsum(lengths), point_index, side="right"))
