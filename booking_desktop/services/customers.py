"""Customers (issue 12): finding them by any fragment, their figures, editing
their record, merging two records of one person, and the pairs that look
like one person.

A customer belongs to one business (models.Customer). Widgets get frozen
`CustomerRow`s. Every function takes a customer as a models.Customer, a
CustomerRow or its id. Mutations take `by=` and write one audit event in
the same transaction; its details name the customer by id and the fields
that changed, never the person's name or contact details: the audit log is
append-only and hash-chained, so what is written there can never be
removed, and a customer may ask to be erased.
"""
from dataclasses import dataclass
from datetime import datetime

from peewee import Case, fn

from .. import models
from ..clock import utcnow
from ..db import is_postgres
from ..errors import InvalidInput, InvalidTransition, NotFound
from ..keys import email_term, with_terms
from ..models import ACTIVE_STATUSES, Booking, Customer, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_active, require_owner, run_read, run_write
from .search import Query, customer_fragment, fragment_match, prefix_matches, rank, read_query

# Fragment matches read to rank, beyond the rows asked for: ranking happens
# among these (a fragment found in thousands of names is ranked among a
# few hundred of them; prefix matches, found by index, always come first).
FRAGMENT_CANDIDATES = 200


@dataclass(frozen=True)
class CustomerRow:
    """A customer as the desk shows them, with their figures as of the
    moment read. A visit is a booking whose time has begun and that was
    not cancelled or missed (completed, or still pending or confirmed)."""
    id: int
    name: str
    email: str | None
    phone: str | None
    visits: int = 0
    no_shows: int = 0
    last_visit: datetime | None = None   # the start of the latest visit
    business_id: int | None = None
    notes: str = ""
    contact_ok: bool = False             # agreed to be contacted
    cancellations: int = 0
    bookings: int = 0                    # every booking, in any status
    first_visit: datetime | None = None
    next_visit: datetime | None = None   # the next pending or confirmed booking's start
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Customers of one business that share an email or phone digits (in
    their records or in their bookings' details): likely one person."""
    business_id: int
    kind: str                            # "email" | "phone"
    key: str                             # the email (lower case) or the digits
    customers: tuple[CustomerRow, ...]   # oldest record first

    @property
    def names_differ(self) -> bool:
        return len({c.name.casefold() for c in self.customers}) > 1


def customer_id(customer) -> int:
    """The id of a customer given as a models.Customer, a CustomerRow or an
    id. InvalidInput / NotFound for anything that cannot be one."""
    if isinstance(customer, (Customer, CustomerRow)):
        customer = customer.id
    return v.record_id(customer, "customer")


def _business_id(business) -> int | None:
    if business is None:
        return None
    if isinstance(business, int):
        return v.record_id(business, "business")
    return v.record_id(business.id, "business")


def _moment(now: datetime | None) -> datetime:
    """The figures' "now": `now`, else this machine's clock (no query)."""
    return v.instant(now) if now is not None else utcnow()


def _instant(value) -> datetime | None:
    return TimeSlot.start.python_value(value)


def _figures(ids: list[int], moment: datetime) -> dict[int, tuple]:
    """customer id -> (bookings, visits, no-shows, cancellations, first
    visit, last visit, next visit): one grouped query over their bookings."""
    if not ids:
        return {}
    begun = TimeSlot.start <= moment
    visit = (Booking.status == "completed") | (Booking.status.in_(ACTIVE_STATUSES) & begun)
    upcoming = Booking.status.in_(ACTIVE_STATUSES) & (TimeSlot.start > moment)

    def count(condition):
        return fn.SUM(Case(None, [(condition, 1)], 0))

    query = (Booking.select(Booking.customer, fn.COUNT(Booking.id), count(visit),
                            count(Booking.status == "no_show"),
                            count(Booking.status == "cancelled"),
                            fn.MIN(Case(None, [(visit, TimeSlot.start)], None)),
                            fn.MAX(Case(None, [(visit, TimeSlot.start)], None)),
                            fn.MIN(Case(None, [(upcoming, TimeSlot.start)], None)))
             .join(TimeSlot, on=(Booking.time_slot == TimeSlot.id))
             .where(Booking.customer.in_(ids)).group_by(Booking.customer).tuples())
    return {row[0]: (int(row[1]), int(row[2] or 0), int(row[3] or 0), int(row[4] or 0),
                     _instant(row[5]), _instant(row[6]), _instant(row[7])) for row in query}


def _row(customer: Customer, figures: tuple | None) -> CustomerRow:
    bookings, visits, no_shows, cancellations, first, last, upcoming = (
        figures or (0, 0, 0, 0, None, None, None))
    return CustomerRow(
        id=customer.id, name=customer.name, email=customer.email, phone=customer.phone,
        visits=visits, no_shows=no_shows, last_visit=last, business_id=customer.business_id,
        notes=customer.notes, contact_ok=bool(customer.contact_ok),
        cancellations=cancellations, bookings=bookings, first_visit=first,
        next_visit=upcoming, created_at=customer.created_at, updated_at=customer.updated_at)


def customer_rows(ids: list[int], moment: datetime) -> list[CustomerRow]:
    """The rows of the customers `ids`, in that order (those that exist)."""
    if not ids:
        return []
    found = {c.id: c for c in Customer.select().where(Customer.id.in_(ids))}
    figures = _figures(list(found), moment)
    return [_row(found[i], figures.get(i)) for i in ids if i in found]


def _fragment_candidates(query: Query, business_id: int | None, wanted: int) -> list[tuple]:
    """(id, name_key, search_text, search_phones) of up to `wanted` customers
    the fragment index finds, in no particular order. On SQLite the FTS
    table drives a join, so the index is read only as far as needed."""
    if is_postgres():
        found = Customer.select(Customer.id, Customer.name_key, Customer.search_text,
                                Customer.search_phones).where(customer_fragment(query))
        if business_id is not None:
            found = found.where(Customer.business == business_id)
        return list(found.limit(wanted).tuples())
    sql = ("SELECT c.id, c.name_key, c.search_text, c.search_phones FROM customer_search s "
           "JOIN customer c ON c.id = s.rowid WHERE customer_search MATCH ?")
    params: list = [fragment_match(query)]
    if business_id is not None:
        sql += " AND c.business_id = ?"
        params.append(business_id)
    return models.database.execute_sql(sql + " LIMIT ?", (*params, wanted)).fetchall()


def add_search_terms(wanted: int, name: str | None = None, email: str | None = None,
                     phone: str | None = None) -> None:
    """Make the customer findable by a name, email or phone they are now
    known by (a booking's, a corrected record's): added to their search
    text, never taken out (a fragment of an earlier name still finds them).
    Call inside the caller's transaction."""
    current = (Customer.select(Customer.search_text, Customer.search_phones)
               .where(Customer.id == wanted).tuples().first())
    if current is None:
        return
    text = with_terms(current[0], v.name_keys(name)[0] if name else None, email_term(email))
    phones = with_terms(current[1], v.phone_digits(phone))
    if (text, phones) != current:
        (Customer.update(search_text=text, search_phones=phones)
         .where(Customer.id == wanted).execute())


def matching_customer_ids(query: Query, business_id: int | None, limit: int) -> list[int]:
    """The ids of the customers `query` finds, best first (see
    services.search): the customer of a booking whose reference it is, then
    prefixes of name, surname, email or phone (each in its key's order),
    then fragments ranked word start before inside a word."""
    found: list[int] = []
    seen: set[int] = set()

    def take(ids) -> None:
        for i in ids:
            if i is not None and i not in seen:
                seen.add(i)
                found.append(i)

    if query.reference is not None:
        of = Booking.select(Booking.customer).where(Booking.reference == query.reference)
        if business_id is not None:
            of = of.where(Booking.business == business_id)
        take(cid for (cid,) in of.tuples())
    for condition, key in prefix_matches(Customer, query):
        if len(found) >= limit:
            break
        prefixed = Customer.select(Customer.id).where(condition)
        if business_id is not None:
            prefixed = prefixed.where(Customer.business == business_id)
        take(cid for (cid,) in prefixed.order_by(key, Customer.id).limit(limit + len(found))
             .tuples())
    if len(found) < limit and query.fragment:
        candidates = _fragment_candidates(query, business_id, FRAGMENT_CANDIDATES + len(found))
        ranked = sorted((rank(query, name_key, text, phones), name_key, cid)
                        for cid, name_key, text, phones in candidates if cid not in seen)
        take(cid for _, _, cid in ranked)
    return found[:limit]


def find_customers(text, business=None, limit: int = 20,
                   now: datetime | None = None) -> list[CustomerRow]:
    """Customers found by any fragment of what the desk types (see
    services.search): a fragment of the name ("eber" finds Weber) or of the
    email, the digits anywhere in the phone ("5583", "151 1256"), a booking
    reference; case and accents ignored ("Unal" finds Ünal). Best matches
    first: the reference, then names, emails and phones that start with it,
    then those that contain it (a word start before the inside of a word).
    Fragments shorter than 3 characters find prefixes only.

    `business` (a business row or model, or its id) limits the search to its
    customers; None searches every business. Each row carries the
    customer's figures as of `now` (visits, no-shows, last visit, ...).
    Raises InvalidInput (empty or over-long text, a bad limit)."""
    query = read_query(text)
    limit = v.integer(limit, "The number of customers", "limit", 1, 200)
    business_id = _business_id(business)
    moment = _moment(now)
    return run_read(lambda: customer_rows(matching_customer_ids(query, business_id, limit),
                                          moment))


def get_customer(customer, now: datetime | None = None) -> CustomerRow:
    """The customer's card: record, notes and figures. Raises NotFound."""
    wanted = customer_id(customer)
    rows = run_read(lambda: customer_rows([wanted], _moment(now)))
    if not rows:
        raise NotFound("That customer no longer exists (they may have been merged into "
                       "another record).")
    return rows[0]


def _locked(wanted: int) -> Customer:
    """The customer, locked until the transaction ends (PostgreSQL)."""
    query = Customer.select().where(Customer.id == wanted)
    found = (query.for_update() if is_postgres() else query).first()
    if found is None:
        raise NotFound("That customer no longer exists (they may have been merged into "
                       "another record); nothing was changed.")
    return found


CUSTOMER_FIELDS = ("name", "email", "phone", "notes", "contact_ok")


def update_customer(customer, name=None, email=None, phone=None, notes=None, contact_ok=None,
                    by: User | None = None, now: datetime | None = None,
                    expected: dict | None = None) -> CustomerRow:
    """Correct a customer's record: name, email, phone, notes, whether they
    agreed to be contacted. A field left None keeps its value; an empty email
    or phone clears it. Their bookings keep the details they were made
    with. `expected`: the values the desk saw (field -> value); when another
    desk changed one of them meanwhile, InvalidTransition and nothing changes.

    Any active account may. Writes `customer.edit` (the names of the fields
    changed; for contact_ok its new value, the consent's record). Raises
    InvalidInput, NotFound, InvalidTransition, PermissionDenied. Returns the
    customer's row as it is now."""
    wanted = customer_id(customer)
    require_active(by)
    expected = dict(expected or {})
    unknown = set(expected) - set(CUSTOMER_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown detail {min(unknown)!r}.", field=min(unknown))
    changes = {}
    if name is not None:
        name = v.customer_name(name)
        name_key, surname_key = v.name_keys(name)
        changes.update(name=name, name_key=name_key, surname_key=surname_key)
    if email is not None:
        email = v.email(email)
        changes.update(email=email, email_key=v.email_key(email))
    if phone is not None:
        phone = v.phone(phone)
        changes.update(phone=phone, phone_key=v.phone_digits(phone))
    if notes is not None:
        changes.update(notes=v.notes(notes))
    if contact_ok is not None:
        if not isinstance(contact_ok, bool):
            raise InvalidInput("Whether the customer agreed to be contacted is yes or no.",
                               field="contact_ok")
        changes.update(contact_ok=contact_ok)

    def work():
        current = _locked(wanted)
        if any(getattr(current, field) != value for field, value in expected.items()):
            raise InvalidTransition("This customer's details were changed at another desk "
                                    "meanwhile; nothing was changed.")
        differ = {k: value for k, value in changes.items() if getattr(current, k) != value}
        fields = sorted(k for k in differ if k in CUSTOMER_FIELDS)
        if fields:
            moment = current_time(now)
            # The new name, email or phone finds them; so do the earlier ones.
            differ.update(
                search_text=with_terms(current.search_text, differ.get("name_key"),
                                       email_term(differ.get("email"))),
                search_phones=with_terms(current.search_phones, differ.get("phone_key")))
            Customer.update(updated_at=moment, **differ).where(Customer.id == wanted).execute()
            extra = {"contact_ok": differ["contact_ok"]} if "contact_ok" in differ else {}
            audit(by, "customer.edit", "customer", wanted, at=moment, fields=fields, **extra)
        return customer_rows([wanted], _moment(now))[0]

    return run_write(work)


def merge_customers(keep, other, by: User | None = None,
                    now: datetime | None = None) -> CustomerRow:
    """One person, two records: `other`'s bookings move to `keep`, and
    `other` is removed. `keep` keeps its name and contact details, takes
    `other`'s email or phone where it has none, and `other`'s notes after its
    own; whether they agreed to be contacted stays `keep`'s (an owner
    decides it, not a merge). The bookings keep the details they were made
    with, their slots and statuses: places and counters do not change.

    Owner only. Writes `customer.merge` on `keep` (the id of the record
    merged into it and how many bookings moved). Raises PermissionDenied,
    NotFound, InvalidInput (the same customer twice; customers of two
    businesses). Returns `keep`'s row after the merge."""
    keep_id, other_id = customer_id(keep), customer_id(other)
    require_owner(by, "merge customers")
    if keep_id == other_id:
        raise InvalidInput("That is the same customer twice; choose two records to merge.",
                           field="other")

    def work():
        # Locked in id order, as every merge locks them: two merges never wait
        # for each other crosswise.
        first, second = sorted((keep_id, other_id))
        locked = {first: _locked(first), second: _locked(second)}
        kept, merged = locked[keep_id], locked[other_id]
        if kept.business_id != merged.business_id:
            raise InvalidInput("These customers belong to two businesses; only records of one "
                               "business can be merged.", field="other")
        moment = current_time(now)
        moved = (Booking.update(customer=keep_id)
                 .where(Booking.customer == other_id).execute())
        changes = {"updated_at": moment}
        if kept.email is None and merged.email is not None:
            changes.update(email=merged.email, email_key=merged.email_key)
        if kept.phone is None and merged.phone is not None:
            changes.update(phone=merged.phone, phone_key=merged.phone_key)
        if merged.notes and merged.notes not in kept.notes:
            joined = f"{kept.notes}\n{merged.notes}" if kept.notes else merged.notes
            changes.update(notes=joined[:v.NOTES_MAX])
        if merged.created_at < kept.created_at:
            changes.update(created_at=merged.created_at)
        changes.update(search_text=with_terms(kept.search_text, *merged.search_text.split("\n")),
                       search_phones=with_terms(kept.search_phones,
                                                *merged.search_phones.split("\n")))
        Customer.delete().where(Customer.id == other_id).execute()
        Customer.update(**changes).where(Customer.id == keep_id).execute()
        audit(by, "customer.merge", "customer", keep_id, at=moment, merged=other_id,
              bookings=moved)
        return customer_rows([keep_id], _moment(now))[0]

    return run_write(work)


_SHARED_KEYS = """
WITH keys AS (
    SELECT business_id, 'email' AS kind, email_key AS key, id AS customer_id
      FROM customer WHERE email_key IS NOT NULL {customer_business}
    UNION SELECT business_id, 'phone', phone_key, id
      FROM customer WHERE phone_key IS NOT NULL {customer_business}
    UNION SELECT business_id, 'email', email_key, customer_id
      FROM booking WHERE email_key IS NOT NULL AND customer_id IS NOT NULL {booking_business}
    UNION SELECT business_id, 'phone', phone_key, customer_id
      FROM booking WHERE phone_key IS NOT NULL AND customer_id IS NOT NULL {booking_business}
), shared AS (
    SELECT business_id, kind, key FROM keys GROUP BY business_id, kind, key
    HAVING COUNT(DISTINCT customer_id) > 1 ORDER BY business_id, kind, key LIMIT {limit}
)
SELECT k.business_id, k.kind, k.key, k.customer_id FROM keys k
  JOIN shared s ON s.business_id = k.business_id AND s.kind = k.kind AND s.key = k.key
ORDER BY k.business_id, k.kind, k.key, k.customer_id
"""


def likely_duplicates(business=None, by: User | None = None, limit: int = 100,
                      now: datetime | None = None) -> list[DuplicateGroup]:
    """Customers that are likely one person: records of one business that
    share an email or phone digits, in their own details or in the details
    of their bookings (whatever the names say). Each group lists its
    customers oldest record first; at most `limit` groups, by business, then
    email before phone, then the key. A whole scan of customers and
    bookings: for the owner's list, not for every keystroke.

    Owner only (the keys are customers' contact details in bulk). Raises
    PermissionDenied, InvalidInput."""
    require_owner(by, "look for duplicate customers")
    business_id = _business_id(business)
    limit = v.integer(limit, "The number of groups", "limit", 1, 1000)
    param = "?" if not is_postgres() else "%s"
    statement = _SHARED_KEYS.format(
        customer_business=f"AND business_id = {param}" if business_id is not None else "",
        booking_business=f"AND business_id = {param}" if business_id is not None else "",
        limit=limit)
    params = (business_id,) * 4 if business_id is not None else ()
    moment = _moment(now)

    def run():
        groups: dict[tuple, list[int]] = {}
        for group_business, kind, key, cid in models.database.execute_sql(statement, params):
            groups.setdefault((group_business, kind, key), []).append(cid)
        rows = {row.id: row for row in customer_rows(
            sorted({cid for ids in groups.values() for cid in ids}), moment)}
        return [DuplicateGroup(b, kind, key, tuple(rows[c] for c in ids if c in rows))
                for (b, kind, key), ids in groups.items()]

    return run_read(run)


def business_of_customer(wanted: int) -> int:
    """The business of a customer. Raises NotFound."""
    business_id = (Customer.select(Customer.business).where(Customer.id == wanted).scalar())
    if business_id is None:
        raise NotFound("That customer no longer exists (they may have been merged into "
                       "another record); pick the customer again.")
    return business_id


__all__ = ["CustomerRow", "DuplicateGroup", "CUSTOMER_FIELDS", "customer_id", "customer_rows",
           "matching_customer_ids", "find_customers", "get_customer", "update_customer",
           "merge_customers", "likely_duplicates", "business_of_customer", "add_search_terms",
           "FRAGMENT_CANDIDATES"]
