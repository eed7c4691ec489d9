"""Drawings made by program, as strokes in pad pixels (280x280), the way a hand moves a mouse.

The offline side's drawing sets, shared by the tests, the benchmarks and the evaluation:
``SAMPLES`` holds a few hand-placed digits (the browser test moves the mouse along the same points).
"""

import math


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
