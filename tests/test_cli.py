"""`python main.py ...`: the commands, run in-process through `cli.main` (and
a few as a real subprocess), checked against what lands in the database."""
import os
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest

import booking_desktop
import booking_desktop.tools
from booking_desktop import cli, db, services
from booking_desktop.models import BOOKING_SOURCES, BOOKING_STATUSES, Booking, Business, TimeSlot

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("init", "migrate", "demo", "generate-slots", "check", "backup", "restore", "user",
            "bench", "screenshot", "bench-ui")


@pytest.fixture
def opened():
    """Open a database to look at what a command left; closed afterwards."""
    handles = []

    def opened(url):
        handles.append(db.connect(url))
        return handles[-1]
    yield opened
    for handle in handles:
        db.close(handle)


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password.txt"
    path.write_text("first-password\nignored second line\n", encoding="utf-8")
    return path


def assert_one_error_line(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err


def in_subprocess(*argv, env=None):
    return subprocess.run([sys.executable, "main.py", *map(str, argv)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


# --- help and start-up ---------------------------------------------------------------

def test_help_lists_every_command_with_a_description(run):
    code, out, _ = run("--help")
    assert code == 0
    for name in COMMANDS:
        assert name in out
    assert "create the database and the first owner account" in out


def test_help_as_a_subprocess_without_qt():
    result = in_subprocess("--help")
    assert result.returncode == 0 and "generate-slots" in result.stdout
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, booking_desktop.cli; print('PySide6' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "False"


def test_no_command_opens_the_window_on_the_chosen_database(run, monkeypatch, sqlite_url):
    opened_with = []
    fake = types.ModuleType("booking_desktop.ui.app")
    fake.run_gui = lambda url, connect: opened_with.append(url) or 0
    monkeypatch.setitem(sys.modules, "booking_desktop.ui.app", fake)
    assert run("--db", sqlite_url)[0] == 0
    monkeypatch.setenv("BOOKING_DB", "sqlite:///from-env.db")
    assert run()[0] == 0
    assert opened_with == [sqlite_url, "sqlite:///from-env.db"]


# --- init and users ------------------------------------------------------------------

def test_init_creates_the_first_owner_once(run, opened, sqlite_url, password_file):
    code, out, _ = run("init", "--db", sqlite_url, "--password-file", password_file)
    assert code == 0 and "owner" in out
    opened(sqlite_url)
    owner = services.authenticate("owner", "first-password")
    assert owner.role == "owner" and owner.active

    code, _, err = run("init", "--db", sqlite_url, "--username", "boss",
                       "--password-file", password_file)
    assert code == 1
    assert_one_error_line(err)
    assert "already has user accounts" in err
    assert [u.username for u in services.list_users()] == ["owner"]


def test_init_asks_the_password_twice(run, opened, sqlite_url, monkeypatch):
    answers = iter(["typed-password", "typed-password"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert run("--db", sqlite_url, "init", "--username", "ines")[0] == 0
    opened(sqlite_url)
    assert services.authenticate("ines", "typed-password").role == "owner"


def test_init_refuses_two_different_passwords(run, opened, sqlite_url, monkeypatch):
    answers = iter(["typed-password", "other-password"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    code, _, err = run("init", "--db", sqlite_url)
    assert code == 1 and "differ" in err
    assert_one_error_line(err)
    opened(sqlite_url)
    assert not services.has_users()


def test_user_add_list_disable_enable(run, opened, sqlite_url, password_file):
    assert run("init", "--db", sqlite_url, "--password-file", password_file)[0] == 0
    code, out, _ = run("user", "add", "sam", "--role", "staff", "--password-file", password_file,
                       "--db", sqlite_url)
    assert code == 0 and "sam" in out

    code, out, _ = run("--db", sqlite_url, "user", "list")
    assert code == 0
    listed = [line.split()[:3] for line in out.splitlines()]
    assert listed == [["owner", "owner", "active"], ["sam", "staff", "active"]]

    assert run("user", "disable", "sam", "--db", sqlite_url)[0] == 0
    assert "disabled" in run("user", "list", "--db", sqlite_url)[1].splitlines()[1]
    opened(sqlite_url)
    assert not services.get_user("sam").active
    db.close()

    code, _, err = run("user", "disable", "owner", "--db", sqlite_url)
    assert code == 1 and "last active owner" in err
    assert_one_error_line(err)
    assert run("user", "enable", "sam", "--db", sqlite_url)[0] == 0
    opened(sqlite_url)
    assert services.get_user("sam").active and services.get_user("owner").active


def test_user_allow_and_deny_export(run, opened, sqlite_url, password_file):
    assert run("init", "--db", sqlite_url, "--password-file", password_file)[0] == 0
    assert run("user", "add", "sam", "--password-file", password_file, "--db", sqlite_url)[0] == 0
    code, out, _ = run("user", "allow-export", "sam", "--db", sqlite_url)
    assert code == 0 and out == "The account 'sam' may now export customers' details.\n"
    assert run("user", "list", "--db", sqlite_url)[1].splitlines()[1].endswith("may export")
    opened(sqlite_url)
    assert services.get_user("sam").can_export
    db.close()

    code, out, _ = run("user", "deny-export", "sam", "--db", sqlite_url)
    assert code == 0 and "may no longer export" in out
    assert not run("user", "list", "--db", sqlite_url)[1].splitlines()[1].endswith("may export")
    for argv, message in ((("user", "allow-export", "ghost"), "No user called 'ghost'"),
                          (("user", "deny-export", "owner"), "owners can always export")):
        code, _, err = run(*argv, "--db", sqlite_url)
        assert code == 1 and message in err
        assert_one_error_line(err)
    opened(sqlite_url)
    assert not services.get_user("sam").can_export


def test_user_add_refuses_a_short_password(run, opened, sqlite_url, tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("abc\n")
    code, _, err = run("user", "add", "kim", "--password-file", short, "--db", sqlite_url)
    assert code == 1 and "at least 8 characters" in err
    opened(sqlite_url)
    assert services.list_users() == []


# --- migrations ----------------------------------------------------------------------

def migration_names():
    return [m.name for m in db.migration_runner().status()]


def applied_names():
    return [m.name for m in db.migration_runner().status() if m.applied]


def test_migrate_status_down_to_initial_and_up_again(run, opened, sqlite_url):
    code, out, _ = run("migrate", "--db", sqlite_url)
    assert code == 0 and "Applied" in out
    opened(sqlite_url)
    names = migration_names()
    assert applied_names() == names
    db.close()

    code, out, _ = run("migrate", "--status", "--db", sqlite_url)
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == names
    assert all(" applied " in line for line in out.splitlines())

    code, out, _ = run("migrate", "--to", "0001_initial", "--db", sqlite_url)
    assert code == 0 and "Rolled back" in out
    db.connect(sqlite_url, migrate=False)
    assert applied_names() == ["0001_initial"]
    db.close()
    out = run("migrate", "--status", "--db", sqlite_url)[1]
    assert "not applied" in out.splitlines()[-1]

    assert run("migrate", "--db", sqlite_url)[0] == 0
    db.connect(sqlite_url, migrate=False)
    assert applied_names() == names
    db.close()
    assert "Nothing to do" in run("migrate", "--db", sqlite_url)[1]


def test_migrate_to_zero_needs_yes_when_there_is_data(run, sqlite_url, password_file):
    assert run("init", "--db", sqlite_url, "--password-file", password_file)[0] == 0
    code, _, err = run("migrate", "--to", "zero", "--db", sqlite_url)
    assert code == 1 and "--yes" in err
    db.connect(sqlite_url, migrate=False)
    assert services.has_users()
    db.close()

    assert run("migrate", "--to", "zero", "--yes", "--db", sqlite_url)[0] == 0
    db.connect(sqlite_url, migrate=False)
    assert applied_names() == [] and db.models.database.get_tables() == ["schema_migration"]
    db.close()


# --- slots and checking --------------------------------------------------------------

@pytest.fixture
def salon(opened, sqlite_url):
    opened(sqlite_url)
    shop = services.create_business("Salon Berlin", "Europe/Berlin")
    services.create_recurring_business_hours(shop, "weekday_9to5")
    db.close()
    return shop


def test_generate_slots_then_check_and_repair(run, opened, sqlite_url, salon):
    code, out, _ = run("generate-slots", "--business", "Salon Berlin", "--from", "2030-03-04",
                       "--to", "2030-03-05", "--duration", "60", "--capacity", "2",
                       "--db", sqlite_url)
    assert code == 0 and "created 16 slots" in out
    assert "skipped 16" in run("generate-slots", "--business", "Salon Berlin", "--from",
                               "2030-03-04", "--to", "2030-03-05", "--duration", "60",
                               "--capacity", "2", "--db", sqlite_url)[1]
    opened(sqlite_url)
    slots = list(TimeSlot.select().order_by(TimeSlot.start))
    assert len(slots) == 16 and {s.max_capacity for s in slots} == {2}
    db.close()

    code, out, _ = run("check", "--db", sqlite_url)
    assert (code, out.strip()) == (0, "No problems found.")

    opened(sqlite_url)
    TimeSlot.update(current_bookings=1).where(TimeSlot.id == slots[3].id).execute()
    db.close()
    code, out, _ = run("check", "--db", sqlite_url)
    assert code == 1
    assert out.splitlines() == [
        f"Slot {slots[3].id}'s counter says 1 but it holds 0 active bookings."]

    code, out, _ = run("check", "--repair", "--db", sqlite_url)
    assert code == 0 and f"Repaired slot {slots[3].id}: counter 1 -> 0." in out
    opened(sqlite_url)
    assert TimeSlot.get_by_id(slots[3].id).current_bookings == 0


# --- mistakes ------------------------------------------------------------------------

@pytest.mark.parametrize("argv, code, words", [
    (["generate-slots", "--business", "Nowhere", "--from", "2030-03-04", "--to", "2030-03-05"],
     1, "No business called 'Nowhere'"),
    (["generate-slots", "--business", "Salon Berlin", "--from", "2030-02-30", "--to",
      "2030-03-05"], 2, "is not a date"),
    (["generate-slots", "--business", "Salon Berlin", "--from", "2030-03-05", "--to",
      "2030-03-04"], 1, "before the start date"),
    (["restore", "no-such-backup.json"], 1, "There is no backup file"),
    (["user", "disable", "ghost"], 1, "No user called 'ghost'"),
    (["frobnicate"], 2, "invalid choice"),
    (["check", "--no-such-option"], 2, "unrecognized arguments"),
])
def test_mistakes_print_one_line_and_fail(run, sqlite_url, salon, argv, code, words):
    result, out, err = run(*argv, "--db", sqlite_url)
    assert result == code
    assert_one_error_line(err)
    assert words in err


@pytest.mark.parametrize("url, words", [
    ("nonsense", "is not valid"),
    ("mysql://localhost/x", "Unknown database type"),
    ("postgresql://clerk:secret-word@127.0.0.1:1/nowhere", "Cannot use the database"),
])
def test_a_bad_or_unreachable_database_is_one_line(run, url, words):
    code, _, err = run("check", "--db", url)
    assert code == 1
    assert_one_error_line(err)
    assert words in err and "secret-word" not in err


def test_missing_restore_file_creates_no_database(run, tmp_path):
    code, _, err = run("restore", tmp_path / "missing.json", "--db",
                       f"sqlite:///{tmp_path / 'new.db'}")
    assert code == 1 and "There is no backup file" in err
    assert not (tmp_path / "new.db").exists()


def test_mistakes_in_a_subprocess_have_no_traceback(tmp_path):
    env = {**os.environ, "BOOKING_DB": f"sqlite:///{tmp_path / 'env.db'}"}
    result = in_subprocess("restore", tmp_path / "missing.json", env=env)
    assert result.returncode == 1
    assert_one_error_line(result.stderr)
    result = in_subprocess("check", "--db", "nonsense")
    assert result.returncode == 1
    assert_one_error_line(result.stderr)
    result = in_subprocess("generate-slots", "--business", "X", "--from", "someday", "--to",
                           "2030-01-01", env=env)
    assert result.returncode == 2
    assert_one_error_line(result.stderr)


def test_an_unexpected_error_is_one_line_and_logged_under_verbose(run, sqlite_url, monkeypatch):
    def broken():
        raise RuntimeError("disk gremlins")
    monkeypatch.setattr(services, "check_integrity", broken)
    code, _, err = run("check", "--db", sqlite_url)
    assert code == 1
    assert_one_error_line(err)
    assert "disk gremlins" in err and "--verbose" in err

    code, _, err = run("check", "--db", sqlite_url, "--verbose")
    assert code == 1 and "Traceback" in err and err.strip().splitlines()[-1].startswith("error:")


# --- demo, backup, restore -----------------------------------------------------------

def test_demo_builds_a_sound_realistic_database(run, opened, sqlite_url):
    code, out, _ = run("demo", "--db", sqlite_url)
    assert code == 0
    assert "owner (password owner-demo)" in out and "staff (password staff-demo)" in out
    assert run("check", "--db", sqlite_url)[0] == 0

    opened(sqlite_url)
    assert {b.timezone for b in Business.select()} == {
        "Europe/Berlin", "America/New_York", "Australia/Sydney"}
    assert 1500 <= Booking.select().count() <= 2600
    assert {b.status for b in Booking.select(Booking.status).distinct()} == set(BOOKING_STATUSES)
    assert {b.source for b in Booking.select(Booking.source).distinct()} == set(BOOKING_SOURCES)
    assert Booking.select().where(Booking.checked_in_at.is_null(False)).exists()
    assert Booking.select().where(Booking.customer_email.is_null()
                                  & Booking.customer_phone.is_null()).exists()
    assert TimeSlot.select().where(TimeSlot.is_blocked == True).count() >= 2  # noqa: E712
    assert services.authenticate("owner", "owner-demo").role == "owner"
    assert services.authenticate("staff", "staff-demo").role == "staff"
    db.close()

    code, _, err = run("demo", "--db", sqlite_url)
    assert code == 1 and "already holds data" in err


def test_demo_is_the_same_for_the_same_seed_and_day(opened, tmp_path, now):
    def customers(name):
        opened(f"sqlite:///{tmp_path / name}")
        services.build_demo(seed=3, now=now, scale=0.05)
        return list(Booking.select(Booking.reference, Booking.customer_name, Booking.status)
                    .order_by(Booking.id).tuples())
    assert customers("a.db") == customers("b.db")


def test_backup_and_restore_commands(run, opened, tmp_path, sqlite_url):
    assert run("demo", "--scale", "0.1", "--db", sqlite_url)[0] == 0
    opened(sqlite_url)
    original = [list(m.select().order_by(m.id).tuples()) for m in db.models.ALL_MODELS]
    db.close()
    backup = tmp_path / "backup.json"
    code, out, _ = run("backup", backup, "--db", sqlite_url)
    assert code == 0 and backup.is_file() and "bookings" in out

    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    code, out, _ = run("restore", backup, "--db", copy)
    assert code == 0 and "Restored" in out
    opened(copy)
    assert [list(m.select().order_by(m.id).tuples()) for m in db.models.ALL_MODELS] == original
    # The source holds one thing more: the backup's record (Owner → Health's "last backup").
    opened(sqlite_url)
    after = [list(m.select().order_by(m.id).tuples()) for m in db.models.ALL_MODELS]
    events = db.models.ALL_MODELS.index(db.models.AuditEvent)
    assert after[:events] + after[events + 1:] == original[:events] + original[events + 1:]
    assert after[events][:-1] == original[events]
    recorded = db.models.AuditEvent.get_by_id(after[events][-1][0])
    assert (recorded.action, recorded.user_id) == ("database.backup", None)
    assert str(backup) in recorded.details
    db.close()

    code, _, err = run("restore", backup, "--db", copy)
    assert code == 1 and "already holds data" in err
    assert_one_error_line(err)


def test_restore_command_onto_postgresql(run, opened, tmp_path, sqlite_url, pg_schema_url):
    assert run("demo", "--scale", "0.05", "--db", sqlite_url)[0] == 0
    backup = tmp_path / "backup.json"
    assert run("backup", backup, "--db", sqlite_url)[0] == 0
    assert run("restore", backup, "--db", pg_schema_url)[0] == 0
    assert run("check", "--db", pg_schema_url)[0] == 0
    opened(pg_schema_url)
    assert Booking.select().count() > 0


# --- bench ---------------------------------------------------------------------------

def test_bench_hands_over_its_arguments(run, monkeypatch, sqlite_url):
    seen = []
    fake = types.ModuleType("booking_desktop.tools.bench")
    fake.add_arguments = lambda parser: parser.add_argument("--scale", type=float, default=1.0)
    fake.run = lambda args: seen.append((args.db, args.scale)) or 0
    monkeypatch.setitem(sys.modules, "booking_desktop.tools.bench", fake)
    monkeypatch.setattr(booking_desktop.tools, "bench", fake, raising=False)
    monkeypatch.setenv("BOOKING_DB", "sqlite:///the-users-own.db")
    assert run("bench", "--scale", "0.5")[0] == 0
    assert run("bench", "--db", sqlite_url, "--scale", "0.25")[0] == 0
    # Never the user's database unless asked: only an explicit --db is passed on.
    assert seen == [(None, 0.5), (sqlite_url, 0.25)]
    code, _, err = run("bench", "--bogus")
    assert code == 2
    assert_one_error_line(err)


def test_bench_without_the_module_says_so(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "booking_desktop.tools.bench", None)
    monkeypatch.delattr(booking_desktop.tools, "bench", raising=False)
    code, _, err = run("bench")
    assert code == 1 and "benchmark is not part of this installation" in err
    assert_one_error_line(err)


def test_dates_are_checked_before_touching_the_database(run, tmp_path):
    url = f"sqlite:///{tmp_path / 'untouched.db'}"
    code, _, _ = run("generate-slots", "--business", "X", "--from", "03/04/2030", "--to",
                     date(2030, 3, 5).isoformat(), "--db", url)
    assert code == 2 and not (tmp_path / "untouched.db").exists()
