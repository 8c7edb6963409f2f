"""Backing up the whole database to one portable JSON file, and restoring it.

A backup holds every row of every table (users, businesses, hours, special
days, slots, bookings, the audit log) with their ids and timestamps, the
format version and the migrations the schema had. It can be restored into an
empty database of either kind: a backup of an SQLite desk restores onto a
PostgreSQL server and back, row for row.

File layout (one JSON document; one row per line so large backups stay
readable and diffable)::

    {"format": "booking-desktop-backup", "version": 2, "created_at": "...",
     "migrations": ["0001_initial", ...],
    "tables": {
    "user": {"columns": ["id", ...], "rows": [
    [1, ...],
    ...
    ], "count": 1},
    ...
    },
    "sha256": "<64 hex digits>"}

Values are JSON numbers, strings, true/false and null: instants as ISO 8601
with their UTC offset, dates as YYYY-MM-DD, times of day as HH:MM:SS.

The last line holds the SHA-256 of the file's UTF-8 bytes before it. Restore
checks it first, so a backup cut short (a full disk, an interrupted copy) or
edited since it was made is refused whole. It guards against accidents, not
against someone who means harm (anyone can compute a SHA-256): that is why
restore also trusts nothing else in the file (see `backup_checks`): every
value goes through the services' validators, derived columns are worked out
again, and the restored data must keep every booking rule.

Version 1 (before the checksum) is still restored, through all the same
checks: those are the backups people hold from the previous release, and
refusing them would strand their data, while the checksum would add nothing
the checks do not already refuse (a cut-short file is not valid JSON or lacks
tables or rows its counts declare). A version-2 file without its checksum
line is refused as changed.
"""
import hashlib
import json
import os
import re
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from peewee import DataError, IntegrityError, Model

from .. import audit_redaction, models
from ..audit_chain import event_hash
from ..clock import utcnow
from ..customer_links import link_unlinked_bookings
from ..errors import QT_TRANSLATE_NOOP, InvalidInput
from ..models import ALL_MODELS, Business, User
from ._tx import audit, current_time, require_owner, run_write
from .backup_checks import not_a_backup, plan_restore
from .files import atomic_file
from .hours import reclose_slots
from .integrity import check_audit_chain, check_integrity
from .tables import (
    applied_migrations,
    database_is_empty,
    insert_rows,
    reset_sequences,
    rows_in_id_order,
    snapshot,
    table_fields,
)

FORMAT = "booking-desktop-backup"
# The audit event a backup leaves (services.health reads the newest one).
BACKUP_ACTION = "database.backup"
VERSION = 2
# The last line of a version-2 backup: the SHA-256 of everything before it.
_CHECKSUM_LINE = re.compile(r'"sha256": "([0-9a-f]{64})"\}\n?')


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


def _write_table(out: IO[str], model: type[Model]) -> int:
    columns = [f.column_name for f in table_fields(model)]
    out.write(f"{json.dumps(model._meta.table_name)}: {{\"columns\": {json.dumps(columns)}, "
              "\"rows\": [")
    count = 0
    for row in rows_in_id_order(model):
        out.write(",\n" if count else "\n")
        out.write(json.dumps([_to_json(value) for value in row], ensure_ascii=False))
        count += 1
    out.write(f"\n], \"count\": {count}}}")
    return count


class _Summing:
    """Passes text on to a file while taking the SHA-256 of its UTF-8 bytes."""

    def __init__(self, out: IO[str]):
        self.out, self.sha256 = out, hashlib.sha256()

    def write(self, text: str) -> None:
        self.sha256.update(text.encode("utf-8"))
        self.out.write(text)


def _write_backup(out: IO[str]) -> dict[str, int]:
    counts = {}
    summed = _Summing(out)
    with snapshot():
        header = {"format": FORMAT, "version": VERSION,
                  "created_at": _to_json(utcnow()), "migrations": applied_migrations()}
        summed.write(json.dumps(header, ensure_ascii=False)[:-1] + ",\n\"tables\": {\n")
        for i, model in enumerate(ALL_MODELS):
            if i:
                summed.write(",\n")
            counts[model._meta.table_name] = _write_table(summed, model)
        summed.write("\n},\n")
    out.write(f'"sha256": "{summed.sha256.hexdigest()}"}}\n')
    return counts


def backup_database(path_or_file: str | os.PathLike | IO[str], by: User | None = None,
                    now: datetime | None = None) -> dict[str, int]:
    """Write every row of every table of the connected database as JSON to a
    file path or an open text file. Rows are streamed table by table, read in
    one snapshot so the backup is consistent while others keep working. A path
    is written to a temporary file first and renamed at the end, so a failed
    backup never leaves a half-written file under the real name.

    Once written, the backup is recorded in the audit log ("database.backup",
    after the snapshot, so the backup does not hold its own event): the
    Health window tells the owner when the last one was made (`now`, the
    time recorded; the database's clock by default).

    Owner only (None is the system). Returns the number of rows per table.
    Raises PermissionDenied, and OSError when the file cannot be written.
    """
    require_owner(by, "make a backup")
    # Not retried like other reads: a retry would write the rows twice.
    if hasattr(path_or_file, "write"):
        counts = _write_backup(path_or_file)
        name = getattr(path_or_file, "name", None)
    else:
        # Readable by its owner only: it holds password hashes and customers' details.
        with atomic_file(path_or_file, "w", what=QT_TRANSLATE_NOOP("errors", "backup"),
                         encoding="utf-8", newline="\n") as out:
            counts = _write_backup(out)
        name = os.path.abspath(path_or_file)
    _record_backup(by, name if isinstance(name, str) else None, counts, now)
    return counts


def _record_backup(by: User | None, file: str | None, counts: dict[str, int],
                   now: datetime | None) -> None:
    def work():
        audit(by, BACKUP_ACTION, "database", None, at=current_time(now), file=file,
              rows=sum(counts.values()))
    run_write(work)


# --- reading -------------------------------------------------------------------

_HEADER_KEYS = {"format", "version", "created_at", "migrations", "tables", "sha256"}


def _changed(name: str) -> InvalidInput:
    return InvalidInput(f"{name} has been changed or cut short since it was made; nothing was "
                        "restored.", field="file")


def _read_text(path_or_file) -> tuple[str, str]:
    """The file's text and a name for messages."""
    if hasattr(path_or_file, "read"):
        return getattr(path_or_file, "name", "The backup"), path_or_file.read()
    name = str(path_or_file)
    try:
        return name, Path(path_or_file).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"There is no backup file at {name}.", field="file") from None
    except UnicodeDecodeError:
        raise not_a_backup(name, "it is not a text file") from None
    except OSError as exc:
        raise InvalidInput(f"Cannot read {name}: {exc.strerror or exc}.", field="file") from None


def _verified(name: str, text: str) -> bool:
    """Whether the text ends in its checksum line; InvalidInput when that
    line does not match what comes before it."""
    at = text.rfind('\n"sha256": ')
    found = _CHECKSUM_LINE.fullmatch(text, at + 1) if at >= 0 else None
    if found is None:
        return False
    if hashlib.sha256(text[:at + 1].encode("utf-8")).hexdigest() != found.group(1):
        raise _changed(name)
    return True


def _load(path_or_file) -> tuple[str, dict]:
    """The parsed backup and a name for messages. Raises InvalidInput for a
    missing, unreadable, malformed, cut-short or edited file."""
    name, text = _read_text(path_or_file)
    verified = _verified(name, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if not verified and text.startswith('{"format": "booking-desktop-backup"'):
            raise _changed(name) from None
        raise not_a_backup(name, f"it is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:  # a backup nests five deep; this is something else
        raise not_a_backup(name, "it is nested too deeply") from None
    _check_header(name, data, verified)
    return name, data


def _check_header(name: str, data, verified: bool) -> None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise not_a_backup(name, "the file does not say it is one")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise not_a_backup(name, "it has no format version")
    if version > VERSION:
        raise InvalidInput(f"{name} was made by a newer version of Booking Desktop "
                           f"(backup format {version}); update this program first.", field="file")
    if version >= 2 and not verified:
        raise _changed(name)
    if not isinstance(data.get("tables"), dict) or not isinstance(data.get("migrations"), list):
        raise not_a_backup(name, "its tables are missing")
    unknown = sorted(map(str, set(data) - _HEADER_KEYS))
    if unknown:
        raise not_a_backup(name, f"it has parts this version does not know: {', '.join(unknown)}")
    known = set(applied_migrations())
    newer = [m for m in data["migrations"] if m not in known]
    if newer:
        raise InvalidInput(f"{name} was made by a newer version of Booking Desktop (its database "
                           f"has {', '.join(map(str, newer))}); update this program first.",
                           field="file")


def _close_slots_outside_hours() -> None:
    """What the restored hours decide for every future slot, as each change
    of the hours does (see `hours.reclose_slots`), never what the file says:
    a slot the file calls open on a holiday would take bookings. A backup
    from before slots carried `closed_reason` (migration 0008) gets it the
    same way. Past slots keep theirs (nothing can be booked in them, and the
    hours may have changed since). Nothing is removed: the restore keeps
    every row of the backup."""
    moment = current_time()
    for business in Business.select():
        reclose_slots(business, None, moment)


def _without_personal_data(plan) -> audit_redaction.Redaction | None:
    """A backup made before migration 0018: its audit events written before
    customers existed name the booked person; they lose the name as 0018
    took it out of the database's own events, and the chain is worked out
    again (an event that did not hold still does not: such a backup is
    refused). In place, before anything is inserted. Returns what was done,
    for the `audit.redact` event the restore appends."""
    table = next(t for t in plan if t.model is models.AuditEvent)
    columns = [f.column_name for f in table.fields]
    booking = next(t for t in plan if t.model is models.Booking)
    booking_columns = [f.column_name for f in booking.fields]
    customer_of = {}
    if "customer_id" in booking_columns:
        at_id, at_customer = booking_columns.index("id"), booking_columns.index("customer_id")
        customer_of = {row[at_id]: row[at_customer] for row in booking.rows}
    events = sorted((dict(zip(columns, row, strict=True)) for row in table.rows),
                    key=lambda event: event["id"])
    changed = {}
    for event in events:
        customer = customer_of.get(event["entity_id"]) if event["entity"] == "booking" else None
        details = audit_redaction.without_personal_data(event["details"], customer)
        if details is not None:
            changed[event["id"]] = details
    redaction = audit_redaction.redact_rows(events, changed)
    if redaction is not None:
        table.rows[:] = [tuple(event[c] for c in columns) for event in events]
    return redaction


def _chained_before_insert(plan) -> None:
    """A backup made before migration 0011 has no hashes: its events are
    chained here, in id order, before anything is inserted, as 0011 chained
    a database's own (so a restore never updates an audit event). A backup
    that has the hashes keeps them: an event without one was written around
    the chain, and the chain's check refuses it."""
    table = next(t for t in plan if t.model is models.AuditEvent)
    columns = [f.column_name for f in table.fields]
    if "hash" in columns:
        return
    events = sorted((dict(zip(columns, row, strict=True)) for row in table.rows),
                    key=lambda event: event["id"])
    previous = None
    for event in events:
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(
            event["id"], event["at"], event["user_id"], event["action"], event["entity"],
            event["entity_id"], event["details"], previous)
    table.fields.extend(f for f in (models.AuditEvent.prev_hash, models.AuditEvent.hash)
                        if f.column_name not in columns)
    table.rows[:] = [tuple(event[f.column_name] for f in table.fields) for event in events]


def restore_database(path_or_file: str | os.PathLike | IO[str], by: User | None = None
                     ) -> dict[str, int]:
    """Put a backup into the connected database, which must be empty (freshly
    created). Everything goes in one transaction with the ids and timestamps of
    the backup, so the result is identical to the database that was backed up;
    on any problem nothing is restored. The restore writes no audit event of
    its own: that would make the data differ from the backup (the audit log is
    append-only, so one cannot be removed afterwards either). Except for a
    backup made before migration 0018: its events lose the booked names as
    0018 took them out of the database's own, and the restore appends the
    `audit.redact` event recording that (booking_desktop.audit_redaction).

    Only what the services themselves could have written is restored: the
    file's checksum, structure and every value are checked before anything
    is written (see the module docstring and `backup_checks`), derived
    columns are worked out again, future slots are closed or opened by the
    restored hours, and the counters must equal the active bookings. A
    column the backup lacks gets its default; a backup made before customers
    existed gets them from its bookings, as migration 0017 made them.

    Owner only (None is the system). Returns the number of rows per table.
    Raises InvalidInput (no such file, not a backup, changed or cut short,
    made by a newer version, the database already holds data, a value the
    services would refuse, rows that do not fit together or break the
    booking rules), PermissionDenied.
    """
    require_owner(by, "restore a backup")
    name, data = _load(path_or_file)
    plan = plan_restore(name, data["tables"], data["migrations"])
    # A backup from before customers existed (migration 0017): its bookings
    # get customers as the migration gave the bookings it found.
    make_customers = "customer" not in data["tables"]
    redaction = (_without_personal_data(plan) if "0018_customer_rights" not in data["migrations"]
                 else None)
    _chained_before_insert(plan)

    def work():
        if not database_is_empty():
            raise InvalidInput("This database already holds data; a backup can only be restored "
                               "into a new, empty database. Nothing was changed.", field="db")
        counts = {table.model._meta.table_name: insert_rows(table.model, table.fields, table.rows)
                  for table in plan}
        if make_customers:
            link_unlinked_bookings(models.database.obj)
        reset_sequences()
        _close_slots_outside_hours()
        # A chain the backup carries (or that was worked out for it above)
        # must hold, like every other value in it.
        if redaction is not None:  # recorded as 0018 records its own
            audit(None, audit_redaction.ACTION, "audit_event", redaction.first,
                  **redaction.details("restore of a backup made before 0018_customer_rights"))
        chain = check_audit_chain()
        if not chain.intact:
            raise InvalidInput(f"{name} cannot be restored: {chain.message} Nothing was "
                               "restored.", field="file")
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


__all__ = ["BACKUP_ACTION", "backup_database", "restore_database",
           "applied_migrations", "database_is_empty",
           "FORMAT", "VERSION"]
