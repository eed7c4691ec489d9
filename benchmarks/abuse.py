"""python -m benchmarks.abuse: what one request can cost, as a ratio to a normal request with the same options.

    python -m benchmarks.abuse [--timeout 60] [--only SUBSTRING]

Starts the dashboard as its users do (``python -m dashboard``, Werkzeug's threaded server) on a free
loopback port and times, one at a time, first the normal requests (the baselines: a 280x280 pad
drawing as a PNG and as strokes, with each saliency method; the seed route; the Draw and
Error-analysis callbacks), then each costly request of issue 8 and variations of them (image
formats, modes, sizes and container tricks; stroke counts and widths; forged Dash callback
envelopes; JSON in other encodings). Each row prints the answer's status (and error code), the
median time of a few sends, and that time as a ratio to its baseline: the normal request with the
same options, sent in turns with it (so that both see the same load on a shared machine). A
request that runs past ``--timeout`` counts as that long, and the server is restarted so that it
cannot slow the rows after it.

The goal (issue 8): every row's ratio at most 10, whether the request is answered or refused, and
no 5xx. The last line is ``worst_ratio=… refused=… answered=… errors_5xx=…``.

Later options get rows of their own (explanations, numbers, galleries, exports): add their normal
request to BASELINES and their costly variations to CASES, each naming its baseline; a builder
takes the ``Context`` (the server's callback declarations) and returns a ``Request``.
"""

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

import requests
from PIL import Image

from model.artifacts import DEFAULT_MODEL_PATH
from model.report import EvaluationReport
from tests.support import costly
from tests.support.costly import NORMAL_STROKES, NORMAL_WIDTH, pad_image, pad_png
from tests.support.encoders import data_url, encoded
from tests.support.servers import start_dashboard, stop

PREDICT = "/api/predict"
DASH = "/_dash-update-component"
GOAL_RATIO = 10
BASELINE_SENDS = 15          # after 3 warm-up sends
CASE_SENDS = 5               # at most; fewer once a row has taken CASE_SECONDS
CASE_SECONDS = 3.0
START_TIMEOUT_S = 180


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[["Context"], Request]
    baseline: str | None = None          # None: this row is a baseline


@dataclass
class Context:
    dependencies: list                   # the server's _dash-dependencies
    live_route: bool                     # whether the server has the live reading's route
    served: set = field(default_factory=set)   # the later issues' options this server answers (OPTIONS)

    def callback(self, name):
        return costly.find_callback(self.dependencies, name)


# ---------------------------------------------------------------- request builders

def api_json(payload, path=PREDICT):
    return Request("POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def api_raw(body, content_type="application/json"):
    return Request("POST", PREDICT, body, {"Content-Type": content_type})


def api_image(data, media_type="image/png", **options):
    return lambda context: api_json({"image": data_url(data, media_type), **options})


def api_strokes(strokes, width=NORMAL_WIDTH, **options):
    return lambda context: api_json({"strokes": strokes, "width": width, **options})


def seed_form(data, media_type="image/png"):
    return lambda context: Request("POST", "/", f"imageBase64={data_url(data, media_type)}".replace("+", "%2B").encode(),
                                   {"Content-Type": "application/x-www-form-urlencoded"})


def dash(body):
    """A Dash callback request; JSON bodies compact, as the renderer sends them."""
    return Request("POST", DASH, body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode(),
                   {"Content-Type": "application/json"})


# The Draw tab's callback, whichever way its pad sends the drawing: strokes in a store (an input,
# or the state of the callback that answers a method choice), or fabric.js JSON (before issue 8).
PAD_PROPS = ("pad-strokes.data", "pad.json_data")
METHOD_PROPS = ("saliency-method.data", "saliency-method.value")
LIVE_ROUTE = "/_live/draw"


def draw_callback(context):
    for pad in PAD_PROPS:
        try:
            return pad, context.callback(pad)
        except LookupError:
            continue
    raise LookupError("no Draw tab callback")


def pad_value(pad, strokes, width):
    if pad == "pad.json_data":
        return costly.fabric_json(strokes, width)
    return {"strokes": strokes, "widths": [width] * len(strokes)}


def draw_body(context, strokes=NORMAL_STROKES, width=NORMAL_WIDTH, method="vanilla"):
    pad, dependency = draw_callback(context)
    inputs = costly.names(dependency["inputs"])
    changed = [pad] if pad in inputs else [name for name in METHOD_PROPS if name in inputs][:1]
    values = {pad: pad_value(pad, strokes, width), **dict.fromkeys(METHOD_PROPS, method)}
    return costly.callback_body(dependency, values, changed=changed)


def live(strokes=NORMAL_STROKES, width=NORMAL_WIDTH, method="vanilla"):
    """The Draw tab's live reading of new strokes (its own route, beside Dash's callbacks)."""
    def build(context):
        if not context.live_route:
            raise LookupError(f"no {LIVE_ROUTE} route")
        return api_json({"strokes": pad_value("pad-strokes.data", strokes, width), "method": method}, LIVE_ROUTE)
    return build


def draw(strokes=NORMAL_STROKES, width=NORMAL_WIDTH, method="vanilla"):
    return lambda context: dash(draw_body(context, strokes, width, method))


def forged_draw(forge):
    """The normal Draw callback request, changed by ``forge(body)``."""
    def build(context):
        body = draw_body(context)
        forge(body)
        return dash(body)
    return build


THUMBNAIL_INPUT = '{"index":["ALL"],"type":"thumbnail"}.n_clicks'


def thumbnails(indices, clicked):
    return [{"id": {"index": index, "type": "thumbnail"}, "property": "n_clicks",
             "value": 1 if index == clicked else None} for index in indices]


def inspector(count=37, changed=1, entry=None):
    """An Error-analysis thumbnail click: ``count`` thumbnails in the gallery (the report's own gallery
    digits first), ``changed`` of them named in ``changedPropIds`` (a real click names one); ``entry``
    replaces the thumbnails' dependencies."""
    def build(context):
        dependency = context.callback(THUMBNAIL_INPUT)
        gallery = EvaluationReport.load(DEFAULT_MODEL_PATH).gallery_indices.tolist()
        indices = (gallery + [i for i in range(10_000, 10_000 + count) if i not in gallery])[:count]
        clicks = [dict(entry) for _ in range(count)] if entry else thumbnails(indices, indices[0])
        ids = [costly.prop_id({"index": index, "type": "thumbnail"}, "n_clicks") for index in indices[:changed]]
        return dash(costly.callback_body(dependency, {THUMBNAIL_INPUT: clicks}, changed=ids))
    return build


def quadratic_envelope(entries=45_000, changed=200_000):
    """The issue's envelope: ``entries`` inputs in the pattern-matching list, ``changed`` changedPropIds."""
    def build(context):
        body = inspector(entries, 0, entry={"id": "a", "property": "b"})(context)
        envelope = json.loads(body.body)
        envelope["changedPropIds"] = ["x"] * changed
        return dash(envelope)
    return build


def get(path):
    return lambda context: Request("GET", path)


# Later issues' options, each with a budget of its own: the request fields that ask for it, and the
# path and answer field that show this server serves it. Each gets a baseline (the normal drawing,
# as a PNG and as strokes, with the option) and the costly drawings with the option (ROWS_PER_OPTION).
OPTIONS = {
    "neighbours": ({"neighbours": 32}, PREDICT, "neighbours"),
    "robustness": ({"robustness": True}, PREDICT, "robustness"),
    "counterfactual": ({"counterfactual": 3}, PREDICT, "counterfactual"),
    "number": ({}, "/api/number", "number"),
}


def served_options(url):
    served = set()
    for name, (fields, path, answer_field) in OPTIONS.items():
        answer = requests.post(url + path, json={"strokes": NORMAL_STROKES, "width": NORMAL_WIDTH, **fields}, timeout=60)
        if answer.status_code == 200 and answer_field in answer.json():
            served.add(name)
    return served


def option(name, build):
    """``build``'s request with option ``name``'s fields and path; a LookupError where it is not served."""
    fields, path, _ = OPTIONS[name]

    def build_with(context):
        if name not in context.served:
            raise LookupError(f"this server does not answer {name}")
        request = build(context)
        return Request(request.method, path, json.dumps({**json.loads(request.body), **fields}).encode(),
                       request.headers)
    return build_with


# ---------------------------------------------------------------- the table

IMAGE = pad_image()
PNG = pad_png()
METHODS = ("vanilla", "smoothgrad", "integrated_gradients")

BASELINES = [
    Case("png", api_image(PNG)),
    *[Case(f"png, {method}", api_image(PNG, saliency=method)) for method in METHODS],
    Case("strokes", api_strokes(NORMAL_STROKES)),
    *[Case(f"strokes, {method}", api_strokes(NORMAL_STROKES, saliency=method)) for method in METHODS],
    Case("seed form", seed_form(PNG)),
    *[Case(f"draw callback, {method}", draw(method=method)) for method in METHODS],
    *[Case(f"live draw, {method}", live(method=method)) for method in METHODS],
    Case("inspector click", inspector()),
    Case("page", get("/")),
    *[Case(f"{kind}, {name}", option(name, build)) for name in OPTIONS
      for kind, build in (("png", api_image(PNG)), ("strokes", api_strokes(NORMAL_STROKES)))],
]


def _forge_changed_brace(body):
    body["changedPropIds"] = ['{"no json.property']


def _forge_output_ids(body):
    body["outputs"] = [{"id": f"other-{i}", "property": "children"} for i, _ in enumerate(body["outputs"])]


def _forge_nested_outputs(body):
    body["outputs"] = [[output] for output in body["outputs"]]


def _forge_many_changed(body):
    body["changedPropIds"] = body["changedPropIds"] * 100_000


def _forge_input_ids(body):
    body["inputs"][0]["id"] = "not-the-pad"


CASES = [
    # ---- issue 8's list, in its order
    Case("JPEG 2000x2000, 97,000 scans (API)", api_image(costly.scan_flood_jpeg(2000, 97_000), "image/jpeg"), "png"),
    Case("JPEG 2000x2000, 10,000 scans (seed route)", seed_form(costly.scan_flood_jpeg(2000, 10_000), "image/jpeg"),
         "seed form"),
    Case("strokes: 20,000 points, width 1000 (API)", api_strokes(costly.tight_points(20_000), 1000), "strokes"),
    Case("strokes: 20,000 points, width 1000 (Draw callback)",
         draw(costly.tight_points(20_000), 1000), "draw callback, vanilla"),
    Case("strokes: 20,000 points, width 1000 (live draw)", live(costly.tight_points(20_000), 1000), "live draw, vanilla"),
    Case("envelope: 45,000 inputs x 200,000 changedPropIds", quadratic_envelope(), "inspector click"),
    Case("UTF-16 JSON, 300,000 hidden arrays (API)", lambda c: api_raw(costly.hidden_arrays_json(300_000)), "strokes"),
    Case("UTF-32 JSON, nested 5,000 deep (Dash)", lambda c: dash(costly.deep_json(5_000)), "draw callback, vanilla"),
    Case("BMP, RLE8 2000x2000 in 8 KB (API)", api_image(costly.rle_bmp(2000), "image/bmp"), "png"),
    Case("forged: changedPropIds entry starting with {", forged_draw(_forge_changed_brace), "draw callback, vanilla"),
    Case("forged: outputs with other ids", forged_draw(_forge_output_ids), "draw callback, vanilla"),
    Case("forged: outputs as nested lists", forged_draw(_forge_nested_outputs), "draw callback, vanilla"),
    Case("unknown /_dash-component-suites/ file", get("/_dash-component-suites/dash/no-such-file.js"), "page"),
    Case("/_reload-hash", get("/_reload-hash"), "page"),
    # ---- images: formats and modes at the pad's size
    Case("PNG 280, RGBA canvas", api_image(encoded(Image.merge("RGBA", [IMAGE.point(lambda v: 0)] * 3
                                                               + [IMAGE.point(lambda v: 255 - v)]))), "png"),
    Case("PNG 280, 16-bit", api_image(encoded(IMAGE.convert("I;16"))), "png"),
    Case("PNG 280, palette", api_image(encoded(IMAGE.convert("P"))), "png"),
    Case("PNG 280, 1-bit", api_image(encoded(IMAGE.convert("1"))), "png"),
    Case("PNG 280, interlaced", api_image(encoded(IMAGE, optimize=False, interlace=1)), "png"),
    Case("JPEG 280", api_image(encoded(IMAGE, "JPEG", quality=90), "image/jpeg"), "png"),
    Case("JPEG 280, progressive", api_image(encoded(IMAGE, "JPEG", quality=90, progressive=True), "image/jpeg"), "png"),
    Case("WebP 280, lossy", api_image(encoded(IMAGE, "WEBP"), "image/webp"), "png"),
    Case("WebP 280, lossless", api_image(encoded(IMAGE, "WEBP", lossless=True), "image/webp"), "png"),
    Case("GIF 280", api_image(encoded(IMAGE, "GIF"), "image/gif"), "png"),
    Case("animated WebP, 300 frames", api_image(costly.animated("WEBP", 300), "image/webp"), "png"),
    Case("animated PNG, 300 frames", api_image(costly.animated("PNG", 300)), "png"),
    # ---- images: sizes
    Case("PNG 1000x1000", api_image(pad_png(side=1000, width=70)), "png"),
    Case("PNG 2000x2000", api_image(pad_png(side=2000, width=140)), "png"),
    Case("PNG 100x10000", api_image(encoded(IMAGE.resize((100, 10_000)))), "png"),
    Case("JPEG 2000x2000", api_image(encoded(pad_image(side=2000, width=140), "JPEG"), "image/jpeg"), "png"),
    Case("WebP 2000x2000", api_image(encoded(pad_image(side=2000, width=140), "WEBP"), "image/webp"), "png"),
    Case("JPEG 1000x1000, 64 scans", api_image(costly.scan_flood_jpeg(1000, 64), "image/jpeg"), "png"),
    Case("JPEG 2000x2000, 1,000 scans", api_image(costly.scan_flood_jpeg(2000, 1000), "image/jpeg"), "png"),
    # ---- images: container tricks
    Case("JPEG 280, 300,000 comment segments", api_image(costly.comment_flood_jpeg(300_000), "image/jpeg"), "png"),
    Case("PNG 280, 80,000 tEXt chunks", api_image(costly.text_flood_png(80_000)), "png"),
    Case("PNG 280 noise, 1-byte IDAT chunks", api_image(costly.split_idat_png()), "png"),
    # ---- strokes: counts, widths, shapes
    Case("strokes: scribble, 1,000 points", api_strokes(costly.scribble(1000)), "strokes"),
    Case("strokes: scribble, 5,000 points", api_strokes(costly.scribble(5000)), "strokes"),
    Case("strokes: scribble, 5,000 points, width 40", api_strokes(costly.scribble(5000), 40), "strokes"),
    Case("strokes: scribble, 20,000 points", api_strokes(costly.scribble(20_000)), "strokes"),
    Case("strokes: zigzag, 1,000 points", api_strokes(costly.zigzag(1000)), "strokes"),
    Case("strokes: zigzag, 5,000 points", api_strokes(costly.zigzag(5000)), "strokes"),
    Case("strokes: zigzag, 20,000 points", api_strokes(costly.zigzag(20_000)), "strokes"),
    Case("strokes: zigzag, 2,000 points, width 280", api_strokes(costly.zigzag(2000), 280), "strokes"),
    Case("strokes: the 7, width 1000", api_strokes(NORMAL_STROKES, 1000), "strokes"),
    Case("strokes: 20,000 points, width 1000, integrated_gradients",
         api_strokes(costly.tight_points(20_000), 1000, saliency="integrated_gradients"),
         "strokes, integrated_gradients"),
    Case("strokes: 10,000 one-point strokes", api_strokes([[[i % 280, i // 280 * 7]] for i in range(10_000)]),
         "strokes"),
    Case("strokes: 5,000 points, width 0.01", api_strokes(costly.zigzag(5000), 0.01), "strokes"),
    Case("Draw callback: zigzag, 5,000 points, width 40", draw(costly.zigzag(5000), 40), "draw callback, vanilla"),
    Case("Draw callback: scribble 5,000 points, smoothgrad", draw(costly.scribble(5000), method="smoothgrad"),
         "draw callback, smoothgrad"),
    Case("live draw: zigzag, 5,000 points, width 40", live(costly.zigzag(5000), 40), "live draw, vanilla"),
    Case("live draw: scribble, 5,000 points, integrated_gradients",
         live(costly.scribble(5000), method="integrated_gradients"), "live draw, integrated_gradients"),
    # ---- callback envelopes
    Case("envelope: 100,000 changedPropIds, Draw callback", forged_draw(_forge_many_changed), "draw callback, vanilla"),
    Case("envelope: 277 thumbnails, all changed", inspector(277, 277), "inspector click"),
    Case("envelope: 16,000 thumbnails, all changed", inspector(16_000, 16_000), "inspector click"),
    Case("envelope: input with another id", forged_draw(_forge_input_ids), "draw callback, vanilla"),
    # ---- other encodings and forms
    Case("UTF-16 JSON, normal strokes (API)",
         lambda c: api_raw(json.dumps({"strokes": NORMAL_STROKES}).encode("utf-16")), "strokes"),
    Case("UTF-8 JSON with a byte-order mark (API)",
         lambda c: api_raw(b"\xef\xbb\xbf" + json.dumps({"strokes": NORMAL_STROKES}).encode()), "strokes"),
    Case("seed form, 300,000 fields", lambda c: Request("POST", "/", b"a=1&" * 300_000 + b"imageBase64=x",
                                                        {"Content-Type": "application/x-www-form-urlencoded"}),
         "seed form"),
    Case("seed form, 600,000 percent-escapes", lambda c: Request("POST", "/", b"imageBase64=" + b"%41" * 600_000,
                                                                 {"Content-Type": "application/x-www-form-urlencoded"}),
         "seed form"),
    Case("data URL header of 700,000 parameters (API)", lambda c: api_json({"image": "data:" + ";a" * 700_000}), "png"),
]

OPTION_ROWS = [
    ("PNG 1000x1000", "png", api_image(pad_png(side=1000, width=70))),
    ("PNG 1000x1000, 5,000 specks", "png", api_image(costly.specks_png(5000))),
    ("strokes: scribble, 10,000 points", "strokes", api_strokes(costly.scribble(10_000))),
    ("strokes: zigzag, 5,000 points", "strokes", api_strokes(costly.zigzag(5000))),
    ("strokes: 1,000 one-point strokes", "strokes", api_strokes([[[i % 280, i // 280 * 7]] for i in range(1000)])),
]
CASES += [Case(f"{row}, {name}", option(name, build), f"{kind}, {name}")
          for name in OPTIONS for row, kind, build in OPTION_ROWS]


# ---------------------------------------------------------------- the server

class Server:
    """``python -m dashboard`` on a free port; restartable when a request outlives its timeout."""

    def __init__(self):
        self.process = None
        self.url = None

    def start(self):
        self.process, self.url = start_dashboard(timeout_s=START_TIMEOUT_S)

    def stop(self):
        if self.process:
            stop(self.process, timeout_s=20)

    def restart(self):
        self.stop()
        self.start()


# ---------------------------------------------------------------- timing

@dataclass
class Result:
    status: object              # an int, or "timeout" / "no answer"
    code: str                   # the JSON error's code, if any
    seconds: float


def send(server, request, timeout):
    start = time.perf_counter()
    try:
        response = requests.request(request.method, server.url + request.path, data=request.body,
                                    headers=request.headers, timeout=timeout)
    except requests.Timeout:
        server.restart()
        return Result("timeout", "", timeout)
    except requests.ConnectionError:
        elapsed = time.perf_counter() - start
        server.restart()
        return Result("no answer", "", elapsed)
    elapsed = time.perf_counter() - start
    code = ""
    if response.status_code >= 400:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = response.headers.get("Content-Type", "").split(";")[0]
    return Result(response.status_code, code, elapsed)


def measure(server, request, timeout, sends, seconds, warm_up=0):
    for _ in range(warm_up):
        send(server, request, timeout)
    results = []
    start = time.monotonic()
    while len(results) < sends:
        results.append(send(server, request, timeout))
        if not isinstance(results[-1].status, int) or time.monotonic() - start > seconds:
            break
    return results[-1], statistics.median(result.seconds for result in results), len(results)


def measure_against(server, request, baseline, timeout):
    """The request and its baseline sent in turns, so that both see the same load on a shared machine:
    (the request's last result, its median time, its baseline's median time in the same turns, sends)."""
    own, theirs = [], []
    start = time.monotonic()
    while len(own) < CASE_SENDS:
        theirs.append(send(server, baseline, timeout).seconds)
        own.append(send(server, request, timeout))
        if not isinstance(own[-1].status, int) or time.monotonic() - start > CASE_SECONDS:
            break
    return own[-1], statistics.median(result.seconds for result in own), statistics.median(theirs), len(own)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.abuse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a request may take (then: timeout)")
    parser.add_argument("--only", default="", help="run only the rows whose name contains this")
    args = parser.parse_args(argv)

    server = Server()
    server.start()
    try:
        context = Context(requests.get(server.url + "/_dash-dependencies", timeout=30).json(),
                          requests.post(server.url + LIVE_ROUTE, json={}, timeout=30).status_code != 404,
                          served_options(server.url))
        print(f"later issues' options served: {', '.join(sorted(context.served)) or 'none'}")
        print(f"python -m dashboard at {server.url}; the Server header: "
              f"{requests.get(server.url + '/', timeout=30).headers.get('Server', '(none)')!r}")
        print(f"{'request':<56} {'status':<34} {'time':>10} {'ratio':>8}  baseline")
        baseline_seconds, baseline_requests = {}, {}
        for case in BASELINES:
            try:
                request = case.build(context)
            except LookupError as error:       # a route or callback this version of the dashboard lacks
                print(f"{case.name:<56} skipped: {error}")
                continue
            last, seconds, _ = measure(server, request, args.timeout, BASELINE_SENDS, 30, warm_up=3)
            baseline_seconds[case.name], baseline_requests[case.name] = seconds, request
            print(f"{case.name:<56} {last.status!s:<34} {seconds * 1000:8.1f}ms {'1.00':>8}  (baseline)", flush=True)

        worst, refused, answered, errors = 0.0, 0, 0, 0
        for case in CASES:
            if args.only and args.only not in case.name:
                continue
            try:
                request = case.build(context)
                baseline = baseline_requests[case.baseline]
            except LookupError as error:       # a route or callback this version of the dashboard lacks
                print(f"{case.name:<56} skipped: {error}")
                continue
            last, seconds, baseline_now, sends = measure_against(server, request, baseline, args.timeout)
            ratio = seconds / baseline_now
            worst = max(worst, ratio)
            status = f"{last.status} {last.code}".strip()
            if isinstance(last.status, int) and last.status < 400:
                answered += 1
            elif isinstance(last.status, int) and last.status < 500:
                refused += 1
            else:
                errors += 1
            flag = "  <-- over" if ratio > GOAL_RATIO else ""
            print(f"{case.name:<56} {status[:34]:<34} {seconds * 1000:8.1f}ms {ratio:8.2f}  {case.baseline}"
                  f" ({baseline_now * 1000:.1f}ms, n={sends}){flag}", flush=True)
    finally:
        server.stop()
    print(f"worst_ratio={worst:.2f} refused={refused} answered={answered} errors_5xx={errors}")
    return 0 if worst <= GOAL_RATIO and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
