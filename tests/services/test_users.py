"""Accounts and password hashes: scrypt at OWASP's cost, salted, the
parameters stored with the hash, constant-time comparison. Both backends."""
import base64
import hashlib
import hmac

import pytest

from booking_desktop import services
from booking_desktop.errors import BookingError, InvalidInput, PermissionDenied
from booking_desktop.models import User
from booking_desktop.services import users as user_service
from tests.helpers import last_audit, snapshot

OWASP = {"n": 2**17, "r": 8, "p": 1}


def parts(stored: str):
    algorithm, params, salt, digest = stored.split("$")
    values = {k: int(v) for k, v in (item.split("=") for item in params.split(","))}
    return algorithm, values, base64.b64decode(salt), base64.b64decode(digest)


@pytest.mark.real_password_hashing
def test_stored_hash_names_scrypt_at_owasp_cost_and_matches_it(database, owner):
    user = services.create_user("sam", "correct horse battery", by=owner)
    stored = User.get_by_id(user.id).password_hash
    assert stored.startswith("scrypt$n=131072,r=8,p=1$")
    algorithm, params, salt, digest = parts(stored)
    assert (algorithm, params) == ("scrypt", OWASP)
    assert len(salt) == 16 and len(digest) == 32
    # The digest really is scrypt with those parameters (and that salt).
    expected = hashlib.scrypt(b"correct horse battery", salt=salt, dklen=32, maxmem=2**28,
                              **OWASP)
    assert digest == expected
    assert "correct horse" not in stored
    assert services.authenticate("sam", "correct horse battery").id == user.id


@pytest.mark.real_password_hashing
def test_owasp_parameters_need_more_than_hashlibs_default_maxmem():
    """scrypt needs 128 * n * r bytes (128 MiB here); OpenSSL's default
    limit is 32 MiB, so without an explicit maxmem hashing would fail."""
    with pytest.raises(ValueError, match="memory limit exceeded"):
        hashlib.scrypt(b"password", salt=b"s" * 16, dklen=32, **OWASP)

    calls = []
    real_scrypt = hashlib.scrypt

    def spy(password, **kwargs):
        calls.append(kwargs)
        return real_scrypt(password, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashlib, "scrypt", spy)
        stored = user_service.hash_password("password")
        assert user_service.verify_password("password", stored)
    assert parts(stored)[1] == OWASP
    assert len(calls) == 2
    for kwargs in calls:
        assert (kwargs["n"], kwargs["r"], kwargs["p"]) == (2**17, 8, 1)
        assert kwargs["maxmem"] > 128 * 2**17 * 8  # what scrypt needs, plus room


def test_same_password_twice_gives_different_salted_hashes(database, owner):
    first = services.create_user("amy", "same-password", by=owner)
    second = services.create_user("bea", "same-password", by=owner)
    a, b = (User.get_by_id(u.id).password_hash for u in (first, second))
    assert a != b
    assert parts(a)[2] != parts(b)[2]  # different salts
    assert parts(a)[3] != parts(b)[3]  # so different digests
    assert services.authenticate("amy", "same-password").id == first.id
    assert services.authenticate("bea", "same-password").id == second.id


def test_wrong_password_and_unknown_user_fail_alike(database, owner):
    services.create_user("sam", "staff-password", by=owner)
    for username, password in (("sam", "staff-passwork"), ("sam", "STAFF-PASSWORD"),
                               ("sam", ""), ("nobody", "staff-password")):
        with pytest.raises(InvalidInput, match="Wrong username or password") as refused:
            services.authenticate(username, password)
        assert refused.value.field == "password"
    stored = User.get(User.username == "sam").password_hash
    assert not user_service.verify_password("staff-passwork", stored)
    assert not user_service.verify_password("staff-password", "not$a$valid$hash")
    assert not user_service.verify_password("staff-password", "bcrypt$x$y$z")


def test_verification_compares_with_hmac_compare_digest(database, owner, monkeypatch):
    services.create_user("sam", "staff-password", by=owner)
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert services.authenticate("sam", "staff-password").username == "sam"
    assert len(calls) == 1 and calls[0][0] == calls[0][1] and len(calls[0][0]) == 32

    # The answer is the comparison's: if it says no, the login fails.
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)
    with pytest.raises(InvalidInput):
        services.authenticate("sam", "staff-password")


def test_disabled_account_cannot_log_in_until_enabled(database, owner):
    services.create_user("sam", "staff-password", by=owner)
    services.set_user_active("sam", False, by=owner)
    assert User.get(User.username == "sam").active is False
    assert last_audit("user.disable").user_id == owner.id
    with pytest.raises(PermissionDenied, match="disabled"):
        services.authenticate("sam", "staff-password")
    services.set_user_active("sam", True, by=owner)
    assert User.get(User.username == "sam").active is True
    assert services.authenticate("sam", "staff-password").active


def test_create_user_stores_the_account_and_refuses_a_taken_name(database, owner):
    user = services.create_user("kim", "kim-password", role="owner", by=owner)
    stored = User.get_by_id(user.id)
    assert (stored.username, stored.role, stored.active) == ("kim", "owner", True)
    event = last_audit("user.create")
    assert (event.user_id, event.entity_id) == (owner.id, user.id)
    assert "kim-password" not in event.details
    before = snapshot()
    with pytest.raises(InvalidInput, match="is taken"):
        services.create_user("kim", "other-password", by=owner)
    assert snapshot() == before


def test_two_owners_disabling_each_other_at_once_leave_one_active(database, owner, monkeypatch):
    """Two desks, each signed in as an owner, disable the other owner at the
    same moment: one succeeds, the other is refused, one owner stays active."""
    import threading

    from booking_desktop import models

    otto = services.create_user("otto", "otto-password", role="owner", by=owner)
    arrived = {"olga": threading.Event(), "otto": threading.Event()}
    real_audit = user_service.audit

    def audit_when_both_got_here(by, action, entity, entity_id, **kwargs):
        # Each desk has passed its "another owner is active" check and
        # written its change; wait (briefly) for the other to do the same.
        me = kwargs["username"]
        arrived[me].set()
        arrived["otto" if me == "olga" else "olga"].wait(timeout=1.0)
        return real_audit(by, action, entity, entity_id, **kwargs)

    monkeypatch.setattr(user_service, "audit", audit_when_both_got_here)
    outcomes = {}

    def disable(target, by):
        try:
            services.set_user_active(target, False, by=by)
            outcomes[target] = "disabled"
        except BookingError as exc:
            outcomes[target] = str(exc)
        finally:
            if not models.database.is_closed():
                models.database.close()

    threads = [threading.Thread(target=disable, args=("olga", otto)),
               threading.Thread(target=disable, args=("otto", owner))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == [
        "This is the last active owner account; add another owner first.", "disabled"]
    assert User.select().where((User.role == "owner") & (User.active == True)).count() == 1  # noqa: E712
