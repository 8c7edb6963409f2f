"""The printable day sheet for the counter: the day's slots and bookings.

The day is read on the window's database thread (`session.pipeline`); the
sheet is laid out and printed or written on the GUI thread once it is in.
`failed(exc)` hears a refusal (the database out of reach, say); without it
a dialog says it."""
import html
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ...services import desk
from ..formats import long_date, time_range
from ..models.day_model import booking_status_text
from ..operations import show_failure


def read_day(session, day: date, then: Callable, failed: Callable | None = None) -> None:
    """`then(business, slots)` with the day's slots, read on the worker."""
    business = session.business
    if business is None:
        return
    session.pipeline.read(("day-sheet", id(session)),
                          lambda: desk.day_schedule(business, day),
                          lambda slots: then(business, slots),
                          failed or (lambda exc: show_failure(None, exc)))


def day_sheet_html(business, day: date, slots) -> str:
    """The sheet of `day` from its slots (`desk.day_schedule`'s rows)."""
    tz = ZoneInfo(business.timezone)
    slots = [slot for slot in slots if slot.listed]
    rows = []
    for slot in slots:
        start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
        places = f"{slot.current_bookings}/{slot.max_capacity}"
        if slot.is_blocked:
            places = QCoreApplication.translate("DaySheet", "{places} (blocked)").format(places=places)
        rows.append(
            f"<tr class='slot'><td><b>{time_range(start, end)}</b></td>"
            f"<td>{html.escape(places)}</td><td></td><td></td><td></td></tr>")
        for booking in slot.bookings:
            cells = (booking.reference, booking.customer_name, booking.customer_phone or "",
                     booking_status_text(booking), booking.notes)
            rows.append("<tr><td>&nbsp;&nbsp;{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
                        .format(*(html.escape(c) for c in cells)))
    empty = QCoreApplication.translate("DaySheet", "No slots on this day.")
    body = "".join(rows) or f"<tr><td colspan='5'>{html.escape(empty)}</td></tr>"
    headings = (QCoreApplication.translate("DaySheet", "Time / ref."),
                QCoreApplication.translate("DaySheet", "Places / customer"),
                QCoreApplication.translate("DaySheet", "Phone"),
                QCoreApplication.translate("DaySheet", "Status"),
                QCoreApplication.translate("DaySheet", "Notes"))
    return (
        "<html><body style='font-family: sans-serif; font-size: 10pt'>"
        f"<h2>{html.escape(business.name)} — {html.escape(long_date(day))}</h2>"
        "<table width='100%' cellspacing='0' cellpadding='3' border='1' style='border-collapse: collapse'>"
        "<tr>" + "".join(f"<th align='left'>{html.escape(h)}</th>" for h in headings) + "</tr>"
        f"{body}</table></body></html>")


def _document(business, day: date, slots) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(day_sheet_html(business, day, slots))
    return document


def _pdf(business, day: date, slots, path: str) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait,
                                      QMarginsF(12, 12, 12, 12),
                                      QPageLayout.Unit.Millimeter))
    _document(business, day, slots).print_(printer)


def write_day_sheet_pdf(session, day: date, path: str,
                        done: Callable[[str], None] | None = None,
                        failed: Callable | None = None) -> None:
    """Read the day on the worker, then write its sheet to `path`; `done(path)`
    after (an OSError goes to `failed` too)."""
    def write(business, slots) -> None:
        try:
            _pdf(business, day, slots, path)
        except OSError as exc:
            if failed is None:
                raise
            failed(exc)
            return
        if done is not None:
            done(path)

    read_day(session, day, write, failed)


def print_day_sheet(parent, session, day: date, failed: Callable | None = None) -> None:
    """Choose the printer, then read the day on the worker and print it."""
    if session.business is None:
        return
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QPrintDialog.DialogCode.Accepted:
        read_day(session, day,
                 lambda business, slots: _document(business, day, slots).print_(printer), failed)


def export_day_sheet_pdf(parent, session, day: date, failed: Callable | None = None) -> None:
    if session.business is None:
        return
    path, _ = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("DaySheet", "Save day sheet"),
        QCoreApplication.translate("DaySheet", "day-sheet-{day}.pdf").format(day=day.isoformat()),
        QCoreApplication.translate("DaySheet", "PDF files (*.pdf)"))
    if not path:
        return

    def refused(exc: BaseException) -> None:
        if isinstance(exc, OSError):
            QMessageBox.warning(parent, QCoreApplication.translate("DaySheet", "Day sheet"), str(exc))
        elif failed is not None:
            failed(exc)
        else:
            show_failure(parent, exc)

    write_day_sheet_pdf(session, day, path, failed=refused)
