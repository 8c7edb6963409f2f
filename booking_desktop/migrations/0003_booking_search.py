"""Indexes behind finding a booking by name prefix, email, phone and by time.

Name, email and phone prefixes are searched as a range on the normalised
keys; PostgreSQL compares them under the "C" collation so the range is byte
order whatever the database's locale.
"""
from peewee import PostgresqlDatabase

# Searched by prefix, as a range.
_NAME_COLUMNS = ("name_key", "surname_key", "email_key", "phone_key")
_INDEXES = {
    # Counting and listing the bookings that hold a place.
    "booking_active_slot": "booking (time_slot_id) WHERE status IN ('pending', 'confirmed')",
    "time_slot_start": "time_slot (start)",
}


def up(migrator, db):
    collate = ' COLLATE "C"' if isinstance(db, PostgresqlDatabase) else ""
    for column in _NAME_COLUMNS:
        db.execute_sql(f"CREATE INDEX booking_{column} ON booking ({column}{collate})")
    for name, target in _INDEXES.items():
        db.execute_sql(f"CREATE INDEX {name} ON {target}")


def down(migrator, db):
    for name in [*(f"booking_{c}" for c in _NAME_COLUMNS), *_INDEXES]:
        db.execute_sql(f"DROP INDEX {name}")
