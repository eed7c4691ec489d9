"""Where the shipped model and the files that travel with it live."""

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL_PATH = MODEL_DIR / "digit_cnn.keras"


def history_path(model_path):
    return Path(model_path).with_suffix(".history.json")


def report_path(model_path):
    """The evaluation report: metrics as JSON, arrays (probabilities, gallery pixels) beside it."""
    return Path(model_path).with_suffix(".report.json")


def report_arrays_path(model_path):
    return Path(model_path).with_suffix(".report.npz")
