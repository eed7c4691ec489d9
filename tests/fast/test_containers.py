"""The image-file walk before decoding (model/preprocessing/containers.py): formats by signature, sizes
from the headers, JPEG scans and segments counted from the markers, metadata dropped, and the files
that pass decoding to the very pixels they held."""

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from model.errors import BadInput, TooLarge, UnsupportedType
from model.preprocessing import containers
from model.preprocessing.containers import MAX_JPEG_SCANS, MAX_SEGMENTS, check_image_file
from tests.support import costly
from tests.support.encoders import encoded
from tests.support.strategies import fuzz, mutated_images


def pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def sos_markers(data):
    """The scans of a JPEG, counted the simple way: every 0xFFDA (entropy-coded data never holds one)."""
    return data.count(b"\xff\xda")


def drawing(mode="L"):
    return costly.pad_image().convert(mode)


@pytest.mark.parametrize("image, format, options", [
    (drawing(), "PNG", {}), (drawing("RGBA"), "PNG", {}), (drawing("P"), "PNG", {"transparency": 255}),
    (drawing("1"), "PNG", {}), (drawing("I;16"), "PNG", {}), (drawing(), "PNG", {"interlace": 1}),
    (drawing(), "JPEG", {"quality": 90}), (drawing("RGB"), "JPEG", {"progressive": True}),
    (drawing("CMYK"), "JPEG", {}), (drawing(), "WEBP", {}), (drawing("RGBA"), "WEBP", {"lossless": True}),
])
def test_every_image_a_client_makes_passes_and_keeps_its_pixels(image, format, options):
    data = encoded(image, format, **options)
    checked = check_image_file(data)
    assert checked.format == format and (checked.width, checked.height) == image.size
    assert np.array_equal(pixels(checked.data), pixels(data))


def test_a_progressive_jpegs_scans_are_counted_from_its_markers():
    jpeg = encoded(drawing("RGB"), "JPEG", progressive=True)
    assert 6 <= sos_markers(jpeg) <= MAX_JPEG_SCANS            # libjpeg's script: 10 for colour
    check_image_file(jpeg)
    at_limit = costly.scan_flood_jpeg(64, MAX_JPEG_SCANS - 1)  # one DC scan and the AC scans
    assert sos_markers(at_limit) == MAX_JPEG_SCANS
    assert check_image_file(at_limit).data.count(b"\xff\xda") == MAX_JPEG_SCANS
    with pytest.raises(TooLarge) as error:
        check_image_file(costly.scan_flood_jpeg(64, MAX_JPEG_SCANS))
    assert error.value.code == "image_too_complex"


def test_the_issues_scan_flood_is_refused_from_its_size_and_its_scans():
    """97,000 tiny scans in 1.5 MB: 59 s of decoding before issue 8."""
    flood = costly.scan_flood_jpeg(2000, 97_000)
    with pytest.raises(TooLarge) as error:
        check_image_file(flood)
    assert error.value.code == "image_too_large" and "2000x2000" in error.value.message
    with pytest.raises(TooLarge) as error:
        check_image_file(costly.scan_flood_jpeg(1000, 97_000))
    assert error.value.code == "image_too_complex"


def test_scan_markers_inside_metadata_are_not_scans():
    """A comment (or an EXIF thumbnail) may hold 0xFFDA bytes: the walk steps over segments by their lengths."""
    jpeg = encoded(drawing(), "JPEG")
    comment = b"\xff\xda" * 1000
    with_comment = jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]
    checked = check_image_file(with_comment)
    assert sos_markers(checked.data) == 1 and np.array_equal(pixels(checked.data), pixels(jpeg))


def test_jpeg_metadata_is_dropped_but_adobes_colour_marker():
    jpeg = encoded(drawing("CMYK"), "JPEG")                       # Pillow writes an Adobe APP14 for CMYK
    assert b"Adobe" in jpeg
    exif = Image.Exif()
    exif[0x010E] = "x" * 5000                                     # an image description
    with_metadata = encoded(drawing("CMYK"), "JPEG", exif=exif.tobytes(), comment=b"hello" * 100)
    checked = check_image_file(with_metadata)
    assert b"Exif" not in checked.data and b"hello" not in checked.data and b"Adobe" in checked.data
    assert np.array_equal(pixels(checked.data), pixels(jpeg))


def test_too_many_segments_are_refused_from_their_headers():
    with pytest.raises(TooLarge) as error:
        check_image_file(costly.comment_flood_jpeg(MAX_SEGMENTS))
    assert error.value.code == "image_too_complex"
    for png in (costly.text_flood_png(MAX_SEGMENTS), costly.split_idat_png(piece=16)):
        with pytest.raises(TooLarge) as error:
            check_image_file(png)
        assert error.value.code == "image_too_complex"
    check_image_file(costly.split_idat_png(piece=200))            # ~400 chunks: a small-chunk encoder


def test_png_metadata_is_dropped_and_the_pixels_kept():
    """Text, compressed text (each up to 1 MB inflated by Pillow), colour profiles and animation control
    never reach Pillow; palette and transparency do."""
    image = drawing("P")
    plain = encoded(image, transparency=255)
    bomb = zlib.compress(b"x" * 1_000_000, 9)
    extra = b"".join(containers_chunk(kind, payload) for kind, payload in [
        (b"tEXt", b"k\x00v"), (b"zTXt", b"k\x00\x00" + bomb), (b"iCCP", b"p\x00\x00" + bomb), (b"gAMA", b"\x00" * 4)])
    with_metadata = plain[:33] + extra * 20 + plain[33:]
    checked = check_image_file(with_metadata)
    assert len(checked.data) == len(plain)
    assert np.array_equal(pixels(checked.data), pixels(plain))
    animated = costly.animated("PNG", 5)
    assert b"acTL" in animated and b"acTL" not in check_image_file(animated).data


def containers_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


@pytest.mark.parametrize("format, side", [("PNG", 1001), ("JPEG", 1001), ("WEBP", 1001)])
def test_sizes_come_from_the_headers(format, side):
    image = Image.new("L", (side, side), 255)
    with pytest.raises(TooLarge) as error:
        check_image_file(encoded(image, format, **({"lossless": True} if format == "WEBP" else {})))
    assert error.value.code == "image_too_large" and f"{side}x{side}" in error.value.message


def test_a_webp_canvas_is_refused_before_it_is_allocated():
    """An animated WebP's canvas (VP8X) is allocated when Pillow opens the file: 16k x 16k is 1 GB."""
    webp = costly.animated("WEBP", 2)
    at = webp.index(b"VP8X") + 8 + 4
    huge = webp[:at] + (16383).to_bytes(3, "little") * 2 + webp[at + 6:]
    with pytest.raises(TooLarge) as error:
        check_image_file(huge)
    assert "16384x16384" in error.value.message


@pytest.mark.parametrize("format, name", [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF"), ("ICO", "ICO")])
def test_other_image_formats_are_refused_by_signature(format, name):
    with pytest.raises(UnsupportedType) as error:
        check_image_file(encoded(drawing(), format))
    assert error.value.code == "unsupported_image_format" and name in error.value.message
    with pytest.raises(UnsupportedType):
        check_image_file(costly.rle_bmp(2000))


@pytest.mark.parametrize("data", [b"hello", b"%PDF-1.7", b"<svg/>", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00",
                                  b"RIFF\x00\x00\x00\x00WEBP", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_unreadable_data_is_bad_input(data):
    with pytest.raises(BadInput) as error:
        check_image_file(data)
    assert error.value.code == "invalid_image" and type(error.value) is BadInput


@fuzz(1500)
@given(data=st.one_of(mutated_images(), st.binary(max_size=64).map(lambda tail: b"\xff\xd8\xff" + tail),
                      st.binary(max_size=64).map(lambda tail: b"RIFF\x10\x00\x00\x00WEBP" + tail)))
def test_the_walk_reads_or_refuses_anything(data):
    try:
        checked = check_image_file(data)
    except BadInput:
        return
    assert checked.width * checked.height <= containers.MAX_IMAGE_PIXELS
    assert len(checked.data) <= len(data) + 2          # JPEGs get their end marker back
