"""Opening hours decide what can be booked, by any path (issue 8, point 1):
slots outside the hours carry a reason and take no new booking; the day's
kind and note; the nearest free slot of a day; the business's usual slot
settings. Both backends."""
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_desktop import services
from booking_desktop.errors import SlotBlocked, SlotClosed
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import desk
from tests.helpers import MONDAY, day_slots, reload
from tests.workers import race_worker, run_processes

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


# --- every change of the hours closes and reopens slots ---------------------------------------

def by_start(business, day=MONDAY) -> dict[str, TimeSlot]:
    return {local(s): s for s in services.slots_between(business, day)}


def listed(business, day=MONDAY, include_cancelled=False) -> list[str]:
    """The slots a day list shows (closed ones only while they hold bookings)."""
    return [local(r) for r in desk.day_schedule(business, day, include_cancelled) if r.listed]


def open_and_closed(business, day=MONDAY) -> tuple[list[str], dict[str, str]]:
    slots = by_start(business, day)
    return ([t for t, s in slots.items() if not s.closed_reason],
            {t: s.closed_reason for t, s in slots.items() if s.closed_reason})


def add_holiday(path, business, owner, now, day=MONDAY, note="Public holiday"):
    if path == "set_hours_exception":  # the low-level call (command line, demo): keeps bookings
        services.set_hours_exception(business, day, closed=True, note=note, by=owner, now=now)
    else:  # the hours editor, answering "Keep them"
        services.save_hours_exception(business, day, closed=True, note=note, outside="keep",
                                      by=owner, now=now)


@pytest.mark.parametrize("path", ["set_hours_exception", "save_hours_exception"])
def test_holiday_closes_slots_for_every_path(database, business, owner, now, path):
    slots = day_slots(business, now=now, capacity=2)
    anna = services.create_booking(slots[2], "Anna Schmidt", now=now)  # 10:00, kept
    gone = services.cancel_booking(services.create_booking(slots[3], "Ben Ode", now=now),
                                   now=now)  # 10:30: only a cancelled booking
    tuesday = services.create_booking(day_slots(business, TUESDAY, now=now)[0], "Cleo Park",
                                      now=now)
    add_holiday(path, business, owner, now)

    # Every slot of the day is closed with the reason (none removed: a desk that
    # still shows one is refused with the reason, and no id is ever reused); the
    # day lists show only those that hold bookings.
    left = by_start(business)
    assert len(left) == 16
    assert {s.closed_reason for s in left.values()} == {"Closed: Public holiday"}
    assert listed(business) == ["10:00"]
    assert listed(business, include_cancelled=True) == ["10:00", "10:30"]
    assert reload(anna).status == "confirmed" and reload(slots[2]).current_bookings == 1
    message = "Closed: Public holiday. This time can no longer be booked."
    with pytest.raises(SlotClosed, match=message):
        services.create_booking(slots[2], "Dora Weiss", now=now)
    with pytest.raises(SlotClosed, match=message):
        services.reschedule_booking(tuesday, slots[2], now=now)
    with pytest.raises(SlotClosed, match=message):
        desk.reinstate_booking(gone, now=now)  # the undo of the cancel
    assert services.available_slots(business, MONDAY, now=now) == []
    assert services.nearest_free_slot(business, MONDAY, now=now) is None
    assert services.next_free_slot(business, now=now).start.astimezone(BERLIN).date() == TUESDAY
    assert {r.state(now) for r in desk.day_schedule(business, MONDAY)} == {"closed"}
    assert reload(tuesday).time_slot_id != slots[2].id
    assert reload(gone).status == "cancelled"
    assert reload(slots[2]).current_bookings == 1 and reload(slots[3]).current_bookings == 0
    assert services.check_integrity() == []


@pytest.mark.parametrize("path", ["set_weekly_hours", "save_weekly_hours"])
def test_lunch_break_keep_then_refused(database, business, owner, now, path):
    slots = day_slots(business, now=now, capacity=2)
    kept = services.create_booking(by_start(business)["12:00"], "Anna Schmidt", now=now)
    lunch = {d: [(time(9), time(12)), (time(13), time(17))] for d in range(5)}
    if path == "save_weekly_hours":
        with pytest.raises(services.BookingsOutsideHours) as asked:
            services.save_weekly_hours(business, lunch, by=owner, now=now)
        assert [b.id for b in asked.value.bookings] == [kept.id]
        assert len(services.slots_between(business, MONDAY)) == 16  # nothing saved yet
        services.save_weekly_hours(business, lunch, outside="keep",
                                   seen=[b.id for b in asked.value.bookings], by=owner, now=now)
    else:
        services.set_weekly_hours(business, lunch, by=owner, now=now)
    opened, closed = open_and_closed(business)
    assert closed == {"12:00": "Outside opening hours", "12:30": "Outside opening hours"}
    assert len(opened) == 14
    assert "12:30" not in listed(business) and "12:00" in listed(business)
    noon = by_start(business)["12:00"]
    assert noon.current_bookings == 1
    with pytest.raises(SlotClosed, match="^Outside opening hours. This time can no longer"):
        services.create_booking(noon, "Ben Ode", now=now)
    assert reload(kept).status == "confirmed"
    assert noon.id not in {s.id for s in services.available_slots(business, MONDAY, now=now)}
    assert len(slots) == 16


def test_special_day_closes_what_lies_outside_its_hours(database, business, owner, now):
    day_slots(business, now=now)
    early = services.create_booking(by_start(business)["09:00"], "Anna Schmidt", now=now)
    services.save_hours_exception(business, MONDAY, closed=False,
                                  intervals=[(time(10), time(14))], note="Christmas Eve",
                                  outside="keep", by=owner, now=now)
    opened, closed = open_and_closed(business)
    assert opened == [f"{h:02d}:{m:02d}" for h in range(10, 14) for m in (0, 30)]
    assert set(closed.values()) == {"Outside the special hours (Christmas Eve)"}
    assert listed(business) == ["09:00"] + opened
    assert reload(early).status == "confirmed"


def test_cancel_answer_cancels_and_keeps_the_slots_closed(database, business, owner, now):
    slots = day_slots(business, now=now)
    anna = services.create_booking(slots[2], "Anna Schmidt", now=now)
    assert services.save_hours_exception(business, MONDAY, closed=True, note="Flood",
                                         outside="cancel", reason="Closed: flood",
                                         by=owner, now=now) == 1
    assert reload(anna).status == "cancelled"
    assert {(s.closed_reason, s.current_bookings)
            for s in services.slots_between(business, MONDAY)} == {("Closed: Flood", 0)}
    assert listed(business) == []  # the cancelled booking is shown only when asked
    assert listed(business, include_cancelled=True) == ["10:00"]
    assert services.check_integrity() == []


def test_reopen_and_regenerate(database, business, owner, now):
    slots = day_slots(business, now=now, capacity=2)
    anna = services.create_booking(slots[2], "Anna Schmidt", now=now)
    add_holiday("save_hours_exception", business, owner, now)
    assert services.available_slots(business, MONDAY, now=now) == []
    assert listed(business) == ["10:00"]

    services.remove_special_day(business, MONDAY, by=owner, now=now)
    assert {s.closed_reason for s in services.slots_between(business, MONDAY)} == {""}
    services.create_booking(slots[2], "Ben Ode", now=now)  # bookable again
    assert len(services.available_slots(business, MONDAY, now=now)) == 15  # 10:00 is full
    result = services.generate_time_slots(business, MONDAY, MONDAY, max_capacity=2,
                                          by=owner, now=now)
    assert (result["created"], result["skipped"]) == (0, 16)  # the same slots, reopened
    again = services.slots_between(business, MONDAY)
    assert [s.id for s in again] == [s.id for s in slots]
    assert reload(anna).time_slot_id == slots[2].id and reload(slots[2]).current_bookings == 2

    # Narrower weekly hours, then wider again: the same.
    services.set_weekly_hours(business, {d: [(time(9), time(12))] for d in range(5)},
                              by=owner, now=now)
    assert open_and_closed(business)[0] == \
        ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert len(services.available_slots(business, MONDAY, now=now)) == 5
    services.create_recurring_business_hours(business, "weekday_9to5", by=owner, now=now)
    assert services.generate_time_slots(business, MONDAY, MONDAY, max_capacity=2,
                                        by=owner, now=now)["created"] == 0
    assert len(services.available_slots(business, MONDAY, now=now)) == 15  # 10:00 is full


def test_generation_never_makes_slots_outside_the_hours(database, business, owner, now):
    services.set_hours_exception(business, MONDAY, closed=False,
                                 intervals=[(time(10), time(11))], by=owner, now=now)
    services.generate_time_slots(business, MONDAY, TUESDAY, by=owner, now=now)
    assert sorted(by_start(business)) == ["10:00", "10:30"]
    assert TimeSlot.select().where(TimeSlot.closed_reason != "").count() == 0


def test_only_slots_that_have_not_begun_change(database, business, owner, now):
    slots = day_slots(business, now=now)
    services.create_booking(slots[1], "Anna Schmidt", now=now)  # 09:30, begun by then
    during = at(MONDAY, 10, 5)
    services.set_hours_exception(business, MONDAY, closed=True, note="Power cut", by=owner,
                                 now=during)
    left = [(local(s), s.closed_reason) for s in services.slots_between(business, MONDAY)]
    assert left[:3] == [("09:00", ""), ("09:30", ""), ("10:00", "")]  # begun: left as they were
    assert {reason for _, reason in left[3:]} == {"Closed: Power cut"}
    assert len(left) == 16


def test_desk_loaded_before_owner_saved_is_refused(database, business, owner, now):
    slots = day_slots(business, now=now, capacity=2)
    dora = services.create_booking(day_slots(business, TUESDAY, now=now)[0], "Dora Weiss",
                                   now=now)
    services.create_booking(slots[2], "Anna Schmidt", now=now)
    shown = desk.day_schedule(business, MONDAY)  # the desk's screen
    assert shown[2].state(now) == "filling" and shown[3].state(now) == "free"

    add_holiday("save_hours_exception", business, owner, now)  # another desk: the owner

    with pytest.raises(SlotClosed, match="^Closed: Public holiday. This time can no longer"):
        services.create_booking(shown[2].id, "Ben Ode", now=now)
    with pytest.raises(SlotClosed, match="^Closed: Public holiday"):
        services.reschedule_booking(dora, shown[2].id, now=now)
    # An unbooked slot is closed too (not removed): refused with the same reason.
    with pytest.raises(SlotClosed, match="^Closed: Public holiday. This time can no longer"):
        services.create_booking(shown[3].id, "Cleo Park", now=now)
    assert Booking.select().where(Booking.time_slot == slots[3].id).count() == 0
    assert Booking.select().where(Booking.time_slot == slots[2].id).count() == 1
    assert reload(slots[2]).current_bookings == 1


def test_unmarking_a_completed_booking_in_a_closed_slot_gives_its_place_back(database, business,
                                                                            owner, now):
    slot = day_slots(business, now=now)[2]
    anna = services.create_booking(slot, "Anna Schmidt", now=now)
    add_holiday("set_hours_exception", business, owner, now)
    later = slot.start + timedelta(minutes=10)
    services.set_booking_status(anna, "completed", now=later)
    assert reload(slot).current_bookings == 0
    # The mark was a slip: the place it held comes back although the slot is closed.
    desk.reinstate_booking(anna, now=later)
    assert reload(anna).status == "confirmed" and reload(slot).current_bookings == 1
    assert services.check_integrity() == []


# --- several desks at once ----------------------------------------------------------------------

WORKERS = 8


@pytest.mark.slow
def test_holiday_saved_while_processes_book_that_day(database, db_url, business, owner, now):
    """Eight desks (processes) book into every slot of Monday while the owner
    saves a holiday there, cancelling what it strands. Whatever the order,
    no active booking is left in a closed slot: those committed before the
    owner listed them were cancelled, the later ones were refused."""
    slot_ids = [s.id for s in day_slots(business, now=now, capacity=4)]
    outcomes, _ = run_processes(
        race_worker,
        lambda n, barrier, results: (db_url, n, slot_ids, now.isoformat(), barrier, results),
        WORKERS,
        meanwhile=lambda: services.save_hours_exception(
            business, MONDAY, closed=True, note="Public holiday", outside="cancel",
            reason="Public holiday", by=owner, now=now))
    rows = [row for worker in outcomes.values() for row in worker]
    kinds = Counter(kind for _, kind, _ in rows)
    assert set(kinds) <= {"ok", "SlotFull", "SlotClosed"}, rows
    booked = {detail for _, kind, detail in rows if kind == "ok"}
    assert {r for (r,) in Booking.select(Booking.reference).tuples()} == booked
    stranded = (Booking.select().join(TimeSlot)
                .where((TimeSlot.closed_reason != "")
                       & Booking.status.in_(("pending", "confirmed"))))
    assert stranded.count() == 0
    assert services.available_slots(business, MONDAY, now=now) == []
    assert services.check_integrity() == []  # counters equal the active bookings


def test_month_overview_counts_no_bookable_places_in_closed_slots(database, business, owner,
                                                                  now):
    slot = day_slots(business, now=now, capacity=2)[2]
    services.create_booking(slot, "Anna Schmidt", now=now)
    add_holiday("set_hours_exception", business, owner, now)
    monday = services.month_overview(business, MONDAY, MONDAY)[0]
    assert (monday.kind, monday.note, monday.slots, monday.capacity, monday.booked) == (
        "holiday", "Public holiday", 1, 0, 1)
    assert monday.fill == 1.0
