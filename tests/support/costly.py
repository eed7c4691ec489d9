"""Requests that are cheap to send and costly to answer (issue 8), built as an attacker would build them.

Shared by ``python -m benchmarks.abuse`` (what each one costs) and tests/web/test_abuse.py (that each
is refused, or reduced, before the expensive step). Every builder returns plain bytes or JSON-ready
values; nothing here talks to a server.
"""

import json
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw

from tests.support.encoders import encoded
from training.drawings import SAMPLES

PAD_SIDE = 280                          # the pad a normal drawing comes from, in pixels
NORMAL_STROKES = SAMPLES[7]             # a normal drawing: a 7, as the pad records it
NORMAL_WIDTH = 20                       # the pad's default brush


def pad_image(strokes=NORMAL_STROKES, width=NORMAL_WIDTH, side=PAD_SIDE):
    """The drawing as the pad shows it: black ink, round caps and joints, on white paper (mode L)."""
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        xy = [tuple(point) for point in stroke]
        draw.line(xy, fill=0, width=width, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=0)
    return image


def pad_png(**options):
    return encoded(pad_image(**options))


# ---------------------------------------------------------------- JPEG

def _segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _entropy_coded(bits):
    """A string of '0'/'1' -> entropy-coded bytes: padded with 1s, every 0xFF stuffed with 0x00."""
    bits += "1" * (-len(bits) % 8)
    data = int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""
    return data.replace(b"\xff", b"\xff\x00")


def scan_flood_jpeg(side=2000, scans=97_000):
    """A progressive greyscale JPEG, ``side`` pixels square, of one DC scan and ``scans`` AC scans.

    Each AC scan is ~14 bytes: one end-of-band run over every block. libjpeg walks all the image's
    blocks again for each scan, so the decoding cost is scans x blocks while the file stays tiny.
    """
    blocks = ((side + 7) // 8) ** 2
    quantisation = _segment(0xDB, b"\x00" + b"\x01" * 64)
    frame = _segment(0xC2, struct.pack(">BHHB", 8, side, side, 1) + b"\x01\x11\x00")
    dc_table = _segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")        # one code: category 0
    # The AC table's symbols are the 15 end-of-band runs EOB0..EOB14, each a 4-bit code.
    ac_table = _segment(0xC4, b"\x10" + bytes([0, 0, 0, 15] + [0] * 12) + bytes(n << 4 for n in range(15)))
    dc_scan = _segment(0xDA, b"\x01\x01\x00" + bytes([0, 0, 0])) + _entropy_coded("0" * blocks)
    runs, remaining = "", blocks
    while remaining:
        run = min(remaining, 32767)
        n = run.bit_length() - 1
        runs += format(n, "04b") + (format(run - (1 << n), f"0{n}b") if n else "")
        remaining -= run
    ac_scan = _segment(0xDA, b"\x01\x01\x00" + bytes([1, 63, 0])) + _entropy_coded(runs)
    return b"\xff\xd8" + quantisation + frame + dc_table + ac_table + dc_scan + ac_scan * scans + b"\xff\xd9"


def comment_flood_jpeg(comments=300_000):
    """The normal drawing as a JPEG with ``comments`` empty comment segments (4 bytes each) after SOI."""
    jpeg = encoded(pad_image(), "JPEG", quality=90)
    return jpeg[:2] + b"\xff\xfe\x00\x02" * comments + jpeg[2:]


# ---------------------------------------------------------------- PNG

def _chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png(width, height, idat_chunks, colour_type=0, before_idat=b""):
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + before_idat
            + b"".join(_chunk(b"IDAT", piece) for piece in idat_chunks) + _chunk(b"IEND", b""))


def text_flood_png(chunks=80_000):
    """The normal drawing as a PNG with ``chunks`` tiny tEXt chunks before its pixels."""
    pixels = np.asarray(pad_image())
    rows = zlib.compress(b"".join(b"\x00" + row.tobytes() for row in pixels), 9)
    return _png(PAD_SIDE, PAD_SIDE, [rows], before_idat=_chunk(b"tEXt", b"k\x00v") * chunks)


def split_idat_png(side=PAD_SIDE, piece=1, seed=0):
    """A ``side``-square PNG of noise (incompressible) whose pixel data is cut into ``piece``-byte IDAT chunks."""
    noise = np.random.default_rng(seed).integers(0, 256, (side, side), dtype=np.uint8)
    rows = zlib.compress(b"".join(b"\x00" + row.tobytes() for row in noise), 1)
    return _png(side, side, [rows[i:i + piece] for i in range(0, len(rows), piece)])


# ---------------------------------------------------------------- other formats

def rle_bmp(side=2000):
    """An 8-bit RLE-compressed BMP, ``side`` pixels square, of a few KB: each row one pixel and an
    end-of-line, which Pillow's pure-Python decoder pads one byte at a time."""
    rows = b"\x01\x00\x00\x00" * side + b"\x00\x01"
    palette = b"".join(bytes([v, v, v, 0]) for v in range(256))
    info = struct.pack("<IiiHHIIiiII", 40, side, side, 1, 8, 1, len(rows), 2835, 2835, 256, 0)
    offset = 14 + len(info) + len(palette)
    header = b"BM" + struct.pack("<IHHI", offset + len(rows), 0, 0, offset)
    return header + info + palette + rows


def specks_png(specks=5000, side=1000, seed=0):
    """A ``side``-square page of ``specks`` 2x2 specks: thousands of ink components to find and judge."""
    page = np.full((side, side), 255, np.uint8)
    for y, x in np.random.default_rng(seed).integers(0, side - 2, (specks, 2)):
        page[y:y + 2, x:x + 2] = 0
    return encoded(Image.fromarray(page))


def animated(format, frames, side=PAD_SIDE, **options):
    """The normal drawing followed by ``frames`` - 1 blank frames, animated in ``format`` (GIF, PNG, WEBP)."""
    first = pad_image(side=side)
    blank = Image.new("L", first.size, 255)
    return encoded(first, format, save_all=True, append_images=[blank] * (frames - 1), duration=40, **options)


# ---------------------------------------------------------------- strokes

def scribble(points, seed=0, side=PAD_SIDE, step=2.0):
    """A long scribble as a hand draws it: ``points`` points a few pixels apart, turning smoothly."""
    rng = np.random.default_rng(seed)
    heading = np.cumsum(rng.normal(0, 0.25, points))
    path = side / 2 + np.cumsum(np.c_[np.cos(heading), np.sin(heading)] * step, axis=0)
    # Fold the path back into the pad instead of letting it wander off.
    path = np.abs((path + side) % (2 * side) - side)
    return [np.round(path, 1).tolist()]


def zigzag(points, seed=0, side=PAD_SIDE):
    """``points`` points anywhere on the pad: every segment crosses the drawing."""
    return [np.round(np.random.default_rng(seed).uniform(0, side, (points, 2)), 1).tolist()]


def tight_points(points):
    """``points`` one-digit points: the cheapest bytes per point (about 6), e.g. 20,000 in 120 KB."""
    return [[[i % 10, (i * 3) % 10] for i in range(points)]]


def fabric_json(strokes, width=NORMAL_WIDTH):
    """The fabric.js JSON dash-canvas sent for ``strokes`` (before the pad sent strokes): paths of
    M, Q through midpoints and L, as its pencil makes them."""
    objects = []
    for points in strokes:
        path = [["M", *points[0]]]
        path += [["Q", *a, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2] for a, b in zip(points, points[1:])]
        path.append(["L", *points[-1]])
        objects.append({"type": "path", "path": path, "strokeWidth": width, "fill": None})
    return json.dumps({"version": "2.4.1", "objects": objects})


# ---------------------------------------------------------------- JSON

def hidden_arrays_json(arrays=300_000, encoding="utf-16-le"):
    """A JSON object in ``encoding`` with ``arrays`` empty arrays that a byte-level scan written for
    UTF-8 misses: the escaped quote's backslash is removed with the byte after it (a NUL), so the
    quote stays and every later string is read out of step, the arrays inside one."""
    text = '{"a": "\\"", "strokes": [' + ",".join(["[]"] * arrays) + '], "b": "x"}'
    return text.encode(encoding)


def deep_json(depth=5_000, encoding="utf-32-le"):
    """A JSON object in ``encoding`` holding arrays nested ``depth`` deep, hidden the same way."""
    text = '{"a": "\\"", "b": ' + "[" * depth + "]" * depth + ', "c": "x"}'
    return text.encode(encoding)


# ---------------------------------------------------------------- Dash callback requests

def split_output(output):
    """A callback's ``output`` string -> the ``outputs`` the renderer sends: one {id, property} or a list."""
    def one(text):
        component, prop = text.rsplit(".", 1)
        return {"id": json.loads(component) if component.startswith("{") else component, "property": prop}

    if output.startswith(".."):
        return [one(part) for part in output[2:-2].split("...")]
    return one(output)


def prop_id(component, prop):
    """Dash's name for a component's property: the id (a dict as sorted, compact JSON) and the property."""
    if isinstance(component, dict):
        component = json.dumps(component, sort_keys=True, separators=(",", ":"))
    return f"{component}.{prop}"


def is_pattern(dependency):
    return dependency["id"].startswith("{") and '["ALL' in dependency["id"]


def callback_body(dependency, values=None, changed=()):
    """The body the renderer sends to ``_dash-update-component`` for ``dependency`` (an entry of
    ``_dash-dependencies``): each input and state with its value from ``values`` (keyed by prop id;
    pattern-matching inputs take a list of {id, property, value}), and ``changedPropIds``."""
    values = values or {}

    def filled(items):
        return [values.get(prop_id(item["id"], item["property"]), []) if is_pattern(item) else
                {**item, "value": values.get(prop_id(item["id"], item["property"]))} for item in items]

    return {"output": dependency["output"], "outputs": split_output(dependency["output"]),
            "inputs": filled(dependency["inputs"]), "state": filled(dependency.get("state", [])),
            "changedPropIds": list(changed)}


def find_callback(dependencies, name):
    """The server-side callback (an entry of ``_dash-dependencies``; a clientside one is never posted) that
    has ``name`` (an ``id.property``) as an input, or else as a state."""
    server_side = [dependency for dependency in dependencies if not dependency.get("clientside_function")]
    for key in ("inputs", "state"):
        for dependency in server_side:
            if any(prop_id(item["id"], item["property"]) == name for item in dependency.get(key, [])):
                return dependency
    raise LookupError(f"no callback takes {name}")


def names(items):
    return [prop_id(item["id"], item["property"]) for item in items]
