"""The PDF report, drawn by Qt alone (QPdfWriter): the period and business in
every page's header, page numbers in the footer, the report's figures and
its four charts (a QTextDocument), then the booking table, drawn row by row
with QPainter as the rows arrive, a page at a time: memory does not grow
with the number of bookings.

With every business the table has a section per business, each starting on
a new page under a heading with the business's name and time zone, its rows
in local start order. The number of pages is known before the first is
drawn (the bookings are counted first), so the footer reads "Page 3 of 1,050"
and progress is reported per page drawn.

`write_pdf(path, flt)` works from the command line too: it starts an
offscreen QApplication when none is running. Like the other exports it
writes a temporary file next to the target and renames it at the end."""
import html
import math
import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QMarginsF, QObject, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from ...errors import QT_TRANSLATE_NOOP, InvalidInput
from ... import services
from ...services import exports
from ...services.businesses import get_business, list_businesses
from ...services.desk import BookingFilter, count_bookings
from ...services.reports import booking_report
from .. import status_style as style
from ..formats import number, time_text, weekday_name
from ..views import charts

HEADER_MM, FOOTER_MM = 12, 10
RESOLUTION = 150
TABLE_COLUMNS = (QT_TRANSLATE_NOOP("PdfReport", "Date"), QT_TRANSLATE_NOOP("PdfReport", "Start"),
                 QT_TRANSLATE_NOOP("PdfReport", "End"), QT_TRANSLATE_NOOP("PdfReport", "Customer"),
                 QT_TRANSLATE_NOOP("PdfReport", "Phone"), QT_TRANSLATE_NOOP("PdfReport", "Status"),
                 QT_TRANSLATE_NOOP("PdfReport", "Source"),
                 QT_TRANSLATE_NOOP("PdfReport", "Reference"))
# Shares of the page's width, in TABLE_COLUMNS order.
COLUMN_SHARES = (0.11, 0.06, 0.06, 0.29, 0.16, 0.10, 0.09, 0.13)
# Above this many pages the dialog and the command line say so first and
# suggest CSV (a spreadsheet reads 50,000 rows better than 1,000 pages).
MANY_PAGES = 2000


def _application():
    """The running application, or (the command line) an offscreen one. The
    PDF is in the window's language; without a window, in English."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from .. import i18n
    app = QApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["booking-desktop-pdf"])
    if not i18n.installed():  # no window chose a language: the command line's English
        i18n.install(i18n.SOURCE_LANGUAGE, QLocale.c())
    return app


def _pct(x) -> str:
    return "–" if x is None else QCoreApplication.translate("PdfReport", "{n}%").format(
        n=number(x * 100, 1))


class _Counts(QObject):
    """Plurals of the report (lupdate reads a plural in a class's
    `self.tr(text, "", n)`, not in QCoreApplication.translate)."""

    def places(self, n: int) -> str:
        return self.tr("{count} place(s)", "", n).format(count=number(n))

    def bookings(self, n: int) -> str:
        return self.tr("{count} booking(s)", "", n).format(count=number(n))


_COUNTS = _Counts()
_places = _COUNTS.places


def figure_lines(report) -> list[tuple[str, str]]:
    """The report's figures (services.reports.Report.figures, without the
    business and period the header names) in the window's language."""
    lines = [(QCoreApplication.translate("PdfReport", "Bookings"), number(report.total))]
    lines += [(f"  {style.status_label(s)}", number(report.by_status.get(s, 0)))
              for s in services.BOOKING_STATUSES]
    lines += [
        (QCoreApplication.translate("PdfReport", "Utilisation"),
         QCoreApplication.translate("PdfReport", "{rate} ({booked} of {places})").format(
             rate=_pct(report.utilisation), booked=number(report.usage.booked),
             places=_places(report.usage.capacity))),
        (QCoreApplication.translate("PdfReport", "Cancellation rate"), _pct(report.cancellation_rate)),
        (QCoreApplication.translate("PdfReport", "No-show rate"), _pct(report.no_show_rate)),
        (QCoreApplication.translate("PdfReport", "Confirmation rate"),
         QCoreApplication.translate("PdfReport", "{rate} ({n} of {d} pending)").format(
             rate=_pct(report.confirmation_rate), n=number(report.confirmed_from_pending),
             d=number(report.ever_pending))),
        (QCoreApplication.translate("PdfReport", "Lead time, median"),
         "–" if report.lead_median_hours is None else QCoreApplication.translate(
             "PdfReport", "{n} h").format(n=number(report.lead_median_hours, 1)))]
    lines += [(f"  {charts.lead_label(label)}", number(n)) for label, n in report.lead_buckets]
    lines += [
        (QCoreApplication.translate("PdfReport", "New customers"), number(report.new_customers)),
        (QCoreApplication.translate("PdfReport", "Returning customers"),
         number(report.returning_customers)),
        (QCoreApplication.translate("PdfReport", "Bookings by returning customers"),
         QCoreApplication.translate("PdfReport", "{rate} ({n} of {d})").format(
             rate=_pct(report.returning_share), n=number(report.returning_bookings),
             d=number(report.held_bookings)))]
    lines += [(QCoreApplication.translate("PdfReport", "Most no-shows #{rank}").format(rank=i + 1),
               QCoreApplication.translate("PdfReport", "{name} ({n}; customer {id})").format(
                   name=name, n=number(n), id=customer_id))
              for i, (customer_id, name, n) in enumerate(report.most_no_shows)]
    lines += [(QCoreApplication.translate("PdfReport", "Source: {source}").format(
        source=style.source_label(s)), f"{number(report.by_source.get(s, 0))} "
        f"({_pct(report.source_share.get(s))})") for s in services.BOOKING_SOURCES]
    lines += [(QCoreApplication.translate("PdfReport", "Utilisation {when}").format(
        when=weekday_name(d)), _pct(u.rate)) for d, u in enumerate(report.by_weekday)]
    lines += [(QCoreApplication.translate("PdfReport", "Utilisation {when}").format(
        when=time_text(_hour(h))), _pct(u.rate)) for h, u in sorted(report.by_hour.items())]
    lines += [(QCoreApplication.translate("PdfReport", "Popular #{rank}").format(rank=i + 1),
               f"{weekday_name(d)} {time_text(_hour(h))} ({_places(n)})")
              for i, (d, h, n) in enumerate(report.popular_times)]
    return lines


def _hour(h: int):
    from datetime import time
    return time(h)


def _figures_html(report) -> str:
    rows = "".join(f"<tr><td>{'&nbsp;' * 6 if label.startswith('  ') else ''}"
                   f"{html.escape(label.strip())}</td><td align='right'>"
                   f"{html.escape(value)}</td></tr>" for label, value in figure_lines(report))
    title = html.escape(QCoreApplication.translate("PdfReport", "Figures"))
    return (f"<h2>{title}</h2><table cellspacing='0' cellpadding='3' "
            f"border='0' width='70%'>{rows}</table>")


def report_for(flt: BookingFilter, by=None):
    first, last = flt.period
    return booking_report(flt.business_id, first, last, by=by, basis=flt.basis) if first else None


def chart_images(report) -> list:
    """The four charts as images. Qt draws charts (graphics widgets) only on
    the GUI thread: the window renders them there before the export's worker
    starts; the command line, single-threaded, lets `write_pdf` do it."""
    if report is None:
        return []
    return [charts.render_image(build(report), 640, 448) for build in charts.BUILDERS]


def _header(flt: BookingFilter, report) -> tuple[str, str]:
    first, last = flt.period
    if report is not None:
        who = report.business_name
    else:
        who = (get_business(flt.business_id).name if flt.business_id
               else QCoreApplication.translate("PdfReport", "All businesses"))
    if not first:
        return who, QCoreApplication.translate("PdfReport", "all dates")
    period = QCoreApplication.translate("PdfReport", "{first} – {last}").format(
        first=_day(first), last=_day(last))
    if flt.basis == "booked":
        period = QCoreApplication.translate("PdfReport", "made {period}").format(period=period)
    return who, period


def _day(day) -> str:
    """"04 Mar 2030"."""
    from ..formats import qdate
    from PySide6.QtCore import QLocale
    return QLocale().toString(qdate(day), QCoreApplication.translate(
        "formats", "dd MMM yyyy", "a day in a report's header: 04 Mar 2030 (Qt QDate format)"))


def build_document(flt: BookingFilter, page_width: float, report=None, images=None,
                   by=None) -> QTextDocument:
    """The report's first pages (title, figures, charts) as a QTextDocument
    laid out `page_width` wide; the booking table is drawn after it."""
    if report is None:
        report = report_for(flt, by)
    if images is None:
        images = chart_images(report)
    who, period = _header(flt, report)
    doc = QTextDocument()
    doc.setDefaultFont(QFont("Sans Serif", 9))
    doc.setDocumentMargin(0)
    narrowed = ", ".join(x for x in (*flt.statuses, *flt.sources, flt.text) if x)
    said = QCoreApplication.translate("PdfReport", "Bookings: {period}").format(period=period)
    if narrowed:
        said = QCoreApplication.translate("PdfReport", "{bookings} (table filtered: {by})").format(
            bookings=said, by=narrowed)
    parts = [f"<h1>{html.escape(who)}</h1><p>{html.escape(said)}.</p>"]
    if report is not None:
        parts.append(_figures_html(report))
        width = int(page_width / 2) - 8
        height = int(width * 0.7)
        cells = []
        for i, image in enumerate(images):
            url = QUrl(f"chart:{i}")
            doc.addResource(QTextDocument.ResourceType.ImageResource, url, image)
            cells.append(f"<td><img src='chart:{i}' width='{width}' height='{height}'></td>")
        title = html.escape(QCoreApplication.translate("PdfReport", "Charts"))
        parts.append(f"<h2>{title}</h2><table cellspacing='4'>"
                     f"<tr>{cells[0]}{cells[1]}</tr><tr>{cells[2]}{cells[3]}</tr></table>")
    doc.setHtml("".join(parts))
    return doc


# ---------------------------------------------------------------- the table

@dataclass(frozen=True)
class Section:
    """A business's part of the table: its name, zone and bookings."""
    business_id: int
    name: str
    timezone: str
    count: int


def sections(flt: BookingFilter) -> list[Section]:
    """The table's sections in order: the filter's business, or every
    business by name, each with its bookings counted (the empty ones left
    out, unless no business has any)."""
    if flt.business_id is not None:
        chosen = [get_business(flt.business_id)]
    else:
        chosen = sorted(list_businesses(), key=lambda b: (b.name.casefold(), b.id))
    found = [Section(b.id, b.name, b.timezone, count_bookings(flt.with_(business_id=b.id)))
             for b in chosen]
    return [s for s in found if s.count] or found[:1]


@dataclass(frozen=True)
class _Layout:
    """A page's geometry (printer pixels) and how many rows fit on it."""
    width: float
    height: float
    header: float
    footer: float
    row: float

    @property
    def body(self) -> float:
        return self.height - self.header - self.footer

    def rows_per_page(self, first_of_section: bool) -> int:
        # Every page of a section: its heading line and the column names.
        return max(1, int(self.body // self.row) - 2 - (1 if first_of_section else 0))

    def pages_of(self, count: int) -> int:
        first = self.rows_per_page(True)
        return 1 + max(0, math.ceil((max(count, 1) - first) / self.rows_per_page(False)))


def _layout(writer: QPdfWriter) -> _Layout:
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    mm = writer.resolution() / 25.4
    return _Layout(page.width(), page.height(), HEADER_MM * mm, FOOTER_MM * mm,
                   8 / 72 * writer.resolution() * 1.55)


def _writer(path) -> QPdfWriter:
    writer = QPdfWriter(path)
    writer.setTitle(QCoreApplication.translate("PdfReport", "Booking report"))
    writer.setCreator("Booking Desktop")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 12, 15, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(RESOLUTION)
    return writer


def estimate_pages(flt: BookingFilter, parts: list[Section] | None = None) -> int:
    """The table's pages for the filter (the report's first pages not
    counted): what the dialog and the command line warn about."""
    import tempfile
    _application()
    with tempfile.TemporaryDirectory() as folder:
        layout = _layout(_writer(os.path.join(folder, "probe.pdf")))
    return sum(layout.pages_of(s.count) for s in (parts if parts is not None else sections(flt)))


def _cells(row) -> tuple:
    start = row[exports.LOCAL_START]
    return (start[:10], start[11:16], row[exports.LOCAL_END][11:16], row[exports.NAME],
            row[exports.PHONE] or "", style.status_label(row[exports.STATUS]),
            style.source_label(row[exports.SOURCE]), row[exports.REF])


class _Pages:
    """Draws pages one after the other: the header and footer of each, the
    report's first pages, then the table's rows."""

    def __init__(self, writer, painter, layout: _Layout, header: str, total: int,
                 progress, cancelled):
        self.writer, self.painter, self.layout = writer, painter, layout
        self.header, self.total = header, total
        self.progress, self.cancelled = progress, cancelled
        self.drawn = 0  # pages finished
        self.small = QFont("Sans Serif", 8)
        self.bold = QFont("Sans Serif", 8)
        self.bold.setBold(True)
        self.heading = QFont("Sans Serif", 10)
        self.heading.setBold(True)
        self.metrics = QFontMetricsF(self.small, writer)
        x, self.columns = 0.0, []
        for share in COLUMN_SHARES:
            self.columns.append((x, share * layout.width))
            x += share * layout.width
        self.y = 0.0
        self.open = False

    def new_page(self) -> None:
        if self.open:
            self.finish_page()
            self.writer.newPage()
        if self.cancelled is not None and self.cancelled():
            raise exports.ExportCancelled()
        self.open = True
        p, lay = self.painter, self.layout
        p.setFont(self.small)
        p.setPen(QColor("black"))
        p.drawText(QRectF(0, 0, lay.width, lay.header * 0.7),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.header)
        p.drawLine(0, int(lay.header * 0.75), int(lay.width), int(lay.header * 0.75))
        p.drawText(QRectF(0, lay.height - lay.footer * 0.7, lay.width, lay.footer * 0.7),
                   Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                   QCoreApplication.translate("PdfReport", "Page {page} of {pages}").format(
                       page=number(self.drawn + 1), pages=number(max(self.total, self.drawn + 1))))
        self.y = lay.header

    def finish_page(self) -> None:
        self.drawn += 1
        if self.progress:
            self.progress(self.drawn, max(self.total, self.drawn))

    def document(self, doc: QTextDocument) -> None:
        body = self.layout.body
        for i in range(doc.pageCount()):
            self.new_page()
            self.painter.save()
            self.painter.translate(0, self.layout.header - i * body)
            doc.drawContents(self.painter, QRectF(0, i * body, self.layout.width, body))
            self.painter.restore()

    def _room(self) -> bool:
        return self.y + self.layout.row <= self.layout.height - self.layout.footer + 0.01

    def _line(self, cells, font, fill=None) -> None:
        p, row = self.painter, self.layout.row
        if fill is not None:
            p.fillRect(QRectF(0, self.y, self.layout.width, row), QColor(fill))
        p.setFont(font)
        metrics = self.metrics if font is self.small else QFontMetricsF(font, self.writer)
        pad = row * 0.15
        for text, (x, w) in zip(cells, self.columns):
            text = metrics.elidedText(str(text), Qt.TextElideMode.ElideRight, w - 2 * pad)
            p.drawText(QRectF(x + pad, self.y, w - 2 * pad, row),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(QColor("#b0b0b0"))
        p.drawLine(0, int(self.y + row), int(self.layout.width), int(self.y + row))
        p.setPen(QColor("black"))
        self.y += row

    def section_top(self, section: Section, continued: bool, count_text: str) -> None:
        self.new_page()
        p, row = self.painter, self.layout.row
        title = QCoreApplication.translate("PdfReport", "{name} · Time zone {zone}").format(
            name=section.name, zone=section.timezone)
        if not continued:
            p.setFont(self.heading)
            p.drawText(QRectF(0, self.y, self.layout.width, row * 2),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       QCoreApplication.translate("PdfReport", "Business: {title}").format(
                           title=title))
            self.y += row * 2
        else:
            p.setFont(self.bold)
            p.drawText(QRectF(0, self.y, self.layout.width, row),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       QCoreApplication.translate("PdfReport", "{title} (continued)").format(
                           title=title))
            self.y += row
        if count_text:
            p.setFont(self.small)
            p.drawText(QRectF(0, self.y - row, self.layout.width, row),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count_text)
        self._line([QCoreApplication.translate("PdfReport", c) for c in TABLE_COLUMNS], self.bold,
                   "#e0e0e0")

    def row(self, section: Section, cells) -> None:
        if not self._room():
            self.section_top(section, True, "")
        self._line(cells, self.small)

    def close(self) -> None:
        if self.open:
            self.finish_page()


def write_pdf(path, flt: BookingFilter, progress: Callable[[int, int], None] | None = None,
              cancelled: Callable[[], bool] | None = None, report=None, images=None,
              by=None) -> int:
    """Write the PDF report for the filter; returns the bookings in its table.
    `progress(pages drawn, pages in all)` is called after each page.
    `report` and `images` (from `report_for` and `chart_images`) are made
    here when not given, which needs the GUI thread. Raises PermissionDenied
    (`by` is staff not allowed to export; the services check), InvalidInput
    (unwritable file, bad filter), ExportCancelled."""
    if images is None:
        _application()
    # The services check the permission before anything is counted or drawn.
    next(exports.iter_rows(flt, None, cancelled, batch=1, by=by), None)
    parts = sections(flt)
    if report is None:
        report = report_for(flt, by)
    count = 0
    with exports.atomic_file(path, None) as temp:
        writer = _writer(temp)
        layout = _layout(writer)
        # Lay out for the printer's resolution, so point sizes stay true.
        doc = build_document(flt, layout.width * 96 / writer.resolution(), report, images, by)
        doc.documentLayout().setPaintDevice(writer)
        doc.setPageSize(QSizeF(layout.width, layout.body))
        total = doc.pageCount() + sum(layout.pages_of(s.count) for s in parts)
        who, period = _header(flt, report)
        painter = QPainter()
        if not painter.begin(writer):
            raise InvalidInput(template=QT_TRANSLATE_NOOP("errors", "Cannot write the PDF to {path}."),
                               params={"path": str(path)})
        try:
            header = QCoreApplication.translate("PdfReport", "Booking report · {who} · {period}")
            pages = _Pages(writer, painter, layout, header.format(who=who, period=period), total,
                           progress, cancelled)
            if progress:
                progress(0, total)
            pages.document(doc)
            del doc
            for section in parts:
                pages.section_top(section, False, _COUNTS.bookings(section.count))
                n = 0
                for row in exports.iter_rows(flt.with_(business_id=section.business_id), None,
                                             cancelled, by=by):
                    pages.row(section, _cells(row))
                    n += 1
                if not n:
                    pages.row(section, (QCoreApplication.translate("PdfReport", "No bookings."),))
                count += n
            pages.close()
        finally:
            painter.end()
    return count


__all__ = ["write_pdf", "build_document", "chart_images", "report_for", "sections",
           "estimate_pages", "MANY_PAGES"]
