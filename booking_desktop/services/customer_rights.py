"""A customer's data rights (issue 12, phase 2): seeing everything stored
about them (`export_customer`), being erased (`erase_customer`), and the
business's retention period (`set_customer_retention`,
`customers_to_erase`, `erase_expired_customers`).

What the audit log says about a customer: since customers exist, audit
events name a customer or a booking by id only, never the person's name or
contact details (services.customers, services.bookings); migration
0018_customer_rights took the names, emails and phones out of the events
written before (see docs/architecture.md, "Customers: data rights"). So an
erasure changes the customer and their bookings, and no audit event: the
append-only, hash-chained log stays as it is, and its chain intact.
"""
import csv
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import QT_TRANSLATE_NOOP, InvalidInput, NotFound
from dateutil.relativedelta import relativedelta
from peewee import fn

from ..models import AuditEvent, Booking, Business, Customer, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write
from .customers import customer_id, locked_customer
from .exports import neutralise
from .reports import as_utc
from .search import purge_search_index
from .files import atomic_file

EXPORT_FORMAT = "booking-desktop-customer"
EXPORT_VERSION = 1
MAX_RETENTION_MONTHS = 120


def erased_name(wanted: int) -> str:
    """What an erased customer and their bookings are called."""
    return f"Erased customer #{wanted}"


def _plain(value):
    """A stored value as JSON has it: instants and dates in ISO 8601 (UTC)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _record(instance) -> dict:
    """Every column of a row, by column name, as JSON has it."""
    return {field.column_name: _plain(instance.__data__.get(field.name))
            for field in type(instance)._meta.sorted_fields}


def _mentions(wanted: int, booking_ids: list[int]):
    """The audit events about the customer or one of their bookings."""
    about = (AuditEvent.entity == "customer") & (AuditEvent.entity_id == wanted)
    if booking_ids:
        about |= (AuditEvent.entity == "booking") & AuditEvent.entity_id.in_(booking_ids)
    return about


def export_customer(customer, by: User | None = None, now: datetime | None = None) -> dict:
    """Everything stored about a customer, as a JSON-serialisable dict
    (instants in ISO 8601, UTC): their record (every column, search text
    included), their bookings (every column, with their slot's start and
    end), and the audit events about them or their bookings (details as
    stored). Nothing else names them: refused walk-ins are counted per day,
    business and reason only, and the sign-in throttle holds accounts.

    Owner only (the answer to a customer asking what is kept about them).
    Writes `customer.export` on the customer (how many bookings and events;
    no personal data). Raises PermissionDenied, NotFound, InvalidInput."""
    wanted = customer_id(customer)
    require_owner(by, "export a customer's data")

    def work():
        record = locked_customer(wanted)
        moment = current_time(now)
        bookings = []
        query = (Booking.select(Booking, TimeSlot.start, TimeSlot.end).join(TimeSlot)
                 .where(Booking.customer == wanted).order_by(TimeSlot.start, Booking.id))
        for booking in query:
            row = _record(booking)
            row["slot_start"] = _plain(booking.time_slot.start)
            row["slot_end"] = _plain(booking.time_slot.end)
            bookings.append(row)
        booking_ids = [row["id"] for row in bookings]
        events = []
        for event in (AuditEvent.select().where(_mentions(wanted, booking_ids))
                      .order_by(AuditEvent.id)):
            events.append({"id": event.id, "at": _plain(event.at), "user_id": event.user_id,
                           "action": event.action, "entity": event.entity,
                           "entity_id": event.entity_id, "details": json.loads(event.details)})
        audit(by, "customer.export", "customer", wanted, at=moment, bookings=len(bookings),
              events=len(events))
        return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION,
                "exported_at": _plain(moment), "customer": _record(record),
                "bookings": bookings, "audit_events": events}

    return run_write(work)


def write_customer_export(export: dict, path) -> list[Path]:
    """Save an `export_customer` answer: `path` as JSON (the whole of it),
    and next to it one CSV file a part (`<stem>-customer.csv`,
    `-bookings.csv`, `-audit.csv`: a header and a row a
    record; audit details as their JSON text; a text that a spreadsheet
    would run as a formula starts with an apostrophe). Each file is written
    atomically (services.files.atomic_file). Returns the paths written.
    Raises InvalidInput (the folder cannot be written)."""
    target = Path(path).expanduser()
    written = []
    with atomic_file(target, "w", what="customer's data", encoding="utf-8") as handle:
        json.dump(export, handle, ensure_ascii=False, indent=2, sort_keys=True)
        handle.write("\n")
    written.append(target)
    parts = {"customer": [export["customer"]], "bookings": export["bookings"],
             "audit": [dict(e, details=json.dumps(e["details"], ensure_ascii=False,
                                                  sort_keys=True))
                       for e in export["audit_events"]]}
    for part, rows in parts.items():
        csv_path = target.with_name(f"{target.stem}-{part}.csv")
        columns = list(rows[0]) if rows else []
        with atomic_file(csv_path, "w", what="customer's data", encoding="utf-8",
                         newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            if columns:
                writer.writeheader()
                writer.writerows({k: neutralise(value) for k, value in row.items()}
                                 for row in rows)
        written.append(csv_path)
    return written


def _erase(wanted: int, moment: datetime) -> int:
    """Erase the customer's details and those of their bookings; inside the
    caller's transaction, the customer locked. Returns how many bookings."""
    name = erased_name(wanted)
    name_key, surname_key = v.name_keys(name)
    Customer.update(name=name, name_key=name_key, surname_key=surname_key, email=None,
                    email_key=None, phone=None, phone_key=None, notes="", contact_ok=False,
                    search_text=name_key, search_phones="", updated_at=moment
                    ).where(Customer.id == wanted).execute()
    # Their dates, statuses, sources and slots stay: reports count them as before.
    return (Booking.update(customer_name=name, customer_email=None, customer_phone=None,
                           name_key=name_key, surname_key=surname_key, email_key=None,
                           phone_key=None, notes="")
            .where(Booking.customer == wanted).execute())


def erase_customer(customer, by: User | None = None, now: datetime | None = None) -> int:
    """Erase a customer (their right to be forgotten): their name, email,
    phone and notes are removed from their record and from all their
    bookings (named "Erased customer #<id>" from now on; the search finds
    them by nothing else, and SQLite's FTS5 index is merged so that its
    storage keeps no trigram of the old details), whether they agreed to be
    contacted is cleared.
    Their bookings keep their dates, slots, statuses and sources, so places
    and reports do not change. The audit log holds no personal data to
    remove (see the module).

    Owner only. Writes `customer.erase` on the customer (how many bookings;
    nothing erased). Raises PermissionDenied, NotFound, InvalidInput.
    Returns the number of bookings erased."""
    wanted = customer_id(customer)
    require_owner(by, "erase a customer's data")

    def work():
        locked_customer(wanted)
        moment = current_time(now)
        count = _erase(wanted, moment)
        purge_search_index()
        audit(by, "customer.erase", "customer", wanted, at=moment, bookings=count)
        return count

    return run_write(work)


# --- retention ------------------------------------------------------------------------

def set_customer_retention(business, months: int | None, by: User | None = None,
                           now: datetime | None = None) -> int | None:
    """Erase the business's customers who have had no booking for `months`
    months (1 to 120; None: keep them, the default). Owner only. Writes
    `business.retention`. Returns the setting."""
    require_owner(by, "change how long customers are kept")
    business_id = v.record_id(business if isinstance(business, int) else business.id,
                              "business")
    if months is not None:
        months = v.integer(months, "The months customers are kept", "months", 1,
                           MAX_RETENTION_MONTHS)

    def work():
        if not Business.update(erase_customers_after_months=months).where(
                Business.id == business_id).execute():
            raise InvalidInput("That business no longer exists.", field="business")
        audit(by, "business.retention", "business", business_id, at=current_time(now),
              months=months)
        return months

    return run_write(work)


def _expired(moment: datetime, only: int | None = None) -> list[tuple[int, int, str]]:
    """(business id, customer id, name) of the customers to erase as of
    `moment`: of a business with a retention period (of business `only` if
    given), not erased yet, whose latest booking (its slot's start, or when
    it was made if later) and whose record's last change are older than the
    period."""
    found = []
    businesses = Business.erase_customers_after_months.is_null(False)
    if only is not None:
        businesses &= Business.id == only
    for business_id, months in (Business.select(Business.id,
                                                Business.erase_customers_after_months)
                                .where(businesses).tuples()):
        cutoff = moment - relativedelta(months=months)  # 31 March - 1 month: 28/29 Feb
        # (No NULL among the ids: NOT IN a list holding one keeps no one.)
        recent = (Booking.select(Booking.customer)
                  .join(TimeSlot)
                  .where((Booking.business == business_id) & Booking.customer.is_null(False)
                         & ((TimeSlot.start > cutoff) | (Booking.created_at > cutoff))))
        query = (Customer.select(Customer.id, Customer.name)
                 .where((Customer.business == business_id) & (Customer.updated_at <= cutoff)
                        & Customer.id.not_in(recent))
                 .order_by(Customer.id))
        for cid, name in query.tuples():
            if name != erased_name(cid):
                found.append((business_id, cid, name))
    return found


def _business_id(business) -> int | None:
    if business is None:
        return None
    return v.record_id(business if isinstance(business, int) else business.id, "business")


def customers_to_erase(by: User | None = None, now: datetime | None = None,
                       business=None) -> list[dict]:
    """The customers the retention periods would erase now (a dry run):
    {"business_id", "customer_id", "name"}, by business then id; of one
    `business` if given, else of all (as `main.py maintain`). Owner only."""
    require_owner(by, "see which customers are due to be erased")
    only = _business_id(business)
    return run_read(lambda: [{"business_id": b, "customer_id": c, "name": n}
                             for b, c, n in _expired(current_time(now), only)])


@dataclass(frozen=True)
class ErasableCustomer:
    """A customer the retention period would erase now (no name: the
    preview says who by number)."""
    customer_id: int
    last_visit: datetime | None   # the start of their latest booking; None: never booked


@dataclass(frozen=True)
class RetentionPreview:
    """A business's retention setting and what it would erase now."""
    business_id: int
    months: int | None            # None: customers are kept (the default)
    count: int                    # how many customers it would erase now
    first: tuple[ErasableCustomer, ...]   # the first few of them, by id


def retention_preview(business, by: User | None = None, now: datetime | None = None,
                      shown: int = 5) -> RetentionPreview:
    """The business's retention setting and the customers `maintain` would
    erase of it now (a dry run: nothing changes, nothing is recorded): how
    many, and the first `shown` with their latest booking's start. Owner
    only. Raises PermissionDenied, NotFound."""
    require_owner(by, "see which customers are due to be erased")
    wanted = _business_id(business)

    def work():
        months = (Business.select(Business.erase_customers_after_months)
                  .where(Business.id == wanted).scalar(as_tuple=True))
        if months is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That business no longer exists."))
        ids = [cid for _b, cid, _n in _expired(current_time(now), wanted)]
        first = ids[:max(shown, 0)]
        latest = dict(Booking.select(Booking.customer, fn.MAX(TimeSlot.start)).join(TimeSlot)
                      .where(Booking.customer.in_(first)).group_by(Booking.customer)
                      .tuples()) if first else {}
        return RetentionPreview(wanted, months[0], len(ids), tuple(
            ErasableCustomer(cid, as_utc(latest.get(cid))) for cid in first))

    return run_read(work)


def erase_expired_customers(by: User | None = None, now: datetime | None = None,
                            business=None) -> list[dict]:
    """Erase the customers whose business's retention period has passed
    since their latest booking (see `customers_to_erase`), of one `business`
    if given, else of all; in one transaction; each erasure writes
    `customer.erase` (reason "retention").
    Owner only. Returns what was erased, as `customers_to_erase` lists it
    (with "bookings": how many of theirs were erased)."""
    require_owner(by, "erase customers")
    only = _business_id(business)

    def work():
        moment = current_time(now)
        done = []
        for business_id, cid, name in _expired(moment, only):
            locked_customer(cid)
            count = _erase(cid, moment)
            audit(by, "customer.erase", "customer", cid, at=moment, bookings=count,
                  reason="retention")
            done.append({"business_id": business_id, "customer_id": cid, "name": name,
                         "bookings": count})
        if done:
            purge_search_index()
        return done

    return run_write(work)


__all__ = ["export_customer", "write_customer_export", "erase_customer", "erased_name",
           "set_customer_retention", "customers_to_erase", "erase_expired_customers",
           "retention_preview", "RetentionPreview", "ErasableCustomer",
           "EXPORT_FORMAT", "EXPORT_VERSION"]
