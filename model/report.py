"""The evaluation report that ships beside the model: written by ``training.evaluate``, read by
the dashboard's error-analysis tab (which so needs no dataset at run time) and by start-up,
which checks the model file's hash against it.

``<model>.report.json`` holds the metrics and curves (and, from training/index.py, the embedding
index's size, the nearest neighbours' label agreement, and the not-a-digit method, threshold and
rates per kind); ``<model>.report.npz`` the arrays: every
test image's probabilities and the pixels of the gallery (all misclassified test digits and the
least confident correct ones of each class).

Issue 11 added, written by training.evaluate and optional on loading (an older report loads without
them, and the tab says what is missing): the summary's ``label_issues`` (suspected label errors, most
suspicious first), ``label_issues_method``, ``calibration`` and ``test_map``; the arrays' ``map_xy``
(10000, 2), every test digit's place on the map (training/digit_map.py), and ``signal_<name>`` (10000, 10),
the label-error signals other than the model's own probabilities (training/label_issues.py).
"""

import json
from dataclasses import dataclass, field

import numpy as np

from model.artifacts import ModelError, report_arrays_path, report_path, subset_position


@dataclass
class EvaluationReport:
    summary: dict                  # the JSON part: accuracy, per-class, confusion matrix, curves, hash
    labels: np.ndarray             # (10000,) uint8 true labels of the test set
    probabilities: np.ndarray      # (10000, 10) float32
    gallery_indices: np.ndarray    # (K,) test-set indices whose pixels ship
    gallery_images: np.ndarray     # (K, 28, 28) uint8
    map_xy: np.ndarray | None = None                    # (10000, 2) float32 in [0, 1], or None (an older report)
    label_signals: dict = field(default_factory=dict)   # name -> (10000, 10) float32, without "model"

    @property
    def label_issues(self):
        """The suspected label errors, most suspicious first (empty for an older report)."""
        return self.summary.get("label_issues", [])

    @property
    def predictions(self):
        return self.probabilities.argmax(axis=1)

    def image(self, test_index):
        """The 28x28 pixels of a gallery test digit (``KeyError`` for one that does not ship)."""
        position = subset_position(self.gallery_indices, test_index)
        if position is None:
            raise KeyError(test_index)
        return self.gallery_images[position]

    def save(self, model_path):
        report_path(model_path).write_text(json.dumps(self.summary, indent=1))
        np.savez_compressed(
            report_arrays_path(model_path), labels=self.labels.astype(np.uint8),
            probabilities=self.probabilities.astype(np.float16),
            gallery_indices=self.gallery_indices.astype(np.int32), gallery_images=self.gallery_images,
            **({} if self.map_xy is None else {"map_xy": self.map_xy.astype(np.float16)}),
            **{f"signal_{name}": values.astype(np.float16) for name, values in self.label_signals.items()})

    @staticmethod
    def load_summary(model_path):
        return json.loads(report_path(model_path).read_text())

    @classmethod
    def load(cls, model_path):
        """The report beside ``model_path``; ``ModelError`` with a one-line reason if it cannot be read."""
        try:
            summary = cls.load_summary(model_path)
            with np.load(report_arrays_path(model_path), allow_pickle=False) as arrays:
                order = np.argsort(arrays["gallery_indices"])
                return cls(summary, arrays["labels"], arrays["probabilities"].astype(np.float32),
                           arrays["gallery_indices"][order], arrays["gallery_images"][order],
                           arrays["map_xy"].astype(np.float32) if "map_xy" in arrays else None,
                           {name.removeprefix("signal_"): arrays[name].astype(np.float32)
                            for name in arrays.files if name.startswith("signal_")})
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"The evaluation report beside {model_path} could not be read ({error}); "
                             "re-run `python -m training.evaluate`.") from error
