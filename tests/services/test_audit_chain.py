"""The audit log is a hash chain: every event carries the hash of the one
before it and of its own content, and `check` reports the first event that
was changed, removed or slipped in afterwards, even by someone with full
rights who switched the append-only triggers off. Both backends."""
import threading

import peewee
import pytest

from booking_desktop import db, models, services
from booking_desktop.audit_chain import event_hash
from booking_desktop.models import AuditEvent
from booking_desktop.services.integrity import check_audit_chain, rebuild_audit_chain
from tests.helpers import MONDAY, audit_events, day_slots, sql


@pytest.fixture
def history(database, business, owner, now):
    """A few days' worth of audit events: business, hours, slots, bookings."""
    slots = day_slots(business, now=now, capacity=3)
    bookings = [services.create_booking(slot, f"Customer {n}", by=owner, now=now)
                for n, slot in enumerate(slots[:4])]
    services.cancel_booking(bookings[0], "ill", by=owner, now=now)
    events = audit_events()
    assert len(events) >= 8
    return events


def _content(event: AuditEvent) -> tuple:
    return (event.id, event.at, event.user_id, event.action, event.entity, event.entity_id,
            event.details)


def _switch_off_append_only():
    """What someone with full rights on the database can do."""
    if db.is_postgres():
        sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
    else:
        for trigger in ("audit_event_no_update", "audit_event_no_delete",
                        "audit_event_no_replace"):
            sql(f"DROP TRIGGER {trigger}")


def _insert_raw(event_id, details, prev_hash, hash_):
    sql("INSERT INTO audit_event (id, at, user_id, action, entity, entity_id, details, "
        "prev_hash, hash) VALUES (?, ?, NULL, 'booking.cancel', 'booking', 1, ?, ?, ?)",
        event_id, "2030-03-04 06:00:00.000000", details, prev_hash, hash_)


def _forged_hash(event_id, details, prev_hash):
    return event_hash(event_id, "2030-03-04 06:00:00", None, "booking.cancel", "booking", 1,
                      details, prev_hash)


def test_every_event_links_to_the_one_before_and_hashes_its_content(history, run, db_url):
    previous = None
    for event in history:
        assert event.prev_hash == previous
        assert event.hash == event_hash(*_content(event), event.prev_hash)
        previous = event.hash
    status = check_audit_chain()
    assert (status.intact, status.events, status.message) == (True, len(history), None)

    assert run("check", "--db", db_url)[:2] == (0, "No problems found.\n")


def test_an_edited_event_is_reported(history, run, db_url):
    middle = history[len(history) // 2]
    _switch_off_append_only()
    sql("UPDATE audit_event SET details = ? WHERE id = ?", '{"reason": "none"}', middle.id)

    status = check_audit_chain()
    message = (f"Audit event {middle.id} was changed or removed after it was written "
               "(its hash does not match).")
    assert (status.intact, status.broken_at, status.message) == (False, middle.id, message)
    code, out, err = run("check", "--db", db_url)
    assert (code, out, err) == (1, message + "\n", "")


def test_an_edited_event_given_a_new_hash_breaks_the_next_link(history):
    middle, after = history[3], history[4]
    _switch_off_append_only()
    forged = event_hash(middle.id, middle.at, middle.user_id, middle.action, middle.entity,
                        middle.entity_id, "{}", middle.prev_hash)
    sql("UPDATE audit_event SET details = '{}', hash = ? WHERE id = ?", forged, middle.id)

    status = check_audit_chain()
    assert (status.broken_at, status.message) == (
        after.id, f"Audit event {after.id} does not follow on from event {middle.id}, the one "
                  "before it: events were removed, inserted or rewritten there.")


def test_a_removed_event_is_reported(history, run, db_url):
    before, gone, after = history[2:5]
    _switch_off_append_only()
    sql("DELETE FROM audit_event WHERE id = ?", gone.id)

    status = check_audit_chain()
    message = (f"Audit event {after.id} does not follow on from event {before.id}, the one "
               "before it: events were removed, inserted or rewritten there.")
    assert (status.broken_at, status.message) == (after.id, message)
    assert run("check", "--db", db_url)[:2] == (1, message + "\n")


def test_removing_the_first_events_is_reported(history):
    _switch_off_append_only()
    sql("DELETE FROM audit_event WHERE id <= ?", history[1].id)
    status = check_audit_chain()
    assert (status.broken_at, status.message) == (
        history[2].id, f"Audit event {history[2].id} does not follow on from the start of the "
                       "log: events were removed, inserted or rewritten there.")


def test_a_forged_event_is_reported(history):
    """Slipped in before the first event with a well-made hash: the first real
    event no longer follows on from it. Appended with a link to an older
    event (backdated): it does not follow on from the newest."""
    _insert_raw(0, '{"forged": true}', None, _forged_hash(0, '{"forged": true}', None))
    status = check_audit_chain()
    assert (status.broken_at, status.message) == (
        history[0].id, f"Audit event {history[0].id} does not follow on from event 0, the one "
                       "before it: events were removed, inserted or rewritten there.")


def test_a_backdated_event_at_the_end_is_reported(history):
    newest = history[-1].id + 1
    _insert_raw(newest, "{}", history[2].hash, _forged_hash(newest, "{}", history[2].hash))
    assert check_audit_chain().broken_at == newest


def test_an_event_written_around_the_chain_is_reported(history):
    newest = history[-1].id + 1
    _insert_raw(newest, "{}", None, None)  # as a raw INSERT without the hash columns does
    status = check_audit_chain()
    assert (status.broken_at, status.message) == (
        newest, f"Audit event {newest} has no hash: it was written around the audit log's chain.")


def test_the_append_only_triggers_still_refuse_edits_with_the_chain(history):
    event = history[3]
    for statement, params in (
            ("UPDATE audit_event SET details = '{}' WHERE id = ?", (event.id,)),
            ("UPDATE audit_event SET hash = NULL WHERE id = ?", (event.id,)),
            ("UPDATE audit_event SET prev_hash = NULL, hash = ? WHERE id = ?", ("0" * 64, event.id)),
            ("DELETE FROM audit_event WHERE id = ?", (event.id,))):
        with pytest.raises(peewee.DatabaseError, match="append-only"):
            with models.database.atomic():
                sql(statement, *params)
    assert check_audit_chain().intact


def test_an_unhashed_event_may_only_be_given_its_hash(history):
    """The one UPDATE the triggers let through: a hash for an event that has
    none (a restored old backup), with its content unchanged."""
    newest = history[-1].id + 1
    _insert_raw(newest, "{}", None, None)
    with pytest.raises(peewee.DatabaseError, match="append-only"):
        with models.database.atomic():
            sql("UPDATE audit_event SET details = '{\"x\": 1}', hash = ? WHERE id = ?",
                "0" * 64, newest)
    assert rebuild_audit_chain() == 1
    assert check_audit_chain().intact
    restored = AuditEvent.get_by_id(newest)
    assert restored.prev_hash == history[-1].hash and restored.details == "{}"
    assert rebuild_audit_chain() == 0


def test_rebuild_leaves_hashed_events_alone(history):
    _switch_off_append_only()
    sql("UPDATE audit_event SET details = '{}' WHERE id = ?", history[3].id)
    assert rebuild_audit_chain() == 0
    assert check_audit_chain().broken_at == history[3].id


def test_concurrent_writers_make_one_chain(database, business, now):
    slots = day_slots(business, now=now, capacity=40)
    errors = []

    def desk(n):
        try:
            for i in range(8):
                services.create_booking(slots[i], f"Desk {n} customer {i}", now=now)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            if db.is_postgres():
                models.database.close()

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(audit_events("booking.create")) == 32
    status = check_audit_chain()
    assert status.intact, status.message


def test_a_second_writer_waits_for_the_first_to_commit_on_postgres(database, business, now):
    """Desk A has written its event and not committed; desk B's event waits
    for A's commit and then links to A's event, not to the one before it."""
    if not db.is_postgres():
        pytest.skip("SQLite's BEGIN IMMEDIATE already queues the second writer")
    slots = day_slots(business, now=now, capacity=5)
    a_wrote, a_may_commit = threading.Event(), threading.Event()

    def desk_a():
        with models.database.atomic():
            services.create_booking(slots[0], "First", now=now)
            a_wrote.set()
            a_may_commit.wait(30)
        models.database.close()

    first = threading.Thread(target=desk_a)
    first.start()
    assert a_wrote.wait(30)
    second = threading.Thread(target=lambda: (services.create_booking(slots[1], "Second", now=now),
                                              models.database.close()))
    second.start()
    waiting = ("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
               "AND objid = 'audit_event'::regclass::oid")
    for _ in range(3000):
        if sql(waiting).fetchone()[0]:
            break
        threading.Event().wait(0.01)
    assert sql(waiting).fetchone()[0] == 1
    a_may_commit.set()
    first.join()
    second.join()
    a_event, b_event = audit_events("booking.create")
    assert b_event.prev_hash == a_event.hash
    assert check_audit_chain().intact


def test_the_migration_chains_the_events_already_there(database, business, now):
    """A database with history from before 0011: its events are chained in id
    order, and the next mutation follows on from the newest of them."""
    day_slots(business, now=now)
    db.migrate_to("0010_audit_no_replace_or_truncate")
    for n in range(3):
        sql("INSERT INTO audit_event (at, user_id, action, entity, entity_id, details) "
            "VALUES (?, NULL, 'booking.create', 'booking', ?, ?)",
            f"2030-03-04 06:0{n}:00.000000", n, f'{{"n": {n}, "name": "Zoë"}}')
    old = [row[0] for row in sql("SELECT id FROM audit_event ORDER BY id")]

    assert db.migrate_to("0011_audit_chain") == ("up", ["0011_audit_chain"])
    events = audit_events()
    assert [e.id for e in events] == old
    previous = None
    for event in events:
        assert (event.prev_hash, event.hash) == (
            previous, event_hash(*_content(event), previous))
        previous = event.hash
    db.migrate_to()  # the services work on the newest schema (db.connect migrates)
    services.set_slot_blocked(services.slots_between(business, MONDAY)[0], True, now=now)
    assert audit_events()[-1].prev_hash == previous
    assert check_audit_chain().intact


def test_a_backup_restored_keeps_its_chain(history, tmp_path):
    services.backup_database(tmp_path / "backup.json")
    db.close()
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    db.connect(target)
    services.restore_database(tmp_path / "backup.json")
    assert [(e.id, e.prev_hash, e.hash) for e in audit_events()] == [
        (e.id, e.prev_hash, e.hash) for e in history]
    assert check_audit_chain().intact
