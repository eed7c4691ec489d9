"""Our Plotly build (dashboard/plotly_bundle.py): Dash's graphs get it in place of the full plotly.min.js, it is
the plotly.js version Dash's graphs were made for, and it has every trace type the tabs draw (a figure of
another type would draw nothing). In the browser, tests/browser/test_error_map.py checks what it registered."""

import plotly.offline
from dash import dcc

from dashboard import page, plotly_bundle
from dashboard.services import load_services
from model.artifacts import DEFAULT_MODEL_PATH
from tests.support.layouts import nodes

PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"


def test_dash_gets_our_plotly_bundle_in_place_of_the_full_one(client):
    response = client.get(PLOTLY_URL)
    assert response.status_code == 200 and response.mimetype == "application/javascript"
    assert response.data == plotly_bundle.BUNDLE.read_bytes()
    assert len(response.data) < 2_000_000          # the full bundle is 4.8 MB
    again = client.get(PLOTLY_URL, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_rest_of_dashs_files_are_served_as_before(client):
    assert client.get("/_dash-component-suites/plotly/package_data/nothing.js").status_code == 404


def test_the_bundle_is_the_plotly_js_version_dash_ships():
    assert plotly_bundle.bundle_version(plotly_bundle.BUNDLE.read_bytes()) == plotly.offline.get_plotlyjs_version()


def test_every_chart_the_tabs_lay_out_is_a_trace_type_the_bundle_has(app):
    services = load_services(DEFAULT_MODEL_PATH)
    charts = [node for tab in page.TABS for node in nodes(tab.layout(services)) if isinstance(node, dcc.Graph)]
    assert len(charts) >= 7          # six on the Error-analysis tab, one on the Collected tab
    types = {trace.get("type", "scatter") for chart in charts for trace in chart.figure["data"]}
    assert types and types <= set(plotly_bundle.TRACES)
