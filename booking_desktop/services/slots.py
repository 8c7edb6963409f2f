"""Time slots: laying them out from the hours, finding free ones, blocking.

Slots are laid out in the business's local time and stored in UTC, so a
09:00 opening is 09:00 local on both sides of a daylight-saving change.
"""
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, rrule
from peewee import SQL

from ..clock import UTC, ensure_aware
from ..db import is_postgres
from ..errors import QT_TRANSLATE_NOOP, BookingError, InvalidTransition, NotFound
from ..models import Business, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write
from .hours import hours_exceptions, opening_intervals, weekly_hours

MAX_GENERATE_DAYS = 732
_INSERT_BATCH = 500


def zone(business: Business) -> ZoneInfo:
    return ZoneInfo(business.timezone)


def local_to_utc(tz: ZoneInfo, local: datetime) -> datetime | None:
    """The instant of a local wall-clock time; None when the clocks skip it.
    A repeated (autumn) time maps to its first occurrence only."""
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        return None  # falls in the spring-forward gap
    return instant


def day_bounds(business: Business, first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """UTC instants from local midnight of `first` to local midnight after `last`."""
    tz = zone(business)
    last = last or first
    lo = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return lo, hi


def _planned_starts(business, start_date, end_date, duration, step, now):
    tz = zone(business)
    week = weekly_hours(business)
    exceptions = hours_exceptions(business, start_date, end_date)
    planned, past = [], 0
    for day in rrule(DAILY, dtstart=start_date, until=end_date):
        day = day.date()
        for opens, closes in opening_intervals(week, exceptions, day):
            close_at = local_to_utc(tz, datetime.combine(day, closes)) or \
                datetime.combine(day, closes, tzinfo=tz).astimezone(UTC)
            local = datetime.combine(day, opens)
            last_start = datetime.combine(day, closes) - duration
            while local <= last_start:
                start = local_to_utc(tz, local)
                local += step
                if start is None or start + duration > close_at:
                    continue
                if start <= now:
                    past += 1
                    continue
                planned.append(start)
    return planned, past


class _Occupied:
    """The time already covered by a business's slots: a planned slot that
    overlaps one (same start, or a different length generated earlier) is
    skipped rather than double-booking the room."""

    def __init__(self, intervals):
        pairs = sorted(intervals)
        self.starts = [start for start, _ in pairs]
        self.max_end = list(accumulate((end for _, end in pairs), max))

    def overlaps(self, start: datetime, end: datetime) -> bool:
        before = bisect_left(self.starts, end)  # intervals starting before `end`
        return before > 0 and self.max_end[before - 1] > start


@dataclass(frozen=True)
class SlotPlan:
    """What generating would do: the starts of the slots it would create
    (`fresh`), how many planned slots already exist or overlap one
    (`skipped`), and how many would already have begun (`past`)."""
    fresh: tuple[datetime, ...]
    skipped: int
    past: int
    duration: timedelta


def generation_inputs(start_date, end_date, slot_duration_minutes, max_capacity, buffer_minutes):
    start_date, end_date = v.date_range(start_date, end_date, MAX_GENERATE_DAYS)
    duration = timedelta(minutes=v.integer(slot_duration_minutes, "The slot length (minutes)",
                                           "slot_duration_minutes", 5, 720))
    capacity = v.integer(max_capacity, "The capacity", "max_capacity", 1, 1000)
    buffer = timedelta(minutes=v.integer(buffer_minutes, "The buffer between slots (minutes)",
                                         "buffer_minutes", 0, 240))
    return start_date, end_date, duration, capacity, buffer


def plan_slots(business: Business, start_date: date, end_date: date, duration: timedelta,
               buffer: timedelta, moment: datetime) -> SlotPlan:
    """The one planning step behind both generating and its preview: lay the
    slots out from the hours and drop those already covered by existing slots."""
    planned, past = _planned_starts(business, start_date, end_date, duration,
                                    duration + buffer, moment)
    lo, hi = day_bounds(business, start_date, end_date)
    taken = _Occupied(TimeSlot.select(TimeSlot.start, TimeSlot.end).where(
        (TimeSlot.business == business.id) & (TimeSlot.start < hi + duration)
        & (TimeSlot.end > lo - duration)).tuples())
    fresh = tuple(s for s in planned if not taken.overlaps(s, s + duration))
    return SlotPlan(fresh, len(planned) - len(fresh), past, duration)


class GenerationCancelled(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "Slot generation was stopped; no slots were "
                                                  "created.")


def generate_time_slots(business: Business, start_date, end_date, slot_duration_minutes: int = 30,
                        max_capacity: int = 1, buffer_minutes: int = 0, by: User | None = None,
                        now: datetime | None = None,
                        progress: Callable[[int, int], bool | None] | None = None) -> dict:
    """Create the slots of the business's opening hours from `start_date` to
    `end_date` (local dates, both included). Idempotent: slots that exist
    (booked or not) are left exactly as they are, and none starts in the past
    or runs past closing. Owner only.

    `progress(done, total)` is called after each batch written; when it
    returns False the whole generation is rolled back (GenerationCancelled).

    Returns {"created", "skipped" (already there, or overlapping a slot that
    is), "past" (not made: already begun), "days"}. Raises InvalidInput,
    PermissionDenied, GenerationCancelled.
    """
    require_owner(by, "generate time slots")
    start_date, end_date, duration, capacity, buffer = generation_inputs(
        start_date, end_date, slot_duration_minutes, max_capacity, buffer_minutes)

    def work():
        moment = current_time(now)
        plan = plan_slots(business, start_date, end_date, duration, buffer, moment)
        fresh = plan.fresh
        created = 0
        for i in range(0, len(fresh), _INSERT_BATCH):
            batch = fresh[i:i + _INSERT_BATCH]
            query = TimeSlot.insert_many(
                [{"business": business.id, "start": s, "end": s + duration,
                  "max_capacity": capacity, "current_bookings": 0, "is_blocked": False}
                 for s in batch]).on_conflict_ignore()
            if is_postgres():  # another desk may generate at the same moment
                created += len(list(query.returning(TimeSlot.id).execute()))
            else:  # BEGIN IMMEDIATE: nobody else writes meanwhile
                query.execute()
                created += len(batch)
            if progress is not None and progress(i + len(batch), len(fresh)) is False:
                raise GenerationCancelled()
        result = {"created": created, "skipped": plan.skipped + len(fresh) - created,
                  "past": plan.past, "days": (end_date - start_date).days + 1}
        audit(by, "slots.generate", "business", business.id, at=moment,
              start_date=start_date.isoformat(), end_date=end_date.isoformat(),
              slot_duration_minutes=slot_duration_minutes, max_capacity=capacity,
              buffer_minutes=buffer_minutes, **result)
        return result

    return run_write(work)


def _now_condition(now: datetime | None):
    """`start > now`, with the server's clock on PostgreSQL when now is None."""
    if now is None and is_postgres():
        return TimeSlot.start > SQL("(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')")
    return TimeSlot.start > current_time(now)


def _bookable():
    """Not blocked, not outside the opening hours, not full."""
    return ((TimeSlot.is_blocked == False)  # noqa: E712 (SQL, not Python)
            & (TimeSlot.closed_reason == "")
            & (TimeSlot.current_bookings < TimeSlot.max_capacity))


def available_slots(business: Business, date_from, date_to=None,
                    now: datetime | None = None) -> list[TimeSlot]:
    """Slots of the business on the local dates `date_from`..`date_to`
    (inclusive; None means `date_from` alone) that start after `now`, are not
    blocked, not closed (outside the opening hours) and not full, in time
    order. Raises InvalidInput."""
    date_from, date_to = v.date_range(date_from, date_to or date_from, MAX_GENERATE_DAYS)
    lo, hi = day_bounds(business, date_from, date_to)
    query = (TimeSlot.select()
             .where((TimeSlot.business == business.id) & (TimeSlot.start >= lo)
                    & (TimeSlot.start < hi) & _now_condition(now) & _bookable())
             .order_by(TimeSlot.start))
    return run_read(lambda: list(query))


def slots_between(business: Business, date_from, date_to=None) -> list[TimeSlot]:
    """Every slot of the local dates, free or not, in time order (for views)."""
    date_from, date_to = v.date_range(date_from, date_to or date_from, MAX_GENERATE_DAYS)
    lo, hi = day_bounds(business, date_from, date_to)
    query = (TimeSlot.select()
             .where((TimeSlot.business == business.id) & (TimeSlot.start >= lo)
                    & (TimeSlot.start < hi))
             .order_by(TimeSlot.start))
    return run_read(lambda: list(query))


def next_free_slot(business: Business, now: datetime | None = None,
                   within_days: int = 28) -> TimeSlot | None:
    """The first bookable slot from now on (the walk-in's slot)."""
    moment = current_time(now)
    query = (TimeSlot.select()
             .where((TimeSlot.business == business.id) & (TimeSlot.start > moment)
                    & (TimeSlot.start < moment + timedelta(days=within_days)) & _bookable())
             .order_by(TimeSlot.start).limit(1))
    return run_read(lambda: query.first())


def nearest_free_slot(business: Business, day, around: datetime | None = None,
                      now: datetime | None = None) -> TimeSlot | None:
    """The bookable slot (starts after now, not blocked, not closed, not
    full) on the business's local date `day` nearest to the instant
    `around`: the first one starting at or after it, else the latest one
    before it. `around=None` means now, or the day's start for a later day.
    Never a slot of another day; None when the day has none."""
    day = v.a_date(day, "The day", "day")
    if around is not None:
        around = ensure_aware(v.instant(around, "The time", "around"), "around")
    lo, hi = day_bounds(business, day)

    def run():
        moment = current_time(now)
        pivot = around if around is not None else max(moment, lo)
        base = (TimeSlot.select()
                .where((TimeSlot.business == business.id) & (TimeSlot.start >= lo)
                       & (TimeSlot.start < hi) & (TimeSlot.start > moment) & _bookable()))
        later = base.where(TimeSlot.start >= pivot).order_by(TimeSlot.start).limit(1).first()
        if later is not None:
            return later
        return base.where(TimeSlot.start < pivot).order_by(TimeSlot.start.desc()).limit(1).first()

    return run_read(run)


_DEFAULTS_SAMPLE = 200


def slot_defaults(business: Business) -> tuple[int, int]:
    """(slot length in minutes, places) the business uses: the most common
    pair among its ~200 latest slots; (30, 1) when it has none."""
    rows = run_read(lambda: list(
        TimeSlot.select(TimeSlot.start, TimeSlot.end, TimeSlot.max_capacity)
        .where(TimeSlot.business == business.id)
        .order_by(TimeSlot.start.desc()).limit(_DEFAULTS_SAMPLE).tuples()))
    if not rows:
        return 30, 1
    counts = Counter((int((end - start).total_seconds() // 60), capacity)
                     for start, end, capacity in rows)
    return counts.most_common(1)[0][0]


def get_slot(slot_id: int) -> TimeSlot:
    slot_id = v.record_id(slot_id, "time slot")
    slot = run_read(lambda: TimeSlot.get_or_none(TimeSlot.id == slot_id))
    if slot is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That time slot no longer exists."))
    return slot


def set_slot_blocked(slot: TimeSlot | int, blocked: bool = True, by: User | None = None,
                     now=None, reason: str = "", expected_blocked: bool | None = None,
                     expected_reason: str | None = None) -> TimeSlot:
    """Block a slot (no new bookings; existing ones stay) or unblock it, with
    an optional reason shown to the desk ("staff meeting"). Owner only.
    `expected_blocked` / `expected_reason`: what the desk saw; InvalidTransition
    when another desk changed it meanwhile (nothing is changed)."""
    require_owner(by, "block time slots")
    slot_id = v.record_id(slot.id if isinstance(slot, TimeSlot) else slot, "time slot")
    reason = v.reason(reason) if blocked else ""

    def work():
        query = TimeSlot.select().where(TimeSlot.id == slot_id)
        current = (query.for_update() if is_postgres() else query).first()
        if current is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That time slot no longer exists."))
        if (expected_blocked is not None and current.is_blocked != expected_blocked) or \
                (expected_reason is not None and current.block_reason != expected_reason):
            raise InvalidTransition(QT_TRANSLATE_NOOP("errors", "This time slot was blocked or "
                                                                "unblocked at another desk "
                                                                "meanwhile; nothing was changed."))
        TimeSlot.update(is_blocked=bool(blocked), block_reason=reason).where(
            TimeSlot.id == slot_id).execute()
        details = {"reason": reason} if reason else {}
        audit(by, "slot.block" if blocked else "slot.unblock", "time_slot", slot_id,
              at=current_time(now), **details)
        return TimeSlot.get_by_id(slot_id)

    return run_write(work)


__all__ = ["generate_time_slots", "plan_slots", "SlotPlan", "GenerationCancelled", "available_slots",
           "slots_between", "next_free_slot", "nearest_free_slot", "slot_defaults", "get_slot",
           "set_slot_blocked", "day_bounds", "local_to_utc", "zone", "MAX_GENERATE_DAYS",
           "generation_inputs"]
