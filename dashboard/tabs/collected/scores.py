"""How the current model does on the viewer's saved drawings: the numbers at the top of the tab, a sentence
that says it in words, and the confusion matrix (the Error-analysis tab's figure, on these drawings).

The drawings are read again by the model running now (``store.score_drawings``), so a new model is
judged on what people drew for an older one. ``RememberedReadings`` keeps the model's answers by input,
so each opening of the tab reads only the drawings saved since (10,000 drawings, measured on 2 cores:
1.6 s the first time, 80 ms after).
"""

import hashlib
import threading
from collections import OrderedDict

import numpy as np

from dashboard.components.figures import confusion_figure
from dashboard.components.stats import stat
from dashboard.tabs.collected.gallery import whose
from store import Filters, score_drawings
from store.drawings import count_drawings

OUTPUT_KEYS = ("stats", "summary", "figure", "scores_hidden")


def update_scores(database, viewer, probabilities):
    """The stats, the summary and the confusion figure of the viewer's drawings (hidden when there are none).
    ``probabilities`` reads (N, 28, 28) uint8 inputs: ``DigitReader.probabilities`` or a ``RememberedReadings``."""
    scores = score_drawings(database, viewer, Filters(), probabilities)
    wrong_when_saved = count_drawings(database, viewer, Filters(only_wrong=True))
    accuracy = "–" if scores.accuracy is None else f"{scores.accuracy:.1%}"
    stats = [
        stat(f"{scores.count:,}", f"{whose(viewer).lower()} saved drawings"),
        stat(accuracy, "read right by the current model"),
        stat(f"{wrong_when_saved:,}", "read wrong when they were saved"),
    ]
    return {"stats": stats, "summary": summary(scores), "figure": confusion_figure(scores.confusion),
            "scores_hidden": scores.count == 0}


def summary(scores):
    """The scores in one or two sentences, for everyone (the matrix is a picture)."""
    if not scores.count:
        return "Nothing saved yet."
    right = int(np.trace(scores.confusion))
    text = (f"The current model reads {right:,} of the {scores.count:,} drawings as they are labelled "
            f"({scores.accuracy:.1%}).")
    mistakes = scores.confusion * (1 - np.eye(10, dtype=scores.confusion.dtype))
    if mistakes.any():
        label, answer = map(int, np.unravel_index(mistakes.argmax(), mistakes.shape))
        times = int(mistakes[label, answer])
        text += f" Its commonest mistake: {label} read as {answer} ({times:,} time{'' if times == 1 else 's'})."
    return text


class RememberedReadings:
    """``probabilities(pixels)`` of one model, remembered by each input's bytes (the most recent ``size`` of
    them): only inputs it has not seen go to the model. Thread-safe; a process's callbacks share one."""

    def __init__(self, probabilities, size=100_000):
        self._probabilities = probabilities
        self._known = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def __call__(self, pixels):
        pixels = np.asarray(pixels, np.uint8)
        keys = [hashlib.blake2b(image.tobytes(), digest_size=16).digest() for image in pixels]
        with self._lock:
            answers = {key: self._known[key] for key in keys if key in self._known}
        missing = [i for i, key in enumerate(keys) if key not in answers]
        if missing:
            fresh = np.asarray(self._probabilities(pixels[missing]), np.float32)
            answers.update(zip((keys[i] for i in missing), fresh))
            with self._lock:
                self._known.update((keys[i], answers[keys[i]]) for i in missing)
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
        return np.stack([answers[key] for key in keys]) if keys else np.zeros((0, 10), np.float32)
