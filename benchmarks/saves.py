"""The load benchmark's save phases (python -m benchmarks.load runs them; each works on its own too):

- ``mixed_phase``: the steady phase's 32 clients, one request in ten a save (``POST /api/drawings``)
  and the rest readings, against a server whose save limit is raised for the run
  (``SAVES_ENVIRONMENT``: a fresh SQLite file, the embedded default, and a limit no run reaches);
  same goals as the steady phase, and every save answered 201 must be in the database afterwards;
- ``limit_check``: a server at the default limit (``python -m dashboard``, one process, counting in
  memory), one client saving back to back: the first 30 in a minute are saved, the rest get 429
  with ``Retry-After``.

    python -m benchmarks.saves        # the limit check alone
"""

import json
import sys
import tempfile
from pathlib import Path

import requests

from tests.support.servers import running_dashboard

SAVE_EVERY = 10                     # one request in ten is a save
RAISED_LIMIT = 1_000_000            # saves a minute per client during the mixed phase
DEFAULT_LIMIT = 30
_FOLDER = Path(tempfile.mkdtemp(prefix="digit-reader-saves-"))
DATABASE_URL = f"sqlite:///{_FOLDER / 'drawings.sqlite3'}"
SAVES_ENVIRONMENT = {"DIGIT_READER_SAVES_PER_MINUTE": str(RAISED_LIMIT), "DIGIT_READER_DATABASE_URL": DATABASE_URL}
STROKES = [
    ([[[140, 40], [141, 140], [140, 240]]], 1),
    ([[[80, 60], [200, 60], [120, 240]]], 7),
    ([[[140, 50], [90, 100], [90, 200], [140, 240], [190, 200], [190, 100], [140, 50]]], 0),
    ([[[90, 80], [140, 40], [190, 80], [90, 240], [200, 240]]], 2),
]


def save_requests(port, http_post, count):
    return [http_post(port, json.dumps({"strokes": STROKES[i % len(STROKES)][0], "width": 22,
                                        "label": STROKES[i % len(STROKES)][1]}).encode(), path="/api/drawings")
            for i in range(count)]


async def mixed_phase(port, valid, expected, clients, seconds):
    """Readings and saves together; returns ``(tally, seconds, saves answered 201, saves stored)``."""
    from benchmarks.load import Tally, http_post, run_phase
    from store import Database, Viewer
    from store.drawings import count_drawings

    readings = valid[:(SAVE_EVERY - 1) * 5]
    saves = save_requests(port, http_post, 5)
    mixed = readings + saves
    saved_ids = set()

    def check(index, status, body):
        if index < len(readings):
            return status == 200 and body == expected[index]
        if status != 201:
            return False
        saved_ids.add(json.loads(body)["id"])
        return True

    database = Database.open(DATABASE_URL)
    before = count_drawings(database, Viewer.admin())
    tally = Tally()
    elapsed = await run_phase(port, [(clients, mixed, check, tally)], seconds=seconds)
    stored = count_drawings(database, Viewer.admin()) - before
    database.dispose()
    return tally, elapsed, len(saved_ids), stored


def limit_check(attempts=DEFAULT_LIMIT + 10):
    """Start ``python -m dashboard`` at the default limit and save ``attempts`` times from one client.
    Returns ``(statuses, Retry-After of the first 429 or None)``."""
    env = {"DIGIT_READER_DATABASE_URL": f"sqlite:///{_FOLDER / 'limit.sqlite3'}",
           "DIGIT_READER_SAVES_PER_MINUTE": None, "DIGIT_READER_RATELIMIT_STORAGE": None}
    with running_dashboard(env=env, log_path=_FOLDER / "limit-server.log") as url:
        session = requests.Session()
        statuses, retry_after = [], None
        for i in range(attempts):
            strokes, label = STROKES[i % len(STROKES)]
            answer = session.post(url + "/api/drawings", json={"strokes": strokes, "width": 22, "label": label},
                                  timeout=30)
            statuses.append(answer.status_code)
            if answer.status_code == 429 and retry_after is None:
                retry_after = int(answer.headers["Retry-After"])
        return statuses, retry_after


def limit_bites(statuses, retry_after):
    """The goal: exactly the default number saved, every later attempt refused with a Retry-After."""
    return (statuses[:DEFAULT_LIMIT] == [201] * DEFAULT_LIMIT and set(statuses[DEFAULT_LIMIT:]) == {429}
            and retry_after is not None and 0 < retry_after <= 60)


def main():
    statuses, retry_after = limit_check()
    met = limit_bites(statuses, retry_after)
    print(f"  limit check at the default ({DEFAULT_LIMIT}/min): {statuses.count(201)} saved, "
          f"{statuses.count(429)} refused with 429 (Retry-After {retry_after} s)")
    print(f"  {'met ' if met else 'MISSED'}  the save limit bites at {DEFAULT_LIMIT} a minute")
    print(f"limit_saved={statuses.count(201)} limit_refused={statuses.count(429)} retry_after_s={retry_after}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
