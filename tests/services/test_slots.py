"""Laying out time slots from the opening hours: counts, idempotence, the
past, closing time, breaks, buffers, exceptions and daylight-saving changes;
blocking and listing free slots. Both backends."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_desktop import services
from booking_desktop.clock import UTC
from booking_desktop.models import TimeSlot
from tests.helpers import MONDAY, day_slots, details, last_audit, reload, slot_dump, snapshot

SUNDAY = MONDAY + timedelta(days=6)
BERLIN = ZoneInfo("Europe/Berlin")


def local_starts(business, first, last=None) -> dict[date, list[str]]:
    """Each local date's slot start times, as "HH:MM" local."""
    tz = ZoneInfo(business.timezone)
    days: dict[date, list[str]] = {}
    for slot in services.slots_between(business, first, last or first):
        start = slot.start.astimezone(tz)
        days.setdefault(start.date(), []).append(f"{start:%H:%M}")
    return days


def every_half_hour(opens: str, last_start: str) -> list[str]:
    t = datetime.combine(MONDAY, time.fromisoformat(opens))
    end = datetime.combine(MONDAY, time.fromisoformat(last_start))
    out = []
    while t <= end:
        out.append(f"{t:%H:%M}")
        t += timedelta(minutes=30)
    return out


NINE_TO_FIVE = every_half_hour("09:00", "16:30")


def test_generate_counts_and_stores_a_week(database, business, owner, now):
    result = services.generate_time_slots(business, MONDAY, SUNDAY, max_capacity=3, by=owner,
                                          now=now)
    assert result == {"created": 80, "skipped": 0, "past": 0, "days": 7}
    assert TimeSlot.select().count() == 80
    days = local_starts(business, MONDAY, SUNDAY)
    assert sorted(days) == [MONDAY + timedelta(days=i) for i in range(5)]  # weekend closed
    assert all(starts == NINE_TO_FIVE for starts in days.values())
    for slot in TimeSlot.select():
        assert (slot.max_capacity, slot.current_bookings, slot.is_blocked) == (3, 0, False)
        assert slot.end - slot.start == timedelta(minutes=30)
        assert slot.business_id == business.id
    event = last_audit("slots.generate")
    assert event.user_id == owner.id and event.entity_id == business.id
    assert details(event)["created"] == 80


def test_generate_is_idempotent_and_leaves_booked_slots_alone(database, business, owner, now):
    services.generate_time_slots(business, MONDAY, SUNDAY, max_capacity=2, by=owner, now=now)
    slot = services.available_slots(business, MONDAY, now=now)[3]
    services.create_booking(slot, "Ana", now=now)
    services.set_slot_blocked(services.slots_between(business, MONDAY)[5], True, by=owner)
    before = slot_dump()

    again = services.generate_time_slots(business, MONDAY, SUNDAY, max_capacity=7,
                                         slot_duration_minutes=30, by=owner, now=now)
    assert again == {"created": 0, "skipped": 80, "past": 0, "days": 7}
    assert slot_dump() == before
    stored = reload(slot)
    assert (stored.current_bookings, stored.max_capacity) == (1, 2)
    assert services.check_integrity() == []


def test_no_slot_is_made_in_the_past(database, business, owner):
    # 11:00 in Berlin: 09:00 .. 11:00 have begun (a start equal to now counts as begun).
    later = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
    result = services.generate_time_slots(business, MONDAY, MONDAY + timedelta(days=1), by=owner,
                                          now=later)
    assert result["past"] == 5 and result["created"] == 11 + 16
    assert local_starts(business, MONDAY)[MONDAY] == every_half_hour("11:30", "16:30")
    assert all(s.start > later for s in TimeSlot.select())
    assert TimeSlot.select().count() == 27


def test_no_slot_runs_past_closing(database, business, owner, now):
    services.generate_time_slots(business, MONDAY, MONDAY, slot_duration_minutes=45, by=owner,
                                 now=now)
    slots = services.slots_between(business, MONDAY)
    assert len(slots) == 10  # 09:00 + 10 x 45 min would end at 16:30 + 45 = 17:15
    closing = datetime.combine(MONDAY, time(17), tzinfo=BERLIN)
    assert max(s.end for s in slots) == datetime.combine(MONDAY, time(16, 30), tzinfo=BERLIN)
    assert all(s.end <= closing for s in slots)


def test_buffer_leaves_a_gap_between_slots(database, business, owner, now):
    services.generate_time_slots(business, MONDAY, MONDAY, slot_duration_minutes=60,
                                 buffer_minutes=15, by=owner, now=now)
    slots = services.slots_between(business, MONDAY)
    assert local_starts(business, MONDAY)[MONDAY] == [
        "09:00", "10:15", "11:30", "12:45", "14:00", "15:15"]
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)
    assert all(b.start - a.end == timedelta(minutes=15) for a, b in zip(slots, slots[1:]))


def test_lunch_break_template_leaves_the_break_empty(database, business, owner, now):
    services.create_recurring_business_hours(business, "weekday_9to5_lunch", by=owner)
    services.generate_time_slots(business, MONDAY, MONDAY, by=owner, now=now)
    assert local_starts(business, MONDAY)[MONDAY] == (
        every_half_hour("09:00", "11:30") + every_half_hour("13:00", "16:30"))
    noon = datetime.combine(MONDAY, time(12), tzinfo=BERLIN)
    one = datetime.combine(MONDAY, time(13), tzinfo=BERLIN)
    assert not [s for s in services.slots_between(business, MONDAY)
                if s.start < one and s.end > noon]


def test_hours_exceptions_close_a_holiday_and_open_special_intervals(database, business, owner,
                                                                     now):
    tuesday, wednesday, saturday = (MONDAY + timedelta(days=d) for d in (1, 2, 5))
    services.set_hours_exception(business, tuesday, closed=True, note="Holiday", by=owner)
    services.set_hours_exception(business, wednesday, closed=False,
                                 intervals=[("14:00", "15:00"), ("10:00", "12:00")], by=owner)
    services.set_hours_exception(business, saturday.isoformat(), closed=False,
                                 intervals=[(time(10), time(11))], by=owner)
    result = services.generate_time_slots(business, MONDAY, SUNDAY, by=owner, now=now)
    days = local_starts(business, MONDAY, SUNDAY)
    assert tuesday not in days
    assert days[wednesday] == ["10:00", "10:30", "11:00", "11:30", "14:00", "14:30"]
    assert days[saturday] == ["10:00", "10:30"]
    assert days[MONDAY] == days[MONDAY + timedelta(days=3)] == NINE_TO_FIVE
    assert SUNDAY not in days
    assert result["created"] == TimeSlot.select().count() == 16 * 3 + 6 + 2


# --- daylight-saving changes ------------------------------------------------

ALL_WEEK_9_TO_5 = {day: [("09:00", "17:00")] for day in range(7)}
DST_WINDOWS = [
    # zone, first day, last day, the Sunday of the change
    ("Europe/Berlin", date(2030, 3, 25), date(2030, 4, 5), date(2030, 3, 31)),
    ("Europe/Berlin", date(2030, 10, 21), date(2030, 11, 1), date(2030, 10, 27)),
    ("America/New_York", date(2030, 3, 5), date(2030, 3, 15), date(2030, 3, 10)),
    ("America/New_York", date(2030, 10, 28), date(2030, 11, 8), date(2030, 11, 3)),
]


@pytest.mark.parametrize("zone, first, last, change", DST_WINDOWS,
                         ids=["berlin-spring", "berlin-autumn", "newyork-spring", "newyork-autumn"])
def test_opening_stays_at_nine_local_across_a_dst_change(database, owner, zone, first, last,
                                                         change):
    shop = services.create_business(f"Shop {zone}", zone, by=owner)
    services.set_weekly_hours(shop, ALL_WEEK_9_TO_5, by=owner)
    now = datetime.combine(first - timedelta(days=7), time(0), tzinfo=UTC)
    result = services.generate_time_slots(shop, first, last, by=owner, now=now)

    n_days = (last - first).days + 1
    assert result["created"] == 16 * n_days == TimeSlot.select().count()
    days = local_starts(shop, first, last)
    assert sorted(days) == [first + timedelta(days=i) for i in range(n_days)]
    for day, starts in days.items():
        assert starts == NINE_TO_FIVE, day
    slots = services.slots_between(shop, first, last)
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)
    # The clocks did change inside the window, so UTC opening moved by an hour.
    tz = ZoneInfo(zone)
    opening_utc = {s.start.astimezone(tz).date(): s.start.astimezone(UTC).time()
                   for s in reversed(slots)}
    before, after = opening_utc[change - timedelta(days=1)], opening_utc[change + timedelta(days=1)]
    assert abs(datetime.combine(first, before) - datetime.combine(first, after)) == timedelta(hours=1)
    assert opening_utc[change] == after

    assert services.generate_time_slots(shop, first, last, by=owner, now=now)["created"] == 0


NIGHT_CASES = [
    # zone, change day, local starts, UTC starts (as "MM-DD HH:MM")
    ("Europe/Berlin", date(2030, 3, 31),
     ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"],
     ["03-30 23:00", "03-30 23:30", "03-31 00:00", "03-31 00:30", "03-31 01:00", "03-31 01:30"]),
    ("Europe/Berlin", date(2030, 10, 27),
     ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"],
     ["10-26 22:00", "10-26 22:30", "10-26 23:00", "10-26 23:30", "10-27 00:00", "10-27 00:30",
      "10-27 02:00", "10-27 02:30"]),
    ("America/New_York", date(2030, 3, 10),
     ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"],
     ["03-10 05:00", "03-10 05:30", "03-10 06:00", "03-10 06:30", "03-10 07:00", "03-10 07:30"]),
    ("America/New_York", date(2030, 11, 3),
     ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"],
     ["11-03 04:00", "11-03 04:30", "11-03 05:00", "11-03 05:30", "11-03 07:00", "11-03 07:30",
      "11-03 08:00", "11-03 08:30"]),
]


@pytest.mark.parametrize("zone, change, local, utc", NIGHT_CASES,
                         ids=["berlin-spring", "berlin-autumn", "newyork-spring", "newyork-autumn"])
def test_night_hours_over_a_dst_change(database, owner, zone, change, local, utc):
    """Open 00:00-04:00 on the change night: a wall-clock time the clocks skip
    gets no slot; a time they repeat gets one slot, not two."""
    shop = services.create_business(f"Night {zone}", zone, by=owner)
    services.set_weekly_hours(shop, {6: [("00:00", "04:00")]}, by=owner)  # Sundays
    now = datetime.combine(change - timedelta(days=3), time(0), tzinfo=UTC)
    result = services.generate_time_slots(shop, change, change, by=owner, now=now)

    slots = services.slots_between(shop, change)
    assert result["created"] == len(slots) == TimeSlot.select().count() == len(local)
    assert local_starts(shop, change) == {change: local}
    assert [f"{s.start:%m-%d %H:%M}" for s in slots] == utc
    assert all(s.end - s.start == timedelta(minutes=30) for s in slots)
    assert all(b.start >= a.end for a, b in zip(slots, slots[1:]))  # none overlaps
    closing = datetime.combine(change, time(4)).replace(tzinfo=ZoneInfo(zone))
    assert all(s.end <= closing for s in slots)
    assert services.generate_time_slots(shop, change, change, by=owner, now=now)["created"] == 0
    assert TimeSlot.select().count() == len(local)


# --- blocking and listing -------------------------------------------------------

def test_block_and_unblock_a_slot(database, business, owner, now):
    slots = day_slots(business, now=now, capacity=2)
    target = slots[2]
    blocked = services.set_slot_blocked(target, True, by=owner)
    assert blocked.is_blocked and reload(target).is_blocked
    event = last_audit("slot.block")
    assert (event.user_id, event.entity, event.entity_id) == (owner.id, "time_slot", target.id)
    assert target.id not in [s.id for s in services.available_slots(business, MONDAY, now=now)]

    services.set_slot_blocked(target, False, by=owner)
    assert reload(target).is_blocked is False
    assert last_audit("slot.unblock").entity_id == target.id
    assert target.id in [s.id for s in services.available_slots(business, MONDAY, now=now)]


def test_available_slots_leave_out_full_blocked_and_begun_ones(database, business, owner, now):
    slots = day_slots(business, now=now, capacity=1)
    services.create_booking(slots[0], "Full", now=now)
    services.set_slot_blocked(slots[1], True, by=owner)
    later = slots[3].start  # slots[2] and [3] have begun by then
    ids = [s.id for s in services.available_slots(business, MONDAY, now=later)]
    assert ids == [s.id for s in slots[4:]]
    assert services.next_free_slot(business, now=now).id == slots[2].id
    assert services.next_free_slot(business, now=later).id == slots[4].id
    before = snapshot()
    assert services.available_slots(business, MONDAY + timedelta(days=1), now=now) == []
    assert snapshot() == before


def test_regenerating_with_another_length_never_overlaps(database, business, now):
    services.generate_time_slots(business, MONDAY, MONDAY, slot_duration_minutes=30, now=now)
    booked = services.slots_between(business, MONDAY)[0]
    services.create_booking(booked, "Kept", now=now)
    result = services.generate_time_slots(business, MONDAY, MONDAY, slot_duration_minutes=45,
                                          now=now)
    assert result["created"] == 0
    slots = services.slots_between(business, MONDAY)
    assert len(slots) == 16
    for first, second in zip(slots, slots[1:]):
        assert first.end <= second.start
    assert reload(booked).current_bookings == 1
