"""Checking that the data is sound, and repairing counters that drifted."""
from dataclasses import dataclass

from peewee import fn

from .. import audit_chain, models
from ..db import is_postgres
from ..models import ACTIVE_STATUSES_SQL, Booking, TimeSlot, User
from ._tx import audit, current_time, require_owner, run_read, run_write


@dataclass(frozen=True)
class Problem:
    kind: str  # "overbooked" | "counter_mismatch" | "duplicate_customer"
    slot_id: int
    message: str

    def __str__(self) -> str:
        return self.message


def _active_counts():
    return (Booking.select(Booking.time_slot.alias("slot_id"), fn.COUNT(Booking.id).alias("n"))
            .where(Booking.status.in_(ACTIVE_STATUSES_SQL))
            .group_by(Booking.time_slot).alias("active"))


def _slot_counts(where_mismatch: bool):
    active = _active_counts()
    n = fn.COALESCE(active.c.n, 0)
    query = (TimeSlot.select(TimeSlot.id, TimeSlot.current_bookings, TimeSlot.max_capacity,
                             n.alias("active"))
             .join(active, on=(active.c.slot_id == TimeSlot.id), join_type="LEFT OUTER JOIN"))
    if where_mismatch:
        query = query.where((TimeSlot.current_bookings != n) | (n > TimeSlot.max_capacity)
                            | (TimeSlot.current_bookings > TimeSlot.max_capacity)
                            | (TimeSlot.current_bookings < 0))
    return query.order_by(TimeSlot.id).tuples()


def check_integrity() -> list[Problem]:
    """Every broken rule in the database: slots holding more active bookings
    than their capacity, slots whose counter differs from their active
    bookings, customers with two active bookings in one slot. Empty when sound."""

    def run():
        problems = []
        for slot_id, counter, capacity, active in _slot_counts(True):
            if active > capacity or counter > capacity:
                problems.append(Problem(
                    "overbooked", slot_id,
                    f"Slot {slot_id} is over-booked: {active} active bookings, "
                    f"counter {counter}, capacity {capacity}."))
            if counter != active:
                problems.append(Problem(
                    "counter_mismatch", slot_id,
                    f"Slot {slot_id}'s counter says {counter} but it holds {active} active "
                    f"booking{'' if active == 1 else 's'}."))
        for key in (Booking.email_key, Booking.phone_key):
            twice = (Booking.select(Booking.time_slot, key, fn.COUNT(Booking.id))
                     .where(Booking.status.in_(ACTIVE_STATUSES_SQL) & key.is_null(False))
                     .group_by(Booking.time_slot, key).having(fn.COUNT(Booking.id) > 1).tuples())
            for slot_id, value, count in twice:
                problems.append(Problem(
                    "duplicate_customer", slot_id,
                    f"Slot {slot_id} holds {count} active bookings for the same customer "
                    f"({value})."))
        return problems

    return run_read(run)


def _locked_counts(slot_id: int) -> tuple[int, int, int]:
    """The slot's counter, capacity and active bookings, read with the slot
    row locked on PostgreSQL: every booking, cancellation or move changes the
    counter under this lock, so none is in flight while we count."""
    query = (TimeSlot.select(TimeSlot.current_bookings, TimeSlot.max_capacity)
             .where(TimeSlot.id == slot_id))
    if is_postgres():
        query = query.for_update()
    counter, capacity = query.tuples().get()
    active = Booking.select().where((Booking.time_slot == slot_id)
                                    & Booking.status.in_(ACTIVE_STATUSES_SQL)).count()
    return counter, capacity, active


def repair_counters(by: User | None = None) -> list[dict]:
    """Set each slot's `current_bookings` to its number of active bookings,
    recording every change in the audit log. An over-booked slot cannot be
    repaired this way (its bookings must be moved or cancelled) and is left
    as it is. Owner only. Returns the changes made."""
    require_owner(by, "repair the booking counters")

    def work():
        moment = current_time()
        changes = []
        for slot_id, *_ in list(_slot_counts(True)):
            counter, capacity, active = _locked_counts(slot_id)
            if active == counter or active > capacity:
                continue
            TimeSlot.update(current_bookings=active).where(TimeSlot.id == slot_id).execute()
            change = {"slot_id": slot_id, "was": counter, "now": active}
            audit(by, "slot.repair_counter", "time_slot", slot_id, at=moment, was=counter,
                  now=active)
            changes.append(change)
        return changes

    return run_write(work)


def check_audit_chain() -> audit_chain.ChainStatus:
    """Walk the audit log's hash chain (migration 0011) and report the first
    event that was changed, removed, inserted afterwards or written without a
    hash; `intact` when every link holds."""
    return run_read(lambda: audit_chain.verify(models.database.obj))


def rebuild_audit_chain() -> int:
    """Chain the audit events that have no hash yet (restored from a backup
    made before the chain existed) onto the events before them; events with a
    hash are left as they are. Call inside the restore's transaction. Returns
    how many events were chained."""
    return run_write(lambda: audit_chain.fill_missing_hashes(models.database.obj))
