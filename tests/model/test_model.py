"""The shipped model: its file contract, its test accuracy, its report, and its saliency maps."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from model.artifacts import DEFAULT_MODEL_PATH, ModelError, file_sha256
from model.classifier import DigitClassifier
from model.explain.saliency import METHODS
from model.errors import BadInput
from model.report import EvaluationReport

REQUIRED_TEST_ACCURACY = 0.996


def test_model_file_contract():
    import keras

    assert DEFAULT_MODEL_PATH.stat().st_size <= 2_000_000
    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as archive:
        config = json.loads(archive.read("config.json"))
        weights = h5py.File(io.BytesIO(archive.read("model.weights.h5")))
        groups = []
        weights.visit(groups.append)
    assert not config.get("compile_config"), "the shipped model must not be compiled"
    assert not [g for g in groups if "optimizer" in g], "the shipped model must carry no optimizer state"
    model = keras.models.load_model(DEFAULT_MODEL_PATH, compile=False, safe_mode=True)
    assert tuple(model.input_shape) == (None, 28, 28, 1)
    probabilities = np.asarray(model(np.zeros((3, 28, 28, 1), np.float32)))
    assert probabilities.shape == (3, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)


def test_shipped_model_reaches_the_required_test_accuracy(reader, mnist_test):
    x_test, y_test = mnist_test
    accuracy = float((reader.classifier.probabilities(x_test).argmax(axis=1) == y_test).mean())
    assert accuracy >= REQUIRED_TEST_ACCURACY, f"test accuracy {accuracy:.4%}"


def test_report_describes_the_shipped_model(reader, mnist_test):
    report = EvaluationReport.load(DEFAULT_MODEL_PATH)
    x_test, y_test = mnist_test
    assert report.summary["model_sha256"] == file_sha256(DEFAULT_MODEL_PATH)
    np.testing.assert_array_equal(report.labels, y_test)
    confusion = np.array(report.summary["confusion_matrix"])
    assert confusion.sum() == 10000 and np.trace(confusion) == 10000 - report.summary["error_count"]
    assert report.summary["test_accuracy"] == pytest.approx(np.trace(confusion) / 10000)
    errors = np.flatnonzero(report.predictions != y_test)
    assert len(errors) == report.summary["error_count"]
    for index in errors:  # every misclassified digit ships with its pixels
        np.testing.assert_array_equal(report.image(index), x_test[index])
    curves = report.summary["training"]["curves"]
    assert len(curves["val_accuracy"]) == len(curves["loss"]) >= 1


def test_compiled_path_agrees_with_keras(reader, mnist_test):
    x = mnist_test[0][:8].astype(np.float32) / 255
    expected = np.asarray(reader.classifier.keras_model(x[..., None], training=False))
    for image, probabilities in zip(x, expected):
        for methods in ((), ("vanilla",), METHODS):
            got = reader.classifier.predict(image, methods=methods).probabilities
            np.testing.assert_allclose(got, probabilities, atol=1e-5)


@pytest.mark.parametrize("index", [0, 1, 2, 3, 4])
def test_saliency_maps(reader, mnist_test, index):
    image = mnist_test[0][index].astype(np.float32) / 255
    prediction = reader.classifier.predict(image, methods=METHODS)
    assert prediction.target == int(prediction.probabilities.argmax())
    for method in METHODS:
        saliency = prediction.saliency[method]
        assert saliency.shape == (28, 28) and np.isfinite(saliency).all() and np.abs(saliency).max() > 0
    # Completeness: Integrated Gradients' attributions add up to f(x) - f(black baseline).
    baseline_logit = reader.classifier.logits(np.zeros((1, 28, 28)))[0, prediction.target]
    difference = prediction.logits[prediction.target] - baseline_logit
    assert prediction.saliency["integrated_gradients"].sum() == pytest.approx(difference, rel=0.05)
    # The maps are gradients of the chosen class: asking for another class changes them.
    other = reader.classifier.predict(image, target=(prediction.target + 1) % 10, methods=("vanilla",))
    assert other.target == (prediction.target + 1) % 10
    assert not np.allclose(other.saliency["vanilla"], prediction.saliency["vanilla"])
    # The live path's vanilla gradient is the full path's.
    live = reader.classifier.predict(image)
    np.testing.assert_allclose(live.saliency["vanilla"], prediction.saliency["vanilla"], rtol=1e-3, atol=1e-5)


def test_same_input_same_maps(reader, mnist_test):
    image = mnist_test[0][7].astype(np.float32) / 255
    first = reader.classifier.predict(image, methods=METHODS).saliency
    second = reader.classifier.predict(image, methods=METHODS).saliency
    for method in METHODS:
        np.testing.assert_array_equal(first[method], second[method])


def test_unknown_method_is_refused(reader):
    with pytest.raises(BadInput, match="Unknown saliency method 'occlusion'"):
        reader.classifier.predict(np.zeros((28, 28), np.float32), methods=("occlusion",))


def test_missing_or_mismatched_model_is_refused(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        DigitClassifier(tmp_path / "nope.keras")
    with pytest.raises(ModelError, match="SHA-256"):
        DigitClassifier(DEFAULT_MODEL_PATH, expected_sha256="0" * 64)
    corrupt = tmp_path / "corrupt.keras"
    corrupt.write_bytes(DEFAULT_MODEL_PATH.read_bytes()[:5000])
    with pytest.raises(ModelError, match="could not be loaded"):
        DigitClassifier(corrupt)
