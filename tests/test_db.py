"""Opening the database: SQLite pragmas and IMMEDIATE transactions,
migrating up, down and up again on both backends, refusing bad addresses,
and the constraints that hold even for writes that bypass the services."""
import sqlite3
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import peewee
import pytest

from booking_desktop import db, models, services
from booking_desktop.errors import InvalidInput, SlotClosed
from booking_desktop.models import Booking, TimeSlot
from tests.helpers import sql

TABLES = {"user", "business", "business_hours", "hours_exception", "time_slot", "booking",
          "audit_event"}
INDEXES_0001 = {"booking_one_active_per_email", "booking_one_active_per_phone"}
INDEXES_0003 = {"booking_name_key", "booking_surname_key", "booking_email_key",
                "booking_phone_key", "booking_active_slot", "time_slot_start"}
MIGRATIONS = ["0001_initial", "0002_audit_append_only", "0003_booking_search",
              "0004_slot_block_reason", "0005_report_indexes", "0006_booking_business",
              "0007_booking_business_matches_slot", "0008_slot_closed_reason",
              "0009_sign_in_throttle", "0010_audit_no_replace_or_truncate",
              "0011_audit_chain", "0012_user_can_export", "0013_notify_changes",
              "0014_audit_chain_in_database", "0015_booking_made_index",
              "0016_booking_refusals", "0017_customers", "0018_customer_rights",
              "0019_booking_customer_covering"]
NOW = datetime(2030, 3, 4, 6, 0, tzinfo=timezone.utc)


def tables() -> set[str]:
    return set(models.database.get_tables())


def indexes() -> set[str]:
    if db.is_postgres():
        rows = sql("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    else:
        rows = sql("SELECT name FROM sqlite_master WHERE type = 'index'")
    return {name for (name,) in rows.fetchall()}


def triggers() -> set[str]:
    if db.is_postgres():
        rows = sql("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE NOT t.tgisinternal AND n.nspname = current_schema()")
    else:
        rows = sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {name for (name,) in rows.fetchall()}


def applied() -> list[str]:
    return [m.name for m in db.migration_runner().status() if m.applied]


def expected_triggers(newest: bool = True) -> set[str]:
    """Triggers of the newest schema (or of one at 0002): the append-only audit
    log (0002, with REPLACE and TRUNCATE refused by 0010), on PostgreSQL the
    NOTIFY of every change (0013) and the audit chain kept by the database
    (0014) and, on SQLite, a booking's business kept equal to its slot's (0007),
    a booking's customer kept in its business, the customer search index kept
    up to date (0015)."""
    if db.is_postgres():
        newer = {"audit_event_no_truncate", "audit_event_notify",
                 "audit_event_chain"} if newest else set()
        return {"audit_event_append_only"} | newer
    audit = {"audit_event_no_update", "audit_event_no_delete"}
    if not newest:
        return audit
    return audit | {"booking_business_matches_slot_insert", "booking_business_matches_slot_update",
                    "audit_event_no_replace", "booking_customer_insert", "booking_customer_update",
                    "customer_in_use_delete", "customer_in_use_business", "customer_search_insert",
                    "customer_search_delete", "customer_search_update"}


# --- SQLite connection settings ----------------------------------------------

def pragma(name: str):
    return models.database.execute_sql(f"PRAGMA {name}").fetchone()[0]


def test_sqlite_pragmas(sqlite_url):
    handle = db.connect(sqlite_url)
    try:
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
        assert pragma("synchronous") == 2  # FULL
    finally:
        db.close(handle)


def test_sqlite_transactions_begin_immediate(sqlite_url, tmp_path):
    handle = db.connect(sqlite_url)
    statements = []
    try:
        handle.connection().set_trace_callback(statements.append)
        with models.database.atomic():
            # No statement yet, and already the write lock is ours: another
            # connection cannot begin writing.
            other = sqlite3.connect(str(tmp_path / "booking.db"), timeout=0)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        assert statements[:1] == ["BEGIN IMMEDIATE"]

        # And a service write goes through the same kind of transaction.
        statements.clear()
        services.create_business("Somewhere", "Europe/Berlin")
        assert "BEGIN IMMEDIATE" in statements
        assert not [s for s in statements if s.strip().upper() in ("BEGIN", "BEGIN DEFERRED")]
    finally:
        db.close(handle)


# --- migrations ---------------------------------------------------------------

def test_migrate_up_down_to_the_first_and_up_again(db_url):
    handle = db.connect(db_url)
    try:
        assert applied() == MIGRATIONS
        assert TABLES | {"customer"} <= tables()
        assert INDEXES_0001 | INDEXES_0003 <= indexes()
        assert triggers() == expected_triggers()

        direction, names = db.migrate_to("0001_initial")
        assert (direction, names) == ("down", MIGRATIONS[:0:-1])  # newest first
        assert applied() == ["0001_initial"]
        assert TABLES <= tables() and "customer" not in tables()
        assert INDEXES_0001 <= indexes()
        assert not INDEXES_0003 & indexes()
        assert triggers() == set()

        assert db.migrate_to(None) == ("up", MIGRATIONS[1:])
        assert applied() == MIGRATIONS
        assert INDEXES_0001 | INDEXES_0003 <= indexes()
        assert triggers() == expected_triggers()

        # The schema works after the round trip.
        shop = services.create_business("After", "Europe/Berlin")
        services.create_recurring_business_hours(shop)
        services.generate_time_slots(shop, date(2030, 3, 4), date(2030, 3, 4), now=NOW)
        slot = services.available_slots(shop, date(2030, 3, 4), now=NOW)[0]
        services.create_booking(slot, "Ana", now=NOW)
        assert services.check_integrity() == []
        with pytest.raises(peewee.DatabaseError, match="append-only"):
            sql("DELETE FROM audit_event")
    finally:
        db.close(handle)


def test_migrate_to_zero_and_back(db_url):
    handle = db.connect(db_url)
    try:
        direction, names = db.migrate_to("zero")
        assert direction == "down" and names == list(reversed(MIGRATIONS))
        assert not TABLES & tables()
        assert applied() == []
        assert db.migrate_to("0002_audit_append_only") == (
            "up", ["0001_initial", "0002_audit_append_only"])
        assert TABLES <= tables() and triggers() == expected_triggers(newest=False)
        assert not INDEXES_0003 & indexes()
        with pytest.raises(InvalidInput, match="No migration named"):
            db.migrate_to("0099_nothing")
    finally:
        db.close(handle)


def test_connect_twice_migrates_once(db_url):
    handle = db.connect(db_url)
    db.close(handle)
    handle = db.connect(db_url)
    try:
        assert applied() == MIGRATIONS
    finally:
        db.close(handle)


def test_migration_0008_backfills_closed_reason_from_the_stored_hours(database):
    """Slots made before 0008 get their reason from the hours as stored (here
    changed behind the services' back, as an older version would have left
    them); nothing is removed."""
    shop = services.create_business("Before", "Europe/Berlin")
    services.create_recurring_business_hours(shop)
    monday, tuesday, wednesday = (date(2030, 3, 4 + i) for i in range(3))
    services.generate_time_slots(shop, monday, wednesday, now=NOW)
    services.create_booking(services.available_slots(shop, tuesday, now=NOW)[0], "Ana", now=NOW)
    db.migrate_to("0007_booking_business_matches_slot")
    assert "closed_reason" not in [c.name for c in database.get_columns("time_slot")]
    sql("UPDATE business_hours SET close_time = ? WHERE weekday = 0", "12:00:00")
    sql("INSERT INTO hours_exception (business_id, date, closed, intervals, note) "
        "VALUES (?, ?, ?, ?, ?)", shop.id, tuesday.isoformat(), True, "", "Public holiday")
    sql("INSERT INTO hours_exception (business_id, date, closed, intervals, note) "
        "VALUES (?, ?, ?, ?, ?)", shop.id, wednesday.isoformat(), False, "10:00-12:00", "")

    assert db.migrate_to("0008_slot_closed_reason") == ("up", ["0008_slot_closed_reason"])
    berlin = ZoneInfo("Europe/Berlin")
    reasons = {}
    for s in services.slots_between(shop, monday, wednesday):
        start = s.start.astimezone(berlin)
        reasons.setdefault(start.date(), {}).setdefault(s.closed_reason, []).append(
            f"{start:%H:%M}")
    assert len(reasons[monday][""]) == 6 and reasons[monday][""][-1] == "11:30"
    assert len(reasons[monday]["Outside opening hours"]) == 10
    assert list(reasons[tuesday]) == ["Closed: Public holiday"]
    assert len(reasons[tuesday]["Closed: Public holiday"]) == 16
    assert reasons[wednesday][""] == ["10:00", "10:30", "11:00", "11:30"]
    assert len(reasons[wednesday]["Outside the special hours"]) == 12
    db.migrate_to()  # the services work on the newest schema (db.connect migrates)
    with pytest.raises(SlotClosed, match="^Closed: Public holiday"):
        services.create_booking(services.slots_between(shop, tuesday)[1], "Ben", now=NOW)


# --- addresses ------------------------------------------------------------------

@pytest.mark.parametrize("url, words", [
    ("", "is not valid"),
    ("booking.db", "is not valid"),
    (None, "is not valid"),
    ("sqlite://", "needs a file"),
    ("sqlite:///", "needs a file"),
    ("mysql://localhost/booking", "Unknown database type 'mysql'"),
    ("postgresql://localhost", "needs a database name"),
    ("postgresql://localhost/", "needs a database name"),
], ids=["empty", "bare-path", "none", "sqlite-no-slash", "sqlite-no-file", "mysql",
        "pg-no-db", "pg-slash-only"])
def test_invalid_address_is_refused(url, words):
    with pytest.raises(InvalidInput, match=words):
        db.connect(url)


def test_sqlite_address_creates_missing_folders(tmp_path):
    path = tmp_path / "a" / "b" / "booking.db"
    handle = db.connect(f"sqlite:///{path}")
    try:
        assert path.exists()
        assert TABLES <= tables()
    finally:
        db.close(handle)


# --- constraints, bypassing the services ------------------------------------

@pytest.fixture
def slot(database, business, now):
    services.generate_time_slots(business, date(2030, 3, 4), date(2030, 3, 4), max_capacity=2,
                                 now=now)
    return services.available_slots(business, date(2030, 3, 4), now=now)[0]


def _tcp_settings(connection) -> dict:
    """The TCP settings of a psycopg connection's socket, as the system holds them."""
    import os
    import socket
    sock = socket.socket(fileno=os.dup(connection.pgconn.socket))
    try:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            pytest.skip("the test server is reached through a Unix socket, not TCP")
        return {"keepalive": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                "idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                "interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                "count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
                "user_timeout": sock.getsockopt(socket.IPPROTO_TCP,
                                                getattr(socket, "TCP_USER_TIMEOUT", 18))}
    finally:
        sock.close()


@pytest.mark.skipif(not hasattr(__import__("socket"), "TCP_KEEPIDLE"),
                    reason="the system does not tell a socket's keepalive settings")
def test_a_desk_notices_a_vanished_postgresql_server_within_a_minute(pg_schema_url):
    """Every pooled connection probes an idle server after 30 s, every 10 s,
    3 times, and gives up on data unacknowledged for 60 s; an address that
    sets one itself keeps its own."""
    db.connect(pg_schema_url)
    assert _tcp_settings(models.database.connection()) == {
        "keepalive": 1, "idle": 30, "interval": 10, "count": 3, "user_timeout": 60_000}
    db.close()
    db.connect(f"{pg_schema_url}&keepalives_idle=5")
    assert _tcp_settings(models.database.connection())["idle"] == 5
    db.close()


def test_check_constraint_refuses_more_bookings_than_capacity(slot):
    with pytest.raises(peewee.IntegrityError):
        sql("UPDATE time_slot SET current_bookings = 3 WHERE id = ?", slot.id)
    with pytest.raises(peewee.IntegrityError):
        sql("UPDATE time_slot SET current_bookings = -1 WHERE id = ?", slot.id)
    with pytest.raises(peewee.IntegrityError):
        sql("UPDATE time_slot SET max_capacity = 0 WHERE id = ?", slot.id)
    assert TimeSlot.get_by_id(slot.id).current_bookings == 0
    sql("UPDATE time_slot SET current_bookings = 2 WHERE id = ?", slot.id)
    assert TimeSlot.get_by_id(slot.id).current_bookings == 2


def raw_booking(slot_id, reference, email_key=None, phone_key=None, status="confirmed"):
    business_id = TimeSlot.select(TimeSlot.business).where(TimeSlot.id == slot_id).scalar() or 1
    Booking.insert(reference=reference, time_slot=slot_id, business=business_id,
                   customer_name="Raw",
                   name_key="raw", surname_key="raw", email_key=email_key, phone_key=phone_key,
                   status=status, created_at=NOW, updated_at=NOW).execute()


def test_partial_unique_index_refuses_a_second_active_booking_for_one_customer(slot):
    raw_booking(slot.id, "AAA-001", email_key="ana@example.com")
    with pytest.raises(peewee.IntegrityError):
        raw_booking(slot.id, "AAA-002", email_key="ana@example.com")
    raw_booking(slot.id, "PPP-001", phone_key="49301234567")
    with pytest.raises(peewee.IntegrityError):
        raw_booking(slot.id, "PPP-002", phone_key="49301234567", status="pending")
    # Inactive bookings do not count, and neither do other slots.
    raw_booking(slot.id, "AAA-003", email_key="ana@example.com", status="cancelled")
    raw_booking(slot.id, "AAA-004", email_key="ana@example.com", status="completed")
    other = services.slots_between(slot.business, date(2030, 3, 4))[1]
    raw_booking(other.id, "AAA-005", email_key="ana@example.com")
    assert sorted(r for (r,) in Booking.select(Booking.reference).tuples()) == [
        "AAA-001", "AAA-003", "AAA-004", "AAA-005", "PPP-001"]


def test_schema_refuses_unknown_status_and_empty_name(slot):
    with pytest.raises(peewee.IntegrityError):
        raw_booking(slot.id, "BAD-001", status="archived")
    with pytest.raises(peewee.IntegrityError):
        Booking.insert(reference="BAD-002", time_slot=slot.id, business=slot.business_id,
                       customer_name="", name_key="",
                       surname_key="", created_at=NOW, updated_at=NOW).execute()
    with pytest.raises(peewee.IntegrityError):
        raw_booking(987654, "BAD-003")  # no such slot: foreign key
    assert Booking.select().count() == 0
