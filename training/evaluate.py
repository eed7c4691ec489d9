"""Evaluate a trained model on the MNIST test set and write its report beside it.

    python -m training.evaluate [--model model/digit_cnn.keras] [--data-dir DIR]
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

LEAST_CONFIDENT_CORRECT_PER_CLASS = 24


def evaluate(model_path=DEFAULT_MODEL_PATH, data_dir=None):
    _, (x_test, y_test) = load_mnist(data_dir)
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
    EvaluationReport(summary, y_test, probabilities, gallery_indices, x_test[gallery_indices]).save(model_path)
    print(f"Test accuracy {summary['test_accuracy']:.4%} ({summary['error_count']} errors in "
          f"{summary['test_size']}); per class: "
          + " ".join(f"{d}:{a:.2%}" for d, a in enumerate(summary["per_class_accuracy"])), flush=True)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--data-dir", help="folder with the MNIST files (else MNIST_DIR, the Keras cache, ...)")
    args = parser.parse_args(argv)
    evaluate(args.model, args.data_dir)


if __name__ == "__main__":
    main()
