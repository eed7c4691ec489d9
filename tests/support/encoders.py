"""Images as a client sends them: any array or Pillow image encoded in any format, data URLs,
MNIST digits as the drawing pad's PNG, and PNGs crafted to claim whatever size a test needs."""

import base64
import io
import struct
import zlib

import numpy as np
from PIL import Image


def encoded(image, format="PNG", **save_options):
    """A Pillow image or a uint8/uint16/bool array -> the bytes of that image in ``format``."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    buffer = io.BytesIO()
    image.save(buffer, format, **save_options)
    return buffer.getvalue()


def data_url(data, media_type="image/png"):
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def canvas_png(mnist_pixels, side=280, transparent=False):
    """An MNIST digit as a drawing pad sends it, ``side`` pixels square: dark ink on white, or with
    ``transparent`` as a browser canvas exports it (black ink whose alpha is the ink)."""
    pixels = np.asarray(mnist_pixels, np.uint8)
    if transparent:
        alpha = _resized(pixels, side)
        return encoded(np.dstack([np.zeros_like(alpha)] * 3 + [alpha]))
    return encoded(_resized(255 - pixels, side))


def _resized(pixels, side):
    return np.asarray(Image.fromarray(pixels).resize((side, side), Image.Resampling.BILINEAR))


def crafted_png(width, height, bit_depth=8, colour_type=0, idat=b""):
    """A PNG whose header claims ``width`` x ``height`` pixels; a few hundred bytes whatever it claims."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", idat or zlib.compress(b"\x00" * 4096, 9)) + chunk(b"IEND", b""))
