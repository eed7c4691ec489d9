"""The figure and image builders and the reading view: pure functions, data in, plain figure dicts,
PNG data URLs and view values out."""

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from dashboard.components import figures, images
from dashboard.components.reading_panel import (ReadingPanel, announcement, bar_buttons, legend, percent,
                                                 render_reading, saliency_caption, verdict)
from dashboard.tabs.errors.gallery import as_digit
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


def test_saliency_colours_push_toward_orange_and_away_navy_over_pale_paper():
    model_input = np.zeros((28, 28), np.float32)
    saliency = np.zeros((28, 28), np.float32)
    saliency[5, 5], saliency[6, 6] = 1.0, -1.0
    rgb = images.saliency_rgb(model_input, saliency)
    assert rgb.shape == (28, 28, 3) and rgb.dtype == np.uint8
    # The strongest pixels are the palette's colours (95% over the paper); no saliency is plain paper.
    np.testing.assert_allclose(rgb[5, 5], 0.95 * images.FOR_CLASS + 0.05 * 255, atol=1)
    np.testing.assert_allclose(rgb[6, 6], 0.95 * images.AGAINST_CLASS + 0.05 * 255, atol=1)
    assert (rgb[0, 0] == 255).all()


def test_saliency_of_a_flat_map_is_just_the_input():
    model_input = np.zeros((28, 28), np.float32)
    model_input[14, 14] = 1.0
    rgb = images.saliency_rgb(model_input, np.zeros((28, 28), np.float32))
    assert rgb[14, 14, 0] < rgb[0, 0, 0] == 255


def test_confusion_figure_writes_every_count_and_splits_diagonal_from_mistakes():
    matrix = np.arange(100).reshape(10, 10)
    correct, mistakes = plain_json(figures.confusion_figure(matrix.tolist()))["data"]
    for t in range(10):
        for p in range(10):
            mine, other = (correct, mistakes) if t == p else (mistakes, correct)
            assert mine["text"][t][p] == (str(matrix[t, p]) if matrix[t, p] else "")
            assert mine["z"][t][p] == pytest.approx(np.log1p(matrix[t, p]), abs=1e-3)
            assert other["z"][t][p] is None


def test_per_class_figure_shows_each_digits_error_rate_from_zero():
    accuracy = [0.99, 0.995, 0.98, 0.97, 0.985, 0.99, 0.992, 0.96, 0.975, 0.97]
    figure = plain_json(figures.per_class_accuracy_figure(accuracy))
    assert figure["data"][0]["y"] == pytest.approx([1 - a for a in accuracy])
    assert figure["data"][0]["text"][7] == "4.0%"
    low, high = figure["layout"]["yaxis"]["range"]
    assert low == 0 and high > 0.04


def test_confusion_counts_stay_readable_on_their_cells():
    def luminance(hex_colour):
        c = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
        c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(c @ [0.2126, 0.7152, 0.0722])

    def contrast(a, b):
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    correct, mistakes = figures.confusion_figure(np.eye(10, dtype=int).tolist())["data"]
    for trace in (correct, mistakes):
        for _, colour in trace["colorscale"][1:]:     # every cell with a count
            assert contrast(colour, trace["textfont"]["color"]) >= 4.5


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

PANEL = ReadingPanel("test-")


def test_blank_reading_says_nothing_drawn():
    view = render_reading(Reading(Status.BLANK), "vanilla")
    assert view["verdict"] == "nothing drawn" and view["card_class"].endswith("blank")
    assert decode(view["model_input"]).min() == decode(view["model_input"]).max() > 200   # plain paper
    assert view["announcement"] == "Nothing drawn"


def test_uncertain_reading_says_not_sure_and_names_the_two_candidates():
    probabilities = np.array([0, 0, 0, 0, 0.45, 0, 0, 0, 0, 0.4], np.float32)
    probabilities[0] = 1 - probabilities.sum()
    reading = Reading(Status.UNCERTAIN, digit=4, confidence=0.45, probabilities=probabilities, target=4)
    text = verdict(reading)
    assert text.startswith("not sure") and "4 (45%)" in text and "9 (40%)" in text


def test_confident_reading_never_rounds_up_to_certainty():
    probabilities = np.zeros(10, np.float32)
    probabilities[3] = 0.99996
    assert verdict(Reading(Status.OK, digit=3, confidence=0.99996, probabilities=probabilities)) == ">99.9% sure"
    assert verdict(Reading(Status.OK, digit=3, confidence=0.931, probabilities=probabilities)) == "93% sure"


def test_the_announcement_says_the_verdict_in_one_sentence():
    probabilities = np.zeros(10, np.float32)
    probabilities[3] = 0.97
    assert announcement(Reading(Status.OK, digit=3, confidence=0.97, probabilities=probabilities)) == \
        "Read as 3, 97% sure"
    probabilities = np.array([0, 0, 0, 0, 0.45, 0, 0, 0, 0, 0.4], np.float32)
    text = announcement(Reading(Status.UNCERTAIN, digit=4, confidence=0.45, probabilities=probabilities))
    assert text.startswith("Read as 4, but not sure")


def test_the_legend_names_the_class_explained():
    texts = [part for part in legend(3) if isinstance(part, str)]
    assert texts == ["pushes toward 3", "pushes away from 3"]


def test_saliency_caption_names_the_class_and_the_method():
    reading = Reading(Status.OK, digit=7, confidence=0.9, target=7)
    assert saliency_caption(reading, "smoothgrad") == "Why 7? SmoothGrad"
    reading.target = 1
    assert saliency_caption(reading, "integrated_gradients") == "Why 1, not 7? Integrated Gradients"


def bar_texts(buttons):
    return [(button.children, getattr(button, "data-value")) for button in buttons]


def test_the_bars_show_every_probability_the_prediction_and_the_explained_class():
    probabilities = np.array([0.01, 0.02, 0.0, 0.05, 0.0, 0.0, 0.0, 0.9, 0.02, 0.0], np.float32)
    buttons = bar_buttons(probabilities, predicted=7, target=3)
    assert bar_texts(buttons) == [("0", "1.0%"), ("1", "2%"), ("2", ""), ("3", "5%"), ("4", ""), ("5", ""),
                                  ("6", ""), ("7", "90%"), ("8", "2%"), ("9", "")]
    assert [b.className for b in buttons if "predicted" in b.className] == ["bar predicted"]
    assert [b.to_plotly_json()["props"]["aria-pressed"] for b in buttons].index("true") == 3
    assert "explained" in buttons[3].className
    heights = [b.style["--p"] for b in buttons]
    assert heights[7] == "0.900" and heights[2] == "0.000"
    assert [b.to_plotly_json()["props"]["data-choice"] for b in buttons] == [str(d) for d in range(10)]


def test_explaining_the_prediction_itself_marks_no_other_bar():
    buttons = bar_buttons(np.full(10, 0.1), predicted=7, target=7)
    assert not any("explained" in b.className for b in buttons)


@pytest.mark.parametrize("p, text", [(0.99996, ">99.9%"), (0.9994, "99.9%"), (0.997, "99.7%"), (0.931, "93%"),
                                     (0.5, "50%"), (0.012, "1%"), (0.004, "0.4%"), (0.0001, "<0.1%")])
def test_percentages_read_the_same_everywhere_and_never_claim_certainty(p, text):
    assert percent(p) == text


@pytest.mark.parametrize("trigger, chosen, digit", [
    (PANEL.chosen_bar, 3, 3), (PANEL.chosen_bar, 0, 0), (PANEL.chosen_bar, 10, None),
    (PANEL.chosen_bar, True, None), (PANEL.chosen_bar, "3", None), (PANEL.chosen_bar, None, None),
    (PANEL.method, 3, None), ("pad-strokes", 3, None), (None, 3, None),
])
def test_a_bar_counts_only_when_it_fired_with_a_digit(trigger, chosen, digit):
    assert PANEL.clicked_bar(trigger, chosen) == digit


@pytest.mark.parametrize("value, digit", [(0, 0), (9, 9), (None, None), (10, None), ("3", None), (False, None)])
def test_filter_values_are_digits_or_any(value, digit):
    assert as_digit(value) == digit
