"""The database itself keeps a booking's business equal to its slot's:
PostgreSQL through a composite foreign key, SQLite (which cannot add one to
an existing table) through triggers. check_integrity need not scan for it."""
from peewee import PostgresqlDatabase

_MESSAGE = "a booking belongs to the business of its time slot"
_SLOT_BUSINESS = "(SELECT business_id FROM time_slot WHERE id = NEW.time_slot_id)"


def up(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("CREATE UNIQUE INDEX time_slot_id_business ON time_slot (id, business_id)")
        db.execute_sql("ALTER TABLE booking ADD CONSTRAINT booking_business_matches_slot "
                       "FOREIGN KEY (time_slot_id, business_id) "
                       "REFERENCES time_slot (id, business_id)")
        return
    for when, event in (("insert", "INSERT"), ("update", "UPDATE OF business_id, time_slot_id")):
        db.execute_sql(
            f"CREATE TRIGGER booking_business_matches_slot_{when} BEFORE {event} ON booking "
            f"WHEN NEW.business_id IS NOT {_SLOT_BUSINESS} "
            f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END")


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("ALTER TABLE booking DROP CONSTRAINT booking_business_matches_slot")
        db.execute_sql("DROP INDEX time_slot_id_business")
        return
    for when in ("insert", "update"):
        db.execute_sql(f"DROP TRIGGER booking_business_matches_slot_{when}")
