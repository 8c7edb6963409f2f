"""Hours changes from several owner desks at once (issue 9: a soak run saw
raw IntegrityErrors and deadlocks). They serialise per business: every call
either succeeds or is refused with a BookingError (removing a special day
another desk removed first), and afterwards every future slot's closed
reason is what the hours as stored say. On an SQLite file and PostgreSQL."""
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from booking_desktop import services
from booking_desktop.services import hours
from tests.helpers import MONDAY
from tests.hours_worker import hours_worker
from tests.workers import run_processes

WORKERS = 6
CALLS = 12

pytestmark = pytest.mark.slow


def test_hours_saved_from_six_desks_at_once(database, db_url, business, now):
    services.generate_time_slots(business, MONDAY, MONDAY + timedelta(days=4), now=now)
    outcomes, _ = run_processes(
        hours_worker, lambda n, barrier, results: (db_url, n, business.id, MONDAY.isoformat(),
                                                   CALLS, barrier, results),
        WORKERS, timeout=240)
    rows = [row for worker in outcomes.values() for row in worker]
    crashes = [detail for _, kind, detail in rows if kind == "crash"]
    assert not crashes, crashes[0]
    kinds = Counter((what, kind) for what, kind, _ in rows)
    assert {kind for _, kind in kinds} <= {"ok", "NotFound"}, kinds
    assert all(what == "remove" for what, kind in kinds if kind == "NotFound"), kinds
    assert sum(n for (_, kind), n in kinds.items() if kind == "ok") >= WORKERS * CALLS // 2

    # What the slots say is what the hours, as they were left, say.
    tz = ZoneInfo(business.timezone)
    week = services.weekly_hours(business)
    exceptions = services.hours_exceptions(business, MONDAY, MONDAY + timedelta(days=4))
    slots = services.slots_between(business, MONDAY, MONDAY + timedelta(days=4))
    assert len(slots) == 5 * 16
    for slot in slots:
        expected = hours.closed_reason(week, exceptions, slot.start.astimezone(tz),
                                       slot.end.astimezone(tz))
        assert slot.closed_reason == expected, (slot.start, slot.closed_reason, expected)
    assert services.check_integrity() == []
