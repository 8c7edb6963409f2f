"""Reversible operations: what the desk's Ctrl+Z and Ctrl+Shift+Z run.

Each operation here performs one change through the ordinary services (so
every rule holds) and returns an `Outcome`: the result, a short description
("check-in of Maria Lopez") and the `Action` that reverses it. A reversal
carries the state it expects to find (reverse of a check-in: clear the
check-in of booking X, expecting it checked in at T and still active), so
the services refuse it, changing nothing, when another desk changed the
booking or slot meanwhile or the rules no longer allow it (slot full,
closed, begun, duplicate customer). Performing a reversal returns an
outcome in turn, whose reversal is the redo.

What may be undone is decided here, not in the windows: `reverse(outcome)`
is all an undo stack needs. Several bookings changed at once (`bulk`) are
one transaction; their reversal is all or nothing and says which bookings
stood in the way and why.

When the connection is lost in an operation's COMMIT (AnswerLost), whether
it was saved is found out once the database answers (`find_lost_answer`),
and a saved one's outcome is the one the answer would have given.
"""
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..db import is_postgres
from ..errors import (
    QT_TRANSLATE_NOOP,
    AnswerLost,
    Phrase,
    BookingError,
    DatabaseUnavailable,
    InvalidTransition,
    NotFound,
    SlotFull,
    SlotInPast,
)
from ..models import ACTIVE_STATUSES, AuditEvent, Booking, TimeSlot, User
from . import validation as v
from ._tx import run_read, run_write, savepoint
from .bookings import (
    locked_booking,
    status_words,
    cancel_booking,
    check_in_booking,
    clear_check_in,
    create_booking,
    local_time_words,
    reschedule_booking,
    set_booking_status,
)
from .calendar import set_slot_capacity
from .customers import merge_recorded, unmerge_customers
from .desk import DETAIL_FIELDS, BookingRow, reinstate_booking, row_of, update_booking_details
from .slots import set_slot_blocked

UNDONE_REASON = "Undone at the desk"


class NothingChanged(InvalidTransition):
    """The action would change nothing (confirming a confirmed booking): no
    step to undo is recorded."""


@dataclass(frozen=True)
class Refusal:
    what: str   # "K7M-4QX (Anna Schmidt)" or "Wed 2 Dec 10:00"
    why: str
    error: BookingError | None = field(default=None, compare=False)  # the refusal itself


class Refused(BookingError):
    """The rules (or another desk) stood in the way of part of an action;
    nothing was changed. `refusals` names each booking or slot and why."""

    def __init__(self, refusals: Sequence[Refusal],
                 lead: str = QT_TRANSLATE_NOOP("errors", "Nothing was changed")):
        self.refusals = tuple(refusals)
        self.lead = lead
        super().__init__(f"{lead}: " + "; ".join(
            f"{r.what}: {r.why}" if r.what else r.why for r in self.refusals) + ".")


@dataclass(frozen=True)
class Action:
    """An operation of this module with its arguments, not yet performed."""
    operation: Callable[..., "Outcome"]
    arguments: tuple[tuple[str, object], ...]

    def perform(self, by: User | None = None, now: datetime | None = None) -> "Outcome":
        return self.operation(**dict(self.arguments), by=by, now=now)

    def argument(self, name: str, default=None):
        return dict(self.arguments).get(name, default)


def action(operation: Callable[..., "Outcome"], **arguments) -> Action:
    """`action(cancel, booking=7, reason="ill")`: performed later, or as a
    part of `bulk`."""
    return Action(operation, tuple(arguments.items()))


@dataclass(frozen=True)
class Outcome:
    """What an operation did, and what changed: the bookings and slots it
    touched, the business they belong to, and (for bookings) the rows the
    desk shows for them after the change, so the view that acted can update
    itself without reading the day again."""
    description: str            # "check-in of Maria Lopez"
    result: object              # what the service returned (a list for bulk)
    reverse: Action             # performs the reversal, checking what it expects
    booking_ids: tuple[int, ...] = ()
    slot_ids: tuple[int, ...] = ()
    refusals: tuple[Refusal, ...] = ()  # bulk: the parts left out, and why
    rows: tuple[BookingRow, ...] = ()   # the changed bookings as the desk shows them now
    business_id: int | None = None
    kind: str = ""              # "booking" or "slot"; "" when a bulk mixed both


def reverse(outcome: Outcome, redo: bool = False, by: User | None = None,
            now: datetime | None = None) -> Outcome:
    """Undo (or, for an outcome of an undo, redo) `outcome`. Refused, with
    nothing changed, as `Refused` naming the booking or slot and why. The
    database out of reach stays DatabaseUnavailable (AnswerLost when lost in
    COMMIT: `find_lost_answer` tells whether the reversal was saved)."""
    lead = (QT_TRANSLATE_NOOP("errors", "Nothing was redone") if redo
            else QT_TRANSLATE_NOOP("errors", "Nothing was undone"))
    try:
        return outcome.reverse.perform(by=by, now=now)
    except DatabaseUnavailable:
        raise
    except Refused as exc:
        raise Refused(exc.refusals, lead) from exc
    except BookingError as exc:
        raise Refused([Refusal(_what(outcome.reverse), _why(exc), exc)], lead) from exc


def _write(work: Callable[[], "Outcome"]) -> "Outcome":
    """run_write(work); an AnswerLost also carries the outcome `work` had
    made, the answer that was lost (see find_lost_answer)."""
    made: list[Outcome] = []

    def noted() -> Outcome:
        made.append(work())
        return made[-1]

    try:
        return run_write(noted)
    except AnswerLost as lost:
        if made:
            lost.result = made[-1]
        raise


# --- bookings --------------------------------------------------------------------------

def _id(thing, what: str) -> int:
    return v.record_id(thing.id if isinstance(thing, (Booking, TimeSlot)) else thing, what)


def _booking_outcome(description: str, booking: Booking, reverse_action: Action,
                     *slot_ids: int) -> Outcome:
    """`booking` as the service returned it, its slot and creator loaded (so
    its row costs no query)."""
    return Outcome(description, booking, reverse_action, (booking.id,),
                   tuple(dict.fromkeys((booking.time_slot_id, *slot_ids))),
                   rows=(row_of(booking),), business_id=booking.business_id, kind="booking")


def book(slot: TimeSlot | int, customer_name, customer_email=None, customer_phone=None,
         source: str = "walk_in", status: str = "confirmed", notes: str = "",
         reference: str | None = None, by: User | None = None,
         now: datetime | None = None, customer=None) -> Outcome:
    """A new booking (see create_booking; `customer`: the customer picked, or
    None to find or make one by email or phone); undone by cancelling it.
    Given the `reference` of an attempt whose answer was lost, the booking
    that attempt saved is the result and nothing is booked twice."""
    booking = create_booking(slot, customer_name, customer_email, customer_phone, source=source,
                             status=status, notes=notes, reference=reference, by=by, now=now,
                             customer=customer)
    return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "booking of {name}"),
                                   name=booking.customer_name), booking, action(
        cancel, booking=booking.id, reason=UNDONE_REASON, expected_status=booking.status))


def cancel(booking: Booking | int, reason: str = "", expected_status: str | None = None,
           by: User | None = None, now: datetime | None = None) -> Outcome:
    """Cancel (see cancel_booking); undone by reinstating the previous status."""
    def work():
        current = locked_booking(booking)
        result = cancel_booking(current.id, reason, by=by, now=now,
                                expected_status=expected_status or current.status)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "cancellation of {name}"),
                                       name=current.customer_name), result, action(
            reinstate, booking=current.id, status=current.status, expected_status="cancelled"))

    return _write(work)


def reinstate(booking: Booking | int, status: str, expected_status: str,
              by: User | None = None, now: datetime | None = None) -> Outcome:
    """A cancelled, completed or no-show booking holds its place again (see
    reinstate_booking); undone by cancelling it again (same reason) or giving
    back the status it had."""
    def work():
        current = locked_booking(booking)
        result = reinstate_booking(current.id, status, by=by, now=now,
                                   expected_status=expected_status)
        if current.status == "cancelled":
            back = action(cancel, booking=current.id, reason=current.cancel_reason,
                          expected_status=result.status)
        else:
            back = action(set_status, booking=current.id, status=current.status,
                          expected_status=result.status)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "reinstatement of {name}"),
                                       name=current.customer_name), result, back)

    return _write(work)


_STATUS_NOUNS = {"pending": QT_TRANSLATE_NOOP("errors", "marking as pending"),
                 "confirmed": QT_TRANSLATE_NOOP("errors", "confirmation"),
                 "completed": QT_TRANSLATE_NOOP("errors", "completion"),
                 "no_show": QT_TRANSLATE_NOOP("errors", "no-show")}


def set_status(booking: Booking | int, status: str, expected_status: str | None = None,
               by: User | None = None, now: datetime | None = None) -> Outcome:
    """Change the status (see set_booking_status; "cancelled" cancels).
    NothingChanged when the booking already has it; undone by giving back the
    previous status (a place taken again where the status freed it)."""
    if status == "cancelled":
        return cancel(booking, expected_status=expected_status, by=by, now=now)

    def work():
        current = locked_booking(booking)
        if current.status == status and expected_status in (None, status):
            raise NothingChanged(QT_TRANSLATE_NOOP("errors", "{name} ({ref}) is already {status}; "
                                                             "nothing was changed."),
                                 params={"name": current.customer_name, "ref": current.reference,
                                         "status": status_words(status)})
        result = set_booking_status(current.id, status, by=by, now=now,
                                    expected_status=expected_status or current.status)
        if current.status in ACTIVE_STATUSES and status not in ACTIVE_STATUSES:
            back = action(reinstate, booking=current.id, status=current.status,
                          expected_status=status)
        else:
            back = action(set_status, booking=current.id, status=current.status,
                          expected_status=status)
        noun = _STATUS_NOUNS.get(status, status)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "{noun} of {name}"),
                                       noun=noun, name=current.customer_name), result, back)

    return _write(work)


def check_in(booking: Booking | int, by: User | None = None,
             now: datetime | None = None) -> Outcome:
    """Check in (see check_in_booking: on the booking's day only); undone by
    clearing the check-in, expecting it as this one left it."""
    def work():
        current = locked_booking(booking)
        result = check_in_booking(current.id, by=by, now=now)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "check-in of {name}"),
                                       name=current.customer_name), result, action(
            undo_check_in, booking=current.id, checked_in_at=result.checked_in_at,
            status=current.status))

    return _write(work)


def undo_check_in(booking: Booking | int, checked_in_at: datetime, status: str,
                  by: User | None = None, now: datetime | None = None) -> Outcome:
    """Clear a check-in (see clear_check_in); undone by checking in again."""
    def work():
        result = clear_check_in(booking, checked_in_at, status, by=by, now=now)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "undo of the check-in of {name}"),
                                       name=result.customer_name), result,
                                action(check_in, booking=result.id))

    return _write(work)


def reschedule(booking: Booking | int, slot: TimeSlot | int,
               expected_slot: TimeSlot | int | None = None, by: User | None = None,
               now: datetime | None = None) -> Outcome:
    """Move a booking (see reschedule_booking); undone by moving it back,
    expecting it still in the slot it was moved to."""
    def work():
        current = locked_booking(booking)
        result = reschedule_booking(current.id, slot, by=by, now=now,
                                    expected_slot=expected_slot or current.time_slot_id)
        where = local_time_words(result.business_id, result.time_slot.start)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "move of {name} to {when}"),
                                       name=current.customer_name, when=where), result, action(
            reschedule, booking=current.id, slot=current.time_slot_id,
            expected_slot=result.time_slot_id), current.time_slot_id)

    return _write(work)


def edit_details(booking: Booking | int, changes: dict, expected: dict | None = None,
                 by: User | None = None, now: datetime | None = None) -> Outcome:
    """Correct contact details or notes (see update_booking_details; `changes`
    maps customer_name, customer_email, customer_phone, notes to the new text,
    "" clearing an email or phone). NothingChanged when the values are already
    those; undone by writing back the previous values, expecting these."""
    def work():
        current = locked_booking(booking)
        before = {f: getattr(current, f) for f in DETAIL_FIELDS if f in changes}
        result = update_booking_details(current.id, by=by, now=now,
                                        expected=expected if expected is not None else before,
                                        **changes)
        after = {f: getattr(result, f) for f in before}
        if after == before:
            raise NothingChanged(QT_TRANSLATE_NOOP("errors", "The details of {ref} are already these; "
                                                             "nothing was changed."),
                                 params={"ref": current.reference})
        back = action(edit_details, booking=current.id,
                      changes={f: "" if v is None else v for f, v in before.items()},
                      expected=after)
        return _booking_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "edit of {name}'s details"),
                                       name=current.customer_name), result, back)

    return _write(work)


# --- slots -----------------------------------------------------------------------------

def _locked_slot(slot: TimeSlot | int) -> TimeSlot:
    query = TimeSlot.select().where(TimeSlot.id == _id(slot, "time slot"))
    found = (query.for_update() if is_postgres() else query).first()
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That time slot no longer exists."))
    return found


def _slot_outcome(description: str, slot: TimeSlot, reverse_action: Action) -> Outcome:
    return Outcome(description, slot, reverse_action, (), (slot.id,),
                   business_id=slot.business_id, kind="slot")


def set_blocked(slot: TimeSlot | int, blocked: bool, reason: str = "",
                expected_blocked: bool | None = None, expected_reason: str | None = None,
                by: User | None = None, now: datetime | None = None) -> Outcome:
    """Block a slot with a reason, or unblock it (see set_slot_blocked);
    undone by putting back the previous state and reason, expecting these."""
    def work():
        current = _locked_slot(slot)
        result = set_slot_blocked(
            current.id, blocked, by=by, now=now, reason=reason,
            expected_blocked=current.is_blocked if expected_blocked is None else expected_blocked,
            expected_reason=current.block_reason if expected_reason is None else expected_reason)
        if (result.is_blocked, result.block_reason) == (current.is_blocked, current.block_reason):
            raise NothingChanged(
                QT_TRANSLATE_NOOP("errors", "This time slot is already blocked; nothing was changed.")
                if blocked else
                QT_TRANSLATE_NOOP("errors", "This time slot is already open; nothing was changed."))
        when = local_time_words(current.business_id, current.start)
        back = action(set_blocked, slot=current.id, blocked=current.is_blocked,
                      reason=current.block_reason, expected_blocked=result.is_blocked,
                      expected_reason=result.block_reason)
        return _slot_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "block of {when}") if blocked
                                    else QT_TRANSLATE_NOOP("errors", "unblock of {when}"),
                                    when=when), result, back)

    return _write(work)


def set_capacity(slot: TimeSlot | int, capacity: int, expected_capacity: int | None = None,
                 by: User | None = None, now: datetime | None = None) -> Outcome:
    """Change a slot's places (see set_slot_capacity: never below its
    bookings); undone by the previous capacity, expecting this one."""
    def work():
        current = _locked_slot(slot)
        result = set_slot_capacity(
            current.id, capacity, by=by, now=now,
            expected_capacity=current.max_capacity if expected_capacity is None
            else expected_capacity)
        if result.max_capacity == current.max_capacity:
            raise NothingChanged(QT_TRANSLATE_NOOP("errors", "This time slot already takes {n}; nothing "
                                                             "was changed."), params={"n": capacity})
        when = local_time_words(current.business_id, current.start)
        back = action(set_capacity, slot=current.id, capacity=current.max_capacity,
                      expected_capacity=result.max_capacity)
        return _slot_outcome(Phrase(QT_TRANSLATE_NOOP("errors", "capacity change of {when}"),
                                    when=when), result, back)

    return _write(work)


# --- customers -------------------------------------------------------------------------

def merge_customers(keep, other, expected: dict | None = None, by: User | None = None,
                    now: datetime | None = None) -> Outcome:
    """Merge `other` (a customer or its id, or several: merged one after
    another, one step) into `keep` (see services.customers.merge_customers;
    owner only). Undone by `unmerge`: the records merged away are there
    again, with their ids, fields and the bookings that moved, and `keep` as
    it was; refused when that would overwrite a change made since (see
    unmerge_customers). `expected` (a redo): every field of each record as
    the undo left it; refused when one changed meanwhile."""
    others = tuple(other) if isinstance(other, (tuple, list)) else (other,)

    def work():
        row, records = merge_recorded(keep, others, expected=expected, by=by, now=now)
        names = ", ".join(dict(r.other)["name"] for r in records)
        return Outcome(Phrase(QT_TRANSLATE_NOOP("errors", "merge of {others} into {keep}"),
                              others=names, keep=row.name), row,
                       action(unmerge, records=records),
                       tuple(i for r in records for i in r.bookings),
                       business_id=row.business_id, kind="customer")

    return _write(work)


def unmerge(records: tuple, by: User | None = None, now: datetime | None = None) -> Outcome:
    """Take back the merges `records` say (services.customers.MergeRecord;
    see unmerge_customers); undone (redone) by merging the same records
    again, expecting them as this left them."""
    def work():
        row, restored, left = unmerge_customers(records, by=by, now=now)
        names = ", ".join(r.name for r in restored)
        return Outcome(Phrase(QT_TRANSLATE_NOOP("errors", "undo of the merge of {others} into "
                                                          "{keep}"),
                              others=names, keep=row.name), (row, *restored),
                       action(merge_customers, keep=row.id,
                              other=tuple(r.id for r in restored),
                              expected=tuple(left.items())),
                       tuple(i for r in records for i in r.bookings),
                       business_id=row.business_id, kind="customer")

    return _write(work)


# --- several at once ---------------------------------------------------------------------

def bulk(actions: Sequence[Action], noun: str, partial: bool = True, by: User | None = None,
         now: datetime | None = None) -> Outcome:
    """Perform several actions in one transaction, each in a savepoint so
    every refusal is heard. With `partial` (a desk's bulk action) the parts
    the rules refuse are left out and listed in `Outcome.refusals`, the
    others done; parts that change nothing are skipped. Without it (undo and
    redo of a bulk) it is all or nothing: one refusal and nothing changes.
    Raises Refused (naming each booking and why) when nothing was done,
    NothingChanged when every part was already so. The description reads
    "`noun` of 6 bookings"; the reversal is a bulk of the parts' reversals,
    all or nothing."""
    actions = tuple(actions)

    def work():
        outcomes, refusals = [], []
        for part in actions:
            try:
                with savepoint():
                    outcomes.append(part.perform(by=by, now=now))
            except NothingChanged:
                continue
            except BookingError as exc:
                refusals.append(Refusal(_what(part), _why(exc), exc))
        if refusals and (not partial or not outcomes):
            raise Refused(refusals)
        if not outcomes:
            raise NothingChanged(QT_TRANSLATE_NOOP("errors", "The selected bookings are already so; "
                                                             "nothing was changed."))
        return _bulk_outcome(outcomes, refusals, noun)

    return _write(work)


def _bulk_outcome(outcomes: list[Outcome], refusals: list[Refusal], noun: str) -> Outcome:
    if len(outcomes) == 1 and not refusals:
        description = outcomes[0].description
    else:
        description = Phrase(QT_TRANSLATE_NOOP("errors", "{noun} of {n} bookings"),
                             noun=noun, n=len(outcomes))
    back = action(bulk, actions=tuple(o.reverse for o in reversed(outcomes)), noun=noun,
                  partial=False)
    # A booking changed twice shows as the later change left it.
    rows = {row.id: row for o in outcomes for row in o.rows}
    businesses = {o.business_id for o in outcomes}
    kinds = {o.kind for o in outcomes}
    return Outcome(description, [o.result for o in outcomes], back,
                   tuple(i for o in outcomes for i in o.booking_ids),
                   tuple(dict.fromkeys(i for o in outcomes for i in o.slot_ids)),
                   tuple(refusals), rows=tuple(rows.values()),
                   business_id=businesses.pop() if len(businesses) == 1 else None,
                   kind=kinds.pop() if len(kinds) == 1 else "")


# --- an answer lost with the connection --------------------------------------------------

@dataclass(frozen=True)
class LostAnswer:
    """What the database shows of an operation whose answer was lost in its
    COMMIT (AnswerLost): `outcome` as if the answer had come (its reversal
    and rows included), or None when it was not saved."""
    what: str                 # "cancellation of Anna Schmidt (K7M-4QX)"
    outcome: Outcome | None


def can_find_lost_answer(lost: BaseException) -> bool:
    """Whether `find_lost_answer` can tell if the operation that met `lost`
    was saved: any operation of this module performed on its own, as an undo
    or redo (`reverse`) or as a `bulk`. Not `book`: a booking is looked up by
    the reference the desk drew for it (its AnswerLost carries no Outcome).
    Asks nothing of the database."""
    return (isinstance(lost, AnswerLost) and isinstance(lost.result, Outcome)
            and bool(lost.written))


def find_lost_answer(lost: AnswerLost) -> LostAnswer:
    """Once the database answers again after an operation met AnswerLost:
    whether it was saved. The operation's transaction wrote its audit events
    (one per booking or slot changed, in the same transaction as the change,
    the parts of a bulk included), and `lost` holds the id and hash of each,
    known before COMMIT. It was saved exactly when every one of them is there
    with that hash: the hash covers the id, the time, the account, the
    action, the booking or slot and the details, so an event written later
    by another desk (or by this account elsewhere), even one taking the same
    id on SQLite, is never taken for it, and a later change by another desk
    does not hide it. When saved, the outcome is the one the lost answer
    carried. LookupError for an AnswerLost `can_find_lost_answer` refuses;
    DatabaseUnavailable while the database is still out of reach."""
    if not can_find_lost_answer(lost):
        raise LookupError("whether this was saved cannot be found out")
    outcome, written = lost.result, dict(lost.written)

    def look():
        return dict(AuditEvent.select(AuditEvent.id, AuditEvent.hash)
                    .where(AuditEvent.id.in_(list(written))).tuples())

    saved = run_read(look) == written  # one transaction: all of them or none
    return LostAnswer(_lost_what(outcome), outcome if saved else None)


def _lost_what(outcome: Outcome) -> str:
    """"cancellation of Anna Schmidt (K7M-4QX)"; a bulk or slot: its description."""
    if len(outcome.rows) == 1 and len(outcome.booking_ids) <= 1:
        return Phrase(QT_TRANSLATE_NOOP("errors", "{what} ({ref})"), what=outcome.description,
                      ref=outcome.rows[0].reference)
    return outcome.description


# --- saying what stood in the way ---------------------------------------------------------

def _what(part: Action) -> str:
    """The booking ("K7M-4QX (Anna Schmidt)") or slot ("Wed 2 Dec 10:00") an
    action is about, for a refusal."""
    def look():
        booking_id, slot_id = part.argument("booking"), part.argument("slot")
        if booking_id is not None:
            found = Booking.get_or_none(Booking.id == _id(booking_id, "booking"))
            return f"{found.reference} ({found.customer_name})" if found else ""
        if slot_id is not None:
            found = TimeSlot.get_or_none(TimeSlot.id == _id(slot_id, "time slot"))
            return local_time_words(found.business_id, found.start) if found else ""
        return ""

    try:
        return run_read(look)
    except BookingError:  # the database went away: the reason alone still helps
        return ""


def _why(exc: BookingError) -> str:
    if isinstance(exc, SlotInPast):
        return "this time slot has already started"
    if isinstance(exc, SlotFull):
        return f"{str(exc)[0].lower()}{str(exc)[1:]}".rstrip(".").replace(
            "this time slot is", "its time slot is now")
    text = str(exc).rstrip(".")
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


__all__ = ["UNDONE_REASON", "Action", "LostAnswer", "NothingChanged", "Outcome", "Refusal",
           "Refused", "action", "book", "bulk", "can_find_lost_answer", "cancel", "check_in",
           "edit_details", "find_lost_answer", "merge_customers", "reinstate",
           "reschedule", "reverse", "set_blocked", "set_capacity", "set_status",
           "undo_check_in", "unmerge"]
