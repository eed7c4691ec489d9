"""python -m benchmarks.dashboard: the dashboard's interactions, timed server-side.

Draw tab: a drawing in, as the pad's fabric.js JSON, and every Draw-tab output out, JSON-encoded
the way Dash answers a callback (``dash._utils.to_json``, i.e. plotly.io.json). The bodies timed
are the callbacks' own (``drawing.update_drawing``, ``gallery.update_gallery`` and
``inspector.inspect_digit``), so this measures what a browser's request runs, less HTTP.
Error-analysis tab: confusion-matrix clicks, filters and sorting of the gallery, thumbnails opened
in the inspector and its bars clicked. A last section times a few of the same requests through
Dash's real endpoint in-process (Flask test client, no sockets), for comparison.

The last line is ``draw_callback_p50_ms=… errors_tab_p50_ms=…``; goals 30 and 100.
"""

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
from dash._utils import to_json  # noqa: E402
from dash import no_update  # noqa: E402

from dashboard.tabs.draw import drawing  # noqa: E402
from dashboard.tabs.draw import ids as draw_ids  # noqa: E402
from dashboard.tabs.errors import gallery, inspector  # noqa: E402
from dashboard.tabs.errors import ids as error_ids  # noqa: E402
from dashboard.tabs.errors.analysis import ErrorAnalysis  # noqa: E402
from model.artifacts import DEFAULT_MODEL_PATH  # noqa: E402
from model.reader import DigitReader  # noqa: E402
from model.report import EvaluationReport  # noqa: E402
from tests.support.pad import fabric_drawing  # noqa: E402
from training.drawings import SAMPLES  # noqa: E402

DRAW_REPEATS = 40          # per sample digit
ERROR_REPEATS = 15         # per interaction
WARM_UP = 3


def dash_response(answer):
    """The JSON Dash sends back for a callback's answer dict: updated outputs only."""
    return to_json({"multi": True, "response": {key: value for key, value in answer.items() if value is not no_update}})


def time_calls(call, repeats):
    """Milliseconds per call, after a warm-up, and the size of the last response."""
    for _ in range(WARM_UP):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body = call()
        times.append((time.perf_counter() - start) * 1000)
    return times, len(body)


def percentile(values, q):
    return float(np.percentile(values, q))


def report_line(name, times, size):
    print(f"  {name:<48} n={len(times):>4}  p50={statistics.median(times):7.2f} ms  "
          f"p95={percentile(times, 95):7.2f} ms  response={size / 1024:6.1f} KB", flush=True)


def draw_scenarios(reader):
    drawings = {digit: fabric_drawing(strokes) for digit, strokes in SAMPLES.items()}

    def new_drawing(digit, method="vanilla"):
        return lambda: dash_response(drawing.update_drawing(
            reader, drawings[digit], method, None, 0, None, draw_ids.PAD))

    def bar_click(digit, clicked):
        click = {"points": [{"x": clicked, "y": 0.0}]}
        return lambda: dash_response(drawing.update_drawing(
            reader, drawings[digit], "vanilla", click, 0, None, draw_ids.PANEL.probabilities))

    live = {f"new drawing of a {digit} (live path, vanilla)": new_drawing(digit) for digit in drawings}
    extra = {
        "new drawing, SmoothGrad selected": new_drawing(7, "smoothgrad"),
        "new drawing, Integrated Gradients selected": new_drawing(7, "integrated_gradients"),
        "probability bar clicked (Patch + saliency)": bar_click(7, 1),
        "blank pad": lambda: dash_response(drawing.update_drawing(reader, "", "vanilla", None, 0, None, draw_ids.PAD)),
    }
    return live, extra


def error_scenarios(reader, analysis):
    def show_gallery(cell=None, true=None, predicted=None, order="least", trigger=None):
        click = None if cell is None else {"points": [{"y": cell[0], "x": cell[1]}]}
        return lambda: dash_response(gallery.update_gallery(analysis, click, true, predicted, order, trigger))

    confusion = np.asarray(analysis.report.summary["confusion_matrix"])
    off_diagonal = confusion - np.diag(np.diag(confusion))
    busiest = np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)
    first_mistake = int(analysis.indices[analysis.select()[0]])

    def inspect(index, method="vanilla", target_click=None):
        trigger = {"type": error_ids.THUMBNAIL, "index": index} if target_click is None else error_ids.PANEL.probabilities
        state = {"index": index, "target": None}
        click = None if target_click is None else {"points": [{"x": target_click}]}
        return lambda: dash_response(inspector.inspect_digit(reader, analysis, method, click, state, trigger))

    return {
        "gallery: all misclassified (page load)": show_gallery(),
        f"confusion cell clicked (busiest, {busiest[0]}->{busiest[1]})": show_gallery(tuple(map(int, busiest)),
                                                                                    trigger=error_ids.CONFUSION),
        "confusion cell clicked (diagonal 4->4)": show_gallery((4, 4), trigger=error_ids.CONFUSION),
        "filter: true digit 7": show_gallery(true=7, trigger=error_ids.TRUE_FILTER),
        "sort: most confident first": show_gallery(order="most", trigger=error_ids.ORDER),
        "thumbnail opened in the inspector": inspect(first_mistake),
        "inspector: SmoothGrad selected": inspect(first_mistake, "smoothgrad"),
        "inspector: probability bar clicked": inspect(first_mistake, target_click=0),
    }


def through_dash_endpoint(drawing):
    """A drawing posted to Dash's real /_dash-update-component in-process, for comparison."""
    from dashboard import create_app

    client = create_app({"TESTING": True}).server.test_client()
    dependency = next(d for d in client.get("/_dash-dependencies").get_json() if "prediction.children" in d["output"])
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in dependency["output"].strip(".").split("...")]
    values = {"pad.json_data": drawing, "saliency-method.value": "vanilla"}
    payload = {
        "output": dependency["output"], "outputs": outputs, "changedPropIds": ["pad.json_data"],
        "inputs": [{**d, "value": values.get(f"{d['id']}.{d['property']}")} for d in dependency["inputs"]],
        "state": [{**d, "value": None} for d in dependency["state"]],
    }

    def post():
        response = client.post("/_dash-update-component", json=payload)
        assert response.status_code == 200, response.status_code
        return response.data

    return post


def main():
    reader = DigitReader.from_model_file(DEFAULT_MODEL_PATH)
    analysis = ErrorAnalysis(EvaluationReport.load(DEFAULT_MODEL_PATH))
    print(f"Dashboard callbacks, server-side, {os.cpu_count()} CPUs; milliseconds per interaction "
          "including JSON encoding of the answer.", flush=True)

    live, extra = draw_scenarios(reader)
    print("Draw tab:")
    draw_times = []
    for name, call in live.items():
        times, size = time_calls(call, DRAW_REPEATS)
        draw_times += times
        report_line(name, times, size)
    for name, call in extra.items():
        report_line(name, *time_calls(call, ERROR_REPEATS))

    print("Error-analysis tab:")
    error_times = []
    for name, call in error_scenarios(reader, analysis).items():
        times, size = time_calls(call, ERROR_REPEATS)
        error_times += times
        report_line(name, times, size)

    print("Through Dash's endpoint in-process (Flask test client), for comparison:")
    report_line("new drawing of a 7, POST /_dash-update-component",
                *time_calls(through_dash_endpoint(fabric_drawing(SAMPLES[7])), ERROR_REPEATS))

    draw_p50, errors_p50 = statistics.median(draw_times), statistics.median(error_times)
    print(f"Draw callback p50 {draw_p50:.1f} ms (goal 30); error-analysis interactions p50 {errors_p50:.1f} ms "
          "(goal 100).")
    print(f"draw_callback_p50_ms={draw_p50:.2f} errors_tab_p50_ms={errors_p50:.2f}")


if __name__ == "__main__":
    main()
