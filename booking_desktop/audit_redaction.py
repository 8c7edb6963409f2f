"""The one rewrite the audit log has had: personal data out of the events
written before customers existed (migration 0018_customer_rights, and a
restore of a backup made before it).

Before 0017_customers, `booking.create` named the booked person in its
details (`customer_name`). An erased customer's name must be found nowhere,
and the running program never changes an audit event (the append-only
triggers refuse it; services only append). So these details are rewritten
once, by the migration: the name goes, the booking's customer id takes its
place, as booking.create has written since 0017. The details are part of
each event's hash, so every event from the first one rewritten on gets a new
link and hash (`relink`).

What keeps this honest:
- it is recorded: one `audit.redact` event appended to the rewritten chain
  names the head of the chain as it was (event id and hash: whoever noted
  that hash can match it), how many events lost personal data and how many
  were chained again, and which keys were taken out;
- it launders nothing: an event whose hash did not hold, or whose link did
  not, before the rewrite keeps its stored hash or link (an event without a
  hash keeps none), and the record notes the first such event, which
  `audit_chain.verify` reports even if the event's new content happened to
  match its old hash (a backup whose names were slipped in is refused);
- `main.py check` walks the chain as always and lists the redaction.
It cannot be undone: the names are gone, which is its purpose.
"""
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from peewee import Database, PostgresqlDatabase

from .audit_chain import COLUMNS, REDACT_ACTION, append_event, event_hash
from .clock import utcnow

ACTION = REDACT_ACTION
# The keys under which events written before customers existed (0017) name
# the booked person.
PERSONAL_KEYS = ("customer_name", "customer_email", "customer_phone")
_BATCH = 5000


def without_personal_data(text: str, customer_id: int | None = None) -> str | None:
    """An event's details without the person's name and contact details (the
    customer's id in their place, when known), as audit_details writes them;
    None when there are none to take out."""
    try:
        details = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(details, dict) or not any(k in details for k in PERSONAL_KEYS):
        return None
    for key in PERSONAL_KEYS:
        details.pop(key, None)
    if customer_id is not None and "customer" not in details:
        details["customer"] = customer_id
    return _DETAILS.encode(details)


# json.dumps(details, default=str, sort_keys=True, ensure_ascii=False), as
# _tx.audit_details writes them, built once.
_DETAILS = json.JSONEncoder(default=str, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Redaction:
    """What a rewrite did, as its `audit.redact` event records it."""
    redacted: int  # events that lost personal data
    rechained: int  # further events that got a new link and hash only
    first: int  # the first event rewritten
    head: int  # the newest event before the record
    previous_head_hash: str | None  # its hash before the rewrite
    broken_at: int | None  # the first event that did not hold before (and still does not)

    def details(self, by: str) -> dict:
        return {"rewritten_by": by, "keys": list(PERSONAL_KEYS), "events_redacted": self.redacted,
                "events_rechained": self.rechained, "from_event": self.first,
                "to_event": self.head, "previous_head_hash": self.previous_head_hash,
                "chain_broken_at": self.broken_at}


class Relinker:
    """Works out the events' new details, links and hashes, in id order.
    `redact(event id, details, customer id)`: the details without personal
    data, or None to keep them."""

    def __init__(self, redact: Callable[[int, str, int | None], str | None],
                 previous: str | None = None) -> None:
        self.redact = redact
        # The hash of the event before the first one given, as stored (events
        # before it keep theirs, so old and new agree).
        self.old_previous = self.new_previous = previous
        self.broken_at: int | None = None
        self.first: int | None = None
        self.redacted = self.rechained = 0
        self.head: tuple[int, str | None] | None = None

    def rows(self, events: Iterable[tuple]) -> Iterator[tuple]:
        """`events`: audit_chain.COLUMNS and the booking's customer id. Yields
        (id, details, prev_hash, hash) of each event that changes."""
        for (event_id, at, user_id, action, entity, entity_id, details, prev_hash, stored,
             customer) in events:
            self.head = (event_id, stored)
            text = self.redact(event_id, details, customer) or details
            if stored is None:  # written around the chain: it stays so
                link, hashed = prev_hash, None
                self._broken(event_id)
            else:
                linked = prev_hash == self.old_previous
                held = stored == event_hash(event_id, at, user_id, action, entity, entity_id,
                                            details, prev_hash)
                if not (linked and held):
                    self._broken(event_id)
                link = self.new_previous if linked else prev_hash
                hashed = (event_hash(event_id, at, user_id, action, entity, entity_id, text,
                                     link) if held else stored)
            if (text, link, hashed) != (details, prev_hash, stored):
                if text != details:
                    self.redacted += 1
                    if self.first is None:
                        self.first = event_id
                else:
                    self.rechained += 1
                yield event_id, text, link, hashed
            self.old_previous, self.new_previous = stored, hashed

    def _broken(self, event_id: int) -> None:
        if self.broken_at is None:
            self.broken_at = event_id

    def redaction(self) -> Redaction | None:
        """What was done; None when no event lost personal data."""
        if not self.redacted:
            return None
        head_id, head_hash = self.head
        return Redaction(self.redacted, self.rechained, self.first, head_id, head_hash,
                         self.broken_at)


# --- in the database (the migration) -----------------------------------------------

def _redact_stored(event_id: int, details: str, customer: int | None) -> str | None:
    # Most details hold no "customer_…" key at all: no JSON to parse for them.
    return without_personal_data(details, customer) if '"customer_' in details else None


def _first_naming(db: Database) -> int | None:
    """The id of the first event whose details may name someone (checked
    exactly in Python afterwards)."""
    like = " OR ".join(f"details LIKE {db.param}" for _ in PERSONAL_KEYS)
    return db.execute_sql(f"SELECT MIN(id) FROM audit_event WHERE {like}",
                          tuple(f'%"{key}"%' for key in PERSONAL_KEYS)).fetchone()[0]


def _events_with_customers(db: Database, after: int) -> Iterator[tuple]:
    """Every event after the id `after`, in id order, with the customer of
    the booking it is about: a page at a time."""
    columns = ", ".join(f"e.{c.strip()}" for c in COLUMNS.split(","))
    while True:
        rows = db.execute_sql(
            f"SELECT {columns}, b.customer_id FROM audit_event e LEFT JOIN booking b "
            f"ON e.entity = 'booking' AND b.id = e.entity_id WHERE e.id > {db.param} "
            f"ORDER BY e.id LIMIT {_BATCH}", (after,)).fetchall()
        yield from rows
        if len(rows) < _BATCH:
            return
        after = rows[-1][0]


def _chunks(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _rewrite(db: Database, rows: Iterator[tuple]) -> None:
    """Give the events `rows` ((id, details, prev_hash, hash)) in one UPDATE
    from a temporary table, the append-only trigger off for it."""
    postgres = isinstance(db, PostgresqlDatabase)
    db.execute_sql("CREATE TEMPORARY TABLE audit_rewrite (id BIGINT PRIMARY KEY, details TEXT, "
                   "prev_hash VARCHAR(64), hash VARCHAR(64))"
                   + (" ON COMMIT DROP" if postgres else ""))
    source = "audit_rewrite" if postgres else "temp.audit_rewrite"
    for batch in _chunks(rows):
        if postgres:
            with db.cursor().copy("COPY audit_rewrite (id, details, prev_hash, hash) "
                                  "FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            db.cursor().executemany(f"INSERT INTO {source} VALUES (?, ?, ?, ?)", batch)
    update = (f"UPDATE audit_event SET details = r.details, prev_hash = r.prev_hash, "
              f"hash = r.hash FROM {source} r WHERE r.id = audit_event.id")
    if postgres:
        db.execute_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        db.execute_sql(update)
        db.execute_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")
    else:
        [trigger] = db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                                   "name = 'audit_event_no_update'").fetchone()
        db.execute_sql("DROP TRIGGER audit_event_no_update")
        db.execute_sql(update)
        db.execute_sql(trigger)
    db.execute_sql(f"DROP TABLE {source}")


def redact_database(db: Database, by: str, at: datetime | None = None) -> Redaction | None:
    """Take personal data out of the events that hold it, chain the log again
    from the first of them, and append the `audit.redact` event recording it.
    Call inside a migration's transaction. Reads and writes a page at a time.
    None when no event names anyone (nothing is changed then)."""
    first = _first_naming(db)
    if first is None:
        return None
    row = db.execute_sql(f"SELECT hash FROM audit_event WHERE id < {db.param} "
                         "ORDER BY id DESC LIMIT 1", (first,)).fetchone()
    relinker = Relinker(_redact_stored, row[0] if row else None)
    _rewrite(db, relinker.rows(_events_with_customers(db, first - 1)))
    redaction = relinker.redaction()
    if redaction is not None:
        append_event(db, at or utcnow(), None, ACTION, "audit_event", redaction.first,
                     json.dumps(redaction.details(by), sort_keys=True, ensure_ascii=False))
    return redaction


# --- in memory (a backup's rows) ------------------------------------------------------

def redact_rows(events: list[dict], new_details: dict[int, str]) -> Redaction | None:
    """The same on a backup's audit events (dicts with audit_event's columns,
    in id order), in place. None when there was nothing to take out."""
    if not new_details:
        return None
    if events and "hash" not in events[0]:  # made before the chain (0011): chained when restored
        for event in events:
            event["details"] = new_details.get(event["id"], event["details"])
        return Redaction(len(new_details), 0, min(new_details), events[-1]["id"], None, None)
    columns = [c.strip() for c in COLUMNS.split(",")]
    relinker = Relinker(lambda event_id, _details, _customer: new_details.get(event_id))
    changed = {row[0]: row for row in relinker.rows(
        (*(event[c] for c in columns), None) for event in events)}
    for event in events:
        if event["id"] in changed:
            _, event["details"], event["prev_hash"], event["hash"] = changed[event["id"]]
    return relinker.redaction()


def redactions(db: Database) -> list[tuple[int, datetime, dict]]:
    """The rewrites recorded in the log: (event id, when, details)."""
    return [(event_id, at, json.loads(details)) for event_id, at, details in db.execute_sql(
        f"SELECT id, at, details FROM audit_event WHERE action = {db.param} ORDER BY id",
        (ACTION,)).fetchall()]


__all__ = ["ACTION", "PERSONAL_KEYS", "Redaction", "Relinker", "without_personal_data",
           "redact_database", "redact_rows", "redactions"]
