"""Other desks' changes are heard as they commit (PostgreSQL LISTEN/NOTIFY,
migration 0013): one notification a committed change, none for a rolled
back one; the desk can tell its own changes by their server process."""
import threading

import pytest

from booking_desktop import db, services
from booking_desktop.errors import SlotFull
from tests.helpers import day_slots


def test_sqlite_has_no_listener(sqlite_url):
    db.connect(sqlite_url)
    try:
        assert services.listen_for_changes() is None
        assert services.own_connection_id() is None
    finally:
        db.close()


def other_desk(work):
    """Run `work` on a thread of its own: its own pooled connection, as a
    second desk would have; returns that connection's server process id."""
    seen = {}

    def run():
        seen["result"] = work()
        seen["pid"] = services.own_connection_id()
        services.release_connection()
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return seen


def test_a_committed_change_is_heard_once_and_a_refused_one_not(pg_schema_url, now):
    db.connect(pg_schema_url)
    shop = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    slot = day_slots(shop, now=now, capacity=1)[0]
    listener = services.listen_for_changes()
    try:
        assert listener.take() == []
        booked = other_desk(lambda: services.create_booking(slot.id, "Anna Schmidt", now=now))
        assert booked["result"].customer_name == "Anna Schmidt"
        heard = []
        for _ in range(200):  # the NOTIFY travels after the commit; wait for it
            heard += listener.take()
            if heard:
                break
            threading.Event().wait(0.01)
        assert heard == [booked["pid"]]

        def refused():
            with pytest.raises(SlotFull):
                services.create_booking(slot.id, "Ben Ode", now=now)
        other_desk(refused)
        threading.Event().wait(0.2)
        assert listener.take() == []  # rolled back: nothing to hear
        services.cancel_booking(booked["result"].id, now=now)  # this desk's own change
        mine = services.own_connection_id()
        for _ in range(200):
            got = listener.take()
            if got:
                break
            threading.Event().wait(0.01)
        assert got == [mine]
    finally:
        listener.close()
        db.close()
