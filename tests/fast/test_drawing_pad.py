"""The drawing pad's data: what dash-canvas sends, parsed and turned into strokes for the reader."""

import numpy as np
import pytest

from dashboard.components.drawing_pad import parse_drawing, strokes_from_pad
from model.errors import BadInput
from model.preprocessing import rasterize_strokes, to_mnist
from tests.support.pad import fabric_drawing


def test_the_pads_paths_read_like_the_same_plain_strokes():
    strokes = [[[40, 40], [190, 40], [100, 250]], [[85, 145], [160, 145]]]   # a 7 with a bar, in pad pixels
    from_pad = strokes_from_pad(fabric_drawing(strokes, width=20))
    assert [width for _, width in from_pad] == [20, 20]
    got = to_mnist(rasterize_strokes(from_pad)).model_input
    expected = to_mnist(rasterize_strokes(strokes, 20)).model_input
    assert np.corrcoef(got.ravel(), expected.ravel())[0, 1] > 0.97


def test_objects_other_than_paths_are_ignored():
    drawing = '{"objects": [{"type": "image", "src": "data:image/png;base64,"}, {"type": "rect"}, 7]}'
    assert strokes_from_pad(drawing) == []


def test_a_fresh_pad_is_an_empty_drawing():
    assert parse_drawing("") == {"objects": []}
    assert parse_drawing(None) == {"objects": []}


@pytest.mark.parametrize("json_data", ["{not json", "[1, 2]", "3", "[" * 50_000 + "]" * 50_000, 42,
                                       "x" * 5_000_000])
def test_a_malformed_drawing_is_bad_input(json_data):
    with pytest.raises(BadInput):
        parse_drawing(json_data)


def test_fabric_drawing_is_what_the_pad_sends():
    drawing = parse_drawing(fabric_drawing([[[10, 20], [30, 40], [50, 20]]], width=12))
    image, path = drawing["objects"]
    assert image["type"] == "image"
    assert path["type"] == "path" and path["strokeWidth"] == 12
    assert path["path"][0] == ["M", 10, 20] and path["path"][-1] == ["L", 50, 20]
    assert [command[0] for command in path["path"]] == ["M", "Q", "Q", "L"]
