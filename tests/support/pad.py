"""What the drawing pad sends, without a browser: strokes as dash-canvas' fabric.js JSON."""

import json

from dashboard.components.drawing_pad import DEFAULT_BRUSH, PAD_SIDE, WHITE_PAGE


def fabric_drawing(strokes, width=DEFAULT_BRUSH):
    """The ``json_data`` the pad sends for ``strokes`` (lists of [x, y] in pad pixels): fabric.js
    path objects (M, then Q through midpoints, then L, as its pencil makes them) over the paper image."""
    objects = [{"type": "image", "left": 0, "top": 0, "width": PAD_SIDE, "height": PAD_SIDE, "src": WHITE_PAGE}]
    for points in strokes:
        path = [["M", *points[0]]]
        path += [["Q", *a, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2] for a, b in zip(points, points[1:])]
        path.append(["L", *points[-1]])
        objects.append({"type": "path", "path": path, "stroke": "black", "strokeWidth": width, "fill": None,
                        "strokeLineCap": "round", "strokeLineJoin": "round"})
    return json.dumps({"version": "2.4.1", "objects": objects})
