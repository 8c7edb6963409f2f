"""Moving a desk's database into another, empty one: SQLite to a PostgreSQL
server the day a business grows to a second desk, and back.

`move_database(target_url)` copies every table of the database the models
are bound to (the source) into the target, row for row in id order a page
at a time, ids included, and the audit log as it is (hashes and links
included, so its chain still holds). All of it is one transaction on the
target: it is then compared with the source row for row, column for column,
and must keep every booking rule (`check_integrity`) and an intact audit
chain before it commits. On any problem the target is left as it was
(empty) and nothing else changed. Switching the desk to the copy is the
caller's part (see `config.remember_database`).

The failed sign-in counters (`sign_in_throttle`) and the counts of refused
bookings (`booking_refusal`) are not copied, as a backup does not keep them:
they are the desk's own state, not the business's data.
"""
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from itertools import zip_longest
from pathlib import Path
from urllib.parse import unquote

from peewee import Database, DataError, IntegrityError

from .. import db as data, models
from ..clock import UTC
from ..config import without_password
from ..errors import BookingError, DatabaseNotUsable, InvalidInput
from ..models import ALL_MODELS
from .integrity import check_audit_chain, check_integrity
from .tables import (
    PAGE_ROWS,
    applied_migrations,
    bound_to,
    database_is_empty,
    insert_rows,
    reset_sequences,
    rows_in_id_order,
    snapshot,
    table_fields,
)

log = logging.getLogger(__name__)


class CopyDiffers(BookingError):
    """The copy is not identical to the source; `table`, `row_id` and
    `column` say where the first difference is."""

    def __init__(self, message: str, table: str, row_id, column: str | None):
        super().__init__(message, table=table, row_id=row_id, column=column)
        self.table, self.row_id, self.column = table, row_id, column


@dataclass(frozen=True)
class MoveReport:
    target: str  # the target's address, without its password
    rows: dict[str, int]  # rows copied per table

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _normalised(value):
    """A value as both backends must agree on it: instants in UTC."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def verify_copy(source: Database, target: Database, page: int = PAGE_ROWS) -> dict[str, int]:
    """Compare every table of `target` with `source`: the same rows (by id),
    every column equal once normalised. Returns the rows compared per table;
    raises CopyDiffers naming the first difference by table, id and column."""
    if applied_migrations(source) != applied_migrations(target):
        raise CopyDiffers("The copy's schema differs from this database's.", "schema_migration",
                          None, None)
    compared = {}
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = [f.column_name for f in table_fields(model)]
        count = 0
        for mine, theirs in zip_longest(rows_in_id_order(model, source, page),
                                         rows_in_id_order(model, target, page)):
            if theirs is None or mine is None or mine[0] != theirs[0]:
                if theirs is None or (mine is not None and mine[0] < theirs[0]):
                    raise _differs(table, mine[0], None, "is missing from the copy")
                raise _differs(table, theirs[0], None, "is in the copy but not here")
            for column, a, b in zip(columns, mine, theirs):
                if _normalised(a) != _normalised(b):
                    raise _differs(table, mine[0], column, "differs")
            count += 1
        compared[table] = count
    return compared


def _differs(table: str, row_id, column: str | None, what: str) -> CopyDiffers:
    where = f"table {table}, id {row_id}" + (f", column {column}" if column else "")
    return CopyDiffers(f"The copy is not identical: {where} {what}.", table, row_id, column)


def _sqlite_path(url: str) -> Path | None:
    if url.lower().startswith("sqlite:///"):
        return Path(unquote(url[len("sqlite:///"):])).expanduser().resolve()
    return None


def _fingerprint(database: Database):
    """What tells two PostgreSQL connections apart: the server (its start
    time and port), the database and the schema."""
    return database.execute_sql(
        "SELECT pg_postmaster_start_time(), inet_server_port(), current_database(), "
        "current_schema()").fetchone()


def _same_database(source: Database, source_path: Path | None, target: Database,
                   target_path: Path | None) -> bool:
    if source_path is not None or target_path is not None:
        if source_path is None or target_path is None:
            return False
        return source_path == target_path or (
            target_path.exists() and source_path.exists() and os.path.samefile(source_path,
                                                                               target_path))
    return _fingerprint(source) == _fingerprint(target)


def _source_path(source: Database) -> Path | None:
    if data.is_postgres(source):
        return None
    name = source.database
    return None if name == ":memory:" else Path(name).expanduser().resolve()


def move_database(target_url: str, page: int = PAGE_ROWS) -> MoveReport:
    """Copy the connected database into the EMPTY database at `target_url`,
    verify the copy and check it keeps every rule (see the module docstring).

    Refuses, changing nothing, with: InvalidInput (a malformed address; the
    target is this same database; the target already holds data),
    DatabaseUnavailable (the server is not found or not answering),
    DatabaseNotUsable (wrong user or password, no such database, another
    program's tables, a newer schema), CopyDiffers (the copy is not
    identical), InvalidInput (the copy breaks a rule or the audit chain)."""
    source = models.database.obj
    if source is None:
        raise InvalidInput("No database is open to move.")
    where = without_password(target_url)
    if where.lower().startswith("sqlite:///"):
        where = str(_sqlite_path(target_url))
    source_path, target_path = _source_path(source), _sqlite_path(target_url)
    if source_path is not None and target_path == source_path:
        raise _same(where)
    found = data.probe(target_url)
    created = target_path is not None and not target_path.exists()
    target = data.open_database(target_url)
    migrated = False
    try:
        if _same_database(source, source_path, target, target_path):
            raise _same(where)
        if not found.empty and not database_is_empty(target):
            raise _not_empty(where)
        migrated = found.empty
        data.migration_runner(target).up()
        if applied_migrations(target) != applied_migrations(source):
            raise DatabaseNotUsable(f"{where} has a different schema from this database "
                                    "(run `main.py migrate` on both); nothing was copied.")
        if not database_is_empty(target):
            raise _not_empty(where)
        return MoveReport(where, _copy(source, target, page))
    except BaseException:
        if migrated and not created:  # the tables this move made go again
            try:
                data.migrate_to("zero", db=target)
                target.execute_sql(f'DROP TABLE "{data.migration_runner(target).table_name}"')
            except Exception:
                log.warning("could not remove the tables made in %s", where, exc_info=True)
        data.close(target)
        if created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{target_path}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        data.close(target)


def _copy(source: Database, target: Database, page: int) -> dict[str, int]:
    """One transaction on the target; the source read in one snapshot."""
    counts = {}
    try:
        with snapshot(source), target.atomic():
            for model in ALL_MODELS:
                fields, batch, count = table_fields(model), [], 0
                for row in rows_in_id_order(model, source, page):
                    batch.append(row)
                    if len(batch) >= page:
                        count += insert_rows(model, fields, batch, target)
                        batch = []
                count += insert_rows(model, fields, batch, target)
                counts[model._meta.table_name] = count
            reset_sequences(target)
            verify_copy(source, target, page)
            with bound_to(target):
                problems = check_integrity()
                chain = check_audit_chain()
            if problems:
                raise InvalidInput(f"The copy breaks the booking rules ({problems[0]}); nothing "
                                   "was copied. Run `main.py check` here first.")
            if not chain.intact:
                raise InvalidInput(f"The copy's audit log does not hold: {chain.message} "
                                   "Nothing was copied.")
    except (IntegrityError, DataError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"The rows do not fit into the target ({detail}); nothing was "
                           "copied.") from None
    return counts


def _same(where: str) -> InvalidInput:
    return InvalidInput(f"{where} is this desk's database already; give another, empty "
                        "database to move to.", field="target")


def _not_empty(where: str) -> InvalidInput:
    return InvalidInput(f"{where} already holds data; a desk moves only into an empty "
                        "database. Nothing was changed.", field="target")


__all__ = ["move_database", "verify_copy", "MoveReport", "CopyDiffers"]
