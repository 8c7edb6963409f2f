"""Distance costs round trips, so the hot paths count them on PostgreSQL
through the benchmark's TCP proxy (booking_desktop.tools.latency_proxy),
which counts what the network sees: one round trip per exchange, however
many protocol messages it holds. A walk-in is one transaction of at most
three (BEGIN, the statement, COMMIT); showing a day is one query."""
import pytest

from booking_desktop import db, services
from booking_desktop.errors import SlotFull
from booking_desktop.models import BookingRefusal
from booking_desktop.services import desk, undo
from booking_desktop.services.integrity import check_audit_chain
from booking_desktop.tools.latency_proxy import LatencyProxy
from tests.helpers import day_slots

# What a refused walk-in cost before its refusal was counted (measured with
# the count switched off): BEGIN, the walk-in statement (no row), the
# account and the slot (asking why), ROLLBACK. (It was 6 while psycopg
# prepared statements: the ROLLBACK made it forget them with a DEALLOCATE ALL.)
REFUSED_WALK_IN_ROUND_TRIPS = 5


@pytest.fixture
def proxied(pg_schema_url):
    """The models bound to a fresh PostgreSQL schema through a counting proxy."""
    with LatencyProxy.before(pg_schema_url, 0) as proxy:
        handle = db.connect(proxy.url_for(pg_schema_url))
        yield proxy
        db.close(handle)


@pytest.fixture
def desk_day(proxied, now):
    shop = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    owner = services.create_user("olga", "owner-password", role="owner")
    slots = day_slots(shop, now=now, capacity=3)
    return shop, owner, slots


@pytest.mark.parametrize("given_now", [False, True])
def test_a_walk_in_is_three_round_trips(proxied, desk_day, now, given_now):
    shop, owner, slots = desk_day
    services.create_booking(slots[1], "Warm Up", by=owner, now=now)  # a used connection
    proxied.reset()
    outcome = undo.book(slots[0].id, "Maria Lopez", "maria@example.com", "+49 30 1111",
                        by=owner, now=now if given_now else None)
    assert proxied.round_trips <= 3, proxied.round_trips
    row = outcome.rows[0]
    assert (row.customer_name, row.slot_id, row.created_by) == (
        "Maria Lopez", slots[0].id, "olga")
    assert check_audit_chain().intact


def test_every_walk_in_on_one_connection_is_three_round_trips(proxied, desk_day, now):
    """Not only the first: psycopg prepared a statement on the server the
    6th time it ran on a connection, in a round trip of its own (BEGIN,
    COMMIT, the walk-in statement), and forgot them all at a ROLLBACK, so
    some later walk-in paid 4. Twelve walk-ins with a refused one between."""
    shop, owner, slots = desk_day
    costs = []
    for number in range(12):
        if number == 6:
            with pytest.raises(SlotFull):
                for name in ("Ana", "Ben", "Cem", "Dora"):
                    undo.book(slots[1].id, name, by=owner, now=now)
        proxied.reset()
        undo.book(slots[2 + number].id, f"Guest {number}", by=owner, now=now)
        costs.append(proxied.round_trips)
    assert costs == [3] * 12, costs


def test_a_walk_in_with_a_reference_is_three_round_trips(proxied, desk_day, now):
    shop, owner, slots = desk_day
    proxied.reset()
    undo.book(slots[0].id, "Maria Lopez", reference="K7M-4QX", by=owner, now=now)
    assert proxied.round_trips <= 3, proxied.round_trips


def test_a_walk_in_for_a_customer_picked_in_the_typeahead_is_three_round_trips(proxied, desk_day,
                                                                               now):
    """The walk-in form binds the booking to the customer picked (customer=)."""
    shop, owner, slots = desk_day
    first = services.create_booking(slots[1], "Maria Lopez", customer_phone="+49 30 1111",
                                    by=owner, now=now)
    proxied.reset()
    outcome = undo.book(slots[0].id, "Maria Lopez", None, "+49 30 1111", by=owner, now=now,
                        customer=first.customer_id)
    assert proxied.round_trips <= 3, proxied.round_trips
    assert outcome.rows[0].customer_id == first.customer_id


def test_showing_a_day_is_one_round_trip(proxied, desk_day, now):
    shop, owner, slots = desk_day
    services.create_booking(slots[0], "Maria Lopez", by=owner, now=now)
    proxied.reset()
    day = desk.day_schedule(shop, slots[0].start.date())
    assert proxied.round_trips == 1
    assert [b.customer_name for s in day for b in s.bookings] == ["Maria Lopez"]


def test_a_refused_walk_in_counts_its_refusal_in_one_round_trip_after_it(proxied, desk_day, now):
    """The Health window's count of refused bookings is one autocommitted
    statement after the refused transaction's ROLLBACK; a booking that goes
    through (above) has nothing added."""
    shop, owner, slots = desk_day
    for name in ("Ana", "Ben", "Cem"):
        services.create_booking(slots[0], name, by=owner, now=now)
    proxied.reset()
    with pytest.raises(SlotFull):
        undo.book(slots[0].id, "Dora", by=owner, now=now)
    counted = proxied.round_trips
    assert BookingRefusal.get().refusals == 1
    assert counted == REFUSED_WALK_IN_ROUND_TRIPS + 1, counted
