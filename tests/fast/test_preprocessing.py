"""From drawings to the 28x28 model input: invariance, polarity, alpha, image modes, blank input."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from model.errors import BadInput, TooLarge, UnsupportedType
from model.preprocessing import decode_image, rasterize_strokes, to_mnist
from model.preprocessing.strokes import MAX_STROKE_POINTS, MAX_STROKES, _parse_strokes
from tests.support import costly
from tests.support.costly import PAD_SIDE, scribble, zigzag
from tests.support.encoders import encoded
from training.drawings import SAMPLES

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


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_animated_images_read_their_first_frame(format):
    ink = canvas_ink()
    frames = [Image.fromarray(255 - ink), Image.fromarray(np.full_like(ink, 255))]
    options = {"lossless": True} if format == "WEBP" else {}
    animated = encoded(frames[0], format, save_all=True, append_images=frames[1:], **options)
    assert correlation(to_mnist(decode_image(animated)).model_input, to_mnist(ink).model_input) > 0.97


@pytest.mark.parametrize("format", ["GIF", "BMP", "TIFF", "ICO"])
def test_formats_other_than_png_jpeg_and_webp_are_refused_as_such(format):
    """GIF and BMP were read until issue 8 (BMP's RLE decoder is pure Python): now refused as a type."""
    with pytest.raises(UnsupportedType) as error:
        decode_image(encoded(Image.fromarray(255 - canvas_ink()), format))
    assert error.value.code == "unsupported_image_format" and format[:3] in error.value.message


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


# ---------------------------------------------------------------- what drawing strokes may cost (issue 8)

def drawn_the_old_way(strokes, width, side=PAD_SIDE):
    """The reference: Pillow's own round joints at every point, round caps, 4x supersampled, no budget
    (on a pad with a margin of a brush width, so that nothing is cut off)."""
    canvas = Image.new("L", ((side + 2 * width) * 4,) * 2, 0)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        xy = [((x + width) * 4, (y + width) * 4) for x, y in stroke]
        draw.line(xy, fill=255, width=width * 4, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - width * 2, y - width * 2, x + width * 2, y + width * 2), fill=255)
    return np.asarray(canvas.reduce(4))


@pytest.mark.parametrize("strokes, width", [
    (SAMPLES[7], 20), (SAMPLES[0], 6), (SAMPLES[3], 40), (scribble(400, seed=3), 20), (zigzag(30, seed=2), 20),
])
def test_strokes_are_drawn_as_round_pen_strokes(strokes, width):
    """Discs only where a stroke turns enough to leave a gap: the ink is the round pen's all the same."""
    expected = to_mnist(drawn_the_old_way(strokes, width)).model_input
    assert correlation(to_mnist(rasterize_strokes(strokes, width)).model_input, expected) > 0.99


def test_a_drawing_that_would_paint_too_much_is_drawn_coarser():
    """5,000 points of scribble with the widest brush: drawn at a coarser scale, and still the same shape."""
    strokes = scribble(5000)
    coarse = rasterize_strokes(strokes, 40)
    assert coarse.shape[0] < PAD_SIDE / 2
    assert correlation(to_mnist(coarse).model_input, to_mnist(drawn_the_old_way(strokes, 40)).model_input) > 0.95
    assert rasterize_strokes(SAMPLES[7], 40).shape[0] > PAD_SIDE * 3 / 4      # a digit is drawn at full scale


@pytest.mark.parametrize("strokes, width", [(zigzag(2000), 280), (costly.tight_points(5000), 1000),
                                            (costly.tight_points(5000), 6)])
def test_strokes_that_would_paint_the_drawing_over_hundreds_of_times_are_refused(strokes, width):
    with pytest.raises(TooLarge) as error:
        rasterize_strokes(strokes, width)
    assert error.value.code == "strokes_too_costly" and "times" in error.value.message


def test_points_and_strokes_are_capped():
    with pytest.raises(TooLarge) as error:
        rasterize_strokes([[[i % 280, i % 13] for i in range(MAX_STROKE_POINTS + 1)]], 20)
    assert error.value.code == "too_many_points"
    with pytest.raises(TooLarge) as error:
        rasterize_strokes([[[i % 280, 5]] for i in range(MAX_STROKES + 1)], 20)
    assert error.value.code == "too_many_strokes"
    assert not to_mnist(rasterize_strokes([[[i % 280, i // 280 * 7]] for i in range(MAX_STROKES)], 20)).blank


def test_the_parsed_strokes_keep_their_shape():
    """``_parse_strokes`` (number segmentation reads strokes through it): one (n, 2) array and width each."""
    parsed = _parse_strokes([[[1, 2], [3, 4]], ([[5, 6]], 9)], 20)
    assert [(points.tolist(), width) for points, width in parsed] == [([[1, 2], [3, 4]], 20.0), ([[5, 6]], 9.0)]
