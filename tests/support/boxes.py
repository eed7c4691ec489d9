"""Boxes as the number reader gives them, ``(left, top, right, bottom)``: how much two agree."""


def overlap(a, b):
    """Intersection over union of two boxes: 1 for the same box, 0 for boxes apart."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    inter = width * height
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)
