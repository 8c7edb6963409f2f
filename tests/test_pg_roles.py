"""The two-role set-up on PostgreSQL: the role that runs the migrations owns
the schema; desks connect with a role given only what a desk needs
(`main.py migrate --grant ROLE`). Such a desk books, cancels and checks, but
cannot rewrite the audit log, switch its triggers off, drop anything or
migrate; and when the schema is behind it says who must upgrade it."""
import uuid
from datetime import date
from urllib.parse import urlsplit, urlunsplit

import pytest

from booking_desktop import db, services
from booking_desktop.errors import DatabaseNotUsable, InvalidInput
from booking_desktop.models import Booking
from booking_desktop.services.integrity import check_audit_chain
from tests.conftest import NOW, PG_URL, _with_search_path

UPGRADE = ("The database needs an upgrade; ask whoever manages the server to run "
           "`main.py migrate`.")


def _admin():
    import psycopg

    return psycopg.connect(PG_URL, autocommit=True)


def _as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


@pytest.fixture
def desk(pg_schema_url):
    """A login role of its own (no password: the test server trusts 127.0.0.1),
    with the URL the migration role (postgres) and the desk each use."""
    role = f"desk_{uuid.uuid4().hex[:12]}"
    schema = pg_schema_url.rsplit("search_path%3D", 1)[-1]
    with _admin() as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
    try:
        yield role, pg_schema_url, _with_search_path(_as_role(PG_URL, role), schema)
    finally:
        db.close()
        with _admin() as admin:
            admin.execute(f'REASSIGN OWNED BY "{role}" TO CURRENT_USER')
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def _refused(desk_url: str, statement: str) -> str:
    """Run `statement` on a connection of the desk's role; the SQLSTATE it failed with."""
    import psycopg

    schema = desk_url.rsplit("search_path%3D", 1)[-1]
    url = desk_url.split("?", 1)[0]
    with psycopg.connect(url, autocommit=True, options=f"-csearch_path={schema}") as conn:
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            return exc.sqlstate
    return "it was allowed"


def test_a_desk_role_works_and_cannot_rewrite_the_audit_log(desk, run):
    role, owner_url, desk_url = desk
    code, out, err = run("migrate", "--grant", role, "--db", owner_url)
    assert (code, err) == (0, "")
    assert f"Granted {role}" in out

    # The desk's own work, on a schema it did not make and cannot change.
    db.connect(desk_url)
    shop = services.create_business("Salon", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    services.generate_time_slots(shop, date(2030, 3, 4), date(2030, 3, 4), now=NOW)
    owner = services.create_user("olga", "owner-password", role="owner")
    slot = services.available_slots(shop, date(2030, 3, 4), now=NOW)[0]
    booking = services.create_booking(slot, "Ana", "ana@example.com", by=owner, now=NOW)
    services.cancel_booking(booking, "ill", by=owner, now=NOW)
    assert services.check_integrity() == []
    assert check_audit_chain().intact
    db.close()
    assert run("check", "--db", desk_url)[:2] == (0, "No problems found.\n")

    for statement in ("TRUNCATE audit_event",
                      "UPDATE audit_event SET details = '{}'",
                      "DELETE FROM audit_event",
                      "ALTER TABLE audit_event DISABLE TRIGGER USER",
                      "DROP TRIGGER audit_event_append_only ON audit_event",
                      "DROP TABLE booking",
                      "DROP FUNCTION audit_event_chain_head()",
                      "INSERT INTO schema_migration (name, applied) VALUES ('9999_x', now())",
                      "DELETE FROM schema_migration",
                      "CREATE TABLE mine (id int)",
                      "ALTER TABLE booking ADD COLUMN x int"):
        assert _refused(desk_url, statement) == "42501", statement
    db.connect(owner_url)
    assert [b.status for b in Booking.select()] == ["cancelled"]
    assert check_audit_chain().intact and check_audit_chain().events == 6


def test_a_desk_role_counts_refusals_records_backups_and_reads_the_health(desk, run, tmp_path):
    """The Health window's data on a desk's role: the refusal counter is
    upserted (INSERT and UPDATE), a backup's audit event appended."""
    from booking_desktop.errors import SlotFull
    from booking_desktop.services import health

    role, owner_url, desk_url = desk
    assert run("migrate", "--grant", role, "--db", owner_url)[0] == 0
    db.connect(desk_url)
    shop = services.create_business("Salon", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    services.generate_time_slots(shop, date(2030, 3, 4), date(2030, 3, 4), now=NOW)
    owner = services.create_user("olga", "owner-password", role="owner")
    slot = services.available_slots(shop, date(2030, 3, 4), now=NOW)[0]
    services.create_booking(slot, "Ana", by=owner, now=NOW)
    for name in ("Ben", "Cem"):
        with pytest.raises(SlotFull):
            services.create_booking(slot, name, by=owner, now=NOW)
    services.backup_database(tmp_path / "backup.json", by=owner, now=NOW)
    report = health.health_report(by=owner, now=NOW)
    assert [(row.business, row.of("full")) for row in report.refusals] == [("Salon", 2)]
    assert (report.backup.at, report.backup.by, report.backup.due) == (NOW, "olga", False)
    assert health.integrity_report(by=owner, now=NOW).ok


def test_a_desk_role_does_not_migrate_a_schema_that_is_behind(desk, run):
    role, owner_url, desk_url = desk
    db.connect(owner_url, migrate=False)
    db.migrate_to("0010_audit_no_replace_or_truncate")
    db.grant_desk_role(role)
    db.close()

    with pytest.raises(DatabaseNotUsable) as raised:
        db.connect(desk_url)
    assert str(raised.value) == UPGRADE
    assert run("check", "--db", desk_url)[:3] == (1, "", f"error: {UPGRADE}\n")
    code, _, err = run("migrate", "--db", desk_url)
    assert code == 1 and f"{role} may not change the schema" in err

    db.connect(owner_url, migrate=False)
    status = db.migration_runner().status()
    # the desk migrated nothing: the schema stops where the owner left it
    assert [m.name for m in status if m.applied][-1] == "0010_audit_no_replace_or_truncate"
    assert [m.name for m in status if not m.applied][0] == "0011_audit_chain"


def test_a_desk_role_without_rights_is_told_to_ask_for_them(desk, run):
    role, owner_url, desk_url = desk
    assert run("migrate", "--db", owner_url)[0] == 0
    code, out, err = run("check", "--db", desk_url)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: The role {role} has no rights on this database;") and \
        f"`main.py migrate --grant {role}`" in err


def test_grant_refuses_what_would_not_be_a_desk_role(desk, run):
    role, owner_url, _ = desk
    db.connect(owner_url)
    with pytest.raises(InvalidInput, match="There is no role 'nobody_here_x'"):
        db.grant_desk_role("nobody_here_x")
    with pytest.raises(InvalidInput, match="postgres owns the schema or is a superuser"):
        db.grant_desk_role("postgres")
    db.close()
    code, _, err = run("migrate", "--grant", "postgres", "--db", owner_url)
    assert code == 1 and err.startswith("error: postgres ")


def test_grant_is_for_postgresql_only(run, sqlite_url):
    code, out, err = run("migrate", "--grant", "desk", "--db", sqlite_url)
    assert (code, out) == (1, "")
    assert err == ("error: Roles exist only on PostgreSQL; an SQLite database is protected by "
                   "its file's permissions.\n")
