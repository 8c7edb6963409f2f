"""Ctrl+Z and Ctrl+Shift+Z in the real window: each undoes exactly the last
action, the Edit menu names it, undo and redo say what they did, a refusal
(another desk acted in between) changes nothing and says why. Also the
front desk's action details: Confirm only when it would change something, a
reason asked when blocking, "Moved … to <where>", a warning that closes
after the next success."""
from datetime import timedelta

from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.models import Booking, TimeSlot
from booking_desktop.ui.dialogs.reasons import BlockReasonDialog, CancelReasonDialog
from booking_desktop.ui.dialogs.reschedule_dialog import RescheduleDialog

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def undo_text(window) -> str:
    return window.undo_action.text().replace("&", "")


def focus_day(window, booking_id=None):
    desk = window.front_desk
    if booking_id is not None:
        desk.select_booking(booking_id)
    desk.tree.setFocus()
    return desk


def test_ctrl_i_then_ctrl_z_undoes_exactly_the_check_in(qtbot, make_window, desk_staff, shop,
                                                        slot_today):
    slot = slot_today
    maria = services.create_booking(slot, "Maria Lopez", status="pending",
                                    now=slot.start - timedelta(seconds=1))
    window = make_window(desk_staff, shop)
    # an earlier action in this window: a walk-in
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.keyClicks(window.front_desk.walk_in.name, "Earlier Emil")
    qtbot.keyClick(window.front_desk.walk_in.name, Qt.Key.Key_Return)
    emil = Booking.get(Booking.customer_name == "Earlier Emil")
    window.front_desk.set_day(slot.start.date())

    desk = focus_day(window, maria.id)
    qtbot.keyClick(desk.tree, Qt.Key.Key_I, CTRL)
    assert Booking.get_by_id(maria.id).checked_in_at is not None
    assert undo_text(window) == "Undo check-in of Maria Lopez"

    qtbot.keyClick(desk.tree, Qt.Key.Key_Z, CTRL)
    stored = Booking.get_by_id(maria.id)
    assert (stored.checked_in_at, stored.status) == (None, "pending")
    assert Booking.get_by_id(emil.id).status == "confirmed"  # the walk-in stays booked
    assert window.statusBar().currentMessage() == "Undid check-in of Maria Lopez."
    assert undo_text(window) == "Undo booking of Earlier Emil"
    assert window.redo_action.text().replace("&", "") == "Redo check-in of Maria Lopez"

    qtbot.keyClick(desk.tree, Qt.Key.Key_Z, CTRL_SHIFT)
    assert Booking.get_by_id(maria.id).checked_in_at is not None
    assert window.statusBar().currentMessage() == "Redid check-in of Maria Lopez."
    assert services.check_integrity() == []


def test_undo_refused_after_another_desk_changed_the_booking(qtbot, make_window, desk_staff,
                                                             shop, slot_today):
    slot = slot_today
    maria = services.create_booking(slot, "Maria Lopez", now=slot.start - timedelta(seconds=1))
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(slot.start.date())
    desk = focus_day(window, maria.id)
    qtbot.keyClick(desk.tree, Qt.Key.Key_I, CTRL)
    checked_at = Booking.get_by_id(maria.id).checked_in_at
    services.cancel_booking(maria.id, "left again")  # another desk, between two key presses

    qtbot.keyClick(desk.tree, Qt.Key.Key_Z, CTRL)
    stored = Booking.get_by_id(maria.id)
    assert (stored.status, stored.checked_in_at) == ("cancelled", checked_at)
    assert desk.bar.isVisible()
    assert desk.bar.label.text() == (
        f"Nothing was undone: {maria.reference} (Maria Lopez): booking {maria.reference} is "
        "cancelled now; its check-in cannot be taken back.")
    assert undo_text(window) == "Undo check-in of Maria Lopez"  # the step is still there


def test_bulk_cancel_then_ctrl_z_all_or_nothing(qtbot, make_window, desk_staff, shop,
                                                monkeypatch):
    first, second = services.available_slots(shop, services.next_free_slot(shop).start.date()
                                             + timedelta(days=1))[:2]
    made = [services.create_booking(first, "Anna Schmidt"), services.create_booking(first, "Ben Ode"),
            services.create_booking(second, "Cara Lind")]
    monkeypatch.setattr(CancelReasonDialog, "ask", classmethod(lambda cls, what, parent=None: ""))
    window = make_window(desk_staff, shop)
    window.show_view(2)
    view = window.bookings
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert {Booking.get_by_id(b.id).status for b in made} == {"cancelled"}
    assert undo_text(window) == "Undo cancellation of 3 bookings"

    qtbot.keyClick(view.table, Qt.Key.Key_Z, CTRL)
    assert {Booking.get_by_id(b.id).status for b in made} == {"confirmed"}
    assert window.statusBar().currentMessage() == "Undid cancellation of 3 bookings."

    qtbot.keyClick(view.table, Qt.Key.Key_Z, CTRL_SHIFT)
    assert {Booking.get_by_id(b.id).status for b in made} == {"cancelled"}
    services.create_booking(first, "Quick Quinn")  # another desk fills the first slot
    services.create_booking(first, "Quick Queenie")

    qtbot.keyClick(view.table, Qt.Key.Key_Z, CTRL)
    assert {Booking.get_by_id(b.id).status for b in made} == {"cancelled"}  # none restored
    assert TimeSlot.get_by_id(second.id).current_bookings == 0
    text = view.bar.label.text()
    assert view.bar.isVisible() and text.startswith("Nothing was undone: ")
    assert f"{made[0].reference} (Anna Schmidt): its time slot is now full (2/2)" in text
    assert f"{made[1].reference} (Ben Ode)" in text and "Cara Lind" not in text
    assert undo_text(window) == "Undo cancellation of 3 bookings"


def test_confirm_only_when_it_changes_something(qtbot, make_window, desk_staff, shop):
    slot = services.next_free_slot(shop)
    confirmed = services.create_booking(slot, "Already Ada")
    pending = services.create_booking(slot, "Pending Pete", status="pending")
    window = make_window(desk_staff, shop)
    window.front_desk.set_day(slot.start.date())
    desk = focus_day(window, confirmed.id)
    assert not desk.confirm_action.isEnabled()
    desk.select_booking(pending.id)
    assert desk.confirm_action.isEnabled()
    desk.confirm_action.trigger()
    assert Booking.get_by_id(pending.id).status == "confirmed"
    assert window.undo_stack.count() == 1
    assert undo_text(window) == "Undo confirmation of Pending Pete"
    assert not desk.confirm_action.isEnabled()


def test_block_from_the_front_desk_asks_a_reason_and_shows_it(qtbot, make_window, desk_owner,
                                                              shop, monkeypatch):
    slot = services.next_free_slot(shop)
    asked = []
    monkeypatch.setattr(BlockReasonDialog, "ask", classmethod(
        lambda cls, what, parent=None: asked.append(what) or "Staff meeting"))
    window = make_window(desk_owner, shop)
    desk = window.front_desk
    desk.set_day(slot.start.date())
    desk.tree.setCurrentIndex(desk.model.index_of_slot(slot.id))
    desk.block_action.trigger()
    assert len(asked) == 1 and f"{slot.start:%H:%M}" in asked[0]
    stored = TimeSlot.get_by_id(slot.id)
    assert (stored.is_blocked, stored.block_reason) == (True, "Staff meeting")
    status = desk.model.index_of_slot(slot.id).siblingAtColumn(2)
    assert status.data() == "Blocked: Staff meeting"
    assert "Staff meeting" in status.data(Qt.ItemDataRole.ToolTipRole)

    qtbot.keyClick(desk.tree, Qt.Key.Key_Z, CTRL)
    assert not TimeSlot.get_by_id(slot.id).is_blocked

    # Cancelled: nothing blocked, no step recorded
    monkeypatch.setattr(BlockReasonDialog, "ask", classmethod(lambda cls, what, parent=None: None))
    desk.tree.setCurrentIndex(desk.model.index_of_slot(slot.id))
    desk.block_action.trigger()
    assert not TimeSlot.get_by_id(slot.id).is_blocked
    assert window.undo_stack.index() == 0


def test_moved_says_where_and_a_warning_closes_after_the_next_success(qtbot, make_window,
                                                                      desk_staff, shop,
                                                                      monkeypatch):
    slot = services.next_free_slot(shop)
    booking = services.create_booking(slot, "Mover Max")
    later_day = services.available_slots(shop, slot.start.date() + timedelta(days=2))
    target = later_day[20]
    tomorrow = services.available_slots(shop, slot.start.date() + timedelta(days=1))[0]
    early = services.create_booking(tomorrow, "Early Erin")
    monkeypatch.setattr(RescheduleDialog, "ask", classmethod(
        lambda cls, session, b, parent=None, now=None: target.id))
    window = make_window(desk_staff, shop)

    # a refusal first: check-in of tomorrow's booking
    desk = window.front_desk
    desk.set_day(tomorrow.start.date())
    focus_day(window, early.id)
    desk.check_in_action.trigger()
    assert desk.bar.isVisible() and "check-in is possible on that day only" in \
        desk.bar.label.text()
    assert Booking.get_by_id(early.id).checked_in_at is None

    desk.set_day(slot.start.date())
    focus_day(window, booking.id)
    with qtbot.waitSignal(desk.message) as said:
        desk.reschedule_action.trigger()
    start = target.start  # the shop is in UTC
    moved_text = f"Moved {booking.reference} to {start:%a} {start.day} {start:%b %H:%M}."
    assert said.args == [moved_text]
    assert Booking.get_by_id(booking.id).time_slot_id == target.id
    assert not desk.bar.isVisible()  # the warning closed with the successful move
    assert undo_text(window) == (f"Undo move of Mover Max to {start:%a} {start.day} "
                                 f"{start:%b %H:%M}")
    window.undo_action.trigger()
    assert Booking.get_by_id(booking.id).time_slot_id == slot.id


def test_redo_refused_keeps_the_step_to_redo(qtbot, make_window, desk_staff, shop):
    slot = services.next_free_slot(shop)
    window = make_window(desk_staff, shop)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    form = window.front_desk.walk_in
    qtbot.keyClicks(form.name, "Dora Dup")
    qtbot.keyClick(form.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(form.phone, "030 123456")
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    dora = Booking.get(Booking.customer_name == "Dora Dup")
    assert dora.time_slot_id == slot.id
    window.front_desk.tree.setFocus()
    qtbot.keyClick(window.front_desk.tree, Qt.Key.Key_Z, CTRL)
    assert Booking.get_by_id(dora.id).status == "cancelled"
    services.create_booking(slot, "Dora Dup", customer_phone="030 123456")  # another desk

    qtbot.keyClick(window.front_desk.tree, Qt.Key.Key_Z, CTRL_SHIFT)
    assert Booking.get_by_id(dora.id).status == "cancelled"
    assert window.front_desk.bar.label.text() == (
        f"Nothing was redone: {dora.reference} (Dora Dup): this customer already has a booking "
        "in this time slot.")
    assert window.undo_stack.index() == 0
    assert window.redo_action.text().replace("&", "") == "Redo booking of Dora Dup"
