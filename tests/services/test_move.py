"""Moving a desk's database into an empty one (SQLite -> PostgreSQL and
back): every row with its id, the audit chain intact, sequences moved on,
the copy verified row for row; refused, changing nothing, when the target
is not empty, unreachable, the same database, or of a newer schema."""
import uuid
from pathlib import Path

import pytest

from booking_desktop import db, services
from booking_desktop.errors import DatabaseNotUsable, DatabaseUnavailable, InvalidInput
from booking_desktop.models import Booking
from booking_desktop.services import move as move_module
from booking_desktop.services.integrity import check_audit_chain
from booking_desktop.services.move import CopyDiffers, move_database, verify_copy
from tests.conftest import PG_URL
from tests.services.test_backup import fill_with_varied_data, snapshot


@pytest.fixture
def sqlite_source(sqlite_url, now):
    handle = db.connect(sqlite_url)
    fill_with_varied_data(now)
    yield handle
    db.close()


def _opened(url):
    handle = db.connect(url)
    return snapshot(), handle


def test_sqlite_to_postgresql_copies_every_row_in_pages(sqlite_source, pg_schema_url, now):
    original = snapshot()
    assert all(original.values())
    report = move_database(pg_schema_url, page=7)  # many pages per table
    assert report.rows == {name: len(rows) for name, rows in original.items()}
    assert "search_path" not in report.target or report.target.startswith("postgresql://")

    copied, _ = _opened(pg_schema_url)
    assert copied == original  # ids, timestamps, hashes: row for row
    assert services.check_integrity() == []
    assert check_audit_chain().intact
    # The sequences moved on: a new booking gets the next id, not a used one.
    slot = services.next_free_slot(services.find_business("Salon Lindenhof"), now=now)
    booking = services.create_booking(slot, "After Move", "after@example.com", now=now)
    assert booking.id == max(row[0] for row in original["booking"]) + 1
    assert check_audit_chain().intact


def test_postgresql_to_sqlite_is_identical(pg_schema_url, tmp_path, now):
    db.connect(pg_schema_url)
    fill_with_varied_data(now)
    original = snapshot()
    target = f"sqlite:///{tmp_path / 'back' / 'desk.db'}"
    report = move_database(target, page=50)
    assert report.total == sum(len(rows) for rows in original.values())
    copied, _ = _opened(target)
    assert copied == original
    assert services.check_integrity() == [] and check_audit_chain().intact


@pytest.fixture(params=["sqlite", "postgresql"])
def other_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'other.db'}"
    return request.getfixturevalue("pg_schema_url")


def test_a_target_that_holds_data_is_refused_and_unchanged(sqlite_url, other_url, now):
    db.connect(other_url)
    services.create_business("Already Here", "UTC")
    before = snapshot()
    db.connect(sqlite_url)
    fill_with_varied_data(now)
    original = snapshot()
    with pytest.raises(InvalidInput, match="already holds data"):
        move_database(other_url)
    assert snapshot() == original
    db.connect(other_url)
    assert snapshot() == before


def test_the_same_database_is_refused(sqlite_source, sqlite_url):
    before = snapshot()
    with pytest.raises(InvalidInput, match="is this desk's database already"):
        move_database(sqlite_url)
    assert snapshot() == before


def test_the_same_postgresql_schema_is_refused(pg_schema_url):
    db.connect(pg_schema_url)
    with pytest.raises(InvalidInput, match="is this desk's database already"):
        move_database(pg_schema_url)


def test_an_unreachable_server_is_refused(sqlite_source):
    with pytest.raises(DatabaseUnavailable, match="not answering on port 1"):
        move_database("postgresql://postgres@127.0.0.1:1/test")


def test_a_missing_database_and_an_unknown_user_are_refused(sqlite_source):
    if not PG_URL:
        pytest.skip("needs PostgreSQL")
    host = PG_URL.split("@", 1)[1].split("/", 1)[0]
    with pytest.raises(DatabaseNotUsable, match="There is no database 'no_such_db_"):
        move_database(f"postgresql://postgres@{host}/no_such_db_{uuid.uuid4().hex[:8]}")
    with pytest.raises(DatabaseNotUsable, match="refused the user name nobody_"):
        move_database(f"postgresql://nobody_{uuid.uuid4().hex[:8]}@{host}/test")


def test_a_newer_schema_is_refused(sqlite_url, other_url, now):
    db.connect(other_url)
    db.models.database.execute_sql(
        "INSERT INTO schema_migration (name, applied) VALUES ('9999_from_the_future', "
        "CURRENT_TIMESTAMP)")
    db.connect(sqlite_url)
    fill_with_varied_data(now)
    with pytest.raises(DatabaseNotUsable, match="newer version"):
        move_database(other_url)


def test_verify_names_the_first_difference(sqlite_source, pg_schema_url):
    move_database(pg_schema_url)
    target = db.open_database(pg_schema_url)
    try:
        assert verify_copy(sqlite_source, target)["booking"] == Booking.select().count()
        booking_id = Booking.select(Booking.id).order_by(Booking.id).limit(1).offset(3).scalar()
        target.execute_sql("UPDATE booking SET notes = notes || '!' WHERE id = %s", (booking_id,))
        with pytest.raises(CopyDiffers) as refused:
            verify_copy(sqlite_source, target)
        assert (refused.value.table, refused.value.row_id, refused.value.column) == (
            "booking", booking_id, "notes")
        assert str(refused.value) == (f"The copy is not identical: table booking, id "
                                      f"{booking_id}, column notes differs.")
    finally:
        db.close(target)


def test_a_copy_that_differs_is_rolled_back(sqlite_source, other_url, monkeypatch):
    """A copy that comes out different (here: one name changed on its way)
    is not kept: the target is as empty as before and the source unchanged."""
    original = snapshot()
    real_insert = move_module.insert_rows

    def tampering(model, fields, rows, database):
        if model is Booking and rows:
            names = [f.name for f in fields]
            first = list(rows[0])
            first[names.index("customer_name")] = "Someone Else"
            rows = [tuple(first), *rows[1:]]
        return real_insert(model, fields, rows, database)

    monkeypatch.setattr(move_module, "insert_rows", tampering)
    with pytest.raises(CopyDiffers, match="table booking, id .*, column customer_name differs"):
        move_database(other_url)
    assert snapshot() == original
    if other_url.startswith("sqlite"):
        assert not Path(other_url[len("sqlite:///"):]).exists()  # the file it made is gone
    else:
        import psycopg

        schema = other_url.rsplit("search_path%3D", 1)[-1]
        with psycopg.connect(PG_URL) as admin:  # the tables it made are gone too
            assert admin.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s",
                                 (schema,)).fetchone()[0] == 0
