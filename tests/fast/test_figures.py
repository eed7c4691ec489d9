"""The figure and image builders and the reading view: pure functions, data in, plain figure dicts,
PNG data URLs and view values out."""

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from dashboard.components import figures, images
from dashboard.components.drawing_pad import PAD_SIDE, WHITE_PAGE
from dashboard.components.reading_panel import clicked_digit, render_reading, saliency_caption, verdict
from dashboard.tabs.errors.gallery import as_digit, clicked_cell
from model.reading import Reading, Status


def decode(data_url):
    assert data_url.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))))


def plain_json(figure):
    """Figures must be plain data: the standard library encodes them, no numpy or Plotly encoder needed."""
    return json.loads(json.dumps(figure))


def test_png_data_url_round_trips_pixels():
    pixels = np.arange(28 * 28, dtype=np.uint16).reshape(28, 28).astype(np.uint8)
    assert np.array_equal(decode(images.png_data_url(pixels)), pixels)


def test_model_input_is_shown_as_the_model_sees_it():
    model_input = np.zeros((28, 28), np.float32)
    model_input[10:20, 14] = 1.0
    shown = decode(images.image_url(model_input))
    assert shown.shape == (28, 28)
    assert shown[15, 14] == 255 and shown[0, 0] == 0


def test_large_steps_are_shrunk_keeping_their_aspect_and_small_ones_kept():
    ink = np.zeros((300, 150), np.uint8)
    assert decode(images.image_url(ink, 84)).shape == (84, 42)
    assert decode(images.image_url(np.zeros((20, 12), np.uint8), 84)).shape == (20, 12)


def test_white_page_is_a_white_pad_sized_png():
    page = decode(WHITE_PAGE)
    assert page.shape == (PAD_SIDE, PAD_SIDE) and page.all()


def test_saliency_colours_push_toward_rose_and_away_blue_over_pale_paper():
    model_input = np.zeros((28, 28), np.float32)
    saliency = np.zeros((28, 28), np.float32)
    saliency[5, 5], saliency[6, 6] = 1.0, -1.0
    rgb = images.saliency_rgb(model_input, saliency)
    assert rgb.shape == (28, 28, 3) and rgb.dtype == np.uint8
    red, green, blue = rgb[5, 5].astype(int)
    assert red > 200 and red > blue + 100
    red, green, blue = rgb[6, 6].astype(int)
    assert blue > 200 and blue > red + 100
    assert (rgb[0, 0] == 255).all()                     # no saliency: plain paper


def test_saliency_of_a_flat_map_is_just_the_input():
    model_input = np.zeros((28, 28), np.float32)
    model_input[14, 14] = 1.0
    rgb = images.saliency_rgb(model_input, np.zeros((28, 28), np.float32))
    assert rgb[14, 14, 0] < rgb[0, 0, 0] == 255


def test_probability_figure_highlights_the_prediction_and_outlines_the_explained_class():
    probabilities = np.array([0.01, 0.02, 0.0, 0.05, 0.0, 0.0, 0.0, 0.9, 0.02, 0.0], np.float32)
    figure = plain_json(figures.probability_figure(probabilities, predicted=7, target=3))
    bars = figure["data"][0]
    assert bars["x"] == list(range(10))
    assert bars["y"] == pytest.approx(probabilities.tolist(), abs=1e-4)
    assert [i for i, colour in enumerate(bars["marker"]["color"]) if colour == figures.ACCENT] == [7]
    assert bars["marker"]["line"]["width"] == [0, 0, 0, 3, 0, 0, 0, 0, 0, 0]
    assert bars["text"][7] == "90%" and bars["text"][2] == ""


def test_explaining_the_prediction_itself_outlines_nothing():
    assert figures.bar_outline(7, 7) == [0] * 10
    assert figures.bar_outline(7, None) == [0] * 10


def test_confusion_figure_writes_every_count_and_splits_diagonal_from_mistakes():
    matrix = np.arange(100).reshape(10, 10)
    correct, mistakes = plain_json(figures.confusion_figure(matrix.tolist()))["data"]
    for t in range(10):
        for p in range(10):
            mine, other = (correct, mistakes) if t == p else (mistakes, correct)
            assert mine["text"][t][p] == (str(matrix[t, p]) if matrix[t, p] else "")
            assert mine["z"][t][p] == pytest.approx(np.log1p(matrix[t, p]), abs=1e-3)
            assert other["z"][t][p] is None


def test_per_class_accuracy_figure_shows_each_class():
    accuracy = [0.99, 0.995, 0.98, 0.97, 0.985, 0.99, 0.992, 0.96, 0.975, 0.97]
    figure = plain_json(figures.per_class_accuracy_figure(accuracy))
    assert figure["data"][0]["y"] == pytest.approx(accuracy)
    low, high = figure["layout"]["yaxis"]["range"]
    assert low < 0.96 and high == 1.0


def test_training_curves_plot_loss_and_accuracy_for_training_and_validation():
    curves = {"loss": [0.5, 0.2, 0.1], "val_loss": [0.3, 0.15, 0.12],
              "accuracy": [0.9, 0.95, 0.97], "val_accuracy": [0.93, 0.96, 0.975], "learning_rate": [1e-3] * 3}
    traces = plain_json(figures.training_curves_figure(curves))["data"]
    by_axis = {(trace["yaxis"], trace["name"]): trace["y"] for trace in traces}
    assert by_axis == {("y", "training"): curves["loss"], ("y", "validation"): curves["val_loss"],
                       ("y2", "training"): curves["accuracy"], ("y2", "validation"): curves["val_accuracy"]}
    assert traces[0]["x"] == [1, 2, 3]


def test_training_curves_of_a_report_without_curves_are_empty():
    assert all(trace["y"] == [] for trace in figures.training_curves_figure({})["data"])


# ---------------------------------------------------------------- the reading view

def test_blank_reading_says_nothing_drawn():
    view = render_reading(Reading(Status.BLANK), "vanilla")
    assert view["verdict"] == "nothing drawn" and view["card_class"].endswith("blank")
    assert decode(view["model_input"]).max() == 0


def test_uncertain_reading_says_not_sure_and_names_the_two_candidates():
    probabilities = np.array([0, 0, 0, 0, 0.45, 0, 0, 0, 0, 0.4], np.float32)
    probabilities[0] = 1 - probabilities.sum()
    reading = Reading(Status.UNCERTAIN, digit=4, confidence=0.45, probabilities=probabilities, target=4)
    text = verdict(reading)
    assert text.startswith("not sure") and "4 (45%)" in text and "9 (40%)" in text


def test_confident_reading_never_rounds_up_to_certainty():
    probabilities = np.zeros(10, np.float32)
    probabilities[3] = 0.99996
    assert verdict(Reading(Status.OK, digit=3, confidence=0.99996, probabilities=probabilities)) == "over 99.9% sure"
    assert verdict(Reading(Status.OK, digit=3, confidence=0.931, probabilities=probabilities)) == "93.1% sure"


def test_saliency_caption_names_the_class_and_the_method():
    reading = Reading(Status.OK, digit=7, confidence=0.9, target=7)
    assert saliency_caption(reading, "smoothgrad") == "Why 7? SmoothGrad"
    reading.target = 1
    assert saliency_caption(reading, "integrated_gradients") == "Why 1, not 7? Integrated Gradients"


@pytest.mark.parametrize("click, digit", [
    ({"points": [{"x": 3, "y": 0.2}]}, 3),
    ({"points": [{"x": 0}]}, 0),
    ({"points": [{"x": 10}]}, None),
    ({"points": [{"x": True}]}, None),
    ({"points": [{"x": "3"}]}, None),
    ({"points": []}, None),
    ("garbage", None),
    (None, None),
])
def test_clicked_digit_reads_only_a_real_bar(click, digit):
    assert clicked_digit(click) == digit


@pytest.mark.parametrize("click, cell", [
    ({"points": [{"x": 5, "y": 3, "z": 1.2}]}, (3, 5)),
    ({"points": [{"x": 4, "y": 4}]}, (4, 4)),
    ({"points": [{"x": 4, "y": None}]}, None),
    ({"points": [{"x": -1, "y": 2}]}, None),
    ({"points": "nope"}, None),
    (None, None),
])
def test_clicked_cell_is_true_row_and_predicted_column(click, cell):
    assert clicked_cell(click) == cell


@pytest.mark.parametrize("value, digit", [(0, 0), (9, 9), (None, None), (10, None), ("3", None), (False, None)])
def test_filter_values_are_digits_or_any(value, digit):
    assert as_digit(value) == digit
