"""Weekly business hours and the exceptions (holidays, special days) that
override them on a date. Times are the business's local times of day."""
from datetime import date, time

from ..errors import InvalidInput, NotFound
from ..models import Business, BusinessHours, HoursException, User
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


def _week(week) -> dict[int, list[tuple[time, time]]]:
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
    no intervals) is closed. Owner only. Raises InvalidInput (overlap, open
    not before close, bad weekday), PermissionDenied."""
    require_owner(by, "change the business hours")
    week = _week(week)

    def work():
        BusinessHours.delete().where(BusinessHours.business == business.id).execute()
        rows = [BusinessHours.create(business=business.id, weekday=d, open_time=o, close_time=c)
                for d in sorted(week) for o, c in week[d]]
        audit(by, "hours.set", "business", business.id, at=current_time(now),
              hours={WEEKDAYS[d]: [f"{o:%H:%M}-{c:%H:%M}" for o, c in week[d]] for d in sorted(week)})
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
    during `intervals` only. Replaces an earlier exception on that date. Slots
    already generated are not touched. Owner only."""
    require_owner(by, "change the business hours")
    day = v.a_date(day, "The date", "date")
    pairs = v.intervals(intervals, day.isoformat())
    if not closed and not pairs:
        raise InvalidInput("A special day that is not closed needs opening hours.", field="hours")
    note = v.text(note, "The note", "note", 200, required=False) or ""
    stored = "" if closed else format_intervals(pairs)

    def work():
        HoursException.delete().where((HoursException.business == business.id)
                                      & (HoursException.date == day)).execute()
        row = HoursException.create(business=business.id, date=day, closed=bool(closed),
                                    intervals=stored, note=note)
        audit(by, "hours.exception.set", "business", business.id, at=current_time(now),
              date=day.isoformat(), closed=bool(closed), intervals=stored, note=note)
        return row

    return run_write(work)


def remove_hours_exception(business: Business, day, by: User | None = None,
                           now=None) -> None:
    require_owner(by, "change the business hours")
    day = v.a_date(day, "The date", "date")

    def work():
        deleted = HoursException.delete().where((HoursException.business == business.id)
                                                & (HoursException.date == day)).execute()
        if not deleted:
            raise NotFound(f"There is no special day on {day.isoformat()}.")
        audit(by, "hours.exception.remove", "business", business.id, at=current_time(now),
              date=day.isoformat())

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
