"""Accounts of the people at the desk, and their passwords.

Passwords are stored as `scrypt$n=131072,r=8,p=1$<salt>$<hash>` (base64):
OWASP's current scrypt parameters (N=2^17, r=8, p=1), a 16-byte random salt,
and the parameters kept with the hash so they can be raised later without
locking anyone out.
"""
import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import IntegrityError

from ..db import is_postgres
from ..errors import QT_TRANSLATE_NOOP, BookingError, InvalidInput, NotFound, PermissionDenied
from ..models import USER_ROLES, SignInThrottle, User
from . import validation as v
from ._tx import audit, current_time, require_export, require_owner, run_read, run_write

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
PASSWORD_MIN, PASSWORD_MAX = 8, 1024


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # scrypt needs 128 * n * r * p bytes; hashlib's default maxmem (32 MiB) is
    # below what OWASP's parameters need (128 MiB), so give it room explicitly.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=2 * 128 * n * r * p, dklen=KEY_BYTES)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, n: int | None = None) -> str:
    n = n or SCRYPT_N
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    return f"scrypt$n={n},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time comparison against a stored hash; False for anything malformed."""
    try:
        algorithm, params, salt, digest = stored.split("$")
        if algorithm != "scrypt":
            return False
        values = dict(item.split("=") for item in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), n, r, p)
    except (ValueError, KeyError):
        return False
    return hmac.compare_digest(actual, expected)


def _password(value) -> str:
    if not isinstance(value, str) or not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The password must have at least {n} "
                                                       "characters."),
                           params={"n": PASSWORD_MIN}, field="password")
    if any(ord(ch) < 32 for ch in value):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The password contains control characters."),
                           field="password")
    return value


def valid_username(value) -> str:
    value = v.text(value, QT_TRANSLATE_NOOP("errors", "The username"), "username", 64)
    if any(ch.isspace() for ch in value):
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The username cannot contain spaces."),
                           field="username")
    return value


@dataclass(frozen=True)
class Account:
    """A user account as the services hand it out: everything but the
    password hash. The desk keeps it as the signed-in user and passes it back
    as `by=`; permissions are checked against the database by its id."""
    id: int
    username: str
    role: str
    active: bool
    can_export: bool
    created_at: datetime

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


# The columns an Account is made of: the hash is never selected.
_ACCOUNT_COLUMNS = (User.id, User.username, User.role, User.active, User.can_export,
                    User.created_at)


def _account(user: User) -> Account:
    return Account(user.id, user.username, user.role, bool(user.active), bool(user.can_export),
                   user.created_at)


def _accounts():
    return User.select(*_ACCOUNT_COLUMNS)


def _find_account(username) -> Account | None:
    if not isinstance(username, str):
        return None
    user = _accounts().where(User.username == username).first()
    return _account(user) if user is not None else None


def create_user(username, password, role: str = "staff", by: User | None = None,
                now=None) -> Account:
    """A new account. Owner only (or the system, for the first owner)."""
    require_owner(by, "manage user accounts")
    username = valid_username(username)
    role = v.choice(role, USER_ROLES, "The role", "role")
    hashed = hash_password(_password(password))

    def work():
        if User.select().where(User.username == username).exists():
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The username {name} is taken."),
                               params={"name": repr(username)}, field="username")
        moment = current_time(now)
        user = User.create(username=username, password_hash=hashed, role=role,
                           created_at=moment)
        audit(by, "user.create", "user", user.id, at=moment, username=username, role=role)
        return _account(user)

    try:
        return run_write(work)
    except IntegrityError:
        raise InvalidInput(QT_TRANSLATE_NOOP("errors", "The username {name} is taken."),
                           params={"name": repr(username)}, field="username") from None


# Wrong passwords allowed in a row before each further attempt must wait:
# 5 s after the fifth, then twice as long each time, never more than 5 minutes.
FREE_ATTEMPTS = 5
FIRST_WAIT = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=5)


class SignInThrottled(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "Too many wrong passwords; wait a moment and "
                                                  "try again.")

    def __init__(self, username: str, wait: timedelta):
        seconds = max(1, int(wait.total_seconds() + 0.999))
        if seconds < 120:
            template = QT_TRANSLATE_NOOP("errors", "Too many wrong passwords for {name}. Try again "
                                                   "in {n} seconds.")
        else:
            template = QT_TRANSLATE_NOOP("errors", "Too many wrong passwords for {name}. Try again "
                                                   "in {n} minutes.")
        super().__init__(template, params={"name": repr(username),
                                           "n": seconds if seconds < 120 else (seconds + 59) // 60},
                         retry_after=seconds)


def _dummy_hash() -> str:
    """A hash in the current format and cost that no password matches:
    checking it takes as long as checking a real one, and costs nothing to
    make (an unknown username must not answer faster)."""
    return (f"scrypt$n={SCRYPT_N},r={SCRYPT_R},p={SCRYPT_P}$"
            f"{_b64(bytes(SALT_BYTES))}${_b64(bytes(KEY_BYTES))}")


def _wait_after(failures: int) -> timedelta:
    if failures < FREE_ATTEMPTS:
        return timedelta(0)
    return min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(failures - FREE_ATTEMPTS, 16))


def _throttle_key(username: str) -> str:
    return username.strip()[:64]


def _refuse_while_locked(key: str, moment: datetime) -> None:
    row = run_read(lambda: SignInThrottle.get_or_none(SignInThrottle.username == key))
    if row is not None and row.locked_until is not None and row.locked_until > moment:
        raise SignInThrottled(key, row.locked_until - moment)


def _record_failure(key: str, user: User | None, moment: datetime) -> None:
    """Count the wrong password (one statement, so two desks failing at once
    both count) and start the wait once the free attempts are used up."""
    def work():
        (SignInThrottle.insert(username=key, failures=1, last_failure_at=moment)
         .on_conflict(conflict_target=[SignInThrottle.username],
                      update={SignInThrottle.failures: SignInThrottle.failures + 1,
                              SignInThrottle.last_failure_at: moment})
         .execute())
        failures = (SignInThrottle.select(SignInThrottle.failures)
                    .where(SignInThrottle.username == key).scalar())
        wait = _wait_after(failures)
        details = {"username": key, "failures": failures}
        if wait:
            (SignInThrottle.update(locked_until=moment + wait)
             .where(SignInThrottle.username == key).execute())
            details["wait_seconds"] = int(wait.total_seconds())
        audit(None, "user.sign_in_locked" if wait else "user.sign_in_failed", "user",
              user.id if user is not None else None, at=moment, **details)

    run_write(work)


def authenticate(username, password, now: datetime | None = None) -> Account:
    """The active user with this username and password; InvalidInput otherwise
    (the same message and about the same time whether the name exists or not).

    Wrong passwords are counted per username in the database (known or not,
    so the wait tells nothing about which names exist); after FREE_ATTEMPTS in
    a row each attempt must wait longer (SignInThrottled, with no password
    checked). Failures and lock-outs go to the audit log; a success clears the
    count."""
    refused = InvalidInput(QT_TRANSLATE_NOOP("errors", "Wrong username or password."),
                           field="password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise refused
    key = _throttle_key(username)
    moment = run_read(lambda: current_time(now))
    _refuse_while_locked(key, moment)
    user = run_read(lambda: User.get_or_none(User.username == username.strip()))
    stored = user.password_hash if user is not None else _dummy_hash()
    if not verify_password(password, stored) or user is None:
        _record_failure(key, user, moment)
        raise refused
    if not user.active:
        raise PermissionDenied(QT_TRANSLATE_NOOP("errors", "The account {name} is disabled; ask an "
                                                           "owner."),
                               params={"name": repr(user.username)})
    run_write(lambda: SignInThrottle.delete().where(SignInThrottle.username == key).execute())
    return _account(user)


@dataclass(frozen=True)
class SignInTrouble:
    """A username with wrong passwords in a row (for the owner's eyes)."""
    username: str
    failures: int
    last_failure_at: datetime | None
    locked_until: datetime | None
    known: bool


def sign_in_troubles(by: User | None = None) -> list[SignInTrouble]:
    """Usernames whose last sign-ins failed, most failures first. Owner only."""
    require_owner(by, "see failed sign-ins")

    def run():
        known = set(User.select(User.username).tuples())
        rows = (SignInThrottle.select().where(SignInThrottle.failures > 0)
                .order_by(SignInThrottle.failures.desc(), SignInThrottle.username))
        return [SignInTrouble(r.username, r.failures, r.last_failure_at, r.locked_until,
                              (r.username,) in known) for r in rows]

    return run_read(run)


def list_users() -> list[Account]:
    """Every account, by username, without password hashes."""
    return run_read(lambda: [_account(u) for u in _accounts().order_by(User.username)])


def get_user(username) -> Account:
    """The account called `username` (without its password hash); NotFound otherwise."""
    account = run_read(lambda: _find_account(username))
    if account is None:
        raise NotFound(f"No user called {username!r}.")
    return account


def _other_active_owners(user: User) -> list[int]:
    """Ids of the active owners besides `user`. On PostgreSQL every active
    owner row is locked (in id order) first, so two desks cannot each disable
    the other owner at once; SQLite's BEGIN IMMEDIATE already serialises."""
    owners = (User.select(User.id).where((User.role == "owner") & (User.active == True))  # noqa: E712
              .order_by(User.id))
    if is_postgres():
        owners = owners.for_update()
    return [o.id for o in owners if o.id != user.id]


def set_user_active(username, active: bool, by: User | None = None) -> Account:
    """Disable (or re-enable) an account; the last active owner stays. Owner only."""
    require_owner(by, "manage user accounts")

    def work():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise NotFound(f"No user called {username!r}.")
        if not active and user.role == "owner" and not _other_active_owners(user):
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "This is the last active owner account; add "
                                                           "another owner first."),
                               field="username")
        User.update(active=bool(active)).where(User.id == user.id).execute()
        audit(by, "user.enable" if active else "user.disable", "user", user.id,
              at=current_time(), username=user.username)
        return _find_account(user.username)

    return run_write(work)


def set_user_can_export(username, allowed: bool, by: User | None = None) -> Account:
    """Allow (or stop) a staff account to export customers' details: the
    bookings exports and the reports. Owners always may. Owner only; audited."""
    require_owner(by, "decide who may export customers' details")
    if not isinstance(allowed, bool):
        raise InvalidInput("Say yes or no to exporting.", field="can_export")

    def work():
        user = _find_account(username)
        if user is None:
            raise NotFound(f"No user called {username!r}.")
        if user.role == "owner":
            raise InvalidInput(QT_TRANSLATE_NOOP("errors", "{name} is an owner; owners can always "
                                                           "export."), params={"name": repr(user.username)},
                               field="username")
        User.update(can_export=allowed).where(User.id == user.id).execute()
        audit(by, "user.allow_export" if allowed else "user.deny_export", "user", user.id,
              at=current_time(), username=user.username)
        return _find_account(user.username)

    return run_write(work)


def may_export(by: User | None) -> bool:
    """Whether `by` may export customers' details now (for showing or hiding
    Export…; the exports and reports check again themselves)."""
    try:
        require_export(by)
    except PermissionDenied:
        return False
    return True


def has_users() -> bool:
    return run_read(lambda: User.select().exists())


__all__ = [
    "valid_username", "hash_password", "verify_password", "Account", "create_user",
    "FREE_ATTEMPTS", "FIRST_WAIT",
    "LONGEST_WAIT", "SignInThrottled", "authenticate", "SignInTrouble", "sign_in_troubles",
    "list_users", "get_user", "set_user_active", "set_user_can_export", "may_export", "has_users",
]
