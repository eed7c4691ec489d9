"""The explanation panels' views, with the real model: inside the network, robustness, counterfactual;
and a forged or failing request shows a message in its panel only."""

import numpy as np
import pytest
from dash import html

from dashboard.components.explanations import (activations_view, chosen_channel, counterfactual_view,
                                               explained_input, explained_value, guarded, robustness_view)
from tests.support.layouts import texts
from tests.support.pad import pad_drawing
from training.drawings import SAMPLES


@pytest.fixture(scope="module")
def seven(reader):
    return reader.read_strokes(pad_drawing(SAMPLES[7])["strokes"], 20)


@pytest.fixture(scope="module")
def request_for_seven(seven):
    return explained_value(seven)


def test_the_explained_value_carries_the_model_input_to_the_panels(seven, request_for_seven):
    model_input, digit, target = explained_input(request_for_seven)
    assert digit == 7 and target == 7
    np.testing.assert_allclose(model_input, seven.model_input, atol=1 / 255)


@pytest.mark.parametrize("forged", [None, "x", {"pixels": [1] * 10, "digit": 7}, {"pixels": [300] * 784, "digit": 7},
                                    {"pixels": [0] * 784, "digit": 12}, {"pixels": [0.5] * 784, "digit": 7}])
def test_a_forged_request_is_a_message_in_the_panel(reader, forged):
    view = guarded(robustness_view, reader, forged) if forged is not None else guarded(robustness_view, reader, None)
    assert isinstance(view, html.P)


def test_inside_the_network_shows_every_layer_and_the_chosen_channel(reader, request_for_seven):
    sprites, explorer = guarded(activations_view, reader, request_for_seven, {"layer": 2, "channel": 5}, "store")
    assert len(sprites.children) == 7
    assert all(figure.children[0].src.startswith("data:image/png;base64,") for figure in sprites.children)
    assert "Channel 6 of 32" in texts(explorer)
    assert any(text.startswith("conv 3") and "values" in text for text in texts(explorer))


def test_a_forged_channel_means_the_first(reader, request_for_seven):
    layers = reader.activations(explained_input(request_for_seven)[0])
    for forged in (None, {"layer": 99, "channel": 0}, {"layer": 1, "channel": -1}, {"layer": True}, "3"):
        assert chosen_channel(forged, layers)[1] == 0
    assert chosen_channel({"layer": 6, "channel": 127}, layers) == (6, 127)


def test_robustness_shows_every_axis_and_marks_the_drawing_as_it_is(reader, request_for_seven):
    table = robustness_view(reader, *explained_input(request_for_seven)).children
    rows = table.children[1].children
    assert len(rows) == 5
    unchanged = [cell for row in rows for cell in row.children[1:] if "as-drawn" in cell.className]
    assert len(unchanged) == 5 and all(cell.children[1].children == "7" for cell in unchanged)


def test_the_counterfactual_asks_for_another_class_first(reader, request_for_seven):
    view = counterfactual_view(reader, *explained_input(request_for_seven))
    assert isinstance(view, html.P) and "Choose another class" in view.children


def test_the_counterfactual_edits_toward_the_chosen_class(reader, request_for_seven):
    model_input, digit, _ = explained_input(request_for_seven)
    images, verdict = counterfactual_view(reader, model_input, digit, 1)
    assert len(images.children) == 3
    assert verdict.children.startswith("The model reads 1")
