"""Accounts leave the services without their password hashes, and customers'
details leave the database in bulk (exports, reports) only for owners and
for staff an owner has allowed to export (issue 10). Both backends."""
from datetime import date, datetime, timezone

import pytest

from booking_desktop import services
from booking_desktop.errors import InvalidInput, NotFound, PermissionDenied
from booking_desktop.services import exports
from booking_desktop.services.desk import BookingFilter
from booking_desktop.services.reports import booking_report
from tests.helpers import details, last_audit, snapshot

MON = date(2030, 3, 4)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)
REFUSED = "Only an owner, or staff an owner has allowed to export, can export customers' details."


def assert_no_hash(account) -> None:
    assert getattr(account, "password_hash", None) is None
    assert "scrypt$" not in repr(account)


@pytest.fixture
def booked(business):
    services.generate_time_slots(business, MON, MON, slot_duration_minutes=60, now=EARLY)
    slot = services.slots_between(business, MON)[0]
    services.create_booking(slot, "Anna Smith", "anna@example.com", "+49 30 555 0101", now=EARLY)
    return business


def test_services_return_accounts_without_password_hashes(database, owner):
    made = services.create_user("sam", "staff-password", by=owner)
    assert_no_hash(owner)
    assert_no_hash(made)
    assert_no_hash(services.authenticate("sam", "staff-password"))
    users = services.list_users()
    assert [u.username for u in users] == ["olga", "sam"]
    for account in users:
        assert_no_hash(account)
    assert_no_hash(services.get_user("sam"))
    assert_no_hash(services.set_user_active("sam", False, by=owner))
    assert_no_hash(services.set_user_active("sam", True, by=owner))
    assert_no_hash(services.set_user_can_export("sam", True, by=owner))
    signed_in = services.authenticate("sam", "staff-password")
    assert (signed_in.id, signed_in.username, signed_in.role, signed_in.active,
            signed_in.can_export) == (made.id, "sam", "staff", True, True)


def test_an_account_without_hash_still_acts_and_is_checked_by_id(database, owner, staff, booked):
    """The desk passes the account back as `by=`: audit events name it, and
    a staff account is still refused owner work."""
    services.set_user_active("sam", False, by=owner)
    assert last_audit("user.disable").user_id == owner.id
    services.set_user_active("sam", True, by=owner)
    with pytest.raises(PermissionDenied):
        services.create_user("kim", "staff-password", by=staff)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ics"])
def test_staff_without_the_right_cannot_export(database, owner, staff, booked, tmp_path, fmt):
    before = snapshot()
    target = tmp_path / f"out.{fmt}"
    with pytest.raises(PermissionDenied) as refused:
        exports.export_bookings(fmt, target, BookingFilter(booked.id, MON, MON), by=staff)
    assert str(refused.value) == REFUSED
    assert not any(p.name.startswith("out") for p in tmp_path.iterdir())  # no temporary either
    assert snapshot() == before


def test_staff_without_the_right_gets_no_rows_and_no_report(database, owner, staff, booked,
                                                            tmp_path):
    flt = BookingFilter(booked.id, MON, MON)
    with pytest.raises(PermissionDenied, match="allowed to export"):
        list(exports.iter_rows(flt, by=staff))
    with pytest.raises(PermissionDenied, match="allowed to export"):
        booking_report(booked, MON, MON, by=staff)
    for writer in (exports.export_csv, exports.export_xlsx, exports.export_ics):
        with pytest.raises(PermissionDenied):
            writer(tmp_path / "x.out", flt, by=staff)
    assert not (tmp_path / "x.out").exists()


def test_owner_and_the_command_line_may_export(database, owner, booked, tmp_path):
    flt = BookingFilter(booked.id, MON, MON)
    assert exports.export_bookings("csv", tmp_path / "owner.csv", flt, by=owner) == 1
    assert exports.export_bookings("csv", tmp_path / "cli.csv", flt) == 1  # by=None
    assert booking_report(booked, MON, MON, by=owner).total == 1
    assert services.may_export(owner) and services.may_export(None)


def test_the_owner_grants_and_withdraws_the_right(database, owner, staff, booked, tmp_path):
    flt = BookingFilter(booked.id, MON, MON)
    assert not services.may_export(staff)
    account = services.set_user_can_export("sam", True, by=owner)
    assert account.can_export and services.get_user("sam").can_export
    event = last_audit("user.allow_export")
    assert (event.user_id, event.entity_id, details(event)) == (
        owner.id, staff.id, {"username": "sam"})
    # The account the desk holds is checked against the database by its id.
    assert services.may_export(staff)
    assert exports.export_bookings("xlsx", tmp_path / "granted.xlsx", flt, by=staff) == 1
    rows = list(exports.iter_rows(flt, by=staff))
    assert rows[0][exports.EMAIL] == "anna@example.com"
    assert booking_report(booked, MON, MON, by=staff).total == 1

    services.set_user_can_export("sam", False, by=owner)
    assert last_audit("user.deny_export").entity_id == staff.id
    with pytest.raises(PermissionDenied, match="allowed to export"):
        exports.export_bookings("csv", tmp_path / "withdrawn.csv", flt, by=staff)
    assert not (tmp_path / "withdrawn.csv").exists()


def test_a_disabled_account_with_the_right_cannot_export(database, owner, staff, booked,
                                                         tmp_path):
    services.set_user_can_export("sam", True, by=owner)
    services.set_user_active("sam", False, by=owner)
    with pytest.raises(PermissionDenied, match="disabled"):
        exports.export_bookings("csv", tmp_path / "x.csv", BookingFilter(booked.id), by=staff)
    assert not services.may_export(staff)


def test_only_an_owner_grants_the_right(database, owner, staff):
    before = snapshot()
    with pytest.raises(PermissionDenied, match="Only an owner"):
        services.set_user_can_export("sam", True, by=staff)
    with pytest.raises(NotFound, match="ghost"):
        services.set_user_can_export("ghost", True, by=owner)
    with pytest.raises(InvalidInput, match="owners can always export"):
        services.set_user_can_export("olga", False, by=owner)
    with pytest.raises(InvalidInput):
        services.set_user_can_export("sam", "yes", by=owner)
    assert snapshot() == before
