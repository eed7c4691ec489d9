"""The save limit on SQLite and PostgreSQL: per client, 429 JSON with Retry-After, in memory per process
or shared through Redis by several app servers, and no limit on readings."""

import secrets

import pytest

from dashboard import create_app
from tests.support.http import assert_json_error
from tests.web.test_drawings_api import ONE, _AsRequests

PER_MINUTE = 3


def make_app(database_url, prefix=None, **config):
    from flask import Flask

    from dashboard import init_dashboard

    settings = {"DIGIT_READER_DATABASE_URL": database_url, "DIGIT_READER_SAVES_PER_MINUTE": PER_MINUTE, **config}
    if prefix is None:
        return create_app({"TESTING": True, **settings}).server
    host = Flask("limit_host")
    host.config.update(settings)
    init_dashboard(host, url_base_pathname=prefix)
    return host


def save(client, address, prefix="/"):
    return client.post(prefix + "api/drawings", json={**ONE, "label": 1}, environ_base={"REMOTE_ADDR": address})


def test_the_limit_bites_per_client_with_retry_after(database_url):
    client = make_app(database_url).test_client()
    assert [save(client, "10.0.0.1").status_code for _ in range(PER_MINUTE)] == [201] * PER_MINUTE
    refused = save(client, "10.0.0.1")
    error = assert_json_error(_AsRequests(refused), 429, "too_many_saves")["message"]
    assert f"at most {PER_MINUTE} a minute" in error
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert save(client, "10.0.0.2").status_code == 201            # another client has its own count
    # Readings are not limited.
    assert all(client.post("/api/predict", json=ONE, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
               for _ in range(PER_MINUTE + 2))


def test_in_memory_each_server_counts_alone(database_url):
    first, second = make_app(database_url).test_client(), make_app(database_url).test_client()
    for client in (first, second):
        assert [save(client, "10.0.0.3").status_code for _ in range(PER_MINUTE)] == [201] * PER_MINUTE
        assert save(client, "10.0.0.3").status_code == 429


def test_in_redis_several_servers_share_one_count(database_url, redis_url):
    prefix = f"/digits-{secrets.token_hex(4)}/"       # keys of this test's own in the shared Redis
    servers = [make_app(database_url, prefix, DIGIT_READER_RATELIMIT_STORAGE=redis_url).test_client()
               for _ in range(2)]
    statuses = [save(servers[i % 2], "10.0.0.4", prefix).status_code for i in range(PER_MINUTE + 2)]
    assert statuses == [201] * PER_MINUTE + [429, 429]


def test_an_unreachable_redis_falls_back_to_counting_in_memory(database_url):
    client = make_app(database_url, DIGIT_READER_RATELIMIT_STORAGE="redis://127.0.0.1:9/0").test_client()
    statuses = [save(client, "10.0.0.5").status_code for _ in range(PER_MINUTE + 1)]
    assert statuses == [201] * PER_MINUTE + [429]


@pytest.mark.parametrize("value", ["0", "-3", "many", "30.5", "1000001"])
def test_a_malformed_limit_stops_start_up(value, tmp_path):
    from dashboard.settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="DIGIT_READER_SAVES_PER_MINUTE"):
        Settings.load({"DIGIT_READER_SAVES_PER_MINUTE": value}, {})


def test_api_saves_and_saves_in_a_callback_share_one_count():
    """The UI saves from a Dash callback with ``with services.save_limit:``; the API's decorator and
    it count together, so neither way round the limit."""
    from flask import Flask
    from flask_limiter import RateLimitExceeded

    from dashboard.limits import save_limit
    from dashboard.settings import Settings

    host = Flask("callback_host")
    limit = save_limit(host, Settings.load({"DIGIT_READER_SAVES_PER_MINUTE": PER_MINUTE}, {}), "/cb/")

    @host.post("/cb/_dash-update-component")
    def callback():
        try:
            with limit:
                return "saved"
        except RateLimitExceeded as error:
            return error.description, 429

    @host.post("/cb/api/drawings")
    @limit
    def api_save():
        return "saved", 201

    client = host.test_client()
    statuses = [client.post("/cb/_dash-update-component").status_code for _ in range(PER_MINUTE - 1)]
    statuses += [client.post("/cb/api/drawings").status_code for _ in range(2)]
    statuses += [client.post("/cb/_dash-update-component").status_code]
    assert statuses == [200] * (PER_MINUTE - 1) + [201, 429, 429]
