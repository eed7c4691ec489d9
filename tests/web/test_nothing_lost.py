"""Nothing answered 201 is ever lost, on SQLite and on PostgreSQL: under 32 concurrent clients, and
when the server process is killed with SIGKILL in the middle of a burst of saves. And a database
that goes away (a TCP proxy in front of PostgreSQL, cut by the test) costs saves a 503, never
readings, until it is back: no restart needed.

The servers here are real processes (``python -m dashboard``) with the database URL in their environment.
"""

import concurrent.futures
import os
import signal
import threading
import time

import pytest
import requests
from sqlalchemy import text
from sqlalchemy.engine import make_url

from dashboard import create_app
from store import Database, Viewer, list_drawings
from store.drawings import MAX_PAGE
from tests.support.databases import POSTGRES_URL, postgres_schema, require_service
from tests.support.servers import start_dashboard
from tests.support.tcp_proxy import TcpProxy
from tests.web.test_drawings_api import ONE, SEVEN

pytestmark = pytest.mark.slow
CLIENTS = 32


def start_server(database_url, log_path):
    """``python -m dashboard`` on ``database_url`` with no save limit a test could reach: ``(process, url)``."""
    return start_dashboard(env={"DIGIT_READER_DATABASE_URL": database_url, "DIGIT_READER_SAVES_PER_MINUTE": "1000000"},
                           log_path=log_path)


def stored_ids(database_url):
    database = Database.open(database_url)
    ids, before = set(), None
    while True:
        page = list_drawings(database, Viewer.admin(), limit=MAX_PAGE, before=before)
        ids.update(d.id for d in page.drawings)
        if page.next_before is None:
            break
        before = page.next_before
    if database.is_sqlite:
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    database.dispose()
    return ids


def saver(url, answered, stop, count=None):
    """One client saving back to back; records the id of every 201. Stops at ``count`` saves, or when
    ``stop`` is set, or when the server is gone."""
    session = requests.Session()
    done = 0
    while not stop.is_set() and (count is None or done < count):
        try:
            answer = session.post(url + "/api/drawings", json={**(ONE if done % 2 else SEVEN), "label": done % 10},
                                  timeout=60)
        except requests.RequestException:
            return
        if answer.status_code == 201:
            answered.append(answer.json()["id"])
        else:
            answered.append(("status", answer.status_code))
        done += 1


def test_no_201_is_lost_under_load_or_a_kill(database_url, tmp_path):
    server, url = start_server(database_url, tmp_path / "server.log")
    try:
        # 32 clients at once, 6 saves each: every one answered 201, every one stored, nothing else.
        answered, stop = [], threading.Event()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(lambda _: saver(url, answered, stop, count=6), range(CLIENTS)))
        assert len(answered) == CLIENTS * 6 and all(isinstance(i, int) for i in answered), \
            [a for a in answered if not isinstance(a, int)][:5]
        assert stored_ids(database_url) == set(answered)

        # A burst from 32 clients, and SIGKILL in the middle of it.
        burst, stop = [], threading.Event()
        threads = [threading.Thread(target=saver, args=(url, burst, stop)) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(burst) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    burst_ids = [i for i in burst if isinstance(i, int)]
    assert len(burst_ids) >= 40, burst[:5]
    missing = set(burst_ids) - stored_ids(database_url)
    assert not missing, f"{len(missing)} saves answered 201 are not in the database"


def test_a_lost_database_costs_saves_a_503_and_readings_nothing(tmp_path, serve_wsgi):
    require_service("PostgreSQL", POSTGRES_URL, 5432)
    with postgres_schema() as direct_url:
        Database.open(direct_url, upgrade=True).dispose()
        parsed = make_url(POSTGRES_URL)
        proxy = TcpProxy(parsed.host, parsed.port or 5432).start()
        try:
            through_proxy = make_url(direct_url).set(host="127.0.0.1", port=proxy.port)
            app = create_app({"TESTING": True, "DIGIT_READER_SAVES_PER_MINUTE": 1000,
                              "DIGIT_READER_DATABASE_URL": through_proxy.render_as_string(hide_password=False)})
            url = serve_wsgi(app.server)
            assert requests.post(url + "/api/drawings", json={**ONE, "label": 1}, timeout=30).status_code == 201

            proxy.cut()
            for _ in range(3):
                reading = requests.post(url + "/api/predict", json=ONE, timeout=30)
                assert reading.status_code == 200 and reading.json()["digit"] == 1
                refused = requests.post(url + "/api/drawings", json={**ONE, "label": 1}, timeout=30)
                assert refused.status_code == 503 and refused.json()["error"]["code"] == "database_unavailable"
                assert "try again" in refused.json()["error"]["message"] and refused.headers["Retry-After"]
                assert requests.get(url + "/api/health", timeout=30).status_code == 200

            proxy.restore()
            again = requests.post(url + "/api/drawings", json={**SEVEN, "label": 7}, timeout=30)
            assert again.status_code == 201, again.text
        finally:
            proxy.close()
        assert len(stored_ids(direct_url)) == 2
