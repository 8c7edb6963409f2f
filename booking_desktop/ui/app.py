"""Starting the GUI: one QApplication, the log file, the database, sign-in
(or the first-run setup), then the main window."""
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import config, services
from ..errors import BookingError
from . import errors as ui_errors
from . import i18n
from .dialogs.connect_dialog import ConnectDialog
from .dialogs.first_run import FirstRunDialog
from .main_window import MainWindow
from .session import Session
from .settings import Settings
from .dialogs.signin import SignInDialog
from .errors import APP_TITLE

log = logging.getLogger(__name__)
# The icon's name, and the .desktop file's (resources/booking-desktop.desktop):
# on Wayland the desktop finds the window's entry, and so its icon, by it.
DESKTOP_NAME = "booking-desktop"


class PrivateLogFile(logging.handlers.RotatingFileHandler):
    """The log names customers and accounts: 0600, like the database."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def setup_logging() -> str:
    """A rotating log file in the user's data folder (0700); returns its path."""
    path = config.log_path()
    path.parent.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.mkdir(exist_ok=True, mode=0o700)
    handler = PrivateLogFile(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(config.LOG_FORMAT))
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    ui_errors.LOG_FILE_HINT["path"] = str(path)
    return str(path)


def _install_excepthook() -> None:
    """Unexpected errors in slots are logged and shown; the app keeps running."""
    def hook(exc_type, exc, tb):
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if QApplication.instance() is not None:
            QMessageBox.critical(None, APP_TITLE, ui_errors.describe(exc))
    sys.excepthook = hook


def app_icon() -> QIcon:
    """The app's icon: every PNG size under resources/icons/hicolor (no SVG
    renderer needed); an empty icon where there is no resources/ folder."""
    icon = QIcon()
    hicolor = config.resources_dir() / "icons" / "hicolor"
    for path in sorted(hicolor.glob(f"*/apps/{DESKTOP_NAME}.png")):
        icon.addFile(str(path))
    return icon


def create_application(argv=None) -> QApplication:
    QCoreApplication.setOrganizationName(config.ORGANISATION)
    QCoreApplication.setApplicationName(config.APP_NAME)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setStyle("Fusion")
    app.setDesktopFileName(DESKTOP_NAME)
    app.setWindowIcon(app_icon())
    return app


def choose_business(settings: Settings):
    businesses = services.list_businesses()
    if not businesses:
        return None
    wanted = settings.last_business_id
    return next((b for b in businesses if b.id == wanted), businesses[0])


def open_main_window(db_url: str, user, business, settings: Settings | None = None) -> MainWindow:
    settings = settings or Settings()
    session = Session(user, business)
    window = MainWindow(session, db_url, settings)
    session.setParent(window)
    session.start_watching()
    return window


def sign_in(settings: Settings):
    """(user, business); a database's address (str) when the person chose
    to join a business on a server instead; None when they gave up."""
    if not services.has_users():
        answer = FirstRunDialog.ask(with_owner=True)
        if answer is None or isinstance(answer, str):
            return answer
        user, business = answer
    else:
        user = SignInDialog.ask(settings.last_username)
        if user is None:
            return None
        business = choose_business(settings)
        if business is None:
            if user.role != "owner":
                QMessageBox.information(None, APP_TITLE, QCoreApplication.translate(
                    "app", "No business is set up yet. Ask an owner to set it up."))
                return None
            answer = FirstRunDialog.ask(with_owner=False, owner=user)
            if answer is None:
                return None
            business = answer[1]
    settings.last_username = user.username
    settings.last_business_id = business.id
    return user, business


# --- which database: joining a server, going back to this computer's file ----------

def use_database(url: str, connect: Callable[[str], object]) -> bool:
    """Open `url` (raises as `connect` does) and make it this computer's
    database; whether its password is kept in the system keyring."""
    connect(url)
    return config.remember_database(url)


def _keyring_message(url: str, kept: bool) -> str:
    if not config.password_of(url):
        return ""
    if kept:
        return " " + QCoreApplication.translate("app", "The password is kept in the system keyring.")
    return " " + QCoreApplication.translate(
        "app", "There is no system keyring here: the password will be asked for next time.")


def enter(db_url: str, connect: Callable[[str], object], settings: Settings):
    """Sign in on `db_url`, following the person to a server they chose to
    join from the first-run dialog: (db_url, user, business) or None."""
    while True:
        answer = sign_in(settings)
        if not isinstance(answer, str):
            return None if answer is None else (db_url, *answer)
        try:
            use_database(answer, connect)
        except Exception as exc:
            QMessageBox.warning(None, APP_TITLE, ui_errors.describe(exc))
            connect(db_url)
            continue
        db_url = answer


def switch_database(window: MainWindow, url: str, connect: Callable[[str], object],
                    settings: Settings) -> MainWindow | None:
    """Reopen the app on `url` (File → Connect… / Use this computer's
    database): close `window`, open and remember `url`, sign in there (set
    it up when it is new) and return the new window, shown. If `url` cannot
    be opened, the previous database comes back in a new window. None when
    the window would not close (unsaved hours) or nobody signed in (the app
    ends, as at start-up)."""
    app = QApplication.instance()
    old_url, user, business = window.db_url, window.session.user, window.session.business
    if not window.close():
        return None
    app.setQuitOnLastWindowClosed(False)  # no window for a moment: not the end of the app
    try:
        try:
            kept = use_database(url, connect)
        except Exception as exc:
            QMessageBox.warning(None, APP_TITLE, ui_errors.describe(exc))
            connect(old_url)
            new = open_main_window(old_url, user, business, settings)
            message = ""
        else:
            entered = enter(url, connect, settings)
            if entered is None:
                app.quit()
                return None
            url, user, business = entered
            new = open_main_window(url, user, business, settings)
            message = QCoreApplication.translate("app", "Connected to {where}.").format(
                where=config.without_password(url)) + _keyring_message(url, kept)
        new.show()
        if message:
            new.show_message(message)
        return new
    finally:
        window.deleteLater()
        app.setQuitOnLastWindowClosed(True)


def switch_language(window: MainWindow, choice: str, settings: Settings) -> MainWindow | None:
    """View → Language: remember `choice` ("en", "de", "" for the system's)
    and show the window again in that language (the same database, account,
    business and view); the texts of a window are set as it is made. None
    when nothing changes, or when the window would not close (unsaved hours:
    the language then applies at the next start)."""
    settings.language = choice
    code = i18n.chosen_language(choice)
    if code == i18n.current_language():
        return None
    app = QApplication.instance()
    url, user, business = window.db_url, window.session.user, window.session.business
    if not window.close():
        return None
    app.setQuitOnLastWindowClosed(False)
    try:
        i18n.install(code)
        new = open_main_window(url, user, business, settings)
        new.show()
        return new
    finally:
        window.deleteLater()
        app.setQuitOnLastWindowClosed(True)


def _open_remembered(db_url: str, problem: BookingError, connect) -> str | None:
    """This computer's remembered server could not be opened (the password
    was not kept, or has changed): ask for it again. The address opened, or None."""
    if config.remembered_database() != config.without_password(db_url):
        return None
    while True:
        url = ConnectDialog.ask(None, initial=db_url, problem=ui_errors.describe(problem))
        if url is None:
            return None
        try:
            use_database(url, connect)
            return url
        except BookingError as exc:
            problem = exc


def run_gui(db_url: str, connect: Callable[[str], object], quit_after_ms: int | None = None,
            user=None) -> int:
    """Open the app on `db_url`; returns the exit status. The entry point
    passes the data layer's `connect` (the window never opens the database
    itself; it says why when it cannot be opened) and closes it afterwards.
    `quit_after_ms` and `user` (skip sign-in) exist for start-up checks and
    benchmarks."""
    app = create_application()
    setup_logging()
    _install_excepthook()
    settings = Settings()
    i18n.install(i18n.chosen_language(settings.language))
    try:
        connect(db_url)
    except BookingError as exc:
        db_url = _open_remembered(db_url, exc, connect)
        if db_url is None:
            QMessageBox.critical(None, APP_TITLE, ui_errors.describe(exc))
            return 2
    except Exception as exc:
        log.exception("cannot open the database")
        QMessageBox.critical(None, APP_TITLE, QCoreApplication.translate(
            "app", "Cannot open the database {where}: {error}").format(
                where=config.without_password(db_url), error=exc))
        return 2
    if user is None:
        signed_in = enter(db_url, connect, settings)
        if signed_in is None:
            return 0
        db_url, user, business = signed_in
    else:
        business = choose_business(settings)
    window = open_main_window(db_url, user, business, settings)
    shown = {"window": window}  # the window of the moment, kept alive

    def reopen(url: str) -> None:
        new = switch_database(shown["window"], url, connect, settings)
        if new is not None:
            shown["window"] = new
            new.database_chosen.connect(reopen)
            new.language_chosen.connect(relabel)

    def relabel(code: str) -> None:
        new = switch_language(shown["window"], code, settings)
        if new is not None:
            shown["window"] = new
            new.database_chosen.connect(reopen)
            new.language_chosen.connect(relabel)

    window.database_chosen.connect(reopen)
    window.language_chosen.connect(relabel)
    window.show()
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, lambda: shown["window"].close())
    return app.exec()
