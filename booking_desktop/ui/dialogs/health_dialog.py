"""Owner → Health: whether the desk is well, in one window (see
services.health for where each figure comes from).

Everything is read through the window's pipeline: the report as one read
(the database, the last backup, the refused bookings of the last seven
days, the log's last errors and slow operations), "Check now" as another
(the integrity check, a full scan). "Back up now…" writes the backup on a
thread of its own (`ui.tasks`, as the exports), since a large database
takes a while and the desk must keep working meanwhile.
"""
import os
from datetime import datetime, timedelta

from PySide6.QtCore import QCoreApplication, QLocale, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ... import services
from ...errors import DatabaseUnavailable, InvalidInput
from ...services import health
from ..errors import describe
from ..formats import number, short_date, when_text
from ..message_bar import MessageBar
from ..status_style import colour
from ..tasks import DEFAULT_RUNNER, Task

# The refusals' columns, in services.health's order of reasons (the headings are below).
REASONS = ("full", "past", "duplicate", "closed", "blocked")


def when(at: datetime) -> str:
    """"Mon 30 Nov 10:15" in this computer's time zone (the log's clock)."""
    local = at.astimezone()
    return when_text(local, local.tzinfo)


class HealthDialog(QDialog):
    """Not modal: the owner may keep it open beside the window."""

    help_topic = ("owners", "health")

    def __init__(self, session, parent=None, log_path: str | os.PathLike | None = None,
                 open_help=None, runner=None):
        super().__init__(parent)
        self.session = session
        self.log_path = log_path
        self.open_help = open_help
        self.runner = runner or DEFAULT_RUNNER
        self.report: health.HealthReport | None = None
        self.integrity: health.IntegrityReport | None = None
        self._task: Task | None = None
        self.setWindowTitle(self.tr("Health"))
        self.setModal(False)

        self.bar = MessageBar()

        # --- the database, the last backup, the integrity check ---
        self.db_kind = QLabel()
        self.db_where = QLabel()
        self.db_where.setWordWrap(True)
        self.db_where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.db_size = QLabel()
        self.db_state = QLabel()
        database = QGroupBox(self.tr("Database"))
        form = QFormLayout(database)
        form.addRow(self.tr("Kind"), self.db_kind)
        form.addRow(self.tr("Where"), self.db_where)
        form.addRow(self.tr("Size"), self.db_size)
        form.addRow(self.tr("Connection"), self.db_state)

        self.backup_label = QLabel()
        self.backup_label.setWordWrap(True)
        self.backup_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_reminder = QLabel()
        self.backup_reminder.setWordWrap(True)
        self.backup_reminder.setStyleSheet(f"color: {colour('full').name()}; font-weight: 600;")
        self.backup_reminder.setVisible(False)
        self.backup_button = QPushButton(self.tr("Back up now…"))
        self.backup_button.clicked.connect(self.back_up)
        backup = QGroupBox(self.tr("Last backup"))
        backup_layout = QVBoxLayout(backup)
        backup_layout.addWidget(self.backup_label)
        backup_layout.addWidget(self.backup_reminder)
        backup_layout.addStretch(1)
        backup_layout.addWidget(self.backup_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.integrity_label = QLabel(self.tr("Not checked yet. The check reads the whole "
                                              "database: a few seconds when it is large."))
        self.integrity_label.setWordWrap(True)
        self.integrity_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_button = QPushButton(self.tr("Check now"))
        self.check_button.clicked.connect(self.check_now)
        integrity = QGroupBox(self.tr("Integrity"))
        integrity_layout = QVBoxLayout(integrity)
        integrity_layout.addWidget(self.integrity_label)
        integrity_layout.addStretch(1)
        integrity_layout.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignLeft)

        # --- the lists ---
        self.refusals_title = QLabel(self.tr("Refused bookings, last 7 days"))
        self.refusals = self._table([self.tr("Business"), self.tr("Full"), self.tr("Started"),
                                     self.tr("Duplicate"), self.tr("Closed"),
                                     self.tr("Blocked"), self.tr("Total")])
        for column in range(1, len(REASONS) + 2):  # the counts share the room
            self.refusals.horizontalHeader().setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch)
        self.refusals.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.refusals.horizontalHeader().setMinimumSectionSize(80)
        self._fit_height(self.refusals, 3)
        self.refusals.setToolTip(self.tr("Bookings and moves the rules refused, by reason: "
                                         "full, started, the customer already booked in "
                                         "the slot, outside the opening hours, blocked"))
        self.slow = self._table([self.tr("When"), self.tr("Operation"), self.tr("Took")], 1)
        self.slow_title = QLabel(self.tr("Slow operations (over {ms} ms)").format(
            ms=health.SLOW_MS))
        self.errors = self._table([self.tr("When"), self.tr("Error")], 1)
        self.errors_title = QLabel(self.tr("Errors in the log"))
        self.log_label = QLabel()
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setStyleSheet("color: palette(placeholder-text);")
        for title in (self.refusals_title, self.slow_title, self.errors_title):
            title.setStyleSheet("font-weight: 600;")

        self.help_button = QPushButton(self.tr("Help"))
        self.help_button.setToolTip(self.tr("The Health window in the user guide (F1)"))
        self.help_button.clicked.connect(self.show_help)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Read everything again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        buttons.addButton(self.help_button, QDialogButtonBox.ButtonRole.HelpRole)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        for keys, slot in (("F5", self.refresh), ("F1", self.show_help)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

        top = QHBoxLayout()
        for box in (database, backup, integrity):
            top.addWidget(box, 1)
        lists = QGridLayout()
        lists.addWidget(self.slow_title, 0, 0)
        lists.addWidget(self.errors_title, 0, 1)
        lists.addWidget(self.slow, 1, 0)
        lists.addWidget(self.errors, 1, 1)
        lists.setColumnStretch(0, 2)
        lists.setColumnStretch(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(top)
        layout.addWidget(self.refusals_title)
        layout.addWidget(self.refusals)
        layout.addLayout(lists, 1)
        layout.addWidget(self.log_label)
        layout.addWidget(buttons)

        session.online_changed.connect(lambda _online: self._show_connection())
        session.did_execute.connect(lambda _change: self.isVisible() and self.refresh())
        self.resize(1000, 680)

    def _table(self, headers: list[str], stretch: int = 0) -> QTableWidget:
        """A read-only table; column `stretch` takes the room left."""
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        return table

    @staticmethod
    def _fit_height(table: QTableWidget, rows: int) -> None:
        """As tall as `rows` rows (at least one), so short lists leave the room to others."""
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        row = table.verticalHeader().defaultSectionSize()
        table.setFixedHeight(height + row * max(1, rows) + 2)

    # --- reading ---------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """The whole report, read on the window's database thread."""
        user, path = self.session.user, self.log_path
        self.refresh_button.setEnabled(False)
        self.session.pipeline.read(
            ("health", id(self)), lambda: health.health_report(by=user, log_path=path),
            self._show, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        if isinstance(exc, DatabaseUnavailable):
            self.db_state.setText(self.tr("Out of reach: {why}").format(why=describe(exc)))
            self.db_state.setStyleSheet(f"color: {colour('full').name()};")
            return
        self.show_refusal(exc)

    def show_refusal(self, exc: BaseException) -> None:
        self.bar.show_message(describe(exc))

    def _show(self, report: health.HealthReport) -> None:
        self.refresh_button.setEnabled(True)
        self.bar.clear()
        self.report = report
        self._show_database(report.database)
        self._show_backup(report.backup)
        self._show_refusals(report)
        self._show_log(report.log)

    def _show_database(self, state: health.DatabaseState) -> None:
        self.db_kind.setText(f"{state.kind} {state.version}")
        self.db_where.setText(state.where)
        self.db_where.setToolTip(state.where)
        self.db_size.setText(QLocale().formattedDataSize(state.size_bytes)
                             if state.size_bytes is not None else self.tr("not known"))
        self._show_connection()

    def _show_connection(self) -> None:
        if not self.session.online:
            self.db_state.setText(self.tr("Out of reach — the desk reconnects by itself"))
            self.db_state.setStyleSheet(f"color: {colour('full').name()};")
            return
        self.db_state.setStyleSheet("")
        if self.report is None:
            self.db_state.setText(self.tr("Connected"))
            return
        ms = self.report.database.answer_ms
        self.db_state.setText(self.tr("Connected · answers in under 1 ms") if ms < 1 else
                              self.tr("Connected · answers in {ms} ms").format(ms=number(ms, 0)))

    def _show_backup(self, backup: health.LastBackup) -> None:
        if backup.at is None:
            self.backup_label.setText(self.tr("No backup has been made of this database."))
            self.backup_reminder.setText(self.tr("Make one now, and keep it on another disk or "
                                                 "computer."))
        else:
            who = backup.by or self.tr("the command line")
            text = self.tr("{when} ({age}), by {who}").format(
                when=when(backup.at), age=self._age(backup.age), who=who)
            if backup.file:
                text += "\n" + self.tr("File: {file}").format(file=backup.file)
            self.backup_label.setText(text)
            self.backup_reminder.setText(self.tr("It is more than a week old: make a new "
                                                 "backup."))
        self.backup_reminder.setVisible(backup.due)

    def _age(self, age: timedelta | None) -> str:
        if age is None:
            return ""
        if age < timedelta(hours=1):
            return self.tr("just now")
        if age < timedelta(days=1):
            return self.tr("%n hour(s) ago", "", int(age.total_seconds() // 3600))
        return self.tr("%n day(s) ago", "", age.days)

    def _show_refusals(self, report: health.HealthReport) -> None:
        self.refusals_title.setText(self.tr("Refused bookings, last 7 days (since {day})").format(
            day=short_date(report.refusals_since)))
        table = self.refusals
        table.setRowCount(len(report.refusals))
        self._fit_height(table, min(6, len(report.refusals)))
        for row, counts in enumerate(report.refusals):
            cells = [counts.business] + [str(counts.of(reason)) for reason in REASONS] \
                + [str(counts.total)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(row, column, item)

    def _show_log(self, tail: health.LogTail) -> None:
        self.slow.setRowCount(len(tail.slow))
        for row, slow in enumerate(tail.slow):
            took = QTableWidgetItem(self.tr("{ms} ms").format(ms=number(slow.ms)))
            took.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            for column, item in enumerate((QTableWidgetItem(when(slow.at)),
                                           QTableWidgetItem(slow.name), took)):
                self.slow.setItem(row, column, item)
        self.errors.setRowCount(len(tail.errors))
        for row, error in enumerate(tail.errors):
            text = f"{error.message} — {error.detail}" if error.detail else error.message
            what = QTableWidgetItem(text)
            what.setToolTip("\n".join(filter(None, (error.where, error.message, error.detail))))
            self.errors.setItem(row, 0, QTableWidgetItem(when(error.at)))
            self.errors.setItem(row, 1, what)
        if not tail.exists:
            self.log_label.setText(self.tr("No log file yet at {path}.").format(path=tail.path))
        else:
            self.log_label.setText(self.tr("Log file: {path}").format(path=tail.path))
        self.slow_title.setText(
            self.tr("Slow operations (over {ms} ms)").format(ms=health.SLOW_MS)
            + ("" if tail.slow else self.tr(": none")))
        self.errors_title.setText(self.tr("Errors in the log")
                                  + ("" if tail.errors else self.tr(": none")))

    # --- integrity -------------------------------------------------------------
    def check_now(self) -> None:
        """The integrity check on the window's database thread."""
        user = self.session.user
        self.check_button.setEnabled(False)
        self.integrity_label.setStyleSheet("")
        self.integrity_label.setText(self.tr("Checking…"))
        self.session.pipeline.read(("integrity", id(self)),
                                   lambda: health.integrity_report(by=user),
                                   self._show_integrity, self._integrity_failed, owner=self)

    def _show_integrity(self, report: health.IntegrityReport) -> None:
        self.check_button.setEnabled(True)
        self.integrity = report
        at = when(report.at)
        if report.ok:
            self.integrity_label.setText(self.tr("No problems found (checked {when}).").format(
                when=at))
            self.integrity_label.setStyleSheet(f"color: {colour('free').name()};")
            return
        shown = list(report.problems[:5])
        more = len(report.problems) - len(shown)
        found = self.tr("%n problem(s) found (checked {when}):", "", len(report.problems))
        text = found.format(when=at) + "\n• " + "\n• ".join(shown)
        if more:
            text += "\n" + self.tr("… and {n} more (python main.py check lists them all)").format(
                n=more)
        self.integrity_label.setText(text)
        self.integrity_label.setStyleSheet(f"color: {colour('full').name()};")

    def _integrity_failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        self.integrity_label.setText(self.tr("The check could not run: {why}").format(
            why=describe(exc)))

    # --- backup ----------------------------------------------------------------
    @classmethod
    def ask_backup_file(cls, parent) -> str | None:
        """Where to write the backup (tests replace this)."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        name = f"booking-backup-{datetime.now():%Y-%m-%d}.json"
        path, _filter = QFileDialog.getSaveFileName(
            parent, QCoreApplication.translate("HealthDialog", "Back up the database"),
            os.path.join(folder, name),
            QCoreApplication.translate("HealthDialog", "Booking Desktop backups (*.json)"))
        return path or None

    def back_up(self) -> None:
        path = self.ask_backup_file(self)
        if path is None:
            return
        user = self.session.user
        self.backup_button.setEnabled(False)
        self.backup_button.setText(self.tr("Backing up…"))
        task = self._task = Task(lambda progress, cancelled: services.backup_database(
            path, by=user), self)
        task.finished.connect(lambda counts: self._backed_up(path, counts))
        task.failed.connect(self._backup_failed)
        self.runner.start(task)

    def _backup_done(self) -> None:
        self.backup_button.setEnabled(True)
        self.backup_button.setText(self.tr("Back up now…"))
        self._task = None

    def _backed_up(self, path: str, counts: dict) -> None:
        self._backup_done()
        self.bar.clear()
        parent = self.parent()
        if parent is not None and hasattr(parent, "show_message"):
            n = counts.get("booking", 0)
            parent.show_message(self.tr("Backed up {n} booking(s) to {path}.", "", n).format(
                n=number(n), path=path))
        self.refresh()

    def _backup_failed(self, exc: BaseException) -> None:
        self._backup_done()
        if isinstance(exc, OSError):
            self.show_refusal(InvalidInput(
                self.tr("The backup could not be written to {path}: {why}").format(
                    path=getattr(exc, "filename", None) or "", why=exc.strerror or exc)))
            return
        self.show_refusal(exc)

    # --- help ------------------------------------------------------------------
    def show_help(self) -> None:
        if self.open_help is not None:
            self.open_help(*self.help_topic)
