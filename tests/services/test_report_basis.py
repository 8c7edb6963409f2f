"""The report's basis (appointment date or the date the booking was made),
and the same figures on SQLite and PostgreSQL, lead time included.

Salon Berlin (UTC+1 in March 2030), the week of Mon 2030-03-04; the report
covers Mon..Tue (local dates):

    who  slot (local)   made (UTC)                   made (local)   lead
    A    Mon 09:00      Fri 02-22 07:29:59.999999    Fri 02-22      240.5 h + 1 µs
    B    Tue 10:00      Mon 03-04 06:00:00.000001    Mon 07:00      27 h − 1 µs
    C    Thu 09:00      Tue 03-05 22:30              Tue 23:30      33.5 h, then cancelled
    D    Fri 09:00      Tue 03-05 23:30              Wed 00:30      56.5 h
    E    Mon 11:00      Sun 03-03 23:30              Mon 00:30      10.5 h
    F    Mon 12:00      Sun 03-03 22:30              Sun 23:30      12.5 h
    H    Mon 14:00      Wed 02-20 12:59:59.999999    Wed 02-20      288 h + 1 µs

By appointment Mon..Tue: A B E F H (5); made Mon..Tue: B C E (3).
"""
import dataclasses
from datetime import date, datetime, timezone

import pytest

from booking_desktop import db, services
from booking_desktop.errors import InvalidInput
from tests.helpers import slot_at, utc
from booking_desktop.services.reports import booking_report, median_lead_hours

MON, TUE, FRI = date(2030, 3, 4), date(2030, 3, 5), date(2030, 3, 8)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)




def make_week():
    shop = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    services.generate_time_slots(shop, MON, FRI, slot_duration_minutes=60, max_capacity=2,
                                 now=EARLY)
    book = services.create_booking
    book(slot_at(shop, MON, 9), "A", now=utc(2030, 2, 22, 7, 29, 59, 999999))
    book(slot_at(shop, TUE, 10), "B", now=utc(2030, 3, 4, 6, 0, 0, 1))
    c = book(slot_at(shop, date(2030, 3, 7), 9), "C", now=utc(2030, 3, 5, 22, 30))
    book(slot_at(shop, FRI, 9), "D", now=utc(2030, 3, 5, 23, 30))
    book(slot_at(shop, MON, 11), "E", now=utc(2030, 3, 3, 23, 30))
    book(slot_at(shop, MON, 12), "F", now=utc(2030, 3, 3, 22, 30))
    book(slot_at(shop, MON, 14), "H", now=utc(2030, 2, 20, 12, 59, 59, 999999))
    services.cancel_booking(c, now=utc(2030, 3, 6, 8))
    return shop


@pytest.fixture
def week(database):
    return make_week()


def test_by_appointment_counts_the_bookings_whose_slot_is_in_the_period(week):
    report = booking_report(week, MON, TUE)
    assert report.basis == "appointment"
    assert report.total == 5
    assert report.by_status["confirmed"] == 5 and report.by_status["cancelled"] == 0
    assert [(d.day, sum(d.by_status.values())) for d in report.days] == [(MON, 4), (TUE, 1)]
    # leads 10.5, 12.5, 27 h − 1 µs, 240.5 h, 288 h: the middle one, to 0.1 h
    assert report.lead_median_hours == 27.0
    assert booking_report(week, MON, MON).lead_median_hours == 126.5  # (12.5 + 240.5) / 2


def test_by_date_made_counts_the_bookings_taken_in_the_period(week):
    report = booking_report(week, MON, TUE, basis="booked")
    appointments = booking_report(week, MON, TUE)
    assert report.basis == "booked"
    assert report.total == 3  # B, C and E; D was made on Wednesday, local time
    assert report.by_status["confirmed"] == 2 and report.by_status["cancelled"] == 1
    assert [(d.day, sum(d.by_status.values())) for d in report.days] == [(MON, 2), (TUE, 1)]
    assert report.days[1].by_status["cancelled"] == 1
    assert sum(report.by_source.values()) == 3
    assert report.lead_median_hours == 27.0  # 10.5, 27 − 1 µs, 33.5
    assert dict(report.lead_buckets)["1–24 hours"] == 1
    # the slots' figures do not depend on the basis
    assert report.usage == appointments.usage
    assert [d.usage for d in report.days] == [d.usage for d in appointments.days]
    assert report.heatmap == appointments.heatmap
    assert report.popular_times == appointments.popular_times
    assert ("Period", "2030-03-04 to 2030-03-05 (bookings made)") in report.figures()
    # every business: the same, in each one's local dates
    assert booking_report(None, MON, TUE, basis="booked").total == 3


def test_a_basis_that_is_not_known_is_refused(week):
    with pytest.raises(InvalidInput, match="date they were made"):
        booking_report(week, MON, TUE, basis="paid")


def test_the_median_is_rounded_once_in_one_place():
    hour = 3_600_000_000
    assert median_lead_hours([]) is None
    assert median_lead_hours([240 * hour + hour // 2 - 1]) == 240.5
    assert median_lead_hours([2 * hour, 72 * hour]) == 37.0
    assert median_lead_hours([hour * 10, hour * 10 + 1]) == 10.0


def test_sqlite_and_postgresql_give_identical_reports(sqlite_url, pg_schema_url):
    def reports(url):
        handle = db.connect(url)
        try:
            shop = make_week()
            return [dataclasses.asdict(booking_report(business, first, last, basis=basis))
                    for business in (shop, None) for first, last in ((MON, TUE), (MON, FRI))
                    for basis in ("appointment", "booked")]
        finally:
            db.close(handle)

    on_sqlite, on_postgres = reports(sqlite_url), reports(pg_schema_url)
    assert on_sqlite == on_postgres
    # appointments Mon..Fri: 10.5 12.5 27 33.5 56.5 240.5 288; made Mon..Fri: B C D E
    # (10.5, 27 − 1 µs, 33.5, 56.5): 30.25 h − 0.5 µs, to 0.1 h
    assert [r["lead_median_hours"] for r in on_sqlite] == [27.0, 27.0, 33.5, 30.2] * 2
    assert [sum(r["by_status"].values()) for r in on_sqlite] == [5, 3, 7, 4] * 2


def test_the_command_line_counts_by_either_basis(run, db_url):
    handle = db.connect(db_url)
    try:
        make_week()
    finally:
        db.close(handle)

    def bookings(*extra):
        code, out, err = run("--db", db_url, "report", "--from", MON, "--to", TUE,
                             "--business", "Salon Berlin", *extra)
        assert code == 0, err
        return dict(line.strip().split("  ", 1) for line in out.splitlines())

    assert bookings()["Bookings"].strip() == "5"
    made = bookings("--basis", "booked")
    assert made["Bookings"].strip() == "3"
    assert made["Period"].strip() == "2030-03-04 to 2030-03-05 (bookings made)"
    code, _, err = run("--db", db_url, "report", "--from", MON, "--to", TUE, "--basis", "paid")
    assert code != 0 and "invalid choice" in err
