"""Splitting a drawing of a number into its digits (model/segmentation.py), without the model:
which parts make one digit, which stay apart, where touching digits may be cut, what is dropped,
and what is refused. Every case runs on strokes and on the same strokes drawn as a PNG."""

import time

import numpy as np
import pytest

from model.errors import BadInput
from model.preprocessing import decode_image
from model.segmentation import MAX_DIGITS, Place, Segment, choose, segment_ink, segment_strokes
from tests.support.boxes import overlap
from training.drawings import SAMPLES, arc, line
from training.numbers import NumberDrawing, number_drawing, number_png

PAD = (560, 280)


def moved(strokes, dx=0.0, dy=0.0, scale=1.0, shear=0.0):
    """Strokes scaled about the origin, sheared (x shifted by ``shear`` per pixel up from y = 280) and moved."""
    return [[[round(x * scale - shear * (280 * scale - y * scale) + dx, 1), round(y * scale + dy, 1)] for x, y in s]
            for s in strokes]


def both_ways(strokes, width=20):
    """The places found in the strokes, and in the same strokes drawn on a white 560x280 page."""
    png = number_png(NumberDrawing(strokes, width, "", (), "apart"), PAD)
    return {"strokes": segment_strokes(strokes, width), "image": segment_ink(decode_image(png))}


def lefts(places):
    return [place.options[0][0].box[0] for place in places]


def test_nothing_drawn_is_no_place():
    assert segment_strokes([]) == []
    assert segment_ink(np.zeros((280, 560), np.uint8)) == []


def test_a_4_in_two_strokes_is_one_digit():
    assert len(SAMPLES[4]) == 2
    for way, places in both_ways(moved(SAMPLES[4], dx=100)).items():
        assert len(places) == 1, way
        left, top, right, bottom = places[0].options[0][0].box       # the 4 spans x 168-322, y 30-256
        assert left < 175 and right > 315 and top < 35 and bottom > 250, (way, places[0].options[0][0].box)


def test_a_7_with_a_crossbar_is_one_digit():
    seven = SAMPLES[7] + [line((110, 150), (205, 150), 8)]
    for way, places in both_ways(moved(seven, dx=50)).items():
        assert len(places) == 1, way


def test_a_1_next_to_a_7_is_two_digits_in_order():
    one, seven = moved(SAMPLES[1], dx=-40), moved(SAMPLES[7], dx=70)   # 16 px between the 1's ink and the 7's
    for way, places in both_ways(one + seven).items():
        assert len(places) == 2, way
        first, second = (place.options[0][0].box for place in places)
        assert first[2] - first[0] < 60 and first[2] <= second[0], (way, first, second)


@pytest.mark.parametrize("shear", [0.35, -0.2])
def test_slanted_close_digits_stay_apart(shear):
    """Leaning digits whose boxes overlap (the 1's foot is left of the 7's bar, under it) are still two."""
    one, seven = moved(SAMPLES[1], dx=60, shear=shear), moved(SAMPLES[7], dx=180, shear=shear)
    strokes = one + seven
    for way, places in both_ways(strokes).items():
        assert len(places) == 2, way
        assert lefts(places) == sorted(lefts(places)), way


def test_dots_and_specks_are_dropped():
    four, two = moved(SAMPLES[4], dx=-40), moved(SAMPLES[2], dx=230)
    dot = [[[235, 240]]]                                     # a full stop between the digits
    specks = [[[20, 20], [22, 21]], [[540, 15]], [[530, 260], [533, 262], [531, 259]]]
    for way, places in both_ways(four + dot + two + specks).items():
        assert len(places) == 2, way


@pytest.mark.parametrize("digit", ["2", "7"])
def test_a_digit_broken_by_a_tiny_gap_is_one_digit(digit):
    """The pen lifted for an instant: a 2 with a 4 px gap in its arc, a 7 with a 6 px gap at its corner."""
    broken = {
        "2": [arc((140, 95), (55, 52), -80, 20, 10),
              arc((140, 95), (55, 52), 45, 110, 8) + line((178, 135), (82, 236), 10)[1:] + line((82, 236), (205, 232), 8)[1:]],
        "7": [line((78, 56), (180, 56), 10), line((204, 66), (120, 244), 14)],
    }[digit]
    for way, places in both_ways(moved(broken, dx=120)).items():
        assert len(places) == 1, way


def test_touching_digits_in_an_image_offer_a_cut_between_them():
    rng = np.random.default_rng(7)
    for _ in range(5):
        drawing = number_drawing("80", rng, "touching")
        ink = decode_image(number_png(drawing))
        places = segment_ink(ink)
        assert len(places) == 1                              # the inks touch: one component
        halves = [option for option in places[0].options if len(option) == 2]
        assert halves, "no cut offered"
        # Some cut leaves each digit's ink mostly on its own side.
        (eight, zero) = drawing.boxes
        best = max(halves, key=lambda option: min(overlap(option[0].box, eight), overlap(option[1].box, zero)))
        assert min(overlap(best[0].box, eight), overlap(best[1].box, zero)) > 0.6
        # Strokes know which digit each stroke belongs to: nothing to cut.
        assert len(segment_strokes(drawing.strokes, drawing.width)) == 2


def test_a_row_of_digits_gives_every_box_in_reading_order():
    drawing = number_drawing("3856", np.random.default_rng(11), "apart")
    for way, places in both_ways(drawing.strokes, drawing.width).items():
        assert len(places) == 4, way
        for place, truth in zip(places, drawing.boxes):
            assert overlap(place.options[0][0].box, truth) > 0.8, (way, place.options[0][0].box, truth)
        segment = places[0].options[0][0]
        assert segment.ink.dtype == np.uint8 and segment.ink.max() > 200


def test_an_image_digit_keeps_its_anti_aliasing_and_none_of_its_neighbours_ink():
    drawing = number_drawing("47", np.random.default_rng(3), "close")
    ink = decode_image(number_png(drawing))
    places = segment_ink(ink)
    assert len(places) == 2
    first = places[0].options[0][0]
    assert (first.ink > 0).sum() < (ink > 0).sum() * 0.7
    assert np.any((first.ink > 0) & (first.ink < 64))      # the soft edge is still there


def test_narrow_digits_a_hair_apart_offer_both_readings():
    """Two 1s 3 px apart are as narrow as one digit: the place offers them whole, or as the parts
    left and right of the gap (the model chooses: tests/model/test_numbers.py)."""
    ones = [line((200, 60), (200, 220), 10), line((223, 60), (223, 220), 10)]
    for way, places in both_ways(ones, width=20).items():
        assert len(places) == 1, way
        options = places[0].options
        assert [len(option) for option in options[:2]] == [1, 2], way
        left, right = options[1]
        assert left.box[2] <= right.box[0] + 1, (way, left.box, right.box)


def test_more_than_twelve_digits_are_refused():
    ones = [line((20 + 40 * i, 60), (20 + 40 * i, 220), 8) for i in range(MAX_DIGITS + 1)]
    for way in ("strokes", "image"):
        with pytest.raises(BadInput) as refused:
            both_ways(ones, width=12)
        assert refused.value.code == "too_many_digits" and "12" in refused.value.message
    twelve = [line((20 + 44 * i, 60), (20 + 44 * i, 220), 8) for i in range(MAX_DIGITS)]
    assert all(len(places) == MAX_DIGITS for places in both_ways(twelve, width=12).values())


def test_many_small_parts_are_refused_before_any_digit_is_cut_out():
    dashes = [line((15 + 27 * i, 30 + 45 * j), (30 + 27 * i, 50 + 45 * j), 2) for i in range(20) for j in range(5)]
    with pytest.raises(BadInput, match="separate parts"):
        segment_strokes(dashes, 6)
    page = np.zeros((280, 560), np.uint8)
    for i in range(20):
        for j in range(5):
            page[30 + 45 * j:50 + 45 * j, 15 + 27 * i:19 + 27 * i] = 255
    with pytest.raises(BadInput, match="separate parts"):
        segment_ink(page)


def test_thousands_of_specks_are_dust_and_cost_little():
    rng = np.random.default_rng(0)
    page = np.zeros((2000, 2000), np.uint8)
    page[rng.integers(0, 2000, 40_000), rng.integers(0, 2000, 40_000)] = 255      # ~40,000 one-pixel specks
    page[800:1200, 990:1010] = 255                                               # and one 1
    started = time.perf_counter()
    places = segment_ink(page)
    assert len(places) == 1
    print(f"40,000 specks on a 2000x2000 page: {time.perf_counter() - started:.2f} s")   # a figure, not a test


def test_choose_keeps_a_cut_only_when_both_halves_read_better():
    whole, left, right = (Segment((0, 0, 1, 1), np.zeros((1, 1), np.uint8)) for _ in range(3))
    places = [Place([[whole]], 0.0), Place([[whole], [left, right]], 1.0)]
    # Indices: place 0 -> 0; place 1 -> whole 1, halves 2 and 3.
    assert choose(places, {0: 0.9, 1: 0.99, 2: 0.98, 3: 1.0}) == [0, 1]
    assert choose(places, {0: 0.9, 1: 0.7, 2: 0.98, 3: 0.95}) == [0, 2, 3]
    assert choose(places, {0: 0.9, 1: 0.7, 2: 0.98}) == [0, 1]          # a half too faint to read: no cut
    assert choose(places, {1: 0.7, 2: 0.98, 3: 0.95}) == [2, 3]          # a place with nothing readable: dropped
