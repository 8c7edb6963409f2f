"""The data model. The schema itself is owned by `migrations/`; these classes
must agree with what the newest migration creates.

All instants are stored in UTC (`UTCDateTimeField`) and come back as aware
datetimes; dates and times of day (hours, exceptions) are the business's local
ones.
"""
from datetime import datetime

from peewee import (
    SQL,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    SmallIntegerField,
    TextField,
    TimeField,
)

from .clock import UTC, utcnow

database = DatabaseProxy()

BOOKING_STATUSES = ("pending", "confirmed", "cancelled", "completed", "no_show")
ACTIVE_STATUSES = ("pending", "confirmed")
# The same list written into the SQL, not bound as parameters: only then can
# SQLite's planner use the partial indexes whose WHERE is this very list.
ACTIVE_STATUSES_SQL = SQL("('pending', 'confirmed')")
BOOKING_SOURCES = ("walk_in", "phone", "online", "other")
USER_ROLES = ("owner", "staff")


class UTCDateTimeField(DateTimeField):
    """An instant: aware datetime in Python, UTC without offset in the database.

    SQLite keeps it as fixed-width text (`YYYY-MM-DD HH:MM:SS.ffffff`) so that
    text comparison is time order; PostgreSQL keeps a `timestamp`.
    """

    def db_value(self, value):
        if value is None or not isinstance(value, datetime):
            return value  # SQL expressions and NULL pass through
        if value.tzinfo is None or value.utcoffset() is None:
            raise TypeError(f"{self.name}: naive datetime {value!r}; pass an aware one")
        value = value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(self.model._meta.database.obj, PostgresqlDatabase):
            return value
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def python_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class User(BaseModel):
    username = CharField(max_length=64, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, default="staff")
    active = BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
    # A staff account an owner has allowed to export customers' details
    # (exports, reports); owners always may. Migration 0012.
    can_export = BooleanField(default=False)

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


class Business(BaseModel):
    name = CharField(max_length=120, unique=True)
    timezone = CharField(max_length=64)
    phone = CharField(max_length=40, null=True)
    email = CharField(max_length=254, null=True)
    address = TextField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    # Customers with no booking for this many months are erased by
    # `main.py maintain` (services.customer_rights); None keeps them (0018).
    erase_customers_after_months = IntegerField(null=True)


class BusinessHours(BaseModel):
    business = ForeignKeyField(Business, backref="hours", on_delete="CASCADE")
    weekday = SmallIntegerField()  # 0 = Monday ... 6 = Sunday
    open_time = TimeField()
    close_time = TimeField()


class HoursException(BaseModel):
    """Overrides the weekly hours on one local date: closed, or special intervals.

    `intervals` holds "HH:MM-HH:MM" pieces joined by ";" (empty when closed).
    """

    business = ForeignKeyField(Business, backref="exceptions", on_delete="CASCADE")
    date = DateField()
    closed = BooleanField(default=True)
    intervals = TextField(default="")
    note = CharField(max_length=200, default="")


class TimeSlot(BaseModel):
    business = ForeignKeyField(Business, backref="slots", on_delete="CASCADE")
    start = UTCDateTimeField()
    end = UTCDateTimeField()
    max_capacity = IntegerField(default=1)
    current_bookings = IntegerField(default=0)
    is_blocked = BooleanField(default=False)
    block_reason = CharField(max_length=500, default="")
    # "" while the slot lies inside the opening hours; otherwise why it does
    # not ("Closed: Public holiday"): it then takes no new booking. Kept up to
    # date by every change of the hours (services.hours), migration 0008.
    closed_reason = CharField(max_length=200, default="")

    @property
    def is_full(self) -> bool:
        return self.current_bookings >= self.max_capacity


class Customer(BaseModel):
    """A person a business knows (issue 12, migration 0017): one record per
    business, so each business's customers, history and notes are its own.
    Bookings refer to it (`Booking.customer`, backref `bookings`) and keep
    their own copy of the contact details as they were when booked.

    The keys are those of a booking (booking_desktop.keys): a new booking's
    customer is found by the email key or the phone digits; prefix search
    reads the keys, fragment search `search_text` and `search_phones`."""

    business = ForeignKeyField(Business, backref="customers", column_name="business_id")
    name = CharField(max_length=200)
    email = CharField(max_length=254, null=True)
    phone = CharField(max_length=40, null=True)
    name_key = CharField(max_length=200)
    surname_key = CharField(max_length=200)
    email_key = CharField(max_length=254, null=True)
    phone_key = CharField(max_length=40, null=True)
    notes = TextField(default="")
    # Agreed to be contacted (reminders, offers); never assumed.
    contact_ok = BooleanField(default=False)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    # What search by fragment reads (keys.with_terms): every name and email
    # (folded) and every phone (digits) of the record and of its bookings,
    # one a line; the trigram index covers these two columns.
    search_text = TextField(default="")
    search_phones = TextField(default="")


class Booking(BaseModel):
    reference = CharField(max_length=16, unique=True)
    time_slot = ForeignKeyField(TimeSlot, backref="bookings", on_delete="RESTRICT")
    # The slot's business, kept with the booking for per-business search
    # (migration 0006); set by create_booking, never changed.
    business = ForeignKeyField(Business, backref="+", column_name="business_id")
    customer_name = CharField(max_length=200)
    customer_email = CharField(max_length=254, null=True)
    customer_phone = CharField(max_length=40, null=True)
    # Normalised keys (booking_desktop.keys): the folded name (and from its last word) for prefix
    # search, lower-cased email and the phone's digits for the one-active-booking-per-customer indexes.
    name_key = CharField(max_length=200)
    surname_key = CharField(max_length=200)
    email_key = CharField(max_length=254, null=True)
    phone_key = CharField(max_length=40, null=True)
    status = CharField(max_length=16, default="confirmed")
    source = CharField(max_length=16, default="walk_in")
    notes = TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    checked_in_at = UTCDateTimeField(null=True)
    cancelled_at = UTCDateTimeField(null=True)
    cancel_reason = CharField(max_length=500, default="")
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    # Who the booking is for (migration 0017): set by create_booking, moved by
    # merge_customers; a customer of the booking's own business.
    customer = ForeignKeyField(Customer, null=True, backref="bookings", column_name="customer_id")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AuditEvent(BaseModel):
    """Append-only (triggers refuse UPDATE and DELETE), and chained: `hash` is
    the SHA-256 of the event and of `prev_hash`, the hash of the event before
    it (booking_desktop.audit_chain)."""

    at = UTCDateTimeField(default=utcnow)
    user = ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    action = CharField(max_length=64)
    entity = CharField(max_length=64)
    entity_id = IntegerField(null=True)
    details = TextField(default="{}")
    prev_hash = CharField(max_length=64, null=True)
    hash = CharField(max_length=64, null=True)


# Every table of the data, in an order that inserts each row after the rows
# it refers to (backup, restore, move).
ALL_MODELS = (User, Business, BusinessHours, HoursException, TimeSlot, Customer, Booking,
              AuditEvent)


class SignInThrottle(BaseModel):
    """Wrong passwords in a row for a username (known or not), and until when
    the next attempt must wait (migration 0009)."""

    username = CharField(max_length=64, primary_key=True)
    failures = IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    last_failure_at = UTCDateTimeField(null=True)


REFUSAL_REASONS = ("full", "past", "duplicate", "closed", "blocked")


class BookingRefusal(BaseModel):
    """Bookings the rules refused, counted per UTC day, business and reason
    (migration 0016); written after the refused transaction (services._tx),
    read by the Health window. Not the business's data: backups skip it."""

    day = DateField()
    business = ForeignKeyField(Business, backref="+", on_delete="CASCADE",
                               column_name="business_id")
    reason = CharField(max_length=16)
    refusals = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("day", "business", "reason")
