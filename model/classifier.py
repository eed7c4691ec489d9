"""The trained CNN behind compiled calls: probabilities, and saliency maps with them.

``DigitClassifier.predict`` answers a single 28x28 input through a ``tf.function`` with a fixed
input signature (about 2 ms, against tens for ``model.predict``): with no maps asked for, a
forward-only graph; with the vanilla gradient, the live graph; with any other map, the full graph
(model/explain/saliency.py). Concurrent calls are safe: the graphs hold no state.
``predict(..., embedding=True)`` also answers, from the same compiled call on the forward-only and
live paths, the penultimate layer (the 128 values the logits layer reads: the embedding that
nearest training digits are found by) and the first two convolutional blocks' outputs, pooled to
4x4 (what the not-a-digit score reads with it; model/analysis/not_a_digit.py).
"""

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.artifacts import ModelError, check_sha256
from model.explain.saliency import METHODS, build_saliency_graphs, check_methods

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BATCH_SIZE = 500


@dataclass
class Prediction:
    probabilities: np.ndarray   # (10,) float32
    logits: np.ndarray          # (10,) float32
    target: int                 # the class the saliency maps explain
    saliency: dict              # method -> (28, 28) float32, signed
    embedding: np.ndarray | None = None   # (128,) float32, the penultimate layer, when asked for
    blocks: tuple = ()                    # with it, the first two blocks' outputs: (512,) and (1024,) float32


class DigitClassifier:
    def __init__(self, path, expected_sha256=None):
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"Model file {path} not found. Train one with `python -m training.train`, "
                             "or restore the shipped model/digit_cnn.keras from git.")
        self.path = path
        self.sha256 = check_sha256(path, expected_sha256, made_by="python -m training.evaluate")
        import keras
        import tensorflow as tf

        try:
            model = keras.models.load_model(path, compile=False, safe_mode=True)
        except Exception as error:
            raise ModelError(f"Model file {path} could not be loaded: {error}") from error
        self.keras_model = model
        self.logits_model = keras.Model(model.inputs, model.get_layer("logits").output)
        # Each dropout layer reads a block's output (dropout is off at inference): the first two
        # convolutional blocks, then the flattened 128C4 block, the embedding the logits layer reads.
        *blocks, embedding = [layer.input for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
        self.features_model = keras.Model(model.inputs, [model.get_layer("logits").output, embedding, *blocks])
        self._build_functions(tf)

    def _build_functions(self, tf):
        logits_model = self.logits_model

        # XLA fuses the single-image graph to well under a millisecond.
        @tf.function(input_signature=[tf.TensorSpec((28, 28), tf.float32)], jit_compile=True)
        def forward(image):
            logits = logits_model(image[None, :, :, None], training=False)[0]
            return tf.nn.softmax(logits), logits, tf.argmax(logits, output_type=tf.int32)

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28), tf.float32)])
        def batch_logits(images):
            return logits_model(images[..., None], training=False)

        self._forward, self._batch_logits = forward, batch_logits
        self._live, self._full, self._integrated = build_saliency_graphs(tf, logits_model)
        self._build_embedding_functions(tf)

    def _build_embedding_functions(self, tf):
        def features(batch):
            """(N, 28, 28, 1) -> logits, embeddings and each block's output average-pooled to 4x4, flattened."""
            logits, embedding, *blocks = self.features_model(batch, training=False)
            pooled = [tf.nn.avg_pool2d(block, block.shape[1] // 4, block.shape[1] // 4, "VALID") for block in blocks]
            return logits, embedding, [tf.reshape(block, (tf.shape(block)[0], -1)) for block in pooled]

        # One image's embedding and blocks leave the graph as one vector: each output tensor costs a
        # conversion (measured: 0.3 ms more for four outputs than for one on the forward-only path).
        _, embedding_spec, *block_specs = self.features_model.outputs
        sizes = [embedding_spec.shape[-1]] + [16 * spec.shape[-1] for spec in block_specs]
        self._feature_splits = np.cumsum(sizes)[:-1]

        def joined(embedding, blocks):
            return tf.concat([embedding[0]] + [block[0] for block in blocks], axis=0)

        @tf.function(input_signature=[tf.TensorSpec((28, 28), tf.float32)], jit_compile=True)
        def forward_embedding(image):
            logits, embedding, blocks = features(image[None, :, :, None])
            return (tf.nn.softmax(logits[0]), logits[0], tf.argmax(logits[0], output_type=tf.int32),
                    joined(embedding, blocks))

        # The live graph (model/explain/saliency.py) with the embedding as one more output.
        @tf.function(input_signature=[tf.TensorSpec((28, 28), tf.float32), tf.TensorSpec((), tf.int32)],
                     jit_compile=True)
        def live_embedding(image, target):
            batch = image[None, :, :, None]
            with tf.GradientTape() as tape:
                tape.watch(batch)
                logits, embedding, blocks = features(batch)
                target = tf.where(target < 0, tf.argmax(logits[0], output_type=tf.int32), target)
                chosen = tf.reduce_sum(tf.gather(logits[0], target))   # a gather: see saliency.py
            return (tf.nn.softmax(logits[0]), logits[0], target, tape.gradient(chosen, batch)[0, :, :, 0],
                    joined(embedding, blocks))

        @tf.function(input_signature=[tf.TensorSpec((None, 28, 28), tf.float32)])
        def batch_features(images):
            return features(images[..., None])

        self._forward_embedding, self._live_embedding, self._batch_features = \
            forward_embedding, live_embedding, batch_features

    def warm_up(self):
        """Trace every compiled path now, so the first request is as fast as the rest."""
        blank = np.zeros((28, 28), np.float32)
        self.predict(blank, methods=())
        self.predict(blank)
        self.predict(blank, methods=METHODS)
        self.predict(blank, methods=("integrated_gradients",))
        self.predict(blank, methods=(), embedding=True)
        self.predict(blank, embedding=True)
        self.logits(blank[None])
        self.features(blank[None])     # the batch of a whole number's digits

    def predict(self, image, target=None, methods=("vanilla",), embedding=False):
        """One (28, 28) float32 input in [0, 1] -> ``Prediction`` with maps for ``methods`` (and the
        embedding, when asked for)."""
        methods = check_methods(methods)
        image = np.asarray(image, np.float32)
        target = -1 if target is None else int(target)
        if embedding:
            return self._predict_with_embedding(image, target, methods)
        if not methods:
            probs, logits, top = self._forward(image)
            return Prediction(probs.numpy(), logits.numpy(), int(top) if target < 0 else target, {})
        if set(methods) == {"vanilla"}:
            probs, logits, target, vanilla = self._live(image, target)
            maps = {"vanilla": vanilla.numpy()}
        elif "smoothgrad" not in methods:
            probs, logits, target, stacked = self._integrated(image, target)
            maps = {name: stacked[i].numpy() for i, name in enumerate(("vanilla", "integrated_gradients"))
                    if name in methods}
        else:
            probs, logits, target, stacked = self._full(image, target)
            maps = {name: stacked[i].numpy() for i, name in enumerate(METHODS) if name in methods}
        return Prediction(probs.numpy(), logits.numpy(), int(target), maps)

    def _predict_with_embedding(self, image, target, methods):
        if not methods:
            probs, logits, top, features = self._forward_embedding(image)
            prediction = Prediction(probs.numpy(), logits.numpy(), int(top) if target < 0 else target, {})
        elif set(methods) == {"vanilla"}:
            probs, logits, target, vanilla, features = self._live_embedding(image, target)
            prediction = Prediction(probs.numpy(), logits.numpy(), int(target), {"vanilla": vanilla.numpy()})
        else:
            # The full graph costs ten forward calls already: one more forward call brings the embedding.
            prediction = self.predict(image, None if target < 0 else target, methods)
            features = self._forward_embedding(image)[3]
        prediction.embedding, *blocks = np.split(features.numpy(), self._feature_splits)
        prediction.blocks = tuple(blocks)
        return prediction

    def features(self, images):
        """(N, 28, 28) uint8 or float in [0, 1], N >= 1 -> ``(logits (N, 10), embeddings (N, 128), blocks)``,
        in batches; ``blocks`` are the pooled block outputs, (N, 512) and (N, 1024)."""
        images = np.asarray(images)
        images = (images.astype(np.float32) / 255 if images.dtype == np.uint8 else images.astype(np.float32))
        parts = [self._batch_features(images[i:i + BATCH_SIZE]) for i in range(0, len(images), BATCH_SIZE)]
        logits = np.concatenate([p[0].numpy() for p in parts])
        embeddings = np.concatenate([p[1].numpy() for p in parts])
        blocks = tuple(np.concatenate([p[2][b].numpy() for p in parts]) for b in range(len(parts[0][2])))
        return logits, embeddings, blocks

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
        return softmax(self.logits(images))


def softmax(logits):
    """(N, 10) logits -> (N, 10) probabilities."""
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)
