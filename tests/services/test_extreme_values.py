"""Extreme values never escape as raw exceptions (issue 10): every service
that takes a record id sends it through one validator, so an id no record
can have (2^63 and more, zero or negative) is NotFound and anything that is
not a whole number (text, a fraction, True, None) is InvalidInput — not
OverflowError on SQLite or DataError on PostgreSQL — with nothing changed.
A `now` near year 1 or 9999 is InvalidInput, not OverflowError. Both backends."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from booking_desktop import services
from booking_desktop.errors import InvalidInput, NotFound
from booking_desktop.services import exports, undo
from booking_desktop.services.calendar import set_slot_capacity
from booking_desktop.services.desk import (BookingFilter, booking_row, count_bookings,
                                           list_bookings, reinstate_booking,
                                           update_booking_details)
from booking_desktop.services.reports import booking_report
from tests.helpers import snapshot

MON = date(2030, 3, 4)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)

# value -> the error it must give
BAD_IDS = {
    "2**63": (2**63, NotFound),
    "2**64": (2**64, NotFound),
    "-1": (-1, NotFound),
    "0": (0, NotFound),
    "'12'": ("12", InvalidInput),
    "'abc'": ("abc", InvalidInput),
    "1.5": (1.5, InvalidInput),
    "True": (True, InvalidInput),
    "None": (None, InvalidInput),
}


@pytest.fixture
def world(database, owner, business):
    """Two slots, a booking in the first, ids all real."""
    services.generate_time_slots(business, MON, MON, slot_duration_minutes=60, max_capacity=2,
                                 now=EARLY)
    first, second = services.slots_between(business, MON)[:2]
    booking = services.create_booking(first, "Anna Smith", "anna@example.com", now=EARLY)
    return {"owner": owner, "business": business, "slot": first, "other": second,
            "booking": booking}


# name -> (call(x, world), what the message names, id values the service reads otherwise)
SERVICES = {
    "get_booking": (lambda x, w: services.get_booking(x), "booking", ()),
    "booking_row": (lambda x, w: booking_row(x), "booking", ()),
    "cancel_booking": (lambda x, w: services.cancel_booking(x, now=EARLY), "booking", ()),
    "set_booking_status": (lambda x, w: services.set_booking_status(x, "completed", now=EARLY),
                           "booking", ()),
    "check_in_booking": (lambda x, w: services.check_in_booking(x, now=w["slot"].start),
                         "booking", ()),
    "clear_check_in": (lambda x, w: services.clear_check_in(x, w["slot"].start, now=EARLY),
                       "booking", ()),
    "reschedule_booking(booking)": (
        lambda x, w: services.reschedule_booking(x, w["other"], now=EARLY), "booking", ()),
    "reschedule_booking(new_slot)": (
        lambda x, w: services.reschedule_booking(w["booking"], x, now=EARLY), "time slot", ()),
    "reschedule_booking(expected_slot)": (
        lambda x, w: services.reschedule_booking(w["booking"], w["other"], now=EARLY,
                                                 expected_slot=x),
        "time slot", (None,)),
    "reinstate_booking": (lambda x, w: reinstate_booking(x, now=EARLY), "booking", ()),
    "update_booking_details": (
        lambda x, w: update_booking_details(x, customer_name="Bea", now=EARLY), "booking", ()),
    "create_booking": (lambda x, w: services.create_booking(x, "Cem", now=EARLY),
                       "time slot", ()),
    "get_slot": (lambda x, w: services.get_slot(x), "time slot", ()),
    "set_slot_blocked": (lambda x, w: services.set_slot_blocked(x, True, by=w["owner"]),
                         "time slot", ()),
    "set_slot_capacity": (lambda x, w: set_slot_capacity(x, 3, by=w["owner"]), "time slot", ()),
    "bookings_in_slots": (lambda x, w: services.bookings_in_slots([x]), "time slot", ()),
    "get_business": (lambda x, w: services.get_business(x), "business", ()),
    "list_bookings(business_id)": (lambda x, w: list_bookings(BookingFilter(business_id=x)),
                                   "business", (None,)),
    "count_bookings(business_id)": (lambda x, w: count_bookings(BookingFilter(business_id=x)),
                                    "business", (None,)),
    "booking_report(business)": (lambda x, w: booking_report(x, MON, MON), "business", (None,)),
    "iter_rows(business_id)": (
        lambda x, w: list(exports.iter_rows(BookingFilter(business_id=x, date_from=MON,
                                                          date_to=MON))), "business", (None,)),
    "export ics(business_id)": (
        lambda x, w: exports.export_bookings("ics", w["out"], BookingFilter(business_id=x)),
        "business", (None,)),
    "undo.book": (lambda x, w: undo.book(x, "Cem", now=EARLY), "time slot", ()),
    "undo.cancel": (lambda x, w: undo.cancel(x, now=EARLY), "booking", ()),
    "undo.reinstate": (lambda x, w: undo.reinstate(x, "confirmed", "cancelled", now=EARLY),
                       "booking", ()),
    "undo.set_status": (lambda x, w: undo.set_status(x, "completed", now=EARLY), "booking", ()),
    "undo.check_in": (lambda x, w: undo.check_in(x, now=w["slot"].start), "booking", ()),
    "undo.undo_check_in": (
        lambda x, w: undo.undo_check_in(x, w["slot"].start, "confirmed", now=EARLY),
        "booking", ()),
    "undo.reschedule(booking)": (lambda x, w: undo.reschedule(x, w["other"], now=EARLY),
                                 "booking", ()),
    "undo.reschedule(slot)": (lambda x, w: undo.reschedule(w["booking"], x, now=EARLY),
                              "time slot", ()),
    "undo.edit_details": (lambda x, w: undo.edit_details(x, {"customer_name": "Bea"},
                                                         now=EARLY), "booking", ()),
    "undo.set_blocked": (lambda x, w: undo.set_blocked(x, True, by=w["owner"]), "time slot", ()),
    "undo.set_capacity": (lambda x, w: undo.set_capacity(x, 3, by=w["owner"]), "time slot", ()),
}


@pytest.mark.parametrize("service", list(SERVICES))
def test_a_bad_id_is_not_found_or_invalid_and_changes_nothing(world, tmp_path, service):
    """Each service against every bad value (one database set-up per service)."""
    call, what, allowed = SERVICES[service]
    world["out"] = tmp_path / "out.ics"
    before = snapshot()
    for value_name, (value, error) in BAD_IDS.items():
        if value in allowed and not isinstance(value, bool):
            continue  # None means "every business" or "wherever it is" there
        with pytest.raises(error) as refused:
            call(value, world)
        assert type(refused.value) is error, value_name
        if error is NotFound:
            assert str(refused.value) == f"There is no {what} number {value}.", value_name
        else:
            assert str(refused.value) == (
                f"A {what} is named by its number; {value!r} is not one."), value_name
        assert snapshot() == before, value_name
        assert not world["out"].exists(), value_name


@pytest.mark.parametrize("value_name", ["2**63", "'abc'", "True"])
def test_a_bulk_action_names_the_bad_id_refused(world, value_name):
    value, _ = BAD_IDS[value_name]
    before = snapshot()
    with pytest.raises(undo.Refused) as refused:
        undo.bulk([undo.action(undo.cancel, booking=value)], "Cancel", now=EARLY)
    assert "booking" in str(refused.value) and "number" in str(refused.value)
    assert snapshot() == before


def test_the_largest_storable_id_is_simply_not_found(world):
    """2^63 - 1 fits both databases: an ordinary NotFound from the query."""
    with pytest.raises(NotFound, match="no longer exists"):
        services.get_booking(2**63 - 1)
    with pytest.raises(NotFound, match="no longer exists"):
        services.cancel_booking(2**63 - 1, now=EARLY)


YEAR_1 = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5)))
YEAR_9999 = datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5)))
WEEK = {d: [(time(9), time(17))] for d in range(5)}

NOW_SERVICES = {
    "create_booking": lambda now, w: services.create_booking(w["slot"], "Cem", now=now),
    "generate_time_slots": lambda now, w: services.generate_time_slots(
        w["business"], MON + timedelta(days=1), MON + timedelta(days=1), now=now),
    "set_weekly_hours": lambda now, w: services.set_weekly_hours(w["business"], WEEK,
                                                                 by=w["owner"], now=now),
    "available_slots": lambda now, w: services.available_slots(w["business"], MON, now=now),
    "cancel_booking": lambda now, w: services.cancel_booking(w["booking"], now=now),
    "nearest_free_slot(around)": lambda now, w: services.nearest_free_slot(
        w["business"], MON, around=now),
}


@pytest.mark.parametrize("now_name", ["year 1", "year 9999", "naive", "text"])
@pytest.mark.parametrize("service", list(NOW_SERVICES))
def test_a_now_out_of_range_is_invalid_input_and_changes_nothing(world, service, now_name):
    now = {"year 1": YEAR_1, "year 9999": YEAR_9999, "naive": datetime(2030, 3, 4, 9),
           "text": "2030-03-04T09:00:00+00:00"}[now_name]
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        NOW_SERVICES[service](now, world)
    message = str(refused.value)
    expected = {"year 1": "is out of range (2000–2100)", "year 9999": "is out of range (2000–2100)",
                "naive": "needs a time zone", "text": "must be a date and time"}[now_name]
    assert expected in message
    assert snapshot() == before
