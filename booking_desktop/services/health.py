"""What the owner's Health window shows (Owner → Health), as frozen rows:

- the last errors of this computer's log, with their time;
- the slow operations: any job of a window's database thread that took
  `SLOW_MS` or more is logged by `note_duration` (the window's pipeline
  calls it for every job) and read back from the same log;
- bookings the rules refused in the last seven days, per business and reason
  (counted by the services after each refused transaction, table
  `booking_refusal`, migration 0016);
- the database: SQLite file and its size, or the PostgreSQL server, its
  version and the size of the database; how long it takes to answer;
- the last backup (the audit log's newest "database.backup" event) and
  whether one is due (none, or older than `BACKUP_DUE`);
- on demand, the integrity check (`integrity_report`): the booking rules
  and the audit log's chain, as `main.py check` does.

The log is this computer's file (config.log_path()), read from its tail
only: a few hundred kilobytes whatever its size.
"""
import json
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from peewee import JOIN, fn

from .. import config, models
from ..db import is_postgres
from ..models import REFUSAL_REASONS, AuditEvent, BookingRefusal, Business, User
from ._tx import current_time, require_owner, run_read
from .backup import BACKUP_ACTION
from .integrity import check_audit_chain, check_integrity

log = logging.getLogger(__name__)

SLOW_MS = 200                      # a job this long or longer is logged as slow
BACKUP_DUE = timedelta(days=7)     # no backup for longer than this: the window reminds
REFUSAL_DAYS = 7
TAIL_BYTES = 256 * 1024            # how much of the log (and of the one before it) is read
SHOWN = 20                         # errors and slow operations listed, newest first

_SLOW = "slow operation: {name} took {ms} ms"
_SLOW_LINE = re.compile(r"^slow operation: (?P<name>.+) took (?P<ms>\d+) ms$")
# config.LOG_FORMAT: "%(asctime)s %(levelname)s %(name)s: %(message)s"
_ENTRY = re.compile(r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(?P<ms>\d{3}) "
                    r"(?P<level>[A-Z]+) (?P<logger>[\w.]+): (?P<message>.*)$")


@dataclass(frozen=True)
class LoggedError:
    at: datetime       # aware, in this computer's time zone (the log's clock)
    where: str         # the logger that wrote it: "booking_desktop.ui.operations"
    message: str
    detail: str = ""   # the exception's last line when one was logged ("ValueError: …")


@dataclass(frozen=True)
class SlowOperation:
    at: datetime
    name: str          # "undo.book", "day", "calendar-month", …
    ms: int


@dataclass(frozen=True)
class LogTail:
    path: str
    exists: bool
    errors: tuple[LoggedError, ...]      # newest first
    slow: tuple[SlowOperation, ...]      # newest first


@dataclass(frozen=True)
class RefusalCounts:
    business: str
    counts: tuple[tuple[str, int], ...]  # (reason, refusals) in REFUSAL_REASONS order

    @property
    def total(self) -> int:
        return sum(n for _reason, n in self.counts)

    def of(self, reason: str) -> int:
        return dict(self.counts).get(reason, 0)


@dataclass(frozen=True)
class DatabaseState:
    kind: str                  # "SQLite" or "PostgreSQL"
    where: str                 # the file, or user@server:port/database (never a password)
    size_bytes: int | None     # the file with its write-ahead log; the database on the server
    version: str               # SQLite's library version, or the server's
    answer_ms: float           # one SELECT 1, there and back


@dataclass(frozen=True)
class LastBackup:
    at: datetime | None        # None: no backup was ever recorded in this database
    by: str | None             # the account that made it (None: the command line)
    file: str | None
    age: timedelta | None
    due: bool                  # none yet, or older than BACKUP_DUE


@dataclass(frozen=True)
class HealthReport:
    at: datetime
    database: DatabaseState
    backup: LastBackup
    refusals_since: date       # the first (UTC) day counted
    refusals: tuple[RefusalCounts, ...]   # every business, by name
    log: LogTail


@dataclass(frozen=True)
class IntegrityReport:
    at: datetime
    problems: tuple[str, ...]  # every broken rule, then a broken audit chain's first link

    @property
    def ok(self) -> bool:
        return not self.problems


# --- slow operations ------------------------------------------------------------

def note_duration(name: str, seconds: float) -> None:
    """A window's database job `name` took `seconds`: logged (WARNING) when
    that is `SLOW_MS` or more, so the Health window can list it. Costs a
    comparison otherwise."""
    ms = seconds * 1000
    if ms >= SLOW_MS:
        log.warning(_SLOW.format(name=name, ms=round(ms)))


# --- the log -------------------------------------------------------------------

def _tail(path: Path, limit: int) -> str:
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - limit))
        data = f.read()
    text = data.decode("utf-8", errors="replace")
    if size > limit:  # the first line is cut: begin at the next one
        text = text.partition("\n")[2]
    return text


def read_log(path: str | os.PathLike | None = None, shown: int = SHOWN) -> LogTail:
    """The last errors (ERROR and CRITICAL) and slow operations of the log at
    `path` (this computer's by default), newest first. When the file is
    short (it was just rotated) the end of the one before it is read too."""
    path = Path(path) if path is not None else config.log_path()
    if not path.exists():
        return LogTail(str(path), False, (), ())
    text = _tail(path, TAIL_BYTES)
    older = path.with_name(path.name + ".1")
    if len(text) < TAIL_BYTES and older.exists():
        text = _tail(older, TAIL_BYTES - len(text)) + text
    errors: list[LoggedError] = []
    slow: list[SlowOperation] = []
    entry = None  # (at, level, logger, message, continuation lines)
    for line in text.splitlines() + [None]:
        found = _ENTRY.match(line) if line is not None else None
        if line is not None and found is None:
            if entry is not None:
                entry[4].append(line)
            continue
        if entry is not None:
            _take(entry, errors, slow)
        entry = None
        if found is not None:
            at = datetime.strptime(found["at"], "%Y-%m-%d %H:%M:%S").replace(
                microsecond=int(found["ms"]) * 1000).astimezone()
            entry = (at, found["level"], found["logger"], found["message"], [])
    return LogTail(str(path), True, tuple(reversed(errors[-shown:])),
                   tuple(reversed(slow[-shown:])))


def _take(entry, errors: list, slow: list) -> None:
    at, level, logger, message, more = entry
    if level in ("ERROR", "CRITICAL"):
        detail = next((line.strip() for line in reversed(more) if line.strip()), "")
        errors.append(LoggedError(at, logger, message, detail))
    elif level == "WARNING" and logger == __name__:
        found = _SLOW_LINE.match(message)
        if found is not None:
            slow.append(SlowOperation(at, found["name"], int(found["ms"])))


# --- the database ----------------------------------------------------------------

def database_state() -> DatabaseState:
    """Which database this desk uses, how big it is and how fast it answers."""
    def run() -> DatabaseState:
        db = models.database.obj
        started = time.perf_counter()
        db.execute_sql("SELECT 1").fetchone()
        answer_ms = (time.perf_counter() - started) * 1000
        if is_postgres():
            user, name, host, port, version, size = db.execute_sql(
                "SELECT current_user, current_database(), host(inet_server_addr()), "
                "inet_server_port(), current_setting('server_version'), "
                "pg_database_size(current_database())").fetchone()
            server = f"{host}:{port}" if host else "local socket"
            return DatabaseState("PostgreSQL", f"{user}@{server}/{name}", size, version,
                                 answer_ms)
        path = Path(db.database)
        size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal"))
                   if p.exists())
        return DatabaseState("SQLite", str(path), size, sqlite3.sqlite_version, answer_ms)

    return run_read(run)


def last_backup(now: datetime | None = None) -> LastBackup:
    """The newest backup recorded in this database (services.backup writes
    an audit event for each) and whether another is due."""
    moment = current_time(now)

    def run():
        return (AuditEvent.select(AuditEvent.at, AuditEvent.details, User.username)
                .join(User, JOIN.LEFT_OUTER, on=(AuditEvent.user == User.id))
                .where((AuditEvent.entity == "database") & (AuditEvent.action == BACKUP_ACTION))
                .order_by(AuditEvent.id.desc()).limit(1).tuples().first())

    found = run_read(run)
    if found is None:
        return LastBackup(None, None, None, None, True)
    at, details, username = found
    at = AuditEvent.at.python_value(at)
    try:
        file = json.loads(details).get("file")
    except (ValueError, AttributeError):
        file = None
    age = max(timedelta(0), moment - at)
    return LastBackup(at, username, file, age, age > BACKUP_DUE)


def refusal_counts(days: int = REFUSAL_DAYS, now: datetime | None = None
                   ) -> tuple[date, tuple[RefusalCounts, ...]]:
    """Bookings refused in the last `days` (UTC) days, today included, per
    business (every business, by name) and reason: (first day, counts)."""
    since = current_time(now).date() - timedelta(days=days - 1)

    def run():
        names = list(Business.select(Business.id, Business.name).order_by(Business.name)
                     .tuples())
        rows = (BookingRefusal.select(BookingRefusal.business, BookingRefusal.reason,
                                      fn.SUM(BookingRefusal.refusals))
                .where(BookingRefusal.day >= since)
                .group_by(BookingRefusal.business, BookingRefusal.reason).tuples())
        return names, list(rows)

    names, rows = run_read(run)
    counted = {(business_id, reason): int(n) for business_id, reason, n in rows}
    return since, tuple(
        RefusalCounts(name, tuple((reason, counted.get((business_id, reason), 0))
                                  for reason in REFUSAL_REASONS))
        for business_id, name in names)


# --- what the window asks for ------------------------------------------------------

def health_report(by: User | None = None, log_path: str | os.PathLike | None = None,
                  now: datetime | None = None) -> HealthReport:
    """Everything the Health window shows but the integrity check. Owner
    only (the log names customers): PermissionDenied for staff;
    DatabaseUnavailable when the database does not answer."""
    require_owner(by, "see the desk's health")
    moment = current_time(now)
    since, refusals = refusal_counts(now=moment)
    return HealthReport(moment, database_state(), last_backup(moment), since, refusals,
                        read_log(log_path))


def integrity_report(by: User | None = None, now: datetime | None = None) -> IntegrityReport:
    """The booking rules checked over the whole database, and the audit
    log's chain, as `main.py check` does (a full scan: about a second on a
    database of half a million bookings). Owner only."""
    require_owner(by, "check the database")
    problems = [str(problem) for problem in check_integrity()]
    chain = check_audit_chain()
    if not chain.intact:
        problems.append(chain.message)
    return IntegrityReport(current_time(now), tuple(problems))


__all__ = [
    "BACKUP_DUE", "REFUSAL_DAYS", "SLOW_MS", "DatabaseState", "HealthReport", "IntegrityReport",
    "LastBackup", "LogTail", "LoggedError", "RefusalCounts", "SlowOperation", "database_state",
    "health_report", "integrity_report", "last_backup", "note_duration", "read_log",
    "refusal_counts",
]
