"""The dashboard's callbacks with the real model and the real evaluation report: the bodies as plain
functions (what the browser's requests run), then a few through Dash's own HTTP endpoint."""

import json

import numpy as np
import pytest
from dash import no_update
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.components.reading_panel import INSPECT_REQUEST
from dashboard.tabs.draw import drawing
from dashboard.tabs.draw.live import ROUTE, prop_updates
from dashboard.tabs.draw import ids as draw_ids
from dashboard.tabs.errors import ids as error_ids
from dashboard.tabs.errors.analysis import ErrorAnalysis
from dashboard.tabs.errors.gallery import update_gallery
from dashboard.tabs.errors.inspector import OUTPUT_KEYS as INSPECTOR_KEYS
from dashboard.tabs.errors.inspector import inspect_digit
from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from tests.support.pad import pad_drawing
from training.drawings import SAMPLES


@pytest.fixture(scope="module")
def report():
    return EvaluationReport.load(DEFAULT_MODEL_PATH)


@pytest.fixture(scope="module")
def analysis(report):
    return ErrorAnalysis(report)


def draw(reader, strokes, method="vanilla", target=None, trigger=draw_ids.STROKES, chosen_bar=None, chosen_card=None,
         shown_card=None):
    return drawing.update_drawing(reader, strokes, method, target, trigger, chosen_bar, chosen_card, shown_card)


def bar_probabilities(buttons):
    """The probabilities the bars show, read back from their heights."""
    return [float(button.style["--p"]) for button in buttons]


def thumbnail_indices(gallery):
    return [button.id["index"] for button in gallery]


# ---------------------------------------------------------------- Draw tab

@pytest.mark.parametrize("digit", sorted(SAMPLES))
def test_a_drawn_digit_is_read_as_that_digit(reader, digit):
    view = draw(reader, pad_drawing(SAMPLES[digit]))
    assert view["prediction"] == str(digit)
    assert view["verdict"].endswith("sure") and not view["verdict"].startswith("not")
    assert view["card_class"] == "verdict-card ok"
    assert view["message"] == "" and view["target"] is None
    assert view["saliency_caption"] == f"Why {digit}? Vanilla gradient"
    assert int(np.argmax(bar_probabilities(view["bars"]))) == digit
    assert [i for i, bar in enumerate(view["bars"]) if "predicted" in bar.className] == [digit]
    assert [step.children[1].children for step in view["steps"]] == list(drawing.STEP_LABELS.values())


def test_every_draw_output_is_answered_and_json_encodable(reader):
    from dash._utils import to_json

    view = draw(reader, pad_drawing(SAMPLES[3]))
    assert set(view) == set(drawing.OUTPUT_KEYS) == set(drawing.outputs())
    json.loads(to_json(view))


def test_an_empty_pad_says_nothing_drawn(reader):
    for strokes in (None, pad_drawing([])):
        view = draw(reader, strokes)
        assert view["verdict"] == "nothing drawn"
        assert view["prediction"] == "–" and view["card_class"].endswith("blank")
        assert view["message"] == ""


def test_a_dot_too_small_to_be_a_digit_says_nothing_drawn(reader):
    view = draw(reader, pad_drawing([[[140, 140], [141, 140]]], width=2))
    assert view["verdict"] == "nothing drawn"


@pytest.mark.parametrize("strokes", [
    "{this is not json",
    [1, 2, 3],
    {"strokes": "not a list", "widths": []},
    {"strokes": [[["NaN", 1], [1e300, 2]]], "widths": [20]},
    {"strokes": [[[1, 1], [2, 2]]], "widths": [-5]},
    {"strokes": [[[1, 1], [2, 2]]], "widths": [20, 20]},
])
def test_bad_drawings_get_a_friendly_message_and_keep_the_last_reading(reader, strokes):
    view = draw(reader, strokes)
    assert view["message"].startswith("Could not read that:")
    assert "Traceback" not in view["message"]
    assert all(value is no_update for key, value in view.items() if key != "message")


def test_an_unknown_saliency_method_is_refused_politely(reader):
    for method in ("deeplift", ["vanilla"], None):
        view = draw(reader, pad_drawing(SAMPLES[7]), method=method)
        assert "saliency method" in view["message"]
        assert view["prediction"] is no_update


@pytest.mark.parametrize("target", ["7", [1], {"x": 1}, 12, -1, True])
def test_a_forged_saliency_target_is_refused_politely(reader, target):
    view = draw(reader, pad_drawing(SAMPLES[7]), target=target, trigger=draw_ids.PANEL.method)
    assert view["message"].startswith("Could not read that:")
    assert view["prediction"] is no_update


def test_clicking_a_bar_explains_that_class_and_leaves_the_drawing_alone(reader):
    strokes = pad_drawing(SAMPLES[7])
    first = draw(reader, strokes)
    view = draw(reader, strokes, trigger=draw_ids.PANEL.chosen_bar, chosen_bar=1)
    assert view["target"] == 1
    assert view["saliency_caption"] == "Why 1, not 7? Vanilla gradient"
    assert view["saliency"] != first["saliency"]
    for unchanged in ("prediction", "verdict", "card_class", "model_input", "steps"):
        assert view[unchanged] is no_update
    pressed = [bar.to_plotly_json()["props"]["aria-pressed"] for bar in view["bars"]]
    assert pressed == ["false", "true"] + ["false"] * 8
    assert "explained" in view["bars"][1].className and "predicted" in view["bars"][7].className


def test_changing_the_method_keeps_the_explained_class(reader):
    strokes = pad_drawing(SAMPLES[4])
    maps = {}
    for method in ("vanilla", "smoothgrad", "integrated_gradients"):
        view = draw(reader, strokes, method=method, target=9, trigger=draw_ids.PANEL.method)
        assert view["target"] == 9 and view["message"] == ""
        assert view["saliency_caption"].startswith("Why 9, not 4?")
        maps[method] = view["saliency"]
    assert len(set(maps.values())) == 3


def test_a_new_drawing_explains_its_own_prediction_again(reader):
    view = draw(reader, pad_drawing(SAMPLES[0]), target=6)
    assert view["target"] is None and view["saliency_caption"] == "Why 0? Vanilla gradient"


NUMBER = [[[x * 0.62 + dx, y * 0.62 + 40] for x, y in stroke] for digit, dx in ((4, 10), (2, 190), (7, 360))
          for stroke in SAMPLES[digit]]


def test_a_number_shows_the_whole_number_and_a_card_per_digit(reader):
    view = draw(reader, pad_drawing(NUMBER))
    assert set(view) == set(drawing.OUTPUT_KEYS)
    assert view["prediction"] == "427" and "number" in view["card_class"]
    assert view["verdict"] == "read as a 3-digit number" and view["announcement"].startswith("Read as the number 4 2 7")
    assert [card.children[1].children for card in view["cards"]] == ["4", "2", "7"]
    assert view["shown_card"] == 0 and view["saliency_caption"] == "Why 4? Vanilla gradient"
    assert [card.to_plotly_json()["props"]["aria-pressed"] for card in view["cards"]] == ["true", "false", "false"]


def test_a_digit_card_shows_that_digit_and_keeps_the_number(reader):
    view = draw(reader, pad_drawing(NUMBER), trigger=draw_ids.CHOSEN_CARD, chosen_card=2)
    assert view["prediction"] == "427" and view["shown_card"] == 2
    assert view["saliency_caption"] == "Why 7? Vanilla gradient"
    assert int(np.argmax(bar_probabilities(view["bars"]))) == 7
    # A bar then explains another class of the same digit; the number and its cards stay as they are.
    view = draw(reader, pad_drawing(NUMBER), trigger=draw_ids.PANEL.chosen_bar, chosen_bar=1, shown_card=2)
    assert view["saliency_caption"] == "Why 1, not 7? Vanilla gradient"
    assert view["cards"] is no_update and view["prediction"] is no_update


@pytest.mark.parametrize("forged", [-1, 3, 99, "1", True, None, [0]])
def test_a_forged_card_shows_the_first_digit(reader, forged):
    view = draw(reader, pad_drawing(NUMBER), trigger=draw_ids.CHOSEN_CARD, chosen_card=forged)
    assert view["shown_card"] == 0 and view["prediction"] == "427"


def test_one_digit_has_no_cards(reader):
    view = draw(reader, pad_drawing(SAMPLES[3]))
    assert view["cards"] == [] and view["shown_card"] is None


def test_the_live_reading_sends_exactly_the_callbacks_outputs(reader):
    view = draw(reader, pad_drawing(SAMPLES[2]))
    updates = prop_updates(drawing.outputs(), view)
    assert {(u["id"], u["property"]) for u in updates} == {
        (o.component_id, o.component_property) for o in drawing.outputs().values()}
    assert next(u["value"] for u in updates if u["id"] == "prediction") == "2"
    explanation = draw(reader, pad_drawing(SAMPLES[2]), trigger=draw_ids.PANEL.method)
    assert "prediction" not in {u["id"] for u in prop_updates(drawing.outputs(), explanation)}


# ---------------------------------------------------------------- Error-analysis tab

def test_a_cells_filters_show_exactly_those_test_digits(report, analysis):
    expected = np.flatnonzero((report.labels == 3) & (report.predictions == 5))
    view = update_gallery(analysis, 3, 5, "least")
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
    view = update_gallery(analysis, 4, 4, "least")
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
    view = update_gallery(analysis, None, None, "least")
    shown = thumbnail_indices(view["gallery"])
    assert sorted(shown) == np.flatnonzero(report.labels != report.predictions).tolist()
    confidence = report.probabilities.max(axis=1)[shown]
    assert list(confidence) == sorted(confidence)


def test_the_gallery_sorts_and_filters(report, analysis):
    view = update_gallery(analysis, 7, None, "most")
    shown = thumbnail_indices(view["gallery"])
    assert sorted(shown) == np.flatnonzero((report.labels == 7) & (report.predictions != 7)).tolist()
    confidence = report.probabilities.max(axis=1)[shown]
    assert list(confidence) == sorted(confidence, reverse=True)
    view = update_gallery(analysis, None, 9, "least")
    assert sorted(thumbnail_indices(view["gallery"])) == \
        np.flatnonzero((report.predictions == 9) & (report.labels != 9)).tolist()


def test_thumbnails_carry_labels_and_confidence(report, analysis):
    (button, *_) = update_gallery(analysis, None, None, "most")["gallery"]
    index = button.id["index"]
    true, predicted = int(report.labels[index]), int(report.predictions[index])
    assert button.children == f"{true}→{predicted}\n{report.probabilities[index].max():.0%}"
    assert button.style["backgroundImage"].startswith("url(data:image/png;base64,")
    assert f"true {true}, predicted {predicted}" in button.title


@pytest.mark.parametrize("true, predicted, order", [
    ("3; drop", {"x": 1}, "sideways"),
    ([3], None, ["least"]),
    (2.5, True, {"most": 1}),
])
def test_forged_gallery_values_mean_any(analysis, true, predicted, order):
    view = update_gallery(analysis, true, predicted, order)
    assert view["title"].startswith("All ")


@pytest.mark.parametrize("inspected", ["ab", [["index", 1]], 7, {"index": [1]}, {"index": 10**30}])
def test_forged_inspector_state_is_refused_politely(reader, analysis, inspected):
    view = inspect_digit(reader, analysis, "vanilla", inspected, error_ids.PANEL.method)
    assert all(value is no_update for key, value in view.items() if key != "message")


def test_clicking_a_thumbnail_inspects_it_with_the_draw_tabs_view(reader, report, analysis):
    index = int(analysis.indices[analysis.select()][0])
    view = inspect_digit(reader, analysis, "vanilla", None, {"type": error_ids.THUMBNAIL, "index": index})
    assert set(view) == set(INSPECTOR_KEYS)
    predicted = int(report.predictions[index])
    assert view["prediction"] == str(predicted)
    assert view["title"] == f"Test digit #{index}: labelled {report.labels[index]}, read as {predicted}"
    # The bars' heights are rounded to 0.001; the report stores float16.
    assert bar_probabilities(view["bars"]) == pytest.approx(report.probabilities[index], abs=2e-3)
    assert view["inspected"] == {"set": "test", "index": index, "target": None}


def test_a_doubtful_test_digit_is_not_sure(reader, report, analysis):
    index = int(analysis.indices[analysis.confidence.argmin()])
    assert report.probabilities[index].max() < 0.6, "some test digit leaves any real model in doubt"
    view = inspect_digit(reader, analysis, "vanilla", None, {"type": error_ids.THUMBNAIL, "index": index})
    assert view["verdict"].startswith("not sure") and view["card_class"].endswith("uncertain")


def test_inspector_bar_click_and_method_explain_the_same_digit(reader, analysis):
    index = int(analysis.indices[analysis.select()][0])
    inspected = {"index": index, "target": None}
    view = inspect_digit(reader, analysis, "vanilla", inspected, error_ids.PANEL.chosen_bar, chosen_bar=2)
    assert view["inspected"] == {"index": index, "target": 2}
    assert view["saliency_caption"].startswith("Why 2")
    assert view["bars"][2].to_plotly_json()["props"]["aria-pressed"] == "true" and view["prediction"] is no_update
    view = inspect_digit(reader, analysis, "integrated_gradients", view["inspected"], error_ids.PANEL.method)
    assert view["saliency_caption"].endswith("Integrated Gradients") and "Why 2" in view["saliency_caption"]


def test_inspector_with_nothing_chosen_changes_nothing(reader, analysis):
    view = inspect_digit(reader, analysis, "smoothgrad", None, error_ids.PANEL.method)
    assert all(value is no_update for value in view.values())


@pytest.mark.parametrize("index", [-1, 10_000, 10**30, "12", True, None, [3]])
def test_inspecting_a_digit_that_does_not_ship_says_so(reader, analysis, index):
    view = inspect_digit(reader, analysis, "vanilla", None, {"type": error_ids.THUMBNAIL, "index": index})
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


def test_the_live_reading_answers_over_http(client):
    response = client.post("/" + ROUTE, json={"strokes": pad_drawing(SAMPLES[2]), "method": "vanilla"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    values = {(u["id"], u["property"]): u["value"] for u in response.get_json()["outputs"]}
    assert values[("prediction", "children")] == "2" and values[("draw-message", "children")] == ""


def test_garbage_through_the_live_reading_gets_a_message_not_a_traceback(client):
    response = client.post("/" + ROUTE, json={"strokes": "{{{", "method": "vanilla"})
    assert response.status_code == 200
    assert [(u["id"], u["value"][:19]) for u in response.get_json()["outputs"]] == [("draw-message", "Could not read that")]
    assert client.post("/" + ROUTE, data="{{{", content_type="application/json").status_code == 400
    assert client.post("/" + ROUTE, data="strokes", content_type="text/plain").status_code == 415


def test_a_bar_through_dashs_endpoint_explains_that_class(client):
    response = dash_request(client, "saliency-caption.children",
                            {"pad-strokes.data": pad_drawing(SAMPLES[2]), "saliency-method.data": "vanilla",
                             "chosen-bar.data": 3}, "chosen-bar.data")
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert answer["saliency-caption"]["children"] == "Why 3, not 2? Vanilla gradient"
    assert "prediction" not in answer


def test_the_filters_through_dashs_endpoint_fill_the_gallery(client):
    response = dash_request(client, "gallery.children", {"true-filter.data": 3, "predicted-filter.data": 5,
                                                         "order.data": "least"}, "true-filter.data")
    answer = response.get_json()["response"]
    assert answer["gallery-title"]["children"].endswith("true 3 and predicted 5")
    assert all(button["props"]["id"]["type"] == error_ids.THUMBNAIL for button in answer["gallery"]["children"])


# ---------------------------------------------------------------- anything a tampered browser sends

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
strokes_data = st.one_of(
    json_values,
    st.fixed_dictionaries({"strokes": st.lists(st.lists(st.lists(json_values, max_size=3), max_size=6), max_size=3),
                           "widths": st.lists(json_values, max_size=3)}))
triggers = st.sampled_from([draw_ids.STROKES, draw_ids.PANEL.method, draw_ids.PANEL.chosen_bar, draw_ids.CHOSEN_CARD,
                            error_ids.PANEL.method, error_ids.PANEL.chosen_bar, None]) \
    | st.fixed_dictionaries({"type": st.just(error_ids.THUMBNAIL), "index": json_values}) | json_values
callback_fuzz = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@callback_fuzz
@given(strokes=strokes_data, method=json_values | st.sampled_from(["vanilla", "smoothgrad"]),
       target=json_values, trigger=triggers, chosen_bar=json_values, chosen_card=json_values, shown_card=json_values)
def test_the_draw_callback_answers_anything_without_raising(reader, strokes, method, target, trigger, chosen_bar,
                                                             chosen_card, shown_card):
    view = drawing.update_drawing(reader, strokes, method, target, trigger, chosen_bar, chosen_card, shown_card)
    assert set(view) == set(drawing.OUTPUT_KEYS)


@callback_fuzz
@given(true=json_values, predicted=json_values, order=json_values, trigger=triggers,
       method=json_values | st.just("vanilla"), chosen_bar=json_values, inspected=json_values)
def test_the_error_callbacks_answer_anything_without_raising(reader, analysis, true, predicted, order,
                                                             trigger, method, chosen_bar, inspected):
    gallery = update_gallery(analysis, true, predicted, order)
    assert set(gallery) == {"title", "gallery"}
    view = inspect_digit(reader, analysis, method, inspected, trigger, chosen_bar)
    assert set(view) == set(INSPECTOR_KEYS)


def test_a_training_digit_opens_in_the_inspector_by_request(reader, analysis):
    index = int(reader.index.bank_indices[0])
    label = int(reader.index.bank_labels[0])
    view = inspect_digit(reader, analysis, "vanilla", None, INSPECT_REQUEST, request={"set": "train", "index": index})
    assert view["title"] == f"Training digit #{index}: labelled {label}, read as {view['prediction']}"
    assert view["inspected"] == {"set": "train", "index": index, "target": None}
    assert len(view["neighbours"]) == 8


@pytest.mark.parametrize("request_value", [{"set": "train", "index": -5}, {"set": "train", "index": 10**9},
                                           {"set": "train", "index": 0},     # not among the shipped bank
                                           {"set": "secret", "index": 1}, {"set": "test", "index": "3"}])
def test_a_forged_inspect_request_is_refused_politely(reader, analysis, request_value):
    view = inspect_digit(reader, analysis, "vanilla", None, INSPECT_REQUEST, request=request_value)
    assert view["message"].startswith("Could not open that") and view["prediction"] is no_update


def test_the_live_reading_answers_the_verdict_and_the_costly_map_apart(client):
    body = {"strokes": pad_drawing(SAMPLES[7]), "method": "integrated_gradients"}
    verdict = client.post("/" + ROUTE, json={**body, "part": "verdict"}).get_json()
    values = {u["id"]: u["value"] for u in verdict["outputs"] if u["property"] in ("children", "src")}
    assert values["prediction"] == "7"
    assert "saliency" not in values and values["saliency-caption"].endswith("working it out…")
    explained = client.post("/" + ROUTE, json={**body, "part": "map"}).get_json()
    # Only the map, its caption and legend: the bars and the stores are the verdict's, set once.
    assert {u["id"] for u in explained["outputs"]} == {"saliency", "saliency-caption", "saliency-legend"}
    values = {u["id"]: u["value"] for u in explained["outputs"] if u["property"] in ("children", "src")}
    assert values["saliency"].startswith("data:image/png") and values["saliency-caption"] == "Why 7? Integrated Gradients"
    # Asked for whole, the answer holds both.
    whole = client.post("/" + ROUTE, json=body).get_json()
    assert {"prediction", "saliency"} <= {u["id"] for u in whole["outputs"]}
