"""Checking that the data is sound, and repairing counters that drifted."""
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from .. import audit_chain, audit_redaction, models
from ..db import is_postgres
from ..models import ACTIVE_STATUSES_SQL, Booking, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write


@dataclass(frozen=True)
class Problem:
    kind: str  # "overbooked" | "counter_mismatch" | "duplicate_customer" | "key_mismatch"
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


def _beyond_ascii(column):
    """SQL: the text holds a character other than printable ASCII."""
    if is_postgres():
        return column.regexp("[^ -~]")
    return fn.GLOB("*[^ -~]*", column)


def _not_digits(column):
    if is_postgres():
        return column.regexp("[^0-9]")
    return fn.GLOB("*[^0-9]*", column)


def _digits(column):
    """SQL: a phone number without the characters a valid one may hold
    besides digits (validation.phone), i.e. its digits."""
    for ch in " +()./-":
        column = fn.REPLACE(column, ch, "")
    return column


def _key_candidates():
    """Active bookings whose keys may disagree with their values (a cancelled
    one's keys guard no rule), found in SQL: every one whose keys differ from what SQL
    works out, and every one SQL cannot judge (text beyond ASCII, where
    SQLite's lower() stops, or spaces the keys fold). A key SQL agrees with
    on plain ASCII is right; the candidates are judged in Python next."""
    b = Booking
    first_space = (fn.STRPOS if is_postgres() else fn.INSTR)(b.surname_key, " ")
    # "lima ana" -> "ana lima": the surname key is the name key from its last word.
    surname_back = fn.SUBSTR(b.surname_key, first_space + 1).concat(" ").concat(
        fn.SUBSTR(b.surname_key, 1, first_space))
    nothing = ""
    return (b.select(b.id, b.reference, b.time_slot, b.customer_name, b.customer_email,
                     b.customer_phone, b.name_key, b.surname_key, b.email_key, b.phone_key)
            .where(b.status.in_(ACTIVE_STATUSES_SQL))
            .where((b.name_key != fn.LOWER(b.customer_name))
                   | _beyond_ascii(b.customer_name) | b.customer_name.contains("  ")
                   | (fn.TRIM(b.customer_name) != b.customer_name)
                   | (surname_back != b.name_key.concat(" "))
                   | (fn.COALESCE(b.email_key, nothing)
                      != fn.COALESCE(fn.LOWER(b.customer_email), nothing))
                   | _beyond_ascii(b.customer_email)
                   | (fn.COALESCE(b.phone_key, nothing)
                      != fn.COALESCE(_digits(b.customer_phone), nothing))
                   | _not_digits(b.phone_key))
            .order_by(b.id).tuples())


def _key_problems() -> list[Problem]:
    problems = []
    for (_, reference, slot_id, name, email, phone, name_key, surname_key, email_key,
         phone_key) in _key_candidates():
        right_name, right_surname = v.name_keys(name)
        for what, stored, right, of, value in (
                ("name", name_key, right_name, "name", name),
                ("surname", surname_key, right_surname, "name", name),
                ("email", email_key, email.lower() if email else None, "email", email),
                ("phone", phone_key, v.phone_digits(phone), "phone", phone)):
            if stored != right:
                problems.append(Problem(
                    "key_mismatch", slot_id,
                    f"Booking {reference}'s {what} key {stored!r} does not match its {of} "
                    f"{value!r}."))
    return problems


def check_integrity() -> list[Problem]:
    """Every broken rule in the database: slots holding more active bookings
    than their capacity, slots whose counter differs from their active
    bookings, customers with two active bookings in one slot, and active
    bookings whose search and one-per-customer keys disagree with the name, email or
    phone they are made from (such a key lets a customer book twice in a
    slot unseen). Empty when sound."""

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
        return problems + _key_problems()

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


def audit_redactions() -> list[str]:
    """The rewrites the audit log has had (migration 0018 took booked names
    out of events written before customers existed), each in a sentence
    that names the chain's head as it was, so whoever noted that hash can
    tell this rewrite from tampering."""
    said = []
    for event_id, at, d in run_read(lambda: audit_redaction.redactions(models.database.obj)):
        when = f"{datetime.fromisoformat(at) if isinstance(at, str) else at:%Y-%m-%d %H:%M}"
        broken = (f" The chain did not hold at event {d['chain_broken_at']} before it and "
                  "still does not." if d.get("chain_broken_at") else "")
        head = (f"ended in event {d['to_event']} with hash {d['previous_head_hash']}"
                if d.get("previous_head_hash") else f"ended in event {d['to_event']}")
        said.append(f"Audit event {event_id} ({when} UTC, {d['rewritten_by']}) records a rewrite of the "
                    f"log: {d['events_redacted']:,} events from event {d['from_event']} on "
                    f"lost the booked person's name and contact details and "
                    f"{d['events_rechained']:,} more were chained again; before it the "
                    f"chain {head}.{broken}")
    return said


def rebuild_audit_chain() -> int:
    """Chain the audit events that have no hash yet onto the events before
    them, as migration 0011 did for the history before it; events with a
    hash are left as they are. The one UPDATE the append-only triggers let
    through. Nothing calls it at run time: a restore chains a backup made
    before 0011 in memory, before inserting it, and refuses an event without
    a hash in a newer one. Returns how many events were chained."""
    return run_write(lambda: audit_chain.fill_missing_hashes(models.database.obj))
