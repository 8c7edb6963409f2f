"""A long CSV export shares its work with a second process
(services/second_process.py): the same bytes as one process writes, its
progress counts both, and when the second process cannot start, fails or
dies the first writes that share itself. A cancel stops it and leaves no
file. SQLite and PostgreSQL (the second process opens the same database)."""
import logging
import multiprocessing
import os
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
    assert count == one_process(tmp_path / "alone.csv", flt) == 36
    assert (tmp_path / "shared.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    assert shown[-1] == (36, 36)
    assert [done for done, _ in shown] == sorted(done for done, _ in shown)


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
