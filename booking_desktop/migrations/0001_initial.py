"""Businesses, hours, slots, bookings, users and the audit log, with the
constraints that keep bookings sound in the database itself."""

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
    TimeField,
)


def _models(db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        username = CharField(max_length=64, unique=True)
        password_hash = CharField(max_length=255)
        role = CharField(max_length=16, default="staff",
                         constraints=[Check("role IN ('owner', 'staff')")])
        active = BooleanField(default=True)
        created_at = DateTimeField()

    class Business(Base):
        name = CharField(max_length=120, unique=True)
        timezone = CharField(max_length=64)
        phone = CharField(max_length=40, null=True)
        email = CharField(max_length=254, null=True)
        address = TextField(null=True)
        created_at = DateTimeField()

    class BusinessHours(Base):
        business = ForeignKeyField(Business, on_delete="CASCADE")
        weekday = SmallIntegerField(constraints=[Check("weekday BETWEEN 0 AND 6")])
        open_time = TimeField()
        close_time = TimeField()

        class Meta:
            constraints = [Check("open_time < close_time")]
            indexes = ((("business", "weekday", "open_time"), True),)

    class HoursException(Base):
        business = ForeignKeyField(Business, on_delete="CASCADE")
        date = DateField()
        closed = BooleanField(default=True)
        intervals = TextField(default="")
        note = CharField(max_length=200, default="")

        class Meta:
            indexes = ((("business", "date"), True),)

    class TimeSlot(Base):
        business = ForeignKeyField(Business, on_delete="CASCADE", index=False)
        start = DateTimeField()
        end = DateTimeField()
        max_capacity = IntegerField(default=1, constraints=[Check("max_capacity >= 1")])
        current_bookings = IntegerField(default=0)
        is_blocked = BooleanField(default=False)

        class Meta:
            constraints = [
                Check("current_bookings >= 0 AND current_bookings <= max_capacity"),
                Check('"end" > start'),
            ]
            # Unique, and the index behind "slots of a business between two instants".
            indexes = ((("business", "start"), True),)

    class Booking(Base):
        reference = CharField(max_length=16, unique=True)
        time_slot = ForeignKeyField(TimeSlot, on_delete="RESTRICT")
        customer_name = CharField(max_length=200)
        customer_email = CharField(max_length=254, null=True)
        customer_phone = CharField(max_length=40, null=True)
        name_key = CharField(max_length=200)
        surname_key = CharField(max_length=200)
        email_key = CharField(max_length=254, null=True)
        phone_key = CharField(max_length=40, null=True)
        status = CharField(max_length=16, default="confirmed", constraints=[Check(
            "status IN ('pending', 'confirmed', 'cancelled', 'completed', 'no_show')")])
        source = CharField(max_length=16, default="walk_in", constraints=[Check(
            "source IN ('walk_in', 'phone', 'online', 'other')")])
        notes = TextField(default="")
        created_at = DateTimeField()
        updated_at = DateTimeField()
        checked_in_at = DateTimeField(null=True)
        cancelled_at = DateTimeField(null=True)
        cancel_reason = CharField(max_length=500, default="")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            constraints = [Check("length(customer_name) > 0")]

    class AuditEvent(Base):
        at = DateTimeField()
        user = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        action = CharField(max_length=64)
        entity = CharField(max_length=64)
        entity_id = IntegerField(null=True)
        details = TextField(default="{}")

    return [User, Business, BusinessHours, HoursException, TimeSlot, Booking, AuditEvent]


# One active (pending or confirmed) booking per customer per slot, whoever writes.
_PARTIAL_UNIQUE = (
    "CREATE UNIQUE INDEX booking_one_active_per_email ON booking (time_slot_id, email_key) "
    "WHERE status IN ('pending', 'confirmed') AND email_key IS NOT NULL",
    "CREATE UNIQUE INDEX booking_one_active_per_phone ON booking (time_slot_id, phone_key) "
    "WHERE status IN ('pending', 'confirmed') AND phone_key IS NOT NULL",
)


def up(migrator, db):
    db.create_tables(_models(db), safe=False)
    for statement in _PARTIAL_UNIQUE:
        db.execute_sql(statement)


def down(migrator, db):
    db.drop_tables(list(reversed(_models(db))), safe=False, cascade=False)
