"""Close the two ways around the append-only audit log (0002): on SQLite
`INSERT OR REPLACE` / `REPLACE INTO` with an existing id deletes the old row
without firing the DELETE trigger; on PostgreSQL `TRUNCATE` fires no row
trigger. Both are refused now."""
from peewee import PostgresqlDatabase

_MESSAGE = "audit events are append-only"


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        # The function of 0002 raises whatever fired it.
        db.execute_sql(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()")
    else:
        # BEFORE INSERT runs before the REPLACE conflict resolution deletes anything.
        db.execute_sql(
            "CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON audit_event "
            "WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit_event WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER audit_event_no_truncate ON audit_event")
    else:
        db.execute_sql("DROP TRIGGER audit_event_no_replace")
