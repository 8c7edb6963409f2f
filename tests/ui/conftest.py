"""GUI fixtures: a real SQLite file, a business open all day (UTC) with slots
from today on, an owner and a staff account, and the main window."""
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCore import QSettings

from booking_desktop import db, services
from booking_desktop.services import users as user_service
from booking_desktop.ui.app import open_main_window
from booking_desktop.ui.settings import Settings

from . import boundary


@pytest.fixture(autouse=True)
def rows_only(monkeypatch):
    """Every GUI test also checks the boundary: what the windows got back from
    the services held no live peewee model or query (tests/ui/boundary.py)."""
    guard = boundary.install(monkeypatch)
    yield guard
    assert guard.crossings == [], "live peewee objects reached the windows:\n" + "\n".join(
        dict.fromkeys(guard.crossings))


@pytest.fixture(autouse=True)
def english(qapp):
    """Every GUI test starts in English with the C locale's formats (Monday
    first, "Tue 1 Dec"), whatever the machine's language; a test that
    switches language is put back."""
    from PySide6.QtCore import QLocale

    from booking_desktop.ui import i18n
    i18n.install("en", QLocale.c())
    yield
    if i18n.current_language() != "en":
        i18n.install("en", QLocale.c())


@pytest.fixture(autouse=True)
def own_default_settings(tmp_path):
    """A view made without settings (Settings() over QSettings()) reads and
    writes a file of the test's own, never the person's running the tests."""
    folder = tmp_path / "default-settings"
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.NativeFormat, scope, str(folder / scope.name))


@pytest.fixture(autouse=True)
def inline_database_work(monkeypatch):
    """The windows' database work runs inline here, so a test can check the
    database straight after a key press; the pipeline's own tests
    (test_pipeline.py) ask for the real worker thread with `threaded_desk`."""
    from booking_desktop.ui.session import Session
    monkeypatch.setattr(Session, "threaded", False)


@pytest.fixture
def threaded_desk(monkeypatch):
    from booking_desktop.ui.session import Session
    monkeypatch.setattr(Session, "threaded", True)


@pytest.fixture
def gui_db(sqlite_url):
    db.connect(sqlite_url)
    yield sqlite_url
    db.close()


@pytest.fixture
def shop(gui_db):
    """Open 00:00–23:30 every day in UTC, 30-minute slots of 2 places for 3 days."""
    business = services.create_business("Corner Salon", "UTC")
    services.set_weekly_hours(business, {d: [(time(0), time(23, 30))] for d in range(7)})
    today = datetime.now(timezone.utc).date()  # the business's (UTC) today
    services.generate_time_slots(business, today, today + timedelta(days=2), max_capacity=2)
    return business


@pytest.fixture
def desk_owner(gui_db):
    return user_service.create_user("olga", "owner-password", role="owner")


@pytest.fixture
def desk_staff(gui_db, desk_owner):
    return user_service.create_user("sam", "staff-password", role="staff", by=desk_owner)


@pytest.fixture
def settings(tmp_path):
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot, gui_db, settings):
    def make(user, business):
        window = open_main_window(gui_db, user, business, settings)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        return window
    return make


@pytest.fixture
def slot_today(shop):
    """A slot of the shop's (UTC) today whatever the hour, for check-ins (on
    the booking's day only): 00:00–00:30, made and bookable just before
    midnight (book it with now=slot.start - 1 s)."""
    today = datetime.now(timezone.utc).date()
    midnight = datetime.combine(today, time(0), tzinfo=timezone.utc)
    services.generate_time_slots(shop, today, today, max_capacity=2,
                                 now=midnight - timedelta(seconds=1))
    return services.slots_between(shop, today)[0]
