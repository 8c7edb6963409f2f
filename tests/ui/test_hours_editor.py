"""The business-hours editor, driven with the mouse and keys: painting,
erasing, inline validation, templates, holidays that strand bookings, the
staff's read-only view and unsaved changes."""
from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack

from booking_desktop import services
from booking_desktop.models import Booking
from booking_desktop.ui.views import hours_view
from booking_desktop.ui.views.hours_view import HoursView
from booking_desktop.ui.session import Session


@pytest.fixture
def make_view(qtbot, gui_db):
    def make(user, business):
        view = HoursView(Session(user, business), QUndoStack())
        qtbot.addWidget(view)
        view.resize(1100, 760)
        view.show()
        qtbot.waitExposed(view)
        return view
    return make


def drag(qtbot, grid, day_from, start, day_to, end_minus_15):
    """Press on the cell of `start`, move, release on the cell starting `end_minus_15`."""
    a = grid.point_at(day_from, start.hour * 60 + start.minute)
    b = grid.point_at(day_to, end_minus_15.hour * 60 + end_minus_15.minute)
    qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(grid, QPoint(a.x(), (a.y() + b.y()) // 2))
    qtbot.mouseMove(grid, b)
    qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=b)


def test_painting_monday_with_a_lunch_break_saves_exactly_two_intervals(
        qtbot, make_view, desk_owner, shop):
    view = make_view(desk_owner, shop)
    view.clear_week()
    drag(qtbot, view.grid, 0, time(9), 0, time(11, 45))
    drag(qtbot, view.grid, 0, time(13), 0, time(16, 45))
    assert view.grid.intervals(0) == [(time(9), time(12)), (time(13), time(17))]
    assert view.save_button.isEnabled()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    saved = services.weekly_hours(shop)
    assert saved[0] == [(time(9), time(12)), (time(13), time(17))]
    assert all(saved[d] == [] for d in range(1, 7))
    assert not view.dirty and not view.save_button.isEnabled()


def test_dragging_over_open_time_erases_it(qtbot, make_view, desk_owner, shop):
    view = make_view(desk_owner, shop)
    view.template.setCurrentIndex(view.template.findData("weekday_9to5"))
    qtbot.mouseClick(view.template_button, Qt.MouseButton.LeftButton)
    drag(qtbot, view.grid, 0, time(12), 4, time(12, 45))  # lunch, Monday to Friday
    for day in range(5):
        assert view.grid.intervals(day) == [(time(9), time(12)), (time(13), time(17))]
    assert view.grid.intervals(5) == []


def test_overlapping_interval_is_refused_inline_and_nothing_saved(
        qtbot, make_view, desk_owner, shop):
    view = make_view(desk_owner, shop)
    view.clear_week()
    drag(qtbot, view.grid, 0, time(9), 0, time(11, 45))
    drag(qtbot, view.grid, 0, time(13), 0, time(16, 45))
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    before = services.weekly_hours(shop)
    # select the afternoon interval and type an opening inside the morning one
    qtbot.mouseClick(view.grid, Qt.MouseButton.LeftButton, pos=view.grid.point_at(0, 14 * 60))
    assert view.grid.selection == (0, 1) and view.opens.isEnabled()
    view.opens.setFocus()
    view.opens.setCurrentSection(view.opens.Section.HourSection)
    qtbot.keyClick(view.opens, Qt.Key.Key_Down)   # 12:00 touches the morning: fine
    assert not view.problems.isVisible()
    qtbot.keyClick(view.opens, Qt.Key.Key_Down)   # 11:00 overlaps it
    assert view.grid.intervals(0)[1] == (time(11), time(17))
    assert view.problems.isVisible()
    assert "overlap" in view.problems.text()
    assert not view.save_button.isEnabled()
    assert view.save() is False
    assert services.weekly_hours(shop) == before
    # opening after closing is refused the same way
    view.set_selected_times(time(18), time(17))
    assert "before closing" in view.problems.text() and not view.save_button.isEnabled()
    view.set_selected_times(time(13), time(17))
    assert not view.problems.isVisible() and not view.dirty


def test_staff_cannot_save_hours(qtbot, make_view, desk_staff, shop):
    view = make_view(desk_staff, shop)
    before = services.weekly_hours(shop)
    assert not view.save_button.isEnabled() and not view.template_button.isEnabled()
    drag(qtbot, view.grid, 6, time(1), 6, time(2))  # read-only: painting does nothing
    assert view.grid.intervals(6) == before[6]
    view.grid.apply(0, 0, 0, 60, False)  # even if an edit got through, the service refuses
    view.dirty = True
    assert view.save() is False
    assert "Only an owner" in view.problems.text()
    assert services.weekly_hours(shop) == before


def test_new_holiday_lists_the_bookings_first(qtbot, make_view, desk_owner, shop, monkeypatch):
    day = date.today() + timedelta(days=1)
    slots = services.available_slots(shop, day)
    anna = services.create_booking(slots[20], "Anna Schmidt", customer_phone="0301234")
    ben = services.create_booking(slots[30], "Ben Ode")
    view = make_view(desk_owner, shop)
    shown = []

    def answer(bookings, tz, parent=None):
        shown.append([b.reference for b in bookings])
        return None  # back to editing: nothing saved

    monkeypatch.setattr(hours_view.OutsideHoursDialog, "ask", answer)
    assert view.save_special_day(day, True, None, "Flood") is False
    assert shown == [[anna.reference, ben.reference]]
    assert services.special_days(shop, day, day) == []
    assert Booking.get_by_id(anna.id).status == "confirmed"

    monkeypatch.setattr(hours_view.OutsideHoursDialog, "ask",
                        lambda bookings, tz, parent=None: ("cancel", "Closed: flood"))
    assert view.save_special_day(day, True, None, "Flood") is True
    assert [s.note for s in services.special_days(shop, day, day)] == ["Flood"]
    assert {Booking.get_by_id(b.id).status for b in (anna, ben)} == {"cancelled"}
    assert view.days.topLevelItemCount() == 1


def test_outside_hours_dialog_shows_the_bookings(qtbot, gui_db, shop):
    from zoneinfo import ZoneInfo
    slot = services.available_slots(shop, date.today() + timedelta(days=1))[3]
    booking = services.create_booking(slot, "Anna Schmidt")
    stranded = services.bookings_outside_hours(
        shop, exceptions={date.today() + timedelta(days=1): None})
    dialog = hours_view.OutsideHoursDialog(stranded, ZoneInfo("UTC"))
    qtbot.addWidget(dialog)
    assert dialog.table.topLevelItemCount() == 1
    assert dialog.table.topLevelItem(0).text(3) == booking.reference
    dialog.reason.setText("Sorry")
    qtbot.mouseClick(dialog.cancel_bookings_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == "cancel"


def test_leaving_with_unsaved_changes_asks(qtbot, make_window, desk_owner, shop, monkeypatch):
    window = make_window(desk_owner, shop)
    hours_index = [v for _t, v in window.views].index(window.hours)
    window.show_view(hours_index)
    window.hours.clear_week()
    assert window.hours.dirty
    asked = []
    monkeypatch.setattr(hours_view, "ask_unsaved", lambda parent: asked.append(1) or "stay")
    window.show_view(0)
    assert asked and window.stack.currentWidget() is window.hours
    assert window.rail.currentRow() == hours_index
    monkeypatch.setattr(hours_view, "ask_unsaved", lambda parent: "discard")
    window.show_view(0)
    assert window.stack.currentWidget() is window.front_desk
    assert services.weekly_hours(shop)[0] == [(time(0), time(23, 30))]


def test_staff_window_has_no_hours_view(make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    titles = [t for t, _v in window.views]
    assert titles == ["Front desk", "Calendar", "Bookings"]
    assert window.hours is None
    assert not window.calendar.block_button.isVisible()


# --- on the real worker thread ---------------------------------------------------------------

@pytest.fixture
def threaded_hours(qtbot, threaded_desk, db_url, tmp_path):
    """On SQLite and PostgreSQL: the owner's window with its database work on
    the worker thread, open all day (UTC) with slots for three days, the
    hours view shown and its saved hours read. Yields (window, business)."""
    from datetime import datetime, timezone

    from PySide6.QtCore import QSettings

    from booking_desktop import db
    from booking_desktop.services import users as user_service
    from booking_desktop.ui.app import open_main_window
    from booking_desktop.ui.settings import Settings
    db.connect(db_url)
    owner = user_service.create_user("olga", "owner-password", role="owner")
    business = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(business, {d: [(time(0), time(23, 30))] for d in range(7)},
                              by=owner)
    today = datetime.now(timezone.utc).date()
    services.generate_time_slots(business, today, today + timedelta(days=2), max_capacity=2,
                                 by=owner)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = open_main_window(db_url, owner, business, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.show_view([v for _t, v in window.views].index(window.hours))
    qtbot.waitUntil(lambda: window.session.pipeline.idle() and window.hours._ready,
                    timeout=5000)
    yield window, business
    window.close()
    db.close()


def test_saving_hours_on_a_slow_database_keeps_the_window_ticking(
        qtbot, threaded_hours, monkeypatch):
    """Saving takes 0.5 s: the window keeps ticking, the editor says it is
    saving, the week is in the database at the end, and the front desk
    (hidden meanwhile) shows today closed when it is opened."""
    from .test_pipeline import Ticks, slow
    window, shop = threaded_hours
    view = window.hours
    assert window.front_desk.day_note.text() == ""  # today is open
    slow(monkeypatch, services, "save_weekly_hours", 0.5)
    view.clear_week()
    with Ticks() as ticks:
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        assert view.state.text() == "Saving the hours…"
        assert not view.save_button.isEnabled() and view.grid.read_only
        qtbot.waitUntil(lambda: not view.dirty and window.session.pipeline.idle(),
                        timeout=10_000)
    assert ticks.largest < 200, f"the window froze for {ticks.largest} ms"
    assert services.weekly_hours(shop) == {d: [] for d in range(7)}
    assert view.state.text() == "Open 0 days a week" and not view.grid.read_only
    window.show_view(0)
    qtbot.waitUntil(lambda: window.front_desk.day_note.text() == "Closed", timeout=5000)
    assert "Nothing can be booked on this day." in window.front_desk.empty_label.text()


def test_a_booking_made_while_the_owner_decides_is_asked_about_not_cancelled(
        qtbot, threaded_hours, monkeypatch):
    """A holiday strands two bookings; while the owner reads the list another
    desk books a third that day. "Cancel them" cancels nothing yet: the
    question comes again listing all three, and only then are they cancelled.
    A booking on another day stays."""
    window, shop = threaded_hours
    view = window.hours
    day = window.session.today() + timedelta(days=1)
    slots = services.available_slots(shop, day)
    anna = services.create_booking(slots[20], "Anna Schmidt")
    ben = services.create_booking(slots[30], "Ben Ode")
    other_day = services.create_booking(
        services.available_slots(shop, day + timedelta(days=1))[20], "Dora Later")
    asked, made = [], []

    def answer(bookings, tz, parent=None):
        asked.append(sorted(b.reference for b in bookings))
        if len(asked) == 1:  # another desk books meanwhile
            made.append(services.create_booking(slots[40], "Carl Meanwhile"))
        else:  # nothing was cancelled or saved on the first answer
            assert {Booking.get_by_id(b.id).status for b in (anna, ben)} == {"confirmed"}
            assert services.special_days(shop, day, day) == []
        return "cancel", "Closed: flood"

    monkeypatch.setattr(hours_view.OutsideHoursDialog, "ask", answer)
    assert view.save_special_day(day, True, None, "Flood") is None  # answered later
    qtbot.waitUntil(lambda: view.days.topLevelItemCount() == 1
                    and window.session.pipeline.idle(), timeout=10_000)
    carl = made[0]
    assert asked == [sorted([anna.reference, ben.reference]),
                     sorted([anna.reference, ben.reference, carl.reference])]
    assert {Booking.get_by_id(b.id).status for b in (anna, ben, carl)} == {"cancelled"}
    assert Booking.get_by_id(other_day.id).status == "confirmed"
    assert [s.note for s in services.special_days(shop, day, day)] == ["Flood"]


def test_leaving_with_save_waits_for_the_save_then_leaves(
        qtbot, threaded_hours, monkeypatch):
    """"Save" when leaving unsaved hours: the window goes on painting while
    the save runs on the worker, and leaves only once it went through."""
    from .test_pipeline import Ticks, slow
    window, shop = threaded_hours
    view = window.hours
    slow(monkeypatch, services, "save_weekly_hours", 0.3)
    monkeypatch.setattr(hours_view, "ask_unsaved", lambda parent: "save")
    view.clear_week()
    with Ticks() as ticks:
        window.show_view(0)
    assert ticks.largest < 150, f"the window froze for {ticks.largest} ms"
    assert window.stack.currentWidget() is window.front_desk
    assert services.weekly_hours(shop) == {d: [] for d in range(7)}
    assert not view.dirty
