"""Evaluate a trained model on the MNIST test set and write its report beside it.

    python -m training.evaluate [--model model/digit_cnn.keras] [--data-dir DIR] [--[no-]error-analysis]

The error analysis (suspected label errors, the map of the test set, calibration: training/error_analysis.py)
costs minutes the first time: it runs for the shipped model, or when asked, not for a model elsewhere
(``training.train --quick``'s, which the tests train).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from model.mnist import load_mnist
from model.artifacts import DEFAULT_MODEL_PATH, history_path
from model.reader import DigitReader
from model.report import EvaluationReport
from training.error_analysis import error_analysis as analyse_errors
from training.index import build_index

LEAST_CONFIDENT_CORRECT_PER_CLASS = 24


def evaluate(model_path=DEFAULT_MODEL_PATH, data_dir=None, error_analysis=None):
    """``error_analysis``: True, False, or None for "only for the shipped model"."""
    train, (x_test, y_test) = load_mnist(data_dir)
    reader = DigitReader.from_model_file(model_path, warm_up=False, check_report=False)
    probabilities = reader.probabilities(x_test)
    predictions = probabilities.argmax(axis=1)
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (y_test, predictions), 1)
    correct = predictions == y_test

    confidence = probabilities.max(axis=1)
    gallery = set(np.flatnonzero(~correct).tolist())
    for digit in range(10):
        candidates = np.flatnonzero(correct & (y_test == digit))
        gallery.update(candidates[np.argsort(confidence[candidates])[:LEAST_CONFIDENT_CORRECT_PER_CLASS]].tolist())
    gallery_indices = np.array(sorted(gallery), np.int32)

    history = history_path(model_path)
    training = json.loads(history.read_text()) if history.exists() else {}
    summary = {
        "model_file": Path(model_path).name,
        "model_sha256": reader.classifier.sha256,
        "model_bytes": Path(model_path).stat().st_size,
        "evaluated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "test_size": int(len(y_test)),
        "test_accuracy": float(correct.mean()),
        "error_count": int((~correct).sum()),
        "per_class_accuracy": [float(correct[y_test == d].mean()) for d in range(10)],
        "confusion_matrix": confusion.tolist(),
        "training": training,
    }
    print(f"Test accuracy {summary['test_accuracy']:.4%} ({summary['error_count']} errors in "
          f"{summary['test_size']}); per class: "
          + " ".join(f"{d}:{a:.2%}" for d, a in enumerate(summary["per_class_accuracy"])), flush=True)
    summary.update(build_index(reader, model_path, train, (x_test, y_test)))
    map_xy, signals = None, {}
    if error_analysis or (error_analysis is None and Path(model_path).resolve() == DEFAULT_MODEL_PATH.resolve()):
        part, map_xy, signals = analyse_errors(reader, model_path, train, (x_test, y_test), probabilities)
        summary.update(part)
    EvaluationReport(summary, y_test, probabilities, gallery_indices, x_test[gallery_indices],
                     map_xy, signals).save(model_path)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--data-dir", help="folder with the MNIST files (else MNIST_DIR, the Keras cache, ...)")
    parser.add_argument("--error-analysis", action=argparse.BooleanOptionalAction, default=None,
                        help="label errors, the map and calibration (default: only for the shipped model)")
    args = parser.parse_args(argv)
    evaluate(args.model, args.data_dir, args.error_analysis)


if __name__ == "__main__":
    main()
