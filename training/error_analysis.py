"""Issue 11's step of ``training.evaluate``: what is wrong with the data, and can the probabilities be
trusted. Suspected label errors (training/label_issues.py), the map of the test set (training/digit_map.py)
and calibration with the "not sure" curve (training/calibration.py), computed together because they
share the costly part: every training and test digit's logits and embedding.

It costs minutes the first time (the small models, UMAP's compilation, the nearest training digits in
pixel space) and is cached under build/cache/; ``training.evaluate`` runs it for the shipped model, or
when asked (``--error-analysis``), not for a model elsewhere such as ``training.train --quick``'s.
"""

import time

import numpy as np

from model.analysis.embedding_index import EmbeddingIndex
from training import calibration, digit_map, label_issues
from training.drawings import drawing_set
from training.index import held_out

DRAWN_SET = "digits-report"


def shipped(values):
    """Arrays as the report's NPZ keeps them (float16), so the summary is what the shipped arrays give."""
    return np.asarray(values, np.float16).astype(np.float32)


def drawn_logits(reader, drawings):
    """The logits and labels of drawn digits, read as the API reads them (blank ones left out)."""
    inputs, labels = [], []
    for drawing in drawings:
        reading = reader.read_strokes(drawing.strokes, drawing.width, methods=(), screen=False)
        if reading.model_input is not None:
            inputs.append(reading.model_input)
            labels.append(drawing.digit)
    return reader.classifier.logits(np.stack(inputs)), np.array(labels)


def error_analysis(reader, model_path, train, test, probabilities, log=print):
    """-> ``(summary part, map_xy (10000, 2), label signals to ship (without "model"))``. The embedding
    index must be written first: the map is of the test embeddings it ships (training/index.py)."""
    (x_train, y_train), (x_test, y_test) = train, test
    started = time.time()
    train_logits, train_embeddings, _ = reader.classifier.features(x_train)
    test_logits, test_embeddings, _ = reader.classifier.features(x_test)
    log(f"Logits and embeddings of {len(x_train) + len(x_test):,} digits in {time.time() - started:.0f} s",
        flush=True)

    signals, evidence = label_issues.label_signals(train, test, probabilities, (train_embeddings, test_embeddings),
                                                   log=log)
    signals = {name: shipped(values) for name, values in signals.items()}
    part = label_issues.summary(signals, y_test, evidence)
    log(f"Suspected label errors: {len(part['label_issues'])} listed; the confident joint puts "
        f"{part['label_issues_method']['confident_joint_off_diagonal']} off its diagonal", flush=True)

    index = EmbeddingIndex.load(model_path, reader.classifier.sha256)
    xy = shipped(digit_map.fit_map(index.test_embeddings, log=log))
    part["test_map"] = digit_map.summary(xy, y_test)
    log(f"Map: {part['test_map']['neighbour_label_agreement']['10']:.2%} of each digit's 10 nearest on the map "
        "share its label", flush=True)

    validation, _ = held_out(len(x_train))
    part["calibration"] = calibration.calibration(
        (train_logits[validation], y_train[validation]), (test_logits, y_test),
        drawn_logits(reader, drawing_set(DRAWN_SET)), log=log)
    part["calibration"]["drawn_set"] = DRAWN_SET
    return part, xy, {name: values for name, values in signals.items() if name != "model"}
