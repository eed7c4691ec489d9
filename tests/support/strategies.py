"""Hypothesis strategies for fuzzing: mutated and crafted images, JSON values, stroke lists."""

import io
import struct

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from tests.support.encoders import crafted_png


def fuzz(examples):
    return settings(max_examples=examples, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _seed_images():
    """Small valid images in every format and mode the decoder handles: the raw material for mutation."""
    grey = Image.new("L", (40, 40), 255)
    ImageDraw.Draw(grey).line([(10, 8), (30, 8), (18, 34)], fill=0, width=4)
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).line([(20, 5), (20, 35)], fill=(0, 0, 0, 255), width=5)
    variants = [
        (grey, "PNG", {}), (grey.convert("1"), "PNG", {}), (grey.convert("P"), "PNG", {"transparency": 0}),
        (Image.fromarray(np.asarray(grey).astype(np.uint16) * 257).convert("I;16"), "PNG", {}),
        (Image.merge("LA", (grey, grey)), "PNG", {}), (rgba, "PNG", {}), (grey, "JPEG", {"quality": 80}),
        (grey, "WEBP", {"lossless": True}), (grey, "GIF", {}), (grey, "BMP", {}),
        (grey, "GIF", {"save_all": True, "append_images": [rgba.convert("L")]}),
    ]
    seeds = []
    for image, format, options in variants:
        buffer = io.BytesIO()
        image.save(buffer, format, **options)
        seeds.append(buffer.getvalue())
    return seeds


SEEDS = _seed_images()


@st.composite
def mutated_images(draw):
    """A valid image with a few byte-level mutations: flips, inserts, deletions, truncation, 32-bit overwrites."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "int32"]))
        if kind == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[position:position + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del data[max(position, 1):]
        elif kind == "int32":
            data[position:position + 4] = struct.pack(">I", draw(st.integers(0, 2**32 - 1)))
    return bytes(data)


well_formed_png_headers = st.builds(
    crafted_png,
    width=st.integers(0, 120_000), height=st.integers(0, 120_000),
    bit_depth=st.sampled_from([1, 2, 4, 8, 16]), colour_type=st.sampled_from([0, 2, 3, 4, 6]),
    idat=st.binary(max_size=256),
)

any_image_bytes = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=512).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),
    st.binary(max_size=512).map(lambda tail: b"GIF89a" + tail),
    mutated_images(),
    well_formed_png_headers,
)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                                 st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                           max_leaves=40)
coordinates = st.one_of(st.floats(-1e4, 1e4), st.integers(-10_000, 10_000), json_scalars)
stroke_lists = st.one_of(
    json_values,
    st.lists(st.lists(st.one_of(st.lists(coordinates, min_size=2, max_size=2), json_values), max_size=30), max_size=5),
)
