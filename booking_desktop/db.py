"""Opening the database: `connect(url)` binds the models and migrates.

`sqlite:///PATH` opens (and creates) an SQLite file in WAL mode with foreign
keys on, `synchronous=FULL` and every transaction begun `IMMEDIATE`, so two
writers queue for the lock instead of failing half-way. `postgresql://...`
opens a psycopg 3 connection pool.
"""
import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, PostgresqlDatabase, SqliteDatabase
from playhouse.migrations import MigrationError, Runner
from playhouse.pool import PooledPostgresqlDatabase

from . import models
from .errors import InvalidInput
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


class _PooledPostgresqlDatabase(PooledPostgresqlDatabase):
    def rollback(self):
        # When the server has ended the connection it has rolled the transaction
        # back itself; peewee's ROLLBACK would fail on the dead connection and
        # that error would replace the one that ended the transaction block.
        conn = self._state.conn
        if conn is not None and conn.closed:
            return
        super().rollback()


def open_database(url: str) -> Database:
    """A peewee Database for `url`, not yet bound or migrated."""
    if not isinstance(url, str) or "://" not in url:
        raise InvalidInput(
            f"Database address {url!r} is not valid; use sqlite:///PATH or "
            "postgresql://user:password@host:port/dbname."
        )
    scheme = url.split("://", 1)[0].lower()
    if scheme == "sqlite":
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise InvalidInput("An SQLite address needs a file: sqlite:///PATH.")
        if path != ":memory:":
            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
            path = str(Path(path).expanduser())
        return SqliteDatabase(
            path, pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
        )
    if scheme in ("postgresql", "postgres"):
        parts = urlparse(url)
        if not parts.path.strip("/"):
            raise InvalidInput("A PostgreSQL address needs a database name: postgresql://host/dbname.")
        return _PooledPostgresqlDatabase(
            "postgresql://" + url.split("://", 1)[1],
            max_connections=16,
            stale_timeout=600,
            timeout=30,
            connect_timeout=10,
            application_name="booking-desktop",
        )
    raise InvalidInput(f"Unknown database type {scheme!r}; use sqlite:/// or postgresql://.")


def is_postgres(db: Database | None = None) -> bool:
    db = db if db is not None else models.database.obj
    return isinstance(db, PostgresqlDatabase)


def connect(url: str, migrate: bool = True) -> Database:
    """Open `url`, bind the models to it and bring the schema to the newest migration."""
    db = open_database(url)
    bind(db)
    if migrate:
        migration_runner(db).up()
    return db


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


def migration_runner(db: Database | None = None) -> Runner:
    db = db if db is not None else models.database.obj
    return Runner(db, MIGRATIONS_DIRECTORY)


def migrate_to(target: str | None = None, db: Database | None = None) -> tuple[str, list[str]]:
    """Bring the schema to `target` (a migration name, or "zero" for an empty
    schema); None means the newest. Returns ("up"|"down", names run)."""
    runner = migration_runner(db)
    status = runner.status()
    names = [m.name for m in status if m.path is not None]
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


__all__ = ["connect", "open_database", "bind", "close", "is_postgres", "migration_runner",
           "migrate_to", "MigrationError"]
