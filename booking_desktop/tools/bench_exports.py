"""`python main.py bench-exports`: the exports and reports on the synthetic
database of `main.py bench` (its builder, reused: ~500,000 bookings at
--scale 1). Measures, against the issue's goals:

- CSV export of every booking: at most 10 s, and within 2x of writing the
  same rows with the csv module straight from a raw SQL cursor (the same
  SELECT the export runs, without batching, neutralising or peewee);
- XLSX export peak memory (tracemalloc) at two sizes, 4x apart: constant
  memory means the peak does not grow with the rows;
- every report figure for one business over a year: at most 200 ms (median).
"""
import csv
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from . import bench
from .. import db as database
from ..services import exports, list_businesses
from ..services.desk import BookingFilter
from ..services.reports import booking_report, scope_for

CSV_BUDGET_S, RATIO_GOAL, REPORT_BUDGET_MS = 10.0, 2.0, 200.0


def raw_csv(url: str, path: str) -> int:
    """The baseline: one SELECT of the export's columns through the bare
    driver, every row straight into csv.writer."""
    local = scope_for(None, None, None).local
    sql = (f"SELECT {exports.export_sql(local)} FROM booking b "
           "JOIN time_slot ts ON ts.id = b.time_slot_id "
           "JOIN business bz ON bz.id = ts.business_id ORDER BY ts.start, b.id")
    if database.is_postgres():
        import psycopg
        conn = psycopg.connect(url)
        cursor = conn.cursor(name="raw_export")  # server-side, streamed
        cursor.itersize = 5000
    else:
        import sqlite3
        conn = sqlite3.connect(bench._sqlite_path(url))
        cursor = conn.cursor()
    try:
        cursor.execute(sql)
        count = 0
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(exports.HEADERS)
            for row in cursor:
                writer.writerow(row[:15])
                count += 1
        return count
    finally:
        conn.close()


def _timed(fn, *args):
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def _xlsx_peak(path: str, flt: BookingFilter) -> tuple[int, float, int]:
    tracemalloc.start()
    try:
        started = time.perf_counter()
        rows = exports.export_xlsx(path, flt)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return rows, seconds, peak


def run(args) -> int:
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    url = getattr(args, "db", None)
    default_file = url is None
    url = url or bench._default_url()
    plan = bench.Plan.for_scale(float(getattr(args, "scale", 1.0) or 1.0))
    handle, built = bench._prepare(url, plan, bool(getattr(args, "keep", False)), default_file,
                                   say)
    postgres = database.is_postgres(handle)
    out = tempfile.mkdtemp(prefix="booking-bench-exports-")
    lines = []
    try:
        total = handle.execute_sql("SELECT COUNT(*) FROM booking").fetchone()[0]
        say(f"CSV export of all {total:,} bookings ...")
        raw_s, raw_rows = _timed(raw_csv, url, os.path.join(out, "raw.csv"))
        csv_s, csv_rows = _timed(exports.export_csv, os.path.join(out, "all.csv"),
                                 BookingFilter())
        ratio = csv_s / raw_s if raw_s else float("inf")
        lines.append(("CSV export, all bookings", f"{csv_rows:,} rows in {csv_s:.2f} s; raw "
                      f"cursor + csv {raw_rows:,} rows in {raw_s:.2f} s; {ratio:.2f}x",
                      f"<= {CSV_BUDGET_S:g} s, <= {RATIO_GOAL:g}x",
                      "ok" if csv_s <= CSV_BUDGET_S and ratio <= RATIO_GOAL else "OVER"))

        lo = handle.execute_sql("SELECT MIN(start) FROM time_slot").fetchone()[0]
        first = (lo if not isinstance(lo, str) else date.fromisoformat(lo[:10]))
        first = first.date() if hasattr(first, "date") else first
        first += timedelta(days=1)
        peaks = []
        for days in (5, 20):
            flt = BookingFilter(date_from=first, date_to=first + timedelta(days=days - 1))
            say(f"XLSX export, {days} days of every business (tracemalloc) ...")
            rows, seconds, peak = _xlsx_peak(os.path.join(out, f"{days}.xlsx"), flt)
            peaks.append((rows, peak))
            lines.append((f"XLSX export, {days} days", f"{rows:,} rows in {seconds:.1f} s, "
                          f"peak {peak / 2**20:.1f} MiB (Python heap)", "", ""))
        growth = peaks[1][1] / peaks[0][1] if peaks[0][1] else float("inf")
        lines.append(("XLSX peak memory growth", f"{peaks[1][0] / max(1, peaks[0][0]):.1f}x "
                      f"the rows -> {growth:.2f}x the peak", "flat (about 1x)",
                      "ok" if growth < 1.5 else "GROWS"))

        business = list_businesses()[0]
        times = []
        runs = max(1, int(getattr(args, "runs", 5) or 5))
        booking_report(business, first, first + timedelta(days=364))  # warm the cache
        for _ in range(runs):
            seconds, report = _timed(booking_report, business, first,
                                     first + timedelta(days=364))
            times.append(seconds * 1000)
        median = statistics.median(times)
        lines.append(("All report figures, 1 business x 365 days",
                      f"{report.total:,} bookings; median {median:.0f} ms, max "
                      f"{max(times):.0f} ms over {runs} runs", f"<= {REPORT_BUDGET_MS:g} ms",
                      "ok" if median <= REPORT_BUDGET_MS else "OVER"))
    finally:
        for name in Path(out).iterdir():
            name.unlink()
        os.rmdir(out)
        database.close(handle)
    kind = "PostgreSQL" if postgres else f"SQLite ({url})"
    print(f"Booking Desktop export/report benchmark on {kind}: {total:,} bookings"
          + (f" (built in {built:.0f} s)" if built else " (reused)"))
    width = max(len(a) for a, *_ in lines)
    for what, result, goal, verdict in lines:
        print(f"{what:<{width}}  {result}" + (f"  [goal {goal}: {verdict}]" if goal else ""))
    return 0 if all(v in ("", "ok") for *_, v in lines) else 1


__all__ = ["run", "raw_csv"]
