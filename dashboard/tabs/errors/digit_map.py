"""The map of the test set's callback bodies: a hovered digit's thumbnail, and the Draw tab's drawing placed
among the test digits.

The map itself is computed offline (training/digit_map.py: UMAP of the embeddings) and ships in the report;
nothing here runs UMAP. A drawing is placed from its nearest test digits in the embedding: the mean of
their map positions, weighted by similarity, so a drawing between two kinds of digit lands between them.
"""

import numpy as np
from dash import Patch, html, no_update

from dashboard.components.explanations import explained_input
from dashboard.components.figures import MAP_DRAWING_TRACE
from dashboard.tabs.errors.analysis import suspicion
from model.analysis.neighbours import nearest
from model.errors import BadInput
from model.reading import is_digit

PLACED_BY = 8           # test digits whose map positions place a drawing


def hovered_index(hover_data):
    """The test index of the point under the pointer (its customdata), or None for anything else."""
    try:
        index = hover_data["points"][0]["customdata"]
    except (KeyError, IndexError, TypeError):
        return None
    return index if type(index) is int and 0 <= index < 10_000 else None


def tooltip(analysis, hover_data):
    """The hover tooltip: ``{"show", "bbox", "children"}``; hidden for a forged or empty hover."""
    index = hovered_index(hover_data)
    position = None if index is None else analysis.position(index)
    bbox = hover_data["points"][0].get("bbox") if position is not None else None
    if position is None or not isinstance(bbox, dict):
        return {"show": False, "bbox": no_update, "children": no_update}
    true, predicted = analysis.true[position], analysis.predicted[position]
    issue = analysis.issues.get(index)
    lines = [f"#{index}: labelled {true}", f"read as {predicted} ({analysis.confidence[position]:.0%})"]
    if issue:
        lines.append(f"label suspect: {suspicion(issue)}")
    return {"show": True, "bbox": bbox, "children": html.Div(className="map-tip", children=[
        html.Img(src=analysis.thumbnail_url(position), className="pixels", alt=f"test digit {index}"),
        html.Div([html.Div(line) for line in lines]),
    ])}


def place_drawing(reader, map_xy, explained):
    """The Draw tab's current model input (its ``explained`` store) -> ``(x, y, digit, nearest test indices)``;
    ``BadInput`` for a forged store, None for no drawing."""
    if explained is None:
        return None
    model_input, digit, _ = explained_input(explained)
    embedding = reader.classifier.predict(model_input, methods=(), embedding=True).embedding
    positions, similarities = nearest(reader.index.test_embeddings, embedding, PLACED_BY)
    weights = np.maximum(similarities, 1e-6)
    x, y = (map_xy[positions] * weights[:, None]).sum(axis=0) / weights.sum()
    return float(x), float(y), digit, positions.tolist()


def drawing_marker(reader, analysis, explained, fresh_map=False):
    """The map's "your drawing" trace (a ``Patch`` of the figure) and a sentence saying where it fell.
    ``fresh_map``: the map was just laid out, with no star yet."""
    if analysis.map_xy is None or reader.index is None:
        return {"figure": no_update, "caption": ""}
    try:
        placed = place_drawing(reader, analysis.map_xy, explained)
    except BadInput:
        placed = None
    if placed is None:
        # Clearing a star a fresh map does not have would draw the whole map again, before the tab's other charts.
        return {"figure": no_update if fresh_map else star([], []),
                "caption": "Draw a digit on the Draw tab to see where it falls among the test digits (a star)."}
    x, y, digit, near = placed
    labels = [int(analysis.report.labels[i]) for i in near]
    most = max(set(labels), key=labels.count)
    read = f"read as {digit}" if is_digit(digit) else "your drawing"
    return {"figure": star([round(x, 4)], [round(y, 4)]),
            "caption": f"Your drawing ({read}, the star) falls among test digits labelled "
                       f"{', '.join(map(str, labels))}: mostly {most}s."}


def star(x, y):
    """A ``Patch`` that puts the drawing's star at ``x``, ``y`` (lists: empty for none)."""
    patch = Patch()
    patch["data"][MAP_DRAWING_TRACE]["x"] = x
    patch["data"][MAP_DRAWING_TRACE]["y"] = y
    return patch
