"""The generated numbers (training/numbers.py) the goals are measured on: seeded, on the pad, with
the spacing they claim, and drawn to PNG the way the pad shows them."""

import io

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from model.preprocessing import decode_image
from training.numbers import NUMBER_PAD, SPACINGS, number_drawing, number_png, number_set


def test_the_sets_are_frozen_and_varied():
    first, again = number_set("report", 40), number_set("report", 40)
    assert [n.strokes for n in first] == [n.strokes for n in again]
    assert [n.label for n in number_set("report", 60)[:40]] == [n.label for n in first]   # longer keeps shorter
    assert {len(n.label) for n in first} == {2, 3, 4}
    assert set(n.spacing for n in first) == set(SPACINGS)
    assert len({n.width for n in first}) > 10 and number_set("tune", 5)[0].strokes != first[0].strokes
    with pytest.raises(KeyError):
        number_set("test")


def test_every_digit_is_on_the_pad_in_reading_order():
    for drawing in number_set("tune", 60):
        points = np.concatenate([np.asarray(s) for s in drawing.strokes])
        assert (points >= 0).all() and (points <= NUMBER_PAD).all()
        assert len(drawing.boxes) == len(drawing.label)
        lefts = [box[0] for box in drawing.boxes]
        assert lefts == sorted(lefts)
        for left, top, right, bottom in drawing.boxes:
            assert 0 <= left < right <= NUMBER_PAD[0] and 0 <= top < bottom <= NUMBER_PAD[1]


@pytest.mark.parametrize("spacing", SPACINGS)
def test_the_spacing_is_what_it_says(spacing):
    """Apart, every digit is its own ink; touching, two digits share one ink."""
    rng = np.random.default_rng(4)
    components = []
    for _ in range(12):
        drawing = number_drawing("808", rng, spacing)       # 8s and 0s: one stroke each, one ink each
        ink = decode_image(number_png(drawing))
        components.append(ndimage.label(ink >= 64, np.ones((3, 3)))[1])
    if spacing == "touching":
        assert all(count == 2 for count in components), components
    elif spacing == "apart":
        assert all(count == 3 for count in components), components
    else:
        assert np.mean(components) > 2.5, components       # close, a hair apart: mostly still three


def test_a_png_is_dark_ink_on_a_white_page_or_a_transparent_canvas():
    drawing = number_drawing("42", np.random.default_rng(1))
    page = Image.open(io.BytesIO(number_png(drawing)))
    assert page.size == NUMBER_PAD and page.mode == "L"
    pixels = np.asarray(page)
    assert pixels[0, 0] == 255 and pixels.min() == 0
    canvas = Image.open(io.BytesIO(number_png(drawing, transparent=True)))
    assert canvas.mode == "RGBA" and np.asarray(canvas)[0, 0, 3] == 0
    np.testing.assert_array_equal(decode_image(number_png(drawing)), decode_image(number_png(drawing, transparent=True)))
