"""Every mutation leaves one audit event naming who did it; owner-only
operations refuse staff and disabled accounts and change nothing; the audit
log cannot be altered, even with SQL. Both backends."""
from datetime import date, timedelta
from types import SimpleNamespace

import peewee
import pytest

from booking_desktop import db, services
from booking_desktop.errors import PermissionDenied
from booking_desktop.models import AuditEvent, User
from tests.helpers import MONDAY, audit_events, day_slots, snapshot, sql

TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def world(database, business, owner, staff, now):
    slots = day_slots(business, now=now, capacity=2)
    booking = services.create_booking(slots[0], "Ana", "ana@example.com", now=now)
    services.set_hours_exception(business, date(2030, 3, 8), closed=True, by=owner)
    return SimpleNamespace(business=business, owner=owner, staff=staff, slots=slots,
                           booking=booking, now=now)


def _repair(w):
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", w.slots[0].id)
    services.repair_counters(by=w.owner)
    return w.slots[0].id


# (id, who acts, the operation returning the audited entity's id, action, entity)
MUTATIONS = [
    ("create_business", "owner",
     lambda w: services.create_business("Branch 2", "Europe/Paris", by=w.owner).id,
     "business.create", "business"),
    ("set_weekly_hours", "owner",
     lambda w: services.set_weekly_hours(w.business, {0: [("09:00", "12:00")]}, by=w.owner)
     and w.business.id, "hours.set", "business"),
    ("create_recurring_business_hours", "owner",
     lambda w: services.create_recurring_business_hours(w.business, "everyday_10to6", by=w.owner)
     and w.business.id, "hours.set", "business"),
    ("set_hours_exception", "owner",
     lambda w: services.set_hours_exception(w.business, TUESDAY, by=w.owner).business_id,
     "hours.exception.set", "business"),
    ("remove_hours_exception", "owner",
     lambda w: services.remove_hours_exception(w.business, date(2030, 3, 8), by=w.owner)
     or w.business.id, "hours.exception.remove", "business"),
    ("generate_time_slots", "owner",
     lambda w: services.generate_time_slots(w.business, TUESDAY, TUESDAY, by=w.owner, now=w.now)
     and w.business.id, "slots.generate", "business"),
    ("set_slot_blocked", "owner",
     lambda w: services.set_slot_blocked(w.slots[1], True, by=w.owner).id,
     "slot.block", "time_slot"),
    ("create_user", "owner",
     lambda w: services.create_user("kim", "kim-password", by=w.owner).id, "user.create", "user"),
    ("set_user_active", "owner",
     lambda w: services.set_user_active("sam", False, by=w.owner).id, "user.disable", "user"),
    ("repair_counters", "owner", _repair, "slot.repair_counter", "time_slot"),
    ("create_booking", "staff",
     lambda w: services.create_booking(w.slots[1], "Ben", by=w.staff, now=w.now).id,
     "booking.create", "booking"),
    ("cancel_booking", "staff",
     lambda w: services.cancel_booking(w.booking, "ill", by=w.staff, now=w.now).id,
     "booking.cancel", "booking"),
    ("set_booking_status_cancelled", "staff",
     lambda w: services.set_booking_status(w.booking, "cancelled", by=w.staff, now=w.now).id,
     "booking.cancel", "booking"),
    ("reschedule_booking", "staff",
     lambda w: services.reschedule_booking(w.booking, w.slots[2], by=w.staff, now=w.now).id,
     "booking.reschedule", "booking"),
    ("set_booking_status", "staff",
     lambda w: services.set_booking_status(w.booking, "pending", by=w.staff, now=w.now).id,
     "booking.status", "booking"),
    ("check_in_booking", "staff",
     lambda w: services.check_in_booking(w.booking, by=w.staff, now=w.now).id,
     "booking.check_in", "booking"),
]


@pytest.mark.parametrize("who, operation, action, entity",
                         [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_every_mutation_writes_one_audit_event_with_the_acting_user(world, who, operation,
                                                                   action, entity):
    seen = {e.id for e in AuditEvent.select()}
    entity_id = operation(world)
    new = [e for e in audit_events() if e.id not in seen]
    assert [(e.action, e.entity, e.entity_id) for e in new] == [(action, entity, entity_id)]
    actor = getattr(world, who)
    assert new[0].user_id == actor.id
    assert new[0].at is not None


def test_the_system_acts_without_a_user(world):
    services.create_booking(world.slots[3], "Phone-in", now=world.now)
    event = audit_events("booking.create")[-1]
    assert event.user_id is None


OWNER_ONLY = [
    ("set_weekly_hours", lambda w, by: services.set_weekly_hours(
        w.business, {0: [("09:00", "12:00")]}, by=by)),
    ("create_recurring_business_hours", lambda w, by: services.create_recurring_business_hours(
        w.business, "everyday_10to6", by=by)),
    ("set_hours_exception", lambda w, by: services.set_hours_exception(w.business, TUESDAY, by=by)),
    ("remove_hours_exception", lambda w, by: services.remove_hours_exception(
        w.business, date(2030, 3, 8), by=by)),
    ("generate_time_slots", lambda w, by: services.generate_time_slots(
        w.business, TUESDAY, TUESDAY, by=by, now=w.now)),
    ("set_slot_blocked", lambda w, by: services.set_slot_blocked(w.slots[1], True, by=by)),
    ("create_user", lambda w, by: services.create_user("kim", "kim-password", role="owner", by=by)),
    ("set_user_active", lambda w, by: services.set_user_active("olga", False, by=by)),
    ("repair_counters", lambda w, by: services.repair_counters(by=by)),
    ("create_business", lambda w, by: services.create_business("Branch 2", "Europe/Paris", by=by)),
]


@pytest.mark.parametrize("operation", [o[1] for o in OWNER_ONLY], ids=[o[0] for o in OWNER_ONLY])
def test_staff_cannot_do_owner_only_operations(world, operation):
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", world.slots[0].id)  # repairable
    before = snapshot()
    with pytest.raises(PermissionDenied, match="Only an owner can"):
        operation(world, world.staff)
    assert snapshot() == before


def test_a_disabled_account_can_do_nothing(world):
    second = services.create_user("otto", "otto-password", role="owner", by=world.owner)
    disabled_owner = services.set_user_active("otto", False, by=world.owner)
    disabled_staff = services.set_user_active("sam", False, by=world.owner)
    assert User.get_by_id(second.id).active is False
    assert User.get_by_id(world.staff.id).active is False
    before = snapshot()
    for name, operation in OWNER_ONLY:
        with pytest.raises(PermissionDenied, match="'otto' is disabled"):
            operation(world, disabled_owner)
        assert snapshot() == before, name
    for disabled in (disabled_owner, disabled_staff):
        with pytest.raises(PermissionDenied, match="disabled"):
            services.create_booking(world.slots[1], "Ben", by=disabled, now=world.now)
        with pytest.raises(PermissionDenied, match="disabled"):
            services.cancel_booking(world.booking, by=disabled, now=world.now)
        with pytest.raises(PermissionDenied, match="disabled"):
            services.set_booking_status(world.booking, "pending", by=disabled, now=world.now)
    assert snapshot() == before


def test_the_last_active_owner_cannot_be_disabled(world):
    from booking_desktop.errors import InvalidInput

    before = snapshot()
    with pytest.raises(InvalidInput, match="last active owner"):
        services.set_user_active("olga", False, by=world.owner)
    assert snapshot() == before


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET action = 'nothing.happened'",
    "UPDATE audit_event SET user_id = NULL",
    "DELETE FROM audit_event",
    "DELETE FROM audit_event WHERE id = (SELECT MAX(id) FROM audit_event)",
])
def test_audit_events_are_append_only_in_the_database(world, statement):
    before = list(AuditEvent.select().order_by(AuditEvent.id).tuples())
    assert len(before) >= 3
    with pytest.raises(peewee.DatabaseError, match="append-only"):
        sql(statement)
    with pytest.raises(peewee.DatabaseError, match="append-only"):
        AuditEvent.update(details="{}").where(AuditEvent.id == before[0][0]).execute()
    assert list(AuditEvent.select().order_by(AuditEvent.id).tuples()) == before
    # Appending still works.
    services.create_booking(world.slots[1], "Ben", now=world.now)
    assert AuditEvent.select().count() == len(before) + 1


def test_audit_events_cannot_be_replaced_or_truncated(world):
    """The ways around the UPDATE/DELETE triggers: SQLite's REPLACE deletes
    the old row without firing them, PostgreSQL's TRUNCATE fires no row
    trigger."""
    before = list(AuditEvent.select().order_by(AuditEvent.id).tuples())
    first = before[0][0]
    if db.is_postgres():
        statements = ["TRUNCATE audit_event", "TRUNCATE audit_event CASCADE"]
    else:
        statements = [
            f"INSERT OR REPLACE INTO audit_event (id, at, action, entity, details) "
            f"VALUES ({first}, '2030-01-01 00:00:00.000000', 'nothing.happened', 'x', '{{}}')",
            f"REPLACE INTO audit_event (id, at, action, entity, details) "
            f"VALUES ({first}, '2030-01-01 00:00:00.000000', 'nothing.happened', 'x', '{{}}')",
        ]
    for statement in statements:
        with pytest.raises(peewee.DatabaseError, match="append-only"):
            sql(statement)
    assert list(AuditEvent.select().order_by(AuditEvent.id).tuples()) == before


def test_a_user_object_held_from_before_a_disable_is_refused(world):
    """Another desk disabled the account; this desk still holds the old object."""
    stale = User.get(User.username == "sam")
    services.set_user_active("sam", False, by=world.owner)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="disabled"):
        services.create_booking(world.slots[0], "Late Desk", by=stale, now=world.now)
    assert snapshot() == before


def test_a_role_taken_away_elsewhere_counts_at_once(world):
    held = User.get(User.username == "olga")
    User.update(role="staff").where(User.id == held.id).execute()
    with pytest.raises(PermissionDenied, match="Only an owner"):
        services.set_slot_blocked(world.slots[0], True, by=held)
