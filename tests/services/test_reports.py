"""Every report figure against values worked out by hand on a small fixture,
on SQLite and PostgreSQL.

The fixture (Salon Berlin, Europe/Berlin, Mon–Fri 09–17, 60-minute slots of 2
places on Mon 2030-03-04 and Tue 2030-03-05; Berlin is UTC+1 then):

    who  slot (local)  made (UTC)           lead     source   story              ends as
    A    Mon 09:00     Mon 03-04 06:00      2 h      walk_in  confirmed          completed
    B    Mon 09:00     Fri 02-22 08:00      240 h    phone    pending→confirmed  no_show
    C    Mon 10:00     Mon 03-04 08:30      0.5 h    online   pending→check-in   confirmed
    D    Mon 10:00     Fri 03-01 09:00      72 h     online   pending            pending
    E    Tue 14:00     Tue 01-01 13:00      1512 h   phone    confirmed          cancelled
    F    Tue 16:00     Mon 03-04 06:00      33 h     phone    confirmed, slot then blocked
    G    Tue 09:00     Mon 03-04 06:00      26 h     walk_in  pending            cancelled

plus one booking on Wednesday (outside the range) and one at another business.
"""
from datetime import date, datetime, timedelta, timezone

import pytest
from peewee import fn
from playhouse.test_utils import count_queries

from booking_desktop import services
from booking_desktop.errors import InvalidInput, NotFound
from booking_desktop.models import Booking
from tests.helpers import slot_at, utc
from booking_desktop.services.reports import booking_report

MON, TUE, WED = date(2030, 3, 4), date(2030, 3, 5), date(2030, 3, 6)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)




@pytest.fixture
def fixture(database, business, owner):
    services.generate_time_slots(business, MON, WED, slot_duration_minutes=60, max_capacity=2,
                                 now=EARLY)
    book = services.create_booking

    a = book(slot_at(business, MON, 9), "Anna A", source="walk_in", now=utc(2030, 3, 4, 6))
    b = book(slot_at(business, MON, 9), "Ben B", source="phone", status="pending",
             now=utc(2030, 2, 22, 8))
    c = book(slot_at(business, MON, 10), "Cem C", source="online", status="pending",
             now=utc(2030, 3, 4, 8, 30))
    book(slot_at(business, MON, 10), "Dora D", source="online", status="pending",
             now=utc(2030, 3, 1, 9))
    e = book(slot_at(business, TUE, 14), "Emil E", source="phone", now=utc(2030, 1, 1, 13))
    book(slot_at(business, TUE, 16), "Fay F", source="phone", now=utc(2030, 3, 4, 6))
    g = book(slot_at(business, TUE, 9), "Gus G", source="walk_in", status="pending",
             now=utc(2030, 3, 4, 6))
    book(slot_at(business, WED, 9), "Outside W", source="other", now=utc(2030, 3, 4, 6))

    services.set_booking_status(a, "completed", now=utc(2030, 3, 4, 10))
    services.set_booking_status(b, "confirmed", now=utc(2030, 3, 4, 7))
    services.set_booking_status(b, "no_show", now=utc(2030, 3, 4, 10))
    services.check_in_booking(c, now=utc(2030, 3, 4, 9, 5))
    services.cancel_booking(e, now=utc(2030, 3, 4, 6))
    services.cancel_booking(g, now=utc(2030, 3, 4, 6))
    services.set_slot_blocked(slot_at(business, TUE, 16), True, by=owner, now=utc(2030, 3, 4, 6))

    other = services.create_business("Clinic Tokyo", "Asia/Tokyo")
    services.create_recurring_business_hours(other, "weekday_9to5")
    services.generate_time_slots(other, MON, MON, slot_duration_minutes=60, now=EARLY)
    book(slot_at(other, MON, 11), "Tokyo T", source="online", now=utc(2030, 3, 3, 2))
    return business


def test_every_figure_matches_the_hand_worked_values(fixture):
    report = booking_report(fixture, MON, TUE)
    assert report.business_name == "Salon Berlin"
    assert report.by_status == {"pending": 1, "confirmed": 2, "cancelled": 2, "completed": 1,
                                "no_show": 1}
    assert report.total == 7
    assert report.by_source == {"walk_in": 2, "phone": 3, "online": 2, "other": 0}
    assert report.source_share["phone"] == pytest.approx(3 / 7)
    # capacity: 8 slots x 2 on Monday, 7 x 2 on Tuesday (16:00 blocked)
    assert (report.usage.capacity, report.usage.booked) == (30, 4)
    assert report.utilisation == pytest.approx(4 / 30)
    assert [(d.day, d.usage.capacity, d.usage.booked) for d in report.days] == [
        (MON, 16, 4), (TUE, 14, 0)]
    assert report.days[0].by_status["pending"] == 1 and report.days[1].by_status["cancelled"] == 2
    assert [(u.capacity, u.booked) for u in report.by_weekday] == [
        (16, 4), (14, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0)]
    assert (report.by_hour[9].capacity, report.by_hour[9].booked) == (4, 2)
    assert (report.by_hour[16].capacity, report.by_hour[16].booked) == (2, 0)
    assert sorted(report.by_hour) == list(range(9, 17))
    assert (report.heatmap[(0, 10)].capacity, report.heatmap[(0, 10)].booked) == (2, 2)
    assert report.popular_times == ((0, 9, 2), (0, 10, 2))
    assert report.cancellation_rate == pytest.approx(2 / 7)
    assert report.no_show_rate == pytest.approx(0.5)
    # pending at some point: B, C, D, G; then confirmed: B (by hand), C (checked in)
    assert (report.ever_pending, report.confirmed_from_pending) == (4, 2)
    assert report.confirmation_rate == pytest.approx(0.5)
    # leads 0.5, 2, 26, 33, 72, 240, 1512 hours
    assert report.lead_median_hours == pytest.approx(33.0)
    assert report.lead_buckets == (("0–1 hour", 1), ("1–24 hours", 1), ("1–7 days", 3),
                                   ("7–30 days", 1), ("30+ days", 1))
    # Customers (a name alone never finds one: each booking its own): the 5
    # that held a place are new; B's no-show is the only one.
    assert (report.customers, report.new_customers, report.returning_customers) == (5, 5, 0)
    assert (report.returning_bookings, report.held_bookings) == (0, 5)
    assert report.returning_share == 0
    ben = Booking.get(Booking.customer_name == "Ben B").customer_id
    assert report.most_no_shows == ((ben, "Ben B", 1),)


def test_an_even_count_takes_the_mean_of_the_middle_two(fixture):
    report = booking_report(fixture, MON, MON)  # leads 0.5, 2, 72, 240
    assert report.total == 4
    assert report.lead_median_hours == pytest.approx((2 + 72) / 2)


def test_every_business_uses_each_ones_local_dates(fixture):
    report = booking_report(None, MON, TUE)
    assert report.business_name == "All businesses"
    assert report.total == 8
    assert report.by_source["online"] == 3
    assert report.usage.capacity == 30 + 8
    assert report.usage.booked == 5
    # Tokyo's 11:00 is 02:00 UTC: counted at 11 local, Monday
    assert report.heatmap[(0, 11)].booked == 1


def test_an_empty_period_has_no_rates(fixture):
    report = booking_report(fixture, date(2030, 6, 1), date(2030, 6, 7))
    assert report.total == 0 and report.usage.capacity == 0
    assert report.utilisation is None and report.cancellation_rate is None
    assert report.no_show_rate is None and report.confirmation_rate is None
    assert report.lead_median_hours is None
    assert len(report.days) == 7
    assert report.figures()[0] == ("Business", "Salon Berlin")


def test_local_hours_hold_across_the_daylight_saving_change(database, business):
    # Berlin moves to UTC+2 on Sunday 2030-03-31: 09:00 is 08:00 UTC before, 07:00 UTC after.
    services.generate_time_slots(business, date(2030, 3, 29), date(2030, 4, 1),
                                 slot_duration_minutes=60, now=EARLY)
    services.create_booking(slot_at(business, date(2030, 3, 29), 9), "Before", now=EARLY)
    services.create_booking(slot_at(business, date(2030, 4, 1), 9), "After", now=EARLY)
    report = booking_report(business, date(2030, 3, 29), date(2030, 4, 1))
    assert report.heatmap[(4, 9)].booked == 1 and report.heatmap[(0, 9)].booked == 1
    assert set(report.by_hour) == set(range(9, 17))
    assert [d.usage.booked for d in report.days] == [1, 0, 0, 1]


def test_the_figures_come_from_a_few_aggregate_queries(fixture):
    with count_queries() as counter:
        booking_report(fixture, MON, TUE)
    assert counter.count <= 8
    # ... never one a booking: the same number for many more bookings
    assert Booking.select(fn.COUNT(Booking.id)).scalar() == 9


def test_bad_ranges_and_businesses_are_refused(fixture):
    with pytest.raises(InvalidInput, match="before the start"):
        booking_report(fixture, TUE, MON)
    with pytest.raises(NotFound):
        booking_report(999_999, MON, TUE)
    with pytest.raises(InvalidInput):
        booking_report(fixture, MON, MON + timedelta(days=5000))


def test_one_place_is_said_in_the_singular(database, business):
    """A period with one slot of one place, booked once: "(1 of 1 place)",
    and the popular time "(1 place)"."""
    day = date(2030, 3, 4)  # a Monday, open 09:00-10:00 only
    services.set_weekly_hours(business, {0: [(datetime(2030, 3, 4, 9).time(),
                                              datetime(2030, 3, 4, 10).time())]})
    services.generate_time_slots(business, day, day, slot_duration_minutes=60, max_capacity=1,
                                 now=utc(2030, 3, 1))
    slot = services.slots_between(business, day)[0]
    services.create_booking(slot, "Only One", now=utc(2030, 3, 1))
    figures = dict(booking_report(business, day, day).figures())
    assert figures["Utilisation"].endswith("(1 of 1 place)")
    assert figures["Popular #1"].endswith("(1 place)")


def test_a_database_without_businesses_reports_nothing(database):
    """SQLite's local-time CASE had no WHEN to write without a business (a
    syntax error); the report of every business is then empty."""
    for basis in ("appointment", "booked"):
        report = booking_report(None, MON, TUE, basis=basis)
        assert report.business_name == "All businesses" and report.total == 0
        assert report.usage.capacity == 0 and report.lead_median_hours is None
        assert [d.day for d in report.days] == [MON, TUE]
        assert dict(report.figures())["Bookings"] == "0"
