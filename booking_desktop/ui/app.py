"""Starting the GUI: one QApplication, the database, the main window."""
import logging
import sys

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import config, db
from ..errors import BookingError
from .main_window import MainWindow

log = logging.getLogger(__name__)


def _install_excepthook() -> None:
    """Unexpected errors in slots are logged and shown, never a silent death."""
    def hook(exc_type, exc, tb):
        log.error("unexpected error", exc_info=(exc_type, exc, tb))
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "Booking Desktop",
                                 f"Something went wrong: {exc}\nThe details were logged.")
    sys.excepthook = hook


def create_application(argv=None) -> QApplication:
    QCoreApplication.setOrganizationName(config.ORGANISATION)
    QCoreApplication.setApplicationName(config.APP_NAME)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setStyle("Fusion")
    return app


def run_gui(db_url: str, quit_after_ms: int | None = None) -> int:
    """Open the main window on `db_url`; returns the exit status.
    `quit_after_ms` closes it again (used to check start-up and shutdown)."""
    app = create_application()
    _install_excepthook()
    try:
        db.connect(db_url)
    except BookingError as exc:
        QMessageBox.critical(None, "Booking Desktop", str(exc))
        return 2
    window = MainWindow(db_url)
    window.show()
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    try:
        return app.exec()
    finally:
        db.close()
