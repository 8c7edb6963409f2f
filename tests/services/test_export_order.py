"""The order of every export (CSV, XLSX and PDF all read `exports.iter_rows`):
grouped by business (name, case ignored, then id), by LOCAL start within a
business, then booking id; read in keyset batches that return every booking
exactly once, however many share a start. SQLite and PostgreSQL."""
import csv
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from booking_desktop import services
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import exports
from booking_desktop.services.desk import BookingFilter
from booking_desktop.services.reports import as_utc

EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)
# New York changes to summer time on 10 March 2030, Berlin on 31 March,
# Sydney back to standard time on 7 April: the range crosses all three.
FIRST, LAST = date(2030, 3, 8), date(2030, 4, 8)
DAYS = [date(2030, 3, 8), date(2030, 3, 11), date(2030, 3, 29), date(2030, 4, 1),
        date(2030, 4, 5), date(2030, 4, 8)]


def make_business(name, zone, days, capacity=2):
    shop = services.create_business(name, zone)
    services.create_recurring_business_hours(shop, "weekday_9to5")
    for day in days:
        services.generate_time_slots(shop, day, day, slot_duration_minutes=60,
                                     max_capacity=capacity, now=EARLY)
    return shop


def expected(first=FIRST, last=LAST):
    """From the models, sorted in Python: (business, local date, local start, reference)."""
    rows = []
    for b in Booking.select(Booking, TimeSlot).join(TimeSlot):
        business = b.time_slot.business
        local = b.time_slot.start.astimezone(ZoneInfo(business.timezone))
        if first <= local.date() <= last:
            rows.append(((business.name.casefold(), business.id, local, b.id),
                         (business.name, local.date().isoformat(), local.strftime("%H:%M"),
                          business.timezone, b.reference)))
    return [shown for _key, shown in sorted(rows)]


def test_grouped_by_business_then_local_start_across_zones_and_dst(database, tmp_path):
    # Created in an order that is neither the names' nor the times': the
    # Sydney morning is the earliest instant of each day, New York's the last.
    york = make_business("New York Dental", "America/New_York", DAYS)
    sydney = make_business("bondi Physio", "Australia/Sydney", DAYS)
    berlin = make_business("Atelier Berlin", "Europe/Berlin", DAYS)
    for shop in (york, sydney, berlin):
        # Latest day first, so booking ids do not follow the times either.
        for day in reversed(DAYS):
            slots = services.slots_between(shop, day)
            for slot in (slots[-1], slots[0], slots[0]):
                services.create_booking(slot, f"{shop.name} {day}", now=EARLY)
    path = tmp_path / "all.csv"
    count = exports.export_csv(path, BookingFilter(date_from=FIRST, date_to=LAST))
    with open(path, encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    got = [(r[header.index("Business")], r[header.index("Date")], r[header.index("Start")],
            r[header.index("Time zone")], r[0]) for r in rows]
    assert count == len(got) == 3 * len(DAYS) * 3
    assert got == expected()
    assert [name for name, *_ in got][::18] == ["Atelier Berlin", "bondi Physio",
                                              "New York Dental"]
    # 09:00 local is 09:00 on both sides of every change of clocks.
    assert {start for _, _, start, _, _ in got} == {"09:00", "16:00"}
    # XLSX and PDF read the same rows in the same order.
    iterated = [(r[exports.BUSINESS], r[exports.REF]) for r in
                exports.iter_rows(BookingFilter(date_from=FIRST, date_to=LAST), batch=4)]
    assert iterated == [(name, ref) for name, *_, ref in got]


def test_without_dates_the_order_is_the_same(database):
    tokyo = make_business("Zen Tokyo", "Asia/Tokyo", DAYS[:2])
    lisbon = make_business("alfama Lisbon", "Europe/Lisbon", DAYS[:2])
    for shop in (tokyo, lisbon):
        for slot in services.slots_between(shop, DAYS[0], DAYS[1])[::5]:
            services.create_booking(slot, "Someone", now=EARLY)
    got = [r[exports.REF] for r in exports.iter_rows(BookingFilter(), batch=3)]
    assert got == [ref for *_, ref in expected(date(2000, 1, 1), date(2100, 1, 1))]
    assert got[0] in {b.reference for b in Booking.select().join(TimeSlot)
                      .where(TimeSlot.business == lisbon.id)}


def test_keyset_batches_read_every_booking_once_with_ties_on_start(database):
    shop = make_business("Salon Ties", "Europe/Berlin", DAYS[:1], capacity=7)
    other = make_business("Another Ties", "Europe/Berlin", DAYS[:1], capacity=7)
    made = []
    for business in (shop, other):
        slots = services.slots_between(business, DAYS[0])
        # 7 bookings on one start, then 5 on the next: with batches of 3 the
        # page boundaries fall inside the runs of equal start.
        for slot, many in ((slots[0], 7), (slots[1], 5), (slots[3], 1)):
            for i in range(many):
                made.append(services.create_booking(slot, f"Tie {i}", now=EARLY).id)
    for batch in (1, 2, 3, 7, 1000):
        for flt in (BookingFilter(), BookingFilter(date_from=DAYS[0], date_to=DAYS[0]),
                    BookingFilter(business_id=shop.id, date_from=DAYS[0], date_to=DAYS[0])):
            rows = list(exports.iter_rows(flt, batch=batch))
            ids = [r[exports.ID] for r in rows]
            assert len(ids) == len(set(ids)), (batch, flt)
            query = Booking.select().join(TimeSlot)
            if flt.business_id:
                query = query.where(TimeSlot.business == shop.id)
            want = [b.id for b in query]
            assert sorted(ids) == sorted(want), (batch, flt)
            # Another Ties first, then Salon Ties; by start, then id.
            keys = [(r[exports.BUSINESS], r[exports.START_UTC], r[exports.ID]) for r in rows]
            assert [k[0] for k in keys] == sorted(k[0] for k in keys)
            assert keys == sorted(keys, key=lambda k: (k[0], as_utc(k[1]), k[2]))
