"""Nearest training digits and "not a digit", with the real model and the real shipped index:
neighbours agree with labels, the not-a-digit goals hold on the held-out halves of the drawn sets,
marks are never confident digits (as strokes and as PNGs), and a stale index is refused."""

import shutil

import numpy as np
import pytest

from model.analysis.embedding_index import EmbeddingIndex
from model.analysis.marks import ink_shape
from model.artifacts import DEFAULT_MODEL_PATH, ModelError, index_path, report_arrays_path, report_path
from model.classifier import DigitClassifier
from model.errors import BadInput
from model.reader import DigitReader
from model.reading import MAX_NEIGHBOURS, Status
from model.report import EvaluationReport
from tests.support.drawn import pad_png
from training.drawings import (
    MARK_KINDS, NON_DIGIT_KINDS, SAMPLES, digit_drawing, drawing_set, mark_drawing, non_digit_drawing)

REJECTED = Status.NOT_A_DIGIT


def rejected_share(reader, drawings):
    return np.mean([reader.read_strokes(d.strokes, d.width, methods=()).status is REJECTED for d in drawings])


# ---- nearest training digits

def test_neighbours_of_mnist_test_digits_share_their_label(reader, mnist_test):
    images, labels = mnist_test
    index = reader.index
    assert len(index.bank) == len(index.bank_labels) == len(index.bank_indices) and len(index.test_embeddings) == 10_000
    # All 10,000 through the shipped test embeddings, and a sample through the reader itself.
    from model.analysis.neighbours import nearest
    positions, _ = nearest(index.bank, index.test_embeddings, 8)
    assert (index.bank_labels[positions] == labels[:, None]).mean() >= 0.97
    sample = range(0, 10_000, 97)
    read = [reader.read_pixels(images[i], methods=(), neighbours=8).neighbours for i in sample]
    assert np.mean([n.label == labels[i] for i, found in zip(sample, read) for n in found]) >= 0.97


def test_neighbours_come_most_similar_first_with_their_training_pixels(reader, mnist_test):
    from model.mnist import load_mnist

    (x_train, y_train), _ = load_mnist()
    images, _ = mnist_test
    found = reader.read_pixels(images[0], neighbours=MAX_NEIGHBOURS).neighbours
    assert len(found) == MAX_NEIGHBOURS
    similarities = [n.similarity for n in found]
    assert similarities == sorted(similarities, reverse=True) and -1 <= similarities[-1] <= similarities[0] <= 1
    for n in found[:5]:
        assert 0 <= n.index < 60_000 and n.label == y_train[n.index]
        assert (reader.index.bank_image(n.index) == x_train[n.index]).all()
    # A training digit of the bank finds itself first.
    own = int(reader.index.bank_indices[100])
    first = reader.read_pixels(x_train[own], methods=(), neighbours=1).neighbours[0]
    assert first.index == own and first.similarity == pytest.approx(1, abs=2e-3)
    assert (reader.index.test_images == images).all()


def test_the_embedding_comes_from_the_same_compiled_call_and_changes_nothing_else(reader, mnist_test):
    images, _ = mnist_test
    image = images[7].astype(np.float32) / 255
    classifier = reader.classifier
    for methods in ((), ("vanilla",), ("smoothgrad",)):
        plain, with_embedding = classifier.predict(image, methods=methods), classifier.predict(image, methods=methods,
                                                                                             embedding=True)
        np.testing.assert_allclose(with_embedding.probabilities, plain.probabilities, atol=1e-6)
        for name in plain.saliency:
            np.testing.assert_allclose(with_embedding.saliency[name], plain.saliency[name], atol=1e-5)
        assert with_embedding.embedding.shape == (128,)
        assert [b.shape for b in with_embedding.blocks] == [(512,), (1024,)]
    _, embeddings, blocks = classifier.features(images[7:9])
    np.testing.assert_allclose(embeddings[0], with_embedding.embedding, atol=1e-4)
    np.testing.assert_allclose(blocks[1][0], with_embedding.blocks[1], atol=1e-4)


@pytest.mark.parametrize("bad", [-1, 33, 2.0, True, "5", None, [3]])
def test_the_reader_refuses_a_bad_neighbour_count(reader, bad):
    with pytest.raises(BadInput) as refused:
        reader.read_strokes(SAMPLES[7], 20, neighbours=bad)
    assert refused.value.code == "invalid_neighbours"


def test_no_neighbours_asked_none_given(reader):
    reading = reader.read_strokes(SAMPLES[7], 20)
    assert reading.neighbours == [] and reading.status is Status.OK and reading.not_a_digit_score is not None
    assert reader.read_strokes([], 20, neighbours=5).neighbours == []     # blank


# ---- not a digit: the goals, on the halves the score was not tuned on

def test_the_report_half_of_the_non_digits_is_rejected(reader):
    drawings = drawing_set("non-digits-report")
    per_kind = {kind: rejected_share(reader, [d for d in drawings if d.label == kind]) for kind in NON_DIGIT_KINDS}
    overall = np.mean(list(per_kind.values()))
    assert overall >= 0.80, per_kind


def test_the_report_half_of_the_drawn_digits_is_kept_and_read(reader):
    drawings = drawing_set("digits-report")
    readings = [reader.read_strokes(d.strokes, d.width, methods=()) for d in drawings]
    assert np.mean([r.status is REJECTED for r in readings]) <= 0.03
    assert np.mean([r.digit == d.digit for r, d in zip(readings, drawings)]) >= 0.97


def test_at_most_two_percent_of_mnist_test_digits_are_rejected(reader, mnist_test):
    images, _ = mnist_test
    _, _, rejected = reader.screen_inputs(images.astype(np.float32) / 255, [ink_shape(p) for p in images])
    assert rejected.mean() <= 0.02


def test_the_batch_screening_judges_as_single_readings_do(reader, mnist_test):
    images, _ = mnist_test
    picked = images[:150]
    _, scores, rejected = reader.screen_inputs(picked.astype(np.float32) / 255, [ink_shape(p) for p in picked])
    readings = [reader.read_pixels(p, methods=()) for p in picked]
    np.testing.assert_allclose(scores, [r.not_a_digit_score for r in readings], atol=1e-3)
    assert rejected.tolist() == [r.status is REJECTED for r in readings]


def test_letters_and_doodles_are_read_as_not_a_digit_with_the_best_guess_kept(reader):
    rng = np.random.default_rng(99)
    for kind in ("letter_X", "star", "hash", "zigzag"):
        drawing = non_digit_drawing(kind, rng)
        reading = reader.read_strokes(drawing.strokes, drawing.width, methods=())
        assert reading.status is REJECTED, kind
        assert reading.digit == int(reading.probabilities.argmax()) and reading.confidence > 0


def test_the_sample_digits_and_generated_digits_stay_digits_as_strokes_and_as_pngs(reader):
    for digit, strokes in SAMPLES.items():
        for reading in (reader.read_strokes(strokes, 20), reader.read_image(pad_png(strokes, 20))):
            assert reading.status is Status.OK and reading.digit == digit
    rng = np.random.default_rng(2024)
    drawings = [digit_drawing(d, rng) for d in range(10) for _ in range(3)]
    pngs = [reader.read_image(pad_png(d.strokes, d.width), methods=()) for d in drawings]
    assert np.mean([r.status is not REJECTED and r.digit == d.digit for r, d in zip(pngs, drawings)]) >= 0.9


@pytest.mark.parametrize("kind", MARK_KINDS)
def test_dots_specks_and_short_dashes_are_never_confident_digits(reader, kind):
    rng = np.random.default_rng(MARK_KINDS.index(kind))
    for _ in range(25):
        mark = mark_drawing(kind, rng)
        for reading in (reader.read_strokes(mark.strokes, mark.width),
                        reader.read_image(pad_png(mark.strokes, mark.width)),
                        reader.read_strokes([[[x / 10, y / 10] for x, y in s] for s in mark.strokes], mark.width / 10)):
            assert reading.status in (REJECTED, Status.BLANK), (mark, reading.status, reading.confidence)


def test_a_long_stroke_is_a_one_and_screening_can_be_switched_off(reader):
    one = [[[140, 30], [142, 250]]]
    assert reader.read_strokes(one, 20).status is Status.OK and reader.read_strokes(one, 20).digit == 1
    dot = [[[140, 140]]]
    assert reader.read_strokes(dot, 20).status is REJECTED
    unscreened = reader.read_strokes(dot, 20, screen=False)
    assert unscreened.status is Status.OK and unscreened.not_a_digit_score is None


def test_the_report_records_the_method_threshold_and_rates_per_kind():
    summary = EvaluationReport.load_summary(DEFAULT_MODEL_PATH)
    rates = summary["not_a_digit"]
    assert "Mahalanobis" in rates["method"] and rates["threshold"] == pytest.approx(
        EmbeddingIndex.load(DEFAULT_MODEL_PATH, summary["model_sha256"]).not_a_digit.threshold, rel=1e-6)
    assert rates["held_out"]["rejected"] <= 0.02 and rates["mnist_test_rejected"] <= 0.02
    for half in ("tune", "report"):
        assert set(rates[f"non-digits-{half}"]["per_label"]) == set(NON_DIGIT_KINDS)
        assert set(rates[f"digits-{half}"]["per_label"]) == {str(d) for d in range(10)}
    assert rates["non-digits-report"]["rejected"] >= 0.80 and rates["digits-report"]["rejected"] <= 0.03
    assert min(summary["neighbours"]["label_agreement"].values()) >= 0.97


# ---- the shipped files

def test_everything_shipped_in_model_fits_the_budget():
    """All the data files in model/ (not its Python, not caches) together: at most 20 MB."""
    shipped = [p for p in DEFAULT_MODEL_PATH.parent.rglob("*")
               if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert index_path(DEFAULT_MODEL_PATH) in shipped
    assert sum(p.stat().st_size for p in shipped) <= 20_000_000, sorted(p.name for p in shipped)


@pytest.fixture()
def copied_model(tmp_path):
    """The shipped model, report and index copied into a folder of their own."""
    target = tmp_path / DEFAULT_MODEL_PATH.name
    for path in (DEFAULT_MODEL_PATH, report_path(DEFAULT_MODEL_PATH), report_arrays_path(DEFAULT_MODEL_PATH),
                 index_path(DEFAULT_MODEL_PATH)):
        shutil.copy(path, tmp_path / path.name)
    return target


def rewrite_index(model_path, **changes):
    with np.load(index_path(model_path), allow_pickle=False) as arrays:
        contents = {**dict(arrays), **changes}
    np.savez_compressed(index_path(model_path), **contents)


def test_a_stale_index_is_refused_at_start_up(copied_model):
    rewrite_index(copied_model, model_sha256=np.str_("0" * 64))
    with pytest.raises(ModelError, match="index .* made for a model with SHA-256 0{64}.*training.evaluate"):
        DigitReader.from_model_file(copied_model, warm_up=False)


def test_a_missing_or_broken_index_is_refused_at_start_up(copied_model):
    rewrite_index(copied_model, format=np.int32(99))
    with pytest.raises(ModelError, match="could not be read"):
        DigitReader.from_model_file(copied_model, warm_up=False)
    index_path(copied_model).unlink()
    with pytest.raises(ModelError, match="could not be read.*training.evaluate"):
        DigitReader.from_model_file(copied_model, warm_up=False)


def test_a_model_without_a_report_runs_without_neighbours(copied_model):
    report_path(copied_model).unlink()
    reader = DigitReader(DigitClassifier(copied_model))
    assert reader.read_strokes(SAMPLES[7], 20, methods=()).digit == 7
    with pytest.raises(BadInput) as refused:
        reader.read_strokes(SAMPLES[7], 20, neighbours=3)
    assert refused.value.code == "neighbours_unavailable"
