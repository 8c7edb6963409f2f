"""The audit log's hash chain (migration 0011).

Each event stores `prev_hash`, the hash of the event before it (NULL for the
first), and `hash`, the SHA-256 of its own content and that link. An event
changed, removed or slipped in afterwards breaks the chain where it happened,
even when whoever did it could switch off the append-only triggers.

The serialisation below is part of the stored data: changing it would break
every chain already written, so it never changes without a migration.
"""
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from peewee import Database, PostgresqlDatabase

from .clock import UTC

COLUMNS = "id, at, user_id, action, entity, entity_id, details, prev_hash, hash"
# Inserted as the hash on PostgreSQL, it asks the database to chain the event
# (migration 0014: a trigger sets id, prev_hash and hash as next_link and
# event_hash below would). Never a stored hash: the trigger replaces it.
CHAINED_BY_DATABASE = ""
_PAGE = 5000
# An event recording a rewrite of the log (booking_desktop.audit_redaction).
REDACT_ACTION = "audit.redact"


def _instant(value: datetime | str) -> str:
    """`at` as UTC text with microseconds, whichever way the backend returns it
    (SQLite: text; PostgreSQL: a naive timestamp; the models: an aware one)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep=" ", timespec="microseconds")


def event_hash(event_id: int, at, user_id: int | None, action: str, entity: str,
               entity_id: int | None, details: str, prev_hash: str | None) -> str:
    """PostgreSQL's audit_event_hash() (migration 0014) computes the same."""
    content = _COMPACT.encode([event_id, _instant(at), user_id, action, entity, entity_id,
                               details, prev_hash])
    return hashlib.sha256(content.encode("ascii")).hexdigest()


# What json.dumps(value, separators=(",", ":")) builds on every call, built
# once (the same output; a walk of the chain hashes every event).
_COMPACT = json.JSONEncoder(separators=(",", ":"))


def next_link(db: Database) -> tuple[int, str | None]:
    """The id the next event takes and the hash it links to. Call inside the
    transaction that inserts the event: on PostgreSQL this takes a lock held
    until commit (audit_event_chain_head() in 0011), so events chain in commit
    order; on SQLite the transaction's write lock (BEGIN IMMEDIATE) does."""
    if isinstance(db, PostgresqlDatabase):
        return db.execute_sql("SELECT next_id, prev_hash FROM audit_event_chain_head()").fetchone()
    row = db.execute_sql("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
    return (1, None) if row is None else (row[0] + 1, row[1])


def _events(db: Database) -> Iterator[tuple]:
    """Every event in id order, read a page at a time."""
    after = None
    while True:
        where = "" if after is None else f"WHERE id > {db.param}"
        rows = db.execute_sql(f"SELECT {COLUMNS} FROM audit_event {where} ORDER BY id "
                              f"LIMIT {_PAGE}", () if after is None else (after,)).fetchall()
        yield from rows
        if len(rows) < _PAGE:
            return
        after = rows[-1][0]


def append_event(db: Database, at: datetime, user_id: int | None, action: str, entity: str,
                 entity_id: int | None, details: str) -> tuple[int, str]:
    """Append an event to the chain outside the services (a migration's
    record); `at` in UTC. Returns its id and hash."""
    at = datetime.fromisoformat(_instant(at))  # naive UTC, as the column holds it
    if isinstance(db, PostgresqlDatabase):
        return db.execute_sql(
            "INSERT INTO audit_event (id, at, user_id, action, entity, entity_id, details, hash) "
            "VALUES (0, %s, %s, %s, %s, %s, %s, %s) RETURNING id, hash",
            (at, user_id, action, entity, entity_id, details, CHAINED_BY_DATABASE)).fetchone()
    event_id, prev_hash = next_link(db)
    hashed = event_hash(event_id, at, user_id, action, entity, entity_id, details, prev_hash)
    db.execute_sql("INSERT INTO audit_event (id, at, user_id, action, entity, entity_id, details, "
                   "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (event_id, _instant(at), user_id, action, entity, entity_id, details,
                    prev_hash, hashed))
    return event_id, hashed


def fill_missing_hashes(db: Database) -> int:
    """Chain the events that have no hash yet (the history before 0011, or a
    restored backup made before it), each onto the event before it. Events
    that have a hash keep it. Returns how many were filled in."""
    previous, filled = None, 0
    for event_id, *content, _link, stored in _events(db):
        if stored is None:
            stored = event_hash(event_id, *content, previous)
            db.execute_sql(f"UPDATE audit_event SET prev_hash = {db.param}, hash = {db.param} "
                           f"WHERE id = {db.param}", (previous, stored, event_id))
            filled += 1
        previous = stored
    return filled


@dataclass(frozen=True)
class ChainStatus:
    events: int
    broken_at: int | None  # the first event whose link or hash does not hold
    message: str | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(db: Database) -> ChainStatus:
    """Walk the chain from the first event and stop at the first broken link."""
    count, previous_id, previous_hash = 0, None, None
    for event_id, *content, prev_hash, stored in _events(db):
        count += 1
        if stored is None:
            return ChainStatus(count, event_id, f"Audit event {event_id} has no hash: it was "
                               "written around the audit log's chain.")
        if stored != event_hash(event_id, *content, prev_hash):
            return ChainStatus(count, event_id, f"Audit event {event_id} was changed or removed "
                               "after it was written (its hash does not match).")
        if prev_hash != previous_hash:
            where = ("the start of the log" if previous_id is None
                     else f"event {previous_id}, the one before it")
            return ChainStatus(count, event_id, f"Audit event {event_id} does not follow on from "
                               f"{where}: events were removed, inserted or rewritten there.")
        if content[2] == REDACT_ACTION:
            # A rewrite chains the events again; an event that did not hold
            # before it is noted here, in case its new content happens to
            # match its old hash (the rewrite leaves its hash as it was).
            broken = _recorded_break(content[5])
            if broken is not None:
                return ChainStatus(count, broken, f"Audit event {broken} did not hold when the "
                                   f"log was rewritten (audit event {event_id} records it): it "
                                   "had been changed or removed, or written around the chain, "
                                   "before.")
        previous_id, previous_hash = event_id, stored
    return ChainStatus(count, None, None)


def _recorded_break(details: str) -> int | None:
    try:
        noted = json.loads(details)
    except ValueError:
        return None
    return noted.get("chain_broken_at") if isinstance(noted, dict) else None
