"""Refused bookings counted per day, business and reason, for the owner's
Health window ("refused bookings by reason for the last 7 days").

One row per (UTC day, business, reason) holds a counter: a refusal adds one
with a single INSERT ... ON CONFLICT DO UPDATE, written after the refused
transaction has rolled back (services._tx), so the table grows by at most
five rows a business a day, however busy the desk. Reasons: full, past,
duplicate, closed (outside the opening hours), blocked.

Like the failed sign-in counters (0009) this is the desk's own state, not
the business's data: backups and `move-to` do not copy it.

(The customers' migration was written at the same time and may have
wanted this number; whichever comes first, neither touches the other's
tables.)
"""
from peewee import (
    Check,
    CharField,
    CompositeKey,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
)

REASONS = ("full", "past", "duplicate", "closed", "blocked")


def _models(db):
    class Business(Model):
        class Meta:
            database = db
            table_name = "business"

    class BookingRefusal(Model):
        day = DateField()
        business = ForeignKeyField(Business, on_delete="CASCADE", column_name="business_id")
        reason = CharField(max_length=16, constraints=[
            Check("reason IN (" + ", ".join(f"'{r}'" for r in REASONS) + ")")])
        refusals = IntegerField(default=0, constraints=[Check("refusals >= 0")])

        class Meta:
            database = db
            table_name = "booking_refusal"
            primary_key = CompositeKey("day", "business", "reason")

    return BookingRefusal


def up(migrator, db):
    db.create_tables([_models(db)], safe=False)


def down(migrator, db):
    db.drop_tables([_models(db)], safe=False)
