"""How long migration 0018 takes to take the booked names out of the audit
log, at the benchmark's size (`main.py bench`: ~500,000 bookings at
--scale 1).

    python -m booking_desktop.tools.bench_redaction --db URL [--scale 1]

It builds the benchmark's synthetic bookings at schema 0016 (its builder,
reused), runs 0017 (customers), then writes one `booking.create` event a
booking as the versions before customers wrote them (the booked name in the
details, chained), and times 0018: the rewrite of every one of those events,
the chain worked out again and the `audit.redact` record appended, run as
an owner runs it (`main.py migrate`, in a process of its own, whose peak
resident memory it reports on Linux). Then it walks the chain (`main.py
check`'s walk) and says how long that took.

URL must name an empty database or one holding only the benchmark's data
(which it rebuilds); never the user's.
"""
import argparse
import json
import subprocess
import sys
import time

from .. import db as database
from ..audit_chain import event_hash, verify
from ..audit_redaction import redactions
from ..errors import BookingError
from . import bench

_BATCH = 5000


def _old_events(handle, postgres: bool) -> int:
    """One booking.create event a booking, as 0016 wrote it, chained onto the
    log; the id sequence moved past them. Returns how many."""
    last = handle.execute_sql("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1"
                              ).fetchone()
    next_id, previous = (last[0] + 1, last[1]) if last else (1, None)
    written, after = 0, 0
    param = handle.param
    while True:
        bookings = handle.execute_sql(
            "SELECT id, reference, time_slot_id, customer_name, source, created_at FROM booking "
            f"WHERE id > {param} ORDER BY id LIMIT {_BATCH}", (after,)).fetchall()
        if not bookings:
            break
        rows = []
        for booking_id, reference, slot_id, name, source, created_at in bookings:
            details = json.dumps({"reference": reference, "time_slot": slot_id,
                                  "customer_name": name, "source": source,
                                  "status": "confirmed"}, sort_keys=True, ensure_ascii=False)
            hashed = event_hash(next_id, created_at, None, "booking.create", "booking",
                                booking_id, details, previous)
            rows.append((next_id, created_at, None, "booking.create", "booking", booking_id,
                         details, previous, hashed))
            next_id, previous = next_id + 1, hashed
        columns = "id, at, user_id, action, entity, entity_id, details, prev_hash, hash"
        if postgres:
            with handle.cursor().copy(f"COPY audit_event ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            handle.cursor().executemany(f"INSERT INTO audit_event ({columns}) VALUES "
                                        f"({', '.join('?' * 9)})", rows)
        written += len(rows)
        after = bookings[-1][0]
    if postgres:
        handle.execute_sql("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), "
                           "(SELECT max(id) FROM audit_event))")
    return written


_CHILD = ("import sys, time; from booking_desktop.cli import main; started = time.perf_counter(); "
          "code = main(sys.argv[1:]); print(round(time.perf_counter() - started, 1)); "
          "print(open('/proc/self/status').read() if sys.platform == 'linux' else ''); "
          "sys.exit(code)")


def _migrate_in_a_child(url: str) -> dict:
    """`main.py --db URL migrate` (to 0018, the newest) as an owner runs it:
    the command's own time and the process's peak resident memory (Linux)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, "--db", url, "migrate"],
                          capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    seconds = float(next(line for line in lines if line.replace(".", "").isdigit()))
    peak = next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmHWM:")),
                None)
    return {"migration_0018_s": seconds,
            "migration_0018_peak_rss_mib": None if peak is None else round(peak, 1)}


def run(url: str, scale: float, say) -> dict:
    handle = database.open_database(url)
    database.bind(handle)
    postgres = database.is_postgres(handle)
    try:
        foreign = bench.foreign_data(handle)
        if foreign:
            raise BookingError(f"Refusing to use {url}: it holds data the benchmark did not "
                               f"make ({foreign}).")
        database.migrate_to("zero", handle)
        database.migrate_to(bench.BUILT_AT, handle)
        plan = bench.Plan.for_scale(scale)
        say(f"Building {plan.slots:,} slots and their bookings at {bench.BUILT_AT} ...")
        bench.build(url, plan, postgres, say)
        figures = {"database": "PostgreSQL" if postgres else "SQLite"}
        started = time.perf_counter()
        database.migrate_to("0017_customers", handle)
        figures["migration_0017_s"] = round(time.perf_counter() - started, 1)
        say("Writing a booking.create event a booking, as before customers ...")
        with handle.atomic():
            figures["old_events"] = _old_events(handle, postgres)
        figures["audit_events"] = handle.execute_sql("SELECT COUNT(*) FROM audit_event"
                                                     ).fetchone()[0]
        say("Migrating to 0018 (the rewrite): `main.py migrate` in a process of its own ...")
        database.close(handle)
        figures.update(_migrate_in_a_child(url))
        handle = database.connect(url, migrate=False)
        [(_, _, record)] = redactions(handle)
        figures.update(events_redacted=record["events_redacted"],
                       events_rechained=record["events_rechained"])
        started = time.perf_counter()
        status = verify(handle)
        figures["chain_walk_s"] = round(time.perf_counter() - started, 1)
        figures["chain_intact"] = status.intact
        left = handle.execute_sql(
            f"SELECT COUNT(*) FROM audit_event WHERE details LIKE {handle.param} "
            f"AND action <> {handle.param}", ('%"customer_name":%', "audit.redact")).fetchone()[0]
        figures["events_still_naming"] = left
        return figures
    finally:
        database.close(handle)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, metavar="URL")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    print(json.dumps(run(args.db, args.scale, say), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
