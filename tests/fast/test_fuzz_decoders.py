"""Property-based fuzzing in-process: random and mutated images and stroke lists are read or refused
with a ``BadInput``, never a crash (about 3,000 inputs)."""

from hypothesis import given
from hypothesis import strategies as st

from dashboard.http_errors import bad_input_status
from model.errors import BadInput
from model.preprocessing import decode_image, rasterize_strokes, to_mnist
from tests.support.strategies import any_image_bytes, fuzz, json_scalars, stroke_lists


def decodes_or_refuses(data):
    try:
        to_mnist(decode_image(data))
    except BadInput as error:
        assert 400 <= bad_input_status(error) < 500 and error.code and error.message


@fuzz(2500)
@given(data=any_image_bytes)
def test_the_image_decoder_reads_or_refuses_anything(data):
    decodes_or_refuses(data)


@fuzz(600)
@given(strokes=stroke_lists, width=st.one_of(st.none(), json_scalars, st.floats(0.1, 80)))
def test_the_stroke_rasterizer_reads_or_refuses_anything(strokes, width):
    try:
        to_mnist(rasterize_strokes(strokes, width))
    except BadInput as error:
        assert 400 <= bad_input_status(error) < 500 and error.code and error.message
