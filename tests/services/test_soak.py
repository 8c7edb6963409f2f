"""A short fault-injection soak: several desk processes (tests/soak_worker.py)
do a random mix of bookings, cancels, reschedules, status changes and edits
while workers are SIGKILLed and restarted and, on PostgreSQL, their server
connections are terminated. The checker then reads the database with its own
SQL and the workers' logs: every acknowledged change is there in its last
acknowledged state, counters equal counts, no slot is over capacity, no
customer holds two active bookings in a slot, and every acknowledged change
has its audit event.

BOOKING_SOAK_SECONDS (default 15) makes it longer; the figures (operations a
second, refusals by type) are printed at the end of the run."""
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import psycopg
import pytest

from booking_desktop import db
from booking_desktop.services.integrity import check_audit_chain
from tests.conftest import PG_URL, SOAK_REPORTS
from tests.helpers import day_slots, sql

ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("BOOKING_SOAK_SECONDS", "15"))
WORKERS = 4
# Refusals that prove nothing was changed; any other outcome of a try that
# was not acknowledged (killed, or the connection lost at commit) may or may
# not have been committed.
SURE_REFUSALS = {"SlotFull", "SlotInPast", "SlotBlocked", "SlotClosed", "DuplicateBooking",
                 "ReferenceInUse",
                 "InvalidTransition", "InvalidInput", "NotFound", "PermissionDenied"}

pytestmark = pytest.mark.slow


class Desks:
    """The worker processes, each writing its log to a file of its own."""

    def __init__(self, url, now, slot_ids, folder: Path):
        self.url, self.now, self.slot_ids, self.folder = url, now, slot_ids, folder
        self.rng = random.Random(20301)
        self.running: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.killed = 0

    def start(self) -> None:
        n = len(self.logs)
        log = self.folder / f"desk{n}.log"
        self.logs.append(log)
        with open(log, "w") as out, open(self.folder / f"desk{n}.err", "w") as err:
            self.running.append(subprocess.Popen(
                [sys.executable, "-m", "tests.soak_worker", self.url, self.now.isoformat(),
                 str(self.rng.randrange(10**9)), str(n), *map(str, self.slot_ids)],
                cwd=ROOT, stdout=out, stderr=err))

    def kill_one(self) -> None:
        victim = self.running.pop(self.rng.randrange(len(self.running)))
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.killed += 1
        self.start()

    def stop(self) -> list[int]:
        for process in self.running:
            process.send_signal(signal.SIGKILL)
        return [p.wait() for p in self.running]

    def crashes(self) -> list[str]:
        return [err.read_text() for err in self.folder.glob("desk*.err")
                if "Traceback" in err.read_text()]


def read_logs(logs):
    """Per booking reference: the acknowledged changes in order, and the
    values of tries whose outcome is unknown; plus refusals by type."""
    acked = defaultdict(list)
    unsure = defaultdict(list)
    refusals = Counter()
    for log in logs:
        pending = None
        for line in log.read_text().splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # the last line of a killed desk
                continue
            if "try" in entry:
                pending = entry
            elif "ack" in entry:
                acked[entry["ref"]].append(entry)
                pending = None
            elif "refused" in entry:
                refusals[entry["refused"]] += 1
                if entry["refused"] not in SURE_REFUSALS and pending is not None:
                    unsure[pending["ref"]].append(pending)
                pending = None
        if pending is not None:  # killed between the try and its answer
            unsure[pending["ref"]].append(pending)
    return acked, unsure, refusals


def expected_values(acked, unsure, field, initial=None):
    """The values `field` may have now: the last acknowledged one (`initial`
    when none was), or one of an unsure try made after it."""
    last = initial
    for entry in acked:
        if field in entry:
            last = entry[field]
    return {last} | {entry[field] for entry in unsure if field in entry}


class ServerFaults:
    """PostgreSQL: end the desks' connections now and then, as a network would."""

    def __init__(self, app_name):
        self.app_name = app_name
        self.terminated = 0

    def strike(self) -> None:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 "WHERE application_name = %s", (self.app_name,)).fetchall()
        self.terminated += len(rows)


def test_soak_with_killed_desks_and_dropped_connections(database, db_url, business, now,
                                                        tmp_path):
    slots = day_slots(business, now=now, capacity=3)
    slot_ids = [s.id for s in slots]
    faults = None
    url = db_url
    if db.is_postgres():
        app_name = f"soak_{uuid.uuid4().hex[:8]}"
        url = f"{db_url}&application_name={app_name}"
        faults = ServerFaults(app_name)
    desks = Desks(url, now, slot_ids, tmp_path)
    for _ in range(WORKERS):
        desks.start()
    rng = random.Random(7)
    began = time.monotonic()
    next_kill = began + rng.uniform(2, 4)
    next_drop = began + rng.uniform(1, 3)
    try:
        while (moment := time.monotonic()) < began + SECONDS:
            if moment >= next_kill:
                desks.kill_one()
                next_kill = moment + rng.uniform(2, 4)
            if faults is not None and moment >= next_drop:
                faults.strike()
                next_drop = moment + rng.uniform(1, 3)
            time.sleep(0.05)
    finally:
        desks.stop()
    elapsed = time.monotonic() - began
    assert not desks.crashes(), desks.crashes()[0]

    acked, unsure, refusals = read_logs(desks.logs)
    operations = sum(len(v) for v in acked.values())
    assert operations > 50, "the desks did next to nothing"

    # The rules, with the checker's own SQL.
    over = sql("SELECT id FROM time_slot WHERE current_bookings > max_capacity "
               "OR current_bookings < 0").fetchall()
    assert over == []
    drift = sql("SELECT s.id, s.current_bookings, COUNT(b.id) FROM time_slot s "
                "LEFT JOIN booking b ON b.time_slot_id = s.id "
                "AND b.status IN ('pending', 'confirmed') "
                "GROUP BY s.id, s.current_bookings "
                "HAVING s.current_bookings <> COUNT(b.id)").fetchall()
    assert drift == []
    for key in ("email_key", "phone_key"):
        twice = sql(f"SELECT time_slot_id, {key} FROM booking "
                    f"WHERE status IN ('pending', 'confirmed') AND {key} IS NOT NULL "
                    f"GROUP BY time_slot_id, {key} HAVING COUNT(*) > 1").fetchall()
        assert twice == [], key

    stored = {ref: (ident, slot, status, notes) for ref, ident, slot, status, notes in sql(
        "SELECT reference, id, time_slot_id, status, notes FROM booking").fetchall()}
    audited = Counter(entity_id for (entity_id,) in sql(
        "SELECT entity_id FROM audit_event WHERE entity = 'booking'").fetchall())
    for ref, changes in acked.items():
        assert ref in stored, f"acknowledged booking {ref} is missing"
        ident, slot, status, notes = stored[ref]
        assert slot in expected_values(changes, unsure[ref], "slot"), ref
        assert status in expected_values(changes, unsure[ref], "status"), ref
        assert notes in expected_values(changes, unsure[ref], "notes", initial=""), ref
        assert audited[ident] >= len(changes), f"{ref}: changes without an audit event"
    # Nothing appears that no desk tried.
    assert set(stored) <= set(acked) | set(unsure)
    # The audit log's hash chain holds through the kills (one writer at a time).
    chain = check_audit_chain()
    assert chain.intact, chain.message

    figures = (f"soak on {'PostgreSQL' if db.is_postgres() else 'SQLite'}: {elapsed:.0f} s, "
               f"{len(desks.logs)} desk processes ({desks.killed} SIGKILLed), "
               + (f"{faults.terminated} connections terminated, " if faults else "")
               + f"{operations} acknowledged changes ({operations / elapsed:.0f}/s), "
               f"{sum(len(v) for v in unsure.values())} unsure, refusals: "
               + (", ".join(f"{k} {v}" for k, v in refusals.most_common()) or "none"))
    SOAK_REPORTS.append(figures)
