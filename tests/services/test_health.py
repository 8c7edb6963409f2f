"""What the owner's Health window shows, from the services (services.health):
refused bookings counted per business and reason after their transaction
rolled back, the last backup and its reminder, the database, the log's
errors and slow operations, the integrity check. Database tests run on
SQLite and PostgreSQL."""
import logging
from datetime import timedelta

import pytest

from booking_desktop import config, services
from booking_desktop.errors import (
    DuplicateBooking,
    PermissionDenied,
    SlotBlocked,
    SlotClosed,
    SlotFull,
    SlotInPast,
)
from booking_desktop.models import AuditEvent, Booking, BookingRefusal, TimeSlot
from booking_desktop.services import health, undo
from tests.helpers import MONDAY, day_slots, in_a_thread, sql


def counts(now, business_name="Salon Berlin") -> dict[str, int]:
    _since, rows = health.refusal_counts(now=now)
    found = next(row for row in rows if row.business == business_name)
    return {reason: n for reason, n in found.counts if n}


# --- refused bookings -----------------------------------------------------------

def test_each_refusal_is_counted_under_its_reason(database, business, owner, now):
    slots = day_slots(business, now=now)
    services.create_booking(slots[0], "Ana", "ana@example.com", now=now)
    with pytest.raises(SlotFull):
        services.create_booking(slots[0], "Ben", now=now)
    with pytest.raises(SlotFull):
        services.create_booking(slots[0], "Cem", now=now)
    with pytest.raises(SlotInPast):
        services.create_booking(slots[1], "Late", now=slots[1].start)
    services.set_slot_blocked(slots[2], True, by=owner, now=now)
    with pytest.raises(SlotBlocked):
        services.create_booking(slots[2], "Dora", now=now)
    TimeSlot.update(closed_reason="Closed: Public holiday").where(
        TimeSlot.id == slots[3].id).execute()
    with pytest.raises(SlotClosed):
        services.create_booking(slots[3], "Eve", now=now)
    big = day_slots(business, MONDAY + timedelta(days=1), now=now, capacity=3)[0]
    services.create_booking(big, "Ana", "ana@example.com", now=now)
    with pytest.raises(DuplicateBooking):
        services.create_booking(big, "Ana again", "ANA@example.com", now=now)

    assert counts(now) == {"full": 2, "past": 1, "blocked": 1, "closed": 1, "duplicate": 1}
    # Nothing else was written by the refusals: the bookings that went through.
    assert Booking.select().count() == 2
    assert services.check_integrity() == []


def test_a_booking_that_goes_through_counts_nothing(database, business, now):
    slot = day_slots(business, now=now, capacity=2)[0]
    services.create_booking(slot, "Ana", now=now)
    undo.book(slot.id, "Ben", now=now)
    assert BookingRefusal.select().count() == 0


def test_a_refused_move_is_counted_after_its_transaction_rolled_back(database, business, now):
    """undo.reschedule holds a transaction around reschedule_booking: the
    refusal rolls it back, and the count is written after it."""
    slots = day_slots(business, now=now)
    moving = services.create_booking(slots[0], "Ana", now=now)
    services.create_booking(slots[1], "Ben", now=now)
    with pytest.raises(SlotFull):
        undo.reschedule(moving.id, slots[1].id, now=now)
    assert Booking.get_by_id(moving.id).time_slot_id == slots[0].id  # nothing moved
    assert counts(now) == {"full": 1}


def test_refusals_at_another_desk_are_counted_for_everyone(database, business, now):
    slot = day_slots(business, now=now)[0]
    services.create_booking(slot, "Ana", now=now)

    def other_desk():
        with pytest.raises(SlotFull):
            services.create_booking(slot.id, "Ben", now=now)

    in_a_thread(other_desk)
    assert counts(now) == {"full": 1}


def test_only_the_last_seven_days_are_counted(database, business, now):
    slot = day_slots(business, now=now)[0]
    services.create_booking(slot, "Ana", now=now)
    with pytest.raises(SlotFull):
        services.create_booking(slot, "Ben", now=now)
    since, _rows = health.refusal_counts(now=now + timedelta(days=6))
    assert since == now.date()
    assert counts(now + timedelta(days=6)) == {"full": 1}
    assert counts(now + timedelta(days=7)) == {}


def test_every_business_is_listed_by_name(database, business, now):
    services.create_business("Atelier Nord", "Europe/Berlin")
    _since, rows = health.refusal_counts(now=now)
    assert [row.business for row in rows] == ["Atelier Nord", "Salon Berlin"]
    assert all(row.total == 0 for row in rows)


def test_counting_never_turns_a_refusal_into_another_error(database, business, now, caplog):
    """The count of a refusal cannot be written (here: its table is gone):
    the desk still hears the refusal, and the log says why it was not counted."""
    slot = day_slots(business, now=now)[0]
    services.create_booking(slot, "Ana", now=now)
    sql("DROP TABLE booking_refusal")
    with caplog.at_level(logging.WARNING, logger="booking_desktop.services._tx"):
        with pytest.raises(SlotFull):
            services.create_booking(slot, "Ben", now=now)
    assert "could not count a refused booking (full)" in caplog.text


def test_a_connection_lost_while_counting_is_one_line_and_the_desk_goes_on(
        pg_schema_url, now, caplog, monkeypatch):
    """The server ends the desk's connection just as a refusal is being
    counted (PostgreSQL): the desk hears the refusal, the log says in one
    line (no traceback) that the count was lost, and the next booking
    reconnects and goes through."""
    import psycopg

    from booking_desktop import db, models
    from tests.conftest import PG_URL

    handle = db.connect(pg_schema_url)
    try:
        business = services.create_business("Salon Berlin", "Europe/Berlin")
        services.create_recurring_business_hours(business, "weekday_9to5")
        slots = day_slots(business, now=now)
        services.create_booking(slots[0], "Ana", now=now)
        real = type(models.database.obj).execute_sql

        def cut_first(self, sql_text, *args, **kwargs):
            if sql_text.startswith("INSERT INTO booking_refusal"):
                pid = self.connection().info.backend_pid
                with psycopg.connect(PG_URL, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            return real(self, sql_text, *args, **kwargs)
        monkeypatch.setattr(type(models.database.obj), "execute_sql", cut_first)
        with caplog.at_level(logging.WARNING, logger="booking_desktop.services._tx"):
            with pytest.raises(SlotFull):
                services.create_booking(slots[0], "Ben", now=now)
        monkeypatch.setattr(type(models.database.obj), "execute_sql", real)
        lost = [r for r in caplog.records if "could not count" in r.getMessage()]
        assert [r.getMessage() for r in lost] == [
            "could not count a refused booking (full): the connection was lost"]
        assert lost[0].exc_info is None
        booked = services.create_booking(slots[1], "Cem", now=now)
        assert Booking.get_by_id(booked.id).customer_name == "Cem"
    finally:
        db.close(handle)


# --- backups ---------------------------------------------------------------------

def test_no_backup_yet_is_due(database, business, now):
    assert health.last_backup(now=now) == health.LastBackup(None, None, None, None, True)


def test_a_backup_is_recorded_and_reminded_of_after_a_week(database, business, owner, now,
                                                          tmp_path):
    events_before = AuditEvent.select().count()
    path = tmp_path / "backup.json"
    services.backup_database(path, by=owner, now=now)

    fresh = health.last_backup(now=now + timedelta(days=7))
    assert (fresh.at, fresh.by, fresh.file, fresh.age, fresh.due) == (
        now, "olga", str(path), timedelta(days=7), False)
    late = health.last_backup(now=now + timedelta(days=7, minutes=1))
    assert late.due and late.age == timedelta(days=7, minutes=1)
    # The backup holds the data as it was, not its own record.
    assert f'"count": {events_before}}}' in path.read_text(encoding="utf-8")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).first()
    assert (event.action, event.entity, event.user_id) == ("database.backup", "database", owner.id)


def test_the_newest_backup_counts(database, business, now, tmp_path):
    services.backup_database(tmp_path / "old.json", now=now - timedelta(days=10))
    services.backup_database(tmp_path / "new.json", now=now - timedelta(days=2))
    last = health.last_backup(now=now)
    assert (last.file, last.by, last.due) == (str(tmp_path / "new.json"), None, False)


# --- the database, the report, permissions ------------------------------------------

def test_the_report_names_the_database_and_its_size(database, business, owner, now, db_url):
    report = health.health_report(by=owner, now=now)
    state = report.database
    if db_url.startswith("sqlite"):
        assert state.kind == "SQLite" and state.where == db_url[len("sqlite:///"):]
    else:
        assert state.kind == "PostgreSQL" and state.where.startswith("postgres@")
        assert state.version.split(".")[0].isdigit()
    assert state.size_bytes > 0 and state.answer_ms >= 0
    assert [row.business for row in report.refusals] == ["Salon Berlin"]
    assert report.backup.due and report.at == now


def test_staff_may_not_see_the_health_report(database, business, staff, now):
    with pytest.raises(PermissionDenied, match="Only an owner"):
        health.health_report(by=staff, now=now)
    with pytest.raises(PermissionDenied, match="Only an owner"):
        health.integrity_report(by=staff, now=now)


def test_the_integrity_check_finds_a_counter_that_drifted(database, business, owner, now):
    slot = day_slots(business, now=now, capacity=2)[0]
    services.create_booking(slot, "Ana", now=now)
    clean = health.integrity_report(by=owner, now=now)
    assert clean.ok and clean.problems == () and clean.at == now
    sql("UPDATE time_slot SET current_bookings = 2 WHERE id = ?", slot.id)
    found = health.integrity_report(by=owner, now=now)
    assert not found.ok
    assert found.problems == (f"Slot {slot.id}'s counter says 2 but it holds 1 active booking.",)


# --- the log -----------------------------------------------------------------------

@pytest.fixture
def log_file(tmp_path):
    """A log written the way the app writes its own (config.LOG_FORMAT)."""
    path = tmp_path / "logs" / "booking-desktop.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(config.LOG_FORMAT))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def test_the_log_gives_its_errors_and_slow_operations_newest_first(log_file):
    log = logging.getLogger("booking_desktop.ui.operations")
    log.info("a read was refused: full")
    try:
        raise ValueError("the answer was 42")
    except ValueError:
        log.exception("a read failed")
    health.note_duration("undo.book", 0.1999)   # under the line: not logged
    health.note_duration("undo.book", 0.2)
    health.note_duration("calendar-month", 1.2345)
    logging.getLogger("booking_desktop.ui.app").critical("cannot open the database")

    tail = health.read_log(log_file)
    assert tail.exists and tail.path == str(log_file)
    assert [(e.where, e.message, e.detail) for e in tail.errors] == [
        ("booking_desktop.ui.app", "cannot open the database", ""),
        ("booking_desktop.ui.operations", "a read failed", "ValueError: the answer was 42")]
    assert [(s.name, s.ms) for s in tail.slow] == [("calendar-month", 1234), ("undo.book", 200)]
    assert all(e.at.tzinfo is not None for e in tail.errors)
    assert tail.errors[0].at >= tail.errors[1].at


def test_only_the_tail_of_a_long_log_is_read(log_file, monkeypatch):
    monkeypatch.setattr(health, "TAIL_BYTES", 2000)
    log = logging.getLogger("booking_desktop.ui.operations")
    log.error("the oldest error")
    for i in range(100):
        log.info("filler line %d with some words in it", i)
    log.error("the newest error")
    assert [e.message for e in health.read_log(log_file).errors] == ["the newest error"]


def test_a_log_just_rotated_is_read_with_the_one_before(tmp_path):
    path = tmp_path / "booking-desktop.log"
    (tmp_path / "booking-desktop.log.1").write_text(
        "2030-03-04 06:00:00,000 ERROR booking_desktop.ui.app: before the rotation\n",
        encoding="utf-8")
    path.write_text("2030-03-04 07:00:00,000 ERROR booking_desktop.ui.app: after it\n"
                    "Traceback (most recent call last):\n  File \"x.py\", line 1\n"
                    "KeyError: 'slot'\n", encoding="utf-8")
    errors = health.read_log(path).errors
    assert [(e.message, e.detail) for e in errors] == [
        ("after it", "KeyError: 'slot'"), ("before the rotation", "")]
    assert f"{errors[0].at:%H:%M}" == "07:00"


def test_no_log_file_yet(tmp_path):
    tail = health.read_log(tmp_path / "none.log")
    assert (tail.exists, tail.errors, tail.slow) == (False, (), ())


def test_the_default_log_is_the_apps(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert health.read_log().path == str(config.log_path())
    assert config.log_path() == tmp_path / "BookingDesktop" / "logs" / "booking-desktop.log"
