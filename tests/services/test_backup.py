"""Backups: every row of every table in one portable JSON file, restored
identically into an empty database of either kind, and refused (changing
nothing) when something is wrong."""
import hashlib
import io
import json
from datetime import date

import pytest

from booking_desktop import db, services
from booking_desktop.errors import InvalidInput, PermissionDenied
from booking_desktop.models import ALL_MODELS, AuditEvent, Booking, TimeSlot, User
from booking_desktop.services import backup as backup_module


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in id order, ids and timestamps included."""
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples())
            for model in ALL_MODELS}


def fill_with_varied_data(now) -> None:
    """The demo (every status and source, three time zones, special days,
    blocked slots, microsecond timestamps) plus what it lacks: a disabled
    account, multi-line notes with non-Latin text."""
    services.build_demo(seed=7, now=now, scale=0.15)
    owner = User.get(User.username == "owner")
    services.create_user("mika", "mika-password", role="staff", by=owner)
    services.set_user_active("mika", False, by=owner)
    slot = services.next_free_slot(services.find_business("Salon Lindenhof"), now=now)
    services.create_booking(slot, "Zoë Ünal-Tanaka 田中", "zoe@example.com",
                            notes="Line 1\nLine 2 ✓", source="other", now=now)


@pytest.fixture
def source_db(sqlite_url, now):
    handle = db.connect(sqlite_url)
    fill_with_varied_data(now)
    yield handle
    db.close(handle)


@pytest.fixture(params=["sqlite", "postgresql"])
def target_url(request, tmp_path):
    """An empty database to restore into, other than the source."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'target.db'}"
    return request.getfixturevalue("pg_schema_url")


def without_timestamp(path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("created_at")
    data.pop("sha256")  # of the content, timestamp included
    return data


def signed(data: dict) -> str:
    """A backup's text with a checksum that matches it, as if the backup
    command had written these (edited) data: the SHA-256 of everything before
    the last line."""
    body = json.dumps({k: v for k, v in data.items() if k != "sha256"},
                      ensure_ascii=False)[:-1] + ",\n"
    return f'{body}"sha256": "{hashlib.sha256(body.encode("utf-8")).hexdigest()}"}}\n'


def test_round_trip_sqlite_postgresql_sqlite_is_identical(source_db, pg_schema_url, tmp_path):
    original = snapshot()
    assert set(original["booking"]) and all(original.values())
    first = tmp_path / "from-sqlite.json"
    counts = services.backup_database(first)
    assert counts == {name: len(rows) for name, rows in original.items()}

    db.connect(pg_schema_url)
    assert services.restore_database(first) == counts
    assert snapshot() == original
    second = tmp_path / "from-postgresql.json"
    services.backup_database(second)

    db.connect(f"sqlite:///{tmp_path / 'copy.db'}")
    services.restore_database(second)
    assert snapshot() == original
    assert without_timestamp(first) == without_timestamp(second)
    assert services.check_integrity() == []


def test_new_rows_after_restoring_on_postgresql_get_fresh_ids(source_db, pg_schema_url, tmp_path,
                                                              now):
    path = tmp_path / "backup.json"
    services.backup_database(path)
    highest = {m: m.select().order_by(m.id.desc()).first().id for m in (User, Booking)}

    db.connect(pg_schema_url)
    services.restore_database(path)
    owner = User.get(User.username == "owner")
    user = services.create_user("newcomer", "newcomer-password", by=owner)
    slot = services.next_free_slot(services.find_business("Harbour Bike Repair"), now=now)
    booking = services.create_booking(slot, "After Restore", now=now)
    assert user.id == highest[User] + 1
    assert booking.id == highest[Booking] + 1


def test_backup_is_plain_json_with_format_and_migrations(source_db):
    out = io.StringIO()
    services.backup_database(out)
    data = json.loads(out.getvalue())
    assert data["format"] == backup_module.FORMAT and data["version"] == backup_module.VERSION
    assert data["migrations"] == [m.name for m in db.migration_runner().status() if m.applied]
    users = data["tables"]["user"]
    row = dict(zip(users["columns"], users["rows"][0]))
    assert row["active"] is True and row["created_at"].endswith("+00:00")
    hours = dict(zip(data["tables"]["business_hours"]["columns"],
                     data["tables"]["business_hours"]["rows"][0]))
    assert hours["open_time"] == "09:00:00"
    special = dict(zip(data["tables"]["hours_exception"]["columns"],
                       data["tables"]["hours_exception"]["rows"][0]))
    assert date.fromisoformat(special["date"]) and special["closed"] in (True, False)
    assert data["tables"]["booking"]["count"] == Booking.select().count()


def test_restoring_over_data_is_refused_and_changes_nothing(database, business, now, tmp_path):
    services.generate_time_slots(business, date(2030, 3, 4), date(2030, 3, 5), now=now)
    slot = services.available_slots(business, date(2030, 3, 4), now=now)[0]
    services.create_booking(slot, "Ana", now=now)
    path = tmp_path / "backup.json"
    services.backup_database(path)
    before = snapshot()

    with pytest.raises(InvalidInput, match="already holds data"):
        services.restore_database(path)
    assert snapshot() == before


def test_restore_is_owner_only(sqlite_url, tmp_path):
    db.connect(sqlite_url)
    path = tmp_path / "backup.json"
    services.backup_database(path)
    staff = User(username="sam", role="staff", active=True)
    with pytest.raises(PermissionDenied):
        services.restore_database(path, by=staff)
    with pytest.raises(PermissionDenied):
        services.backup_database(tmp_path / "other.json", by=staff)


@pytest.mark.parametrize("content, message", [
    (None, "There is no backup file"),
    ("not json at all", "not a Booking Desktop backup.*not valid JSON"),
    ('{"format": "something-else"}', "not a Booking Desktop backup"),
    ('{"format": "booking-desktop-backup", "version": 99, "migrations": [], "tables": {}}',
     "newer version"),
    ('{"format": "booking-desktop-backup", "version": 1, "migrations": ["0999_future"], '
     '"tables": {}}', "newer version"),
    ('{"format": "booking-desktop-backup", "version": 1, "migrations": [], '
     '"tables": {"user": {"columns": ["id", "shoe_size"], "rows": []}}}', "columns"),
])
def test_unusable_files_are_refused_clearly(sqlite_url, tmp_path, content, message):
    db.connect(sqlite_url)
    path = tmp_path / "backup.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        services.restore_database(path)
    assert backup_module.database_is_empty()


def _edited_backup(tmp_path, edit) -> str:
    out = io.StringIO()
    services.backup_database(out)
    data = json.loads(out.getvalue())
    edit(data["tables"])
    path = tmp_path / "edited.json"
    path.write_text(signed(data), encoding="utf-8")
    return path


def _set(tables, table, column, value, row=0):
    index = tables[table]["columns"].index(column)
    tables[table]["rows"][row][index] = value


@pytest.mark.parametrize("edit, message", [
    # A bad value in the last table: the tables before it must not stay behind.
    (lambda t: _set(t, "audit_event", "at", "yesterday", row=-1),
     "audit_event.*'yesterday' is not a date and time"),
    (lambda t: _set(t, "time_slot", "is_blocked", "no"), "time_slot.*bad value"),
    (lambda t: _set(t, "booking", "customer_name", None), "must have a value"),
    (lambda t: _set(t, "booking", "time_slot_id", 999_999), "does not fit together"),
    (lambda t: (t["user"]["rows"].append(t["user"]["rows"][0]),
                t["user"].update(count=len(t["user"]["rows"]))),
     "does not fit together"),
])
def test_a_broken_row_restores_nothing(source_db, target_url, tmp_path, edit, message):
    path = _edited_backup(tmp_path, edit)
    db.connect(target_url)
    with pytest.raises(InvalidInput, match=message):
        services.restore_database(path)
    assert backup_module.database_is_empty()
    assert AuditEvent.select().count() == 0 and TimeSlot.select().count() == 0


def test_backup_file_is_private_to_its_owner(source_db, tmp_path):
    import stat
    path = tmp_path / "private.json"
    services.backup_database(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(tmp_path.glob("*.part"))


def test_restore_refuses_counters_that_disagree_with_bookings(source_db, target_url, tmp_path):
    """A hand-edited backup whose counter says 0 for a slot holding an active
    booking would let the slot be over-booked later: nothing is restored."""
    path = tmp_path / "edited.json"
    services.backup_database(path)
    data = json.loads(path.read_text())
    slot_id = Booking.get(Booking.status == "confirmed").time_slot_id
    table = data["tables"]["time_slot"]
    columns = table["columns"]
    for row in table["rows"]:
        if row[columns.index("id")] == slot_id:
            row[columns.index("current_bookings")] = 0
    path.write_text(signed(data))
    db.connect(target_url)
    with pytest.raises(InvalidInput, match="breaks the booking rules"):
        services.restore_database(path)
    assert services.list_businesses() == [] and TimeSlot.select().count() == 0


def test_restore_refuses_a_value_too_long_for_its_column(source_db, pg_schema_url, tmp_path):
    """PostgreSQL enforces column lengths (SQLite does not): a clear refusal."""
    path = tmp_path / "long.json"
    services.backup_database(path)
    data = json.loads(path.read_text())
    table = data["tables"]["booking"]
    table["rows"][0][table["columns"].index("reference")] = "X" * 500
    path.write_text(signed(data))
    db.connect(pg_schema_url)
    with pytest.raises(InvalidInput, match="nothing was restored"):
        services.restore_database(path)
    assert Booking.select().count() == 0


def test_closed_slots_survive_a_backup_and_older_backups_get_them_from_the_hours(
        sqlite_url, now, target_url, tmp_path):
    """closed_reason travels with the slots; a backup made before it existed
    (no such column) has it worked out from the restored hours."""
    database = db.connect(sqlite_url)
    owner = services.create_user("olga", "owner-password", role="owner")
    business = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(business)
    monday = date(2030, 3, 4)
    services.generate_time_slots(business, monday, monday, max_capacity=2, by=owner, now=now)
    slot = services.slots_between(business, monday)[2]
    services.create_booking(slot, "Ana", now=now)
    services.set_hours_exception(business, monday, note="Public holiday", by=owner, now=now)
    path, older = tmp_path / "backup.json", tmp_path / "older.json"
    services.backup_database(path)
    data = json.loads(path.read_text())
    table = data["tables"]["time_slot"]
    assert "closed_reason" in table["columns"]
    at = table["columns"].index("closed_reason")
    del table["columns"][at]
    for row in table["rows"]:
        del row[at]
    data["migrations"] = [m for m in data["migrations"] if m != "0008_slot_closed_reason"]
    data["version"] = 1  # the format before the checksum
    del data["sha256"]
    older.write_text(json.dumps(data))
    db.close(database)

    for backup, url in ((older, target_url), (path, f"sqlite:///{tmp_path / 'copy.db'}")):
        db.connect(url)
        services.restore_database(backup)
        restored = list(TimeSlot.select().order_by(TimeSlot.id))
        assert len(restored) == 16 and slot.id in {s.id for s in restored}
        assert {s.closed_reason for s in restored} == {"Closed: Public holiday"}
        db.close()
