"""The Bookings view, driven like a user: clicks, keys, typed filters; then
the database is checked through the services."""
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QUndoStack
from PySide6.QtWidgets import QApplication

from booking_desktop import db, models, services
from booking_desktop.services import desk
from booking_desktop.services import users as user_service
from booking_desktop.services import validation as v
from booking_desktop.ui import commands
from booking_desktop.ui.operations import Change
from booking_desktop.ui.models.bookings_model import (
    COLUMN_INDEX,
    MAX_CACHED_PAGES,
    PAGE_SIZE,
    BookingsTableModel,
)
from booking_desktop.ui.views.bookings_view import BookingsView, CancelReasonDialog
from booking_desktop.ui.dialogs.details_dialog import EditDetailsDialog
from booking_desktop.ui.session import Session
from booking_desktop.ui.settings import Settings

NAMES = ["Anna Smith", "Bob Jones", "Cara Lee", "Dan Brown", "Eve Adams"]


@pytest.fixture
def slots(database, owner, business, now):
    services.generate_time_slots(business, date(2030, 3, 4), date(2030, 3, 8), 30,
                                 max_capacity=2, by=owner, now=now)
    return services.available_slots(business, date(2030, 3, 4), now=now)


@pytest.fixture
def bookings(slots, owner, now):
    sources = ["walk_in", "phone", "online", "phone", "other"]
    return [services.create_booking(slots[i], name, customer_email=f"c{i}@example.com",
                                    customer_phone=f"+49 30 555 {i:04d}", source=sources[i],
                                    by=owner, now=now)
            for i, name in enumerate(NAMES)]


def open_view(qtbot, owner, business, settings=None, size=(1280, 800)):
    session = Session(owner, business)
    view = BookingsView(session, QUndoStack(), settings=settings)
    view._session_ref = session  # keep the session alive as long as the view
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    return view


@pytest.fixture
def view(qtbot, owner, business, bookings):
    return open_view(qtbot, owner, business)


def cell(view, row, key):
    return view.model.index(row, COLUMN_INDEX[key]).data()


def customers(view):
    return [cell(view, r, "customer") for r in range(view.model.rowCount())]


def click_row(qtbot, view, row, modifier=Qt.KeyboardModifier.NoModifier):
    rect = view.table.visualRect(view.model.index(row, COLUMN_INDEX["customer"]))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def click_header(qtbot, view, key):
    header = view.table.horizontalHeader()
    column = COLUMN_INDEX[key]
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def answer_modal(kind, act):
    """When a modal dialog of `kind` opens, run act(dialog). Keep the result."""
    timer = QTimer(interval=20)

    def check():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            timer.stop()
            act(dialog)

    timer.timeout.connect(check)
    timer.start()
    return timer


def test_model_passes_the_qt_model_tester(qtmodeltester, business, bookings):
    model = BookingsTableModel(desk.BookingFilter(business_id=business.id), page_size=2)
    qtmodeltester.check(model)
    assert model.rowCount() == len(NAMES)


def test_table_shows_local_times_and_hides_cancelled(qtbot, view, bookings, owner):
    assert view.total_label.text() == "5 bookings"
    assert cell(view, 0, "date") == "Mon 04 Mar 2030"
    assert cell(view, 0, "time") == "09:00–09:30"  # Berlin, not UTC
    assert cell(view, 0, "status") == "Confirmed"
    assert cell(view, 1, "source") == "Phone"
    assert cell(view, 0, "created_by") == "olga"

    services.cancel_booking(bookings[1].id, reason="ill", by=owner)
    view.session.notify_changed()
    assert "Bob Jones" not in customers(view)
    assert view.total_label.text() == "4 bookings"

    view.status_combo.setFocus()
    qtbot.keyClick(view.status_combo, Qt.Key.Key_End)  # "All, with cancelled"
    assert view.model.rowCount() == 5
    row = customers(view).index("Bob Jones")
    assert cell(view, row, "status") == "Cancelled"
    assert view.model.index(row, COLUMN_INDEX["customer"]).data(Qt.ItemDataRole.FontRole) \
        .strikeOut()


def test_bulk_cancelling_three_selected_bookings_frees_exactly_three_places(
        qtbot, view, bookings, business, monkeypatch):
    free_before = sum(s.max_capacity - s.current_bookings
                      for s in services.slots_between(business, date(2030, 3, 4)))
    asked = []
    monkeypatch.setattr(CancelReasonDialog, "ask",
                        classmethod(lambda cls, what, parent=None: asked.append(what) or "ill"))
    click_row(qtbot, view, 0)
    click_row(qtbot, view, 2, Qt.KeyboardModifier.ControlModifier)
    click_row(qtbot, view, 3, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(view.message) as said:
        qtbot.keyClick(view.table, Qt.Key.Key_Delete)

    assert asked == ["Cancel 3 bookings?"]
    assert said.args == ["Cancelled 3 bookings."]
    free_after = sum(s.max_capacity - s.current_bookings
                     for s in services.slots_between(business, date(2030, 3, 4)))
    assert free_after - free_before == 3
    statuses = {b.customer_name: services.get_booking(b.id) for b in bookings}
    assert [n for n, b in statuses.items() if b.status == "cancelled"] == \
        ["Anna Smith", "Cara Lee", "Dan Brown"]
    assert statuses["Cara Lee"].cancel_reason == "ill"
    assert customers(view) == ["Bob Jones", "Eve Adams"]
    assert view.total_label.text() == "2 bookings"

    # one Ctrl+Z (the main window's undo) takes back the whole bulk action
    assert view.undo_stack.count() == 1
    commands.step(view, view.undo_stack, redo=False).run()  # what Ctrl+Z runs
    assert all(services.get_booking(b.id).status == "confirmed" for b in bookings)
    assert len(customers(view)) == 5


def test_bulk_action_reports_how_many_failed_and_why(qtbot, view, bookings, owner, monkeypatch):
    services.cancel_booking(bookings[0].id, by=owner)
    view.status_combo.setCurrentIndex(view.status_combo.count() - 1)  # with cancelled
    monkeypatch.setattr(CancelReasonDialog, "ask", classmethod(lambda cls, what, parent=None: ""))
    click_row(qtbot, view, 0)
    click_row(qtbot, view, 2, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(view.message) as said:
        view.cancel_action.trigger()

    text = said.args[0]
    assert text.startswith(f"Cancelled 2 of 3 bookings; 1 failed: {bookings[0].reference} "
                           "(Anna Smith): ")
    assert "only a pending or confirmed booking can be cancelled" in text
    assert view.bar.isVisible() and view.bar.label.text() == text
    assert [services.get_booking(b.id).status for b in bookings[:3]] == ["cancelled"] * 3
    qtbot.mouseClick(view.bar.close_button, Qt.MouseButton.LeftButton)
    assert not view.bar.isVisible()


def test_confirm_and_refused_no_show(qtbot, business, slots, owner, now, monkeypatch):
    pending = [services.create_booking(slots[i], f"Guest {i}", status="pending", by=owner,
                                       now=now) for i in range(2)]
    view = open_view(qtbot, owner, business)
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(view.message) as said:
        view.confirm_action.trigger()
    assert said.args == ["Confirmed 2 bookings."]
    assert [services.get_booking(b.id).status for b in pending] == ["confirmed"] * 2
    assert [cell(view, r, "status") for r in range(2)] == ["Confirmed"] * 2

    # the appointments have not begun: every no-show mark is refused, nothing
    # changes and no empty step is left to undo
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    view.no_show_action.trigger()
    assert view.bar.label.text().startswith("Marked 0 of 2 bookings as no-show; 2 failed: ")
    assert "has not begun yet" in view.bar.label.text()
    assert [services.get_booking(b.id).status for b in pending] == ["confirmed"] * 2
    assert view.undo_stack.count() == 1


def test_actions_follow_the_selection_and_show_their_keys(qtbot, view):
    assert not any(a.isEnabled() for a in view.selection_actions)
    click_row(qtbot, view, 0)
    click_row(qtbot, view, 1, Qt.KeyboardModifier.ControlModifier)
    assert view.cancel_action.isEnabled() and view.confirm_action.isEnabled()
    assert not view.reschedule_action.isEnabled()  # one booking at a time
    keys = {a.text(): a.shortcut().toString() for a in view.selection_actions}
    assert keys["&Cancel…"] == "Del" and keys["Check &in"] == "Ctrl+I"
    assert all(a.isShortcutVisibleInContextMenu() for a in view.selection_actions
               if not a.shortcut().isEmpty())


def test_check_in_with_ctrl_i(qtbot, view, bookings, slots):
    view.now = slots[1].start - timedelta(minutes=5)  # check-in is on the booking's day only
    click_row(qtbot, view, 1)
    qtbot.keyClick(view.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert services.get_booking(bookings[1].id).checked_in_at is not None
    assert cell(view, 1, "checked_in") != ""
    assert view.table.selectionModel().isRowSelected(1)  # the selection survives the refresh


def test_sorting_by_a_column_runs_a_new_query(qtbot, view, monkeypatch):
    calls = []
    real = desk.list_bookings

    def spy(flt, sort, descending, limit, offset):
        calls.append((sort, descending))
        return real(flt, sort, descending, limit=limit, offset=offset)

    monkeypatch.setattr(desk, "list_bookings", spy)
    click_header(qtbot, view, "customer")
    qtbot.waitUntil(lambda: ("customer_name", False) in calls)  # fetched as the view repaints
    assert customers(view) == sorted(NAMES)
    calls.clear()
    click_header(qtbot, view, "customer")
    qtbot.waitUntil(lambda: ("customer_name", True) in calls)
    assert customers(view) == sorted(NAMES, reverse=True)
    calls.clear()
    click_header(qtbot, view, "notes")  # not sortable: no query, order kept
    qtbot.wait(50)
    assert calls == []
    header = view.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sortIndicatorSection() == COLUMN_INDEX["customer"])
    assert customers(view) == sorted(NAMES, reverse=True)


def test_filters_run_in_the_database(qtbot, view):
    qtbot.keyClicks(view.search_edit, "smi")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    assert customers(view) == ["Anna Smith"]
    assert view.total_label.text() == "1 booking"

    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "jon")  # applied after a short pause in typing
    qtbot.waitUntil(lambda: customers(view) == ["Bob Jones"])
    view.set_search_text("+49 30 555 0003")  # what the main window's search field does
    assert customers(view) == ["Dan Brown"]

    view.set_search_text("")
    view.source_combo.setCurrentIndex(view.source_combo.findText("Phone"))
    assert customers(view) == ["Bob Jones", "Dan Brown"]

    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert len(customers(view)) == 5
    view.dates_check.setChecked(True)
    view.date_from.setDate(date(2030, 3, 5))
    view.date_to.setDate(date(2030, 3, 6))
    assert customers(view) == []
    assert view.total_label.text() == "No bookings match these filters."
    view.date_from.setDate(date(2030, 3, 4))
    assert len(customers(view)) == 5


def test_reschedule_through_the_dialog_moves_the_booking(qtbot, view, bookings, slots):
    from booking_desktop.ui.dialogs.reschedule_dialog import RescheduleDialog

    view.now = bookings[0].created_at
    click_row(qtbot, view, 0)

    def pick_second_slot(dialog):
        qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.slot_list, Qt.Key.Key_Return)

    answering = answer_modal(RescheduleDialog, pick_second_slot)  # noqa: F841 (kept alive)
    with qtbot.waitSignal(view.message) as said:
        view.reschedule_action.trigger()
    # slot 0 is Anna's own, so the list starts at slot 1; Down goes to slot 2
    moved = services.get_booking(bookings[0].id)
    assert moved.time_slot_id == slots[2].id
    assert said.args == ["Moved Anna Smith to Mon 04 Mar 2030 10:00."]
    assert services.get_slot(slots[0].id).current_bookings == 0
    assert services.get_slot(slots[2].id).current_bookings == 2


def test_edit_details_dialog_saves_and_refuses_bad_input(qtbot, view, bookings):
    click_row(qtbot, view, 1)

    def edit(dialog):
        dialog.email_edit.clear()
        qtbot.keyClicks(dialog.email_edit, "not an email")
        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save),
                         Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.error_label.isVisible()
        assert "does not look like name@example.com" in dialog.error_label.text()
        assert services.get_booking(bookings[1].id).customer_email == "c1@example.com"
        dialog.email_edit.clear()
        qtbot.keyClicks(dialog.email_edit, "bob@jones.example")
        dialog.phone_edit.clear()
        qtbot.keyClicks(dialog.notes_edit, "Prefers mornings")
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)

    answering = answer_modal(EditDetailsDialog, edit)  # noqa: F841
    with qtbot.waitSignal(view.message) as said:
        view.edit_action.trigger()
    assert said.args == ["Saved the details of Bob Jones."]
    saved = services.get_booking(bookings[1].id)
    assert (saved.customer_email, saved.customer_phone, saved.notes) == \
        ("bob@jones.example", None, "Prefers mornings")
    assert cell(view, 1, "email") == "bob@jones.example"
    assert cell(view, 1, "notes") == "Prefers mornings"


def test_other_changes_refresh_and_business_switch_filters(qtbot, view, slots, owner, now):
    view.session.did_execute.emit(Change("external"))  # as the watcher does for another desk
    services.create_booking(slots[6], "Zoe Walker", by=owner, now=now)
    view.session.notify_changed()
    assert "Zoe Walker" in customers(view)

    other = services.create_business("Clinic Lisbon", "Europe/Lisbon")
    view.session.set_business(other)
    assert customers(view) == []
    assert view.model.filter.business_id == other.id


def _fill_database(n_slots: int, per_slot: int, business, owner, now):
    """50,000 bookings in a few seconds: bulk inserts with consistent counters."""
    first = now + timedelta(days=30)
    with models.database.atomic():
        for lo in range(0, n_slots, 1000):
            models.TimeSlot.insert_many([
                {"business": business.id, "start": first + timedelta(minutes=30 * i),
                 "end": first + timedelta(minutes=30 * i + 30), "max_capacity": per_slot,
                 "current_bookings": per_slot, "is_blocked": False}
                for i in range(lo, min(n_slots, lo + 1000))]).execute()
        slot_ids = [i for (i,) in models.TimeSlot.select(models.TimeSlot.id)
                    .order_by(models.TimeSlot.start).tuples()]
        rows = []
        for i in range(n_slots * per_slot):
            name = f"Customer {i:05d}"
            name_key, surname_key = v.name_keys(name)
            rows.append({"reference": f"T{i:06d}", "time_slot": slot_ids[i // per_slot],
                         "business": business.id,
                         "customer_name": name, "customer_email": f"c{i}@example.com",
                         "name_key": name_key, "surname_key": surname_key,
                         "email_key": f"c{i}@example.com", "status": "confirmed",
                         "source": "phone", "notes": "", "created_at": now, "updated_at": now,
                         "created_by": owner.id})
        for lo in range(0, len(rows), 500):
            models.Booking.insert_many(rows[lo:lo + 500]).execute()


@pytest.mark.slow
def test_fifty_thousand_bookings_open_and_scroll_to_the_end_in_pages(qtbot, sqlite_url, now):
    handle = db.connect(sqlite_url)
    try:
        owner = user_service.create_user("olga", "owner-password", role="owner")
        business = services.create_business("Busy Salon", "Europe/Berlin")
        _fill_database(25_000, 2, business, owner, now)
        assert services.check_integrity() == []

        view = open_view(qtbot, owner, business)
        model = view.model
        assert model.rowCount() == 50_000
        assert view.total_label.text() == "50,000 bookings"
        assert cell(view, 0, "customer") == "Customer 00000"

        click_row(qtbot, view, 0)
        qtbot.keyClick(view.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert view.table.currentIndex().row() == 49_999
        qtbot.waitUntil(lambda: view.table.indexAt(
            QPoint(10, view.table.viewport().height() - 5)).row() == 49_999)
        assert cell(view, 49_999, "customer") == "Customer 49999"

        # it fetched a few pages from each end, never the pages in between,
        # and holds at most a handful of pages
        offsets = [offset for offset, _ in model.fetch_log]
        assert all(o < 2 * PAGE_SIZE or o >= 50_000 - 2 * PAGE_SIZE for o in offsets), offsets
        assert model.cached_row_count() <= PAGE_SIZE * MAX_CACHED_PAGES
        assert model.cached_row_count() < 50_000 // 10
    finally:
        db.close(handle)


def shown_columns(view) -> set[str]:
    header = view.table.horizontalHeader()
    return {key for key, c in COLUMN_INDEX.items() if not header.isSectionHidden(c)}


def no_sideways_scrolling(qtbot, view) -> None:
    table, header = view.table, view.table.horizontalHeader()
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)
    widths = sum(header.sectionSize(c) for c in range(header.count())
                 if not header.isSectionHidden(c))
    assert widths <= table.viewport().width()


def test_columns_are_chosen_in_the_header_menu_and_remembered(qtbot, owner, business, bookings,
                                                             tmp_path):
    path = str(tmp_path / "columns.ini")
    view = open_view(qtbot, owner, business, Settings(QSettings(path, QSettings.Format.IniFormat)))
    header = view.table.horizontalHeader()
    assert shown_columns(view) == set(COLUMN_INDEX)  # room for every column at 1280 px
    no_sideways_scrolling(qtbot, view)

    # A right click on the header opens the menu: one entry per column, ticked
    # where shown; date and customer cannot be unticked.
    pos = QPoint(header.sectionViewportPosition(COLUMN_INDEX["email"]) + 5, header.height() // 2)
    QApplication.sendEvent(header.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, pos, header.viewport().mapToGlobal(pos)))
    menu = view.columns.menu
    qtbot.waitUntil(menu.isVisible)
    entries = [a for a in menu.actions() if not a.isSeparator()]
    assert [a.text() for a in entries] == ["Date", "Time", "Customer", "Email", "Phone", "Status",
                                           "Source", "Checked in", "Created by", "Notes",
                                           "&Default columns"]
    assert all(a.isChecked() for a in entries[:10])
    assert [a.text() for a in entries if not a.isEnabled()] == ["Date", "Customer",
                                                                "&Default columns"]
    email = view.columns.actions[COLUMN_INDEX["email"]]
    email.trigger()  # as a click on it does
    menu.hide()
    assert header.isSectionHidden(COLUMN_INDEX["email"]) and not email.isChecked()
    no_sideways_scrolling(qtbot, view)  # the others took its room
    assert view.columns.default_action.isEnabled()

    # Narrower: created by and notes are left out by default, but a column
    # the person shows stays, whatever the width.
    view.resize(800, 700)
    qtbot.waitUntil(lambda: "created_by" not in shown_columns(view))
    no_sideways_scrolling(qtbot, view)
    created_by = view.columns.actions[COLUMN_INDEX["created_by"]]
    assert not created_by.isChecked() and created_by.isEnabled()  # reachable in the menu
    created_by.trigger()
    assert "created_by" in shown_columns(view) and created_by.isChecked()
    no_sideways_scrolling(qtbot, view)  # a column not chosen made room, if one had to
    view.resize(1280, 800)
    qtbot.waitUntil(lambda: "notes" in shown_columns(view))
    view.resize(800, 700)
    no_sideways_scrolling(qtbot, view)
    assert "created_by" in shown_columns(view) and "email" not in shown_columns(view)
    chosen = shown_columns(view)
    # selection, the row menu's actions and sorting still work
    click_row(qtbot, view, 1)
    assert view.confirm_action.isEnabled()
    click_header(qtbot, view, "customer")
    qtbot.waitUntil(lambda: customers(view) == sorted(NAMES))
    view.close()

    # As after a restart: a new view reads the same choice.
    again = open_view(qtbot, owner, business,
                      Settings(QSettings(path, QSettings.Format.IniFormat)), size=(800, 700))
    qtbot.waitUntil(lambda: shown_columns(again) == chosen)
    assert not again.columns.actions[COLUMN_INDEX["email"]].isChecked()

    # "Default columns" gives the choice back to the width.
    again.columns.default_action.trigger()
    assert "created_by" not in shown_columns(again) and "email" in shown_columns(again)
    assert not again.columns.default_action.isEnabled()
    assert Settings(QSettings(path, QSettings.Format.IniFormat)).column_choice("bookings") == {}


def test_the_row_menu_reaches_the_columns(qtbot, view):
    """For the keyboard: the rows' context menu (Menu key) has the header's."""
    seen = []

    def look():
        menu = QApplication.activePopupWidget()
        if menu is not None:
            seen.extend(a.menu() for a in menu.actions())
            menu.close()
        else:
            QTimer.singleShot(20, look)

    click_row(qtbot, view, 0)
    rect = view.table.visualRect(view.model.index(0, COLUMN_INDEX["customer"]))
    QTimer.singleShot(20, look)
    view.table.customContextMenuRequested.emit(rect.center())  # returns once it is closed
    assert view.columns.menu in seen
