"""The windows get frozen rows from the services, never live peewee models
(issue 9, "The boundary, made real"). tests/ui/boundary.py watches every
service call the windows make, in every GUI test (the autouse fixture
`rows_only` in conftest.py); here the window walks every view and dialog on
demo data, and the watch itself is checked."""
import dataclasses
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from booking_desktop import services
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import demo, desk
from booking_desktop.ui import app
from booking_desktop.ui.dialogs.reasons import CancelReasonDialog
from booking_desktop.ui.dialogs.reschedule_dialog import RescheduleDialog
from booking_desktop.ui.dialogs.slots_dialog import GenerateSlotsDialog
from booking_desktop.ui.dialogs.users_dialog import UsersDialog
from booking_desktop.ui.export import day_sheet, pdf_report
from booking_desktop.ui.views import front_desk

from . import boundary


def settle(qtbot):
    QApplication.processEvents()
    qtbot.wait(1)


def test_every_view_and_dialog_on_demo_data_gets_rows_only(qtbot, gui_db, settings, rows_only,
                                                          monkeypatch, tmp_path):
    demo.build_demo(scale=0.3)
    owner = next(u for u in services.list_users() if u.role == "owner")
    business = app.choose_business(settings)  # as the app opens a window
    window = app.open_main_window(gui_db, owner, business, settings)
    qtbot.addWidget(window)
    window.session.stop_watching()
    window.show()
    qtbot.waitExposed(window)
    session = window.session
    assert isinstance(session.business, services.BusinessRow)
    assert dataclasses.is_dataclass(session.user)

    for index, _ in enumerate(window.views):  # every view, as the rail shows it
        window.show_view(index)
        settle(qtbot)

    # The front desk: a walk-in booked from the keyboard, undone and redone.
    window.show_view(0)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    qtbot.keyClicks(form.name, "Boundary Bettina")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booked = Booking.get(Booking.customer_name == "Boundary Bettina")
    window.undo_action.trigger()
    window.redo_action.trigger()
    assert Booking.get_by_id(booked.id).status == "confirmed"
    window.front_desk.select_booking(booked.id)
    monkeypatch.setattr(CancelReasonDialog, "ask", classmethod(lambda cls, *a, **k: "ill"))
    window.front_desk.cancel()
    assert Booking.get_by_id(booked.id).status == "cancelled"
    day = window.front_desk.day
    day_sheet.write_day_sheet_pdf(session, day, str(tmp_path / "day.pdf"))

    # The calendar: this month, the next, and a day of it.
    window.show_view(1)
    window.calendar.shift_month(1)
    window.calendar.select_day(day)
    settle(qtbot)

    # The bookings table: sorted otherwise, searched.
    window.show_view(2)
    bookings = window.bookings
    bookings.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    bookings.search_edit.setText("a")
    settle(qtbot)

    # Hours and reports, for every business.
    window.show_view(3)
    window.show_view(4)
    for i in range(window.reports.business_combo.count()):
        window.reports.business_combo.setCurrentIndex(i)
        window.reports.refresh()

    # The dialogs that read from the services.
    row = desk.booking_row(Booking.select().where(Booking.status == "confirmed")
                           .order_by(Booking.id.desc()).first().id)
    for dialog in (RescheduleDialog(session, row), GenerateSlotsDialog(session),
                   UsersDialog(session)):
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot)
        dialog.close()

    # Another business, chosen in the top bar.
    box = window.business_box
    other = next(i for i in range(box.count()) if box.itemData(i) != session.business.id)
    box.setCurrentIndex(other)
    box.activated.emit(other)
    assert isinstance(session.business, services.BusinessRow)
    assert session.business.id == box.itemData(other)
    window.front_desk.set_day(session.today() + timedelta(days=1))
    settle(qtbot)

    assert rows_only.crossings == []


def test_the_watch_sees_a_model_reaching_a_window(gui_db, shop, rows_only):
    """A window asking a service that hands out a model is caught, through
    `services.x`, through `desk.x` and by a name imported from a module."""
    slot = services.slots_between(shop, shop.created_at.date() + timedelta(days=1))[0]
    front_desk.services.get_slot(slot.id)
    assert rows_only.crossings == ["slots.get_slot() → the value: TimeSlot"]
    rows_only.crossings.clear()
    assert front_desk.desk.booking_row is front_desk.desk.booking_row  # one wrapper each
    assert pdf_report.get_business.__wrapped__ is services.get_business


def test_what_the_watch_looks_into():
    slot = TimeSlot(id=1)
    assert boundary.live_objects([{"day": (None, slot)}]) == ["[0]['day'][1]: TimeSlot"]
    assert boundary.live_objects(desk.Customer("Ana", None, None)) == []
    assert boundary.live_objects(TimeSlot.select()) == ["the value: ModelSelect"]

    @dataclasses.dataclass(frozen=True)
    class Row:
        slot: object
    assert boundary.live_objects(Row(slot)) == [".slot: TimeSlot"]
    assert boundary.live_objects(ValueError("x", slot)) == [".args[1]: TimeSlot"]
