"""The API's explanation fields, "robustness" and "counterfactual", through a real HTTP server and the real model."""

import numpy as np
import pytest

from tests.support.encoders import canvas_png, data_url
from tests.support.http import assert_json_error, post_json, predict

SEVEN = {"strokes": [[[78, 56], [204, 56], [120, 244]]], "width": 22}


@pytest.fixture(scope="module")
def digit_png(mnist_test):
    images, labels = mnist_test
    return canvas_png(images[1]), int(labels[1])


def test_robustness_has_the_documented_shape(live_server, digit_png):
    body = predict(live_server, {"image": data_url(digit_png[0]), "robustness": True})
    robustness = body["robustness"]
    assert set(robustness) == {"rotation", "scale", "thickness", "shift"}
    for axis in robustness.values():
        assert set(axis) == {"values", "probabilities"} and len(axis["values"]) == len(axis["probabilities"]) > 1
        for probabilities in axis["probabilities"]:
            assert len(probabilities) == 10 and abs(sum(probabilities) - 1) < 1e-4
    assert robustness["rotation"]["values"][0] == -30 and robustness["rotation"]["values"][-1] == 30
    assert robustness["scale"]["values"][0] == 0.7 and robustness["scale"]["values"][-1] == 1.3
    assert robustness["thickness"]["values"] == [-2, -1, 0, 1, 2]
    assert all(len(shift) == 2 and max(map(abs, shift)) <= 4 for shift in robustness["shift"]["values"])
    # The unchanged variant is the plain reading.
    for axis, unchanged in (("rotation", 0), ("scale", 1.0), ("thickness", 0), ("shift", [0, 0])):
        row = robustness[axis]["values"].index(unchanged)
        np.testing.assert_allclose(robustness[axis]["probabilities"][row], body["probabilities"], atol=2e-5)


def test_counterfactual_has_the_documented_shape(live_server, reader, digit_png):
    png, label = digit_png
    target = (label + 1) % 10
    body = predict(live_server, {"image": data_url(png), "counterfactual": target})
    counterfactual = body["counterfactual"]
    assert set(counterfactual) == {"target", "image", "original", "probability", "changed_pixels", "reached"}
    assert counterfactual["target"] == target
    image, original = np.array(counterfactual["image"]), np.array(counterfactual["original"])
    assert image.shape == original.shape == (28, 28)
    assert image.min() >= 0 and image.max() <= 1 and original.min() >= 0 and original.max() <= 1
    assert counterfactual["changed_pixels"] == np.count_nonzero(image != original) > 0
    np.testing.assert_allclose(original, reader.read_image(png, methods=()).model_input, atol=1e-4)
    # The model, given the edited image as sent, answers the target with the probability sent.
    probabilities = reader.classifier.probabilities(image[None].astype(np.float32))[0]
    assert counterfactual["reached"] is bool(probabilities.argmax() == target)
    assert counterfactual["probability"] == pytest.approx(probabilities[target], abs=1e-3)
    assert counterfactual["reached"]


def test_both_at_once_and_with_a_saliency_map(live_server):
    body = predict(live_server, {**SEVEN, "robustness": True, "counterfactual": 1, "saliency": "vanilla"})
    assert {"robustness", "counterfactual", "saliency"} <= set(body) and body["counterfactual"]["target"] == 1


def test_explanations_only_when_asked_for(live_server):
    for payload in (SEVEN, {**SEVEN, "robustness": False}):
        body = predict(live_server, payload)
        assert "robustness" not in body and "counterfactual" not in body


def test_a_blank_drawing_has_nothing_to_explain(live_server):
    body = predict(live_server, {"strokes": [], "robustness": True, "counterfactual": 4})
    assert body["status"] == "blank" and body["robustness"] is None and body["counterfactual"] is None


@pytest.mark.parametrize("robustness", ["true", 1, 0, None, [], {}, [True]])
def test_robustness_must_be_a_boolean(live_server, robustness):
    # Refused before any decoding, whatever the drawing.
    for drawing in (SEVEN, {"strokes": []}, {"image": "data:image/png;base64,!!!"}):
        assert_json_error(post_json(live_server, {**drawing, "robustness": robustness}), 400, "invalid_robustness")


@pytest.mark.parametrize("counterfactual", [-1, 10, 3.0, "3", True, False, None, [3], {"target": 3}, 1e9])
def test_counterfactual_must_be_a_digit(live_server, counterfactual):
    for drawing in (SEVEN, {"strokes": []}, {"image": "data:image/png;base64,!!!"}):
        assert_json_error(post_json(live_server, {**drawing, "counterfactual": counterfactual}), 400, "invalid_counterfactual")
