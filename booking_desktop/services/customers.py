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
import functools
from dataclasses import dataclass
from datetime import datetime

from .. import models
from ..clock import utcnow
from ..db import is_postgres
from ..errors import QT_TRANSLATE_NOOP, InvalidInput, InvalidTransition, NotFound
from ..keys import email_term, with_terms
from ..models import Booking, Customer, TimeSlot, User
from . import validation as v
from ._tx import audit, current_time, require_active, require_owner, run_read, run_write
from .search import (
    Query,
    fragment_match,
    like_pattern,
    prefix_columns,
    rank,
    read_query,
)

# Fragment matches read to rank, beyond the rows asked for: ranking happens
# among these (a fragment found in thousands of names is ranked among a
# few hundred of them; prefix matches, found by index, always come first).
FRAGMENT_CANDIDATES = 50


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


# The reads on every keystroke of a search are SQL written once per shape
# (peewee's building of a statement costs more than running these).
_ROWS = """
SELECT c.id, c.name, c.email, c.phone, c.business_id, c.notes, c.contact_ok, c.created_at,
       c.updated_at, f.bookings, f.visits, f.no_shows, f.cancellations, f.first_visit,
       f.last_visit, f.next_visit
FROM customer c LEFT JOIN (
    SELECT b.customer_id, COUNT(b.id) AS bookings,
           SUM(CASE WHEN {visit} THEN 1 ELSE 0 END) AS visits,
           SUM(CASE WHEN b.status = 'no_show' THEN 1 ELSE 0 END) AS no_shows,
           SUM(CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END) AS cancellations,
           MIN(CASE WHEN {visit} THEN t.start END) AS first_visit,
           MAX(CASE WHEN {visit} THEN t.start END) AS last_visit,
           MIN(CASE WHEN b.status IN ('pending', 'confirmed') AND t.start > ? THEN t.start END)
               AS next_visit
    FROM booking b JOIN time_slot t ON t.id = b.time_slot_id
    WHERE b.customer_id IN ({ids}) GROUP BY b.customer_id) f ON f.customer_id = c.id
WHERE c.id IN ({ids})"""
_VISIT = "(b.status = 'completed' OR (b.status IN ('pending', 'confirmed') AND t.start <= ?))"


def _sql(statement: str) -> str:
    return statement.replace("?", models.database.param)


@functools.cache
def _rows_statement(count: int, param: str) -> str:
    marks = ", ".join(["?"] * count)
    return _ROWS.format(visit=_VISIT, ids=marks).replace("?", param)


def customer_rows(ids: list[int], moment: datetime) -> list[CustomerRow]:
    """The rows of the customers `ids`, in that order (those that exist),
    with their figures as of `moment`: one query."""
    if not ids:
        return []
    at = TimeSlot.start.db_value(moment)
    found = {}
    for (cid, name, email, phone, business_id, notes, contact_ok, created, updated, bookings,
         visits, no_shows, cancellations, first, last, upcoming) in models.database.execute_sql(
            _rows_statement(len(ids), models.database.param),
            (at, at, at, at, *ids, *ids)):
        found[cid] = CustomerRow(
            id=cid, name=name, email=email, phone=phone, visits=int(visits or 0),
            no_shows=int(no_shows or 0), last_visit=_instant(last), business_id=business_id,
            notes=notes, contact_ok=bool(contact_ok), cancellations=int(cancellations or 0),
            bookings=int(bookings or 0), first_visit=_instant(first),
            next_visit=_instant(upcoming), created_at=_instant(created),
            updated_at=_instant(updated))
    return [found[i] for i in ids if i in found]


@functools.cache
def _prefix_statement(column: str, by_business: bool, postgres: bool, param: str) -> str:
    key = f'{column} COLLATE "C"' if postgres else column
    return (f"SELECT id FROM customer WHERE {key} >= ? AND {key} < ?"
            + (" AND business_id = ?" if by_business else "")
            + f" ORDER BY {key}, id LIMIT ?").replace("?", param)


@functools.cache
def _fragment_statement(column: str, by_business: bool, postgres: bool, param: str) -> str:
    """(id, name_key, search_text, search_phones) of the customers whose
    `column` contains the needle. On SQLite the FTS table's matches are
    looked up in the (business_id, id) index one by one until the LIMIT (a
    join driven by the business's customers instead would ask the FTS table
    once for each of them: seconds)."""
    if postgres and by_business:
        # Planned without the LIMIT: the intersection in the GIN index of the
        # business and the fragment. With it, PostgreSQL may bet on a scan
        # finding enough rows soon, and read every other business's first.
        return ("WITH found AS MATERIALIZED (SELECT id, name_key, search_text, search_phones "
                f"FROM customer WHERE {column} LIKE ? AND business_id = ?) "
                "SELECT * FROM found LIMIT ?").replace("?", param)
    if postgres:
        statement = (f"SELECT id, name_key, search_text, search_phones FROM customer "
                     f"WHERE {column} LIKE ?")
    else:
        statement = ("SELECT id, name_key, search_text, search_phones FROM customer "
                     "WHERE id IN (SELECT rowid FROM customer_search WHERE customer_search "
                     "MATCH ?)")
    return (statement + (" AND business_id = ?" if by_business else "")
            + " LIMIT ?").replace("?", param)


def _fragment_candidates(query: Query, business_id: int | None, wanted: int) -> list[tuple]:
    """(id, name_key, search_text, search_phones) of up to `wanted` customers
    the fragment index finds, in no particular order."""
    postgres = is_postgres()
    column = "search_phones" if query.by_phone else "search_text"
    needle = like_pattern(query.needle) if postgres else fragment_match(query)
    params = (needle, business_id, wanted) if business_id is not None else (needle, wanted)
    return models.database.execute_sql(
        _fragment_statement(column, business_id is not None, postgres, models.database.param),
        params).fetchall()


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


def matching_customer_ids(query: Query, business_id: int | None, limit: int,
                          prefixes: bool = True) -> list[int]:
    """The ids of the customers `query` finds, best first (see
    services.search): the customer of a booking whose reference it is, then
    prefixes of name, surname, email or phone (each in its key's order),
    then fragments ranked: a name that starts with it, a word that does,
    then the inside of a word. `prefixes=False` leaves the prefix queries
    out (the caller found those already; fragments still rank them first)."""
    found: list[int] = []
    seen: set[int] = set()
    postgres, param = is_postgres(), models.database.param

    def take(ids) -> None:
        for i in ids:
            if i is not None and i not in seen:
                seen.add(i)
                found.append(i)

    def run(statement: str, *params):
        return models.database.execute_sql(statement, params).fetchall()

    if query.reference is not None:
        statement = "SELECT customer_id FROM booking WHERE reference = ?"
        if business_id is None:
            take(cid for (cid,) in run(_sql(statement), query.reference))
        else:
            take(cid for (cid,) in run(_sql(statement + " AND business_id = ?"),
                                       query.reference, business_id))
    for column in prefix_columns(query) if prefixes else ():
        if len(found) >= limit:
            break
        statement = _prefix_statement(column, business_id is not None, postgres, param)
        bounds = (query.needle, query.needle + "\U0010ffff")
        extra = (business_id,) if business_id is not None else ()
        take(cid for (cid,) in run(statement, *bounds, *extra, limit + len(found)))
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
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That customer no longer exists (they may "
                                                   "have been merged into another record)."),
                       field="customer")
    return rows[0]


def locked_customer(wanted: int) -> Customer:
    """The customer, locked until the transaction ends (PostgreSQL); inside
    the caller's transaction. Raises NotFound."""
    query = Customer.select().where(Customer.id == wanted)
    found = (query.for_update() if is_postgres() else query).first()
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That customer no longer exists (they may "
                                                   "have been merged into another record); "
                                                   "nothing was changed."), field="customer")
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
        current = locked_customer(wanted)
        if any(getattr(current, field) != value for field, value in expected.items()):
            raise InvalidTransition(QT_TRANSLATE_NOOP(
                "errors", "This customer's details were changed at another desk meanwhile; "
                          "nothing was changed."))
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
    businesses). Returns `keep`'s row after the merge. (services.undo's
    `merge_customers` is this, undoable: see `merge_recorded`.)"""
    return merge_recorded(keep, (other,), by=by, now=now)[0]


@dataclass(frozen=True)
class MergeRecord:
    """What one merge changed, so that it can be taken back exactly
    (`unmerge_customers`): held in memory by the desk's undo stack, never
    written anywhere."""
    keep_id: int
    other: tuple[tuple[str, object], ...]        # every field of the other record, as it was
    kept_before: tuple[tuple[str, object], ...]  # the kept record's fields it changed, as they were
    kept_after: tuple[tuple[str, object], ...]   # every field of the kept record, as it left it
    bookings: tuple[int, ...]                    # the ids of the bookings that moved

    @property
    def other_id(self) -> int:
        return dict(self.other)["id"]


def _fields_of(wanted: int) -> tuple[tuple[str, object], ...] | None:
    """Every field of a customer's record, as stored (field name -> value)."""
    found = Customer.select().where(Customer.id == wanted).dicts().first()
    return tuple(sorted(found.items())) if found is not None else None


def merge_recorded(keep, others, expected=None, by: User | None = None,
                   now: datetime | None = None) -> tuple[CustomerRow, tuple[MergeRecord, ...]]:
    """Merge `others` (customers, rows or ids) into `keep` one after another
    in one transaction (see `merge_customers`: one `customer.merge` event
    each), and say exactly what each merge changed. `expected`: customer id
    -> every field of that record as the caller last saw it (a redo: as the
    undo left it); when one differs, InvalidTransition and nothing changes.
    Returns `keep`'s row after the merges and one MergeRecord a merge."""
    keep_id = customer_id(keep)
    other_ids = tuple(customer_id(o) for o in others)
    require_owner(by, "merge customers")
    if not other_ids:
        raise InvalidInput("Choose a record to merge.", field="other")
    if keep_id in other_ids or len(set(other_ids)) != len(other_ids):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "That is the same customer twice; "
                                                       "choose two records to merge."),
                           field="other")

    def work():
        # Locked in id order, as every merge locks them: two merges never wait
        # for each other crosswise.
        locked = {i: locked_customer(i) for i in sorted((keep_id, *other_ids))}
        for wanted, fields in dict(expected or {}).items():
            if _fields_of(wanted) != tuple(fields):
                raise InvalidTransition(QT_TRANSLATE_NOOP(
                    "errors", "One of these customers' records was changed at another desk "
                              "meanwhile; nothing was changed."))
        moment = current_time(now)
        records = []
        for other_id in other_ids:
            kept, merged = locked_customer(keep_id), locked[other_id]
            if kept.business_id != merged.business_id:
                raise InvalidInput(QT_TRANSLATE_NOOP("errors", "These customers belong to two "
                                                               "businesses; only records of one "
                                                               "business can be merged."),
                                   field="other")
            records.append(_merge_one(kept, merged, moment, by))
        return customer_rows([keep_id], _moment(now))[0], tuple(records)

    return run_write(work)


def _merge_one(kept: Customer, merged: Customer, moment: datetime,
               by: User | None) -> MergeRecord:
    """Merge `merged` into `kept` (both locked); inside the caller's transaction."""
    keep_id, other_id = kept.id, merged.id
    other = _fields_of(other_id)
    moved = tuple(i for (i,) in Booking.select(Booking.id).where(Booking.customer == other_id)
                  .order_by(Booking.id).tuples())
    if moved:
        Booking.update(customer=keep_id).where(Booking.id.in_(moved)).execute()
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
    before = dict(_fields_of(keep_id))
    Customer.delete().where(Customer.id == other_id).execute()
    Customer.update(**changes).where(Customer.id == keep_id).execute()
    audit(by, "customer.merge", "customer", keep_id, at=moment, merged=other_id,
          bookings=len(moved))
    return MergeRecord(keep_id, other, tuple(sorted((k, before[k]) for k in changes)),
                       _fields_of(keep_id), moved)


def unmerge_customers(records, by: User | None = None, now: datetime | None = None
                      ) -> tuple[CustomerRow, tuple[CustomerRow, ...], dict]:
    """Take back the merges `merge_recorded` made (`records`, in the order
    made; they are taken back last first), in one transaction: each record
    merged away is there again with its id and every field as it was, the
    bookings that moved (and only those) are back on it, and the kept record's
    fields the merge changed are as they were (its `updated_at` too).

    Refused with InvalidTransition, nothing changed, when that would
    overwrite a change made since: the kept record is not as the merge left
    it (edited, erased, found by a new booking's details), a booking that
    moved is no longer on it, or the id is taken (SQLite may give a removed
    record's id to a new one). Owner only. Writes `customer.unmerge` on the
    kept record for each (the id restored and how many bookings moved back;
    ids only). Returns the kept record's row, the restored ones', and every
    field of each of these records as left (customer id -> fields: what a
    redo, `merge_recorded`, expects)."""
    records = tuple(records)
    require_owner(by, "undo a merge of customers")
    if not records or len({r.keep_id for r in records}) != 1:
        raise InvalidInput("Nothing to take back.", field="records")
    keep_id = records[0].keep_id

    def work():
        locked_customer(keep_id)
        moment = current_time(now)
        for record in reversed(records):
            # No names in these refusals: the kept record may have been erased since.
            if _fields_of(keep_id) != record.kept_after:
                raise InvalidTransition(QT_TRANSLATE_NOOP(
                    "errors", "The kept customer's record was changed after the merge (at "
                              "another desk, or erased); taking the merge back would undo "
                              "that, so nothing was changed."))
            if Customer.select().where(Customer.id == record.other_id).exists():
                raise InvalidTransition(QT_TRANSLATE_NOOP(
                    "errors", "The merged record's number was given to another customer "
                              "since the merge; nothing was changed."))
            still = (Booking.select(Booking.id)
                     .where(Booking.id.in_(record.bookings or (0,)),
                            Booking.customer == keep_id).count())
            if still != len(record.bookings):
                raise InvalidTransition(QT_TRANSLATE_NOOP(
                    "errors", "A booking that moved with the merge has moved to another "
                              "customer since; nothing was changed."))
            Customer.insert(**dict(record.other)).execute()
            if record.bookings:
                (Booking.update(customer=record.other_id)
                 .where(Booking.id.in_(record.bookings), Booking.customer == keep_id).execute())
            Customer.update(**dict(record.kept_before)).where(Customer.id == keep_id).execute()
            audit(by, "customer.unmerge", "customer", keep_id, at=moment,
                  restored=record.other_id, bookings=len(record.bookings))
        restored = customer_rows([r.other_id for r in records], _moment(now))
        left = {i: _fields_of(i) for i in (keep_id, *(r.other_id for r in records))}
        return customer_rows([keep_id], _moment(now))[0], tuple(restored), left

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
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That customer no longer exists (they may "
                                                   "have been merged into another record); "
                                                   "pick the customer again."),
                       field="customer")
    return business_id


__all__ = ["CustomerRow", "DuplicateGroup", "CUSTOMER_FIELDS", "customer_id", "customer_rows",
           "matching_customer_ids", "find_customers", "get_customer", "update_customer",
           "merge_customers", "likely_duplicates", "business_of_customer", "add_search_terms",
           "FRAGMENT_CANDIDATES", "locked_customer", "MergeRecord", "merge_recorded",
           "unmerge_customers"]
