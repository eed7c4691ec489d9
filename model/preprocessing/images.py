"""Image bytes -> ink: decode a PNG, JPEG or WebP within limits that bound its cost, and find its polarity.

Ink is a uint8 image, 0 = paper, 255 = full ink, whatever the image's colours: dark ink on white
paper, light ink on black, or a browser canvas whose transparent pixels are the paper.

Before any decoding, the file's structure is walked (``containers``): its format, the size it
claims, its JPEG scans and segments, PNG and WebP chunks are checked against limits that bound the
decoding cost, and the metadata the reading never uses is dropped.
"""

import io

import numpy as np
from PIL import Image

from model.errors import BadInput, TooLarge
from model.preprocessing.containers import check_image_file, check_size, unreadable


def decode_image(data):
    """Image bytes -> ink image. Raises ``BadInput`` for anything that is not a usable image."""
    if not data:
        raise BadInput("empty_image", "The image is empty.")
    checked = check_image_file(data)
    try:
        # Pillow's own decompression-bomb limit is process-wide (a host app's too) and far above
        # ours; the size was checked from the file's headers, and is checked again as Pillow reads it.
        image = Image.open(io.BytesIO(checked.data), formats=(checked.format,))
        check_size(*image.size)
        image.seek(0)  # animated images: the first frame
        image.load()
    except BadInput:
        raise
    except Image.DecompressionBombError:
        raise TooLarge("image_too_large", "The image claims too many pixels.") from None
    except Exception as error:  # Pillow raises many types for damaged files
        raise unreadable(type(error).__name__) from None
    return ink_from_image(image)


SAMPLED_PIXELS = 4096


def ink_from_image(image):
    """A decoded Pillow image -> ink. Detects polarity; a transparent background is never ink."""
    grey, alpha = _grey_and_alpha(image)
    if alpha is not None and alpha.min() < 250:
        opaque = alpha > 127
        if not opaque.any():
            return np.zeros_like(alpha)
        # The tones only decide polarity and paper: a sample of a few thousand pixels tells them as well
        # as every pixel would, at a fraction of the cost (the live path reads a 280x280 canvas per stroke).
        step = max(1, int((grey.size / SAMPLED_PIXELS) ** 0.5))
        sampled_grey, sampled_opaque = grey[::step, ::step], opaque[::step, ::step]
        shown = sampled_grey[sampled_opaque] if sampled_opaque.any() else grey[opaque]
        hidden_tone = float(np.median(sampled_grey[~sampled_opaque])) if not sampled_opaque.all() else None
        if hidden_tone is None or abs(float(np.median(shown)) - hidden_tone) < 64:
            # A browser canvas: transparent pixels store the ink's own colour (or none), so the
            # alpha channel is the ink, weighted by the colour's contrast with its paper.
            contrast = 255 - grey if shown.mean() < 128 else grey
            return (contrast.astype(np.uint16) * alpha // 255).astype(np.uint8)
        # Transparent pixels that keep a paper colour (a palette PNG with its white made
        # transparent): lay the image on that paper and read it as an opaque one.
        grey = ((grey.astype(np.uint32) * alpha + int(hidden_tone) * (255 - alpha.astype(np.uint32))) // 255
                ).astype(np.uint8)
    return _ink_from_grey(grey)


def _grey_and_alpha(image):
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode != "I" or values.max() > 255 else 255.0
        return np.clip(values / top * 255 + 0.5, 0, 255).astype(np.uint8), None
    if mode == "F":
        values = np.nan_to_num(np.asarray(image, dtype=np.float64))
        top = 1.0 if values.max() <= 1.0 else 255.0
        return np.clip(values / top * 255 + 0.5, 0, 255).astype(np.uint8), None
    if mode in ("L", "1"):
        return np.asarray(image.convert("L")), None
    has_alpha = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        return np.asarray(rgba.convert("L")), np.asarray(rgba.getchannel("A"))
    return np.asarray(image.convert("L")), None


def _ink_from_grey(grey):
    """Greyscale -> ink: the paper is the commoner tone at the border; its level becomes 0."""
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    paper = int(np.median(border))
    if paper >= 128:
        ink = 255 - grey.astype(np.int32)
        paper = 255 - paper
    else:
        ink = grey.astype(np.int32)
    if paper > 0:
        ink = (ink - paper) * 255 // max(255 - paper, 1)
    return np.clip(ink, 0, 255).astype(np.uint8)
