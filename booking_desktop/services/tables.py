"""Whole tables, row for row: what a backup, a restore and a move to another
database share. Rows are read in id order a page at a time, converted by
the models' fields (so SQLite's text and PostgreSQL's timestamps both come
back as aware datetimes), and written in batches that fit the backend's
limit on parameters. Every function works on the database the models are
bound to, or on the one given.
"""
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import Database, Field, Model

from .. import models
from ..db import is_postgres, migration_runner
from ..models import ALL_MODELS

# Parameters one INSERT may carry: SQLite >= 3.32 allows 32766, older 999;
# PostgreSQL's protocol allows 65535.
_SQLITE_PARAMS = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999
_POSTGRES_PARAMS = 65535
_MAX_BATCH_ROWS = 1000
PAGE_ROWS = 5000


def _database(database: Database | None) -> Database:
    return database if database is not None else models.database.obj


@contextmanager
def bound_to(database: Database):
    """The models work on `database` for a while (one thread at a time: the
    binding is global). The UTC instants are written the way that backend
    keeps them, so rows copied between backends must be written this way."""
    previous = models.database.obj
    if previous is database:
        yield
        return
    models.database.initialize(database)
    try:
        yield
    finally:
        models.database.initialize(previous)


def table_fields(model: type[Model]) -> list[Field]:
    """Every column of `model`, in the table's order."""
    return list(model._meta.sorted_fields)


def rows_in_id_order(model: type[Model], database: Database | None = None,
                     page: int = PAGE_ROWS) -> Iterator[tuple]:
    """Every row of `model` as a tuple of `table_fields`, in id order, read
    `page` rows at a time (keyset paging: each page a fresh query after the
    last id, so it stays fast at any size)."""
    database = _database(database)
    fields, key = table_fields(model), model._meta.primary_key
    after = None
    while True:
        with bound_to(database):
            query = model.select(*fields).order_by(key).limit(page)
            if after is not None:
                query = query.where(key > after)
            rows = list(query.tuples())
        yield from rows
        if len(rows) < page:
            return
        after = rows[-1][fields.index(key)]


def batch_size(columns: int, database: Database | None = None) -> int:
    """Rows one INSERT of `columns` columns may carry on that backend."""
    limit = _POSTGRES_PARAMS if is_postgres(_database(database)) else _SQLITE_PARAMS
    return max(1, min(_MAX_BATCH_ROWS, limit // max(1, columns)))


def insert_rows(model: type[Model], fields: list[Field], rows: list[tuple],
                database: Database | None = None) -> int:
    """Insert `rows` (values of `fields`, ids included) in batches."""
    database = _database(database)
    size = batch_size(len(fields), database)
    with bound_to(database):
        for i in range(0, len(rows), size):
            model.insert_many(rows[i:i + size], fields=fields).as_rowcount().execute()
    return len(rows)


def reset_sequences(database: Database | None = None) -> None:
    """PostgreSQL hands out ids from sequences that inserts with explicit
    ids did not advance: move each to its table's highest id."""
    database = _database(database)
    if not is_postgres(database):
        return  # SQLite's next rowid is max(rowid) + 1 already
    for model in ALL_MODELS:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), "
            f"MAX(id) IS NOT NULL) FROM \"{table}\"", (f'"{table}"',))


def database_is_empty(database: Database | None = None) -> bool:
    """Whether no table of the data holds a row."""
    with bound_to(_database(database)):
        return not any(model.select().exists() for model in ALL_MODELS)


def applied_migrations(database: Database | None = None) -> list[str]:
    """Names of the migrations the schema has, oldest first."""
    return [m.name for m in migration_runner(_database(database)).status() if m.applied]


def snapshot(database: Database | None = None):
    """A read transaction that sees one consistent moment while desks keep
    writing: a deferred transaction on SQLite (WAL readers do not block
    writers), REPEATABLE READ on PostgreSQL."""
    database = _database(database)
    if is_postgres(database):
        return database.atomic(isolation_level="REPEATABLE READ")
    return database.atomic(lock_type="DEFERRED")


__all__ = ["bound_to", "table_fields", "rows_in_id_order", "batch_size", "insert_rows",
           "reset_sequences", "database_is_empty", "applied_migrations", "snapshot", "PAGE_ROWS"]
