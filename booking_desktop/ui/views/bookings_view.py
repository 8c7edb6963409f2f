"""The Bookings view: every booking of the business, filtered, sorted and
paged by the database, with actions on the selection.

Bulk cancel, confirm, no-show and check-in are one undoable step in one
transaction (services.undo.bulk), so Ctrl+Z takes back the whole action, all
or nothing; the result says how many succeeded and why the others were
refused. Refusals appear in a bar at
the top of the view, which does not block the desk.
"""
from datetime import datetime

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import QT_TRANSLATE_NOOP
from ...services import undo
from ...services.desk import BookingFilter, BookingRow
from .. import status_style as style
from ..models.bookings_model import (COLUMN_INDEX, COLUMNS, BookingsTableModel, count_text, day_text,
                             time_text)
from ..commands import perform
from ..operations import RefreshesWhenShown, with_row
from ..dialogs.customer_card import show_card
from ..dialogs.details_dialog import EditDetailsDialog
from ..dialogs.reasons import CancelReasonDialog
from ..errors import describe, refusal_reason
from ..formats import table_date_pattern
from ..fit import CELL_PADDING, ChosenColumns, GrowToVisibleRows
from ..message_bar import MessageBar
from ..settings import Settings
from ..dialogs.reschedule_dialog import RescheduleDialog

NOT_CANCELLED = ("pending", "confirmed", "completed", "no_show")
MAX_BULK = 1000
SEARCH_DELAY_MS = 300
# Starting widths of the columns that are never cut; they grow to what the
# rows on screen need (GrowToVisibleRows).
COLUMN_WIDTHS = {"date": 100, "time": 80, "phone": 100, "status": 100, "source": 60,
                 "checked_in": 60, "created_by": 60}
EXACT = ("date", "time", "phone", "status", "source", "checked_in", "created_by")
# Free text shares the rest and elides: (at least, at most) so many average
# characters; each gets its least, then in this order what its rows need.
FREE = {"customer": (16, 26), "email": (16, 34), "notes": (14, 40)}
ALWAYS = ("date", "customer")
# Left out by default while the table is too narrow, the first here first.
OPTIONAL = ("created_by", "notes", "source", "email", "checked_in")


class BookingsView(RefreshesWhenShown, QWidget):
    message = Signal(str)
    help_topic = ("front-desk", "finding-bookings")  # F1: the user guide's section (ui/help_window.py)

    def __init__(self, session, undo_stack: QUndoStack, parent=None,
                 settings: Settings | None = None):
        super().__init__(parent)
        self.session = session
        self.settings = settings if settings is not None else Settings()
        self.undo_stack = undo_stack
        self.now: datetime | None = None  # a fixed clock for tests and screenshots
        self.export_runner = None  # the dialog's default (a worker thread); tests set one
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)

        self.bar = MessageBar()
        self.may_export = False  # asked on every refresh
        self.model = BookingsTableModel(self._filter_from_widgets(default=True),
                                        self.session.zone, self,
                                        reader=self.session.pipeline.read)
        self.model.load_failed.connect(self._load_failed, Qt.ConnectionType.QueuedConnection)
        self.model.loaded.connect(self._update_total)
        if self.model.error is not None:  # the first count ran before the connection
            self.bar.show_message(describe(self.model.error))
        self._build_filters()
        self._build_table()
        self._build_actions()

        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(self.filter_row)
        layout.addWidget(self.table, 1)
        self._update_total()
        self._update_export()
        session.did_execute.connect(self._on_changed)
        session.business_changed.connect(self._on_business_changed)

    # -- building --------------------------------------------------------
    def _build_filters(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Name, email, phone or ref."))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search bookings"))
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.status_combo = QComboBox()
        for label, statuses in ((self.tr("Not cancelled"), NOT_CANCELLED),
                                (self.tr("Active (pending or confirmed)"), ("pending", "confirmed")),
                                *((style.status_label(s), (s,)) for s in
                                  ("pending", "confirmed", "completed", "no_show", "cancelled")),
                                (self.tr("All, with cancelled"), ())):
            self.status_combo.addItem(label, statuses)
        self.status_combo.setAccessibleName(self.tr("Status"))
        self.source_combo = QComboBox()
        self.source_combo.setAccessibleName(self.tr("Source"))
        self.source_combo.addItem(self.tr("Any source"), None)
        for source in services.BOOKING_SOURCES:
            self.source_combo.addItem(style.source_label(source), source)
        self.dates_check = QCheckBox(self.tr("&Dates"))
        local = self.session.today()
        today = QDate(local.year, local.month, local.day)
        self.date_from = QDateEdit(today, calendarPopup=True, displayFormat=table_date_pattern())
        self.date_to = QDateEdit(today.addDays(6), calendarPopup=True,
                                 displayFormat=table_date_pattern())
        self.date_from.setAccessibleName(self.tr("From date"))
        self.date_to.setAccessibleName(self.tr("To date"))
        self.clear_button = QPushButton(self.tr("C&lear filters"))
        self.total_label = QLabel()  # on the dates' line, with room for "No bookings match…"
        self.total_label.setObjectName("totalLabel")

        for combo in (self.status_combo, self.source_combo):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.dates_check.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(self._from_changed)
        self.date_to.dateChanged.connect(self.apply_filter)
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button = QPushButton(self.tr("E&xport…"))
        self.export_button.setToolTip(self.tr("Save the bookings this filter shows as CSV, "
                                              "Excel, PDF or iCalendar"))
        self.export_button.clicked.connect(lambda: self.export_bookings())
        self._dates_toggled(False, apply=False)
        self.dates_check.setEnabled(self.session.business is not None)  # dates are local ones

        # The search field keeps room for its hint at 1280x800; the long status
        # choices show in full in the drop-down only.
        self.search_edit.setMinimumWidth(220)
        self.status_combo.setMaximumWidth(150)
        # Two lines, so every filter stays whole on a 1024 px screen.
        self.filter_row = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 2)
        row.addWidget(self.status_combo)
        row.addWidget(self.source_combo)
        row.addStretch(1)
        row.addWidget(self.export_button)
        dates = QHBoxLayout()
        dates.addWidget(self.dates_check)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.date_to)
        dates.addWidget(self.clear_button)
        dates.addStretch(1)
        dates.addWidget(self.total_label)
        self.filter_row.addLayout(row)
        self.filter_row.addLayout(dates)

    def _build_table(self) -> None:
        table = self.table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName(self.tr("Bookings"))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().hide()
        # Fixed heights: with a windowed model nothing may measure every row.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        for key, width in COLUMN_WIDTHS.items():
            header.resizeSection(COLUMN_INDEX[key], width)
        # dates, times, phones, statuses, sources, creators and check-in times
        # are never cut
        grow = GrowToVisibleRows(table, [COLUMN_INDEX[k] for k in EXACT],
                                 measured=[COLUMN_INDEX[k] for k in FREE])
        # names, emails and notes share the rest; what does not fit is left
        # out unless the person chose it (the header's right-click menu)
        chars = table.fontMetrics().averageCharWidth()
        choice = self.settings.column_choice("bookings")
        self.columns = ChosenColumns(
            table, grow,
            free={COLUMN_INDEX[k]: (chars * least + CELL_PADDING, chars * most + CELL_PADDING)
                  for k, (least, most) in FREE.items()},
            optional=[COLUMN_INDEX[k] for k in OPTIONAL],
            always=[COLUMN_INDEX[k] for k in ALWAYS],
            choice={COLUMN_INDEX[k]: shown for k, shown in choice.items() if k in COLUMN_INDEX})
        self.columns.chosen.connect(lambda chosen: self.settings.set_column_choice(
            "bookings", {COLUMNS[c].key: shown for c, shown in chosen.items()}))
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        table.doubleClicked.connect(lambda _: self.edit_selected())

    def _build_actions(self) -> None:
        def action(text, slot, shortcut=None):
            a = QAction(text, self)
            if shortcut:
                a.setShortcut(QKeySequence(shortcut))
                a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                a.setShortcutVisibleInContextMenu(True)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.cancel_action = action(self.tr("&Cancel…"), self.cancel_selected, Qt.Key.Key_Delete)
        self.confirm_action = action(self.tr("C&onfirm"), self.confirm_selected)
        self.no_show_action = action(self.tr("Mark &no-show"), self.no_show_selected)
        self.check_in_action = action(self.tr("Check &in"), self.check_in_selected, "Ctrl+I")
        # the same keys as on the front desk
        self.reschedule_action = action(self.tr("&Reschedule…"), self.reschedule_selected,
                                        "Ctrl+R")
        self.edit_action = action(self.tr("&Edit details…"), self.edit_selected, "Ctrl+E")
        self.customer_card_action = action(self.tr("C&ustomer card…"), self.customer_card, "F4")
        self.selection_actions = [self.cancel_action, self.confirm_action, self.no_show_action,
                                  self.check_in_action, self.reschedule_action, self.edit_action,
                                  self.customer_card_action]
        self.card = None  # the customer card opened last
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.modelReset.connect(self._update_actions)
        self._update_actions()

    # -- public ----------------------------------------------------------
    def refresh(self) -> None:
        """Query again (on the worker), keeping the filter, the sort, the
        scroll position and (where the bookings are still near) the selection."""
        self._stale = False
        selected_rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        kept = self.model.bookings(selected_rows[:MAX_BULK]) if len(selected_rows) <= MAX_BULK \
            else []
        current = self.table.currentIndex()
        current_row = self.model.booking(current.row()) if current.isValid() else None
        scroll = self.table.verticalScrollBar().value()

        def shown() -> None:
            self.table.verticalScrollBar().setValue(scroll)
            self._reselect([b.id for b in kept], current_row)

        self.model.reload(near_rows=selected_rows[:1] + selected_rows[-1:], then=shown)
        self._update_export()

    def set_search_text(self, text: str) -> None:
        self.search_edit.setText(text)
        self.apply_filter()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def apply_filter(self) -> None:
        self._search_timer.stop()
        flt = self._filter_from_widgets()
        self.model.set_filter(flt)  # the total follows when the count arrives

    def clear_filters(self) -> None:
        for widget in (self.search_edit, self.status_combo, self.source_combo, self.dates_check):
            widget.blockSignals(True)
        self.search_edit.clear()
        self.status_combo.setCurrentIndex(0)
        self.source_combo.setCurrentIndex(0)
        self.dates_check.setChecked(False)
        self._dates_toggled(False, apply=False)
        for widget in (self.search_edit, self.status_combo, self.source_combo, self.dates_check):
            widget.blockSignals(False)
        self.apply_filter()

    def export_bookings(self, fmt: str = "csv"):
        """Export… with the table's current filter (status, source, text, dates);
        None (and the reason in the bar) for staff an owner has not allowed to export."""
        from ..export.export_dialog import ExportDialog
        if not self.may_export:
            self.show_problem(self.tr("Only an owner, or staff an owner has allowed to export, "
                                      "can export customers' details."))
            return None
        flt = self._filter_from_widgets()
        dialog = ExportDialog(flt, fmt, runner=self.export_runner, parent=self,
                              by=self.session.user,
                              description=self.tr("The bookings the table shows: {n}.").format(
                                  n=count_text(self.model.total)))
        dialog.done_message.connect(self.message)
        dialog.open()
        return dialog

    def show_problem(self, text: str) -> None:
        self.bar.show_message(text)

    def show_refusal(self, exc: BaseException) -> None:
        """Where the pipeline says a refusal of this view's ops."""
        self.show_problem(describe(exc))

    def selected_bookings(self) -> list[BookingRow]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        if len(rows) > MAX_BULK:
            self.show_problem(self.tr("Select at most {n} bookings at a time.")
                              .format(n=count_text(MAX_BULK)))
            return []
        return self.model.bookings(rows)

    # -- actions ---------------------------------------------------------
    def cancel_selected(self) -> None:
        bookings = self.selected_bookings()
        if not bookings:
            return
        question = (self.tr("Cancel {count} booking(s)?", "", len(bookings)).format(
            count=count_text(len(bookings)))
                    if len(bookings) > 1 else
                    self.tr("Cancel {ref} for {name}?").format(ref=bookings[0].reference,
                                                              name=bookings[0].customer_name))
        reason = CancelReasonDialog.ask(question, self)
        if reason is None:
            return
        self._bulk(bookings, QT_TRANSLATE_NOOP("errors", "cancellation"), self.tr("Cancelled {what}"),
                   lambda b: undo.action(undo.cancel, booking=b.id, reason=reason,
                                         expected_status=b.status))

    def confirm_selected(self) -> None:
        self._set_status(QT_TRANSLATE_NOOP("errors", "confirmation"), self.tr("Confirmed {what}"),
                         "confirmed")

    def no_show_selected(self) -> None:
        self._set_status(QT_TRANSLATE_NOOP("errors", "no-show"), self.tr("Marked {what} as no-show"),
                         "no_show")

    def _set_status(self, noun: str, done_text: str, status: str) -> None:
        bookings = self.selected_bookings()
        if bookings:
            self._bulk(bookings, noun, done_text,
                       lambda b: undo.action(undo.set_status, booking=b.id, status=status,
                                             expected_status=b.status))

    def check_in_selected(self) -> None:
        bookings = self.selected_bookings()
        if bookings:
            self._bulk(bookings, QT_TRANSLATE_NOOP("errors", "check-in"), self.tr("Checked in {what}"),
                       lambda b: undo.action(undo.check_in, booking=b.id))

    def reschedule_selected(self) -> None:
        booking = self._single_booking()
        if booking is None:
            return
        slot_id = RescheduleDialog.ask(self.session, booking, self, now=self.now)
        if slot_id is None:
            return
        def say(row: BookingRow) -> None:
            self.bar.hide()
            tz = self.session.zone
            self.message.emit(self.tr("Moved {name} to {day} {time}.").format(
                name=booking.customer_name, day=day_text(row.start, tz),
                time=time_text(row.start, tz)))

        # the slot filled meanwhile, ...: the bar says why (show_refusal), nothing changed
        (perform(self, undo.reschedule, booking.id, slot_id, expected_slot=booking.slot_id,
                 now=self.now)
         .success(lambda outcome: with_row(self.session, outcome, booking.id, say))
         .run())

    def edit_selected(self) -> None:
        booking = self._single_booking()
        if booking is None:
            return

        def save(changes: dict, expected: dict):  # the dialog runs it; a refusal stays there
            return perform(self, undo.edit_details, booking.id, changes, expected=expected,
                           now=self.now)

        saved = EditDetailsDialog.ask(self.session, booking, self, save=save)
        if saved:
            self.bar.hide()
            self.message.emit(self.tr("Saved the details of {name}.").format(
                name=saved.get("customer_name", booking.customer_name)))

    def customer_card(self) -> None:
        """F4: the card of the selected booking's customer."""
        booking = self._single_booking()
        if booking is not None and booking.customer_id is not None:
            self.card = show_card(self.session, booking.customer_id, self)

    # -- helpers ---------------------------------------------------------
    def _bulk(self, bookings, noun: str, done_text: str, make_action) -> None:
        """One undoable step for the whole selection, in one transaction: the
        bookings the rules refuse are left out and listed; Ctrl+Z takes back
        the others, all or nothing."""
        def refused(exc: BaseException) -> None:
            if isinstance(exc, undo.Refused):
                self._summarise(done_text, 0, len(bookings), exc.refusals)
            else:  # nothing to change, the database gone, a bug: said
                self.show_problem(describe(exc))

        (perform(self, undo.bulk, [make_action(b) for b in bookings], noun, now=self.now)
         .success(lambda outcome: self._summarise(
             done_text, len(bookings) - len(outcome.refusals), len(bookings), outcome.refusals))
         .failure(refused)
         .run())

    def _summarise(self, done_text: str, done: int, total: int, refusals) -> None:
        if total == 1 and refusals:
            self.show_problem(refusal_reason(refusals[0], sentence=True))
            return
        if not refusals:
            self.bar.hide()
            self.message.emit(done_text.format(what=self._bookings_text(total)) + ".")
            return
        reasons = [self.tr("{what}: {why}.").format(what=r.what, why=refusal_reason(r)) if r.what
                   else refusal_reason(r, sentence=True) for r in refusals]
        text = self.tr("{done}; {n} failed: {reasons}").format(
            done=done_text.format(what=self.tr("{done} of {total} booking(s)", "", total).format(
                done=count_text(done), total=count_text(total))),
            n=count_text(len(refusals)), reasons=" ".join(reasons[:3])
            + (" …" if len(reasons) > 3 else ""))
        self.message.emit(text)
        self.show_problem(text)

    def _bookings_text(self, n: int) -> str:
        return self.tr("{count} booking(s)", "", n).format(count=count_text(n))

    def _single_booking(self) -> BookingRow | None:
        rows = self.table.selectionModel().selectedRows()
        if len(rows) == 1:
            return self.model.booking(rows[0].row())
        current = self.table.currentIndex()
        return self.model.booking(current.row()) if current.isValid() else None

    def _reselect(self, ids, current: BookingRow | None) -> None:
        wanted = set(ids) | ({current.id} if current else set())
        if not wanted:
            return
        rows = self.model.locate(wanted)
        selection = self.table.selectionModel()
        for booking_id in ids:
            if booking_id in rows:
                r = rows[booking_id]
                selection.select(self.model.index(r, 0),
                                 selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
        if current is not None and current.id in rows:
            selection.setCurrentIndex(self.model.index(rows[current.id], 0),
                                      selection.SelectionFlag.NoUpdate)

    def _filter_from_widgets(self, default: bool = False) -> BookingFilter:
        business = self.session.business
        flt = BookingFilter(business_id=business.id if business is not None else None,
                            statuses=NOT_CANCELLED)
        if default:
            return flt
        source = self.source_combo.currentData()
        flt = flt.with_(statuses=tuple(self.status_combo.currentData() or ()),
                        sources=(source,) if source else (), text=self.search_edit.text().strip())
        if self.dates_check.isChecked():
            flt = flt.with_(date_from=self.date_from.date().toPython(),
                            date_to=self.date_to.date().toPython())
        return flt

    def _update_total(self) -> None:
        n = self.model.total
        self.total_label.setText(self.tr("No bookings match these filters.") if n == 0
                                 else self._bookings_text(n))

    def _update_export(self) -> None:
        """Export… only for those who may export customers' details (owners,
        and staff an owner allowed); asked again on every refresh, so an
        owner's change on another desk shows here. The services refuse the
        others anyway. While the server is out of reach: no export."""
        user = self.session.user
        self.session.pipeline.read(("may-export", id(self)), lambda: services.may_export(user),
                                   self._show_export, lambda _exc: self._show_export(False), owner=self)

    def _show_export(self, allowed: bool) -> None:
        self.may_export = allowed
        self.export_button.setVisible(allowed)

    def _update_actions(self, *_) -> None:
        count = len(self.table.selectionModel().selectedRows())
        for a in self.selection_actions:
            a.setEnabled(count > 0)
        self.reschedule_action.setEnabled(count == 1)
        self.edit_action.setEnabled(count == 1)
        single = self._single_booking() if count == 1 else None
        self.customer_card_action.setEnabled(single is not None
                                             and single.customer_id is not None)

    def _context_menu(self, pos) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for i, a in enumerate(self.selection_actions):
            if i in (3, 4, 6):
                menu.addSeparator()
            menu.addAction(a)
        menu.addSeparator()
        menu.addMenu(self.columns.menu)  # the header's menu, for the keyboard
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def _sort_indicator_changed(self, column: int, order) -> None:
        if COLUMNS[column].sort_key is None:  # show the order the rows really have
            order = Qt.SortOrder.DescendingOrder if self.model.descending else \
                Qt.SortOrder.AscendingOrder
            QTimer.singleShot(0, lambda: self.table.horizontalHeader().setSortIndicator(
                self.model.sort_column(), order))

    def _dates_toggled(self, on: bool, apply: bool = True) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        if apply:
            self.apply_filter()

    def _from_changed(self, day: QDate) -> None:
        if self.date_to.date() < day:
            self.date_to.blockSignals(True)
            self.date_to.setDate(day)
            self.date_to.blockSignals(False)
        self.apply_filter()

    def _load_failed(self, exc: BaseException) -> None:
        self.show_problem(describe(exc))

    def _on_changed(self, change) -> None:
        """Any change that may concern the table (this window's or another
        desk's) reloads it once: now if shown, else when next shown."""
        business = self.session.business
        if change.concerns(business.id if business is not None else None):
            self.refresh_or_mark()

    def _on_business_changed(self, business) -> None:
        self.model.set_time_zone(self.session.zone)
        self.dates_check.setEnabled(business is not None)
        self.apply_filter()


def _label(b: BookingRow) -> str:
    return f"{b.customer_name} ({b.reference})"
