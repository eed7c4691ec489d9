"""Train the digit CNN on MNIST and ship it as ``model/digit_cnn.keras``.

    python -m training.train            # full recipe, ~30 epochs on CPU
    python -m training.train --quick    # one short epoch on a subset, to exercise the path

The recipe: a BN-ReLU CNN (the Kaggle "32C3-32C3-32C5S2 / 64C3-64C3-64C5S2 / 128C4" shape),
rotation/shift/zoom augmentation, Adam with an exponentially decaying learning rate, and the
weights of the epoch with the best accuracy on a validation split carved from the training set.
The test set is only touched afterwards, by ``training.evaluate``.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

from model.mnist import load_mnist
from model.artifacts import DEFAULT_MODEL_PATH, history_path

SEED = 1234
VALIDATION_SIZE = 5000


def build_model():
    import keras
    from keras import layers

    def conv_bn_relu(x, filters, kernel, strides=1, padding="valid"):
        x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        return layers.ReLU()(x)

    inputs = keras.Input(shape=(28, 28, 1), name="digit")
    x = conv_bn_relu(inputs, 32, 3)
    x = conv_bn_relu(x, 32, 3)
    x = conv_bn_relu(x, 32, 5, strides=2, padding="same")
    x = layers.Dropout(0.4)(x)
    x = conv_bn_relu(x, 64, 3)
    x = conv_bn_relu(x, 64, 3)
    x = conv_bn_relu(x, 64, 5, strides=2, padding="same")
    x = layers.Dropout(0.4)(x)
    x = conv_bn_relu(x, 128, 4)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4)(x)
    # Saliency takes gradients of the logits, so they get a layer of their own.
    logits = layers.Dense(10, name="logits")(x)
    outputs = layers.Softmax(name="probabilities")(logits)
    return keras.Model(inputs, outputs, name="digit_cnn")


def make_datasets(x_train, y_train, batch_size, seed):
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x_train))
    val_idx, train_idx = order[:VALIDATION_SIZE], order[VALIDATION_SIZE:]
    augment = keras.Sequential([
        keras.layers.RandomRotation(10 / 360, fill_mode="constant", seed=seed),
        keras.layers.RandomZoom(0.1, fill_mode="constant", seed=seed + 1),
        keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed + 2),
    ])

    def scale(images):
        return (images[..., None] / 255.0).astype("float32")

    train = (
        tf.data.Dataset.from_tensor_slices((scale(x_train[train_idx]), y_train[train_idx]))
        .shuffle(len(train_idx), seed=seed)
        .batch(batch_size)
        .map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=1)
        .prefetch(2)
    )
    val = tf.data.Dataset.from_tensor_slices((scale(x_train[val_idx]), y_train[val_idx])).batch(1000)
    return train, val, len(train_idx)


def train(epochs, output, data_dir=None, subset=None, batch_size=128, seed=SEED):
    import keras

    keras.utils.set_random_seed(seed)
    (x_train, y_train), _ = load_mnist(data_dir)
    if subset:
        x_train, y_train = x_train[:subset], y_train[:subset]
    train_ds, val_ds, n_train = make_datasets(x_train, y_train, batch_size, seed)
    print(f"Training on {n_train} images, validating on {VALIDATION_SIZE}, {epochs} epoch(s)", flush=True)

    model = build_model()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    best_weights = output.with_suffix(".best.weights.h5")
    callbacks = [
        keras.callbacks.LearningRateScheduler(lambda epoch: 1e-3 * 0.88 ** epoch),
        keras.callbacks.ModelCheckpoint(best_weights, monitor="val_accuracy", save_best_only=True,
                                        save_weights_only=True),
    ]
    started = time.time()
    history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, callbacks=callbacks, verbose=2)
    minutes = (time.time() - started) / 60
    model.load_weights(best_weights)
    best_weights.unlink()

    # A fresh, uncompiled copy saves the weights without optimizer state.
    shipped = build_model()
    shipped.set_weights(model.get_weights())
    shipped.save(output)
    curves = {key: [float(v) for v in values] for key, values in history.history.items()}
    history_path(output).write_text(json.dumps(
        {"epochs": epochs, "kept_epoch": int(np.argmax(curves["val_accuracy"])) + 1,
         "train_minutes": round(minutes, 1), "seed": seed, "curves": curves}, indent=1))
    print(f"Saved {output} ({output.stat().st_size / 1e6:.2f} MB) after {minutes:.1f} min", flush=True)
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="one short epoch on 35,000 images")
    parser.add_argument("--output", type=Path, help=f"where to save the model (default {DEFAULT_MODEL_PATH})")
    parser.add_argument("--data-dir", help="folder with the MNIST files (else MNIST_DIR, the Keras cache, ...)")
    parser.add_argument("--no-evaluate", action="store_true", help="skip the evaluation report")
    args = parser.parse_args(argv)
    if args.quick:
        output = train(1, args.output or Path("build/quick/digit_cnn.keras"), args.data_dir, subset=40000, batch_size=64)
    else:
        output = train(args.epochs, args.output or DEFAULT_MODEL_PATH, args.data_dir)
    if not args.no_evaluate:
        from training.evaluate import evaluate

        evaluate(output, args.data_dir)


if __name__ == "__main__":
    main()
