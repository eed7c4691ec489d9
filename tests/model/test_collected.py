"""The feedback under a reading and the Collected tab, as plain functions (what the browser's requests
run), with the real model and real databases (SQLite and PostgreSQL: tests/support/databases.py)."""

import numpy as np
import pytest
from dash import no_update
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.components import feedback
from dashboard.components.feedback import RIGHT, save_feedback
from dashboard.limits import save_limit
from dashboard.settings import Settings
from dashboard.tabs.collected import gallery, ids, inspector, scores
from store import Database, NewDrawing, Viewer, get_drawing, list_drawings, save_drawing
from tests.support.databases import POSTGRES_URL, postgres_schema, require_service
from tests.support.pad import pad_drawing
from tests.support.tcp_proxy import TcpProxy
from training.drawings import SAMPLES

ALICE, BOB = Viewer.of("alice"), Viewer.of("bob")
EVERYONE = Viewer.admin()


def must_not_be_asked():
    raise AssertionError("the visitor's id (and cookie) is only needed for a drawing that is saved")


def save(reader, database, digit, label, visitor="alice"):
    message, saved = save_feedback(reader, database, pad_drawing(SAMPLES[digit]), label, visitor=lambda: visitor)
    assert saved, message
    return list_drawings(database, Viewer.of(visitor), limit=1).drawings[0]


def quick_drawing(label, predicted, visitor="alice", seed=0):
    """A drawing saved without the model (the paging tests need many)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (28, 28), dtype=np.uint8)
    probabilities = tuple(np.eye(10)[predicted])
    return NewDrawing(visitor=visitor, label=label, predicted=predicted, confidence=1.0, probabilities=probabilities,
                      model_sha256="0" * 64, model_input=pixels, strokes={"strokes": [[[0, 0], [1, 1]]], "width": 20})


def thumbnail_ids(view):
    return [button.id["index"] for button in view["gallery"] if hasattr(button, "id") and isinstance(button.id, dict)]


def gallery_of(database, viewer, label=None, answer=None, which="all", paging=None, trigger=None):
    return gallery.update_gallery(database, viewer, label, answer, which, paging, trigger)


# ---------------------------------------------------------------- the feedback under a reading

def test_no_its_a_3_saves_the_drawing_with_that_label(reader, database):
    message, saved = save_feedback(reader, database, pad_drawing(SAMPLES[7]), 3, visitor=lambda: "alice")
    assert (message, saved) == ("Saved as a 3: thank you.", True)
    [drawing] = list_drawings(database, ALICE).drawings
    stored = get_drawing(database, ALICE, drawing.id)
    assert (stored.label, stored.predicted, stored.visitor) == (3, 7, "alice")
    assert stored.model_sha256 == reader.classifier.sha256
    assert stored.strokes == {"strokes": pad_drawing(SAMPLES[7])["strokes"], "width": 20}
    # What the model saw is what it reads from those strokes.
    expected = reader.read_strokes(list(zip(*pad_drawing(SAMPLES[7]).values())), methods=())
    assert np.abs(stored.model_input.astype(int) - np.rint(expected.model_input * 255)).max() <= 1
    assert stored.confidence == pytest.approx(expected.confidence, abs=1e-5)


def test_the_tick_saves_the_models_own_reading_as_the_label(reader, database):
    drawing = save(reader, database, 2, RIGHT)
    assert (drawing.label, drawing.predicted) == (2, 2) and drawing.correct


def test_a_brush_changed_mid_drawing_keeps_each_strokes_width(reader, database):
    strokes = pad_drawing(SAMPLES[4])
    strokes["widths"] = [14 + 4 * i for i in range(len(strokes["widths"]))]
    assert len(set(strokes["widths"])) > 1
    _, saved = save_feedback(reader, database, strokes, 4, visitor=lambda: "alice")
    drawing = list_drawings(database, ALICE).drawings[0]
    assert saved and get_drawing(database, ALICE, drawing.id).strokes["width"] == strokes["widths"]


@pytest.mark.parametrize("drawing", [None, {"strokes": [], "widths": []}, {"strokes": [[[5, 5]]], "widths": [1]}])
def test_a_blank_drawing_cannot_be_saved(reader, database, drawing):
    assert save_feedback(reader, database, drawing, 3, visitor=must_not_be_asked) == (feedback.BLANK, False)
    assert list_drawings(database, EVERYONE).drawings == []


def test_an_oversized_drawing_cannot_be_saved(reader, database):
    too_many_points = {"strokes": [[[float(x % 500), float(x % 270)] for x in range(6000)]] * 2, "widths": [20, 20]}
    # Under the point limit, but more bytes than a saved drawing may take (the API's limit).
    long_numbers = [[x % 500 + 0.123456789012345, x % 270 + 0.987654321098765] for x in range(4500)]
    too_many_bytes = {"strokes": [long_numbers] * 2, "widths": [20, 20]}
    for drawing in (too_many_points, too_many_bytes):
        assert save_feedback(reader, database, drawing, 3, visitor=must_not_be_asked) == (feedback.TOO_LARGE, False)
    assert list_drawings(database, EVERYONE).drawings == []


def test_the_save_limit_says_try_again_in_a_minute(reader, database):
    """The real limit (Flask-Limiter, as the app builds it) at 2 a minute: the third save is refused."""
    host = Flask("feedback_limit")
    limit = save_limit(host, Settings.load({"DIGIT_READER_SAVES_PER_MINUTE": 2}, {}), "/limit-test/")

    @host.post("/limit-test/_dash-update-component")
    def callback():
        message, saved = save_feedback(reader, database, pad_drawing(SAMPLES[1]), 1, visitor=lambda: "alice",
                                       limit=limit)
        return {"message": message, "saved": saved}

    client = host.test_client()
    answers = [client.post("/limit-test/_dash-update-component").get_json() for _ in range(3)]
    assert [answer["saved"] for answer in answers] == [True, True, False]
    assert answers[2]["message"] == feedback.TOO_MANY == "Too many saves; try again in a minute."
    assert len(list_drawings(database, ALICE).drawings) == 2


def test_a_lost_database_says_couldnt_save_and_saving_works_again_when_it_is_back(reader):
    """PostgreSQL behind a TCP proxy the test cuts (the machine's server keeps running for everyone else)."""
    require_service("PostgreSQL", POSTGRES_URL, 5432)
    from sqlalchemy.engine import make_url

    with postgres_schema() as direct_url:
        Database.open(direct_url, upgrade=True).dispose()
        parsed = make_url(direct_url)
        proxy = TcpProxy(parsed.host, parsed.port or 5432).start()
        database = Database.open(parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        try:
            assert save_feedback(reader, database, pad_drawing(SAMPLES[0]), 0, visitor=lambda: "alice")[1]
            proxy.cut()
            message, saved = save_feedback(reader, database, pad_drawing(SAMPLES[4]), 4, visitor=lambda: "alice")
            assert (message, saved) == (feedback.UNAVAILABLE, False) and message.startswith("Couldn't save, try again")
            proxy.restore()
            assert save_feedback(reader, database, pad_drawing(SAMPLES[4]), 4, visitor=lambda: "alice")[1]
            assert [d.label for d in list_drawings(database, ALICE).drawings] == [4, 0]
        finally:
            database.dispose()
            proxy.close()


def test_the_feedback_buttons_say_what_they_save():
    row = feedback.Feedback("x-", source="x-strokes")
    assert row.choice("x-feedback-right") == RIGHT and row.choice("x-feedback-3") == 3
    assert row.choice("x-feedback-10") is None and row.choice({"type": "x"}) is None and row.choice(None) is None
    assert len(row.buttons) == 11 and len(set(row.buttons)) == 11


# ---------------------------------------------------------------- the gallery: who sees what, filters, pages

def test_a_visitor_sees_only_their_own_drawings_and_the_admin_everyones(reader, database):
    mine = save(reader, database, 7, 7, "alice")
    theirs = save(reader, database, 1, 1, "bob")
    assert thumbnail_ids(gallery_of(database, ALICE)) == [mine.id]
    assert thumbnail_ids(gallery_of(database, BOB)) == [theirs.id]
    view = gallery_of(database, EVERYONE)
    assert thumbnail_ids(view) == [theirs.id, mine.id] and view["title"] == "Everyone's 2 drawings"
    assert gallery_of(database, ALICE)["title"] == "Your 1 drawing"


def test_a_visitor_with_nothing_saved_is_told_how_to_start(database):
    for viewer in (Viewer.of(None), ALICE):
        view = gallery_of(database, viewer)
        assert thumbnail_ids(view) == [] and view["gallery"][0].children == gallery.NOTHING_SAVED
        assert view["title"] == "Your 0 drawings" and view["older_hidden"] and view["newest_hidden"]


def test_the_filters_pick_by_label_answer_and_where_they_differ(database):
    saved = {(label, predicted): save_drawing(database, quick_drawing(label, predicted, seed=label * 10 + predicted)).id
             for label, predicted in [(3, 3), (3, 5), (5, 5), (7, 1), (3, 5)]}
    del saved[(3, 5)]
    assert len(thumbnail_ids(gallery_of(database, ALICE, label=3))) == 3
    assert len(thumbnail_ids(gallery_of(database, ALICE, answer=5))) == 3
    assert thumbnail_ids(gallery_of(database, ALICE, label=7, answer=1)) == [saved[(7, 1)]]
    differ = gallery_of(database, ALICE, which="differ")
    assert len(thumbnail_ids(differ)) == 3
    assert differ["title"] == "3 of your drawings: the label and the answer differ"
    assert gallery_of(database, ALICE, label=3, answer=5, which="differ")["title"] == \
        "2 of your drawings: labelled 3, read as 5, the label and the answer differ"
    nothing = gallery_of(database, ALICE, label=9)
    assert nothing["gallery"][0].children == "None of your drawings match these filters."
    assert gallery_of(database, BOB, label=3)["title"] == "0 of your drawings: labelled 3"


def test_thumbnails_show_the_label_and_the_answer_when_saved(database):
    save_drawing(database, quick_drawing(3, 5))
    save_drawing(database, quick_drawing(4, 4, seed=1))
    right, wrong = gallery_of(database, ALICE)["gallery"]
    assert wrong.children == "3\nread as 5" and wrong.className == "thumb"
    assert right.children == "4\nread as 4" and "correct" in right.className
    assert wrong.style["backgroundImage"].startswith("url(data:image/png;base64,") and wrong.title.startswith("Drawing ")


def test_older_drawings_come_a_page_at_a_time(database):
    count = gallery.PAGE_SIZE + 5
    for i in range(count):
        save_drawing(database, quick_drawing(i % 10, i % 10, seed=i))
    first = gallery_of(database, ALICE)
    assert len(thumbnail_ids(first)) == gallery.PAGE_SIZE and not first["older_hidden"] and first["newest_hidden"]
    older = gallery_of(database, ALICE, paging=first["paging"], trigger=ids.OLDER)
    assert len(thumbnail_ids(older)) == 5 and older["older_hidden"] and not older["newest_hidden"]
    assert set(thumbnail_ids(first)).isdisjoint(thumbnail_ids(older))
    assert max(thumbnail_ids(older)) < min(thumbnail_ids(first))
    assert older["title"] == f"Your {count} drawings (older ones)"
    assert thumbnail_ids(gallery_of(database, ALICE, paging=older["paging"], trigger=ids.NEWEST)) == \
        thumbnail_ids(first)
    # A filter starts again at the newest.
    assert gallery_of(database, ALICE, paging=first["paging"], trigger=ids.LABEL_FILTER)["newest_hidden"]


# ---------------------------------------------------------------- how the current model does on them

def test_the_scores_are_the_current_models_reading_of_the_saved_inputs(reader, database):
    for digit, label in [(7, 7), (1, 1), (2, 2), (3, 8)]:
        save(reader, database, digit, label)
    save(reader, database, 4, 4, "bob")
    view = scores.update_scores(database, ALICE, reader.probabilities)
    mine = list_drawings(database, ALICE).drawings
    predicted = reader.probabilities(np.stack([d.model_input for d in mine])).argmax(axis=1)
    labels = np.array([d.label for d in mine])
    accuracy = float(np.mean(predicted == labels))
    assert accuracy == 0.75
    assert [stat.children[0].children for stat in view["stats"]] == ["4", "75.0%", "1"]
    assert view["summary"] == ("The current model reads 3 of the 4 drawings as they are labelled (75.0%). "
                               "Its commonest mistake: 8 read as 3 (1 time).")
    cells = sum(sum(value for value in row if value is not None) for row in view["figure"]["data"][1]["z"])
    assert cells > 0 and not view["scores_hidden"]
    assert scores.update_scores(database, EVERYONE, reader.probabilities)["stats"][0].children[0].children == "5"


def test_no_drawings_hide_the_scores(reader, database):
    view = scores.update_scores(database, ALICE, reader.probabilities)
    assert view["scores_hidden"] and view["summary"] == "Nothing saved yet."
    assert [stat.children[0].children for stat in view["stats"]] == ["0", "–", "0"]


def test_remembered_readings_ask_the_model_only_about_new_inputs(reader, mnist_test):
    asked = []

    def probabilities(pixels):
        asked.append(len(pixels))
        return reader.probabilities(pixels)

    images = mnist_test[0][:300]
    remembered = scores.RememberedReadings(probabilities, size=250)
    first = remembered(images[:200])
    np.testing.assert_allclose(first, reader.probabilities(images[:200]), atol=1e-6)
    again = remembered(images[:300])
    np.testing.assert_allclose(again, reader.probabilities(images[:300]), atol=1e-6)
    assert asked == [200, 100]                           # only the 100 it had not seen
    remembered(images[:50])                              # the oldest 50 were forgotten (250 kept)
    assert asked == [200, 100, 50] and remembered(images[:0]).shape == (0, 10)


# ---------------------------------------------------------------- the inspector and deleting

def open_drawing(reader, database, viewer, drawing_id, method="vanilla"):
    return inspector.inspect_drawing(reader, database, viewer, method, None, 0,
                                     {"type": ids.THUMBNAIL, "index": drawing_id})


def test_a_click_opens_the_drawing_read_again_by_the_current_model(reader, database):
    drawing = save(reader, database, 3, 8)
    view = open_drawing(reader, database, ALICE, drawing.id)
    assert set(view) == set(inspector.OUTPUT_KEYS)
    assert view["prediction"] == str(reader.read_pixels(drawing.model_input, methods=()).digit) == "3"
    assert view["title"] == f"Drawing #{drawing.id}: labelled 8"
    assert "this model read it as 3" in view["details"]
    assert view["opened"] == {"id": drawing.id, "target": None} and view["delete_hidden"] is False
    assert view["confirm_hidden"] is True and view["saliency"].startswith("data:image/png")
    assert len(view["neighbours"]) == 8      # its nearest training digits, as on the Draw tab
    # A bar explains that class, the same drawing.
    explained = inspector.inspect_drawing(reader, database, ALICE, "vanilla", view["opened"], 0,
                                          ids.PANEL.chosen_bar, 8)
    assert explained["saliency_caption"] == "Why 8, not 3? Vanilla gradient" and explained["prediction"] is no_update


def test_a_visitor_cannot_open_or_delete_someone_elses_drawing(reader, database):
    theirs = save(reader, database, 1, 1, "bob")
    assert open_drawing(reader, database, ALICE, theirs.id)["message"] == inspector.NOT_THERE
    view = inspector.inspect_drawing(reader, database, ALICE, "vanilla", {"id": theirs.id}, 0, ids.CONFIRM_DELETE)
    assert view["message"] == inspector.NOT_THERE and get_drawing(database, EVERYONE, theirs.id) is not None
    assert open_drawing(reader, database, EVERYONE, theirs.id)["prediction"] == "1"


@pytest.mark.parametrize("viewer", [ALICE, EVERYONE], ids=["owner", "admin"])
def test_deleting_takes_a_confirmation(reader, database, viewer):
    drawing = save(reader, database, 7, 7)
    opened = open_drawing(reader, database, viewer, drawing.id)["opened"]
    asked = inspector.inspect_drawing(reader, database, viewer, "vanilla", opened, 3, ids.DELETE)
    assert asked["confirm_hidden"] is False and asked["changed"] is no_update
    kept = inspector.inspect_drawing(reader, database, viewer, "vanilla", opened, 3, ids.CANCEL_DELETE)
    assert kept["confirm_hidden"] is True and get_drawing(database, viewer, drawing.id) is not None
    gone = inspector.inspect_drawing(reader, database, viewer, "vanilla", opened, 3, ids.CONFIRM_DELETE)
    assert gone["message"] == f"Deleted drawing #{drawing.id}." and gone["changed"] == 4 and gone["opened"] is None
    assert gone["prediction"] == "–" and gone["delete_hidden"] is True and gone["confirm_hidden"] is True
    assert get_drawing(database, EVERYONE, drawing.id) is None
    assert thumbnail_ids(gallery_of(database, viewer)) == []


def test_delete_with_nothing_open_asks_nothing(reader, database):
    assert inspector.inspect_drawing(reader, database, ALICE, "vanilla", None, 0, ids.DELETE)["confirm_hidden"] is True


# ---------------------------------------------------------------- anything a tampered browser sends

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
drawings = st.one_of(json_values, st.fixed_dictionaries({
    "strokes": st.lists(st.lists(st.lists(json_values, max_size=3), max_size=6), max_size=3),
    "widths": st.lists(json_values, max_size=3)}))
triggers = st.sampled_from([ids.OLDER, ids.NEWEST, ids.DELETE, ids.CONFIRM_DELETE, ids.CANCEL_DELETE,
                            ids.PANEL.method, ids.PANEL.chosen_bar, ids.LABEL_FILTER, None]) \
    | st.fixed_dictionaries({"type": st.just(ids.THUMBNAIL), "index": json_values}) | json_values
callback_fuzz = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def fuzz_database(tmp_path_factory):
    """One SQLite database for the fuzzing (a drawing of each visitor in it), made once."""
    database = Database.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'drawings.sqlite3'}")
    for seed, visitor in enumerate(("alice", "bob")):
        save_drawing(database, quick_drawing(3, 5, visitor, seed))
    yield database
    database.dispose()


@callback_fuzz
@given(drawing=drawings, choice=json_values | st.sampled_from([RIGHT, 3]))
def test_the_feedback_answers_anything_without_raising(reader, fuzz_database, drawing, choice):
    message, saved = save_feedback(reader, fuzz_database, drawing, choice, visitor=lambda: "fuzz")
    assert isinstance(message, str) and message and isinstance(saved, bool)


@callback_fuzz
@given(label=json_values, answer=json_values, which=json_values, paging=json_values, trigger=triggers,
       method=json_values | st.just("vanilla"), opened=json_values | st.fixed_dictionaries({"id": json_values}),
       changed=json_values, chosen_bar=json_values)
def test_the_collected_callbacks_answer_anything_without_raising(reader, fuzz_database, label, answer, which, paging,
                                                                 trigger, method, opened, changed, chosen_bar):
    for viewer in (ALICE, EVERYONE, Viewer.of(None)):
        assert set(gallery_of(fuzz_database, viewer, label, answer, which, paging, trigger)) == \
            set(gallery.OUTPUT_KEYS)
        view = inspector.inspect_drawing(reader, fuzz_database, viewer, method, opened, changed, trigger, chosen_bar)
        assert set(view) == set(inspector.OUTPUT_KEYS)
        if view["changed"] is not no_update:
            assert type(view["changed"]) is int
