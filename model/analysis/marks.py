"""Marks that are no digit: a dot, a speck, a short dash.

The MNIST recipe blows any mark up to 20x20, so a single dot would read as a confident 0. Size
cannot tell (the recipe is size-invariant and API strokes carry no canvas size), but shape can,
measured in stroke widths: a mark whose ink spans at most ``DOT_WIDTHS`` widths (its path within
about two widths), or a short straight stroke (at most ``DASH_WIDTHS`` long and ``STRAIGHT_WIDTHS``
across), is not a digit. A 1 is a long stroke: drawn on the pad its ink spans five widths and
more, and even MNIST's fattest 1s span about four.

Strokes know their width. For an image it is estimated from the ink, two ways: the mean distance
of an ink pixel to the paper (a distance transform, by repeated erosion) is about a quarter of a
stroke's width; and a dot or a dash is a stadium (a stroke with round ends), whose width follows
from its area and length alone. When the ink is as thick as the stadium it would be (solid: a dot,
a dash, a blob), the stadium's width is the exact one; otherwise (a digit) the distance transform's.
"""

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from model.preprocessing.recipe import INK_THRESHOLD
from model.preprocessing.strokes import DEFAULT_WIDTH

DOT_WIDTHS = 2.5          # ink spanning at most this many stroke widths, any shape: a dot or a speck
DASH_WIDTHS = 3.5         # a straight stroke spanning at most this many widths: a dash, not a 1
STRAIGHT_WIDTHS = 1.6     # ... that is at most this many widths across
MEASURE_SIDE = 96         # images are measured at most this large: only the shape counts
SOLID = 0.7               # ink this thick everywhere (distance transform / stadium width) is one solid stroke


@dataclass(frozen=True)
class Shape:
    """The ink's extent along its main axis and across it, in stroke widths."""

    along: float
    across: float
    strokes: int | None = None    # how many strokes drew it (None for an image)

    @property
    def is_mark(self):
        if self.along <= DOT_WIDTHS:
            return True
        straight_and_short = self.across <= STRAIGHT_WIDTHS and self.along <= DASH_WIDTHS
        return straight_and_short and self.strokes in (None, 1)


def _extents(points):
    """(n, 2) -> extent along the main axis and across it (the principal axes of the points, in
    closed form: an SVD's call costs more than the rest of the reading's shape test)."""
    centred = points - points.mean(axis=0)
    (xx, xy), (_, yy) = centred.T @ centred
    angle = 0.5 * math.atan2(2 * xy, xx - yy)
    axes = np.array([[math.cos(angle), math.sin(angle)], [-math.sin(angle), math.cos(angle)]])
    projected = centred @ axes.T
    spans = projected.max(axis=0) - projected.min(axis=0)
    return float(spans[0]), float(spans[1])


def stroke_shape(strokes, width=None):
    """Strokes as ``rasterize_strokes`` takes them (and has checked them) -> ``Shape``: the path's
    extents plus the brush, in brush widths (the widest brush, when strokes differ)."""
    pairs = [stroke if isinstance(stroke, tuple) else (stroke, width) for stroke in strokes]
    widest = max(DEFAULT_WIDTH if w is None else float(w) for _, w in pairs)
    along, across = _extents(np.concatenate([np.asarray(points, np.float64).reshape(-1, 2) for points, _ in pairs]))
    return Shape((along + widest) / widest, (across + widest) / widest, len(pairs))


def ink_shape(ink):
    """An ink image (uint8, ink bright) -> ``Shape``, its stroke width estimated from the ink, or None
    for no ink."""
    ink = np.asarray(ink)
    inked = ink >= INK_THRESHOLD
    rows, cols = np.flatnonzero(inked.any(axis=1)), np.flatnonzero(inked.any(axis=0))
    if len(rows) == 0:
        return None
    cropped = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    factor = min(1.0, MEASURE_SIDE / max(cropped.shape))
    if factor < 1:
        size = (max(1, round(cropped.shape[1] * factor)), max(1, round(cropped.shape[0] * factor)))
        cropped = np.asarray(Image.fromarray(cropped).resize(size, Image.Resampling.BOX))
    mask = cropped >= INK_THRESHOLD
    if not mask.any():
        return None
    along, across = _extents(np.argwhere(mask).astype(np.float64))
    along, across = along + 1, across + 1      # pixel centres to pixel edges
    stadium = stadium_width(along, int(mask.sum()))
    if along > DASH_WIDTHS * stadium:
        # Longer than any mark however it is measured (the distance transform's width is smaller
        # still, or the stadium's is the one): most digits, without the distance transform.
        return Shape(along / stadium, across / stadium)
    width = stroke_width(mask)
    if width >= SOLID * stadium:
        width = stadium
    return Shape(along / width, across / width)


def stadium_width(length, area):
    """The width of the stadium (a segment drawn with a round brush) ``length`` long overall and of
    ``area``: area = (length - w) w + pi w^2 / 4, solved for w."""
    k = 1 - math.pi / 4
    return max(1.0, (length - math.sqrt(max(length ** 2 - 4 * k * area, 0.0))) / (2 * k))


def stroke_width(mask):
    """The typical stroke width of a boolean ink mask, in pixels: four times the mean distance of an
    ink pixel to the paper, less the half pixel that counting whole pixels adds."""
    remaining = np.pad(mask, 1)       # a border of paper, which the erosion keeps
    count, total, step = int(mask.sum()), 0, 0
    while left := int(remaining.sum()):
        total += left
        # Erode by a cross and by a square in turn: their mix is close to a round brush.
        inner = remaining[1:-1, 1:-1] & remaining[:-2, 1:-1] & remaining[2:, 1:-1] \
            & remaining[1:-1, :-2] & remaining[1:-1, 2:]
        if step % 2:
            inner &= remaining[:-2, :-2] & remaining[:-2, 2:] & remaining[2:, :-2] & remaining[2:, 2:]
        remaining[1:-1, 1:-1] = inner
        step += 1
    return max(1.0, 4 * (total / max(count, 1) - 0.5))
