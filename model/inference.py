"""The trained CNN behind one compiled call: probabilities and saliency maps together.

``DigitClassifier.predict`` answers a single 28x28 input through a ``tf.function`` with a fixed
input signature (about 2 ms, against hundreds for ``model.predict``). The live path returns the
probabilities and the vanilla gradient; the full path stacks the input, SmoothGrad's noisy copies
and Integrated Gradients' path from a black baseline into one batch under one gradient tape.
Gradients are taken of the logits, not the softmax, so saturated answers still have saliency.
Concurrent calls are safe: the graph holds no state, and SmoothGrad's noise has a fixed seed, so
the same drawing always gets the same maps. With no maps asked for, a forward-only graph answers.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

SMOOTHGRAD_SAMPLES = 25
SMOOTHGRAD_NOISE = 0.15            # standard deviation, as a fraction of the [0, 1] input range
INTEGRATED_GRADIENTS_STEPS = 32    # midpoint rule from a black baseline
METHODS = ("vanilla", "smoothgrad", "integrated_gradients")
BATCH_SIZE = 500


class ModelError(RuntimeError):
    """The model file is missing, corrupt or not the one the evaluation report describes."""


@dataclass
class Prediction:
    probabilities: np.ndarray   # (10,) float32
    logits: np.ndarray          # (10,) float32
    target: int                 # the class the saliency maps explain
    saliency: dict              # method -> (28, 28) float32, signed


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class DigitClassifier:
    def __init__(self, path, expected_sha256=None):
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"Model file {path} not found. Train one with `python -m training.train`, "
                             "or restore the shipped model/digit_cnn.keras from git.")
        self.path = path
        self.sha256 = file_sha256(path)
        if expected_sha256 and self.sha256 != expected_sha256:
            raise ModelError(f"Model file {path} has SHA-256 {self.sha256}, but its evaluation report "
                             f"was made for {expected_sha256}: retrain or re-run `python -m training.evaluate`.")
        import keras
        import tensorflow as tf

        try:
            model = keras.models.load_model(path, compile=False, safe_mode=True)
        except Exception as error:
            raise ModelError(f"Model file {path} could not be loaded: {error}") from error
        self.keras_model = model
        self._logits_model = keras.Model(model.inputs, model.get_layer("logits").output)
        self._build_functions(tf)

    def _build_functions(self, tf):
        logits_model = self._logits_model
        image_spec = tf.TensorSpec((28, 28), tf.float32)
        target_spec = tf.TensorSpec((), tf.int32)
        noise = tf.constant(np.random.default_rng(0).normal(
            0, SMOOTHGRAD_NOISE, (SMOOTHGRAD_SAMPLES, 28, 28, 1)).astype(np.float32))
        alphas = tf.constant(((np.arange(INTEGRATED_GRADIENTS_STEPS) + 0.5)
                              / INTEGRATED_GRADIENTS_STEPS).astype(np.float32)[:, None, None, None])

        def gradients(batch, target):
            """Logits of the first row; target (-1: its top class); d logit[target] / d input per row."""
            with tf.GradientTape() as tape:
                tape.watch(batch)
                logits = logits_model(batch, training=False)
                target = tf.where(target < 0, tf.argmax(logits[0], output_type=tf.int32), target)
                # A gather, not logits[:, target]: XLA treats a slice index as a compile-time
                # constant and would compile the graph again for every new drawing.
                chosen = tf.reduce_sum(tf.gather(logits, target, axis=1))
            return logits[0], target, tape.gradient(chosen, batch)[..., 0]

        # XLA fuses the single-image graphs to under a millisecond; the 58-image full batch is
        # faster without it (measured: 26 ms plain against 52 ms compiled on 2 cores).
        @tf.function(input_signature=[image_spec], jit_compile=True)
        def forward(image):
            logits = logits_model(image[None, :, :, None], training=False)[0]
            return tf.nn.softmax(logits), logits, tf.argmax(logits, output_type=tf.int32)

        @tf.function(input_signature=[image_spec, target_spec], jit_compile=True)
        def live(image, target):
            logits, target, grads = gradients(image[None, :, :, None], target)
            return tf.nn.softmax(logits), logits, target, grads[0]

        @tf.function(input_signature=[image_spec, target_spec])
        def full(image, target):
            x = image[None, :, :, None]
            # Black baseline: the IG path is alphas * x.
            batch = tf.concat([x, x + noise, alphas * x], axis=0)
            logits, target, grads = gradients(batch, target)
            vanilla = grads[0]
            smoothgrad = tf.reduce_mean(grads[1:1 + SMOOTHGRAD_SAMPLES], axis=0)
            integrated = image * tf.reduce_mean(grads[1 + SMOOTHGRAD_SAMPLES:], axis=0)
            return tf.nn.softmax(logits), logits, target, tf.stack([vanilla, smoothgrad, integrated])

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28), tf.float32)])
        def batch_logits(images):
            return logits_model(images[..., None], training=False)

        self._forward, self._live, self._full, self._batch_logits = forward, live, full, batch_logits

    def warm_up(self):
        """Trace every compiled path now, so the first request is as fast as the rest."""
        blank = np.zeros((28, 28), np.float32)
        self.predict(blank, methods=())
        self.predict(blank)
        self.predict(blank, methods=METHODS)
        self.logits(blank[None])

    def predict(self, image, target=None, methods=("vanilla",)):
        """One (28, 28) float32 input in [0, 1] -> ``Prediction`` with maps for ``methods``."""
        unknown = set(methods) - set(METHODS)
        if unknown:
            raise ValueError(f"unknown saliency method(s) {sorted(unknown)}; choose from {METHODS}")
        image = np.asarray(image, np.float32)
        target = -1 if target is None else int(target)
        if not methods:
            probs, logits, top = self._forward(image)
            return Prediction(probs.numpy(), logits.numpy(), int(top) if target < 0 else target, {})
        if set(methods) == {"vanilla"}:
            probs, logits, target, vanilla = self._live(image, target)
            maps = {"vanilla": vanilla.numpy()}
        else:
            probs, logits, target, stacked = self._full(image, target)
            maps = {name: stacked[i].numpy() for i, name in enumerate(METHODS) if name in methods}
        return Prediction(probs.numpy(), logits.numpy(), int(target), maps)

    def logits(self, images):
        """(N, 28, 28) float32 -> (N, 10) logits, in batches."""
        images = np.asarray(images, np.float32)
        parts = [self._batch_logits(images[i:i + BATCH_SIZE]).numpy() for i in range(0, len(images), BATCH_SIZE)]
        return np.concatenate(parts) if parts else np.zeros((0, 10), np.float32)

    def probabilities(self, images):
        """(N, 28, 28) uint8 or float in [0, 1] -> (N, 10) softmax probabilities."""
        images = np.asarray(images)
        if images.dtype == np.uint8:
            images = images.astype(np.float32) / 255
        logits = self.logits(images)
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)
