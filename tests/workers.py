"""Worker processes for the concurrency tests. Each opens the database itself
with booking_desktop.db.connect(url), as a second desk would.

* `race_worker` runs in a multiprocessing 'spawn' child: waits at a shared
  barrier, then books one place in each given slot (optionally all as one
  customer, or all with one reference) and reports every outcome through a
  queue.
* `audit_worker` writes audit events three ways at once (tests of the chain).
* `change_worker` does one reschedule, undo-of-cancel or booking at the
  barrier, for races between different kinds of change.
* `python -m tests.workers storm URL NOW SLOT_ID...` books in a loop forever,
  printing each reference (flushed) once create_booking has returned, so the
  parent can SIGKILL it part-way through and check what was committed.
"""
import multiprocessing
import sys
import traceback
from datetime import datetime


def run_processes(target, make_args, count: int, meanwhile=None,
                  timeout: float = 180) -> tuple[dict, list]:
    """Start `count` spawned processes, `target(*make_args(n, barrier, results))`,
    which meet at a barrier to start together; `meanwhile()`, when given, runs
    here as one more party at that barrier (the owner acting while the desks
    book). Returns ({worker_no: outcomes}, exit codes); the processes are
    always reaped."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(count + (meanwhile is not None))
    results = ctx.Queue()
    processes = [ctx.Process(target=target, daemon=True, args=make_args(n, barrier, results))
                 for n in range(count)]
    for process in processes:
        process.start()
    try:
        if meanwhile is not None:
            barrier.wait(timeout=120)
            meanwhile()
        outcomes = dict(results.get(timeout=timeout) for _ in processes)
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return outcomes, [process.exitcode for process in processes]


def race_worker(url: str, worker_no: int, slot_ids: list[int], now_iso: str, barrier, results,
                same_email: str | None = None, reference: str | None = None) -> None:
    outcomes = []
    try:
        from booking_desktop import db, services
        from booking_desktop.errors import BookingError

        db.connect(url)
        now = datetime.fromisoformat(now_iso)
        barrier.wait(timeout=120)
        for slot_id in slot_ids:
            email = same_email or f"worker{worker_no}.slot{slot_id}@example.com"
            # A retry (one reference) is the same request, customer and all.
            name = "Retried Customer" if reference is not None else f"Worker {worker_no}"
            try:
                booking = services.create_booking(slot_id, name, email,
                                                  source="online", reference=reference, now=now)
                outcomes.append((slot_id, "ok", booking.reference))
            except BookingError as exc:
                outcomes.append((slot_id, type(exc).__name__, str(exc)))
            except Exception:  # reported, and the test fails on it
                outcomes.append((slot_id, "crash", traceback.format_exc()))
        db.close()
    except Exception:
        outcomes.append((None, "crash", traceback.format_exc()))
    results.put((worker_no, outcomes))


def change_worker(url: str, worker_no: int, action: str, args: tuple, now_iso: str, barrier,
                  results) -> None:
    """One change at the barrier: "reschedule" (booking_id, slot_id), "reinstate"
    (booking_id,) (the desk's undo of a cancel) or "create" (slot_id,)."""
    try:
        from booking_desktop import db, services
        from booking_desktop.errors import BookingError
        from booking_desktop.services import desk

        db.connect(url)
        now = datetime.fromisoformat(now_iso)
        calls = {
            "reschedule": lambda b, s: services.reschedule_booking(b, s, now=now),
            "reinstate": lambda b: desk.reinstate_booking(b, now=now),
            "create": lambda s: services.create_booking(s, f"Walk-in {worker_no}", now=now),
        }
        barrier.wait(timeout=120)
        try:
            booking = calls[action](*args)
            outcome = (action, "ok", booking.id)
        except BookingError as exc:
            outcome = (action, type(exc).__name__, str(exc))
        db.close()
    except Exception:
        outcome = (action, "crash", traceback.format_exc())
    results.put((worker_no, [outcome]))


def audit_worker(url: str, worker_no: int, slot_ids: list[int], texts: list[str], now_iso: str,
                 barrier, results) -> None:
    """Audit events from one desk at the barrier, three ways in turn: a booking
    (its event written by the walk-in statement), an event chained by the
    database (what _tx.audit does on PostgreSQL) and one chained in Python
    (audit_chain.next_link + event_hash, as before migration 0014). Reports
    how many events it wrote."""
    written = []
    try:
        from booking_desktop import db, models, services
        from booking_desktop.audit_chain import event_hash, next_link
        from booking_desktop.errors import BookingError
        from booking_desktop.models import AuditEvent
        from booking_desktop.services import _tx

        db.connect(url)
        now = datetime.fromisoformat(now_iso)

        def by_python(n: int, text: str) -> None:
            event_id, prev_hash = next_link(models.database.obj)
            values = (event_id, now, None, "test.python", "test", n, text, prev_hash)
            AuditEvent.insert(id=event_id, at=now, user=None, action="test.python",
                              entity="test", entity_id=n, details=text, prev_hash=prev_hash,
                              hash=event_hash(*values)).execute()

        barrier.wait(timeout=120)
        for n, text in enumerate(texts):
            kind = n % 3
            if kind == 0:
                try:
                    services.create_booking(slot_ids[n % len(slot_ids)], f"Desk {worker_no}",
                                            now=now)
                    written.append("booking")
                except BookingError:
                    pass
            elif kind == 1:
                _tx.run_write(lambda n=n, text=text: _tx.audit(
                    None, "test.database", "test", n, at=now, text=text))
                written.append("database")
            else:
                _tx.run_write(lambda n=n, text=text: by_python(n, text))
                written.append("python")
        db.close()
        outcome = ("audit", "ok", len(written))
    except Exception:
        outcome = ("audit", "crash", traceback.format_exc())
    results.put((worker_no, [outcome]))


def storm(url: str, now_iso: str, slot_ids: list[int]) -> None:
    from booking_desktop import db, services

    db.connect(url)
    now = datetime.fromisoformat(now_iso)
    print("ready", flush=True)
    n = 0
    while True:
        slot_id = slot_ids[n % len(slot_ids)]
        booking = services.create_booking(slot_id, f"Storm Customer {n}",
                                          f"storm{n}@example.com", now=now)
        print(booking.reference, flush=True)
        n += 1


if __name__ == "__main__":
    command, url, now_iso, *ids = sys.argv[1:]
    if command != "storm":
        sys.exit(f"unknown command {command!r}")
    storm(url, now_iso, [int(i) for i in ids])
