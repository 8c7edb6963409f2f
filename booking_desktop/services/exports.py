"""Booking lists for other people: CSV (an accountant's spreadsheet), XLSX
(typed columns and a summary sheet), iCalendar (a calendar app). The PDF is
drawn by Qt, so it lives in `ui/pdf_report.py`.

Customers' details leave in bulk only for those allowed: every export takes
`by` (the acting account; None for the command line) and raises
PermissionDenied for staff an owner has not allowed to export, before any
file is made.

Every export takes the bookings table's filter (`desk.BookingFilter`), reads
the bookings in batches of `BATCH` grouped by business, then in local time
order (keyset paging on slot start and booking id along the index on
time_slot (business_id, start), so memory stays flat on either backend and
no batch sorts the period again; see `iter_rows`), reports
`progress(done, total)` and stops when `cancelled()` turns true. It writes to
a temporary file in the target's folder and renames it only when complete:
a cancelled or failed export leaves no file behind.
"""
import csv
import logging
import os
import queue
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import models
from ..clock import UTC
from ..db import close, connect, database_url, is_postgres
from ..errors import QT_TRANSLATE_NOOP, BookingError, InvalidInput
from ..models import Booking, Business, TimeSlot
from . import second_process
from ._tx import require_export, run_read
from .businesses import get_business
from .desk import BookingFilter, filtered_bookings
from .files import atomic_file
from .reports import LocalTime, as_utc, check_zone, booking_report, scope_for

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "ics", "pdf")
BATCH = 5000
HEADERS = (QT_TRANSLATE_NOOP("exports", "Reference"), QT_TRANSLATE_NOOP("exports", "Business"),
           QT_TRANSLATE_NOOP("exports", "Date"), QT_TRANSLATE_NOOP("exports", "Start"),
           QT_TRANSLATE_NOOP("exports", "End"), QT_TRANSLATE_NOOP("exports", "Time zone"),
           QT_TRANSLATE_NOOP("exports", "Customer"), QT_TRANSLATE_NOOP("exports", "Email"),
           QT_TRANSLATE_NOOP("exports", "Phone"), QT_TRANSLATE_NOOP("exports", "Status"),
           QT_TRANSLATE_NOOP("exports", "Source"), QT_TRANSLATE_NOOP("exports", "Notes"),
           QT_TRANSLATE_NOOP("exports", "Booked at"),
           QT_TRANSLATE_NOOP("exports", "Checked in at"),
           QT_TRANSLATE_NOOP("exports", "Cancel reason"),
           # The customer's record (the customer table's id): the same person
           # across bookings, whatever they typed; empty for a booking without
           # one. Last, so files read by column position keep their columns.
           QT_TRANSLATE_NOOP("exports", "Customer id"))
# The words a CSV or XLSX file writes besides its data: the column headings,
# the sheets' names and the summary sheet's labels. They are English unless
# the caller passes `words` (English -> its language; the window does, from
# its catalogue: ui.export.export_dialog.export_words), so the command line
# and anything reading the files by heading keep the English ones. Marked
# for the window's catalogue (context "exports"); the values stay as they are
# (ISO dates, status keys) whatever the language.
WORDS = (*HEADERS,
    QT_TRANSLATE_NOOP("exports", "Bookings"), QT_TRANSLATE_NOOP("exports", "Summary"),
    QT_TRANSLATE_NOOP("exports", "&CPage &P of &N"), QT_TRANSLATE_NOOP("exports", "Filter"),
    QT_TRANSLATE_NOOP("exports", "Value"), QT_TRANSLATE_NOOP("exports", "All businesses"),
    QT_TRANSLATE_NOOP("exports", "From"), QT_TRANSLATE_NOOP("exports", "To"),
    QT_TRANSLATE_NOOP("exports", "any date"), QT_TRANSLATE_NOOP("exports", "any"),
    QT_TRANSLATE_NOOP("exports", "Text"), QT_TRANSLATE_NOOP("exports", "none"),
    QT_TRANSLATE_NOOP("exports", "Dates of"), QT_TRANSLATE_NOOP("exports", "date booked"),
    QT_TRANSLATE_NOOP("exports", "appointment"),
    QT_TRANSLATE_NOOP("exports", "Bookings exported"),
    QT_TRANSLATE_NOOP("exports", "Report figures"),
    QT_TRANSLATE_NOOP("exports", "choose a date range to include them"),
    QT_TRANSLATE_NOOP("exports", "Figure"), QT_TRANSLATE_NOOP("exports", "Share"),
    QT_TRANSLATE_NOOP("exports", "Bookings in the period"),
    QT_TRANSLATE_NOOP("exports", "Status: {status}"),
    QT_TRANSLATE_NOOP("exports", "Source: {source}"),
    QT_TRANSLATE_NOOP("exports", "Capacity (places)"),
    QT_TRANSLATE_NOOP("exports", "Booked places"), QT_TRANSLATE_NOOP("exports", "Utilisation"),
    QT_TRANSLATE_NOOP("exports", "Cancellation rate"),
    QT_TRANSLATE_NOOP("exports", "No-show rate"),
    QT_TRANSLATE_NOOP("exports", "Confirmation rate"),
    QT_TRANSLATE_NOOP("exports", "Lead time, median (hours)"),
    QT_TRANSLATE_NOOP("exports", "Lead time {bucket}"),
    QT_TRANSLATE_NOOP("exports", "Utilisation {day}"),
    QT_TRANSLATE_NOOP("exports", "Utilisation by weekday and hour"),
    QT_TRANSLATE_NOOP("exports", "Popular times"), QT_TRANSLATE_NOOP("exports", "When"),
    QT_TRANSLATE_NOOP("exports", "Places"),
    QT_TRANSLATE_NOOP("exports", "Customers"), QT_TRANSLATE_NOOP("exports", "New customers"),
    QT_TRANSLATE_NOOP("exports", "Returning customers"),
    QT_TRANSLATE_NOOP("exports", "Bookings by returning customers"),
    QT_TRANSLATE_NOOP("exports", "Most no-shows"), QT_TRANSLATE_NOOP("exports", "No-shows"))


def _say(words) -> Callable[[str], str]:
    """English -> the caller's language (the English when it has no word)."""
    return (lambda text: words.get(text) or text) if words else (lambda text: text)
# Positions in an export row (`iter_rows`).
(REF, BUSINESS, LOCAL_START, LOCAL_END, ZONE, NAME, EMAIL, PHONE, STATUS, SOURCE, NOTES, CREATED,
 CHECKED_IN, CANCEL_REASON, START_UTC, END_UTC, UPDATED, ID, CUSTOMER_ID) = range(19)
ICS_STATUS = {"pending": "TENTATIVE", "confirmed": "CONFIRMED", "completed": "CONFIRMED",
              "no_show": "CONFIRMED", "cancelled": "CANCELLED"}
ICS_DOMAIN = "booking-desktop.invalid"

Progress = Callable[[int, int], None]


class ExportCancelled(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "The export was cancelled; no file was written.")


# ---------------------------------------------------------------- reading

def _businesses(flt: BookingFilter) -> list[Business]:
    """The businesses an export covers, in the order the file lists them: by
    name (case ignored), then id. Sorted here, not in SQL, so that SQLite
    and PostgreSQL (whose collations differ) give the same file."""
    if flt.business_id is not None:
        return [get_business(flt.business_id)]
    found = Business.select(Business.id, Business.name, Business.timezone)
    return sorted(found, key=lambda b: (b.name.casefold(), b.id))


def _inner(flt: BookingFilter):
    """The filtered bookings of ONE business (`flt.business_id`) as peewee
    builds them for the table (same rules, so a date range is the business's
    own local dates), with the booking's and slot's columns an export needs."""
    return filtered_bookings(flt).select(*_PAGE_COLUMNS)


def _scope_local(flt: BookingFilter) -> tuple[LocalTime, LocalTime]:
    """Local time for ONE business's export (`flt.business_id`): of its
    slots, and of its bookings' "booked at" and "checked in at" instants.
    PostgreSQL converts any instant. SQLite's CASE of offsets must span the
    instants that occur:
    - a booking is made before its slot starts (a rule), possibly months
      before, across a change of summer time, and checked in on its slot's
      local day (a rule); so the CASE for those runs from the business's
      earliest booking to the end of the period, and its last offset holds
      after that;
    - the slots are those of the period, except by date booked, when a
      booking made in the period may be for any later slot: up to the
      business's last slot.
    The ends are found along the indexes on booking (business_id,
    created_at) and time_slot (business_id, start): two subqueries, each a
    seek (MIN and MAX together would scan)."""
    business = get_business(flt.business_id)
    first, last = flt.period
    slots = scope_for(business, first, last).local
    if slots.postgres:
        return slots, slots
    (zone, lo, hi), = slots.zones
    made_lo, made_hi, last_slot = models.database.execute_sql(
        "SELECT (SELECT MIN(created_at) FROM booking WHERE business_id = ?), "
        "(SELECT MAX(created_at) FROM booking WHERE business_id = ?), "
        "(SELECT MAX(start) FROM time_slot WHERE business_id = ?)",
        (business.id,) * 3).fetchone()
    if made_lo is None:
        return slots, slots
    if flt.basis == "booked" and first is not None:
        slots = replace(slots, zones=((zone, lo, max(hi, as_utc(last_slot) + timedelta(days=1))),))
    stamps = (zone, min(as_utc(made_lo), lo), max(as_utc(made_hi) + timedelta(seconds=1), hi))
    return slots, replace(slots, zones=(stamps,))


def export_sql(local: LocalTime, b: str = "b", ts: str = "ts",
               stamps: LocalTime | None = None) -> str:
    """The columns of an export row, from `b` (booking), `ts` (time slot) and
    `bz` (business); `b` and `ts` may name one relation that has both.
    Local times by `local` (the slots) and `stamps` (when booked and checked
    in; default `local`)."""
    stamps = stamps or local
    end = local.text(f'{ts}."end"')
    return (f"{b}.reference, bz.name, {local.text(f'{ts}.start')}, {end}, "
            f"bz.timezone, {b}.customer_name, {b}.customer_email, {b}.customer_phone, "
            f"{b}.status, {b}.source, {b}.notes, {stamps.text(f'{b}.created_at')}, "
            f"{stamps.text(f'{b}.checked_in_at')}, {b}.cancel_reason, "
            f"{ts}.start, {ts}.\"end\", {b}.updated_at, {b}.id, {b}.customer_id")


_PAGE_COLUMNS = (Booking.id, Booking.reference, Booking.customer_name, Booking.customer_email,
                 Booking.customer_phone, Booking.status, Booking.source, Booking.notes,
                 Booking.created_at, Booking.checked_in_at, Booking.cancel_reason,
                 Booking.updated_at, TimeSlot.start, TimeSlot.end.alias("end"),
                 TimeSlot.business.alias("business_id"), Booking.customer)


def iter_rows(flt: BookingFilter, progress: Progress | None = None,
              cancelled: Callable[[], bool] | None = None, batch: int | None = None,
              by=None) -> Iterator[tuple]:
    """Export rows (positions REF .. CUSTOMER_ID) of the filtered bookings, grouped by
    business (`_businesses` order), within a business by local start (one
    zone per business, so the UTC start's order), then booking id. Raises
    PermissionDenied (see the module), ExportCancelled once `cancelled()` is
    true, and what the filter raises (InvalidInput, NotFound).

    One pass per business in the order of the index on time_slot
    (business_id, start): each batch continues after the last row's
    (start, id) (keyset, never OFFSET), so no batch sorts more than the
    bookings of equal start and reading is linear in the rows."""
    for _, rows in _row_batches(flt, progress, cancelled, batch, by):
        yield from rows


def _counted(flt: BookingFilter) -> list[tuple[Business, int]]:
    """The businesses an export covers (`_businesses`), each with the number
    of its bookings the filter selects."""
    return [(business, _inner(flt.with_(business_id=business.id)).count())
            for business in _businesses(flt)]


def _row_batches(flt: BookingFilter, progress: Progress | None,
                 cancelled: Callable[[], bool] | None, batch: int | None,
                 by, shape: Callable[..., str] | None = None,
                 key: tuple[int, int] = (START_UTC, ID),
                 counted: list[tuple[Business, int]] | None = None) -> Iterator[list]:
    """(business, a batch (list) of its rows) in iter_rows's order (`shape`,
    `key`: see _business_batches), of the businesses in `counted` (default
    `_counted(flt)`). On PostgreSQL the batches are read ahead
    (`_read_ahead`)."""
    require_export(by)
    batch = batch or BATCH
    if counted is None:
        counted = run_read(lambda: _counted(flt))
    total = sum(rows for _, rows in counted)
    done = 0
    if progress:
        progress(0, total)

    def read() -> Iterator[tuple]:
        for business, _ in counted:
            if cancelled is not None and cancelled():
                raise ExportCancelled()
            for rows in _business_batches(flt.with_(business_id=business.id), batch, cancelled,
                                          shape, key):
                yield business, rows

    for business, rows in (_read_ahead(read()) if is_postgres() else read()):
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        yield business, rows
        done += len(rows)
        if progress:
            progress(done, max(total, done))


_READ = object()  # _read_ahead: the reading has ended


def _close_this_thread_s_connection() -> None:
    """A helper thread's connection, closed (back to the pool) as it ends."""
    try:
        models.database.close()
    except Exception:
        log.warning("could not close an export thread's connection", exc_info=True)


def _read_ahead(batches: Iterator, depth: int = 2) -> Iterator:
    """`batches`, read on a thread of its own (with its own connection) up to
    `depth` batches ahead of the caller: PostgreSQL computes the next batch
    while Python writes this one (the bench's year of CSV: about a third
    less time). SQLite would gain nothing: its driver holds the GIL while it
    builds rows. What the reading raises is raised here, in the
    caller's thread; when the caller stops early (an error, a cancel), the
    reading stops after its current batch and its connection goes back to
    the pool before this returns."""
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for item in batches:
                if not hand_over((item, None)):
                    return
            outcome = (_READ, None)
        except BaseException as exc:  # handed to the caller, who raises it
            outcome = (None, exc)
        finally:
            batches.close()
            _close_this_thread_s_connection()
        hand_over(outcome)

    reader = threading.Thread(target=read, name="export read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item, error = ahead.get()
            if error is not None:
                raise error
            if item is _READ:
                return
            yield item
    finally:
        stop.set()
        reader.join()


def _business_batches(flt: BookingFilter, batch: int,
                      cancelled: Callable[[], bool] | None,
                      shape: Callable[..., str] | None = None,
                      key: tuple[int, int] = (START_UTC, ID)) -> Iterator[list]:
    """The rows of one business's bookings, `batch` at a time (see iter_rows),
    with the columns `shape(local, b, ts, stamps)` selects (default
    `export_sql`), whose positions `key` hold the slot's UTC start and the
    booking's id (the keyset)."""
    (local, stamps), base = run_read(lambda: (_scope_local(flt), _inner(flt)))
    columns = (shape or export_sql)(local, "page", "page", stamps)
    last = None
    while True:
        if cancelled is not None and cancelled():
            raise ExportCancelled()
        inner = base
        if last is not None:
            start, ident = last
            # `start >= X AND (...)`: the range alone lets the index on
            # time_slot (business_id, start) find where the batch begins (an
            # OR would not).
            inner = inner.where((TimeSlot.start >= start)
                                & ((TimeSlot.start > start) | (Booking.id > ident)))
        inner_sql, params = inner.order_by(TimeSlot.start, Booking.id).limit(batch).sql()
        # Only the rows of the page are formatted; joining booking again
        # here would make PostgreSQL scan the whole table each batch.
        sql = (f"SELECT {columns} FROM ({inner_sql}) page "
               "JOIN business bz ON bz.id = page.business_id ORDER BY page.start, page.id")
        rows = run_read(lambda sql=sql, params=params:
                        models.database.execute_sql(sql, params).fetchall())
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = (as_utc(rows[-1][key[0]]), rows[-1][key[1]])


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A sign followed only by digits, spaces and phone punctuation: a negative
# number or an international phone number. It cannot call a function or
# reach another program, so it is left as the person typed it.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9(][0-9 ().\-/]*")


def neutralise(value):
    """OWASP's CSV injection defence: a text cell that starts with =, +, -,
    @, tab or carriage return gets a leading apostrophe, so a spreadsheet
    shows it as text instead of running it. Plain negative numbers and
    phone numbers such as +44 20 7946 0000 are left alone."""
    if isinstance(value, str) and value and value[0] in _FORMULA_START \
            and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_values(row) -> list:
    """An `iter_rows` row as the CSV's cells (what `export_csv` writes)."""
    return _csv_cells(row[BUSINESS], row[ZONE])(
        (row[REF], row[LOCAL_START], row[LOCAL_END], *row[NAME:CANCEL_REASON + 1],
         row[START_UTC], row[ID],
         None if row[CUSTOMER_ID] is None else str(row[CUSTOMER_ID])))


def csv_sql(local: LocalTime, b: str = "b", ts: str = "ts",
            stamps: LocalTime | None = None) -> str:
    """What the CSV reads of a booking: `export_sql`'s columns without the
    business's name and zone (the same for all of a business's rows; the
    CSV adds them), then the keyset (the slot's UTC start, the booking's
    id), then the customer's id as text (the CSV's last column). Reading a value
    through the driver costs more than anything else a CSV export does, so
    it reads no value twice and none it does not write."""
    stamps = stamps or local
    end = f'{ts}."end"'
    return (f"{b}.reference, {local.text(f'{ts}.start')}, {local.text(end)}, "
            f"{b}.customer_name, {b}.customer_email, {b}.customer_phone, {b}.status, "
            f"{b}.source, {b}.notes, {stamps.text(f'{b}.created_at')}, "
            f"{stamps.text(f'{b}.checked_in_at')}, {b}.cancel_reason, {ts}.start, {b}.id, "
            f"CAST({b}.customer_id AS TEXT)")


_CSV_KEY = (12, 13)  # csv_sql's positions of the keyset


def _csv_cells(business: str, zone: str) -> Callable[[tuple], list]:
    """A function from a `csv_sql` row of `business` (its name) to the CSV's
    cells."""
    business = neutralise(business)

    def cells(row) -> list:
        start = row[1]
        values = [row[0], business, start[:10], start[11:16], row[2][11:16], zone, row[3],
                  row[4] or "", row[5] or "", row[6], row[7], row[8], row[9] or "",
                  row[10] or "", row[11], row[14] or ""]
        # Most cells start with a letter or digit: test the first character
        # here and call `neutralise` only for the few that might be formulas.
        for i in (0, 6, 7, 8, 11, 14):
            value = values[i]
            if value and value[0] in _FORMULA_START:
                values[i] = neutralise(value)
        return values

    return cells


# A CSV export of at least this many rows, of two businesses or more, shares
# the work with a second process (`second_process`) when two cores are free:
# the second writes the last businesses, about 1 - FIRST_SHARE of the rows
# (the first starts sooner; measured in docs/architecture.md), into a file
# of its own that the first then appends. Never fewer than a quarter of the
# rows: a second process's start (an interpreter and the package's imports,
# about 0.3 s) is worth it only for a share of real work.
SECOND_PROCESS_ROWS = 100_000
FIRST_SHARE = 0.55


def _shares(counted: list[tuple[Business, int]]) -> tuple[list, list]:
    """`counted` split into (the first process's businesses, the second's);
    the second's is empty when a second process would not pay (see
    SECOND_PROCESS_ROWS)."""
    total = sum(rows for _, rows in counted)
    if total < SECOND_PROCESS_ROWS or len(counted) < 2 or second_process.cores() < 2:
        return counted, []
    target, running, cut, gap = total * FIRST_SHARE, 0, 1, None
    for i, (_, rows) in enumerate(counted[:-1], start=1):
        running += rows
        if gap is None or abs(running - target) < gap:
            cut, gap = i, abs(running - target)
    if sum(rows for _, rows in counted[cut:]) * 4 < total:
        return counted, []
    return counted[:cut], counted[cut:]


def _csv_rows(handle, flt: BookingFilter, counted: list[tuple[Business, int]],
              progress: Progress | None, cancelled: Callable[[], bool] | None) -> int:
    """Write the CSV rows of the businesses in `counted` to `handle`; returns
    how many."""
    writer = csv.writer(handle)
    count = 0
    for business, rows in _row_batches(flt, progress, cancelled, None, None, csv_sql, _CSV_KEY,
                                       counted):
        writer.writerows(map(_csv_cells(business.name, business.timezone), rows))
        count += len(rows)
    return count


def _csv_part(url: str, flt: BookingFilter, businesses: list[tuple[int, str, str, int]],
              path: str, progress: Callable[[int], None]) -> int:
    """The second process's share of a CSV export (`export_csv`): the rows
    of `businesses` ((id, name, time zone, rows counted)) into `path`."""
    connect(url, migrate=False, create=False)  # moved or deleted meanwhile: fail, make nothing
    try:
        counted = [(Business(id=ident, name=name, timezone=zone), rows)
                   for ident, name, zone, rows in businesses]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            return _csv_rows(handle, flt, counted, lambda done, _total: progress(done), None)
    finally:
        close()


def export_csv(path, flt: BookingFilter, bom: bool = False, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None, by=None, words=None) -> int:
    """Write the filtered bookings as CSV (UTF-8; with `bom`, a byte-order mark
    so Excel reads the accents right), the headings in `words`' language
    (see WORDS). Returns the number of rows. A long export shares the work
    with a second process (SECOND_PROCESS_ROWS); the file is the same."""
    require_export(by)
    counted = run_read(lambda: _counted(flt))
    total = sum(rows for _, rows in counted)
    mine, theirs = _shares(counted)
    url = database_url() if theirs else None
    with atomic_file(path, "w", encoding="utf-8", newline="") as handle:
        if bom:  # by hand: the utf-8-sig codec encodes in Python, row by row
            handle.write("\ufeff")
        csv.writer(handle).writerow(map(_say(words), HEADERS))
        if url is None:
            return _csv_rows(handle, flt, counted, progress, cancelled)
        part = [(business.id, business.name, business.timezone, rows) for business, rows in theirs]
        log.info("CSV export of %d rows: a second process writes %d of them (%d businesses)",
                 total, sum(rows for *_, rows in part), len(part))
        reached = 0

        def report(at: int) -> None:
            """The bar, for both processes' rows; never back (when the first
            writes the second's share again, until it passes where it was)."""
            nonlocal reached
            reached = max(reached, at)
            if progress:
                progress(reached, max(total, reached))

        with second_process.SecondProcess(_csv_part, (url, flt, part),
                                          os.path.dirname(handle.name)) as helper:
            count = _csv_rows(handle, flt, mine,
                              lambda done, _total: report(done + helper.done), cancelled)

            def poll() -> None:
                if cancelled is not None and cancelled():
                    raise ExportCancelled()
                report(count + helper.done)

            written = helper.wait(poll)
            if written is None:  # it could not start or failed (logged): write its share here
                mine_done = count
                count += _csv_rows(handle, flt, theirs,
                                   lambda done, _total: report(mine_done + done), cancelled)
            else:
                helper.append_to(handle)
                count += written
                report(count)
    return count


# ---------------------------------------------------------------- XLSX

_XLSX_WIDTHS = (11, 22, 11, 7, 7, 16, 26, 28, 18, 11, 9, 30, 19, 19, 24, 11)


_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


class _Serials:
    """Excel's date serials (days since 1899-12-30, the time of day as the
    fraction) straight from the rows' "YYYY-MM-DD HH:MM[:SS]" text: what
    XlsxWriter's write_datetime stores, without a datetime per cell. Days and
    times repeat from row to row, so each is worked out once."""

    def __init__(self):
        self._days: dict[str, int] = {}
        self._times: dict[str, float] = {}

    def day(self, text: str) -> int:
        key = text[:10]
        serial = self._days.get(key)
        if serial is None:
            serial = self._days[key] = date.fromisoformat(key).toordinal() - _EXCEL_EPOCH
        return serial

    def time(self, text: str) -> float:
        key = text[11:19]
        fraction = self._times.get(key)
        if fraction is None:
            moment = time.fromisoformat(key)
            fraction = self._times[key] = (moment.hour * 3600 + moment.minute * 60
                                           + moment.second) / 86400
        return fraction


# XlsxWriter stores text as it is, except: control characters become
# _xHHHH_ (and a literal "_xHHHH_" gets its underscore escaped), & < > become
# entities, and a cell with leading or trailing white space is marked
# xml:space="preserve". `_PLAIN_TEXT` finds a value that needs none of that.
_PLAIN_TEXT = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f\ufffe\uffff])")
_XLSX_TEXT_MAX = 32767  # UTF-16 units in a cell
_XLSX_ROWS = 1_048_576  # rows in a sheet, the header's included


def _inline_text(value: str) -> str:
    """`value` as the <is> element of an inline-string cell, exactly as
    XlsxWriter's constant-memory mode writes it (tests compare the bytes),
    except that text which looks like rich-text XML is escaped too (XlsxWriter
    would write a note "<r>…</r>" unescaped, into the sheet's XML)."""
    if len(value) > _XLSX_TEXT_MAX // 2 and len(value.encode("utf-16-le")) > 2 * _XLSX_TEXT_MAX:
        value = value.encode("utf-16-le")[:2 * _XLSX_TEXT_MAX].decode("utf-16-le", "ignore")
    if _PLAIN_TEXT.search(value) is None:
        return f"<is><t>{value}</t></is>"
    value = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_",
                         _ESCAPED_ESCAPE.sub(r"_x005F\1", value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{space}>{value}</t></is>"


class _SheetRows:
    """The Bookings sheet's rows, written as XML straight into the file that
    XlsxWriter's constant-memory mode keeps for the sheet's rows: the same
    bytes as `write_string`/`write_number` cell by cell (a test compares
    them), about four times faster, which a year of bookings needs (XlsxWriter's
    per-cell bookkeeping was two thirds of the export's time). XlsxWriter
    still writes everything else (header row, formats, filter, print set-up,
    Summary). Leans on three of its internals, checked by that test:
    `_write_single_row` (flushes the header), `row_data_fh` (the row file)
    and `_check_dimensions` (the sheet's extent)."""

    def __init__(self, sheet, day_format, time_format, stamp_format):
        sheet._write_single_row(1)  # the header row goes to the file first
        self._sheet, self._out = sheet, sheet.row_data_fh.write
        self._styles = tuple(f._get_xf_index() for f in (day_format, time_format, stamp_format))
        self._serials = _Serials()
        self._known: dict[str, str] = {}
        self.count = 0

    def write(self, rows) -> int:
        """Append export rows (positions REF .. CUSTOMER_ID); returns the rows so far."""
        day_style, time_style, stamp_style = self._styles
        day, clock, text = self._serials.day, self._serials.time, _inline_text
        parts = []
        add = parts.append
        n = self.count + 1  # the sheet's row number of the row before
        if n + len(rows) > _XLSX_ROWS:
            raise InvalidInput(f"That is more bookings than one Excel sheet holds "
                               f"({_XLSX_ROWS - 1:,}). Choose fewer days, or export CSV.")
        # Business, zone, status and source repeat from row to row: their
        # XML is made once.
        known = self._known
        for row in rows:
            n += 1
            start, end = str(row[LOCAL_START]), str(row[LOCAL_END])
            business, zone, status, source = (
                known.get(v) or known.setdefault(v, text(v))
                for v in (row[BUSINESS], row[ZONE], row[STATUS], row[SOURCE]))
            add(f'<row r="{n}"><c r="A{n}" t="inlineStr">{text(row[REF])}</c>'
                f'<c r="B{n}" t="inlineStr">{business}</c>'
                f'<c r="C{n}" s="{day_style}"><v>{day(start)}</v></c>'
                f'<c r="D{n}" s="{time_style}"><v>{clock(start):.16G}</v></c>'
                f'<c r="E{n}" s="{time_style}"><v>{clock(end):.16G}</v></c>'
                f'<c r="F{n}" t="inlineStr">{zone}</c>'
                f'<c r="G{n}" t="inlineStr">{text(row[NAME])}</c>')
            if row[EMAIL]:
                add(f'<c r="H{n}" t="inlineStr">{text(row[EMAIL])}</c>')
            if row[PHONE]:
                add(f'<c r="I{n}" t="inlineStr">{text(row[PHONE])}</c>')
            add(f'<c r="J{n}" t="inlineStr">{status}</c>'
                f'<c r="K{n}" t="inlineStr">{source}</c>')
            if row[NOTES]:
                add(f'<c r="L{n}" t="inlineStr">{text(row[NOTES])}</c>')
            for letter, value in (("M", row[CREATED]), ("N", row[CHECKED_IN])):
                if value:
                    add(f'<c r="{letter}{n}" s="{stamp_style}">'
                        f"<v>{day(value) + clock(value):.16G}</v></c>")
            if row[CANCEL_REASON]:
                add(f'<c r="O{n}" t="inlineStr">{text(row[CANCEL_REASON])}</c>')
            if row[CUSTOMER_ID] is not None:  # a number cell, as write_number writes it
                add(f'<c r="P{n}"><v>{int(row[CUSTOMER_ID])}</v></c>')
            add("</row>")
            if len(parts) > 2000:  # a few hundred rows: memory stays flat
                self._out("".join(parts))
                parts.clear()
        self._out("".join(parts))
        self.count = n - 1
        return self.count

    def close(self) -> None:
        """Tell XlsxWriter how far the sheet reaches (its <dimension>)."""
        if self.count:
            self._sheet._check_dimensions(self.count, len(HEADERS) - 1)


def export_xlsx(path, flt: BookingFilter, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None, by=None, words=None) -> int:
    """Write the filtered bookings to an .xlsx workbook with XlsxWriter in
    constant-memory mode (each row goes to disk as it is written: memory does
    not grow with the number of bookings): a "Bookings" sheet with real dates
    and times, a frozen and filterable header and print set-up (landscape, one
    page wide, the header on every page), and a "Summary" sheet with the
    filters used and the report's figures for the period.

    Text is always written as text (never a formula, number or link); a
    carriage return in a note is kept (stored as `_x000D_`, as Excel does).
    The headings, sheet names and summary labels in `words`' language (see WORDS)."""
    require_export(by)
    import xlsxwriter

    say = _say(words)
    count = 0
    figures = None
    with atomic_file(path, None) as temp, _discarded_on_failure() as scratch:
        workbook = xlsxwriter.Workbook(temp, {
            "constant_memory": True, "tmpdir": scratch, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False})
        try:
            bold = workbook.add_format({"bold": True})
            day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
            time_format = workbook.add_format({"num_format": "hh:mm"})
            stamp_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
            sheet = workbook.add_worksheet(say("Bookings"))
            summary = workbook.add_worksheet(say("Summary"))  # filled once the rows are written
            sheet.freeze_panes(1, 0)
            for column, width in enumerate(_XLSX_WIDTHS):
                sheet.set_column(column, column, width)
            sheet.set_landscape()
            sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
            sheet.repeat_rows(0)
            sheet.set_footer(say("&CPage &P of &N"))
            sheet.write_row(0, 0, [say(h) for h in HEADERS], bold)
            rows = _SheetRows(sheet, day_format, time_format, stamp_format)
            for _, batch in _row_batches(flt, progress, cancelled, None, by):
                if figures is None and flt.period[0]:
                    # From the first batch: the permission and the filter are checked.
                    figures = _Meanwhile(_report_of(flt, by))
                count = rows.write(batch)
            rows.close()
            sheet.autofilter(0, 0, count, len(HEADERS) - 1)
            _summary_sheet(workbook, summary, flt, bold, count, by, say,
                           figures.result if figures else None)
            if cancelled is not None and cancelled():
                raise ExportCancelled()
        except BaseException:
            if figures is not None:
                figures.abandon()
            for worksheet in workbook.worksheets():
                handle = getattr(worksheet, "row_data_fh", None)
                if handle is not None:
                    handle.close()
            raise
        workbook.close()
    return count


@contextmanager
def _discarded_on_failure():
    """A scratch folder for XlsxWriter's temporary files (a row file for each
    constant-memory sheet, the parts of the zip), removed afterwards: after a
    cancel or a failure nothing of the export is left behind."""
    with tempfile.TemporaryDirectory(prefix="booking-xlsx-", ignore_cleanup_errors=True) as scratch:
        yield scratch


def _report_of(flt: BookingFilter, by) -> Callable:
    """The report figures an XLSX summary of `flt` shows (it has a date range)."""
    first, last = flt.period
    return lambda: booking_report(flt.business_id, first, last, by=by, basis=flt.basis)


class _Meanwhile:
    """`work()` on a thread of its own, with its own connection, while the
    caller does something else: the XLSX summary's report figures are
    aggregate queries (5 s for a year of 20 businesses on SQLite, whose
    driver lets other threads run while SQLite computes) computed while the
    rows are written. `result()` waits and returns or raises what `work`
    did; `abandon()` interrupts its query and waits for the thread."""

    def __init__(self, work: Callable):
        self._value = self._error = self._connection = None

        def run():
            try:
                self._connection = models.database.connection()
                self._value = work()
            except BaseException as exc:  # the caller's, in result()
                self._error = exc
            finally:
                _close_this_thread_s_connection()

        self._thread = threading.Thread(target=run, name="export meanwhile", daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value

    def abandon(self) -> None:
        connection = self._connection
        if connection is not None and self._thread.is_alive():
            try:  # sqlite3's interrupt() and psycopg's cancel() are for other threads
                (getattr(connection, "interrupt", None) or connection.cancel)()
            except Exception:
                log.debug("could not interrupt the summary's query", exc_info=True)
        self._thread.join()


def _summary_sheet(workbook, sheet, flt: BookingFilter, bold, exported: int, by,
                   say: Callable[[str], str] = str, figures: Callable | None = None) -> None:
    """Figure | Value | Share: the filters the export used, then the report's
    figures (counts with their shares, the customers' among them), the weekday
    x hour utilisation table, the popular times and the customers with the
    most no-shows (name, no-shows, customer id: the Bookings sheet's column).
    The figures come from `booking_report`, the same numbers as the report
    window, the command line and the PDF (`figures()` gives them when the
    caller has had them computed meanwhile)."""
    from .reports import WEEKDAYS

    pct = workbook.add_format({"num_format": "0.0%"})
    day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    hours_format = workbook.add_format({"num_format": "0.0"})
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 25, 9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    line = 0

    def put(label, value=None, fmt=None, share=None, header=False):
        nonlocal line
        sheet.write_string(line, 0, label, bold if header else None)
        if isinstance(value, str):
            sheet.write_string(line, 1, value, bold if header else None)
        elif isinstance(value, date):
            sheet.write_datetime(line, 1, value, day_format)
        elif value is not None:
            sheet.write_number(line, 1, value, fmt)
        if isinstance(share, str):
            sheet.write_string(line, 2, share, bold if header else None)
        elif share is not None:
            sheet.write_number(line, 2, share, pct)
        line += 1

    business = get_business(flt.business_id).name if flt.business_id is not None else None
    first, last = flt.period
    put(say("Filter"), say("Value"), header=True)
    put(say("Business"), business or say("All businesses"))
    put(say("From"), first or say("any date"))
    put(say("To"), last or say("any date"))
    put(say("Status"), ", ".join(map(say, flt.statuses)) or say("any"))
    put(say("Source"), ", ".join(map(say, flt.sources)) or say("any"))
    put(say("Text"), flt.text or say("none"))
    put(say("Dates of"), say("date booked") if flt.basis == "booked" else say("appointment"))
    put(say("Bookings exported"), exported)
    line += 1
    if first is None:
        put(say("Report figures"), say("choose a date range to include them"))
        return
    report = (figures or _report_of(flt, by))()
    put(say("Figure"), say("Value"), share=say("Share"), header=True)
    put(say("Business"), report.business_name)
    put(say("From"), report.date_from)
    put(say("To"), report.date_to)
    put(say("Bookings in the period"), report.total)
    for status, n in report.by_status.items():
        put(say("Status: {status}").format(status=say(status)), n,
            share=report.status_share[status])
    for source, n in report.by_source.items():
        put(say("Source: {source}").format(source=say(source)), n,
            share=report.source_share[source])
    put(say("Capacity (places)"), report.usage.capacity)
    put(say("Booked places"), report.usage.booked)
    for label, rate in (("Utilisation", report.utilisation),
                        ("Cancellation rate", report.cancellation_rate),
                        ("No-show rate", report.no_show_rate),
                        ("Confirmation rate", report.confirmation_rate)):
        put(say(label), rate, pct)
    put(say("Lead time, median (hours)"), report.lead_median_hours, hours_format)
    for label, n in report.lead_buckets:
        put(say("Lead time {bucket}").format(bucket=say(label)), n)
    # Customers (see services.reports): new and returning as shares of the
    # period's customers; their bookings as a share of those that held a place.
    customers = report.customers
    put(say("Customers"), customers)
    put(say("New customers"), report.new_customers,
        share=report.new_customers / customers if customers else None)
    put(say("Returning customers"), report.returning_customers,
        share=report.returning_customers / customers if customers else None)
    put(say("Bookings by returning customers"), report.returning_bookings,
        share=report.returning_share)
    for d in report.days:
        put(say("Utilisation {day}").format(day=d.day.isoformat()), d.usage.rate, pct)

    line += 1
    hours = sorted({h for (_, h) in report.heatmap})
    sheet.write_string(line, 0, say("Utilisation by weekday and hour"), bold)
    for i, hour in enumerate(hours):
        sheet.write_string(line, 1 + i, f"{hour:02d}:00", bold)
    line += 1
    for weekday, name in enumerate(WEEKDAYS):
        sheet.write_string(line, 0, say(name), bold)
        for i, hour in enumerate(hours):
            usage = report.heatmap.get((weekday, hour))
            if usage is not None and usage.rate is not None:
                sheet.write_number(line, 1 + i, usage.rate, pct)
        line += 1

    line += 1
    put(say("Popular times"), say("When"), share=say("Places"), header=True)
    for rank, (weekday, hour, places) in enumerate(report.popular_times, 1):
        put(f"#{rank}", f"{say(WEEKDAYS[weekday])} {hour:02d}:00", share=None)
        sheet.write_number(line - 1, 2, places)

    line += 1
    put(say("Most no-shows"), say("Customer"), share=say("No-shows"), header=True)
    sheet.write_string(line - 1, 3, say("Customer id"), bold)
    for rank, (customer_id, name, missed) in enumerate(report.most_no_shows, 1):
        put(f"#{rank}", name)
        sheet.write_number(line - 1, 2, missed)
        sheet.write_number(line - 1, 3, customer_id)
    if not report.most_no_shows:
        put(say("none"))


# ---------------------------------------------------------------- iCalendar

def export_ics(path, flt: BookingFilter, utc: bool = False, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None, by=None) -> int:
    """Write the filtered bookings as an iCalendar file: one VEVENT a booking,
    UID from its reference (stable, so importing again updates the events),
    SEQUENCE the number of changes made to the booking since it was created
    (its audit events other than `booking.create`: 0 for a new booking, one
    more for every edit, reschedule, status change, check-in, cancel), so a
    calendar replaces the event it has; times in the business's zone with its
    VTIMEZONE (or in UTC with `utc`), cancelled bookings as STATUS:CANCELLED."""
    require_export(by)
    from icalendar import Timezone

    zones: dict[str, ZoneInfo] = {}

    def zone(name):
        if name not in zones:
            zones[name] = ZoneInfo(check_zone(name))
        return zones[name]

    count = 0
    with atomic_file(path, "wb") as handle:
        handle.write(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                     b"PRODID:-//Booking Desktop//Bookings export//EN\r\nCALSCALE:GREGORIAN\r\n"
                     b"METHOD:PUBLISH\r\n")
        if not utc:
            names, lo, hi = run_read(lambda: _zones_and_span(flt))
            for name in names:
                if name != "UTC":
                    handle.write(Timezone.from_tzinfo(zone(name), tzid=name, first_date=lo,
                                                      last_date=hi).to_ical())

        def write(rows):
            sequences = run_read(lambda: _sequences([row[ID] for row in rows]))
            for row in rows:
                handle.write(_event(row, zone, utc, sequences.get(row[ID], 0)))

        pending = []
        for row in iter_rows(flt, progress, cancelled, by=by):
            pending.append(row)
            count += 1
            if len(pending) >= BATCH:
                write(pending)
                pending = []
        if pending:
            write(pending)
        handle.write(b"END:VCALENDAR\r\n")
    return count


def _sequences(booking_ids) -> dict[int, int]:
    """{booking id: changes since it was made} for a batch of bookings, in one
    query (audit events are append-only, so the count only grows)."""
    if not booking_ids:
        return {}
    ids = ",".join(str(int(i)) for i in booking_ids)
    return {int(i): int(n) for i, n in models.database.execute_sql(
        "SELECT entity_id, COUNT(*) FROM audit_event WHERE entity = 'booking' "
        f"AND action <> 'booking.create' AND entity_id IN ({ids}) GROUP BY entity_id"
    ).fetchall()}


def _event(row, zone, utc: bool, sequence: int) -> bytes:
    from icalendar import Event

    tz = UTC if utc or row[ZONE] == "UTC" else zone(row[ZONE])
    event = Event()
    event.add("uid", f"{row[REF]}@{ICS_DOMAIN}")
    event.add("sequence", sequence)
    event.add("dtstamp", as_utc(row[UPDATED]))
    event.add("last-modified", as_utc(row[UPDATED]))
    event.add("dtstart", as_utc(row[START_UTC]).astimezone(tz))
    event.add("dtend", as_utc(row[END_UTC]).astimezone(tz))
    event.add("summary", f"{row[NAME]} ({row[REF]})")
    event.add("status", ICS_STATUS[row[STATUS]])
    event.add("location", row[BUSINESS])
    details = [f"Reference: {row[REF]}", f"Status: {row[STATUS]}", f"Source: {row[SOURCE]}"]
    details += [f"{label}: {row[i]}" for label, i in
                (("Phone", PHONE), ("Email", EMAIL), ("Notes", NOTES),
                 ("Cancel reason", CANCEL_REASON)) if row[i]]
    event.add("description", "\n".join(details))
    return event.to_ical()


def _zones_and_span(flt: BookingFilter) -> tuple[list[str], date, date]:
    """The time zones the export can meet, and the dates its VTIMEZONEs must cover."""
    if flt.business_id is not None:
        names = [get_business(flt.business_id).timezone]
    else:
        names = sorted({b.timezone for b in Business.select(Business.timezone)})
    first, last = flt.period
    if first is None:
        lo, hi = models.database.execute_sql("SELECT MIN(start), MAX(start) FROM time_slot"
                                             ).fetchone()
        today = datetime.now(UTC).date()
        first = as_utc(lo).date() if lo else today
        last = as_utc(hi).date() if hi else today
    return names, date(first.year, 1, 1), date(last.year + 1, 1, 1)


def export_bookings(fmt: str, path, flt: BookingFilter, progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None, by=None, **options) -> int:
    """CSV, XLSX or ICS by name (the PDF is `ui.pdf_report.write_pdf`)."""
    require_export(by)
    writers = {"csv": export_csv, "xlsx": export_xlsx, "ics": export_ics}
    if fmt not in writers:
        raise InvalidInput(f"Unknown export format {fmt!r}; use csv, xlsx, ics or pdf.")
    return writers[fmt](path, flt, progress=progress, cancelled=cancelled, by=by, **options)


__all__ = [
    "FORMATS", "BATCH", "HEADERS", "ICS_STATUS", "ICS_DOMAIN", "ExportCancelled", "export_sql",
    "iter_rows", "neutralise", "csv_values", "export_csv", "export_xlsx", "export_ics",
    "export_bookings",
]
