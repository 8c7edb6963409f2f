"""Which database this desk uses, and where the app keeps its files.

The database is, in this order: --db, then BOOKING_DB, then the database
remembered for this computer (File → Connect to a shared database…, or
`main.py move-to`), then the SQLite file in the user's data folder.

The remembered database is one small JSON file (`database.json`, 0600, in
the data folder) holding its address WITHOUT any password. The password goes
to the system keyring (the `keyring` library: Windows Credential Manager,
macOS Keychain, Secret Service on Linux), under the address it belongs to.
Where no keyring exists (a headless Linux box), the password is not kept at
all and the desk asks for it again; it is never written to a file.
"""
import json
import logging
import os
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

log = logging.getLogger(__name__)

APP_NAME = "BookingDesktop"
ORGANISATION = "BookingDesktop"
ENV_DB = "BOOKING_DB"
KEYRING_SERVICE = "Booking Desktop"
REMEMBERED_FILE = "database.json"
DEFAULT_PG_PORT = 5432


def user_data_dir() -> Path:
    """The user's data folder: the database, database.json and logs/. What
    each system expects (README, "Where the data lives"); --db and
    BOOKING_DB choose another database, not another folder."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME


LOG_NAME = "booking-desktop.log"
# services.health reads the log back: change both together.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    """The app's rotating log file (ui.app.setup_logging writes it; the
    Health window reads its tail through services.health)."""
    return user_data_dir() / "logs" / LOG_NAME


def resources_dir() -> Path:
    """`resources/` beside the package: the user guide, its pictures, the
    icons. The same in the built application, since `make dist` copies it
    beside the frozen package (dist/booking-desktop/_internal/resources)."""
    return Path(__file__).resolve().parent.parent / "resources"


def default_database_url() -> str:
    return f"sqlite:///{user_data_dir() / 'booking.db'}"


def database_url(explicit: str | None = None) -> str:
    """--db wins, then BOOKING_DB, then this computer's remembered database
    (with its password from the keyring, when one is kept there), then the
    SQLite file in the user's data folder."""
    if explicit:
        return explicit
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    remembered = remembered_database()
    if remembered is not None:
        password = stored_password(remembered)
        return with_password(remembered, password) if password else remembered
    return default_database_url()


# --- addresses -------------------------------------------------------------------

def postgres_url(host: str, port: int | None, database: str, user: str,
                 password: str | None = None, query: str = "") -> str:
    """postgresql://user[:password]@host:port/database[?query], each part quoted."""
    credentials = quote(user, safe="")
    if password:
        credentials += ":" + quote(password, safe="")
    netloc = f"{credentials}@{host.strip()}" if user else host.strip()
    if ":" in host.strip() and not host.strip().startswith("["):  # an IPv6 address
        netloc = f"{credentials}@[{host.strip()}]" if user else f"[{host.strip()}]"
    netloc += f":{int(port or DEFAULT_PG_PORT)}"
    return urlunsplit(("postgresql", netloc, "/" + quote(database, safe=""), query, ""))


def password_of(url: str) -> str | None:
    try:
        password = urlsplit(url).password
    except ValueError:
        return None
    return unquote(password) if password else None


def without_password(url: str) -> str:
    """`url` with any password taken out (the user name stays)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None:
        return url
    credentials, host = parts.netloc.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def with_password(url: str, password: str) -> str:
    parts = urlsplit(without_password(url))
    if "@" in parts.netloc:
        user, host = parts.netloc.rsplit("@", 1)
    else:
        user, host = "", parts.netloc
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def is_local(url: str) -> bool:
    """Whether `url` is this computer's own SQLite file (the default one)."""
    return url == default_database_url()


# --- the remembered database -----------------------------------------------------

def _remembered_path() -> Path:
    return user_data_dir() / REMEMBERED_FILE


def remembered_database() -> str | None:
    """The address remembered for this computer (never with a password), or None."""
    try:
        data = json.loads(_remembered_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    return without_password(url) if isinstance(url, str) and "://" in url else None


def remember_database(url: str) -> bool:
    """Make `url` this computer's database. Its address (without the
    password) goes to the settings file; a password goes to the system
    keyring. Returns whether the password is kept (False when there was none
    or no keyring could take it: the desk will ask for it next time).
    The default SQLite file is remembered by forgetting any other."""
    if is_local(url):
        forget_database()
        return False
    address = without_password(url)
    path = _remembered_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as out:
        json.dump({"url": address}, out)
        out.write("\n")
    os.replace(temporary, path)
    password = password_of(url)
    return store_password(address, password) if password else False


def forget_database() -> None:
    """Back to this computer's own SQLite file; the remembered server's
    password is taken out of the keyring too."""
    address = remembered_database()
    try:
        _remembered_path().unlink()
    except FileNotFoundError:
        pass
    if address is not None:
        delete_password(address)


# --- the keyring -------------------------------------------------------------------

def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):  # no backend on this computer
        return None
    return keyring


def keyring_available() -> bool:
    """Whether a system keyring can keep passwords on this computer."""
    return _keyring() is not None


def store_password(address: str, password: str) -> bool:
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, without_password(address), password)
    except Exception as exc:  # a locked or broken keyring: the desk asks next time
        log.warning("the keyring did not take the password (%s)", type(exc).__name__)
        return False
    return True


def stored_password(address: str) -> str | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, without_password(address))
    except Exception as exc:
        log.warning("the keyring could not be read (%s)", type(exc).__name__)
        return None


def delete_password(address: str) -> None:
    keyring = _keyring()
    if keyring is None:
        return
    try:
        keyring.delete_password(KEYRING_SERVICE, without_password(address))
    except Exception:  # nothing kept for it
        pass
