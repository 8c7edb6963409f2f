"""Backing up the whole database to one portable JSON file, and restoring it.

A backup holds every row of every table (users, businesses, hours, special
days, slots, bookings, the audit log) with their ids and timestamps, the
format version and the migrations the schema had. It can be restored into an
empty database of either kind: a backup of an SQLite desk restores onto a
PostgreSQL server and back, row for row.

File layout (one JSON document; one row per line so large backups stay
readable and diffable)::

    {"format": "booking-desktop-backup", "version": 1, "created_at": "...",
     "migrations": ["0001_initial", ...],
     "tables": {"user": {"columns": ["id", ...], "rows": [[1, ...], ...], "count": 1}, ...}}

Values are JSON numbers, strings, true/false and null: instants as ISO 8601
with their UTC offset, dates as YYYY-MM-DD, times of day as HH:MM:SS.
"""
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from peewee import (
    BooleanField,
    CharField,
    DataError,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    Model,
    TextField,
    TimeField,
)

from .. import models
from ..clock import utcnow
from ..db import is_postgres, migration_runner
from ..errors import InvalidInput
from ..models import ALL_MODELS, Business, User
from ._tx import current_time, require_owner, run_write
from .files import atomic_file
from .hours import reclose_slots
from .integrity import check_integrity

FORMAT = "booking-desktop-backup"
VERSION = 1
# Parameters one INSERT may carry: SQLite >= 3.32 allows 32766, older 999;
# PostgreSQL's protocol allows 65535.
_SQLITE_PARAMS = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999
_POSTGRES_PARAMS = 65535
_MAX_BATCH_ROWS = 1000


# --- writing -----------------------------------------------------------------

def _to_json(value):
    """A column value as a JSON-safe value (see the module docstring)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError(f"naive datetime {value!r} in the database")
        return value.isoformat(timespec="microseconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} {value!r} in a backup")


def _fields(model: type[Model]) -> list[Field]:
    return list(model._meta.sorted_fields)


def _rows(model: type[Model]) -> Iterator[tuple]:
    """Every row of `model` in id order, converted by the fields (so SQLite's
    text and PostgreSQL's timestamps both come back as aware datetimes)."""
    fields = _fields(model)
    return model.select(*fields).order_by(model._meta.primary_key).tuples().iterator()


def applied_migrations() -> list[str]:
    """Names of the migrations the connected schema has, oldest first."""
    return [m.name for m in migration_runner().status() if m.applied]


def _write_table(out: IO[str], model: type[Model]) -> int:
    columns = [f.column_name for f in _fields(model)]
    out.write(f"{json.dumps(model._meta.table_name)}: {{\"columns\": {json.dumps(columns)}, "
              "\"rows\": [")
    count = 0
    for row in _rows(model):
        out.write(",\n" if count else "\n")
        out.write(json.dumps([_to_json(value) for value in row], ensure_ascii=False))
        count += 1
    out.write(f"\n], \"count\": {count}}}")
    return count


def _snapshot():
    """A read transaction that sees one consistent moment while desks keep
    writing: a deferred transaction on SQLite (WAL readers do not block
    writers), REPEATABLE READ on PostgreSQL."""
    if is_postgres():
        return models.database.atomic(isolation_level="REPEATABLE READ")
    return models.database.atomic(lock_type="DEFERRED")


def _write_backup(out: IO[str]) -> dict[str, int]:
    counts = {}
    with _snapshot():
        header = {"format": FORMAT, "version": VERSION,
                  "created_at": _to_json(utcnow()), "migrations": applied_migrations()}
        out.write(json.dumps(header, ensure_ascii=False)[:-1] + ",\n\"tables\": {\n")
        for i, model in enumerate(ALL_MODELS):
            if i:
                out.write(",\n")
            counts[model._meta.table_name] = _write_table(out, model)
        out.write("\n}}\n")
    return counts


def backup_database(path_or_file: str | os.PathLike | IO[str], by: User | None = None
                    ) -> dict[str, int]:
    """Write every row of every table of the connected database as JSON to a
    file path or an open text file. Rows are streamed table by table, read in
    one snapshot so the backup is consistent while others keep working. A path
    is written to a temporary file first and renamed at the end, so a failed
    backup never leaves a half-written file under the real name.

    Owner only (None is the system). Returns the number of rows per table.
    Raises PermissionDenied, and OSError when the file cannot be written.
    """
    require_owner(by, "make a backup")
    # Not retried like other reads: a retry would write the rows twice.
    if hasattr(path_or_file, "write"):
        return _write_backup(path_or_file)
    # Readable by its owner only: it holds password hashes and customers' details.
    with atomic_file(path_or_file, "w", what="backup", encoding="utf-8", newline="\n") as out:
        return _write_backup(out)


# --- reading -------------------------------------------------------------------

def _not_a_backup(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name} is not a Booking Desktop backup ({why}).", field="file")


def _load(path_or_file) -> tuple[str, dict]:
    """The parsed backup and a name for messages. Raises InvalidInput for a
    missing, unreadable or malformed file."""
    if hasattr(path_or_file, "read"):
        name = getattr(path_or_file, "name", "The backup")
        text = path_or_file.read()
    else:
        name = str(path_or_file)
        try:
            text = Path(path_or_file).expanduser().read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInput(f"There is no backup file at {name}.", field="file") from None
        except UnicodeDecodeError:
            raise _not_a_backup(name, "it is not a text file") from None
        except OSError as exc:
            raise InvalidInput(f"Cannot read {name}: {exc.strerror or exc}.",
                               field="file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _not_a_backup(name, f"it is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    _check_header(name, data)
    return name, data


def _check_header(name: str, data) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _not_a_backup(name, "the file does not say it is one")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _not_a_backup(name, "it has no format version")
    if version > VERSION:
        raise InvalidInput(f"{name} was made by a newer version of Booking Desktop "
                           f"(backup format {version}); update this program first.", field="file")
    if not isinstance(data.get("tables"), dict) or not isinstance(data.get("migrations"), list):
        raise _not_a_backup(name, "its tables are missing")
    known = set(applied_migrations())
    newer = [m for m in data["migrations"] if m not in known]
    if newer:
        raise InvalidInput(f"{name} was made by a newer version of Booking Desktop (its database "
                           f"has {', '.join(map(str, newer))}); update this program first.",
                           field="file")


def _from_json(field: Field, value, where: str):
    """A JSON value back into what `field` stores; InvalidInput if it cannot be."""
    if value is None:
        if field.null:
            return None
        raise InvalidInput(f"{where}: {field.column_name} is empty but must have a value.",
                           field="file")
    try:
        if isinstance(field, DateTimeField):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no UTC offset")
            return parsed
        if isinstance(field, DateField):
            return date.fromisoformat(value)
        if isinstance(field, TimeField):
            return time.fromisoformat(value)
        if isinstance(field, BooleanField):
            if isinstance(value, bool):
                return value
        elif isinstance(field, (IntegerField, ForeignKeyField)):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
        elif isinstance(field, (CharField, TextField)):
            if isinstance(value, str):
                return value
        raise ValueError(f"unexpected {type(value).__name__}")
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{where}: {field.column_name} has a bad value {value!r} ({exc}).",
                           field="file") from None


def _table_fields(model: type[Model], table: dict, name: str) -> list[Field]:
    by_column = {f.column_name: f for f in _fields(model)}
    columns = table.get("columns") if isinstance(table, dict) else None
    if not isinstance(columns, list) or not isinstance(table.get("rows"), list):
        raise _not_a_backup(name, f"table {model._meta.table_name} is malformed")
    unknown = [c for c in columns if c not in by_column]
    if unknown:
        raise InvalidInput(f"{name} has columns this version does not know "
                           f"({model._meta.table_name}: {', '.join(map(str, unknown))}); "
                           "update this program first.", field="file")
    if "id" not in columns:
        raise _not_a_backup(name, f"table {model._meta.table_name} has no ids")
    return [by_column[c] for c in columns]


def _decoded_rows(model, fields, rows, name) -> Iterator[tuple]:
    table_name = model._meta.table_name
    for number, row in enumerate(rows, 1):
        where = f"{name}, table {table_name}, row {number}"
        if not isinstance(row, list) or len(row) != len(fields):
            raise InvalidInput(f"{where} does not have {len(fields)} values.", field="file")
        yield tuple(_from_json(f, value, where) for f, value in zip(fields, row))


def _batch_size(columns: int) -> int:
    limit = _POSTGRES_PARAMS if is_postgres() else _SQLITE_PARAMS
    return max(1, min(_MAX_BATCH_ROWS, limit // max(1, columns)))


def _insert_table(model: type[Model], fields: list[Field], rows, name: str) -> int:
    size, batch, count = _batch_size(len(fields)), [], 0
    for row in _decoded_rows(model, fields, rows, name):
        batch.append(row)
        if len(batch) >= size:
            model.insert_many(batch, fields=fields).as_rowcount().execute()
            count, batch = count + len(batch), []
    if batch:
        model.insert_many(batch, fields=fields).as_rowcount().execute()
        count += len(batch)
    return count


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences that the inserts with explicit
    ids did not advance: move each to its table's highest id."""
    if not is_postgres():
        return  # SQLite's next rowid is max(rowid) + 1 already
    for model in ALL_MODELS:
        table = model._meta.table_name
        models.database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 1), "
            f"MAX(id) IS NOT NULL) FROM \"{table}\"", (f'"{table}"',))


def _close_slots_outside_hours() -> None:
    """A backup from before slots knew whether they lie outside the opening
    hours (migration 0008): work it out from the restored hours, as that
    migration does, so a restored holiday is closed to bookings. Nothing is
    removed: the restore keeps every row of the backup."""
    moment = current_time()
    for business in Business.select():
        reclose_slots(business, None, moment)


def database_is_empty() -> bool:
    return not any(model.select().exists() for model in ALL_MODELS)


def restore_database(path_or_file: str | os.PathLike | IO[str], by: User | None = None
                     ) -> dict[str, int]:
    """Put a backup into the connected database, which must be empty (freshly
    created). Everything goes in one transaction with the ids and timestamps of
    the backup, so the result is identical to the database that was backed up;
    on any problem nothing is restored. The restore writes no audit event of
    its own: that would make the data differ from the backup (the audit log is
    append-only, so one cannot be removed afterwards either). A column the
    backup lacks gets its default; a backup made before slots carried
    `closed_reason` has it worked out from the restored opening hours.

    Owner only (None is the system). Returns the number of rows per table.
    Raises InvalidInput (no such file, not a backup, made by a newer version,
    the database already holds data, inconsistent rows), PermissionDenied.
    """
    require_owner(by, "restore a backup")
    name, data = _load(path_or_file)
    tables = data["tables"]
    plan = [(model, _table_fields(model, tables.get(model._meta.table_name,
                                                    {"columns": ["id"], "rows": []}), name))
            for model in ALL_MODELS]

    def work():
        if not database_is_empty():
            raise InvalidInput("This database already holds data; a backup can only be restored "
                               "into a new, empty database. Nothing was changed.", field="db")
        counts = {}
        for model, fields in plan:
            rows = tables.get(model._meta.table_name, {}).get("rows", [])
            counts[model._meta.table_name] = _insert_table(model, fields, rows, name)
        _reset_sequences()
        if "closed_reason" not in tables.get("time_slot", {}).get("columns", []):
            _close_slots_outside_hours()
        # The constraints cannot see a counter that disagrees with its bookings;
        # such a backup would let a slot be over-booked later. Refuse it whole.
        problems = check_integrity()
        if problems:
            more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
            raise InvalidInput(f"{name} cannot be restored: its data breaks the booking rules "
                               f"({problems[0]}{more}). Nothing was restored.", field="file")
        return counts

    try:
        return run_write(work)
    except (IntegrityError, DataError) as exc:  # e.g. a value longer than its column
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidInput(f"{name} does not fit together ({detail}); nothing was restored.",
                           field="file") from None


__all__ = ["backup_database", "restore_database", "applied_migrations", "database_is_empty",
           "FORMAT", "VERSION"]
