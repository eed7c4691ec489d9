"""Drawings made by program (training/drawings.py) as the pad shows them: black, round-capped strokes
on a white 280x280 page, encoded as a PNG, for the tests that send drawings as images."""

from PIL import Image, ImageDraw

from tests.support.encoders import encoded
from training.drawings import PAD_SIDE


def pad_png(strokes, width):
    """Strokes in pad pixels drawn ``width`` wide -> the PNG bytes of the pad's page."""
    page = Image.new("L", (PAD_SIDE, PAD_SIDE), 255)
    draw = ImageDraw.Draw(page)
    for stroke in strokes:
        points = [tuple(p) for p in stroke]
        if len(points) > 1:
            draw.line(points, fill=0, width=round(width), joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=0)
    return encoded(page)
