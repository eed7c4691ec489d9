"""The dashboard's callbacks with the real model and the real evaluation report: the bodies as plain
functions (what the browser's requests run), then a few through Dash's own HTTP endpoint."""

import json

import numpy as np
import pytest
from dash import Patch, no_update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.components.drawing_pad import pad_key
from dashboard.tabs.draw import drawing
from dashboard.tabs.draw import ids as draw_ids
from dashboard.tabs.errors import ids as error_ids
from dashboard.tabs.errors.analysis import ErrorAnalysis
from dashboard.tabs.errors.gallery import update_gallery
from dashboard.tabs.errors.inspector import OUTPUT_KEYS as INSPECTOR_KEYS
from dashboard.tabs.errors.inspector import inspect_digit
from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from tests.support.pad import fabric_drawing
from training.drawings import SAMPLES


@pytest.fixture(scope="module")
def report():
    return EvaluationReport.load(DEFAULT_MODEL_PATH)


@pytest.fixture(scope="module")
def analysis(report):
    return ErrorAnalysis(report)


def draw(reader, json_data, method="vanilla", bar_click=None, target=None, trigger=draw_ids.PAD):
    return drawing.update_drawing(reader, json_data, method, bar_click, 0, target, trigger)


def bar(digit):
    return {"points": [{"x": digit, "y": 0.1, "curveNumber": 0, "pointNumber": digit}]}


def thumbnail_indices(gallery):
    return [button.id["index"] for button in gallery]


# ---------------------------------------------------------------- Draw tab

@pytest.mark.parametrize("digit", sorted(SAMPLES))
def test_a_drawn_digit_is_read_as_that_digit(reader, digit):
    view = draw(reader, fabric_drawing(SAMPLES[digit]))
    assert view["prediction"] == str(digit)
    assert view["verdict"].endswith("sure") and not view["verdict"].startswith("not")
    assert view["card_class"] == "verdict-card ok"
    assert view["message"] == "" and view["target"] is None
    assert view["saliency_caption"] == f"Why {digit}? Vanilla gradient"
    bars = view["probabilities"]["data"][0]
    assert int(np.argmax(bars["y"])) == digit and bars["marker"]["color"][digit] != bars["marker"]["color"][digit - 1]
    assert [step.children[1].children for step in view["steps"]] == list(drawing.STEP_LABELS.values())


def test_every_draw_output_is_answered_and_json_encodable(reader):
    from dash._utils import to_json

    view = draw(reader, fabric_drawing(SAMPLES[3]))
    assert set(view) == set(drawing.OUTPUT_KEYS)
    json.loads(to_json(view))


def test_an_empty_pad_says_nothing_drawn(reader):
    for json_data in ("", fabric_drawing([])):
        view = draw(reader, json_data)
        assert view["verdict"] == "nothing drawn"
        assert view["prediction"] == "–" and view["card_class"].endswith("blank")
        assert view["message"] == ""


def test_a_dot_too_small_to_be_a_digit_says_nothing_drawn(reader):
    view = draw(reader, fabric_drawing([[[140, 140], [141, 140]]], width=2))
    assert view["verdict"] == "nothing drawn"


@pytest.mark.parametrize("json_data", [
    "{this is not json",
    "[" * 20_000 + "]" * 20_000,
    json.dumps([1, 2, 3]),
    json.dumps({"objects": "not a list"}),
    json.dumps({"objects": [{"type": "path", "path": [["M", "NaN", 1], ["L", 1e300, 2]], "strokeWidth": 20}]}),
    json.dumps({"objects": [{"type": "path", "path": [["M", 1, 1], ["L", 2, 2]], "strokeWidth": -5}]}),
])
def test_bad_drawings_get_a_friendly_message_and_keep_the_last_reading(reader, json_data):
    view = draw(reader, json_data)
    assert view["message"].startswith("Could not read that:")
    assert "Traceback" not in view["message"]
    assert all(value is no_update for key, value in view.items() if key != "message")


def test_an_unknown_saliency_method_is_refused_politely(reader):
    for method in ("deeplift", ["vanilla"], None):
        view = draw(reader, fabric_drawing(SAMPLES[7]), method=method)
        assert "saliency method" in view["message"]
        assert view["prediction"] is no_update


@pytest.mark.parametrize("target", ["7", [1], {"x": 1}, 12, -1, True])
def test_a_forged_saliency_target_is_refused_politely(reader, target):
    view = draw(reader, fabric_drawing(SAMPLES[7]), target=target, trigger=draw_ids.PANEL.method)
    assert view["message"].startswith("Could not read that:")
    assert view["prediction"] is no_update


def test_clicking_a_bar_explains_that_class_and_leaves_the_drawing_alone(reader):
    drawing = fabric_drawing(SAMPLES[7])
    first = draw(reader, drawing)
    view = draw(reader, drawing, bar_click=bar(1), trigger=draw_ids.PANEL.probabilities)
    assert view["target"] == 1
    assert view["saliency_caption"] == "Why 1, not 7? Vanilla gradient"
    assert view["saliency"] != first["saliency"]
    for unchanged in ("prediction", "verdict", "card_class", "model_input", "steps", "pad_key", "json_data"):
        assert view[unchanged] is no_update
    outline = view["probabilities"]
    assert isinstance(outline, Patch)
    (operation,) = outline.to_plotly_json()["operations"]
    assert operation["location"] == ["data", 0, "marker", "line", "width"]
    assert operation["params"]["value"] == [0, 3, 0, 0, 0, 0, 0, 0, 0, 0]


def test_changing_the_method_keeps_the_explained_class(reader):
    drawing = fabric_drawing(SAMPLES[4])
    maps = {}
    for method in ("vanilla", "smoothgrad", "integrated_gradients"):
        view = draw(reader, drawing, method=method, target=9, trigger=draw_ids.PANEL.method)
        assert view["target"] == 9 and view["message"] == ""
        assert view["saliency_caption"].startswith("Why 9, not 4?")
        maps[method] = view["saliency"]
    assert len(set(maps.values())) == 3


def test_a_new_drawing_explains_its_own_prediction_again(reader):
    view = draw(reader, fabric_drawing(SAMPLES[0]), target=6, trigger=draw_ids.PAD)
    assert view["target"] is None and view["saliency_caption"] == "Why 0? Vanilla gradient"


def test_clear_remounts_an_empty_pad_and_forgets_the_drawing(reader):
    view = drawing.update_drawing(reader, fabric_drawing(SAMPLES[2]), "vanilla", None, 3, 5, draw_ids.CLEAR)
    assert view["pad_key"] == pad_key(3) != pad_key(2)
    assert view["json_data"] == ""
    assert view["verdict"] == "nothing drawn" and view["steps"] == [] and view["target"] is None


# ---------------------------------------------------------------- Error-analysis tab

def test_clicking_a_confusion_cell_shows_exactly_those_test_digits(report, analysis):
    expected = np.flatnonzero((report.labels == 3) & (report.predictions == 5))
    view = update_gallery(analysis, {"points": [{"x": 5, "y": 3}]}, None, None, "least", error_ids.CONFUSION)
    assert (view["true"], view["predicted"]) == (3, 5)
    assert sorted(thumbnail_indices(view["gallery"])) == expected.tolist()
    assert view["title"] == f"{len(expected)} misclassified test digits, true 3 and predicted 5"


def test_every_off_diagonal_cell_matches_the_report(report, analysis):
    for true in range(10):
        for predicted in range(10):
            if true != predicted:
                expected = np.flatnonzero((report.labels == true) & (report.predictions == predicted))
                indices = analysis.indices[analysis.select(true, predicted)]
                assert sorted(indices.tolist()) == expected.tolist()


def test_a_diagonal_cell_shows_the_least_confident_correct_digits(report, analysis):
    view = update_gallery(analysis, {"points": [{"x": 4, "y": 4}]}, None, None, "least", error_ids.CONFUSION)
    shown = thumbnail_indices(view["gallery"])
    assert 0 < len(shown) <= 24
    assert all(report.labels[i] == 4 and report.predictions[i] == 4 for i in shown)
    confidence = report.probabilities.max(axis=1)
    correct_fours = np.flatnonzero((report.labels == 4) & (report.predictions == 4))
    others = np.setdiff1d(correct_fours, shown)
    assert confidence[shown].max() <= confidence[others].min()
    assert list(confidence[shown]) == sorted(confidence[shown])
    assert view["title"] == f"The {len(shown)} least confident correct 4s"


def test_the_gallery_starts_with_every_misclassified_digit(report, analysis):
    view = update_gallery(analysis, None, None, None, "least", None)
    shown = thumbnail_indices(view["gallery"])
    assert sorted(shown) == np.flatnonzero(report.labels != report.predictions).tolist()
    assert view["true"] is no_update and view["predicted"] is no_update
    confidence = report.probabilities.max(axis=1)[shown]
    assert list(confidence) == sorted(confidence)


def test_the_gallery_sorts_and_filters(report, analysis):
    view = update_gallery(analysis, None, 7, None, "most", error_ids.TRUE_FILTER)
    shown = thumbnail_indices(view["gallery"])
    assert sorted(shown) == np.flatnonzero((report.labels == 7) & (report.predictions != 7)).tolist()
    confidence = report.probabilities.max(axis=1)[shown]
    assert list(confidence) == sorted(confidence, reverse=True)
    view = update_gallery(analysis, None, None, 9, "least", error_ids.PREDICTED_FILTER)
    assert sorted(thumbnail_indices(view["gallery"])) == \
        np.flatnonzero((report.predictions == 9) & (report.labels != 9)).tolist()


def test_thumbnails_carry_labels_and_confidence(report, analysis):
    (button, *_) = update_gallery(analysis, None, None, None, "most", None)["gallery"]
    index = button.id["index"]
    true, predicted = int(report.labels[index]), int(report.predictions[index])
    assert button.children[1].children == f"{true}→{predicted}"
    assert button.children[2].children == f"{report.probabilities[index].max():.0%}"
    assert f"true {true}, predicted {predicted}" in button.title


@pytest.mark.parametrize("cell_click, true, predicted, order", [
    ({"points": "junk"}, "3; drop", {"x": 1}, "sideways"),
    ([1, 2], [3], None, ["least"]),
    ("points", 2.5, True, {"most": 1}),
])
def test_forged_gallery_values_mean_any(analysis, cell_click, true, predicted, order):
    view = update_gallery(analysis, cell_click, true, predicted, order, error_ids.CONFUSION)
    assert view["title"].startswith("All ")


@pytest.mark.parametrize("inspected", ["ab", [["index", 1]], 7, {"index": [1]}, {"index": 10**30}])
def test_forged_inspector_state_is_refused_politely(reader, analysis, inspected):
    view = inspect_digit(reader, analysis, "vanilla", None, inspected, error_ids.PANEL.method)
    assert all(value is no_update for key, value in view.items() if key != "message")


def test_clicking_a_thumbnail_inspects_it_with_the_draw_tabs_view(reader, report, analysis):
    index = int(analysis.indices[analysis.select()][0])
    view = inspect_digit(reader, analysis, "vanilla", None, None, {"type": error_ids.THUMBNAIL, "index": index})
    assert set(view) == set(INSPECTOR_KEYS)
    predicted = int(report.predictions[index])
    assert view["prediction"] == str(predicted)
    assert view["title"] == f"Test digit #{index}: true {report.labels[index]}, predicted {predicted}"
    bars = view["probabilities"]["data"][0]["y"]
    assert bars == pytest.approx(report.probabilities[index], abs=2e-3)   # the report stores float16
    assert view["inspected"] == {"index": index, "target": None}


def test_a_doubtful_test_digit_is_not_sure(reader, report, analysis):
    index = int(analysis.indices[analysis.confidence.argmin()])
    assert report.probabilities[index].max() < 0.6, "some test digit leaves any real model in doubt"
    view = inspect_digit(reader, analysis, "vanilla", None, None, {"type": error_ids.THUMBNAIL, "index": index})
    assert view["verdict"].startswith("not sure") and view["card_class"].endswith("uncertain")


def test_inspector_bar_click_and_method_explain_the_same_digit(reader, analysis):
    index = int(analysis.indices[analysis.select()][0])
    inspected = {"index": index, "target": None}
    view = inspect_digit(reader, analysis, "vanilla", bar(2), inspected, error_ids.PANEL.probabilities)
    assert view["inspected"] == {"index": index, "target": 2}
    assert view["saliency_caption"].startswith("Why 2")
    assert isinstance(view["probabilities"], Patch) and view["prediction"] is no_update
    view = inspect_digit(reader, analysis, "integrated_gradients", None, view["inspected"], error_ids.PANEL.method)
    assert view["saliency_caption"].endswith("Integrated Gradients") and "Why 2" in view["saliency_caption"]


def test_inspector_with_nothing_chosen_changes_nothing(reader, analysis):
    view = inspect_digit(reader, analysis, "smoothgrad", None, None, error_ids.PANEL.method)
    assert all(value is no_update for value in view.values())


@pytest.mark.parametrize("index", [-1, 10_000, 10**30, "12", True, None, [3]])
def test_inspecting_a_digit_that_does_not_ship_says_so(reader, analysis, index):
    view = inspect_digit(reader, analysis, "vanilla", None, None, {"type": error_ids.THUMBNAIL, "index": index})
    if index is None:
        assert all(value is no_update for value in view.values())
    else:
        assert view["message"].startswith("Could not open that")
        assert view["prediction"] is no_update


# ---------------------------------------------------------------- through Dash's HTTP endpoint

def dash_request(client, output_fragment, values, changed):
    """POST a callback the way dash-renderer does: ``values`` by "id.property", ``changed`` fired."""
    dependency = next(d for d in client.get("/_dash-dependencies").get_json() if output_fragment in d["output"])
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1)))
               for part in dependency["output"].strip(".").split("...")]

    def described(dependencies):
        return [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in dependencies]

    response = client.post("/_dash-update-component", json={
        "output": dependency["output"], "outputs": outputs, "inputs": described(dependency["inputs"]),
        "state": described(dependency["state"]), "changedPropIds": [changed]})
    return response


def test_the_draw_callback_answers_over_http(client):
    drawing = fabric_drawing(SAMPLES[2])
    response = dash_request(client, "prediction.children", {"pad.json_data": drawing, "saliency-method.value": "vanilla"},
                            "pad.json_data")
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert answer["prediction"]["children"] == "2"
    assert answer["draw-message"]["children"] == ""


def test_garbage_through_http_gets_a_message_not_a_traceback(client):
    response = dash_request(client, "prediction.children", {"pad.json_data": "{{{", "saliency-method.value": "vanilla"},
                            "pad.json_data")
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert list(answer) == ["draw-message"]
    assert answer["draw-message"]["children"].startswith("Could not read that")


def test_a_confusion_cell_through_http_fills_the_gallery(client):
    response = dash_request(client, "gallery.children", {"confusion.clickData": {"points": [{"x": 5, "y": 3}]},
                                                         "order.value": "least"}, "confusion.clickData")
    answer = response.get_json()["response"]
    assert answer["true-filter"]["value"] == 3 and answer["predicted-filter"]["value"] == 5
    assert all(button["props"]["id"]["type"] == error_ids.THUMBNAIL for button in answer["gallery"]["children"])


# ---------------------------------------------------------------- anything a tampered browser sends

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
drawing_texts = st.one_of(
    st.text(max_size=50),
    json_values.map(json.dumps),
    st.lists(st.fixed_dictionaries({"type": st.just("path"), "strokeWidth": json_values,
                                    "path": st.lists(st.lists(json_values, max_size=5), max_size=6)}),
             max_size=3).map(lambda objects: json.dumps({"objects": objects})))
triggers = st.sampled_from([draw_ids.PAD, draw_ids.CLEAR, draw_ids.PANEL.method, draw_ids.PANEL.probabilities, error_ids.CONFUSION,
                            error_ids.TRUE_FILTER, error_ids.PANEL.method, error_ids.PANEL.probabilities, None]) \
    | st.fixed_dictionaries({"type": st.just(error_ids.THUMBNAIL), "index": json_values}) | json_values
callback_fuzz = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@callback_fuzz
@given(json_data=drawing_texts | json_values, method=json_values | st.sampled_from(["vanilla", "smoothgrad"]),
       bar_click=json_values, cleared=json_values, target=json_values, trigger=triggers)
def test_the_draw_callback_answers_anything_without_raising(reader, json_data, method, bar_click, cleared,
                                                             target, trigger):
    view = drawing.update_drawing(reader, json_data, method, bar_click, cleared, target, trigger)
    assert set(view) == set(drawing.OUTPUT_KEYS)


@callback_fuzz
@given(cell_click=json_values, true=json_values, predicted=json_values, order=json_values, trigger=triggers,
       method=json_values | st.just("vanilla"), bar_click=json_values, inspected=json_values)
def test_the_error_callbacks_answer_anything_without_raising(reader, analysis, cell_click, true, predicted, order,
                                                             trigger, method, bar_click, inspected):
    gallery = update_gallery(analysis, cell_click, true, predicted, order, trigger)
    assert {"title", "gallery"} <= set(gallery)
    view = inspect_digit(reader, analysis, method, bar_click, inspected, trigger)
    assert set(view) == set(INSPECTOR_KEYS)
