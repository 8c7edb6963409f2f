"""Small helpers shared by the model and service tests: snapshots of the
whole database, raw SQL with the backend's placeholder, audit rows, slots,
another desk's thread."""
import json
import threading
from datetime import date, datetime, timezone

from booking_desktop import models, services
from booking_desktop.models import ALL_MODELS, AuditEvent, TimeSlot

MONDAY = date(2030, 3, 4)


def sql(statement: str, *params):
    """Run raw SQL written with `?` placeholders on either backend."""
    statement = statement.replace("?", models.database.param)
    return models.database.execute_sql(statement, params)


def row_counts() -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in ALL_MODELS}


def slot_dump() -> list[tuple]:
    return list(TimeSlot.select(TimeSlot.id, TimeSlot.business, TimeSlot.start, TimeSlot.end,
                                TimeSlot.max_capacity, TimeSlot.current_bookings,
                                TimeSlot.is_blocked).order_by(TimeSlot.id).tuples())


def snapshot() -> dict:
    """Row counts of every table and every row of every table, in id order."""
    return {
        "counts": row_counts(),
        "slots": slot_dump(),
        "rows": {m._meta.table_name: list(m.select().order_by(m.id).tuples())
                 for m in ALL_MODELS},
    }


def audit_events(action: str | None = None) -> list[AuditEvent]:
    query = AuditEvent.select().order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(query)


def last_audit(action: str) -> AuditEvent:
    events = audit_events(action)
    assert events, f"no audit event {action!r}"
    return events[-1]


def details(event: AuditEvent) -> dict:
    return json.loads(event.details)


def day_slots(business, day: date = MONDAY, now: datetime | None = None, capacity: int = 1,
              minutes: int = 30) -> list[TimeSlot]:
    """Generate one local day of slots and return them, earliest first."""
    services.generate_time_slots(business, day, day, slot_duration_minutes=minutes,
                                 max_capacity=capacity, now=now)
    return services.slots_between(business, day)


def reload(instance):
    return type(instance).get_by_id(instance.id)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def slot_at(business, day, hour):
    """The business's slot of `day` that starts at `hour`, local time."""
    tz = services.slots.zone(business)
    for slot in services.slots_between(business, day):
        if slot.start.astimezone(tz).hour == hour:
            return slot
    raise AssertionError(f"no slot at {day} {hour}:00")


def in_a_thread(work) -> None:
    """Run `work()` as a second desk would: a thread of its own with its own
    pooled connection, given back after; what it raises fails the test."""
    failures = []

    def run():
        try:
            work()
        except Exception as exc:  # reported to the test, not lost in the thread
            failures.append(exc)
        finally:
            services.release_connection()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert failures == []
