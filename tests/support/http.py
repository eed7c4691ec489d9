"""Talking HTTP to a live server the way clients and attackers do: JSON posts, raw bytes, chunked bodies,
and the checks every JSON error and Dash page must pass."""

import json
import re
import socket

import requests

PREDICT = "/api/predict"


def post_json(base_url, payload, path=PREDICT):
    return requests.post(base_url + path, json=payload, timeout=60)


def predict(base_url, payload, path=PREDICT):
    """POST ``payload``; its JSON answer, which must come with a 200."""
    response = post_json(base_url, payload, path)
    assert response.status_code == 200, response.text[:300]
    return response.json()


def raw_http(base_url, request_bytes, timeout=10):
    """Send raw bytes to the server and return ``(status, headers_text, body)`` of its answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        try:
            connection.sendall(request_bytes)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered before reading everything; its answer is still readable
        received = b""
        while True:
            try:
                data = connection.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
            head, separator, body = received.partition(b"\r\n\r\n")
            if separator:
                length = [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                if length and len(body) >= int(length[0].split(b":")[1]):
                    break
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else None
    return status, head.decode("latin-1"), body


def chunked_post(path, body, chunk_size=64 * 1024, content_type="application/json"):
    """A POST with ``Transfer-Encoding: chunked`` (no Content-Length) carrying ``body``."""
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + chunk_size]), body[i:i + chunk_size])
                      for i in range(0, len(body), chunk_size))
    return (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode() + chunks + b"0\r\n\r\n"


def assert_json_error(response, status, code=None):
    """A 4xx with ``{"error": {"code", "message"}}`` as JSON, and nothing of a traceback."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    error = response.json()["error"]
    assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    if code:
        assert error["code"] == code, error
    return error


def dash_config(page_html):
    """The renderer config Dash writes into its index page, parsed."""
    match = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page_html, re.DOTALL)
    assert match, "no Dash config in the page"
    return json.loads(match.group(1))
