"""The Error-analysis tab's issue-11 views with the real model and report: the suspected-label-error filter and
badge, the inspector's "labelled 8, probably 9" with its evidence, the map (hover, selection, the drawing placed
on it), the calibration panels; forged selections, hovers and clicks; and an older report without the new keys,
which must still load and say what is missing."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from dash import Patch, no_update
from hypothesis import HealthCheck, given, settings

from dashboard.components.figures import MAP_DRAWING_TRACE
from dashboard.tabs.draw import drawing
from dashboard.tabs.draw import ids as draw_ids
from dashboard.page import tab_id
from dashboard.tabs.errors import TAB, digit_map, ids
from dashboard.tabs.errors.analysis import GALLERY_LIMIT, ErrorAnalysis
from dashboard.tabs.errors.gallery import BAD_SELECTION, EMPTY_SELECTION, NO_LABEL_ISSUES, update_gallery
from dashboard.tabs.errors.inspector import OUTPUT_KEYS, inspect_digit
from dashboard.tabs.errors.layout import layout
from model.artifacts import DEFAULT_MODEL_PATH, index_path, report_arrays_path, report_path
from model.report import EvaluationReport
from tests.model.test_callbacks import dash_request, json_values
from tests.support.layouts import nodes, texts
from tests.support.pad import pad_drawing
from training.drawings import SAMPLES

TAB_BUTTON = tab_id(TAB)

NEW_KEYS = ("label_issues", "label_issues_method", "calibration", "test_map")


@pytest.fixture(scope="module")
def report():
    return EvaluationReport.load(DEFAULT_MODEL_PATH)


@pytest.fixture(scope="module")
def analysis(report, reader):
    return ErrorAnalysis(report, lambda: reader.index.test_images)


def shown(view):
    return [button.id["index"] for button in view["gallery"]]


def text_of(component):
    """Every string in a component tree, joined."""
    return " ".join(texts(component))


# ---------------------------------------------------------------- suspected label errors

def test_the_suspected_label_errors_filter_shows_them_with_a_badge(report, analysis):
    view = update_gallery(analysis, None, None, "least", "label_issues")
    suspected = {issue["index"] for issue in report.label_issues}
    assert sorted(shown(view)) == sorted(suspected)
    assert view["title"] == f"{len(suspected)} suspected label errors"
    for button in view["gallery"]:
        assert "suspected" in button.className.split()      # its "label?" badge (tests/browser/test_error_map.py)
        assert "suspected label error: labelled" in button.title


def test_the_filters_apply_to_the_suspected_label_errors(report, analysis):
    given = report.label_issues[0]["given"]
    view = update_gallery(analysis, given, None, "most", "label_issues")
    expected = [i["index"] for i in report.label_issues if i["given"] == given]
    assert sorted(shown(view)) == sorted(expected)
    confidence = report.probabilities.max(axis=1)[shown(view)]
    assert list(confidence) == sorted(confidence, reverse=True)


def test_most_suspicious_first_follows_the_reports_ranking(report, analysis):
    view = update_gallery(analysis, None, None, "suspicion", "label_issues")
    assert shown(view) == [issue["index"] for issue in report.label_issues]
    # Among the mistakes, the suspected ones come first.
    mistakes = shown(update_gallery(analysis, None, None, "suspicion"))
    flags = [index in analysis.issues for index in mistakes]
    assert flags == sorted(flags, reverse=True) and any(flags) and not all(flags)


def test_a_weaker_suspicion_says_perhaps(reader, report, analysis):
    issue = next(issue for issue in report.label_issues if issue["score"] <= 0)
    view = inspect_digit(reader, analysis, "vanilla", None, {"type": ids.THUMBNAIL, "index": issue["index"]})
    assert f"labelled {issue['given']}, perhaps {issue['suggested']} (score" in text_of(view["evidence"])


def test_the_inspector_says_labelled_this_probably_that_with_the_evidence(reader, report, analysis):
    issue = report.label_issues[0]
    assert issue["score"] > 0
    view = inspect_digit(reader, analysis, "vanilla", None, {"type": ids.THUMBNAIL, "index": issue["index"]})
    assert set(view) == set(OUTPUT_KEYS)
    assert view["title"] == f"Test digit #{issue['index']}: labelled {issue['given']}, read as {view['prediction']}"
    evidence = text_of(view["evidence"])
    assert evidence.startswith(f"Suspected label error: labelled {issue['given']}, probably {issue['suggested']} (")
    assert f"The model gives: {issue['suggested']} " in evidence
    assert "Nearest training digits by pixels are labelled: " + " ".join(
        map(str, issue["evidence"]["pixel_neighbours"])) in evidence
    # A digit nobody suspects has no evidence block.
    ordinary = next(i for i in range(10_000) if i not in analysis.issues)
    view = inspect_digit(reader, analysis, "vanilla", None, {"type": ids.THUMBNAIL, "index": ordinary})
    assert view["evidence"] == []


# ---------------------------------------------------------------- the map

def test_a_map_selection_fills_the_gallery(report, analysis):
    chosen = [int(i) for i in np.flatnonzero(report.labels == 4)[:7]]
    view = update_gallery(analysis, None, None, "least", "selection", chosen)
    assert sorted(shown(view)) == sorted(chosen)
    assert view["title"] == "7 test digits selected on the map"
    view = update_gallery(analysis, 4, 9, "least", "selection", chosen)
    assert shown(view) == [i for i in chosen if report.predictions[i] == 9]


def test_a_large_selection_shows_its_first_thumbnails_and_says_so(analysis):
    view = update_gallery(analysis, None, None, "least", "selection", list(range(5_000)))
    assert len(view["gallery"]) == GALLERY_LIMIT
    assert view["title"] == f"5000 test digits selected on the map (the first {GALLERY_LIMIT} shown)"


@pytest.mark.parametrize("selection", [None, []])
def test_an_empty_selection_says_how_to_select(analysis, selection):
    assert update_gallery(analysis, None, None, "least", "selection", selection) == {"title": EMPTY_SELECTION,
                                                                                     "gallery": []}


@pytest.mark.parametrize("selection", ["1,2,3", [1.5], [-1], [10_000], [True], [[1]], {"points": [1]},
                                       list(range(10_001)), [1, "2"]])
def test_a_forged_selection_gets_a_polite_message(analysis, selection):
    assert update_gallery(analysis, None, None, "least", "selection", selection) == {"title": BAD_SELECTION,
                                                                                     "gallery": []}


def test_hovering_a_point_shows_its_thumbnail(report, analysis):
    index = report.label_issues[0]["index"]
    hover = {"points": [{"customdata": index, "bbox": {"x0": 1, "x1": 2, "y0": 3, "y1": 4}}]}
    tip = digit_map.tooltip(analysis, hover)
    assert tip["show"] is True and tip["bbox"] == hover["points"][0]["bbox"]
    text = text_of(tip["children"])
    assert f"#{index}: labelled {report.labels[index]}" in text and "label suspect: probably" in text
    assert tip["children"].children[0].src.startswith("data:image/png;base64,")


@pytest.mark.parametrize("hover", [None, {}, {"points": []}, {"points": [{"customdata": "7"}]},
                                   {"points": [{"customdata": 10**9, "bbox": {}}]},
                                   {"points": [{"customdata": 3}]}, {"points": [{"customdata": 3, "bbox": [1]}]},
                                   "garbage", [1, 2]])
def test_a_forged_hover_hides_the_tooltip(analysis, hover):
    assert digit_map.tooltip(analysis, hover)["show"] is False


def drawing_of(reader, digit):
    return drawing.update_drawing(reader, pad_drawing(SAMPLES[digit]), "vanilla", None, draw_ids.STROKES)["explained"]


def placed(marker):
    trace = marker["figure"].to_plotly_json()["operations"]
    return {tuple(op["location"][-1:])[0]: op["params"]["value"] for op in trace}


@pytest.mark.parametrize("digit", [0, 3, 7])
def test_a_drawing_lands_among_test_digits_of_its_kind(reader, report, analysis, digit):
    marker = digit_map.drawing_marker(reader, analysis, drawing_of(reader, digit))
    assert isinstance(marker["figure"], Patch)
    operations = marker["figure"].to_plotly_json()["operations"]
    assert all(op["location"][:2] == ["data", MAP_DRAWING_TRACE] for op in operations)
    values = placed(marker)
    x, y = values["x"][0], values["y"][0]
    assert 0 <= x <= 1 and 0 <= y <= 1
    nearest_on_map = np.argsort(((report.map_xy - [x, y]) ** 2).sum(axis=1))[:20]
    assert (report.labels[nearest_on_map] == digit).mean() >= 0.6
    assert marker["caption"].startswith(f"Your drawing (read as {digit}, the star) falls among test digits labelled")


@pytest.mark.parametrize("explained", [None, "x", {"pixels": [0] * 10, "digit": 3, "target": None},
                                       {"pixels": [300] * 784, "digit": 3, "target": None}, [1, 2]])
def test_no_drawing_or_a_forged_one_clears_the_star(reader, analysis, explained):
    marker = digit_map.drawing_marker(reader, analysis, explained)
    assert placed(marker) == {"x": [], "y": []}
    assert marker["caption"].startswith("Draw a digit on the Draw tab")


def test_a_map_just_laid_out_is_not_drawn_again_for_no_drawing(reader, analysis):
    marker = digit_map.drawing_marker(reader, analysis, None, fresh_map=True)
    assert marker["figure"] is no_update
    assert marker["caption"].startswith("Draw a digit on the Draw tab")
    assert isinstance(digit_map.drawing_marker(reader, analysis, drawing_of(reader, 3), fresh_map=True)["figure"], Patch)


# ---------------------------------------------------------------- the tab as laid out, and through HTTP

def all_ids(component):
    return [node.id for node in nodes(component) if getattr(node, "id", None) is not None]


def test_the_tab_lays_out_the_map_and_the_calibration_panels(app):
    from dashboard.services import load_services

    tab = layout(load_services(DEFAULT_MODEL_PATH))
    laid_out = all_ids(tab)
    for wanted in (ids.MAP, ids.MAP_TOOLTIP, ids.MAP_CAPTION, ids.SHOW, ids.SELECTION, ids.EVIDENCE,
                   ids.RELIABILITY, ids.COVERAGE):
        assert wanted in laid_out
    assert "has no" not in text_of(tab)
    assert "Expected calibration error" in text_of(tab) and "Today's 60% answers" in text_of(tab)


def test_the_map_callbacks_are_registered(client):
    outputs = " ".join(d["output"] for d in client.get("/_dash-dependencies").get_json())
    assert f"{ids.MAP_TOOLTIP}.show" in outputs and f"{ids.MAP}.figure" in outputs
    assert f"{ids.SELECTION}.data" in outputs and "inspect-request.data" in outputs


def test_forged_selections_and_hovers_through_dashs_endpoint_are_answered_politely(client):
    for selection in ("1,2", [1.5], [-3], {"a": 1}, list(range(3))):
        response = dash_request(client, "gallery.children", {"gallery-show.data": "selection",
                                                             "map-selection.data": selection}, "map-selection.data")
        assert response.status_code == 200
        title = response.get_json()["response"]["gallery-title"]["children"]
        assert title == BAD_SELECTION or title.endswith("selected on the map")
    for hover in ({"points": [{"customdata": "x"}]}, [], {"points": [{"customdata": 5, "bbox": {"x0": 1}}]}):
        response = dash_request(client, f"{ids.MAP_TOOLTIP}.show", {f"{ids.MAP}.hoverData": hover},
                                f"{ids.MAP}.hoverData")
        assert response.status_code in (200, 204)


def test_the_drawing_is_placed_through_dashs_endpoint_when_the_tab_opens(client, reader):
    explained = drawing_of(reader, 2)
    response = dash_request(client, f"{ids.MAP}.figure", {f"{TAB_BUTTON}.n_clicks": 2,
                                                          f"{draw_ids.PANEL.explained}.data": explained},
                            f"{TAB_BUTTON}.n_clicks")
    assert response.status_code == 200
    answer = response.get_json()["response"]
    assert answer[ids.MAP_CAPTION]["children"].startswith("Your drawing (read as 2")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hover=json_values, explained=json_values, selection=json_values, show=json_values)
def test_the_map_callbacks_answer_anything_without_raising(reader, analysis, hover, explained, selection, show):
    assert set(digit_map.tooltip(analysis, hover)) == {"show", "bbox", "children"}
    assert set(digit_map.drawing_marker(reader, analysis, explained)) == {"figure", "caption"}
    assert set(update_gallery(analysis, None, None, "least", show, selection)) == {"title", "gallery"}


# ---------------------------------------------------------------- an older report, without the new keys

@pytest.fixture(scope="module")
def older_model(tmp_path_factory):
    """The shipped model, index and report, less everything issue 11 added."""
    folder = tmp_path_factory.mktemp("older")
    model = folder / DEFAULT_MODEL_PATH.name
    shutil.copy(DEFAULT_MODEL_PATH, model)
    shutil.copy(index_path(DEFAULT_MODEL_PATH), index_path(model))
    summary = json.loads(report_path(DEFAULT_MODEL_PATH).read_text())
    report_path(model).write_text(json.dumps({k: v for k, v in summary.items() if k not in NEW_KEYS}))
    with np.load(report_arrays_path(DEFAULT_MODEL_PATH)) as arrays:
        np.savez_compressed(report_arrays_path(model), **{name: arrays[name] for name in
                                                          ("labels", "probabilities", "gallery_indices", "gallery_images")})
    return model


def test_an_older_report_loads_and_the_new_panels_say_how_to_make_them(older_model, reader):
    from dashboard.services import Services

    report = EvaluationReport.load(older_model)
    assert report.map_xy is None and report.label_signals == {} and report.label_issues == []
    tab = layout(Services(reader=reader, report=report))
    text = text_of(tab)
    for what in ("map of the test set", "calibration", "coverage curve"):
        assert f"This report has no {what}: run `python -m training.evaluate` to make it." in text
    assert ids.MAP not in all_ids(tab)
    analysis = ErrorAnalysis(report, lambda: reader.index.test_images)
    assert update_gallery(analysis, None, None, "least", "label_issues") == {"title": NO_LABEL_ISSUES, "gallery": []}
    assert update_gallery(analysis, None, None, "least")["title"].startswith("All ")
    assert digit_map.drawing_marker(reader, analysis, None) == {"figure": no_update, "caption": ""}


def test_an_app_on_an_older_report_serves_the_tab(older_model):
    from dashboard import create_app

    client = create_app({"TESTING": True}, model_path=older_model).server.test_client()
    dependencies = " ".join(d["output"] for d in client.get("/_dash-dependencies").get_json())
    assert f"{ids.MAP}.figure" not in dependencies          # no map, no map callbacks
    response = dash_request(client, f"{ids.PAGE}.children", {f"{TAB_BUTTON}.n_clicks": 1}, f"{TAB_BUTTON}.n_clicks")
    assert response.status_code == 200
    assert "This report has no map of the test set" in json.dumps(response.get_json())


def test_the_dashboard_never_imports_umap_or_numba():
    code = ("import sys; from dashboard import create_app; create_app({'TESTING': True}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('umap', 'numba', 'pynndescent')))")
    finished = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert finished.stdout.strip().splitlines()[-1] == "[]"
