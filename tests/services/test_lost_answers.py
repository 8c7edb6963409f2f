"""An operation whose answer was lost in its COMMIT (issue 9: "the desk is
told the truth: saved or not"), for every operation of services.undo the
desk performs, its undo and redo, and bulk. The COMMIT is made to lose its
answer here by a stand-in for the connection: it commits (or not) and then
raises what a dropped connection raises, so every case is quick and runs on
SQLite and PostgreSQL. tests/services/test_server_restart.py loses real
answers on a private PostgreSQL server (`AnswerTrap`).

`undo.find_lost_answer(lost)` says it was saved exactly when the audit
events the operation's transaction wrote are there (their ids and hashes,
known before COMMIT), and then gives the outcome the answer would have
given (its reversal works); else None and nothing changed."""
from dataclasses import dataclass
from datetime import timedelta

import pytest
from peewee import OperationalError

from booking_desktop import models, services
from booking_desktop.db import is_postgres
from booking_desktop.errors import AnswerLost, DatabaseUnavailable
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import _tx, undo
from booking_desktop.services.desk import booking_row, reinstate_booking
from tests.helpers import audit_events, day_slots, snapshot


class LosingCommit:
    """The next COMMIT loses its answer: with `arm("after")` the transaction
    is committed first, with `arm("before")` it is not; either way the
    service hears that the connection was lost."""

    def __init__(self, monkeypatch):
        self.mode = None
        self.lost: OperationalError | None = None
        database = models.database.obj
        real_commit, real_lost = database.commit, _tx.connection_lost

        def commit():
            mode, self.mode = self.mode, None
            if mode is None:
                return real_commit()
            if mode == "after":
                real_commit()
            self.lost = OperationalError("server closed the connection unexpectedly")
            raise self.lost

        def connection_lost(exc):
            seen = exc
            while seen is not None:
                if seen is self.lost:
                    return True
                seen = seen.__cause__ or seen.__context__
            return real_lost(exc)

        monkeypatch.setattr(database, "commit", commit)
        monkeypatch.setattr(_tx, "connection_lost", connection_lost)

    def arm(self, mode: str) -> None:
        assert mode in ("after", "before")
        self.mode = mode


@pytest.fixture
def losing(database, monkeypatch):
    return LosingCommit(monkeypatch)


@dataclass
class Shop:
    business: object
    slots: list
    owner: object
    staff: object
    now: object

    def book(self, name, slot=0, **kwargs) -> Booking:
        return services.create_booking(self.slots[slot], name, now=self.now, **kwargs)


@pytest.fixture
def shop(business, owner, staff, now):
    return Shop(business, day_slots(business, now=now, capacity=2), owner, staff, now)


def booking(b: Booking) -> Booking:
    return Booking.get_by_id(b.id)


def slot(s: TimeSlot) -> TimeSlot:
    return TimeSlot.get_by_id(s.id)


# Each scenario sets up what it needs and returns (the attempt, whether its
# change is in the database, the outcome's description).

def cancel(shop):
    b = shop.book("Cara Cancel")
    return (lambda: undo.cancel(b.id, "ill", expected_status="confirmed", by=shop.staff,
                                now=shop.now),
            lambda: booking(b).status == "cancelled", "cancellation of Cara Cancel")


def set_status_pending(shop):
    b = shop.book("Pia Pending")
    return (lambda: undo.set_status(b.id, "pending", expected_status="confirmed",
                                    by=shop.staff, now=shop.now),
            lambda: booking(b).status == "pending", "marking as pending of Pia Pending")


def set_status_completed(shop):
    b = shop.book("Cora Complete")
    after = shop.slots[0].start + timedelta(minutes=40)
    return (lambda: undo.set_status(b.id, "completed", by=shop.staff, now=after),
            lambda: booking(b).status == "completed", "completion of Cora Complete")


def set_status_cancelled(shop):
    b = shop.book("Stan Status")
    return (lambda: undo.set_status(b.id, "cancelled", by=shop.staff, now=shop.now),
            lambda: booking(b).status == "cancelled", "cancellation of Stan Status")


def check_in(shop):
    b = shop.book("Ines Checkin", status="pending")
    return (lambda: undo.check_in(b.id, by=shop.staff, now=shop.now),
            lambda: booking(b).checked_in_at == shop.now, "check-in of Ines Checkin")


def undo_check_in(shop):
    b = shop.book("Uwe Uncheck")
    services.check_in_booking(b.id, now=shop.now)
    return (lambda: undo.undo_check_in(b.id, shop.now, "confirmed", by=shop.staff,
                                       now=shop.now),
            lambda: booking(b).checked_in_at is None, "undo of the check-in of Uwe Uncheck")


def reschedule(shop):
    b = shop.book("Rita Move")
    target = shop.slots[3]
    return (lambda: undo.reschedule(b.id, target.id, expected_slot=shop.slots[0].id,
                                    by=shop.staff, now=shop.now),
            lambda: booking(b).time_slot_id == target.id, "move of Rita Move to Mon 4 Mar 10:30")


def edit_details(shop):
    b = shop.book("Ed Edit", customer_phone="+49 30 111")
    return (lambda: undo.edit_details(b.id, {"customer_phone": "+49 30 222"}, by=shop.staff,
                                      now=shop.now),
            lambda: booking(b).customer_phone == "+49 30 222", "edit of Ed Edit's details")


def reinstate(shop):
    b = shop.book("Rena Back")
    services.cancel_booking(b.id, "by phone", now=shop.now)
    return (lambda: undo.reinstate(b.id, "confirmed", expected_status="cancelled",
                                   by=shop.staff, now=shop.now),
            lambda: booking(b).status == "confirmed", "reinstatement of Rena Back")


def set_blocked(shop):
    s = shop.slots[5]
    return (lambda: undo.set_blocked(s.id, True, "staff meeting", by=shop.owner, now=shop.now),
            lambda: slot(s).is_blocked, "block of Mon 4 Mar 11:30")


def set_capacity(shop):
    s = shop.slots[6]
    return (lambda: undo.set_capacity(s.id, 5, expected_capacity=2, by=shop.owner,
                                      now=shop.now),
            lambda: slot(s).max_capacity == 5, "capacity change of Mon 4 Mar 12:00")


def bulk(shop):
    one, two = shop.book("Bea Bulk"), shop.book("Bo Bulk", slot=1)
    parts = [undo.action(undo.cancel, booking=b.id, reason="closing") for b in (one, two)]
    return (lambda: undo.bulk(parts, "cancellation", by=shop.staff, now=shop.now),
            lambda: {booking(one).status, booking(two).status} == {"cancelled"},
            "cancellation of 2 bookings")


def an_undo(shop):
    """Ctrl+Z: the reversal of a check-in, performed by `reverse`."""
    b = shop.book("Zoe Undo")
    done = undo.check_in(b.id, by=shop.staff, now=shop.now)
    return (lambda: undo.reverse(done, by=shop.staff, now=shop.now),
            lambda: booking(b).checked_in_at is None, "undo of the check-in of Zoe Undo")


def a_redo(shop):
    """Ctrl+Shift+Z: the cancel an undone cancel gives back."""
    b = shop.book("Ray Redo")
    undone = undo.reverse(undo.cancel(b.id, "ill", by=shop.staff, now=shop.now),
                          by=shop.staff, now=shop.now)
    return (lambda: undo.reverse(undone, redo=True, by=shop.staff, now=shop.now),
            lambda: booking(b).status == "cancelled", "cancellation of Ray Redo")


def an_undone_bulk(shop):
    one, two = shop.book("Uma Bulk"), shop.book("Udo Bulk", slot=1)
    done = undo.bulk([undo.action(undo.set_status, booking=b.id, status="pending")
                      for b in (one, two)], "marking as pending", by=shop.staff, now=shop.now)
    return (lambda: undo.reverse(done, by=shop.staff, now=shop.now),
            lambda: {booking(one).status, booking(two).status} == {"confirmed"},
            "marking as pending of 2 bookings")


SCENARIOS = [cancel, set_status_pending, set_status_completed, set_status_cancelled, check_in,
             undo_check_in, reschedule, edit_details, reinstate, set_blocked, set_capacity, bulk,
             an_undo, a_redo, an_undone_bulk]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_a_lost_answer_is_found_saved_with_the_outcome_the_answer_would_have_given(
        shop, losing, scenario):
    attempt, changed, description = scenario(shop)
    losing.arm("after")
    with pytest.raises(AnswerLost) as raised:
        attempt()
    assert changed()  # saved, though the desk was not told
    lost = raised.value
    assert undo.can_find_lost_answer(lost)

    found = undo.find_lost_answer(lost)
    assert found.outcome is not None
    assert found.outcome.description == description
    assert found.what.startswith(description)
    rows = {row.id: row for row in found.outcome.rows}
    for booking_id in found.outcome.booking_ids:  # the rows show the change made
        assert rows[booking_id] == booking_row(booking_id)
    before = snapshot()
    undo.reverse(found.outcome, by=shop.staff if found.outcome.kind == "booking" else shop.owner,
                 now=shop.now)  # its undo step works as if the answer had come
    assert not changed()
    assert snapshot() != before
    assert services.check_integrity() == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_a_lost_answer_not_saved_is_said_not_saved_and_nothing_changed(shop, losing,
                                                                       scenario):
    attempt, changed, description = scenario(shop)
    before = snapshot()
    losing.arm("before")
    with pytest.raises(AnswerLost) as raised:
        attempt()
    assert snapshot() == before
    assert undo.can_find_lost_answer(raised.value)

    found = undo.find_lost_answer(raised.value)
    assert found.outcome is None
    assert found.what.startswith(description)
    assert snapshot() == before
    assert attempt().description == description  # done again, it is done once
    assert changed()


def test_the_same_change_by_another_account_is_not_taken_for_the_lost_one(shop, losing):
    """The cancel this desk asked for was not saved; another desk cancelled
    the booking (another account) just after: not this desk's cancel."""
    b = shop.book("Other Otto")
    losing.arm("before")
    with pytest.raises(AnswerLost) as raised:
        undo.set_status(b.id, "cancelled", by=shop.staff, now=shop.now)
    services.cancel_booking(b.id, "by phone", by=shop.owner, now=shop.now)
    assert undo.find_lost_answer(raised.value).outcome is None


def test_the_same_change_by_this_account_elsewhere_is_not_taken_for_the_lost_one(shop, losing):
    """Even the same account at another desk, making the same change a moment
    later (on SQLite its event takes the very id the lost one had drawn)."""
    b = shop.book("Same Sam")
    losing.arm("before")
    with pytest.raises(AnswerLost) as raised:
        undo.set_status(b.id, "pending", by=shop.staff, now=shop.now)
    services.set_booking_status(b.id, "pending", by=shop.staff,
                                now=shop.now + timedelta(seconds=1))
    [(lost_id, _hash)] = raised.value.written
    if not is_postgres():
        assert audit_events()[-1].id == lost_id  # the id was drawn again
    assert undo.find_lost_answer(raised.value).outcome is None


def test_a_saved_change_undone_by_another_desk_since_is_still_said_saved(shop, losing):
    """The truth is what happened to this desk's action: saved. That another
    desk reinstated the booking since does not make it unsaved; its undo
    step is then refused, naming why, like any undo after another desk acted."""
    b = shop.book("Later Lou")
    losing.arm("after")
    with pytest.raises(AnswerLost) as raised:
        undo.cancel(b.id, "ill", by=shop.staff, now=shop.now)
    reinstate_booking(b.id, "confirmed", by=shop.owner, now=shop.now)
    found = undo.find_lost_answer(raised.value)
    assert found.outcome is not None
    with pytest.raises(undo.Refused, match="Nothing was undone"):
        undo.reverse(found.outcome, by=shop.staff, now=shop.now)


def test_a_bulk_part_rolled_back_to_its_savepoint_is_not_waited_for(shop, losing):
    """A part that changed nothing is left out of the bulk (its savepoint
    rolled back, the audit event it had written with it): the bulk was saved
    when the other parts' events are there."""
    same = shop.book("Stays Same", customer_phone="+49 30 111")
    gone = shop.book("Goes Gina", slot=1)
    parts = [undo.action(undo.edit_details, booking=same.id,
                         changes={"customer_phone": "+49 30 111"}),
             undo.action(undo.cancel, booking=gone.id, reason="closing")]
    losing.arm("after")
    with pytest.raises(AnswerLost) as raised:
        undo.bulk(parts, "change", by=shop.staff, now=shop.now)
    assert [e.action for e in audit_events()[-1:]] == ["booking.cancel"]
    assert len(raised.value.written) == 1
    found = undo.find_lost_answer(raised.value)
    assert found.outcome.booking_ids == (gone.id,)
    assert found.what == f"cancellation of Goes Gina ({gone.reference})"


def test_a_walk_in_is_left_to_its_reference(shop, losing):
    """`book`'s lost answer carries no outcome: the walk-in form asks by the
    reference it drew (tests/ui/test_walk_in_trust.py)."""
    losing.arm("after")
    with pytest.raises(AnswerLost) as raised:
        undo.book(shop.slots[0].id, "Walk Inga", reference=services.new_reference(),
                  by=shop.staff, now=shop.now)
    assert not undo.can_find_lost_answer(raised.value)
    assert not undo.can_find_lost_answer(AnswerLost())
    with pytest.raises(LookupError):
        undo.find_lost_answer(raised.value)


def test_a_lost_connection_before_commit_stays_unavailable_for_an_undo(shop, monkeypatch):
    """An undo that met the database out of reach says so (the desk goes
    offline), not "Nothing was undone" as if the rules had refused it."""
    b = shop.book("Dora Down")
    done = undo.check_in(b.id, by=shop.staff, now=shop.now)

    def unreachable(*_args, **_kwargs):
        raise DatabaseUnavailable()
    monkeypatch.setattr(undo, "clear_check_in", unreachable)
    with pytest.raises(DatabaseUnavailable) as raised:
        undo.reverse(done, by=shop.staff, now=shop.now)
    assert not isinstance(raised.value, undo.Refused)
