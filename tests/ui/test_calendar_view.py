"""The month calendar and its day view, driven like an owner would."""
from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QUndoStack

from booking_desktop import services
from booking_desktop.ui import commands
from booking_desktop.ui.views import calendar_view
from booking_desktop.ui.views.calendar_view import DAY_LOAD, IN_MONTH, CalendarView
from booking_desktop.ui.session import Session


@pytest.fixture
def make_view(qtbot, gui_db):
    def make(user, business):
        view = CalendarView(Session(user, business), QUndoStack())
        qtbot.addWidget(view)
        view.resize(1180, 720)
        view.show()
        qtbot.waitExposed(view)
        return view
    return make


def test_item_model_is_sound(qtmodeltester, make_view, desk_owner, shop):
    view = make_view(desk_owner, shop)
    qtmodeltester.check(view.model)


def test_a_day_with_bookings_shows_its_fill_level(qtbot, make_view, desk_owner, shop, tmp_path):
    day = date.today() + timedelta(days=1)
    slots = services.available_slots(shop, day)
    for i, name in enumerate(["Anna Schmidt", "Ben Ode", "Cleo Park"]):
        services.create_booking(slots[30 + i // 2], name)
    view = make_view(desk_owner, shop)
    view.select_day(day)
    load = view.model.index_of(day).data(DAY_LOAD)
    assert (load.booked, load.capacity, load.slots) == (3, 94, 47)
    assert view.model.index_of(day).data(Qt.ItemDataRole.ToolTipRole).count("3 of 94") == 1
    # a day without slots reads as empty
    empty = day + timedelta(days=10)
    if view.model.index_of(empty).isValid():
        assert view.model.index_of(empty).data(DAY_LOAD).slots == 0
    # the picture: the day's cell is tinted by the colour scale
    path = tmp_path / "calendar.png"
    assert view.grab().save(str(path))
    image = QImage(str(path))
    rect = view.grid.visualRect(view.model.index_of(day))
    origin = view.grid.viewport().mapTo(view, rect.topLeft())
    pixel = image.pixelColor(origin.x() + rect.width() // 2, origin.y() + rect.height() // 3)
    expected = calendar_view.fill_colour(load.fill)
    assert abs(pixel.red() - expected.red()) <= 12 and abs(pixel.green() - expected.green()) <= 12
    # and the day view lists the slots with their bookings
    assert view.day == day
    assert view.day_model.rowCount() == 47
    booked = view.day_model.index_of_slot(slots[30].id)
    assert view.day_model.itemFromIndex(booked).rowCount() == 2
    assert view.day_note.text().endswith("3 of 94 places booked in 47 slots")


def test_holidays_and_special_days_read_differently(qtbot, make_view, desk_owner, shop):
    day = date.today() + timedelta(days=1)
    services.set_hours_exception(shop, day, closed=True, note="Easter")
    services.set_hours_exception(shop, day + timedelta(days=1), closed=False,
                                 intervals=[(time(10), time(12))])
    view = make_view(desk_owner, shop)
    view.select_day(day)
    assert view.model.index_of(day).data(DAY_LOAD).kind == "holiday"
    assert view.model.index_of(day).data(DAY_LOAD).note == "Easter"
    assert view.model.index_of(day + timedelta(days=1)).data(DAY_LOAD).kind == "special"
    assert view.day_note.text().startswith("Closed — Easter")
    view.select_day(day + timedelta(days=1))
    assert view.day_note.text().startswith("Special hours 10:00–12:00")


def test_month_navigation_buttons_and_keys(qtbot, make_view, desk_owner, shop):
    view = make_view(desk_owner, shop)
    today = date.today()
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    expected = (today.year + today.month // 12, today.month % 12 + 1)
    assert (view.year, view.month) == expected
    assert view.model.index(2, 3).data(IN_MONTH)
    view.grid.setFocus()
    qtbot.keyClick(view.grid, Qt.Key.Key_PageUp)
    assert (view.year, view.month) == (today.year, today.month)
    view.select_day(today)
    qtbot.keyClick(view.grid, Qt.Key.Key_Right)
    assert view.day == today + timedelta(days=1)
    qtbot.keyClick(view.grid, Qt.Key.Key_Down)
    assert view.day == today + timedelta(days=8)
    assert (view.year, view.month) == (view.day.year, view.day.month)
    qtbot.keyClick(view.grid, Qt.Key.Key_Home)
    assert view.day == today
    qtbot.mouseClick(view.prev_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.today_button, Qt.MouseButton.LeftButton)
    assert (view.year, view.month, view.day) == (today.year, today.month, today)


def test_capacity_never_below_bookings_and_the_view_says_why(qtbot, make_view, desk_owner, shop,
                                                             monkeypatch):
    day = date.today() + timedelta(days=1)
    slot = services.available_slots(shop, day)[10]
    services.create_booking(slot, "Anna Schmidt")
    services.create_booking(slot, "Ben Ode")
    view = make_view(desk_owner, shop)
    view.select_day(day)
    view.select_slot(slot.id)
    monkeypatch.setattr(calendar_view, "ask_number", lambda *a, **k: 1)
    qtbot.mouseClick(view.capacity_button, Qt.MouseButton.LeftButton)
    assert view.bar.isVisible() and "cannot go below 2" in view.bar.label.text()
    assert services.get_slot(slot.id).max_capacity == 2
    monkeypatch.setattr(calendar_view, "ask_number", lambda *a, **k: 5)
    qtbot.mouseClick(view.capacity_button, Qt.MouseButton.LeftButton)
    assert services.get_slot(slot.id).max_capacity == 5
    assert view.model.index_of(day).data(DAY_LOAD).capacity == 2 * 47 + 3


def test_block_with_a_reason_unblock_and_book(qtbot, make_view, desk_owner, shop, monkeypatch):
    day = date.today() + timedelta(days=1)
    slot = services.available_slots(shop, day)[12]
    view = make_view(desk_owner, shop)
    view.select_day(day)
    view.select_slot(slot.id)
    asked = []
    monkeypatch.setattr(calendar_view.BlockReasonDialog, "ask", classmethod(
        lambda cls, what, parent=None: asked.append(what) or "Staff meeting"))
    qtbot.mouseClick(view.block_button, Qt.MouseButton.LeftButton)
    assert services.get_slot(slot.id).is_blocked
    assert services.get_slot(slot.id).block_reason == "Staff meeting"
    assert len(asked) == 1 and asked[0].startswith("Why is ")
    row = view.day_model.index_of_slot(slot.id).row()
    assert view.day_model.item(row, 2).text() == "Blocked: Staff meeting"
    assert not view.book_button.isEnabled()
    qtbot.mouseClick(view.unblock_button, Qt.MouseButton.LeftButton)
    assert not services.get_slot(slot.id).is_blocked
    monkeypatch.setattr(calendar_view.BookIntoSlotDialog, "ask", classmethod(
        lambda cls, what, parent=None: {"customer_name": "Dora Lee", "customer_phone": None,
                                        "customer_email": None, "source": "phone"}))
    assert view.book_button.isEnabled()
    said = []
    view.message.connect(said.append)
    qtbot.mouseClick(view.book_button, Qt.MouseButton.LeftButton)
    assert services.get_slot(slot.id).current_bookings == 1
    dora = services.search_bookings("Dora Lee")[0]
    assert said == [f"Booked {dora.reference} for Dora Lee, "
                    f"{slot.start:%a} {slot.start.day} {slot.start:%b %H:%M}."]
    # block, unblock and the booking are each one step of the window's undo stack
    when = f"{slot.start:%a} {slot.start.day} {slot.start:%b %H:%M}"  # the shop is in UTC
    assert [view.undo_stack.text(i) for i in range(view.undo_stack.count())] == [
        f"block of {when}", f"unblock of {when}", "booking of Dora Lee"]
    for _ in range(3):  # as Ctrl+Z does: the reversal on the pipeline, then the stack moves
        commands.step(view, view.undo_stack, redo=False).run()
    restored = services.get_slot(slot.id)
    assert (restored.current_bookings, restored.is_blocked) == (0, False)
    commands.step(view, view.undo_stack, redo=True).run()
    assert services.get_slot(slot.id).block_reason == "Staff meeting"


def test_staff_look_only(qtbot, make_view, desk_staff, shop):
    view = make_view(desk_staff, shop)
    assert view.day_model.rowCount() > 0
    for button in view.owner_buttons:
        assert not button.isVisible()


def test_book_is_off_on_a_slot_the_hours_closed(qtbot, make_view, desk_owner, shop):
    """A slot kept for its booking on a new holiday reads closed and cannot be
    booked from the calendar (the services refuse it too)."""
    day = date.today() + timedelta(days=1)
    slot = services.available_slots(shop, day)[12]
    services.create_booking(slot, "Kept Kim")
    view = make_view(desk_owner, shop)
    view.select_day(day)
    view.select_slot(slot.id)
    assert view.book_button.isEnabled()
    services.save_hours_exception(shop, day, closed=True, note="Public holiday", outside="keep",
                                  by=desk_owner)
    view.show_day(day)  # as when the desk hears of the change
    view.select_slot(slot.id)
    assert view.selected_slot().closed_reason == "Closed: Public holiday"
    assert not view.book_button.isEnabled()
    assert view.day_model.rowCount() == 1  # the holiday's empty slots are not listed
    assert view.day_note.text().startswith("Closed — Public holiday · ")
    later = day + timedelta(days=1)  # a holiday whose slots are all empty
    services.save_hours_exception(shop, later, closed=True, note="Public holiday", by=desk_owner)
    view.select_day(later)
    view.refresh()  # as when the desk hears of the change
    assert view.day_model.rowCount() == 0
    assert view.day_note.text() == "Closed — Public holiday · Nothing can be booked on this day."
