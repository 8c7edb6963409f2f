"""What the front-desk windows show, as plain frozen rows (no live ORM
objects in Qt models): the day's slots with their bookings, the free slots
a desk offers, the bookings table (filtered, sorted and paged in the
database), one booking by id or reference, customer suggestions, and a
change token the windows poll to see other desks' work.
"""
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from datetime import date, datetime

from peewee import JOIN, IntegrityError, fn

from .. import models
from ..db import is_postgres
from ..clock import UTC
from ..errors import QT_TRANSLATE_NOOP, InvalidInput, InvalidTransition, NotFound
from ..models import (
    ACTIVE_STATUSES,
    BOOKING_SOURCES,
    BOOKING_STATUSES,
    AuditEvent,
    Booking,
    Business,
    TimeSlot,
    User,
)
from . import validation as v
from ._tx import audit, current_time, require_active, run_read, run_write
from .businesses import BusinessRow
from .bookings import (
    booking_error_from_integrity,
    booking_text_condition,
    bookings_with_slots,
    locked_booking,
    refuse_duplicate,
    refuse_if_changed,
    take_place,
)
from .customers import add_search_terms, business_of_customer, customer_id, find_customers
from .search import read_query
from .slots import available_slots, day_bounds, nearest_free_slot, next_free_slot


@dataclass(frozen=True)
class BookingRow:
    id: int
    reference: str
    slot_id: int
    start: datetime
    end: datetime
    customer_name: str
    customer_email: str | None
    customer_phone: str | None
    status: str
    source: str
    notes: str
    checked_in_at: datetime | None
    created_at: datetime
    created_by: str | None
    cancel_reason: str = ""
    business_id: int | None = None  # the booking's own (a view may show several)
    customer_id: int | None = None  # who it is for (services.customers; the card)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True)
class SlotRow:
    id: int
    start: datetime
    end: datetime
    max_capacity: int
    current_bookings: int
    is_blocked: bool
    # Its bookings where they were asked for (day_schedule); () from the
    # calls that offer free slots (free_slots, free_slot_to_offer).
    bookings: tuple[BookingRow, ...] = ()
    # Why the slot lies outside the opening hours ("Closed: Public holiday");
    # "" inside them. A closed slot takes no new booking.
    closed_reason: str = ""
    block_reason: str = ""

    @property
    def is_full(self) -> bool:
        return self.current_bookings >= self.max_capacity

    @property
    def listed(self) -> bool:
        """Whether a day list shows the slot: not when the hours closed it and
        it holds no booking (a holiday's slots; the day says it is closed)."""
        return not self.closed_reason or bool(self.bookings)

    def state(self, now: datetime) -> str:
        """free | filling | full | blocked | closed | started | past"""
        if self.end <= now:
            return "past"
        if self.start <= now:
            return "started"
        if self.closed_reason:
            return "closed"
        if self.is_blocked:
            return "blocked"
        if self.is_full:
            return "full"
        return "filling" if self.current_bookings * 2 >= self.max_capacity else "free"


def _row(booking: Booking, username: str | None = None) -> BookingRow:
    slot = booking.time_slot
    return BookingRow(
        id=booking.id, reference=booking.reference, slot_id=slot.id, start=slot.start,
        end=slot.end, customer_name=booking.customer_name,
        customer_email=booking.customer_email, customer_phone=booking.customer_phone,
        status=booking.status, source=booking.source, notes=booking.notes,
        checked_in_at=booking.checked_in_at, created_at=booking.created_at,
        created_by=username, cancel_reason=booking.cancel_reason or "",
        business_id=booking.business_id, customer_id=booking.customer_id)


def row_of(booking: Booking) -> BookingRow:
    """The desk's row of a booking as an operation returned it. No query when
    its `time_slot` and `created_by` are loaded, as the services' mutations
    return them (create_booking, locked_booking and what follows from it);
    otherwise they are read."""
    creator = booking.created_by if booking.created_by_id is not None else None
    return _row(booking, creator.username if creator is not None else None)


def _rows(query) -> list[BookingRow]:
    bookings = list(query)
    creators = {b.created_by_id for b in bookings} - {None}
    names = dict(User.select(User.id, User.username).where(User.id.in_(list(creators))).tuples()) \
        if creators else {}
    return [_row(b, names.get(b.created_by_id)) for b in bookings]


_DAY_SLOT_FIELDS = (TimeSlot.id, TimeSlot.start, TimeSlot.end, TimeSlot.max_capacity,
                    TimeSlot.current_bookings, TimeSlot.is_blocked, TimeSlot.closed_reason,
                    TimeSlot.block_reason)
_DAY_BOOKING_FIELDS = (Booking.id, Booking.reference, Booking.customer_name,
                       Booking.customer_email, Booking.customer_phone, Booking.status,
                       Booking.source, Booking.notes, Booking.checked_in_at, Booking.created_at,
                       User.username, Booking.cancel_reason, Booking.customer)


def day_schedule(business: Business, day, include_cancelled: bool = False) -> list[SlotRow]:
    """Every slot of the business on the local date, in time order, with its
    bookings (active ones, plus the cancelled when asked), in the order they
    were made. One query: the slots LEFT JOIN their bookings LEFT JOIN who
    made each."""
    day = v.a_date(day, "The day", "day")
    lo, hi = day_bounds(business, day)
    joined = Booking.time_slot == TimeSlot.id
    if not include_cancelled:
        joined &= Booking.status != "cancelled"

    def run():
        query = (TimeSlot.select(*_DAY_SLOT_FIELDS, *_DAY_BOOKING_FIELDS)
                 .join(Booking, JOIN.LEFT_OUTER, on=joined)
                 .join(User, JOIN.LEFT_OUTER, on=(Booking.created_by == User.id))
                 .where((TimeSlot.business == business.id)
                        & (TimeSlot.start >= lo) & (TimeSlot.start < hi))
                 .order_by(TimeSlot.start, TimeSlot.id, Booking.created_at, Booking.id)
                 .tuples())
        slots: dict[int, tuple] = {}
        bookings: dict[int, list[BookingRow]] = {}
        width = len(_DAY_SLOT_FIELDS)
        for values in query:
            slot, booking = values[:width], values[width:]
            if slot[0] not in slots:
                slots[slot[0]], bookings[slot[0]] = slot, []
            if booking[0] is not None:
                (booking_id, reference, name, email, phone, status, source, notes,
                 checked_in_at, created_at, username, cancel_reason, customer_id) = booking
                bookings[slot[0]].append(BookingRow(
                    booking_id, reference, slot[0], slot[1], slot[2], name, email, phone,
                    status, source, notes, checked_in_at, created_at, username,
                    cancel_reason or "", business_id=business.id, customer_id=customer_id))
        return [SlotRow(slot_id, start, end, capacity, taken, blocked,
                        tuple(bookings[slot_id]), closed, block_reason=block_reason)
                for slot_id, (_, start, end, capacity, taken, blocked, closed, block_reason)
                in slots.items()]

    return run_read(run)


def _slot_row(slot: TimeSlot) -> SlotRow:
    """A slot without its bookings (for offering free places)."""
    return SlotRow(slot.id, slot.start, slot.end, slot.max_capacity, slot.current_bookings,
                   slot.is_blocked, (), slot.closed_reason, block_reason=slot.block_reason)


def free_slots(business: BusinessRow | Business, date_from, date_to=None,
               now: datetime | None = None) -> list[SlotRow]:
    """The bookable slots of the local dates, as rows without their bookings
    (see available_slots). Raises InvalidInput."""
    return [_slot_row(s) for s in available_slots(business, date_from, date_to, now=now)]


def free_slot_to_offer(business: BusinessRow | Business, day, around: datetime | None = None,
                       now: datetime | None = None) -> SlotRow | None:
    """The free slot a desk offers for the local date `day`: the one nearest
    to `around` on that day (see nearest_free_slot), else, when that day has
    none, the first from now on within four weeks (next_free_slot); None when
    there is none. Raises InvalidInput."""
    slot = nearest_free_slot(business, day, around=around, now=now)
    if slot is None:
        slot = next_free_slot(business, now=now)
    return _slot_row(slot) if slot is not None else None


@dataclass(frozen=True)
class BookingFilter:
    """What the bookings table shows. Dates are the business's local dates:
    of the appointment (the slot's start), or with `basis="booked"` of the
    moment the booking was made (the reports' switch, which exports from the
    report view follow)."""
    business_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    text: str = ""
    basis: str = "appointment"

    def with_(self, **changes) -> "BookingFilter":
        return replace(self, **changes)

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The first and last date the filter covers: a date given alone is
        one day; (None, None) for any date."""
        return self.date_from or self.date_to, self.date_to or self.date_from


SORT_COLUMNS = {
    "start": TimeSlot.start,
    "customer_name": Booking.name_key,
    "customer_email": Booking.email_key,
    "customer_phone": Booking.phone_key,
    "status": Booking.status,
    "source": Booking.source,
    "checked_in_at": Booking.checked_in_at,
    "created_at": Booking.created_at,
    "reference": Booking.reference,
}


def filtered_bookings(flt: BookingFilter):
    business = None
    if flt.business_id is not None:
        business = Business.get_or_none(
            Business.id == v.record_id(flt.business_id, "business"))
        if business is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That business no longer exists."))
    query = bookings_with_slots(business)
    if flt.date_from or flt.date_to:
        if business is None:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "Choose a business to filter by date."),
                               field="date_from")
        first, last = v.date_range(*flt.period)
        lo, hi = day_bounds(business, first, last)
        if v.choice(flt.basis, ("appointment", "booked"), "The date basis", "basis") == "booked":
            # along the index on booking (business_id, created_at)
            query = query.where((Booking.business == business.id) & (Booking.created_at >= lo)
                                & (Booking.created_at < hi))
        else:
            query = query.where((TimeSlot.start >= lo) & (TimeSlot.start < hi))
    if flt.statuses:
        for status in flt.statuses:
            v.choice(status, BOOKING_STATUSES, "The status", "status")
        query = query.where(Booking.status.in_(list(flt.statuses)))
    if flt.sources:
        for source in flt.sources:
            v.choice(source, BOOKING_SOURCES, "The source", "source")
        query = query.where(Booking.source.in_(list(flt.sources)))
    text = (flt.text or "").strip()
    if text:
        query = query.where(booking_text_condition(read_query(text), flt.business_id))
    return query


def list_bookings(flt: BookingFilter = BookingFilter(), sort: str = "start",
                  descending: bool = False, limit: int = 200, offset: int = 0) -> list[BookingRow]:
    """One page of the bookings table, filtered and sorted in the database."""
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise InvalidInput(f"Cannot sort by {sort!r}.", field="sort")
    limit = v.integer(limit, "The page size", "limit", 1, 5000)
    offset = v.integer(offset, "The offset", "offset", 0, 10**9)
    order = column.desc() if descending else column.asc()
    tie = Booking.id.desc() if descending else Booking.id.asc()

    def run():
        query = filtered_bookings(flt).order_by(order, tie).limit(limit).offset(offset)
        return _rows(query)

    return run_read(run)


def count_bookings(flt: BookingFilter = BookingFilter()) -> int:
    return run_read(lambda: filtered_bookings(flt).count())


@dataclass(frozen=True)
class Customer:
    """A typeahead suggestion: a customer (services.customers) as the walk-in
    form fills it in, with their figures for the line under the name."""
    name: str
    email: str | None
    phone: str | None
    id: int | None = None
    visits: int = 0
    no_shows: int = 0
    last_visit: datetime | None = None
    notes: str = ""

    def label(self) -> str:
        extra = " · ".join(x for x in (self.phone, self.email) if x)
        return f"{self.name} ({extra})" if extra else self.name


def customer_suggestions(text, business: Business | None = None, limit: int = 8) -> list[Customer]:
    """The customers of `business` the typed text finds (find_customers: any
    fragment of the name, email or phone, a reference; best first), once
    two characters are typed."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if len(text) < 2:
        return []
    return [Customer(row.name, row.email, row.phone, row.id, row.visits, row.no_shows,
                     row.last_visit, row.notes)
            for row in find_customers(text, business, limit=limit)]


# How alike a typed name must stay to the picked customer's (difflib's ratio
# of the folded names) for the booking to stay theirs: a typo put right
# ("Roberta Regullar") keeps them; another name ("Maria Regular") does not.
SAME_NAME_RATIO = 0.8


def still_describes(customer, name: str, email: str | None = None,
                    phone: str | None = None) -> bool:
    """Whether what the desk typed after picking `customer` (a typeahead
    `Customer` or a `CustomerRow`) still describes them, so a booking made now
    is theirs. No: the name is gone or no longer alike (case, accents and
    spacing aside; see SAME_NAME_RATIO), or the phone or email typed differs
    from one the customer has (other digits, another address). A phone or
    email typed where the customer has none adds to their details. No query."""
    typed = v.folded(name or "")
    if not typed:
        return False
    known = v.folded(customer.name or "")
    if typed != known and SequenceMatcher(None, typed, known).ratio() < SAME_NAME_RATIO:
        return False
    digits, their_digits = v.phone_digits(phone), v.phone_digits(customer.phone)
    if digits and their_digits and digits != their_digits:
        return False
    key, their_key = v.email_key((email or "").strip()), v.email_key(customer.email)
    return not (key and their_key and key != their_key)


def customer_history(customer, limit: int | None = None) -> list[BookingRow]:
    """The customer's bookings, newest first (by their time, then the
    newest made), in every status, as the desk's rows; at most `limit`.
    Raises NotFound (no such customer), InvalidInput."""
    wanted = customer_id(customer)
    if limit is not None:
        limit = v.integer(limit, "The number of bookings", "limit", 1, 10**6)

    def run():
        business_of_customer(wanted)  # NotFound
        query = (bookings_with_slots(None).where(Booking.customer == wanted)
                 .order_by(TimeSlot.start.desc(), Booking.id.desc()))
        return _rows(query.limit(limit) if limit is not None else query)

    return run_read(run)


def booking_row(booking_id: int) -> BookingRow:
    booking_id = v.record_id(booking_id, "booking")
    rows = run_read(lambda: _rows(bookings_with_slots(None).where(Booking.id == booking_id)))
    if not rows:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That booking no longer exists."))
    return rows[0]


def booking_row_by_reference(reference: str) -> BookingRow:
    """The booking with this reference (K7M-4QX). Raises InvalidInput, NotFound."""
    reference = v.reference(reference)
    rows = run_read(lambda: _rows(bookings_with_slots(None)
                                  .where(Booking.reference == reference)))
    if not rows:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No booking with reference {ref}."),
                       params={"ref": reference})
    return rows[0]


DETAIL_FIELDS = ("customer_name", "customer_email", "customer_phone", "notes")


def update_booking_details(booking: Booking | int, customer_name=None, customer_email=None,
                           customer_phone=None, notes=None, by: User | None = None,
                           now: datetime | None = None,
                           expected: dict | None = None) -> Booking:
    """Correct a booking's contact details or notes. A field left None keeps
    its value; an empty email or phone clears it. Raises InvalidInput,
    DuplicateBooking (the new email/phone already holds this slot), NotFound.
    `expected`: the values the desk saw (field -> value, None for an empty
    email or phone); InvalidTransition when another desk changed one of them
    meanwhile, and nothing is changed."""
    require_active(by)
    expected = dict(expected or {})
    unknown = set(expected) - set(DETAIL_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown detail {min(unknown)!r}.", field=min(unknown))
    changes = {}
    if customer_name is not None:
        name = v.customer_name(customer_name)
        name_key, surname_key = v.name_keys(name)
        changes.update(customer_name=name, name_key=name_key, surname_key=surname_key)
    if customer_email is not None:
        email = v.email(customer_email)
        changes.update(customer_email=email, email_key=email.lower() if email else None)
    if customer_phone is not None:
        phone = v.phone(customer_phone)
        changes.update(customer_phone=phone, phone_key=v.phone_digits(phone))
    if notes is not None:
        changes.update(notes=v.notes(notes))

    def work():
        current = locked_booking(booking)
        if any(getattr(current, field) != value for field, value in expected.items()):
            raise InvalidTransition(
                QT_TRANSLATE_NOOP("errors", "The details of booking {ref} were changed at another "
                                            "desk meanwhile; nothing was changed."),
                params={"ref": current.reference})
        if not changes:
            return current
        if current.status in ACTIVE_STATUSES:
            refuse_duplicate(current.time_slot_id, changes.get("email_key", current.email_key),
                              changes.get("phone_key", current.phone_key), exclude_id=current.id)
        moment = current_time(now)
        Booking.update(updated_at=moment, **changes).where(Booking.id == current.id).execute()
        if current.customer_id is not None:  # its customer is found by the new details too
            add_search_terms(current.customer_id, changes.get("customer_name"),
                             changes.get("customer_email"), changes.get("customer_phone"))
        audit(by, "booking.edit", "booking", current.id, at=moment, reference=current.reference,
              fields=sorted(k for k in changes if not k.endswith("_key")))
        for field, value in changes.items():  # what the UPDATE wrote
            setattr(current, field, value)
        current.updated_at = moment
        return current

    try:
        return run_write(work)
    except IntegrityError as exc:  # another desk booked that email/phone a moment ago
        raise booking_error_from_integrity(exc) from None


_RECENT_EVENTS = 1000


def change_token() -> tuple:
    """A value that changes whenever any process commits a change (every
    mutation writes an audit event). On SQLite also `PRAGMA data_version`,
    which changes when another connection commits. The newest id alone is not
    enough on PostgreSQL: transactions commit in another order than they drew
    their ids, so a late commit fills a gap below the newest id; the number of
    recent events notices it (an index range, not a table scan)."""
    def run():
        latest = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() or 0
        recent = (AuditEvent.select(fn.COUNT(AuditEvent.id))
                  .where(AuditEvent.id > latest - _RECENT_EVENTS).scalar())
        if is_postgres():
            return latest, recent
        version = models.database.execute_sql("PRAGMA data_version").fetchone()[0]
        return latest, recent, version

    return run_read(run)


def reinstate_booking(booking: Booking | int, status: str = "confirmed", by: User | None = None,
                      now: datetime | None = None,
                      expected_status: str | None = None) -> Booking:
    """Undo of a cancellation or of a completed/no-show mark: the booking
    holds a place again, with status `status` (pending or confirmed).

    The place is taken under the same rules as a new booking (capacity, not
    blocked, one active booking per customer); a cancelled booking also needs
    its slot not to have begun and to lie inside the opening hours. Raises
    SlotFull, SlotBlocked, SlotClosed, SlotInPast, DuplicateBooking when the
    rules no longer allow it, InvalidTransition for a booking that is already
    active or (`expected_status`: the status the desk saw) whose status
    another desk changed meanwhile."""
    require_active(by)
    status = v.choice(status, ACTIVE_STATUSES, "The status", "status")

    def work():
        current = locked_booking(booking)
        refuse_if_changed(current, expected_status)
        if current.status in ACTIVE_STATUSES:
            raise InvalidTransition(QT_TRANSLATE_NOOP("errors", "Booking {ref} already holds a place."),
                                    params={"ref": current.reference})
        moment = current_time(now)
        # A completed or no-show booking belongs to a slot that has begun and
        # held its place until the mark: un-marking gives that place back, it
        # books nothing new, so neither "begun" nor "closed" (the hours
        # changed after the slot began, or the owner kept its bookings) may
        # refuse it. A cancelled booking's place was free for anyone: taking
        # it again is a new booking under every rule.
        marked = current.status != "cancelled"
        since = datetime.min.replace(tzinfo=UTC) if marked else moment
        take_place(current.time_slot_id, since, closed_ok=marked)
        refuse_duplicate(current.time_slot_id, current.email_key, current.phone_key, current.id)
        (Booking.update(status=status, cancelled_at=None, cancel_reason="", updated_at=moment)
         .where(Booking.id == current.id).execute())
        audit(by, "booking.reinstate", "booking", current.id, at=moment,
              reference=current.reference, previous_status=current.status, status=status)
        current.time_slot.current_bookings += 1  # what take_place did
        current.status, current.cancelled_at, current.cancel_reason = status, None, ""
        current.updated_at = moment  # what the UPDATE wrote
        return current

    try:
        return run_write(work)
    except IntegrityError as exc:
        raise booking_error_from_integrity(exc) from None


__all__ = [
    "BookingRow", "SlotRow", "row_of", "day_schedule", "free_slots", "free_slot_to_offer", "BookingFilter",
    "SORT_COLUMNS", "filtered_bookings", "list_bookings", "count_bookings", "Customer",
    "customer_suggestions", "SAME_NAME_RATIO", "still_describes", "customer_history",
    "booking_row", "booking_row_by_reference",
    "DETAIL_FIELDS", "update_booking_details", "change_token", "reinstate_booking",
]
