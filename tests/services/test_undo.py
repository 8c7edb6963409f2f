"""Reversible operations (services.undo): each action returns its reversal,
the reversal its own (redo), and the services refuse a reversal, changing
nothing, when another desk changed the booking or slot in between or the
rules no longer allow it. Bulk actions undo all or nothing. Every test runs
on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest

from booking_desktop import services
from booking_desktop.errors import InvalidTransition
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import undo
from tests.helpers import audit_events, day_slots, reload, snapshot


def counter(slot) -> int:
    return TimeSlot.get_by_id(slot.id).current_bookings


@pytest.fixture
def slots(business, now):
    return day_slots(business, now=now, capacity=2)


# --- check-in --------------------------------------------------------------------------

def test_check_in_only_on_the_bookings_local_day(database, business, staff, now):
    later = now.date() + timedelta(days=9)  # Wed 13 Mar 2030
    slot = day_slots(business, later, now=now, capacity=2)[0]
    booking = services.create_booking(slot, "Maria Lopez", now=now)
    before = snapshot()
    with pytest.raises(InvalidTransition, match=r"booked for Wed 13 Mar; check-in is possible "
                                                r"on that day only"):
        services.check_in_booking(booking, by=staff, now=now)
    assert snapshot() == before

    # The business's local day decides: 23:30 UTC on Tuesday is Wednesday in Berlin.
    local_midnight = slot.start.replace(hour=23, minute=30) - timedelta(days=1)
    assert services.check_in_booking(booking, by=staff, now=local_midnight).checked_in_at \
        == local_midnight
    other = services.create_booking(slot, "Late Lars", now=now)
    with pytest.raises(InvalidTransition, match="booked for Wed 13 Mar"):
        services.check_in_booking(other, now=slot.start.replace(hour=23, minute=5))
    assert reload(other).checked_in_at is None


def test_check_in_is_undone_and_redone(database, business, staff, slots, now):
    slot = slots[0]
    booking = services.create_booking(slot, "Maria Lopez", status="pending", now=now)
    arrived = slot.start - timedelta(minutes=5)
    done = undo.check_in(booking.id, by=staff, now=arrived)
    assert done.description == "check-in of Maria Lopez"
    assert (reload(booking).status, reload(booking).checked_in_at) == ("confirmed", arrived)

    undone = undo.reverse(done, by=staff, now=arrived)
    stored = reload(booking)
    assert (stored.status, stored.checked_in_at) == ("pending", None)
    assert audit_events("booking.check_in_undo")[-1].user_id == staff.id

    undo.reverse(undone, redo=True, by=staff, now=arrived + timedelta(minutes=1))
    stored = reload(booking)
    assert (stored.status, stored.checked_in_at) == ("confirmed", arrived + timedelta(minutes=1))
    assert counter(slot) == 1


def test_check_in_undo_refused_when_another_desk_acted(database, business, slots, now):
    slot = slots[0]
    booking = services.create_booking(slot, "Maria Lopez", now=now)
    arrived = slot.start - timedelta(minutes=5)
    done = undo.check_in(booking.id, now=arrived)
    services.cancel_booking(booking.id, "left", now=arrived)  # another desk
    before = snapshot()
    with pytest.raises(undo.Refused, match=rf"^Nothing was undone: {booking.reference} "
                                           r"\(Maria Lopez\): booking .* is cancelled now"):
        undo.reverse(done, now=arrived)
    assert snapshot() == before

    # Taken back and checked in again at another desk: not this check-in any more.
    second = services.create_booking(slot, "Nils Berg", now=now)
    done = undo.check_in(second.id, now=arrived)
    services.clear_check_in(second.id, done.result.checked_in_at, now=arrived)
    services.check_in_booking(second.id, now=arrived + timedelta(minutes=2))
    before = snapshot()
    with pytest.raises(undo.Refused, match="changed at another desk"):
        undo.reverse(done, now=arrived)
    assert snapshot() == before


# --- each reversal ---------------------------------------------------------------------

def test_booking_undone_by_cancelling_and_redone_by_reinstating(database, business, slots, now):
    slot = slots[0]
    done = undo.book(slot, "Anna Schmidt", customer_phone="0301234", now=now)
    assert done.description == "booking of Anna Schmidt"
    undone = undo.reverse(done, now=now)
    assert reload(done.result).status == "cancelled" and counter(slot) == 0
    undo.reverse(undone, redo=True, now=now)
    assert reload(done.result).status == "confirmed" and counter(slot) == 1

    # Redo refused by the rules: the same customer booked again meanwhile.
    undone = undo.reverse(done, now=now)
    services.create_booking(slot, "Anna Schmidt", customer_phone="0301234", now=now)
    before = snapshot()
    with pytest.raises(undo.Refused, match=rf"^Nothing was redone: {done.result.reference} "
                                           r"\(Anna Schmidt\): this customer already has"):
        undo.reverse(undone, redo=True, now=now)
    assert snapshot() == before


def test_cancel_undone_with_the_previous_status_and_redone_with_its_reason(database, business,
                                                                           slots, now):
    slot = slots[0]
    booking = services.create_booking(slot, "Pia", status="pending", now=now)
    done = undo.cancel(booking.id, "ill", expected_status="pending", now=now)
    assert done.description == "cancellation of Pia"
    undone = undo.reverse(done, now=now)
    assert (reload(booking).status, counter(slot)) == ("pending", 1)
    undo.reverse(undone, redo=True, now=now)
    stored = reload(booking)
    assert (stored.status, stored.cancel_reason, counter(slot)) == ("cancelled", "ill", 0)


def test_cancel_undo_refused_when_the_place_was_taken(database, business, now):
    slot = day_slots(business, now=now, capacity=1)[0]
    booking = services.create_booking(slot, "Gina", now=now)
    done = undo.cancel(booking.id, now=now)
    services.create_booking(slot, "Quinn", now=now)  # another desk takes the place
    before = snapshot()
    with pytest.raises(undo.Refused, match=rf"{booking.reference} \(Gina\): its time slot is "
                                           r"now full \(1/1\)"):
        undo.reverse(done, now=now)
    assert snapshot() == before


def test_status_changes_are_undone_and_a_no_op_records_nothing(database, business, slots, now):
    slot = slots[0]
    booking = services.create_booking(slot, "Cleo", status="pending", now=now)
    done = undo.set_status(booking.id, "confirmed", expected_status="pending", now=now)
    assert done.description == "confirmation of Cleo"
    undo.reverse(done, now=now)
    assert reload(booking).status == "pending"

    services.set_booking_status(booking.id, "confirmed", now=now)
    before = snapshot()
    with pytest.raises(undo.NothingChanged, match="already confirmed"):
        undo.set_status(booking.id, "confirmed", expected_status="confirmed", now=now)
    assert snapshot() == before

    after_start = slot.start + timedelta(minutes=5)
    done = undo.set_status(booking.id, "no_show", now=after_start)
    assert counter(slot) == 0
    undo.reverse(done, now=after_start)
    assert (reload(booking).status, counter(slot)) == ("confirmed", 1)

    done = undo.set_status(booking.id, "completed", now=after_start)
    services.set_booking_status(booking.id, "no_show", now=after_start)  # another desk
    before = snapshot()
    with pytest.raises(undo.Refused, match="changed at another desk"):
        undo.reverse(done, now=after_start)
    assert snapshot() == before


def test_reschedule_undone_by_moving_back_unless_moved_elsewhere(database, business, slots, now):
    first, second, third = slots[:3]
    booking = services.create_booking(first, "Xavier", now=now)
    done = undo.reschedule(booking.id, second.id, expected_slot=first.id, now=now)
    assert done.description == "move of Xavier to Mon 4 Mar 09:30"  # Berlin time
    undone = undo.reverse(done, now=now)
    assert reload(booking).time_slot_id == first.id
    assert (counter(first), counter(second)) == (1, 0)
    redone = undo.reverse(undone, redo=True, now=now)
    assert reload(booking).time_slot_id == second.id

    services.reschedule_booking(booking.id, third.id, now=now)  # another desk
    before = snapshot()
    with pytest.raises(undo.Refused, match=r"moved at another desk meanwhile \(it is now at "
                                           r"Mon 4 Mar 10:00\)"):
        undo.reverse(redone, now=now)
    assert snapshot() == before


def test_edit_details_undone_with_the_previous_values(database, business, slots, now):
    booking = services.create_booking(slots[0], "Ida", customer_email="ida@example.com", now=now)
    done = undo.edit_details(booking.id, {"customer_name": "Ida Berg", "customer_email": "",
                                          "customer_phone": "030 555"}, now=now)
    assert done.description == "edit of Ida's details"
    stored = reload(booking)
    assert (stored.customer_name, stored.customer_email, stored.customer_phone) == \
        ("Ida Berg", None, "030 555")
    undone = undo.reverse(done, now=now)
    stored = reload(booking)
    assert (stored.customer_name, stored.customer_email, stored.customer_phone) == \
        ("Ida", "ida@example.com", None)
    assert stored.email_key == "ida@example.com"
    redone = undo.reverse(undone, redo=True, now=now)

    services.desk.update_booking_details(booking.id, customer_phone="030 999")  # another desk
    before = snapshot()
    with pytest.raises(undo.Refused, match="details of booking .* were changed at another desk"):
        undo.reverse(redone, now=now)
    assert snapshot() == before


def test_block_and_capacity_undone_unless_changed_meanwhile(database, business, owner, slots,
                                                            now):
    slot = slots[0]
    done = undo.set_blocked(slot.id, True, "staff meeting", by=owner, now=now)
    assert done.description == "block of Mon 4 Mar 09:00"
    undone = undo.reverse(done, by=owner, now=now)
    assert (reload(slot).is_blocked, reload(slot).block_reason) == (False, "")
    redone = undo.reverse(undone, redo=True, by=owner, now=now)
    assert (reload(slot).is_blocked, reload(slot).block_reason) == (True, "staff meeting")
    services.set_slot_blocked(slot.id, True, reason="flood", by=owner)  # another desk
    before = snapshot()
    with pytest.raises(undo.Refused, match="blocked or unblocked at another desk"):
        undo.reverse(redone, by=owner, now=now)
    assert snapshot() == before

    other = slots[1]
    done = undo.set_capacity(other.id, 4, by=owner, now=now)
    assert done.description == "capacity change of Mon 4 Mar 09:30"
    for name in ("A", "B", "C"):
        services.create_booking(other, name, now=now)
    before = snapshot()
    with pytest.raises(undo.Refused, match="3 places are already booked"):
        undo.reverse(done, by=owner, now=now)  # back to 2: below its bookings
    assert snapshot() == before
    services.set_slot_capacity(other.id, 5, by=owner)  # another desk
    with pytest.raises(undo.Refused, match=r"capacity was changed at another desk .*takes 5"):
        undo.reverse(done, by=owner, now=now)
    assert reload(other).max_capacity == 5


# --- bulk: all or nothing --------------------------------------------------------------

def test_bulk_cancel_is_undone_and_redone_as_one(database, business, slots, now):
    made = [services.create_booking(s, f"Guest {i}", now=now) for i, s in enumerate(slots[:3])]
    done = undo.bulk([undo.action(undo.cancel, booking=b.id, reason="storm",
                                  expected_status="confirmed") for b in made],
                     "cancellation", now=now)
    assert done.description == "cancellation of 3 bookings"
    assert {reload(b).status for b in made} == {"cancelled"}
    undone = undo.reverse(done, now=now)
    assert {reload(b).status for b in made} == {"confirmed"}
    undo.reverse(undone, redo=True, now=now)
    assert {reload(b).status for b in made} == {"cancelled"}
    assert services.check_integrity() == []


def test_bulk_undo_refused_for_one_changes_nothing_and_names_them(database, business, now):
    slots = day_slots(business, now=now, capacity=1)
    made = [services.create_booking(s, name, now=now)
            for s, name in zip(slots, ("Anna Schmidt", "Ben Ode", "Cara Lind"))]
    done = undo.bulk([undo.action(undo.cancel, booking=b.id) for b in made], "cancellation",
                     now=now)
    services.create_booking(slots[1], "Walk In", now=now)  # another desk fills one slot
    before = snapshot()
    with pytest.raises(undo.Refused) as refused:
        undo.reverse(done, now=now)
    assert str(refused.value) == (f"Nothing was undone: {made[1].reference} (Ben Ode): its time "
                                  "slot is now full (1/1).")
    assert snapshot() == before


def test_bulk_undo_of_past_bookings_restores_none_and_says_why(database, business, now):
    slots = day_slots(business, now=now, capacity=1)
    made = [services.create_booking(s, name, now=now)
            for s, name in zip(slots, ("Anna Schmidt", "Ben Ode"))]
    later = slots[1].end + timedelta(hours=1)  # both have begun
    done = undo.bulk([undo.action(undo.cancel, booking=b.id) for b in made], "cancellation",
                     now=later)
    before = snapshot()
    with pytest.raises(undo.Refused) as refused:
        undo.reverse(done, now=later)
    assert str(refused.value) == (
        f"Nothing was undone: {made[1].reference} (Ben Ode): this time slot has already started; "
        f"{made[0].reference} (Anna Schmidt): this time slot has already started.")
    assert snapshot() == before


def test_bulk_leaves_out_refused_and_unchanged_parts(database, business, slots, now):
    made = [services.create_booking(s, f"Guest {i}", status="pending", now=now)
            for i, s in enumerate(slots[:3])]
    services.cancel_booking(made[0].id, now=now)
    services.set_booking_status(made[1].id, "confirmed", now=now)
    done = undo.bulk([undo.action(undo.set_status, booking=b.id, status="confirmed")
                      for b in made], "confirmation", now=now)
    assert done.booking_ids == (made[2].id,)
    assert [(r.what, r.why) for r in done.refusals] == [
        (f"{made[0].reference} (Guest 0)",
         f"booking {made[0].reference} is cancelled; it cannot become confirmed")]
    undo.reverse(done, now=now)
    assert [reload(b).status for b in made] == ["cancelled", "confirmed", "pending"]

    with pytest.raises(undo.NothingChanged):
        undo.bulk([undo.action(undo.set_status, booking=made[1].id, status="confirmed")],
                  "confirmation", now=now)
    with pytest.raises(undo.Refused, match=r"^Nothing was changed: .*\(Guest 0\)"):
        undo.bulk([undo.action(undo.set_status, booking=made[0].id, status="confirmed")],
                  "confirmation", now=now)
    assert Booking.get_by_id(made[0].id).status == "cancelled"


def test_undo_and_redo_refused_in_a_slot_closed_meanwhile(database, business, owner, slots,
                                                          now):
    first, second = slots[:2]
    cancelled = services.create_booking(first, "Hanna Holiday", now=now)
    done_cancel = undo.cancel(cancelled.id, now=now)
    moved = services.create_booking(first, "Moritz Move", now=now)
    done_move = undo.reschedule(moved.id, second.id, now=now)
    # the owner closes the day (a public holiday), keeping its bookings
    services.save_hours_exception(business, now.date(), closed=True, note="Public holiday",
                                  outside="keep", by=owner, now=now)
    assert TimeSlot.get_by_id(first.id).closed_reason.startswith("Closed")
    before = snapshot()
    for done, who in ((done_cancel, "Hanna Holiday"), (done_move, "Moritz Move")):
        with pytest.raises(undo.Refused, match=rf"^Nothing was undone: \w{{3}}-\w{{3}} \({who}\): "
                                               r"closed: Public holiday"):
            undo.reverse(done, now=now)
    assert snapshot() == before
