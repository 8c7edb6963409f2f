"""Opening the database: `connect(url)` binds the models and migrates.

`sqlite:///PATH` opens (and creates) an SQLite file in WAL mode with foreign
keys on, `synchronous=FULL` and every transaction begun `IMMEDIATE`, so two
writers queue for the lock instead of failing half-way. `postgresql://...`
opens a psycopg 3 connection pool.
"""
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, DatabaseError, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import MigrationError, Runner
from playhouse.pool import PooledPostgresqlDatabase

from . import models
from .errors import (QT_TRANSLATE_NOOP, BookingError, DatabaseNotUsable, DatabaseUnavailable,
                     InvalidInput, Phrase)
from .migrations import DIRECTORY as MIGRATIONS_DIRECTORY

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_S * 1000,
    "synchronous": "full",
    "cache_size": -65536,  # 64 MiB of page cache instead of the default 2 MiB
    "mmap_size": 268435456,  # read through a 256 MiB memory map: no read() per page
}


# A desk's connections to a PostgreSQL server over a network: a server that
# vanished (a restart that never finished, a cable pulled, a router that
# forgot the connection) is noticed within about a minute instead of the
# system's two hours, whether the connection is idle in the pool (TCP
# keepalive: first probe after 30 s of silence, then every 10 s, dead after
# 3 unanswered) or waiting for an answer (tcp_user_timeout: data unacknowledged
# for 60 s). The desk then says the server cannot be reached and reconnects
# on the next operation (services._tx.run_read / run_write). A query that
# runs long on a live server is not affected: its server acknowledges.
PG_TCP = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
          "keepalives_count": 3, "tcp_user_timeout": 60_000}


class _PooledPostgresqlDatabase(PooledPostgresqlDatabase):
    def rollback(self):
        # When the server has ended the connection it has rolled the transaction
        # back itself; peewee's ROLLBACK would fail on the dead connection and
        # that error would replace the one that ended the transaction block.
        conn = self._state.conn
        if conn is not None and conn.closed:
            return
        super().rollback()


class _SqliteDatabase(SqliteDatabase):
    def rollback(self):
        # After a write fails on a full disk (or a file over its size limit)
        # SQLite has already rolled the transaction back; a second ROLLBACK
        # would fail with "no transaction is active" and hide the real cause.
        conn = self._state.conn
        if conn is not None and not conn.in_transaction:
            return
        super().rollback()


SQLITE_HEADER = b"SQLite format 3\x00"


def _not_ours(path) -> DatabaseNotUsable:
    return DatabaseNotUsable(QT_TRANSLATE_NOOP(
        "errors", "{path} is not a Booking Desktop database, or it is damaged. Nothing was "
                  "changed in it."), params={"path": str(path)}, reason="foreign")


def _prepare_sqlite_file(path: Path, create: bool = True) -> None:
    """Refuse a file that is not an SQLite database before SQLite touches it;
    create a new one private to this user (0600 in a 0700 folder: it holds
    customers' details and password hashes), unless not `create`: then a
    missing file is refused. SQLite gives its -wal and -shm files the
    database file's permissions."""
    if path.is_dir():
        raise _a_folder(path)
    try:
        with open(path, "rb") as existing:
            header = existing.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        if not create:
            raise DatabaseNotUsable(QT_TRANSLATE_NOOP("errors", "{path} does not exist (any more)."),
                                    params={"path": str(path)}, reason="missing") from None
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:  # another process made it a moment ago
            pass
        return
    if header and header != SQLITE_HEADER:
        raise _not_ours(path)
    if header:
        _probe_sqlite_file(path)


def _probe_sqlite_file(path: Path) -> None:
    """Read the schema through a read-only connection first: opening with our
    pragmas would already turn another program's database to WAL mode."""
    try:
        probe = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return  # cannot even open it read-only: the real open says why
    try:
        tables = {name for (name,) in probe.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise _opening_error(exc, f"sqlite:///{path}") from exc
    finally:
        probe.close()
    if tables and "schema_migration" not in tables:
        raise _foreign(path)


def _foreign(where) -> DatabaseNotUsable:
    return DatabaseNotUsable(QT_TRANSLATE_NOOP(
        "errors", "{where} belongs to another program (it has tables but is not a Booking "
                  "Desktop database). Nothing was changed in it."),
        params={"where": str(where)}, reason="foreign")


def _a_folder(path, **details) -> DatabaseNotUsable:
    return DatabaseNotUsable(QT_TRANSLATE_NOOP("errors", "{path} is a folder, not a database file."),
                             params={"path": str(path)}, **details)


def open_database(url: str, create: bool = True) -> Database:
    """A peewee Database for `url`, not yet bound or migrated; an SQLite file
    that does not exist is made, unless not `create`."""
    if not isinstance(url, str) or "://" not in url:
        raise InvalidInput(QT_TRANSLATE_NOOP(
            "errors", "Database address {address} is not valid; use sqlite:///PATH or "
                      "postgresql://user:password@host:port/dbname."), params={"address": repr(url)})
    scheme = url.split("://", 1)[0].lower()
    if scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors",
                                                 "An SQLite address needs a file: sqlite:///PATH."))
        if path != ":memory:":
            _prepare_sqlite_file(Path(path).expanduser(), create)
            path = str(Path(path).expanduser())
        sqlite = _SqliteDatabase(
            path, pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
        )
        sqlite.url = None if path == ":memory:" else url
        return sqlite
    if scheme in ("postgresql", "postgres"):
        parts = urlparse(url)
        if not parts.path.strip("/"):
            raise InvalidInput(QT_TRANSLATE_NOOP(
                "errors", "A PostgreSQL address needs a database name: postgresql://host/dbname."))
        # A desk may name itself (?application_name=front-desk-2) so the
        # server's pg_stat_activity tells the desks apart; the address may
        # also set any of the TCP settings below itself.
        given = {pair.split("=", 1)[0] for pair in parts.query.split("&") if pair}
        defaults = {"application_name": "booking-desktop", **PG_TCP}
        postgres = _PooledPostgresqlDatabase(
            "postgresql://" + url.split("://", 1)[1],
            max_connections=16,
            stale_timeout=600,
            timeout=30,
            connect_timeout=10,
            # psycopg prepares a statement on the server once it has run 5
            # times on a connection, in a round trip of its own (Parse, wait,
            # then Bind/Execute): the 6th BEGIN, COMMIT or walk-in statement
            # would cost 4 round trips instead of 3. And the first ROLLBACK,
            # ALTER or DROP it sees afterwards forgets them all with one more
            # (DEALLOCATE ALL), so it happens again and again. Which walk-in
            # pays depended on the statements run before it (a migration's
            # ALTER TABLE moved it onto the measured one). The price: each
            # statement is planned every time (measured in
            # docs/architecture.md: inside the benchmark's noise).
            prepare_threshold=None,
            **{key: value for key, value in defaults.items() if key not in given},
        )
        postgres.url = url
        return postgres
    raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Unknown database type {scheme}; use sqlite:/// or "
                                                   "postgresql://."), params={"scheme": repr(scheme)})


def is_postgres(db: Database | None = None) -> bool:
    db = db if db is not None else models.database.obj
    return isinstance(db, PostgresqlDatabase)


def connect(url: str, migrate: bool = True, create: bool = True) -> Database:
    """Open `url`, bind the models to it and bring the schema to the newest
    migration (unless not `migrate`); a missing SQLite file is made unless
    not `create`."""
    for attempt in (1, 2):
        db = open_database(url, create)
        try:
            _refuse_foreign_schema(db, url)
            bind(db)
            if migrate:
                _migrate_on_opening(db)
            return db
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            close(db)
            if _server_gone(db, exc) and attempt == 1 and "connection failed" not in str(exc):
                continue  # the server dropped a connection it had given us: one more try
            raise _opening_error(exc, url, db) from exc
        except DatabaseNotUsable:
            close(db)
            raise
    raise AssertionError("unreachable")


UPGRADE_NEEDED = QT_TRANSLATE_NOOP("errors", "The database needs an upgrade; ask whoever manages "
                                             "the server to run `main.py migrate`.")


def _pending(runner: Runner) -> list[str]:
    return [m.name for m in runner.status() if m.path is not None and not m.applied]


def _migrate_on_opening(db: Database) -> None:
    """Bring the schema up to date if it is behind and this role may change
    it; a desk's role in the two-role set-up may not (see grant_desk_role)."""
    runner = migration_runner(db)
    if not _pending(runner):
        return
    if not may_change_schema(db):
        role, schema = db.execute_sql("SELECT current_user, current_schema()").fetchone()
        if schema is None:  # PostgreSQL hides the schemas a role may not use
            raise DatabaseNotUsable(QT_TRANSLATE_NOOP(
                "errors", "The role {role} has no rights on this database; ask whoever manages "
                          "the server to run `main.py migrate --grant {role}`."),
                params={"role": role})
        raise DatabaseNotUsable(UPGRADE_NEEDED)
    runner.up()


def may_change_schema(db: Database | None = None) -> bool:
    """Whether this connection's role may run the migrations: on PostgreSQL
    it must be allowed to create in the schema and own (or act as the owner
    of) its tables. An SQLite file's user always may."""
    db = db if db is not None else models.database.obj
    if not is_postgres(db):
        return True
    return bool(db.execute_sql(
        "SELECT COALESCE(has_schema_privilege(current_schema(), 'CREATE'), false) AND "
        "(to_regclass('audit_event') IS NULL OR pg_has_role(current_user, (SELECT relowner "
        "FROM pg_class WHERE oid = to_regclass('audit_event')), 'USAGE'))").fetchone()[0])


def _server_gone(db: Database, exc: Exception) -> bool:
    return isinstance(db, PostgresqlDatabase) and isinstance(exc, OperationalError)


def _where(url: str) -> str:
    """The file, or the server address without its password, for messages."""
    if url.lower().startswith("sqlite:///"):
        return str(Path(unquote(url[len("sqlite:///"):])).expanduser())
    parts = urlparse(url)
    if parts.password is not None:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", "@", 1))
    return parts._replace(query="").geturl()


def _opening_error(exc: Exception, url: str, db: Database | None = None) -> Exception:
    """What a failure while opening means, in words (the driver's text otherwise)."""
    text = str(exc).lower()
    if db is not None and _server_gone(db, exc) and "connection failed" in text:
        refused = describe_server_error(exc, url)  # never got in: say why (user, database, …)
        return type(refused)(QT_TRANSLATE_NOOP("errors", "Cannot use the database {where}: {why}"),
                             params={"where": _where(url),
                                     "why": Phrase(refused.template, **refused.params)},
                             **refused.details)
    if db is not None and _server_gone(db, exc):
        return DatabaseUnavailable(QT_TRANSLATE_NOOP(
            "errors", "Cannot use the database {where}: the server could not be reached or "
                      "closed the connection ({answer}). Nothing was changed; try again."),
            params={"where": _where(url), "answer": str(exc).splitlines()[0]})
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return _not_ours(_where(url))
    if isinstance(exc, (OperationalError, sqlite3.OperationalError)) and (
            "locked" in text or "busy" in text):
        return DatabaseUnavailable(QT_TRANSLATE_NOOP(
            "errors", "{where} is locked by another program and stayed locked for {seconds} s. "
                      "Close that program (or wait for it) and try again."),
            params={"where": _where(url), "seconds": BUSY_TIMEOUT_S})
    return exc


def _refuse_foreign_schema(db: Database, url: str) -> None:
    """A database with tables but no migration history is another program's;
    one with migrations this version does not know is from a newer version.
    Neither is touched."""
    tables = set(db.get_tables())
    if not tables:
        return
    runner = migration_runner(db)
    if runner.table_name not in tables:
        raise _foreign(_where(url))
    unknown = [m.name for m in runner.status() if m.path is None]
    if unknown:
        raise DatabaseNotUsable(QT_TRANSLATE_NOOP(
            "errors", "{where} was made by a newer version of Booking Desktop (schema {schema}); "
                      "install that version to open it."),
            params={"where": _where(url), "schema": unknown[-1]}, reason="newer")


def bind(db: Database) -> None:
    current = models.database.obj
    if current is not None and current is not db:
        close(current)
    models.database.initialize(db)


def close(db: Database | None = None) -> None:
    db = db if db is not None else models.database.obj
    if db is None:
        return
    if isinstance(db, PooledPostgresqlDatabase):
        db.close_all()
    elif not db.is_closed():
        db.close()


def database_url(db: Database | None = None) -> str | None:
    """The address `db` (default: the bound database) was opened with, for
    another process to open the same database; None when there is none (an
    in-memory SQLite database, or one not opened by `open_database`)."""
    db = db if db is not None else models.database.obj
    return getattr(db, "url", None)


def migration_runner(db: Database | None = None) -> Runner:
    db = db if db is not None else models.database.obj
    return Runner(db, MIGRATIONS_DIRECTORY)


def migrate_to(target: str | None = None, db: Database | None = None) -> tuple[str, list[str]]:
    """Bring the schema to `target` (a migration name, or "zero" for an empty
    schema); None means the newest. Returns ("up"|"down", names run)."""
    runner = migration_runner(db)
    status = runner.status()
    names = [m.name for m in status if m.path is not None]
    pending = [m.name for m in status if m.path is not None and not m.applied]
    if (target is not None or pending) and not may_change_schema(runner.database):
        role = runner.database.execute_sql("SELECT current_user").fetchone()[0]
        raise DatabaseNotUsable(
            f"The role {role} may not change the schema: run `main.py migrate` as the role that "
            "owns it.")
    if target is None:
        return "up", runner.up()
    if target == "zero":
        applied = [m.name for m in status if m.applied]
        return "down", (runner.down(applied[0]) if applied else [])
    if target not in names:
        raise InvalidInput(f"No migration named {target!r}. Known: {', '.join(names)}.")
    applied = [m.name for m in status if m.applied]
    if target in applied:
        later = applied[applied.index(target) + 1:]
        return "down", (runner.down(later[0]) if later else [])
    return "up", runner.up(target)


# Tables a desk reads but never writes; every other table of the schema it
# reads and writes.
_DESK_READS_ONLY = ("schema_migration",)
_DESK_APPENDS_TO = ("audit_event",)


def grant_desk_role(role: str, db: Database | None = None) -> str:
    """Give `role` what a desk needs in this (current) schema and nothing
    more, for the two-role set-up on PostgreSQL: the role running this owns
    the schema and runs the migrations; desks connect as `role`. Run it again
    after each migration, since new tables need their grants too.

    `role` may read and write the bookings' tables, only read and append to
    the audit log (no UPDATE, DELETE or TRUNCATE), only read the migration
    history, use the sequences and call the functions; it owns nothing, so it
    cannot alter or drop a table or switch a trigger off. Rights it had
    before in this schema are taken back first. Returns the schema's name.
    InvalidInput for SQLite, an unknown role, the owner or a superuser."""
    db = db if db is not None else models.database.obj
    if not is_postgres(db):
        raise InvalidInput("Roles exist only on PostgreSQL; an SQLite database is protected by "
                           "its file's permissions.")
    found = db.execute_sql(
        "SELECT rolsuper OR pg_has_role(rolname, (SELECT relowner FROM pg_class "
        "WHERE oid = to_regclass('audit_event')), 'USAGE') FROM pg_roles WHERE rolname = %s",
        (role,)).fetchone()
    if found is None:
        raise InvalidInput(f"There is no role {role!r} on the server; create it first "
                           "(CREATE ROLE name LOGIN PASSWORD '...').")
    if found[0]:
        raise InvalidInput(f"{role} owns the schema or is a superuser: it could change anything "
                           "whatever it is granted. Desks need a role of their own.")
    schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
    tables = [name for name in db.get_tables()
              if name not in _DESK_READS_ONLY + _DESK_APPENDS_TO]
    who, where = _identifier(role), _identifier(schema)
    statements = [f"REVOKE ALL ON ALL {kind} IN SCHEMA {where} FROM {who}"
                  for kind in ("TABLES", "SEQUENCES", "FUNCTIONS")]
    statements += [
        f"REVOKE ALL ON SCHEMA {where} FROM {who}",
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON "
        f"{', '.join(f'{where}.{_identifier(t)}' for t in tables)} TO {who}",
        *(f"GRANT SELECT, INSERT ON {where}.{t} TO {who}" for t in _DESK_APPENDS_TO),
        *(f"GRANT SELECT ON {where}.{t} TO {who}" for t in _DESK_READS_ONLY),
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {where} TO {who}",
    ]
    with db.atomic():
        for statement in statements:
            db.execute_sql(statement)
    return schema


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- probing a database before using it ----------------------------------------------

PROBE_TIMEOUT_S = 5


@dataclass(frozen=True)
class Probe:
    """What `probe(url)` found. `state`: "ready" (a Booking Desktop database
    of this version), "upgrade" (an older one; opening it upgrades it) or
    "empty" (nothing in it yet; opening it sets it up)."""
    where: str  # the address without its password
    state: str
    businesses: tuple[str, ...] = ()
    has_users: bool = False

    @property
    def empty(self) -> bool:
        return self.state == "empty"


def describe_server_error(exc: Exception, url: str) -> BookingError:
    """A failed connection to a PostgreSQL server in words: the server not
    found or not answering (DatabaseUnavailable), or the account, password or
    database refused (DatabaseNotUsable). `details["reason"]` names the case."""
    text = str(exc)
    lowered = text.lower()
    parts = urlparse(url)
    host, port = parts.hostname or "localhost", parts.port or 5432
    name = unquote(parts.path.strip("/"))
    user = unquote(parts.username or "") or "(none)"
    if "resolve host" in lowered or "translate host name" in lowered:
        return DatabaseUnavailable(QT_TRANSLATE_NOOP(
            "errors", "The server {host} was not found: check its name (or use its IP address) "
                      "and that this computer is on the network."),
            params={"host": host}, reason="host_unknown")
    if "password authentication failed" in lowered or ("role" in lowered
                                                       and "does not exist" in lowered):
        return DatabaseNotUsable(QT_TRANSLATE_NOOP(
            "errors", "The server {host} refused the user name {user} or its password: check "
                      "both."), params={"host": host, "user": user}, reason="credentials")
    if "no password supplied" in lowered or "password is required" in lowered:
        return DatabaseNotUsable(QT_TRANSLATE_NOOP("errors",
                                                   "The server {host} asks for the password of {user}."),
                                 params={"host": host, "user": user}, reason="password_needed")
    if "database" in lowered and "does not exist" in lowered:
        return DatabaseNotUsable(QT_TRANSLATE_NOOP(
            "errors", "There is no database {name} on the server {host}: check its name, or ask "
                      "whoever manages the server to create it."),
            params={"name": repr(name), "host": host}, reason="no_database")
    if "permission denied" in lowered or "not permitted" in lowered or "pg_hba" in lowered:
        return DatabaseNotUsable(QT_TRANSLATE_NOOP(
            "errors", "The server {host} does not let {user} use the database {name} ({answer})."),
            params={"host": host, "user": user, "name": repr(name),
                    "answer": text.splitlines()[0]}, reason="credentials")
    return DatabaseUnavailable(QT_TRANSLATE_NOOP(
        "errors", "The server {host} is not answering on port {port}: check that it is switched "
                  "on, the address and port are right and no firewall is in between ({answer})."),
        params={"host": host, "port": port, "answer": text.splitlines()[0]},
        reason="not_answering")


def probe(url: str, timeout: float = PROBE_TIMEOUT_S) -> Probe:
    """Look at `url` without changing anything in it: can it be reached
    (within `timeout` seconds), do the user and password open it, and is it a
    Booking Desktop database of a version this one can use? Returns a Probe;
    raises InvalidInput (a malformed address), DatabaseUnavailable (server not
    found, not answering) or DatabaseNotUsable (wrong user or password, no
    such database, another program's tables, a newer schema, an upgrade this
    account may not run), each with `details["reason"]`."""
    if not isinstance(url, str) or "://" not in url:
        open_database(url)  # raises InvalidInput saying what an address looks like
    scheme = url.split("://", 1)[0].lower()
    if scheme == "sqlite":
        path = Path(unquote(url[len("sqlite:///"):])).expanduser() \
            if url.startswith("sqlite:///") else None
        if path is None or not str(path):
            open_database(url)  # raises InvalidInput
        if path.is_dir():
            raise _a_folder(path, reason="foreign")
        if not path.exists() or path.stat().st_size == 0:
            return Probe(_where(url), "empty")
        with open(path, "rb") as existing:
            if existing.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise _not_ours(path)
        _probe_sqlite_file(path)
        database = SqliteDatabase(f"{path.as_uri()}?mode=ro", uri=True, timeout=timeout)
    elif scheme in ("postgresql", "postgres"):
        open_database(url)  # only checks the address: a pool connects on first use
        database = PostgresqlDatabase("postgresql://" + url.split("://", 1)[1],
                                      connect_timeout=max(1, round(timeout)),
                                      application_name="booking-desktop-probe")
        try:
            database.connect()
        except (DatabaseError, OperationalError) as exc:
            raise describe_server_error(exc, url) from None
    else:
        open_database(url)  # raises InvalidInput for an unknown kind
        raise AssertionError("unreachable")
    try:
        return _look_inside(database, url)
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        if _server_gone(database, exc):
            raise describe_server_error(exc, url) from None
        raise _opening_error(exc, url, database) from exc
    finally:
        database.close()


def _look_inside(database: Database, url: str) -> Probe:
    _refuse_foreign_schema(database, url)
    runner = migration_runner(database)
    if not database.get_tables() or not any(m.applied for m in runner.status()):
        return Probe(_where(url), "empty")  # nothing, or only an empty migration history
    state = "ready"
    if _pending(runner):
        if not may_change_schema(database):
            raise DatabaseNotUsable(UPGRADE_NEEDED, reason="upgrade_needed")
        state = "upgrade"
    names = tuple(name for (name,) in database.execute_sql(
        'SELECT name FROM business ORDER BY id LIMIT 20').fetchall())
    users = database.execute_sql('SELECT 1 FROM "user" LIMIT 1').fetchone() is not None
    return Probe(_where(url), state, names, users)


__all__ = ["connect", "open_database", "bind", "close", "database_url", "is_postgres", "migration_runner",
           "migrate_to", "MigrationError", "grant_desk_role", "may_change_schema", "probe",
           "Probe", "describe_server_error", "PROBE_TIMEOUT_S"]
