"""`main.py move-to URL`: copies the desk's database into an empty one,
verifies it and switches this computer to it; the password goes to the
keyring, never to the settings file or the log; a refusal is one line on
stderr and changes nothing."""
import json
import logging

import pytest

from booking_desktop import config, db, services
from booking_desktop.models import Booking
from tests.conftest import PG_URL
from tests.services.test_backup import fill_with_varied_data, snapshot


@pytest.fixture
def desk(sqlite_url, now):
    """A filled SQLite desk database, closed again (the command opens it)."""
    db.connect(sqlite_url)
    fill_with_varied_data(now)
    original = snapshot()
    db.close()
    return sqlite_url, original


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def with_password(url: str, password: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://postgres:{password}@", 1)


def test_move_to_postgresql_and_back(run, desk, pg_schema_url, tmp_path, memory_keyring, caplog):
    sqlite_url, original = desk
    target = with_password(pg_schema_url, "s3cret-pw")  # the test server trusts 127.0.0.1
    with caplog.at_level(logging.DEBUG):
        code, out, err = run("move-to", target, "--db", sqlite_url, "--verbose")
    assert code == 0, err
    assert f"This computer now uses {config.without_password(target)}" in out
    assert "Its password is kept in the system keyring." in out
    # Remembered without the password; the password only in the keyring.
    stored = (config.user_data_dir() / config.REMEMBERED_FILE).read_text(encoding="utf-8")
    assert json.loads(stored) == {"url": config.without_password(target)}
    assert list(memory_keyring.passwords.values()) == ["s3cret-pw"]
    for text in (stored, out, err, caplog.text):
        assert "s3cret-pw" not in text
    # The desk now opens the copy (no --db, no BOOKING_DB), password included.
    assert config.database_url() == target
    db.connect(config.database_url())
    assert snapshot() == original
    db.close()

    # And back to a new SQLite file, from the remembered server.
    back = f"sqlite:///{tmp_path / 'back.db'}"
    code, out, err = run("move-to", back)
    assert code == 0, err
    assert config.database_url() == back
    db.connect(back)
    assert snapshot() == original


def test_move_to_without_a_keyring_keeps_no_password(run, desk, pg_schema_url):
    sqlite_url, _ = desk
    code, out, err = run("move-to", with_password(pg_schema_url, "pw-nowhere"), "--db",
                         sqlite_url)
    assert code == 0, err
    assert "No system keyring here: the password was not kept" in out
    assert config.remembered_database() == config.without_password(pg_schema_url)
    assert "pw-nowhere" not in (config.user_data_dir() / config.REMEMBERED_FILE).read_text()
    assert config.database_url() == config.without_password(pg_schema_url)


def test_moving_back_to_the_default_file_forgets_the_server(run, pg_schema_url, now,
                                                            memory_keyring):
    db.connect(pg_schema_url)
    fill_with_varied_data(now)
    db.close()
    config.remember_database(with_password(pg_schema_url, "pw"))
    assert memory_keyring.passwords
    code, out, err = run("move-to", config.default_database_url())
    assert code == 0, err
    assert "uses its own database file again" in out
    assert config.remembered_database() is None and not memory_keyring.passwords
    assert config.database_url() == config.default_database_url()


@pytest.mark.parametrize("target, message", [
    ("postgresql://postgres@127.0.0.1:1/test", "is not answering on port 1"),
    ("mysql://somewhere/db", "Unknown database type"),
])
def test_refusals_are_one_line_and_change_nothing(run, desk, target, message):
    sqlite_url, original = desk
    code, out, err = run("move-to", target, "--db", sqlite_url)
    assert code == 1 and out == ""
    assert message in one_error_line(err)
    assert config.remembered_database() is None
    db.connect(sqlite_url)
    assert snapshot() == original


def test_a_target_with_data_is_refused(run, desk, pg_schema_url):
    db.connect(pg_schema_url)
    services.create_business("Already Here", "UTC")
    db.close()
    sqlite_url, original = desk
    code, _, err = run("move-to", pg_schema_url, "--db", sqlite_url)
    assert code == 1
    assert "already holds data" in one_error_line(err)
    assert config.remembered_database() is None
    db.connect(pg_schema_url)
    assert Booking.select().count() == 0


def test_the_same_database_is_refused(run, desk):
    sqlite_url, _ = desk
    code, _, err = run("move-to", sqlite_url, "--db", sqlite_url)
    assert code == 1 and "is this desk's database already" in one_error_line(err)


def test_a_wrong_database_name_is_refused(run, desk):
    if not PG_URL:
        pytest.skip("needs PostgreSQL")
    sqlite_url, _ = desk
    host = PG_URL.split("@", 1)[1].split("/", 1)[0]
    code, _, err = run("move-to", f"postgresql://postgres@{host}/no_such_database_here",
                       "--db", sqlite_url)
    assert code == 1 and "There is no database 'no_such_database_here'" in one_error_line(err)


def test_precedence_of_the_database_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("BOOKING_DB", raising=False)
    assert config.database_url() == config.default_database_url()
    config.remember_database("postgresql://desk@server:5432/shop")
    assert config.database_url() == "postgresql://desk@server:5432/shop"
    monkeypatch.setenv("BOOKING_DB", "sqlite:///env.db")
    assert config.database_url() == "sqlite:///env.db"
    assert config.database_url("sqlite:///flag.db") == "sqlite:///flag.db"
    path = config.user_data_dir() / config.REMEMBERED_FILE
    assert oct(path.stat().st_mode & 0o777) == "0o600"
