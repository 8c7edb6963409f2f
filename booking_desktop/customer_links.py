"""Customers made from bookings that have none (migration 0017, and a restore
of a backup made before it), conservatively:

- bookings of one business with the same email key, or the same phone
  digits, are one customer, and so, transitively, are all bookings linked by
  a chain of such matches (a union-find over the keys);
- a name alone never makes two bookings one customer: a booking with
  neither email nor phone is a customer of its own.

The customer takes the name (and name keys) of its newest booking (highest
id), and the newest email and phone its bookings carry (with their keys);
it was created when its first booking was made and last changed when its
newest one was. Bookings are taken in id order, the order they were made. It works on a
database handle with plain SQL (no models, no services): the data layer's
own tool, like audit_chain.
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peewee import Database, PostgresqlDatabase

from .keys import email_term, with_terms

# What `plan` reads of each booking, in this order (the keys as stored).
BOOKING_COLUMNS = ("id", "business_id", "customer_name", "customer_email", "customer_phone",
                   "name_key", "surname_key", "email_key", "phone_key", "created_at")
CUSTOMER_COLUMNS = ("id", "business_id", "name", "email", "phone", "name_key", "surname_key",
                    "email_key", "phone_key", "notes", "contact_ok", "created_at", "updated_at",
                    "search_text", "search_phones")

@dataclass
class Plan:
    customers: list[tuple]       # rows of CUSTOMER_COLUMNS
    links: list[tuple[int, int]]  # (booking id, customer id), in booking id order


def _roots(bookings: Sequence[tuple]) -> list[int]:
    """For each of `bookings` (in id order), the position of the first
    booking of its customer: bookings are connected by the same (business,
    email key) or (business, phone digits). A union-find whose root is
    always a group's first booking."""
    parent = list(range(len(bookings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    by_email: dict[tuple, int] = {}
    by_phone: dict[tuple, int] = {}
    for i, row in enumerate(bookings):
        for index, key in ((by_email, row[7]), (by_phone, row[8])):
            if key is None:
                continue
            seen = index.setdefault((row[1], key), i)
            if seen != i:
                a, b = root(seen), root(i)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(len(bookings))]


def _email_term(row: tuple) -> str | None:
    email = row[3]
    if not email:
        return None
    return row[7] if email.isascii() else email_term(email)  # the key is the folded email


def plan(bookings: Sequence[tuple], first_id: int) -> Plan:
    """Customers (ids from `first_id` on, in the order of their first
    booking) for `bookings`, rows of BOOKING_COLUMNS in id order, and the
    customer of each booking. A customer's search text holds its own name
    and email first, then every other name and email of its bookings (and
    its phones, every phone of its bookings)."""
    roots = _roots(bookings)
    groups: dict[int, list[int]] = {}  # dicts keep the order of first sight
    for i, r in enumerate(roots):
        groups.setdefault(r, []).append(i)
    ids = {r: first_id + n for n, r in enumerate(groups)}
    customers = []
    for r, members in groups.items():
        if len(members) == 1:  # most customers: one booking
            row = bookings[r]
            term = _email_term(row)
            customers.append((ids[r], row[1], row[2], row[3], row[4], row[5], row[6],
                              row[7] if row[3] else None, row[8] if row[4] else None, "", False,
                              row[9], row[9],
                              row[5] if term in (None, row[5]) else f"{row[5]}\n{term}",
                              row[8] or ""))
            continue
        rows = [bookings[i] for i in members]
        last = rows[-1]
        e = next((row for row in reversed(rows) if row[3]), None)
        p = next((row for row in reversed(rows) if row[4]), None)
        words = [last[5], _email_term(e) if e else None]
        for row in rows:
            words += (row[5], _email_term(row))
        phones = [p[8] if p else None, *(row[8] for row in rows)]
        customers.append((ids[r], last[1], last[2], e[3] if e else None, p[4] if p else None,
                          last[5], last[6], e[7] if e else None, p[8] if p else None, "", False,
                          rows[0][9], last[9], with_terms("", *words), with_terms("", *phones)))
    return Plan(customers, [(row[0], ids[r]) for row, r in zip(bookings, roots)])


def unlinked_bookings(db: Database) -> list[tuple]:
    return db.execute_sql(f"SELECT {', '.join(BOOKING_COLUMNS)} FROM booking "
                          "WHERE customer_id IS NULL ORDER BY id").fetchall()


def insert_customers(db: Database, customers: Iterable[tuple]) -> None:
    """Rows of CUSTOMER_COLUMNS, ids included (PostgreSQL's sequence is moved
    past them)."""
    columns = ", ".join(CUSTOMER_COLUMNS)
    if isinstance(db, PostgresqlDatabase):
        with db.cursor().copy(f"COPY customer ({columns}) FROM STDIN") as copy:
            for row in customers:
                copy.write_row(row)
        db.execute_sql("SELECT setval(pg_get_serial_sequence('customer', 'id'), "
                       "COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM customer")
        return
    marks = ", ".join("?" for _ in CUSTOMER_COLUMNS)
    db.cursor().executemany(f"INSERT INTO customer ({columns}) VALUES ({marks})",
                            [(*row[:10], int(row[10]), *row[11:]) for row in customers])


def load_links(db: Database, table: str, rows: Iterable[tuple], columns: Sequence[str]) -> None:
    """A temporary table `table` (booking_id, then `columns`) holding `rows`,
    for one UPDATE … FROM it: far fewer statements than one UPDATE a row."""
    postgres = isinstance(db, PostgresqlDatabase)
    more = "".join(f", {c} {'TEXT' if c.endswith('key') else 'INTEGER'}" for c in columns)
    db.execute_sql(f"CREATE TEMPORARY TABLE {table} (booking_id INTEGER PRIMARY KEY{more})"
                   + (" ON COMMIT DROP" if postgres else ""))
    names = ", ".join(("booking_id", *columns))
    if postgres:
        with db.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in range(len(columns) + 1))
        db.cursor().executemany(f"INSERT INTO temp.{table} ({names}) VALUES ({marks})", rows)


def link_unlinked_bookings(db: Database) -> tuple[int, int]:
    """Give every booking without a customer one, made from those bookings
    as the module says (never joining them to customers already there).
    Call inside a transaction. Returns (customers made, bookings linked)."""
    bookings = unlinked_bookings(db)
    if not bookings:
        return 0, 0
    first = (db.execute_sql("SELECT MAX(id) FROM customer").fetchone()[0] or 0) + 1
    made = plan(bookings, first)
    insert_customers(db, made.customers)
    load_links(db, "customer_link", made.links, ("customer_id",))
    source = "customer_link" if isinstance(db, PostgresqlDatabase) else "temp.customer_link"
    db.execute_sql(f"UPDATE booking SET customer_id = l.customer_id FROM {source} l "
                   "WHERE l.booking_id = booking.id")
    db.execute_sql(f"DROP TABLE {source}")
    return len(made.customers), len(made.links)


__all__ = ["BOOKING_COLUMNS", "CUSTOMER_COLUMNS", "Plan", "plan", "unlinked_bookings",
           "insert_customers", "load_links", "link_unlinked_bookings"]
