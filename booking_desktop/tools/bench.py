"""`python main.py bench`: how fast the services are on a database of a real
desk's size, next to the same work written by hand in SQL.

It builds a synthetic database (by default 20 businesses x 365 days x 16 slots
a day = 116,800 slots and about 500,000 bookings, from ~180 days ago to ~185
days ahead) with bulk inserts that obey every rule the services keep, then
times, each many times over different businesses, days and prefixes:

    available slots of one business for a day and for a week, create booking,
    cancel booking, the 50 upcoming bookings of a business, search by
    customer-name prefix (all businesses and one business), search by
    fragment (customers, and bookings, of one business), check_integrity

through the services, and the same work through the raw driver (sqlite3 or
psycopg) as a careful hand-written implementation would do it, and prints
median, p95 and the ratio. Goals: a median of at most 5 ms a read and 10 ms a
write or a search by fragment, within 2x of raw SQL (check_integrity scans
everything; no ms goal).

The bookings are written as the version before customers did (schema 0016,
name keys with their accents) and migration 0017 then makes the customers,
as it does on a real upgrade: the build reports how long it took.

`--scale` multiplies the number of businesses (20 x scale, rounded); below one
business it shortens the year instead (a single business over 365 x 20 x scale
days, at least 7), so `--scale 0.01` is one business over 73 days.

Without `--db` it uses a file in the temp directory (never the user's
database). It refuses a database that holds anything but its own synthetic
data. Services run with `now=None`, as the GUI calls them.
"""
import gc
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time as clock
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from .. import db as database
from .. import services
from ..clock import UTC, utcnow
from ..errors import BookingError
from ..keys import email_term, folded, with_terms
from ..services import validation as v
from ..services.bookings import REFERENCE_ALPHABET, new_reference
from ..services.customers import FRAGMENT_CANDIDATES
from ..services.search import fragment_match, rank, read_query
from ..services.slots import day_bounds, local_to_utc

BASE_BUSINESSES = 20
BASE_DAYS = 365
DAYS_BEFORE_FRACTION = 180 / 365
OPENS, SLOT_MINUTES, SLOTS_PER_DAY = time(9), 30, 16
MARKER = "synthetic benchmark data (booking_desktop.bench)"
NAME_PREFIX = "Bench business "
SEED = 20240917
KEEP_MAX_AGE_DAYS = 30
READ_BUDGET_MS, WRITE_BUDGET_MS, RATIO_GOAL = 5.0, 10.0, 2.0
FRAGMENT_BUDGET_MS = 10.0  # issue 12: search by fragment at 500,000 bookings
# The schema the synthetic bookings are written in; the newer migrations
# (0017: customers) then run on them, as on a real upgrade.
BUILT_AT = "0016_booking_refusals"
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo",
         "Australia/Sydney", "America/Los_Angeles", "Europe/Madrid", "America/Sao_Paulo")
ACTIVE_SQL = "('pending', 'confirmed')"

FIRST_NAMES = (
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hugo", "Ida", "Jonas",
    "Karin", "Lukas", "Maria", "Noah", "Olga", "Paul", "Quentin", "Rosa", "Samuel", "Tina",
    "Ulrich", "Vera", "William", "Xenia", "Yusuf", "Zoë", "Ahmed", "Beatriz", "Chen", "Dmitri",
    "Elif", "Fatima", "George", "Hannah", "Isabel", "Jakob", "Kofi", "Lena", "Marco", "Nina",
    "Oscar", "Priya", "Rafael", "Sofia", "Tomás", "Ursula", "Viktor", "Wen", "Yara", "Zofia",
    "Aisha", "Bruno", "Camille", "Diego", "Eva", "Finn", "Gabriel", "Helena", "Ivan", "Julia",
    "Kai", "Laura", "Mia", "Nils", "Olivia", "Pedro", "Rita", "Sven", "Theo", "Uma",
    "Valentina", "Wim", "Amélie", "Björn", "Çelik", "Dorothea", "Emil", "Frida", "Gustav", "Hiro",
    "Ingrid", "José", "Kristina", "Leon", "Magnus", "Nora", "Øyvind", "Pia", "Ruth", "Selin",
)
LAST_NAMES = (
    "Smith", "Müller", "Schmidt", "Garcia", "Rossi", "Nowak", "Kowalski", "Jones", "Brown", "Dubois",
    "Martin", "Bernard", "Lopez", "Fernández", "Silva", "Santos", "Novak", "Horvat", "Jensen",
    "Hansen", "Nielsen", "Andersson", "Johansson", "Virtanen", "Papadopoulos", "Yilmaz", "Kaya",
    "Ivanov", "Petrov", "Tanaka", "Suzuki", "Kim", "Lee", "Park", "Nguyen", "Tran", "Wang", "Li",
    "Zhang", "Singh", "Patel", "Khan", "Ali", "Okafor", "Mensah", "Cohen", "Levi", "O'Brien",
    "Murphy", "Kelly", "Walsh", "Wilson", "Taylor", "Davies", "Evans", "Thomas", "Roberts",
    "Weber", "Wagner", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf",
    "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange",
    "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz",
    "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Keller", "Günther", "Frank",
    "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht", "Schuster",
    "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martín", "Sánchez", "Pérez", "Gómez",
    "de Jong", "van Dijk", "Bakker", "Visser", "Smit", "Meyer", "de Boer", "Mulder", "Bos",
)
CUSTOMERS = 40_000

OPERATIONS = (  # key, label, kind (read/write/scan)
    ("available_day", "available slots, 1 day", "read"),
    ("available_week", "available slots, 1 week", "read"),
    ("create", "create booking", "write"),
    ("cancel", "cancel booking", "write"),
    ("upcoming", "upcoming bookings (50)", "read"),
    ("search", "search name prefix", "read"),
    ("search_business", "search name prefix, 1 business", "read"),
    ("fragment", "search by fragment: customers", "fragment"),
    ("fragment_bookings", "search by fragment: bookings", "fragment"),
    ("check_integrity", "check_integrity (full scan)", "scan"),
)


# ---------------------------------------------------------------- arguments

def add_arguments(parser) -> None:
    parser.add_argument("--scale", type=float, default=1.0,
                        help="size: 1.0 = 20 businesses x 365 days x 16 slots (~500,000 "
                             "bookings); scales the businesses (below one business, the days)")
    parser.add_argument("--repeat", type=int, default=200,
                        help="runs of each fast operation (check_integrity: a twentieth, >= 3)")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the synthetic data if the database already has it")
    parser.add_argument("--json", metavar="FILE", default=None,
                        help="also write the results to FILE as JSON")


@dataclass(frozen=True)
class Plan:
    businesses: int
    days: int

    @property
    def slots(self) -> int:
        return self.businesses * self.days * SLOTS_PER_DAY

    @classmethod
    def for_scale(cls, scale: float) -> "Plan":
        if not scale > 0:
            raise ValueError("--scale must be above 0")
        wanted = BASE_BUSINESSES * scale
        if wanted >= 1:
            return cls(round(wanted), BASE_DAYS)
        return cls(1, max(7, round(BASE_DAYS * wanted)))


# ---------------------------------------------------------------- the synthetic data

def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace("'", "")


def _keys_before_customers(name: str) -> tuple[str, str]:
    """The name keys as the schema the bookings are written in (0016) had
    them: case-folded, accents kept (migration 0017 folds them)."""
    full = " ".join(name.casefold().split())
    words = full.split(" ")
    return full, " ".join([words[-1], *words[:-1]]) if len(words) > 1 else full


def _customers() -> list[tuple]:
    """(name, email, phone, name_key, surname_key, email_key, phone_key), distinct
    email and phone for each customer index; some have no email, a few no phone."""
    pool = []
    nf, nl = len(FIRST_NAMES), len(LAST_NAMES)
    for k in range(CUSTOMERS):
        first, last = FIRST_NAMES[k % nf], LAST_NAMES[(k // nf) % nl]
        if k % 23 == 0:
            first = f"{first} {FIRST_NAMES[(k // 7) % nf]}"
        name = f"{first} {last}"
        has_email, has_phone = (k * 7) % 100 < 80, (k * 13) % 100 < 90
        if not (has_email or has_phone):
            has_phone = True
        email = f"{_ascii(first).replace(' ', '.')}.{_ascii(last).replace(' ', '')}{k}@example.com" \
            if has_email else None
        phone = (f"+44 7700 {k:06d}" if k % 2 else f"07700 {k:06d}") if has_phone else None
        name_key, surname_key = _keys_before_customers(name)
        pool.append((name, email, phone, name_key, surname_key,
                     email.lower() if email else None, v.phone_digits(phone)))
    return pool


_REF_SPACE = len(REFERENCE_ALPHABET) ** 6


def reference_for(n: int) -> str:
    """The n-th synthetic reference: a bijection of the counter (7**10 is prime
    to 30), so unique, and looking like `new_reference()`'s."""
    x = (n * 282_475_249 + 104_729) % _REF_SPACE
    chars = []
    for _ in range(6):
        x, d = divmod(x, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[d])
    return f"{''.join(chars[:3])}-{''.join(chars[3:])}"


class Builder:
    """Rows of the synthetic database, business by business, in the values each
    backend stores (SQLite: text instants as UTCDateTimeField writes them)."""

    def __init__(self, plan: Plan, postgres: bool, now: datetime):
        self.plan, self.postgres, self.now = plan, postgres, now
        self.rng = random.Random(SEED)
        self.customers = _customers()
        self.first_day = now.date() - timedelta(days=round(plan.days * DAYS_BEFORE_FRACTION))
        self.slot_id = 0
        self.booking_id = 0

    def ts(self, value: datetime):
        value = value.astimezone(UTC).replace(tzinfo=None)
        return value if self.postgres else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def flag(self, value: bool):
        return value if self.postgres else int(value)

    def business(self, b: int) -> tuple:
        return (b + 1, f"{NAME_PREFIX}{b + 1:03d}", ZONES[b % len(ZONES)],
                f"+44 20 7946 {b:04d}", f"desk{b + 1}@bench.example.com", MARKER,
                self.ts(self.now))

    def hours(self, b: int) -> list[tuple]:
        closes = (datetime.combine(date(2000, 1, 1), OPENS)
                  + timedelta(minutes=SLOT_MINUTES * SLOTS_PER_DAY)).time()
        if self.postgres:
            return [(b + 1, d, OPENS, closes) for d in range(7)]
        return [(b + 1, d, OPENS.isoformat(), closes.isoformat()) for d in range(7)]

    def slots_and_bookings(self, b: int) -> tuple[list[tuple], list[tuple]]:
        rng, now, customers = self.rng, self.now, self.customers
        tz = ZoneInfo(ZONES[b % len(ZONES)])
        capacity = 4 + b % 3
        step = timedelta(minutes=SLOT_MINUTES)
        slots, bookings = [], []
        for d in range(self.plan.days):
            day = self.first_day + timedelta(days=d)
            ahead = (day - now.date()).days
            for k in range(SLOTS_PER_DAY):
                start = local_to_utc(tz, datetime.combine(day, OPENS) + k * step)
                self.slot_id += 1
                slot_id, past = self.slot_id, start <= now
                # Near days fill up; far ones are mostly free.
                p_full = 0.6 if past else 0.15 + 0.5 * math.exp(-ahead / 45)
                taken = capacity if rng.random() < p_full else rng.randint(
                    1 if past else 0, capacity - 1)
                cancelled = rng.choices((0, 1, 2, 3), (40, 35, 18, 7))[0]
                who = rng.sample(range(CUSTOMERS), taken + cancelled)
                created = min(start, now) - timedelta(hours=1 + rng.randint(0, 500))
                created_s, start_s = self.ts(created), self.ts(start)
                active = 0
                for i, c in enumerate(who):
                    r = rng.random()
                    if i >= taken:
                        status = "cancelled"
                    elif not past:
                        status = "confirmed" if r < 0.9 else "pending"
                    else:
                        status = ("confirmed" if r < 0.40 else "pending" if r < 0.43
                                  else "completed" if r < 0.90 else "no_show")
                    active += status in ("pending", "confirmed")
                    name, email, phone, nk, sk, ek, pk = customers[c]
                    self.booking_id += 1
                    src = ("phone", "online", "walk_in", "other")[
                        rng.choices((0, 1, 2, 3), (45, 30, 20, 5))[0]]
                    bookings.append((
                        self.booking_id, reference_for(self.booking_id), slot_id, b + 1, name,
                        email,
                        phone, nk, sk, ek, pk, status, src, "", created_s, created_s,
                        start_s if status == "completed" else None,
                        created_s if status == "cancelled" else None,
                        "customer called" if status == "cancelled" else "", None))
                blocked = rng.random() < 0.01
                slots.append((slot_id, b + 1, start_s, self.ts(start + step), capacity, active,
                              self.flag(blocked)))
        return slots, bookings


BUSINESS_COLS = "id, name, timezone, phone, email, address, created_at"
HOURS_COLS = "business_id, weekday, open_time, close_time"
SLOT_COLS = 'id, business_id, start, "end", max_capacity, current_bookings, is_blocked'
BOOKING_COLS = ("id, reference, time_slot_id, business_id, customer_name, customer_email, "
                "customer_phone, "
                "name_key, surname_key, email_key, phone_key, status, source, notes, created_at, "
                "updated_at, checked_in_at, cancelled_at, cancel_reason, created_by_id")


def _sqlite_path(url: str) -> str:
    return str(Path(unquote(url[len("sqlite:///"):])).expanduser())


def build(url: str, plan: Plan, postgres: bool, say) -> float:
    """Fill the (migrated, empty) database; returns the seconds it took."""
    started = clock.perf_counter()
    builder = Builder(plan, postgres, utcnow())
    if postgres:
        _build_postgres(url, plan, builder, say)
    else:
        _build_sqlite(url, plan, builder, say)
    return clock.perf_counter() - started


def _marks(cols: str) -> str:
    return ", ".join("?" for _ in cols.split(","))


def _build_sqlite(url, plan, builder, say):
    conn = sqlite3.connect(_sqlite_path(url), isolation_level=None)
    try:
        # Bulk loading only: no fsync and a big page cache. The app's own
        # connections keep synchronous=FULL.
        for pragma in ("journal_mode = wal", "foreign_keys = ON", "synchronous = OFF",
                       "cache_size = -262144", "temp_store = memory"):
            conn.execute(f"PRAGMA {pragma}")
        for b in range(plan.businesses):
            slots, bookings = builder.slots_and_bookings(b)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"INSERT INTO business ({BUSINESS_COLS}) VALUES ({_marks(BUSINESS_COLS)})",
                         builder.business(b))
            conn.executemany(f"INSERT INTO business_hours ({HOURS_COLS}) "
                             f"VALUES ({_marks(HOURS_COLS)})", builder.hours(b))
            conn.executemany(f"INSERT INTO time_slot ({SLOT_COLS}) VALUES ({_marks(SLOT_COLS)})",
                             slots)
            conn.executemany(f"INSERT INTO booking ({BOOKING_COLS}) "
                             f"VALUES ({_marks(BOOKING_COLS)})", bookings)
            conn.execute("COMMIT")
            say(f"  business {b + 1}/{plan.businesses}: {builder.booking_id:,} bookings so far")
        say("  ANALYZE ...")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA optimize")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _build_postgres(url, plan, builder, say):
    import psycopg

    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            for b in range(plan.businesses):
                slots, bookings = builder.slots_and_bookings(b)
                for table, cols, rows in (("business", BUSINESS_COLS, [builder.business(b)]),
                                          ("business_hours", HOURS_COLS, builder.hours(b)),
                                          ("time_slot", SLOT_COLS, slots),
                                          ("booking", BOOKING_COLS, bookings)):
                    with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                conn.commit()
                say(f"  business {b + 1}/{plan.businesses}: {builder.booking_id:,} bookings so far")
            for table in ("business", "time_slot", "booking"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))")
            conn.commit()
    say("  VACUUM ANALYZE ...")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# ---------------------------------------------------------------- what is in the database

def _count(handle, sql: str) -> int:
    return handle.execute_sql(sql).fetchone()[0]


def foreign_data(handle) -> str | None:
    """What the database holds that the benchmark did not make, in words; None if nothing."""
    if not handle.table_exists("business"):
        return None
    users = _count(handle, 'SELECT COUNT(*) FROM "user"')
    others = _count(handle, "SELECT COUNT(*) FROM business "
                            f"WHERE address IS NULL OR address <> '{MARKER}'")
    exceptions = (_count(handle, "SELECT COUNT(*) FROM hours_exception")
                  if handle.table_exists("hours_exception") else 0)
    found = [f"{n} {what}" for n, what in ((users, "user account(s)"), (others, "business(es)"),
                                           (exceptions, "hours exception(s)")) if n]
    return ", ".join(found) or None


def synthetic_plan(handle) -> tuple[Plan | None, datetime | None]:
    """The plan the synthetic data in the database was built with, and when."""
    if not handle.table_exists("business"):
        return None, None
    row = handle.execute_sql("SELECT COUNT(*), MIN(created_at) FROM business").fetchone()
    if not row[0]:
        return None, None
    slots = _count(handle, "SELECT COUNT(*) FROM time_slot")
    days = slots // (row[0] * SLOTS_PER_DAY)
    built = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(row[1])
    return Plan(row[0], days), built.replace(tzinfo=UTC)


def row_counts(handle) -> dict:
    counts = {table: _count(handle, f"SELECT COUNT(*) FROM {table}")
              for table in ("business", "business_hours", "time_slot", "customer", "booking",
                            "audit_event")}
    counts["booking_by_status"] = dict(handle.execute_sql(
        "SELECT status, COUNT(*) FROM booking GROUP BY status ORDER BY status").fetchall())
    counts["active_places"] = _count(handle, "SELECT COALESCE(SUM(current_bookings), 0) "
                                             "FROM time_slot")
    return counts


# ---------------------------------------------------------------- raw SQL comparators

_STATUS_AT = [c.strip() for c in BOOKING_COLS.split(",")].index("status")
_JOINED = (f"SELECT {', '.join('b.' + c.strip() for c in BOOKING_COLS.split(','))}, "
           f"{', '.join('t.' + c.strip() for c in SLOT_COLS.split(','))} "
           "FROM booking b JOIN time_slot t ON b.time_slot_id = t.id")
_JOINED_WITH_CUSTOMER = _JOINED.replace(" FROM booking b", ", b.customer_id FROM booking b")
_START_AT = len(BOOKING_COLS.split(",")) + [c.strip() for c in SLOT_COLS.split(",")].index("start")
_INTEGRITY = (
    "SELECT t.id, t.current_bookings, t.max_capacity, COALESCE(a.n, 0) FROM time_slot t "
    "LEFT OUTER JOIN (SELECT time_slot_id AS slot_id, COUNT(id) AS n FROM booking "
    f"WHERE status IN {ACTIVE_SQL} GROUP BY time_slot_id) a ON a.slot_id = t.id "
    "WHERE t.current_bookings <> COALESCE(a.n, 0) OR COALESCE(a.n, 0) > t.max_capacity "
    "OR t.current_bookings > t.max_capacity OR t.current_bookings < 0 ORDER BY t.id",
    *(f"SELECT time_slot_id, {key}, COUNT(id) FROM booking WHERE status IN {ACTIVE_SQL} "
      f"AND {key} IS NOT NULL GROUP BY time_slot_id, {key} HAVING COUNT(id) > 1"
      for key in ("email_key", "phone_key")),
)


def _keys(name, email, phone):
    name_key, surname_key = v.name_keys(name)
    return name_key, surname_key, email.lower() if email else None, v.phone_digits(phone)


def _details(**values) -> str:
    return json.dumps(values, default=str, sort_keys=True, ensure_ascii=False)



def _fresh_reference(create):
    """A drawn reference that half a million bookings already hold is drawn
    again, as create_booking does (one draw in ~1,500 at this size)."""
    for attempt in range(5):
        try:
            return create()
        except Exception as exc:
            if "reference" not in str(exc).lower() or attempt == 4:
                raise


class _RawQueries:
    """The read SQL both drivers share; `PARAM` is the driver's placeholder,
    `KEY` how a booking's search key is compared and `CKEY` a customer's
    (PostgreSQL: in the "C" collation, like their indexes). What is typed is
    read as the services read it (services.search.read_query) and fragment
    matches ranked by the same rule (services.search.rank): the comparison
    is of the database work, not of two readings of the text."""
    PARAM = "?"
    KEY = "b.{col}"
    CKEY = "c.{col}"

    @staticmethod
    def _prefix_columns(q) -> list[str]:
        if not q.needle:
            return []
        if q.by_phone:
            return ["phone_key"]
        return ["name_key", "surname_key"] + ([] if " " in q.words else ["email_key"])

    def _fragment(self, q, business, wanted):
        raise NotImplementedError

    def _customer_ids(self, q, business, limit, prefixes=True) -> list[int]:
        p, found, seen = self.PARAM, [], set()

        def take(ids):
            for i in ids:
                if i is not None and i not in seen:
                    seen.add(i)
                    found.append(i)

        where_business = f" AND business_id = {p}" if business is not None else ""
        extra = [business.id] if business is not None else []
        if q.reference is not None:
            take(r[0] for r in self.conn.execute(
                f"SELECT customer_id FROM booking WHERE reference = {p}{where_business}",
                (q.reference, *extra)))
        for col in self._prefix_columns(q) if prefixes else ():
            if len(found) >= limit:
                break
            key = self.CKEY.format(col=col)
            take(r[0] for r in self.conn.execute(
                f"SELECT c.id FROM customer c WHERE {key} >= {p} AND {key} < {p}"
                f"{where_business.replace('business_id', 'c.business_id')} "
                f"ORDER BY {key}, c.id LIMIT {p}",
                (q.needle, q.needle + "\U0010ffff", *extra, limit + len(found))))
        if len(found) < limit and q.fragment:
            rows = self._fragment(q, business, FRAGMENT_CANDIDATES + len(found))
            take(cid for _, _, cid in sorted((rank(q, name_key, text, phones), name_key, cid)
                                             for cid, name_key, text, phones in rows
                                             if cid not in seen))
        return found[:limit]

    def find_customers(self, text, business=None, limit=20):
        """Customers and their figures, as find_customers gives them."""
        q = read_query(text)
        ids = self._customer_ids(q, business, limit)
        if not ids:
            return []
        p, marks = self.PARAM, ", ".join([self.PARAM] * len(ids))
        moment = self._now()
        customers = {r[0]: r for r in self.conn.execute(
            "SELECT id, name, email, phone, business_id, notes, contact_ok, created_at, "
            f"updated_at FROM customer WHERE id IN ({marks})", ids)}
        visit = (f"(b.status = 'completed' OR (b.status IN {ACTIVE_SQL} AND t.start <= {p}))")
        figures = {r[0]: r[1:] for r in self.conn.execute(
            f"SELECT b.customer_id, COUNT(b.id), SUM(CASE WHEN {visit} THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN b.status = 'no_show' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN b.status = 'cancelled' THEN 1 ELSE 0 END), "
            f"MIN(CASE WHEN {visit} THEN t.start END), MAX(CASE WHEN {visit} THEN t.start END), "
            f"MIN(CASE WHEN b.status IN {ACTIVE_SQL} AND t.start > {p} THEN t.start END) "
            "FROM booking b JOIN time_slot t ON t.id = b.time_slot_id "
            f"WHERE b.customer_id IN ({marks}) GROUP BY b.customer_id",
            (moment, moment, moment, moment, *ids))}
        return [(*customers[i], *figures.get(i, ())) for i in ids if i in customers]

    def search(self, text, business=None, wanted=50):
        """Bookings, as search_bookings finds them."""
        q = read_query(text)
        found, p = {}, self.PARAM
        tiers = [("b.reference = " + p, [q.reference], "b.id")] if q.reference else []
        for col in self._prefix_columns(q):
            key = self.KEY.format(col=col)
            tiers.append((f"{key} >= {p} AND {key} < {p}", [q.needle, q.needle + "\U0010ffff"],
                          key))
        for condition, params, order in tiers:
            if len(found) >= wanted:
                break
            sql = f"{_JOINED} WHERE {condition}"
            if business is not None:
                sql += f" AND b.business_id = {p}"
                params = [*params, business.id]
            sql += f" ORDER BY {order}, t.start DESC, b.id LIMIT {p}"
            for row in self.conn.execute(sql, (*params, wanted)):
                found.setdefault(row[0], row)
        if len(found) < wanted and q.fragment:
            ids = self._customer_ids(q, business, max(wanted, 20), prefixes=False)
            place = {cid: n for n, cid in enumerate(ids)}
            sql = (f"{_JOINED_WITH_CUSTOMER} WHERE b.customer_id IN "
                   f"({', '.join([p] * len(ids))})")
            params = list(ids)
            if business is not None:
                sql += f" AND b.business_id = {p}"
                params.append(business.id)
            rows = self.conn.execute(sql, params).fetchall() if ids else []
            rows.sort(key=lambda r: r[0])
            rows.sort(key=lambda r: r[_START_AT], reverse=True)
            rows.sort(key=lambda r: place[r[-1]])
            for row in rows:
                found.setdefault(row[0], row[:-1])
        return list(found.values())[:wanted]

    def integrity(self):
        return [self.conn.execute(sql).fetchall() for sql in _INTEGRITY]

    def _customer_for(self, slot_id, name, email, phone, moment) -> int:
        """The customer a new booking finds (same email key or phone digits
        in the slot's business, the email first) or makes."""
        p = self.PARAM
        name_key, surname_key, email_key, phone_key = _keys(name, email, phone)
        business_id = self.conn.execute(f"SELECT business_id FROM time_slot WHERE id = {p}",
                                        (slot_id,)).fetchone()[0]
        e, ph = self.CKEY.format(col="email_key"), self.CKEY.format(col="phone_key")
        found = self.conn.execute(
            f"SELECT c.id FROM customer c WHERE ({e} = {p} OR {ph} = {p}) "
            f"AND c.business_id = {p} ORDER BY CASE WHEN {e} = {p} THEN 0 ELSE 1 END, c.id "
            "LIMIT 1", (email_key, phone_key, business_id, email_key)).fetchone()
        if found is not None:
            return found[0]
        return self.conn.execute(
            "INSERT INTO customer (business_id, name, email, phone, name_key, surname_key, "
            "email_key, phone_key, notes, contact_ok, created_at, updated_at, search_text, "
            f"search_phones) VALUES ({', '.join([p] * 8)}, '', {p}, {p}, {p}, {p}, {p}) "
            "RETURNING id",
            (business_id, name, email, phone, name_key, surname_key, email_key, phone_key,
             self._false, moment, moment, with_terms("", name_key, email_term(email)),
             phone_key or "")).fetchall()[0][0]

    def _insert_booking(self, ref, slot_id, name, email, phone, source, moment) -> int:
        """The booking row (its business from the slot, its customer found
        or made) and its audit event."""
        p = self.PARAM
        customer = self._customer_for(slot_id, name, email, phone, moment)
        booking_id = self.conn.execute(
            "INSERT INTO booking (reference, time_slot_id, business_id, customer_name, "
            "customer_email, customer_phone, name_key, surname_key, email_key, phone_key, "
            f"status, source, notes, created_at, updated_at, cancel_reason, customer_id) "
            f"VALUES ({p}, {p}, "
            f"(SELECT business_id FROM time_slot WHERE id = {p}), {', '.join([p] * 7)}, "
            f"'confirmed', {p}, '', {p}, {p}, '', {p}) RETURNING id",
            (ref, slot_id, slot_id, name, email, phone, *_keys(name, email, phone), source,
             moment, moment, customer)).fetchall()[0][0]
        self.conn.execute(
            "INSERT INTO audit_event (at, user_id, action, entity, entity_id, details) "
            f"VALUES ({p}, NULL, 'booking.create', 'booking', {p}, {p})",
            (moment, booking_id, _details(customer=customer, customer_created=True,
                                          reference=ref, time_slot=slot_id, source=source,
                                          status="confirmed")))
        return booking_id


class RawSqlite(_RawQueries):
    """What a careful hand-written sqlite3 implementation would run."""

    def __init__(self, url: str):
        self.conn = sqlite3.connect(_sqlite_path(url), isolation_level=None,
                                    timeout=database.BUSY_TIMEOUT_S)
        for name, value in database.SQLITE_PRAGMAS.items():
            self.conn.execute(f"PRAGMA {name} = {value}")

    def close(self):
        self.conn.close()

    _false = 0

    @staticmethod
    def _ts(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def _now(self):
        return self._ts(utcnow())

    def _fragment(self, q, business, wanted):
        sql = ("SELECT id, name_key, search_text, search_phones FROM customer WHERE id IN "
               "(SELECT rowid FROM customer_search WHERE customer_search MATCH ?)")
        params = [fragment_match(q)]
        if business is not None:
            sql += " AND business_id = ?"
            params.append(business.id)
        return self.conn.execute(sql + " LIMIT ?", (*params, wanted)).fetchall()

    def available(self, business, first, last):
        lo, hi = day_bounds(business, first, last)
        return self.conn.execute(
            f"SELECT {SLOT_COLS} FROM time_slot WHERE business_id = ? AND start >= ? "
            "AND start < ? AND start > ? AND is_blocked = 0 AND closed_reason = '' "
            "AND current_bookings < max_capacity ORDER BY start",
            (business.id, self._ts(lo), self._ts(hi), self._ts(utcnow()))).fetchall()

    def upcoming(self, business, limit=50):
        return self.conn.execute(
            f"{_JOINED} WHERE t.business_id = ? AND t.\"end\" > ? AND b.status IN {ACTIVE_SQL} "
            "ORDER BY t.start, b.id LIMIT ?", (business.id, self._ts(utcnow()), limit)).fetchall()

    def create(self, slot_id, name, email, phone, source="phone"):
        return _fresh_reference(lambda: self._create(slot_id, name, email, phone, source))

    def _create(self, slot_id, name, email, phone, source):
        ref, moment = new_reference(), self._ts(utcnow())
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            taken = c.execute(
                "UPDATE time_slot SET current_bookings = current_bookings + 1 WHERE id = ? "
                "AND current_bookings < max_capacity AND is_blocked = 0 AND closed_reason = '' "
                "AND start > ?",
                (slot_id, moment)).rowcount
            if taken != 1:
                raise BookingError("raw: slot not bookable")
            # Like the service: the partial unique indexes refuse a duplicate.
            booking_id = self._insert_booking(ref, slot_id, name, email, phone, source, moment)
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return booking_id

    def cancel(self, booking_id, reason=""):
        c, moment = self.conn, self._ts(utcnow())
        c.execute("BEGIN IMMEDIATE")
        try:
            status, slot_id, ref = c.execute(
                "SELECT status, time_slot_id, reference FROM booking WHERE id = ?",
                (booking_id,)).fetchone()
            if status not in ("pending", "confirmed"):
                raise BookingError("raw: not active")
            row = c.execute(f"UPDATE booking SET status = 'cancelled', cancelled_at = ?, "
                            f"cancel_reason = ?, updated_at = ? WHERE id = ? RETURNING "
                            f"{BOOKING_COLS}", (moment, reason, moment, booking_id)).fetchone()
            c.execute("UPDATE time_slot SET current_bookings = current_bookings - 1 WHERE id = ?",
                      (slot_id,))
            c.execute("INSERT INTO audit_event (at, user_id, action, entity, entity_id, details) "
                      "VALUES (?, NULL, 'booking.cancel', 'booking', ?, ?)",
                      (moment, booking_id, _details(reference=ref, reason=reason,
                                                    previous_status=status)))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return row


_PG_NOW = "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')"


class RawPostgres(_RawQueries):
    """What a careful hand-written psycopg implementation would run (the
    server's clock, as the services use it)."""
    PARAM = "%s"
    KEY = 'b.{col} COLLATE "C"'
    CKEY = 'c.{col} COLLATE "C"'
    _false = False

    def _now(self):
        return utcnow().replace(tzinfo=None)

    def _fragment(self, q, business, wanted):
        column = "search_phones" if q.by_phone else "search_text"
        escaped = q.needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql = (f"SELECT id, name_key, search_text, search_phones FROM customer "
               f"WHERE {column} LIKE %s")
        params = [f"%{escaped}%"]
        if business is not None:
            sql = f"WITH found AS MATERIALIZED ({sql} AND business_id = %s) SELECT * FROM found"
            params.append(business.id)
        return self.conn.execute(sql + " LIMIT %s", (*params, wanted)).fetchall()

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url, autocommit=True)

    def close(self):
        self.conn.close()

    def available(self, business, first, last):
        lo, hi = day_bounds(business, first, last)
        return self.conn.execute(
            f"SELECT {SLOT_COLS} FROM time_slot WHERE business_id = %s AND start >= %s "
            f"AND start < %s AND start > {_PG_NOW} AND NOT is_blocked AND closed_reason = '' "
            "AND current_bookings < max_capacity ORDER BY start",
            (business.id, lo.replace(tzinfo=None), hi.replace(tzinfo=None))).fetchall()

    def upcoming(self, business, limit=50):
        return self.conn.execute(
            f"{_JOINED} WHERE t.business_id = %s AND t.\"end\" > {_PG_NOW} "
            f"AND b.status IN {ACTIVE_SQL} ORDER BY t.start, b.id LIMIT %s",
            (business.id, limit)).fetchall()

    def create(self, slot_id, name, email, phone, source="phone"):
        return _fresh_reference(lambda: self._create(slot_id, name, email, phone, source))

    def _create(self, slot_id, name, email, phone, source):
        ref, c = new_reference(), self.conn
        with c.transaction():
            row = c.execute(
                "UPDATE time_slot SET current_bookings = current_bookings + 1 WHERE id = %s "
                f"AND current_bookings < max_capacity AND NOT is_blocked AND closed_reason = '' "
                f"AND start > {_PG_NOW} RETURNING {_PG_NOW}", (slot_id,)).fetchone()
            if row is None:
                raise BookingError("raw: slot not bookable")
            moment = row[0]
            # Like the service: the partial unique indexes refuse a duplicate.
            booking_id = self._insert_booking(ref, slot_id, name, email, phone, source, moment)
        return booking_id

    def cancel(self, booking_id, reason=""):
        c = self.conn
        with c.transaction():
            status, slot_id, ref, moment = c.execute(
                f"SELECT status, time_slot_id, reference, {_PG_NOW} FROM booking WHERE id = %s "
                "FOR UPDATE", (booking_id,)).fetchone()
            if status not in ("pending", "confirmed"):
                raise BookingError("raw: not active")
            row = c.execute(f"UPDATE booking SET status = 'cancelled', cancelled_at = %s, "
                            f"cancel_reason = %s, updated_at = %s WHERE id = %s RETURNING "
                            f"{BOOKING_COLS}", (moment, reason, moment, booking_id)).fetchone()
            c.execute("UPDATE time_slot SET current_bookings = current_bookings - 1 "
                      "WHERE id = %s", (slot_id,))
            c.execute("INSERT INTO audit_event (at, user_id, action, entity, entity_id, details) "
                      "VALUES (%s, NULL, 'booking.cancel', 'booking', %s, %s)",
                      (moment, booking_id, _details(reference=ref, reason=reason,
                                                    previous_status=status)))
        return row


# ---------------------------------------------------------------- timing

@dataclass
class Result:
    key: str
    operation: str
    kind: str
    runs: int
    median_ms: float
    p95_ms: float
    raw_median_ms: float
    raw_p95_ms: float
    ratio: float
    budget_ms: float | None
    over_budget: bool
    over_ratio: bool
    same_answer: bool


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _timed(fn, *args):
    t0 = clock.perf_counter()
    out = fn(*args)
    return (clock.perf_counter() - t0) * 1000, out


def _ids(rows) -> list:
    return [getattr(r, "id", None) if not isinstance(r, tuple) else r[0] for r in rows]


class Workload:
    """Parameters for each run, from one seeded generator."""

    def __init__(self, businesses, slot_ids, today: date, days_ahead: int):
        self.rng = random.Random(SEED + 1)
        self.businesses, self.slot_ids = businesses, slot_ids
        self.today, self.days_ahead = today, max(0, days_ahead)
        self.customer = 0

    def business(self):
        return self.rng.choice(self.businesses)

    def day(self):
        return self.today + timedelta(days=self.rng.randint(0, self.days_ahead))

    def prefix(self):
        word = self.rng.choice(self.rng.choice((FIRST_NAMES, LAST_NAMES)))
        return word[:self.rng.choice((2, 3, 3, 4))]

    def fragment(self):
        """What a desk types to find someone by a piece of them: most often a
        piece from inside a name (3 to 5 letters, accents left out as people
        type them: "eber", "ller"), sometimes four digits from a phone."""
        if self.rng.random() < 0.2:
            digits = f"{self.rng.randrange(CUSTOMERS):06d}"
            start = self.rng.randint(0, 2)
            return digits[start:start + 4]
        word = folded(self.rng.choice(self.rng.choice((FIRST_NAMES, LAST_NAMES))))
        if len(word) <= 3:
            return word
        start = self.rng.randint(1, len(word) - 3)
        return word[start:start + self.rng.choice((3, 4, 5))]

    def slot(self):
        return self.rng.choice(self.slot_ids)

    def new_customer(self):
        self.customer += 1
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        k = self.customer
        return (f"{first} {last}", f"bench.walkin{k}.{os.getpid()}@example.com",
                f"+49 151 {900000 + k:06d}")


def _measure_pair(runs, warmup, service_call, raw_call, make_args, compare):
    service_ms, raw_ms, same = [], [], True
    for i in range(warmup + runs):
        args = make_args()
        if i % 2:
            s = _timed(service_call, *args)
            r = _timed(raw_call, *args)
        else:
            r = _timed(raw_call, *args)
            s = _timed(service_call, *args)
        if i >= warmup:
            service_ms.append(s[0])
            raw_ms.append(r[0])
        if compare and i < warmup + 3 and _ids(s[1]) != _ids(r[1]):
            same = False
    return service_ms, raw_ms, same


def measure(raw, workload: Workload, repeat: int, say) -> dict[str, tuple]:
    warm = min(10, max(1, repeat // 10))
    out = {}

    def reads(key, service_call, raw_call, make_args, runs=repeat, warmup=warm, compare=True):
        gc.collect()
        say(f"  {key} x {runs} ...")
        out[key] = _measure_pair(runs, warmup, service_call, raw_call, make_args, compare)

    reads("available_day", lambda b, d: services.available_slots(b, d),
          lambda b, d: raw.available(b, d, d), lambda: (workload.business(), workload.day()))
    reads("available_week", lambda b, d: services.available_slots(b, d, d + timedelta(days=6)),
          lambda b, d: raw.available(b, d, d + timedelta(days=6)),
          lambda: (workload.business(), workload.day()))
    reads("upcoming", lambda b: services.upcoming_bookings(b, limit=50),
          lambda b: raw.upcoming(b, 50), lambda: (workload.business(),))
    reads("search", lambda p: services.search_bookings(p, limit=50),
          lambda p: raw.search(p, None, 50), lambda: (workload.prefix(),))
    reads("search_business", lambda p, b: services.search_bookings(p, business=b, limit=50),
          lambda p, b: raw.search(p, b, 50), lambda: (workload.prefix(), workload.business()))
    reads("fragment", lambda f, b: services.find_customers(f, b, limit=20),
          lambda f, b: raw.find_customers(f, b, 20),
          lambda: (workload.fragment(), workload.business()))
    reads("fragment_bookings", lambda f, b: services.search_bookings(f, business=b, limit=50),
          lambda f, b: raw.search(f, b, 50), lambda: (workload.fragment(), workload.business()))
    out["create"], out["cancel"] = _measure_writes(raw, workload, repeat, warm, say)
    runs = max(3, repeat // 20)
    reads("check_integrity", services.check_integrity, raw.integrity, lambda: (),
          runs=runs, warmup=1, compare=False)
    return out


def _measure_writes(raw, workload, repeat, warm, say):
    gc.collect()
    say(f"  create + cancel x {repeat} ...")
    times = {"create": ([], []), "cancel": ([], [])}
    same = True
    for i in range(warm + repeat):
        slot_id = workload.slot()
        order = ("service", "raw") if i % 2 else ("raw", "service")
        for side in order:
            name, email, phone = workload.new_customer()
            if side == "service":
                c_ms, booking = _timed(services.create_booking, slot_id, name, email, phone,
                                       "phone")
                x_ms, cancelled = _timed(services.cancel_booking, booking)
                same &= booking.status == "confirmed" and cancelled.status == "cancelled"
            else:
                c_ms, booking_id = _timed(raw.create, slot_id, name, email, phone, "phone")
                x_ms, row = _timed(raw.cancel, booking_id)
                same &= row[_STATUS_AT] == "cancelled"
            if i >= warm:
                slot = 0 if side == "service" else 1
                times["create"][slot].append(c_ms)
                times["cancel"][slot].append(x_ms)
    return (*times["create"], same), (*times["cancel"], same)


def summarise(measured: dict) -> list[Result]:
    results = []
    for key, label, kind in OPERATIONS:
        service_ms, raw_ms, same = measured[key]
        median, raw_median = statistics.median(service_ms), statistics.median(raw_ms)
        budget = {"read": READ_BUDGET_MS, "write": WRITE_BUDGET_MS,
                  "fragment": FRAGMENT_BUDGET_MS}.get(kind)
        ratio = median / raw_median if raw_median > 0 else float("inf")
        results.append(Result(
            key, label, kind, len(service_ms), median, _p95(service_ms), raw_median,
            _p95(raw_ms), ratio, budget, budget is not None and median > budget,
            ratio > RATIO_GOAL, same))
    return results


def format_table(results: list[Result]) -> str:
    head = (f"{'operation':<32} {'runs':>5} {'median ms':>10} {'p95 ms':>9} "
            f"{'raw median ms':>14} {'raw p95 ms':>11} {'ratio':>7}  {'goal':<12} notes")
    lines = [head, "-" * len(head)]
    for r in results:
        goal = f"<= {r.budget_ms:g} ms, 2x" if r.budget_ms is not None else "2x"
        notes = []
        if r.over_budget:
            notes.append("OVER BUDGET")
        if r.over_ratio:
            notes.append("OVER 2x RAW")
        if not r.same_answer:
            notes.append("answers differ")
        lines.append(f"{r.operation:<32} {r.runs:>5} {r.median_ms:>10.2f} {r.p95_ms:>9.2f} "
                     f"{r.raw_median_ms:>14.2f} {r.raw_p95_ms:>11.2f} {r.ratio:>6.2f}x  "
                     f"{goal:<12} {', '.join(notes) or 'ok'}")
    return "\n".join(lines)


# ---------------------------------------------------------------- the command

def _default_url() -> str:
    return f"sqlite:///{Path(tempfile.gettempdir()) / 'booking-bench.db'}"


def _describe(handle, postgres: bool) -> str:
    if postgres:
        version = handle.execute_sql("SHOW server_version").fetchone()[0]
        return f"PostgreSQL {version}"
    return f"SQLite {sqlite3.sqlite_version}"


def _remove_sqlite_file(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)


def _prepare(url: str, plan: Plan, keep: bool, default_file: bool, say) -> tuple:
    """Open, refuse foreign data, (re)build when needed. Returns (handle, build seconds | None)."""
    handle = database.open_database(url)
    database.bind(handle)
    postgres = database.is_postgres(handle)
    foreign = foreign_data(handle)
    if foreign:
        database.close(handle)
        raise BookingError(
            f"Refusing to benchmark {url}: it holds data the benchmark did not make "
            f"({foreign}). The benchmark writes ~500,000 synthetic bookings and would mix "
            "them with it. Give --db an empty database (e.g. CREATE DATABASE bench) or "
            "leave --db out to use a file in the temp directory.")
    database.migration_runner(handle).up()
    existing, built = synthetic_plan(handle)
    fresh = built is not None and utcnow() - built < timedelta(days=KEEP_MAX_AGE_DAYS)
    if keep and existing == plan and fresh:
        say(f"Reusing the synthetic data built {built:%Y-%m-%d %H:%M} UTC (--keep).")
        return handle, None, None
    if existing is not None:
        say("Removing the previous synthetic data ...")
        if default_file and not postgres:
            database.close(handle)
            _remove_sqlite_file(_sqlite_path(url))
            handle = database.connect(url)
        else:
            database.migrate_to("zero", handle)
    database.migrate_to(BUILT_AT, handle)
    say(f"Building {plan.businesses} businesses x {plan.days} days x {SLOTS_PER_DAY} slots "
        f"({plan.slots:,} slots) at schema {BUILT_AT} ...")
    seconds = build(url, plan, postgres, say)
    say("Migrating to the newest schema (0017: customers from the bookings) ...")
    started = clock.perf_counter()
    database.migrate_to(None, handle)
    migration = clock.perf_counter() - started
    say(f"  {migration:.1f} s")
    _tidy(url, postgres)
    # Reconnect so the app's connections see the new statistics.
    database.close(handle)
    handle = database.connect(url)
    return handle, seconds, migration


def _tidy(url: str, postgres: bool) -> None:
    """After the migration rewrote every booking: the dead rows vacuumed and
    the statistics fresh (outside the migration's time), as autovacuum and
    `PRAGMA optimize` would leave a database before it is timed."""
    if postgres:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        return
    conn = sqlite3.connect(_sqlite_path(url), isolation_level=None)
    try:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def run(args) -> int:
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    url = getattr(args, "db", None)
    default_file = url is None
    url = url or _default_url()
    repeat = max(1, int(getattr(args, "repeat", 200) or 200))
    try:
        plan = Plan.for_scale(float(getattr(args, "scale", 1.0)))
    except ValueError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    try:
        handle, build_seconds, migration_seconds = _prepare(
            url, plan, bool(getattr(args, "keep", False)), default_file, say)
    except BookingError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    postgres = database.is_postgres(handle)
    raw = RawPostgres(url) if postgres else RawSqlite(url)
    try:
        counts = row_counts(handle)
        businesses = services.list_businesses()
        moment = utcnow()
        last_start = handle.execute_sql("SELECT MAX(start) FROM time_slot").fetchone()[0]
        last_start = last_start if isinstance(last_start, datetime) else \
            datetime.fromisoformat(last_start)
        days_ahead = (last_start.date() - moment.date()).days - 7
        slot_ids = [row[0] for row in handle.execute_sql(
            "SELECT id FROM time_slot WHERE start > %s AND current_bookings < max_capacity - 1 "
            "AND is_blocked = %s ORDER BY id" % (("%s", "%s") if postgres else ("?", "?")),
            ((moment + timedelta(days=1)).replace(tzinfo=None) if postgres else
             RawSqlite._ts(moment + timedelta(days=1)), False if postgres else 0)).fetchall()]
        if not slot_ids:
            raise BookingError("no future slot with room left to book in")
        workload = Workload(businesses, slot_ids, moment.date(), days_ahead)
        say(f"Timing ({repeat} runs each) ...")
        results = summarise(measure(raw, workload, repeat, say))
        problems = services.check_integrity()
    except BookingError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    finally:
        raw.close()
    kind = _describe(handle, postgres)
    where = url if not postgres else url.split("@")[-1]
    print(f"Booking Desktop benchmark: {kind}, {where}")
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.2f} at the end (other work skews times)"
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPU(s){load}, "
          f"services with now=None")
    print(f"rows: {counts['business']:,} businesses, {counts['business_hours']:,} weekly hours, "
          f"{counts['time_slot']:,} time slots, {counts['customer']:,} customers, "
          f"{counts['booking']:,} bookings "
          f"({', '.join(f'{s} {n:,}' for s, n in counts['booking_by_status'].items())}), "
          f"{counts['active_places']:,} places held, {counts['audit_event']:,} audit events")
    print("build: " + (f"{build_seconds:.1f} s, then migration 0017 (customers from "
                       f"{counts['booking']:,} bookings): {migration_seconds:.1f} s"
                       if build_seconds is not None else "reused (--keep)"))
    print(format_table(results))
    print(f"check_integrity after the run: {len(problems)} problem(s)")
    if getattr(args, "json", None):
        Path(args.json).write_text(json.dumps({
            "database": kind, "url": where, "plan": asdict(plan), "rows": counts,
            "build_seconds": build_seconds, "migration_seconds": migration_seconds,
            "repeat": repeat,
            "results": [asdict(r) for r in results],
            "integrity_problems": [str(p) for p in problems],
        }, indent=2, default=str), encoding="utf-8")
    database.close(handle)
    return 0
