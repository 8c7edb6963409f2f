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
import operator
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from peewee import JOIN, Case, IntegrityError

from .. import keys, models
from ..audit_chain import CHAINED_BY_DATABASE
from ..clock import UTC
from ..db import is_postgres
from ..keys import with_terms
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
    Customer,
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
from .customers import add_search_terms, business_of_customer, customer_id, matching_customer_ids
from .search import Query, customer_fragment, prefix_columns, prefix_matches, read_query

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


_CUSTOMER_GONE = QT_TRANSLATE_NOOP("errors", "That customer's record no longer exists (it may "
                                             "have been merged into another); pick the customer "
                                             "again. Nothing was booked.")


def booking_error_from_integrity(exc: IntegrityError) -> Exception:
    text = str(exc).lower()
    if "booking_customer" in text.partition("\n")[0] or "its customer" in text:
        return NotFound(_CUSTOMER_GONE, field="customer")
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
def _walk_in_statement(by_someone: bool, given_customer: bool) -> str:
    """PostgreSQL: the whole booking in one statement. It takes the place (the
    conditional counter update: capacity, not blocked, not closed, not begun,
    the acting account still active and, when given, the customer one of the
    slot's business), finds the customer by email key or phone digits in
    the slot's business (the email's first, then the oldest record) or
    makes one, inserts the booking with the slot's business, its customer
    and the statement's time, and writes the audit event (chained by the
    database, migration 0014; its details are `audit_details`' text with
    the customer's id put first, as sorting the keys puts it). It returns
    the booking and the slot, or no row when the place could not be taken."""
    q = lambda name: '"' + name + '"'  # noqa: E731 ("end", "user")
    account = (f'account AS (SELECT 1 FROM {q("user")} WHERE id = %(by)s AND active), '
               if by_someone else "")
    if given_customer:
        customer = "who AS (SELECT %(customer)s::integer AS id, false AS created), "
    else:
        same = ('c.email_key COLLATE "C" = %(email_key)s '
                'OR c.phone_key COLLATE "C" = %(phone_key)s')
        customer = (
            "found AS (SELECT c.id FROM customer c, taken WHERE c.business_id = taken.business_id "
            f'AND ({same}) ORDER BY (c.email_key COLLATE "C" = %(email_key)s) IS TRUE DESC, c.id '
            "LIMIT 1), "
            "made AS (INSERT INTO customer (business_id, name, email, phone, name_key, "
            "surname_key, email_key, phone_key, notes, contact_ok, created_at, updated_at, "
            "search_text, search_phones) "
            "SELECT taken.business_id, %(name)s, %(email)s, %(phone)s, %(name_key)s, "
            "%(surname_key)s, %(email_key)s, %(phone_key)s, '', false, moment.at, moment.at, "
            "%(search_text)s, %(search_phones)s "
            "FROM taken, moment WHERE NOT EXISTS (SELECT 1 FROM found) RETURNING id), "
            "who AS (SELECT id, false AS created FROM found UNION ALL "
            "SELECT id, true FROM made), ")
    # The customer found (or given) is findable by this booking's name, email
    # and phone too (keys.with_terms: a term a line, each once, added at the end).
    missing = ("(strpos(E'\\n' || c.{column} || E'\\n', E'\\n' || {term} || E'\\n') = 0) "
               "IS TRUE")
    name_missing = missing.format(column="search_text", term="%(name_key)s")
    email_missing = (missing.format(column="search_text", term="%(email_term)s")
                     + " AND %(email_term)s <> %(name_key)s")
    phone_missing = missing.format(column="search_phones", term="%(phone_key)s")
    customer += (
        "grown AS (UPDATE customer c SET "
        f"search_text = concat_ws(E'\\n', NULLIF(c.search_text, ''), "
        f"CASE WHEN {name_missing} THEN %(name_key)s END, "
        f"CASE WHEN {email_missing} THEN %(email_term)s END), "
        f"search_phones = concat_ws(E'\\n', NULLIF(c.search_phones, ''), "
        f"CASE WHEN {phone_missing} THEN %(phone_key)s END) "
        f"FROM who WHERE c.id = who.id AND ({name_missing} OR ({email_missing}) "
        f"OR {phone_missing})), ")
    return (
        f"WITH {account}"
        "moment AS (SELECT COALESCE(%(now)s::timestamp, CURRENT_TIMESTAMP AT TIME ZONE 'UTC') "
        "AS at), "
        "taken AS (UPDATE time_slot SET current_bookings = current_bookings + 1 "
        "WHERE id = %(slot)s AND current_bookings < max_capacity AND NOT is_blocked "
        "AND closed_reason = '' AND start > (SELECT at FROM moment)"
        + (" AND EXISTS (SELECT 1 FROM account)" if by_someone else "")
        + (" AND EXISTS (SELECT 1 FROM customer c WHERE c.id = %(customer)s "
           "AND c.business_id = time_slot.business_id)" if given_customer else "")
        + f" RETURNING {', '.join(q(c) for c in _SLOT_COLUMNS)}), "
        + customer +
        "booked AS (INSERT INTO booking (reference, time_slot_id, business_id, customer_name, "
        "customer_email, customer_phone, name_key, surname_key, email_key, phone_key, status, "
        "source, notes, created_at, updated_at, cancel_reason, created_by_id, customer_id) "
        "SELECT %(reference)s, taken.id, taken.business_id, %(name)s, %(email)s, %(phone)s, "
        "%(name_key)s, %(surname_key)s, %(email_key)s, %(phone_key)s, %(status)s, %(source)s, "
        "%(notes)s, moment.at, moment.at, '', %(by)s, who.id FROM taken, moment, who "
        f"RETURNING {', '.join(q(c) for c in _BOOKING_COLUMNS)}), "
        "event AS (INSERT INTO audit_event (id, at, user_id, action, entity, entity_id, "
        "details, hash) SELECT 0, booked.created_at, %(by)s, 'booking.create', 'booking', "
        """booked.id, '{"customer": ' || who.id || CASE WHEN who.created """
        """THEN ', "customer_created": true' ELSE '' END || ', ' || substr(%(details)s, 2), """
        "%(chain)s FROM booked, who) "
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


def _refuse_customer(wanted: int, slot_id: int) -> None:
    """The customer given to create_booking must be one of the slot's
    business: NotFound when the record is gone, InvalidInput when it is
    another business's (a slot that does not exist is for take_place to say)."""
    business_id = business_of_customer(wanted)
    slot_business = TimeSlot.select(TimeSlot.business).where(TimeSlot.id == slot_id).scalar()
    if slot_business is not None and slot_business != business_id:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "That customer is a customer of another "
                                                       "business; book them there, or book this "
                                                       "business's record of them."),
                           field="customer")


def _customer_for(business_id: int, name: str, email: str | None, phone: str | None,
                  booking_keys: tuple, moment: datetime) -> tuple[int, bool]:
    """SQLite: the customer of a new booking in `business_id`, as the walk-in
    statement finds or makes one on PostgreSQL: the same email key or phone
    digits (the email's match first, then the oldest record), else a new
    record. Returns (id, made now)."""
    name_key, surname_key, email_key, phone_key = booking_keys
    if email_key is not None or phone_key is not None:
        same = None
        if email_key is not None:
            same = Customer.email_key == email_key
        if phone_key is not None:
            by_phone = Customer.phone_key == phone_key
            same = by_phone if same is None else (same | by_phone)
        first_email = Case(None, [(Customer.email_key == email_key, 0)], 1) \
            if email_key is not None else Customer.id
        found = (Customer.select(Customer.id)
                 .where((Customer.business == business_id) & same)
                 .order_by(first_email, Customer.id).limit(1).scalar())
        if found is not None:
            return found, False
    made = Customer.insert(business=business_id, name=name, email=email, phone=phone,
                           name_key=name_key, surname_key=surname_key, email_key=email_key,
                           phone_key=phone_key, notes="", contact_ok=False, created_at=moment,
                           updated_at=moment,
                           search_text=with_terms("", name_key, keys.email_term(email)),
                           search_phones=phone_key or "").execute()
    return made, True


@_counting_refusals("time_slot")
def create_booking(time_slot: TimeSlot | int, customer_name, customer_email=None,
                   customer_phone=None, source: str = "walk_in", status: str = "confirmed",
                   notes: str = "", reference: str | None = None, by: User | None = None,
                   now: datetime | None = None, customer=None) -> Booking:
    """Book one place in `time_slot` for a customer; email and phone are optional.

    `customer` (a Customer, a CustomerRow or its id) is who the booking is
    for; it must be a customer of the slot's business (NotFound when the
    record is gone, merged into another; InvalidInput when it is another
    business's). Without it, the customer is the one of the slot's business
    with the same email (case ignored) or phone digits (the email's match
    first), or a new record made from these details: a name alone never
    finds anyone. Either way the booking keeps its own copy of the name,
    email and phone as given. All in the one transaction.

    Given a `reference` that already exists (a retry after a lost answer), the
    existing booking is returned and nothing new is booked, provided it is
    this customer's; a reference another customer's booking holds raises
    ReferenceInUse (a desk that drew it draws another). Raises SlotFull,
    SlotInPast, SlotBlocked, SlotClosed (outside the opening hours),
    DuplicateBooking (same email, case-insensitive, or same phone digits
    already active in the slot), InvalidInput, NotFound, PermissionDenied.

    The audit event (booking.create) names the customer by id, with
    `customer_created` when the record was made by this booking.

    The booking comes back with its `time_slot` (and `created_by`, when `by`
    is given) loaded. On PostgreSQL a booking that can be made is one
    statement (see _walk_in_statement): with BEGIN and COMMIT three round
    trips; only a refusal asks further why.
    """
    slot_id = v.record_id(time_slot.id if isinstance(time_slot, TimeSlot) else time_slot,
                          "time slot")
    given_customer = customer_id(customer) if customer is not None else None
    name = v.customer_name(customer_name)
    email = v.email(customer_email)
    phone = v.phone(customer_phone)
    source = v.choice(source, BOOKING_SOURCES, "The booking source", "source")
    status = v.choice(status, ACTIVE_STATUSES, "A new booking's status", "status")
    notes = v.notes(notes)
    given_reference = v.reference(reference) if reference is not None else None
    name_key, surname_key = v.name_keys(name)
    email_key = v.email_key(email)
    phone_key = v.phone_digits(phone)
    email_term = keys.email_term(email)
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
        details = audit_details(reference=ref, time_slot=slot_id, source=source, status=status)
        row = models.database.execute_sql(
            _walk_in_statement(by is not None, given_customer is not None), {
                "by": by.id if by is not None else None,
                "now": given_now.astimezone(UTC).replace(tzinfo=None) if given_now else None,
                "slot": slot_id, "reference": ref, "name": name, "email": email,
                "phone": phone, "name_key": name_key, "surname_key": surname_key,
                "email_key": email_key, "phone_key": phone_key, "status": status,
                "source": source, "notes": notes, "customer": given_customer,
                "email_term": email_term, "search_text": with_terms("", name_key, email_term),
                "search_phones": phone_key or "",
                "details": details, "chain": CHAINED_BY_DATABASE}).fetchone()
        if row is None:
            # Nothing was written. Say why, in the order the checks always ran.
            require_active(by)
            if given_reference is not None and (existing := saved_before(ref)) is not None:
                return existing
            if given_customer is not None:
                _refuse_customer(given_customer, slot_id)
            _refuse_place(slot_id, current_time(now))
            raise AssertionError("the place was refused for no reason")  # pragma: no cover
        booking = _from_row(Booking, row[:len(_BOOKING_COLUMNS)])
        _with_slot(booking, _from_row(TimeSlot, row[len(_BOOKING_COLUMNS):]))
        return _made_by(booking, by)

    def work_sqlite(ref: str) -> Booking:
        if given_reference is not None and (existing := saved_before(ref)) is not None:
            return existing
        if given_customer is not None:
            _refuse_customer(given_customer, slot_id)
        moment = current_time(now)
        take_place(slot_id, moment)
        slot = _slot(slot_id)
        if given_customer is not None:
            who, made = given_customer, False
        else:
            who, made = _customer_for(slot.business_id, name, email, phone,
                                      (name_key, surname_key, email_key, phone_key), moment)
        if not made:
            add_search_terms(who, name, email, phone)
        # A second active booking of this customer in the slot is refused by the
        # partial unique indexes (IntegrityError -> DuplicateBooking below), so no
        # SELECT first: the database is the one place that decides.
        booking = Booking.create(
            reference=ref, time_slot=slot_id, business=slot.business_id, customer_name=name,
            customer_email=email,
            customer_phone=phone, name_key=name_key, surname_key=surname_key,
            email_key=email_key, phone_key=phone_key, status=status, source=source,
            notes=notes, created_at=moment, updated_at=moment,
            created_by=by.id if by is not None else None, customer=who)
        created = {"customer_created": True} if made else {}
        audit(by, "booking.create", "booking", booking.id, at=moment, customer=who, **created,
              reference=ref, time_slot=slot_id, source=source, status=status)
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
            first_line = str(exc).partition("\n")[0].lower()
            if "booking_customer" in first_line and given_customer is None:
                continue  # the customer found was merged away meanwhile: find it again
            if "reference" not in first_line:
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


def booking_text_condition(query: Query, business_id: int | None = None):
    """The bookings typed text finds, as one condition (the bookings table's
    filter, the exports): the reference, a prefix of the booking's own name,
    surname, email or phone digits, or (3 characters or more) a fragment of
    its customer's (services.search). `business_id` narrows the customers
    the fragment looks at (the caller filters the bookings)."""
    conditions = [Booking.reference == query.reference] if query.reference else []
    conditions += [condition for condition, _order in prefix_matches(Booking, query)]
    if query.fragment:
        customers = Customer.select(Customer.id).where(customer_fragment(query))
        if business_id is not None:
            customers = customers.where(Customer.business == business_id)
        conditions.append(Booking.customer.in_(customers))
    if not conditions:
        return Booking.id.is_null()  # text that folds to nothing finds nothing
    return functools.reduce(operator.or_, conditions)


def search_bookings(text, business: Business | None = None, limit: int = 50, offset: int = 0,
                    include_inactive: bool = True) -> list[Booking]:
    """Bookings found by what the desk types (services.search), best first:
    the booking with that reference; those whose own name (full or last),
    email or phone digits start with it, each in that key's order; then
    (3 characters or more) the bookings of the customers found by a
    fragment of their name, email or phone ("eber" finds Weber, "5583" a
    phone ending in it, "Unal" Ünal), the best-matching customer first, a
    customer's newest booking first. Each booking with its `time_slot`
    loaded. Raises InvalidInput."""
    query = read_query(text)
    limit, offset = _page(limit, offset)
    wanted = limit + offset
    business_id = business.id if business is not None else None
    postgres, param = is_postgres(), models.database.param
    scope = (business_id is not None, not include_inactive)
    extra = (business_id,) if business_id is not None else ()

    def rows(statement: str, *params) -> list[Booking]:
        found = []
        for values in models.database.execute_sql(statement, params):
            booking = _from_row(Booking, values[:len(_BOOKING_COLUMNS)])
            found.append(_with_slot(booking, _from_row(TimeSlot, values[len(_BOOKING_COLUMNS):])))
        return found

    def run():
        found: dict[int, Booking] = {}
        tiers = [("reference", (query.reference,))] if query.reference else []
        tiers += [(column, (query.needle, query.needle + "\U0010ffff"))
                  for column in prefix_columns(query)]
        for column, bounds in tiers:
            if len(found) >= wanted:
                break
            statement = _search_statement(column, *scope, postgres, param)
            for row in rows(statement, *bounds, *extra, wanted):
                found.setdefault(row.id, row)
        if len(found) < wanted and query.fragment:
            # The prefixes of their own keys were looked up above (the booking's).
            customers = matching_customer_ids(query, business_id, max(wanted, 20),
                                              prefixes=False)
            place = {cid: n for n, cid in enumerate(customers)}
            statement = _customers_bookings_statement(len(customers), *scope, param)
            theirs = rows(statement, *customers, *extra) if customers else []
            theirs.sort(key=lambda b: (place[b.customer_id], -b.time_slot.start.timestamp(),
                                       b.id))
            for row in theirs:
                found.setdefault(row.id, row)
        return list(found.values())[offset:offset + limit]

    return run_read(run)


_SEARCH_SELECT = (f"SELECT {', '.join('b.' + chr(34) + c + chr(34) for c in _BOOKING_COLUMNS)}, "
                  f"{', '.join('s.' + chr(34) + c + chr(34) for c in _SLOT_COLUMNS)} "
                  "FROM booking b JOIN time_slot s ON s.id = b.time_slot_id WHERE ")


def _search_scope(by_business: bool, active_only: bool) -> str:
    # By the booking's own business: the (business, key) indexes.
    return ((" AND b.business_id = ?" if by_business else "")
            + (" AND b.status IN ('pending', 'confirmed')" if active_only else ""))


@functools.cache
def _search_statement(column: str, by_business: bool, active_only: bool, postgres: bool,
                      param: str) -> str:
    """search_bookings' reference and prefix tiers (SQL written once: this is
    on every keystroke of the search box)."""
    if column == "reference":
        where, order = "b.reference = ?", "b.id"
    else:
        order = f'b.{column} COLLATE "C"' if postgres else f"b.{column}"
        where = f"{order} >= ? AND {order} < ?"
    return (_SEARCH_SELECT + where + _search_scope(by_business, active_only)
            + f" ORDER BY {order}, s.start DESC, b.id LIMIT ?").replace("?", param)


@functools.cache
def _customers_bookings_statement(count: int, by_business: bool, active_only: bool,
                                  param: str) -> str:
    return (_SEARCH_SELECT + f"b.customer_id IN ({', '.join(['?'] * count)})"
            + _search_scope(by_business, active_only)).replace("?", param)


__all__ = [
    "REFERENCE_ALPHABET", "MAX_SLOT_LENGTH", "new_reference", "local_when", "local_time_words",
    "take_place", "refuse_duplicate", "booking_error_from_integrity", "create_booking",
    "refuse_if_changed", "locked_booking", "get_booking", "find_booking", "cancel_booking",
    "reschedule_booking", "status_words", "set_booking_status", "check_in_booking",
    "clear_check_in", "bookings_with_slots", "upcoming_bookings", "bookings_in_slots",
    "booking_text_condition", "search_bookings",
]
