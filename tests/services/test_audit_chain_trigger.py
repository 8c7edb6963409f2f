"""PostgreSQL chains audit events itself (migration 0014): its JSON string
escaping and its hash are Python's to the byte, for any text, and events it
chains interleave with events chained in Python, one desk or many at once,
into one chain check_audit_chain accepts. SQLite keeps chaining in Python."""
import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from booking_desktop import db, models, services
from booking_desktop.audit_chain import event_hash, next_link
from booking_desktop.models import AuditEvent
from booking_desktop.services import _tx
from booking_desktop.services.integrity import check_audit_chain
from tests.helpers import audit_events, day_slots, sql
from tests.workers import audit_worker, run_processes

# Every kind of character the escaping treats differently, and some it does not.
_CHARACTERS = [
    '"', "\\", "/", "'", " ", "a", "Z", "0", "{", "}", "[", ",", ":", "%", "?", "$", "~",
    "\b", "\f", "\n", "\r", "\t", "\x01", "\x07", "\x0b", "\x1b", "\x1f", "\x7f", "\x80",
    "\x9f", "\xa0", "é", "ß", "Ø", "Ω", "ж", "€", "\u0301", "中", "文", "ｶ", "\u2028",
    "\u2029", "\ufeff", "\ufffd", "\uffff", "\U00010000", "😀", "👩\u200d👩\u200d👧",
    "\U0001f1e9\U0001f1ea", "\U0010ffff",
]
_NAMED = ["", " ", '"', "\\", '\\"', "\x7f", "Zoë", "José Müller", "王小明", "😀", "a\u0000"[:1],
          '{"name": "Zoë \\"Z\\""}', "line\nbreak\ttab", "\U0010ffff\uffff"]


def fuzz_texts(count: int, seed: int) -> list[str]:
    draw = random.Random(seed)
    texts = list(_NAMED)
    while len(texts) < count:
        texts.append("".join(draw.choice(_CHARACTERS) for _ in range(draw.randint(0, 40))))
    return texts


@pytest.fixture
def postgres(database):
    if not db.is_postgres():
        pytest.skip("SQLite chains events in Python (it has no SHA-256 in SQL)")
    return database


def test_the_database_writes_a_json_string_as_python_does(postgres):
    texts = fuzz_texts(3000, seed=9)
    rows = sql("SELECT t, audit_json_string(t) FROM unnest(?::text[]) WITH ORDINALITY "
               "AS u(t, n) ORDER BY n", texts).fetchall()
    assert [t for t, _ in rows] == texts
    wrong = [(t, escaped) for t, escaped in rows if escaped != json.dumps(t)]
    assert wrong == []


def test_the_database_hashes_an_event_as_python_does(postgres):
    draw = random.Random(14)
    texts = fuzz_texts(400, seed=14)
    events = []
    for n, text in enumerate(texts):
        at = (datetime(2030, 3, 4, 6, 0, tzinfo=timezone.utc)
              + timedelta(seconds=draw.randint(-10**9, 10**9), microseconds=draw.choice(
                  [0, 1, 999999, draw.randint(0, 999999)])))
        details = json.dumps({"customer_name": text, "n": n}, sort_keys=True, ensure_ascii=False)
        events.append((draw.randint(1, 2**31 - 1), at, draw.choice([None, 1, 2**31 - 1]),
                       text[:64] or "booking.create", draw.choice(["booking", "slot", text]),
                       draw.choice([None, 0, n]), details,
                       draw.choice([None, event_hash(n, at, None, "a", "b", None, "{}", None)])))
    for event in events:
        event_id, at, *rest = event
        stored = sql("SELECT audit_event_hash(?, ?::timestamp, ?, ?, ?, ?, ?, ?)", event_id,
                     at.astimezone(timezone.utc).replace(tzinfo=None), *rest).fetchone()[0]
        assert stored == event_hash(*event), event


def _python_chained(n: int, text: str, at: datetime) -> None:
    """An event chained in Python, as _tx.audit did before migration 0014."""
    event_id, prev_hash = next_link(models.database.obj)
    AuditEvent.insert(id=event_id, at=at, user=None, action="test.python", entity="test",
                      entity_id=n, details=text, prev_hash=prev_hash,
                      hash=event_hash(event_id, at, None, "test.python", "test", n, text,
                                      prev_hash)).execute()


def test_events_chained_by_the_database_and_in_python_make_one_chain(database, business, owner,
                                                                     now):
    """Both backends: mutations, events with any text, and on PostgreSQL
    events chained in Python between events the trigger chained."""
    slots = day_slots(business, now=now, capacity=50)
    for n, text in enumerate(fuzz_texts(240, seed=3)):
        match n % 4:
            case 0:
                printable = "".join(c for c in text if c.isprintable())[:20]
                services.create_booking(slots[n % len(slots)], f"Zoë {printable}".strip(),
                                        by=owner, now=now)
            case 1:
                _tx.run_write(lambda n=n, text=text: _tx.audit(owner, "test.event", "test", n,
                                                               at=now, text=text))
            case 2:
                _tx.run_write(lambda n=n, text=text: _python_chained(n, text, now))
            case 3:
                with models.database.atomic():  # several events in one transaction
                    _tx.audit(None, "test.first", "test", n, text=text)
                    _python_chained(n, text, now)
                    _tx.audit(None, "test.last", "test", None, text=text[::-1])
    events = audit_events()
    assert [e.id for e in events] == sorted(e.id for e in events)
    status = check_audit_chain()
    assert (status.intact, status.events, status.message) == (True, len(events), None)
    assert len(audit_events("test.last")) == 60


def test_a_raw_insert_without_a_hash_is_not_chained(postgres, business, now):
    """Only the marker asks the database to chain an event: a raw INSERT
    that leaves the hash out stays visible as written around the chain."""
    services.set_slot_blocked(day_slots(business, now=now)[0], True, now=now)
    sql("INSERT INTO audit_event (at, action, entity, details) "
        "VALUES ('2030-03-04 06:00:00', 'raw', 'test', '{}')")
    newest = audit_events()[-1]
    assert (newest.action, newest.prev_hash, newest.hash) == ("raw", None, None)
    assert check_audit_chain().broken_at == newest.id


@pytest.mark.slow
def test_concurrent_desks_writing_events_every_way_keep_one_chain(postgres, db_url, business,
                                                                  now):
    slots = day_slots(business, now=now, capacity=40)
    workers, texts = 6, fuzz_texts(60, seed=21)
    outcomes, exit_codes = run_processes(
        audit_worker, lambda n, barrier, results: (db_url, n, [s.id for s in slots], texts,
                                                   now.isoformat(), barrier, results), workers)
    assert exit_codes == [0] * workers
    crashes = [detail for rows in outcomes.values() for (_, kind, detail) in rows
               if kind != "ok"]
    assert not crashes, crashes[0]
    written = sum(detail for rows in outcomes.values() for (_, _, detail) in rows)
    assert written > 0
    status = check_audit_chain()
    assert status.intact, status.message
    assert len(audit_events("test.database")) == len(audit_events("test.python")) == 20 * workers
    assert services.check_integrity() == []


def test_the_migration_is_undone_and_done_again(postgres, business, now):
    functions = ("SELECT count(*) FROM pg_proc WHERE proname IN ('audit_json_string', "
                 "'audit_event_hash', 'audit_event_chain') AND pronamespace = "
                 "current_schema()::regnamespace")
    assert sql(functions).fetchone()[0] == 3
    # undone newest first, 0014 last (later migrations go with it)
    direction, undone = db.migrate_to("0013_notify_changes")
    assert direction == "down" and undone[-1] == "0014_audit_chain_in_database"
    assert sql(functions).fetchone()[0] == 0
    _tx.run_write(lambda: _python_chained(1, "before 0014", now))
    assert db.migrate_to() == ("up", undone[::-1])
    services.set_slot_blocked(day_slots(business, now=now)[0], True, now=now)
    assert check_audit_chain().intact
