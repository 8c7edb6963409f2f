"""Transactions, retries, the clock, permissions and the audit log: the
plumbing every service mutation goes through.

`run_write(work)` runs `work()` in one transaction (BEGIN IMMEDIATE on SQLite),
retries a bounded number of times on lock contention, deadlock or
serialisation failure, and turns a dropped server connection into
`DatabaseUnavailable` after discarding the dead connection so the next call
reconnects (a connection found dead at BEGIN, before any of the work ran, is
replaced and the work run once more). A connection lost in COMMIT, when the
server may have saved the work, is `AnswerLost` (a DatabaseUnavailable): the
caller must look the change up once the database answers: the exception
carries the audit events the transaction wrote (`AnswerLost.written`, their
ids and hashes, known before COMMIT), so whether it was saved is a question
of whether those events are there (services.undo.find_lost_answer). Reads
go through `run_read`, which retries once after a dropped connection since a
read has nothing to undo.
"""
import json
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from peewee import DatabaseError, InterfaceError, OperationalError

from .. import models
from ..audit_chain import CHAINED_BY_DATABASE, event_hash, next_link
from ..clock import ensure_aware, utcnow
from ..db import is_postgres
from ..errors import QT_TRANSLATE_NOOP, AnswerLost, DatabaseUnavailable, DiskFull, PermissionDenied
from ..models import AuditEvent, User
from . import validation

log = logging.getLogger(__name__)
T = TypeVar("T")

# The audit events the transaction `run_write` runs on this thread has written
# so far, as (id, hash); None outside one.
_attempt = threading.local()

MAX_ATTEMPTS = 5
# SQLSTATEs worth a retry: serialization failure, deadlock, lock not available.
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}


def _driver_error(exc: BaseException) -> BaseException | None:
    """The DB-API exception peewee wrapped, if any."""
    for candidate in (*getattr(exc, "args", ())[:1], exc.__cause__, exc.__context__):
        if isinstance(candidate, Exception) and not isinstance(candidate, DatabaseError):
            return candidate
    return None


def connection_lost(exc: BaseException) -> bool:
    if not is_postgres():
        return False
    db = models.database.obj
    if isinstance(exc, (OperationalError, InterfaceError)):
        conn = db._state.conn
        if conn is None or conn.closed or getattr(_driver_error(exc), "sqlstate", None) in (
            "57P01", "57P02", "57P03", "08000", "08003", "08006"
        ):
            return True
    return False


def is_transient(exc: BaseException) -> bool:
    driver = _driver_error(exc)
    if isinstance(driver, sqlite3.OperationalError):
        text = str(driver).lower()
        return "locked" in text or "busy" in text
    return getattr(driver, "sqlstate", None) in _TRANSIENT_SQLSTATES


def disk_error(exc: BaseException) -> Exception | None:
    """SQLite could not write the file: the disk is full, the file reached its
    size limit, or the disk failed. The transaction is rolled back."""
    if not isinstance(exc, DatabaseError) or is_postgres():
        return None
    text = str(exc).lower()
    if "database or disk is full" in text:
        return DiskFull()
    if "disk i/o error" in text:
        return DatabaseUnavailable("The database file could not be written (the disk is full, the "
                                   "file reached its size limit, or the disk failed): nothing was "
                                   "saved.")
    return None


def discard_connection() -> None:
    """Drop this thread's (dead) connection; the next query opens a new one."""
    db = models.database.obj
    try:
        if db._state.transactions:
            db._state.transactions.clear()
        if not db.is_closed():
            db.manual_close() if hasattr(db, "manual_close") else db.close()
    except Exception:  # the connection is already gone; only forget it
        log.debug("closing a dead connection failed", exc_info=True)
        db._state.reset()


def run_write(work: Callable[[], T]) -> T:
    """Run `work` in one transaction, retrying transient conflicts. Bookings
    the rules refused in it (`note_refusal`) are counted once it has ended."""
    db = models.database
    if db.in_transaction():
        try:
            return work()  # the caller owns the transaction
        except (OperationalError, InterfaceError) as exc:
            if connection_lost(exc):
                # The server took the caller's transaction with it; the caller's
                # block ends it, and the next call reconnects.
                raise DatabaseUnavailable() from exc
            raise
    refused: list[tuple] = []
    _attempt.refused = refused
    try:
        result = _run_write(db, work, refused)
    except DatabaseUnavailable:
        raise  # nothing more is tried on a connection that is gone
    except BaseException:
        _count_refusals(refused)
        raise
    finally:
        _attempt.refused = None
    if refused:  # a bulk's refused part: the transaction went on without it
        _count_refusals(refused)
    return result


def _run_write(db, work: Callable[[], T], refused: list) -> T:
    reconnected = False
    for attempt in range(1, MAX_ATTEMPTS + 1):
        began = done = False
        events: list[tuple[int, str]] = []
        refused.clear()  # an attempt that is tried again refuses again
        try:
            _attempt.written = events
            with db.atomic():
                began = True
                result = work()
                done = True  # only COMMIT is left
            return result
        except (OperationalError, InterfaceError, DatabaseError) as exc:
            if connection_lost(exc):
                discard_connection()
                if not began and not reconnected:
                    # The connection had died while idle (BEGIN failed), so
                    # nothing of `work` ran: reconnect and run it once more.
                    reconnected = True
                    continue
                if done:  # lost in COMMIT: the server may have saved it
                    raise AnswerLost(written=events) from exc
                raise DatabaseUnavailable() from exc
            written = disk_error(exc)
            if written is not None:
                raise written from exc
            if is_transient(exc) and attempt < MAX_ATTEMPTS:
                time.sleep(min(0.5, 0.01 * 2 ** attempt) * (0.5 + random.random()))
                continue
            raise
        finally:
            _attempt.written = None


@contextmanager
def savepoint() -> Iterator[None]:
    """A savepoint inside the caller's transaction (`bulk`'s parts): when it
    is rolled back, the audit events written in it are no longer among those
    the transaction wrote."""
    written = getattr(_attempt, "written", None)
    mark = len(written) if written is not None else 0
    try:
        with models.database.atomic():
            yield
    except BaseException:
        if written is not None:
            del written[mark:]
        raise


def run_read(work: Callable[[], T]) -> T:
    try:
        return work()
    except (OperationalError, InterfaceError) as exc:
        if not connection_lost(exc):
            raise
        if models.database.in_transaction():
            raise DatabaseUnavailable() from exc  # the caller's transaction is gone
        discard_connection()
    try:
        return work()
    except (OperationalError, InterfaceError) as exc:
        if not connection_lost(exc):
            raise
        discard_connection()  # the server is still out of reach
        raise DatabaseUnavailable() from exc


# --- refused bookings, counted for the Health window ----------------------------

_COUNT_REFUSAL = {
    # One statement: the slot's business, today's row for the reason, plus one.
    "postgresql": (
        "INSERT INTO booking_refusal (day, business_id, reason, refusals) "
        "SELECT COALESCE(%s::date, (CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date), business_id, "
        "%s, 1 FROM time_slot WHERE id = %s "
        "ON CONFLICT (day, business_id, reason) DO UPDATE "
        "SET refusals = booking_refusal.refusals + 1"),
    "sqlite": (
        "INSERT INTO booking_refusal (day, business_id, reason, refusals) "
        "SELECT ?, business_id, ?, 1 FROM time_slot WHERE id = ? "
        "ON CONFLICT (day, business_id, reason) DO UPDATE SET refusals = refusals + 1"),
}


def note_refusal(slot_id: int, reason: str, now: datetime | None = None) -> None:
    """A booking (or a move) into `slot_id` was refused for `reason` (one of
    models.REFUSAL_REASONS). The refusal rolls its transaction back, so the
    count is written after it: by the `run_write` whose transaction this is,
    once that has ended, else (no transaction open) at once. Never raises:
    counting must not turn a refusal into another error."""
    refused = getattr(_attempt, "refused", None)
    if refused is not None:
        refused.append((slot_id, reason, now))
    else:
        _count_refusals([(slot_id, reason, now)])


def _count_refusals(refused: list[tuple]) -> None:
    """One autocommitted statement a refusal, each on its own: no round trip
    is added to a booking that goes through. Inside a caller's own
    transaction (not `run_write`'s) the count is part of that transaction."""
    if not refused:
        return
    postgres = is_postgres()
    statement = _COUNT_REFUSAL["postgresql" if postgres else "sqlite"]
    for slot_id, reason, now in refused:
        if now is not None:
            day = ensure_aware(now).date()
        else:
            day = None if postgres else utcnow().date()
        try:
            models.database.execute_sql(statement, (day, reason, slot_id))
        except Exception as exc:  # a refusal counted or not, the desk hears the refusal
            if not connection_lost(exc):
                log.warning("could not count a refused booking (%s)", reason, exc_info=True)
                continue
            # Expected when the server goes away: the next operation
            # reconnects and says so; the count is lost, nothing else.
            log.warning("could not count a refused booking (%s): the connection was lost",
                        reason)
            if not models.database.in_transaction():
                discard_connection()
            return


def current_time(now: datetime | None = None) -> datetime:
    """`now` if given, else the database server's clock on PostgreSQL (desks'
    clocks drift), else this machine's clock. Always aware UTC. InvalidInput
    for a `now` that is not an aware date and time of the years the services
    work in."""
    if now is not None:
        return ensure_aware(validation.instant(now), "now")
    if is_postgres():
        value = models.database.execute_sql("SELECT CURRENT_TIMESTAMP").fetchone()[0]
        return ensure_aware(value)
    return utcnow()


def _current_account(by: User) -> User:
    """The account as the database has it now: a desk may hold a User object
    from before another desk disabled it or changed its role."""
    fresh = run_read(lambda: User.get_or_none(User.id == by.id)) if by.id is not None else None
    if fresh is None:
        raise PermissionDenied(QT_TRANSLATE_NOOP("errors", "The account {name} no longer exists."),
                               params={"name": repr(by.username)})
    if not fresh.active:
        raise PermissionDenied(QT_TRANSLATE_NOOP("errors", "The account {name} is disabled."),
                               params={"name": repr(fresh.username)})
    return fresh


def require_owner(by: User | None, action: str = "do this") -> None:
    """None is the system or the command line; a user must be an active owner."""
    if by is None:
        return
    if _current_account(by).role != "owner":
        raise PermissionDenied(f"Only an owner can {action}.")


def require_active(by: User | None) -> None:
    if by is not None:
        _current_account(by)


def require_export(by: User | None) -> None:
    """Customers' details in bulk (exports, reports): None (the command line,
    run by whoever owns the database), an active owner, or active staff an
    owner has allowed to export."""
    if by is None:
        return
    fresh = _current_account(by)
    if fresh.role != "owner" and not fresh.can_export:
        raise PermissionDenied(QT_TRANSLATE_NOOP("errors", "Only an owner, or staff an owner has "
                                                           "allowed to export, can export "
                                                           "customers' details."))


def audit_details(**details) -> str:
    """An audit event's details as stored: JSON, keys sorted, text as typed."""
    return json.dumps(details, default=str, sort_keys=True, ensure_ascii=False)


def audit(by: User | None, action: str, entity: str, entity_id: int | None,
          at: datetime | None = None, **details) -> None:
    """Record a mutation; call inside the mutation's transaction. The event is
    chained onto the newest one (on PostgreSQL under a lock held until commit,
    so concurrent mutations write their events one after the other). On
    PostgreSQL the INSERT's trigger chains it (migration 0014), so recording
    is one statement; SQLite chains it here, in the transaction's write lock.
    Its id and hash are noted for `run_write` (AnswerLost.written)."""
    at = at or utcnow()
    user_id = by.id if by is not None else None
    text = audit_details(**details)
    if is_postgres():
        # id 0: no id drawn outside the chain's lock; the trigger draws it
        # (and the hash), and the same statement returns them.
        [event] = (AuditEvent.insert(id=0, at=at, user=user_id, action=action, entity=entity,
                                     entity_id=entity_id, details=text,
                                     hash=CHAINED_BY_DATABASE)
                   .returning(AuditEvent.id, AuditEvent.hash).tuples().execute())
    else:
        event_id, prev_hash = next_link(models.database.obj)
        event = (event_id, event_hash(event_id, at, user_id, action, entity, entity_id, text,
                                      prev_hash))
        AuditEvent.insert(
            id=event_id, at=at, user=user_id, action=action, entity=entity, entity_id=entity_id,
            details=text, prev_hash=prev_hash, hash=event[1],
        ).execute()
    written = getattr(_attempt, "written", None)
    if written is not None:  # the id and hash identify it: found after a lost answer
        written.append(tuple(event))


def release_connection() -> None:
    """Close this thread's connection: a worker thread calls it when its work
    is done (peewee connections belong to the thread that opened them)."""
    db = models.database
    if db.obj is not None and not db.is_closed():
        db.close()
