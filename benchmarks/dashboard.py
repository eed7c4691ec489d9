"""python -m benchmarks.dashboard: the dashboard's interactions, timed server-side.

Draw tab: a drawing in, as the pad's strokes store, and every Draw-tab output out, JSON-encoded
the way Dash answers a callback (``dash._utils.to_json``, i.e. plotly.io.json). The bodies timed
are the callbacks' own (``drawing.update_drawing``, ``gallery.update_gallery`` and
``inspector.inspect_digit``), so this measures what a browser's request runs, less HTTP.
Error-analysis tab: confusion-matrix clicks, filters and sorting of the gallery, thumbnails opened
in the inspector and its bars clicked; and the map (issue 11): the suspected-label-error filter, box
selections, a point clicked (the inspector opening it), a hover's thumbnail, the drawing placed on it. A last section times a new drawing through the live reading's
real HTTP endpoint in-process (Flask test client, no sockets), for comparison.

The Draw tab's new drawing is also timed in turns with its 8 nearest training digits and the
not-a-digit score switched on and off (``update_drawing(..., neighbours=True)`` against ``neighbours=False,
screen=False``): ``neighbours_callback_ratio`` is on over off, goal at most 1.3.

The last line is ``draw_callback_p50_ms=… errors_tab_p50_ms=… neighbours_callback_ratio=…``; goals 30, 100, 1.3.
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
from dashboard.tabs.errors import digit_map, gallery, inspector  # noqa: E402
from dashboard.tabs.errors import ids as error_ids  # noqa: E402
from dashboard.tabs.errors.analysis import ErrorAnalysis  # noqa: E402
from model.artifacts import DEFAULT_MODEL_PATH  # noqa: E402
from model.reader import DigitReader  # noqa: E402
from model.report import EvaluationReport  # noqa: E402
from tests.support.pad import pad_drawing  # noqa: E402
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
    drawings = {digit: pad_drawing(strokes) for digit, strokes in SAMPLES.items()}

    def new_drawing(digit, method="vanilla"):
        return lambda: dash_response(drawing.update_drawing(reader, drawings[digit], method, None, draw_ids.STROKES))

    def bar_click(digit, clicked):
        return lambda: dash_response(drawing.update_drawing(
            reader, drawings[digit], "vanilla", None, draw_ids.PANEL.chosen_bar, clicked))

    live = {f"new drawing of a {digit} (live path, vanilla)": new_drawing(digit) for digit in drawings}
    extra = {
        "new drawing, SmoothGrad selected": new_drawing(7, "smoothgrad"),
        "new drawing, Integrated Gradients selected": new_drawing(7, "integrated_gradients"),
        "probability bar clicked (bars + saliency)": bar_click(7, 1),
        "blank pad": lambda: dash_response(drawing.update_drawing(reader, None, "vanilla", None, draw_ids.STROKES)),
    }
    return live, extra


def neighbour_turns(reader, repeats):
    """Milliseconds of a new drawing's callback with neighbours and the score on, and off, in turns."""
    def new_drawing(strokes, **switches):
        started = time.perf_counter()
        dash_response(drawing.update_drawing(reader, strokes, "vanilla", None, draw_ids.STROKES, **switches))
        return (time.perf_counter() - started) * 1000

    drawings = [pad_drawing(strokes) for strokes in SAMPLES.values()]
    for strokes in drawings:
        new_drawing(strokes, neighbours=True)
    on, off = [], []
    for turn in range(repeats):
        for strokes in drawings:     # which goes first alternates: a busy machine slows both alike
            if turn % 2:
                off.append(new_drawing(strokes, neighbours=False, screen=False))
            on.append(new_drawing(strokes, neighbours=True))
            if not turn % 2:
                off.append(new_drawing(strokes, neighbours=False, screen=False))
    return on, off


def error_scenarios(reader, analysis):
    def show_gallery(true=None, predicted=None, order="least"):
        return lambda: dash_response(gallery.update_gallery(analysis, true, predicted, order))

    confusion = np.asarray(analysis.report.summary["confusion_matrix"])
    off_diagonal = confusion - np.diag(np.diag(confusion))
    busiest = tuple(map(int, np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)))
    first_mistake = int(analysis.indices[analysis.select()[0]])

    def inspect(index, method="vanilla", chosen_bar=None):
        trigger = {"type": error_ids.THUMBNAIL, "index": index} if chosen_bar is None else error_ids.PANEL.chosen_bar
        state = {"index": index, "target": None}
        return lambda: dash_response(inspector.inspect_digit(reader, analysis, method, state, trigger, chosen_bar))

    return {
        "gallery: all misclassified (page load)": show_gallery(),
        f"confusion cell clicked (busiest, {busiest[0]}->{busiest[1]})": show_gallery(*busiest),
        "confusion cell clicked (diagonal 4->4)": show_gallery(4, 4),
        "filter: true digit 7": show_gallery(true=7),
        "sort: most confident first": show_gallery(order="most"),
        "thumbnail opened in the inspector": inspect(first_mistake),
        "inspector: SmoothGrad selected": inspect(first_mistake, "smoothgrad"),
        "inspector: probability bar clicked": inspect(first_mistake, chosen_bar=0),
        **map_scenarios(reader, analysis),
    }


def map_scenarios(reader, analysis):
    """The map's interactions (issue 11); none when the report has no map."""
    if analysis.map_xy is None:
        return {}
    from dashboard.components.reading_panel import INSPECT_REQUEST

    xy, labels = analysis.map_xy, analysis.report.labels
    # A box around the middle of the 3s' cluster, and one around a whole cluster.
    centre = np.median(xy[labels == 3], axis=0)
    small = np.flatnonzero((np.abs(xy - centre) < 0.02).all(axis=1)).tolist()
    cluster = np.flatnonzero(labels == 8).tolist()
    suspected = analysis.report.label_issues[0]["index"] if analysis.report.label_issues else 0
    hover = {"points": [{"customdata": suspected, "bbox": {"x0": 10, "x1": 14, "y0": 20, "y1": 24}}]}
    explained = drawing.update_drawing(reader, pad_drawing(SAMPLES[7]), "vanilla", None, draw_ids.STROKES)["explained"]

    def show(kind, selection=None):
        return lambda: dash_response(gallery.update_gallery(analysis, None, None, "least", kind, selection))

    return {
        "filter: suspected label errors": show("label_issues"),
        f"map: box selection ({len(small)} digits)": show("selection", small),
        f"map: lasso around a cluster ({len(cluster)} digits, 120 shown)": show("selection", cluster),
        "map: point clicked (inspector opens it)": lambda: dash_response(inspector.inspect_digit(
            reader, analysis, "vanilla", None, INSPECT_REQUEST, None, {"set": "test", "index": suspected})),
        "map: hover thumbnail": lambda: dash_response(digit_map.tooltip(analysis, hover)),
        "map: the drawing placed (tab opened)": lambda: dash_response(
            digit_map.drawing_marker(reader, analysis, explained)),
    }


def through_the_live_reading(strokes):
    """A drawing posted to the Draw tab's live reading in-process (Flask test client), for comparison."""
    from dashboard import create_app
    from dashboard.tabs.draw.live import ROUTE

    client = create_app({"TESTING": True}).server.test_client()

    def post():
        response = client.post("/" + ROUTE, json={"strokes": strokes, "method": "vanilla"})
        assert response.status_code == 200, response.status_code
        return response.data

    return post


def main():
    reader = DigitReader.from_model_file(DEFAULT_MODEL_PATH)
    analysis = ErrorAnalysis(EvaluationReport.load(DEFAULT_MODEL_PATH), lambda: reader.index.test_images)
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
    on, off = neighbour_turns(reader, DRAW_REPEATS // 4)
    neighbours_ratio = statistics.median(on) / statistics.median(off)
    print(f"  new drawing with 8 nearest training digits and the not-a-digit score: "
          f"p50 {statistics.median(on):.2f} ms; "
          f"both off: p50 {statistics.median(off):.2f} ms (in turns, n={len(on)} each): {neighbours_ratio:.2f}x "
          "(goal 1.3x)", flush=True)

    print("Error-analysis tab:")
    error_times = []
    for name, call in error_scenarios(reader, analysis).items():
        times, size = time_calls(call, ERROR_REPEATS)
        error_times += times
        report_line(name, times, size)

    print("Through the live reading's HTTP endpoint in-process (Flask test client), for comparison:")
    report_line("new drawing of a 7, POST /_live/draw",
                *time_calls(through_the_live_reading(pad_drawing(SAMPLES[7])), ERROR_REPEATS))

    draw_p50, errors_p50 = statistics.median(draw_times), statistics.median(error_times)
    print(f"Draw callback p50 {draw_p50:.1f} ms (goal 30); error-analysis interactions p50 {errors_p50:.1f} ms "
          "(goal 100).")
    print(f"draw_callback_p50_ms={draw_p50:.2f} errors_tab_p50_ms={errors_p50:.2f} "
          f"neighbours_callback_ratio={neighbours_ratio:.2f}")


if __name__ == "__main__":
    main()
