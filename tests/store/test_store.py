"""The store on real databases: every test runs on SQLite and on PostgreSQL (tests/support/databases.py).

Saving, who sees what, paging, filters, deleting, scoring with a model, the export files (read back
with MNIST's own IDX parser), the migrations, and the durability settings.
"""

import gzip
import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from model.mnist import _parse_idx
from store import (Database, Filters, NewDrawing, StoreUnavailable, Viewer, default_url, delete_drawing, export_files,
                   get_drawing, list_drawings, save_drawing, score_drawings)
from store.drawings import count_drawings, model_inputs
from store.export import IMAGES_FILE, LABELS_FILE, NPZ_FILE
from store.migrate import current_revision, head_revision
from store.schema import Base
from tests.support.databases import fresh_database_url

ROOT = Path(__file__).resolve().parents[2]


def drawing(label, predicted, visitor="alice", seed=0, strokes=True):
    pixels = np.random.default_rng(seed).integers(0, 256, (28, 28), dtype=np.uint8)
    probabilities = np.full(10, 0.01)
    probabilities[predicted] = 0.91
    return NewDrawing(visitor=visitor, label=label, predicted=predicted, confidence=0.91,
                      probabilities=tuple(probabilities), model_sha256="ab" * 32, model_input=pixels,
                      strokes={"strokes": [[[10, 20], [30, 40.5]]], "width": 18} if strokes else None,
                      image=None if strokes else b"\x89PNG fake")


def test_a_saved_drawing_comes_back_as_it_was_saved(database):
    new = drawing(3, 5, seed=1)
    saved = save_drawing(database, new)
    again = get_drawing(database, Viewer.admin(), saved.id)
    assert (again.label, again.predicted, again.visitor, again.model_sha256) == (3, 5, "alice", "ab" * 32)
    assert again.confidence == pytest.approx(0.91) and again.probabilities == pytest.approx(list(new.probabilities))
    assert np.array_equal(again.model_input, new.model_input)
    assert again.strokes == {"strokes": [[[10, 20], [30, 40.5]]], "width": 18} and again.image is None
    assert again.created.tzinfo is not None and abs(time.time() - again.created.timestamp()) < 60
    image = save_drawing(database, drawing(1, 1, strokes=False))
    assert get_drawing(database, Viewer.admin(), image.id).image == b"\x89PNG fake"


def test_a_float_model_input_is_kept_exactly_as_the_uint8_it_came_from(database):
    pixels = np.random.default_rng(2).integers(0, 256, (28, 28), dtype=np.uint8)
    new = drawing(0, 0)
    saved = save_drawing(database, NewDrawing(**{**new.__dict__, "model_input": pixels.astype(np.float32) / 255}))
    assert np.array_equal(get_drawing(database, Viewer.admin(), saved.id).model_input, pixels)


def test_a_visitor_sees_and_deletes_only_their_own(database):
    mine = [save_drawing(database, drawing(d, d, "alice")).id for d in range(3)]
    theirs = save_drawing(database, drawing(7, 1, "bob")).id
    alice, bob, nobody = Viewer.of("alice"), Viewer.of("bob"), Viewer.of(None)
    assert [d.id for d in list_drawings(database, alice).drawings] == mine[::-1]
    assert [d.id for d in list_drawings(database, bob).drawings] == [theirs]
    assert list_drawings(database, nobody).drawings == [] and count_drawings(database, nobody) == 0
    assert get_drawing(database, alice, theirs) is None and get_drawing(database, bob, theirs) is not None
    assert not delete_drawing(database, alice, theirs) and not delete_drawing(database, nobody, theirs)
    assert get_drawing(database, Viewer.admin(), theirs) is not None
    assert delete_drawing(database, bob, theirs) and get_drawing(database, Viewer.admin(), theirs) is None
    assert not delete_drawing(database, bob, theirs)
    assert delete_drawing(database, Viewer.admin(), mine[0])
    assert count_drawings(database, Viewer.admin()) == 2


def test_pages_run_newest_first_without_gaps_or_repeats(database):
    ids = [save_drawing(database, drawing(i % 10, i % 10, seed=i)).id for i in range(23)]
    seen, before = [], None
    while True:
        page = list_drawings(database, Viewer.admin(), limit=10, before=before)
        seen += [d.id for d in page.drawings]
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == sorted(ids, reverse=True)
    assert len(list_drawings(database, Viewer.admin(), limit=10_000).drawings) == 23   # capped at 500
    listed = list_drawings(database, Viewer.admin(), limit=1).drawings[0]
    assert listed.strokes is None and listed.model_input.shape == (28, 28)       # a page carries no strokes


def test_filters_by_label_by_answer_and_where_they_differ(database):
    for label, predicted in [(3, 3), (3, 5), (5, 5), (8, 3), (3, 3)]:
        save_drawing(database, drawing(label, predicted))
    def pairs(filters):
        return sorted((d.label, d.predicted) for d in list_drawings(database, Viewer.admin(), filters).drawings)
    assert pairs(Filters(label=3)) == [(3, 3), (3, 3), (3, 5)]
    assert pairs(Filters(predicted=3)) == [(3, 3), (3, 3), (8, 3)]
    assert pairs(Filters(only_wrong=True)) == [(3, 5), (8, 3)]
    assert pairs(Filters(label=3, only_wrong=True)) == [(3, 5)]
    assert count_drawings(database, Viewer.admin(), Filters(label=3)) == 3


def test_scores_read_the_drawings_again_with_the_model_given(database):
    for seed, (label, predicted) in enumerate([(1, 1), (2, 2), (2, 7), (9, 9)]):
        save_drawing(database, drawing(label, predicted, seed=seed, visitor="alice" if seed < 3 else "bob"))
    ids, pixels, labels = model_inputs(database, Viewer.admin())

    def model(images):       # a stand-in model that calls everything a 2
        assert images.shape == (len(images), 28, 28) and images.dtype == np.uint8
        return np.eye(10)[np.full(len(images), 2)]

    scores = score_drawings(database, Viewer.of("alice"), Filters(), model)
    assert scores.count == 3 and scores.accuracy == pytest.approx(2 / 3)
    assert scores.confusion[1, 2] == 1 and scores.confusion[2, 2] == 2 and scores.confusion.sum() == 3
    empty = score_drawings(database, Viewer.of("nobody"), Filters(), model)
    assert empty.count == 0 and empty.accuracy is None and empty.confusion.sum() == 0


def test_the_real_model_scores_its_own_saved_answers(database, reader, mnist_test):
    images, labels = mnist_test
    for index in range(20):
        reading = reader.read_pixels(images[index], methods=())
        save_drawing(database, NewDrawing.of_reading(reading, label=int(labels[index]), visitor="v",
                                                     model_sha256="x" * 64, image=b"png"))
    scores = score_drawings(database, Viewer.admin(), Filters(), reader.probabilities)
    saved = list_drawings(database, Viewer.admin(), limit=20).drawings[::-1]
    assert list(scores.predicted) == [d.predicted for d in saved]    # same model: same answers
    assert scores.accuracy == pytest.approx(np.mean([d.correct for d in saved]))


def test_the_export_is_mnist_idx_and_an_npz_with_metadata(database):
    saved = [save_drawing(database, drawing(d % 10, (d + 1) % 10, seed=d)) for d in range(12)]
    delete_drawing(database, Viewer.admin(), saved[4].id)
    kept = [s for i, s in enumerate(saved) if i != 4]
    files = export_files(database)
    images = _parse_idx(gzip.decompress(files[IMAGES_FILE]))
    labels = _parse_idx(gzip.decompress(files[LABELS_FILE]))
    assert images.shape == (11, 28, 28) and labels.shape == (11,)
    originals = [get_drawing(database, Viewer.admin(), s.id).model_input for s in kept]
    assert np.array_equal(images, np.stack(originals)) and list(labels) == [s.label for s in kept]
    with np.load(io.BytesIO(files[NPZ_FILE]), allow_pickle=False) as npz:
        assert np.array_equal(npz["images"], images) and np.array_equal(npz["labels"], labels)
        assert list(npz["ids"]) == [s.id for s in kept] and list(npz["predicted"]) == [s.predicted for s in kept]
        assert npz["probabilities"].shape == (11, 10) and set(npz["model_sha256"]) == {"ab" * 32}
        assert all(created.endswith("Z") for created in npz["created"])
    assert export_files(database) == files        # the same drawings, the same bytes


def test_an_empty_export_is_still_valid(database):
    files = export_files(database)
    assert _parse_idx(gzip.decompress(files[IMAGES_FILE])).shape == (0, 28, 28)
    assert _parse_idx(gzip.decompress(files[LABELS_FILE])).shape == (0,)


def test_the_migrations_build_exactly_the_tables_the_code_maps(database):
    assert current_revision(database.engine) == head_revision()
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       Base.metadata)
    assert differences == []


def test_the_database_refuses_what_is_no_drawing(database):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):       # the check constraints hold even against a buggy caller
        save_drawing(database, NewDrawing(**{**drawing(1, 1).__dict__, "label": 11}))
    with pytest.raises(ValueError):
        save_drawing(database, NewDrawing(**{**drawing(1, 1).__dict__, "image": b"both"}))
    assert count_drawings(database, Viewer.admin()) == 0


def test_sqlite_is_a_wal_file_that_syncs_every_commit(tmp_path):
    database = Database.open(default_url(tmp_path))          # the embedded default: made and upgraded
    assert (tmp_path / "digit_reader.sqlite3").exists()
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2      # FULL
    assert current_revision(database.engine) == head_revision()
    save_drawing(database, drawing(4, 4))
    database.dispose()


def test_workers_starting_together_upgrade_one_sqlite_file_once(tmp_path):
    """Four processes open (and so upgrade) the same new file at once: all start, one schema."""
    code = ("import sys; from store import Database; Database.open(sys.argv[1]).dispose(); print('ok')")
    url = default_url(tmp_path)
    runs = [subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(4)]
    results = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err[-800:] for _, err in results]
    database = Database.open(url)
    assert current_revision(database.engine) == head_revision()
    database.dispose()


def test_an_unreachable_database_is_store_unavailable():
    with socket.socket() as probe:            # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database = Database.open(f"postgresql://nobody@127.0.0.1:{port}/none")
    with pytest.raises(StoreUnavailable):
        save_drawing(database, drawing(1, 1))
    database.dispose()


def test_a_database_without_the_schema_is_store_unavailable(tmp_path):
    for kind in ("sqlite", "postgresql"):
        with fresh_database_url(kind, tmp_path) as url:
            database = Database.open(url, upgrade=False)
            with pytest.raises(StoreUnavailable):
                save_drawing(database, drawing(1, 1))
            database.dispose()


def test_the_migrate_command_upgrades_a_shared_database(tmp_path):
    with fresh_database_url("postgresql", tmp_path) as url:
        result = subprocess.run([sys.executable, "-m", "store.migrate", "upgrade", "--url", url], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert head_revision() in result.stdout
        database = Database.open(url)
        save_drawing(database, drawing(2, 2))
        database.dispose()
