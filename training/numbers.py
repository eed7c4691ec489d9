"""Numbers made by program: 2 to 4 digits written in a row on a 560x280 pad, as strokes and as PNGs.

The test set for reading whole numbers (tests/model/test_numbers.py) and the benchmark's drawings.
Each digit comes from ``training.drawings.digit_drawing`` (its own style, shape, slant and warp),
scaled to the number's height (give or take a few percent), sitting on a slightly wavy baseline;
the whole number leans by one writing slant and is drawn with one brush. The digits are spaced by
the number's kind: ``apart``, ``close`` (a pixel or two up to 8% of the height between inks), or
``touching`` (one pair's inks overlap by a fraction of the brush; the rest apart).

    drawing = number_drawing("4207", rng, "close")   # NumberDrawing(strokes, width, label, boxes, spacing)
    png = number_png(drawing)                        # dark ink on a white 560x280 page
    numbers = number_set("report")                   # the frozen set the goals are measured on
"""

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from training.drawings import BRUSH_RANGE, DEFAULT_BRUSH, digit_drawing

NUMBER_PAD = (560, 280)            # the wide pad: four digits fit comfortably
PAD_MARGIN = 8
SPACINGS = ("apart", "close", "touching")
SPACING_SHARES = (0.5, 0.3, 0.2)
NUMBERS_PER_SET = 200
_SET_SEEDS = {"tune": 10_001, "report": 10_002}
SUPERSAMPLE = 4


@dataclass(frozen=True)
class NumberDrawing:
    strokes: list       # [[[x, y], ...], ...] in pad pixels
    width: float        # brush width in pad pixels
    label: str          # the digits in reading order, e.g. "4207"
    boxes: tuple        # each digit's ink box (left, top, right, bottom) in pad pixels, in reading order
    spacing: str        # one of SPACINGS


def number_drawing(digits: str, rng: np.random.Generator, spacing: str = "apart", pad=NUMBER_PAD) -> NumberDrawing:
    """``digits`` written in a row with ``spacing``, somewhere on a ``pad`` (width, height) page."""
    if spacing not in SPACINGS:
        raise KeyError(f"spacing must be one of {SPACINGS}, not {spacing!r}")
    height = float(rng.uniform(60, 200))
    brush = DEFAULT_BRUSH if rng.random() < 0.6 and 0.07 <= DEFAULT_BRUSH / height <= 0.2 \
        else float(np.clip(rng.uniform(0.08, 0.18) * height, *BRUSH_RANGE))
    lean = math.tan(math.radians(rng.uniform(-8, 18)))
    touching_pair = int(rng.integers(len(digits) - 1)) if spacing == "touching" and len(digits) > 1 else None

    placed = []
    for index, digit in enumerate(digits):
        strokes = _upright(digit_drawing(int(digit), rng).strokes, height * rng.uniform(0.92, 1.05) - brush,
                           top=height * rng.uniform(-0.04, 0.04))
        strokes = [np.stack([s[:, 0] - lean * (s[:, 1] - height / 2), s[:, 1]], axis=1) for s in strokes]
        if placed:
            kind = "touching" if index - 1 == touching_pair else ("apart" if spacing == "touching" else spacing)
            strokes = _beside(placed[-1], strokes, _gap(kind, height, brush, rng), brush)
        placed.append(strokes)
    return _on_pad(placed, brush, digits, spacing, pad, rng)


def _upright(strokes, ink_height, top):
    """A digit's strokes scaled to ``ink_height`` (point to point) with its top-left point at (0, ``top``)."""
    arrays = [np.asarray(s, np.float64) for s in strokes]
    everything = np.concatenate(arrays)
    low, extent = everything.min(axis=0), max(float(np.ptp(everything[:, 1])), 1e-6)
    return [(s - low) * ink_height / extent + [0, top] for s in arrays]


def _gap(kind, height, brush, rng):
    """The horizontal gap between two digits' inks, in pixels; negative: the inks overlap."""
    if kind == "apart":
        return rng.uniform(0.15, 0.5) * height
    if kind == "close":
        return rng.uniform(1.5, max(2.0, 0.08 * height))
    return -rng.uniform(0.05, 0.35) * brush


def _beside(previous, strokes, gap, brush):
    """``strokes`` moved so that their ink is ``gap`` right of ``previous``'s ink, measured where they face."""
    a, b = _dense(previous), _dense(strokes)
    dy = np.abs(a[:, None, 1] - b[None, :, 1])
    facing = dy < brush
    if facing.any():
        # Two round brush tips touch when their centres are sqrt(brush^2 - dy^2) apart across.
        reach = np.sqrt(np.maximum(brush ** 2 - dy ** 2, 0))
        current = float(np.min(np.where(facing, b[None, :, 0] - a[:, None, 0] - reach, np.inf)))
    else:
        current = float(b[:, 0].min() - a[:, 0].max() - brush)
    return [s + [gap - current, 0] for s in strokes]


def _dense(strokes, step=2.0):
    points = []
    for s in strokes:
        if len(s) == 1:
            points.append(s)
            continue
        along = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(s, axis=0).T))])
        at = np.linspace(0, along[-1], max(2, int(along[-1] / step) + 1))
        points.append(np.stack([np.interp(at, along, s[:, 0]), np.interp(at, along, s[:, 1])], axis=1))
    return np.concatenate(points)


def _on_pad(placed, brush, label, spacing, pad, rng):
    """The placed digits scaled down to fit the pad if need be, and put anywhere on it."""
    everything = np.concatenate([np.concatenate(d) for d in placed])
    low, high = everything.min(axis=0) - brush / 2, everything.max(axis=0) + brush / 2
    room = np.array(pad, np.float64) - 2 * PAD_MARGIN
    scale = min(1.0, *(room / (high - low)))
    size = (high - low) * scale
    origin = PAD_MARGIN + rng.uniform(0, 1, 2) * (room - size)
    digits = [[(s - low) * scale + origin for s in d] for d in placed]
    width = round(brush * scale, 1)
    strokes, boxes = [], []
    for d in digits:
        rounded = [np.round(s, 1) for s in d]
        strokes += [s.tolist() for s in rounded]
        points = np.concatenate(rounded)
        boxes.append(tuple(round(float(v), 1) for v in (*(points.min(axis=0) - width / 2),
                                                         *(points.max(axis=0) + width / 2))))
    return NumberDrawing(strokes, width, label, tuple(boxes), spacing)


def number_png(drawing, pad=NUMBER_PAD, transparent=False):
    """The drawing as the pad shows it: dark ink on a white page (or, ``transparent``, black ink whose
    alpha is the ink, as a browser canvas exports it), anti-aliased, round-ended strokes."""
    page = Image.new("L", (pad[0] * SUPERSAMPLE, pad[1] * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(page)
    width = drawing.width * SUPERSAMPLE
    for stroke in drawing.strokes:
        xy = [(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in stroke]
        if len(xy) > 1:
            draw.line(xy, fill=255, width=max(1, round(width)), joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    ink = page.reduce(SUPERSAMPLE)
    if transparent:
        image = Image.merge("RGBA", (*[Image.new("L", ink.size, 0)] * 3, ink))
    else:
        image = Image.eval(ink, lambda v: 255 - v)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def single_digit_drawing(digit: int, rng: np.random.Generator, pad=NUMBER_PAD) -> NumberDrawing:
    """One digit as ``digit_drawing`` makes it, in a square box anywhere on the wide pad."""
    side = min(pad)
    left = float(rng.uniform(0, pad[0] - side))
    drawing = digit_drawing(digit, rng, box=(left, 0, left + side, side))
    points = np.concatenate([np.asarray(s) for s in drawing.strokes])
    box = (*(points.min(axis=0) - drawing.width / 2), *(points.max(axis=0) + drawing.width / 2))
    return NumberDrawing(drawing.strokes, drawing.width, drawing.label, (tuple(round(float(v), 1) for v in box),),
                         "apart")


@lru_cache(maxsize=None)
def _frozen_set(name, count):
    if name not in _SET_SEEDS:
        raise KeyError(f"No number set {name!r}; the sets are {', '.join(_SET_SEEDS)}.")
    numbers = []
    for index in range(count):
        # One generator per number: a longer set keeps the numbers of a shorter one.
        rng = np.random.default_rng([_SET_SEEDS[name], index])
        digits = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(2, 5))))
        numbers.append(number_drawing(digits, rng, str(rng.choice(SPACINGS, p=SPACING_SHARES))))
    return tuple(numbers)


def number_set(name: str, count: int = NUMBERS_PER_SET) -> list[NumberDrawing]:
    """A frozen set of numbers: ``tune`` (for choosing the segmentation's constants) or ``report``
    (for measuring them): 2 to 4 random digits each, half apart, 30% close, 20% with a touching pair."""
    return list(_frozen_set(name, count))
