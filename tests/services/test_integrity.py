"""check_integrity on sound and on deliberately broken data (broken with raw
SQL, as a crash, a bug or a hand edit would), and repair_counters. Both
backends."""
import peewee
import pytest

from booking_desktop import models, services
from booking_desktop.models import Booking, TimeSlot
from tests.helpers import audit_events, day_slots, details, snapshot, sql


@pytest.fixture
def booked(database, business, owner, now):
    """Slots of capacity 2: [0] full, [1] half full, [2] booked then cancelled."""
    slots = day_slots(business, now=now, capacity=2)
    services.create_booking(slots[0], "Ana", "ana@example.com", now=now)
    services.create_booking(slots[0], "Ben", customer_phone="+49 30 111", now=now)
    services.create_booking(slots[1], "Cem", now=now)
    services.cancel_booking(services.create_booking(slots[2], "Dee", now=now), now=now)
    return slots


def counters(slots) -> list[int]:
    return [TimeSlot.get_by_id(s.id).current_bookings for s in slots[:4]]


def add_active_booking_raw(slot_id: int, reference: str) -> None:
    """A second copy of one of the slot's bookings, inserted without the
    services (so the counter is not touched), with no email or phone."""
    sql("INSERT INTO booking (reference, time_slot_id, business_id, customer_name, "
        "customer_email, customer_phone, name_key, surname_key, email_key, phone_key, status, "
        "source, notes, created_at, updated_at, cancel_reason) "
        "SELECT ?, time_slot_id, business_id, 'Extra Guest', NULL, NULL, 'extra guest', "
        "'guest extra', "
        "NULL, NULL, 'confirmed', 'walk_in', '', created_at, updated_at, '' "
        "FROM booking WHERE time_slot_id = ? ORDER BY id LIMIT 1", reference, slot_id)


def test_sound_data_has_no_problems(booked):
    assert counters(booked) == [2, 1, 0, 0]
    assert services.check_integrity() == []


def test_counter_mismatch_is_reported(booked):
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", booked[0].id)
    sql("UPDATE time_slot SET current_bookings = 2 WHERE id = ?", booked[2].id)
    problems = services.check_integrity()
    assert [(p.kind, p.slot_id) for p in problems] == [
        ("counter_mismatch", booked[0].id), ("counter_mismatch", booked[2].id)]
    assert "counter says 0 but it holds 2 active bookings" in problems[0].message
    assert "counter says 2 but it holds 0 active bookings" in str(problems[1])


def test_overbooked_slot_is_reported(booked):
    add_active_booking_raw(booked[0].id, "XTR-001")
    assert Booking.select().where(Booking.time_slot == booked[0].id,
                                  Booking.status == "confirmed").count() == 3
    problems = services.check_integrity()
    assert [(p.kind, p.slot_id) for p in problems] == [
        ("overbooked", booked[0].id), ("counter_mismatch", booked[0].id)]
    assert "over-booked: 3 active bookings, counter 2, capacity 2" in problems[0].message


def test_repair_counters_fixes_mismatches_and_audits_each(booked, owner):
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", booked[0].id)
    sql("UPDATE time_slot SET current_bookings = 2 WHERE id = ?", booked[1].id)
    sql("UPDATE time_slot SET current_bookings = 1 WHERE id = ?", booked[2].id)
    changes = services.repair_counters(by=owner)
    assert changes == [
        {"slot_id": booked[0].id, "was": 0, "now": 2},
        {"slot_id": booked[1].id, "was": 2, "now": 1},
        {"slot_id": booked[2].id, "was": 1, "now": 0},
    ]
    assert counters(booked) == [2, 1, 0, 0]
    assert services.check_integrity() == []
    events = audit_events("slot.repair_counter")
    assert [(e.entity_id, e.user_id, details(e)) for e in events] == [
        (c["slot_id"], owner.id, {"was": c["was"], "now": c["now"]}) for c in changes]

    # Nothing left to repair: nothing changes, nothing is recorded.
    before = snapshot()
    assert services.repair_counters(by=owner) == []
    assert snapshot() == before


def test_repair_leaves_an_overbooked_slot_for_a_person_to_resolve(booked, owner):
    add_active_booking_raw(booked[0].id, "XTR-002")
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", booked[1].id)
    changes = services.repair_counters(by=owner)
    assert changes == [{"slot_id": booked[1].id, "was": 0, "now": 1}]
    assert counters(booked) == [2, 1, 0, 0]
    assert [p.kind for p in services.check_integrity()] == ["overbooked", "counter_mismatch"]


def test_repair_counts_bookings_made_while_it_runs(booked, owner, now, monkeypatch):
    """A desk books into a slot after repair_counters has looked for drifted
    counters but before it writes: the repaired counter must include it."""
    import threading

    from booking_desktop import models
    from booking_desktop.services import integrity

    target = booked[1]  # one active booking, capacity 2
    sql("UPDATE time_slot SET current_bookings = 0 WHERE id = ?", target.id)
    real_slot_counts = integrity._slot_counts
    booked_meanwhile, desks = [], []

    def book_elsewhere():
        try:
            booked_meanwhile.append(services.create_booking(target, "Meanwhile", now=now))
        finally:
            models.database.close()

    def slot_counts_then_a_booking(where_mismatch):
        rows = list(real_slot_counts(where_mismatch))
        desk = threading.Thread(target=book_elsewhere)
        desks.append(desk)
        desk.start()
        desk.join(timeout=0.5)  # SQLite: the other desk waits for our write lock
        return rows

    monkeypatch.setattr(integrity, "_slot_counts", slot_counts_then_a_booking)
    services.repair_counters(by=owner)
    monkeypatch.undo()
    for desk in desks:
        desk.join(timeout=30)

    assert len(booked_meanwhile) == 1
    assert active_count(target) == 2
    assert TimeSlot.get_by_id(target.id).current_bookings == 2
    assert services.check_integrity() == []


def active_count(slot) -> int:
    return Booking.select().where((Booking.time_slot == slot.id)
                                  & Booking.status.in_(("pending", "confirmed"))).count()


def test_the_database_refuses_a_booking_filed_under_another_business(booked):
    other = services.create_business("Other Branch", "Europe/Lisbon")
    booking = Booking.select().first()
    before = snapshot()
    with pytest.raises(peewee.IntegrityError):
        with models.database.atomic():
            sql("UPDATE booking SET business_id = ? WHERE id = ?", other.id, booking.id)
    assert snapshot() == before
    assert services.check_integrity() == []


def test_new_bookings_carry_their_slots_business(booked, business):
    bookings = list(Booking.select())
    assert len(bookings) == 4
    assert {(b.business_id, b.time_slot.business_id) for b in bookings} == \
        {(business.id, business.id)}


def key_problems() -> list[tuple[int, str]]:
    return [(p.slot_id, p.message) for p in services.check_integrity() if p.kind == "key_mismatch"]


@pytest.mark.parametrize("customer, column, value, says", [
    ("Ana", "email_key", "ben@example.com",
     "email key 'ben@example.com' does not match its email 'ana@example.com'"),
    ("Ana", "email_key", None, "email key None does not match its email 'ana@example.com'"),
    ("Ben", "phone_key", "123", "phone key '123' does not match its phone '+49 30 111'"),
    ("Ben", "phone_key", None, "phone key None does not match its phone '+49 30 111'"),
    ("Ana", "name_key", "someone", "name key 'someone' does not match its name 'Ana'"),
    ("Cem", "surname_key", "x", "surname key 'x' does not match its name 'Cem'"),
    ("Eva Maria Lind", "surname_key", "eva maria lind",
     "surname key 'eva maria lind' does not match its name 'Eva Maria Lind'"),
    ("Eva Maria Lind", "surname_key", "maria lind eva",
     "surname key 'maria lind eva' does not match its name 'Eva Maria Lind'"),
])
def test_a_derived_key_that_disagrees_with_its_value_is_reported(booked, now, customer, column,
                                                                  value, says):
    """A stored key that does not match its value slips past the one-active-
    booking-per-customer indexes and the search (they use the keys): check
    reports it, naming the booking."""
    if customer == "Eva Maria Lind":
        services.create_booking(booked[3], customer, now=now)
    target = Booking.get(Booking.customer_name == customer)
    assert key_problems() == []
    sql(f"UPDATE booking SET {column} = ? WHERE id = ?", value, target.id)
    assert key_problems() == [(target.time_slot_id, f"Booking {target.reference}'s {says}.")]


def test_keys_of_names_and_emails_beyond_ascii_are_not_reported(database, business, now):
    """SQL's lower() knows only ASCII on SQLite: names and emails with other
    letters are checked with the services' own rules, without false alarms."""
    slot = day_slots(business, now=now, capacity=4)[0]
    services.create_booking(slot, "Zoë  Ünal-Tanaka 田中", "ÄNNA@Example.com", "+81 (3) 1234-5678",
                            now=now)
    services.create_booking(slot, "İlker ẞtraße", "İ@example.com", now=now)
    assert services.check_integrity() == []
    zoe = Booking.get(Booking.customer_name.startswith("Zo"))
    sql("UPDATE booking SET email_key = ? WHERE id = ?", "Änna@example.com", zoe.id)
    assert [m for _, m in key_problems()] == [
        f"Booking {zoe.reference}'s email key 'Änna@example.com' does not match its email "
        "'ÄNNA@Example.com'."]


def test_a_tampered_email_key_that_let_a_customer_book_twice_is_reported(booked):
    """The fault the issue names: Ben's email made Ana's while his key stays
    another, so the slot holds Ana twice and the indexes did not see it."""
    ben = Booking.get(Booking.customer_name == "Ben")
    sql("UPDATE booking SET customer_email = ?, email_key = ? WHERE id = ?",
        "ANA@example.com", "not-ana@example.com", ben.id)
    kinds = {p.kind for p in services.check_integrity()}
    assert "key_mismatch" in kinds
