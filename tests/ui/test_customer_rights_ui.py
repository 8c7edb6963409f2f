"""A customer's data rights in the windows (issue 12, phase 2): the card's
"Export data…" writes the JSON and CSV files and says where; "Erase…"
asks, erases, shows the erased record, the day view follows, and Ctrl+Z
cannot bring the name back; staff see neither. Owner → Customer data…
saves the retention period, previews what maintain would erase (changing
nothing) and erases them after asking. Driven by clicks and keys
and checked in the widgets, the files and the database, on SQLite and
PostgreSQL."""
import csv
import json
import threading
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.models import AuditEvent, Booking, Business, Customer
from booking_desktop.ui import formats
from booking_desktop.ui.dialogs import customer_card, customer_data_dialog
from booking_desktop.ui.dialogs.details_dialog import EditDetailsDialog

from . import test_customer_card as card_tests
from .test_customer_card import day_rows, past_booking, shown, tomorrow_slot, walk_in

desk = card_tests.desk          # the card tests' fixtures: a business, an owner, staff,
roberta = card_tests.roberta    # and Roberta Regular with three past bookings

UTC = timezone.utc
CTRL = Qt.KeyboardModifier.ControlModifier


def open_card(qtbot, window, customer_id):
    window.front_desk.open_customer_card(customer_id)
    card = window.front_desk.card
    shown(qtbot, card)
    return card


def no_trace_of(name: str, phone: str) -> bool:
    """Neither the customer's record nor any booking holds the name or phone."""
    return (not Customer.select().where((Customer.name == name) | (Customer.phone == phone))
            .exists()
            and not Booking.select().where((Booking.customer_name == name)
                                           | (Booking.customer_phone == phone)).exists())


# --- export ----------------------------------------------------------------------------------

def test_an_owner_exports_the_customer_as_json_and_csv(qtbot, desk, roberta, tmp_path,
                                                       monkeypatch):
    references = sorted(b.reference for b in Booking.select().where(Booking.customer == roberta))
    window = desk.window(desk.owner)
    card = open_card(qtbot, window, roberta)
    assert card.export_button.isVisibleTo(card) and card.erase_button.isVisibleTo(card)
    asked = []
    target = tmp_path / "roberta"  # no suffix typed: .json is added
    monkeypatch.setattr(customer_card, "ask_export_path",
                        lambda parent, suggested: asked.append(suggested) or str(target))
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)

    assert asked and asked[0].endswith(f"customer-{roberta}.json")
    export = json.loads((tmp_path / "roberta.json").read_text(encoding="utf-8"))
    assert export["customer"]["name"] == "Roberta Regular"
    assert sorted(b["reference"] for b in export["bookings"]) == references
    with open(tmp_path / "roberta-bookings.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["reference"] for r in rows) == references
    assert {r["customer_name"] for r in rows} == {"Roberta Regular"}
    with open(tmp_path / "roberta-customer.csv", encoding="utf-8", newline="") as handle:
        assert [r["phone"] for r in csv.DictReader(handle)] == ["030 999"]
    assert (tmp_path / "roberta-audit.csv").exists()
    assert card.status.text() == (f"Exported to roberta.json and 3 CSV files beside it, in "
                                  f"{tmp_path}.")
    assert str(tmp_path / "roberta-bookings.csv") in card.status.toolTip()
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id) == ("customer.export", roberta)
    assert Customer.get_by_id(roberta).name == "Roberta Regular"  # an export changes nothing


def test_an_export_cancelled_in_the_file_dialog_writes_nothing(qtbot, desk, roberta, tmp_path,
                                                               monkeypatch):
    window = desk.window(desk.owner)
    card = open_card(qtbot, window, roberta)
    before = AuditEvent.select().count()
    monkeypatch.setattr(customer_card, "ask_export_path", lambda parent, suggested: "")
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)
    assert AuditEvent.select().count() == before and list(tmp_path.glob("*.json")) == []
    assert card.status.text() == ""


def test_a_folder_that_cannot_be_written_is_said_in_the_card(qtbot, desk, roberta, tmp_path,
                                                             monkeypatch):
    window = desk.window(desk.owner)
    card = open_card(qtbot, window, roberta)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(customer_card, "ask_export_path",
                        lambda parent, suggested: str(blocked / "roberta.json"))
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)
    assert card.bar.isVisible() and card.bar.label.text() != ""
    assert card.isVisible() and not card.status.text().startswith("Exported")


def test_staff_see_neither_export_nor_erase(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    card = open_card(qtbot, window, roberta)
    assert not card.export_button.isVisibleTo(card)
    assert not card.erase_button.isVisibleTo(card)


# --- erasure ---------------------------------------------------------------------------------

def test_an_owner_erases_and_the_card_and_the_day_view_follow(qtbot, desk, roberta,
                                                               monkeypatch):
    upcoming = services.create_booking(tomorrow_slot(desk.shop), "Roberta Regular",
                                       customer_phone="030 999")
    statuses = dict(Booking.select(Booking.id, Booking.status)
                    .where(Booking.customer == roberta).tuples())
    window = desk.window(desk.owner)
    front = window.front_desk
    front.set_day(datetime.now(UTC).date() + timedelta(days=1))
    assert [r.customer_name for r in day_rows(front)] == ["Roberta Regular"]
    window.show_view(2)  # the Bookings table, read once with her name
    table = window.bookings.model
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    assert {table.booking(r).customer_name for r in range(table.rowCount())} == {
        "Roberta Regular"}
    window.show_view(0)
    card = open_card(qtbot, window, roberta)
    asked = []
    monkeypatch.setattr(customer_card, "confirm_erase",
                        lambda parent, row: asked.append(row.name) or True)
    qtbot.mouseClick(card.erase_button, Qt.MouseButton.LeftButton)

    erased = f"Erased customer #{roberta}"
    assert asked == ["Roberta Regular"]
    record = Customer.get_by_id(roberta)
    assert (record.name, record.phone, record.email, record.notes) == (erased, None, None, "")
    assert dict(Booking.select(Booking.id, Booking.status)
                .where(Booking.customer == roberta).tuples()) == statuses
    assert {b.customer_name for b in Booking.select().where(Booking.customer == roberta)} == \
        {erased}
    assert no_trace_of("Roberta Regular", "030 999")
    assert card.title.text() == erased and card.name_edit.text() == erased
    assert (card.phone_edit.text(), card.notes_edit.toPlainText()) == ("", "")
    assert card.history_model.rowCount() == 4  # the bookings stay
    assert card.status.text() == ("Erased: the name, contacts and notes are gone from the "
                                  "record and from 4 bookings.")
    # The day view read the day again (the pipeline's announce).
    assert [(r.id, r.customer_name) for r in day_rows(front)] == [(upcoming.id, erased)]
    # So does the Bookings table (marked stale while hidden, read when shown).
    card.close()
    window.show_view(2)
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    assert {table.booking(r).customer_name for r in range(table.rowCount())} == {erased}
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id) == ("customer.erase", roberta)


def test_erase_cancelled_changes_nothing(qtbot, desk, roberta, monkeypatch):
    window = desk.window(desk.owner)
    card = open_card(qtbot, window, roberta)
    monkeypatch.setattr(customer_card, "confirm_erase", lambda parent, row: False)
    qtbot.mouseClick(card.erase_button, Qt.MouseButton.LeftButton)
    assert Customer.get_by_id(roberta).name == "Roberta Regular"
    assert card.title.text() == "Roberta Regular"


def test_the_confirmation_defaults_to_cancel_and_names_what_happens(qtbot, desk, roberta):
    """Enter in the question keeps the data: Cancel is its default button."""
    window = desk.window(desk.owner)
    card = open_card(qtbot, window, roberta)
    seen = []

    def answer_with_enter():
        from PySide6.QtWidgets import QApplication, QMessageBox
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return False
        seen.append(box.informativeText())
        qtbot.keyClick(box, Qt.Key.Key_Return)
        return True

    from PySide6.QtCore import QTimer
    timer = QTimer(card, interval=50)
    timer.timeout.connect(lambda: answer_with_enter() and timer.stop())
    timer.start()
    qtbot.mouseClick(card.erase_button, Qt.MouseButton.LeftButton)
    assert seen and "cannot be undone" in seen[0]
    assert f"Erased customer #{roberta}" in seen[0] and "3 bookings" in seen[0]
    assert Customer.get_by_id(roberta).name == "Roberta Regular"


def test_another_desks_edit_before_the_erasure_is_erased_too(qtbot, desk, roberta,
                                                             monkeypatch):
    """Decided: erasing removes whatever the details are when it runs, so
    another desk's change between opening the card and "Erase…" is erased
    as well (not refused as a save of the fields would be)."""
    window = desk.window(desk.owner)
    card = open_card(qtbot, window, roberta)
    services.update_customer(roberta, phone="030 111 222", email="rr@example.com",
                             by=desk.owner)  # another desk
    monkeypatch.setattr(customer_card, "confirm_erase", lambda parent, row: True)
    qtbot.mouseClick(card.erase_button, Qt.MouseButton.LeftButton)
    record = Customer.get_by_id(roberta)
    assert (record.name, record.phone, record.email) == (f"Erased customer #{roberta}", None,
                                                         None)
    assert not card.bar.isVisible()
    assert card.title.text() == f"Erased customer #{roberta}"


def test_ctrl_z_after_an_erasure_cannot_bring_the_name_back(qtbot, desk, monkeypatch):
    """A walk-in and a details edit made in this window before the erasure:
    Ctrl+Z on the edit (which would write the previous details back) is
    refused and says so, the step stays, and nothing holds the name again."""
    window = desk.window(desk.owner)
    form = walk_in(qtbot, window)
    qtbot.keyClicks(form.name, "Wanda Walker")
    qtbot.keyClicks(form.phone, "0170 555")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booking = Booking.get(Booking.customer_name == "Wanda Walker")
    wanda = booking.customer_id
    front = window.front_desk
    front.set_day(booking.time_slot.start.date())
    front.select_booking(booking.id)
    front.tree.setFocus()

    def ask(cls, session, row, parent=None, *, save):
        changes = {"notes": "Window seat"}
        save(changes, {"notes": row.notes}).run()  # as the dialog's Save does
        return changes

    monkeypatch.setattr(EditDetailsDialog, "ask", classmethod(ask))
    qtbot.keyClick(front.tree, Qt.Key.Key_E, CTRL)
    assert Booking.get_by_id(booking.id).notes == "Window seat"
    assert window.undo_action.text().replace("&", "").startswith("Undo")

    card = open_card(qtbot, window, wanda)
    monkeypatch.setattr(customer_card, "confirm_erase", lambda parent, row: True)
    qtbot.mouseClick(card.erase_button, Qt.MouseButton.LeftButton)
    assert Customer.get_by_id(wanda).name == f"Erased customer #{wanda}"
    card.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    front.tree.setFocus()

    step = window.undo_action.text()
    qtbot.keyClick(front.tree, Qt.Key.Key_Z, CTRL)
    assert no_trace_of("Wanda Walker", "0170 555")
    assert window.undo_action.text() == step  # refused: the step is still there
    qtbot.keyClick(front.tree, Qt.Key.Key_Z, CTRL)  # again: the same refusal
    assert no_trace_of("Wanda Walker", "0170 555")
    assert Customer.get_by_id(wanda).name == f"Erased customer #{wanda}"
    assert Booking.get_by_id(booking.id).customer_name == f"Erased customer #{wanda}"
    assert front.bar.isVisible() and "Nothing was undone" in front.bar.label.text()


# --- retention -------------------------------------------------------------------------------

def customers() -> list[tuple]:
    return list(Customer.select(Customer.id, Customer.name, Customer.phone, Customer.updated_at)
                .order_by(Customer.id).tuples())


def test_retention_is_saved_previewed_and_erased_from_the_owner_menu(qtbot, desk, roberta,
                                                                      monkeypatch):
    olga = past_booking(desk.shop, 70, "Olga Old", "030 700")
    otto = past_booking(desk.shop, 90, "Otto Older")
    window = desk.window(desk.owner)
    assert window.customer_data_action in window.owner_menu.actions()
    window.customer_data_action.trigger()
    dialog = window.customer_data_dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.preview is not None)
    # Off by default.
    assert not dialog.erase_check.isChecked() and not dialog.months.isEnabled()
    assert dialog.saved_label.text() == "Saved: customers are kept until erased by hand."
    assert dialog.preview_title.text() == "Maintain erases no one while this is off."
    assert not dialog.erase_now_button.isEnabled()

    qtbot.mouseClick(dialog.erase_check, Qt.MouseButton.LeftButton)
    assert dialog.months.isEnabled()
    dialog.months.setFocus()
    dialog.months.selectAll()
    qtbot.keyClicks(dialog.months, "2")
    assert dialog.months.text() == "2 months"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Business.get_by_id(desk.shop.id).erase_customers_after_months == 2
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id) == ("business.retention", desk.shop.id)
    assert dialog.saved_label.text() == ("Saved: customers are erased 2 months after their "
                                         "latest booking.")
    # The preview lists what maintain would erase now: Olga and Otto, not Roberta.
    due = services.customers_to_erase(by=desk.owner)
    assert [c["customer_id"] for c in due] == [olga.customer_id, otto.customer_id]
    assert dialog.preview_title.text() == "Maintain would erase 2 customers now."
    assert dialog.preview_lines.text().split("\n") == [
        f"Customer #{olga.customer_id}, last visit "
        f"{formats.date_text(olga.time_slot.start.date())}",
        f"Customer #{otto.customer_id}, last visit "
        f"{formats.date_text(otto.time_slot.start.date())}"]

    # A preview is a dry run: asking again changes nothing.
    before, events = customers(), AuditEvent.select().count()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert customers() == before and AuditEvent.select().count() == events
    assert dialog.preview_title.text() == "Maintain would erase 2 customers now."

    asked = []
    monkeypatch.setattr(customer_data_dialog, "confirm_erase_expired",
                        lambda parent, count, months: asked.append((count, months)) or True)
    qtbot.mouseClick(dialog.erase_now_button, Qt.MouseButton.LeftButton)
    assert asked == [(2, 2)]
    assert [Customer.get_by_id(c).name for c in (olga.customer_id, otto.customer_id)] == [
        f"Erased customer #{olga.customer_id}", f"Erased customer #{otto.customer_id}"]
    assert Customer.get_by_id(roberta).name == "Roberta Regular"
    assert no_trace_of("Olga Old", "030 700")
    assert dialog.status.text() == "Erased 2 customers."
    assert dialog.preview_title.text() == "Maintain would erase 0 customers now."
    assert not dialog.erase_now_button.isEnabled()


def test_erase_now_cancelled_and_retention_turned_off_again(qtbot, desk, monkeypatch):
    olga = past_booking(desk.shop, 70, "Olga Old", "030 700")
    services.set_customer_retention(desk.shop, 1, by=desk.owner)  # another desk
    window = desk.window(desk.owner)
    window.show_customer_data()
    dialog = window.customer_data_dialog
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.erase_check.isChecked() and dialog.months.value() == 1
    assert dialog.months.text() == "1 month"
    assert dialog.preview_title.text() == "Maintain would erase 1 customer now."
    monkeypatch.setattr(customer_data_dialog, "confirm_erase_expired",
                        lambda parent, count, months: False)
    before = customers()
    qtbot.mouseClick(dialog.erase_now_button, Qt.MouseButton.LeftButton)
    assert customers() == before
    qtbot.mouseClick(dialog.erase_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert Business.get_by_id(desk.shop.id).erase_customers_after_months is None
    assert dialog.preview_title.text() == "Maintain erases no one while this is off."
    assert Customer.get_by_id(olga.customer_id).name == "Olga Old"


def test_a_refused_retention_is_said_in_the_dialog(qtbot, desk):
    """The account was disabled at another desk meanwhile: the service
    refuses and the dialog's bar says so; nothing is saved."""
    from booking_desktop.services import users as user_service
    window = desk.window(desk.owner)
    window.show_customer_data()
    dialog = window.customer_data_dialog
    qtbot.waitUntil(lambda: dialog.preview is not None)
    second = user_service.create_user("otto", "owner-password-2", role="owner", by=desk.owner)
    user_service.set_user_active("olga", False, by=second)
    qtbot.mouseClick(dialog.erase_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.bar.isVisible() and dialog.bar.label.text() != ""
    assert dialog.isVisible()
    assert Business.get_by_id(desk.shop.id).erase_customers_after_months is None


def test_staff_have_no_customer_data_dialog(qtbot, desk):
    window = desk.window(desk.staff)
    assert not window.owner_menu.menuAction().isVisible()


def test_a_booking_made_elsewhere_after_the_preview_keeps_that_customer(qtbot, desk,
                                                                        monkeypatch):
    """Another desk books Olga between the preview and Erase now: the
    erasure works out who is due when it runs, so she stays, and the
    dialog says how many it erased and reads the preview again."""
    olga = past_booking(desk.shop, 70, "Olga Old", "030 700")
    otto = past_booking(desk.shop, 90, "Otto Older")
    services.set_customer_retention(desk.shop, 1, by=desk.owner)
    window = desk.window(desk.owner)
    window.show_customer_data()
    dialog = window.customer_data_dialog
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.preview_title.text() == "Maintain would erase 2 customers now."
    services.create_booking(tomorrow_slot(desk.shop), "Olga Old", customer_phone="030 700")
    monkeypatch.setattr(customer_data_dialog, "confirm_erase_expired",
                        lambda parent, count, months: True)
    qtbot.mouseClick(dialog.erase_now_button, Qt.MouseButton.LeftButton)
    assert Customer.get_by_id(olga.customer_id).name == "Olga Old"
    assert Customer.get_by_id(otto.customer_id).name == f"Erased customer #{otto.customer_id}"
    assert dialog.status.text() == "Erased 1 customer."
    assert dialog.preview_title.text() == "Maintain would erase 0 customers now."


def test_export_and_erase_run_on_the_windows_database_thread(qtbot, threaded_desk, desk,
                                                            roberta, tmp_path, monkeypatch):
    """As in the app: the work runs on the worker thread and the card
    applies the answers when they come."""
    window = desk.window(desk.owner)
    assert window.session.pipeline.worker.threaded
    card = open_card(qtbot, window, roberta)
    monkeypatch.setattr(customer_card, "ask_export_path",
                        lambda parent, suggested: str(tmp_path / "r.json"))
    qtbot.mouseClick(card.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: card.status.text().startswith("Exported"), timeout=10000)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["customer"]["id"] \
        == roberta
    monkeypatch.setattr(customer_card, "confirm_erase", lambda parent, row: True)
    # The erasure waits on the worker until the test has seen the card busy.
    go_on, erase = threading.Event(), services.erase_customer

    def held_erase(*args, **kwargs):
        assert go_on.wait(10)
        return erase(*args, **kwargs)
    monkeypatch.setattr(services, "erase_customer", held_erase)
    qtbot.mouseClick(card.erase_button, Qt.MouseButton.LeftButton)
    assert card.status.text() == "Erasing…"
    assert not card.erase_button.isEnabled() and not card.export_button.isEnabled()
    go_on.set()
    qtbot.waitUntil(lambda: card.title.text() == f"Erased customer #{roberta}", timeout=10000)
    qtbot.waitUntil(window.session.pipeline.idle, timeout=10000)
    assert Customer.get_by_id(roberta).phone is None
