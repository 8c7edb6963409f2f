"""Booking, cancelling, rescheduling and changing a booking's status.

The rules hold in the database, whoever writes and however many at once:
a place is taken by a conditional counter update in the same transaction as
the insert (`current_bookings < max_capacity`, not blocked, not closed by the
opening hours, not begun; the row count says whether we got it), the CHECK constraint caps the counter, and
partial unique indexes allow one active booking per customer (email or phone)
per slot.
"""
import functools
import inspect
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from peewee import JOIN, IntegrityError

from .. import models
from ..audit_chain import CHAINED_BY_DATABASE
from ..clock import UTC
from ..db import is_postgres
from ..errors import (
    QT_TRANSLATE_NOOP,
    ClosedReason,
    Moment,
    DuplicateBooking,
    InvalidInput,
    InvalidTransition,
    NotFound,
    ReferenceInUse,
    SlotBlocked,
    SlotClosed,
    SlotFull,
    SlotInPast,
)
from ..models import (
    ACTIVE_STATUSES,
    ACTIVE_STATUSES_SQL,
    BOOKING_SOURCES,
    BOOKING_STATUSES,
    Booking,
    Business,
    TimeSlot,
    User,
)
from . import validation as v
from ._tx import (
    audit,
    audit_details,
    current_time,
    note_refusal,
    require_active,
    run_read,
    run_write,
)

# No 0/O, 1/I/L, U: easy to read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_TRIES = 5
# The longest slot generate_time_slots makes (slot_duration_minutes <= 720).
MAX_SLOT_LENGTH = timedelta(minutes=720)


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"


def local_when(instant: datetime, timezone: str) -> str:
    """An instant as the desk reads it, in the business's local time: "Tue 5 Mar 09:00"."""
    local = instant.astimezone(ZoneInfo(timezone))
    return Moment(f"{local:%a} {local.day} {local:%b %H:%M}", local.replace(tzinfo=None))


def _when(slot: TimeSlot) -> str:
    zone_name = Business.select(Business.timezone).where(Business.id == slot.business_id).scalar()
    return local_when(slot.start, zone_name)


def _local(business_id: int, instant: datetime) -> datetime:
    tz = ZoneInfo(Business.select(Business.timezone).where(Business.id == business_id).scalar())
    return instant.astimezone(tz)


def local_time_words(business_id: int, instant: datetime, with_time: bool = True) -> str:
    """`instant` in the business's local time as the desk says it: "Wed 2 Dec
    10:00" (or "Wed 2 Dec" without the time)."""
    local = _local(business_id, instant)
    day = f"{local:%a} {local.day} {local:%b}"
    return Moment(f"{day} {local:%H:%M}" if with_time else day, local.replace(tzinfo=None),
                  with_time)


def _refuse_place(slot_id: int, moment: datetime, closed_ok: bool = False) -> None:
    """The conditional update took no place: say why."""
    slot = TimeSlot.get_or_none(TimeSlot.id == slot_id)
    if slot is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That time slot no longer exists."))
    if slot.closed_reason and not closed_ok:
        raise SlotClosed(QT_TRANSLATE_NOOP("errors", "{reason}. This time can no longer be booked."),
                         params={"reason": ClosedReason(slot.closed_reason)}, slot_id=slot_id)
    if slot.is_blocked:
        raise SlotBlocked(QT_TRANSLATE_NOOP("errors", "This time slot is blocked and cannot be booked."),
                          slot_id=slot_id)
    if slot.start <= moment:
        raise SlotInPast(QT_TRANSLATE_NOOP("errors", "This time slot has already started; choose a "
                                                     "later one."), slot_id=slot_id)
    raise SlotFull(QT_TRANSLATE_NOOP("errors", "This time slot is full ({booked}/{places})."),
                   params={"booked": slot.current_bookings, "places": slot.max_capacity},
                   slot_id=slot_id)


def take_place(slot_id: int, moment: datetime, closed_ok: bool = False) -> None:
    """Take one place in the slot, or raise why not. `closed_ok`: a slot
    outside the opening hours may give it (only for handing back a place the
    booking held before, see desk.reinstate_booking)."""
    condition = ((TimeSlot.id == slot_id)
                 & (TimeSlot.current_bookings < TimeSlot.max_capacity)
                 & (TimeSlot.is_blocked == False)  # noqa: E712 (SQL)
                 & (TimeSlot.start > moment))
    if not closed_ok:
        condition &= TimeSlot.closed_reason == ""
    taken = (TimeSlot.update(current_bookings=TimeSlot.current_bookings + 1)
             .where(condition).execute())
    if taken != 1:
        _refuse_place(slot_id, moment, closed_ok)


def _free_place(slot_id: int) -> None:
    # A counter that already drifted to 0 stays there (check_integrity reports
    # it) rather than failing the customer's cancellation on the CHECK.
    (TimeSlot.update(current_bookings=TimeSlot.current_bookings - 1)
     .where((TimeSlot.id == slot_id) & (TimeSlot.current_bookings > 0)).execute())


def _freed(slot: TimeSlot) -> None:
    """The loaded slot as _free_place left it in the database."""
    slot.current_bookings = max(0, slot.current_bookings - 1)


def _lock_slots(*slot_ids: int) -> None:
    """PostgreSQL: lock slot rows in id order so two reschedules cannot deadlock.
    (SQLite's BEGIN IMMEDIATE already serialises writers.)"""
    if is_postgres():
        list(TimeSlot.select(TimeSlot.id).where(TimeSlot.id.in_(sorted(set(slot_ids))))
             .order_by(TimeSlot.id).for_update())


def _locked_slots(*slot_ids: int) -> dict[int, TimeSlot]:
    """The slots that exist among `slot_ids`, locked as _lock_slots does: one query."""
    query = (TimeSlot.select().where(TimeSlot.id.in_(sorted(set(slot_ids))))
             .order_by(TimeSlot.id))
    return {slot.id: slot for slot in (query.for_update() if is_postgres() else query)}


def refuse_duplicate(slot_id: int, email_key, phone_key, exclude_id=None) -> None:
    if email_key is None and phone_key is None:
        return
    same_customer = None
    if email_key is not None:
        same_customer = Booking.email_key == email_key
    if phone_key is not None:
        by_phone = Booking.phone_key == phone_key
        same_customer = by_phone if same_customer is None else (same_customer | by_phone)
    query = Booking.select(Booking.id).where(
        (Booking.time_slot == slot_id) & Booking.status.in_(ACTIVE_STATUSES_SQL) & same_customer)
    if exclude_id is not None:
        query = query.where(Booking.id != exclude_id)
    if query.exists():
        raise DuplicateBooking(QT_TRANSLATE_NOOP(
            "errors", "This customer already has a booking in this time slot."))


def booking_error_from_integrity(exc: IntegrityError) -> Exception:
    text = str(exc).lower()
    if "email_key" in text or "phone_key" in text or "per_email" in text or "per_phone" in text:
        return DuplicateBooking(QT_TRANSLATE_NOOP(
            "errors", "This customer already has a booking in this time slot."))
    if "current_bookings" in text or "time_slot_check" in text:
        return SlotFull(QT_TRANSLATE_NOOP("errors", "This time slot is full."))
    return exc


def refusal_reason(exc: BaseException) -> str | None:
    """The reason the Health window counts a refused booking under, or None
    for what is not a booking rule (bad input, permissions, a lost slot)."""
    if isinstance(exc, SlotClosed):  # before SlotBlocked, which it is a kind of
        return "closed"
    for kind, reason in ((SlotFull, "full"), (SlotInPast, "past"),
                         (DuplicateBooking, "duplicate"), (SlotBlocked, "blocked")):
        if isinstance(exc, kind):
            return reason
    return None


def _counting_refusals(slot_parameter: str):
    """Decorate a service that takes a place: a refusal by the booking rules
    is counted (`_tx.note_refusal`, after its transaction), then raised as it
    was. `slot_parameter` names the argument holding the slot asked for.
    Nothing is added to a call that succeeds."""
    def decorate(service):
        signature = inspect.signature(service)

        @functools.wraps(service)
        def counted(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except (SlotFull, SlotInPast, SlotBlocked, DuplicateBooking) as exc:
                arguments = signature.bind(*args, **kwargs).arguments
                slot = arguments.get(slot_parameter)
                slot_id = slot.id if isinstance(slot, TimeSlot) else slot
                if isinstance(slot_id, int) and not isinstance(slot_id, bool):
                    note_refusal(slot_id, refusal_reason(exc), arguments.get("now"))
                raise
        return counted
    return decorate


_BOOKING_COLUMNS = [f.column_name for f in Booking._meta.sorted_fields]
_SLOT_COLUMNS = [f.column_name for f in TimeSlot._meta.sorted_fields]


@functools.cache
def _walk_in_statement(by_someone: bool) -> str:
    """PostgreSQL: the whole booking in one statement. It takes the place (the
    conditional counter update: capacity, not blocked, not closed, not begun,
    and the acting account still active), inserts the booking with the slot's
    business and the statement's time, and writes the audit event (chained by
    the database, migration 0014); it returns the booking and the slot, or no
    row when the place could not be taken."""
    q = lambda name: '"' + name + '"'  # noqa: E731 ("end", "user")
    account = (f'account AS (SELECT 1 FROM {q("user")} WHERE id = %(by)s AND active), '
               if by_someone else "")
    return (
        f"WITH {account}"
        "moment AS (SELECT COALESCE(%(now)s::timestamp, CURRENT_TIMESTAMP AT TIME ZONE 'UTC') "
        "AS at), "
        "taken AS (UPDATE time_slot SET current_bookings = current_bookings + 1 "
        "WHERE id = %(slot)s AND current_bookings < max_capacity AND NOT is_blocked "
        "AND closed_reason = '' AND start > (SELECT at FROM moment)"
        + (" AND EXISTS (SELECT 1 FROM account)" if by_someone else "")
        + f" RETURNING {', '.join(q(c) for c in _SLOT_COLUMNS)}), "
        "booked AS (INSERT INTO booking (reference, time_slot_id, business_id, customer_name, "
        "customer_email, customer_phone, name_key, surname_key, email_key, phone_key, status, "
        "source, notes, created_at, updated_at, cancel_reason, created_by_id) "
        "SELECT %(reference)s, taken.id, taken.business_id, %(name)s, %(email)s, %(phone)s, "
        "%(name_key)s, %(surname_key)s, %(email_key)s, %(phone_key)s, %(status)s, %(source)s, "
        "%(notes)s, moment.at, moment.at, '', %(by)s FROM taken, moment "
        f"RETURNING {', '.join(q(c) for c in _BOOKING_COLUMNS)}), "
        "event AS (INSERT INTO audit_event (id, at, user_id, action, entity, entity_id, "
        "details, hash) SELECT 0, booked.created_at, %(by)s, 'booking.create', 'booking', "
        "booked.id, %(details)s, %(chain)s FROM booked) "
        f"SELECT {', '.join('booked.' + q(c) for c in _BOOKING_COLUMNS)}, "
        f"{', '.join('taken.' + q(c) for c in _SLOT_COLUMNS)} FROM booked, taken")


def _from_row(model, values):
    """A model instance from a row's values in the order of its fields."""
    instance = model(__no_default__=True)
    instance.__data__ = {f.name: f.python_value(value)
                         for f, value in zip(model._meta.sorted_fields, values)}
    return instance


def _made_by(booking: Booking, by, username: str | None = None) -> Booking:
    """`booking` with `created_by` loaded as far as a row needs it (id and
    username; the acting account's, for a booking it just made)."""
    if booking.created_by_id is not None:
        creator = User(__no_default__=True)
        creator.__data__ = {"id": booking.created_by_id,
                            "username": username if username is not None else by.username}
        booking.created_by = creator
    return booking


def _slot(slot_id: int) -> TimeSlot:
    """The slot, read with SQL written once (this is on every booking's path)."""
    statement = _SLOT_STATEMENT.replace("?", models.database.param)
    return _from_row(TimeSlot, models.database.execute_sql(statement, (slot_id,)).fetchone())


_SLOT_STATEMENT = (f"SELECT {', '.join(chr(34) + c + chr(34) for c in _SLOT_COLUMNS)} "
                   "FROM time_slot WHERE id = ?")


def _with_slot(booking: Booking, slot: TimeSlot | None = None) -> Booking:
    """`booking` with its `time_slot` loaded (one query unless given)."""
    booking.time_slot = slot if slot is not None else _slot(booking.time_slot_id)
    return booking


@_counting_refusals("time_slot")
def create_booking(time_slot: TimeSlot | int, customer_name, customer_email=None,
                   customer_phone=None, source: str = "walk_in", status: str = "confirmed",
                   notes: str = "", reference: str | None = None, by: User | None = None,
                   now: datetime | None = None) -> Booking:
    """Book one place in `time_slot` for a customer; email and phone are optional.

    Given a `reference` that already exists (a retry after a lost answer), the
    existing booking is returned and nothing new is booked, provided it is
    this customer's; a reference another customer's booking holds raises
    ReferenceInUse (a desk that drew it draws another). Raises SlotFull,
    SlotInPast, SlotBlocked, SlotClosed (outside the opening hours),
    DuplicateBooking (same email, case-insensitive, or same phone digits
    already active in the slot), InvalidInput, NotFound, PermissionDenied.

    The booking comes back with its `time_slot` (and `created_by`, when `by`
    is given) loaded. On PostgreSQL a booking that can be made is one
    statement (see _walk_in_statement): with BEGIN and COMMIT three round
    trips; only a refusal asks further why.
    """
    slot_id = v.record_id(time_slot.id if isinstance(time_slot, TimeSlot) else time_slot,
                          "time slot")
    name = v.customer_name(customer_name)
    email = v.email(customer_email)
    phone = v.phone(customer_phone)
    source = v.choice(source, BOOKING_SOURCES, "The booking source", "source")
    status = v.choice(status, ACTIVE_STATUSES, "A new booking's status", "status")
    notes = v.notes(notes)
    given_reference = v.reference(reference) if reference is not None else None
    name_key, surname_key = v.name_keys(name)
    email_key = email.lower() if email else None
    phone_key = v.phone_digits(phone)
    postgres = is_postgres()
    if postgres:
        given_now = current_time(now) if now is not None else None  # validated; no query
    else:
        require_active(by)

    def earlier_attempt(existing: Booking) -> Booking:
        """The booking an earlier attempt with this reference saved; never
        another customer's booking that happens to hold the same reference."""
        if (existing.name_key, existing.email_key, existing.phone_key) != (
                name_key, email_key, phone_key):
            raise ReferenceInUse(QT_TRANSLATE_NOOP("errors", "The reference {ref} belongs to another "
                                                   "booking; nothing was booked."),
                                 params={"ref": existing.reference}, reference=existing.reference)
        return _with_slot(existing)

    def saved_before(ref: str) -> Booking | None:
        # An earlier attempt with this reference may still be running: wait
        # for it (PostgreSQL) before looking, or we would see neither its
        # booking nor the place it took.
        _lock_slots(slot_id)
        existing = Booking.get_or_none(Booking.reference == ref)
        return None if existing is None else earlier_attempt(existing)

    def work_postgres(ref: str) -> Booking:
        details = audit_details(reference=ref, time_slot=slot_id, customer_name=name,
                                source=source, status=status)
        row = models.database.execute_sql(_walk_in_statement(by is not None), {
            "by": by.id if by is not None else None,
            "now": given_now.astimezone(UTC).replace(tzinfo=None) if given_now else None,
            "slot": slot_id, "reference": ref, "name": name, "email": email, "phone": phone,
            "name_key": name_key, "surname_key": surname_key, "email_key": email_key,
            "phone_key": phone_key, "status": status, "source": source, "notes": notes,
            "details": details, "chain": CHAINED_BY_DATABASE}).fetchone()
        if row is None:
            # Nothing was written. Say why, in the order the checks always ran.
            require_active(by)
            if given_reference is not None and (existing := saved_before(ref)) is not None:
                return existing
            _refuse_place(slot_id, current_time(now))
            raise AssertionError("the place was refused for no reason")  # pragma: no cover
        booking = _from_row(Booking, row[:len(_BOOKING_COLUMNS)])
        _with_slot(booking, _from_row(TimeSlot, row[len(_BOOKING_COLUMNS):]))
        return _made_by(booking, by)

    def work_sqlite(ref: str) -> Booking:
        if given_reference is not None and (existing := saved_before(ref)) is not None:
            return existing
        moment = current_time(now)
        take_place(slot_id, moment)
        slot = _slot(slot_id)
        # A second active booking of this customer in the slot is refused by the
        # partial unique indexes (IntegrityError -> DuplicateBooking below), so no
        # SELECT first: the database is the one place that decides.
        booking = Booking.create(
            reference=ref, time_slot=slot_id, business=slot.business_id, customer_name=name,
            customer_email=email,
            customer_phone=phone, name_key=name_key, surname_key=surname_key,
            email_key=email_key, phone_key=phone_key, status=status, source=source,
            notes=notes, created_at=moment, updated_at=moment,
            created_by=by.id if by is not None else None)
        audit(by, "booking.create", "booking", booking.id, at=moment, reference=ref,
              time_slot=slot_id, customer_name=name, source=source, status=status)
        _with_slot(booking, slot)
        return _made_by(booking, by)

    work = work_postgres if postgres else work_sqlite
    for _ in range(_REFERENCE_TRIES):
        ref = given_reference or new_reference()
        try:
            return run_write(lambda ref=ref: work(ref))
        except IntegrityError as exc:
            if given_reference is not None:
                # A retry whose first attempt was saved meanwhile (by another
                # process, or before the answer was lost): that booking, whichever
                # of its unique keys the database named first.
                existing = run_read(lambda ref=ref: Booking.get_or_none(Booking.reference == ref))
                if existing is not None:
                    return run_read(lambda found=existing: earlier_attempt(found))
            # Only the first line names the violated constraint; PostgreSQL's
            # DETAIL line quotes the customer's values, which may contain any word.
            if "reference" not in str(exc).partition("\n")[0].lower():
                raise booking_error_from_integrity(exc) from None
            if given_reference is not None:
                raise
    raise RuntimeError("could not draw an unused booking reference")


def refuse_if_changed(current: Booking, expected_status: str | None) -> None:
    """`expected_status`: what the desk saw (an undo knows what to go back to
    only if nobody changed the booking in between)."""
    if expected_status is not None and current.status != expected_status:
        raise InvalidTransition(
            QT_TRANSLATE_NOOP("errors", "Booking {ref} was changed at another desk meanwhile (it is "
                                        "now {status}); nothing was changed."),
            params={"ref": current.reference, "status": status_words(current.status)})


@functools.cache
def _locked_statement(postgres: bool) -> str:
    """The booking, its slot and its creator's name in one query; on
    PostgreSQL the booking row is locked (FOR UPDATE in a CTE of its own)."""
    q = lambda name: '"' + name + '"'  # noqa: E731 ("end", "user")
    columns = ", ".join(q(c) for c in _BOOKING_COLUMNS)
    locked = (f"WITH locked AS MATERIALIZED (SELECT {columns} FROM booking WHERE id = %s "
              "FOR UPDATE) " if postgres else "")
    return (
        f"{locked}SELECT {', '.join('b.' + q(c) for c in _BOOKING_COLUMNS)}, "
        f"{', '.join('s.' + q(c) for c in _SLOT_COLUMNS)}, u.username "
        f"FROM {'locked' if postgres else 'booking'} b "
        "JOIN time_slot s ON s.id = b.time_slot_id "
        f"LEFT JOIN {q('user')} u ON u.id = b.created_by_id"
        + ("" if postgres else " WHERE b.id = ?"))


def locked_booking(booking: Booking | int) -> Booking:
    """The booking, locked until the transaction ends (PostgreSQL), with its
    `time_slot` and `created_by` (id and username) loaded: one query. The
    lock is taken on the booking alone, in a CTE, so the slot joined to it is
    the one the booking is in once any concurrent change has committed."""
    booking_id = v.record_id(booking.id if isinstance(booking, Booking) else booking, "booking")
    row = models.database.execute_sql(_locked_statement(is_postgres()),
                                      (booking_id,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That booking no longer exists."))
    found = _from_row(Booking, row[:len(_BOOKING_COLUMNS)])
    _with_slot(found, _from_row(TimeSlot, row[len(_BOOKING_COLUMNS):-1]))
    return _made_by(found, None, row[-1])


def get_booking(booking_id: int) -> Booking:
    booking_id = v.record_id(booking_id, "booking")
    found = run_read(lambda: Booking.get_or_none(Booking.id == booking_id))
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That booking no longer exists."))
    return found


def find_booking(reference: str) -> Booking:
    ref = v.reference(reference)
    found = run_read(lambda: Booking.get_or_none(Booking.reference == ref))
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No booking with reference {ref}."),
                       params={"ref": ref})
    return found


def cancel_booking(booking: Booking | int, reason: str = "", by: User | None = None,
                   now: datetime | None = None, expected_status: str | None = None) -> Booking:
    """Cancel an active booking and free its place. Cancelled is final.
    Raises InvalidTransition (already cancelled, completed or no-show), NotFound."""
    require_active(by)
    reason = v.reason(reason)

    def work():
        current = locked_booking(booking)
        refuse_if_changed(current, expected_status)
        if current.status not in ACTIVE_STATUSES:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} is {status}; only a pending or confirmed "
                                            "booking can be cancelled."),
                params={"ref": current.reference, "status": status_words(current.status)})
        moment = current_time(now)
        (Booking.update(status="cancelled", cancelled_at=moment, cancel_reason=reason,
                        updated_at=moment)
         .where(Booking.id == current.id).execute())
        _free_place(current.time_slot_id)
        _freed(current.time_slot)
        audit(by, "booking.cancel", "booking", current.id, at=moment,
              reference=current.reference, reason=reason, previous_status=current.status)
        current.status, current.cancelled_at, current.cancel_reason = "cancelled", moment, reason
        current.updated_at = moment
        return current  # what the UPDATE wrote; no need to read it back

    return run_write(work)


@_counting_refusals("new_slot")
def reschedule_booking(booking: Booking | int, new_slot: TimeSlot | int, by: User | None = None,
                       now: datetime | None = None,
                       expected_slot: TimeSlot | int | None = None) -> Booking:
    """Move an active booking to another slot in one transaction: the customer
    never ends up with no place or two. The new slot must take a booking now
    (SlotFull, SlotInPast, SlotBlocked, SlotClosed, DuplicateBooking); InvalidTransition
    for an inactive booking, InvalidInput for the same slot or a slot of
    another business. `expected_slot`: where the desk saw the booking (an undo
    moves it back only from there); InvalidTransition when it was moved
    elsewhere meanwhile."""
    require_active(by)
    new_slot_id = v.record_id(new_slot.id if isinstance(new_slot, TimeSlot) else new_slot,
                              "time slot")
    if expected_slot is not None:
        expected_slot_id = v.record_id(
            expected_slot.id if isinstance(expected_slot, TimeSlot) else expected_slot,
            "time slot")
    else:
        expected_slot_id = None

    def work():
        current = locked_booking(booking)
        if expected_slot_id is not None and current.time_slot_id != expected_slot_id:
            start = current.time_slot.start
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} was moved at another desk meanwhile (it is "
                                            "now at {when}); nothing was changed."),
                params={"ref": current.reference,
                        "when": local_time_words(current.business_id, start)})
        if current.status not in ACTIVE_STATUSES:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} is {status} and cannot be moved."),
                params={"ref": current.reference, "status": status_words(current.status)})
        old_slot_id = current.time_slot_id
        if old_slot_id == new_slot_id:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The booking is already in that time slot."),
                               field="time_slot")
        moment = current_time(now)
        new = _locked_slots(old_slot_id, new_slot_id).get(new_slot_id)
        if new is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That time slot no longer exists."))
        if new.business_id != current.time_slot.business_id:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "That time slot belongs to another business; "
                                                           "book the customer there instead."),
                               field="time_slot")
        take_place(new_slot_id, moment)
        new.current_bookings += 1  # what take_place did
        refuse_duplicate(new_slot_id, current.email_key, current.phone_key, current.id)
        (Booking.update(time_slot=new_slot_id, updated_at=moment)
         .where(Booking.id == current.id).execute())
        _free_place(old_slot_id)
        audit(by, "booking.reschedule", "booking", current.id, at=moment,
              reference=current.reference, from_slot=old_slot_id, to_slot=new_slot_id)
        current.time_slot, current.updated_at = new, moment  # what the UPDATE wrote
        return current

    try:
        return run_write(work)
    except IntegrityError as exc:
        raise booking_error_from_integrity(exc) from None


# In sentences ("Booking K7M-4QX is cancelled"); marked, so the window translates them.
_STATUS_WORDS = {"pending": QT_TRANSLATE_NOOP("errors", "pending"),
                 "confirmed": QT_TRANSLATE_NOOP("errors", "confirmed"),
                 "cancelled": QT_TRANSLATE_NOOP("errors", "cancelled"),
                 "completed": QT_TRANSLATE_NOOP("errors", "completed"),
                 "no_show": QT_TRANSLATE_NOOP("errors", "marked as a no-show")}
# After "it cannot be marked …".
_MARK_WORDS = {"completed": QT_TRANSLATE_NOOP("errors", "completed"),
               "no_show": QT_TRANSLATE_NOOP("errors", "as a no-show")}
# Which status may follow which. cancelled is final; completed and no_show can
# be corrected into each other (a desk's slip), never back to holding a place.
_TRANSITIONS = {
    "pending": {"confirmed", "cancelled", "completed", "no_show"},
    "confirmed": {"pending", "cancelled", "completed", "no_show"},
    "completed": {"no_show"},
    "no_show": {"completed"},
    "cancelled": set(),
}


def status_words(status: str) -> str:
    return _STATUS_WORDS.get(status, status)


def set_booking_status(booking: Booking | int, status: str, by: User | None = None,
                       now: datetime | None = None,
                       expected_status: str | None = None) -> Booking:
    """Change a booking's status along the sensible transitions (see
    _TRANSITIONS). completed and no_show need the slot to have begun. Raises
    InvalidTransition, InvalidInput, NotFound."""
    require_active(by)
    status = v.choice(status, BOOKING_STATUSES, "The status", "status")
    if status == "cancelled":
        return cancel_booking(booking, by=by, now=now, expected_status=expected_status)

    def work():
        current = locked_booking(booking)
        refuse_if_changed(current, expected_status)
        if current.status == status:
            return current
        if status not in _TRANSITIONS[current.status]:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} is {status}; it cannot become {new}."),
                params={"ref": current.reference, "status": status_words(current.status),
                        "new": status_words(status)})
        moment = current_time(now)
        slot = current.time_slot
        if status in ("completed", "no_show") and slot.start > moment:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "The appointment has not begun yet; it cannot be marked "
                                            "{status} before {when}."),
                params={"status": _MARK_WORDS[status], "when": _when(slot)})
        Booking.update(status=status, updated_at=moment).where(Booking.id == current.id).execute()
        if current.status in ACTIVE_STATUSES and status not in ACTIVE_STATUSES:
            _free_place(current.time_slot_id)
            _freed(current.time_slot)
        audit(by, "booking.status", "booking", current.id, at=moment,
              reference=current.reference, previous_status=current.status, status=status)
        current.status, current.updated_at = status, moment  # what the UPDATE wrote
        return current

    return run_write(work)


def check_in_booking(booking: Booking | int, by: User | None = None,
                     now: datetime | None = None) -> Booking:
    """The customer has arrived: stamp `checked_in_at` (a pending booking
    becomes confirmed). Only on the booking's own day (the business's local
    date). Raises InvalidTransition for an inactive booking, one already
    checked in, or one of another day."""
    require_active(by)

    def work():
        current = locked_booking(booking)
        if current.status not in ACTIVE_STATUSES:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} is {status}; it cannot be checked in."),
                params={"ref": current.reference, "status": status_words(current.status)})
        if current.checked_in_at is not None:
            raise InvalidTransition(QT_TRANSLATE_NOOP("errors", "{name} is already checked in."),
                                    params={"name": current.customer_name})
        moment = current_time(now)
        start = current.time_slot.start
        if _local(current.business_id, start).date() != _local(current.business_id,
                                                               moment).date():
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "{name} ({ref}) is booked for {day}; check-in is "
                                            "possible on that day only."),
                params={"name": current.customer_name, "ref": current.reference,
                        "day": local_time_words(current.business_id, start, with_time=False)})
        (Booking.update(checked_in_at=moment, status="confirmed", updated_at=moment)
         .where(Booking.id == current.id).execute())
        audit(by, "booking.check_in", "booking", current.id, at=moment,
              reference=current.reference)
        current.checked_in_at, current.status, current.updated_at = moment, "confirmed", moment
        return current

    return run_write(work)


def clear_check_in(booking: Booking | int, checked_in_at: datetime, status: str = "confirmed",
                   by: User | None = None, now: datetime | None = None) -> Booking:
    """Undo of a check-in: the booking is no longer checked in and gets back
    the status it had before (`status`: pending or confirmed). It must still
    be active and checked in at `checked_in_at` (what the check-in wrote);
    otherwise InvalidTransition, nothing changed."""
    require_active(by)
    status = v.choice(status, ACTIVE_STATUSES, "The status", "status")

    def work():
        current = locked_booking(booking)
        if current.status not in ACTIVE_STATUSES:
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} is {status} now; its check-in cannot be "
                                            "taken back."),
                params={"ref": current.reference, "status": status_words(current.status)})
        if current.checked_in_at != checked_in_at or current.status != "confirmed":
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "Booking {ref} was changed at another desk meanwhile; "
                                            "nothing was changed."),
                params={"ref": current.reference})
        moment = current_time(now)
        (Booking.update(checked_in_at=None, status=status, updated_at=moment)
         .where(Booking.id == current.id).execute())
        audit(by, "booking.check_in_undo", "booking", current.id, at=moment,
              reference=current.reference, status=status)
        current.checked_in_at, current.status, current.updated_at = None, status, moment
        return current

    return run_write(work)


def bookings_with_slots(business: Business | None):
    query = (Booking.select(Booking, TimeSlot)
             .join(TimeSlot, JOIN.INNER, on=(Booking.time_slot == TimeSlot.id)))
    if business is not None:
        query = query.where(TimeSlot.business == business.id)
    return query


def _page(limit: int, offset: int) -> tuple[int, int]:
    return (v.integer(limit, "The page size", "limit", 1, 1000),
            v.integer(offset, "The offset", "offset", 0, 10**9))


def upcoming_bookings(business: Business | None = None, now: datetime | None = None,
                      limit: int = 50, offset: int = 0) -> list[Booking]:
    """Active bookings whose slot has not ended yet, soonest first; each with
    its `time_slot` loaded."""
    limit, offset = _page(limit, offset)
    moment = current_time(now)
    query = (bookings_with_slots(business)
             # start > now - longest slot follows from end > now; it lets the
             # (business, start) index begin near now, not at the first slot ever.
             .where((TimeSlot.end > moment) & (TimeSlot.start > moment - MAX_SLOT_LENGTH)
                    & Booking.status.in_(ACTIVE_STATUSES_SQL))
             .order_by(TimeSlot.start, Booking.id).limit(limit).offset(offset))
    return run_read(lambda: list(query))


def bookings_in_slots(slot_ids) -> list[Booking]:
    """Every booking of the given slots (the front desk's day), in slot order."""
    slot_ids = [v.record_id(i, "time slot") for i in slot_ids]
    if not slot_ids:
        return []
    query = (bookings_with_slots(None).where(Booking.time_slot.in_(slot_ids))
             .order_by(TimeSlot.start, Booking.created_at, Booking.id))
    return run_read(lambda: list(query))


def _prefix(field, text: str):
    """`field` starts with `text`, and the order to list matches in. A range,
    not LIKE: it uses the index on both databases with no wildcard escaping
    (PostgreSQL's indexes on these keys are in the "C" collation)."""
    key = field.collate('"C"') if is_postgres() else field
    return (key >= text) & (key < text + "\U0010ffff"), key


def text_matches(text: str) -> list[tuple]:
    """How typed text finds bookings, as (condition, order) pairs, most
    specific first: a reference (K7M-4QX, with or without the dash); phone
    digits when the text is mostly digits; else the start of the first name,
    of the last name and (one word) of the email. Each uses its index."""
    folded = " ".join(text.casefold().split())
    digits = v.phone_digits(text)
    matches = []
    candidate = text.strip().upper().replace("-", "")
    if len(candidate) == 6 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" for c in candidate):
        matches.append((Booking.reference == f"{candidate[:3]}-{candidate[3:]}", Booking.id))
    if digits is not None and len(digits) >= 3 and len(digits) * 2 >= len(text.strip()):
        matches.append(_prefix(Booking.phone_key, digits))
    else:
        matches.append(_prefix(Booking.name_key, folded))
        matches.append(_prefix(Booking.surname_key, folded))
        if " " not in folded:
            matches.append(_prefix(Booking.email_key, folded))
    return matches


def search_bookings(text, business: Business | None = None, limit: int = 50, offset: int = 0,
                    include_inactive: bool = True) -> list[Booking]:
    """Bookings whose reference matches `text`, or whose customer's name (any
    word start of the first or last name), email or phone digits start with it.
    Matches by reference first, then by name, email and phone, each in
    alphabetical order; each booking with its `time_slot` loaded."""
    text = v.text(text, "The search text", "text", 254)
    limit, offset = _page(limit, offset)
    wanted = limit + offset
    queries = text_matches(text)

    def run():
        found: dict[int, Booking] = {}
        for condition, order in queries:
            # By the booking's own business: the (business, key) indexes.
            query = bookings_with_slots(None).where(condition)
            if business is not None:
                query = query.where(Booking.business == business.id)
            if not include_inactive:
                query = query.where(Booking.status.in_(ACTIVE_STATUSES_SQL))
            for row in query.order_by(order, TimeSlot.start.desc(), Booking.id).limit(wanted):
                found.setdefault(row.id, row)
            if len(found) >= wanted:
                break
        return list(found.values())[offset:offset + limit]

    return run_read(run)


__all__ = [
    "REFERENCE_ALPHABET", "MAX_SLOT_LENGTH", "new_reference", "local_when", "local_time_words",
    "take_place", "refuse_duplicate", "booking_error_from_integrity", "create_booking",
    "refuse_if_changed", "locked_booking", "get_booking", "find_booking", "cancel_booking",
    "reschedule_booking", "status_words", "set_booking_status", "check_in_booking",
    "clear_check_in", "bookings_with_slots", "upcoming_bookings", "bookings_in_slots",
    "text_matches", "search_bookings",
]
