"""Customers' details are owner-only unless granted (issue 10): staff
without the right see no Export… in the Bookings view; once an owner allows
it (another desk: a service call in between), the staff window's Export…
writes the file. The Users dialog lets the owner allow and stop it."""
import csv
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.ui.export.export_dialog import ExportDialog
from booking_desktop.ui.session import Session
from booking_desktop.ui.tasks import InlineRunner
from booking_desktop.ui.dialogs.users_dialog import UsersDialog


def book_one(shop) -> None:
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    slot = services.slots_between(shop, tomorrow)[20]
    services.create_booking(slot, "Anna Smith", "anna@example.com", "+49 30 555 0101",
                            now=slot.start - timedelta(days=1))


def test_staff_see_no_export_until_an_owner_allows_it(qtbot, make_window, desk_owner,
                                                      desk_staff, shop, tmp_path):
    book_one(shop)
    window = make_window(desk_staff, shop)
    window.show_view(window.views.index((window.tr("Bookings"), window.bookings)))
    view = window.bookings
    qtbot.waitUntil(view.isVisible)
    assert not view.export_button.isVisible()
    # Even called directly, nothing opens: the bar says why.
    assert view.export_bookings() is None
    assert "allowed to export" in view.bar.label.text()

    # The owner, at another desk, allows sam to export.
    services.set_user_can_export("sam", True, by=desk_owner)
    window.session.poll()  # the watcher notices the change
    qtbot.waitUntil(view.export_button.isVisible)

    view.export_runner = InlineRunner()
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    dialog = view.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    target = tmp_path / "sam.csv"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(view.message):
        dialog.export_button.click()
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [(r[6], r[7]) for r in rows[1:]] == [("Anna Smith", "anna@example.com")]

    # Withdrawn again: the button goes and the service refuses.
    services.set_user_can_export("sam", False, by=desk_owner)
    window.session.poll()
    qtbot.waitUntil(lambda: not view.export_button.isVisible())


def test_the_users_dialog_allows_and_stops_exporting(qtbot, desk_owner, desk_staff):
    dialog = UsersDialog(Session(desk_owner))
    qtbot.addWidget(dialog)
    dialog.show()
    sam = next(i for i in range(dialog.list.count()) if dialog.list.item(i).data(256) == "sam")
    dialog.list.setCurrentRow(sam)
    qtbot.mouseClick(dialog.export_toggle, Qt.MouseButton.LeftButton)
    assert services.get_user("sam").can_export
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert "sam (staff) — may export customers' details" in texts
    dialog.list.setCurrentRow(sam)
    qtbot.mouseClick(dialog.export_toggle, Qt.MouseButton.LeftButton)
    assert not services.get_user("sam").can_export
    assert "sam (staff)" in [dialog.list.item(i).text() for i in range(dialog.list.count())]

    # An owner always may: the dialog says so instead of storing anything.
    olga = next(i for i in range(dialog.list.count()) if dialog.list.item(i).data(256) == "olga")
    dialog.list.setCurrentRow(olga)
    qtbot.mouseClick(dialog.export_toggle, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "owners can always export" in dialog.error.text()


def test_staff_cannot_allow_themselves(qtbot, desk_owner, desk_staff):
    dialog = UsersDialog(Session(desk_staff))
    qtbot.addWidget(dialog)
    dialog.show()
    sam = next(i for i in range(dialog.list.count()) if dialog.list.item(i).data(256) == "sam")
    dialog.list.setCurrentRow(sam)
    qtbot.mouseClick(dialog.export_toggle, Qt.MouseButton.LeftButton)
    assert "Only an owner" in dialog.error.text()
    assert not services.get_user("sam").can_export
