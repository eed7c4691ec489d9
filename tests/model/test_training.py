"""The whole training path, end to end, in its quick form: data, augmentation, fit, save, report."""

import subprocess
import sys
from pathlib import Path

import pytest

from model.artifacts import history_path
from model.classifier import DigitClassifier
from model.report import EvaluationReport

ROOT = Path(__file__).resolve().parents[2]
QUICK_TRAINING = [sys.executable, "-m", "training.train", "--quick"]


@pytest.mark.slow
def test_quick_training_ships_a_working_model_and_report(tmp_path):
    output = tmp_path / "quick.keras"
    finished = subprocess.run(QUICK_TRAINING + ["--output", str(output)], capture_output=True, text=True, timeout=600,
                              cwd=ROOT)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "Test accuracy" in finished.stdout
    assert output.stat().st_size <= 2_000_000
    assert not output.with_suffix(".best.weights.h5").exists()
    report = EvaluationReport.load(output)
    assert report.summary["test_accuracy"] >= 0.97
    assert report.summary["training"]["epochs"] == 1
    assert history_path(output).exists()
    classifier = DigitClassifier(output, expected_sha256=report.summary["model_sha256"])
    assert classifier.probabilities(report.gallery_images[:5]).shape == (5, 10)
