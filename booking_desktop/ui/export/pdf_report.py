"""The PDF report, drawn by Qt alone (QPdfWriter + QTextDocument): the
period and business in every page's header, page numbers in the footer, the
report's figures, its four charts and the booking table.

`write_pdf(path, flt)` works from the command line too: it starts an
offscreen QApplication when none is running. Like the other exports it
writes a temporary file next to the target and renames it at the end."""
import html
import os
from collections.abc import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from ...errors import InvalidInput
from ...services import exports
from ...services.businesses import get_business
from ...services.desk import BookingFilter
from ...services.reports import booking_report
from ..views import charts

HEADER_MM, FOOTER_MM = 12, 10
TABLE_COLUMNS = ("Date", "Start", "End", "Customer", "Phone", "Status", "Source", "Reference")


def _application():
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["booking-desktop-pdf"])
    return app


def _period(flt: BookingFilter):
    first, last = flt.date_from or flt.date_to, flt.date_to or flt.date_from
    return first, last


def _figures_html(report) -> str:
    rows = "".join(f"<tr><td>{'&nbsp;' * 6 if label.startswith('  ') else ''}"
                   f"{html.escape(label.strip())}</td><td align='right'>"
                   f"{html.escape(value)}</td></tr>" for label, value in report.figures()[2:])
    return (f"<h2>Figures</h2><table cellspacing='0' cellpadding='3' border='0' "
            f"width='70%'>{rows}</table>")


def report_for(flt: BookingFilter, by=None):
    first, last = _period(flt)
    return booking_report(flt.business_id, first, last, by=by) if first else None


def chart_images(report) -> list:
    """The four charts as images. Qt draws charts (graphics widgets) only on
    the GUI thread: the window renders them there before the export's worker
    starts; the command line, single-threaded, lets `write_pdf` do it."""
    if report is None:
        return []
    return [charts.render_image(build(report), 640, 448) for build in charts.BUILDERS]


def build_document(flt: BookingFilter, page_width: float, progress=None, cancelled=None,
                   report=None, images=None, by=None) -> tuple[QTextDocument, int, str]:
    """The report as a QTextDocument laid out `page_width` wide; returns it,
    the number of bookings in its table, and the header text."""
    first, last = _period(flt)
    if report is None:
        report = report_for(flt, by)
    if images is None:
        images = chart_images(report)
    if report is not None:
        who = report.business_name
    else:
        who = get_business(flt.business_id).name if flt.business_id else "All businesses"
    period = f"{first:%d %b %Y} – {last:%d %b %Y}" if first else "all dates"
    header = f"Booking report · {who} · {period}"
    doc = QTextDocument()
    doc.setDefaultFont(QFont("Sans Serif", 9))
    doc.setDocumentMargin(0)
    narrowed = ", ".join(x for x in (*flt.statuses, *flt.sources, flt.text) if x)
    parts = [f"<h1>{html.escape(who)}</h1><p>Bookings: {html.escape(period)}"
             + (f" (table filtered: {html.escape(narrowed)})" if narrowed else "") + ".</p>"]
    if report is not None:
        parts.append(_figures_html(report))
        width = int(page_width / 2) - 8
        height = int(width * 0.7)
        cells = []
        for i, image in enumerate(images):
            url = QUrl(f"chart:{i}")
            doc.addResource(QTextDocument.ResourceType.ImageResource, url, image)
            cells.append(f"<td><img src='chart:{i}' width='{width}' height='{height}'></td>")
        parts.append("<h2>Charts</h2><table cellspacing='4'>"
                     f"<tr>{cells[0]}{cells[1]}</tr><tr>{cells[2]}{cells[3]}</tr></table>")
    head = "".join(f"<th align='left' bgcolor='#e0e0e0'>{c}</th>" for c in TABLE_COLUMNS)
    rows, count = [], 0
    for row in exports.iter_rows(flt, progress, cancelled, by=by):
        start = row[exports.LOCAL_START]
        cells = (start[:10], start[11:16], row[exports.LOCAL_END][11:16], row[exports.NAME],
                 row[exports.PHONE] or "", row[exports.STATUS].replace("_", "-"),
                 row[exports.SOURCE].replace("_", "-"), row[exports.REF])
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        count += 1
    body = "".join(rows) or f"<tr><td colspan='{len(TABLE_COLUMNS)}'>No bookings.</td></tr>"
    parts.append(f"<h2>Bookings ({count:,})</h2><table width='100%' cellspacing='0' "
                 f"cellpadding='2' border='0.5'><thead><tr>{head}</tr></thead>{body}</table>")
    doc.setHtml("".join(parts))
    return doc, count, header


def write_pdf(path, flt: BookingFilter, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None, report=None, images=None,
              by=None) -> int:
    """Write the PDF report for the filter; returns the bookings in its table.
    `report` and `images` (from `report_for` and `chart_images`) are made
    here when not given, which needs the GUI thread. Raises PermissionDenied
    (`by` is staff not allowed to export; the services check), InvalidInput
    (unwritable file, bad filter), ExportCancelled."""
    if images is None:
        _application()
    with exports.atomic_file(path, None) as temp:
        writer = QPdfWriter(temp)
        writer.setTitle("Booking report")
        writer.setCreator("Booking Desktop")
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 12, 15, 12), QPageLayout.Unit.Millimeter)
        writer.setResolution(150)
        page = writer.pageLayout().paintRectPixels(writer.resolution())
        mm = writer.resolution() / 25.4
        header_h, footer_h = HEADER_MM * mm, FOOTER_MM * mm
        body = QSizeF(page.width(), page.height() - header_h - footer_h)
        # Lay out for the printer's resolution, so point sizes stay true.
        doc, count, header = build_document(flt, page.width() * 96 / writer.resolution(),
                                            progress, cancelled, report, images, by)
        doc.documentLayout().setPaintDevice(writer)
        doc.setPageSize(body)
        pages = doc.pageCount()
        painter = QPainter()
        if not painter.begin(writer):
            raise InvalidInput(f"Cannot write the PDF to {path}.")
        try:
            small = QFont("Sans Serif", 8)
            for i in range(pages):
                if cancelled is not None and cancelled():
                    raise exports.ExportCancelled()
                if i:
                    writer.newPage()
                painter.setFont(small)
                painter.drawText(QRectF(0, 0, page.width(), header_h * 0.7),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                 header)
                painter.drawLine(0, int(header_h * 0.75), int(page.width()), int(header_h * 0.75))
                painter.drawText(QRectF(0, page.height() - footer_h * 0.7, page.width(),
                                        footer_h * 0.7),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                                 f"Page {i + 1} of {pages}")
                painter.save()
                painter.translate(0, header_h - i * body.height())
                doc.drawContents(painter, QRectF(0, i * body.height(), body.width(),
                                                 body.height()))
                painter.restore()
        finally:
            painter.end()
    return count


__all__ = ["write_pdf", "build_document", "chart_images", "report_for"]
