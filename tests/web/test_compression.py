"""Compressed answers on the dashboard's own routes only: Brotli or gzip as the browser asks, the same
bytes once decompressed, long cache lifetimes for fingerprinted files, revalidation for the others, and a
host app's pages untouched."""

import gzip
import re

import brotli
import flask
import pytest
import requests

from dashboard import init_dashboard


@pytest.fixture(scope="module")
def bundle_path(live_server):
    page = requests.get(live_server + "/", timeout=10).text
    return next(src for src in re.findall(r'<script src="([^"]+)"', page) if "dash_renderer" in src)


def get(url, encoding):
    return requests.get(url, headers={"Accept-Encoding": encoding}, timeout=30, stream=True)


def raw_body(response):
    return response.raw.read(decode_content=False)


@pytest.mark.parametrize("accepted, encoding, decompress", [
    ("br", "br", brotli.decompress), ("gzip", "gzip", gzip.decompress),
    ("gzip, deflate, br", "br", brotli.decompress), ("deflate, gzip;q=0.8", "gzip", gzip.decompress),
    ("br;q=0, gzip", "gzip", gzip.decompress)])
def test_bundles_are_compressed_as_the_browser_asks(live_server, bundle_path, accepted, encoding, decompress):
    plain = get(live_server + bundle_path, "identity")
    assert "Content-Encoding" not in plain.headers
    original = raw_body(plain)
    packed = get(live_server + bundle_path, accepted)
    assert packed.headers["Content-Encoding"] == encoding
    body = raw_body(packed)
    assert len(body) < len(original) / 3
    assert decompress(body) == original
    assert "Accept-Encoding" in packed.headers["Vary"]


def test_fingerprinted_files_are_cached_for_a_year(live_server, bundle_path):
    response = get(live_server + bundle_path, "br")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    page = requests.get(live_server + "/", timeout=10).text
    stylesheet = re.search(r'href="(/assets/style\.css\?m=[^"]+)"', page).group(1)
    assert "max-age=31536000" in get(live_server + stylesheet, "br").headers["Cache-Control"]


def test_a_compressed_copy_of_an_unfingerprinted_file_is_revalidated_not_sent_again(live_server):
    plotly = live_server + "/_dash-component-suites/plotly/package_data/plotly.min.js"
    first = get(plotly, "br")
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    tag = first.headers["ETag"]
    again = requests.get(plotly, headers={"Accept-Encoding": "br", "If-None-Match": tag}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    changed = requests.get(plotly, headers={"Accept-Encoding": "br", "If-None-Match": '"another-br"'}, timeout=30)
    assert changed.status_code == 200 and len(changed.content) > 1_000_000


def test_callbacks_and_layouts_are_compressed_too(live_server):
    response = get(live_server + "/_dash-layout", "br")
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(raw_body(response)).startswith(b"{")


def test_small_answers_are_left_alone(live_server):
    assert "Content-Encoding" not in get(live_server + "/api/health", "br").headers


def test_the_hosts_own_pages_are_never_compressed(serve_wsgi):
    host = flask.Flask("host_with_big_pages")

    @host.get("/big")
    def big():
        return "x" * 100_000

    init_dashboard(host, url_base_pathname="/digits/")
    url = serve_wsgi(host)
    response = get(url + "/big", "br, gzip")
    assert "Content-Encoding" not in response.headers and len(raw_body(response)) == 100_000
    assert get(url + "/digits/_dash-layout", "br").headers["Content-Encoding"] == "br"
