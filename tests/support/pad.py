"""What the drawing pad sends, without a browser: its strokes store, as assets/digit_reader.js fills it."""

from dashboard.components.drawing_pad import DEFAULT_BRUSH


def pad_drawing(strokes, width=DEFAULT_BRUSH):
    """The strokes store's data for ``strokes`` (lists of [x, y] in pad pixels), each drawn ``width`` wide."""
    return {"strokes": [[list(point) for point in stroke] for stroke in strokes], "widths": [width] * len(strokes)}
