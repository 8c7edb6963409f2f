"""An index on booking (business_id, created_at): when each business's
bookings were made.

- Reports by the date booked ("how many bookings did we take this week")
  read one range of it per business instead of every booking.
- Exports find a business's earliest booking instantly: SQLite's local time
  of "Booked at" needs the offsets from then on (services.exports).
"""


def up(migrator, db):
    db.execute_sql("CREATE INDEX booking_business_made ON booking (business_id, created_at)")


def down(migrator, db):
    db.execute_sql("DROP INDEX booking_business_made")
