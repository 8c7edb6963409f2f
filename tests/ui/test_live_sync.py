"""Two desks on one PostgreSQL database: a window hears the other desk's
change as it commits (LISTEN/NOTIFY watched by a QSocketNotifier), without
polling. When its listening connection ends it listens again at once and
refreshes everything; when the server stays out of reach a banner says so,
writes are refused at once, and the desk comes back by itself."""
from datetime import time, timedelta

import psycopg
import pytest
from PySide6.QtCore import QSettings

from booking_desktop import db, services
from booking_desktop.services import users as user_service
from booking_desktop.ui.app import open_main_window
from booking_desktop.ui.settings import Settings
from tests.conftest import PG_URL
from tests.helpers import in_a_thread


@pytest.fixture
def pg_window(qtbot, pg_schema_url, tmp_path):
    """The window of a desk on PostgreSQL, showing tomorrow's slots."""
    db.connect(pg_schema_url)
    owner = user_service.create_user("olga", "owner-password", role="owner")
    shop = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(shop, {d: [(time(0), time(23, 30))] for d in range(7)}, by=owner)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = open_main_window(pg_schema_url, owner, shop, settings)
    qtbot.addWidget(window)
    window.show()
    day = window.session.today() + timedelta(days=1)
    services.generate_time_slots(shop, day, day, max_capacity=3, by=owner)
    window.front_desk.set_day(day)
    yield window, shop, day
    window.session.stop_watching()
    window.close()


def listed_names(window) -> set[str]:
    return {booking.customer_name for booking in window.front_desk.model.bookings()}


def another_desk_books(shop, day, name):
    """A second desk: its own thread and connection."""
    def book():
        slot = services.nearest_free_slot(services.get_business(shop.id), day)
        services.create_booking(slot.id, name)
    in_a_thread(book)


@pytest.mark.skipif(not PG_URL, reason="needs BOOKING_TEST_POSTGRES_URL")
def test_another_desks_booking_shows_without_polling(qtbot, pg_window):
    window, shop, day = pg_window
    assert window.session.listening and not window.session._watcher.isActive()
    another_desk_books(shop, day, "Nora Other")
    qtbot.waitUntil(lambda: "Nora Other" in listed_names(window), timeout=3000)


@pytest.mark.skipif(not PG_URL, reason="needs BOOKING_TEST_POSTGRES_URL")
def test_a_lost_listener_listens_again_and_refreshes(qtbot, pg_window, monkeypatch):
    """Its connection ended (the server is fine): the window listens again at
    once, without a banner, and refreshes what it may have missed."""
    from booking_desktop.ui import session as session_module

    window, shop, day = pg_window
    session = window.session
    monkeypatch.setattr(session_module, "FIRST_RETRY_MS", 1500)  # time to book meanwhile
    pid = session._listener.conn.info.backend_pid
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    qtbot.waitUntil(lambda: not session.listening, timeout=3000)
    another_desk_books(shop, day, "Paul Meanwhile")  # said while nobody listened
    qtbot.waitUntil(lambda: session.listening, timeout=5000)
    assert session.online and not window.offline_bar.isVisible()
    qtbot.waitUntil(lambda: "Paul Meanwhile" in listed_names(window), timeout=3000)
    assert not session._watcher.isActive()
    another_desk_books(shop, day, "Quinn Later")
    qtbot.waitUntil(lambda: "Quinn Later" in listed_names(window), timeout=3000)


@pytest.mark.skipif(not PG_URL, reason="needs BOOKING_TEST_POSTGRES_URL")
def test_watching_again_keeps_one_listening_connection(qtbot, pg_window):
    window, shop, day = pg_window
    session = window.session
    first = session._listener
    session.start_watching()
    assert session.listening and session._listener is not first
    assert first.conn.closed  # the old connection is given back, not left behind
    another_desk_books(shop, day, "Rita Once")
    qtbot.waitUntil(lambda: "Rita Once" in listed_names(window), timeout=3000)


@pytest.mark.skipif(not PG_URL, reason="needs BOOKING_TEST_POSTGRES_URL")
def test_server_out_of_reach_is_said_writes_wait_and_the_desk_comes_back(qtbot, pg_window,
                                                                         monkeypatch):
    """The listener's connection drops and listening again fails (the server
    is out of reach): a banner says so, the walk-in refuses at once keeping
    what was typed, nothing is written; when the server answers again the
    banner goes and the window refreshes."""
    from booking_desktop.errors import DatabaseUnavailable
    from booking_desktop.models import Booking

    window, shop, day = pg_window
    session = window.session
    real_listen = services.listen_for_changes

    def out_of_reach():
        raise DatabaseUnavailable("server down")
    monkeypatch.setattr(services, "listen_for_changes", out_of_reach)
    pid = session._listener.conn.info.backend_pid
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    qtbot.waitUntil(lambda: not session.online, timeout=3000)
    assert window.offline_bar.isVisible()
    assert window.offline_bar.label.text().startswith("The database is out of reach.")
    assert window.sync_label.text() == "Offline · reconnecting…"

    form = window.front_desk.walk_in
    form.name.setText("Olive Offline")
    form.book()
    assert form.name.text() == "Olive Offline"  # kept for when it is back
    assert form.message.label.text().startswith("The database is out of reach, so nothing")
    assert not Booking.select().where(Booking.customer_name == "Olive Offline").exists()

    monkeypatch.setattr(services, "listen_for_changes", real_listen)
    session._relisten.setInterval(50)
    session._relisten.start()
    qtbot.waitUntil(lambda: session.online and session.listening, timeout=3000)
    assert not window.offline_bar.isVisible()
    form.book()
    assert Booking.select().where(Booking.customer_name == "Olive Offline").count() == 1


@pytest.mark.skipif(not PG_URL, reason="needs BOOKING_TEST_POSTGRES_URL")
def test_two_windows_see_each_others_walk_ins(qtbot, threaded_desk, pg_schema_url, tmp_path):
    """Two desks' windows, each with its database thread and its listening
    connection: what one books, the other shows, both ways."""
    db.connect(pg_schema_url)
    owner = user_service.create_user("olga", "owner-password", role="owner")
    shop = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(shop, {d: [(time(0), time(23, 30))] for d in range(7)}, by=owner)
    windows = []
    for number in range(2):
        settings = Settings(QSettings(str(tmp_path / f"desk{number}.ini"),
                                      QSettings.Format.IniFormat))
        window = open_main_window(pg_schema_url, owner, shop, settings)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
    day = windows[0].session.today() + timedelta(days=1)
    services.generate_time_slots(shop, day, day, max_capacity=3, by=owner)
    for window in windows:
        window.front_desk.set_day(day)
        qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
        assert window.session.listening
    try:
        for booking_desk, other_desk, name in ((windows[0], windows[1], "Booked At A"),
                                              (windows[1], windows[0], "Booked At B")):
            form = booking_desk.front_desk.walk_in
            form.name.setText(name)
            form.book()
            qtbot.waitUntil(lambda d=booking_desk, n=name: n in listed_names(d), timeout=5000)
            qtbot.waitUntil(lambda d=other_desk, n=name: n in listed_names(d), timeout=5000)
    finally:
        for window in windows:
            window.close()


def test_a_window_that_stops_watching_before_its_listener_opens_never_polls(
        qtbot, threaded_desk, database, db_url, settings):
    """The listening connection opens on the window's database thread; a
    window that stops watching meanwhile (closed, or told to, as a test of
    one desk's own traffic does) must not start polling when that answer
    comes: its polls would refresh every view after each of its own changes.
    Both backends (SQLite has no listener and polls instead)."""
    owner = user_service.create_user("olga", "owner-password", role="owner")
    shop = services.create_business("Corner Salon", "UTC")
    window = open_main_window(db_url, owner, shop, settings)
    qtbot.addWidget(window)
    session = window.session
    session.stop_watching()  # before the worker has answered
    qtbot.waitUntil(session.pipeline.idle, timeout=10_000)
    assert not session._watcher.isActive()
    assert not session.listening
    session.start_watching()  # and watching again still works
    qtbot.waitUntil(session.pipeline.idle, timeout=10_000)
    assert session.listening or session._watcher.isActive()
    session.stop_watching()
    window.close()
