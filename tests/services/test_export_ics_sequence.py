"""ICS SEQUENCE: 0 for a new booking, one more for every change, so a
calendar app replaces the event it has; UIDs stay put. Read back with
`icalendar`, on SQLite and PostgreSQL."""
from datetime import date, datetime, timezone

from icalendar import Calendar
from playhouse.test_utils import count_queries

from booking_desktop import models, services
from booking_desktop.services import exports
from booking_desktop.services.desk import BookingFilter

MON, TUE = date(2030, 3, 4), date(2030, 3, 5)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)


def events(path, flt):
    exports.export_ics(path, flt)
    return {str(e["UID"]): e for e in Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def sequence(event) -> int:
    return int(event.decoded("SEQUENCE"))


def test_sequence_grows_with_every_change_and_the_uid_stays(database, business, tmp_path):
    services.generate_time_slots(business, MON, TUE, slot_duration_minutes=60, max_capacity=3,
                                 now=EARLY)
    slots = services.slots_between(business, MON, TUE)
    moved = services.create_booking(slots[0], "Mia Moved", now=EARLY)
    kept = services.create_booking(slots[1], "Kai Kept", now=EARLY)
    flt = BookingFilter(business_id=business.id, date_from=MON, date_to=TUE)
    uid_moved = f"{moved.reference}@booking-desktop.invalid"
    uid_kept = f"{kept.reference}@booking-desktop.invalid"

    first = events(tmp_path / "1.ics", flt)
    assert set(first) == {uid_moved, uid_kept}
    assert sequence(first[uid_moved]) == 0 and sequence(first[uid_kept]) == 0

    services.reschedule_booking(moved, slots[5], now=EARLY)
    second = events(tmp_path / "2.ics", flt)
    assert set(second) == {uid_moved, uid_kept}
    assert sequence(second[uid_moved]) == 1
    assert second[uid_moved].decoded("DTSTART") == slots[5].start
    assert sequence(second[uid_kept]) == 0

    services.cancel_booking(moved, reason="ill", now=EARLY)
    services.set_booking_status(kept, "pending", now=EARLY)
    services.set_booking_status(kept, "confirmed", now=EARLY)
    third = events(tmp_path / "3.ics", flt)
    assert set(third) == {uid_moved, uid_kept}
    assert sequence(third[uid_moved]) == 2
    assert str(third[uid_moved]["STATUS"]) == "CANCELLED"
    assert sequence(third[uid_kept]) == 2

    # the same data, the same bytes: exporting again changes nothing
    events(tmp_path / "4.ics", flt)
    assert (tmp_path / "3.ics").read_bytes() == (tmp_path / "4.ics").read_bytes()


def test_a_booking_without_an_audit_trail_is_sequence_0(database, business, tmp_path):
    services.generate_time_slots(business, MON, MON, slot_duration_minutes=60, now=EARLY)
    booking = services.create_booking(services.slots_between(business, MON)[0], "Bulk B",
                                      now=EARLY)
    models.database.execute_sql("ALTER TABLE audit_event RENAME TO audit_event_kept")
    models.database.execute_sql(
        "CREATE TABLE audit_event AS SELECT * FROM audit_event_kept WHERE 1 = 0")
    got = events(tmp_path / "bulk.ics", BookingFilter(business_id=business.id))
    assert sequence(got[f"{booking.reference}@booking-desktop.invalid"]) == 0


def test_the_sequences_cost_one_query_a_batch_not_one_a_booking(database, business, tmp_path):
    services.generate_time_slots(business, MON, TUE, slot_duration_minutes=60, max_capacity=3,
                                 now=EARLY)
    slots = services.slots_between(business, MON, TUE)
    flt = BookingFilter(business_id=business.id, date_from=MON, date_to=TUE)

    def queries_for_export(name) -> int:
        with count_queries() as counter:
            exports.export_ics(tmp_path / name, flt)
        return counter.count

    for slot in slots[:2]:
        services.cancel_booking(services.create_booking(slot, "Few F", now=EARLY), now=EARLY)
    few = queries_for_export("few.ics")
    for slot in slots[2:12]:
        services.cancel_booking(services.create_booking(slot, "Many M", now=EARLY), now=EARLY)
    many = queries_for_export("many.ics")
    assert many == few
    assert max(sequence(e) for e in events(tmp_path / "m.ics", flt).values()) == 1
