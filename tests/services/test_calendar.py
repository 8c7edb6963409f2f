"""The owner's planning services: the month overview (one aggregate query),
slot capacity, blocking a range with a reason, cleaning up past slots, the
generation preview (same counts as generating), and hours or holidays that
would leave bookings outside the opening hours. Both backends."""
from datetime import date, datetime, time, timedelta

import pytest
from playhouse.test_utils import count_queries

from booking_desktop import db, services
from booking_desktop.errors import InvalidInput, PermissionDenied
from booking_desktop.models import Booking, TimeSlot
from tests.helpers import MONDAY, day_slots, details, last_audit, reload

SUNDAY = MONDAY + timedelta(days=6)


def book(slot, name="Anna Schmidt", now=None, **kw):
    return services.create_booking(slot, name, now=now, **kw)


# --- month overview -------------------------------------------------------------------------

def test_month_overview_loads_kinds_and_one_aggregate_query(database, business, owner, now):
    services.generate_time_slots(business, MONDAY, SUNDAY, max_capacity=2, by=owner, now=now)
    monday = services.slots_between(business, MONDAY)
    book(monday[0], now=now)
    book(monday[0], "Ben Ode", now=now)
    book(monday[1], "Cleo Park", now=now)
    services.set_slot_blocked(monday[5], True, by=owner, now=now)
    services.set_hours_exception(business, MONDAY + timedelta(days=2), closed=True,
                                 note="Staff day", by=owner, now=now)
    services.set_hours_exception(business, MONDAY + timedelta(days=3), closed=False,
                                 intervals=[(time(10), time(12))], by=owner, now=now)
    first, last = MONDAY - timedelta(days=7), MONDAY + timedelta(days=34)
    with count_queries() as counter:
        days = services.month_overview(business, first, last)
    # slots by day, weekly hours, exceptions: a fixed number whatever the length.
    assert counter.count <= 4
    assert len(days) == 42 and days[0].day == first and days[-1].day == last
    by_day = {d.day: d for d in days}
    mon = by_day[MONDAY]
    assert (mon.slots, mon.blocked, mon.booked, mon.capacity) == (16, 1, 3, 30)
    assert mon.kind == "open" and mon.fill == pytest.approx(3 / 30)
    assert by_day[MONDAY + timedelta(days=1)].booked == 0
    assert by_day[MONDAY + timedelta(days=1)].slots == 16
    assert (by_day[MONDAY + timedelta(days=2)].kind,
            by_day[MONDAY + timedelta(days=2)].note) == ("holiday", "Staff day")
    assert by_day[MONDAY + timedelta(days=3)].kind == "special"
    assert by_day[MONDAY + timedelta(days=5)].kind == "closed"
    assert by_day[MONDAY + timedelta(days=5)].slots == 0


def test_month_overview_puts_slots_in_their_local_day_across_dst(database, owner, now):
    shop = services.create_business("Late Bar", "Europe/Berlin")
    services.set_weekly_hours(shop, {d: [(time(0), time(23, 30))] for d in range(7)})
    change = date(2030, 3, 31)  # clocks go forward in Berlin
    services.generate_time_slots(shop, change - timedelta(days=1), change + timedelta(days=1),
                                 slot_duration_minutes=60, by=owner, now=now)
    days = {d.day: d.slots for d in services.month_overview(shop, change - timedelta(days=1),
                                                            change + timedelta(days=1))}
    assert days == {change - timedelta(days=1): 23, change: 22, change + timedelta(days=1): 23}


def test_month_overview_refuses_a_huge_range(database, business):
    with pytest.raises(InvalidInput):
        services.month_overview(business, MONDAY, MONDAY + timedelta(days=200))


# --- one slot -------------------------------------------------------------------------------

def test_capacity_never_below_bookings(database, business, owner, now):
    slot = day_slots(business, now=now, capacity=3)[0]
    book(slot, now=now)
    book(slot, "Ben Ode", now=now)
    with pytest.raises(InvalidInput, match="2 places are already booked"):
        services.set_slot_capacity(slot, 1, by=owner, now=now)
    assert reload(slot).max_capacity == 3
    services.set_slot_capacity(slot, 2, by=owner, now=now)
    assert reload(slot).max_capacity == 2
    assert details(last_audit("slot.capacity")) == {"previous": 3, "capacity": 2}


def test_capacity_and_blocking_are_owner_only(database, business, owner, staff, now):
    slot = day_slots(business, now=now)[0]
    with pytest.raises(PermissionDenied):
        services.set_slot_capacity(slot, 4, by=staff, now=now)
    with pytest.raises(PermissionDenied):
        services.set_slots_blocked(business, MONDAY, time(9), time(10), by=staff, now=now)
    with pytest.raises(PermissionDenied):
        services.delete_past_unbooked_slots(business, by=staff, now=now)
    assert reload(slot).max_capacity == 1 and not reload(slot).is_blocked


def test_block_a_range_with_a_reason_and_unblock(database, business, owner, now):
    slots = day_slots(business, now=now)
    changed = services.set_slots_blocked(business, MONDAY, time(10), time(11, 15),
                                         reason="Staff meeting", by=owner, now=now)
    assert changed == 3  # 10:00, 10:30, 11:00 overlap 10:00–11:15
    reasons = services.block_reasons(business, MONDAY)
    assert sorted(reasons.values()) == ["Staff meeting"] * 3
    assert {s.id for s in slots if reload(s).is_blocked} == set(reasons)
    assert details(last_audit("slots.block"))["reason"] == "Staff meeting"
    assert services.set_slots_blocked(business, MONDAY, time(0), time(23), blocked=False,
                                      by=owner, now=now) == 3
    assert services.block_reasons(business, MONDAY) == {}


def test_block_one_slot_keeps_its_reason(database, business, owner, now):
    slot = day_slots(business, now=now)[0]
    services.set_slot_blocked(slot, True, by=owner, now=now, reason="Boiler repair")
    assert reload(slot).block_reason == "Boiler repair"
    services.set_slot_blocked(slot, False, by=owner, now=now)
    assert (reload(slot).is_blocked, reload(slot).block_reason) == (False, "")


def test_cleanup_removes_only_past_slots_that_never_held_a_booking(database, business, owner,
                                                                    now):
    slots = day_slots(business, now=now)
    kept = book(slots[0], now=now)
    services.cancel_booking(book(slots[1], "Ben Ode", now=now), now=now)
    later = MONDAY + timedelta(days=1, hours=8)
    evening = datetime.combine(later, time(0)).replace(tzinfo=now.tzinfo)
    deleted = services.delete_past_unbooked_slots(business, by=owner, now=evening)
    assert deleted == 14
    left = {s.id for s in TimeSlot.select()}
    assert left == {slots[0].id, slots[1].id}
    assert Booking.get_by_id(kept.id).time_slot_id == slots[0].id
    assert details(last_audit("slots.cleanup")) == {"deleted": 14}


# --- generation preview ---------------------------------------------------------------------

def test_preview_equals_what_generation_creates(database, business, owner, now):
    services.set_weekly_hours(business, {0: [(time(9), time(12)), (time(13), time(17))],
                                         2: [(time(10), time(14))]}, by=owner, now=now)
    services.set_hours_exception(business, MONDAY + timedelta(days=7), by=owner, now=now)
    day_slots(business, MONDAY + timedelta(days=14), now=now)  # partly generated already
    args = dict(slot_duration_minutes=45, max_capacity=2, buffer_minutes=15, now=now)
    first, last = MONDAY, MONDAY + timedelta(days=20)
    before = TimeSlot.select().count()
    preview = services.preview_generation(business, first, last, **args)
    assert TimeSlot.select().count() == before  # nothing written
    result = services.generate_time_slots(business, first, last, by=owner, **args)
    assert preview.created == result["created"] and preview.skipped == result["skipped"]
    assert preview.past == result["past"]
    made = {}
    for day, _n in preview.per_day:
        made[day] = len([s for s in services.slots_between(business, day)
                         if s.end - s.start == timedelta(minutes=45)])
    assert dict(preview.per_day) == made
    assert dict(preview.per_day)[MONDAY] == 7  # 9:00..11:00 and 13:00..16:00, hourly
    assert dict(preview.per_day)[MONDAY + timedelta(days=7)] == 0  # holiday


def test_generation_stopped_by_progress_writes_nothing(database, business, owner, now):
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return False

    with pytest.raises(services.GenerationCancelled):
        services.generate_time_slots(business, MONDAY, MONDAY + timedelta(days=60),
                                     by=owner, now=now, progress=progress)
    assert seen and TimeSlot.select().count() == 0


# --- bookings outside new hours -------------------------------------------------------------

def test_new_holiday_lists_bookings_and_needs_an_answer(database, business, owner, now):
    slots = day_slots(business, now=now)
    anna = book(slots[2], now=now)
    ben = book(slots[10], "Ben Ode", now=now)
    stranded = services.bookings_outside_hours(business, exceptions={MONDAY: None}, now=now)
    assert [b.reference for b in stranded] == [anna.reference, ben.reference]
    with pytest.raises(services.BookingsOutsideHours) as refused:
        services.save_hours_exception(business, MONDAY, closed=True, by=owner, now=now)
    assert len(refused.value.bookings) == 2
    assert services.special_days(business, MONDAY, MONDAY) == []
    cancelled = services.save_hours_exception(business, MONDAY, closed=True, note="Flood",
                                              outside="cancel", reason="Closed: flood",
                                              by=owner, now=now)
    assert cancelled == 2
    assert {Booking.get_by_id(b.id).status for b in (anna, ben)} == {"cancelled"}
    assert Booking.get_by_id(anna.id).cancel_reason == "Closed: flood"
    assert [d.note for d in services.special_days(business, MONDAY, MONDAY)] == ["Flood"]


def test_keeping_bookings_saves_hours_and_cancels_nothing(database, business, owner, now):
    slots = day_slots(business, now=now)
    late = book(slots[-1], now=now)   # 16:30
    early = book(slots[0], "Ben Ode", now=now)  # 09:00
    week = {d: [(time(9), time(12)), (time(13), time(16))] for d in range(5)}
    stranded = services.bookings_outside_hours(business, week=week, now=now)
    assert [b.id for b in stranded] == [late.id]
    with pytest.raises(services.BookingsOutsideHours):
        services.save_weekly_hours(business, week, by=owner, now=now)
    assert services.weekly_hours(business)[0] == [(time(9), time(17))]
    assert services.save_weekly_hours(business, week, outside="keep", by=owner, now=now) == 0
    assert services.weekly_hours(business)[0] == week[0]
    assert Booking.get_by_id(late.id).status == "confirmed"
    assert Booking.get_by_id(early.id).status == "confirmed"


def test_saving_hours_is_owner_only_and_checks_overlaps(database, business, owner, staff, now):
    with pytest.raises(PermissionDenied):
        services.save_weekly_hours(business, {0: [(time(8), time(9))]}, by=staff, now=now)
    with pytest.raises(InvalidInput, match="overlap"):
        services.save_weekly_hours(business, {0: [(time(8), time(12)), (time(11), time(13))]},
                                   by=owner, now=now)
    assert services.weekly_hours(business)[0] == [(time(9), time(17))]


def test_migration_0004_down_and_up(database):
    runner = db.migration_runner()
    runner.down("0004_slot_block_reason")
    assert "block_reason" not in [c.name for c in database.get_columns("time_slot")]
    runner.up()
    assert "block_reason" in [c.name for c in database.get_columns("time_slot")]


def test_month_overview_counts_completed_and_no_show_places(database, business, owner, now):
    """A past day shows how full it was, not only what still holds a place."""
    services.generate_time_slots(business, MONDAY, MONDAY, max_capacity=3, by=owner, now=now)
    slot = services.slots_between(business, MONDAY)[0]
    came, missed, pending = book(slot, now=now), book(slot, "Ben Ode", now=now), \
        book(slot, "Cleo Park", now=now)
    later = slot.end + timedelta(minutes=5)
    services.set_booking_status(came, "completed", now=later)
    services.set_booking_status(missed, "no_show", now=later)
    services.cancel_booking(pending, now=later)
    monday = {d.day: d for d in services.month_overview(business, MONDAY, MONDAY)}[MONDAY]
    assert reload(slot).current_bookings == 0
    assert monday.booked == 2


def test_cancel_answer_never_cancels_a_booking_the_owner_did_not_see(database, business,
                                                                      owner, now):
    slots = day_slots(business, now=now)
    shown = book(slots[2], now=now)
    refused = pytest.raises(services.BookingsOutsideHours)
    with refused:
        services.save_hours_exception(business, MONDAY, closed=True, by=owner, now=now)
    seen = [b.id for b in refused.excinfo.value.bookings]
    meanwhile = book(slots[5], "Made Meanwhile", now=now)  # another desk, dialog still open
    with pytest.raises(services.BookingsOutsideHours) as again:
        services.save_hours_exception(business, MONDAY, closed=True, outside="cancel",
                                      reason="Flood", seen=seen, by=owner, now=now)
    assert {b.id for b in again.value.bookings} == {shown.id, meanwhile.id}
    assert {Booking.get_by_id(b.id).status for b in (shown, meanwhile)} == {"confirmed"}
    assert services.special_days(business, MONDAY, MONDAY) == []
    assert services.save_hours_exception(
        business, MONDAY, closed=True, outside="cancel", reason="Flood",
        seen=[b.id for b in again.value.bookings], by=owner, now=now) == 2


def test_moving_or_removing_a_special_opening_asks_about_its_bookings(database, business,
                                                                      owner, now):
    """A special Sunday opening: its bookings would be outside the (closed)
    weekly Sunday once the special day moves or goes."""
    services.save_hours_exception(business, SUNDAY, closed=False,
                                  intervals=[(time(10), time(14))], by=owner, now=now)
    sunday = day_slots(business, SUNDAY, now=now)
    booking = book(sunday[0], now=now)
    with pytest.raises(services.BookingsOutsideHours) as moved:
        services.save_hours_exception(business, SUNDAY + timedelta(days=7), closed=False,
                                      intervals=[(time(10), time(14))], previous_day=SUNDAY,
                                      by=owner, now=now)
    assert [b.id for b in moved.value.bookings] == [booking.id]
    with pytest.raises(services.BookingsOutsideHours):
        services.remove_special_day(business, SUNDAY, by=owner, now=now)
    assert [d.day for d in services.special_days(business, SUNDAY, SUNDAY)] == [SUNDAY]
    assert services.remove_special_day(business, SUNDAY, outside="keep", by=owner, now=now) == 0
    assert services.special_days(business, SUNDAY, SUNDAY) == []
    assert Booking.get_by_id(booking.id).status == "confirmed"
