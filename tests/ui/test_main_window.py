"""The main window: start-up, roles, remembered state, quitting cleanly."""
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from booking_desktop.ui.main_window import display_url

ROOT = Path(__file__).resolve().parents[2]


def test_status_bar_shows_database_and_user(make_window, gui_db, desk_owner, shop):
    window = make_window(desk_owner, shop)
    assert window.db_label.text() == f"Database: {gui_db}"
    assert window.user_label.text() == "Signed in: olga (owner)"
    assert window.windowTitle().startswith("Corner Salon")


def test_status_bar_hides_the_password():
    assert display_url("postgresql://desk:secret@db.local:5432/shop") == \
        "postgresql://desk@db.local:5432/shop"


def test_staff_cannot_reach_owner_tools(make_window, desk_staff, shop):
    window = make_window(desk_staff, shop)
    assert not window.owner_menu.menuAction().isVisible()
    assert not window.front_desk.block_action.isVisible()
    titles = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    assert "&Owner" not in titles


def test_owner_reaches_owner_tools(make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    assert window.owner_menu.menuAction().isVisible()
    assert window.front_desk.block_action.isVisible()
    assert window.users_action.isEnabled()


def test_view_shortcuts_and_last_view_remembered(qtbot, make_window, desk_owner, shop, settings):
    window = make_window(desk_owner, shop)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.bookings
    window.close()
    assert settings.last_view == 2
    again = make_window(desk_owner, shop)
    assert again.stack.currentWidget() is again.bookings


def test_business_switcher_lists_branches(qtbot, make_window, desk_owner, shop):
    from booking_desktop import services
    other = services.create_business("Harbour Branch", "Europe/Lisbon")
    window = make_window(desk_owner, shop)
    assert window.business_box.isVisible()
    assert [window.business_box.itemText(i) for i in range(window.business_box.count())] == \
        ["Corner Salon", "Harbour Branch"]
    window.business_box.setCurrentIndex(1)
    window.business_box.activated.emit(1)
    assert window.session.business.id == other.id
    assert window.windowTitle().startswith("Harbour Branch")


def test_python_main_opens_and_quits_cleanly(tmp_path):
    """The GUI starts on a fresh SQLite file, creates and migrates it, and
    exits 0 when the window closes (sign-in skipped for the check)."""
    db_file = tmp_path / "fresh.db"
    code = (
        "import sys; from booking_desktop import db; from booking_desktop.ui.app import run_gui; "
        "from booking_desktop.models import User; "
        f"sys.exit(run_gui({f'sqlite:///{db_file}'!r}, connect=db.connect, quit_after_ms=300, "
        "user=User(username='check', role='owner', active=True)))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert db_file.exists()


def test_reports_are_for_owners_only(make_window, desk_owner, desk_staff, shop):
    owner_window = make_window(desk_owner, shop)
    assert [title for title, _ in owner_window.views] == \
        ["Front desk", "Calendar", "Bookings", "Hours", "Reports"]
    staff_window = make_window(desk_staff, shop)
    assert [title for title, _ in staff_window.views] == ["Front desk", "Calendar", "Bookings"]
    assert staff_window.reports is None


def test_day_keys_follow_the_calendar_when_it_is_shown(qtbot, make_window, desk_owner, shop):
    from datetime import timedelta
    window = make_window(desk_owner, shop)
    window.show_view(1)
    start = window.calendar.day
    front_desk_day = window.front_desk.day
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.calendar
    assert window.calendar.day == start + timedelta(days=1)
    assert window.front_desk.day == front_desk_day


def test_every_view_fits_1280_by_800(make_window, desk_owner, shop):
    """UI.md: no truncated labels at 1280x800; on an empty database the
    bookings view's "No bookings match these filters." once widened the
    window to 1366 px."""
    window = make_window(desk_owner, shop)
    for index in range(len(window.views)):
        window.show_view(index)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 800, window.views[index][0]


def test_sync_stamp_uses_the_business_clock(qtbot, make_window, desk_owner, monkeypatch):
    """"Up to date · HH:MM" reads the business's local time, like the front
    desk's "Now", not the computer's (it once said 00:18 beside "Now 01:18")."""
    from datetime import datetime, timezone

    from booking_desktop import services
    from booking_desktop.ui import main_window

    berlin = services.create_business("Kiez Salon", "Europe/Berlin")
    monkeypatch.setattr(main_window, "utcnow",
                        lambda: datetime(2030, 1, 15, 23, 18, 40, tzinfo=timezone.utc))
    window = make_window(desk_owner, berlin)
    window.session.notify_changed()
    assert window.sync_label.text() == "Up to date · 00:18"  # 23:18 UTC is 00:18 in Berlin


def test_bookings_columns_in_the_view_menu_are_remembered(qtbot, make_window, desk_owner, shop,
                                                          settings):
    """View → Bookings columns: the header's menu, for the keyboard; the
    choice is kept with the window's other settings."""
    from booking_desktop.ui.models.bookings_model import COLUMN_INDEX
    window = make_window(desk_owner, shop)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    columns = next(a.menu() for a in view_menu.actions() if a.text() == "Bookings &columns")
    assert [a.text() for a in columns.actions() if not a.isSeparator()][:3] == \
        ["Date", "Time", "Customer"]
    phone = next(a for a in columns.actions() if a.text() == "Phone")
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    header = window.bookings.table.horizontalHeader()
    assert not header.isSectionHidden(COLUMN_INDEX["phone"])
    phone.trigger()
    assert header.isSectionHidden(COLUMN_INDEX["phone"])
    window.close()
    assert settings.column_choice("bookings") == {"phone": False}
    again = make_window(desk_owner, shop)
    assert again.bookings.table.horizontalHeader().isSectionHidden(COLUMN_INDEX["phone"])
