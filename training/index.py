"""The embedding index step of ``training.evaluate``: embeddings of a bank of training digits and of
the test set, the not-a-digit score fitted and its threshold set, all written to ``<model>.index.npz``
(model/analysis/embedding_index.py); then the rates measured through the reader itself.

The held-out digits are the training split's 5,000 validation images (training/train.py: seeded,
never trained on, only used to choose the epoch kept; a ``--quick`` model trained on a subset has
another split, so for it they are held out only approximately): the bank and the score's
statistics come from the other 55,000, and the threshold rejects ``HELD_OUT_REJECTED`` of the
held-out digits, the shape rule's rejections included. The drawn sets (training/drawings.py) are
read through ``DigitReader`` exactly as the API reads them. Their "-tune" halves chose the score's
components; no drawn set sets the threshold.
"""

import time

import numpy as np

from model.analysis.embedding_index import EmbeddingIndex
from model.analysis.marks import ink_shape
from model.analysis.neighbours import nearest, unit_rows
from model.analysis.not_a_digit import COMPONENTS, ClassGaussians, NotADigitScore
from model.artifacts import index_path
from model.reader import DigitReader
from model.reading import Status
from training.drawings import DRAWING_SETS, MARK_KINDS, drawing_set, mark_drawing
from training.train import SEED, VALIDATION_SIZE

# Measured here (2 shared cores, busy): one drawing's 8 nearest among 10,000 took 0.5 ms, among
# 20,000 1.0 ms, among all 55,000 2.5 to 7 ms, against 1.1 to 5 ms for a forward-only call. The
# test digits' neighbours agree with their label 99.6% of the time from 5,000 up, and the
# not-a-digit rates moved by under a point between 5,000 and 20,000: the live path's budget
# (neighbours and score within 1.3x of the draw callback without them) chose 10,000.
BANK_SIZE = 10_000
BANK_SEED = 9
HELD_OUT_REJECTED = 0.02
NEIGHBOUR_KS = (1, 5, 10, 32)
MARKS_PER_KIND = 100
METHOD = ("the sum of three standardised log distances: (1) the cosine distance of the embedding to the "
          "nearest bank digit; (2) and (3) the Mahalanobis distance of the first and of the second "
          "convolutional block's output (pooled to 4x4) to the nearest class mean, with one shared covariance "
          "(shrunk 1%); each standardised by its mean and spread on the held-out digits. Before it, a shape "
          "rule: a mark whose ink spans at most 2.5 stroke widths, or a single straight stroke at most 3.5 "
          "long and 1.6 across, is not a digit (model/analysis/marks.py).")


def held_out(n_train):
    """The validation split training/train.py held out (the same seeded permutation), and the rest."""
    order = np.random.default_rng(SEED).permutation(n_train)
    return np.sort(order[:VALIDATION_SIZE]), np.sort(order[VALIDATION_SIZE:])


def build_index(reader, model_path, train, test, log=print):
    """Write the index beside ``model_path`` and return its part of the report summary."""
    (x_train, y_train), (x_test, y_test) = train, test
    started = time.time()
    _, train_embeddings, train_blocks = reader.classifier.features(x_train)
    _, test_embeddings, _ = reader.classifier.features(x_test)
    validation, rest = held_out(len(x_train))
    bank = np.sort(np.random.default_rng(BANK_SEED).choice(rest, min(BANK_SIZE, len(rest)), replace=False))
    gaussians = tuple(ClassGaussians.fit(block[rest], y_train[rest]) for block in train_blocks)
    unscaled = NotADigitScore(gaussians, np.zeros(3), np.ones(3), np.inf)
    EmbeddingIndex(reader.classifier.sha256, bank.astype(np.int32), y_train[bank], unit_rows(train_embeddings[bank]),
                   unit_rows(test_embeddings), unscaled).save(model_path, x_train[bank], x_test)

    # The score is standardised and its threshold set on the index as read back (int8 embeddings,
    # float16 parameters): what the reader will use.
    index = EmbeddingIndex.load(model_path, reader.classifier.sha256)
    _, nearest_similarity = nearest(index.bank, train_embeddings[validation], 1)
    held_out_blocks = [block[validation] for block in train_blocks]
    logs = index.not_a_digit.standardise(index.not_a_digit.components(nearest_similarity[:, 0], held_out_blocks))
    score = index.not_a_digit
    score.log_means, score.log_stds = logs.mean(axis=0), logs.std(axis=0)
    held_out_scores = score.scores(nearest_similarity[:, 0], held_out_blocks)
    # The shape rule rejects a few very thick held-out digits as blobs: the score may reject the rest
    # of the budget, so that no more than HELD_OUT_REJECTED of the held-out digits are rejected in all.
    marks = np.array([ink_shape(pixels).is_mark for pixels in x_train[validation]])
    budget = max(int(HELD_OUT_REJECTED * len(validation)) - int(marks.sum()), 0)
    others = np.sort(held_out_scores[~marks])
    score.threshold = float(others[len(others) - budget - 1])     # `budget` scores lie above it
    index.save(model_path, x_train[bank], x_test)
    log(f"Index: {len(bank):,} bank digits and {len(x_test):,} test digits, "
        f"{index_path(model_path).stat().st_size / 1e6:.1f} MB, in {time.time() - started:.0f} s", flush=True)

    # From here on, everything is measured through the reader, as the dashboard and the API read.
    screened = DigitReader(reader.classifier, EmbeddingIndex.load(model_path, reader.classifier.sha256))
    summary = {
        "index": {"file": index_path(model_path).name, "bytes": index_path(model_path).stat().st_size,
                  "bank_size": int(len(bank)), "bank_seed": BANK_SEED, "test_size": int(len(x_test))},
        "neighbours": neighbour_agreement(screened.index, y_test),
        "not_a_digit": {
            "method": METHOD, "components": list(COMPONENTS), "threshold": score.threshold,
            "held_out": {"size": int(len(validation)), "rejected": rejected_pixels(screened, x_train[validation])},
            "mnist_test_rejected": rejected_pixels(screened, x_test),
            "mnist_test_rejected_per_digit": [rejected_pixels(screened, x_test[y_test == d]) for d in range(10)],
            **{name: rates_of_set(screened, drawing_set(name)) for name in DRAWING_SETS},
            "marks": rates_of_marks(screened),
        },
    }
    log(describe(summary), flush=True)
    return summary


def neighbour_agreement(index, test_labels):
    """For each k, the share of the test digits' k nearest bank digits that carry the test digit's label."""
    positions, _ = nearest(index.bank, index.test_embeddings, max(NEIGHBOUR_KS))
    agree = index.bank_labels[positions] == np.asarray(test_labels)[:, None]
    return {"label_agreement": {str(k): float(agree[:, :k].mean()) for k in NEIGHBOUR_KS}}


def rejected_pixels(reader, pixels):
    """The share of MNIST-style images read as not a digit (``screen_inputs``: the batch form of ``read_pixels``)."""
    _, _, rejected = reader.screen_inputs(pixels.astype(np.float32) / 255, [ink_shape(p) for p in pixels])
    return float(rejected.mean())


def rates_of_set(reader, drawings):
    """Per label: how many, the share read as not a digit, and for digits the share read right."""
    by_label = {}
    for drawing in drawings:
        reading = reader.read_strokes(drawing.strokes, drawing.width, methods=())
        by_label.setdefault(drawing.label, []).append((reading.status is Status.NOT_A_DIGIT,
                                                       reading.digit == drawing.digit))
    per_label = {label: {"count": len(results), "rejected": float(np.mean([r for r, _ in results])),
                         **({"read_right": float(np.mean([c for _, c in results]))} if label.isdigit() else {})}
                 for label, results in by_label.items()}
    everything = [r for results in by_label.values() for r, _ in results]
    return {"count": len(everything), "rejected": float(np.mean(everything)), "per_label": per_label}


def rates_of_marks(reader):
    rng = np.random.default_rng(BANK_SEED)
    return {kind: rates_of_set(reader, [mark_drawing(kind, rng) for _ in range(MARKS_PER_KIND)])["rejected"]
            for kind in MARK_KINDS}


def describe(summary):
    rates = summary["not_a_digit"]
    agreement = summary["neighbours"]["label_agreement"]
    share = {name: f"{rates[name]['rejected']:.2%}" for name in DRAWING_SETS}
    return ("Neighbours share the test digit's label: " + ", ".join(f"k={k} {v:.2%}" for k, v in agreement.items())
            + f"\nNot a digit (threshold {rates['threshold']:.3f}): held-out MNIST {rates['held_out']['rejected']:.2%}, "
            f"MNIST test {rates['mnist_test_rejected']:.2%}; drawn digits tune {share['digits-tune']}, "
            f"report {share['digits-report']}; non-digits tune {share['non-digits-tune']}, "
            f"report {share['non-digits-report']}; marks "
            + ", ".join(f"{kind} {rate:.0%}" for kind, rate in rates["marks"].items())
            + "\n  non-digits rejected per kind (report half): "
            + ", ".join(f"{kind} {r['rejected']:.0%}" for kind, r in rates["non-digits-report"]["per_label"].items()))
