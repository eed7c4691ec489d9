"""Plotly.js with only the traces the dashboard draws, served where Dash's graphs look for Plotly.

Dash's graphs load ``_dash-component-suites/plotly/package_data/plotly.min.js`` when the first one shows
(assets/digit_reader.js asks for it already at the click on a tab with charts). The full bundle is 4.8 MB
of every trace type, maps and 3D included; Chromium spent about 1.1 s evaluating it each time a page opened
the tab, before any chart could be drawn. Ours (dashboard/vendor/plotly/, rebuilt by ``make plotly-bundle``)
is the same plotly.js version with scatter, bar, heatmap and scattergl only: about 0.2 s. The file is read
once; a browser revalidates its copy by tag (304), as Dash does for this unfingerprinted file.
"""

import functools
import hashlib
import re
from pathlib import Path

import flask

BUNDLE = Path(__file__).resolve().parent / "vendor" / "plotly" / "plotly-digit-reader.min.js"
TRACES = ("scatter", "bar", "heatmap", "scattergl")
PLOTLY_PACKAGE, PLOTLY_PATH = "plotly", "package_data/plotly.min.js"


def bundle_version(source):
    """The plotly.js version in the bundle's banner (``/* plotly.js v4.1.1 ...``), or None."""
    match = re.match(rb"/\* plotly\.js v(\d+\.\d+\.\d+) ", source)
    return match.group(1).decode() if match else None


def serve_plotly_bundle(flask_app, suites_endpoint):
    """Answer Dash's request for plotly.min.js, at ``suites_endpoint`` (its component-suite view), with ours."""
    source = BUNDLE.read_bytes()
    tag = hashlib.sha256(source).hexdigest()[:32]
    view = flask_app.view_functions[suites_endpoint]

    @functools.wraps(view)
    def serve(package_name, fingerprinted_path, **kwargs):
        if package_name != PLOTLY_PACKAGE or fingerprinted_path != PLOTLY_PATH:
            return view(package_name=package_name, fingerprinted_path=fingerprinted_path, **kwargs)
        response = flask.Response(source, mimetype="application/javascript")
        response.set_etag(tag)
        return response.make_conditional(flask.request)

    flask_app.view_functions[suites_endpoint] = serve
