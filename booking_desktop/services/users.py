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

from peewee import IntegrityError

from ..db import is_postgres
from ..errors import InvalidInput, NotFound, PermissionDenied
from ..models import USER_ROLES, User
from . import validation as v
from ._tx import audit, current_time, require_owner, run_read, run_write

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
        raise InvalidInput(f"The password must have at least {PASSWORD_MIN} characters.",
                           field="password")
    if any(ord(ch) < 32 for ch in value):
        raise InvalidInput("The password contains control characters.", field="password")
    return value


def _username(value) -> str:
    value = v.text(value, "The username", "username", 64)
    if any(ch.isspace() for ch in value):
        raise InvalidInput("The username cannot contain spaces.", field="username")
    return value


def create_user(username, password, role: str = "staff", by: User | None = None,
                now=None) -> User:
    """A new account. Owner only (or the system, for the first owner)."""
    require_owner(by, "manage user accounts")
    username = _username(username)
    role = v.choice(role, USER_ROLES, "The role", "role")
    hashed = hash_password(_password(password))

    def work():
        if User.select().where(User.username == username).exists():
            raise InvalidInput(f"The username {username!r} is taken.", field="username")
        moment = current_time(now)
        user = User.create(username=username, password_hash=hashed, role=role,
                           created_at=moment)
        audit(by, "user.create", "user", user.id, at=moment, username=username, role=role)
        return user

    try:
        return run_write(work)
    except IntegrityError:
        raise InvalidInput(f"The username {username!r} is taken.", field="username") from None


_DUMMY_HASH = None


def authenticate(username, password) -> User:
    """The active user with this username and password; InvalidInput otherwise
    (the same message and about the same time whether the name exists or not)."""
    global _DUMMY_HASH
    refused = InvalidInput("Wrong username or password.", field="password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise refused
    user = run_read(lambda: User.get_or_none(User.username == username.strip()))
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not a real password")
        verify_password(password, _DUMMY_HASH)
        raise refused
    if not verify_password(password, user.password_hash):
        raise refused
    if not user.active:
        raise PermissionDenied(f"The account {user.username!r} is disabled; ask an owner.")
    return user


def list_users() -> list[User]:
    return run_read(lambda: list(User.select().order_by(User.username)))


def get_user(username) -> User:
    user = run_read(lambda: User.get_or_none(User.username == username))
    if user is None:
        raise NotFound(f"No user called {username!r}.")
    return user


def _other_active_owners(user: User) -> list[int]:
    """Ids of the active owners besides `user`. On PostgreSQL every active
    owner row is locked (in id order) first, so two desks cannot each disable
    the other owner at once; SQLite's BEGIN IMMEDIATE already serialises."""
    owners = (User.select(User.id).where((User.role == "owner") & (User.active == True))  # noqa: E712
              .order_by(User.id))
    if is_postgres():
        owners = owners.for_update()
    return [o.id for o in owners if o.id != user.id]


def set_user_active(username, active: bool, by: User | None = None) -> User:
    """Disable (or re-enable) an account; the last active owner stays. Owner only."""
    require_owner(by, "manage user accounts")

    def work():
        user = User.get_or_none(User.username == username)
        if user is None:
            raise NotFound(f"No user called {username!r}.")
        if not active and user.role == "owner" and not _other_active_owners(user):
            raise InvalidInput("This is the last active owner account; add another owner first.",
                               field="username")
        User.update(active=bool(active)).where(User.id == user.id).execute()
        audit(by, "user.enable" if active else "user.disable", "user", user.id,
              at=current_time(), username=user.username)
        return User.get_by_id(user.id)

    return run_write(work)


def has_users() -> bool:
    return run_read(lambda: User.select().exists())
