"""Sign-in throttling: after five wrong passwords in a row each attempt waits
longer (doubling, at most five minutes), counted in the database."""
import json
from datetime import timedelta

import pytest

from booking_desktop import db, services
from booking_desktop.errors import InvalidInput, PermissionDenied
from booking_desktop.models import AuditEvent, SignInThrottle
from booking_desktop.services import users as user_service
from booking_desktop.services.users import SignInThrottled

from ..conftest import NOW


def wrong(name, times, start=NOW):
    """`times` wrong passwords, a second apart or after the wait asked for;
    returns the moment right after the last one."""
    moment = start
    for _ in range(times):
        with pytest.raises(InvalidInput, match="Wrong username or password"):
            services.authenticate(name, "not-the-password", now=moment)
        row = SignInThrottle.get_by_id(name)
        if row.locked_until is not None and _ < times - 1:
            moment = row.locked_until
        else:
            moment += timedelta(seconds=1)
    return moment


def test_thirty_wrong_passwords_are_not_followed_by_an_immediate_success(database, owner):
    moment = wrong("olga", 5)  # the fifth a second ago: 5 s to wait from then
    with pytest.raises(SignInThrottled, match=r"Too many wrong passwords for 'olga'. "
                                              r"Try again in 4 seconds"):
        services.authenticate("olga", "owner-password", now=moment)
    with pytest.raises(SignInThrottled):  # even the right password waits: nothing is checked
        services.authenticate("olga", "owner-password", now=moment + timedelta(seconds=3))
    # After the wait a right password works and clears the count.
    assert services.authenticate("olga", "owner-password",
                                 now=moment + timedelta(seconds=4)).id == owner.id
    assert SignInThrottle.select().count() == 0


def test_each_further_wrong_password_doubles_the_wait_up_to_five_minutes(database, owner):
    waits = []
    moment = wrong("olga", 4)
    for _ in range(10):
        with pytest.raises(InvalidInput):
            services.authenticate("olga", "still-wrong", now=moment)
        row = SignInThrottle.get_by_id("olga")
        waits.append(int((row.locked_until - moment).total_seconds()))
        moment = row.locked_until  # the person waited exactly as long as asked
    assert waits == [5, 10, 20, 40, 80, 160, 300, 300, 300, 300]
    assert SignInThrottle.get_by_id("olga").failures == 14


def test_count_survives_a_restart(db_url, owner):
    moment = wrong("olga", 5)
    db.close()
    db.connect(db_url)  # the app was closed and opened again
    with pytest.raises(SignInThrottled):
        services.authenticate("olga", "owner-password", now=moment)


def test_unknown_usernames_are_throttled_the_same(database, owner):
    """Otherwise the wait would tell which usernames exist."""
    moment = wrong("mallory", 5)
    with pytest.raises(SignInThrottled, match="'mallory'"):
        services.authenticate("mallory", "whatever", now=moment)
    assert services.authenticate("olga", "owner-password", now=moment).id == owner.id


def test_failures_and_lock_outs_are_audited_and_owners_see_them(database, owner, staff):
    wrong("sam", 6)
    wrong("ghost", 2)
    events = list(AuditEvent.select().where(AuditEvent.action.startswith("user.sign_in"))
                  .order_by(AuditEvent.id))
    assert [e.action for e in events].count("user.sign_in_failed") == 4 + 2
    locked = [json.loads(e.details) for e in events if e.action == "user.sign_in_locked"]
    assert [(d["username"], d["failures"], d["wait_seconds"]) for d in locked] == [
        ("sam", 5, 5), ("sam", 6, 10)]
    assert all(e.entity_id == staff.id for e in events if "sam" in e.details)
    troubles = services.sign_in_troubles(by=owner)
    assert [(t.username, t.failures, t.known) for t in troubles] == [
        ("sam", 6, True), ("ghost", 2, False)]
    assert troubles[0].locked_until is not None and troubles[1].locked_until is None
    with pytest.raises(PermissionDenied, match="Only an owner"):
        services.sign_in_troubles(by=staff)


def test_unknown_user_checks_a_hash_of_the_same_cost(monkeypatch, database, owner):
    """The dummy hash is not made on the first unknown-user attempt (which
    took twice as long): it is a constant of the current cost."""
    made = []
    monkeypatch.setattr(user_service, "hash_password", lambda *a, **k: made.append(a) or "x")
    checked = []
    real_verify = user_service.verify_password
    monkeypatch.setattr(user_service, "verify_password",
                        lambda pw, stored: checked.append(stored) or real_verify(pw, stored))
    with pytest.raises(InvalidInput):
        services.authenticate("nobody", "some-password", now=NOW)
    assert made == []
    assert checked[0].startswith(f"scrypt$n={user_service.SCRYPT_N},r=8,p=1$")
