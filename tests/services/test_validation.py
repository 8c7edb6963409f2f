"""What people type: every bad input is refused with a clear InvalidInput
naming the field, and leaves the database exactly as it was; odd but valid
input (SQL-looking text, any script, emoji, several lines of notes) is
stored verbatim. Both backends."""
import uuid
from datetime import date, time
from types import SimpleNamespace

import psycopg
import pytest

from booking_desktop import db, services
from booking_desktop.errors import BookingError, InvalidInput
from booking_desktop.models import Booking, Business
from booking_desktop.services import desk as desk_service
from booking_desktop.services import users as user_service
from tests.conftest import NOW, PG_SKIP_REASON, PG_URL, _with_search_path
from tests.helpers import MONDAY, day_slots, reload, snapshot, sql


def _desk(owner, business, now):
    slots = day_slots(business, now=now, capacity=3)
    booking = services.create_booking(slots[0], "Ana", "ana@example.com", now=now)
    return SimpleNamespace(business=business, owner=owner, slot=slots[1], booking=booking,
                           now=now)


@pytest.fixture
def desk(database, business, owner, now):
    """A fresh database with one day of slots and one booking."""
    return _desk(owner, business, now)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_desk(request, tmp_path_factory):
    """The same, shared by every bad-input case of one backend: each case
    asserts that it leaves the database exactly as it found it."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('bad-inputs') / 'booking.db'}"
    else:
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        url = _with_search_path(PG_URL, schema)
    handle = db.connect(url)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(user_service, "SCRYPT_N", 2**10)
            owner = services.create_user("olga", "owner-password", role="owner")
        business = services.create_business("Salon Berlin", "Europe/Berlin")
        services.create_recurring_business_hours(business, "weekday_9to5")
        yield handle, _desk(owner, business, NOW)
    finally:
        db.close(handle)
        if schema is not None:
            with psycopg.connect(PG_URL, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def book(**kwargs):
    def run(d):
        args = {"customer_name": "Valid Name", "now": d.now, **kwargs}
        return services.create_booking(d.slot, **args)
    return run


def generate(start=MONDAY, end=MONDAY, **kwargs):
    return lambda d: services.generate_time_slots(d.business, start, end, by=d.owner, now=d.now,
                                                  **kwargs)


def hours(week):
    return lambda d: services.set_weekly_hours(d.business, week, by=d.owner)


NINE_TO_FIVE = [("09:00", "17:00")]

# id, operation, error, field, words the message must contain
BAD_INPUTS = [
    ("name-empty", book(customer_name=""), InvalidInput, "customer_name", "name is required"),
    ("name-none", book(customer_name=None), InvalidInput, "customer_name", "name is required"),
    ("name-whitespace-only", book(customer_name=" \t\u00a0  "), InvalidInput, "customer_name",
     "control characters"),
    ("name-spaces-only", book(customer_name="     "), InvalidInput, "customer_name",
     "name is required"),
    ("name-10000-chars", book(customer_name="x" * 10_000), InvalidInput, "customer_name",
     "too long (10000 characters; at most 200)"),
    ("name-201-chars", book(customer_name="y" * 201), InvalidInput, "customer_name", "too long"),
    ("name-not-text", book(customer_name=42), InvalidInput, "customer_name", "must be text"),
    ("name-nul", book(customer_name="Ana\x00Smith"), InvalidInput, "customer_name",
     "control characters"),
    ("name-bell", book(customer_name="Ana\x07"), InvalidInput, "customer_name",
     "control characters"),
    ("name-newline", book(customer_name="Ana\nSmith"), InvalidInput, "customer_name",
     "control characters"),
    ("name-escape", book(customer_name="\x1b[31mAna"), InvalidInput, "customer_name",
     "control characters"),
    # Bidirectional controls reorder what the desk reads ("Anna" could show as another name).
    ("name-bidi-override", book(customer_name="Anna \u202eztimhcS"), InvalidInput,
     "customer_name", "control characters"),
    ("name-bidi-embedding", book(customer_name="\u202aAnna\u202c"), InvalidInput,
     "customer_name", "control characters"),
    ("name-bidi-isolate", book(customer_name="Anna \u2066Schmidt\u2069"), InvalidInput,
     "customer_name", "control characters"),
    ("email-bidi", book(customer_email="ana\u202d@example.com"), InvalidInput,
     "customer_email", "control characters"),
    ("phone-bidi", book(customer_phone="\u2067+49 30 1234567"), InvalidInput,
     "customer_phone", "control characters"),
    ("notes-bidi", book(notes="gate code \u2068 1234"), InvalidInput, "notes",
     "control characters"),
    ("edit-name-bidi", lambda d: desk_service.update_booking_details(
        d.booking, customer_name="Ana \u202bSmith"), InvalidInput, "customer_name",
     "control characters"),
    ("email-nul", book(customer_email="ana\x00@example.com"), InvalidInput, "customer_email",
     "control characters"),
    ("email-no-at", book(customer_email="ana.example.com"), InvalidInput, "customer_email",
     "does not look like name@example.com"),
    ("email-no-domain-dot", book(customer_email="ana@example"), InvalidInput, "customer_email",
     "does not look like"),
    ("email-two-ats", book(customer_email="ana@@example.com"), InvalidInput, "customer_email",
     "does not look like"),
    ("email-space", book(customer_email="ana smith@example.com"), InvalidInput,
     "customer_email", "does not look like"),
    ("email-no-local-part", book(customer_email="@example.com"), InvalidInput, "customer_email",
     "does not look like"),
    ("email-double-dot", book(customer_email="ana@example..com"), InvalidInput,
     "customer_email", "does not look like"),
    ("email-trailing-dot", book(customer_email="ana@example.com."), InvalidInput,
     "customer_email", "does not look like"),
    ("phone-control", book(customer_phone="+49\x0830 123"), InvalidInput, "customer_phone",
     "control characters"),
    ("phone-nul", book(customer_phone="030\x00123456"), InvalidInput, "customer_phone",
     "control characters"),
    ("phone-letters", book(customer_phone="call me maybe"), InvalidInput, "customer_phone",
     "is not a phone number"),
    ("phone-too-few-digits", book(customer_phone="12"), InvalidInput, "customer_phone",
     "is not a phone number"),
    ("phone-too-many-digits", book(customer_phone="1" * 21), InvalidInput, "customer_phone",
     "is not a phone number"),
    ("phone-double-plus", book(customer_phone="++49 30 1234"), InvalidInput, "customer_phone",
     "is not a phone number"),
    ("phone-sql", book(customer_phone="0'; DROP TABLE booking;--"), InvalidInput,
     "customer_phone", "is not a phone number"),
    ("notes-too-long", book(notes="n" * 4001), InvalidInput, "notes", "at most 4000"),
    ("notes-nul", book(notes="line one\n\x00"), InvalidInput, "notes", "control characters"),
    ("status-unknown", book(status="archived"), InvalidInput, "status", "must be one of"),
    ("status-cancelled-for-new", book(status="cancelled"), InvalidInput, "status",
     "must be one of: pending, confirmed"),
    ("source-unknown", book(source="fax"), InvalidInput, "source",
     "must be one of: walk_in, phone, online, other"),
    ("reference-bad-format", book(reference="K7M4QX9"), InvalidInput, "reference",
     "is not a booking reference like K7M-4QX"),
    ("reference-sql", book(reference="'; --"), InvalidInput, "reference",
     "is not a booking reference"),
    ("find-reference-bad-format", lambda d: services.find_booking("K7M_4QX"), InvalidInput,
     "reference", "is not a booking reference"),
    ("end-before-start", generate(date(2030, 3, 5), date(2030, 3, 4)), InvalidInput, "end_date",
     "end date 2030-03-04 is before the start date 2030-03-05"),
    ("date-year-1900", generate(date(1900, 3, 5), date(1900, 3, 6)), InvalidInput, "start_date",
     "out of range"),
    ("date-year-9999", generate(MONDAY, date(9999, 12, 31)), InvalidInput, "end_date",
     "out of range"),
    ("date-not-a-date", generate("2030-02-30", "2030-03-01"), InvalidInput, "start_date",
     "is not a date"),
    ("range-too-long", generate(date(2030, 1, 1), date(2032, 12, 31)), InvalidInput, "end_date",
     "too long"),
    ("capacity-zero", generate(max_capacity=0), InvalidInput, "max_capacity",
     "between 1 and 1000"),
    ("capacity-negative", generate(max_capacity=-3), InvalidInput, "max_capacity",
     "between 1 and 1000"),
    ("capacity-bool", generate(max_capacity=True), InvalidInput, "max_capacity",
     "must be a whole number"),
    ("capacity-str", generate(max_capacity="5"), InvalidInput, "max_capacity",
     "must be a whole number"),
    ("capacity-float", generate(max_capacity=2.0), InvalidInput, "max_capacity",
     "must be a whole number"),
    ("slot-duration-zero", generate(slot_duration_minutes=0), InvalidInput,
     "slot_duration_minutes", "between 5 and 720"),
    ("buffer-negative", generate(buffer_minutes=-5), InvalidInput, "buffer_minutes",
     "between 0 and 240"),
    ("hours-overlapping", hours({0: [("09:00", "13:00"), ("12:00", "17:00")]}), InvalidInput,
     "hours", "intervals overlap (12:00 is before 13:00)"),
    ("hours-open-after-close", hours({0: [("17:00", "09:00")]}), InvalidInput, "hours",
     "opening 17:00 must be before closing 09:00"),
    ("hours-open-equals-close", hours({1: [(time(9), time(9))]}), InvalidInput, "hours",
     "must be before closing"),
    ("hours-weekday-7", hours({7: NINE_TO_FIVE}), InvalidInput, "hours", "7 is not a weekday"),
    ("hours-weekday-negative", hours({-1: NINE_TO_FIVE}), InvalidInput, "hours",
     "is not a weekday"),
    ("hours-weekday-bool", hours({True: NINE_TO_FIVE}), InvalidInput, "hours",
     "is not a weekday"),
    ("hours-bad-time", hours({0: [("09:00", "25:00")]}), InvalidInput, "hours",
     "is not a time"),
    ("hours-not-pairs", hours({0: ["09:00"]}), InvalidInput, "hours",
     "needs an opening and a closing time"),
    ("template-unknown", lambda d: services.create_recurring_business_hours(
        d.business, "always_open", by=d.owner), InvalidInput, "template", "must be one of"),
    ("exception-open-without-hours", lambda d: services.set_hours_exception(
        d.business, MONDAY, closed=False, by=d.owner), InvalidInput, "hours",
     "needs opening hours"),
    ("timezone-unknown", lambda d: services.create_business("Mars Base", "Mars/Olympus_Mons",
                                                            by=d.owner),
     InvalidInput, "timezone", "not a known time zone"),
    ("timezone-empty", lambda d: services.create_business("Nowhere", "", by=d.owner),
     InvalidInput, "timezone", "not a known time zone"),
    ("business-name-taken", lambda d: services.create_business("Salon Berlin", "Europe/Berlin",
                                                               by=d.owner),
     InvalidInput, "name", "already exists"),
    ("upcoming-limit-0", lambda d: services.upcoming_bookings(d.business, now=d.now, limit=0),
     InvalidInput, "limit", "between 1 and 1000"),
    ("upcoming-offset-negative", lambda d: services.upcoming_bookings(now=d.now, offset=-1),
     InvalidInput, "offset", "between 0"),
    ("search-limit-0", lambda d: services.search_bookings("ana", limit=0), InvalidInput, "limit",
     "between 1 and 1000"),
    ("username-with-space", lambda d: services.create_user("sam smith", "long-password",
                                                           by=d.owner),
     InvalidInput, "username", "cannot contain spaces"),
    ("password-short", lambda d: services.create_user("sam", "short", by=d.owner), InvalidInput,
     "password", "at least 8 characters"),
    ("role-unknown", lambda d: services.create_user("sam", "long-password", role="admin",
                                                    by=d.owner),
     InvalidInput, "role", "must be one of: owner, staff"),
    ("username-taken", lambda d: services.create_user("olga", "long-password", by=d.owner),
     InvalidInput, "username", "is taken"),
]


@pytest.mark.parametrize("operation, error, field, words", [b[1:] for b in BAD_INPUTS],
                         ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused_and_changes_nothing(shared_desk, operation, error, field, words):
    handle, desk = shared_desk
    db.bind(handle)
    before = snapshot()
    with pytest.raises(error) as refused:
        operation(desk)
    assert isinstance(refused.value, BookingError)
    assert words in refused.value.message
    assert refused.value.field == field
    assert snapshot() == before


SQL_NAME = "Robert'); DROP TABLE booking;--"
UNICODE_NAME = "Zoë Ñúñez-Øre 李小龍 👩‍⚕️"
NOTES = "Allergic to latex.\nPrefers the window seat;\r\n\tbring the forms -- signed."

ACCEPTED = [
    ("sql-name", {"customer_name": SQL_NAME}),
    ("sql-notes", {"customer_name": "Bobby", "notes": "x'); DELETE FROM time_slot; --"}),
    ("unicode-name", {"customer_name": UNICODE_NAME}),
    ("multiline-notes", {"customer_name": "Nora", "notes": NOTES}),
    ("apostrophe-email", {"customer_name": "Seán O'Brien", "customer_email": "o'brien@example.ie"}),
    ("plus-email-formatted-phone", {"customer_name": "Tess", "customer_email": "tess+desk@ex.co.uk",
                                    "customer_phone": "+49 (30) 123-4567"}),
    ("name-200-chars", {"customer_name": "L" * 200}),
    ("right-to-left-name", {"customer_name": "نور الهدى"}),
]


@pytest.mark.parametrize("fields", [a[1] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_odd_but_valid_input_is_stored_verbatim(desk, fields):
    counts = snapshot()["counts"]
    booking = services.create_booking(desk.slot, now=desk.now, **fields)
    stored = reload(booking)
    for name, value in fields.items():
        assert getattr(stored, name) == value
    after = snapshot()["counts"]
    assert after["booking"] == counts["booking"] + 1
    assert after["time_slot"] == counts["time_slot"]
    assert services.check_integrity() == []
    # Found again through search by what was typed.
    hits = services.search_bookings(fields["customer_name"][:12])
    assert booking.id in [b.id for b in hits]


def test_unicode_name_is_kept_exactly_and_searchable(desk):
    booking = services.create_booking(desk.slot, UNICODE_NAME, now=desk.now)
    stored = reload(booking)
    assert stored.customer_name == UNICODE_NAME
    assert stored.customer_name.encode("utf-8") == UNICODE_NAME.encode("utf-8")
    assert [b.id for b in services.search_bookings("ZOË ÑÚ")] == [booking.id]
    assert [b.id for b in services.search_bookings("👩‍⚕️")] == [booking.id]  # surname prefix


def test_sql_looking_text_does_nothing_but_get_stored(desk):
    booking = services.create_booking(desk.slot, SQL_NAME, notes="'; DROP TABLE time_slot; --",
                                      now=desk.now)
    services.create_business("Shop'); DROP TABLE business;--", "Europe/Berlin", by=desk.owner)
    assert reload(booking).customer_name == SQL_NAME
    assert [b.id for b in services.search_bookings("Robert'); DROP")] == [booking.id]
    assert Booking.select().count() == 2
    assert Business.select().where(Business.name == "Shop'); DROP TABLE business;--").count() == 1
    assert sql("SELECT COUNT(*) FROM time_slot").fetchone()[0] == 16
