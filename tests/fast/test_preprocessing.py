"""From drawings to the 28x28 model input: invariance, polarity, alpha, image modes, blank input."""

import numpy as np
import pytest
from PIL import Image

from model.errors import BadInput, TooLarge
from model.preprocessing import decode_image, rasterize_strokes, to_mnist
from tests.support.encoders import encoded

# A "7" as two strokes, in units; drawings scale and move it.
SEVEN = [[[0, 0], [10, 0], [4, 14]], [[3, 7], [8, 7]]]


def seven(scale=15, dx=40, dy=40, width=20):
    strokes = [[[x * scale + dx, y * scale + dy] for x, y in stroke] for stroke in SEVEN]
    return to_mnist(rasterize_strokes(strokes, width))


def png(array, mode=None):
    return encoded(Image.fromarray(array, mode))


def correlation(a, b):
    """Pearson correlation of two 28x28 inputs, forgiving a one-pixel shift (the centring rounds)."""
    return max(float(np.corrcoef(np.roll(a, (dy, dx), axis=(0, 1)).ravel(), b.ravel())[0, 1])
               for dy in (-1, 0, 1) for dx in (-1, 0, 1))


@pytest.fixture(scope="module")
def reference():
    return seven().model_input


@pytest.mark.parametrize("drawing, min_correlation", [
    (dict(scale=5, dx=0, dy=0, width=20 / 3), 0.99),      # small, stroke scaled with it
    (dict(scale=30, dx=500, dy=900, width=40), 0.99),      # large and far off-centre
    (dict(dx=3, dy=170), 0.99),                             # off-centre on the canvas
    (dict(width=14), 0.95),                                 # thin
    (dict(width=28), 0.8),                                  # thick
])
def test_same_stroke_gives_nearly_the_same_input(reference, drawing, min_correlation):
    assert correlation(seven(**drawing).model_input, reference) > min_correlation


def test_mnist_recipe_fits_20x20_and_centres_the_mass():
    result = seven(scale=40, width=30)
    assert max(result.steps["fitted"].shape) == 20
    assert result.steps["centred"].shape == (28, 28)
    x = result.model_input
    assert x.dtype == np.float32 and x.shape == (28, 28) and 0 <= x.min() and x.max() <= 1
    rows, cols = np.indices(x.shape)
    assert abs((rows * x).sum() / x.sum() - 13.5) <= 0.6
    assert abs((cols * x).sum() / x.sum() - 13.5) <= 0.6
    # Anti-aliased, not binary: MNIST digits have grey edges.
    assert len(np.unique(result.steps["centred"])) > 10


def test_aspect_ratio_is_kept():
    tall = to_mnist(rasterize_strokes([[[50, 0], [50, 200]]], 20))
    height, width = tall.steps["fitted"].shape
    assert height == 20 and width <= 4


def canvas_ink():
    """The 7 as ink on a 280x280 canvas (0 = paper)."""
    return rasterize_strokes([[[x * 15 + 40, y * 15 + 40] for x, y in s] for s in SEVEN], 20)


@pytest.mark.parametrize("encode", [
    pytest.param(lambda ink: png(255 - ink), id="black ink on white"),
    pytest.param(lambda ink: png(ink), id="white ink on black"),
    pytest.param(lambda ink: png(np.dstack([np.zeros_like(ink)] * 3 + [ink])), id="browser canvas: black ink, alpha"),
    pytest.param(lambda ink: png(np.dstack([np.full_like(ink, 255)] * 3 + [ink])), id="white ink, alpha"),
    pytest.param(lambda ink: png(np.dstack([255 - ink] * 3)), id="RGB black on white"),
    pytest.param(lambda ink: png(np.dstack([255 - ink, np.full_like(ink, 255)]), "LA"), id="grey+alpha opaque"),
    pytest.param(lambda ink: png(np.dstack([np.zeros_like(ink), ink]), "LA"), id="grey+alpha transparent"),
    pytest.param(lambda ink: png(((255 - ink.astype(np.uint16)) * 257).astype(np.uint16)), id="16-bit"),
    pytest.param(lambda ink: png(ink > 127), id="1-bit"),
    pytest.param(lambda ink: encoded(Image.fromarray(255 - ink).convert("P")), id="palette"),
    pytest.param(lambda ink: encoded(Image.fromarray(np.clip(250 - ink.astype(int), 0, 255).astype(np.uint8)), "JPEG",
                                      quality=90), id="JPEG off-white"),
    pytest.param(lambda ink: encoded(Image.fromarray(255 - ink), "WEBP", lossless=True), id="WebP"),
])
def test_every_polarity_and_mode_reads_the_same(encode):
    ink = canvas_ink()
    expected = to_mnist(ink).model_input
    got = to_mnist(decode_image(encode(ink))).model_input
    assert correlation(got, expected) > 0.97


@pytest.mark.parametrize("rgb", [0, 255])
def test_transparent_background_never_turns_to_ink(rgb):
    """Fully transparent pixels are paper whatever colour they store."""
    ink = canvas_ink()
    rgba = np.zeros(ink.shape + (4,), np.uint8)
    rgba[..., :3] = rgb
    assert to_mnist(decode_image(png(rgba))).blank
    rgba[..., 3] = ink  # now draw the 7 in that colour
    assert correlation(to_mnist(decode_image(png(rgba))).model_input, to_mnist(ink).model_input) > 0.97


def test_palette_with_transparency():
    ink = canvas_ink()
    image = Image.fromarray(np.where(ink > 127, 0, 255).astype(np.uint8)).convert("P")
    got = to_mnist(decode_image(encoded(image, transparency=255)))  # the white paper is transparent
    assert correlation(got.model_input, to_mnist(ink).model_input) > 0.95


@pytest.mark.parametrize("image", [
    np.full((280, 280), 255, np.uint8),                 # white page
    np.zeros((280, 280), np.uint8),                     # black page
    np.full((1, 1), 0, np.uint8),                       # 1x1
])
def test_blank_images_are_nothing_drawn(image):
    assert to_mnist(decode_image(png(image))).blank


def test_a_speck_is_nothing_drawn():
    page = np.full((280, 280), 255, np.uint8)
    page[100:102, 100:102] = 0
    assert to_mnist(decode_image(png(page))).blank
    assert to_mnist(rasterize_strokes([], 20)).blank


def test_animated_gif_reads_its_first_frame():
    ink = canvas_ink()
    frames = [Image.fromarray(255 - ink), Image.fromarray(np.full_like(ink, 255))]
    assert not to_mnist(decode_image(encoded(frames[0], "GIF", save_all=True, append_images=frames[1:]))).blank


@pytest.mark.parametrize("data, code", [
    (b"", "empty_image"),
    (b"<html>not an image</html>", "invalid_image"),
    (png(np.zeros((50, 50), np.uint8))[:60], "invalid_image"),
])
def test_unreadable_images_are_refused(data, code):
    with pytest.raises(BadInput) as error:
        decode_image(data)
    assert error.value.code == code


def test_decompression_bomb_is_refused_from_the_header():
    bomb = encoded(Image.new("1", (12000, 12000)))
    assert len(bomb) < 50_000
    with pytest.raises(BadInput) as error:
        decode_image(bomb)
    assert error.value.code == "image_too_large" and isinstance(error.value, TooLarge)


@pytest.mark.parametrize("strokes, width", [
    ([[[0, 0], [float("nan"), 1]]], 20),
    ([[[0, 0], [float("inf"), 1]]], 20),
    ([[[0, 0], [1e12, 1]]], 20),
    ([[[0, 0, 0]]], 20),
    ([[]], 20),
    ("not a list", 20),
    ([[[0, 0], [1, 1]]], -3),
    ([[[0, 0], [1, 1]]], "wide"),
    ([[[i, i] for i in range(30_000)]], 20),
])
def test_bad_strokes_are_refused(strokes, width):
    with pytest.raises(BadInput):
        rasterize_strokes(strokes, width)
