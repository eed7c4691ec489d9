"""Time one drawing end to end, against the naive pipeline a first version would write.

    python -m benchmarks.inference [--runs 300] [--naive-runs 30]

Live path: PNG decode, MNIST preprocessing, probabilities and the vanilla-gradient map, through
the shared DigitReader; ``live_vs_forward`` is its p50 over one forward-only compiled call's (goal 3x),
and the same path with the not-a-digit screening every reading now gets is printed beside it. Full path: the same with all three saliency maps. Naive: resize the PNG
to 28x28 with Pillow and call ``model.predict``. Neighbours: the forward-only compiled call against
the same call with the embedding out, the 8 nearest training digits and the not-a-digit score,
timed in turns; ``neighbours_ratio`` is their extra cost over one forward-only call.
Numbers: ``POST /api/number`` with a four-digit number against ``POST /api/predict`` with one digit,
both drawn on the wide pad, timed in turns; ``number_ratio`` is the median of their paired ratios.
Explanations (model/explain/): the activations, the robustness batch and the counterfactual, each
timed in turns with a forward-only call on the same model input; each ``*_ratio`` is the median of
their paired ratios. The counterfactuals are of drawn digits (training.drawings' report half) to
every other class: the line also gives how many the model reads as their target, and how many,
drawn back as a pad-sized PNG, read as their target through the whole pipeline and pass the
not-a-digit check. The last line is machine-readable.
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
from training.drawings import drawing_set  # noqa: E402


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


def neighbour_costs(reader, images, runs):
    """Milliseconds of the forward-only call and of the same call with neighbours and the score, in turns."""
    classifier, index = reader.classifier, reader.index
    inputs = [image.astype(np.float32) / 255 for image in images]

    def screened(model_input):
        prediction = classifier.predict(model_input, methods=(), embedding=True)
        found = index.neighbours(prediction.embedding, 8)
        index.not_a_digit.score(found[0].similarity, prediction.blocks)

    def forward(model_input):
        classifier.predict(model_input, methods=())

    # In turns, one of each on the same input, which first alternating: a busy machine slows both alike.
    turns = []
    for i in range(runs):
        x = inputs[i % len(inputs)]
        first, second = (forward, screened) if i % 2 else (screened, forward)
        times = {first: time_ms(first, [x], 1)[0], second: time_ms(second, [x], 1)[0]}
        turns.append((times[forward], times[screened]))
    return np.array(turns).T


def paired_ratios(reader, explain, cases):
    """Per case ``(model_input, *arguments)``, the time of ``explain(model_input, *arguments)`` over a
    forward-only call on the same input, the two timed in turns, which first alternating."""
    def forward(case):
        reader.classifier.predict(case[0], methods=())

    def explained(case):
        explain(*case)

    ratios = []
    for i, case in enumerate(cases):
        first, second = (forward, explained) if i % 2 else (explained, forward)
        times = {first: time_ms(first, [case], 1)[0], second: time_ms(second, [case], 1)[0]}
        ratios.append(times[explained] / times[forward])
    return np.array(ratios)


def counterfactual_runs(reader, per_digit):
    """Counterfactuals of ``per_digit`` drawn digits of each class to every other class: their paired
    cost ratios, then the share the model reads as their target, and the share that, drawn back as a
    pad-sized PNG through the whole pipeline, reads as the target and passes the not-a-digit check."""
    drawings = drawing_set("digits-report")
    readings = [reader.read_strokes(d.strokes, d.width, methods=())
                for digit in range(10) for d in [d for d in drawings if d.digit == digit][:per_digit]]
    cases = [(r.model_input, target) for r in readings for target in range(10) if target != r.digit]
    made = []
    ratios = paired_ratios(reader, lambda x, target: made.append(reader.counterfactual(x, target)), cases)
    back = [reader.read_image(canvas_png(np.round(cf.image * 255).astype(np.uint8)), methods=()) for cf in made]
    passed = [r.digit == cf.target and str(r.status) != "not_a_digit" for r, cf in zip(back, made)]
    return ratios, np.mean([cf.reached for cf in made]), np.mean(passed), made


def number_costs(runs):
    """Milliseconds of ``POST /api/predict`` with one digit and of ``POST /api/number`` with four (both
    drawn on the wide pad as 560x280 PNGs, the digits apart), through the app's own request handling
    (Flask's test client: no sockets), in turns, which first alternating."""
    from dashboard import create_app
    from tests.support.encoders import data_url
    from training.numbers import number_drawing, number_png, single_digit_drawing

    client = create_app({"TESTING": True}).server.test_client()
    rng = np.random.default_rng(10)
    singles = [data_url(number_png(single_digit_drawing(int(rng.integers(10)), rng))) for _ in range(20)]
    fours = [data_url(number_png(number_drawing("".join(str(d) for d in rng.integers(0, 10, 4)), rng)))
             for _ in range(20)]

    def post(path, image):
        started = time.perf_counter()
        response = client.post(path, json={"image": image})
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return (time.perf_counter() - started) * 1000

    turns = []
    for i in range(runs):
        single, four = singles[i % len(singles)], fours[i % len(fours)]
        if i % 2:
            turns.append((post("/api/predict", single), post("/api/number", four)))
        else:
            number_ms = post("/api/number", four)
            turns.append((post("/api/predict", single), number_ms))
    return np.array(turns).T


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--naive-runs", type=int, default=30)
    parser.add_argument("--counterfactual-drawings", type=int, default=3,
                        help="drawn digits per class whose counterfactuals to every other class are timed")
    args = parser.parse_args(argv)

    reader = DigitReader.from_model_file()
    _, (x_test, _) = load_mnist()
    drawings = [canvas_png(x_test[i], transparent=True) for i in range(20)]
    keras_model = reader.classifier.keras_model
    naive_predict(keras_model, drawings[0])  # its own warm-up, to be fair

    live = time_ms(lambda png: reader.read_image(png, methods=("vanilla",), screen=False), drawings, args.runs)
    screened = time_ms(lambda png: reader.read_image(png, methods=("vanilla",)), drawings, args.runs)
    full = time_ms(lambda png: reader.read_image(png, methods=METHODS), drawings, max(args.runs // 3, 30))
    naive = time_ms(lambda png: naive_predict(keras_model, png), drawings, args.naive_runs)
    forward, with_neighbours = neighbour_costs(reader, x_test[:20], args.runs)
    reader.warm_up_explanations()
    model_inputs = [(image.astype(np.float32) / 255,) for image in x_test[:20]]
    activations = paired_ratios(reader, reader.activations, [model_inputs[i % 20] for i in range(args.runs)])
    robustness = paired_ratios(reader, reader.robustness,
                               [model_inputs[i % 20] for i in range(max(args.runs // 3, 30))])
    counterfactual, reached, passed, made = counterfactual_runs(reader, args.counterfactual_drawings)
    predict_ms, number_ms = number_costs(args.runs)

    p50, p95 = np.percentile(live, [50, 95])
    all_maps_p50 = np.percentile(full, 50)
    naive_p50 = np.percentile(naive, 50)
    forward_p50 = np.percentile(forward, 50)
    live_vs_forward = p50 / forward_p50
    print(f"live path (decode, preprocess, probabilities, vanilla gradient): "
          f"p50 {p50:.2f} ms, p95 {p95:.2f} ms over {len(live)} runs: {live_vs_forward:.2f}x one forward-only "
          f"compiled call (goal 3x); with the not-a-digit screening every reading now has: "
          f"p50 {np.percentile(screened, 50):.2f} ms, {np.percentile(screened, 50) / forward_p50:.2f}x")
    print(f"full path (all three maps): p50 {all_maps_p50:.2f} ms over {len(full)} runs")
    print(f"naive (resize to 28x28, model.predict): p50 {naive_p50:.1f} ms over {len(naive)} runs")
    neighbours_p50 = np.percentile(with_neighbours, 50)
    # The median of the paired differences: steadier than a difference of medians on a shared machine.
    neighbours_ratio = np.percentile(with_neighbours - forward, 50) / forward_p50
    print(f"forward-only compiled call: p50 {forward_p50:.2f} ms; with the embedding, 8 nearest training digits "
          f"and the not-a-digit score: p50 {neighbours_p50:.2f} ms, {neighbours_ratio:.2f}x a forward call more "
          f"(goal 1x), over {len(forward)} runs each")
    print(f"activations (every conv layer's maps, one compiled call): {np.median(activations):.2f}x a forward-only "
          f"call (goal 2x), median of {len(activations)} paired runs")
    print(f"robustness (45 variants in one batched call): {np.median(robustness):.2f}x a forward-only call "
          f"(goal 10x), median of {len(robustness)} paired runs")
    print(f"counterfactual (at most 20 gradient steps in one graph): {np.median(counterfactual):.1f}x a forward-only "
          f"call, p90 {np.percentile(counterfactual, 90):.1f}x (goal 20x), {np.mean([cf.steps for cf in made]):.1f} "
          f"steps on average, {np.median([cf.changed_pixels for cf in made]):.0f} pixels changed (median); of "
          f"{len(made)} drawn digits and targets, the model reads {reached:.1%} as their target (goal 90%), and "
          f"{passed:.1%} read as their target and as a digit when drawn back through the pipeline (goal 50%)")
    number_ratio = np.median(number_ms / predict_ms)
    print(f"POST /api/predict, one digit: p50 {np.percentile(predict_ms, 50):.2f} ms; POST /api/number, four digits: "
          f"p50 {np.percentile(number_ms, 50):.2f} ms, {number_ratio:.2f}x (goal 2x), median of {len(number_ms)} "
          f"paired runs (560x280 PNGs, Flask's test client)")
    print(f"p50_ms={p50:.2f} p95_ms={p95:.2f} all_maps_p50_ms={all_maps_p50:.2f} "
          f"naive_p50_ms={naive_p50:.1f} speedup_vs_naive={naive_p50 / p50:.1f} "
          f"neighbours_ratio={neighbours_ratio:.2f} "
          f"robustness_ratio={np.median(robustness):.2f} counterfactual_ratio={np.median(counterfactual):.2f} "
          f"activations_ratio={np.median(activations):.2f} number_ratio={number_ratio:.2f} "
          f"live_vs_forward={live_vs_forward:.2f}")


if __name__ == "__main__":
    main()
