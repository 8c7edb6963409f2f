"""Opening hours decide what can be booked, by any path (issue 8, point 1):
slots outside the hours carry a reason and take no new booking; the day's
kind and note; the nearest free slot of a day; the business's usual slot
settings. Both backends."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_desktop import services
from booking_desktop.errors import SlotBlocked, SlotClosed
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import desk
from tests.helpers import MONDAY, day_slots, reload

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = MONDAY + timedelta(days=1)


def at(day, hh, mm=0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BERLIN)


def local(slot) -> str:
    return f"{slot.start.astimezone(BERLIN):%H:%M}"


def close_by_hand(slot, reason="Closed: Public holiday"):
    TimeSlot.update(closed_reason=reason).where(TimeSlot.id == slot.id).execute()


# --- the interface other parts rely on -------------------------------------------------------

def test_closed_slot_refuses_a_booking_with_its_reason(database, business, now):
    slot = day_slots(business, now=now)[2]
    close_by_hand(slot)
    with pytest.raises(SlotClosed) as refused:
        services.create_booking(slot, "Anna Schmidt", now=now)
    assert str(refused.value) == "Closed: Public holiday. This time can no longer be booked."
    assert isinstance(refused.value, SlotBlocked)
    assert reload(slot).current_bookings == 0 and Booking.select().count() == 0


def test_day_schedule_shows_closed_slots_with_their_reason(database, business, now):
    slots = day_slots(business, now=now)
    close_by_hand(slots[0], "Outside opening hours")
    rows = desk.day_schedule(business, MONDAY)
    assert rows[0].closed_reason == "Outside opening hours"
    assert rows[0].state(now) == "closed"
    assert rows[1].closed_reason == "" and rows[1].state(now) == "free"
    # A closed slot that has begun is "started", one that has ended "past".
    assert rows[0].state(rows[0].start) == "started"
    assert rows[0].state(rows[0].end) == "past"


def test_available_and_next_free_leave_closed_slots_out(database, business, now):
    slots = day_slots(business, now=now)
    close_by_hand(slots[0])
    assert [s.id for s in services.available_slots(business, MONDAY, now=now)] == \
        [s.id for s in slots[1:]]
    assert services.next_free_slot(business, now=now).id == slots[1].id


def test_day_status_kinds_and_texts(database, business, owner, now):
    wednesday, thursday, friday = (MONDAY + timedelta(days=d) for d in (2, 3, 4))
    services.set_hours_exception(business, wednesday, closed=True, note="Public holiday",
                                 by=owner, now=now)
    services.set_hours_exception(business, thursday, closed=True, by=owner, now=now)
    services.set_hours_exception(business, friday, closed=False,
                                 intervals=[(time(10), time(14))], note="Christmas Eve",
                                 by=owner, now=now)
    monday = services.day_status(business, MONDAY)
    assert (monday.kind, monday.text, monday.intervals) == ("open", "", ((time(9), time(17)),))
    holiday = services.day_status(business, wednesday)
    assert (holiday.kind, holiday.note, holiday.text) == (
        "holiday", "Public holiday", "Closed — Public holiday")
    assert services.day_status(business, thursday).text == "Closed — holiday"
    special = services.day_status(business, friday)
    assert (special.kind, special.text) == ("special",
                                            "Special hours 10:00–14:00 — Christmas Eve")
    saturday = services.day_status(business, MONDAY + timedelta(days=5))
    assert (saturday.kind, saturday.text, saturday.intervals) == ("closed", "Closed", ())


# --- the nearest free slot ---------------------------------------------------------------------

def test_nearest_free_slot_prefers_later_then_earlier_on_the_same_day(database, business,
                                                                      now):
    slots = day_slots(business, now=now)  # 09:00 .. 16:30
    day_slots(business, TUESDAY, now=now)
    for slot in slots[10:]:  # 14:00 .. 16:30 full
        services.create_booking(slot, f"Guest {slot.id}", now=now)
    assert local(services.nearest_free_slot(business, MONDAY, at(MONDAY, 11), now=now)) == "11:00"
    assert local(services.nearest_free_slot(business, MONDAY, at(MONDAY, 11, 10),
                                            now=now)) == "11:30"
    # Everything later is full: the latest free one before, never Tuesday's.
    found = services.nearest_free_slot(business, MONDAY, at(MONDAY, 15), now=now)
    assert local(found) == "13:30" and found.start.astimezone(BERLIN).date() == MONDAY


def test_nearest_free_slot_skips_closed_blocked_and_begun(database, business, owner, now):
    slots = day_slots(business, now=now)
    close_by_hand(slots[4])  # 11:00
    services.set_slot_blocked(slots[5], True, by=owner, now=now)  # 11:30
    assert local(services.nearest_free_slot(business, MONDAY, at(MONDAY, 11), now=now)) == "12:00"
    # around=None: from now on (10:05 local: the 10:30 slot), on a later day its first slot.
    during = at(MONDAY, 10, 5)
    assert local(services.nearest_free_slot(business, MONDAY, now=during)) == "10:30"
    day_slots(business, TUESDAY, now=now)
    assert local(services.nearest_free_slot(business, TUESDAY, now=during)) == "09:00"
    assert services.nearest_free_slot(business, MONDAY + timedelta(days=5), now=now) is None


# --- the business's usual slot settings -----------------------------------------------------------

def test_slot_defaults_are_the_most_common_recent_ones(database, business, owner, now):
    assert services.slot_defaults(business) == (30, 1)
    services.generate_time_slots(business, MONDAY, MONDAY, slot_duration_minutes=45,
                                 max_capacity=3, by=owner, now=now)
    services.generate_time_slots(business, TUESDAY, TUESDAY, slot_duration_minutes=60,
                                 max_capacity=2, by=owner, now=now)
    assert services.slot_defaults(business) == (45, 3)  # 10 slots of 45 min, 8 of 60
