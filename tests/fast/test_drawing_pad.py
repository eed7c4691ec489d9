"""The drawing pad's data: the strokes store, turned into strokes for the reader and checked like the API's."""

import numpy as np
import pytest

from dashboard.components.drawing_pad import EMPTY_DRAWING, PAD_HEIGHT, PAD_WIDTH, WHITE_PAGE, strokes_from_pad
from dashboard.components.images import png_data_url
from model.errors import BadInput
from model.preprocessing import rasterize_strokes, to_mnist
from tests.support.pad import pad_drawing


def test_the_pads_strokes_read_like_the_same_plain_strokes():
    strokes = [[[40, 40], [190, 40], [100, 250]], [[85, 145], [160, 145]]]   # a 7 with a bar, in pad pixels
    from_pad = strokes_from_pad(pad_drawing(strokes, width=20))
    assert [width for _, width in from_pad] == [20, 20]
    got = to_mnist(rasterize_strokes(from_pad)).model_input
    np.testing.assert_array_equal(got, to_mnist(rasterize_strokes(strokes, 20)).model_input)


def test_each_stroke_keeps_its_own_width():
    drawing = {"strokes": [[[10, 10], [10, 200]], [[50, 10], [50, 200]]], "widths": [6, 40]}
    assert [width for _, width in strokes_from_pad(drawing)] == [6, 40]


def test_a_fresh_pad_is_an_empty_drawing():
    assert strokes_from_pad(EMPTY_DRAWING) == [] and strokes_from_pad(None) == []
    assert to_mnist(rasterize_strokes(strokes_from_pad(EMPTY_DRAWING))).blank


@pytest.mark.parametrize("drawing", [
    "strokes", [1, 2], {"strokes": [[[1, 2]]]}, {"strokes": [[[1, 2]]], "widths": []},
    {"strokes": "no", "widths": []}, {"strokes": [], "widths": "no"},
])
def test_a_malformed_store_is_bad_input(drawing):
    with pytest.raises(BadInput):
        strokes_from_pad(drawing)


@pytest.mark.parametrize("drawing", [
    {"strokes": [[[1, "2"]]], "widths": [20]},
    {"strokes": [[[1, 2]]], "widths": [-3]},
    {"strokes": [[[1, 2]]], "widths": [True]},
    {"strokes": [[]], "widths": [20]},
])
def test_the_strokes_inside_are_checked_like_the_apis(drawing):
    with pytest.raises(BadInput):
        rasterize_strokes(strokes_from_pad(drawing))


def test_white_page_is_a_white_pad_sized_png():
    assert WHITE_PAGE == png_data_url(np.full((PAD_HEIGHT, PAD_WIDTH), 255, np.uint8))
