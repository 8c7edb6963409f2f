"""Customers (issue 12, phase 1), on SQLite and PostgreSQL: the records the
migration makes from existing bookings, the customer a new booking finds or
makes, search by any fragment, history, edits, merges, likely duplicates
and who may do what."""
import json
from datetime import timedelta

import peewee
import pytest

from booking_desktop import db, models, services
from booking_desktop.errors import (
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    SlotFull,
)
from booking_desktop.models import AuditEvent, Booking, Customer, TimeSlot
from booking_desktop.services import desk, undo
from booking_desktop.services._tx import audit_details
from tests.helpers import MONDAY, audit_events, day_slots, last_audit, slot_dump, sql

BEFORE = "0016_booking_refusals"


def customer_of(booking) -> Customer:
    return Customer.get_by_id(Booking.get_by_id(booking.id).customer_id)


def names(rows) -> list[str]:
    return [row.name for row in rows]


@pytest.fixture
def slots(business, now):
    return day_slots(business, now=now, capacity=5)


@pytest.fixture
def other_business(database):
    shop = services.create_business("Salon Hamburg", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    return shop


# --- the migration: customers from the bookings already there ------------------

def old_booking(slot, name, email=None, phone=None, made=None):
    """A booking as a version before customers wrote it (schema 0016): name
    keys case-folded with their accents, no customer. Cancelled, so it holds
    no place."""
    full = " ".join(name.casefold().split())
    words = full.split(" ")
    surname = " ".join([words[-1], *words[:-1]]) if len(words) > 1 else full
    made = Booking.created_at.db_value(made or slot.start - timedelta(days=1))
    sql("INSERT INTO booking (reference, time_slot_id, business_id, customer_name, "
        "customer_email, customer_phone, name_key, surname_key, email_key, phone_key, status, "
        "source, notes, created_at, updated_at, cancel_reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'cancelled', 'phone', '', ?, ?, '')",
        services.new_reference(), slot.id, slot.business_id, name, email, phone, full, surname,
        email.lower() if email else None, services.validation.phone_digits(phone), made, made)
    return sql("SELECT MAX(id) FROM booking").fetchone()[0]


def customer_ids(*booking_ids) -> list[int]:
    return [sql("SELECT customer_id FROM booking WHERE id = ?", i).fetchone()[0]
            for i in booking_ids]


def test_the_migration_makes_customers_conservatively(database, business, other_business, now):
    slots = day_slots(business, now=now, capacity=5)
    elsewhere = day_slots(other_business, now=now, capacity=5)
    db.migrate_to(BEFORE)
    assert "customer_id" not in [c.name for c in database.get_columns("booking")]
    day = timedelta(days=1)
    # Same email, whatever its case and the name: one customer.
    a1 = old_booking(slots[0], "Anna Weber", "anna@example.com", made=now - 9 * day)
    a2 = old_booking(slots[1], "Anna W.", "ANNA@Example.com", made=now - 8 * day)
    # Same phone digits, written differently: one customer.
    p1 = old_booking(slots[2], "Piotr Nowak", phone="+48 601 234 567")
    p2 = old_booking(slots[3], "P. Nowak", phone="(48) 601-234-567")
    # The same name and nothing else in common: two people.
    n1 = old_booking(slots[4], "Maria Lopez")
    n2 = old_booking(slots[5], "Maria Lopez")
    n3 = old_booking(slots[6], "Maria Lopez", "maria@example.com")
    # Transitive: email b links t2 and t3, phone 555 links t1 and t2.
    t1 = old_booking(slots[7], "Tom Brown", "tom@example.com", "0170 555 1234", made=now - 7 * day)
    t2 = old_booking(slots[8], "Thomas Brown", "thomas@example.com", "01705551234",
                     made=now - 6 * day)
    t3 = old_booking(slots[9], "Tommy Brown", "THOMAS@example.com", made=now - 5 * day)
    # Another business's booking with Anna's email is that business's customer.
    e1 = old_booking(elsewhere[0], "Anna Weber", "anna@example.com")
    # Accents: keys made accent-free by the migration.
    u1 = old_booking(slots[10], "Deniz Ünal")

    assert db.migrate_to(None) == ("up", ["0017_customers", "0018_customer_rights",
                                          "0019_booking_customer_covering"])

    anna, anna2, nowak, nowak2, n1c, n2c, n3c, t1c, t2c, t3c, e1c, u1c = customer_ids(
        a1, a2, p1, p2, n1, n2, n3, t1, t2, t3, e1, u1)
    assert anna == anna2 and nowak == nowak2 and t1c == t2c == t3c
    assert len({n1c, n2c, n3c}) == 3
    assert e1c != anna and Customer.get_by_id(e1c).business_id == other_business.id
    assert len({anna, nowak, n1c, n2c, n3c, t1c, e1c, u1c}) == 8
    assert Customer.select().count() == 8
    assert Booking.select().where(Booking.customer.is_null()).count() == 0

    # The newest booking's name, the newest email and phone; created with the first.
    tom = Customer.get_by_id(t1c)
    assert (tom.name, tom.email, tom.phone) == ("Tommy Brown", "THOMAS@example.com",
                                               "01705551234")
    assert (tom.email_key, tom.phone_key, tom.name_key) == (
        "thomas@example.com", "01705551234", "tommy brown")
    assert tom.created_at == now - 7 * day and tom.updated_at == now - 5 * day
    assert tom.business_id == business.id and tom.notes == "" and tom.contact_ok is False
    assert Customer.get_by_id(anna).name == "Anna W."

    # Accent-free keys, for the booking and the customer; the data is sound.
    assert Booking.get_by_id(u1).name_key == "deniz unal"
    assert Customer.get_by_id(u1c).surname_key == "unal deniz"
    assert services.check_integrity() == []
    assert [r.name for r in services.find_customers("unal")] == ["Deniz Ünal"]
    # Found by every name and email of their bookings, the record's first.
    assert [r.name for r in services.find_customers("eber", business)] == ["Anna W."]
    assert tom.search_text == ("tommy brown\nthomas@example.com\ntom brown\ntom@example.com\n"
                               "thomas brown")
    assert [r.name for r in services.find_customers("tom@exa")] == ["Tommy Brown"]
    # A new booking finds the customer the migration made.
    booked = services.create_booking(slots[11], "Tom B", customer_phone="+49 170 5551234",
                                     now=now)
    assert customer_of(booked).id != t1c  # other digits (49...): not the same number
    booked = services.create_booking(slots[11], "Tom B", "thomas@EXAMPLE.com", now=now)
    assert customer_of(booked).id == t1c

    # And back: no customers, the keys as they were.
    db.migrate_to(BEFORE)
    assert "customer" not in database.get_tables()
    assert "customer_id" not in [c.name for c in database.get_columns("booking")]
    assert sql("SELECT name_key FROM booking WHERE id = ?", u1).fetchone()[0] == "deniz ünal"
    db.migrate_to(None)
    assert customer_ids(u1) != [None]
    assert services.check_integrity() == []


def test_the_trigram_extension_lives_outside_the_test_schema(database):
    if not db.is_postgres():
        names_ = {r[0] for r in sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "customer_search" in names_
        return
    schemas = dict(sql("SELECT extname, extnamespace::regnamespace::text FROM pg_extension "
                       "WHERE extname IN ('pg_trgm', 'btree_gin')").fetchall())
    assert schemas == {"pg_trgm": "public", "btree_gin": "public"}
    assert sql("SELECT current_schema()").fetchone()[0] != "public"


# --- create_booking: finding or making the customer --------------------------------

def test_a_booking_finds_its_customer_by_email_or_phone_or_makes_one(database, business,
                                                                     other_business, slots,
                                                                     now):
    first = services.create_booking(slots[0], "Anna Weber", "anna@example.com",
                                    "+49 151 1256 5583", now=now)
    anna = customer_of(first)
    assert (anna.name, anna.email, anna.phone, anna.business_id) == (
        "Anna Weber", "anna@example.com", "+49 151 1256 5583", business.id)
    assert (anna.name_key, anna.surname_key, anna.email_key, anna.phone_key) == (
        "anna weber", "weber anna", "anna@example.com", "4915112565583")
    event = last_audit("booking.create")
    assert json.loads(event.details) == {"customer": anna.id, "customer_created": True,
                                         "reference": first.reference,
                                         "time_slot": slots[0].id, "source": "walk_in",
                                         "status": "confirmed"}
    # Written exactly as audit_details writes it, on both databases.
    assert event.details == audit_details(customer=anna.id, customer_created=True,
                                          reference=first.reference, time_slot=slots[0].id,
                                          source="walk_in", status="confirmed")
    assert "Anna" not in event.details

    by_email = services.create_booking(slots[1], "A. Weber", "ANNA@EXAMPLE.COM", now=now)
    by_phone = services.create_booking(slots[2], "Anna", customer_phone="0049-151-1256-5583",
                                       now=now)
    assert customer_of(by_email).id == anna.id
    assert customer_of(by_phone).id != anna.id  # 0049… is not the digits 49…
    by_phone = services.create_booking(slots[3], "Anna", customer_phone="(49) 151 12565583",
                                       now=now)
    assert customer_of(by_phone).id == anna.id
    assert json.loads(last_audit("booking.create").details)["customer"] == anna.id
    assert "customer_created" not in json.loads(last_audit("booking.create").details)
    # The booking keeps its own details; the customer's record is unchanged.
    assert Booking.get_by_id(by_email.id).customer_name == "A. Weber"
    assert Customer.get_by_id(anna.id).name == "Anna Weber"

    # A name alone never finds anyone.
    one = services.create_booking(slots[4], "Anna Weber", now=now)
    two = services.create_booking(slots[5], "Anna Weber", now=now)
    assert len({customer_of(one).id, customer_of(two).id, anna.id}) == 3

    # Another business's customer with that email is not this business's.
    there = services.create_booking(day_slots(other_business, now=now)[0], "Anna Weber",
                                    "anna@example.com", now=now)
    assert customer_of(there).id != anna.id
    assert customer_of(there).business_id == other_business.id


def test_the_email_match_comes_before_the_phone_match(database, business, slots, now):
    ben = customer_of(services.create_booking(slots[0], "Ben", "ben@example.com", now=now))
    cem = customer_of(services.create_booking(slots[1], "Cem", customer_phone="030 111",
                                              now=now))
    both = services.create_booking(slots[2], "Ben", "ben@example.com", "030 111", now=now)
    assert customer_of(both).id == ben.id
    only_phone = services.create_booking(slots[3], "Cem", customer_phone="030-111", now=now)
    assert customer_of(only_phone).id == cem.id


def test_a_booking_for_a_picked_customer(database, business, other_business, slots, now, staff):
    anna = customer_of(services.create_booking(slots[0], "Anna Weber", "anna@example.com",
                                               now=now))
    row = services.get_customer(anna.id, now=now)
    for given in (anna, anna.id, row):
        booked = services.create_booking(slots[1], "Anna (her daughter booked)",
                                         "daughter@example.com", customer=given, by=staff,
                                         now=now)
        assert customer_of(booked).id == anna.id
        assert Booking.get_by_id(booked.id).customer_email == "daughter@example.com"
        services.cancel_booking(booked, now=now)
    assert Customer.select().count() == 1

    stranger = customer_of(services.create_booking(day_slots(other_business, now=now)[0],
                                                   "Zed", now=now))
    before = slot_dump(), Booking.select().count(), AuditEvent.select().count()
    with pytest.raises(InvalidInput, match="another business"):
        services.create_booking(slots[2], "Zed", customer=stranger.id, by=staff, now=now)
    with pytest.raises(NotFound, match="no longer exists"):
        services.create_booking(slots[2], "Ghost", customer=999_999, by=staff, now=now)
    with pytest.raises(InvalidInput):
        services.create_booking(slots[2], "Odd", customer="Anna", now=now)
    assert (slot_dump(), Booking.select().count(), AuditEvent.select().count()) == before


def test_a_refused_booking_makes_no_customer(database, business, now):
    slot = day_slots(business, now=now, capacity=1)[0]
    services.create_booking(slot, "First", "first@example.com", now=now)
    with pytest.raises(SlotFull):
        services.create_booking(slot, "Second", "second@example.com", now=now)
    assert [c.name for c in Customer.select()] == ["First"]


def test_undo_book_passes_the_customer_on(database, business, slots, now):
    anna = customer_of(services.create_booking(slots[0], "Anna", "anna@example.com", now=now))
    outcome = undo.book(slots[1].id, "Anna", customer=anna.id, now=now)
    assert outcome.rows[0].customer_id == anna.id
    assert desk.booking_row(outcome.rows[0].id).customer_id == anna.id


# --- search by any fragment -------------------------------------------------------

@pytest.fixture
def people(database, business, other_business, slots, now):
    book = services.create_booking
    made = {
        "eberhard": book(slots[0], "Eberhard Koch", "eberhard@example.com", now=now),
        "eberle": book(slots[1], "Anna Eberle", now=now),
        "lisa": book(slots[2], "Lisa Eber Schmidt", now=now),
        "weber": book(slots[3], "Tom Weber", now=now),
        "unal": book(slots[4], "Deniz Ünal", now=now),
        "muller": book(slots[5], "Jörg Müller", "joerg@example.com", now=now),
        "lopez": book(slots[6], "Maria Lopez", "m.lopez-garcia@example.org",
                      "+49 151 1256 5583", now=now),
        "strasser": book(slots[7], "Heidi Straßer", now=now),
        "elsewhere": book(day_slots(other_business, now=now)[0], "Tim Weber", now=now),
    }
    return made


def test_a_fragment_of_a_name_finds_the_customer(people, business):
    assert names(services.find_customers("eber", business)) == [
        "Eberhard Koch", "Anna Eberle", "Lisa Eber Schmidt", "Tom Weber"]
    assert names(services.find_customers("EBER", business)) == [
        "Eberhard Koch", "Anna Eberle", "Lisa Eber Schmidt", "Tom Weber"]
    assert names(services.find_customers("eber")) == [
        "Eberhard Koch", "Anna Eberle", "Lisa Eber Schmidt", "Tim Weber", "Tom Weber"]
    assert names(services.find_customers("ber sch", business)) == ["Lisa Eber Schmidt"]
    assert names(services.find_customers("nobody")) == []


def test_prefixes_come_before_words_and_words_before_insides(people, business):
    """Eberhard (the name starts with it), Eberle (the last name starts with
    it), Lisa Eber Schmidt (a word starts with it), Tom Weber (inside)."""
    found = services.find_customers("eber", business)
    assert names(found)[0] == "Eberhard Koch" and names(found)[-1] == "Tom Weber"
    assert names(services.find_customers("eber", business, limit=2)) == [
        "Eberhard Koch", "Anna Eberle"]
    assert names(services.find_customers("web", business)) == ["Tom Weber"]


def test_accents_and_case_are_ignored(people, business):
    for typed in ("Unal", "ünal", "UNAL", "deniz un"):
        assert names(services.find_customers(typed, business)) == ["Deniz Ünal"], typed
    for typed in ("muller", "Müller", "MÜLLER", "ller", "jorg"):
        assert names(services.find_customers(typed, business)) == ["Jörg Müller"], typed
    assert names(services.find_customers("strasser", business)) == ["Heidi Straßer"]
    assert names(services.find_customers("Straßer", business)) == ["Heidi Straßer"]


def test_digits_anywhere_in_the_phone(people, business):
    for typed in ("5583", "151 1256", "1256-5583", "+49 151", "4915112565583"):
        assert names(services.find_customers(typed, business)) == ["Maria Lopez"], typed
    assert names(services.find_customers("5584", business)) == []


def test_a_fragment_of_the_email(people, business):
    assert names(services.find_customers("garcia@exa", business)) == ["Maria Lopez"]
    assert names(services.find_customers("example.org", business)) == ["Maria Lopez"]
    assert names(services.find_customers("joerg@", business)) == ["Jörg Müller"]


def test_a_booking_reference_finds_its_customer(people, business, other_business):
    reference = people["lopez"].reference
    for typed in (reference, reference.lower(), reference.replace("-", "")):
        assert names(services.find_customers(typed))[0] == "Maria Lopez"
    assert names(services.find_customers(people["elsewhere"].reference, business)) == []
    assert names(services.find_customers(people["elsewhere"].reference, other_business)) == [
        "Tim Weber"]


def test_fewer_than_three_characters_find_prefixes_only(people, business):
    assert names(services.find_customers("eb", business)) == ["Eberhard Koch", "Anna Eberle"]
    assert names(services.find_customers("we", business)) == ["Tom Weber"]
    assert names(services.find_customers("83", business)) == []  # not a fragment of a phone
    assert names(services.find_customers("Ü", business)) == ["Deniz Ünal"]  # "unal deniz"


def test_search_text_is_checked(database):
    for bad in ("", "   ", "a\x00b", "x" * 255):
        with pytest.raises(InvalidInput):
            services.find_customers(bad)
    with pytest.raises(InvalidInput):
        services.find_customers("anna", limit=0)


def test_wildcards_are_plain_text(people, business):
    slot = day_slots(business, MONDAY + timedelta(days=1), capacity=3)[0]
    services.create_booking(slot, "100% Sure_Thing", now=None)
    assert names(services.find_customers("0% s", business)) == ["100% Sure_Thing"]
    assert names(services.find_customers("e_th", business)) == ["100% Sure_Thing"]
    assert names(services.find_customers('"quoted"', business)) == []


def test_bookings_are_found_by_the_same_search(people, business):
    def found(text, **kwargs):
        return [b.customer_name for b in services.search_bookings(text, **kwargs)]
    assert found("eber", business=business) == [
        "Eberhard Koch", "Anna Eberle", "Lisa Eber Schmidt", "Tom Weber"]
    assert found("unal") == ["Deniz Ünal"]
    assert found("5583") == ["Maria Lopez"]
    assert found("garcia@exa") == ["Maria Lopez"]
    assert found("eb", business=business) == ["Eberhard Koch", "Anna Eberle"]
    # The bookings table's filter and the typeahead read the same way.
    table = desk.list_bookings(desk.BookingFilter(business_id=business.id, text="eber"),
                               sort="customer_name")
    assert [r.customer_name for r in table] == [
        "Anna Eberle", "Eberhard Koch", "Lisa Eber Schmidt", "Tom Weber"]
    assert desk.count_bookings(desk.BookingFilter(text="ller")) == 1
    assert desk.count_bookings(desk.BookingFilter(text="ebe")) == 5
    assert [c.name for c in desk.customer_suggestions("ünal", business)] == ["Deniz Ünal"]
    suggestion = desk.customer_suggestions("5583", business)[0]
    assert (suggestion.name, suggestion.phone, suggestion.id) == (
        "Maria Lopez", "+49 151 1256 5583", people["lopez"].customer_id)


def test_a_customer_row_carries_the_figures(database, business, slots, now):
    book = services.create_booking
    visits = [book(s, "Rita Regular", "rita@example.com", now=now) for s in slots[:4]]
    later = slots[6].start + timedelta(minutes=1)
    services.set_booking_status(visits[0], "completed", now=later)
    services.set_booking_status(visits[1], "no_show", now=later)
    services.cancel_booking(visits[2], now=now)
    upcoming = book(slots[9], "Rita Regular", "rita@example.com", now=now)
    [row] = services.find_customers("rita", business, now=later)
    assert (row.visits, row.no_shows, row.cancellations, row.bookings) == (2, 1, 1, 5)
    assert row.first_visit == slots[0].start and row.last_visit == slots[3].start
    assert row.next_visit == upcoming.time_slot.start
    assert (row.email, row.phone, row.business_id) == ("rita@example.com", None, business.id)
    assert services.get_customer(row.id, now=later) == row


# --- history --------------------------------------------------------------------

def test_history_is_newest_first(database, business, slots, now):
    later_day = day_slots(business, MONDAY + timedelta(days=1), now=now, capacity=2)
    b1 = services.create_booking(slots[3], "Ida", "ida@example.com", now=now)
    b2 = services.create_booking(later_day[0], "Ida", "ida@example.com", now=now)
    b3 = services.create_booking(slots[0], "Ida", "ida@example.com", now=now)
    services.cancel_booking(b3, now=now)
    history = desk.customer_history(customer_of(b1))
    assert [r.id for r in history] == [b2.id, b1.id, b3.id]
    assert [r.status for r in history] == ["confirmed", "confirmed", "cancelled"]
    assert services.customer_history(customer_of(b1).id, limit=1)[0].id == b2.id
    assert {r.customer_id for r in history} == {customer_of(b1).id}
    with pytest.raises(NotFound):
        services.customer_history(987_654)


# --- update -----------------------------------------------------------------------

def test_update_a_customer(database, business, slots, now, staff):
    booked = services.create_booking(slots[0], "Anna Webr", "anna@example.com", now=now)
    anna = customer_of(booked)
    later = now + timedelta(minutes=5)
    row = services.update_customer(anna.id, name="Anna Weber", phone="0151 1256",
                                   notes="Allergic to latex", contact_ok=True, by=staff,
                                   now=later)
    assert (row.name, row.email, row.phone, row.notes, row.contact_ok) == (
        "Anna Weber", "anna@example.com", "0151 1256", "Allergic to latex", True)
    stored = Customer.get_by_id(anna.id)
    assert (stored.name_key, stored.surname_key, stored.phone_key, stored.updated_at) == (
        "anna weber", "weber anna", "01511256", later)
    event = last_audit("customer.edit")
    assert (event.entity, event.entity_id, event.user_id) == ("customer", anna.id, staff.id)
    assert json.loads(event.details) == {"fields": ["contact_ok", "name", "notes", "phone"],
                                         "contact_ok": True}
    assert "Anna" not in event.details and "latex" not in event.details
    # The booking keeps the details it was made with; search finds the new name.
    assert Booking.get_by_id(booked.id).customer_name == "Anna Webr"
    assert names(services.find_customers("weber")) == ["Anna Weber"]
    # An empty email clears it; a value unchanged writes nothing.
    services.update_customer(anna, email="", by=staff, now=later)
    assert Customer.get_by_id(anna.id).email_key is None
    count = AuditEvent.select().count()
    services.update_customer(anna, name="Anna Weber", by=staff, now=later)
    assert AuditEvent.select().count() == count


def test_an_update_refused_changes_nothing(database, business, slots, now, owner, staff):
    anna = customer_of(services.create_booking(slots[0], "Anna", "anna@example.com", now=now))
    before = Customer.get_by_id(anna.id).__data__, AuditEvent.select().count()
    with pytest.raises(InvalidInput, match="name@example.com"):
        services.update_customer(anna, name="Anna B", email="not-an-email", by=staff)
    with pytest.raises(InvalidInput):
        services.update_customer(anna, name="   ", by=staff)
    with pytest.raises(InvalidInput):
        services.update_customer(anna, contact_ok="yes", by=staff)
    with pytest.raises(InvalidTransition, match="another desk"):
        services.update_customer(anna, name="Anna B", expected={"name": "Someone else"},
                                 by=staff)
    with pytest.raises(NotFound):
        services.update_customer(123_456, name="Anna B", by=owner)
    assert (Customer.get_by_id(anna.id).__data__, AuditEvent.select().count()) == before
    services.set_user_active("sam", False, by=owner)
    before = Customer.get_by_id(anna.id).__data__, AuditEvent.select().count()
    with pytest.raises(PermissionDenied):
        services.update_customer(anna, name="Anna B", by=staff)
    assert (Customer.get_by_id(anna.id).__data__, AuditEvent.select().count()) == before


# --- merge --------------------------------------------------------------------------

def test_merge_moves_the_bookings_and_removes_the_other(database, business, slots, now, owner):
    keep = customer_of(services.create_booking(slots[0], "Anna Weber", "anna@example.com",
                                               now=now))
    services.update_customer(keep, notes="Prefers mornings", by=owner)
    other_bookings = [services.create_booking(s, "A. Weber", customer_phone="0151 1256",
                                              notes="x", now=now) for s in slots[1:3]]
    other = customer_of(other_bookings[0])
    services.update_customer(other, notes="Allergic to latex", by=owner)
    assert other.id != keep.id
    places = slot_dump()

    row = services.merge_customers(keep.id, other, by=owner, now=now)
    assert (row.id, row.name, row.email, row.phone, row.bookings) == (
        keep.id, "Anna Weber", "anna@example.com", "0151 1256", 3)
    assert row.notes == "Prefers mornings\nAllergic to latex"
    assert {customer_of(b).id for b in other_bookings} == {keep.id}
    assert Customer.get_or_none(Customer.id == other.id) is None
    assert slot_dump() == places and services.check_integrity() == []
    event = last_audit("customer.merge")
    assert (event.entity, event.entity_id, event.user_id) == ("customer", keep.id, owner.id)
    assert json.loads(event.details) == {"merged": other.id, "bookings": 2}
    assert names(services.find_customers("weber")) == ["Anna Weber"]
    with pytest.raises(NotFound):
        services.get_customer(other.id)
    # The phone now finds the kept record.
    again = services.create_booking(slots[3], "Anna", customer_phone="0151-1256", now=now)
    assert customer_of(again).id == keep.id
    # A booking for the merged-away record is refused, not made for a ghost.
    with pytest.raises(NotFound, match="merged"):
        services.create_booking(slots[4], "Anna", customer=other.id, now=now)


def test_merge_is_for_owners_and_within_one_business(database, business, other_business,
                                                     slots, now, owner, staff):
    a = customer_of(services.create_booking(slots[0], "Ana", "ana@example.com", now=now))
    b = customer_of(services.create_booking(slots[1], "Ana", "ana2@example.com", now=now))
    c = customer_of(services.create_booking(day_slots(other_business, now=now)[0], "Ana",
                                            "ana@example.com", now=now))
    before = [Customer.get_by_id(x.id).__data__ for x in (a, b, c)], AuditEvent.select().count()
    with pytest.raises(PermissionDenied, match="owner"):
        services.merge_customers(a, b, by=staff)
    with pytest.raises(InvalidInput, match="two businesses"):
        services.merge_customers(a, c, by=owner)
    with pytest.raises(InvalidInput, match="same customer"):
        services.merge_customers(a, a.id, by=owner)
    with pytest.raises(NotFound):
        services.merge_customers(a, 99_999, by=owner)
    assert ([Customer.get_by_id(x.id).__data__ for x in (a, b, c)],
            AuditEvent.select().count()) == before


# --- likely duplicates -------------------------------------------------------------------

def test_likely_duplicates(database, business, other_business, slots, now, owner, staff):
    anna = customer_of(services.create_booking(slots[0], "Anna Weber", "anna@example.com",
                                               now=now))
    aw = customer_of(services.create_booking(slots[1], "A. W.", customer_phone="0151 1256",
                                             now=now))
    # This booking's email is Anna's (so it is hers), its phone A. W.'s.
    services.create_booking(slots[2], "Anna Weber", "anna@example.com", "0151-1256", now=now)
    services.create_booking(day_slots(other_business, now=now)[0], "Anna", customer_phone="0151 1256",
                            now=now)
    with pytest.raises(PermissionDenied):
        services.likely_duplicates(by=staff)
    [group] = services.likely_duplicates(by=owner)
    assert (group.business_id, group.kind, group.key) == (business.id, "phone", "01511256")
    assert [c.id for c in group.customers] == [anna.id, aw.id]
    assert group.names_differ
    assert services.likely_duplicates(other_business, by=owner) == []
    services.merge_customers(anna, aw, by=owner)
    assert services.likely_duplicates(by=owner) == []


# --- the whole database: backup and restore, move ---------------------------------

def test_customers_survive_a_backup_and_restore(database, business, slots, now, owner,
                                                tmp_path):
    anna = customer_of(services.create_booking(slots[0], "Anna Ünal", "anna@example.com",
                                               now=now))
    services.update_customer(anna, notes="Line 1\nLine 2", contact_ok=True, by=owner)
    path = tmp_path / "backup.json"
    # As it was when backed up (the backup records itself in the audit log).
    rows = {m._meta.table_name: list(m.select().order_by(m.id).tuples())
            for m in models.ALL_MODELS}
    counts = services.backup_database(path, by=owner)
    assert counts["customer"] == 1
    db.close(database)
    handle = db.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        services.restore_database(path)
        assert {m._meta.table_name: list(m.select().order_by(m.id).tuples())
                for m in models.ALL_MODELS} == rows
        assert names(services.find_customers("unal")) == ["Anna Ünal"]
        assert services.check_integrity() == []
    finally:
        db.close(handle)


def test_a_backup_from_before_customers_gets_them(database, business, slots, now, owner,
                                                  tmp_path):
    services.create_booking(slots[0], "Anna Weber", "anna@example.com", now=now)
    services.create_booking(slots[1], "Anna W.", "ANNA@example.com", now=now)
    services.create_booking(slots[2], "Anna Weber", now=now)
    path = tmp_path / "backup.json"
    services.backup_database(path, by=owner)
    data = json.loads(path.read_text(encoding="utf-8"))
    # As the version before customers wrote it (format 1: no checksum line).
    data["version"], data["migrations"] = 1, [m for m in data["migrations"]
                                              if m != "0017_customers"]
    del data["tables"]["customer"], data["sha256"]
    booking = data["tables"]["booking"]
    at = booking["columns"].index("customer_id")
    booking["columns"].pop(at)
    for row in booking["rows"]:
        row.pop(at)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    db.close(database)
    handle = db.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        services.restore_database(old)
        assert Customer.select().count() == 2
        assert Booking.select().where(Booking.customer.is_null()).count() == 0
        assert sorted(names(services.find_customers("weber"))) == ["Anna W.", "Anna Weber"]
        assert services.check_integrity() == []
    finally:
        db.close(handle)


def test_a_backup_whose_booking_names_another_business_customer_is_refused(
        database, business, other_business, slots, now, owner, tmp_path):
    services.create_booking(slots[0], "Anna", "anna@example.com", now=now)
    services.create_booking(day_slots(other_business, now=now)[0], "Bo", now=now)
    path = tmp_path / "backup.json"
    services.backup_database(path, by=owner)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 1
    del data["sha256"]
    booking = data["tables"]["booking"]
    at = booking["columns"].index("customer_id")
    booking["rows"][0][at], booking["rows"][1][at] = (booking["rows"][1][at],
                                                      booking["rows"][0][at])
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    db.close(database)
    handle = db.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        with pytest.raises(InvalidInput, match="customer of another business"):
            services.restore_database(edited)
        assert services.database_is_empty()
    finally:
        db.close(handle)


def test_the_database_refuses_a_customer_of_another_business(database, business,
                                                             other_business, slots, now):
    booked = services.create_booking(slots[0], "Anna", "anna@example.com", now=now)
    stranger = customer_of(services.create_booking(day_slots(other_business, now=now)[0],
                                                   "Bo", now=now))
    with pytest.raises(peewee.IntegrityError):
        with models.database.atomic():
            sql("UPDATE booking SET customer_id = ? WHERE id = ?", stranger.id, booked.id)
    with pytest.raises(peewee.IntegrityError):
        with models.database.atomic():
            sql("DELETE FROM customer WHERE id = ?", customer_of(booked).id)
    assert customer_of(booked).business_id == business.id
    assert TimeSlot.get_by_id(slots[0].id).current_bookings == 1
    assert audit_events("customer.merge") == []


def test_a_customer_is_found_by_every_name_email_and_phone_of_their_bookings(
        database, business, slots, now, staff):
    first = services.create_booking(slots[0], "Anna Weber", "anna@example.com", now=now)
    anna = customer_of(first)
    assert (anna.search_text, anna.search_phones) == ("anna weber\nanna@example.com", "")
    services.create_booking(slots[1], "Anna W.", "ANNA@example.com", "0151 1256", now=now)
    services.create_booking(slots[2], "Ánna Weber", "anna@example.com", now=now)  # nothing new
    stored = Customer.get_by_id(anna.id)
    assert (stored.search_text, stored.search_phones) == (
        "anna weber\nanna@example.com\nanna w.", "01511256")
    # An edit of a booking's details makes its customer findable by them too.
    desk.update_booking_details(first.id, customer_name="Anna Schulz-Weber", by=staff, now=now)
    assert Customer.get_by_id(anna.id).search_text.endswith("\nanna schulz-weber")
    assert names(services.find_customers("schulz")) == ["Anna Weber"]
    assert [b.id for b in services.search_bookings("schulz")][0] == first.id
    # A booking for a picked customer under another name, email and phone.
    services.create_booking(slots[3], "Tom Weber", "tom@example.com", "030 999", customer=anna,
                            now=now)
    stored = Customer.get_by_id(anna.id)
    assert stored.search_text.endswith("\ntom weber\ntom@example.com")
    assert stored.search_phones == "01511256\n030999"
    assert names(services.find_customers("0309")) == ["Anna Weber"]
