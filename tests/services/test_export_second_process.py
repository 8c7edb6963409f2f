"""A long CSV export shares its work with a second process
(services/second_process.py): the same bytes as one process writes, its
progress counts both, and when the second process cannot start, fails or
dies the first writes that share itself. A cancel stops it and leaves no
file. SQLite and PostgreSQL (the second process opens the same database)."""
import logging
import multiprocessing
import os
import signal
import time
from datetime import date, datetime, timezone

import pytest

from booking_desktop import services
from booking_desktop.services import exports, second_process
from booking_desktop.services.desk import BookingFilter
from booking_desktop.services.exports import ExportCancelled
from booking_desktop.services.second_process import SecondProcess

EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)
MON, FRI = date(2030, 3, 4), date(2030, 3, 8)
PEOPLE = [("=HYPERLINK(\"http://evil.example\")", "x@example.com", "+44 20 7946 0000",
           "commas, \"quotes\"\nnew\r\nlines"),
          ("Zoë Ørsted 李小龍 🙂", None, "-1234", "@note"),
          ("محمد الأحمد", "rtl@example.com", None, "")]


@pytest.fixture
def shops(database):
    """Three businesses in three zones, a dozen bookings each, several per slot."""
    made = []
    for name, zone in (("Alpha Berlin", "Europe/Berlin"), ("Beta Tokyo", "Asia/Tokyo"),
                       ("Gamma New York", "America/New_York")):
        shop = services.create_business(name, zone)
        services.create_recurring_business_hours(shop, "weekday_9to5")
        services.generate_time_slots(shop, MON, FRI, slot_duration_minutes=60, max_capacity=3,
                                     now=EARLY)
        slots = services.slots_between(shop, MON, FRI)
        for i in range(12):
            name_, email, phone, notes = PEOPLE[i % 3]
            services.create_booking(slots[i // 2], f"{name_} {i}", email, phone, notes=notes,
                                    now=EARLY)
        made.append(shop)
    return made


@pytest.fixture
def split(monkeypatch):
    """Any export of two businesses or more is long enough to be shared."""
    monkeypatch.setattr(exports, "SECOND_PROCESS_ROWS", 1)
    monkeypatch.setattr(second_process, "cores", lambda: 2)


@pytest.fixture
def answers(monkeypatch):
    """What each SecondProcess.wait answered (rows, or None: it failed)."""
    seen = []
    real = SecondProcess.wait

    def wait(self, poll):
        seen.append(real(self, poll))
        return seen[-1]
    monkeypatch.setattr(SecondProcess, "wait", wait)
    return seen


def one_process(path, flt):
    """The same export written by this process alone."""
    saved = exports.SECOND_PROCESS_ROWS
    exports.SECOND_PROCESS_ROWS = 10**12
    try:
        return exports.export_csv(path, flt, bom=True)
    finally:
        exports.SECOND_PROCESS_ROWS = saved


def test_a_shared_export_is_byte_for_byte_the_one_process_export(shops, split, answers,
                                                                   tmp_path):
    flt = BookingFilter(date_from=MON, date_to=FRI)
    shown = []
    count = exports.export_csv(tmp_path / "shared.csv", flt, bom=True,
                               progress=lambda done, total: shown.append((done, total)))
    assert answers == [12]  # the second process wrote the last business's 12 rows
    assert count == one_process(tmp_path / "alone.csv", flt) == 36
    assert (tmp_path / "shared.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    assert shown[-1] == (36, 36)
    assert all(total == 36 for _, total in shown)
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".db"
                  and not p.name.startswith("booking.db")) == ["alone.csv", "shared.csv"]
    assert multiprocessing.active_children() == []


def test_a_second_process_that_cannot_open_the_database_leaves_its_share_to_the_first(
        shops, split, answers, tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(exports, "database_url",
                        lambda: f"sqlite:///{tmp_path / 'no such folder' / 'x.db'}")
    flt = BookingFilter(date_from=MON, date_to=FRI)
    shown = []
    with caplog.at_level(logging.WARNING, logger="booking_desktop.services.second_process"):
        count = exports.export_csv(tmp_path / "shared.csv", flt, bom=True,
                                   progress=lambda done, total: shown.append((done, total)))
    assert answers == [None]
    assert "the export's second process failed" in caplog.text
    assert "does not exist" in caplog.text
    assert not (tmp_path / "no such folder").exists()  # it made no database of its own
    assert count == one_process(tmp_path / "alone.csv", flt) == 36
    assert (tmp_path / "shared.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    assert shown[-1] == (36, 36)
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)


def test_without_shared_memory_or_a_pipe_the_first_process_writes_it_all(
        shops, split, tmp_path, monkeypatch, caplog):
    """A sandbox without /dev/shm, or no file handles left: the second process
    cannot be set up, so the export is written by one process, the same
    file, and its would-be file is removed."""
    out = tmp_path / "out"
    out.mkdir()

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/dev/shm")
    monkeypatch.setattr(second_process._SPAWN, "RawValue", refused)
    flt = BookingFilter(date_from=MON, date_to=FRI)
    with caplog.at_level(logging.WARNING, logger="booking_desktop.services.second_process"):
        assert exports.export_csv(out / "shared.csv", flt, bom=True) == 36
    assert "could not start a second process" in caplog.text
    assert one_process(tmp_path / "alone.csv", flt) == 36
    assert (out / "shared.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    assert [p.name for p in out.iterdir()] == ["shared.csv"]


def test_progress_never_goes_back_when_the_first_process_writes_the_share_again(
        shops, split, tmp_path, monkeypatch):
    """The second process reported its rows, then its answer was lost: the
    first writes them again and the bar waits where it was instead of going
    back."""
    real = SecondProcess.wait
    monkeypatch.setattr(SecondProcess, "wait", lambda self, poll: real(self, poll) and None)
    shown = []
    flt = BookingFilter(date_from=MON, date_to=FRI)
    assert exports.export_csv(tmp_path / "x.csv", flt,
                              progress=lambda done, total: shown.append((done, total))) == 36
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)
    assert shown[-1] == (36, 36) and all(total == 36 for _, total in shown)


def test_a_cancel_while_the_second_process_writes_stops_it_and_leaves_no_file(
        shops, split, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    waiting = []
    real = SecondProcess.wait

    def wait(self, poll):
        waiting.append(self.path)
        return real(self, poll)
    monkeypatch.setattr(SecondProcess, "wait", wait)
    with pytest.raises(ExportCancelled):
        exports.export_csv(out / "x.csv", BookingFilter(date_from=MON, date_to=FRI),
                           cancelled=lambda: bool(waiting))
    assert len(waiting) == 1
    assert list(out.iterdir()) == []  # neither the export nor the second process's file
    assert multiprocessing.active_children() == []


def test_a_short_export_or_one_business_stays_in_one_process(shops, monkeypatch):
    counted = [(shop, 40_000) for shop in shops]
    monkeypatch.setattr(second_process, "cores", lambda: 2)
    mine, theirs = exports._shares(counted)
    assert (mine, theirs) == (counted[:2], counted[2:])  # 55 % is nearest after two of three
    assert exports._shares(counted[:1] * 1) == (counted[:1], [])
    assert exports._shares([(shops[0], 30_000), (shops[1], 30_000)]) == (
        [(shops[0], 30_000), (shops[1], 30_000)], [])  # 60,000 rows: not worth a process
    lopsided = [(shops[0], 190_000), (shops[1], 10_000)]
    assert exports._shares(lopsided) == (lopsided, [])  # the second would get 5 %
    monkeypatch.setattr(second_process, "cores", lambda: 1)
    assert exports._shares(counted) == (counted, [])


def test_an_in_memory_database_has_no_address_for_a_second_process(tmp_path):
    from booking_desktop import db
    assert db.database_url(db.open_database("sqlite:///:memory:")) is None
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert db.database_url(db.open_database(url)) == url


# --- SecondProcess itself ----------------------------------------------------------
# The work runs in a fresh interpreter, so it must be importable: these live here.

def _write_lines(lines, path, progress):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for i, line in enumerate(lines, start=1):
            handle.write(line + "\r\n")
            progress(i)
    return len(lines)


def _fail(path, progress):
    progress(3)
    raise ValueError("the disk said no")


def _die(path, progress):
    os._exit(3)


def _sleep(path, progress):
    progress(1)
    time.sleep(60)
    return 1


def _slow_lines(path, progress):
    """Writes a line every 20 ms for a minute, reporting each."""
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(1, 3000):
            handle.write(f"row {i}\n")
            handle.flush()
            progress(i)
            time.sleep(0.02)
    return 3000


def _first_process(folder):
    """Run as a process of its own by the test below: start a second process
    writing slowly, say its pid and file, then wait to be killed."""
    helper = SecondProcess(_slow_lines, (), folder)
    while not helper.done:
        time.sleep(0.02)
    print(helper._process.pid, helper.path, flush=True)
    time.sleep(120)


def _gone(pid) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.split()[:2] == ["State:", "Z"] for line in status)
    except FileNotFoundError:
        return True


def test_second_process_writes_a_file_that_is_appended_as_bytes(tmp_path):
    lines = ["a,b", "\"x\ny\",🙂", "é"]
    with open(tmp_path / "out.csv", "w", encoding="utf-8", newline="") as handle:
        handle.write("head\r\n")
        with SecondProcess(_write_lines, (lines,), tmp_path) as helper:
            assert helper.wait(lambda: None) == 3
            assert helper.done == 3
            helper.append_to(handle)
            part = helper.path
        assert not os.path.exists(part)
    assert (tmp_path / "out.csv").read_bytes() == "head\r\na,b\r\n\"x\ny\",🙂\r\né\r\n".encode()
    assert os.stat(tmp_path / "out.csv").st_size > 0


@pytest.mark.parametrize("work, logged", [(_fail, "ValueError: the disk said no"),
                                          (_die, "ended without an answer (exit code 3)")])
def test_a_failed_or_dead_second_process_answers_none_and_says_why(work, logged, tmp_path,
                                                                     caplog):
    with caplog.at_level(logging.WARNING, logger="booking_desktop.services.second_process"):
        with SecondProcess(work, (), tmp_path) as helper:
            assert helper.wait(lambda: None) is None
    assert logged in caplog.text
    assert list(tmp_path.iterdir()) == []


def test_what_poll_raises_stops_the_wait_and_close_stops_the_process(tmp_path):
    started = time.monotonic()
    with pytest.raises(ExportCancelled):
        with SecondProcess(_sleep, (), tmp_path) as helper:
            def poll():
                if helper.done:
                    raise ExportCancelled()
            helper.wait(poll)
    assert time.monotonic() - started < 30
    assert list(tmp_path.iterdir()) == []
    assert multiprocessing.active_children() == []


def test_a_stopped_second_process_removes_its_own_file(tmp_path):
    """multiprocessing stops a daemon process with SIGTERM when the app
    exits: the second process removes its file itself, before anyone closes
    it."""
    with SecondProcess(_slow_lines, (), tmp_path) as helper:
        deadline = time.monotonic() + 30
        while not helper.done and time.monotonic() < deadline:
            time.sleep(0.02)
        assert helper.done and os.path.exists(helper.path)
        os.kill(helper._process.pid, signal.SIGTERM)
        assert helper.wait(lambda: None) is None
        assert not os.path.exists(helper.path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_second_process_whose_first_was_killed_stops_and_removes_its_file(tmp_path):
    """The app killed mid-export (SIGKILL: no clean-up runs in it): the
    second process notices at its next progress report, stops writing and
    removes its file, instead of writing the rest of the customers'
    details out for nobody."""
    import subprocess
    import sys
    first = subprocess.Popen(
        [sys.executable, "-c", "import sys; from tests.services.test_export_second_process "
                               "import _first_process; _first_process(sys.argv[1])",
         str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        pid, path = first.stdout.readline().split()
        assert os.path.exists(path)
    finally:
        first.kill()
        first.wait()
    deadline = time.monotonic() + 20
    while not _gone(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(int(pid))
    assert not os.path.exists(path)
    assert list(tmp_path.iterdir()) == []
