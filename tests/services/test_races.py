"""Several desks at once, as separate OS processes each with its own
connection (tests/workers.py): places are never over- or double-booked, and
a desk killed with SIGKILL half-way through a booking storm leaves only whole
bookings behind. On an SQLite file and on PostgreSQL."""
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from booking_desktop import services
from booking_desktop.models import Booking, TimeSlot
from tests.helpers import MONDAY, day_slots
from tests.workers import change_worker, race_worker, run_processes

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8

pytestmark = pytest.mark.slow


def run_race(url: str, slot_ids: list[int], now, same_email: str | None = None,
             reference: str | None = None) -> dict:
    """Start WORKERS spawned processes that all book into `slot_ids` at once;
    return {worker_no: [(slot_id, outcome, detail), ...]}."""
    outcomes, exit_codes = run_processes(
        race_worker, lambda n, barrier, results: (url, n, slot_ids, now.isoformat(), barrier,
                                                  results, same_email, reference), WORKERS)
    assert exit_codes == [0] * WORKERS
    crashes = [detail for rows in outcomes.values() for (_, kind, detail) in rows
               if kind == "crash"]
    assert not crashes, crashes[0]
    return outcomes


def by_slot(outcomes: dict) -> dict[int, Counter]:
    tally: dict[int, Counter] = {}
    for rows in outcomes.values():
        for slot_id, kind, _ in rows:
            tally.setdefault(slot_id, Counter())[kind] += 1
    return tally


def active_rows(slot_id: int) -> int:
    return Booking.select().where((Booking.time_slot == slot_id)
                                  & Booking.status.in_(("pending", "confirmed"))).count()


@pytest.mark.parametrize("capacity", [1, 5])
def test_processes_racing_for_the_same_slots(database, db_url, business, now, capacity):
    slots = day_slots(business, now=now, capacity=capacity)[:3]
    slot_ids = [s.id for s in slots]
    outcomes = run_race(db_url, slot_ids, now)

    tally = by_slot(outcomes)
    for slot_id in slot_ids:
        assert tally[slot_id] == Counter(ok=capacity, SlotFull=WORKERS - capacity), slot_id
        assert TimeSlot.get_by_id(slot_id).current_bookings == capacity
        assert active_rows(slot_id) == capacity
    booked = {detail for rows in outcomes.values() for (_, kind, detail) in rows if kind == "ok"}
    assert {r for (r,) in Booking.select(Booking.reference).tuples()} == booked
    assert len(booked) == capacity * len(slot_ids)
    assert services.check_integrity() == []


def test_one_customer_booked_by_many_processes_at_once(database, db_url, business, now):
    slot = day_slots(business, now=now, capacity=WORKERS + 2)[0]
    outcomes = run_race(db_url, [slot.id], now, same_email="Same.Customer@example.com")

    assert by_slot(outcomes)[slot.id] == Counter(ok=1, DuplicateBooking=WORKERS - 1)
    assert TimeSlot.get_by_id(slot.id).current_bookings == 1
    assert active_rows(slot.id) == 1
    assert Booking.get().email_key == "same.customer@example.com"
    assert services.check_integrity() == []


def test_one_booking_retried_by_many_processes_at_once(database, db_url, business, now):
    """The same booking sent again and again (a desk retrying after a lost
    answer) while the first attempt is still running: every attempt gets the
    one booking, even though it took the slot's only place."""
    slot = day_slots(business, now=now, capacity=1)[0]
    outcomes = run_race(db_url, [slot.id], now, same_email="retry@example.com",
                        reference="RTY-777")

    assert by_slot(outcomes)[slot.id] == Counter(ok=WORKERS)
    assert {detail for rows in outcomes.values() for (_, _, detail) in rows} == {"RTY-777"}
    assert Booking.select().count() == 1
    assert TimeSlot.get_by_id(slot.id).current_bookings == 1
    assert services.check_integrity() == []


def test_sigkill_in_the_middle_of_a_booking_storm(database, db_url, business, now):
    slots = day_slots(business, now=now, capacity=100)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    storm = subprocess.Popen(
        [sys.executable, "-m", "tests.workers", "storm", db_url, now.isoformat(),
         *(str(s.id) for s in slots)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(120, storm.kill)
    watchdog.start()
    printed = []
    try:
        assert storm.stdout.readline().strip() == "ready", storm.stderr.read()
        while len(printed) < 40:
            line = storm.stdout.readline()
            assert line, f"the storm stopped early: {storm.stderr.read()}"
            printed.append(line.strip())
        os.kill(storm.pid, signal.SIGKILL)
        rest, errors = storm.communicate(timeout=60)
    finally:
        watchdog.cancel()
        if storm.poll() is None:
            storm.kill()
    assert storm.returncode == -signal.SIGKILL, errors
    printed += rest.split()

    stored = {r for (r,) in Booking.select(Booking.reference).tuples()}
    assert set(printed) <= stored, "a booking reported as made is missing"
    # At most one was committed but killed before it could be printed.
    assert len(stored) - len(printed) in (0, 1)
    assert services.check_integrity() == []
    for slot in slots:
        assert TimeSlot.get_by_id(slot.id).current_bookings == active_rows(slot.id)
    assert sum(TimeSlot.get_by_id(s.id).current_bookings for s in slots) == len(stored)

    # The database is in working order for the next desk.
    services.create_booking(slots[-1], "After The Storm", now=now)
    assert services.check_integrity() == []
    assert MONDAY == slots[0].start.date()


def run_changes(url: str, jobs: list[tuple[str, tuple]], now) -> list[tuple]:
    """Each job (action, args) in its own spawned process, all at one barrier."""
    by_worker, _ = run_processes(
        change_worker, lambda n, barrier, results: (url, n, *jobs[n], now.isoformat(), barrier,
                                                    results), len(jobs))
    outcomes = [row for rows in by_worker.values() for row in rows]
    crashes = [detail for (_, kind, detail) in outcomes if kind == "crash"]
    assert not crashes, crashes[0]
    return outcomes


def test_processes_rescheduling_into_the_same_slot(database, db_url, business, now):
    """Eight customers moved into one slot of two places at once: two move,
    six keep their old place; no place is lost or doubled."""
    slots = day_slots(business, now=now, capacity=2)
    target, sources = slots[0], slots[1:1 + WORKERS]
    bookings = [services.create_booking(s, f"Mover {i}", now=now) for i, s in enumerate(sources)]
    outcomes = run_changes(db_url, [("reschedule", (b.id, target.id)) for b in bookings], now)

    assert Counter(kind for (_, kind, _) in outcomes) == Counter(ok=2, SlotFull=WORKERS - 2)
    moved = {detail for (_, kind, detail) in outcomes if kind == "ok"}
    assert {b.id for b in Booking.select().where(Booking.time_slot == target.id)} == moved
    for booking, source in zip(bookings, sources):
        expected = 0 if booking.id in moved else 1
        assert TimeSlot.get_by_id(source.id).current_bookings == expected
    assert TimeSlot.get_by_id(target.id).current_bookings == 2
    assert services.check_integrity() == []


def test_undo_of_cancels_racing_new_bookings_for_the_last_places(database, db_url, business,
                                                                now):
    """Four desks undo a cancellation while four others book walk-ins into the
    same slot, which has three places: exactly three win."""
    slot = day_slots(business, now=now, capacity=3)[0]
    undone = []
    for i in range(4):
        booking = services.create_booking(slot, f"Cancelled {i}", now=now)
        services.cancel_booking(booking, now=now)
        undone.append(booking)
    jobs = [("reinstate", (b.id,)) for b in undone] + [("create", (slot.id,))] * 4
    outcomes = run_changes(db_url, jobs, now)

    assert Counter(kind for (_, kind, _) in outcomes) == Counter(ok=3, SlotFull=5)
    assert TimeSlot.get_by_id(slot.id).current_bookings == 3
    assert active_rows(slot.id) == 3
    assert services.check_integrity() == []
