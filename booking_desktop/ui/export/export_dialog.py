"""Export… : the bookings of a filter (the table's, or the reports view's
period) to CSV, Excel, PDF or iCalendar, on a worker thread with a progress
bar and Cancel. A cancelled or failed export leaves no file behind."""
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from ... import services
from ...errors import QT_TRANSLATE_NOOP
from ...services import exports, reports
from ...services.desk import BookingFilter
from ...services.exports import ExportCancelled
from .. import i18n
from ..errors import describe
from ..formats import number, weekday_name
from ..status_style import source_label, status_label
from ..tasks import DEFAULT_RUNNER, Task

# (key, label, file-dialog filter), translated when shown, in context ExportDialog
FORMATS = (("csv", QT_TRANSLATE_NOOP("ExportDialog", "CSV (spreadsheet, text)"),
            QT_TRANSLATE_NOOP("ExportDialog", "CSV files (*.csv)")),
           ("xlsx", QT_TRANSLATE_NOOP("ExportDialog", "Excel workbook"),
            QT_TRANSLATE_NOOP("ExportDialog", "Excel workbooks (*.xlsx)")),
           ("pdf", QT_TRANSLATE_NOOP("ExportDialog", "PDF report"),
            QT_TRANSLATE_NOOP("ExportDialog", "PDF files (*.pdf)")),
           ("ics", QT_TRANSLATE_NOOP("ExportDialog", "iCalendar (calendar apps)"),
            QT_TRANSLATE_NOOP("ExportDialog", "iCalendar files (*.ics)")))


def export_words() -> dict[str, str] | None:
    """The words of a CSV or XLSX file (services.exports.WORDS: headings,
    sheet names, summary labels, and the statuses, sources, weekdays and
    lead times the summary names) in the window's language; None in English,
    so the window writes the same files as the command line."""
    if i18n.current_language() == i18n.SOURCE_LANGUAGE:
        return None
    from ..views.charts import lead_label
    words = {word: QCoreApplication.translate("exports", word) for word in exports.WORDS}
    words.update({status: status_label(status) for status in services.BOOKING_STATUSES})
    words.update({source: source_label(source) for source in services.BOOKING_SOURCES})
    words.update({name: weekday_name(day) for day, name in enumerate(reports.WEEKDAYS)})
    words.update({label: lead_label(label) for label, _bound in reports.LEAD_BUCKETS})
    return words


def default_name(flt: BookingFilter, fmt: str) -> str:
    parts = ["bookings"]
    if flt.date_from:
        parts.append(flt.date_from.isoformat())
    if flt.date_to and flt.date_to != flt.date_from:
        parts.append(flt.date_to.isoformat())
    return "-".join(parts) + f".{fmt}"


class ExportDialog(QDialog):
    """`done_message` carries the status-bar text after a finished export."""

    done_message = Signal(str)

    def __init__(self, flt: BookingFilter, fmt: str = "csv", runner=None, description: str = "",
                 parent=None, *, by):
        """`by`: the signed-in account the services check (staff need an
        owner's permission to export customers' details)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export bookings"))
        self.flt = flt
        self.by = by
        self.runner = runner or DEFAULT_RUNNER
        self.task: Task | None = None
        self.count: int | None = None
        self._closing = False
        self._unit = "bookings"  # what the progress counts: bookings, or a PDF's pages
        self._many_pages_ok = False  # the user has been told how long the PDF is

        self.format_combo = QComboBox()
        for key, label, _ in FORMATS:
            self.format_combo.addItem(QCoreApplication.translate("ExportDialog", label), key)
        self.format_combo.setCurrentIndex(max(0, [f[0] for f in FORMATS].index(fmt)))
        self.path_edit = QLineEdit()
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        self.bom_check = QCheckBox(self.tr("Add a byte-order mark (Excel reads accents right)"))
        self.bom_check.setChecked(True)
        self.utc_check = QCheckBox(self.tr("Times in UTC instead of the business's time zone"))
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel(description)
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("&Format:"), self.format_combo)
        form.addRow(self.tr("&Save as:"), where)
        form.addRow("", self.bom_check)
        form.addRow("", self.utc_check)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("&Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.export_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        self.path_edit.setText(os.path.join(folder, default_name(flt, fmt)))
        self._format_changed()
        self.resize(560, self.sizeHint().height())

    # -- answering (tests monkeypatch this) ------------------------------
    @classmethod
    def ask_path(cls, parent, suggested: str, name_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(
            parent, QCoreApplication.translate("ExportDialog", "Export bookings"), suggested,
            name_filter)
        return path

    def fmt(self) -> str:
        return self.format_combo.currentData()

    def _format_changed(self, *_):
        fmt = self.fmt()
        self.export_button.setText(self.tr("&Export"))
        self.bom_check.setVisible(fmt == "csv")
        self.utc_check.setVisible(fmt == "ics")
        path = self.path_edit.text()
        if path:
            self.path_edit.setText(str(Path(path).with_suffix(f".{fmt}")))

    def _browse(self):
        name_filter = next(f[2] for f in FORMATS if f[0] == self.fmt())
        path = self.ask_path(self, self.path_edit.text(),
                             QCoreApplication.translate("ExportDialog", name_filter))
        if path:
            self.path_edit.setText(path)

    # -- running ---------------------------------------------------------
    def start(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self.status.setText(self.tr("Choose where to save the file."))
            return
        fmt, flt, by = self.fmt(), self.flt, self.by
        self.export_button.setEnabled(False)
        self.format_combo.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first count arrives
        self.status.setText(self.tr("Exporting…"))
        self.path = path
        self._unit = "pages" if fmt == "pdf" else "bookings"
        if fmt == "pdf":  # the report first, off the GUI thread; its charts are drawn here
            from . import pdf_report
            self._run(lambda progress, cancelled: (pdf_report.report_for(flt, by),
                                                   pdf_report.estimate_pages(flt)),
                      lambda read: self._report_read(*read, path))
            return
        options = {"csv": {"bom": self.bom_check.isChecked(), "words": export_words()},
                   "xlsx": {"words": export_words()},
                   "ics": {"utc": self.utc_check.isChecked()}}.get(fmt, {})
        self._run(lambda progress, cancelled: exports.export_bookings(
            fmt, path, flt, progress, cancelled, by=by, **options), self._finished)

    def _run(self, work, finished) -> None:
        self.task = Task(work, self)
        self.task.progress.connect(self._progress)
        self.task.finished.connect(finished)
        self.task.failed.connect(self._failed)
        self.runner.start(self.task)

    def _report_read(self, report, pages: int, path: str) -> None:
        """The PDF's figures are in: draw its charts here, on the GUI thread,
        and write the file on the worker. A PDF of thousands of pages is
        drawn only when asked a second time: a CSV suits so many bookings."""
        from . import pdf_report
        if self.task is not None and self.task.is_cancelled():
            self._failed(ExportCancelled())
            return
        if pages > pdf_report.MANY_PAGES and not self._many_pages_ok:
            self._many_pages_ok = True
            self.task = None
            self.export_button.setEnabled(True)
            self.format_combo.setEnabled(True)
            self.export_button.setText(self.tr("&Export PDF anyway"))
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.status.setText(self.tr(
                "This PDF would have about {pages} of bookings. A CSV or Excel file "
                "suits that many better: choose it under Format, or press Export PDF anyway."
            ).format(pages=self.tr("{count} page(s)", "", pages).format(count=number(pages))))
            return
        try:
            images = pdf_report.chart_images(report)
        except Exception as exc:  # noqa: BLE001 - said in the dialog; describe() logs bugs
            self._failed(exc)
            return
        flt, by = self.flt, self.by
        self._run(lambda progress, cancelled: pdf_report.write_pdf(
            path, flt, progress, cancelled, report, images, by=by), self._finished)

    def cancel(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.status.setText(self.tr("Cancelling…"))
        else:
            self.reject()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        if self._unit == "pages":
            text = self.tr("Drawing page {done} of {total}…")
        else:
            text = self.tr("Exporting… {done} of {total} booking(s)", "", total)
        self.status.setText(text.format(done=number(done), total=number(total)))

    def _finished(self, count: int) -> None:
        self.count = count
        self.task = None
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        text = self.tr("Exported {n} booking(s) to {path}", "", count).format(
            n=number(count), path=self.path)
        self.status.setText(text)
        self.done_message.emit(text)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        self.format_combo.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if isinstance(exc, ExportCancelled):
            self.status.setText(self.tr("Export cancelled; no file was written."))
            if self._closing:
                super().reject()
        else:
            self.status.setText(describe(exc))

    def closeEvent(self, event) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
            self.status.setText(self.tr("Cancelling…"))
            self._closing = True  # closes once the worker has stopped
            return
        super().reject()
