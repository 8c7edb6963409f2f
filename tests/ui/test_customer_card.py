"""Customers in the windows (issue 12): the walk-in typeahead's customers,
their history line and note, binding the booking to the customer picked
(and unbinding when the details say it is someone else), the customer
card from the walk-in form, the day view and the bookings table (edits,
another desk's edit in between, history and figures), merging from the
card and from Owner → Likely duplicates. Driven by keys and clicks and
checked in the widgets and the database, on SQLite and PostgreSQL."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtWidgets import QApplication

from booking_desktop import db, services
from booking_desktop.errors import PermissionDenied
from booking_desktop.models import AuditEvent, Booking, Customer
from booking_desktop.services import users as user_service
from booking_desktop.ui import formats, i18n
from booking_desktop.ui.app import open_main_window
from booking_desktop.ui.dialogs import customer_card, duplicates_dialog
from booking_desktop.ui.models.day_model import ROW_DATA, ROW_KIND
from booking_desktop.ui.settings import Settings

UTC = timezone.utc


@dataclass
class Desk:
    owner: object
    staff: object
    shop: object
    url: str
    settings: Settings
    qtbot: object

    def window(self, user):
        window = open_main_window(self.url, user, self.shop, self.settings)
        self.qtbot.addWidget(window)
        window.show()
        self.qtbot.waitExposed(window)
        window.activateWindow()
        self.qtbot.waitUntil(window.isActiveWindow)
        self.windows.append(window)
        return window


@pytest.fixture
def desk(qtbot, db_url, tmp_path):
    """On SQLite and PostgreSQL: a business open all day (UTC) with slots of
    2 places from today on for three days, an owner and a staff account."""
    db.connect(db_url)
    owner = user_service.create_user("olga", "owner-password", role="owner")
    staff = user_service.create_user("sam", "staff-password", role="staff", by=owner)
    shop = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(shop, {d: [(time(0), time(23, 30))] for d in range(7)},
                              by=owner)
    today = datetime.now(UTC).date()
    services.generate_time_slots(shop, today, today + timedelta(days=2), max_capacity=2,
                                 by=owner)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    made = Desk(owner, staff, shop, db_url, settings, qtbot)
    made.windows = []
    yield made
    for window in made.windows:
        window.session.stop_watching()
        window.close()
    db.close()


def past_booking(shop, days_ago: int, name: str, phone=None, email=None, status=None,
                 hour: int = 10):
    """A booking of a slot `days_ago` days back at `hour`:00, made the day
    before (and marked `status` after it began)."""
    day = datetime.now(UTC).date() - timedelta(days=days_ago)
    midnight = datetime.combine(day, time(0), tzinfo=UTC)
    services.generate_time_slots(shop, day, day, max_capacity=2,
                                 now=midnight - timedelta(seconds=1))
    slot = services.slots_between(shop, day)[hour * 2]
    booking = services.create_booking(slot, name, email, phone,
                                      now=slot.start - timedelta(days=1))
    if status is not None:
        services.set_booking_status(booking, status, now=slot.start + timedelta(minutes=10))
    return booking


def tomorrow_slot(shop, index: int = 20):
    day = datetime.now(UTC).date() + timedelta(days=1)
    return services.slots_between(shop, day)[index]


@pytest.fixture
def roberta(desk):
    """Roberta Regular: two visits (3 and 10 days ago), one no-show (5 days
    ago), a note; her id."""
    first = past_booking(desk.shop, 10, "Roberta Regular", "030 999", status="completed")
    past_booking(desk.shop, 5, "Roberta Regular", "030 999", status="no_show")
    past_booking(desk.shop, 3, "Roberta Regular", "030 999")
    services.update_customer(first.customer_id, notes="Prefers Katrin", by=desk.owner)
    return first.customer_id


def last_visit_text() -> str:
    three_days_ago = datetime.now(UTC).date() - timedelta(days=3)
    return formats.recent_date(three_days_ago, datetime.now(UTC).date())


def type_and_pick(qtbot, form, text: str, row: int = 0):
    """Type `text` in the name field, wait for the typeahead and pick row
    `row` of its popup with the keys (↓ to it, Enter)."""
    qtbot.keyClicks(form.name, text)
    completer = form.name.completer()
    qtbot.waitUntil(lambda: completer.completionModel().rowCount() > row, timeout=6000)
    popup = completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(completer.completionModel().index(row, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    return completer


def shown(qtbot, card):
    """The card read its customer and has the keyboard (as a window shown
    with open() has; the offscreen platform activates only when asked)."""
    qtbot.waitUntil(lambda: card.isVisible() and card.row is not None)
    card.activateWindow()
    qtbot.waitUntil(card.isActiveWindow)


def walk_in(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F2)
    return window.front_desk.walk_in


def card_of_picked(qtbot, window, form, typed: str = "robe"):
    """Type `typed` in the walk-in, pick the suggestion, press F4: the card,
    shown with the keyboard."""
    type_and_pick(qtbot, form, typed)
    form.name.setFocus()
    qtbot.keyClick(form.name, Qt.Key.Key_F4)
    card = window.front_desk.card
    shown(qtbot, card)
    return card


# --- the walk-in's typeahead ----------------------------------------------------------------

def test_picking_a_customer_shows_their_history_and_books_for_their_record(qtbot, desk,
                                                                           roberta):
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    before = Booking.select().count()
    completer = type_and_pick(qtbot, form, "robe")
    assert Booking.select().count() == before  # Enter on the suggestion picks, books nothing
    label = completer.completionModel().index(0, 0).data()
    assert label == f"Roberta Regular (030 999 · last {last_visit_text()})"

    assert (form.name.text(), form.phone.text(), form.email.text()) == \
        ("Roberta Regular", "030 999", "")
    assert form.customer is not None and form.customer.id == roberta
    assert form.customer_panel.isVisible()
    assert form.customer_line.text().replace("\u00a0", " ") == \
        f"2 visits · 1 no-show · last {last_visit_text()}"
    assert form.customer_note.text() == "Note: Prefers Katrin"
    assert window.front_desk.customer_card_action.isEnabled()

    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booked = Booking.select().order_by(Booking.id.desc()).get()
    assert (booked.customer_name, booked.customer_id) == ("Roberta Regular", roberta)
    assert not form.customer_panel.isVisible() and form.customer is None
    assert Customer.select().count() == 1


def test_a_typo_put_right_keeps_the_customer_picked(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "robe")
    form.name.setFocus()
    qtbot.keyClick(form.name, Qt.Key.Key_End)
    qtbot.keyClicks(form.name, "l")  # "Roberta Regularl"
    qtbot.keyClick(form.name, Qt.Key.Key_Backspace)
    qtbot.keyClick(form.name, Qt.Key.Key_Backspace)
    qtbot.keyClicks(form.name, "r")  # "Roberta Regular" again, by hand
    qtbot.keyClick(form.name, Qt.Key.Key_Home)
    qtbot.keyClick(form.name, Qt.Key.Key_Delete)
    qtbot.keyClicks(form.name, "r")  # "roberta Regular"
    assert form.customer is not None and form.customer_panel.isVisible()
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booked = Booking.select().order_by(Booking.id.desc()).get()
    assert (booked.customer_name, booked.customer_id) == ("roberta Regular", roberta)


def test_another_name_after_picking_books_someone_else(qtbot, desk, roberta):
    """The name typed over the picked one: not Roberta's booking, and her
    phone, which the pick filled in, does not find her record either."""
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "robe")
    form.name.setFocus()
    form.name.selectAll()
    qtbot.keyClicks(form.name, "Maria Gonzalez")
    assert form.customer is None and not form.customer_panel.isVisible()
    assert form.phone.text() == ""
    assert "someone else than Roberta Regular" in form.message.label.text()
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booked = Booking.get(Booking.customer_name == "Maria Gonzalez")
    assert booked.customer_id != roberta and booked.customer_phone is None
    assert Customer.get_by_id(booked.customer_id).name == "Maria Gonzalez"


def test_another_phone_after_picking_unbinds(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "robe")
    form.phone.setFocus()
    form.phone.selectAll()
    qtbot.keyClicks(form.phone, "0170 111 2222")
    assert form.customer is None and not form.customer_panel.isVisible()
    assert form.name.text() == "Roberta Regular"
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    booked = Booking.get(Booking.customer_phone == "0170 111 2222")
    assert booked.customer_id != roberta


def test_a_phone_added_where_the_customer_had_none_keeps_them(qtbot, desk):
    only_name = past_booking(desk.shop, 4, "Nina Nophone", email="nina@example.com")
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "nina")
    assert form.customer.id == only_name.customer_id
    qtbot.keyClicks(form.phone, "0151 000")
    assert form.customer is not None
    qtbot.keyClick(form.phone, Qt.Key.Key_Return)
    booked = Booking.get(Booking.customer_phone == "0151 000")
    assert booked.customer_id == only_name.customer_id


def test_someone_else_button_unbinds(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "robe")
    qtbot.mouseClick(form.unbind_button, Qt.MouseButton.LeftButton)
    assert form.customer is None and form.name.hasFocus()
    assert form.phone.text() == ""  # her phone would find her record again
    qtbot.keyClicks(form.name, "Rita Other")  # typed over the selected name
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booked = Booking.get(Booking.customer_name == "Rita Other")
    assert booked.customer_id != roberta


def test_a_customer_merged_away_meanwhile_is_said_and_nothing_booked(qtbot, desk, roberta):
    """Another desk merges the picked record into another between the pick
    and Enter: refused in the form, unbound, nothing booked; Enter again
    books for the record the phone now finds."""
    other = past_booking(desk.shop, 6, "Roberta R.", email="rr@example.com")
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "roberta reg")
    before = Booking.select().count()
    services.merge_customers(other.customer_id, roberta, by=desk.owner)  # another desk
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert Booking.select().count() == before
    assert "no longer exists" in form.message.label.text()
    assert form.customer is None and form.name.text() == "Roberta Regular"
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    booked = Booking.select().order_by(Booking.id.desc()).get()
    assert booked.customer_id == other.customer_id  # found by her phone, now the kept record's


# --- the customer card --------------------------------------------------------------------

def test_f4_in_the_walk_in_opens_the_card_with_history_and_figures(qtbot, desk, roberta):
    cancelled = services.create_booking(tomorrow_slot(desk.shop), "Roberta Regular",
                                        customer_phone="030 999")
    services.cancel_booking(cancelled, "Ill")
    window = desk.window(desk.staff)
    card = card_of_picked(qtbot, window, walk_in(qtbot, window))
    assert card.customer_id == roberta
    assert card.title.text() == "Roberta Regular"
    assert card.name_edit.text() == "Roberta Regular" and card.phone_edit.text() == "030 999"
    assert card.notes_edit.toPlainText() == "Prefers Katrin"
    figures = {key: label.text() for key, label in card.figures.items()}
    three_days_ago = datetime.now(UTC).date() - timedelta(days=3)
    ten_days_ago = datetime.now(UTC).date() - timedelta(days=10)
    assert figures == {"visits": "2", "no_shows": "1", "cancellations": "1",
                       "first_visit": formats.date_text(ten_days_ago),
                       "last_visit": formats.date_text(three_days_ago), "next_visit": "–"}
    model = card.history_model
    statuses = [model.item(r, 2).text() for r in range(model.rowCount())]
    assert statuses == ["Cancelled", "Confirmed", "No-show", "Completed"]  # newest first
    assert model.item(0, 4).text() == cancelled.reference
    assert card.history_title.text() == "4 bookings"
    assert not card.owner_actions.isVisibleTo(card)  # staff: no merging
    qtbot.keyClick(card.name_edit, Qt.Key.Key_Escape)
    assert not card.isVisible()


def test_the_card_saves_with_ctrl_s_and_enter(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "robe")
    qtbot.mouseClick(form.card_button, Qt.MouseButton.LeftButton)
    card = window.front_desk.card
    shown(qtbot, card)
    card.notes_edit.setFocus()
    card.notes_edit.selectAll()
    qtbot.keyClicks(card.notes_edit, "Prefers Katrin; allergic to latex")
    qtbot.keyClick(card.notes_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record = Customer.get_by_id(roberta)
    assert record.notes == "Prefers Katrin; allergic to latex"
    assert card.status.text() == "Saved."
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id) == ("customer.edit", roberta)

    card.email_edit.setFocus()
    qtbot.keyClicks(card.email_edit, "roberta@example.com")
    qtbot.mouseClick(card.contact_check, Qt.MouseButton.LeftButton)
    card.email_edit.setFocus()
    qtbot.keyClick(card.email_edit, Qt.Key.Key_Return)
    record = Customer.get_by_id(roberta)
    assert (record.email, record.contact_ok) == ("roberta@example.com", True)
    # the walk-in books with the details as saved
    assert form.email.text() == "roberta@example.com"
    assert form.customer.email == "roberta@example.com"


def test_another_desks_edit_between_opening_and_saving_is_refused_in_the_card(qtbot, desk,
                                                                             roberta):
    window = desk.window(desk.staff)
    card = card_of_picked(qtbot, window, walk_in(qtbot, window))
    card.phone_edit.setFocus()
    card.phone_edit.selectAll()
    qtbot.keyClicks(card.phone_edit, "030 111 222")
    # Another desk corrects the phone meanwhile.
    services.update_customer(roberta, phone="030 999 0", by=desk.owner)
    qtbot.keyClick(card.phone_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert card.bar.isVisible()
    assert "changed at another desk" in card.bar.label.text()
    assert Customer.get_by_id(roberta).phone == "030 999 0"
    assert card.phone_edit.text() == "030 111 222"  # what was typed stays
    assert card.isVisible()
    qtbot.mouseClick(card.bar.action, Qt.MouseButton.LeftButton)  # Reload
    assert card.phone_edit.text() == "030 999 0" and not card.bar.isVisible()


def test_the_open_card_follows_another_desks_booking(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    window.front_desk.open_customer_card(roberta)
    card = window.front_desk.card
    shown(qtbot, card)
    assert card.history_model.rowCount() == 3 and card.figures["next_visit"].text() == "–"
    card.notes_edit.setFocus()
    qtbot.keyClick(card.notes_edit, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(card.notes_edit, " (typed here)")
    booked = services.create_booking(tomorrow_slot(desk.shop), "Roberta Regular",
                                     customer_phone="030 999")  # another desk
    window.session.notify_changed()  # as its NOTIFY or data_version would
    qtbot.waitUntil(lambda: card.history_model.rowCount() == 4)
    assert card.history_model.item(0, 4).text() == booked.reference
    assert card.figures["next_visit"].text() == formats.date_text(
        booked.time_slot.start.date())
    assert card.notes_edit.toPlainText() == "Prefers Katrin (typed here)"  # kept


def test_a_refused_detail_is_said_next_to_the_field(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    window.front_desk.open_customer_card(roberta)
    card = window.front_desk.card
    shown(qtbot, card)
    card.email_edit.setFocus()
    qtbot.keyClicks(card.email_edit, "not an email")
    card.notes_edit.setFocus()
    qtbot.keyClick(card.notes_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert card.bar.isVisible() and "email" in card.bar.label.text()
    assert card.email_edit.hasFocus()  # the field the refusal is about
    assert Customer.get_by_id(roberta).email is None


def test_closing_with_unsaved_changes_asks(qtbot, desk, roberta, monkeypatch):
    window = desk.window(desk.staff)
    window.front_desk.open_customer_card(roberta)
    card = window.front_desk.card
    shown(qtbot, card)
    qtbot.keyClicks(card.name_edit, "x")
    asked = []
    monkeypatch.setattr(customer_card, "confirm_discard",
                        lambda parent, name: asked.append(name) or False)
    qtbot.keyClick(card.name_edit, Qt.Key.Key_Escape)
    assert asked == ["Roberta Regular"] and card.isVisible()
    monkeypatch.setattr(customer_card, "confirm_discard", lambda parent, name: True)
    qtbot.keyClick(card.name_edit, Qt.Key.Key_Escape)
    assert not card.isVisible()
    assert Customer.get_by_id(roberta).name == "Roberta Regular"


def _select_booking(front_desk, booking_id: int) -> None:
    front_desk.select_booking(booking_id)
    assert front_desk.selected_booking().id == booking_id


def test_f4_in_the_day_view_opens_the_selected_bookings_customer(qtbot, desk, roberta):
    booking = services.create_booking(tomorrow_slot(desk.shop), "Roberta Regular",
                                      customer_phone="030 999")
    window = desk.window(desk.staff)
    front = window.front_desk
    front.set_day(datetime.now(UTC).date() + timedelta(days=1))
    _select_booking(front, booking.id)
    front.tree.setFocus()
    assert front.customer_card_action.isEnabled()
    qtbot.keyClick(front.tree, Qt.Key.Key_F4)
    card = front.card
    shown(qtbot, card)
    assert card.customer_id == roberta and card.title.text() == "Roberta Regular"
    assert front.customer_card_action in window.menuBar().actions()[2].menu().actions()


def test_f4_in_the_bookings_table_opens_the_customer(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    window.show_view(2)
    table = window.bookings.table
    qtbot.waitUntil(lambda: window.bookings.model.rowCount() > 0)
    table.setFocus()
    table.selectRow(0)
    view = window.bookings
    assert view.customer_card_action.isEnabled()
    assert view.customer_card_action in view.selection_actions  # the context menu's
    qtbot.keyClick(table, Qt.Key.Key_F4)
    card = view.card
    shown(qtbot, card)
    assert card.customer_id == view.model.booking(0).customer_id == roberta


# --- merging -------------------------------------------------------------------------------

def day_rows(front_desk) -> list:
    model, rows = front_desk.model, []
    for r in range(model.rowCount()):
        slot = model.item(r, 0)
        rows += [slot.child(c, 0).data(ROW_DATA) for c in range(slot.rowCount())
                 if slot.child(c, 0).data(ROW_KIND) == "booking"]
    return rows


def test_an_owner_merges_from_the_card_and_the_views_follow(qtbot, desk, monkeypatch):
    slot = tomorrow_slot(desk.shop)
    anna = services.create_booking(slot, "Anna Schmidt", customer_phone="0151 111")
    twin = services.create_booking(tomorrow_slot(desk.shop, 22), "Anna Schmit",
                                   "anna@example.com")
    services.update_customer(twin.customer_id, notes="Short hair", by=desk.owner)
    assert anna.customer_id != twin.customer_id
    window = desk.window(desk.owner)
    front = window.front_desk
    front.set_day(datetime.now(UTC).date() + timedelta(days=1))
    assert {r.customer_id for r in day_rows(front)} == {anna.customer_id, twin.customer_id}
    _select_booking(front, anna.id)
    front.tree.setFocus()
    qtbot.keyClick(front.tree, Qt.Key.Key_F4)
    card = front.card
    shown(qtbot, card)
    assert card.owner_actions.isVisibleTo(card)
    confirmed = []
    monkeypatch.setattr(customer_card, "confirm_merge",
                        lambda parent, keep, other: confirmed.append((keep.id, other.id)) or True)

    qtbot.mouseClick(card.merge_button, Qt.MouseButton.LeftButton)
    picker = card.picker
    assert picker.isVisible()
    qtbot.keyClicks(picker.search, "schmi")
    qtbot.waitUntil(lambda: picker.model.rowCount() == 1, timeout=6000)  # not Anna herself
    assert picker.model.item(0, 0).text() == "Anna Schmit"
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)

    assert confirmed == [(anna.customer_id, twin.customer_id)]
    assert not Customer.select().where(Customer.id == twin.customer_id).exists()
    assert Booking.get_by_id(twin.id).customer_id == anna.customer_id
    kept = Customer.get_by_id(anna.customer_id)
    assert (kept.email, kept.notes) == ("anna@example.com", "Short hair")
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.entity_id) == ("customer.merge", anna.customer_id)
    assert card.status.text() == "Merged Anna Schmit into this record."
    assert card.history_model.rowCount() == 2 and card.figures["visits"].text() == "0"
    assert card.notes_edit.toPlainText() == "Short hair"
    # The day view read the day again: both bookings are Anna's record's now.
    assert {r.customer_id for r in day_rows(front)} == {anna.customer_id}


CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def customer_rows() -> list[tuple]:
    return list(Customer.select().order_by(Customer.id).tuples())


def booking_rows() -> list[tuple]:
    return list(Booking.select().order_by(Booking.id).tuples())


def merge_twins_from_the_card(qtbot, desk, monkeypatch):
    """Anna Schmidt (a phone) and Anna Schmit (an email, a note) tomorrow;
    the owner's window, the day view on tomorrow, Anna's card open, and
    Anna Schmit merged into it through the picker (the confirmation
    answered). Returns (window, card, anna, twin, rows before the merge)."""
    anna = services.create_booking(tomorrow_slot(desk.shop), "Anna Schmidt",
                                   customer_phone="0151 111")
    twin = services.create_booking(tomorrow_slot(desk.shop, 22), "Anna Schmit",
                                   "anna@example.com")
    services.update_customer(twin.customer_id, notes="Short hair", by=desk.owner)
    before = customer_rows(), booking_rows()
    window = desk.window(desk.owner)
    front = window.front_desk
    front.set_day(datetime.now(UTC).date() + timedelta(days=1))
    _select_booking(front, anna.id)
    front.tree.setFocus()
    qtbot.keyClick(front.tree, Qt.Key.Key_F4)
    card = front.card
    shown(qtbot, card)
    monkeypatch.setattr(customer_card, "confirm_merge", lambda parent, keep, other: True)
    qtbot.mouseClick(card.merge_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(card.picker.search, "schmit")
    qtbot.waitUntil(lambda: card.picker.model.rowCount() == 1, timeout=6000)
    qtbot.keyClick(card.picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: card.status.text() == "Merged Anna Schmit into this record.")
    assert not Customer.select().where(Customer.id == twin.customer_id).exists()
    assert window.undo_action.text().replace("&", "") == \
        "Undo merge of Anna Schmit into Anna Schmidt"
    return window, card, anna, twin, before


def test_ctrl_z_takes_a_merge_back_and_the_card_and_views_follow(qtbot, desk, monkeypatch):
    window, card, anna, twin, before = merge_twins_from_the_card(qtbot, desk, monkeypatch)
    front = window.front_desk
    assert card.history_model.rowCount() == 2
    assert {r.customer_id for r in day_rows(front)} == {anna.customer_id}

    # Ctrl+Z in the card (it is modal: the window's keys are out of reach) undoes the
    # window's step; the open card and the day view follow.
    shown(qtbot, card)  # the picker closed: the card has the keyboard again
    card.history.setFocus()
    qtbot.keyClick(card.history, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: card.history_model.rowCount() == 1)
    assert (customer_rows(), booking_rows()) == before
    assert window.statusBar().currentMessage() == \
        "Undid merge of Anna Schmit into Anna Schmidt."
    assert card.email_edit.text() == "" and card.notes_edit.toPlainText() == ""
    assert card.status.text() == ""  # "Merged …" is no longer so
    assert {r.customer_id for r in day_rows(front)} == {anna.customer_id, twin.customer_id}
    assert AuditEvent.select().order_by(AuditEvent.id.desc()).get().action == "customer.unmerge"

    # Closed, then Ctrl+Shift+Z and Ctrl+Z in the main window.
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not card.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    front.tree.setFocus()
    qtbot.keyClick(front.tree, Qt.Key.Key_Z, CTRL_SHIFT)
    qtbot.waitUntil(lambda: {r.customer_id for r in day_rows(front)} == {anna.customer_id})
    assert not Customer.select().where(Customer.id == twin.customer_id).exists()
    assert window.statusBar().currentMessage() == \
        "Redid merge of Anna Schmit into Anna Schmidt."
    qtbot.keyClick(front.tree, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: {r.customer_id for r in day_rows(front)}
                    == {anna.customer_id, twin.customer_id})
    assert (customer_rows(), booking_rows()) == before
    front.open_customer_card(twin.customer_id)
    shown(qtbot, front.card)
    assert (front.card.title.text(), front.card.notes_edit.toPlainText()) == (
        "Anna Schmit", "Short hair")


def test_an_edit_at_another_desk_after_the_merge_refuses_its_undo(qtbot, desk, monkeypatch):
    window, card, anna, twin, _before = merge_twins_from_the_card(qtbot, desk, monkeypatch)
    qtbot.keyClick(card, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not card.isVisible())
    # Another desk corrects the kept record.
    services.update_customer(anna.customer_id, notes="Short hair, prefers Katrin",
                             by=desk.owner)
    merged = customer_rows(), booking_rows()
    front = window.front_desk
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    front.tree.setFocus()
    qtbot.keyClick(front.tree, Qt.Key.Key_Z, CTRL)
    said = ("Nothing was undone: the kept customer's record was changed after the merge (at "
            "another desk, or erased); taking the merge back would undo that, so nothing was "
            "changed.")
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == said)
    assert front.bar.isVisible() and front.bar.label.text() == said
    assert (customer_rows(), booking_rows()) == merged
    assert window.undo_action.text().replace("&", "") == \
        "Undo merge of Anna Schmit into Anna Schmidt"  # the step stays


def test_the_duplicates_merge_is_one_step_of_the_undo_stack(qtbot, desk, monkeypatch):
    services.create_booking(tomorrow_slot(desk.shop), "Tom Alpha",
                            customer_phone="0151 222 333")
    thomas = services.create_booking(tomorrow_slot(desk.shop, 24), "Thomas Alpha")
    tim = services.create_booking(tomorrow_slot(desk.shop, 26), "Tim Alpha")
    for booking in (thomas, tim):
        services.update_customer(booking.customer_id, phone="0151222333", by=desk.owner)
    before = customer_rows(), booking_rows()
    window = desk.window(desk.owner)
    window.show_duplicates()
    dialog = window.duplicates_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    dialog.select_customer(thomas.customer_id)
    monkeypatch.setattr(duplicates_dialog, "confirm_group_merge", lambda *_args: True)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    assert Customer.select().count() == 1
    assert window.undo_action.text().replace("&", "") == \
        "Undo merge of Tom Alpha, Tim Alpha into Thomas Alpha"
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Z, CTRL)  # in the dialog: the window's undo
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    assert (customer_rows(), booking_rows()) == before
    group = dialog.model.item(0, 0)
    assert group.rowCount() == 3


def test_the_picker_says_when_no_other_customer_is_found(qtbot, desk, monkeypatch):
    anna = services.create_booking(tomorrow_slot(desk.shop), "Anna Schmidt")
    window = desk.window(desk.owner)
    window.front_desk.open_customer_card(anna.customer_id)
    card = window.front_desk.card
    shown(qtbot, card)
    card.merge_with()
    picker = card.picker
    qtbot.keyClicks(picker.search, "schmidt")
    qtbot.waitUntil(lambda: picker.empty.text() != "", timeout=6000)
    assert picker.empty.text() == "No other customer found."
    assert not picker.pick_button.isEnabled()


def test_likely_duplicates_lists_records_sharing_a_phone_and_merges_them(qtbot, desk,
                                                                         monkeypatch):
    tom = services.create_booking(tomorrow_slot(desk.shop), "Tom Alpha",
                                  customer_phone="0151 222 333")
    thomas = services.create_booking(tomorrow_slot(desk.shop, 24), "Thomas Alpha")
    services.update_customer(thomas.customer_id, phone="0151222333", by=desk.owner)
    window = desk.window(desk.owner)
    front = window.front_desk
    front.set_day(datetime.now(UTC).date() + timedelta(days=1))
    assert window.duplicates_action.isVisible()
    window.duplicates_action.trigger()
    dialog = window.duplicates_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    group = dialog.model.item(0, 0)
    assert group.text().startswith("Same phone: ")
    assert [group.child(r, 0).text() for r in range(group.rowCount())] == \
        ["Tom Alpha", "Thomas Alpha"]
    dialog.select_customer(thomas.customer_id)
    dialog.tree.setFocus()
    asked = []
    monkeypatch.setattr(duplicates_dialog, "confirm_group_merge",
                        lambda parent, keep, others: asked.append(
                            (keep.id, [o.id for o in others])) or True)
    qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)

    assert asked == [(thomas.customer_id, [tom.customer_id])]
    assert Booking.get_by_id(tom.id).customer_id == thomas.customer_id
    assert not Customer.select().where(Customer.id == tom.customer_id).exists()
    assert AuditEvent.select().where(AuditEvent.action == "customer.merge").count() == 1
    assert dialog.model.rowCount() == 0 and dialog.empty.isVisible()
    assert dialog.status.text() == "Merged Tom Alpha into Thomas Alpha."
    assert {r.customer_id for r in day_rows(front)} == {thomas.customer_id}


def test_enter_in_the_duplicates_list_opens_the_card(qtbot, desk):
    tom = services.create_booking(tomorrow_slot(desk.shop), "Tom Alpha",
                                  customer_phone="0151 222 333")
    thomas = services.create_booking(tomorrow_slot(desk.shop, 24), "Thomas Alpha")
    services.update_customer(thomas.customer_id, phone="0151 222 333", by=desk.owner)
    window = desk.window(desk.owner)
    window.show_duplicates()
    dialog = window.duplicates_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    dialog.select_customer(tom.customer_id)
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    shown(qtbot, dialog.card)
    assert dialog.card.customer_id == tom.customer_id


def test_staff_see_neither_the_duplicates_nor_merging(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    assert not window.owner_menu.menuAction().isVisible()
    window.front_desk.open_customer_card(roberta)
    card = window.front_desk.card
    shown(qtbot, card)
    assert not card.owner_actions.isVisibleTo(card)
    with pytest.raises(PermissionDenied):
        services.likely_duplicates(desk.shop, by=desk.staff)


def test_the_card_is_named_for_screen_readers_and_its_mnemonics_differ(qtbot, desk, roberta):
    from .test_keyboard_access import mnemonic, unnamed
    window = desk.window(desk.owner)
    window.front_desk.open_customer_card(roberta)
    card = window.front_desk.card
    shown(qtbot, card)
    card.merge_with()
    assert unnamed(card) == [] and unnamed(card.picker) == []
    assert card.phone_edit.accessibleName() == "Phone"
    window.show_duplicates()
    assert unnamed(window.duplicates_dialog) == []
    from PySide6.QtWidgets import QAbstractButton, QLabel
    for root in (card, window.duplicates_dialog):
        widgets = root.findChildren(QAbstractButton) + [
            label for label in root.findChildren(QLabel) if label.buddy() is not None]
        keys = [mnemonic(w.text()) for w in widgets if w.isVisibleTo(root)]
        keys = [k for k in keys if k]
        assert len(keys) == len(set(keys)), keys


def test_the_item_models_hold_up(qtbot, qtmodeltester, desk, roberta):
    window = desk.window(desk.owner)
    window.front_desk.open_customer_card(roberta)
    card = window.front_desk.card
    shown(qtbot, card)
    qtmodeltester.check(card.history_model)
    window.show_duplicates()
    qtmodeltester.check(window.duplicates_dialog.model)


# --- in German ----------------------------------------------------------------------------

def test_the_card_and_the_history_line_in_german(qtbot, desk, roberta):
    i18n.install("de", QLocale(QLocale.Language.German, QLocale.Country.Germany))
    window = desk.window(desk.staff)
    form = walk_in(qtbot, window)
    type_and_pick(qtbot, form, "robe")
    day = datetime.now(UTC).date() - timedelta(days=3)
    today = datetime.now(UTC).date()
    assert form.customer_line.text().replace("\u00a0", " ") == \
        f"2 Besuche · 1-mal nicht erschienen · zuletzt {formats.recent_date(day, today)}"
    assert form.customer_note.text() == "Notiz: Prefers Katrin"
    qtbot.keyClick(form.name, Qt.Key.Key_F4)
    card = window.front_desk.card
    shown(qtbot, card)
    assert card.windowTitle() == "Kunde — Roberta Regular"
    assert card.history_model.horizontalHeaderItem(2).text() == "Status"
    assert card.history_model.item(0, 2).text() == "Bestätigt"
    card.phone_edit.setFocus()
    card.phone_edit.selectAll()
    qtbot.keyClicks(card.phone_edit, "030 1")
    services.update_customer(roberta, phone="030 2", by=desk.owner)
    qtbot.keyClick(card.phone_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert card.bar.label.text().startswith("Die Angaben dieses Kunden wurden inzwischen")
    QApplication.processEvents()


def test_f1_in_the_card_opens_the_guide_at_the_customer_card(qtbot, desk, roberta):
    window = desk.window(desk.staff)
    card = card_of_picked(qtbot, window, walk_in(qtbot, window))
    qtbot.keyClick(card.name_edit, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_window is not None and window.help_window.isVisible())
    guide = window.help_window
    assert guide.guide == "front-desk"
    assert guide.section_at_top() == "the-customer-card"
    assert guide.contents.currentItem().text(0) == "The customer card"
    assert card.isVisible()  # the card stays open behind its help
