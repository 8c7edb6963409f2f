"""PostgreSQL only: the server ends the app's connection (a restart, a
failover, an administrator) between operations or inside a transaction. The
interrupted work is rolled back whole, a write says DatabaseUnavailable
instead of failing with a driver error, and the next service call reconnects
and works."""
import time
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from booking_desktop import db, models, services
from booking_desktop.errors import AnswerLost, DatabaseUnavailable
from booking_desktop.models import AuditEvent, Booking, TimeSlot
from booking_desktop.services import bookings as booking_service
from tests.conftest import PG_URL, NOW
from tests.helpers import snapshot

MONDAY = date(2030, 3, 4)


@pytest.fixture
def side(pg_schema_url):
    """A connection of our own, outside the app's pool, in the test's schema."""
    import psycopg

    options = parse_qs(urlparse(pg_schema_url).query)["options"][0]
    with psycopg.connect(PG_URL, autocommit=True, options=options) as conn:
        yield conn


@pytest.fixture
def shop(pg_schema_url):
    handle = db.connect(pg_schema_url)
    business = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(business, "weekday_9to5")
    services.generate_time_slots(business, MONDAY, MONDAY, max_capacity=3, now=NOW)
    yield business
    db.close(handle)


def backend_pid() -> int:
    return models.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def terminate(side) -> int:
    """End the app's current server connection and wait until it is gone."""
    pid = backend_pid()
    assert side.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0] is True
    deadline = time.monotonic() + 10
    while side.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
        assert time.monotonic() < deadline, "the backend did not go away"
        time.sleep(0.01)
    return pid


def first_slot(business) -> TimeSlot:
    return services.available_slots(business, MONDAY, now=NOW)[0]


def stored_names(side) -> list[str]:
    return [name for (name,) in side.execute(
        "SELECT customer_name FROM booking ORDER BY id").fetchall()]


def test_a_write_after_the_connection_was_ended_reconnects_and_works(shop, side):
    slot = first_slot(shop)
    services.create_booking(slot, "Before", now=NOW)
    old_pid = terminate(side)

    booking = services.create_booking(slot, "After", now=NOW)
    assert backend_pid() != old_pid
    assert stored_names(side) == ["Before", "After"]
    assert Booking.get_by_id(booking.id).customer_name == "After"
    assert TimeSlot.get_by_id(slot.id).current_bookings == 2
    assert services.check_integrity() == []


def test_a_read_after_the_connection_was_ended_reconnects_and_works(shop, side):
    old_pid = terminate(side)
    slots = services.available_slots(shop, MONDAY, now=NOW)
    assert len(slots) == 16
    assert backend_pid() != old_pid
    terminate(side)
    assert services.upcoming_bookings(now=NOW) == []


def test_every_ended_connection_is_replaced(shop, side):
    slot = first_slot(shop)
    for n in range(3):
        terminate(side)
        services.create_booking(slot, f"Customer {n}", now=NOW)
    assert stored_names(side) == ["Customer 0", "Customer 1", "Customer 2"]
    assert services.check_integrity() == []


def test_connection_ended_inside_a_service_transaction(shop, side, monkeypatch):
    """The server goes away after the place was taken and the booking row
    and its audit event written (the walk-in's one statement), before
    COMMIT: nothing of the booking may remain. The desk only finds out at
    COMMIT, where a lost connection cannot tell saved from not saved: it
    says so (AnswerLost), and the walk-in then asks by its reference."""
    slot = first_slot(shop)
    services.create_booking(slot, "Before", now=NOW)
    before = snapshot()
    real_with_slot = booking_service._with_slot

    def written_then_losing_the_server(*args, **kwargs):
        terminate(side)
        return real_with_slot(*args, **kwargs)

    monkeypatch.setattr(booking_service, "_with_slot", written_then_losing_the_server)
    with pytest.raises(AnswerLost):
        services.create_booking(slot, "Interrupted", now=NOW)
    monkeypatch.undo()

    assert stored_names(side) == ["Before"]
    assert side.execute("SELECT current_bookings FROM time_slot WHERE id = %s",
                        (slot.id,)).fetchone()[0] == 1
    assert snapshot() == before
    services.create_booking(slot, "Next", now=NOW)
    assert stored_names(side) == ["Before", "Next"]
    assert services.check_integrity() == []


def test_connection_ended_inside_a_callers_transaction(shop, side):
    """Work wrapped in one transaction by the caller: a write, the server
    goes away, the next write says DatabaseUnavailable, and the whole
    transaction is gone."""
    slot = first_slot(shop)
    services.create_booking(slot, "Before", now=NOW)
    audit_rows = AuditEvent.select().count()

    with pytest.raises(DatabaseUnavailable):
        with models.database.atomic():
            services.create_booking(slot, "First Half", now=NOW)
            services.set_slot_blocked(services.slots_between(shop, MONDAY)[5], True)
            terminate(side)
            services.create_booking(slot, "Second Half", now=NOW)

    assert not models.database.in_transaction()
    assert stored_names(side) == ["Before"]
    assert side.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0] == audit_rows
    assert side.execute("SELECT COUNT(*) FROM time_slot WHERE is_blocked").fetchone()[0] == 0
    assert side.execute("SELECT current_bookings FROM time_slot WHERE id = %s",
                        (slot.id,)).fetchone()[0] == 1

    services.create_booking(slot, "Next", now=NOW)
    assert stored_names(side) == ["Before", "Next"]
    assert TimeSlot.get_by_id(slot.id).current_bookings == 2
    assert services.check_integrity() == []


def test_a_read_inside_a_callers_transaction_says_unavailable(shop, side):
    with pytest.raises(DatabaseUnavailable):
        with models.database.atomic():
            services.create_booking(first_slot(shop), "Lost", now=NOW)
            terminate(side)
            services.available_slots(shop, MONDAY, now=NOW)
    assert stored_names(side) == []
    assert len(services.available_slots(shop, MONDAY, now=NOW)) == 16


def test_server_out_of_reach_says_unavailable_until_it_is_back(shop, side, monkeypatch):
    import psycopg

    slot = first_slot(shop)
    handle = models.database.obj

    def refused():
        raise psycopg.OperationalError("connection refused (the server is restarting)")

    terminate(side)
    monkeypatch.setattr(handle, "_connect", refused)
    before = side.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0]
    with pytest.raises(DatabaseUnavailable):
        services.create_booking(slot, "While Down", now=NOW)
    with pytest.raises(DatabaseUnavailable):
        services.available_slots(shop, MONDAY, now=NOW)
    monkeypatch.undo()

    assert stored_names(side) == []
    assert side.execute("SELECT COUNT(*) FROM audit_event").fetchone()[0] == before
    services.create_booking(slot, "Back Again", now=NOW)
    assert stored_names(side) == ["Back Again"]
