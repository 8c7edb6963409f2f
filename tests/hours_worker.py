"""A desk of the owner for tests/services/test_hours_concurrency.py: run in a
'spawn' child, waits at a barrier, then saves hours and special days as fast
as it can and reports each outcome (type name and message) through a queue."""
import random
import traceback
from datetime import date, time, timedelta

WEEKS = (
    {d: [(time(9), time(17))] for d in range(5)},
    {d: [(time(9), time(12)), (time(13), time(17))] for d in range(5)},
    {d: [(time(10), time(16))] for d in range(6)},
)


def hours_worker(url: str, worker_no: int, business_id: int, first_iso: str, calls: int,
                 barrier, results) -> None:
    outcomes = []
    try:
        from booking_desktop import db, services
        from booking_desktop.errors import BookingError

        db.connect(url)
        business = services.get_business(business_id)
        rng = random.Random(worker_no)
        first = date.fromisoformat(first_iso)
        barrier.wait(timeout=120)
        for _ in range(calls):
            day = first + timedelta(days=rng.randrange(5))
            kind = rng.choice(["week", "holiday", "special", "remove"])
            try:
                if kind == "week":
                    services.set_weekly_hours(business, rng.choice(WEEKS))
                elif kind == "holiday":
                    services.set_hours_exception(business, day, closed=True, note="Holiday")
                elif kind == "special":
                    services.set_hours_exception(business, day, closed=False,
                                                 intervals=[(time(11), time(14))], note="Short")
                else:
                    services.remove_hours_exception(business, day)
                outcomes.append((kind, "ok", ""))
            except BookingError as exc:
                outcomes.append((kind, type(exc).__name__, str(exc)))
            except Exception:
                outcomes.append((kind, "crash", traceback.format_exc()))
        db.close()
    except Exception:
        outcomes.append((None, "crash", traceback.format_exc()))
    results.put((worker_no, outcomes))
