"""Operations say what changed: each undo.Outcome carries the bookings' rows
as the desk shows them after the change (what a fresh read gives), the
business and the kind of change, so the view that acted updates itself
without reading again; the rows cost no query. Both backends."""
from datetime import timedelta

import pytest
from playhouse.test_utils import count_queries

from booking_desktop import db, services
from booking_desktop.services import desk, undo
from tests.helpers import day_slots


@pytest.fixture
def slots(business, now):
    return day_slots(business, now=now, capacity=2)


def fresh(outcome) -> tuple:
    return tuple(desk.booking_row(row.id) for row in outcome.rows)


def assert_rows(outcome, business, *booking_ids):
    assert [row.id for row in outcome.rows] == list(booking_ids)
    assert outcome.rows == fresh(outcome)
    assert (outcome.business_id, outcome.kind) == (business.id, "booking")
    with count_queries() as counted:  # the rows were built from what the operation had
        assert tuple(desk.row_of(r) for r in (
            outcome.result if isinstance(outcome.result, list) else [outcome.result])
        ) == outcome.rows
    assert counted.count == 0


def test_a_walk_in_says_what_it_booked_with_no_query_more(database, business, staff, slots,
                                                          now):
    with count_queries() as counted:
        outcome = undo.book(slots[0], "Maria Lopez", "maria@example.com", notes="VIP",
                            by=staff, now=now)
    if db.is_postgres():
        assert counted.count == 1  # the walk-in statement, nothing before or after
    row = outcome.rows[0]
    assert (row.customer_name, row.customer_email, row.notes, row.created_by, row.slot_id,
            row.start, row.end, row.status) == (
        "Maria Lopez", "maria@example.com", "VIP", "sam", slots[0].id, slots[0].start,
        slots[0].end, "confirmed")
    assert outcome.slot_ids == (slots[0].id,) and outcome.booking_ids == (row.id,)
    assert_rows(outcome, business, row.id)
    # The slot came back with the booking, counted as the database has it.
    assert (outcome.result.time_slot.current_bookings, outcome.result.time_slot.max_capacity) \
        == (1, 2)


def test_a_retried_walk_in_says_what_was_booked_the_first_time(database, business, staff,
                                                               owner, slots, now):
    first = undo.book(slots[0], "Eva", "eva@example.com", reference="K7M-4QX", by=owner,
                      now=now)
    again = undo.book(slots[0], "Eva", "eva@example.com", reference="K7M-4QX", by=staff,
                      now=now)
    assert again.rows == first.rows and again.rows[0].created_by == "olga"
    assert_rows(again, business, first.rows[0].id)


def test_every_booking_operation_says_what_it_changed(database, business, staff, slots, now):
    booked = undo.book(slots[0], "Maria Lopez", "maria@example.com", status="pending",
                       by=staff, now=now).rows[0]
    other = services.create_booking(slots[1], "Otto", now=now)  # made by nobody
    arrived = slots[0].start - timedelta(minutes=5)

    steps = [
        lambda: undo.set_status(booked.id, "confirmed", by=staff, now=now),
        lambda: undo.edit_details(booked.id, {"customer_name": "Maria López", "notes": "late"},
                                  by=staff, now=now),
        lambda: undo.check_in(booked.id, by=staff, now=arrived),
        lambda: undo.reverse(outcomes[-1], by=staff, now=arrived),  # undo_check_in
        lambda: undo.reschedule(booked.id, slots[2], by=staff, now=now),
        lambda: undo.cancel(booked.id, "ill", by=staff, now=now),
        lambda: undo.reverse(outcomes[-1], by=staff, now=now),  # reinstate
        lambda: undo.set_status(other.id, "no_show", by=staff, now=slots[1].start),
    ]
    outcomes = []
    for step in steps:
        outcomes.append(step())
        assert_rows(outcomes[-1], business, outcomes[-1].booking_ids[0])
    last = {o.rows[0].id: o.rows[0] for o in outcomes}
    assert (last[booked.id].customer_name, last[booked.id].slot_id, last[booked.id].status,
            last[booked.id].created_by) == ("Maria López", slots[2].id, "confirmed", "sam")
    assert (last[other.id].status, last[other.id].created_by) == ("no_show", None)
    moved = outcomes[4]
    assert moved.slot_ids == (slots[2].id, slots[0].id)
    assert moved.rows[0].start == slots[2].start
    cancelled = outcomes[5].rows[0]
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "ill")


def test_a_bulk_action_says_what_all_its_parts_changed(database, business, staff, slots, now):
    ids = [services.create_booking(slot, f"Customer {n}", now=now).id
           for n, slot in enumerate(slots[:3])]
    outcome = undo.bulk([undo.action(undo.cancel, booking=i, reason="storm") for i in ids],
                        "cancellation", by=staff, now=now)
    assert [row.status for row in outcome.rows] == ["cancelled"] * 3
    assert_rows(outcome, business, *ids)
    back = undo.reverse(outcome, by=staff, now=now)
    assert [row.status for row in back.rows] == ["confirmed"] * 3
    assert back.rows == fresh(back) and back.kind == "booking"


def test_slot_operations_say_which_slot_changed(database, business, owner, slots, now):
    blocked = undo.set_blocked(slots[0], True, "staff meeting", by=owner, now=now)
    capacity = undo.set_capacity(slots[1], 5, by=owner, now=now)
    for outcome, slot in ((blocked, slots[0]), (capacity, slots[1])):
        assert (outcome.kind, outcome.business_id, outcome.slot_ids, outcome.rows) == (
            "slot", business.id, (slot.id,), ())
    both = undo.bulk([undo.action(undo.set_blocked, slot=slots[2], blocked=True),
                      undo.action(undo.set_capacity, slot=slots[3], capacity=4)],
                     "change", by=owner, now=now)
    assert (both.kind, both.business_id, both.slot_ids) == (
        "slot", business.id, (slots[2].id, slots[3].id))


def test_the_day_read_in_one_query_is_the_day_as_before(database, business, staff, owner,
                                                        slots, now):
    """day_schedule in one query gives what reading slots, bookings and their
    creators one after the other gave."""
    kept = services.create_booking(slots[0], "Ana", by=staff, now=now)
    services.create_booking(slots[0], "Ben", now=now)
    gone = services.create_booking(slots[1], "Cem", by=owner, now=now)
    services.cancel_booking(gone, "ill", now=now)
    services.set_slot_blocked(slots[2], True, now=now, reason="lunch")
    with count_queries() as counted:
        day = desk.day_schedule(business, slots[0].start.date())
    assert counted.count == 1
    assert [s.id for s in day] == [s.id for s in slots]
    assert [[b.customer_name for b in s.bookings] for s in day[:3]] == [["Ana", "Ben"], [], []]
    assert day[0].bookings[0] == desk.booking_row(kept.id)
    assert (day[0].current_bookings, day[1].current_bookings, day[2].is_blocked,
            day[2].block_reason) == (2, 0, True, "lunch")
    with_cancelled = desk.day_schedule(business, slots[0].start.date(), include_cancelled=True)
    assert with_cancelled[1].bookings == (desk.booking_row(gone.id),)
    assert with_cancelled[1].bookings[0].created_by == "olga"
