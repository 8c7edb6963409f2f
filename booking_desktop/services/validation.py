"""Checking and normalising what people type. Every failure is an
`InvalidInput` naming the field, in words the front desk understands."""
import re
import unicodedata
import zoneinfo
from datetime import date, datetime, time, timezone
from functools import lru_cache

from ..errors import QT_TRANSLATE_NOOP, InvalidInput, NotFound
from ..keys import email_key, folded, name_keys, phone_digits  # noqa: F401 (the services' names for them)

NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
NOTES_MAX = 4000
REASON_MAX = 500
MIN_YEAR, MAX_YEAR = 2000, 2100
# The largest id either database can hold (a signed 64-bit integer).
ID_MAX = 2**63 - 1

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+$")
_REFERENCE = re.compile(r"^[A-Z0-9]{3}-?[A-Z0-9]{3}$")


# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
# invisible, they reorder what follows, so "Anna" could read as another name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _has_control(value: str, allow_newlines: bool) -> bool:
    for ch in value:
        if allow_newlines and ch in "\n\r\t":
            continue
        if (unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029"
                or ch in _BIDI_CONTROLS):
            return True
    return False


def text(value, label: str, field: str, max_length: int, required: bool = True,
         multiline: bool = False) -> str | None:
    """Strip outer whitespace; refuse control characters, over-long and (when
    required) empty text. Returns None for an empty optional value."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} must be text."),
                           params={"label": label}, field=field)
    if _has_control(value, multiline):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} contains invisible control "
                                                       "characters; please retype it."),
                           params={"label": label}, field=field)
    value = value.strip()
    if not value:
        if required:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} is required."),
                               params={"label": label}, field=field)
        return None
    if len(value) > max_length:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} is too long ({length} characters; "
                                                       "at most {most})."),
                           params={"label": label, "length": len(value), "most": max_length},
                           field=field)
    return value


def customer_name(value) -> str:
    return text(value, QT_TRANSLATE_NOOP("errors", "The customer's name"), "customer_name",
                NAME_MAX)


def email(value, label: str = QT_TRANSLATE_NOOP("errors", "The email address"),
          field: str = "customer_email") -> str | None:
    value = text(value, label, field, EMAIL_MAX, required=False)
    if value is not None and not _EMAIL.match(value):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} {value} does not look like "
                                                       "name@example.com."),
                           params={"label": label, "value": repr(value)}, field=field)
    return value


def phone(value, label: str = QT_TRANSLATE_NOOP("errors", "The phone number"),
          field: str = "customer_phone") -> str | None:
    value = text(value, label, field, PHONE_MAX, required=False)
    if value is None:
        return None
    digits = phone_digits(value)
    if not _PHONE.match(value) or not 4 <= len(digits) <= 20:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} {value} is not a phone number "
                                                       "(digits, spaces, + - ( ) only)."),
                           params={"label": label, "value": repr(value)}, field=field)
    return value


def notes(value) -> str:
    return text(value, QT_TRANSLATE_NOOP("errors", "The notes"), "notes", NOTES_MAX,
                required=False, multiline=True) or ""


def reason(value) -> str:
    return text(value, QT_TRANSLATE_NOOP("errors", "The reason"), "reason", REASON_MAX,
                required=False, multiline=True) or ""


def reference(value) -> str:
    if not isinstance(value, str) or not _REFERENCE.match(value.strip().upper()):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{value} is not a booking reference like "
                                                       "K7M-4QX."),
                           params={"value": repr(value)}, field="reference")
    value = value.strip().upper().replace("-", "")
    return f"{value[:3]}-{value[3:]}"


def choice(value, allowed, label: str, field: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{label} must be one of: {', '.join(allowed)}.", field=field)
    return value


def integer(value, label: str, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} must be a whole number."),
                           params={"label": label}, field=field)
    if not low <= value <= high:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} must be between {low} and {high} "
                                                       "(got {value})."),
                           params={"label": label, "low": low, "high": high, "value": value},
                           field=field)
    return value


def record_id(value, what: str) -> int:
    """The id of a `what` ("booking", "time slot", "business") as given to a
    service: a whole number (True and False are not ids). InvalidInput for
    anything else (text, fractions, None); NotFound for a number no record
    can have (zero, negative, beyond what the database can store)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"A {what} is named by its number; {value!r} is not one.",
                           field="id")
    if not 1 <= value <= ID_MAX:
        raise NotFound(f"There is no {what} number {value}.")
    return value


@lru_cache(maxsize=None)
def _zones() -> frozenset:
    return frozenset(zoneinfo.available_timezones())


def timezone_name(value) -> str:
    if not isinstance(value, str) or value.strip() not in _zones():
        raise InvalidInput(f"{value!r} is not a known time zone; use a name like Europe/Berlin.",
                           field="timezone")
    return value.strip()


def a_date(value, label: str, field: str) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} {value} is not a date "
                                                           "(YYYY-MM-DD)."),
                               params={"label": label, "value": repr(value)},
                               field=field) from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} must be a date."),
                           params={"label": label}, field=field)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} {value} is out of range "
                                                       "({low}–{high})."),
                           params={"label": label, "value": value.isoformat(), "low": MIN_YEAR,
                                   "high": MAX_YEAR}, field=field)
    return value


# The instants the services write: the clock's, and slots on local dates
# MIN_YEAR..MAX_YEAR, whose edges lie at most a day away in UTC.
EARLIEST = datetime(MIN_YEAR - 1, 12, 31, tzinfo=timezone.utc)
LATEST = datetime(MAX_YEAR + 1, 1, 2, tzinfo=timezone.utc)


def instant(value, label: str = "The current time", field: str = "now",
            text: bool = False) -> datetime:
    """A moment with its UTC offset, as UTC: an aware datetime (or, with
    `text`, an ISO 8601 text, as a backup holds them), within the years the
    services work in (far outside them, converting between time zones would
    overflow). InvalidInput otherwise: a naive time, a text where a datetime
    is wanted, a moment out of range."""
    if isinstance(value, str) and text:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{label} {value!r} is not a date and time.", field=field) from None
    if not isinstance(value, datetime):
        raise InvalidInput(f"{label} must be a date and time.", field=field)
    if value.utcoffset() is None:
        raise InvalidInput(f"{label} {value.isoformat()} needs a time zone (its UTC offset).",
                           field=field)
    try:
        utc = value.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise InvalidInput(f"{label} {value.isoformat()} is out of range ({MIN_YEAR}–{MAX_YEAR}).",
                           field=field)
    return utc


def date_range(start, end, max_days: int | None = None) -> tuple[date, date]:
    start = a_date(start, QT_TRANSLATE_NOOP("errors", "The start date"), "start_date")
    end = a_date(end, QT_TRANSLATE_NOOP("errors", "The end date"), "end_date")
    if end < start:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The end date {end} is before the start date "
                                                       "{start}."),
                           params={"end": end, "start": start}, field="end_date")
    if max_days is not None and (end - start).days + 1 > max_days:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The date range is too long; at most {days} "
                                                       "days at a time."),
                           params={"days": max_days}, field="end_date")
    return start, end


def time_of_day(value, label: str, field: str) -> time:
    if isinstance(value, str):
        try:
            value = time.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} {value} is not a time (HH:MM)."),
                               params={"label": label, "value": repr(value)},
                               field=field) from None
    if not isinstance(value, time):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} must be a time of day."),
                           params={"label": label}, field=field)
    if value.tzinfo is not None:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label} is a local time and takes no time "
                                                       "zone."),
                           params={"label": label}, field=field)
    return value.replace(microsecond=0)


def intervals(pairs, label: str) -> list[tuple[time, time]]:
    """Opening intervals of one day: each open < close, sorted, not overlapping
    (touching is allowed)."""
    if pairs is None:
        return []
    if isinstance(pairs, (str, bytes)) or not hasattr(pairs, "__iter__"):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label}: give a list of (open, close) "
                                                       "times."),
                           params={"label": label}, field="hours")
    result = []
    for pair in pairs:
        try:
            opens, closes = pair
        except (TypeError, ValueError):
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label}: each interval needs an opening "
                                                           "and a closing time."),
                               params={"label": label}, field="hours") from None
        opens = time_of_day(opens, f"{label}: opening time", "hours")
        closes = time_of_day(closes, f"{label}: closing time", "hours")
        if opens >= closes:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label}: opening {opens} must be before "
                                                           "closing {closes}."),
                               params={"label": label, "opens": opens, "closes": closes},
                               field="hours")
        result.append((opens, closes))
    result.sort()
    for (_, first_close), (second_open, _) in zip(result, result[1:]):
        if second_open < first_close:
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{label}: the intervals overlap ({later} "
                                                           "is before {earlier})."),
                               params={"label": label, "later": second_open,
                                       "earlier": first_close}, field="hours")
    return result


def timezone_names() -> list[str]:
    """Every IANA time zone name, sorted (for pickers)."""
    return sorted(_zones())
