"""The front desk driven from the keyboard, checked in the widgets and the database."""
import threading
import subprocess
from datetime import timedelta
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.services import desk
from booking_desktop.ui.models.day_model import ROW_ID, ROW_KIND
from booking_desktop.ui.dialogs.reasons import CancelReasonDialog

ROOT = Path(__file__).resolve().parents[2]


def _customer_names(model):
    names = []
    for r in range(model.rowCount()):
        slot = model.item(r, 0)
        names += [slot.child(c, 2).text() for c in range(slot.rowCount())]
    return names


def test_walk_in_from_the_keyboard_only(qtbot, make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    expected_slot = services.next_free_slot(shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    assert form.name.hasFocus()
    qtbot.keyClicks(form.name, "Walk In Wanda")
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.phone, "0170 555 1234")
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)

    booking = Booking.get(Booking.customer_name == "Walk In Wanda")
    assert booking.time_slot_id == expected_slot.id
    assert booking.source == "walk_in"
    assert booking.customer_phone == "0170 555 1234"
    assert booking.created_by_id == desk_staff.id
    assert "Walk In Wanda" in _customer_names(window.front_desk.model)
    assert window.front_desk.selected_booking().id == booking.id
    assert booking.reference in window.statusBar().currentMessage()
    assert form.name.text() == "" and form.name.hasFocus()


def test_name_only_walk_in_with_enter(qtbot, make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.front_desk.walk_in.name, "Only Name")
    qtbot.keyClick(window.front_desk.walk_in.name, Qt.Key.Key_Return)
    assert Booking.select().where(Booking.customer_name == "Only Name").count() == 1


def test_another_slot_picked_from_the_keyboard(qtbot, make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    tomorrow = services.next_free_slot(shop).start.date() + timedelta(days=1)
    window.front_desk.set_day(tomorrow)  # a whole free day, whatever the time now
    form = window.front_desk.walk_in
    form.focus_name()
    second = form.slot.itemData(1)
    qtbot.keyClick(form.name, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.name, "Later Larry")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert Booking.get(Booking.customer_name == "Later Larry").time_slot_id == second


def test_booking_into_a_full_slot_shows_why_and_adds_nothing(qtbot, make_window, desk_staff,
                                                             shop):
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    slot_id = form.slot.currentData()
    # Another desk fills the slot while this form still offers it.
    services.create_booking(slot_id, "First")
    services.create_booking(slot_id, "Second")
    before = Booking.select().count()
    qtbot.keyClicks(form.name, "Too Late")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert Booking.select().count() == before
    assert form.message.isVisible()
    assert "full" in form.message.label.text()
    assert "Next free" in form.message.label.text()
    assert TimeSlot.get_by_id(slot_id).current_bookings == 2
    # The offered next step books the next free slot.
    qtbot.mouseClick(form.message.action, Qt.MouseButton.LeftButton)
    booked = Booking.get(Booking.customer_name == "Too Late")
    assert booked.time_slot_id != slot_id


def test_duplicate_customer_is_refused_inline(qtbot, make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    services.create_booking(form.slot.currentData(), "Dana", customer_phone="555 0101")
    qtbot.keyClicks(form.name, "Dana")
    form.phone.setText("5550101")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert "already has a booking" in form.message.label.text()
    assert Booking.select().where(Booking.customer_name == "Dana").count() == 1


def test_typeahead_fills_contact_details(qtbot, make_window, desk_staff, shop, monkeypatch):
    slot = services.available_slots(shop, services.next_free_slot(shop).start.date())[-1]
    services.create_booking(slot, "Roberta Regular", "roberta@example.com", "030 999")
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    asked = []
    real = desk.customer_suggestions
    monkeypatch.setattr(desk, "customer_suggestions",
                        lambda text, business: asked.append(text) or real(text, business))
    qtbot.keyClicks(form.name, "robe")
    completer = form.name.completer()
    # asked once typing paused, on a worker thread; the answer fills the list
    qtbot.waitUntil(lambda: completer.completionModel().rowCount() == 1, timeout=6000)
    assert asked == ["robe"]
    form._use_suggestion(completer.completionModel().index(0, 0).data())
    assert (form.name.text(), form.phone.text(), form.email.text()) == \
        ("Roberta Regular", "030 999", "roberta@example.com")


def test_an_older_typeahead_answer_never_replaces_a_newer_one(qtbot, threaded_desk, make_window,
                                                            desk_staff, shop, monkeypatch):
    """The answer for "ro" comes after "robe" was asked (the database was
    slow): it is dropped, and the list shows the answer for "robe"."""
    window = make_window(desk_staff, shop)
    form = window.front_desk.walk_in
    release = threading.Event()

    def suggestions(text, business):
        if text == "ro":
            release.wait(5)  # still answering "ro" when "robe" is asked
            return [desk.Customer("Ron Older", None, None)]
        return [desk.Customer("Roberta Regular", None, "030 999")]

    monkeypatch.setattr(desk, "customer_suggestions", suggestions)
    form.name.setText("ro")
    form._ask_for_suggestions()
    form.name.setText("robe")
    form._ask_for_suggestions()
    release.set()
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    assert form._completer_model.stringList() == ["Roberta Regular (030 999)"]


def _select_first_booking(front_desk):
    model = front_desk.model
    assert model.rowCount(), "no slots on the day shown"
    for r in range(model.rowCount()):
        slot = model.item(r, 0)
        if slot.rowCount():
            front_desk.tree.setCurrentIndex(slot.child(0, 0).index())
            return slot.child(0, 0).data(ROW_ID)
    raise AssertionError("no booking in the day view")


def test_check_in_with_ctrl_i(qtbot, make_window, desk_staff, shop, slot_today):
    slot = slot_today  # check-in is on the booking's day only, whatever the hour
    booking = services.create_booking(slot, "Ivy", now=slot.start - timedelta(seconds=1))
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(slot.start.date())
    assert _select_first_booking(window.front_desk) == booking.id
    window.front_desk.tree.setFocus()
    qtbot.keyClick(window.front_desk.tree, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert Booking.get_by_id(booking.id).checked_in_at is not None
    assert window.front_desk.model.index_of_booking(booking.id).siblingAtColumn(5).data() == \
        "✓ Checked in"


def test_cancel_then_undo_restores_the_booking(qtbot, make_window, desk_staff, shop,
                                              monkeypatch):
    slot = services.next_free_slot(shop)
    booking = services.create_booking(slot, "Undo Ulla")
    monkeypatch.setattr(CancelReasonDialog, "ask", classmethod(lambda cls, what, parent: "ill"))
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(slot.start.date())
    _select_first_booking(window.front_desk)
    window.front_desk.tree.setFocus()
    qtbot.keyClick(window.front_desk.tree, Qt.Key.Key_Delete)
    cancelled = Booking.get_by_id(booking.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "ill")
    assert TimeSlot.get_by_id(slot.id).current_bookings == 0

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Booking.get_by_id(booking.id).status == "confirmed"
    assert TimeSlot.get_by_id(slot.id).current_bookings == 1
    assert services.check_integrity() == []


def test_undo_refused_when_the_place_was_taken(qtbot, make_window, desk_staff, shop,
                                              monkeypatch):
    slot = services.next_free_slot(shop)
    booking = services.create_booking(slot, "Gone Gina")
    services.create_booking(slot, "Stays Sara")
    monkeypatch.setattr(CancelReasonDialog, "ask", classmethod(lambda cls, what, parent: ""))
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(slot.start.date())
    window.front_desk.select_booking(booking.id)
    assert window.front_desk.selected_booking().id == booking.id
    window.front_desk.tree.setFocus()
    qtbot.keyClick(window.front_desk.tree, Qt.Key.Key_Delete)
    assert Booking.get_by_id(booking.id).status == "cancelled"
    services.create_booking(slot, "Quick Quinn")  # another desk takes the freed place

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Booking.get_by_id(booking.id).status == "cancelled"
    assert TimeSlot.get_by_id(slot.id).current_bookings == 2
    assert window.front_desk.bar.isVisible()
    assert "full" in window.front_desk.bar.label.text()
    # nothing was undone: the step stays, still named in the Edit menu
    assert window.undo_stack.index() == 1 and window.undo_stack.undoText() == \
        "cancellation of Gone Gina"


def test_days_move_with_one_key(qtbot, make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    today = window.front_desk.day
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert (window.front_desk.day - today).days == 1
    assert "today" not in window.front_desk.title.text()
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.front_desk.day == today
    assert "today" in window.front_desk.title.text()


def test_slot_rows_show_fill_and_state(qtbot, make_window, desk_staff, shop):
    slot = services.next_free_slot(shop)
    services.create_booking(slot, "One")
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(slot.start.date())
    index = window.front_desk.model.index_of_slot(slot.id)
    assert index.data(ROW_KIND) == "slot"
    assert index.siblingAtColumn(1).data() == "1/2"
    assert index.siblingAtColumn(2).data() == "Filling up"


def test_booking_by_another_process_appears(qtbot, make_window, desk_staff, shop, gui_db):
    window = make_window(desk_staff, shop)
    slot = services.next_free_slot(shop)
    window.front_desk.set_day(slot.start.date())
    code = ("from booking_desktop import db, services; "
            f"db.connect({gui_db!r}); services.create_booking({slot.id}, 'From Elsewhere')")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)
    qtbot.waitUntil(lambda: "From Elsewhere" in _customer_names(window.front_desk.model),
                    timeout=3000)


def test_walk_in_when_today_is_full_goes_to_the_next_free_day(qtbot, make_window, desk_staff,
                                                              shop):
    first = services.next_free_slot(shop)
    for slot in services.available_slots(shop, first.start.date()):
        services.set_slot_blocked(slot, True)  # nothing left on that day
    expected = services.next_free_slot(shop)
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.front_desk.day == expected.start.date()
    assert window.front_desk.walk_in.slot.currentData() == expected.id
    assert window.front_desk.walk_in.slot.count() > 1  # that day's free slots to pick from


def test_a_lost_database_shows_in_the_bar_not_a_crash(qtbot, make_window, desk_staff, shop,
                                                      monkeypatch):
    from booking_desktop.errors import DatabaseUnavailable
    from booking_desktop.services import desk
    window = make_window(desk_staff, shop)

    def unreachable(*_args, **_kwargs):
        raise DatabaseUnavailable()
    monkeypatch.setattr(desk, "day_schedule", unreachable)
    window.session.notify_changed()
    assert window.front_desk.bar.isVisible()
    assert "connection to the database was lost" in window.front_desk.bar.label.text()


def test_cancelled_bookings_show_struck_through_with_the_reason_and_can_be_hidden(
        qtbot, qtmodeltester, make_window, desk_staff, shop, settings):
    day = services.next_free_slot(shop).start.date() + timedelta(days=1)
    slot = services.available_slots(shop, day)[20]
    gone = services.create_booking(slot, "Gone Gabi")
    services.cancel_booking(gone, reason="Flu")
    services.create_booking(slot, "Stays Stan")
    window = make_window(desk_staff, shop)
    front_desk = window.front_desk
    front_desk.set_day(day)
    assert front_desk.show_cancelled.isChecked()  # shown by default
    index = front_desk.model.index_of_booking(gone.id)
    assert index.isValid()
    name = index.siblingAtColumn(2)
    assert name.data() == "Gone Gabi"
    assert name.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert "Flu" in name.data(Qt.ItemDataRole.ToolTipRole)
    assert index.siblingAtColumn(5).data() == "Cancelled"
    assert front_desk.model.index_of_slot(slot.id).siblingAtColumn(1).data() == "1/2"
    qtmodeltester.check(front_desk.model)

    qtbot.mouseClick(front_desk.show_cancelled, Qt.MouseButton.LeftButton)
    assert not front_desk.model.index_of_booking(gone.id).isValid()
    assert "Stays Stan" in _customer_names(front_desk.model)
    assert settings.show_cancelled is False  # remembered for the next start
    qtmodeltester.check(front_desk.model)
