"""Images as the browser shows them: tiny PNG data URLs, scaled up by the browser
(``image-rendering: pixelated``); model inputs and ink as the model sees them; saliency over the input.
"""

import base64
import io

import numpy as np
from PIL import Image

# A diverging pair that colour-blind eyes tell apart (blue-orange, with a clear difference in lightness),
# each at least 3:1 against the white paper; tests/fast/test_palette.py checks both under simulated
# deuteranopia, protanopia and tritanopia, against the paper and the grey ink.
FOR_CLASS = np.array([230, 97, 1], np.float32)       # saliency pushing toward the class: orange #e66101
AGAINST_CLASS = np.array([8, 48, 107], np.float32)   # ... and away from it: navy #08306b


def png_data_url(pixels):
    """uint8 (H, W) or (H, W, 3) -> PNG data URL (fastest compression: they are tiny)."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels, np.uint8)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def as_uint8(image):
    """A model input in [0, 1] or an ink image in 0..255 -> uint8, white ink on black as the model sees it."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        image = np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8)
    return image


def shrink(image, max_side):
    """Scale a uint8 image down (never up) so its longer side is at most ``max_side``."""
    height, width = image.shape[:2]
    if max(height, width) <= max_side:
        return image
    factor = max_side / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.BOX))


def image_url(image, max_side=None):
    """An ink or model-input image as the model sees it -> PNG data URL, shrunk to ``max_side``."""
    image = as_uint8(image)
    return png_data_url(shrink(image, max_side) if max_side else image)


def saliency_rgb(model_input, saliency):
    """Signed saliency over the input: orange pixels push toward the class, navy ones away from it.

    The input is drawn as pale grey ink on white so the colours stay readable; the map is scaled
    by its 99th percentile, not its peak, because a few gradient spikes would wash the rest out.
    """
    paper = 255 - 70 * np.asarray(model_input, np.float32)
    saliency = np.asarray(saliency, np.float32)
    magnitude = np.abs(saliency)
    scale = np.percentile(magnitude, 99) or magnitude.max()   # a sparse map has a zero percentile
    strength = np.clip(saliency / scale, -1, 1) if scale > 0 else np.zeros_like(saliency)
    alpha = (np.abs(strength) * 0.95)[..., None]
    colour = np.where(strength[..., None] >= 0, FOR_CLASS, AGAINST_CLASS)
    rgb = paper[..., None] * (1 - alpha) + colour * alpha
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def saliency_url(model_input, saliency):
    return png_data_url(saliency_rgb(model_input, saliency))
