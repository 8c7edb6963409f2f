"""Where the database lives when neither --db nor BOOKING_DB says."""
import os
import sys
from pathlib import Path

APP_NAME = "BookingDesktop"
ORGANISATION = "BookingDesktop"
ENV_DB = "BOOKING_DB"


def user_data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'booking.db'}"


def database_url(explicit: str | None = None) -> str:
    """--db wins, then BOOKING_DB, then the SQLite file in the user's data folder."""
    return explicit or os.environ.get(ENV_DB) or default_database_url()
