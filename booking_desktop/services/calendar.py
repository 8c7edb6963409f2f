"""The owner's planning tools: the month at a glance, the day's slot
settings (capacity, blocking with a reason), previewing slot generation,
cleaning up past slots, and saving hours or holidays without silently
stranding bookings outside the new opening hours.

Every function returns plain frozen rows; dates and times of day are the
business's local ones.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import SQL, Case, fn

from .. import models
from ..db import is_postgres
from ..errors import QT_TRANSLATE_NOOP, BookingError, InvalidInput, InvalidTransition, NotFound
from ..models import ACTIVE_STATUSES, Booking, Business, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write
from .bookings import cancel_booking
from .hours import (
    WEEKDAYS,
    parse_week,
    format_intervals,
    hours_exceptions,
    inside_hours,
    lock_hours,
    opening_intervals,
    parse_intervals,
    remove_hours_exception,
    set_hours_exception,
    set_weekly_hours,
    weekly_hours,
)
from .slots import (
    MAX_GENERATE_DAYS,
    generation_inputs,
    day_bounds,
    plan_slots,
    set_slot_blocked,
    zone,
)

MAX_OVERVIEW_DAYS = 62


# --- the month -------------------------------------------------------------------------

@dataclass(frozen=True)
class DayLoad:
    """One day of the month view. `kind`: open | closed (no weekly hours) |
    holiday (closed by an exception) | special (special hours)."""
    day: date
    kind: str
    note: str
    slots: int
    blocked: int
    capacity: int     # places in slots that are not blocked nor closed (outside the hours)
    booked: int       # places taken (active bookings), blocked slots included

    @property
    def fill(self) -> float:
        """Booked over bookable places, 0..1 (1 when nothing is bookable but something is booked)."""
        if self.capacity <= 0:
            return 1.0 if self.booked else 0.0
        return min(1.0, self.booked / self.capacity)


def month_overview(business: Business, first: date, last: date) -> list[DayLoad]:
    """Every local date from `first` to `last` (at most 62 days, e.g. the six
    weeks a month view shows) with its slots' load and its kind of day.

    The load is one aggregate query for the whole range: each slot is put in
    its local day by comparing its start with the days' UTC bounds (exact
    across daylight-saving changes, the same SQL on SQLite and PostgreSQL)."""
    first, last = v.date_range(first, last, MAX_OVERVIEW_DAYS)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    bounds = [day_bounds(business, d)[1] for d in days]  # end of each local day
    lo = day_bounds(business, first)[0]
    # One CASE node with bound parameters: peewee compiles it in one step
    # (42 Expression nodes would cost more than the query itself).
    param = models.database.param
    day_index = SQL("CASE " + " ".join(f'WHEN "start" < {param} THEN {i}'
                                       for i in range(len(bounds))) + " END",
                    [TimeSlot.start.db_value(hi) for hi in bounds])
    blocked = Case(None, [(TimeSlot.is_blocked == True, 1)], 0)  # noqa: E712 (SQL)
    unbookable = (TimeSlot.is_blocked == True) | (TimeSlot.closed_reason != "")  # noqa: E712
    open_capacity = Case(None, [(unbookable, 0)], TimeSlot.max_capacity)
    # Past days count the places their bookings used: completed and no-show
    # bookings no longer hold a place (current_bookings) but did take one.
    attended = (Booking.select(fn.COUNT(Booking.id))
                .where((Booking.time_slot == TimeSlot.id)
                       & Booking.status.in_(SQL("('completed', 'no_show')"))))
    # A slot the hours closed counts only while it holds bookings (the day
    # lists show it then; a holiday's empty slots are not the day's slots).
    listed = Case(None, [(TimeSlot.closed_reason == "", 1),
                         (TimeSlot.current_bookings + attended > 0, 1)], 0)
    query = (TimeSlot.select(day_index, fn.SUM(listed), fn.SUM(blocked),
                             fn.SUM(open_capacity), fn.SUM(TimeSlot.current_bookings + attended))
             .where((TimeSlot.business == business.id) & (TimeSlot.start >= lo)
                    & (TimeSlot.start < bounds[-1]))
             .group_by(SQL("1")).tuples())  # by position: the CASE is parameterised

    def run():
        loads = {int(d): (int(n or 0), int(b or 0), int(c or 0), int(k or 0))
                 for d, n, b, c, k in query}
        return loads, weekly_hours(business), hours_exceptions(business, first, last)

    loads, week, exceptions = run_read(run)
    result = []
    for i, day in enumerate(days):
        exception = exceptions.get(day)
        if exception is not None:
            kind, note = ("holiday" if exception.closed else "special"), exception.note or ""
        else:
            kind, note = ("open" if week.get(day.weekday()) else "closed"), ""
        n, b, c, k = loads.get(i, (0, 0, 0, 0))
        result.append(DayLoad(day, kind, note, n, b, c, k))
    return result


def block_reasons(business: Business, day) -> dict[int, str]:
    """Why each blocked slot of the local date is blocked (slot id → reason)."""
    day = v.a_date(day, "The day", "day")
    lo, hi = day_bounds(business, day)
    query = (TimeSlot.select(TimeSlot.id, TimeSlot.block_reason)
             .where((TimeSlot.business == business.id) & (TimeSlot.start >= lo)
                    & (TimeSlot.start < hi) & (TimeSlot.is_blocked == True))  # noqa: E712
             .tuples())
    return run_read(lambda: dict(query))


# --- one slot ----------------------------------------------------------------------------

def set_slot_capacity(slot: TimeSlot | int, capacity, by: User | None = None,
                      now: datetime | None = None,
                      expected_capacity: int | None = None) -> TimeSlot:
    """Change how many people a slot takes. Never below the places already
    booked. Owner only. Raises InvalidInput, NotFound, PermissionDenied;
    InvalidTransition when the capacity is no longer `expected_capacity` (what
    the desk saw: another desk changed it meanwhile)."""
    require_owner(by, "change a slot's capacity")
    capacity = v.integer(capacity, "The capacity", "max_capacity", 1, 1000)
    slot_id = v.record_id(slot.id if isinstance(slot, TimeSlot) else slot, "time slot")

    def work():
        query = TimeSlot.select().where(TimeSlot.id == slot_id)
        # Another desk booking into this slot meanwhile waits for us (SQLite:
        # BEGIN IMMEDIATE already serialises writers).
        current = (query.for_update() if is_postgres() else query).first()
        if current is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That time slot no longer exists."))
        if expected_capacity is not None and current.max_capacity != expected_capacity:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "This time slot's capacity was changed at another desk "
                                            "meanwhile (it now takes {n}); nothing was changed."),
                params={"n": current.max_capacity})
        if capacity < current.current_bookings:
            booked = current.current_bookings
            raise InvalidInput(
                QT_TRANSLATE_NOOP("errors", "1 place is already booked in this slot; the capacity "
                                            "cannot go below 1. Cancel or move bookings first.")
                if booked == 1 else
                QT_TRANSLATE_NOOP("errors", "{n} places are already booked in this slot; the "
                                            "capacity cannot go below {n}. Cancel or move "
                                            "bookings first."),
                params={"n": booked}, field="max_capacity")
        TimeSlot.update(max_capacity=capacity).where(TimeSlot.id == slot_id).execute()
        audit(by, "slot.capacity", "time_slot", slot_id, at=current_time(now),
              previous=current.max_capacity, capacity=capacity)
        return TimeSlot.get_by_id(slot_id)

    return run_write(work)


def set_slots_blocked(business: Business, day, start: time, end: time, blocked: bool = True,
                      reason: str = "", by: User | None = None,
                      now: datetime | None = None) -> int:
    """Block (or unblock) every slot of the local date that overlaps
    `start`–`end` (a staff meeting), with a reason. Bookings already made
    stay. Returns how many slots changed. Owner only."""
    require_owner(by, "block time slots")
    day = v.a_date(day, "The day", "day")
    start = v.time_of_day(start, "The start time", "start")
    end = v.time_of_day(end, "The end time", "end")
    if start >= end:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The start {start} must be before the end "
                                                       "{end}."), params={"start": start, "end": end},
                           field="end")
    reason = v.reason(reason) if blocked else ""
    tz = zone(business)
    lo = datetime.combine(day, start, tzinfo=tz)
    hi = datetime.combine(day, end, tzinfo=tz)

    def work():
        changed = (TimeSlot.update(is_blocked=bool(blocked), block_reason=reason)
                   .where((TimeSlot.business == business.id) & (TimeSlot.start < hi)
                          & (TimeSlot.end > lo) & (TimeSlot.is_blocked != bool(blocked)))
                   .execute())
        audit(by, "slots.block" if blocked else "slots.unblock", "business", business.id,
              at=current_time(now), date=day.isoformat(), start=f"{start:%H:%M}",
              end=f"{end:%H:%M}", reason=reason, slots=changed)
        return changed

    return run_write(work)


def block_slot(slot: TimeSlot | int, blocked: bool = True, reason: str = "",
               by: User | None = None, now: datetime | None = None) -> TimeSlot:
    """Block one slot with a reason, or unblock it (see `set_slot_blocked`)."""
    return set_slot_blocked(slot, blocked, by=by, now=now, reason=reason)


def _past_unbooked(business: Business, moment: datetime):
    booked = Booking.select(Booking.time_slot).distinct()
    return ((TimeSlot.business == business.id) & (TimeSlot.end <= moment)
            & TimeSlot.id.not_in(booked))


def count_past_unbooked_slots(business: Business, now: datetime | None = None) -> int:
    """How many slots `delete_past_unbooked_slots` would remove now."""
    return run_read(lambda: TimeSlot.select().where(
        _past_unbooked(business, current_time(now))).count())


def delete_past_unbooked_slots(business: Business, by: User | None = None,
                               now: datetime | None = None) -> int:
    """Remove slots that have ended and never held a booking (of any status:
    a booking's history keeps its slot). Returns how many. Owner only."""
    require_owner(by, "clean up slots")

    def work():
        moment = current_time(now)
        deleted = TimeSlot.delete().where(_past_unbooked(business, moment)).execute()
        audit(by, "slots.cleanup", "business", business.id, at=moment, deleted=deleted)
        return deleted

    return run_write(work)


# --- previewing generation -----------------------------------------------------------------

@dataclass(frozen=True)
class GenerationPreview:
    per_day: tuple[tuple[date, int], ...]   # every local date of the range, new slots on it
    created: int
    skipped: int
    past: int


def preview_generation(business: Business, start_date, end_date, slot_duration_minutes: int = 30,
                       max_capacity: int = 1, buffer_minutes: int = 0,
                       now: datetime | None = None) -> GenerationPreview:
    """What `generate_time_slots` with the same arguments would create, per
    day, without writing anything (the same planning step). Raises InvalidInput."""
    start_date, end_date, duration, _capacity, buffer = generation_inputs(
        start_date, end_date, slot_duration_minutes, max_capacity, buffer_minutes)

    def run():
        return plan_slots(business, start_date, end_date, duration, buffer, current_time(now))

    plan = run_read(run)
    tz = zone(business)
    counts = {start_date + timedelta(days=i): 0 for i in range((end_date - start_date).days + 1)}
    for start in plan.fresh:
        counts[start.astimezone(tz).date()] += 1
    return GenerationPreview(tuple(counts.items()), len(plan.fresh), plan.skipped, plan.past)


# --- hours that would strand bookings ------------------------------------------------------

@dataclass(frozen=True)
class StrandedBooking:
    """An active booking the proposed hours would leave outside opening time."""
    id: int
    reference: str
    customer_name: str
    customer_phone: str | None
    start: datetime
    end: datetime


class BookingsOutsideHours(BookingError):
    """Raised when a change would leave bookings outside the opening hours and
    the caller has not said whether to keep or cancel them."""
    default_message = QT_TRANSLATE_NOOP("errors", "Some bookings would fall outside the new "
                                                  "opening hours.")

    def __init__(self, bookings: list[StrandedBooking]):
        n = len(bookings)
        super().__init__(f"{n} booking{'s' if n != 1 else ''} would fall outside the new "
                         "opening hours. Choose to keep or to cancel "
                         f"{'them' if n != 1 else 'it'}.")
        self.bookings = bookings


def bookings_outside_hours(business: Business, week=None, exceptions=None,
                           now: datetime | None = None) -> list[StrandedBooking]:
    """Active bookings from now on that would lie outside the opening hours
    if the weekly hours became `week` ({weekday: [(open, close)]}; None keeps
    the saved ones) and `exceptions` ({date: None for closed, or [(open,
    close)]}) were added. With only `exceptions`, only those dates are looked at."""
    proposed_week = parse_week(week) if week is not None else None
    proposed = {}
    for day, intervals in (exceptions or {}).items():
        day = v.a_date(day, "The date", "date")
        proposed[day] = [] if intervals is None else v.intervals(intervals, day.isoformat())

    def run():
        moment = current_time(now)
        query = (Booking.select(Booking.id, Booking.reference, Booking.customer_name,
                                Booking.customer_phone, TimeSlot.start, TimeSlot.end)
                 .join(TimeSlot, on=(Booking.time_slot == TimeSlot.id))
                 .where((TimeSlot.business == business.id) & (TimeSlot.end > moment)
                        & Booking.status.in_(ACTIVE_STATUSES)))
        if proposed_week is None:
            if not proposed:
                return [], {}, {}
            where = None
            for day in proposed:
                lo, hi = day_bounds(business, day)
                cond = (TimeSlot.start >= lo) & (TimeSlot.start < hi)
                where = cond if where is None else where | cond
            query = query.where(where)
        rows = list(query.order_by(TimeSlot.start, Booking.id).tuples())
        if not rows:
            return [], {}, {}
        tz = zone(business)
        first = min(r[4] for r in rows).astimezone(tz).date()
        last = max(r[4] for r in rows).astimezone(tz).date()
        return rows, weekly_hours(business), hours_exceptions(business, first, last)

    rows, saved_week, saved_exceptions = run_read(run)
    tz = zone(business)
    week_used = proposed_week if proposed_week is not None else saved_week
    stranded = []
    for booking_id, reference, name, phone, start, end in rows:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
        day = local_start.date()
        if day in proposed:
            intervals = proposed[day]
        else:
            intervals = opening_intervals(week_used, saved_exceptions, day)
        if not inside_hours(local_start, local_end, intervals):
            stranded.append(StrandedBooking(booking_id, reference, name, phone, start, end))
    return stranded


def _settle(stranded, outside: str | None, reason: str, by, now, seen) -> int:
    """Keep or cancel the bookings the new hours strand, as the owner answered.
    `seen` is the ids the owner was shown: a booking made meanwhile at another
    desk is never cancelled unseen; the question comes again, listing it."""
    if not stranded:
        return 0
    unseen = seen is not None and not {b.id for b in stranded} <= set(seen)
    if outside not in ("keep", "cancel") or unseen:
        raise BookingsOutsideHours(stranded)
    if outside == "cancel":
        for booking in stranded:
            cancel_booking(booking.id, reason=reason, by=by, now=now)
        return len(stranded)
    return 0


def save_weekly_hours(business: Business, week, outside: str | None = None, reason: str = "",
                      seen=None, by: User | None = None, now: datetime | None = None) -> int:
    """Save the weekly hours. When they would leave active bookings outside
    the opening hours, `outside` must say what to do: "keep" them or
    "cancel" them with `reason` (`seen`: the booking ids the owner was shown);
    without it nothing is saved and BookingsOutsideHours lists them. Slots
    outside the new hours take no new booking (see hours.reclose_slots).
    Returns how many bookings were cancelled. Owner only."""
    require_owner(by, "change the business hours")
    reason = v.reason(reason)

    def work():
        lock_hours(business)
        # Hours first: that closes (and locks) the slots outside them, so a
        # desk's booking is either committed before, and listed below, or
        # refused as closed. Listing first would miss one made in between.
        set_weekly_hours(business, week, by=by, now=now)
        stranded = bookings_outside_hours(business, week=week, now=now)
        return _settle(stranded, outside, reason, by, now, seen)

    return run_write(work)


def save_hours_exception(business: Business, day, closed: bool = True, intervals=None,
                         note: str = "", outside: str | None = None, reason: str = "",
                         previous_day=None, seen=None, by: User | None = None,
                         now: datetime | None = None) -> int:
    """Add or change a holiday or special day (moving it from `previous_day`
    when edited to another date, which then has its weekly hours again), with
    the same rule for bookings it would leave outside the opening hours as
    `save_weekly_hours`. Owner only."""
    require_owner(by, "change the business hours")
    day = v.a_date(day, "The date", "date")
    reason = v.reason(reason)
    pairs = None if closed else v.intervals(intervals, day.isoformat())
    moved_from = v.a_date(previous_day, "The date", "date") if previous_day is not None else None
    if moved_from == day:
        moved_from = None

    def work():
        lock_hours(business)
        changes = {day: pairs}
        if moved_from is not None:
            changes[moved_from] = weekly_hours(business).get(moved_from.weekday(), [])
            remove_hours_exception(business, moved_from, by=by, now=now)
        # Saved before the bookings are listed, as in save_weekly_hours.
        set_hours_exception(business, day, closed=closed, intervals=pairs, note=note, by=by,
                            now=now)
        stranded = bookings_outside_hours(business, exceptions=changes, now=now)
        return _settle(stranded, outside, reason, by, now, seen)

    return run_write(work)


def remove_special_day(business: Business, day, outside: str | None = None, reason: str = "",
                       seen=None, by: User | None = None, now: datetime | None = None) -> int:
    """Remove a holiday or special day: the date has its weekly hours again,
    and bookings that would then lie outside them need the same answer as in
    `save_weekly_hours`. Owner only. Raises NotFound when there is none."""
    require_owner(by, "change the business hours")
    day = v.a_date(day, "The date", "date")
    reason = v.reason(reason)

    def work():
        lock_hours(business)
        weekly = weekly_hours(business).get(day.weekday(), [])
        # Saved before the bookings are listed, as in save_weekly_hours.
        remove_hours_exception(business, day, by=by, now=now)
        stranded = bookings_outside_hours(business, exceptions={day: weekly}, now=now)
        return _settle(stranded, outside, reason, by, now, seen)

    return run_write(work)


@dataclass(frozen=True)
class SpecialDay:
    day: date
    closed: bool
    intervals: tuple[tuple[time, time], ...]
    note: str

    def hours_text(self) -> str:
        return "Closed" if self.closed else format_intervals(self.intervals).replace(";", ", ")


def special_days(business: Business, first: date, last: date) -> list[SpecialDay]:
    """Holidays and special days from `first` to `last`, in date order."""
    found = hours_exceptions(business, first, last)
    return [SpecialDay(d, bool(e.closed), tuple(parse_intervals(e.intervals)), e.note or "")
            for d, e in sorted(found.items())]


__all__ = ["DayLoad", "GenerationPreview", "StrandedBooking", "BookingsOutsideHours",
           "SpecialDay", "month_overview", "block_reasons", "set_slot_capacity",
           "set_slots_blocked", "block_slot", "delete_past_unbooked_slots",
           "count_past_unbooked_slots",
           "preview_generation", "bookings_outside_hours", "save_weekly_hours",
           "save_hours_exception", "remove_special_day", "special_days", "WEEKDAYS",
           "MAX_GENERATE_DAYS"]
