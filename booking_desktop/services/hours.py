"""Weekly business hours and the exceptions (holidays, special days) that
override them on a date. Times are the business's local times of day.

The hours decide what can be booked: every change of them (by any path)
recomputes `closed_reason` of the business's future slots on the dates it
touches, in the same transaction (see `reclose_slots`)."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


from ..clock import UTC
from ..db import is_postgres
from ..errors import QT_TRANSLATE_NOOP, InvalidInput, NotFound
from ..models import Business, BusinessHours, HoursException, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MON_FRI = range(0, 5)
TEMPLATES: dict[str, dict[int, list[tuple[time, time]]]] = {
    "weekday_9to5": {d: [(time(9), time(17))] for d in _MON_FRI},
    "weekday_9to5_lunch": {d: [(time(9), time(12)), (time(13), time(17))] for d in _MON_FRI},
    "weekday_8to6": {d: [(time(8), time(18))] for d in _MON_FRI},
    "everyday_10to6": {d: [(time(10), time(18))] for d in range(7)},
    "weekend_10to4": {d: [(time(10), time(16))] for d in (5, 6)},
    "weekday_9to5_sat_9to1": {**{d: [(time(9), time(17))] for d in _MON_FRI},
                              5: [(time(9), time(13))]},
}


def parse_week(week) -> dict[int, list[tuple[time, time]]]:
    if not isinstance(week, dict):
        raise InvalidInput("Give the hours as {weekday: [(open, close), ...]}.", field="hours")
    result = {}
    for weekday, pairs in week.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise InvalidInput(f"{weekday!r} is not a weekday (0 = Monday … 6 = Sunday).",
                               field="hours")
        result[weekday] = v.intervals(pairs, WEEKDAYS[weekday])
    return result


def set_weekly_hours(business: Business, week, by: User | None = None,
                     now=None) -> list[BusinessHours]:
    """Replace the business's weekly hours. A day missing from `week` (or with
    no intervals) is closed. Every future slot is then marked inside or
    outside the new hours (see `reclose_slots`); bookings are kept. Owner
    only. Raises InvalidInput (overlap, open not before close, bad weekday),
    PermissionDenied."""
    require_owner(by, "change the business hours")
    week = parse_week(week)

    def work():
        lock_hours(business)
        moment = current_time(now)
        BusinessHours.delete().where(BusinessHours.business == business.id).execute()
        rows = [BusinessHours.create(business=business.id, weekday=d, open_time=o, close_time=c)
                for d in sorted(week) for o, c in week[d]]
        audit(by, "hours.set", "business", business.id, at=moment,
              hours={WEEKDAYS[d]: [f"{o:%H:%M}-{c:%H:%M}" for o, c in week[d]] for d in sorted(week)},
              **reclose_slots(business, None, moment))
        return rows

    return run_write(work)


def create_recurring_business_hours(business: Business, template: str = "weekday_9to5",
                                    by: User | None = None, now=None) -> list[BusinessHours]:
    """Replace the weekly hours with a named template (see TEMPLATES)."""
    v.choice(template, tuple(TEMPLATES), "The hours template", "template")
    return set_weekly_hours(business, TEMPLATES[template], by=by, now=now)


def weekly_hours(business: Business) -> dict[int, list[tuple[time, time]]]:
    rows = run_read(lambda: list(
        BusinessHours.select().where(BusinessHours.business == business.id)
        .order_by(BusinessHours.weekday, BusinessHours.open_time)))
    week: dict[int, list[tuple[time, time]]] = {d: [] for d in range(7)}
    for row in rows:
        week[row.weekday].append((_as_time(row.open_time), _as_time(row.close_time)))
    return week


def _as_time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def format_intervals(pairs) -> str:
    return ";".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in pairs)


def parse_intervals(stored: str) -> list[tuple[time, time]]:
    pairs = []
    for piece in filter(None, (stored or "").split(";")):
        opens, closes = piece.split("-")
        pairs.append((time.fromisoformat(opens), time.fromisoformat(closes)))
    return pairs


def set_hours_exception(business: Business, day, closed: bool = True, intervals=None,
                        note: str = "", by: User | None = None, now=None) -> HoursException:
    """Override the weekly hours on one local date: closed (a holiday) or open
    during `intervals` only. Replaces an earlier exception on that date. The
    date's future slots are then marked inside or outside the hours (see
    `reclose_slots`); bookings are kept. Owner only."""
    require_owner(by, "change the business hours")
    day = v.a_date(day, "The date", "date")
    pairs = v.intervals(intervals, day.isoformat())
    if not closed and not pairs:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "A special day that is not closed needs "
                                                       "opening hours."), field="hours")
    note = v.text(note, "The note", "note", 200, required=False) or ""
    stored = "" if closed else format_intervals(pairs)

    def work():
        lock_hours(business)
        moment = current_time(now)
        HoursException.delete().where((HoursException.business == business.id)
                                      & (HoursException.date == day)).execute()
        row = HoursException.create(business=business.id, date=day, closed=bool(closed),
                                    intervals=stored, note=note)
        audit(by, "hours.exception.set", "business", business.id, at=moment,
              date=day.isoformat(), closed=bool(closed), intervals=stored, note=note,
              **reclose_slots(business, [day], moment))
        return row

    return run_write(work)


def remove_hours_exception(business: Business, day, by: User | None = None,
                           now=None) -> None:
    """The date has its weekly hours again; its future slots are marked
    inside or outside them (see `reclose_slots`). Owner only. Raises NotFound."""
    require_owner(by, "change the business hours")
    day = v.a_date(day, "The date", "date")

    def work():
        lock_hours(business)
        moment = current_time(now)
        deleted = HoursException.delete().where((HoursException.business == business.id)
                                                & (HoursException.date == day)).execute()
        if not deleted:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "There is no special day on {day}."),
                           params={"day": day})
        audit(by, "hours.exception.remove", "business", business.id, at=moment,
              date=day.isoformat(), **reclose_slots(business, [day], moment))

    run_write(work)


def hours_exceptions(business: Business, start: date, end: date) -> dict[date, HoursException]:
    start, end = v.date_range(start, end)
    rows = run_read(lambda: list(HoursException.select().where(
        (HoursException.business == business.id) & HoursException.date.between(start, end))))
    return {_as_date(r.date): r for r in rows}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def opening_intervals(week, exceptions, day: date) -> list[tuple[time, time]]:
    """The intervals a business is open on `day`: the exception if there is one,
    else the weekly hours of that weekday."""
    exception = exceptions.get(day)
    if exception is not None:
        return [] if exception.closed else parse_intervals(exception.intervals)
    return week.get(day.weekday(), [])


# --- what the hours decide -------------------------------------------------------------

_REASON_MAX = 200  # TimeSlot.closed_reason
_BATCH = 500


def inside_hours(local_start: datetime, local_end: datetime, intervals) -> bool:
    """[start, end) in local time lies within one interval of its local date."""
    day = local_start.date()
    start, end = local_start.replace(tzinfo=None), local_end.replace(tzinfo=None)
    return any(start >= datetime.combine(day, opens) and end <= datetime.combine(day, closes)
               for opens, closes in intervals)


def closed_reason(week, exceptions, local_start: datetime, local_end: datetime) -> str:
    """Why a slot from `local_start` to `local_end` (the business's local
    time) takes no booking under these hours, in the desk's words; "" when it
    lies inside them."""
    day = local_start.date()
    exception = exceptions.get(day)
    if exception is not None and exception.closed:
        return f"Closed: {exception.note or 'holiday'}"[:_REASON_MAX]
    if inside_hours(local_start, local_end, opening_intervals(week, exceptions, day)):
        return ""
    if exception is not None:
        note = exception.note
        return (f"Outside the special hours ({note})" if note
                else "Outside the special hours")[:_REASON_MAX]
    return "Outside opening hours"


def lock_hours(business: Business) -> None:
    """PostgreSQL: one hours change per business at a time (the second waits
    instead of failing on the unique indexes half-way). NO KEY UPDATE: a desk
    inserting a booking (a foreign key to the business, KEY SHARE) does not
    wait for it, so it cannot deadlock with the slot locks taken next."""
    if is_postgres():
        (Business.select(Business.id).where(Business.id == business.id)
         .for_update("FOR NO KEY UPDATE").first())


def _local_day_bounds(tz: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    lo = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    hi = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return lo, hi


def reclose_slots(business: Business, days, moment: datetime) -> dict:
    """Bring `closed_reason` of the business's slots that start after
    `moment` on the local `days` (None: every future date) in line with the
    hours as stored now: slots outside them get the reason, slots inside get
    "" again. Call inside the transaction that changed the hours, after the
    change.

    Slots outside the hours are closed, never removed: a desk still showing
    one is refused with the reason ("Closed: Public holiday"), not with "no
    longer exists", and on SQLite a removed slot's id could be given to a
    slot generated later at another time, which that desk would then book.
    Reopening is clearing the reason; the day lists leave out closed slots
    that hold no booking (SlotRow.listed).

    The slots are read FOR UPDATE on PostgreSQL (SQLite's BEGIN IMMEDIATE
    already serialises writers): a desk booking one of them meanwhile either
    committed first (its booking is seen by what the caller reads next) or
    waits and then finds the slot closed. Returns the counts for the
    audit event."""
    tz = ZoneInfo(business.timezone)
    query = (TimeSlot.select(TimeSlot.id, TimeSlot.start, TimeSlot.end, TimeSlot.closed_reason)
             .where((TimeSlot.business == business.id) & (TimeSlot.start > moment)))
    if days is not None:
        during = None
        for day in days:
            lo, hi = _local_day_bounds(tz, day)
            one = (TimeSlot.start >= lo) & (TimeSlot.start < hi)
            during = one if during is None else (during | one)
        query = query.where(during)
    query = query.order_by(TimeSlot.id)  # lock in id order, as bookings do
    slots = list((query.for_update() if is_postgres() else query).tuples())
    counts = {"slots_closed": 0, "slots_reopened": 0}
    if not slots:
        return counts
    local = [(i, start.astimezone(tz), end.astimezone(tz), old) for i, start, end, old in slots]
    first = min(s for _, s, _, _ in local).date()
    last = max(s for _, s, _, _ in local).date()
    week = weekly_hours(business)
    exceptions = {_as_date(r.date): r for r in HoursException.select().where(
        (HoursException.business == business.id) & HoursException.date.between(first, last))}
    changed: dict[str, list[int]] = {}
    for slot_id, start, end, old in local:
        reason = closed_reason(week, exceptions, start, end)
        if reason != old:
            changed.setdefault(reason, []).append(slot_id)
            counts["slots_closed" if reason else "slots_reopened"] += 1
    for reason, ids in changed.items():
        for i in range(0, len(ids), _BATCH):
            (TimeSlot.update(closed_reason=reason)
             .where(TimeSlot.id.in_(ids[i:i + _BATCH])).execute())
    return counts


@dataclass(frozen=True)
class DayStatus:
    """What kind of day a local date is. `kind`: open | closed (a weekday
    with no hours) | holiday (closed by an exception) | special (own hours)."""
    day: date
    kind: str
    note: str
    intervals: tuple[tuple[time, time], ...]

    @property
    def text(self) -> str:
        """"" for an ordinary open day; else what the desk should read
        ("Closed — Public holiday", "Special hours 10:00–14:00 — Christmas Eve")."""
        if self.kind == "open":
            return ""
        if self.kind == "closed":
            return "Closed"
        if self.kind == "holiday":
            return f"Closed — {self.note or 'holiday'}"
        hours = ", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in self.intervals)
        return f"Special hours {hours}" + (f" — {self.note}" if self.note else "")


def day_status(business: Business, day) -> DayStatus:
    """The kind of day `day` (a local date) is for the business, with its
    note and opening intervals."""
    day = v.a_date(day, "The day", "day")

    def run():
        exception = HoursException.get_or_none((HoursException.business == business.id)
                                               & (HoursException.date == day))
        return exception, weekly_hours(business)

    exception, week = run_read(run)
    if exception is not None:
        intervals = () if exception.closed else tuple(parse_intervals(exception.intervals))
        return DayStatus(day, "holiday" if exception.closed else "special",
                         exception.note or "", intervals)
    intervals = tuple(week.get(day.weekday(), []))
    return DayStatus(day, "open" if intervals else "closed", "", intervals)


__all__ = [
    "WEEKDAYS", "TEMPLATES", "parse_week", "set_weekly_hours", "create_recurring_business_hours",
    "weekly_hours", "format_intervals", "parse_intervals", "set_hours_exception",
    "remove_hours_exception", "hours_exceptions", "opening_intervals", "inside_hours",
    "closed_reason", "lock_hours", "reclose_slots", "DayStatus", "day_status",
]
