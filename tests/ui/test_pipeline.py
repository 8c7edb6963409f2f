"""The operation pipeline on its real worker thread: the window keeps
ticking while the database is slow, changes run in order, undo takes the
step whose turn it is, reads answer only the newest request, hidden views
wait until shown, and a walk-in books exactly once."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from booking_desktop import services
from booking_desktop.models import Booking
from booking_desktop.services import desk, undo
from booking_desktop.ui.operations import Change


@pytest.fixture
def window(threaded_desk, make_window, desk_staff, shop, qtbot):
    window = make_window(desk_staff, shop)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    return window


class Ticks:
    """A 2 ms timer: the largest gap between its ticks is how long the
    window was frozen."""

    def __init__(self):
        self.clock = QElapsedTimer()
        self.largest = 0
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)

    def __enter__(self):
        self.clock.start()
        self.timer.start()
        return self

    def _tick(self):
        self.largest = max(self.largest, self.clock.restart())

    def __exit__(self, *exc):
        self.timer.stop()


def slow(monkeypatch, module, name, seconds):
    real = getattr(module, name)

    def slowed(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, slowed)


def test_the_window_keeps_ticking_while_a_slow_booking_runs(qtbot, window, monkeypatch):
    """The database takes 0.6 s to book and 0.3 s to read the day: the
    window never stops for anything near that, and the row shows at the end."""
    slow(monkeypatch, undo, "create_booking", 0.6)
    slow(monkeypatch, desk, "day_schedule", 0.3)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    form = window.front_desk.walk_in
    qtbot.keyClicks(form.name, "Patient Pat")
    with Ticks() as ticks:
        qtbot.keyClick(form.name, Qt.Key.Key_Return)
        assert form.book_button.text() == "Booking…"  # busy in the form, not a frozen window
        assert form.name.text() == "Patient Pat"
        qtbot.waitUntil(lambda: window.front_desk.selected_booking() is not None
                        and window.front_desk.selected_booking().customer_name == "Patient Pat",
                        timeout=10_000)
    assert ticks.largest < 200, f"the window froze for {ticks.largest} ms"
    assert Booking.select().where(Booking.customer_name == "Patient Pat").count() == 1
    assert form.book_button.text() == "Book  (Enter)"


def test_enter_twice_while_booking_books_once(qtbot, window, monkeypatch):
    slow(monkeypatch, undo, "create_booking", 0.3)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    form = window.front_desk.walk_in
    qtbot.keyClicks(form.name, "Impatient Ida")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    assert Booking.select().where(Booking.customer_name == "Impatient Ida").count() == 1


def test_two_quick_undos_take_back_two_different_steps(qtbot, window, shop, monkeypatch):
    """Ctrl+Z twice before the first answer: each undo takes the step at the
    stack's index when its turn comes, never the same one twice."""
    day = datetime.now(timezone.utc).date() + timedelta(days=1)
    slot = services.available_slots(shop, day)[3]
    form = window.front_desk.walk_in
    window.front_desk.set_day(day)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    for name in ("Ann One", "Ben Two"):
        form.select_slot(slot.id)
        form.name.setText(name)
        form.book()
        qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    assert services.get_slot(slot.id).current_bookings == 2
    slow(monkeypatch, undo, "cancel_booking", 0.2)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    statuses = {b.customer_name: b.status for b in Booking.select()}
    assert statuses == {"Ann One": "cancelled", "Ben Two": "cancelled"}
    assert window.undo_stack.index() == 0
    assert services.get_slot(slot.id).current_bookings == 0


def test_only_the_newest_read_is_answered(qtbot, window):
    pipeline = window.session.pipeline
    release = threading.Event()
    shown = []

    def first():
        release.wait(5)
        return "old"

    pipeline.read("same", first, shown.append)
    pipeline.read("same", lambda: "skipped", shown.append)  # overtaken before it ran
    pipeline.read("same", lambda: "new", shown.append)
    release.set()
    qtbot.waitUntil(pipeline.idle, timeout=5000)
    assert shown == ["new"]


def test_a_hidden_view_reloads_only_when_shown(qtbot, window, monkeypatch):
    """Another desk's change: the day shown reloads now; the calendar (hidden)
    only when it is opened, once."""
    months = []
    real = services.month_overview
    monkeypatch.setattr(services, "month_overview",
                        lambda *a, **k: months.append(a) or real(*a, **k))
    window.session.did_execute.emit(Change("external"))
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    assert months == []
    window.show_view(1)
    qtbot.waitUntil(lambda: len(months) == 1, timeout=5000)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    window.session.did_execute.emit(Change("external"))  # shown now: reloads at once
    qtbot.waitUntil(lambda: len(months) == 2, timeout=5000)


def test_offline_refuses_at_once_and_keeps_the_typing(qtbot, window):
    form = window.front_desk.walk_in
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    qtbot.keyClicks(form.name, "Kept Kim")
    window.session._set_online(False)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert "nothing was saved" in form.message.label.text()
    assert form.name.text() == "Kept Kim"
    assert Booking.select().where(Booking.customer_name == "Kept Kim").count() == 0


def test_a_failing_view_callback_is_logged_and_the_pipeline_goes_on(qtbot, window, caplog):
    pipeline = window.session.pipeline

    def broken(_result):
        raise RuntimeError("a view's bug")

    pipeline.read("a", lambda: 1, broken)
    shown = []
    pipeline.read("b", lambda: 2, shown.append)
    qtbot.waitUntil(pipeline.idle, timeout=5000)
    assert shown == [2]
    assert "applying a database answer failed" in caplog.text


def test_an_answer_for_a_view_closed_meanwhile_is_dropped(qtbot, window, caplog):
    """A table opened and closed while the database was busy: its answers
    (count, pages, may-export) arrive after it is gone and are dropped."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtGui import QUndoStack

    from booking_desktop.ui.views.bookings_view import BookingsView
    pipeline = window.session.pipeline
    release = threading.Event()
    pipeline.read("busy", lambda: release.wait(5), lambda _answer: None)
    view = BookingsView(window.session, QUndoStack())  # its reads wait behind "busy"
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    qtbot.waitUntil(pipeline.idle, timeout=5000)
    assert "applying a database answer failed" not in caplog.text


def test_a_server_slow_to_answer_the_listener_does_not_freeze_the_window(qtbot, window,
                                                                          monkeypatch):
    """Opening the connection that listens for other desks (at start, on a
    retry, on F5 while offline) can take the whole connect timeout while the
    server is out of reach: it is opened on the database thread."""
    def slow_listener():
        time.sleep(0.6)
        return None  # as on SQLite: nothing to listen to
    monkeypatch.setattr(services, "listen_for_changes", slow_listener)
    with Ticks() as ticks:
        window.session.start_watching()
        qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    assert ticks.largest < 200, f"the window froze for {ticks.largest} ms"
    assert window.session._watcher.isActive()  # no listener: it polls instead


def test_the_wait_between_tries_to_listen_again_grows(qtbot, window, monkeypatch):
    """While the server stays out of reach, each failed try to listen again
    doubles the wait (10 s, 20 s, 40 s, ... up to a minute), and a failed try does not
    restart it at its first step."""
    from booking_desktop.errors import DatabaseUnavailable

    def unreachable():
        raise DatabaseUnavailable()
    monkeypatch.setattr(services, "listen_for_changes", unreachable)
    session = window.session
    session._watching = session._server = True  # a desk on a server, listening before
    waits = []
    for _ in range(3):
        session._relisten.stop()  # as when its single shot has just fired
        session._listen_again()
        qtbot.waitUntil(session.pipeline.idle, timeout=5000)
        waits.append(session._relisten.interval())
    session._relisten.stop()
    assert waits == [10_000, 20_000, 40_000]
    assert not session.online
