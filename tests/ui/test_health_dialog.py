"""Owner → Health in the window: refused bookings made at another desk (a
service call between GUI steps), slow operations and errors from the log,
the integrity check after "Check now", the database, the last backup and
its reminder, "Back up now…". Only owners reach it."""
import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from booking_desktop import config, services
from booking_desktop.errors import SlotFull
from booking_desktop.ui.dialogs.health_dialog import HealthDialog
from booking_desktop.ui.tasks import InlineRunner
from tests.helpers import sql


@pytest.fixture
def app_log():
    """The app's log file, written as ui.app.setup_logging writes it, where
    the Health window reads it (config.log_path(), in the test's own data
    folder)."""
    path = config.log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(config.LOG_FORMAT))
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)
    yield path
    logging.getLogger().removeHandler(handler)
    handler.close()


def open_health(qtbot, window) -> HealthDialog:
    window.health_action.trigger()
    dialog = window.health_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def table_rows(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def full_slot(shop):
    """Tomorrow's 10:00 slot of the shop, booked full (2 places)."""
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    slot = next(s for s in services.slots_between(shop, tomorrow) if s.start.hour == 10)
    for name in ("Ana", "Ben"):
        services.create_booking(slot, name)
    return slot


def test_staff_have_no_health_window(make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    assert not window.owner_menu.menuAction().isVisible()
    assert window.health_action in window.owner_menu.actions()


def test_a_refusal_at_another_desk_shows_after_refresh(qtbot, make_window, desk_owner, shop):
    slot = full_slot(shop)
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    assert table_rows(dialog.refusals) == [["Corner Salon", "0", "0", "0", "0", "0", "0"]]

    # Another desk tries to book the full slot.
    with pytest.raises(SlotFull):
        services.create_booking(slot.id, "Cem")
    qtbot.keyClick(dialog, Qt.Key.Key_F5)
    assert table_rows(dialog.refusals) == [["Corner Salon", "1", "0", "0", "0", "0", "1"]]
    assert dialog.refusals_title.text().startswith("Refused bookings, last 7 days (since ")


def test_a_walk_in_refused_at_this_desk_is_counted_too(qtbot, make_window, desk_owner, shop):
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    slot = next(s for s in services.slots_between(shop, tomorrow) if s.start.hour == 10)
    window = make_window(desk_owner, shop)
    form = window.front_desk.walk_in
    window.front_desk.set_day(tomorrow)
    assert form.select_slot(slot.id)
    full_slot(shop)  # another desk fills it while the name is typed
    qtbot.keyClicks(form.name, "Dora")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert "full" in form.message.text()
    dialog = open_health(qtbot, window)
    assert table_rows(dialog.refusals)[0][1] == "1"


def test_a_slow_operation_and_an_error_show_with_their_time(qtbot, make_window, desk_owner, shop,
                                                           app_log):
    window = make_window(desk_owner, shop)
    answers = []

    def month_of_figures():  # a read the window's database thread took 250 ms over
        time.sleep(0.25)
        return 42

    before = datetime.now().astimezone().replace(microsecond=0)
    window.session.pipeline.read(("yearly-report", 1), month_of_figures, answers.append)
    window.session.pipeline.read(("broken", 1), lambda: {}["slot"], answers.append)
    qtbot.waitUntil(lambda: answers == [42])

    dialog = open_health(qtbot, window)
    [slow] = table_rows(dialog.slow)
    assert slow[1] == "yearly-report"
    assert 250 <= int(slow[2].removesuffix(" ms").replace(",", "")) < 5000
    took_at = dialog.report.log.slow[0].at
    assert before <= took_at <= datetime.now().astimezone()
    assert slow[0] == f"{took_at:%a} {took_at.day} {took_at:%b %H:%M}"
    assert dialog.slow_title.text() == "Slow operations (over 200 ms)"
    [error] = table_rows(dialog.errors)
    assert error[1] == "a read failed — KeyError: 'slot'"
    at = dialog.report.log.errors[0].at
    assert before <= at <= datetime.now().astimezone()
    assert error[0] == f"{at:%a} {at.day} {at:%b %H:%M}"
    assert dialog.log_label.text() == f"Log file: {app_log}"


def test_no_log_file_yet_is_said(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    assert dialog.errors.rowCount() == 0 and dialog.slow.rowCount() == 0
    assert dialog.errors_title.text() == "Errors in the log: none"
    assert dialog.log_label.text() == f"No log file yet at {config.log_path()}."


def test_check_now_shows_the_integrity_result(qtbot, make_window, desk_owner, shop):
    slot = full_slot(shop)
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    assert dialog.integrity_label.text().startswith("Not checked yet.")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert dialog.integrity_label.text().startswith("No problems found (checked ")
    assert dialog.check_button.isEnabled()

    sql("UPDATE time_slot SET current_bookings = 1 WHERE id = ?", slot.id)  # behind the rules
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    text = dialog.integrity_label.text()
    assert text.startswith("1 problem found (checked ")
    assert f"Slot {slot.id}'s counter says 1 but it holds 2 active bookings." in text


def test_the_database_is_named_with_its_size(qtbot, make_window, desk_owner, shop, gui_db):
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    assert dialog.db_kind.text().startswith("SQLite 3.")
    assert dialog.db_where.text() == gui_db[len("sqlite:///"):]
    assert dialog.db_size.text().endswith(("KiB", "MiB", "bytes"))
    assert dialog.db_state.text().startswith("Connected · answers in ")


def test_a_backup_older_than_a_week_is_reminded_of(qtbot, make_window, desk_owner, shop,
                                                  tmp_path):
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    assert dialog.backup_label.text() == "No backup has been made of this database."
    assert dialog.backup_reminder.isVisible()

    eight_days_ago = datetime.now(timezone.utc) - timedelta(days=8)
    services.backup_database(tmp_path / "old.json", by=desk_owner, now=eight_days_ago)
    dialog.refresh()
    assert dialog.backup_label.text().startswith(f"{eight_days_ago.astimezone():%a} ")
    assert "(8 days ago), by olga" in dialog.backup_label.text()
    assert f"File: {tmp_path / 'old.json'}" in dialog.backup_label.text()
    assert dialog.backup_reminder.isVisible()
    assert dialog.backup_reminder.text() == "It is more than a week old: make a new backup."

    services.backup_database(tmp_path / "new.json", now=datetime.now(timezone.utc)
                             - timedelta(days=6, hours=23))
    dialog.refresh()
    assert "(6 days ago), by the command line" in dialog.backup_label.text()
    assert not dialog.backup_reminder.isVisible()


def test_back_up_now_writes_the_file_and_clears_the_reminder(qtbot, make_window, desk_owner,
                                                            shop, tmp_path, monkeypatch):
    target = tmp_path / "booking-backup.json"
    monkeypatch.setattr(HealthDialog, "ask_backup_file", classmethod(lambda cls, parent:
                                                                     str(target)))
    full_slot(shop)
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    dialog.runner = InlineRunner()
    assert dialog.backup_reminder.isVisible()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert target.read_text(encoding="utf-8").startswith('{"format": "booking-desktop-backup"')
    assert "(just now), by olga" in dialog.backup_label.text()
    assert not dialog.backup_reminder.isVisible()
    assert window.statusBar().currentMessage() == f"Backed up 2 bookings to {target}."
    assert dialog.backup_button.isEnabled()


def test_a_backup_that_cannot_be_written_is_said(qtbot, make_window, desk_owner, shop, tmp_path,
                                                monkeypatch):
    target = tmp_path / "no-such-folder" / "backup.json"
    monkeypatch.setattr(HealthDialog, "ask_backup_file", classmethod(lambda cls, parent:
                                                                     str(target)))
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    dialog.runner = InlineRunner()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert not target.exists()
    assert dialog.bar.isVisible() and "backup" in dialog.bar.text().lower()
    assert dialog.backup_reminder.isVisible()


def test_help_opens_the_guides_health_section(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    dialog = open_health(qtbot, window)
    qtbot.mouseClick(dialog.help_button, Qt.MouseButton.LeftButton)
    guide = window.help_window
    qtbot.waitUntil(guide.isVisible)
    assert guide.guide == "owners"
    assert guide.browser.textCursor().block().text() == "Health"


def test_jobs_are_logged_under_the_name_of_what_they_do():
    from booking_desktop.services import desk
    from booking_desktop.ui.operations import job_name

    assert job_name(services.list_businesses) == "businesses.list_businesses"
    assert job_name(desk.change_token, "change-token") == "desk.change_token"
    assert job_name(lambda: None, ("calendar-day", 12345)) == "calendar-day"

    def save_hours(user):
        return user

    assert job_name(save_hours) == \
        "test_jobs_are_logged_under_the_name_of_what_they_do.save_hours"


def test_a_slow_walk_in_is_logged_as_the_booking_it_is(qtbot, make_window, desk_owner, shop,
                                                       app_log, monkeypatch):
    """commands.perform names its op after the undoable operation."""
    from booking_desktop.services import undo

    book = undo.book

    def slow_book(*args, **kwargs):
        time.sleep(0.21)
        return book(*args, **kwargs)

    slow_book.__name__ = "book"
    monkeypatch.setattr(undo, "book", slow_book)
    window = make_window(desk_owner, shop)
    window.walk_in_action.trigger()
    qtbot.keyClicks(window.front_desk.walk_in.name, "Maria Lopez")
    qtbot.keyClick(window.front_desk.walk_in.name, Qt.Key.Key_Return)
    assert "Booked" in window.statusBar().currentMessage()
    dialog = open_health(qtbot, window)
    assert [row[1] for row in table_rows(dialog.slow)] == ["undo.book"]
