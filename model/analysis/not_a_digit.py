"""The not-a-digit score: how far a drawing's features lie from every digit the model learned.

Softmax confidence cannot tell: most doodles get over 80%. The score reads three places in the
network, each where a digit's features are typical and a doodle's are not:

1. the embedding (the 128 values the logits layer reads): the cosine distance to the nearest
   digit of the training bank (the nearest-neighbour search the reading does anyway);
2. the first convolutional block's output (12x12x32, average-pooled to 4x4x32): the Mahalanobis
   distance to the nearest class mean, with one covariance shared by all classes;
3. the second block's output (4x4x64): the same.

Each distance is log-scaled and standardised by its mean and spread on held-out MNIST digits, and
the score is their sum. A score above the threshold (set in ``training.evaluate`` so that 2% of
held-out MNIST digits are over it) reads as "not a digit". Its parameters ship in the index file;
the evaluation fits them (training/index.py) and the report records the measured rates.
"""

from dataclasses import dataclass

import numpy as np

from model.analysis.neighbours import products

COMPONENTS = ("nearest_cosine_distance", "block1_mahalanobis", "block2_mahalanobis")
FLOOR = 1e-6   # the log of a distance of zero (a drawing that is a bank digit)


@dataclass
class ClassGaussians:
    """Class means with one shared precision matrix: the squared Mahalanobis distance to the nearest mean."""

    means: np.ndarray        # (10, d) float32
    precision: np.ndarray    # (d, d) float32, symmetric

    def __post_init__(self):
        self.means = np.asarray(self.means, np.float32)
        self.precision = np.asarray(self.precision, np.float32)
        # (x - m)' P (x - m) = x'Px - 2 (Pm)'x + m'Pm: one matrix product per query, whatever the classes.
        self._means_precision = self.means @ self.precision
        self._offsets = np.einsum("cd,cd->c", self._means_precision, self.means)

    @classmethod
    def fit(cls, features, labels, shrinkage=0.01):
        """Means per class and the pooled within-class covariance, shrunk towards its mean variance
        by ``shrinkage`` so that it inverts stably (in float64)."""
        features = np.asarray(features, np.float64)
        classes = np.unique(labels)
        means = np.stack([features[labels == c].mean(axis=0) for c in classes])
        centred = features - means[np.searchsorted(classes, labels)]
        covariance = centred.T @ centred / len(features)
        covariance += shrinkage * np.trace(covariance) / len(covariance) * np.eye(len(covariance))
        precision = np.linalg.inv(covariance)
        return cls(means, (precision + precision.T) / 2)

    def distances(self, features):
        """(n, d) -> (n,) squared Mahalanobis distance to the nearest class mean."""
        features = np.asarray(features, np.float32)
        projected = products(features, self.precision)     # the precision is symmetric
        squared = (np.einsum("nd,nd->n", projected, features)[:, None]
                   - 2 * products(features, self._means_precision) + self._offsets[None])
        return np.maximum(squared.min(axis=1), 0)


@dataclass
class NotADigitScore:
    blocks: tuple            # (ClassGaussians for block 1, for block 2)
    log_means: np.ndarray    # (3,) of each component's log distance on held-out MNIST digits
    log_stds: np.ndarray     # (3,)
    threshold: float         # a score above this is not a digit

    def components(self, nearest_similarity, blocks):
        """The three raw distances, (n, 3): 1 - nearest cosine similarity, and each block's Mahalanobis."""
        cosine = 1 - np.asarray(nearest_similarity, np.float32).reshape(-1)
        return np.stack([cosine, *(g.distances(np.asarray(b).reshape(len(cosine), -1))
                                   for g, b in zip(self.blocks, blocks))], axis=1)

    def standardise(self, components):
        return (np.log(np.maximum(components, FLOOR)) - self.log_means) / self.log_stds

    def scores(self, nearest_similarity, blocks):
        """Nearest-neighbour similarities (n,) and block features ((n, 512), (n, 1024)) -> scores (n,)."""
        return self.standardise(self.components(nearest_similarity, blocks)).sum(axis=1)

    def score(self, nearest_similarity, blocks):
        """One reading's score: its nearest similarity and its (512,) and (1024,) block features."""
        return float(self.scores(np.array([nearest_similarity]), [b[None] for b in blocks])[0])

    def rejects(self, score):
        return score > self.threshold
