"""Each booking carries its slot's business, so finding a booking of one
business by name, email or phone walks that business's own index range
instead of every business's matches (a slot never changes business, and a
booking never moves to another business's slot)."""
from peewee import PostgresqlDatabase

_KEYS = ("name_key", "surname_key", "email_key", "phone_key")


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    # NOT NULL needs a default to add the column to existing rows; the real
    # value is filled in at once, and PostgreSQL then drops the default.
    db.execute_sql("ALTER TABLE booking ADD COLUMN business_id INTEGER NOT NULL DEFAULT 0")
    db.execute_sql("UPDATE booking SET business_id = (SELECT business_id FROM time_slot "
                   "WHERE time_slot.id = booking.time_slot_id)")
    if postgres:
        db.execute_sql("ALTER TABLE booking ALTER COLUMN business_id DROP DEFAULT")
    collate = ' COLLATE "C"' if postgres else ""
    for key in _KEYS:
        db.execute_sql(f"CREATE INDEX booking_business_{key} ON booking "
                       f"(business_id, {key}{collate})")


def down(migrator, db):
    for key in _KEYS:
        db.execute_sql(f"DROP INDEX booking_business_{key}")
    db.execute_sql("ALTER TABLE booking DROP COLUMN business_id")
