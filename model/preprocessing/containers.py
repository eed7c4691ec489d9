"""Image files walked before any decoding: their format, their size, and what decoding them could cost.

A well-formed image far under the body limit can cost thousands of times a normal one to decode: a
progressive JPEG of 97,000 tiny scans (libjpeg walks every block again for each), 300,000 empty JPEG
comments or 80,000 PNG text chunks (Pillow reads each in Python), a WebP canvas claiming 16k x 16k
(allocated when the file is opened). So each file's structure is read first, from its chunk and
segment headers alone, and refused when it claims too many pixels, scans or segments; the
metadata the reading never uses (PNG text, colour profiles and animation chunks; JPEG comments and
APPn segments but Adobe's) is dropped, so none of it reaches Pillow. Only PNG, JPEG and WebP are
read; other image formats are refused by their signature.
"""

import re
import struct
from dataclasses import dataclass

from model.errors import BadInput, TooLarge, UnsupportedType

# About 6x the drawing pad's 560x280 and 13x a 280x280 drawing: decoding and reading an image costs
# about 25-35 ns a pixel here, so the largest accepted image costs a few times a normal request
# (python -m benchmarks.abuse measures it). A photo is to be scaled down first.
MAX_IMAGE_PIXELS = 1_000_000
MAX_IMAGE_SIDE = 10_000
# Encoders write at most a few dozen segments (progressive JPEGs: ~10 scans, each with its tables)
# and PNG pixel data in chunks of 8 KB or more (under 300 chunks within the body limit).
MAX_SEGMENTS = 1_000
# libjpeg's progressive scripts use 6 (grey) or 10 (colour) scans, mozjpeg's a few more. Each scan
# walks every block of its components again, so scans x pixels is the cost to bound.
MAX_JPEG_SCANS = 32

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Everything the pixels need: the header, palette, transparency and pixel data (and any chunk a
# decoder must understand, whose name starts with a capital, so that Pillow still refuses those).
PNG_KEPT = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})
# A marker in entropy-coded data: 0xFF followed by anything but a stuffed zero, a restart marker
# or a fill byte.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# TEM, restart markers and SOI carry no length (libjpeg refuses a second SOI).
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD9)})
_JPEG_FRAMES = frozenset({*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)})
_JPEG_SOS, _JPEG_EOI, _JPEG_COM, _JPEG_APP14 = 0xDA, 0xD9, 0xFE, 0xEE
# Signatures of image formats that are refused as such (415), rather than as unreadable data (400).
OTHER_FORMATS = (
    (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"), (b"8BPS", "PSD"), (b"\x00\x00\x00\x0cjP  \r\n", "JPEG 2000"),
    (b"\xffO\xffQ", "JPEG 2000"), (b"\xff\x0a", "JPEG XL"), (b"\x00\x00\x00\x0cJXL ", "JPEG XL"), (b"qoif", "QOI"),
)
FORMAT_NAMES = "PNG, JPEG or WebP"


@dataclass(frozen=True)
class Checked:
    """An image file whose structure is within the limits: its format, the size it claims, and its
    bytes with the unused metadata dropped (what the decoder is given)."""

    format: str
    width: int
    height: int
    data: bytes


def check_image_file(data):
    """Image bytes -> ``Checked``; ``BadInput`` (or ``TooLarge``, ``UnsupportedType``) before any decoding."""
    if data.startswith(PNG_SIGNATURE):
        return _check_png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _check_jpeg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _check_webp(data)
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"):
        raise UnsupportedType("unsupported_image_format",
                              f"HEIF/AVIF images are not accepted: send a {FORMAT_NAMES} image.")
    for signature, name in OTHER_FORMATS:
        if data.startswith(signature):
            raise UnsupportedType("unsupported_image_format",
                                  f"{name} images are not accepted: send a {FORMAT_NAMES} image.")
    raise unreadable("not a PNG, JPEG or WebP file")


def unreadable(why):
    return BadInput("invalid_image", f"The data is not a readable {FORMAT_NAMES} image ({why}).")


def check_size(width, height):
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise TooLarge("image_too_large",
                       f"The image is {width}x{height} pixels; at most {MAX_IMAGE_PIXELS:,} pixels "
                       f"and {MAX_IMAGE_SIDE:,} per side are accepted: scale it down first.")


def _too_many_segments(kind):
    return TooLarge("image_too_complex", f"The image file has more than {MAX_SEGMENTS:,} {kind}; "
                                         "no encoder writes that many.")


def _check_png(data):
    kept, size, position, count = [PNG_SIGNATURE], None, len(PNG_SIGNATURE), 0
    while position + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length
        count += 1
        if count > MAX_SEGMENTS:
            raise _too_many_segments("chunks")
        if kind == b"IHDR" and length >= 8 and size is None and position + 16 <= len(data):
            size = struct.unpack_from(">II", data, position + 8)
            check_size(*size)
        if kind in PNG_KEPT or kind[:1].isupper():
            kept.append(data[position:end])       # a chunk cut short stays cut short: Pillow refuses it
        if kind == b"IEND" or end >= len(data):
            break
        position = end
    if size is None:
        raise unreadable("no PNG header")
    return Checked("PNG", *size, b"".join(kept))


def _check_jpeg(data):
    kept, size, scans, count = [b"\xff\xd8"], None, 0, 0
    position = 2
    while position < len(data):
        if data[position] != 0xFF or position + 1 >= len(data) or data[position + 1] in (0x00, 0xFF):
            # Not at a marker (fill bytes, or junk libjpeg would skip with a warning): find the next one.
            found = _JPEG_MARKER.search(data, position)
            if found is None:
                break
            position = found.start()
        marker = data[position + 1]
        if marker == _JPEG_EOI:
            break
        count += 1
        if count > MAX_SEGMENTS:
            raise _too_many_segments("segments")
        if marker in _JPEG_STANDALONE:
            kept.append(data[position:position + 2])
            position += 2
            continue
        if position + 4 > len(data):
            break
        end = position + 2 + struct.unpack_from(">H", data, position + 2)[0]
        if marker in _JPEG_FRAMES and end - position >= 9 and size is None and position + 9 <= len(data):
            height, width = struct.unpack_from(">HH", data, position + 5)
            size = (width, height)
            check_size(width, height)
        if marker == _JPEG_SOS:
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise TooLarge("image_too_complex", f"The JPEG has more than {MAX_JPEG_SCANS} scans; "
                                                    "no encoder writes that many.")
            found = _JPEG_MARKER.search(data, end)    # the scan's entropy-coded data runs to the next marker
            end = found.start() if found else len(data)
        # Comments and application data but Adobe's (which says how the colours are coded) are
        # metadata the reading never uses.
        if marker != _JPEG_COM and not (0xE0 <= marker <= 0xEF and marker != _JPEG_APP14):
            kept.append(data[position:end])
        position = end
    if size is None:
        raise unreadable("no JPEG frame header")
    return Checked("JPEG", *size, b"".join(kept) + b"\xff\xd9")


def _check_webp(data):
    size, position, count = None, 12, 0
    while position + 8 <= len(data):
        kind, length = struct.unpack_from("<4sI", data, position)
        payload = data[position + 8:position + 8 + length]
        count += 1
        if count > MAX_SEGMENTS:
            raise _too_many_segments("chunks")
        if size is None:
            size = _webp_size(kind, payload)
            if size:
                check_size(*size)     # the canvas is allocated when the file is opened
        position += 8 + length + (length & 1)
    if size is None:
        raise unreadable("no WebP image header")
    return Checked("WEBP", *size, data)


def _webp_size(kind, payload):
    if kind == b"VP8X" and len(payload) >= 10:
        return (int.from_bytes(payload[4:7], "little") + 1, int.from_bytes(payload[7:10], "little") + 1)
    if kind == b"VP8 " and len(payload) >= 10 and payload[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", payload, 6)
        return (width & 0x3FFF, height & 0x3FFF)
    if kind == b"VP8L" and len(payload) >= 5 and payload[0] == 0x2F:
        bits = int.from_bytes(payload[1:5], "little")
        return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    return None
