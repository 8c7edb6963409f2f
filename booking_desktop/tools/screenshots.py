"""`python main.py screenshot DIR`: the main views and dialogs rendered
offscreen to PNG, on the demo data unless a database is given, so every
change can be looked at and the README shows real pictures."""
import logging
import os
import time
import tempfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from .. import config, db, services
from ..errors import BookingError, InvalidInput
from ..services import demo, desk
from ..ui import i18n
from ..ui.app import choose_business, create_application, open_main_window
from ..ui.dialogs.reasons import CancelReasonDialog
from ..ui.dialogs.first_run import FirstRunDialog
from ..ui.dialogs.health_dialog import HealthDialog
from ..ui.dialogs.slots_dialog import GenerateSlotsDialog
from ..ui.settings import Settings
from ..ui.dialogs.signin import SignInDialog

SIZE = (1280, 800)


def _settle(session) -> None:
    """Until the window's database thread has answered everything asked."""
    QApplication.processEvents()
    while not session.pipeline.idle():
        QApplication.processEvents()
        time.sleep(0.001)
    for _ in range(3):  # what the answers laid out may lay out again (charts' labels)
        QApplication.processEvents()


def _save(widget: QWidget, folder: Path, name: str, session=None) -> Path:
    """The widget as it stands once the window's database thread has
    answered everything asked of it."""
    widget.show()
    QApplication.processEvents()
    if session is not None:
        _settle(session)
    path = folder / f"{name}.png"
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _next_busy_day(business):
    """Today if it has bookings, else the next day that does (a useful picture)."""
    tz = ZoneInfo(business.timezone)
    today = datetime.now(tz).date()
    rows = desk.list_bookings(desk.BookingFilter(
        business_id=business.id, date_from=today, date_to=today + timedelta(days=14),
        statuses=("confirmed", "pending")), limit=1)
    return rows[0].start.astimezone(tz).date() if rows else None


def _special_days_ahead(business):
    """(the first holiday, the first day whose changed hours left bookings in
    closed slots) in the next eight weeks, either None when there is none."""
    tz = ZoneInfo(business.timezone)
    today = datetime.now(tz).date()
    holiday = kept = None
    for special in services.special_days(business, today, today + timedelta(weeks=8)):
        if special.closed and holiday is None:
            holiday = special.day
        if kept is None and any(slot.closed_reason and slot.bookings
                                for slot in desk.day_schedule(business, special.day)):
            kept = special.day
    return holiday, kept


def _reports(session, folder: Path, size: tuple[int, int]) -> Path:
    """The reports view on its own (the main window hosts it for owners)."""
    from ..ui.views.reports_view import ReportsView

    view = ReportsView(session)
    view.resize(*size)
    view.setWindowTitle(QCoreApplication.translate("MainWindow", "Reports"))
    view.refresh()
    try:
        return _save(view, folder, "reports", session)
    finally:
        view.close()


def _refuse_a_few(business) -> None:
    """The demo as a desk leaves it: a few walk-ins the rules refused
    (real calls, really refused), so the Health window has something to
    count. Only on the scratch demo database, never on one given."""
    tz = ZoneInfo(business.timezone)
    now = datetime.now(tz)
    tried = 0
    for day in (now.date(), now.date() + timedelta(days=1)):
        for slot in desk.day_schedule(business, day):
            if tried < 6 and (slot.is_full or slot.start <= now):
                tried += 1
                try:
                    services.create_booking(slot.id, "Alex Morgan")
                except BookingError:
                    pass


def _guide(window, folder: Path, size: tuple[int, int]) -> Path:
    """Help → User guide, as F1 opens it on the front desk."""
    window.show_view(0)
    window.show_guide()
    guide = window.help_window
    guide.resize(*size)
    guide.show()
    QApplication.processEvents()
    guide.go_to("booking-a-walk-in")  # again, at this size
    try:
        return _save(guide, folder, "user-guide")
    finally:
        guide.close()


def _health(window, folder: Path, size: tuple[int, int], log_path: Path) -> Path:
    """Owner → Health, with the integrity checked; its log is this run's own."""
    window.health_dialog = HealthDialog(window.session, window, log_path=log_path,
                                        open_help=window.open_guide)
    window.show_health()
    dialog = window.health_dialog
    dialog.resize(*size)
    _settle(window.session)
    dialog.check_now()
    try:
        return _save(dialog, folder, "health", window.session)
    finally:
        dialog.close()


def _customer_data(window, folder: Path, demo_data: bool) -> Path:
    """Owner → Customer data; on the demo data with a retention period set,
    so that its preview lists customers (a database given is left as it is)."""
    if demo_data:
        services.set_customer_retention(window.session.business.id, 3)
    window.show_customer_data()
    dialog = window.customer_data_dialog
    _settle(window.session)
    try:
        return _save(dialog, folder, "customer-data", window.session)
    finally:
        dialog.close()


def _regular_customer(business):
    """The customer with the most bookings among the next busy day's (a card
    with a history worth showing), or None."""
    day = _next_busy_day(business)
    if day is None:
        return None
    rows = desk.list_bookings(desk.BookingFilter(business_id=business.id, date_from=day,
                                                 date_to=day), limit=40)
    ids = sorted({row.customer_id for row in rows if row.customer_id is not None})
    customers = [services.get_customer(cid) for cid in ids]
    return max(customers, key=lambda c: (c.bookings, -c.id), default=None)


def _customer(window, folder: Path, customer, note: str | None) -> list[Path]:
    """The walk-in with a regular customer picked (history line and note),
    and their card over the window, as the desk sees it at this size."""
    from PySide6.QtGui import QColor, QPainter

    if note:  # the scratch demo's customers have no notes of their own
        services.update_customer(customer.id, notes=note, by=window.session.user)
        customer = services.get_customer(customer.id)
    window.show_view(0)
    form = window.front_desk.walk_in
    window.front_desk.start_walk_in()
    _settle(window.session)
    form.message.clear()  # "Nothing is free today any more…": another picture's subject
    form.pick_customer(desk.Customer(customer.name, customer.email, customer.phone, customer.id,
                                     customer.visits, customer.no_shows, customer.last_visit,
                                     customer.notes))
    written = [_save(window, folder, "walk-in-customer", window.session)]
    window.front_desk.customer_card()
    card = window.front_desk.card
    _settle(window.session)
    card.show()
    QApplication.processEvents()
    picture = window.grab()
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 60))  # the window behind a modal card
    shot = card.grab()
    painter.drawPixmap((picture.width() - shot.width()) // 2,
                       (picture.height() - shot.height()) // 2, shot)
    painter.end()
    path = folder / "customer-card.png"
    if not picture.save(str(path)):
        raise OSError(f"could not write {path}")
    written.append(path)
    card.close()
    form.clear()
    return written


def parse_size(text: str) -> tuple[int, int]:
    """"1024x700" -> (1024, 700)."""
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        raise InvalidInput(
            f"Give the size as WIDTHxHEIGHT, e.g. 1024x700 (not {text!r}).") from None
    if min(size) < 200:
        raise InvalidInput("The size must be at least 200x200.")
    return size


def _index(window, view) -> int:
    return next(i for i, (_title, shown) in enumerate(window.views) if shown is view)


def parse_language(text: str) -> str:
    """"de" -> "de"; the languages the windows speak."""
    if text not in i18n.CODES:
        raise InvalidInput(f"The language must be one of {', '.join(i18n.CODES)} (not {text!r}).")
    return text


def render(folder: str | os.PathLike, db_url: str | None = None,
           size: tuple[int, int] = SIZE, language: str = "en") -> list[Path]:
    """Render the views to `folder` with the main window at `size` (1280x800
    by default; 1024x700 for a small front-desk screen) in `language` ("en",
    "de": its words and its country's formats, whatever this computer's);
    returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    app = create_application()
    i18n.install(language, QLocale.c())
    scratch = None
    if db_url is None:
        scratch = tempfile.TemporaryDirectory(prefix="booking-screens-")
        db_url = f"sqlite:///{Path(scratch.name) / 'demo.db'}"
        db.connect(db_url)
        demo.build_demo()
    else:
        db.connect(db_url)
    try:
        settings = Settings(QSettings(str(folder / ".screens.ini"), QSettings.Format.IniFormat))
        users = services.list_users()
        owner = next((u for u in users if u.role == "owner" and u.active), None)
        if owner is None:
            raise services.users.InvalidInput("The database has no active owner account.")
        business = choose_business(settings)
        written = []
        window = open_main_window(db_url, owner, business, settings)
        window.resize(*size)
        window.session.stop_watching()
        if business is not None:
            window.front_desk.start_walk_in()
            window.front_desk.walk_in.name.setText("Maria Gonzalez")
        written.append(_save(window, folder, "front-desk", window.session))
        window.show_view(_index(window, window.bookings))
        written.append(_save(window, folder, "bookings", window.session))
        if business is not None:
            window.show_view(_index(window, window.calendar))
            window.calendar.go_today()
            written.append(_save(window, folder, "calendar", window.session))
            day = _next_busy_day(business)
            if day is not None:
                window.calendar.select_day(day)
                _settle(window.session)
                tree = window.calendar.tree
                tree.setCurrentIndex(tree.model().index(0, 0))
                written.append(_save(window, folder, "calendar-day", window.session))
            window.show_view(_index(window, window.hours))
            hours = window.hours
            hours.grid.select((0, 0) if hours.grid.intervals(0) else None)
            written.append(_save(window, folder, "hours-editor", window.session))
        window.show_view(0)
        if business is not None:
            day = _next_busy_day(business)
            if day is not None:
                window.front_desk.set_day(day)
                written.append(_save(window, folder, "front-desk-day", window.session))
            holiday, kept = _special_days_ahead(business)
            if kept is not None:
                window.front_desk.set_day(kept)
                written.append(_save(window, folder, "front-desk-closed-hours", window.session))
            if holiday is not None:
                window.show_view(_index(window, window.calendar))
                window.calendar.select_day(holiday)
                written.append(_save(window, folder, "calendar-holiday", window.session))
        regular = _regular_customer(business) if business is not None else None
        if regular is not None:
            # A note as the desk would type it, in the desk's language (data, not a window text).
            note = None if scratch is None else {
                "de": "Sitzt gern am Fenster; Latexallergie"}.get(
                    language, "Prefers the window seat; allergic to latex")
            written += _customer(window, folder, regular, note)
        written.append(_reports(window.session, folder, size))
        written.append(_guide(window, folder, size))
        if scratch is not None and business is not None:
            _refuse_a_few(business)
        # The Health window reads this run's log, not the log of whoever runs the tool.
        log_path = Path(scratch.name if scratch is not None else folder) / "screens.log"
        handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter(config.LOG_FORMAT))
        logging.getLogger().addHandler(handler)
        try:
            written.append(_health(window, folder, size, log_path))
        finally:
            logging.getLogger().removeHandler(handler)
            handler.close()
            if scratch is None:
                log_path.unlink(missing_ok=True)
        if business is not None:
            written.append(_customer_data(window, folder, scratch is not None))
        window.close()
        (folder / ".screens.ini").unlink(missing_ok=True)

        dialogs = [("sign-in", SignInDialog("staff")),
                   ("first-run", FirstRunDialog(with_owner=True)),
                   ("cancel-reason", CancelReasonDialog(QCoreApplication.translate(
                       "FrontDeskView", "Cancel {ref} for {name}?").format(
                           ref="K7M-4QX", name="Anna Schmidt")))]
        if business is not None:
            dialogs.append(("generate-slots", GenerateSlotsDialog(window.session)))
        for name, dialog in dialogs:
            written.append(_save(dialog, folder, name))
            dialog.close()
        app.processEvents()
        return written
    finally:
        db.close()
        if scratch is not None:
            scratch.cleanup()
