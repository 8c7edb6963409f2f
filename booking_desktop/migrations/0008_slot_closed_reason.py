"""Why a slot lies outside the business's opening hours ("Closed: Public
holiday"); "" while it lies inside. A slot with a reason takes no new booking.

Existing future slots get their reason from the hours stored now (weekly
hours, holidays, special days), computed here with the same rule as
`services.hours.closed_reason` but on its own (a migration must not change
when the services do). Nothing is removed: the owner's next change of the
hours tidies unbooked slots away.
"""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

_MAX = 200


def _time(value) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _instant(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _intervals(stored: str) -> list[tuple[time, time]]:
    pairs = []
    for piece in filter(None, (stored or "").split(";")):
        opens, closes = piece.split("-")
        pairs.append((time.fromisoformat(opens), time.fromisoformat(closes)))
    return pairs


def _reason(week, exceptions, start: datetime, end: datetime) -> str:
    day = start.date()
    exception = exceptions.get(day)
    if exception is not None and exception[0]:
        return f"Closed: {exception[2] or 'holiday'}"[:_MAX]
    intervals = _intervals(exception[1]) if exception is not None else week.get(day.weekday(), [])
    naive_start, naive_end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if any(naive_start >= datetime.combine(day, o) and naive_end <= datetime.combine(day, c)
           for o, c in intervals):
        return ""
    if exception is not None:
        return (f"Outside the special hours ({exception[2]})" if exception[2]
                else "Outside the special hours")[:_MAX]
    return "Outside opening hours"


def backfill(db, now: datetime) -> int:
    """Set the reason of every slot starting after `now`; returns how many got one."""
    param = db.param
    marked = 0
    businesses = db.execute_sql("SELECT id, timezone FROM business ORDER BY id").fetchall()
    for business_id, zone_name in businesses:
        tz = ZoneInfo(zone_name)
        week: dict[int, list] = {}
        for weekday, opens, closes in db.execute_sql(
                "SELECT weekday, open_time, close_time FROM business_hours "
                f"WHERE business_id = {param} ORDER BY weekday, open_time", (business_id,)):
            week.setdefault(int(weekday), []).append((_time(opens), _time(closes)))
        exceptions = {
            _date(day): (bool(closed), intervals or "", note or "")
            for day, closed, intervals, note in db.execute_sql(
                "SELECT date, closed, intervals, note FROM hours_exception "
                f"WHERE business_id = {param}", (business_id,))}
        slots = db.execute_sql(
            f'SELECT id, start, "end" FROM time_slot WHERE business_id = {param} '
            "ORDER BY id", (business_id,)).fetchall()
        by_reason: dict[str, list[int]] = {}
        for slot_id, start, end in slots:
            start, end = _instant(start), _instant(end)
            if start <= now:
                continue
            reason = _reason(week, exceptions, start.astimezone(tz), end.astimezone(tz))
            if reason:
                by_reason.setdefault(reason, []).append(slot_id)
        for reason, ids in by_reason.items():
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                marks = ", ".join([param] * len(chunk))
                db.execute_sql(f"UPDATE time_slot SET closed_reason = {param} "
                               f"WHERE id IN ({marks})", (reason, *chunk))
            marked += len(ids)
    return marked


def up(migrator, db):
    db.execute_sql("ALTER TABLE time_slot ADD COLUMN closed_reason VARCHAR(200) "
                   "NOT NULL DEFAULT ''")
    backfill(db, datetime.now(UTC))


def down(migrator, db):
    db.execute_sql("ALTER TABLE time_slot DROP COLUMN closed_reason")
