"""Drawings made by program, as strokes in pad pixels (280x280), the way a hand moves a mouse.

The offline side's drawing sets, shared by the tests, the benchmarks and the evaluation:
``SAMPLES`` holds a few hand-placed digits (the browser test moves the mouse along the same points);
``digit_drawing`` and ``non_digit_drawing`` make seeded drawings of any digit or of a non-digit kind
(letters that resemble no digit, shapes, scribbles), with varied shape, size, slant, position and
brush width; ``mark_drawing`` makes the dots, specks and short dashes that are no digit either;
``drawing_set`` gives the frozen sets the "not a digit" score is tuned on (``-tune``) and reported
on (``-report``).

Each shape is drawn in a unit box (y down, height 1) as the pen would move, with several stroke
styles per digit, then bent by a smooth random warp (no two hands draw alike), slanted, rotated a
little, scaled into the box and sampled every few pixels with a little jitter, as mouse events are.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

PAD_SIDE = 280                    # the pad's height (dashboard/components/drawing_pad.py; training/ cannot import it)
DEFAULT_BRUSH = 20
BRUSH_RANGE = (6, 40)


def line(start, end, steps=12):
    return [[round(start[0] + (end[0] - start[0]) * i / steps, 1), round(start[1] + (end[1] - start[1]) * i / steps, 1)]
            for i in range(steps + 1)]


def arc(centre, radii, start_degrees, end_degrees, steps=24):
    """Clockwise on screen from ``start_degrees`` to ``end_degrees`` (0 = up, 90 = right)."""
    (cx, cy), (rx, ry) = centre, radii
    angles = [math.radians(start_degrees + (end_degrees - start_degrees) * i / steps) for i in range(steps + 1)]
    return [[round(cx + rx * math.sin(a), 1), round(cy - ry * math.cos(a), 1)] for a in angles]


SAMPLES = {
    0: [arc((140, 140), (62, 96), -10, 355, 36)],
    1: [line((128, 60), (152, 38), 4) + line((152, 38), (146, 240), 16)[1:]],
    2: [arc((140, 95), (55, 52), -80, 110, 18) + line((178, 135), (82, 236), 10)[1:] + line((82, 236), (205, 232), 8)[1:]],
    3: [arc((136, 88), (54, 46), -70, 170, 18), arc((136, 182), (62, 54), 10, 220, 18)],
    4: [line((160, 40), (78, 170), 12) + line((78, 170), (212, 170), 10)[1:], line((168, 100), (166, 246), 12)],
    7: [line((78, 56), (204, 56), 10) + line((204, 56), (120, 244), 14)[1:]],
}


@dataclass(frozen=True)
class Drawing:
    strokes: list        # [[[x, y], ...], ...] in pad pixels
    width: float         # brush width in pad pixels
    label: str           # "0".."9" for digits, else the non-digit kind, e.g. "letter_A", "star"

    @property
    def digit(self):
        """The digit drawn, or None for a non-digit."""
        return int(self.label) if self.label.isdigit() else None


# --- pen paths in the unit box: x right, y down, the shape about 1 tall --------------------------

def _seg(*points):
    """A polyline through ``points``, densely sampled."""
    points = np.asarray(points, np.float64)
    parts = [np.linspace(a, b, max(2, int(np.hypot(*(b - a)) * 60) + 2))[:-1] for a, b in zip(points, points[1:])]
    return np.concatenate(parts + [points[-1:]])


def _ell(centre, radii, start, end):
    """An elliptic arc from ``start`` to ``end`` degrees (0 = up, 90 = right; increasing = clockwise on screen)."""
    steps = max(8, int(abs(end - start) / 4))
    angles = np.radians(np.linspace(start, end, steps))
    return np.stack([centre[0] + radii[0] * np.sin(angles), centre[1] - radii[1] * np.cos(angles)], axis=1)


def _bez(*points):
    """A Bezier curve through its control points (de Casteljau)."""
    t = np.linspace(0, 1, 40)[:, None]
    points = [np.asarray(p, np.float64) for p in points]
    while len(points) > 1:
        points = [(1 - t) * a + t * b for a, b in zip(points, points[1:])]
    return points[0]


def _join(*pieces):
    """One pen stroke through the pieces in order (the pen moves straight across any gap)."""
    return np.concatenate([np.asarray(p, np.float64) for p in pieces])


def _u(rng, low, high):
    return float(rng.uniform(low, high))


# Each digit: a list of styles, each ``rng -> [stroke, ...]`` with its own proportions jittered.

def _zero_oval(rng):
    rx, start = _u(rng, 0.28, 0.42), _u(rng, -25, 25)
    turn = -1 if rng.random() < 0.7 else 1          # most people draw a 0 anticlockwise from the top
    return [_ell((0.5, 0.5), (rx, 0.5), start, start + turn * _u(rng, 345, 385))]


def _zero_pointed(rng):
    # An egg, narrower at the top, drawn in two arcs meeting at the top.
    rx = _u(rng, 0.3, 0.42)
    return [_join(_ell((0.5, 0.42), (rx * 0.8, 0.42), 0, -90), _ell((0.5, 0.5), (rx, 0.5), 270, 90),
                  _ell((0.5, 0.42), (rx * 0.8, 0.42), 90, _u(rng, -5, 20)))]


def _one_plain(rng):
    return [_seg((0.5, 0), (0.5 + _u(rng, -0.06, 0.06), 1))]


def _one_flag(rng):
    flag = (0.5 - _u(rng, 0.1, 0.25), _u(rng, 0.08, 0.22))
    return [_seg(flag, (0.5, 0), (0.5, 1))]


def _one_flag_base(rng):
    flag, half = (0.5 - _u(rng, 0.1, 0.25), _u(rng, 0.08, 0.22)), _u(rng, 0.15, 0.28)
    return [_seg(flag, (0.5, 0), (0.5, 1)), _seg((0.5 - half, 1), (0.5 + half, 1))]


def _two_plain(rng):
    rx, ry = _u(rng, 0.3, 0.38), _u(rng, 0.22, 0.3)
    top = _ell((0.5, ry), (rx, ry), _u(rng, -90, -60), _u(rng, 95, 130))
    return [_join(top, _seg(top[-1], (0.12, 1), (0.9, _u(rng, 0.94, 1.0))))]


def _two_curly(rng):
    # The 2 with a little loop where the diagonal meets the base.
    rx, ry = _u(rng, 0.3, 0.38), _u(rng, 0.22, 0.3)
    top = _ell((0.5, ry), (rx, ry), _u(rng, -90, -60), _u(rng, 95, 125))
    loop = _ell((0.22, 0.9), (0.1, 0.09), 0, -330)
    return [_join(top, _seg(top[-1], (0.22, 0.81)), loop, _seg((0.27, 0.96), (0.9, _u(rng, 0.94, 1.02))))]


def _two_swan(rng):
    # A rounder 2: the neck curves down into the base.
    rx = _u(rng, 0.3, 0.38)
    top = _ell((0.5, 0.27), (rx, 0.27), -80, 100)
    return [_join(top, _bez(top[-1], (0.35, 0.75), (0.1, 1.0), (0.25, 0.98)), _seg((0.3, 0.97), (0.9, 0.98)))]


def _three_one_stroke(rng):
    split = _u(rng, 0.42, 0.52)
    upper = _ell((0.5, split / 2), (_u(rng, 0.25, 0.33), split / 2), _u(rng, -80, -50), 180)
    lower = _ell((0.5, (1 + split) / 2), (_u(rng, 0.3, 0.38), (1 - split) / 2), 0, _u(rng, 215, 250))
    return [_join(upper, lower)]


def _three_two_strokes(rng):
    split = _u(rng, 0.42, 0.52)
    upper = _ell((0.5, split / 2), (_u(rng, 0.25, 0.33), split / 2), _u(rng, -80, -50), _u(rng, 170, 200))
    lower = _ell((0.5, (1 + split) / 2), (_u(rng, 0.3, 0.38), (1 - split) / 2), _u(rng, -20, 10), _u(rng, 215, 250))
    return [upper, lower]


def _three_flat_top(rng):
    lower = _ell((0.5, 0.7), (_u(rng, 0.3, 0.38), 0.3), _u(rng, -30, 0), _u(rng, 215, 245))
    return [_join(_seg((0.15, 0), (0.82, 0), (0.42, 0.38)), lower)]


def _four_open(rng):
    bar = _u(rng, 0.55, 0.7)
    return [_seg((0.18, 0), (0.1, bar), (0.92, bar)), _seg((0.68, _u(rng, 0, 0.25)), (0.68, 1))]


def _four_closed(rng):
    bar, stem = _u(rng, 0.6, 0.72), _u(rng, 0.6, 0.72)
    return [_seg((stem, 0), (0.05, bar), (0.95, bar)), _seg((stem, 0), (stem, 1))]


def _four_one_stroke(rng):
    bar, stem = _u(rng, 0.6, 0.72), _u(rng, 0.6, 0.72)
    return [_seg((0.95, bar), (0.05, bar), (stem, 0), (stem, 1))]


def _five_two_strokes(rng):
    belly_top = _u(rng, 0.38, 0.5)
    ry = (1 - belly_top) / 2
    belly = _ell((0.47, belly_top + ry), (_u(rng, 0.3, 0.38), ry), -50, _u(rng, 215, 240))
    return [_join(_seg((0.25, 0), (0.2, belly_top + 0.05)), belly), _seg((0.25, 0), (_u(rng, 0.75, 0.9), 0))]


def _five_one_stroke(rng):
    belly_top = _u(rng, 0.38, 0.5)
    ry = (1 - belly_top) / 2
    belly = _ell((0.47, belly_top + ry), (_u(rng, 0.3, 0.38), ry), -50, _u(rng, 215, 240))
    return [_join(_seg((_u(rng, 0.75, 0.9), 0), (0.25, 0), (0.2, belly_top + 0.05)), belly)]


def _six_curved(rng):
    r = _u(rng, 0.26, 0.32)
    loop = _ell((0.48, 1 - r), (_u(rng, 0.3, 0.36), r), 270, _u(rng, -75, -40))
    return [_join(_ell((0.8, 0.62), (0.64, 0.62), _u(rng, -25, -5), -90), loop)]


def _six_straight(rng):
    r = _u(rng, 0.26, 0.32)
    loop = _ell((0.48, 1 - r), (_u(rng, 0.3, 0.36), r), 270, _u(rng, -75, -40))
    return [_join(_seg((_u(rng, 0.6, 0.75), 0), (0.16, 1 - r)), loop)]


def _seven_plain(rng):
    return [_seg((0.1, 0.02), (0.9, 0), (_u(rng, 0.3, 0.5), 1))]


def _seven_crossbar(rng):
    foot = _u(rng, 0.3, 0.5)
    middle = ((0.9 + foot) / 2, 0.5)
    return [_seg((0.1, 0.02), (0.9, 0), (foot, 1)), _seg((middle[0] - 0.22, 0.52), (middle[0] + 0.2, 0.48))]


def _seven_curved(rng):
    return [_join(_seg((0.1, 0.05), (0.9, 0)), _bez((0.9, 0), (0.6, 0.35), (0.45, 0.7), (_u(rng, 0.35, 0.5), 1)))]


def _seven_hooked(rng):
    return [_seg((0.1, _u(rng, 0.12, 0.2)), (0.1, 0.02), (0.9, 0), (_u(rng, 0.3, 0.5), 1))]


def _eight_one_stroke(rng):
    # A figure of eight in one stroke; the upper lobe a little smaller, as most people draw it.
    width, start = _u(rng, 0.3, 0.4), _u(rng, -0.4, 0.2)
    turn = 1 if rng.random() < 0.5 else -1
    t = start + turn * np.linspace(0, 2 * math.pi + _u(rng, 0.1, 0.5), 120)
    y = (0.5 - 0.5 * np.cos(t)) ** 1.15
    return [np.stack([0.5 + width * np.sin(2 * t) * (0.75 + 0.5 * y), y], axis=1)]


def _eight_two_loops(rng):
    split = _u(rng, 0.42, 0.5)
    return [_ell((0.5, split / 2), (_u(rng, 0.22, 0.3), split / 2), 0, 360 + _u(rng, 0, 20)),
            _ell((0.5, (1 + split) / 2), (_u(rng, 0.28, 0.36), (1 - split) / 2), 0, -360 - _u(rng, 0, 20))]


def _nine_straight(rng):
    r, right = _u(rng, 0.22, 0.3), _u(rng, 0.72, 0.82)
    loop = _ell((0.47, r), (right - 0.47, r), _u(rng, 80, 110), _u(rng, -250, -220))
    return [_join(loop, _seg((right, r), (right - _u(rng, 0, 0.12), 1)))]


def _nine_curved(rng):
    r, right = _u(rng, 0.22, 0.3), _u(rng, 0.72, 0.82)
    loop = _ell((0.47, r), (right - 0.47, r), _u(rng, 80, 110), _u(rng, -250, -220))
    return [_join(loop, _bez((right, r), (right, 0.8), (0.6, 1.0), (0.3, 0.95)))]


def _nine_two_strokes(rng):
    r, right = _u(rng, 0.22, 0.3), _u(rng, 0.72, 0.82)
    return [_ell((0.47, r), (right - 0.47, r), 90, -280), _seg((right, 0.05), (right - _u(rng, 0, 0.12), 1))]


DIGIT_STYLES = {
    0: (_zero_oval, _zero_pointed),
    1: (_one_plain, _one_flag, _one_flag_base),
    2: (_two_plain, _two_curly, _two_swan),
    3: (_three_one_stroke, _three_two_strokes, _three_flat_top),
    4: (_four_open, _four_closed, _four_one_stroke),
    5: (_five_two_strokes, _five_one_stroke),
    6: (_six_curved, _six_straight),
    7: (_seven_plain, _seven_crossbar, _seven_curved, _seven_hooked),
    8: (_eight_one_stroke, _eight_two_loops),
    9: (_nine_straight, _nine_curved, _nine_two_strokes),
}


# --- non-digits ------------------------------------------------------------------------------

def _letter_a(rng):
    bar = _u(rng, 0.55, 0.7)
    return [_seg((0.05, 1), (0.5, 0), (0.95, 1)),
            _seg((0.05 + 0.45 * (1 - bar) + 0.05, bar), (0.9 - 0.45 * (1 - bar), bar))]


def _letter_e(rng):
    middle = _u(rng, 0.45, 0.55)
    if rng.random() < 0.5:
        return [_seg((0.85, 0), (0.15, 0), (0.15, 1), (0.85, 1)), _seg((0.15, middle), (0.7, middle))]
    return [_seg((0.15, 0), (0.15, 1)), _seg((0.15, 0), (0.85, 0)), _seg((0.15, middle), (0.7, middle)),
            _seg((0.15, 1), (0.85, 1))]


def _letter_h(rng):
    middle = _u(rng, 0.45, 0.55)
    return [_seg((0.1, 0), (0.1, 1)), _seg((0.9, 0), (0.9, 1)), _seg((0.1, middle), (0.9, middle))]


def _letter_k(rng):
    joint = _u(rng, 0.45, 0.6)
    return [_seg((0.15, 0), (0.15, 1)), _seg((0.85, 0), (0.17, joint), (0.85, 1))]


def _letter_m(rng):
    dip = _u(rng, 0.5, 0.75)
    return [_seg((0.05, 1), (0.12, 0), (0.5, dip), (0.88, 0), (0.95, 1))]


def _letter_w(rng):
    peak = _u(rng, 0.25, 0.5)
    return [_seg((0, 0), (0.25, 1), (0.5, peak), (0.75, 1), (1, 0))]


def _letter_r(rng):
    bowl = _u(rng, 0.45, 0.55)
    return [_join(_seg((0.15, 1), (0.15, 0), (0.5, 0)), _ell((0.5, bowl / 2), (0.35, bowl / 2), 0, 180),
                  _seg((0.5, bowl), (0.15, bowl), (0.85, 1)))]


def _letter_x(rng):
    return [_seg((0.05, 0), (0.95, 1)), _seg((0.95, 0), (0.05, 1))]


def _star(rng):
    # A five-pointed star in one stroke, as children draw it.
    angles = np.radians(np.arange(6) * 144 + _u(rng, -10, 10))
    return [_seg(*np.stack([0.5 + 0.5 * np.sin(angles), 0.52 - 0.52 * np.cos(angles)], axis=1))]


def _house(rng):
    eaves = _u(rng, 0.35, 0.5)
    walls = [_seg((0.1, eaves), (0.1, 1), (0.9, 1), (0.9, eaves), (0.1, eaves), (0.5, 0), (0.9, eaves))]
    if rng.random() < 0.5:
        walls.append(_seg((0.42, 1), (0.42, 0.72), (0.6, 0.72), (0.6, 1)))
    return walls


def _smiley(rng):
    face = _ell((0.5, 0.5), (0.5, 0.5), 0, 360 + _u(rng, 0, 20))
    eyes = [_seg((x, 0.33), (x, 0.4)) for x in (0.35, 0.65)]
    mouth = _ell((0.5, 0.52), (0.24, 0.2), _u(rng, 110, 125), _u(rng, 235, 250))
    return [face, *eyes, mouth]


def _heart(rng):
    left = _bez((0.5, 1), (0.05, 0.6), (-0.05, 0.1), (0.28, 0.05), (0.5, 0.3))
    right = _bez((0.5, 0.3), (0.72, 0.05), (1.05, 0.1), (0.95, 0.6), (0.5, 1))
    return [_join(left, right)]


def _arrow(rng):
    shaft = [_seg((0, 0.5), (1, 0.5))]
    head = _seg((0.72, 0.25), (1, 0.5), (0.72, 0.75))
    shape = shaft + [head]
    turn = math.radians(rng.choice([0, 45, 135, 180, 225, 315, 90, 270]))
    rotation = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    return [(stroke - 0.5) @ rotation.T + 0.5 for stroke in shape]


def _triangle(rng):
    apex = _u(rng, 0.3, 0.7)
    return [_seg((apex, 0), (1, 1), (0, 1), (apex, 0))]


def _spiral(rng):
    turns = _u(rng, 1.8, 3.0)
    t = np.linspace(0, turns * 2 * math.pi, int(turns * 60))
    radius = 0.5 * t / t[-1]
    turn = 1 if rng.random() < 0.5 else -1
    return [np.stack([0.5 + radius * np.sin(turn * t), 0.5 - radius * np.cos(turn * t)], axis=1)]


def _scribble(rng):
    # The pen swings back and forth through random points, smoothly (a Catmull-Rom curve through them).
    points = rng.uniform(0, 1, (int(rng.integers(7, 14)), 2))
    padded = np.concatenate([points[:1], points, points[-1:]])
    t = np.linspace(0, 1, 16)[:, None]
    pieces = [0.5 * (2 * b + (c - a) * t + (2 * a - 5 * b + 4 * c - d) * t ** 2 + (3 * b - a - 3 * c + d) * t ** 3)
              for a, b, c, d in zip(padded, padded[1:], padded[2:], padded[3:])]
    return [np.concatenate(pieces)]


def _hash(rng):
    return [_seg((0.35, 0), (0.3, 1)), _seg((0.7, 0), (0.65, 1)), _seg((0, 0.33), (1, 0.3)), _seg((0, 0.67), (1, 0.64))]


def _zigzag(rng):
    teeth = int(rng.integers(3, 6))
    xs = np.linspace(0, 1, 2 * teeth + 1)
    return [_seg(*[(x, 0.2 if i % 2 else 0.8) for i, x in enumerate(xs)])]


NON_DIGIT_STYLES = {
    "letter_A": _letter_a, "letter_E": _letter_e, "letter_H": _letter_h, "letter_K": _letter_k,
    "letter_M": _letter_m, "letter_R": _letter_r, "letter_W": _letter_w, "letter_X": _letter_x,
    "star": _star, "house": _house, "smiley": _smiley, "heart": _heart, "arrow": _arrow,
    "triangle": _triangle, "spiral": _spiral, "scribble": _scribble, "hash": _hash, "zigzag": _zigzag,
}
NON_DIGIT_KINDS = tuple(NON_DIGIT_STYLES)


# --- from unit paths to pad strokes ------------------------------------------------------------

def _warp(rng, strength):
    """A smooth random displacement of the unit box: the same for every stroke, so joins stay joined."""
    waves = [(rng.normal(0, 0.6, 2), rng.uniform(0, 2 * math.pi), rng.normal(0, strength, 2)) for _ in range(3)]

    def apply(points):
        shifted = points.copy()
        for frequency, phase, amplitude in waves:
            shifted += np.sin(points @ frequency * math.pi + phase)[:, None] * amplitude
        return shifted
    return apply


def _pad_strokes(strokes, rng, box, slant, rotation, warp, size_range):
    """Unit paths -> ``(strokes in pad pixels, brush width)``, fitted into ``box`` with the brush inside it."""
    left, top, right, bottom = box
    bend = _warp(rng, warp)
    shear = np.tan(np.radians(_u(rng, -slant / 2, slant)))   # most hands lean right, a few left
    turn = np.radians(_u(rng, -rotation, rotation))
    stretch = math.exp(_u(rng, -0.2, 0.2))      # wider or narrower than the unit path
    rotate = np.array([[math.cos(turn), -math.sin(turn)], [math.sin(turn), math.cos(turn)]])
    shaped = []
    for stroke in strokes:
        points = bend(np.asarray(stroke, np.float64))
        points[:, 0] = (points[:, 0] - 0.5) * stretch - shear * (points[:, 1] - 0.5)
        points[:, 1] -= 0.5
        shaped.append(points @ rotate.T)
    everything = np.concatenate(shaped)
    low, high = everything.min(axis=0), everything.max(axis=0)
    extent = np.maximum(high - low, 1e-6)

    box_width, box_height = right - left, bottom - top
    height = _u(rng, *size_range) * box_height
    # Most people keep the pad's default brush; some change it. Either way the brush stays in
    # proportion to the drawing (about MNIST's 8-18% of the height), within the pad's range.
    ratio = _u(rng, 0.08, 0.18)
    width = DEFAULT_BRUSH if rng.random() < 0.6 and 0.07 <= DEFAULT_BRUSH / height <= 0.2 else ratio * height
    width = float(np.clip(width, *BRUSH_RANGE))
    scale = min(height / extent[1], (box_width - width) / extent[0], (box_height - width) / extent[1])
    size = extent * scale
    origin = np.array([left + width / 2 + _u(rng, 0, max(0.0, box_width - width - size[0])),
                       top + width / 2 + _u(rng, 0, max(0.0, box_height - width - size[1]))])
    spacing = _u(rng, 3, 7)       # pixels between mouse events
    return [_sampled((points - low) * scale + origin, spacing, rng, box, width) for points in shaped], round(width, 1)


def _sampled(points, spacing, rng, box, width):
    """A dense path -> points every ``spacing`` pixels with a little jitter, kept inside the box, rounded."""
    steps = np.hypot(*np.diff(points, axis=0).T)
    along = np.concatenate([[0], np.cumsum(steps)])
    count = max(2, int(along[-1] / spacing) + 1)
    at = np.linspace(0, along[-1], count)
    sampled = np.stack([np.interp(at, along, points[:, 0]), np.interp(at, along, points[:, 1])], axis=1)
    sampled += rng.normal(0, 0.4, sampled.shape)
    left, top, right, bottom = box
    sampled = np.clip(sampled, [left + width / 2, top + width / 2], [right - width / 2, bottom - width / 2])
    return np.round(sampled, 1).tolist()


def digit_drawing(digit: int, rng: np.random.Generator, box=(0, 0, PAD_SIDE, PAD_SIDE)) -> Drawing:
    """One ``digit`` with varied style, shape, size, slant, position and brush width inside ``box``
    (left, top, right, bottom, in pad pixels)."""
    styles = DIGIT_STYLES[digit]
    unit = styles[int(rng.integers(len(styles)))](rng)
    strokes, width = _pad_strokes(unit, rng, box, slant=20, rotation=8, warp=0.025,
                                  size_range=(0.35, 0.92))
    return Drawing(strokes, width, str(digit))


def non_digit_drawing(kind: str, rng: np.random.Generator, box=(0, 0, PAD_SIDE, PAD_SIDE)) -> Drawing:
    """One drawing of ``kind`` (one of ``NON_DIGIT_KINDS``) inside ``box``."""
    strokes, width = _pad_strokes(NON_DIGIT_STYLES[kind](rng), rng, box, slant=12, rotation=12, warp=0.025,
                                  size_range=(0.35, 0.92))
    return Drawing(strokes, width, kind)


MARK_KINDS = ("dot", "speck", "short_dash")


def mark_drawing(kind: str, rng: np.random.Generator, box=(0, 0, PAD_SIDE, PAD_SIDE)) -> Drawing:
    """A mark that is no digit: a click (``dot``), a tiny wiggle (``speck``), or a short straight
    ``short_dash`` (at most about two brush widths long), anywhere in ``box`` with any brush."""
    left, top, right, bottom = box
    width = DEFAULT_BRUSH if rng.random() < 0.5 else round(_u(rng, *BRUSH_RANGE), 1)
    width = float(np.clip(width, BRUSH_RANGE[0], max(BRUSH_RANGE[0], min(right - left, bottom - top) / 3)))
    if kind == "dot":
        shape = np.zeros((1, 2))
    elif kind == "speck":
        shape = np.clip(rng.normal(0, width * 0.15, (int(rng.integers(2, 6)), 2)), -width / 2, width / 2)
    elif kind == "short_dash":
        angle, length = _u(rng, 0, math.pi), _u(rng, 0.3, 2.0) * width
        shape = np.linspace(-0.5, 0.5, 5)[:, None] * length * np.array([math.cos(angle), math.sin(angle)])
    else:
        raise KeyError(kind)
    margin = np.abs(shape).max(axis=0) + width / 2
    centre = np.array([_u(rng, left + margin[0], max(left + margin[0], right - margin[0])),
                       _u(rng, top + margin[1], max(top + margin[1], bottom - margin[1]))])
    points = centre + shape
    return Drawing([np.round(points, 1).tolist()], width, kind)


# --- the frozen sets ---------------------------------------------------------------------------

DIGITS_PER_CLASS = 50             # per digit, per half
NON_DIGITS_PER_KIND = 30          # per kind, per half
_SET_SEEDS = {"tune": 9_001, "report": 9_002}
DRAWING_SETS = tuple(f"{family}-{half}" for family in ("digits", "non-digits") for half in _SET_SEEDS)


@lru_cache(maxsize=None)
def _frozen_set(name):
    family, _, half = name.rpartition("-")
    if family not in ("digits", "non-digits") or half not in _SET_SEEDS:
        raise KeyError(f"No drawing set {name!r}; the sets are {', '.join(DRAWING_SETS)}.")
    seed = _SET_SEEDS[half]
    # One generator per class, seeded by the class: adding a kind changes no other kind's drawings.
    if family == "digits":
        return tuple(digit_drawing(d, rng) for d in range(10) for rng in [np.random.default_rng([seed, d])]
                     for _ in range(DIGITS_PER_CLASS))
    return tuple(non_digit_drawing(kind, rng) for k, kind in enumerate(NON_DIGIT_KINDS)
                 for rng in [np.random.default_rng([seed, 100 + k])] for _ in range(NON_DIGITS_PER_KIND))


def drawing_set(name: str) -> list[Drawing]:
    """A frozen set: ``digits-tune``, ``digits-report`` (50 of each digit), ``non-digits-tune``,
    ``non-digits-report`` (30 of each kind). Thresholds are set on the ``-tune`` halves only."""
    return list(_frozen_set(name))
