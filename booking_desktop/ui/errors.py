"""One mapper from errors to what the person at the desk sees, in their language."""
import logging
from datetime import date, datetime, time

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..errors import BookingError, ClosedReason, Moment, Phrase, Text
from . import formats

log = logging.getLogger(__name__)

LOG_FILE_HINT = {"path": None}
APP_TITLE = "Booking Desktop"  # the product's name, the same in every language


def said(value):
    """Words of the services as the window writes them: a Phrase ("check-in
    of Maria Lopez") or a marked text translated, a day or a time in the
    locale's way; anything else (names, references, counts) as is."""
    return _param(value)


def _param(value):
    if isinstance(value, Phrase):
        try:
            return QCoreApplication.translate("errors", value.template).format(
                **{key: _param(v) for key, v in value.params.items()})
        except (KeyError, IndexError, ValueError):
            log.error("translation of %r does not fit its params %r", value.template, value.params)
            return str(value)
    if isinstance(value, Text):
        return QCoreApplication.translate("errors", value)
    if isinstance(value, Moment):
        day = formats.short_date(value.local.date())
        return (QCoreApplication.translate("formats", "{day} {time}", "a day and a time: Tue 1 Dec 16:30")
                .format(day=day, time=formats.time_text(value.local)) if value.with_time else day)
    if isinstance(value, ClosedReason):
        from .status_style import closed_reason_text
        return closed_reason_text(value)
    if isinstance(value, datetime):
        return f"{formats.date_text(value.date())} {formats.time_text(value)}"
    if isinstance(value, date):
        return formats.date_text(value)
    if isinstance(value, time):
        return formats.time_text(value)
    return value


def refusal_text(exc: BookingError) -> str:
    """The refusal in the window's language: its template translated (the
    services' English when it has none), filled in with its params."""
    refusals = getattr(exc, "refusals", None)  # services.undo.Refused: each part and why
    if refusals is not None and isinstance(getattr(exc, "lead", None), Text):
        from . import i18n
        if i18n.current_language() != i18n.SOURCE_LANGUAGE:
            parts = [QCoreApplication.translate("errors", "{what}: {why}").format(
                what=r.what, why=refusal_reason(r)) if r.what else refusal_reason(r)
                for r in refusals]
            return QCoreApplication.translate("errors", "{lead}: {refusals}.").format(
                lead=QCoreApplication.translate("errors", exc.lead), refusals="; ".join(parts))
    if exc.template is None:
        return str(exc)
    text = QCoreApplication.translate("errors", exc.template)
    try:
        return text.format(**{key: _param(value) for key, value in exc.params.items()})
    except (KeyError, IndexError, ValueError):  # a translation naming a param wrongly
        log.error("translation of %r does not fit its params %r", exc.template, exc.params)
        return str(exc)


def refusal_reason(refusal, sentence: bool = False) -> str:
    """Why one part of an undo or a bulk action was refused (services.undo.
    Refusal): "its time slot is now full (2/2)", or with `sentence` "Its
    time slot is now full (2/2)." In English the services' own words, made
    for this place; in another language the refusal's message translated."""
    from . import i18n
    error = getattr(refusal, "error", None)
    if error is None or i18n.current_language() == i18n.SOURCE_LANGUAGE:
        why = refusal.why
    else:
        why = refusal_text(error).rstrip(".")
    return f"{why[:1].upper()}{why[1:]}." if sentence else why


def describe(exc: BaseException) -> str:
    """The message for a refusal; a generic one (and a log entry) for a bug."""
    if isinstance(exc, BookingError):
        return refusal_text(exc)
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    where = LOG_FILE_HINT["path"]
    text = QCoreApplication.translate("errors", "Something went wrong: {error}.").format(error=exc)
    if where:
        text += " " + QCoreApplication.translate(
            "errors", "The details were written to {path}.").format(path=where)
    return text


def show_error(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    QMessageBox.warning(parent, title or APP_TITLE, describe(exc))


def error_label(parent: QWidget | None = None) -> QLabel:
    """The inline refusal under a form: wrapped, in the warning colour of the
    palette (light or dark), hidden until there is something to say."""
    from .status_style import colour
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {colour('no_show').name()};")
    label.setVisible(False)
    return label
