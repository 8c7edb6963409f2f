"""Opening a database that cannot be used, and a disk that cannot be
written: one clear message, and the file left exactly as it was."""
import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from booking_desktop import db, services
from booking_desktop.errors import DatabaseNotUsable, DatabaseUnavailable, DiskFull
from booking_desktop.models import TimeSlot, database

ROOT = Path(__file__).resolve().parents[1]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def a_booking_database(path: Path) -> Path:
    db.connect(f"sqlite:///{path}")
    shop = services.create_business("Salon", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "everyday_10to6")
    db.close()
    return path


def not_databases(tmp_path: Path) -> dict[str, Path]:
    files = {
        "text": tmp_path / "notes.txt",
        "png": tmp_path / "logo.png",
        "backup": tmp_path / "booking-backup.json",
        "short": tmp_path / "short.db",
    }
    files["text"].write_text("Monday: call the supplier\n" * 50)
    files["png"].write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    files["backup"].write_text('{"format": "booking-desktop-backup", "tables": {}}')
    files["short"].write_bytes(b"SQLite")
    damaged = a_booking_database(tmp_path / "damaged.db")
    data = bytearray(damaged.read_bytes())
    data[100:4096] = os.urandom(3996)  # the schema page, after the intact header
    damaged.write_bytes(bytes(data))
    files["damaged"] = damaged
    return files


@pytest.mark.parametrize("kind", ["text", "png", "backup", "short", "damaged"])
def test_a_file_that_is_not_a_booking_database_is_refused_untouched(tmp_path, kind):
    path = not_databases(tmp_path)[kind]
    before = digest(path)
    with pytest.raises(DatabaseNotUsable) as refused:
        db.connect(f"sqlite:///{path}")
    assert str(refused.value).startswith(f"{path} is not a Booking Desktop database, or it is damaged")
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists() or kind == "damaged"


def test_command_line_says_what_the_file_is(tmp_path, run):
    path = not_databases(tmp_path)["png"]
    code, out, err = run("--db", f"sqlite:///{path}", "check")
    assert code != 0 and out == ""
    assert err.strip().splitlines() == [
        f"error: {path} is not a Booking Desktop database, or it is damaged. "
        "Nothing was changed in it."]


def test_another_programs_sqlite_database_is_not_migrated(tmp_path):
    path = tmp_path / "inventory.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
        other.execute("INSERT INTO item (name) VALUES ('shampoo')")
    other.close()
    before = digest(path)
    with pytest.raises(DatabaseNotUsable, match="belongs to another program"):
        db.connect(f"sqlite:///{path}")
    assert digest(path) == before
    with sqlite3.connect(path) as other:
        tables = [r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["item"]


def test_a_database_from_a_newer_version_is_refused(db_url):
    db.connect(db_url)
    database.execute_sql("INSERT INTO schema_migration (name, applied) VALUES (?, ?)"
                         .replace("?", database.param), ("0999_from_the_future", "2031-01-01"))
    db.close()
    with pytest.raises(DatabaseNotUsable, match="newer version of Booking Desktop"):
        db.connect(db_url)


def test_a_database_held_locked_fails_with_the_projects_error(tmp_path, monkeypatch):
    path = a_booking_database(tmp_path / "booking.db")
    monkeypatch.setitem(db.SQLITE_PRAGMAS, "busy_timeout", 200)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseUnavailable, match="locked by another program"):
            db.connect(f"sqlite:///{path}")
    finally:
        holder.rollback()
        holder.close()


def test_new_database_file_and_folder_are_private(tmp_path):
    path = tmp_path / "data" / "booking.db"
    db.connect(f"sqlite:///{path}")
    services.create_business("Salon", "Europe/Berlin")
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            assert extra.exists()
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra
    finally:
        db.close()


def test_database_full_is_reported_and_nothing_saved(tmp_path):
    path = a_booking_database(tmp_path / "booking.db")
    db.connect(f"sqlite:///{path}")
    try:
        shop = services.list_businesses()[0]
        pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
        database.execute_sql(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(DiskFull, match="^The disk is full: nothing was saved"):
            services.generate_time_slots(shop, date(2030, 1, 1), date(2031, 12, 31), 5, 3)
        assert TimeSlot.select().count() == 0
    finally:
        db.close()


def test_file_size_limit_reached_is_reported_not_a_failed_rollback(tmp_path):
    """A real write failure (the file may not grow: RLIMIT_FSIZE, as on a full
    disk) in a process of its own; before, the failed ROLLBACK after it was all
    one saw ("cannot rollback - no transaction is active")."""
    path = a_booking_database(tmp_path / "booking.db")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from datetime import date
        from booking_desktop import db, services
        from booking_desktop.errors import BookingError
        from booking_desktop.models import TimeSlot
        db.connect({f"sqlite:///{path}"!r})
        shop = services.list_businesses()[0]
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        limit = {path.stat().st_size + 40_000}
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            services.generate_time_slots(shop, date(2030, 1, 1), date(2031, 12, 31), 5, 3)
        except BookingError as exc:
            print(type(exc).__name__, exc)
        print("slots", TimeSlot.select().count())
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("DatabaseUnavailable The database file could not be written")
    assert "nothing was saved" in lines[0]
    assert lines[1] == "slots 0"
