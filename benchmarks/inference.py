"""Time one drawing end to end, against the naive pipeline a first version would write.

    python -m benchmarks.inference [--runs 300] [--naive-runs 30]

Live path: PNG decode, MNIST preprocessing, probabilities and the vanilla-gradient map, through
the shared DigitReader. Full path: the same with all three saliency maps. Naive: resize the PNG
to 28x28 with Pillow and call ``model.predict``. The last line is machine-readable.
"""

import argparse
import io
import os
import time

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from model.explain.saliency import METHODS  # noqa: E402
from model.mnist import load_mnist  # noqa: E402
from model.reader import DigitReader  # noqa: E402
from tests.support.encoders import canvas_png  # noqa: E402


def naive_predict(keras_model, png):
    image = Image.open(io.BytesIO(png)).convert("RGBA").getchannel("A").resize((28, 28))
    x = np.asarray(image, np.float32)[None, :, :, None] / 255
    return keras_model.predict(x, verbose=0)[0]


def time_ms(call, inputs, runs):
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(inputs[i % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return np.array(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--naive-runs", type=int, default=30)
    args = parser.parse_args(argv)

    reader = DigitReader.from_model_file()
    _, (x_test, _) = load_mnist()
    drawings = [canvas_png(x_test[i], transparent=True) for i in range(20)]
    keras_model = reader.classifier.keras_model
    naive_predict(keras_model, drawings[0])  # its own warm-up, to be fair

    live = time_ms(lambda png: reader.read_image(png, methods=("vanilla",)), drawings, args.runs)
    full = time_ms(lambda png: reader.read_image(png, methods=METHODS), drawings, max(args.runs // 3, 30))
    naive = time_ms(lambda png: naive_predict(keras_model, png), drawings, args.naive_runs)

    p50, p95 = np.percentile(live, [50, 95])
    all_maps_p50 = np.percentile(full, 50)
    naive_p50 = np.percentile(naive, 50)
    print(f"live path (decode, preprocess, probabilities, vanilla gradient): "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms over {len(live)} runs")
    print(f"full path (all three maps): p50 {all_maps_p50:.2f} ms over {len(full)} runs")
    print(f"naive (resize to 28x28, model.predict): p50 {naive_p50:.1f} ms over {len(naive)} runs")
    print(f"p50_ms={p50:.2f} p95_ms={p95:.2f} all_maps_p50_ms={all_maps_p50:.2f} "
          f"naive_p50_ms={naive_p50:.1f} speedup_vs_naive={naive_p50 / p50:.1f}")


if __name__ == "__main__":
    main()
