"""Shared fixtures. Every model and service test that takes `database` runs on
SQLite and, when BOOKING_TEST_POSTGRES_URL is set, on PostgreSQL too; each
PostgreSQL test gets a schema of its own, dropped afterwards."""
import os
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from booking_desktop import db  # noqa: E402
from booking_desktop.services import users as user_service  # noqa: E402

PG_URL = os.environ.get("BOOKING_TEST_POSTGRES_URL")
PG_SKIP_REASON = (
    "PostgreSQL tests need BOOKING_TEST_POSTGRES_URL "
    "(e.g. postgresql://postgres@127.0.0.1:5432/test); .ci/run sets it"
)

# A fixed clock: Monday 2030-03-04 06:00 UTC, before opening in Europe/Berlin.
NOW = datetime(2030, 3, 4, 6, 0, tzinfo=timezone.utc)


# Figures the soak test measured, printed at the end of the run.
SOAK_REPORTS: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if SOAK_REPORTS:
        terminalreporter.section("soak")
        for line in SOAK_REPORTS:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session", autouse=True)
def translations_built():
    """The windows' .qm catalogues, built from resources/i18n/*.ts when
    missing or older (`make test` builds them first; a bare pytest too)."""
    from booking_desktop.tools import translations
    translations.build()


def pytest_configure(config):
    config.addinivalue_line("markers", "real_password_hashing: use OWASP scrypt cost")
    config.addinivalue_line("markers", "slow: takes several seconds")


def _with_search_path(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture
def pg_schema_url():
    """A fresh PostgreSQL schema, as a database URL; dropped after the test."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _with_search_path(PG_URL, schema)
    finally:
        db.close()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'booking.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'booking.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def database(db_url):
    """The models bound to a freshly migrated database (both backends)."""
    handle = db.connect(db_url)
    yield handle
    db.close(handle)


class MemoryKeyring:
    """The system keyring, in memory: what a test stored, and nothing else."""

    def __init__(self):
        from keyring.backend import KeyringBackend
        from keyring.errors import PasswordDeleteError

        passwords = self.passwords = {}

        class Backend(KeyringBackend):
            priority = 1

            def get_password(self, service, username):
                return passwords.get((service, username))

            def set_password(self, service, username, password):
                passwords[(service, username)] = password

            def delete_password(self, service, username):
                if passwords.pop((service, username), None) is None:
                    raise PasswordDeleteError(username)

        self.backend = Backend()


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch):
    """No test reads or writes the real user's data folder (where the
    database remembered for this computer is kept) or the real keyring."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring():
    """A working keyring for the test; `.passwords` is what it holds."""
    import keyring

    memory = MemoryKeyring()
    keyring.set_keyring(memory.backend)
    return memory


@pytest.fixture(autouse=True)
def fast_password_hashing(request, monkeypatch):
    """scrypt at OWASP cost takes ~0.3 s a hash; tests that only need a user use
    a cheaper cost (the hash still records it). Tests marked
    real_password_hashing keep the real one."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr(user_service, "SCRYPT_N", 2**10)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def owner(database):
    return user_service.create_user("olga", "owner-password", role="owner")


@pytest.fixture
def staff(database, owner):
    return user_service.create_user("sam", "staff-password", role="staff", by=owner)


@pytest.fixture
def business(database):
    from booking_desktop import services

    shop = services.create_business("Salon Berlin", "Europe/Berlin", phone="+49 30 1234567")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    return shop


@pytest.fixture
def run(capsys):
    """The command line in-process: run(*argv) -> (exit status, stdout, stderr)."""
    from booking_desktop import cli

    def run(*argv):
        code = cli.main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


# A private PostgreSQL cluster that tests may stop and start (tests/pg_cluster.py).
from tests.pg_cluster import cluster_db_url, pg_cluster  # noqa: E402, F401
