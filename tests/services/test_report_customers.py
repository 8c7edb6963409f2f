"""The report's customer figures (issue 12): new and returning customers, the
share of bookings by returning customers and the most no-shows, against
values worked out by hand and recomputed with plain SQL, by either basis, on
SQLite and PostgreSQL.

Salon Berlin (UTC+1 until 31 March 2030); the period is Mon 03-04..Tue 03-05
(local dates). Customers are found by email, so a second booking with the
same email is the same customer:

    who    booking (local)  made (UTC)       ends as     notes
    Anna   Mon 02-25 09:00  02-01            completed   before the period
    Anna   Mon 03-04 09:00  02-02            confirmed   -> returning
    Ben    Tue 02-26 09:00  02-01            cancelled   before; counts for nothing
    Ben    Mon 03-04 10:00  02-03            completed
    Ben    Tue 03-05 10:00  02-03            no-show     -> new (Mon..Tue), returning (Tue alone)
    Cem    Wed 02-27 09:00  02-01            no-show     a no-show held a place: known
    Cem    Mon 03-04 11:00  02-04            no-show
    Cem    Tue 03-05 11:00  02-04            no-show     -> returning, 2 no-shows
    Dora   Mon 03-04 12:00  02-05            cancelled   -> not a customer of the period
    Gus    Mon 03-04 13:00  02-06            no-show     -> new, 1 no-show (ties Ben; Ben's record is older)
    Emil   Tue 03-05 12:00  Mon 03-04 08:00  pending     -> new
    Emil   Wed 03-06 09:00  Sun 03-03 23:30  confirmed   made Mon 00:30 local
    Hugo   Wed 03-06 10:00  Fri 03-01 10:00  confirmed
    Hugo   Tue 03-05 14:00  Mon 03-04 10:00  confirmed   -> new by appointment, returning by date booked
    Jan    Tue 03-05 16:00  Sun 03-03 22:30  confirmed   made Sun 23:30 local
    (none) Tue 03-05 15:00  02-10            confirmed   a booking without a customer

and at Clinic Tokyo an Anna with Anna's email (another business: another
customer), Mon 03-04 11:00 local, made 02-01.
"""
import dataclasses
import logging
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from booking_desktop import db, models, services
from booking_desktop.db import is_postgres
from booking_desktop.models import Booking, Business, Customer
from booking_desktop.services.reports import MOST_NO_SHOWS, booking_report
from tests.helpers import slot_at, sql, utc

MON, TUE, WED = date(2030, 3, 4), date(2030, 3, 5), date(2030, 3, 6)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)


def make_salon():
    shop = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    services.generate_time_slots(shop, date(2030, 2, 25), WED, slot_duration_minutes=60,
                                 max_capacity=3, now=EARLY)

    def book(day, hour, name, made, status="confirmed"):
        email = f"{name.lower()}@example.com"
        return services.create_booking(slot_at(shop, day, hour), name, email, status=status,
                                       now=made)

    def ends(booking, status, day):
        services.set_booking_status(booking, status, now=utc(day.year, day.month, day.day, 20))

    ends(book(date(2030, 2, 25), 9, "Anna", utc(2030, 2, 1)), "completed", date(2030, 2, 25))
    book(MON, 9, "Anna", utc(2030, 2, 2))
    services.cancel_booking(book(date(2030, 2, 26), 9, "Ben", utc(2030, 2, 1)),
                            now=utc(2030, 2, 20))
    ends(book(MON, 10, "Ben", utc(2030, 2, 3)), "completed", MON)
    ends(book(TUE, 10, "Ben", utc(2030, 2, 3)), "no_show", TUE)
    ends(book(date(2030, 2, 27), 9, "Cem", utc(2030, 2, 1)), "no_show", date(2030, 2, 27))
    ends(book(MON, 11, "Cem", utc(2030, 2, 4)), "no_show", MON)
    ends(book(TUE, 11, "Cem", utc(2030, 2, 4)), "no_show", TUE)
    services.cancel_booking(book(MON, 12, "Dora", utc(2030, 2, 5)), now=utc(2030, 2, 20))
    ends(book(MON, 13, "Gus", utc(2030, 2, 6)), "no_show", MON)
    book(TUE, 12, "Emil", utc(2030, 3, 4, 8), status="pending")
    book(WED, 9, "Emil", utc(2030, 3, 3, 23, 30))
    book(WED, 10, "Hugo", utc(2030, 3, 1, 10))
    book(TUE, 14, "Hugo", utc(2030, 3, 4, 10))
    book(TUE, 16, "Jan", utc(2030, 3, 3, 22, 30))
    nobody = book(TUE, 15, "Nobody", utc(2030, 2, 10))
    # As an erasure leaves it: the booking stays, its customer is gone.
    Booking.update(customer=None).where(Booking.id == nobody.id).execute()

    clinic = services.create_business("Clinic Tokyo", "Asia/Tokyo")
    services.create_recurring_business_hours(clinic, "weekday_9to5")
    services.generate_time_slots(clinic, MON, MON, slot_duration_minutes=60, now=EARLY)
    services.create_booking(slot_at(clinic, MON, 11), "Anna", "anna@example.com",
                            now=utc(2030, 2, 1))
    return shop


@pytest.fixture
def salon(database):
    return make_salon()


def customer(name, business="Salon Berlin") -> int:
    return (Customer.select(Customer.id).join(Business)
            .where(Customer.name == name, Business.name == business).get().id)


def figures(report) -> tuple:
    return (report.customers, report.new_customers, report.returning_customers,
            report.returning_bookings, report.held_bookings)


# ---------------------------------------------------------------- by hand

def test_new_and_returning_customers_by_appointment(salon):
    report = booking_report(salon, MON, TUE)
    # Anna, Ben, Cem, Emil, Gus, Hugo, Jan; returning: Anna (02-25), Cem (02-27)
    assert figures(report) == (7, 5, 2, 3, 10)
    assert report.total == 11  # Dora's cancelled booking: in the total, not a customer's
    assert report.returning_share == pytest.approx(3 / 10)
    assert report.most_no_shows == ((customer("Cem"), "Cem", 2), (customer("Ben"), "Ben", 1),
                                    (customer("Gus"), "Gus", 1))
    assert customer("Ben") < customer("Gus")


def test_a_customer_is_returning_once_a_booking_came_before_the_period(salon):
    report = booking_report(salon, TUE, TUE)
    # Ben came on Monday: on Tuesday alone he returns. Hugo's other booking is
    # Wednesday's, after the period: still new.
    assert figures(report) == (5, 3, 2, 2, 6)
    assert report.most_no_shows == ((customer("Ben"), "Ben", 1), (customer("Cem"), "Cem", 1))


def test_by_date_booked_the_first_booking_is_the_first_made(salon):
    report = booking_report(salon, MON, TUE, basis="booked")
    # Made Mon..Tue (local): Emil twice (one at 00:30 Monday), Hugo once; Hugo
    # booked before, on Friday; Jan's was made Sunday 23:30, local time.
    assert figures(report) == (2, 1, 1, 1, 3)
    assert report.returning_share == pytest.approx(1 / 3)
    assert report.most_no_shows == ()


def test_every_business_counts_each_one_s_customers(salon):
    report = booking_report(None, MON, TUE)
    assert figures(report) == (8, 6, 2, 3, 11)  # Tokyo's Anna is a new customer there


def test_an_empty_period_has_no_customers_and_no_share(salon):
    report = booking_report(salon, date(2030, 6, 3), date(2030, 6, 4))
    assert figures(report) == (0, 0, 0, 0, 0)
    assert report.returning_share is None and report.most_no_shows == ()


def test_at_most_five_customers_are_listed_most_first(database):
    shop = services.create_business("Busy", "UTC")
    services.set_weekly_hours(shop, {d: [(time(8), time(20))] for d in range(7)})
    services.generate_time_slots(shop, MON, MON, slot_duration_minutes=60, max_capacity=9,
                                 now=EARLY)
    slots = services.slots_between(shop, MON)
    missed = {"Pia": 3, "Quinn": 1, "Rosa": 2, "Sven": 1, "Tara": 2, "Uwe": 1, "Vera": 1}
    for name, n in missed.items():
        for slot in slots[:n]:
            booking = services.create_booking(slot, name, f"{name}@example.com", now=EARLY)
            services.set_booking_status(booking, "no_show", now=utc(2030, 3, 4, 23))
    most = booking_report(shop, MON, MON).most_no_shows
    assert len(most) == MOST_NO_SHOWS == 5
    assert [(name, n) for _, name, n in most] == [("Pia", 3), ("Rosa", 2), ("Tara", 2),
                                                  ("Quinn", 1), ("Sven", 1)]


def test_the_command_line_prints_the_customer_figures(run, db_url):
    handle = db.connect(db_url)
    try:
        make_salon()
        cem = customer("Cem")
    finally:
        db.close(handle)
    code, out, err = run("--db", db_url, "report", "--from", MON, "--to", TUE,
                         "--business", "Salon Berlin")
    assert code == 0, err
    lines = dict(line.strip().split("  ", 1) for line in out.splitlines())
    lines = {label: value.strip() for label, value in lines.items()}
    assert (lines["Customers"], lines["new"], lines["returning"]) == ("7", "5", "2")
    assert lines["Bookings by returning customers"] == "30.0% (3 of 10)"
    assert lines["Most no-shows #1"] == f"Cem (id {cem}): 2"
    assert "Most no-shows #4" not in lines


# ---------------------------------------------------------------- recomputed

def _instant(moment: datetime):
    """A UTC instant as the database compares it."""
    moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment if is_postgres() else moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def recomputed(business: Business, first: date, last: date, basis: str) -> tuple:
    """The figures by plain SQL of another shape: for every customer of the
    business, counts of their bookings that held a place inside and before
    the period, whose UTC bounds come from zoneinfo here."""
    tz = ZoneInfo(business.timezone)
    lo = _instant(datetime.combine(first, time(0), tzinfo=tz))
    hi = _instant(datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz))
    at = "b.created_at" if basis == "booked" else "s.start"
    held = ("FROM booking b JOIN time_slot s ON s.id = b.time_slot_id "
            "WHERE b.status <> 'cancelled'")
    rows = sql(f"SELECT c.id, c.name, "
               f"(SELECT COUNT(*) {held} AND b.customer_id = c.id AND {at} >= ? AND {at} < ?), "
               f"(SELECT COUNT(*) {held} AND b.customer_id = c.id AND {at} < ?), "
               f"(SELECT COUNT(*) {held} AND b.customer_id = c.id AND {at} >= ? AND {at} < ? "
               f"AND b.status = 'no_show') FROM customer c WHERE c.business_id = ?",
               lo, hi, lo, lo, hi, business.id).fetchall()
    inside = [(cid, name, n, before, missed) for cid, name, n, before, missed in rows if n]
    all_held = sql(f"SELECT COUNT(*) {held} AND b.business_id = ? AND {at} >= ? AND {at} < ?",
                   business.id, lo, hi).fetchone()[0]
    return (len(inside), sum(1 for r in inside if r[3]), sum(r[2] for r in inside if r[3]),
            all_held, [(cid, name, missed) for cid, name, _, _, missed in inside if missed])


@pytest.mark.parametrize("basis", ["appointment", "booked"])
@pytest.mark.parametrize("first, last", [(MON, TUE), (TUE, TUE), (MON, WED),
                                         (date(2030, 2, 25), WED), (date(2030, 3, 1), MON)])
def test_the_figures_match_plain_sql(salon, basis, first, last):
    everyone = [0, 0, 0, 0, []]
    for business in Business.select().order_by(Business.id):
        report = booking_report(business, first, last, basis=basis)
        customers, back, back_bookings, all_held, missed = recomputed(business, first, last,
                                                                      basis)
        assert (report.customers, report.returning_customers, report.returning_bookings,
                report.held_bookings) == (customers, back, back_bookings, all_held)
        top = sorted(missed, key=lambda m: (-m[2], m[0]))[:MOST_NO_SHOWS]
        assert list(report.most_no_shows) == top
        for i, value in enumerate((customers, back, back_bookings, all_held, missed)):
            everyone[i] += value
    every = booking_report(None, first, last, basis=basis)
    assert (every.customers, every.returning_customers, every.returning_bookings,
            every.held_bookings) == tuple(everyone[:4])
    assert list(every.most_no_shows) == sorted(everyone[4],
                                               key=lambda m: (-m[2], m[0]))[:MOST_NO_SHOWS]
    assert models.database.execute_sql("SELECT COUNT(*) FROM booking").fetchone()[0] == 17


def test_sqlite_and_postgresql_give_the_same_customer_figures(sqlite_url, pg_schema_url):
    fields = ("customers", "returning_customers", "returning_bookings", "most_no_shows")

    def reports(url):
        handle = db.connect(url)
        try:
            shop = make_salon()
            found = []
            for business in (shop, None):
                for first, last in ((MON, TUE), (TUE, TUE), (date(2030, 2, 25), WED)):
                    for basis in ("appointment", "booked"):
                        report = dataclasses.asdict(booking_report(business, first, last,
                                                                   basis=basis))
                        found.append({f: report[f] for f in fields})
            return found
        finally:
            db.close(handle)

    on_sqlite, on_postgres = reports(sqlite_url), reports(pg_schema_url)
    assert on_sqlite == on_postgres
    assert [r["customers"] for r in on_sqlite][:6] == [7, 2, 5, 0, 7, 3]


@pytest.mark.parametrize("basis", ["appointment", "booked"])
@pytest.mark.parametrize("business", [None, "Salon Berlin"])
def test_sqlite_finds_earlier_bookings_in_the_index_alone(salon, basis, business, caplog):
    """Whether a customer returns is looked up in the index on booking
    (customer_id, status, time_slot_id, created_at) (migration 0019) without
    reading booking rows: on the bench's year of every business that took the
    month's customer figures from 553 to 114 ms and the file pages read from
    249 to 28 MiB. SQLite's plan says so (PostgreSQL chooses by statistics)."""
    if is_postgres():
        pytest.skip("PostgreSQL picks its plan by its statistics; SQLite's is fixed")
    shop = Business.get(Business.name == business) if business else None
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        booking_report(shop, MON, TUE, basis=basis)
    query, params = next(r.msg for r in caplog.records  # peewee logs (sql, params)
                         if str(r.msg[0]).startswith("WITH per AS MATERIALIZED"))
    plan = [row[-1] for row in sql(f"EXPLAIN QUERY PLAN {query}", *params).fetchall()]
    assert "SEARCH p USING COVERING INDEX booking_customer (customer_id=? AND status=?)" in plan
    # `p` is read nowhere else (not scanned, not through an index that needs its rows).
    assert [line for line in plan if line.split()[1:2] == ["p"]] == [
        "SEARCH p USING COVERING INDEX booking_customer (customer_id=? AND status=?)"]
