"""Customers' data rights (issue 12, phase 2), on SQLite and PostgreSQL:
everything stored about a customer exported, their erasure (found nowhere
afterwards, the audit chain intact, the reports unchanged), the retention
period with its dry run, the maintenance routine, who may do what, and the
command line."""
import csv
import json
from datetime import date, timedelta

import pytest

from booking_desktop import db, models, services
from booking_desktop.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from booking_desktop.models import AuditEvent, Booking, Customer, TimeSlot
from booking_desktop.services import _tx, desk, undo
from booking_desktop.services.integrity import check_audit_chain
from booking_desktop.services.maintenance import next_month
from booking_desktop.services.reports import booking_report
from tests.helpers import MONDAY, day_slots, details, last_audit, snapshot, sql

NAME, EMAIL, PHONE, NOTE = "Jürgen Weberknecht", "j.weberknecht@example.org", "+49 151 7734 5583", \
    "allergic to latex"
# What must be found nowhere after the erasure: the name's words, the email, the
# phone's digits, the note.
TRACES = ("Jürgen", "Weberknecht", "weberknecht", "jurgen", "j.weberknecht", "77345583",
          "7734 5583", "latex")


@pytest.fixture
def slots(business, now):
    return day_slots(business, now=now, capacity=5)


@pytest.fixture
def jurgen(slots, now, owner):
    """Jürgen: three bookings (one completed, one cancelled, one confirmed), a
    note and consent on his record; Anna, another customer, one booking."""
    made = [services.create_booking(slots[i], NAME, EMAIL, PHONE, notes=f"{NOTE} ({i})",
                                    now=now) for i in range(3)]
    services.set_booking_status(made[0], "completed", now=now + timedelta(days=1), by=owner)
    services.cancel_booking(made[1], reason="ill", now=now, by=owner)
    customer = Booking.get_by_id(made[0].id).customer_id
    services.update_customer(customer, notes=NOTE, contact_ok=True, by=owner, now=now)
    services.create_booking(slots[0], "Anna Schmidt", "anna@example.com", "030 1234567", now=now)
    return customer


def anna() -> Customer:
    return Customer.get(Customer.name == "Anna Schmidt")


# --- export ------------------------------------------------------------------------------

def test_the_export_holds_the_record_the_bookings_and_the_events_about_them(jurgen, owner,
                                                                          now):
    export = services.export_customer(jurgen, by=owner, now=now + timedelta(days=2))
    json.dumps(export)  # serialisable as it is
    assert export["customer"]["id"] == jurgen
    assert (export["customer"]["name"], export["customer"]["email"],
            export["customer"]["phone"], export["customer"]["notes"],
            export["customer"]["contact_ok"]) == (NAME, EMAIL, PHONE, NOTE, True)
    theirs = Booking.select().where(Booking.customer == jurgen).order_by(Booking.id)
    assert sorted(b["reference"] for b in export["bookings"]) == sorted(
        b.reference for b in theirs)
    first = next(b for b in export["bookings"] if b["reference"] == theirs[0].reference)
    assert (first["customer_name"], first["customer_email"], first["status"],
            first["notes"], first["source"]) == (NAME, EMAIL, "completed", f"{NOTE} (0)",
                                                 "walk_in")
    assert first["slot_start"] == theirs[0].time_slot.start.isoformat()
    assert first["created_at"] == now.isoformat()
    # Every event about them or their bookings, and no one else's.
    booking_ids = {b.id for b in theirs}
    exported = last_audit("customer.export").id  # written after the export was read
    expected = [e.id for e in AuditEvent.select().where(AuditEvent.id < exported)
                .order_by(AuditEvent.id)
                if (e.entity == "customer" and e.entity_id == jurgen)
                or (e.entity == "booking" and e.entity_id in booking_ids)]
    assert [e["id"] for e in export["audit_events"]] == expected
    assert [e["action"] for e in export["audit_events"]] == [
        "booking.create", "booking.create", "booking.create", "booking.status",
        "booking.cancel", "customer.edit"]
    assert export["audit_events"][4]["details"]["reason"] == "ill"
    assert set(export) == {"format", "version", "exported_at", "customer", "bookings",
                           "audit_events"}
    # The export itself is recorded, without the person's details.
    event = last_audit("customer.export")
    assert (event.entity, event.entity_id, event.user_id) == ("customer", jurgen, owner.id)
    assert details(event) == {"bookings": 3, "events": 6}
    assert not any(trace in event.details for trace in TRACES)


def test_the_export_is_saved_as_json_and_csv(jurgen, owner, tmp_path):
    export = services.export_customer(jurgen, by=owner)
    tmp_path = tmp_path / "export"
    tmp_path.mkdir()
    written = services.write_customer_export(export, tmp_path / "jurgen.json")
    assert [p.name for p in written] == ["jurgen.json", "jurgen-customer.csv",
                                         "jurgen-bookings.csv", "jurgen-audit.csv"]
    assert json.loads((tmp_path / "jurgen.json").read_text(encoding="utf-8")) == export
    with open(tmp_path / "jurgen-bookings.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["reference"] for r in rows) == sorted(b["reference"]
                                                          for b in export["bookings"])
    assert {r["customer_name"] for r in rows} == {NAME}
    with open(tmp_path / "jurgen-customer.csv", encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["name"], row["phone"], row["notes"]) == (NAME, PHONE, NOTE)
    with open(tmp_path / "jurgen-audit.csv", encoding="utf-8", newline="") as handle:
        audit_rows = list(csv.DictReader(handle))
    assert [r["action"] for r in audit_rows] == [e["action"] for e in export["audit_events"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in written)


# --- the audit log holds ids, not people ------------------------------------------------

def test_no_audit_event_written_since_customers_names_anyone(slots, owner, now):
    """Every audit writer since 0017 names a customer or a booking by id:
    the walk-in (on PostgreSQL its one statement, with a new customer and with
    one picked), details edited, moved, checked in, status, cancelled, the
    customer's record corrected, another record merged into it (the merge
    undone and redone), exported.
    So an erasure has nothing to take out of the log."""
    later = slots[3].end
    first = services.create_booking(slots[2], NAME, EMAIL, PHONE, notes=NOTE, by=owner, now=now)
    customer = Booking.get_by_id(first.id).customer_id
    second = services.create_booking(slots[3], NAME, by=owner, now=now, customer=customer)
    desk.update_booking_details(first, customer_name="Jürgen Q. Weberknecht",
                                customer_email="jqw@weberknecht.example",
                                customer_phone="+49 151 9988 7766", notes="latex, again",
                                by=owner, now=now)
    services.reschedule_booking(first, slots[4], by=owner, now=now)
    services.check_in_booking(second, by=owner, now=slots[3].start)
    services.set_booking_status(second, "completed", by=owner, now=later)
    services.cancel_booking(first, reason="ill", by=owner, now=now)
    services.update_customer(customer, name="Jürgen Weberknecht-Lutz", email="jwl@example.org",
                             phone="0171 5566 4433", notes="latex", contact_ok=True, by=owner,
                             now=now)
    other = services.create_booking(slots[5], "J. Weberknecht", "jw@weberknecht.example",
                                by=owner, now=now)
    merged = undo.merge_customers(customer, Booking.get_by_id(other.id).customer_id, by=owner,
                                  now=now)
    undo.reverse(undo.reverse(merged, by=owner, now=now), redo=True, by=owner, now=now)
    services.export_customer(customer, by=owner, now=now)

    actions = {e.action for e in AuditEvent.select()}
    assert {"booking.create", "booking.edit", "booking.reschedule", "booking.check_in",
            "booking.status", "booking.cancel", "customer.edit", "customer.merge",
            "customer.unmerge", "customer.export"} <= actions
    assert found_anywhere("Weberknecht")  # the test can fail
    for trace in (*TRACES, "jqw@", "99887766", "9988 7766", "Lutz", "jwl@", "55664433",
                  "jw@weberknecht"):
        assert "audit_event.details" not in found_anywhere(trace), trace


# --- erasure -----------------------------------------------------------------------------

def every_column() -> list[tuple[str, str]]:
    """(table, column) of every table of the database: the search index's
    tables too (SQLite's FTS5 table and its shadow tables)."""
    if db.is_postgres():
        return sql("SELECT table_name, column_name FROM information_schema.columns "
                   "WHERE table_schema = current_schema() ORDER BY 1, 2").fetchall()
    tables = [t for (t,) in sql("SELECT name FROM sqlite_master WHERE type = 'table' "
                                "ORDER BY name").fetchall()]
    assert {"customer_search", "customer_search_data", "customer_search_idx"} <= set(tables)
    return [(t, c[1]) for t in tables for c in sql(f'PRAGMA table_info("{t}")').fetchall()]


def found_anywhere(trace: str) -> list[str]:
    """Where the text is stored: any column of any table, whatever its type
    (cast to text: blobs too), case aside."""
    like = f"%{trace.lower()}%"
    return [f"{table}.{column}" for table, column in every_column()
            if sql(f'SELECT COUNT(*) FROM "{table}" WHERE LOWER(CAST("{column}" AS TEXT)) '
                   "LIKE ?", like).fetchone()[0]]


# SQLite's FTS5 index stores the trigrams of each text, not the text, each
# after the one before it with their common start left out: these trigrams of
# the name begin with a letter no other trigram in these tests begins with, so
# they are stored whole (where a replaced text's trigrams stay until merged).
RARE_TRIGRAMS = (b"kne", b"web")


def search_index_storage() -> bytes:
    """SQLite: the FTS5 index's storage, every block and page key of it."""
    blocks = sql("SELECT block FROM customer_search_data").fetchall()
    terms = sql("SELECT term FROM customer_search_idx").fetchall()
    return b"".join(bytes(value or b"") for (value,) in blocks + terms)


def test_an_erased_customer_is_found_nowhere_and_the_rest_stays(jurgen, owner, business, now):
    report_before = booking_report(business.id, MONDAY, MONDAY)
    slots_before = list(TimeSlot.select().order_by(TimeSlot.id).tuples())
    kept = list(Booking.select(Booking.id, Booking.reference, Booking.status, Booking.source,
                               Booking.time_slot, Booking.created_at, Booking.updated_at,
                               Booking.cancelled_at, Booking.cancel_reason)
                .where(Booking.customer == jurgen).order_by(Booking.id).tuples())
    assert found_anywhere("Weberknecht")  # the test can fail
    if not db.is_postgres():
        assert all(t in search_index_storage() for t in RARE_TRIGRAMS)

    assert services.erase_customer(jurgen, by=owner, now=now + timedelta(days=3)) == 3

    record = Customer.get_by_id(jurgen)
    label = f"Erased customer #{jurgen}"
    assert (record.name, record.email, record.phone, record.notes, record.contact_ok,
            record.email_key, record.phone_key) == (label, None, None, "", False, None, None)
    assert {(b.customer_name, b.customer_email, b.customer_phone, b.notes, b.email_key,
             b.phone_key) for b in Booking.select().where(Booking.customer == jurgen)} == {
        (label, None, None, "", None, None)}
    for trace in TRACES:
        assert found_anywhere(trace) == [], trace
    if not db.is_postgres():  # not even the trigrams in the index's storage
        assert not any(t in search_index_storage() for t in RARE_TRIGRAMS)
    for text in ("Weberknecht", "eberkne", "Jurgen", "5583", "7734 5583", "j.weberknecht",
                 "example.org"):
        assert services.find_customers(text) == [], text
        assert services.search_bookings(text) == [], text
    assert [c.id for c in services.find_customers("Erased customer")] == [jurgen]
    # Anna is untouched and still found.
    assert [c.id for c in services.find_customers("schmidt")] == [anna().id]
    assert services.search_bookings("1234567")[0].customer_name == "Anna Schmidt"
    # Dates, statuses, sources, slots, counters: as they were; the reports too.
    assert list(Booking.select(Booking.id, Booking.reference, Booking.status, Booking.source,
                               Booking.time_slot, Booking.created_at, Booking.updated_at,
                               Booking.cancelled_at, Booking.cancel_reason)
                .where(Booking.customer == jurgen).order_by(Booking.id).tuples()) == kept
    assert list(TimeSlot.select().order_by(TimeSlot.id).tuples()) == slots_before
    assert booking_report(business.id, MONDAY, MONDAY) == report_before
    assert services.check_integrity() == []
    chain = check_audit_chain()
    assert chain.intact, chain.message
    event = last_audit("customer.erase")
    assert (event.entity_id, event.user_id, details(event)) == (jurgen, owner.id,
                                                                 {"bookings": 3})
    # The export after it shows what is left.
    export = services.export_customer(jurgen, by=owner)
    assert not any(trace in json.dumps(export, ensure_ascii=False) for trace in TRACES)


def test_an_undo_offered_before_the_erasure_cannot_bring_the_name_back(jurgen, owner, now):
    """The window's undo of a details edit writes the previous name back; it
    expects the details it wrote, so after an erasure it is refused."""
    booking = Booking.select().where(Booking.customer == jurgen).order_by(Booking.id).first()
    outcome = undo.edit_details(booking.id, {"notes": "moved to the window seat"}, by=owner,
                                now=now)
    services.erase_customer(jurgen, by=owner, now=now)
    with pytest.raises(InvalidTransition):
        outcome.reverse.perform(by=owner, now=now)
    assert all(found_anywhere(trace) == [] for trace in TRACES)


def test_staff_may_neither_export_nor_erase(jurgen, staff):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.export_customer(jurgen, by=staff)
    with pytest.raises(PermissionDenied):
        services.erase_customer(jurgen, by=staff)
    with pytest.raises(PermissionDenied):
        services.set_customer_retention(models.Business.select().first().id, 6, by=staff)
    with pytest.raises(PermissionDenied):
        services.run_maintenance(by=staff)
    assert snapshot() == before


def test_an_unknown_customer_is_not_found(database, owner):
    before = snapshot()
    with pytest.raises(NotFound):
        services.export_customer(999, by=owner)
    with pytest.raises(NotFound):
        services.erase_customer(999, by=owner)
    assert snapshot() == before


def _before_0018(business, now, owner):
    """A booking, the schema back at 0017, and an event as versions before
    customers (0017) wrote it (naming the person) with one after it."""
    slot = day_slots(business, now=now)[0]
    booking = services.create_booking(slot, NAME, EMAIL, PHONE, now=now)
    db.migrate_to("0017_customers")
    _tx.run_write(lambda: _tx.audit(None, "booking.create", "booking", booking.id, at=now,
                                    reference=booking.reference, time_slot=slot.id,
                                    customer_name=NAME, source="walk_in", status="confirmed"))
    _tx.run_write(lambda: _tx.audit(owner, "slot.block", "time_slot", slot.id, at=now))
    return slot, booking


def test_migration_0018_takes_the_names_out_of_earlier_events_and_records_it(
        database, business, now, owner, run, db_url):
    """0018 replaces the name by the customer id, chains the log again from
    there and appends an `audit.redact` event naming the chain's head as it
    was; later events follow on, the append-only triggers hold."""
    slot, booking = _before_0018(business, now, owner)
    assert found_anywhere("Weberknecht") != []
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    named = next(e for e in events if NAME in e.details)
    head = events[-1]

    assert db.migrate_to() == ("up", ["0018_customer_rights", "0019_booking_customer_covering"])
    assert "audit_event.details" not in found_anywhere("Weberknecht")
    rewritten = AuditEvent.get_by_id(named.id)
    assert details(rewritten) == {"customer": Booking.get_by_id(booking.id).customer_id,
                                  "reference": booking.reference, "time_slot": slot.id,
                                  "source": "walk_in", "status": "confirmed"}
    # Nothing before it changed; it and the one after it were chained again.
    after = list(AuditEvent.select().order_by(AuditEvent.id))
    assert [(e.id, e.details, e.hash) for e in after if e.id < named.id] == [
        (e.id, e.details, e.hash) for e in events if e.id < named.id]
    assert AuditEvent.get_by_id(head.id).hash != head.hash
    # Recorded: one event more, at the end of the new chain.
    assert len(after) == len(events) + 1
    record = after[-1]
    assert (record.action, record.entity, record.entity_id, record.user_id) == (
        "audit.redact", "audit_event", named.id, None)
    assert details(record) == {
        "rewritten_by": "0018_customer_rights", "keys": ["customer_name", "customer_email",
                                               "customer_phone"],
        "events_redacted": 1, "events_rechained": 1, "from_event": named.id,
        "to_event": head.id, "previous_head_hash": head.hash, "chain_broken_at": None}
    chain = check_audit_chain()
    assert chain.intact, chain.message
    with pytest.raises(Exception, match="append-only"), models.database.atomic():
        sql("UPDATE audit_event SET details = '{}' WHERE id = ?", rewritten.id)
    services.set_slot_blocked(slot, False, now=now)
    assert check_audit_chain().intact
    # `check` is green and says what was rewritten, with the old head's hash.
    code, out, err = run("check", "--db", db_url)
    assert code == 0, out + err
    assert out.endswith("No problems found.\n")
    assert (f"Audit event {record.id} ({record.at:%Y-%m-%d %H:%M} UTC, 0018_customer_rights)"
            in out
            and f"1 events from event {named.id} on lost the booked person's name" in out
            and f"ended in event {head.id} with hash {head.hash}." in out), out
    db.connect(db_url, migrate=False)
    services.erase_customer(Booking.get_by_id(booking.id).customer_id, by=owner)
    assert all(found_anywhere(trace) == [] for trace in TRACES)
    assert check_audit_chain().intact
    # Down and up again: nothing left to rewrite, nothing rewritten or recorded twice.
    events = list(AuditEvent.select().order_by(AuditEvent.id).tuples())
    assert db.migrate_to("0017_customers") == ("down", ["0019_booking_customer_covering",
                                                         "0018_customer_rights"])
    assert db.migrate_to() == ("up", ["0018_customer_rights", "0019_booking_customer_covering"])
    assert list(AuditEvent.select().order_by(AuditEvent.id).tuples()) == events
    assert check_audit_chain().intact


def _edit_event(event_id: int, text: str) -> None:
    """What someone with full rights on the database can do: change an
    event's details, the append-only triggers off for it."""
    if db.is_postgres():
        sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        sql("UPDATE audit_event SET details = ? WHERE id = ?", text, event_id)
        sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
    else:
        [trigger] = sql("SELECT sql FROM sqlite_master WHERE name = 'audit_event_no_update'"
                        ).fetchone()
        sql("DROP TRIGGER audit_event_no_update")
        sql("UPDATE audit_event SET details = ? WHERE id = ?", text, event_id)
        sql(trigger)


def test_migration_0018_leaves_a_broken_chain_broken_where_it_was(database, business, now,
                                                                  owner):
    """The rewrite chains the events again: it must not mend a chain that
    someone broke before it (here an event after the named one was edited).
    The break stays at the same event, and the record says where it was."""
    _before_0018(business, now, owner)
    edited = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    _edit_event(edited.id, '{"reason": "none"}')
    before = check_audit_chain()
    assert (before.broken_at, before.message) == (
        edited.id, f"Audit event {edited.id} was changed or removed after it was written (its "
                   "hash does not match).")

    db.migrate_to()
    assert "audit_event.details" not in found_anywhere("Weberknecht")
    after = check_audit_chain()
    assert (after.broken_at, after.message) == (before.broken_at, before.message)
    assert details(last_audit("audit.redact"))["chain_broken_at"] == edited.id


def test_migration_0018_does_not_mend_names_slipped_in_around_the_chain(database, business,
                                                                        now, owner):
    """A name added to an event's details without the chain knowing: taking
    it out gives back content that matches the event's hash, so the walk
    alone would pass it; the record keeps the break."""
    _before_0018(business, now, owner)
    first = AuditEvent.select().where(AuditEvent.action == "booking.create").order_by(
        AuditEvent.id).first()
    assert "customer_name" not in details(first)
    _edit_event(first.id, _tx.audit_details(customer_name=NAME, **details(first)))
    assert check_audit_chain().broken_at == first.id

    db.migrate_to()
    assert AuditEvent.get_by_id(first.id).details == first.details
    record = last_audit("audit.redact")
    assert details(record)["chain_broken_at"] == first.id
    after = check_audit_chain()
    assert (after.broken_at, after.message) == (
        first.id, f"Audit event {first.id} did not hold when the log was rewritten (audit "
                  f"event {record.id} records it): it had been changed or removed, or written "
                  "around the chain, before.")


def test_an_erased_customer_stays_erased_through_backup_and_restore(jurgen, owner, tmp_path):
    services.erase_customer(jurgen, by=owner)
    services.backup_database(tmp_path / "backup.json")
    text = (tmp_path / "backup.json").read_text(encoding="utf-8")
    assert not any(trace in text for trace in TRACES)
    db.close()
    handle = db.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        services.restore_database(tmp_path / "backup.json")
        assert Customer.get_by_id(jurgen).name == f"Erased customer #{jurgen}"
        assert check_audit_chain().intact
        assert services.find_customers("Weberknecht") == []
    finally:
        db.close(handle)


# --- retention ---------------------------------------------------------------------------

def test_retention_is_off_until_an_owner_sets_it(jurgen, owner, business, now):
    later = now + timedelta(days=3000)
    assert services.customers_to_erase(by=owner, now=later) == []
    assert services.set_customer_retention(business, 6, by=owner, now=now) == 6
    assert details(last_audit("business.retention")) == {"months": 6}
    assert {c["customer_id"] for c in services.customers_to_erase(by=owner, now=later)} == {
        jurgen, anna().id}
    assert services.set_customer_retention(business, None, by=owner, now=now) is None
    assert services.customers_to_erase(by=owner, now=later) == []


def test_retention_dry_run_lists_and_the_run_erases_those_without_a_recent_booking(
        jurgen, owner, business, now):
    # Anna comes back five months later.
    later_day = MONDAY + timedelta(days=7 * 22)
    late_slot = day_slots(business, later_day, now=now)[0]
    services.create_booking(late_slot, "Anna Schmidt", "anna@example.com", now=now)
    services.set_customer_retention(business.id, 6, by=owner, now=now)
    # Six months after Monday, seven days: Jürgen's last booking is older
    # than six months, Anna's is not.
    moment = now + timedelta(days=190)
    before = snapshot()
    listed = services.customers_to_erase(by=owner, now=moment)
    assert listed == [{"business_id": business.id, "customer_id": jurgen, "name": NAME}]
    dry = services.run_maintenance(dry_run=True, by=owner, now=moment)
    assert dry.ok and dry.erased == listed
    assert snapshot() == before  # a dry run changes nothing
    # Just before six months have passed, nobody.
    assert services.customers_to_erase(by=owner, now=now + timedelta(days=150)) == []

    done = services.erase_expired_customers(by=owner, now=moment)
    assert done == [dict(listed[0], bookings=3)]
    assert Customer.get_by_id(jurgen).name == f"Erased customer #{jurgen}"
    assert anna().email == "anna@example.com"
    assert details(last_audit("customer.erase")) == {"bookings": 3, "reason": "retention"}
    assert all(found_anywhere(trace) == [] for trace in TRACES)
    if not db.is_postgres():
        assert not any(t in search_index_storage() for t in RARE_TRIGRAMS)
    assert check_audit_chain().intact
    assert services.customers_to_erase(by=owner, now=moment) == []  # erased once


def test_a_booking_without_a_customer_keeps_no_one_from_retention(jurgen, owner, business,
                                                                   now):
    later_day = MONDAY + timedelta(days=7 * 22)
    recent = services.create_booking(day_slots(business, later_day, now=now)[0], "Walk-in",
                                     now=now)
    walk_in = Booking.get_by_id(recent.id).customer_id
    sql("UPDATE booking SET customer_id = NULL WHERE id = ?", recent.id)
    services.set_customer_retention(business.id, 6, by=owner, now=now)
    # Everyone without a recent booking, the walk-in's record (now without
    # any booking) too.
    assert [c["customer_id"] for c in services.customers_to_erase(
        by=owner, now=now + timedelta(days=190))] == [jurgen, anna().id, walk_in]


def test_the_preview_counts_and_dates_without_changing_anything(jurgen, owner, staff,
                                                                   business, now):
    """The windows' dry run: the setting, how many, and the first few with
    the start of their latest booking; nothing written, not even an event."""
    moment = now + timedelta(days=190)
    off = services.retention_preview(business, by=owner, now=moment)
    assert (off.business_id, off.months, off.count, off.first) == (business.id, None, 0, ())
    services.set_customer_retention(business, 6, by=owner, now=now)
    latest = {c: max(b.time_slot.start for b in Booking.select().where(Booking.customer == c))
              for c in (jurgen, anna().id)}
    before = snapshot()
    preview = services.retention_preview(business, by=owner, now=moment)
    assert snapshot() == before
    assert (preview.months, preview.count) == (6, 2)
    assert [(c.customer_id, c.last_visit) for c in preview.first] == [
        (jurgen, latest[jurgen]), (anna().id, latest[anna().id])]
    assert services.retention_preview(business, by=owner, now=moment, shown=1).first == \
        preview.first[:1]
    with pytest.raises(PermissionDenied):
        services.retention_preview(business, by=staff, now=moment)
    with pytest.raises(NotFound):
        services.retention_preview(999, by=owner, now=moment)


def test_retention_of_one_business_leaves_the_others(jurgen, owner, business, now):
    """The window's Erase now works on the business it shows; maintain on all."""
    other = services.create_business("Salon Hamburg", "Europe/Berlin")
    services.create_recurring_business_hours(other, "weekday_9to5")
    elsewhere = services.create_booking(day_slots(other, now=now)[0], "Otto Other", now=now)
    for shop in (business, other):
        services.set_customer_retention(shop, 6, by=owner, now=now)
    moment, anna_id = now + timedelta(days=190), anna().id
    assert {c["customer_id"] for c in services.customers_to_erase(
        by=owner, now=moment, business=other)} == {elsewhere.customer_id}
    done = services.erase_expired_customers(by=owner, now=moment, business=business.id)
    assert {c["customer_id"] for c in done} == {jurgen, anna_id}
    assert Customer.get_by_id(elsewhere.customer_id).name == "Otto Other"
    assert [c["customer_id"] for c in services.customers_to_erase(by=owner, now=moment)] == [
        elsewhere.customer_id]


# --- the maintenance routine -------------------------------------------------------------

def test_maintain_makes_next_months_slots_and_removes_past_unbooked_ones(
        business, owner, now):
    slots = day_slots(business, now=now)
    booked = services.create_booking(slots[0], "Anna Schmidt", now=now)
    moment = now + timedelta(days=2)  # Monday's slots are over
    first, last = next_month(moment.date())
    assert (first, last) == (date(2030, 4, 1), date(2030, 4, 30))
    before = snapshot()

    dry = services.run_maintenance(dry_run=True, by=owner, now=moment)
    assert dry.ok and dry.dry_run
    [(name, dry_first, dry_last, to_make)] = dry.slots_made
    assert (name, dry_first, dry_last) == ("Salon Berlin", first, last)
    assert to_make == 22 * 16  # April 2030: 22 weekdays, 9 to 5 in half hours
    assert dry.slots_removed == [("Salon Berlin", len(slots) - 1)]
    assert snapshot() == before

    report = services.run_maintenance(by=owner, now=moment)
    assert report.ok
    assert report.slots_made == dry.slots_made
    assert report.slots_removed == dry.slots_removed
    lo, hi = services.day_bounds(business, first, last)
    in_april = TimeSlot.select().where(TimeSlot.start >= lo, TimeSlot.start < hi)
    assert in_april.count() == to_make
    assert [s.id for s in TimeSlot.select().where(TimeSlot.start < moment)] == [
        booked.time_slot_id]
    # Again: nothing more to do.
    again = services.run_maintenance(by=owner, now=moment)
    assert again.slots_made[0][3] == 0 and again.slots_removed == [("Salon Berlin", 0)]
    assert check_audit_chain().intact


def test_maintain_stops_at_a_failed_integrity_check(business, owner, now):
    slot = day_slots(business, now=now)[0]
    services.create_booking(slot, "Anna Schmidt", now=now)
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", slot.id)
    before = snapshot()
    report = services.run_maintenance(by=owner, now=now + timedelta(days=2))
    assert not report.ok and report.problems
    assert report.slots_made == [] and report.slots_removed == []
    assert snapshot() == before


# --- the command line --------------------------------------------------------------------

def test_the_command_line_exports_erases_and_maintains(jurgen, db_url, run, tmp_path,
                                                       business):
    target = tmp_path / "out" / "jurgen.json"
    target.parent.mkdir()
    code, out, err = run("--db", db_url, "customer-export", jurgen, "-o", target)
    assert code == 0, err
    assert "3 bookings" in out
    assert json.loads(target.read_text(encoding="utf-8"))["customer"]["name"] == NAME
    assert (target.parent / "jurgen-bookings.csv").exists()

    code, out, err = run("--db", db_url, "customer-export", 999, "-o", tmp_path / "x.json")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "no longer exists" in err
    assert not (tmp_path / "x.json").exists()

    code, out, err = run("--db", db_url, "retention", "--business", "Salon Berlin",
                         "--months", "6")
    assert code == 0, err
    db.connect(db_url, migrate=False)
    assert models.Business.get_by_id(business.id).erase_customers_after_months == 6

    code, out, err = run("--db", db_url, "maintain", "--dry-run")
    assert code == 0, err
    assert "Integrity check: no problems found." in out
    assert "Salon Berlin: would create" in out and "would remove" in out
    db.connect(db_url, migrate=False)
    assert Customer.get_by_id(jurgen).name == NAME  # nothing changed

    code, out, err = run("--db", db_url, "customer-erase", jurgen)
    assert code == 0, err
    db.connect(db_url, migrate=False)
    assert Customer.get_by_id(jurgen).name == f"Erased customer #{jurgen}"

    code, out, err = run("--db", db_url, "maintain")
    assert code == 0, err
    assert "Salon Berlin: create" in out and "customers erased (retention)" in out

    db.connect(db_url, migrate=False)
    sql("UPDATE time_slot SET current_bookings = current_bookings + 1 WHERE id = "
        "(SELECT MIN(id) FROM time_slot)")
    code, out, err = run("--db", db_url, "maintain")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and "integrity check" in err


def old_backup(tmp_path, owner, rehash: bool = True):
    """This database's backup as a version before 0018 wrote it: booking.create
    events name the booked person (and no customer), chained over that; the
    business has no retention column. `rehash=False`: the names slipped in
    without the chain knowing (a changed backup)."""
    from booking_desktop.audit_chain import event_hash

    path = tmp_path / "backup.json"
    services.backup_database(path, by=owner)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 1
    del data["sha256"]
    data["migrations"].remove("0018_customer_rights")
    business = data["tables"]["business"]
    at = business["columns"].index("erase_customers_after_months")
    business["columns"].pop(at)
    for row in business["rows"]:
        row.pop(at)
    events = data["tables"]["audit_event"]
    column = {name: i for i, name in enumerate(events["columns"])}
    previous = None
    for row in events["rows"]:
        if row[column["action"]] == "booking.create":
            details = json.loads(row[column["details"]])
            details.pop("customer")
            row[column["details"]] = _tx.audit_details(customer_name=NAME, **details)
        if rehash:
            row[column["prev_hash"]] = previous
            row[column["hash"]] = previous = event_hash(
                *[row[column[c]] for c in ("id", "at", "user_id", "action", "entity",
                                           "entity_id", "details")], previous)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return old


def test_a_backup_from_before_0018_is_restored_without_the_names_in_its_events(
        jurgen, owner, tmp_path, database):
    old = old_backup(tmp_path, owner)
    assert NAME in old.read_text(encoding="utf-8")
    creates = [(e.id, details(e)["customer"]) for e in AuditEvent.select().where(
        AuditEvent.action == "booking.create").order_by(AuditEvent.id)]
    db.close(database)
    handle = db.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        services.restore_database(old)
        where = found_anywhere("Jürgen")
        assert "customer.name" in where and "booking.customer_name" in where
        assert "audit_event.details" not in where
        assert [(e.id, details(e)["customer"]) for e in AuditEvent.select().where(
            AuditEvent.action == "booking.create").order_by(AuditEvent.id)] == creates
        assert check_audit_chain().intact
        # Recorded as 0018 records its own rewrite, naming the backup's head.
        table = json.loads(old.read_text(encoding="utf-8"))["tables"]["audit_event"]
        head = dict(zip(table["columns"], table["rows"][-1], strict=True))
        record = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
        assert (record.action, record.id) == ("audit.redact", head["id"] + 1)
        assert details(record) == {
            "rewritten_by": "restore of a backup made before 0018_customer_rights",
            "keys": ["customer_name", "customer_email", "customer_phone"],
            "events_redacted": len(creates), "events_rechained": len(table["rows"]) - creates[0][0]
            - len(creates) + 1, "from_event": creates[0][0], "to_event": head["id"],
            "previous_head_hash": head["hash"], "chain_broken_at": None}
        services.erase_customer(jurgen, by=owner)
        assert all(found_anywhere(trace) == [] for trace in TRACES)
        assert check_audit_chain().intact
    finally:
        db.close(handle)


def test_a_changed_backup_from_before_0018_is_still_refused(jurgen, owner, tmp_path,
                                                            database):
    old = old_backup(tmp_path, owner, rehash=False)
    db.close(database)
    handle = db.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        with pytest.raises(InvalidInput, match="changed or removed"):
            services.restore_database(old)
        assert Customer.select().count() == 0
    finally:
        db.close(handle)


def test_the_redaction_benchmark_runs_on_a_tiny_synthetic_database(db_url):
    """booking_desktop.tools.bench_redaction: the benchmark's bookings, an
    event naming each as before customers, 0018 timed; every event redacted,
    none still naming anyone, the chain intact."""
    from booking_desktop.tools import bench_redaction

    figures = bench_redaction.run(db_url, 0.01, lambda text: None)
    assert figures["old_events"] > 1000
    assert figures["events_redacted"] == figures["old_events"] == figures["audit_events"]
    assert (figures["events_still_naming"], figures["chain_intact"]) == (0, True)
    assert figures["migration_0018_s"] >= 0
