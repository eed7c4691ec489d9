"""The embedding index that ships beside the model (``<model>.index.npz``), written by
``training.evaluate`` (training/index.py) and checked against the model's SHA-256 at start-up.

It holds, for a bank of MNIST training digits (a seeded subset, sized by measurement), their
positions in the training set, labels, embeddings and pixels (the thumbnails a reading's nearest
digits show); for all 10,000 test digits, their embeddings and pixels; and the not-a-digit score's
parameters (model/analysis/not_a_digit.py). Embeddings are stored as int8 with one scale per row,
the score's parameters as float16 (it moves the log distances by at most 0.002, against a spread
of 0.5), and all are computed with in float32 (NumPy's float16 products are about 20x slower).
The pixels are loaded on first use only.
"""

import functools
from dataclasses import dataclass

import numpy as np

from model.analysis.neighbours import Neighbour, nearest, unit_rows
from model.analysis.not_a_digit import ClassGaussians, NotADigitScore
from model.artifacts import ModelError, index_path, subset_position

FORMAT = 1


def quantize_rows(vectors):
    """(n, d) float -> (int8 values, float32 scales), one scale per row (the row's largest magnitude / 127)."""
    vectors = np.asarray(vectors, np.float32)
    scales = np.maximum(np.abs(vectors).max(axis=1), np.float32(1e-12)) / 127
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def dequantize_rows(values, scales):
    return values.astype(np.float32) * scales[:, None]


@dataclass
class EmbeddingIndex:
    model_sha256: str              # the model file the index was computed with
    bank_indices: np.ndarray       # (N,) int32 positions in the MNIST training set, ascending
    bank_labels: np.ndarray        # (N,) uint8
    bank: np.ndarray               # (N, 128) float32 unit rows
    test_embeddings: np.ndarray    # (10000, 128) float32 unit rows, in test-set order
    not_a_digit: NotADigitScore
    path: object = None            # where the pixels are read from on first use

    def neighbours(self, embedding, k):
        """The ``k`` bank digits nearest to one embedding, most similar first."""
        positions, similarities = nearest(self.bank, embedding, k)
        return [Neighbour(int(self.bank_indices[p]), int(self.bank_labels[p]), float(s))
                for p, s in zip(positions, similarities)]

    @functools.cached_property
    def bank_images(self):
        """(N, 28, 28) uint8, in bank order."""
        return self._pixels("bank_images")

    @functools.cached_property
    def test_images(self):
        """(10000, 28, 28) uint8, in test-set order."""
        return self._pixels("test_images")

    def bank_image(self, training_index):
        """The 28x28 pixels of a bank digit by its position in the training set (``KeyError`` if not in the bank)."""
        position = subset_position(self.bank_indices, training_index)
        if position is None:
            raise KeyError(training_index)
        return self.bank_images[position]

    def _pixels(self, name):
        with np.load(self.path, allow_pickle=False) as arrays:
            return arrays[name]

    def save(self, model_path, bank_images, test_images):
        bank, bank_scales = quantize_rows(self.bank)
        test, test_scales = quantize_rows(self.test_embeddings)
        score = self.not_a_digit
        np.savez_compressed(
            index_path(model_path), format=np.int32(FORMAT), model_sha256=np.str_(self.model_sha256),
            bank_indices=self.bank_indices.astype(np.int32), bank_labels=self.bank_labels.astype(np.uint8),
            bank_embeddings=bank, bank_scales=bank_scales, bank_images=np.asarray(bank_images, np.uint8),
            test_embeddings=test, test_scales=test_scales, test_images=np.asarray(test_images, np.uint8),
            **{f"block{i}_{name}": getattr(gaussians, name).astype(np.float16)
               for i, gaussians in enumerate(score.blocks, 1) for name in ("means", "precision")},
            log_means=np.asarray(score.log_means, np.float32), log_stds=np.asarray(score.log_stds, np.float32),
            threshold=np.float32(score.threshold))

    @classmethod
    def load(cls, model_path, model_sha256):
        """The index beside ``model_path``; ``ModelError`` with a one-line reason if it is missing,
        unreadable, or was made for a model other than the one whose hash is ``model_sha256``."""
        path = index_path(model_path)
        try:
            with np.load(path, allow_pickle=False) as arrays:
                if int(arrays["format"]) != FORMAT:
                    raise ValueError(f"format {int(arrays['format'])}, expected {FORMAT}")
                made_for = str(arrays["model_sha256"])
                if made_for != model_sha256:
                    raise ModelError(f"The embedding index {path} was made for a model with SHA-256 {made_for}, "
                                     f"not {model_sha256}: re-run `python -m training.evaluate`.")
                score = NotADigitScore(
                    blocks=(ClassGaussians(arrays["block1_means"], arrays["block1_precision"]),
                            ClassGaussians(arrays["block2_means"], arrays["block2_precision"])),
                    log_means=arrays["log_means"], log_stds=arrays["log_stds"], threshold=float(arrays["threshold"]))
                return cls(made_for, arrays["bank_indices"], arrays["bank_labels"],
                           unit_rows(dequantize_rows(arrays["bank_embeddings"], arrays["bank_scales"])),
                           unit_rows(dequantize_rows(arrays["test_embeddings"], arrays["test_scales"])), score, path)
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"The embedding index {path} could not be read ({error}); "
                             "re-run `python -m training.evaluate`.") from error
