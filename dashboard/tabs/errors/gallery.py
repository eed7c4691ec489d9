"""The gallery's callback body: a confusion-matrix click, the filters and the order pick the digits shown."""

from dash import no_update

from dashboard.tabs.errors import ids
from dashboard.tabs.errors.analysis import ORDERS
from model.reading import is_digit


def update_gallery(analysis, cell_click, true, predicted, order, trigger):
    """A confusion-matrix click sets both filters to its cell; the filters and order pick the digits."""
    filters = {"true": no_update, "predicted": no_update}
    if trigger == ids.CONFUSION:
        cell = clicked_cell(cell_click)
        if cell is not None:
            true, predicted = cell
            filters = {"true": true, "predicted": predicted}
    true, predicted = as_digit(true), as_digit(predicted)
    positions = analysis.select(true, predicted, order if isinstance(order, str) and order in ORDERS else "least")
    return {
        **filters,
        "title": analysis.describe(true, predicted, len(positions)),
        "gallery": [analysis.thumbnail(position) for position in positions],
    }


def clicked_cell(click_data):
    """(true, predicted) of a clicked confusion-matrix cell, or None."""
    try:
        point = click_data["points"][0]
        cell = as_digit(point["y"]), as_digit(point["x"])
    except (KeyError, IndexError, TypeError):
        return None
    return None if None in cell else cell


def as_digit(value):
    """A filter's value as a digit 0-9, or None (any) for anything else."""
    return value if is_digit(value) else None
