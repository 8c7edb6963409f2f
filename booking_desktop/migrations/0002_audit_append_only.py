"""The audit log is append-only: the database refuses UPDATE and DELETE on it."""
from peewee import PostgresqlDatabase

_MESSAGE = "audit events are append-only"


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for op in ("update", "delete"):
            db.execute_sql(
                f"CREATE TRIGGER audit_event_no_{op} BEFORE {op.upper()} ON audit_event "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP TRIGGER audit_event_append_only ON audit_event")
        db.execute_sql("DROP FUNCTION audit_event_append_only()")
    else:
        for op in ("update", "delete"):
            db.execute_sql(f"DROP TRIGGER audit_event_no_{op}")
