"""The printable day sheet for the counter: the day's slots and bookings."""
import html
from datetime import date
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ...services import desk
from ..models.day_model import booking_status_text


def day_sheet_html(session, day: date) -> str:
    business = session.business
    tz = ZoneInfo(business.timezone)
    slots = [slot for slot in desk.day_schedule(business, day) if slot.listed]
    rows = []
    for slot in slots:
        start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
        blocked = " (blocked)" if slot.is_blocked else ""
        rows.append(
            f"<tr class='slot'><td><b>{start:%H:%M}–{end:%H:%M}</b></td>"
            f"<td>{slot.current_bookings}/{slot.max_capacity}{blocked}</td><td></td><td></td>"
            f"<td></td></tr>")
        for booking in slot.bookings:
            cells = (booking.reference, booking.customer_name, booking.customer_phone or "",
                     booking_status_text(booking), booking.notes)
            rows.append("<tr><td>&nbsp;&nbsp;{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"
                        .format(*(html.escape(c) for c in cells)))
    body = "".join(rows) or "<tr><td colspan='5'>No slots on this day.</td></tr>"
    return (
        "<html><body style='font-family: sans-serif; font-size: 10pt'>"
        f"<h2>{html.escape(business.name)} — {day:%A %d %B %Y}</h2>"
        "<table width='100%' cellspacing='0' cellpadding='3' border='1' style='border-collapse: collapse'>"
        "<tr><th align='left'>Time / ref.</th><th align='left'>Places / customer</th>"
        "<th align='left'>Phone</th><th align='left'>Status</th><th align='left'>Notes</th></tr>"
        f"{body}</table></body></html>")


def _document(session, day: date) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(day_sheet_html(session, day))
    return document


def write_day_sheet_pdf(session, day: date, path: str) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait,
                                      QMarginsF(12, 12, 12, 12),
                                      QPageLayout.Unit.Millimeter))
    _document(session, day).print_(printer)


def print_day_sheet(parent, session, day: date) -> None:
    if session.business is None:
        return
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() == QPrintDialog.DialogCode.Accepted:
        _document(session, day).print_(printer)


def export_day_sheet_pdf(parent, session, day: date) -> None:
    if session.business is None:
        return
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("Save day sheet"),
                                          f"day-sheet-{day.isoformat()}.pdf", "PDF (*.pdf)")
    if not path:
        return
    try:
        write_day_sheet_pdf(session, day, path)
    except OSError as exc:
        QMessageBox.warning(parent, parent.tr("Day sheet"), str(exc))
