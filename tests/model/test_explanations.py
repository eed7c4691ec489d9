"""Inside the network, robustness probes and counterfactuals (model/explain/), on the shipped model."""

import numpy as np
import pytest

from model.errors import BadInput
from model.explain.activations import LayerActivations, sprite
from model.explain.robustness import ROTATIONS, SCALES, SHIFTS, THICKNESS
from tests.support.encoders import canvas_png
from training.drawings import drawing_set

DRAWN_PER_DIGIT = 2    # drawn digits per class for the counterfactual rates: 20 drawings, 180 targets


@pytest.fixture(scope="module")
def drawn(reader):
    """Model inputs of drawn digits (the frozen report half of training.drawings), with their readings."""
    drawings = drawing_set("digits-report")
    chosen = [[d for d in drawings if d.digit == digit][:DRAWN_PER_DIGIT] for digit in range(10)]
    return [reader.read_strokes(d.strokes, d.width, methods=()) for per_digit in chosen for d in per_digit]


@pytest.fixture(scope="module")
def mnist_inputs(mnist_test):
    images, labels = mnist_test
    return [images[i].astype(np.float32) / 255 for i in range(6)], labels[:6]


def keras_probabilities(reader, images):
    return np.asarray(reader.classifier.keras_model(np.asarray(images, np.float32)[..., None], training=False))


# ---------------------------------------------------------------- inside the network

def test_activations_of_every_conv_layer(reader, mnist_inputs):
    import keras

    layers = reader.activations(mnist_inputs[0][0])
    convs = [layer for layer in reader.classifier.keras_model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert len(layers) == len(convs) == 7
    for layer, conv in zip(layers, convs):
        _, height, width, channels = conv.output.shape
        assert layer.maps.shape == (channels, height, width) and layer.maps.dtype == np.float32
        assert np.isfinite(layer.maps).all() and layer.low >= 0 and layer.high > 0     # post-ReLU
        assert f"{conv.filters} channels" in layer.name
    assert [layer.maps.shape[1] for layer in layers] == [26, 24, 12, 10, 8, 4, 1]


def test_activations_are_what_keras_computes(reader, mnist_inputs):
    """The last layer's 128 values are the embedding the logits layer reads: logits = dense(them)."""
    image = mnist_inputs[0][0]
    last = reader.activations(image)[-1].maps.reshape(-1)
    dense = reader.classifier.keras_model.get_layer("logits")
    logits = last @ np.asarray(dense.kernel) + np.asarray(dense.bias)
    expected = reader.classifier.logits(image[None])[0]
    np.testing.assert_allclose(logits, expected, atol=1e-4)


def test_activations_change_with_the_input(reader, mnist_inputs):
    (first, second), (label_1, label_2) = mnist_inputs[0][:2], mnist_inputs[1][:2]
    assert label_1 != label_2
    for a, b in zip(reader.activations(first), reader.activations(second)):
        assert not np.allclose(a.maps, b.maps)
    np.testing.assert_array_equal(reader.activations(first)[2].maps, reader.activations(first)[2].maps)


def test_a_layer_as_one_sprite():
    maps = np.zeros((10, 4, 3), np.float32)
    maps[3, 1, 2] = 2.0
    maps[9] = 1.0
    layer = LayerActivations("test", maps)
    grid = sprite(layer, columns=4, gap=1)
    assert grid.shape == (3 * 5 - 1, 4 * 4 - 1) and grid.dtype == np.uint8
    assert grid[0 * 5 + 1, 3 * 4 + 2] == 255                      # channel 3: row 0, column 3
    assert (grid[2 * 5:2 * 5 + 4, 1 * 4:1 * 4 + 3] == 128).all()  # channel 9 at half the layer's top
    assert grid.sum() == 255 + 128 * 12
    assert layer.channel_range(3) == (0.0, 2.0) and (layer.low, layer.high) == (0.0, 2.0)


# ---------------------------------------------------------------- robustness

def test_the_unchanged_variants_are_the_plain_reading(reader, drawn, mnist_inputs):
    readings = drawn[::4] + [reader.read_pixels(np.round(image * 255).astype(np.uint8), methods=())
                             for image in mnist_inputs[0][:3]]
    for reading in readings:
        probe = reader.robustness(reading.model_input)
        for axis, unchanged in (("rotation", 0), ("scale", 1.0), ("thickness", 0), ("shift", [0, 0])):
            row = probe[axis].values.index(unchanged)
            np.testing.assert_array_equal(probe[axis].images[row], reading.model_input)
            np.testing.assert_allclose(probe[axis].probabilities[row], reading.probabilities, atol=1e-5)
            assert probe[axis].digits[row] == reading.digit


def test_robustness_axes_and_their_shapes(reader, mnist_inputs):
    probe = reader.robustness(mnist_inputs[0][0])
    assert list(probe.axes) == ["rotation", "scale", "thickness", "shift"]
    assert probe["rotation"].values == list(ROTATIONS) and min(ROTATIONS) == -30 and max(ROTATIONS) == 30
    assert probe["scale"].values == list(SCALES) and SCALES[0] == 0.7 and SCALES[-1] == 1.3
    assert probe["thickness"].values == list(THICKNESS)
    assert probe["shift"].values == [list(shift) for shift in SHIFTS]
    assert max(abs(v) for shift in SHIFTS for v in shift) == 4
    for axis in probe.axes.values():
        assert axis.probabilities.shape == (len(axis.values), 10) and axis.images.shape == (len(axis.values), 28, 28)
        np.testing.assert_allclose(axis.probabilities.sum(axis=1), 1, rtol=1e-5)
        assert np.isfinite(axis.images).all() and axis.images.min() >= 0 and axis.images.max() <= 1 + 1e-6


def test_robustness_probabilities_are_the_models_for_each_variant(reader, mnist_inputs):
    probe = reader.robustness(mnist_inputs[0][1])
    for axis in probe.axes.values():
        np.testing.assert_allclose(axis.probabilities, keras_probabilities(reader, axis.images), atol=1e-5)


def test_shifts_move_the_input_by_whole_pixels(reader, mnist_inputs):
    image = mnist_inputs[0][2]
    shifts = reader.robustness(image)["shift"]
    for (dx, dy), moved in zip(shifts.values, shifts.images):
        expected = np.zeros_like(image)
        expected[max(dy, 0):28 + min(dy, 0), max(dx, 0):28 + min(dx, 0)] = \
            image[max(-dy, 0):28 + min(-dy, 0), max(-dx, 0):28 + min(-dx, 0)]
        np.testing.assert_allclose(moved, expected, atol=1e-6)


def test_rotation_is_anticlockwise_and_scale_about_the_centre(reader):
    bar = np.zeros((28, 28), np.float32)
    bar[13:15, 6:22] = 1.0                         # a horizontal bar through the centre
    probe = reader.robustness(bar)
    turned = probe["rotation"].images[probe["rotation"].values.index(30)]
    rows, columns = np.nonzero(turned > 0.5)
    assert np.corrcoef(columns, rows)[0, 1] < -0.9  # its right end went up (rows grow downwards)
    for scale, image in zip(probe["scale"].values, probe["scale"].images):
        columns = np.nonzero(image.max(axis=0) > 0.5)[0]
        assert abs((columns[-1] - columns[0] + 1) - 16 * scale) <= 2
        assert abs(np.average(np.arange(28), weights=image.sum(axis=0)) - 13.5) < 0.1


def test_thickness_goes_from_thinner_to_thicker(reader, mnist_inputs):
    for image in mnist_inputs[0]:
        thickness = reader.robustness(image)["thickness"]
        ink = [float((variant > 0.5).sum()) for variant in thickness.images]
        assert ink == sorted(ink) and ink[0] < ink[2] < ink[-1], ink
        assert all(variant.max() == pytest.approx(image.max(), abs=1e-6) for variant in thickness.images)


# ---------------------------------------------------------------- counterfactuals

@pytest.fixture(scope="module")
def counterfactuals(reader, drawn):
    return [reader.counterfactual(reading.model_input, target)
            for reading in drawn for target in range(10) if target != reading.digit]


def test_counterfactuals_are_read_as_their_targets_by_the_keras_model(reader, counterfactuals):
    answers = keras_probabilities(reader, [cf.image for cf in counterfactuals]).argmax(axis=1)
    rate = float(np.mean(answers == [cf.target for cf in counterfactuals]))
    assert rate >= 0.9, f"{rate:.1%} of {len(counterfactuals)} counterfactuals read as their target"
    assert [cf.reached for cf in counterfactuals] == list(answers == [cf.target for cf in counterfactuals])


def test_half_the_counterfactuals_read_as_digits_through_the_whole_pipeline(reader, counterfactuals):
    """Drawn back as a pad-sized PNG and read like any drawing: the target, and no "not a digit"."""
    passed = 0
    for cf in counterfactuals:
        reading = reader.read_image(canvas_png(np.round(cf.image * 255).astype(np.uint8)), methods=())
        passed += reading.digit == cf.target and str(reading.status) != "not_a_digit"
    assert passed >= 0.5 * len(counterfactuals), f"{passed} of {len(counterfactuals)}"


def test_a_counterfactual_is_an_edit_of_its_original(reader, drawn, counterfactuals):
    originals = [reading.model_input for reading in drawn for target in range(10) if target != reading.digit]
    for cf, original in zip(counterfactuals, originals):
        np.testing.assert_array_equal(cf.original, original)
        assert cf.image.shape == (28, 28) and cf.image.min() >= 0 and cf.image.max() <= 1
        np.testing.assert_allclose(cf.original + cf.added - cf.removed, cf.image, atol=1e-6)
        assert cf.changed_pixels == np.count_nonzero(cf.added + cf.removed) > 0
        assert np.abs(cf.image - cf.original)[cf.image != cf.original].min() >= 0.1   # only visible changes
        assert cf.probability == pytest.approx(cf.probabilities[cf.target]) and cf.steps <= 20
    assert np.median([cf.changed_pixels for cf in counterfactuals]) < 28 * 28 / 3


def test_the_answer_itself_needs_no_change(reader, drawn):
    reading = next(r for r in drawn if r.confidence > 0.99)
    cf = reader.counterfactual(reading.model_input, reading.digit)
    assert cf.changed_pixels == 0 and cf.reached
    np.testing.assert_array_equal(cf.image, reading.model_input)


@pytest.mark.parametrize("target", [-1, 10, 3.0, "3", True, None])
def test_a_counterfactual_target_must_be_a_digit(reader, mnist_inputs, target):
    with pytest.raises(BadInput) as raised:
        reader.counterfactual(mnist_inputs[0][0], target)
    assert raised.value.code == "invalid_counterfactual"


def test_a_blank_reading_has_nothing_to_explain(reader):
    blank = reader.read_strokes([])
    assert blank.blank
    for explain in (reader.activations, reader.robustness, lambda x: reader.counterfactual(x, 3)):
        with pytest.raises(BadInput) as raised:
            explain(blank.model_input)
        assert raised.value.code == "nothing_drawn"
