"""Exports read back (csv module, openpyxl, the icalendar parser) and compared
with the database row by row, on SQLite and PostgreSQL: formula injection,
unicode and right-to-left names, commas, quotes and newlines in notes, empty
ranges, time zones, stable UIDs, cancelling and unwritable files."""
import csv
import threading
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from booking_desktop import services
from booking_desktop import models
from booking_desktop.errors import DatabaseUnavailable, InvalidInput
from booking_desktop.models import Booking, Customer, TimeSlot
from booking_desktop.services import exports
from booking_desktop.services.desk import BookingFilter
from booking_desktop.services.exports import HEADERS, ExportCancelled, neutralise
from openpyxl.utils.escape import unescape

MON, TUE = date(2030, 3, 4), date(2030, 3, 5)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)
NASTY = [
    ("=HYPERLINK(\"http://evil.example\",\"x\")", None, "+44 20 7946 0000", "plain"),
    ("+cmd|' /C calc'!A0", "plus@example.com", None, "-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", None, "-1234", "@note"),
    ("-1+1", None, None, "tab\tin the middle, and \"quotes\""),
    ("محمد الأحمد", "rtl@example.com", None, "ملاحظة, مع فاصلة\nand a second line"),
    ("Zoë Ørsted 李小龍 🙂", None, "(030) 123-456", "commas, \"quotes\"\nnew\r\nlines"),
]


@pytest.fixture
def out(tmp_path):
    """A folder for the exports only (the SQLite file lives in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def filled(database, business):
    services.generate_time_slots(business, MON, TUE, slot_duration_minutes=60, max_capacity=3,
                                 now=EARLY)
    slots = services.slots_between(business, MON, TUE)
    made = []
    for i, (name, email, phone, notes) in enumerate(NASTY):
        made.append(services.create_booking(slots[i % 5], name, email, phone, notes=notes,
                                            source=("walk_in", "phone", "online")[i % 3],
                                            status=("confirmed", "pending")[i % 2], now=EARLY))
    services.cancel_booking(made[1], reason="=1+1 moved", now=EARLY)
    services.check_in_booking(made[0], now=slots[0].start)
    other = services.create_business("Clinic Tokyo", "Asia/Tokyo")
    services.create_recurring_business_hours(other, "weekday_9to5")
    services.generate_time_slots(other, MON, MON, slot_duration_minutes=60, now=EARLY)
    services.create_booking(services.slots_between(other, MON)[0], "Tokyo T", now=EARLY)
    return business


def expected_rows(business_id=None, statuses=()):
    """Straight from the models, in the exports' order (business name, local start,
    id): (reference, business, local date, start, end, zone, name, email, phone,
    status, source, notes, booked at local, checked in at local, cancel reason,
    customer id)."""
    query = (Booking.select(Booking, TimeSlot).join(TimeSlot)
             .order_by(TimeSlot.start, Booking.id))
    if business_id is not None:
        query = query.where(TimeSlot.business == business_id)
    if statuses:
        query = query.where(Booking.status.in_(statuses))
    query = sorted(query, key=lambda b: (b.time_slot.business.name.casefold(),
                                         b.time_slot.business.id))  # stable: keeps the time order
    rows = []
    for b in query:
        business = b.time_slot.business
        tz = ZoneInfo(business.timezone)

        def local(instant, tz=tz):
            return instant.astimezone(tz).replace(tzinfo=None, microsecond=0) if instant else None

        start, end = b.time_slot.start.astimezone(tz), b.time_slot.end.astimezone(tz)
        rows.append((b.reference, business.name, start.date(), start.strftime("%H:%M"),
                     end.strftime("%H:%M"), business.timezone, b.customer_name,
                     b.customer_email or "", b.customer_phone or "", b.status, b.source, b.notes,
                     local(b.created_at), local(b.checked_in_at), b.cancel_reason,
                     b.customer_id))
    return rows


def unneutralise(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:2] in "=+-@\t\r" else value


def read_csv(path, bom=False):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_matches_the_database_row_by_row(filled, out):
    path = out / "out.csv"
    flt = BookingFilter(business_id=filled.id, date_from=MON, date_to=TUE)
    assert exports.export_csv(path, flt) == 6
    header, *rows = read_csv(path)
    assert tuple(header) == HEADERS
    expected = expected_rows(filled.id)
    assert len(rows) == len(expected) == 6
    for got, want in zip(rows, expected):
        want = [str(x) if not isinstance(x, datetime) else x.isoformat(" ") for x in want]
        want = ["" if x == "None" else x for x in want]
        assert [unneutralise(x) for x in got] == want


def test_csv_neutralises_formulas_but_keeps_numbers_and_phones(filled, out):
    path = out / "out.csv"
    exports.export_csv(path, BookingFilter(business_id=filled.id), bom=True)
    header, *rows = read_csv(path, bom=True)
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if cell and cell[0] in "=+-@\t\r":
            assert exports._PLAIN_NUMBER.fullmatch(cell), cell
    names = [row[6] for row in rows]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert "'+cmd|' /C calc'!A0" in names and "'@SUM(1+1)*cmd|' /C calc'!A0" in names
    assert "'-1+1" in names  # one leading sign at most counts as a plain number
    phones = [row[8] for row in rows]
    assert "+44 20 7946 0000" in phones and "-1234" in phones and "(030) 123-456" in phones
    notes = [row[11] for row in rows]
    assert "'-2+3+cmd|' /C calc'!A0" in notes and "'@note" in notes
    assert "ملاحظة, مع فاصلة\nand a second line" in notes
    assert "commas, \"quotes\"\nnew\r\nlines" in notes
    assert "'=1+1 moved" in [row[14] for row in rows]
    assert "محمد الأحمد" in names and "Zoë Ørsted 李小龍 🙂" in names


@pytest.mark.parametrize("value, safe", [
    ("=1+2", "'=1+2"), ("+1+2", "'+1+2"), ("-5", "-5"), ("-12.50", "-12.50"),
    ("+44 20 7946 0000", "+44 20 7946 0000"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("+44 cmd", "'+44 cmd"), ("-A1", "'-A1"), ("plain", "plain"), ("", ""), (None, None),
    ("=", "'="), ("-", "'-"),
])
def test_neutralise(value, safe):
    assert neutralise(value) == safe


def test_an_empty_range_gives_headers_and_no_rows(filled, out):
    flt = BookingFilter(business_id=filled.id, date_from=date(2031, 1, 1), date_to=date(2031, 1, 2))
    assert exports.export_csv(out / "e.csv", flt) == 0
    assert read_csv(out / "e.csv") == [list(HEADERS)]
    assert exports.export_xlsx(out / "e.xlsx", flt) == 0
    from openpyxl import load_workbook
    book = load_workbook(out / "e.xlsx")
    assert [c.value for c in next(book["Bookings"].iter_rows())] == list(HEADERS)
    assert book["Bookings"].max_row == 1
    assert exports.export_ics(out / "e.ics", flt) == 0
    from icalendar import Calendar
    assert Calendar.from_ical((out / "e.ics").read_bytes()).walk("VEVENT") == []


def test_xlsx_has_typed_columns_and_a_summary(filled, out):
    from openpyxl import load_workbook

    path = out / "out.xlsx"
    flt = BookingFilter(business_id=filled.id, date_from=MON, date_to=TUE)
    assert exports.export_xlsx(path, flt) == 6
    book = load_workbook(path)
    assert book.sheetnames == ["Bookings", "Summary"]
    rows = list(book["Bookings"].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    for got, want in zip(rows[1:], expected_rows(filled.id), strict=True):
        ref, business, day, start, end, zone, name, email, phone, status, source, notes, \
            created, checked, reason, customer_id = got
        assert isinstance(day, datetime) and day.date() == want[2]
        assert start.strftime("%H:%M") == want[3] and end.strftime("%H:%M") == want[4]
        assert isinstance(created, datetime)
        assert abs(created - want[12]) < timedelta(seconds=1)
        assert checked == want[13] or abs(checked - want[13]) < timedelta(seconds=1)
        # A carriage return is stored as _x000D_ (what Excel writes; Excel and
        # LibreOffice read it back as CR); openpyxl leaves the decoding to us.
        assert (ref, business, zone, name, email or "", phone or "", status, source,
                unescape(notes or ""), reason or "") == (want[0], want[1], want[5], want[6],
                                                         want[7], want[8], want[9], want[10],
                                                         want[11], want[14])
        assert customer_id == want[15] and isinstance(customer_id, int)
    formula = load_workbook(path, data_only=False)["Bookings"]
    assert all(c.data_type != "f" for row in formula.iter_rows() for c in row)
    summary = summary_figures(book)
    assert summary["Bookings exported"] == 6
    assert summary["Bookings in the period"] == 6
    assert summary["Status: cancelled"] == 1
    assert summary["Cancellation rate"] == pytest.approx(1 / 6)


def summary_figures(book) -> dict:
    """Summary sheet: label -> value (column B), first occurrence."""
    figures = {}
    for row in book["Summary"].iter_rows(values_only=True):
        if row and row[0] is not None and row[0] not in figures:
            figures[row[0]] = row[1] if len(row) > 1 else None
    return figures


def test_xlsx_keeps_carriage_returns_in_notes(filled, out):
    from openpyxl import load_workbook

    path = out / "cr.xlsx"
    exports.export_xlsx(path, BookingFilter(business_id=filled.id))
    notes = [unescape(r[11]) for r in load_workbook(path)["Bookings"].iter_rows(
        min_row=2, values_only=True) if r[11]]
    assert 'commas, "quotes"\nnew\r\nlines' in notes
    assert "ملاحظة, مع فاصلة\nand a second line" in notes


def test_xlsx_header_filters_and_prints_like_an_accountant_expects(filled, out):
    from openpyxl import load_workbook

    path = out / "print.xlsx"
    flt = BookingFilter(business_id=filled.id, date_from=MON, date_to=TUE)
    assert exports.export_xlsx(path, flt) == 6
    sheet = load_workbook(path)["Bookings"]
    assert sheet.auto_filter.ref == "A1:P7"
    assert sheet.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # One page wide (absent means 1, OOXML's default), any number of pages tall.
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows.replace("$", "") == "1:1"
    assert sheet.column_dimensions["G"].width > 20  # the customer's name
    cell = sheet["C2"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    assert sheet["D2"].is_date and sheet["M2"].is_date


def test_xlsx_summary_matches_the_report_and_names_the_filters(filled, out):
    from openpyxl import load_workbook

    from booking_desktop.services.reports import WEEKDAYS, booking_report

    path = out / "summary.xlsx"
    flt = BookingFilter(business_id=filled.id, date_from=MON, date_to=TUE,
                        statuses=("confirmed", "cancelled"), sources=("walk_in",), text="a")
    exported = exports.export_xlsx(path, flt)
    report = booking_report(filled.id, MON, TUE)
    rows = list(load_workbook(path)["Summary"].iter_rows(values_only=True))
    by_label = {}
    for row in rows:
        by_label.setdefault(row[0], row[1:])
    assert by_label["Business"][0] == "Salon Berlin"
    assert by_label["From"][0].date() == MON and by_label["To"][0].date() == TUE
    assert by_label["Status"][0] == "confirmed, cancelled"
    assert by_label["Source"][0] == "walk_in"
    assert by_label["Text"][0] == "a"
    assert by_label["Bookings exported"][0] == exported
    # The figures are the report's for the period (not only the filtered rows).
    assert by_label["Bookings in the period"][0] == report.total == 6
    for status, n in report.by_status.items():
        count, share = by_label[f"Status: {status}"][:2]
        assert count == n and share == pytest.approx(n / report.total)
    for source, n in report.by_source.items():
        count, share = by_label[f"Source: {source}"][:2]
        assert count == n and share == pytest.approx(report.source_share[source])
    assert by_label["Utilisation"][0] == pytest.approx(report.utilisation)
    assert by_label["Lead time, median (hours)"][0] == pytest.approx(report.lead_median_hours)
    # Weekday x hour: Monday..Sunday down, the hours with slots across.
    top = next(i for i, r in enumerate(rows) if r[0] == "Utilisation by weekday and hour")
    hours = sorted({h for (_, h) in report.heatmap})
    assert list(rows[top][1:1 + len(hours)]) == [f"{h:02d}:00" for h in hours]
    table = rows[top + 1:top + 8]
    assert [r[0] for r in table] == list(WEEKDAYS)
    for (weekday, hour), usage in report.heatmap.items():
        got = table[weekday][1 + hours.index(hour)]
        assert got == (None if usage.rate is None else pytest.approx(usage.rate))
    assert any(report.heatmap[k].booked for k in report.heatmap)
    popular = rows[next(i for i, r in enumerate(rows) if r[0] == "Popular times") + 1:]
    want = [(f"#{i}", f"{WEEKDAYS[d]} {h:02d}:00", n)
            for i, (d, h, n) in enumerate(report.popular_times, 1)]
    assert [tuple(r[:3]) for r in popular[:len(want)]] == want and want
    # Customers: 5 held a place (one of the 6 was cancelled), each new.
    assert by_label["Customers"][0] == report.customers == 5
    assert by_label["New customers"][:2] == (5, 1)
    assert by_label["Returning customers"][:2] == (0, 0)
    assert by_label["Bookings by returning customers"][:2] == (0, 0)
    most = rows[next(i for i, r in enumerate(rows) if r[0] == "Most no-shows"):]
    assert tuple(most[0][:4]) == ("Most no-shows", "Customer", "No-shows", "Customer id")
    assert most[1][0] == "none" and len(most) == 2


def test_xlsx_summary_without_dates_says_so(filled, out):
    from openpyxl import load_workbook

    path = out / "all.xlsx"
    assert exports.export_xlsx(path, BookingFilter()) == 7
    figures = summary_figures(load_workbook(path))
    assert figures["Business"] == "All businesses"
    assert figures["From"] == "any date" and figures["Status"] == "any"
    assert figures["Report figures"] == "choose a date range to include them"


def test_ics_round_trips_with_zones_statuses_and_stable_uids(filled, out):
    from icalendar import Calendar

    flt = BookingFilter(business_id=filled.id, date_from=MON, date_to=TUE)
    path = out / "out.ics"
    assert exports.export_ics(path, flt) == 6
    calendar = Calendar.from_ical(path.read_bytes())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    events = calendar.walk("VEVENT")
    bookings = list(Booking.select(Booking, TimeSlot).join(TimeSlot)
                    .where(TimeSlot.business == filled.id).order_by(TimeSlot.start, Booking.id))
    assert len(events) == len(bookings)
    for event, booking in zip(events, bookings):
        assert str(event["UID"]) == f"{booking.reference}@booking-desktop.invalid"
        start = event.decoded("DTSTART")
        assert str(start.tzinfo) == "Europe/Berlin" or getattr(start.tzinfo, "key", None) \
            == "Europe/Berlin"
        assert start == booking.time_slot.start and event.decoded("DTEND") == booking.time_slot.end
        assert str(event["STATUS"]) == {"cancelled": "CANCELLED", "pending": "TENTATIVE"}.get(
            booking.status, "CONFIRMED")
        assert booking.customer_name in str(event["SUMMARY"])
        if booking.notes:
            assert booking.notes.replace("\r\n", "\n") in str(event["DESCRIPTION"]).replace(
                "\r\n", "\n")
    again = out / "again.ics"
    exports.export_ics(again, flt)
    assert [str(e["UID"]) for e in Calendar.from_ical(again.read_bytes()).walk("VEVENT")] == \
        [str(e["UID"]) for e in events]


def test_ics_in_utc(filled, out):
    from icalendar import Calendar

    path = out / "utc.ics"
    exports.export_ics(path, BookingFilter(business_id=filled.id), utc=True)
    calendar = Calendar.from_ical(path.read_bytes())
    assert calendar.walk("VTIMEZONE") == []
    assert "DTSTART:20300304T080000Z" in path.read_text(encoding="utf-8")


def test_every_business_with_a_date_range_uses_local_dates(filled, out):
    path = out / "all.csv"
    assert exports.export_csv(path, BookingFilter(date_from=MON, date_to=MON)) == 6 + 1
    rows = read_csv(path)[1:]
    assert {r[1] for r in rows} == {"Salon Berlin", "Clinic Tokyo"}
    tokyo = [r for r in rows if r[1] == "Clinic Tokyo"][0]
    assert (tokyo[2], tokyo[3], tokyo[5]) == ("2030-03-04", "09:00", "Asia/Tokyo")


def test_the_table_filter_applies(filled, out):
    path = out / "f.csv"
    flt = BookingFilter(business_id=filled.id, statuses=("pending",))
    exports.export_csv(path, flt)
    got = [r[0] for r in read_csv(path)[1:]]
    assert got == [r[0] for r in expected_rows(filled.id, ("pending",))] and got
    exports.export_csv(path, BookingFilter(business_id=filled.id, text="zoë"))
    assert [r[6] for r in read_csv(path)[1:]] == ["Zoë Ørsted 李小龍 🙂"]


def test_batches_progress_and_cancel_leave_no_file(filled, out, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 2)
    seen = []
    flt = BookingFilter(business_id=filled.id)
    rows = list(exports.iter_rows(flt, progress=lambda d, t: seen.append((d, t)), batch=2))
    assert [r[0] for r in rows] == [r[0] for r in expected_rows(filled.id)]
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)]
    for fmt in ("csv", "xlsx", "ics"):
        target = out / f"cancelled.{fmt}"
        calls = []

        def cancelled(calls=calls):
            calls.append(1)
            return len(calls) > 1  # after the first batch
        with pytest.raises(ExportCancelled):
            exports.export_bookings(fmt, target, flt, cancelled=cancelled)
        assert list(out.iterdir()) == [], fmt


def test_the_csv_s_own_reading_gives_iter_rows_cells_across_batches(filled, out, monkeypatch):
    """The CSV reads fewer columns than iter_rows (csv_sql) and pages on its own
    keyset: in batches of 2, over two businesses, several bookings sharing a
    start, it writes exactly csv_values of every iter_rows row."""
    monkeypatch.setattr(exports, "BATCH", 2)
    flt = BookingFilter(date_from=MON, date_to=TUE)
    want = [exports.csv_values(row) for row in exports.iter_rows(flt)]
    assert exports.export_csv(out / "all.csv", flt) == len(want) == 7
    assert read_csv(out / "all.csv")[1:] == want
    assert {row[1] for row in want} == {filled.name, "Clinic Tokyo"}
    assert len({(row[1], row[2], row[3]) for row in want}) < len(want)  # equal starts


def _read_ahead_threads() -> list:
    """The export's helper threads still running (reading ahead, the XLSX
    summary's figures computed meanwhile)."""
    return [t for t in threading.enumerate() if t.name.startswith("export ")]


def test_a_cancelled_xlsx_leaves_no_file_and_no_thread(filled, out, monkeypatch):
    """With a date range the XLSX summary's figures are computed while the
    rows are written; cancelled after the first batch, the export stops them
    too and leaves nothing behind."""
    monkeypatch.setattr(exports, "BATCH", 2)
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2
    with pytest.raises(ExportCancelled):
        exports.export_xlsx(out / "c.xlsx", BookingFilter(date_from=MON, date_to=TUE),
                            cancelled=cancelled)
    assert list(out.iterdir()) == []
    assert _read_ahead_threads() == []


def test_a_read_failing_half_way_is_the_caller_s_error(filled, out, monkeypatch):
    """The reading (on PostgreSQL a thread of its own, read ahead) fails after
    its first batch: the export raises that error, as it would have, leaves
    no file, and no reading is left running."""
    real = exports._business_batches

    def fails_after_one(*args, **kwargs):
        yield next(real(*args, **kwargs))
        raise DatabaseUnavailable()
    monkeypatch.setattr(exports, "BATCH", 2)
    monkeypatch.setattr(exports, "_business_batches", fails_after_one)
    for fmt in ("csv", "xlsx", "ics"):
        with pytest.raises(DatabaseUnavailable):
            exports.export_bookings(fmt, out / f"half.{fmt}", BookingFilter(business_id=filled.id))
    assert list(out.iterdir()) == []
    assert _read_ahead_threads() == []


def test_a_caller_stopping_early_stops_the_reading(filled, out):
    """Two rows read of seven, then the caller stops: the reading stops too
    and (PostgreSQL) its connection is back in the pool."""
    pool = getattr(models.database.obj, "_in_use", None)
    in_use = len(pool) if pool is not None else None
    rows = exports.iter_rows(BookingFilter(date_from=MON, date_to=TUE), batch=1)
    first = [next(rows), next(rows)]
    rows.close()
    assert [r[exports.REF] for r in first] == [r[0] for r in expected_rows()[:2]]
    assert _read_ahead_threads() == []
    if pool is not None:
        assert len(pool) == in_use


def test_unwritable_targets_are_one_clear_error(filled, out):
    flt = BookingFilter(business_id=filled.id)
    with pytest.raises(InvalidInput, match="Cannot write the export"):
        exports.export_csv(out / "missing" / "x.csv", flt)
    with pytest.raises(InvalidInput, match="folder"):
        exports.export_csv(out, flt)
    with pytest.raises(InvalidInput, match="Unknown export format"):
        exports.export_bookings("docx", out / "x.docx", flt)


def test_a_failure_half_way_leaves_nothing(filled, out, monkeypatch):
    def boom(row):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(exports, "_csv_cells", lambda business, zone: boom)
    (out / "keep.csv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        exports.export_csv(out / "keep.csv", BookingFilter(business_id=filled.id))
    assert [p.name for p in out.iterdir()] == ["keep.csv"]
    assert (out / "keep.csv").read_text(encoding="utf-8") == "old"


def test_booked_and_checked_in_are_the_business_s_local_time_across_summer_time(
        database, business, out):
    """Made in winter (CET, UTC+1) for a slot in summer (CEST, UTC+2), checked
    in on the day: each instant is read in the offset in force at that
    instant, not the one of the exported period (SQLite's offsets are written
    into the query, so they must cover the booking's own instants)."""
    from openpyxl import load_workbook

    summer = date(2030, 7, 2)
    made = datetime(2030, 1, 15, 10, 0, 5, tzinfo=timezone.utc)
    services.generate_time_slots(business, summer, summer, slot_duration_minutes=60, now=made)
    slot = services.slots_between(business, summer)[1]  # 10:00 Berlin = 08:00 UTC
    booking = services.create_booking(slot, "Winter Booker", now=made)
    services.check_in_booking(booking, now=slot.start - timedelta(minutes=3))
    flt = BookingFilter(business_id=business.id, date_from=summer, date_to=summer)
    exports.export_csv(out / "s.csv", flt)
    _, row = read_csv(out / "s.csv")
    assert row[2:5] == ["2030-07-02", "10:00", "11:00"]
    assert row[12:14] == ["2030-01-15 11:00:05", "2030-07-02 09:57:00"]
    exports.export_xlsx(out / "s.xlsx", flt)
    got = list(load_workbook(out / "s.xlsx")["Bookings"].iter_rows(values_only=True))[1]
    assert got[12:14] == (datetime(2030, 1, 15, 11, 0, 5), datetime(2030, 7, 2, 9, 57))


def _sheet_xml(path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as book:
        return book.read("xl/worksheets/sheet1.xml")


def test_xlsx_rows_are_the_bytes_xlsxwriter_itself_writes(database, business, out):
    """The Bookings rows are written straight into XlsxWriter's row file for
    speed (exports._SheetRows); they must be byte for byte what XlsxWriter's
    own write_string / write_number give, for every kind of value: escapes,
    control characters, literal _xHHHH_, leading and trailing spaces, empty
    optional cells, dates, times and stamps. This also catches a change of the
    XlsxWriter internals the fast path uses."""
    import xlsxwriter

    services.generate_time_slots(business, MON, TUE, slot_duration_minutes=60, max_capacity=9,
                                 now=EARLY)
    slot = services.slots_between(business, MON)[2]
    odd = [("A & B <C> \"q\"", None, None, "line\nbreak\r\nand\ttab"),
           (" leading space", "x@example.com", "+1 555", "trailing space "),
           ("Bell\x07 and _x0041_ literal", None, "0151 1256", "\x1f\ufffe"),
           ("Plain Name", None, None, "x" * 3000), ("Zoë 李 🙂", None, None, "<r>rich?</r>")]
    for i, (name, email, phone, notes) in enumerate(odd):
        b = services.create_booking(slot, f"Customer {i}", email, phone, now=EARLY)
        # As stored by older versions or other tools: the services refuse
        # control characters and outer spaces in new input.
        Booking.update(customer_name=name, notes=notes).where(Booking.id == b.id).execute()
    services.check_in_booking(b, now=slot.start)
    Booking.update(customer=None).where(Booking.id == b.id).execute()  # as an erasure leaves it
    flt = BookingFilter(business_id=business.id)
    rows = list(exports.iter_rows(flt))
    assert [r[exports.CUSTOMER_ID] is None for r in rows] == [False] * 4 + [True]
    # The reference: XlsxWriter's own API, cell by cell (the code this replaced).
    ref_path = out / "ref.xlsx"
    book = xlsxwriter.Workbook(str(ref_path), {"constant_memory": True,
                                               "strings_to_numbers": False,
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    day_f = book.add_format({"num_format": "yyyy-mm-dd"})
    time_f = book.add_format({"num_format": "hh:mm"})
    stamp_f = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = book.add_worksheet("Bookings")
    sheet.write_row(0, 0, HEADERS, bold)
    serial = exports._Serials()
    for n, row in enumerate(rows, start=1):
        start, end = str(row[exports.LOCAL_START]), str(row[exports.LOCAL_END])
        sheet.write_string(n, 0, row[exports.REF])
        sheet.write_string(n, 1, row[exports.BUSINESS])
        sheet.write_number(n, 2, serial.day(start), day_f)
        sheet.write_number(n, 3, serial.time(start), time_f)
        sheet.write_number(n, 4, serial.time(end), time_f)
        sheet.write_string(n, 5, row[exports.ZONE])
        sheet.write_string(n, 6, row[exports.NAME])
        for column, key in ((7, exports.EMAIL), (8, exports.PHONE), (9, exports.STATUS),
                            (10, exports.SOURCE), (11, exports.NOTES)):
            if row[key]:
                sheet.write_string(n, column, row[key])
        for column, key in ((12, exports.CREATED), (13, exports.CHECKED_IN)):
            if row[key]:
                sheet.write_number(n, column, serial.day(row[key]) + serial.time(row[key]),
                                   stamp_f)
        if row[exports.CANCEL_REASON]:
            sheet.write_string(n, 14, row[exports.CANCEL_REASON])
        if row[exports.CUSTOMER_ID] is not None:
            sheet.write_number(n, 15, row[exports.CUSTOMER_ID])
    book.close()
    # The fast path, in a workbook set up the same way.
    fast_path = out / "fast.xlsx"
    book = xlsxwriter.Workbook(str(fast_path), {"constant_memory": True})
    formats = [book.add_format(f) for f in ({"bold": True}, {"num_format": "yyyy-mm-dd"},
                                            {"num_format": "hh:mm"},
                                            {"num_format": "yyyy-mm-dd hh:mm:ss"})]
    sheet = book.add_worksheet("Bookings")
    sheet.write_row(0, 0, HEADERS, formats[0])
    fast = exports._SheetRows(sheet, *formats[1:])
    fast.write(rows[:2])
    fast.write(rows[2:])
    fast.close()
    book.close()
    want, got = _sheet_xml(ref_path), _sheet_xml(fast_path)
    rich = "&lt;r&gt;rich?&lt;/r&gt;".encode()
    assert rich in got and b"<r>rich?</r>" in want  # the one intended difference
    assert got == want.replace(b"<is><r>rich?</r></is>", b"<is><t>" + rich + b"</t></is>")
    assert b"_x005F_x0041_" in got and b'xml:space="preserve"' in got and b"_x0007_" in got
    first_customer = rows[0][exports.CUSTOMER_ID]
    assert f'<c r="P2"><v>{first_customer}</v></c></row>'.encode() in got
    assert b'<c r="P6">' not in got


def test_a_note_that_looks_like_rich_text_reads_back_as_typed(database, business, out):
    from openpyxl import load_workbook

    services.generate_time_slots(business, MON, MON, slot_duration_minutes=60, now=EARLY)
    slot = services.slots_between(business, MON)[0]
    services.create_booking(slot, "<r>Name</r>", notes="<r><t>bold?</t></r>", now=EARLY)
    exports.export_xlsx(out / "r.xlsx", BookingFilter(business_id=business.id))
    row = list(load_workbook(out / "r.xlsx")["Bookings"].iter_rows(values_only=True))[1]
    assert row[6] == "<r>Name</r>" and row[11] == "<r><t>bold?</t></r>"


def test_by_date_booked_exports_the_bookings_made_in_the_period(database, business, out):
    """basis="booked": the bookings made on the period's local dates, whatever
    their appointment; an appointment after the change to summer time (made
    in winter) still reads its local 10:00 (SQLite's offsets must then reach
    past the period), and bookings made the day before or after are left out."""
    from openpyxl import load_workbook

    april = date(2030, 4, 2)  # CEST, UTC+2; the period is in March (CET)
    services.generate_time_slots(business, MON, TUE, slot_duration_minutes=60, now=EARLY)
    services.generate_time_slots(business, april, april, slot_duration_minutes=60, now=EARLY)
    book = services.create_booking
    book(services.slots_between(business, april)[1], "Spring", now=datetime(
        2030, 3, 4, 22, 59, tzinfo=timezone.utc))  # Mon 23:59 in Berlin: made Monday
    book(services.slots_between(business, TUE)[0], "Tuesday", now=datetime(
        2030, 3, 4, 8, tzinfo=timezone.utc))
    book(services.slots_between(business, TUE)[1], "Too late", now=datetime(
        2030, 3, 4, 23, 0, tzinfo=timezone.utc))  # Tue 00:00 in Berlin
    book(services.slots_between(business, MON)[0], "Too early", now=datetime(
        2030, 3, 3, 22, 59, tzinfo=timezone.utc))  # Sun 23:59 in Berlin
    flt = BookingFilter(business_id=business.id, date_from=MON, date_to=MON, basis="booked")
    assert exports.export_csv(out / "b.csv", flt) == 2
    _, *rows = read_csv(out / "b.csv")
    assert [(r[6], r[2], r[3], r[12]) for r in rows] == [
        ("Tuesday", "2030-03-05", "09:00", "2030-03-04 09:00:00"),
        ("Spring", "2030-04-02", "10:00", "2030-03-04 23:59:00")]
    assert exports.export_xlsx(out / "b.xlsx", flt) == 2
    summary = {r[0]: r[1] for r in load_workbook(out / "b.xlsx")["Summary"]
               .iter_rows(values_only=True) if r[0]}
    assert summary["Dates of"] == "date booked" and summary["Bookings in the period"] == 2
    by_appointment = flt.with_(basis="appointment")
    assert exports.export_csv(out / "a.csv", by_appointment) == 1  # "Too early"


def test_an_unknown_basis_is_refused(database, business, out):
    with pytest.raises(InvalidInput, match="date basis"):
        exports.export_csv(out / "x.csv", BookingFilter(business_id=business.id, date_from=MON,
                                                        date_to=MON, basis="paid"))
    assert not list(out.iterdir())


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics"])
def test_a_database_without_businesses_exports_a_period_with_no_rows(database, out, fmt):
    """No business at all: SQLite's local-time CASE has no zone to write (it
    was `CASE ELSE … END`, a syntax error, in the XLSX summary's report)."""
    from openpyxl import load_workbook

    flt = BookingFilter(date_from=MON, date_to=TUE)
    path = out / f"empty.{fmt}"
    assert exports.export_bookings(fmt, path, flt) == 0
    if fmt == "csv":
        assert read_csv(path) == [list(HEADERS)]
    elif fmt == "xlsx":
        book = load_workbook(path)
        assert [c.value for c in next(book["Bookings"].iter_rows())] == list(HEADERS)
        assert book["Bookings"].max_row == 1
        figures = summary_figures(book)
        assert figures["Business"] == "All businesses"
        assert figures["Bookings exported"] == 0 and figures["Bookings in the period"] == 0
    else:
        assert b"BEGIN:VEVENT" not in path.read_bytes()
    assert [p.name for p in out.iterdir()] == [path.name]


def test_the_customer_id_column_is_the_customer_record_in_csv_and_xlsx(database, out):
    """The same customer (found by email) has one id on all their bookings,
    whatever name they gave; another person another; a booking without a
    customer an empty cell. CSV and XLSX have the same columns in the same
    order and the same ids. The XLSX summary lists the most no-shows with
    the same ids."""
    from openpyxl import load_workbook

    from tests.services.test_report_customers import MON as S_MON, TUE as S_TUE, make_salon

    salon = make_salon()
    anna = Booking.get(Booking.customer_email == "anna@example.com",
                       Booking.business == salon.id).customer_id
    Booking.update(customer_name="Anna Maria").where(
        Booking.customer_email == "anna@example.com", Booking.business == salon.id).execute()
    flt = BookingFilter(business_id=salon.id)
    assert exports.export_csv(out / "c.csv", flt) == 16
    header, *csv_rows = read_csv(out / "c.csv")
    assert header[-1] == "Customer id" and header.index("Customer id") == 15
    ids = {r[0]: r[15] for r in csv_rows}
    want = {b.reference: "" if b.customer_id is None else str(b.customer_id)
            for b in Booking.select().where(Booking.business == salon.id)}
    assert ids == want
    assert [r[15] for r in csv_rows if r[7] == "anna@example.com"] == [str(anna)] * 2
    assert sum(1 for v in ids.values() if v == "") == 1  # the booking without a customer
    assert len({r[15] for r in csv_rows if r[15]}) == 8  # Anna..Jan, Dora too: one id each

    assert exports.export_xlsx(out / "c.xlsx", flt.with_(date_from=S_MON, date_to=S_TUE)) == 11
    book = load_workbook(out / "c.xlsx")
    sheet = list(book["Bookings"].iter_rows(values_only=True))
    assert list(sheet[0]) == header
    csv_in_period = {r[0]: r[15] for r in csv_rows}
    assert {r[0]: ("" if r[15] is None else str(r[15])) for r in sheet[1:]} == {
        ref: csv_in_period[ref] for ref in (r[0] for r in sheet[1:])}
    summary = list(book["Summary"].iter_rows(values_only=True))
    label = {r[0]: r[1:] for r in reversed(summary)}
    assert label["Customers"][0] == 7 and label["New customers"][:2] == (5, pytest.approx(5 / 7))
    assert label["Returning customers"][:2] == (2, pytest.approx(2 / 7))
    assert label["Bookings by returning customers"][:2] == (3, pytest.approx(3 / 10))
    top = next(i for i, r in enumerate(summary) if r[0] == "Most no-shows")
    cem, ben, gus = (Customer.get(Customer.business == salon.id, Customer.name == n).id
                     for n in ("Cem", "Ben", "Gus"))
    assert [tuple(r[:4]) for r in summary[top + 1:top + 4]] == [
        ("#1", "Cem", 2, cem), ("#2", "Ben", 1, ben), ("#3", "Gus", 1, gus)]
