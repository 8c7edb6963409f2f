"""One mapper from errors to what the person at the desk sees."""
import logging

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..errors import BookingError

log = logging.getLogger(__name__)

LOG_FILE_HINT = {"path": None}


def describe(exc: BaseException) -> str:
    """The message for a refusal; a generic one (and a log entry) for a bug."""
    if isinstance(exc, BookingError):
        return str(exc)
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    where = LOG_FILE_HINT["path"]
    suffix = f" The details were written to {where}." if where else ""
    return f"Something went wrong: {exc}.{suffix}"


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    QMessageBox.warning(parent, title or "Booking Desktop", describe(exc))


def error_label(parent: QWidget | None = None) -> QLabel:
    """The inline refusal under a form: wrapped, in the warning colour of the
    palette (light or dark), hidden until there is something to say."""
    from .status_style import colour
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour('no_show').name()};")
    label.setVisible(False)
    return label
