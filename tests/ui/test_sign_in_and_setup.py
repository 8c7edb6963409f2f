"""Sign-in and the first-run setup, driven through their widgets."""
from datetime import date

import pytest
from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.services import desk
from booking_desktop.models import AuditEvent, Business, BusinessHours, TimeSlot, User
from booking_desktop.ui.export.day_sheet import write_day_sheet_pdf
from booking_desktop.ui.dialogs.first_run import FirstRunDialog
from booking_desktop.ui.dialogs.signin import SignInDialog


def test_sign_in_with_the_right_password(qtbot, gui_db, desk_staff):
    dialog = SignInDialog("sam")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "staff-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == SignInDialog.DialogCode.Accepted
    assert dialog.user.id == desk_staff.id


def test_wrong_password_is_refused_inline(qtbot, gui_db, desk_staff):
    dialog = SignInDialog("sam")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "guess")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is None
    assert dialog.error.isVisible()
    assert dialog.error.text() == "Wrong username or password."


def test_disabled_account_cannot_sign_in(qtbot, gui_db, desk_owner, desk_staff):
    services.set_user_active("sam", False, by=desk_owner)
    dialog = SignInDialog("sam")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "staff-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is None
    assert "disabled" in dialog.error.text()


def test_first_run_sets_up_a_working_front_desk(qtbot, gui_db):
    dialog = FirstRunDialog(with_owner=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Salon Anna")
    dialog.timezone.setCurrentText("Europe/Vienna")
    dialog.template.setCurrentIndex(dialog.template.findData("everyday_10to6"))
    dialog.capacity.setValue(3)
    qtbot.keyClicks(dialog.password, "secret-pass")
    qtbot.keyClicks(dialog.repeat, "secret-pass")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)

    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    business = Business.get(Business.name == "Salon Anna")
    assert business.timezone == "Europe/Vienna"
    assert BusinessHours.select().where(BusinessHours.business == business).count() == 7
    slots = TimeSlot.select().where(TimeSlot.business == business)
    assert slots.count() > 0 and {s.max_capacity for s in slots} == {3}
    days = {s.start.date() for s in slots}
    assert (max(days) - date.today()).days >= 26
    owner = User.get(User.username == "owner")
    assert owner.role == "owner" and dialog.owner.id == owner.id
    assert AuditEvent.select().where(AuditEvent.action == "slots.generate").count() == 1


def test_first_run_refuses_mismatched_passwords_and_creates_nothing(qtbot, gui_db):
    dialog = FirstRunDialog(with_owner=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Salon Anna")
    qtbot.keyClicks(dialog.password, "secret-pass")
    qtbot.keyClicks(dialog.repeat, "secret-pasz")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.error.text() == "The two passwords differ."
    assert Business.select().count() == 0 and User.select().count() == 0


def test_day_sheet_pdf(tmp_path, make_window, desk_staff, shop):
    slot = services.next_free_slot(shop)
    services.create_booking(slot, "Printed Paula", customer_phone="030 1234")
    window = make_window(desk_staff, shop)
    path = tmp_path / "sheet.pdf"
    write_day_sheet_pdf(window.session, slot.start.date(), str(path))
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 1000
    from booking_desktop.ui.export.day_sheet import day_sheet_html
    html = day_sheet_html(shop, slot.start.date(), desk.day_schedule(shop, slot.start.date()))
    assert "Printed Paula" in html and "030 1234" in html


def test_the_day_sheet_reads_the_day_on_the_worker(qtbot, tmp_path, threaded_desk,
                                                   make_window, desk_staff, shop, monkeypatch):
    import threading
    slot = services.next_free_slot(shop)
    services.create_booking(slot, "Printed Paula")
    window = make_window(desk_staff, shop)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=5000)
    readers, written = [], []
    real = desk.day_schedule
    monkeypatch.setattr(desk, "day_schedule", lambda *a, **k: readers.append(
        threading.current_thread().name) or real(*a, **k))
    path = tmp_path / "sheet.pdf"
    write_day_sheet_pdf(window.session, slot.start.date(), str(path), done=written.append)
    assert written == []  # not before the worker has read the day
    qtbot.waitUntil(lambda: written == [str(path)], timeout=5000)
    assert readers == ["booking-db"]
    assert path.read_bytes().startswith(b"%PDF")


def test_first_run_refused_detail_leaves_nothing_and_a_retry_works(qtbot, gui_db):
    dialog = FirstRunDialog(with_owner=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Salon Anna")
    dialog.username.setText("the owner")  # a space: refused after the business was valid
    qtbot.keyClicks(dialog.password, "secret-pass")
    qtbot.keyClicks(dialog.repeat, "secret-pass")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert "cannot contain spaces" in dialog.error.text()
    assert Business.select().count() == 0 and User.select().count() == 0
    assert TimeSlot.select().count() == 0
    dialog.username.setText("anna")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    assert Business.get().name == "Salon Anna" and User.get().username == "anna"


def test_sixth_wrong_password_in_a_row_must_wait_and_the_owner_sees_it(qtbot, gui_db, desk_owner,
                                                                        desk_staff):
    dialog = SignInDialog("sam")
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(5):
        dialog.password.clear()
        qtbot.keyClicks(dialog.password, "guess-again")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        assert dialog.error.text() == "Wrong username or password."
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "staff-password")  # right, but too soon
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is None
    assert dialog.error.text().startswith("Too many wrong passwords for 'sam'. Try again in ")

    from booking_desktop.ui.session import Session
    from booking_desktop.ui.dialogs.users_dialog import UsersDialog
    users = UsersDialog(Session(desk_owner))
    qtbot.addWidget(users)
    users.show()
    assert users.troubles.isVisible()
    assert users.troubles.text().startswith("Failed sign-ins — sam: 5 wrong passwords in a row, "
                                            "must wait until ")


@pytest.mark.parametrize("machine_zone, offered", [
    ("Pacific/Auckland", "Pacific/Auckland"),
    ("Not/AZone", "UTC"),        # something the zone list does not know
    (None, "UTC"),               # tzlocal could not tell
])
def test_first_run_offers_this_computers_time_zone(qtbot, gui_db, monkeypatch, machine_zone,
                                                    offered):
    """The guess comes from tzlocal (on Windows there is no /etc/localtime to read)."""
    from booking_desktop.ui.dialogs import first_run

    def zone_name():
        if machine_zone is None:
            raise LookupError("no zone configured")
        return machine_zone
    monkeypatch.setattr(first_run.tzlocal, "get_localzone_name", zone_name)
    dialog = FirstRunDialog(with_owner=True)
    qtbot.addWidget(dialog)
    assert dialog.timezone.currentText() == offered
