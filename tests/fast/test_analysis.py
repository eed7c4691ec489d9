"""model/analysis without the model: exact nearest neighbours, class Gaussians, the not-a-digit score's
arithmetic, the index's int8 rows, and the shape rule for marks (strokes and ink)."""

import numpy as np
import pytest

from model.analysis import marks
from model.analysis.embedding_index import dequantize_rows, quantize_rows
from model.analysis.marks import Shape, ink_shape, stroke_shape, stroke_width
from model.analysis.neighbours import FEW_ROWS, nearest, products, unit_rows
from model.analysis.not_a_digit import ClassGaussians, NotADigitScore
from model.preprocessing import rasterize_strokes
from training.drawings import SAMPLES


@pytest.fixture(scope="module")
def bank():
    return unit_rows(np.random.default_rng(0).standard_normal((3000, 16)))


def brute_force(bank, queries, k):
    similarities = unit_rows(queries) @ bank.T
    order = np.argsort(-similarities, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(similarities, order, axis=1)


@pytest.mark.parametrize("n", [1, FEW_ROWS, FEW_ROWS + 1, 1300])
@pytest.mark.parametrize("k", [1, 7, 32])
def test_nearest_is_exact_and_most_similar_first(bank, n, k):
    queries = np.random.default_rng(n).standard_normal((n, 16)) * 5   # any length: cosine
    positions, similarities = nearest(bank, queries, k)
    expected_positions, expected_similarities = brute_force(bank, queries, k)
    np.testing.assert_allclose(similarities, expected_similarities, atol=1e-5)
    assert (np.diff(similarities, axis=1) <= 1e-7).all()
    assert (positions == expected_positions).mean() > 0.999   # ties aside
    assert positions.shape == similarities.shape == (n, k)


def test_one_query_answers_flat_arrays_and_finds_itself(bank):
    positions, similarities = nearest(bank, bank[123] * 3, 5)
    assert positions.shape == (5,) and positions[0] == 123 and similarities[0] == pytest.approx(1, abs=1e-5)


def test_k_larger_than_the_bank_answers_the_whole_bank_in_order(bank):
    positions, similarities = nearest(bank[:4], bank[0], 10)
    assert sorted(positions.tolist()) == [0, 1, 2, 3] and (np.diff(similarities) <= 0).all()


def test_products_are_the_same_with_or_without_blas():
    rng = np.random.default_rng(1)
    matrix = rng.standard_normal((200, 64)).astype(np.float32)
    for rows in (rng.standard_normal((1, 64)), rng.standard_normal((50, 64))):
        np.testing.assert_allclose(products(rows.astype(np.float32), matrix), rows @ matrix.T, rtol=1e-4, atol=1e-4)


def test_int8_rows_keep_cosine_similarity():
    vectors = np.abs(np.random.default_rng(2).standard_normal((500, 128))).astype(np.float32)
    values, scales = quantize_rows(vectors)
    assert values.dtype == np.int8 and scales.dtype == np.float32
    restored = unit_rows(dequantize_rows(values, scales))
    assert np.abs(np.einsum("nd,nd->n", restored, unit_rows(vectors)) - 1).max() < 1e-3
    again = quantize_rows(restored)[0]
    assert (again == values).all()     # reading an index back and saving it again changes nothing


def test_class_gaussians_give_the_squared_mahalanobis_distance_to_the_nearest_mean():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 10, 4000)
    centres = rng.standard_normal((10, 6)) * 4
    mixing = rng.standard_normal((6, 6))
    features = centres[labels] + rng.standard_normal((4000, 6)) @ mixing
    gaussians = ClassGaussians.fit(features, labels, shrinkage=0.0)
    queries = rng.standard_normal((20, 6)) * 3
    expected = np.array([min((q - m) @ gaussians.precision @ (q - m) for m in gaussians.means) for q in queries])
    np.testing.assert_allclose(gaussians.distances(queries), expected, rtol=1e-3)
    np.testing.assert_allclose(gaussians.means, [features[labels == c].mean(axis=0) for c in range(10)], rtol=1e-4)


def test_the_score_adds_standardised_log_distances_and_a_single_reading_scores_as_in_a_batch():
    rng = np.random.default_rng(4)
    blocks = tuple(ClassGaussians(rng.standard_normal((10, d)), np.eye(d)) for d in (3, 5))
    score = NotADigitScore(blocks, np.array([-2.0, 1.0, 1.5]), np.array([0.5, 0.4, 0.3]), threshold=1.0)
    similarity, features = np.array([0.9, 0.5]), [rng.standard_normal((2, 3)), rng.standard_normal((2, 5))]
    raw = score.components(similarity, features)
    np.testing.assert_allclose(raw[:, 0], 1 - similarity, rtol=1e-6)
    expected = ((np.log(raw) - score.log_means) / score.log_stds).sum(axis=1)
    np.testing.assert_allclose(score.scores(similarity, features), expected, rtol=1e-5)
    assert score.score(similarity[1], [f[1] for f in features]) == pytest.approx(expected[1], rel=1e-5)
    assert score.rejects(1.01) and not score.rejects(1.0)


def line(length_in_widths, width=20, angle=0.0):
    direction = np.array([np.cos(angle), np.sin(angle)])
    return [np.round([100, 100] + t * length_in_widths * width * direction, 1).tolist() for t in (0, 0.5, 1)]


@pytest.mark.parametrize("width", [6, 20, 40])
def test_dots_specks_and_short_dashes_are_marks_and_long_strokes_are_not(width):
    for strokes, mark in [([[[50, 50]]], True), ([[[50, 50], [52, 51], [50, 53]]], True),
                          ([line(1, width)], True), ([line(2, width, 0.7)], True),
                          ([line(5, width)], False), ([line(8, width, 1.2)], False),
                          ([line(2, width), line(2, width, 2.0)], False)]:   # two dashes: a shape to score
        assert stroke_shape(strokes, width).is_mark is mark, (strokes, width)
        assert ink_shape(rasterize_strokes(strokes, width)).is_mark is mark, (strokes, width)


def test_the_sample_digits_are_no_marks_however_thick():
    for digit, strokes in SAMPLES.items():
        for width in (6, 20, 40):
            assert not stroke_shape(strokes, width).is_mark, (digit, width)
            assert not ink_shape(rasterize_strokes(strokes, width)).is_mark, (digit, width)


def test_strokes_with_their_own_widths_measure_by_the_widest():
    shape = stroke_shape([([[0, 0], [100, 0]], 10.0), ([[0, 0]], 50.0)])
    assert shape.along == pytest.approx(150 / 50) and shape.strokes == 2
    assert stroke_shape([[[0, 0], [100, 0]]]).along == pytest.approx(120 / marks.DEFAULT_WIDTH)


@pytest.mark.parametrize("width", [3, 8, 15])
def test_the_ink_width_estimate_is_close_for_straight_strokes(width):
    mask = np.zeros((80, 80), bool)
    mask[30:30 + width, 5:75] = True
    assert stroke_width(mask) == pytest.approx(width, rel=0.2)


def test_no_ink_has_no_shape_and_the_rule_reads_shapes():
    assert ink_shape(np.zeros((10, 10), np.uint8)) is None
    assert Shape(2.0, 2.0).is_mark and Shape(3.2, 1.2, 1).is_mark and Shape(3.2, 1.2).is_mark
    assert not Shape(3.2, 1.2, 2).is_mark and not Shape(3.2, 2.5).is_mark and not Shape(6.0, 1.0).is_mark
