"""The one code path from a drawing to an answer, shared by the dashboard, the JSON API and training.

    reader = DigitReader.from_model_file()         # loads, checks the hash, warms up
    reading = reader.read_image(png_bytes)         # or read_strokes, read_pixels
    reading.status, reading.digit, reading.probabilities, reading.saliency["vanilla"]
    reader.read_strokes(strokes, neighbours=8).neighbours  # the nearest training digits, most similar first
    number = reader.read_number_image(png_bytes)  # or read_number_strokes: a row of digits
    number.number, number.status, number.digits[0].box, number.digits[0].reading
    reader.activations(reading.model_input)        # model/explain/: inside the network,
    reader.robustness(reading.model_input)         # the answer under small changes,
    reader.counterfactual(reading.model_input, 3)  # and an edit that makes it a 3
"""

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np

from model.analysis.embedding_index import EmbeddingIndex
from model.analysis.marks import ink_shape, stroke_shape
from model.analysis.neighbours import nearest
from model.artifacts import DEFAULT_MODEL_PATH, expected_model_sha256
from model.classifier import DigitClassifier, softmax
from model.errors import BadInput
from model.explain.activations import activations, build_activations_graph
from model.explain.counterfactual import build_counterfactual_graph, counterfactual
from model.explain.robustness import build_robustness_graph, robustness
from model.explain.saliency import check_methods
from model.preprocessing import decode_image, rasterize_strokes, to_mnist
from model.reading import NumberReading, PlacedReading, Reading, Status, is_digit, neighbour_count, status_for
from model.segmentation import choose, segment_ink, segment_strokes


class DigitReader:
    """Every read takes ``neighbours=k`` (0 to 32: the k nearest training digits) and ``screen`` (True:
    a mark or a drawing far from every digit the model knows gets the status ``not_a_digit``)."""

    def __init__(self, classifier, index=None):
        self.classifier = classifier
        self.index = index      # EmbeddingIndex: the nearest training digits and the not-a-digit score
        self._explainers, self._explainers_lock = {}, threading.Lock()

    @classmethod
    def from_model_file(cls, path=None, warm_up=True, check_report=True):
        """Load the model, refusing one whose hash differs from its evaluation report's (unless
        ``check_report`` is False: the evaluation that writes a new report)."""
        path = Path(path or DEFAULT_MODEL_PATH)
        expected = expected_model_sha256(path) if check_report else None
        classifier = DigitClassifier(path, expected_sha256=expected)
        # The evaluation writes the index with the report: it must be there, made for this model.
        reader = cls(classifier, EmbeddingIndex.load(path, classifier.sha256) if expected else None)
        if warm_up:
            reader.classifier.warm_up()
            if reader.index is not None:
                reader.index.bank_images   # read once now: the first reading with neighbours shows them
        return reader

    def read_image(self, data, methods=("vanilla",), target=None, neighbours=0, screen=True):
        """Image bytes (PNG, JPEG, WebP, ...) -> ``Reading``."""
        ink = decode_image(data)
        return self._read(ink, methods, target, neighbours, screen and (lambda: ink_shape(ink)))

    def read_strokes(self, strokes, width=None, methods=("vanilla",), target=None, neighbours=0, screen=True):
        """``[[[x, y], ...], ...]`` drawn ``width`` wide, or ``[(points, width), ...]`` -> ``Reading``."""
        ink = rasterize_strokes(strokes, width)
        return self._read(ink, methods, target, neighbours, screen and (lambda: stroke_shape(strokes, width)))

    def read_number_image(self, data, screen=True):
        """Image bytes holding a row of digits -> ``NumberReading``: every candidate digit in one batched
        model call; with ``screen``, a digit far from every digit the model knows is ``not_a_digit``."""
        return self._read_number(segment_ink(decode_image(data)), screen)

    def read_writing(self, strokes, width=None, methods=("vanilla",), target=None, neighbours=0, chosen=None,
                     screen=True):
        """Strokes that may be one digit or a row of them -> ``(NumberReading or None, chosen, Reading)``.

        One digit (or nothing) is read exactly as ``read_strokes`` reads it: the number is None. Several are
        read as a number (one batched call), and one digit of it, ``chosen`` (its position; None or out of
        range: the first the model doubts, else the first), again with saliency and neighbours.
        """
        places = segment_strokes(strokes, width)
        number = None
        if len(places) > 1 or any(len(place.options) > 1 for place in places):
            number = self._read_number(places, screen)
        if number is None or len(number.digits) <= 1:
            return None, None, self.read_strokes(strokes, width, methods, target, neighbours, screen)
        if not (type(chosen) is int and 0 <= chosen < len(number.digits)):
            doubted = [i for i, placed in enumerate(number.digits) if placed.reading.status != Status.OK]
            chosen = doubted[0] if doubted else 0
        return number, chosen, self.explain_digit(number.digits[chosen].reading, methods, target, neighbours)

    def explain_digit(self, reading, methods=("vanilla",), target=None, neighbours=0):
        """One digit of a number read again with saliency maps and neighbours; its screened status stays."""
        detailed = self._classify(reading.model_input, reading.steps, methods, target, neighbours, shape=None)
        return replace(detailed, status=reading.status, not_a_digit_score=reading.not_a_digit_score)

    def read_number_strokes(self, strokes, width=None, screen=True):
        """Strokes of a row of digits (as ``read_strokes`` takes them) -> ``NumberReading``."""
        return self._read_number(segment_strokes(strokes, width), screen)

    # ---- explanations of a reading's model input, each its own compiled graph (model/explain/)

    def activations(self, model_input):
        """Every conv layer's post-ReLU maps for a (28, 28) model input -> ``[LayerActivations, ...]``."""
        graph, names = self._explainer(
            "activations", lambda tf: build_activations_graph(tf, self.classifier.keras_model))
        return activations(graph, names, self._explained_input(model_input))

    def robustness(self, model_input):
        """The answer under rotation, scale, thickness and shift of a (28, 28) model input -> ``Robustness``."""
        graph, layout = self._explainer(
            "robustness", lambda tf: build_robustness_graph(tf, self.classifier.logits_model))
        return robustness(graph, layout, self._explained_input(model_input))

    def counterfactual(self, model_input, target):
        """A small drawable edit of a (28, 28) model input that the model reads as ``target`` -> ``Counterfactual``."""
        if not is_digit(target):
            raise BadInput("invalid_counterfactual", "The counterfactual target must be a digit from 0 to 9.")
        graph = self._explainer(
            "counterfactual", lambda tf: build_counterfactual_graph(tf, self.classifier.keras_model))
        return counterfactual(graph, self._explained_input(model_input), target)

    def warm_up_explanations(self):
        """Build and trace the explanations' graphs now, not on first use (0.6 to 2 s each on 2 cores)."""
        blank = np.zeros((28, 28), np.float32)
        self.activations(blank)
        self.robustness(blank)
        self.counterfactual(blank, 0)

    @staticmethod
    def _explained_input(model_input):
        """A reading's model input as (28, 28) float32, or ``BadInput`` (a blank reading has none)."""
        if model_input is None:
            raise BadInput("nothing_drawn", "Nothing was drawn, so there is no model input to explain.")
        model_input = np.asarray(model_input, np.float32)
        if model_input.shape != (28, 28) or not np.isfinite(model_input).all():
            raise BadInput("invalid_model_input", "A model input is a 28x28 array of numbers from 0 to 1.")
        return np.clip(model_input, 0.0, 1.0)

    def _explainer(self, name, build):
        """An explanation's graph, built on first use: a dashboard that never asks for one never pays for it."""
        explainer = self._explainers.get(name)
        if explainer is None:
            with self._explainers_lock:   # two first requests at once build it once
                if name not in self._explainers:
                    import tensorflow as tf
                    self._explainers[name] = build(tf)
                explainer = self._explainers[name]
        return explainer

    def probabilities(self, pixels):
        """Many MNIST-style (N, 28, 28) uint8 images -> (N, 10) probabilities, in batches (evaluation)."""
        return self.classifier.probabilities(pixels)

    def read_pixels(self, pixels, methods=("vanilla",), target=None, neighbours=0, screen=True):
        """An MNIST-style (28, 28) uint8 image, already preprocessed (the test set) -> ``Reading``."""
        model_input = np.asarray(pixels, np.float32) / 255
        return self._classify(model_input, {"centred": np.asarray(pixels, np.uint8)}, methods, target, neighbours,
                              screen and (lambda: ink_shape(pixels)))

    def _read(self, ink, methods, target, neighbours=0, shape=None):
        pre = to_mnist(ink)
        if pre.blank:
            return Reading(Status.BLANK, steps=pre.steps)
        return self._classify(pre.model_input, pre.steps, methods, target, neighbours, shape)

    def _read_number(self, places, screen):
        # Every candidate of every place (touching digits offer the whole and its halves) in one batch.
        segments = [segment for place in places for option in place.options for segment in option]
        prepared = [to_mnist(segment.ink) for segment in segments]
        row_of = {i: row for row, i in enumerate(i for i, pre in enumerate(prepared) if not pre.blank)}
        if not row_of:
            return NumberReading.of([])
        batch = np.stack([prepared[i].model_input for i in row_of])
        screening = screen and self.index is not None
        if screening:
            logits, embeddings, blocks = self.classifier.features(batch)
        else:
            logits = self.classifier.logits(batch)
        probabilities = softmax(logits)
        confidence = probabilities.max(axis=1)
        scores, rejected = [None] * len(batch), np.zeros(len(batch), bool)
        if screening:
            _, similarity = nearest(self.index.bank, embeddings, 1)
            scores = self.index.not_a_digit.scores(similarity[:, 0], blocks).tolist()
            rejected = np.array([self.index.not_a_digit.rejects(score) for score in scores])
        # A candidate screened out as no digit reads worse than any digit: a touching pair read whole
        # is often such a candidate, and its halves then win.
        chosen = choose(places, {i: float(confidence[row] - rejected[row]) for i, row in row_of.items()})
        digits = []
        for i in chosen:
            row = row_of[i]
            digit = int(probabilities[row].argmax())
            status = Status.NOT_A_DIGIT if rejected[row] else status_for(float(confidence[row]))
            reading = Reading(status=status, digit=digit, confidence=float(confidence[row]),
                              probabilities=probabilities[row], model_input=prepared[i].model_input,
                              steps=prepared[i].steps, not_a_digit_score=scores[row])
            digits.append(PlacedReading(reading, segments[i].box))
        return NumberReading.of(digits)

    def screen_inputs(self, model_inputs, shapes=None):
        """The batch form of the screening every read does: (N, 28, 28) model inputs in [0, 1] (and each
        one's ``Shape``, or None) -> ``(probabilities (N, 10), not-a-digit scores (N,), not a digit (N,) bool)``."""
        logits, embeddings, blocks = self.classifier.features(model_inputs)
        _, similarities = nearest(self.index.bank, embeddings, 1)
        scores = self.index.not_a_digit.scores(similarities[:, 0], blocks)
        marks = np.array([getattr(shape, "is_mark", False) for shape in shapes] if shapes else [False] * len(scores))
        return softmax(logits), scores, marks | self.index.not_a_digit.rejects(scores)

    def _classify(self, model_input, steps, methods, target, neighbours=0, shape=None):
        """``shape``: False for no screening, else a function giving the drawing's ``Shape`` (marks.py)."""
        methods = check_methods(methods)
        if target is not None and not is_digit(target):
            raise BadInput("invalid_target", "The saliency target must be a digit from 0 to 9.")
        neighbours = neighbour_count(neighbours, minimum=0)
        if neighbours and self.index is None:
            raise BadInput("neighbours_unavailable", "This model ships without an embedding index: "
                           "nearest training digits need `python -m training.evaluate` run on it.")
        use_index = self.index is not None and bool(neighbours or shape)
        prediction = self.classifier.predict(model_input, target, methods, embedding=use_index)
        digit = int(prediction.probabilities.argmax())
        confidence = float(prediction.probabilities[digit])
        found = self.index.neighbours(prediction.embedding, max(neighbours, 1)) if use_index else []
        status, score = status_for(confidence), None
        if shape and getattr(shape(), "is_mark", False):
            status = Status.NOT_A_DIGIT
        elif shape and use_index:
            score = self.index.not_a_digit.score(found[0].similarity, prediction.blocks)
            status = Status.NOT_A_DIGIT if self.index.not_a_digit.rejects(score) else status
        return Reading(
            status=status, digit=digit, confidence=confidence,
            probabilities=prediction.probabilities, target=prediction.target, saliency=prediction.saliency,
            model_input=model_input, steps=steps, neighbours=found[:neighbours], not_a_digit_score=score)
