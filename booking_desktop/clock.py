"""The one place that reads the wall clock, so tests can pass `now=`."""
from datetime import datetime, timezone

UTC = timezone.utc


def utcnow() -> datetime:
    return datetime.now(UTC)


def ensure_aware(value: datetime, name: str = "time") -> datetime:
    """Return `value` in UTC; naive datetimes are a programming error."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise TypeError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)
