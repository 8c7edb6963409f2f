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
    content = json.dumps([event_id, _instant(at), user_id, action, entity, entity_id, details,
                          prev_hash], separators=(",", ":"))
    return hashlib.sha256(content.encode("ascii")).hexdigest()


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


def rewrite_details(db: Database, new_details: dict[int, str]) -> int:
    """Give the events `new_details` (event id -> details text) and chain
    every event from the first of them on again, each onto the event before
    it. Rewriting history: only a migration does this, with the append-only
    triggers off (0018_customer_rights took customers' names out of the
    events written before customers existed). Returns how many events were
    rewritten (their details, or only their link and hash)."""
    if not new_details:
        return 0
    first, previous, rewritten = min(new_details), None, 0
    param = db.param
    for event_id, at, user_id, action, entity, entity_id, details, prev_hash, stored in \
            _events(db):
        if event_id < first:
            previous = stored
            continue
        details = new_details.get(event_id, details)
        hashed = event_hash(event_id, at, user_id, action, entity, entity_id, details, previous)
        if (hashed, previous) != (stored, prev_hash) or event_id in new_details:
            db.execute_sql(f"UPDATE audit_event SET details = {param}, prev_hash = {param}, "
                           f"hash = {param} WHERE id = {param}",
                           (details, previous, hashed, event_id))
            rewritten += 1
        previous = hashed
    return rewritten


# The keys under which events written before customers existed (migration
# 0017_customers) name the booked person; 0018_customer_rights took them out.
PERSONAL_KEYS = ("customer_name", "customer_email", "customer_phone")


def without_personal_data(text: str, customer_id: int | None = None) -> str | None:
    """An event's details without the person's name and contact details (the
    customer's id in their place, when known), as audit_details writes them;
    None when there are none to take out."""
    try:
        details = json.loads(text)
    except ValueError:
        return None
    if not isinstance(details, dict) or not any(k in details for k in PERSONAL_KEYS):
        return None
    for key in PERSONAL_KEYS:
        details.pop(key, None)
    if customer_id is not None and "customer" not in details:
        details["customer"] = customer_id
    return json.dumps(details, default=str, sort_keys=True, ensure_ascii=False)


def rechain_rows(events: list[dict], new_details: dict[int, str]) -> bool:
    """`rewrite_details` on events held in memory (a backup's rows, dicts
    with the audit_event columns, in id order), in place. Only a chain that
    holds as it is gets rewritten (a broken one must still show broken):
    returns whether it was. Events without a hash keep none."""
    previous = None
    for event in events:
        if event["hash"] is None:
            continue
        content = [event[c] for c in ("id", "at", "user_id", "action", "entity", "entity_id",
                                      "details")]
        if event["prev_hash"] != previous or event["hash"] != event_hash(
                *content, event["prev_hash"]):
            return False
        previous = event["hash"]
    previous = None
    for event in events:
        event["details"] = new_details.get(event["id"], event["details"])
        if event["hash"] is None:
            continue
        event["prev_hash"] = previous
        event["hash"] = previous = event_hash(
            *[event[c] for c in ("id", "at", "user_id", "action", "entity", "entity_id",
                                 "details")], previous)
    return True


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
        previous_id, previous_hash = event_id, stored
    return ChainStatus(count, None, None)
