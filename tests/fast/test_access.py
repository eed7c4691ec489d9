"""Who may see collected drawings: the instance folder's cookie key (one, however many workers start
at once), the admin token's comparison, and settings that never show a secret."""

import multiprocessing
import os
import stat

import pytest

from dashboard.access import KEY_FILE, AdminToken, instance_secret_key
from dashboard.settings import Settings, SettingsError

TOKEN = "a-long-enough-admin-token-0123456789"


def _key_after(start, folder, queue):
    start.wait()
    queue.put(instance_secret_key(folder))


def test_workers_starting_together_agree_on_one_key(tmp_path):
    folder = tmp_path / "instance"          # not there yet: the first worker makes it
    context = multiprocessing.get_context("fork")        # as gunicorn starts its workers
    start, queue = context.Event(), context.Queue()
    workers = [context.Process(target=_key_after, args=(start, folder, queue)) for _ in range(8)]
    for worker in workers:
        worker.start()
    start.set()
    keys = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert len(set(keys)) == 1 and len(keys[0]) >= 32
    assert (folder / KEY_FILE).read_text() == keys[0]
    assert sorted(path.name for path in folder.iterdir()) == [KEY_FILE]       # no candidate left behind
    assert stat.S_IMODE(os.stat(folder / KEY_FILE).st_mode) == 0o600
    assert instance_secret_key(folder) == keys[0]                             # and it stays


def test_a_damaged_key_file_stops_start_up(tmp_path):
    (tmp_path / KEY_FILE).write_text("short")
    with pytest.raises(RuntimeError, match="delete it"):
        instance_secret_key(tmp_path)


def test_only_the_exact_token_matches():
    admin = AdminToken(TOKEN)
    assert admin.configured and admin.matches(TOKEN)
    for wrong in ["", TOKEN[:-1], TOKEN + "x", TOKEN.upper(), " " + TOKEN, "\udcff" + TOKEN, TOKEN[:1] * 5000]:
        assert not admin.matches(wrong)


def test_with_no_token_nothing_matches():
    admin = AdminToken(None)
    assert not admin.configured
    assert not any(admin.matches(given) for given in ["", "None", "null", TOKEN])


@pytest.mark.parametrize("name, value", [("ADMIN_TOKEN", "too-short"), ("SECRET_KEY", "with spaces " * 4),
                                         ("DATABASE_URL", "mysql://root:hunter2-secret@db/x"),
                                         ("RATELIMIT_STORAGE", "memcached://user:hunter2-secret@cache")])
def test_a_malformed_secret_stops_start_up_without_showing_it(name, value):
    with pytest.raises(SettingsError) as error:
        Settings.load({"DIGIT_READER_" + name: value}, {})
    assert "DIGIT_READER_" + name in str(error.value) and value not in str(error.value)
    assert "hunter2" not in str(error.value) and "too-short" not in str(error.value)


def test_secrets_stay_out_of_the_settings_repr():
    settings = Settings.load({"DIGIT_READER_ADMIN_TOKEN": TOKEN, "DIGIT_READER_SECRET_KEY": TOKEN + "k",
                              "DIGIT_READER_DATABASE_URL": "postgresql://app:hunter2@db.example/drawings",
                              "DIGIT_READER_RATELIMIT_STORAGE": "redis://:hunter2@cache:6379"}, {})
    assert settings.admin_token == TOKEN and settings.database_url.startswith("postgresql+psycopg://app:hunter2@")
    assert TOKEN not in repr(settings) and "hunter2" not in repr(settings)


def test_the_collection_settings_and_their_defaults():
    settings = Settings.load({}, {})
    assert (settings.database_url, settings.admin_token, settings.secret_key) == (None, None, None)
    assert settings.saves_per_minute == 30 and settings.ratelimit_storage == "memory://"
    chosen = Settings.load({}, {"DIGIT_READER_SAVES_PER_MINUTE": "120", "DIGIT_READER_RATELIMIT_STORAGE":
                                "redis://127.0.0.1:6379/0", "DIGIT_READER_DATABASE_URL": "sqlite:////tmp/x.sqlite3"})
    assert chosen.saves_per_minute == 120 and chosen.ratelimit_storage == "redis://127.0.0.1:6379/0"
    assert chosen.database_url == "sqlite:////tmp/x.sqlite3"
    with pytest.raises(SettingsError):
        Settings.load({"DIGIT_READER_DATABASE_URL": "sqlite://"}, {})        # in memory: saves would vanish
