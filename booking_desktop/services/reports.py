"""Figures for owners: how the business is doing over a range of its local dates.

Every figure is an aggregate query in the database (GROUP BY, COUNT, SUM,
percentile); Python only adds up the few grouped rows that come back. A
booking belongs to the period by its slot's start (the appointment), in the
business's local dates; with all businesses, each business's own dates.

Definitions (also in the README):

- **bookings by status / by source**: every booking whose slot starts in the
  period, cancelled ones included.
- **utilisation** = booked places / capacity, over the slots of the period
  that are not blocked. Capacity is the sum of their `max_capacity`; a booked
  place is a booking that held a place in one of them: pending, confirmed,
  completed or no-show (a no-show still kept the place from someone else).
  By local day, by weekday (Monday = 0) and by hour of day.
- **cancellation rate** = cancelled / all bookings of the period.
- **no-show rate** = no-show / (completed + no-show): of the bookings whose
  outcome was recorded, the share where the customer did not come.
- **confirmation rate** (the original specification's "conversion") = of the
  bookings of the period that were pending at some point (created pending, or
  set back to pending, as the audit log records), the share that then became
  confirmed: confirmed by hand (`booking.status` → confirmed or completed) or
  checked in (`booking.check_in`, which confirms a pending booking). Bookings
  with no audit trail (bulk-loaded data) are not counted either way.
- **lead time** = slot start − the moment the booking was made, over every
  booking of the period: the median in hours (rounded to 0.1 h, worked out
  in whole microseconds so both backends give the same figure) and a
  distribution in buckets.
- **basis**: by default a booking belongs to the period by its appointment
  (`basis="appointment"`); with `basis="booked"` by the local date it was
  made (`created_at`): "how many bookings did we take this week". The basis
  changes which bookings are counted (by status, by source, per day, lead
  time, confirmation rate); utilisation, the weekday × hour table and the
  popular times are about the period's slots and stay by appointment.
- **most popular times**: the weekday × hour cells with the most booked places.
- **customers** (issue 12): the figures below count a customer's bookings
  that held a place (pending, confirmed, completed, no-show), each dated by
  the basis (its appointment, or when it was made). Cancelled bookings count
  for nothing here: they neither make a customer known nor count in the
  period. The period's customers are those with such a booking in the period.
  - **new**: the customer's first such booking ever, at that business
    (customers are per business), falls in the period: none comes before
    the period's first local day. **returning**: one does. Ties are no
    matter: two first bookings on the same instant in the period are new.
  - **bookings by returning customers** = the period's bookings that held a
    place made by returning customers / all the period's bookings that held
    a place (bookings without a customer count in the whole, in neither part).
  - **most no-shows**: the customers with the most no-show bookings in the
    period (by the basis), up to five, the most first; ties by the customer's
    id (the older record first), so the list is the same on both backends.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .. import models
from ..clock import UTC
from ..db import is_postgres
from ..errors import InvalidInput
from ..models import BOOKING_SOURCES, BOOKING_STATUSES, Business
from . import validation as v
from ._tx import require_export, run_read
from .businesses import BusinessRow, get_business
from .slots import day_bounds

HELD_STATUSES = ("pending", "confirmed", "completed", "no_show")
LEAD_BUCKETS = (  # (label, upper bound in seconds or None)
    ("0–1 hour", 3600),
    ("1–24 hours", 86400),
    ("1–7 days", 7 * 86400),
    ("7–30 days", 30 * 86400),
    ("30+ days", None),
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_REPORT_DAYS = 3 * 366 + 1
MOST_NO_SHOWS = 5  # customers listed under "most no-shows"
BASES = ("appointment", "booked")  # a booking's date: its slot's start, or when it was made
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-/]+$")


# ---------------------------------------------------------------- local time in SQL

@lru_cache(maxsize=256)
def _offset_segments(zone_name: str, lo: datetime, hi: datetime) -> tuple[tuple[datetime, int], ...]:
    """((utc_until, offset_seconds), ...) covering [lo, hi): the zone's UTC
    offset piecewise, found day by day and narrowed to the second."""
    tz = ZoneInfo(zone_name)

    def offset(at: datetime) -> int:
        return int(at.astimezone(tz).utcoffset().total_seconds())

    segments = []
    at, current = lo, offset(lo)
    while at < hi:
        step = min(at + timedelta(days=1), hi)
        if offset(step) == current:
            at = step
            continue
        a, b = at, step  # the change lies in (a, b]
        while (b - a) > timedelta(seconds=1):
            mid = a + (b - a) / 2
            if offset(mid) == current:
                a = mid
            else:
                b = mid
        b = b.replace(microsecond=0)
        if offset(b) == current:
            b += timedelta(seconds=1)
        segments.append((b, current))
        at, current = b, offset(b)
    segments.append((hi, current))
    return tuple(segments)


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _places(n: int) -> str:
    """"1 place", "1,234 places"."""
    return "1 place" if n == 1 else f"{n:,} places"


@dataclass(frozen=True)
class LocalTime:
    """SQL for a column's local wall-clock time, per backend.

    PostgreSQL converts with AT TIME ZONE on the business's zone column.
    SQLite has no zones: the offsets in force over the period are written
    into a CASE (a year has two changes), keyed by zone when there are
    several businesses; with no business at all (no zone) there is nothing
    to convert and the column's UTC text stands (a CASE with no WHEN is not SQL)."""
    postgres: bool
    zones: tuple[tuple[str, datetime, datetime], ...]  # (zone, utc lo, utc hi)
    zone_column: str = "bz.timezone"

    def expr(self, column: str) -> str:
        """`column` (a UTC instant) as local 'YYYY-MM-DD HH:MM:SS' text (SQLite)
        or a local timestamp (PostgreSQL)."""
        if self.postgres:
            return f"(({column} AT TIME ZONE 'UTC') AT TIME ZONE {self.zone_column})"
        branches = []
        several = len({z for z, _, _ in self.zones}) > 1
        for zone, lo, hi in self.zones:
            segments = _offset_segments(zone, lo - timedelta(days=1), hi + timedelta(days=1))
            zone_test = f"{self.zone_column} = '{zone}' AND " if several else ""
            for i, (until, seconds) in enumerate(segments):
                last = i == len(segments) - 1
                cond = zone_test + ("1=1" if last else f"{column} < '{_ts(until)}'")
                branches.append(f"WHEN {cond} THEN datetime({column}, '{seconds:+d} seconds')")
        if not branches:  # no business, so no slot or booking either: any text will do
            return f"datetime({column})"
        return "(CASE " + " ".join(branches) + f" ELSE datetime({column}) END)"

    def day(self, column: str) -> str:
        local = self.expr(column)
        return f"CAST({local} AS date)" if self.postgres else f"substr({local}, 1, 10)"

    def weekday(self, column: str) -> str:
        """Monday = 0."""
        local = self.expr(column)
        if self.postgres:
            return f"CAST(EXTRACT(ISODOW FROM {local}) AS integer) - 1"
        return f"((CAST(strftime('%w', {local}) AS integer) + 6) % 7)"

    def hour(self, column: str) -> str:
        local = self.expr(column)
        if self.postgres:
            return f"CAST(EXTRACT(HOUR FROM {local}) AS integer)"
        return f"CAST(substr({local}, 12, 2) AS integer)"

    def text(self, column: str) -> str:
        """Local 'YYYY-MM-DD HH:MM:SS' text on both backends."""
        local = self.expr(column)
        if self.postgres:
            return f"to_char({local}, 'YYYY-MM-DD HH24:MI:SS')"
        return local


def check_zone(name: str) -> str:
    if not _ZONE_NAME.match(name or ""):
        raise InvalidInput(f"The time zone {name!r} cannot be used in a report.")
    return name


@dataclass(frozen=True)
class Scope:
    """Which slots a report or an export covers: the SQL condition on
    `ts` (time_slot) and `bz` (business), its parameters, and local time."""
    where: str
    params: tuple
    local: LocalTime


def _param() -> str:
    return models.database.param


def _db_instant(value: datetime):
    return value.astimezone(UTC).replace(tzinfo=None) if is_postgres() else _ts(value)


def scope_for(business: Business | None, first: date | None, last: date | None,
              column: str = "ts.start") -> Scope:
    """The slots of `business` (None: every business) whose start falls on the
    local dates first..last (both None: any time). `column` is the instant
    that must fall in the period ("b.created_at": bookings made then)."""
    postgres = is_postgres()
    p = _param()
    if business is not None:
        businesses = [business]
    else:
        businesses = list(Business.select(Business.id, Business.timezone))
    zones: dict[str, tuple[datetime, datetime]] = {}
    conditions, params = [], []
    if first is None:
        row = models.database.execute_sql("SELECT MIN(start), MAX(start) FROM time_slot").fetchone()
        lo_all = as_utc(row[0]) or datetime(2000, 1, 1, tzinfo=UTC)
        hi_all = (as_utc(row[1]) or lo_all) + timedelta(days=1)
    for b in businesses:
        zone = check_zone(b.timezone)
        if first is not None:
            lo, hi = day_bounds(b, first, last)
        else:
            lo, hi = lo_all, hi_all
        if zone in zones:
            zones[zone] = (min(zones[zone][0], lo), max(zones[zone][1], hi))
        else:
            zones[zone] = (lo, hi)
    # A booking's own instant (when made) is looked up along the index on
    # booking (business_id, created_at): by the booking's business (always
    # its slot's, migration 0007), one range per business.
    owner = "b.business_id" if column.startswith("b.") else "ts.business_id"
    if business is not None:
        conditions.append(f"{owner} = {p}")
        params.append(business.id)
        if first is not None:
            lo, hi = day_bounds(business, first, last)
            conditions.append(f"{column} >= {p} AND {column} < {p}")
            params += [_db_instant(lo), _db_instant(hi)]
    elif first is not None and owner == "b.business_id":
        per_business = []
        for b in businesses:
            lo, hi = day_bounds(b, first, last)
            per_business.append(f"({owner} = {p} AND {column} >= {p} AND {column} < {p})")
            params += [b.id, _db_instant(lo), _db_instant(hi)]
        conditions.append("(" + (" OR ".join(per_business) or "1=0") + ")")
    elif first is not None:
        per_zone = []
        for zone, (lo, hi) in zones.items():
            per_zone.append(f"(bz.timezone = {p} AND {column} >= {p} AND {column} < {p})")
            params += [zone, _db_instant(lo), _db_instant(hi)]
        conditions.append("(" + (" OR ".join(per_zone) or "1=0") + ")")
    local = LocalTime(postgres, tuple((z, lo, hi) for z, (lo, hi) in sorted(zones.items())))
    if business is not None and postgres:
        local = LocalTime(True, local.zones, zone_column=f"'{check_zone(business.timezone)}'")
    return Scope(" AND ".join(conditions) or "1=1", tuple(params), local)


def as_utc(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# ---------------------------------------------------------------- the report

@dataclass(frozen=True)
class Usage:
    capacity: int = 0
    booked: int = 0

    @property
    def rate(self) -> float | None:
        return self.booked / self.capacity if self.capacity else None


@dataclass(frozen=True)
class DayFigures:
    day: date
    by_status: dict
    usage: Usage


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Report:
    business_id: int | None
    business_name: str
    date_from: date
    date_to: date
    by_status: dict = field(default_factory=dict)
    by_source: dict = field(default_factory=dict)
    usage: Usage = Usage()
    days: tuple = ()                      # DayFigures, every date of the period
    by_weekday: tuple = ()                # Usage for Monday..Sunday
    by_hour: dict = field(default_factory=dict)      # hour -> Usage (hours with slots)
    heatmap: dict = field(default_factory=dict)      # (weekday, hour) -> Usage
    popular_times: tuple = ()             # ((weekday, hour, booked places), ...)
    lead_median_hours: float | None = None
    lead_buckets: tuple = ()              # ((label, count), ...)
    ever_pending: int = 0
    confirmed_from_pending: int = 0
    basis: str = "appointment"            # see BASES
    customers: int = 0                    # with a booking that held a place (see the module)
    returning_customers: int = 0          # of them, known from before the period
    returning_bookings: int = 0           # the period's held bookings by returning customers
    most_no_shows: tuple = ()             # ((customer id, name, no-shows), ...), most first

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def utilisation(self) -> float | None:
        return self.usage.rate

    @property
    def cancellation_rate(self) -> float | None:
        return _rate(self.by_status.get("cancelled", 0), self.total)

    @property
    def no_show_rate(self) -> float | None:
        outcome = self.by_status.get("completed", 0) + self.by_status.get("no_show", 0)
        return _rate(self.by_status.get("no_show", 0), outcome)

    @property
    def confirmation_rate(self) -> float | None:
        return _rate(self.confirmed_from_pending, self.ever_pending)

    @property
    def new_customers(self) -> int:
        return self.customers - self.returning_customers

    @property
    def held_bookings(self) -> int:
        """The period's bookings that held a place (every status but cancelled)."""
        return sum(self.by_status.get(s, 0) for s in HELD_STATUSES)

    @property
    def returning_share(self) -> float | None:
        """Of the period's bookings that held a place, the share made by
        returning customers."""
        return _rate(self.returning_bookings, self.held_bookings)

    @property
    def source_share(self) -> dict:
        return {s: _rate(n, self.total) for s, n in self.by_source.items()}

    @property
    def status_share(self) -> dict:
        return {s: _rate(n, self.total) for s, n in self.by_status.items()}

    def figures(self) -> list[tuple[str, str]]:
        """(label, value) lines: the command line's table, the spreadsheet's
        summary sheet and the PDF use the same ones."""
        def pct(x):
            return "–" if x is None else f"{x * 100:.1f}%"

        lines = [("Business", self.business_name),
                 ("Period", f"{self.date_from.isoformat()} to {self.date_to.isoformat()}"
                  + (" (bookings made)" if self.basis == "booked" else "")),
                 ("Bookings", f"{self.total:,}")]
        lines += [(f"  {s.replace('_', '-')}", f"{self.by_status.get(s, 0):,}")
                  for s in BOOKING_STATUSES]
        lines += [("Utilisation", f"{pct(self.utilisation)} ({self.usage.booked:,} of "
                                  f"{_places(self.usage.capacity)})"),
                  ("Cancellation rate", pct(self.cancellation_rate)),
                  ("No-show rate", pct(self.no_show_rate)),
                  ("Confirmation rate", f"{pct(self.confirmation_rate)} "
                                        f"({self.confirmed_from_pending:,} of "
                                        f"{self.ever_pending:,} pending)"),
                  ("Lead time, median", "–" if self.lead_median_hours is None
                   else f"{self.lead_median_hours:.1f} h")]
        lines += [(f"  {label}", f"{n:,}") for label, n in self.lead_buckets]
        lines += [("Customers", f"{self.customers:,}"),
                  ("  new", f"{self.new_customers:,}"),
                  ("  returning", f"{self.returning_customers:,}"),
                  ("Bookings by returning customers",
                   f"{pct(self.returning_share)} ({self.returning_bookings:,} of "
                   f"{self.held_bookings:,})")]
        lines += [(f"Most no-shows #{i + 1}", f"{name} (id {ident}): {n:,}")
                  for i, (ident, name, n) in enumerate(self.most_no_shows)]
        lines += [(f"Source: {s.replace('_', '-')}",
                   f"{self.by_source.get(s, 0):,} ({pct(self.source_share.get(s))})")
                  for s in BOOKING_SOURCES]
        lines += [(f"Utilisation {WEEKDAYS[d]}", pct(u.rate)) for d, u in enumerate(self.by_weekday)]
        lines += [(f"Utilisation {h:02d}:00", pct(u.rate)) for h, u in sorted(self.by_hour.items())]
        lines += [(f"Popular #{i + 1}", f"{WEEKDAYS[d]} {h:02d}:00 ({_places(n)})")
                  for i, (d, h, n) in enumerate(self.popular_times)]
        return lines


def _rows(sql: str, params) -> list[tuple]:
    return list(models.database.execute_sql(sql, params).fetchall())


def _lead_micro() -> str:
    """Slot start − booking made, in whole microseconds, exact on both
    backends (SQLite's julianday() is a float and rounds)."""
    if is_postgres():
        return "CAST(EXTRACT(EPOCH FROM (ts.start - b.created_at)) * 1000000 AS bigint)"

    def micro(column):
        return (f"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000 "
                f"+ CAST(substr({column}, 21, 6) AS INTEGER))")
    return f"({micro('ts.start')} - {micro('b.created_at')})"


def median_lead_hours(middle) -> float | None:
    """The median lead time from the one or two middle leads (microseconds),
    in hours rounded to 0.1: the one place it is worked out."""
    if not middle:
        return None
    return round(sum(int(m) for m in middle) / len(middle) / 3_600_000_000, 1)


def _bucket_case(lead: str) -> str:
    whens = " ".join(f"WHEN {lead} < {bound * 1_000_000} THEN {i}"
                     for i, (_, bound) in enumerate(LEAD_BUCKETS) if bound is not None)
    return f"(CASE {whens} ELSE {len(LEAD_BUCKETS) - 1} END)"


def _json_text(key: str) -> str:
    if is_postgres():
        return f"(a.details::jsonb ->> '{key}')"
    return f"json_extract(a.details, '$.{key}')"


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def booking_report(business: BusinessRow | Business | int | None, date_from, date_to,
                   by=None, basis: str = "appointment") -> Report:
    """The figures for `business` (a business row or model, its id, or None for every
    business) over the local dates date_from..date_to, both included; `basis`
    "appointment" counts the bookings whose slot starts then, "booked" those
    made then (see the module).

    Raises PermissionDenied (`by` is staff an owner has not allowed to
    export), InvalidInput (not a date, end before start, over three years,
    an unknown basis) and NotFound (no such business)."""
    require_export(by)
    if basis not in BASES:
        raise InvalidInput(f"Count bookings by appointment date or by the date they were "
                           f"made, not {basis!r}.")
    first, last = v.date_range(date_from, date_to, MAX_REPORT_DAYS)
    if business is not None and not isinstance(business, (BusinessRow, Business)):
        business = get_business(business)

    def run():
        return _compute(business, first, last, basis)

    return run_read(run)


def _compute(business, first, last, basis: str = "appointment") -> Report:
    scope = scope_for(business, first, last)
    by_made = basis == "booked"
    # the bookings counted: by appointment (the slots' scope) or by when made
    bscope = scope_for(business, first, last, column="b.created_at") if by_made else scope
    bw, bparams = bscope.where, bscope.params
    local, held = scope.local, "('pending', 'confirmed', 'completed', 'no_show')"
    joined = ("FROM booking b JOIN time_slot ts ON ts.id = b.time_slot_id "
              "JOIN business bz ON bz.id = ts.business_id")
    slots_from = "FROM time_slot ts JOIN business bz ON bz.id = ts.business_id"
    w, params = scope.where, scope.params
    false = "FALSE" if is_postgres() else "0"

    # bookings by local day and status, split by blocked slots
    per_day: dict[date, dict] = {}
    per_day_held: dict[date, int] = {}
    by_status = dict.fromkeys(BOOKING_STATUSES, 0)
    day_sql = local.day("ts.start")
    booking_day = bscope.local.day("b.created_at") if by_made else day_sql
    for day, status, blocked, n in _rows(
            f"SELECT {booking_day}, b.status, ts.is_blocked, COUNT(*) {joined} WHERE {bw} "
            f"GROUP BY 1, 2, 3", bparams):
        day = _as_date(day)
        per_day.setdefault(day, dict.fromkeys(BOOKING_STATUSES, 0))[status] += n
        by_status[status] += n
        if status in HELD_STATUSES and not blocked and not by_made:
            per_day_held[day] = per_day_held.get(day, 0) + n
    if by_made:  # places are held in the slots of the period, whenever booked
        per_day_held = {_as_date(d): n for d, n in _rows(
            f"SELECT {day_sql}, COUNT(*) {joined} WHERE {w} AND ts.is_blocked = {false} "
            f"AND b.status IN {held} GROUP BY 1", params)}

    capacity_day = {_as_date(d): c for d, c in _rows(
        f"SELECT {day_sql}, SUM(ts.max_capacity) {slots_from} "
        f"WHERE {w} AND ts.is_blocked = {false} GROUP BY 1", params)}

    wd, hr = local.weekday("ts.start"), local.hour("ts.start")
    cells_cap = {(d, h): c for d, h, c in _rows(
        f"SELECT {wd}, {hr}, SUM(ts.max_capacity) {slots_from} "
        f"WHERE {w} AND ts.is_blocked = {false} GROUP BY 1, 2", params)}
    cells_held = {(d, h): n for d, h, n in _rows(
        f"SELECT {wd}, {hr}, COUNT(*) {joined} WHERE {w} AND ts.is_blocked = {false} "
        f"AND b.status IN {held} GROUP BY 1, 2", params)}

    lead = _lead_micro()
    by_source = dict.fromkeys(BOOKING_SOURCES, 0)
    buckets = [0] * len(LEAD_BUCKETS)
    # The lead worked out once a booking (MATERIALIZED: inlined, the bucket's
    # CASE would work it out again for each bound it tests; a year of one
    # bench business: SQLite 75 -> 32 ms, PostgreSQL 44 -> 16 ms).
    for source, bucket, n in _rows(
            f"WITH leads AS MATERIALIZED (SELECT b.source AS source, {lead} AS lead {joined} "
            f"WHERE {bw}) SELECT source, {_bucket_case('lead')}, COUNT(*) FROM leads "
            f"GROUP BY 1, 2", bparams):
        by_source[source] += n
        buckets[int(bucket)] += n
    total = sum(buckets)
    median = None
    if total:
        p = _param()
        middle = _rows(f"SELECT {lead} AS lead {joined} WHERE {bw} ORDER BY lead "
                       f"LIMIT {p} OFFSET {p}", (*bparams, 2 - total % 2, (total - 1) // 2))
        median = median_lead_hours([r[0] for r in middle])

    ever_pending = converted = 0
    if total:
        status, previous = _json_text("status"), _json_text("previous_status")
        became_pending = (f"SELECT 1 FROM audit_event a WHERE a.entity = 'booking' "
                          f"AND a.entity_id = b.id AND a.action IN ('booking.create', "
                          f"'booking.status', 'booking.reinstate') AND {status} = 'pending'")
        confirmed = (f"SELECT 1 FROM audit_event a WHERE a.entity = 'booking' "
                     f"AND a.entity_id = b.id AND (a.action = 'booking.check_in' OR "
                     f"(a.action = 'booking.status' AND {previous} = 'pending' "
                     f"AND {status} IN ('confirmed', 'completed')))")
        row = _rows(f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS ({confirmed}) THEN 1 "
                    f"ELSE 0 END), 0) {joined} WHERE {bw} AND EXISTS ({became_pending})",
                    bparams)[0]
        ever_pending, converted = int(row[0]), int(row[1])

    customers = (_customer_figures(joined, bw, bparams, by_made, business, first)
                 if total else (0, 0, 0, ()))

    days = []
    day = first
    while day <= last:
        days.append(DayFigures(day, per_day.get(day, dict.fromkeys(BOOKING_STATUSES, 0)),
                               Usage(int(capacity_day.get(day, 0) or 0), per_day_held.get(day, 0))))
        day += timedelta(days=1)
    heatmap = {cell: Usage(int(cells_cap.get(cell, 0) or 0), cells_held.get(cell, 0))
               for cell in set(cells_cap) | set(cells_held)}
    by_weekday = tuple(Usage(sum(u.capacity for (d, _), u in heatmap.items() if d == wd_),
                             sum(u.booked for (d, _), u in heatmap.items() if d == wd_))
                       for wd_ in range(7))
    by_hour = {}
    for (_day, h), u in heatmap.items():
        prev = by_hour.get(h, Usage())
        by_hour[h] = Usage(prev.capacity + u.capacity, prev.booked + u.booked)
    popular = tuple(sorted(((d, h, u.booked) for (d, h), u in heatmap.items() if u.booked),
                           key=lambda x: (-x[2], x[0], x[1]))[:5])
    return Report(
        business_id=business.id if business is not None else None,
        business_name=business.name if business is not None else "All businesses",
        date_from=first, date_to=last, by_status=by_status, by_source=by_source,
        usage=Usage(sum(d.usage.capacity for d in days), sum(d.usage.booked for d in days)),
        days=tuple(days), by_weekday=by_weekday, by_hour=by_hour, heatmap=heatmap,
        popular_times=popular, lead_median_hours=median,
        lead_buckets=tuple((label, buckets[i]) for i, (label, _) in enumerate(LEAD_BUCKETS)),
        ever_pending=ever_pending, confirmed_from_pending=converted, basis=basis,
        customers=customers[0], returning_customers=customers[1],
        returning_bookings=customers[2], most_no_shows=customers[3])


def _customer_figures(joined: str, where: str, params, by_made: bool, business,
                      first: date) -> tuple:
    """(customers, returning customers, bookings by returning customers, most
    no-shows) of the bookings `where` selects, as the module defines them, in
    one query. `per` groups the period's bookings that held a place by
    customer, with each one's first date in the period; a customer returns
    when a booking of theirs that held a place is dated before that first
    one (so before the period: an earlier one in the period would have been
    the first). A semi-join (WHERE EXISTS), so each engine finds those its
    own way: SQLite looks each customer up in the index on booking
    (customer_id, status, time_slot_id, created_at), reading no booking row
    (migration 0019); PostgreSQL, for one business, is also told the business
    and the period's start (which any such booking has), so it may instead
    read the business's bookings before the period once and hash them,
    rather than look up thousands of customers one by one (the
    one-by-one plan also crossed PostgreSQL's JIT threshold, which then
    cost more than the lookups). SQLite is not told: without statistics it
    would take the index on (business_id, created_at) for every customer.
    MATERIALIZED (SQLite 3.35, PostgreSQL 12): `per` is read by both parts
    of the UNION and the semi-join once."""
    held = "('pending', 'confirmed', 'completed', 'no_show')"
    if by_made:
        at, earlier_at, earlier_join = "b.created_at", "p.created_at", ""
    else:
        at, earlier_at = "ts.start", "pts.start"
        earlier_join = " JOIN time_slot pts ON pts.id = p.time_slot_id"
    params = list(params)
    bound = ""
    if business is not None and is_postgres():
        p = _param()
        bound = f" AND p.business_id = {p} AND {earlier_at} < {p}"
        params += [business.id, _db_instant(day_bounds(business, first)[0])]
    sql = (
        f"WITH per AS MATERIALIZED (SELECT b.customer_id AS cid, COUNT(*) AS n, "
        f"SUM(CASE WHEN b.status = 'no_show' THEN 1 ELSE 0 END) AS missed, MIN({at}) AS first_at "
        f"{joined} WHERE {where} AND b.status IN {held} AND b.customer_id IS NOT NULL "
        f"GROUP BY b.customer_id), "
        f"back AS MATERIALIZED (SELECT n FROM per WHERE EXISTS (SELECT 1 FROM booking p"
        f"{earlier_join} WHERE p.customer_id = per.cid AND p.status IN {held} "
        f"AND {earlier_at} < per.first_at{bound})) "
        f"SELECT 0, NULL, NULL, (SELECT COUNT(*) FROM per), COUNT(*), COALESCE(SUM(n), 0) "
        f"FROM back "
        f"UNION ALL "
        f"SELECT 1, c.id, c.name, top.missed, 0, 0 FROM (SELECT cid, missed FROM per "
        f"WHERE missed > 0 ORDER BY missed DESC, cid LIMIT {MOST_NO_SHOWS}) top "
        f"JOIN customer c ON c.id = top.cid")
    counts, most = (0, 0, 0), []
    for kind, ident, name, n, back, back_bookings in _rows(sql, params):
        if int(kind) == 0:
            counts = (int(n), int(back), int(back_bookings))
        else:
            most.append((int(ident), name, int(n)))
    most.sort(key=lambda m: (-m[2], m[0]))
    return (*counts, tuple(most))


__all__ = [
    "HELD_STATUSES", "LEAD_BUCKETS", "WEEKDAYS", "MAX_REPORT_DAYS", "MOST_NO_SHOWS", "BASES",
    "LocalTime",
    "check_zone", "median_lead_hours",
    "Scope", "scope_for", "as_utc", "Usage", "DayFigures", "Report", "booking_report",
]
