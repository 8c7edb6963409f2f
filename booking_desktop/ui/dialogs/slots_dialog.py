"""The owner's slot tools in one place: generate slots from the hours (with a
per-day preview before anything is written, a progress bar and a summary),
block a range of slots with a reason, and clean up past unbooked slots.

Everything runs on the window's database thread (`ui.operations`): the
defaults and the preview are reads (the newest wins), generating, blocking
and cleaning up are ops, each announcing a `Change` of kind "slots". The
generation reports its progress from the worker through a signal and stops
(rolling back) when asked.
"""
import threading
from datetime import date, time, timedelta

from PySide6.QtCore import QEventLoop, QObject, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ... import services
from .reasons import from_qdate, to_qdate
from ..errors import describe, error_label
from ..formats import date_pattern, date_text, time_pattern
from ..operations import Change, Op


class _Progress(QObject):
    """Carries the generation's progress from the worker to the GUI thread."""
    reported = Signal(int, int)


# --- the dialog -----------------------------------------------------------------------------

def next_month(today: date) -> tuple[date, date]:
    first = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
    return first, last


class GenerateSlotsDialog(QDialog):
    """Owner tool: generate, block a range, clean up. `result_counts` holds
    the generation summary once it is done."""

    def __init__(self, session, first: date | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self._cancel = threading.Event()
        self._progress: _Progress | None = None
        self.result_counts: dict | None = None
        self.preview = None
        self.running = False
        self.setWindowTitle(self.tr("Slots"))
        today = self.session.today()
        first = first or today

        self.tabs = QTabWidget()
        self.tabs.addTab(self._generate_tab(first), self.tr("Generate"))
        self.tabs.addTab(self._block_tab(first), self.tr("Block a range"))
        self.tabs.addTab(self._cleanup_tab(), self.tr("Clean up"))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self._close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(bottom)
        self.resize(620, 600)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self.refresh_preview)
        for widget in (self.first, self.last):
            widget.dateChanged.connect(lambda *_: self._preview_timer.start())
        for widget in (self.duration, self.capacity, self.buffer):
            widget.valueChanged.connect(lambda *_: self._preview_timer.start())
        self._use_business_defaults()

    def _use_business_defaults(self) -> None:
        """Start from the slot length and places the business already uses
        (read on the worker), then preview."""
        business = self.session.business
        if business is None:
            return
        self.generate_button.setEnabled(False)
        self.preview_label.setText(self.tr("Counting…"))
        self.session.pipeline.read(("slot-defaults", id(self)),
                                   lambda: services.slot_defaults(business),
                                   self._defaults_read,
                                   lambda _exc: self.refresh_preview(),  # it says the trouble
                                   owner=self)

    def _defaults_read(self, defaults) -> None:
        minutes, places = defaults
        for widget, value in ((self.duration, minutes), (self.capacity, places)):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        self.refresh_preview()


    # --- generate ----------------------------------------------------------
    def _generate_tab(self, first: date) -> QWidget:
        page = QWidget()
        self.first = QDateEdit(to_qdate(first))
        self.last = QDateEdit(to_qdate(first + timedelta(weeks=4)))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_pattern())
        self.four_weeks_button = QPushButton(self.tr("Next 4 weeks"))
        self.four_weeks_button.clicked.connect(self.choose_four_weeks)
        self.next_month_button = QPushButton(self.tr("Next month"))
        self.next_month_button.clicked.connect(self.choose_next_month)
        shortcuts = QHBoxLayout()
        shortcuts.addWidget(self.four_weeks_button)
        shortcuts.addWidget(self.next_month_button)
        shortcuts.addStretch(1)
        self.duration = QSpinBox()
        self.duration.setRange(5, 720)
        self.duration.setValue(30)
        self.duration.setSingleStep(5)
        self.duration.setSuffix(self.tr(" min"))
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 1000)
        self.buffer = QSpinBox()
        self.buffer.setRange(0, 240)
        self.buffer.setSingleStep(5)
        self.buffer.setSuffix(self.tr(" min"))
        form = QFormLayout()
        form.addRow(self.tr("From"), self.first)
        form.addRow(self.tr("To"), self.last)
        form.addRow("", shortcuts)
        form.addRow(self.tr("Slot length"), self.duration)
        form.addRow(self.tr("Places per slot"), self.capacity)
        form.addRow(self.tr("Break between slots"), self.buffer)
        self.preview_table = QTableWidget(0, 2)
        self.preview_table.setHorizontalHeaderLabels([self.tr("Day"), self.tr("New slots")])
        self.preview_table.verticalHeader().setVisible(False)
        self.preview_table.verticalHeader().setDefaultSectionSize(22)
        self.preview_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.preview_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.error = error_label()
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: 600;")
        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self._stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.generate_button)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Preview (nothing is written until you click "
                                        "Generate):")))
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.error)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        return page

    def choose_four_weeks(self) -> None:
        today = self.session.today()
        self._set_range(today, today + timedelta(weeks=4))

    def choose_next_month(self) -> None:
        self._set_range(*next_month(self.session.today()))

    def _set_range(self, first: date, last: date) -> None:
        self.first.setDate(to_qdate(first))
        self.last.setDate(to_qdate(last))
        self.refresh_preview()

    def _arguments(self) -> dict:
        return {"start_date": from_qdate(self.first.date()),
                "end_date": from_qdate(self.last.date()),
                "slot_duration_minutes": self.duration.value(),
                "max_capacity": self.capacity.value(), "buffer_minutes": self.buffer.value()}

    def refresh_preview(self) -> None:
        self._preview_timer.stop()
        business = self.session.business
        if business is None:
            return
        self.error.setVisible(False)
        arguments = self._arguments()
        self.generate_button.setEnabled(False)  # until the preview of these values is shown
        self.session.pipeline.read(
            ("slot-preview", id(self)),
            lambda: services.preview_generation(business, **arguments),
            self._show_preview, self._preview_failed, owner=self)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview = None
        self.preview_table.setRowCount(0)
        self.preview_label.clear()
        self.error.setText(describe(exc))
        self.error.setVisible(True)
        self.generate_button.setEnabled(False)

    def _show_preview(self, preview) -> None:
        self.preview = preview
        rows = self.preview.per_day
        self.preview_table.setRowCount(len(rows))
        for r, (day, count) in enumerate(rows):
            self.preview_table.setItem(r, 0, QTableWidgetItem(date_text(day)))
            item = QTableWidgetItem(str(count) if count else "–")
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.preview_table.setItem(r, 1, item)
        self.preview_label.setText(self.preview_text(self.preview))
        self.generate_button.setEnabled(self.session.is_owner and not self.running
                                        and self.preview.created > 0)

    def preview_text(self, preview) -> str:
        """"14 new slots on 1 day. 3 planned slots are already covered …": what
        generating would do. A planned slot is skipped when an existing slot
        covers its time (the same slot, or one of another length)."""
        days = sum(1 for _d, n in preview.per_day if n)
        if preview.created:
            parts = [self.tr("{slots} on %n day(s).", "", days).format(
                slots=self.tr("%n new slot(s)", "", preview.created))]
        else:
            parts = [self.tr("No new slots.")]
        if preview.skipped:
            parts.append(self.tr("%n planned slot(s) are already covered by existing slots, "
                                 "left as they are.", "", preview.skipped))
        if preview.past:
            parts.append(self.tr("%n would start in the past and are not made.", "",
                                 preview.past))
        return " ".join(parts)

    def preview_counts(self) -> dict[date, int]:
        return dict(self.preview.per_day) if self.preview is not None else {}

    def generate(self) -> None:
        """Generate on the worker as an op; progress and Stop while it runs."""
        business, arguments = self.session.business, self._arguments()
        self.running = True
        self.result_counts = None
        self.summary.clear()
        self.error.setVisible(False)
        self.generate_button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first batch reports
        self.progress.setVisible(True)
        self.stop_button.setVisible(True)

        cancel = self._cancel = threading.Event()
        progress = self._progress = _Progress(self)
        progress.reported.connect(self._on_progress)  # queued: the dialog lives on the GUI thread

        def work(user):
            def report(done, total):  # False stops generation, which then rolls back
                progress.reported.emit(done, total)
                return not cancel.is_set()
            return services.generate_time_slots(business, by=user, progress=report, **arguments)

        (Op(self.session, self, work)
         .success(self._generated).failure(self._failed)
         .announce(lambda _counts: Change("slots", business.id if business else None))
         .run())

    def _on_progress(self, done: int, total: int) -> None:
        self._progressed(done, total)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _stop(self) -> None:
        self._cancel.set()

    def wait(self) -> None:
        """Until the generation has been answered (a stop is seen within 500
        slots); the window keeps painting meanwhile."""
        if not self.running:
            return
        loop = QEventLoop(self)
        timer = QTimer(self)
        timer.timeout.connect(lambda: None if self.running else loop.quit())
        timer.start(20)
        loop.exec()
        timer.stop()

    def _finish(self) -> None:
        self.running = False
        self.progress.setVisible(False)
        self.stop_button.setVisible(False)

    def _generated(self, counts: dict) -> None:
        self._finish()
        self.result_counts = counts
        self.summary.setText(self.tr("Done: {created}, {skipped} skipped (time already covered), "
                                     "{past} in the past not made.").format(
            created=self.tr("%n slot(s) created", "", counts["created"]),
            skipped=counts["skipped"], past=counts["past"]))
        self.refresh_preview()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.refresh_preview()
        self.error.setText(describe(exc))
        self.error.setVisible(True)

    # --- block a range -----------------------------------------------------
    def _block_tab(self, first: date) -> QWidget:
        page = QWidget()
        self.block_day = QDateEdit(to_qdate(first))
        self.block_day.setCalendarPopup(True)
        self.block_day.setDisplayFormat(date_pattern())
        self.block_from = QTimeEdit(QTime(12, 0))
        self.block_to = QTimeEdit(QTime(13, 0))
        for edit in (self.block_from, self.block_to):
            edit.setDisplayFormat(time_pattern())
        self.block_reason = QLineEdit()
        self.block_reason.setPlaceholderText(self.tr("e.g. staff meeting"))
        self.block_button = QPushButton(self.tr("Block these slots"))
        self.block_button.clicked.connect(lambda: self.block_range(True))
        self.unblock_button = QPushButton(self.tr("Unblock"))
        self.unblock_button.clicked.connect(lambda: self.block_range(False))
        self.block_result = QLabel()
        self.block_result.setWordWrap(True)
        form = QFormLayout(page)
        form.addRow(QLabel(self.tr("Slots that overlap this time take no new bookings; "
                                   "bookings already made stay.")))
        form.addRow(self.tr("Day"), self.block_day)
        form.addRow(self.tr("From"), self.block_from)
        form.addRow(self.tr("To"), self.block_to)
        form.addRow(self.tr("Reason"), self.block_reason)
        row = QHBoxLayout()
        row.addWidget(self.block_button)
        row.addWidget(self.unblock_button)
        row.addStretch(1)
        form.addRow("", row)
        form.addRow(self.block_result)
        return page

    def block_range(self, blocked: bool) -> None:
        qf, qt = self.block_from.time(), self.block_to.time()
        business, day, reason = (self.session.business, from_qdate(self.block_day.date()),
                                 self.block_reason.text())
        opens, closes = time(qf.hour(), qf.minute()), time(qt.hour(), qt.minute())

        def done(n: int) -> None:
            self.block_result.setStyleSheet("")
            self.block_result.setText(self.tr("%n slot(s) blocked.", "", n) if blocked else
                                      self.tr("%n slot(s) unblocked.", "", n))

        def refused(exc: BaseException) -> None:
            self.block_result.setStyleSheet("color: #c62828;")
            self.block_result.setText(describe(exc))

        (Op(self.session, self, lambda user: services.set_slots_blocked(
            business, day, opens, closes, blocked=blocked, reason=reason, by=user))
         .busy(self._block_busy).success(done).failure(refused)
         .announce(self._slots_change(business))
         .run())

    def _block_busy(self, busy: bool) -> None:
        for button in (self.block_button, self.unblock_button):
            button.setEnabled(not busy)
        if busy:
            self.block_result.setStyleSheet("")
            self.block_result.setText(self.tr("Working…"))

    @staticmethod
    def _slots_change(business):
        return lambda _n: Change("slots", business.id if business is not None else None)

    # --- clean up ----------------------------------------------------------
    def _cleanup_tab(self) -> QWidget:
        page = QWidget()
        self.cleanup_button = QPushButton(self.tr("Remove past unbooked slots"))
        self.cleanup_button.clicked.connect(self.clean_up)
        self.cleanup_result = QLabel()
        self.cleanup_result.setWordWrap(True)
        text = QLabel(self.tr("Removes slots that have ended and never held a booking. Slots "
                              "with bookings (of any status) stay for the history."))
        text.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addWidget(text)
        layout.addWidget(self.cleanup_button, 0)
        layout.addWidget(self.cleanup_result)
        layout.addStretch(1)
        return page

    def clean_up(self) -> None:
        business = self.session.business

        def busy(on: bool) -> None:
            self.cleanup_button.setEnabled(not on)
            if on:
                self.cleanup_result.setText(self.tr("Removing…"))

        (Op(self.session, self, lambda user: services.delete_past_unbooked_slots(business,
                                                                                 by=user))
         .busy(busy)
         .success(lambda n: self.cleanup_result.setText(
             self.tr("%n past slot(s) removed.", "", n)))
         .failure(lambda exc: self.cleanup_result.setText(describe(exc)))
         .announce(self._slots_change(business))
         .run())

    # --- closing -----------------------------------------------------------
    def _close(self) -> None:
        if self.running:
            self._stop()
            self.wait()
        if self.result_counts is not None:
            self.accept()
        else:
            self.reject()

    def reject(self) -> None:
        if self.running:
            self._stop()
            self.wait()
        super().reject()

    @classmethod
    def ask(cls, session, first: date | None = None, parent=None) -> dict | None:
        """Runs the dialog; the generation summary, or None when nothing was generated."""
        dialog = cls(session, first, parent)
        dialog.exec()
        return dialog.result_counts
