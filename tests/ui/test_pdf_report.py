"""The PDF report read back with pypdf: a section per business under a
heading with its time zone, rows in local start order within each, the
footer's page count true; progress reported once per page drawn; memory
that does not grow with the number of rows."""
import tracemalloc
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from booking_desktop import services
from booking_desktop.services import exports
from booking_desktop.services.desk import BookingFilter
from booking_desktop.ui.export import pdf_report

DAY = date(2030, 3, 4)  # a Monday


def pdf_pages(path) -> list[str]:
    # Qt places words one by one (pypdf reads tabs between them) and uses ligatures.
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
            for page in PdfReader(path).pages]


@pytest.fixture
def two_zones(gui_db):
    """Sydney and Berlin bookings on 4 and 5 March whose UTC order interleaves
    the two businesses (Sydney's morning is Berlin's night before)."""
    made = {}
    for name, zone in (("Sydney Studio", "Australia/Sydney"), ("Berlin Salon", "Europe/Berlin")):
        business = services.create_business(name, zone)
        services.set_weekly_hours(business, {d: [(time(8), time(18))] for d in range(7)})
        services.generate_time_slots(business, DAY, DAY + timedelta(days=1), max_capacity=3,
                                     now=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")))
        slots = {s.start.astimezone(ZoneInfo(zone)).replace(tzinfo=None): s
                 for s in services.slots_between(business, DAY, DAY + timedelta(days=1))}
        made[name] = []
        for day, hour, who in ((1, 9, "Late"), (0, 15, "Middle"), (0, 9, "Early"),
                               (1, 16, "Last")):
            local = datetime.combine(DAY + timedelta(days=day), time(hour))
            services.create_booking(slots[local], f"{who} {name.split()[0]}",
                                    now=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")))
            made[name].append(local)
    return made


def test_all_businesses_a_section_each_with_zone_in_local_order(two_zones, tmp_path, qapp):
    target = tmp_path / "all.pdf"
    flt = BookingFilter(date_from=DAY, date_to=DAY + timedelta(days=1))
    assert pdf_report.write_pdf(target, flt, report=None) == 8
    pages = pdf_pages(target)
    assert pages[0].startswith("Booking report · All businesses · 04 Mar 2030 – 05 Mar 2030")
    assert all(f"Page {i + 1} of {len(pages)}" in text for i, text in enumerate(pages))
    table = " ".join(pages)
    berlin = table.index("Business: Berlin Salon · Time zone Europe/Berlin")
    sydney = table.index("Business: Sydney Studio · Time zone Australia/Sydney")
    assert berlin < sydney  # by name
    assert table.count("Business: ") == 2  # one heading each, however UTC interleaves them
    for name, start, end in (("Berlin", berlin, sydney), ("Sydney", sydney, len(table))):
        section = table[start:end]
        order = [section.index(f"{who} {name}") for who in ("Early", "Middle", "Late", "Last")]
        assert order == sorted(order), (name, section)
        assert "2030-03-04 09:00 09:30" in section and "2030-03-05 16:00 16:30" in section
    # each business starts its own page
    assert any(text.count("Business: ") == 1 and "Sydney Studio" in text for text in pages)


def test_one_business_has_its_heading_and_zone(two_zones, tmp_path, qapp):
    sydney = services.find_business("Sydney Studio")
    target = tmp_path / "one.pdf"
    flt = BookingFilter(business_id=sydney.id, date_from=DAY, date_to=DAY)
    assert pdf_report.write_pdf(target, flt) == 2
    text = " ".join(pdf_pages(target))
    assert "Business: Sydney Studio · Time zone Australia/Sydney" in text
    assert "Berlin" not in text
    assert text.index("Early Sydney") < text.index("Middle Sydney")


def fake_rows(n: int):
    """`n` export rows of one business, as iter_rows gives them."""
    def rows(flt, progress=None, cancelled=None, batch=None, by=None):
        for i in range(n):
            start = datetime(2030, 3, 4, 9) + timedelta(minutes=i)
            end = start + timedelta(minutes=30)
            row = [None] * (exports.CUSTOMER_ID + 1)
            row[exports.REF] = f"R{i:06d}"
            row[exports.BUSINESS] = "Big Shop"
            row[exports.LOCAL_START] = start.isoformat(" ")
            row[exports.LOCAL_END] = end.isoformat(" ")
            row[exports.ZONE] = "UTC"
            row[exports.NAME] = f"Customer number {i}"
            row[exports.PHONE] = "+44 20 7946 0000"
            row[exports.STATUS] = "no_show"
            row[exports.SOURCE] = "walk_in"
            yield tuple(row)
    return rows


@pytest.fixture
def rows_of(monkeypatch):
    def make(n: int):
        monkeypatch.setattr(exports, "iter_rows", fake_rows(n))
        monkeypatch.setattr(pdf_report, "sections",
                            lambda flt: [pdf_report.Section(1, "Big Shop", "UTC", n)])
    return make


def test_progress_is_per_page_and_reaches_the_page_count(rows_of, tmp_path, qapp):
    rows_of(3000)
    calls = []
    target = tmp_path / "many.pdf"
    assert pdf_report.write_pdf(target, BookingFilter(),
                                lambda done, total: calls.append((done, total)),
                                images=[]) == 3000
    pages = len(PdfReader(target).pages)
    assert pages > 40
    assert calls == [(i, pages) for i in range(pages + 1)]  # 0, then after every page
    last = PdfReader(target).pages[-1].extract_text()
    assert f"Page {pages} of {pages}" in " ".join(last.split())
    assert pdf_report.estimate_pages(BookingFilter()) == pages - 1  # all but the title page


def test_cancelled_between_pages_leaves_no_file(rows_of, tmp_path, qapp):
    rows_of(3000)
    seen = []
    with pytest.raises(exports.ExportCancelled):
        pdf_report.write_pdf(tmp_path / "x.pdf", BookingFilter(),
                             lambda done, total: seen.append(done),
                             lambda: len(seen) > 5, images=[])
    assert list(tmp_path.iterdir()) == [] and max(seen) <= 6


def peak_bytes(tmp_path, name: str) -> int:
    tracemalloc.start()
    try:
        pdf_report.write_pdf(tmp_path / name, BookingFilter(), images=[])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_rows(rows_of, tmp_path, qapp):
    rows_of(100)
    peak_bytes(tmp_path, "warm.pdf")  # Qt's fonts and caches, once
    rows_of(1500)
    small = peak_bytes(tmp_path, "small.pdf")
    rows_of(6000)
    large = peak_bytes(tmp_path, "large.pdf")
    assert len(PdfReader(tmp_path / "large.pdf").pages) > 3.5 * len(
        PdfReader(tmp_path / "small.pdf").pages)
    assert large < 1.5 * small, (small, large)


def test_the_figures_have_the_customers_and_the_most_no_shows(gui_db, tmp_path, qapp):
    """Ines came before the period (returning), Jon is new and missed twice,
    Kai's only booking was cancelled (not a customer of the period)."""
    utc = ZoneInfo("UTC")
    shop = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(shop, {d: [(time(8), time(18))] for d in range(7)})
    services.generate_time_slots(shop, DAY - timedelta(days=7), DAY, max_capacity=3,
                                 now=datetime(2030, 1, 1, tzinfo=utc))
    slots = services.slots_between(shop, DAY)
    made = datetime(2030, 1, 1, tzinfo=utc)
    services.create_booking(services.slots_between(shop, DAY - timedelta(days=7))[0], "Ines",
                            "ines@example.com", now=made)
    services.create_booking(slots[0], "Ines", "ines@example.com", now=made)
    for slot in slots[1:3]:
        jon = services.create_booking(slot, "Jon", "jon@example.com", now=made)
        services.set_booking_status(jon, "no_show", now=datetime(2030, 3, 5, tzinfo=utc))
    services.cancel_booking(services.create_booking(slots[3], "Kai", "kai@example.com",
                                                    now=made), now=made)
    jon_id = services.find_customers("jon@example.com")[0].id
    target = tmp_path / "customers.pdf"
    assert pdf_report.write_pdf(target, BookingFilter(date_from=DAY, date_to=DAY)) == 4
    text = " ".join(pdf_pages(target))
    assert "New customers 1 Returning customers 1" in text
    assert "Bookings by returning customers 33.3% (1 of 3)" in text
    assert f"Most no-shows #1 Jon (2; customer {jon_id})" in text
    assert "Most no-shows #2" not in text


def test_a_database_without_businesses_gives_a_report_of_nothing(gui_db, tmp_path, qapp):
    """No business at all: the report's SQL once had a local-time CASE with
    no WHEN on SQLite ('near "ELSE": syntax error')."""
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "empty.pdf"
    assert pdf_report.write_pdf(target, BookingFilter(date_from=DAY, date_to=DAY)) == 0
    text = " ".join(pdf_pages(target))
    assert "Booking report · All businesses · 04 Mar 2030 – 04 Mar 2030" in text
    assert "Bookings 0" in text and "New customers 0" in text
    assert list((tmp_path / "out").iterdir()) == [target]
