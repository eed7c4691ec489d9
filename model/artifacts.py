"""The files that ship in model/: where they live, and the hash check that keeps them together.

``digit_cnn.keras`` is the trained model; beside it ``digit_cnn.history.json`` (its training
curves) and the evaluation report ``digit_cnn.report.json`` / ``.report.npz`` (model/report.py),
which records the model file's SHA-256. A model whose hash differs from its report's is refused.
The embedding index ``digit_cnn.index.npz`` (model/analysis/embedding_index.py) records the hash
too, and is refused likewise.
"""

import hashlib
import json
from pathlib import Path

import numpy as np

MODEL_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_PATH = MODEL_DIR / "digit_cnn.keras"


class ModelError(RuntimeError):
    """A shipped file is missing, corrupt, or not the one the others were made for."""


def history_path(model_path):
    return Path(model_path).with_suffix(".history.json")


def report_path(model_path):
    """The evaluation report: metrics as JSON, arrays (probabilities, gallery pixels) beside it."""
    return Path(model_path).with_suffix(".report.json")


def report_arrays_path(model_path):
    return Path(model_path).with_suffix(".report.npz")


def index_path(model_path):
    """The embedding index: the training bank's and the test set's embeddings and pixels, the not-a-digit score."""
    return Path(model_path).with_suffix(".index.npz")


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_sha256(path, expected, made_by):
    """The file's SHA-256, or ``ModelError`` when it is not ``expected`` (None: anything goes)."""
    actual = file_sha256(path)
    if expected and actual != expected:
        raise ModelError(f"Model file {path} has SHA-256 {actual}, but its evaluation report was made for "
                         f"{expected}: retrain or re-run `{made_by}`.")
    return actual


def expected_model_sha256(model_path):
    """The model hash its report records, or None when no report ships beside it."""
    path = report_path(model_path)
    return json.loads(path.read_text()).get("model_sha256") if path.exists() else None


def subset_position(indices, index):
    """Where data-set position ``index`` sits in ``indices`` (a shipped subset's sorted positions: the
    gallery's test digits, the bank's training digits), or None when that digit does not ship."""
    position = int(np.searchsorted(indices, index))
    return position if position < len(indices) and indices[position] == index else None
