"""What a backup must be before `restore_database` writes any of it.

Nothing in the file is trusted. Its structure must be what the backup
command writes: every table, no other, each column known and named once, the
declared count equal to the rows, ids unique and every reference pointing at
a row of the backup. Every value goes through the validators the services
use when people type it (names, emails, phones, notes and reasons: lengths,
control characters including NUL and the bidi controls; time zones; opening
hours without overlaps; statuses, sources and roles from their lists;
capacities; a slot ending after it starts, and no longer than the services
make one; instants in the years the services work in). Derived columns are
worked out from the values, never taken from the file: a booking's name,
surname, email and phone keys and its business (the slot's), a customer's
keys, a special day's stored intervals. A customer's search text (the names
and phones they are known by) is taken as the file has it, as plain text:
it guards no rule, and is not always what the record and bookings give
(earlier names stay in it). What the hours decide for slots (`closed_reason`) and
whether the counters equal the bookings are settled by `restore_database`
once the rows are in.

Each refusal is one InvalidInput naming the backup, the table and the row.
"""
import json
from dataclasses import dataclass
from datetime import time

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
    TimeField,
)

from ..errors import InvalidInput
from ..models import (
    ACTIVE_STATUSES,
    ALL_MODELS,
    BOOKING_SOURCES,
    BOOKING_STATUSES,
    USER_ROLES,
)
from . import validation as v
from .bookings import MAX_SLOT_LENGTH
from .hours import WEEKDAYS, format_intervals, parse_intervals
from .users import valid_username

# Columns worked out from the others; what the file says of them is ignored.
DERIVED = {
    "booking": ("business_id", "name_key", "surname_key", "email_key", "phone_key"),
    "customer": ("name_key", "surname_key", "email_key", "phone_key"),
    "hours_exception": ("intervals",),
}
# Tables a backup made before the migration that created them does not have:
# it is restored without them (restore_database makes the customers from
# the bookings, as the migration did).
INTRODUCED_BY = {"customer": "0017_customers"}
_ID_MAX = 2**31 - 1  # ids are PostgreSQL `serial`


@dataclass(frozen=True)
class TablePlan:
    """One table's rows, checked and completed, ready to insert."""
    model: type[Model]
    fields: list[Field]
    rows: list[tuple]


def refusal(name: str, detail: str) -> InvalidInput:
    return InvalidInput(f"{name} cannot be restored: {detail.rstrip('.')}; nothing was restored.",
                        field="file")


def not_a_backup(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{name} is not a Booking Desktop backup ({why}); nothing was restored.",
                        field="file")


def _shown(value) -> str:
    """A value for a message: short, on one line, never deeply nested."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- structure ---------------------------------------------------------------------

def newer(name: str, what: str) -> InvalidInput:
    return InvalidInput(f"{name} was made by a newer version of Booking Desktop ({what}); "
                        "nothing was restored: update this program first.", field="file")


def _columns(name: str, model: type[Model], table) -> list[Field]:
    table_name = model._meta.table_name
    if not isinstance(table, dict) or not isinstance(table.get("columns"), list) \
            or not isinstance(table.get("rows"), list):
        raise not_a_backup(name, f"table {table_name} is malformed")
    by_column = {f.column_name: f for f in model._meta.sorted_fields}
    columns = table["columns"]
    unknown = [_shown(c) if not isinstance(c, str) else c for c in columns if c not in by_column]
    if unknown:
        raise newer(name, f"it has columns this version does not know: "
                          f"{table_name}: {', '.join(unknown)}")
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise refusal(name, f"table {table_name} names the column {', '.join(twice)} twice")
    derived = DERIVED.get(table_name, ())
    missing = [c for c, f in by_column.items() if c not in columns and c not in derived
               and not f.null and f.default is None]
    if missing:
        raise refusal(name, f"table {table_name} has no column {', '.join(missing)}")
    count = table.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count != len(table["rows"]):
        raise refusal(name, f"table {table_name} says it has {_shown(count)} rows but holds "
                            f"{len(table['rows'])}")
    return [by_column[c] for c in columns]


def _check_table_names(name: str, tables: dict) -> None:
    known = [m._meta.table_name for m in ALL_MODELS]
    unknown = [_shown(t) if not isinstance(t, str) else t for t in tables if t not in known]
    if unknown:
        raise newer(name, f"it has tables this version does not know: {', '.join(unknown)}")


# --- one value ---------------------------------------------------------------------

def _integer_range(field: Field) -> tuple[int, int]:
    if isinstance(field, (AutoField, ForeignKeyField)):
        return 1, _ID_MAX
    if isinstance(field, SmallIntegerField):
        return -2**15, 2**15 - 1
    if isinstance(field, BigIntegerField):
        return -2**63, 2**63 - 1
    return -2**31, 2**31 - 1


def _typed(field: Field, value):
    """A JSON value as what `field` stores, or ValueError saying why not."""
    if isinstance(field, DateTimeField):
        return v.instant(value, field.column_name, field.column_name, text=True)
    if isinstance(field, DateField):
        return v.a_date(value, field.column_name, field.column_name)
    if isinstance(field, TimeField):
        if not isinstance(value, str):
            raise ValueError(f"unexpected {type(value).__name__}")
        parsed = time.fromisoformat(value)
        if parsed.tzinfo is not None or parsed.microsecond:
            raise ValueError("not a time of day in whole seconds")
        return parsed
    if isinstance(field, BooleanField):
        if isinstance(value, bool):
            return value
    elif isinstance(field, (IntegerField, ForeignKeyField)):
        if isinstance(value, int) and not isinstance(value, bool):
            low, high = _integer_range(field)
            if not low <= value <= high:
                raise ValueError(f"out of range {low}–{high}")
            return value
    elif isinstance(field, (CharField, TextField)):
        if isinstance(value, str):
            return value
    raise ValueError(f"unexpected {type(value).__name__}")


def _plain_text(label: str, max_length: int | None, multiline: bool):
    """Text kept exactly as it is (no rule of its own beyond being text)."""
    def check(value):
        if value is not None and value != "":
            v.text(value, label, "file", max_length or len(value), required=False,
                   multiline=multiline)
        return value
    return check


def _password_hash(value):
    parts = value.split("$")
    if len(parts) != 4 or parts[0] != "scrypt" or not all(parts) or \
            any(ch.isspace() or not ch.isascii() or not ch.isprintable() for ch in value):
        raise InvalidInput("The password hash is not one this program makes.", field="file")
    return value


def _audit_details(value):
    try:
        details = json.loads(value)
    except (ValueError, RecursionError):
        details = None
    if not isinstance(details, dict):
        raise InvalidInput("The details are not a JSON object.", field="file")
    return value


def _optional(check):
    return lambda value: None if value is None else check(value)


# column -> check(value) -> the value to store; InvalidInput when the services
# could not have written it. Columns without a rule of their own get
# _plain_text when they hold text.
RULES = {
    "user": {
        "username": valid_username,
        "password_hash": _password_hash,
        "role": lambda x: v.choice(x, USER_ROLES, "The role", "role"),
    },
    "business": {
        "name": lambda x: v.text(x, "The business name", "name", 120),
        "timezone": v.timezone_name,
        "phone": lambda x: v.phone(x, "The business phone", "phone"),
        "email": lambda x: v.email(x, "The business email", "email"),
        "address": lambda x: v.text(x, "The address", "address", 500, required=False,
                                    multiline=True),
    },
    "business_hours": {
        "weekday": lambda x: v.integer(x, "The weekday", "weekday", 0, 6),
    },
    "hours_exception": {
        "note": lambda x: v.text(x, "The note", "note", 200, required=False) or "",
    },
    "time_slot": {
        "max_capacity": lambda x: v.integer(x, "The capacity", "max_capacity", 1, 1000),
        "current_bookings": lambda x: v.integer(x, "The booked places", "current_bookings",
                                                0, 1000),
        "block_reason": v.reason,
        "closed_reason": _plain_text("The closed reason", 200, multiline=False),
    },
    "booking": {
        "reference": v.reference,
        "customer_name": v.customer_name,
        "customer_email": v.email,
        "customer_phone": v.phone,
        "status": lambda x: v.choice(x, BOOKING_STATUSES, "The status", "status"),
        "source": lambda x: v.choice(x, BOOKING_SOURCES, "The source", "source"),
        "notes": v.notes,
        "cancel_reason": v.reason,
    },
    "customer": {
        "name": v.customer_name,
        "email": v.email,
        "phone": v.phone,
        "notes": v.notes,
    },
    "audit_event": {
        "details": _audit_details,
    },
}


def _rule(table_name: str, field: Field):
    rule = RULES.get(table_name, {}).get(field.column_name)
    if rule is not None:
        return _optional(rule) if field.null else rule
    if isinstance(field, (CharField, TextField)):
        return _plain_text(field.column_name, getattr(field, "max_length", None),
                           multiline=isinstance(field, TextField))
    return lambda value: value


# --- one row -------------------------------------------------------------------------

def _slot_times(row: dict) -> None:
    start, end = row["start"], row["end"]
    if end <= start:
        raise InvalidInput(f"The slot ends ({end.isoformat()}) before it starts "
                           f"({start.isoformat()}).", field="file")
    if end - start > MAX_SLOT_LENGTH:
        raise InvalidInput(f"The slot lasts {end - start}, longer than the services make one "
                           f"({MAX_SLOT_LENGTH}).", field="file")


def _special_day(row: dict) -> None:
    if row.get("closed", True):
        row["intervals"] = ""
        return
    label = row["date"].isoformat()
    try:
        pairs = parse_intervals(row.get("intervals", ""))
    except (AttributeError, ValueError):
        raise InvalidInput(f"{label}: the special hours {_shown(row.get('intervals'))} are not "
                           "like 09:00-12:00;13:00-17:00.", field="file") from None
    pairs = v.intervals(pairs, label)
    if not pairs:
        raise InvalidInput(f"{label}: a special day that is not closed needs opening hours.",
                           field="file")
    row["intervals"] = format_intervals(pairs)


def _booking_keys(row: dict) -> None:
    row["name_key"], row["surname_key"] = v.name_keys(row["customer_name"])
    row["email_key"] = v.email_key(row.get("customer_email"))
    row["phone_key"] = v.phone_digits(row.get("customer_phone"))


def _customer_keys(row: dict) -> None:
    row["name_key"], row["surname_key"] = v.name_keys(row["name"])
    row["email_key"] = v.email_key(row.get("email"))
    row["phone_key"] = v.phone_digits(row.get("phone"))


ROW_RULES = {"time_slot": _slot_times, "hours_exception": _special_day,
             "booking": _booking_keys, "customer": _customer_keys}


def _decoded(name: str, model: type[Model], fields: list[Field], rows: list) -> list[dict]:
    table_name = model._meta.table_name
    rules = [(f, f.column_name, _rule(table_name, f)) for f in fields]
    row_rule = ROW_RULES.get(table_name)
    result = []
    for number, raw in enumerate(rows, 1):
        where = f"table {table_name}, row {number}"
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise refusal(name, f"{where} does not have {len(fields)} values")
        row = {}
        for (field, column, rule), value in zip(rules, raw):
            if value is None:
                if not field.null:
                    raise refusal(name, f"{where}: {column} is empty but must have a value")
                row[column] = None
                continue
            try:
                row[column] = rule(_typed(field, value))
            except ValueError as exc:
                raise refusal(name, f"{where}: {column} has a bad value {_shown(value)} "
                                    f"({exc})") from None
            except InvalidInput as exc:
                raise refusal(name, f"{where}: {exc}") from None
        if row_rule is not None:
            try:
                row_rule(row)
            except InvalidInput as exc:
                raise refusal(name, f"{where}: {exc}") from None
        result.append(row)
    return result


# --- rows together -------------------------------------------------------------------

def _unjoined(name: str, detail: str) -> InvalidInput:
    return InvalidInput(f"{name} does not fit together: {detail.rstrip('.')}; nothing was "
                        "restored.", field="file")


def _check_ids(name: str, rows: dict[str, list[dict]]) -> None:
    ids = {}
    for table_name, table_rows in rows.items():
        seen = set()
        for row in table_rows:
            if row["id"] in seen:
                raise _unjoined(name, f"table {table_name} has the id {row['id']} twice")
            seen.add(row["id"])
        ids[table_name] = seen
    for model in ALL_MODELS:
        table_name = model._meta.table_name
        for field in model._meta.sorted_fields:
            if not isinstance(field, ForeignKeyField):
                continue
            target = field.rel_model._meta.table_name
            for number, row in enumerate(rows[table_name], 1):
                value = row.get(field.column_name)
                if value is not None and value not in ids[target]:
                    raise _unjoined(name, f"table {table_name}, row {number}: "
                                          f"{field.column_name} {value} is not a row of {target}")


def _check_hours(name: str, rows: list[dict]) -> None:
    days: dict[tuple[int, int], list[tuple[time, time]]] = {}
    for row in rows:
        days.setdefault((row["business_id"], row["weekday"]), []).append(
            (row["open_time"], row["close_time"]))
    for (business_id, weekday), pairs in sorted(days.items()):
        try:
            v.intervals(pairs, f"{WEEKDAYS[weekday]} of business {business_id}")
        except InvalidInput as exc:
            raise refusal(name, f"table business_hours: {exc}") from None


def _check_bookings(name: str, slots: list[dict], bookings: list[dict],
                    customers: list[dict]) -> None:
    """Each booking belongs to its slot's business, and its customer (if it
    names one) to the same business; one active booking per customer (email
    or phone) per slot, as the partial unique indexes say."""
    business_of = {slot["id"]: slot["business_id"] for slot in slots}
    customer_of = {row["id"]: row for row in customers}
    seen = set()
    for number, row in enumerate(bookings, 1):
        row["business_id"] = business_of[row["time_slot_id"]]
        customer = customer_of.get(row.get("customer_id"))
        if customer is not None and customer["business_id"] != row["business_id"]:
            raise refusal(name, f"table booking, row {number}: its customer "
                                f"{customer['id']} is a customer of another business")
        if row.get("status", "confirmed") not in ACTIVE_STATUSES:
            continue
        for kind in ("email_key", "phone_key"):
            key = (kind, row["time_slot_id"], row[kind])
            if row[kind] is None:
                continue
            if key in seen:
                raise refusal(name, f"table booking, row {number}: slot {row['time_slot_id']} "
                                    f"would hold two active bookings for the same customer "
                                    f"({row[kind]})")
            seen.add(key)


def plan_restore(name: str, tables: dict, migrations=()) -> list[TablePlan]:
    """Every table of the backup checked and completed, in insert order; the
    first problem raises InvalidInput (see the module docstring).
    `migrations`: those the backed-up database had (a table created by a
    later one may be missing, see INTRODUCED_BY)."""
    _check_table_names(name, tables)
    fields, rows = {}, {}
    for model in ALL_MODELS:
        table_name = model._meta.table_name
        table = tables.get(table_name)
        if table is None and INTRODUCED_BY.get(table_name) not in (None, *migrations):
            fields[table_name], rows[table_name] = [], []  # the backup predates the table
            continue
        if table is None:
            raise refusal(name, f"table {table_name} is missing (the file is incomplete)")
        fields[table_name] = _columns(name, model, table)
        rows[table_name] = _decoded(name, model, fields[table_name], table["rows"])
    _check_ids(name, rows)
    _check_hours(name, rows["business_hours"])
    _check_bookings(name, rows["time_slot"], rows["booking"], rows["customer"])
    plans = []
    for model in ALL_MODELS:
        table_name = model._meta.table_name
        columns = {f.column_name for f in fields[table_name]} | set(DERIVED.get(table_name, ()))
        insert = [f for f in model._meta.sorted_fields if f.column_name in columns]
        plans.append(TablePlan(model, insert, [tuple(row[f.column_name] for f in insert)
                                               for row in rows[table_name]]))
    return plans


__all__ = ["plan_restore", "TablePlan", "refusal", "not_a_backup", "newer", "DERIVED",
           "INTRODUCED_BY"]
