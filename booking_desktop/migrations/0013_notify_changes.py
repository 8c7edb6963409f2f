"""PostgreSQL tells every listening desk when a change commits: each
statement that writes audit events (every mutation writes one, in its own
transaction) sends a NOTIFY on the channel `booking_desktop:<schema>`.
NOTIFY is delivered at commit and not at all on rollback, and identical
notifications of one transaction arrive once. SQLite desks keep polling
`PRAGMA data_version` (nothing to do here)."""
from peewee import PostgresqlDatabase


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(
        "CREATE FUNCTION booking_desktop_notify() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('booking_desktop:' || current_schema(), 'changed'); "
        "RETURN NULL; END $$")
    db.execute_sql(
        "CREATE TRIGGER audit_event_notify AFTER INSERT ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION booking_desktop_notify()")


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("DROP TRIGGER audit_event_notify ON audit_event")
    db.execute_sql("DROP FUNCTION booking_desktop_notify()")
