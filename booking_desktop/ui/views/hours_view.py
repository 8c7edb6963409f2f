"""The owner's business-hours editor: the weekly grid, precise time fields
for the selected interval, templates, holidays and special days.

Mistakes are shown as they are made (red in the grid, a line under it) and
Save stays off until they are fixed. The saved hours load as one read on the
window's database thread; saving the week and saving or removing a special
day are ops on it (`ui.operations`), the editor waiting meanwhile, not the
window. When new hours or a holiday would leave bookings outside the opening
hours, the owner sees them first and says whether to keep or to cancel
them; the save then runs again with the answer and the bookings shown.
A save announces `Change("hours")`, so the other views reload.
"""
from collections.abc import Callable
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QEventLoop, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTimeEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import QT_TRANSLATE_NOOP, InvalidInput
from ...services import validation
from ...services.calendar import BookingsOutsideHours, SpecialDay
from ..errors import describe
from ..formats import date_pattern, date_text, slot_when, time_pattern, weekday_name
from ..operations import Change, Op
from .hours_grid import HoursGrid

TEMPLATE_LABELS = {  # translated when shown, in context HoursView
    "weekday_9to5": QT_TRANSLATE_NOOP("HoursView", "Mon–Fri 9–17"),
    "weekday_9to5_lunch": QT_TRANSLATE_NOOP("HoursView", "Mon–Fri 9–12, 13–17 (lunch break)"),
    "weekday_8to6": QT_TRANSLATE_NOOP("HoursView", "Mon–Fri 8–18"),
    "everyday_10to6": QT_TRANSLATE_NOOP("HoursView", "Every day 10–18"),
    "weekend_10to4": QT_TRANSLATE_NOOP("HoursView", "Sat–Sun 10–16"),
    "weekday_9to5_sat_9to1": QT_TRANSLATE_NOOP("HoursView", "Mon–Fri 9–17, Sat 9–13"),
}
RED = "color: #c62828;"


def _qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def _time(value: QTime) -> time:
    return time(value.hour(), value.minute())


class OutsideHoursDialog(QDialog):
    """Lists the bookings a change would leave outside the opening hours and
    asks: keep them, or cancel them with a reason."""

    def __init__(self, bookings, tz: ZoneInfo, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Bookings outside the new hours"))
        self.choice = None
        intro = QLabel(self.tr("%n booking(s) would fall outside the opening hours. Keep "
                               "them as they are, or cancel them?", "", len(bookings)))
        intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([self.tr("When"), self.tr("Customer"), self.tr("Phone"),
                                    self.tr("Reference")])
        for b in bookings:
            QTreeWidgetItem(self.table, [slot_when(b.start, b.end, tz, year=True),
                                         b.customer_name, b.customer_phone or "", b.reference])
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason given to customers when cancelling"))
        buttons = QDialogButtonBox()
        self.keep_button = buttons.addButton(self.tr("Keep them"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_bookings_button = buttons.addButton(
            self.tr("Cancel them"), QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.tr("Back to editing"), QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.clicked.connect(lambda: self._answer("keep"))
        self.cancel_bookings_button.clicked.connect(lambda: self._answer("cancel"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def _answer(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(cls, bookings, tz: ZoneInfo, parent=None) -> tuple[str, str] | None:
        """("keep" | "cancel", reason), or None to go back without saving."""
        dialog = cls(bookings, tz, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
            return None
        return dialog.choice, dialog.reason.text()


class SpecialDayDialog(QDialog):
    """A holiday (closed) or a special day (its own hours), with a note."""

    def __init__(self, initial: SpecialDay | None, first: date, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Holiday or special day"))
        self.setMinimumWidth(380)  # the title bar shows the whole title
        day = initial.day if initial else first
        self.date = QDateEdit(QDate(day.year, day.month, day.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(date_pattern())
        self.closed = QCheckBox(self.tr("Closed all day"))
        self.closed.setChecked(initial.closed if initial else True)
        self.hours = QLineEdit(initial.hours_text() if initial and not initial.closed else "")
        self.hours.setPlaceholderText(self.tr("e.g. 10:00-14:00, 15:00-18:00"))
        self.note = QLineEdit(initial.note if initial else "")
        self.note.setPlaceholderText(self.tr("e.g. Christmas, stocktaking"))
        self.error = QLabel()
        self.error.setStyleSheet(RED)
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Date"), self.date)
        form.addRow("", self.closed)
        form.addRow(self.tr("Hours"), self.hours)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.closed.toggled.connect(self._check)
        self.hours.textChanged.connect(self._check)
        self._check()

    def intervals(self) -> list[tuple[time, time]]:
        pairs = []
        for piece in filter(None, (p.strip() for p in self.hours.text().replace(";", ",")
                                   .split(","))):
            if "-" not in piece and "–" not in piece:
                raise InvalidInput(self.tr("Write hours as 10:00-14:00."))
            opens, closes = piece.replace("–", "-").split("-", 1)
            pairs.append((opens.strip(), closes.strip()))
        return validation.intervals(pairs, self.tr("Special hours"))

    def _check(self) -> None:
        self.hours.setEnabled(not self.closed.isChecked())
        message = ""
        if not self.closed.isChecked():
            try:
                if not self.intervals():
                    message = self.tr("Give the opening hours of this day, or tick Closed.")
            except InvalidInput as exc:
                message = describe(exc)
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not message)

    def value(self) -> dict:
        qd = self.date.date()
        closed = self.closed.isChecked()
        return {"day": date(qd.year(), qd.month(), qd.day()), "closed": closed,
                "intervals": None if closed else self.intervals(), "note": self.note.text()}

    @classmethod
    def ask(cls, initial: SpecialDay | None, first: date, parent=None) -> dict | None:
        dialog = cls(initial, first, parent)
        return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_unsaved(parent) -> str:
    """"save", "discard" or "stay"."""
    box = QMessageBox(QMessageBox.Icon.Question,
                      QCoreApplication.translate("HoursView", "Unsaved hours"),
                      QCoreApplication.translate("HoursView",
                                                 "The business hours have unsaved changes."),
                      parent=parent)
    save = box.addButton(QCoreApplication.translate("HoursView", "Save"),
                         QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(QCoreApplication.translate("HoursView", "Discard"),
                            QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QCoreApplication.translate("HoursView", "Keep editing"),
                  QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save else "discard" if clicked is discard else "stay"


class HoursView(QWidget):
    message = Signal(str)
    help_topic = ("owners", "opening-hours-and-holidays")  # F1: the user guide's section (ui/help_window.py)

    def __init__(self, session, undo_stack=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.saved_week: dict[int, list[tuple[time, time]]] = {}
        self.dirty = False
        self._busy = False   # loading or saving: the editor waits for the answer
        self._ready = False  # the saved hours have been read
        self._saving = False

        title = QLabel(self.tr("Business hours"))
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.template = QComboBox()
        self.template.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.template.setMinimumContentsLength(18)
        self.template.setAccessibleName(self.tr("Template"))
        for key, label in TEMPLATE_LABELS.items():
            self.template.addItem(QCoreApplication.translate("HoursView", label), key)
        self.template_button = QPushButton(self.tr("Apply template"))
        self.template_button.clicked.connect(self.apply_template)
        self.clear_button = QPushButton(self.tr("Clear week"))
        self.clear_button.clicked.connect(self.clear_week)
        self.revert_button = QPushButton(self.tr("Revert"))
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(self.tr("Save hours"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(self.template)
        head.addWidget(self.template_button)
        head.addWidget(self.clear_button)
        head.addStretch(1)
        head.addWidget(self.revert_button)
        head.addWidget(self.save_button)

        self.grid = HoursGrid()
        self.grid.setAccessibleName(self.tr("Weekly opening hours"))
        self.grid.changed.connect(self._edited)
        self.grid.selected.connect(self._selected)
        self.problems = QLabel()
        self.problems.setStyleSheet(RED)
        self.problems.setWordWrap(True)
        self.problems.setVisible(False)
        self.state = QLabel()
        hint = QLabel(self.tr("Drag over closed time to open it, over open time to close it. "
                              "Click an interval to set exact times."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")

        # the selected interval
        self.interval_box = QGroupBox(self.tr("Selected interval"))
        self.interval_day = QLabel(self.tr("Click an interval in the grid."))
        self.opens = QTimeEdit()
        self.closes = QTimeEdit()
        for edit in (self.opens, self.closes):
            edit.setDisplayFormat(time_pattern())
            edit.setEnabled(False)
            edit.timeChanged.connect(self._fine_tuned)
        self.remove_button = QPushButton(self.tr("Remove interval"))
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._remove_selected)
        form = QFormLayout(self.interval_box)
        form.addRow(self.interval_day)
        form.addRow(self.tr("Opens"), self.opens)
        form.addRow(self.tr("Closes"), self.closes)
        form.addRow(self.remove_button)

        # holidays and special days
        self.days_box = QGroupBox(self.tr("Holidays and special days"))
        self.days = QTreeWidget()
        self.days.setRootIsDecorated(False)
        self.days.setAccessibleName(self.tr("Holidays and special days"))
        self.days.setHeaderLabels([self.tr("Date"), self.tr("Hours"), self.tr("Note")])
        self.days.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.days.header().resizeSection(0, 125)
        self.days.header().resizeSection(1, 85)
        self.days.itemDoubleClicked.connect(lambda *_: self.edit_special_day())
        self.add_day_button = QPushButton(self.tr("Add…"))
        self.add_day_button.clicked.connect(self.add_special_day)
        self.edit_day_button = QPushButton(self.tr("Edit…"))
        self.edit_day_button.clicked.connect(self.edit_special_day)
        self.remove_day_button = QPushButton(self.tr("Remove"))
        self.remove_day_button.clicked.connect(self.remove_special_day)
        day_buttons = QHBoxLayout()
        for button in (self.add_day_button, self.edit_day_button, self.remove_day_button):
            day_buttons.addWidget(button)
        days_layout = QVBoxLayout(self.days_box)
        days_layout.addWidget(self.days)
        days_layout.addLayout(day_buttons)
        self.days_error = QLabel()
        self.days_error.setStyleSheet(RED)
        self.days_error.setWordWrap(True)
        self.days_error.setVisible(False)
        days_layout.addWidget(self.days_error)

        side = QVBoxLayout()
        side.addWidget(self.interval_box)
        side.addWidget(self.days_box, 1)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(330)
        left = QVBoxLayout()
        left.addWidget(hint)
        left.addWidget(self.grid, 1)
        left.addWidget(self.problems)
        left.addWidget(self.state)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(side_widget)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(body, 1)

        self.owner_widgets = [self.template, self.template_button, self.clear_button,
                              self.revert_button, self.save_button, self.add_day_button,
                              self.edit_day_button, self.remove_day_button]
        # Staff look only (the services refuse changes anyway); nobody edits
        # before the saved hours are read.
        self._set_busy(True)
        session.did_execute.connect(self._outside_change)
        session.business_changed.connect(lambda _b: self._business_changed())
        self.load()

    # --- loading -----------------------------------------------------------

    def load(self) -> None:
        """Read the saved week and the special days on the worker and show
        them. Edits in progress are kept (only the special days are shown
        again); Revert and Discard drop them first."""
        business = self.session.business
        if business is None:
            return
        today = self.session.today()
        first, last = today - timedelta(days=30), today + timedelta(days=730)

        def read():
            return (services.weekly_hours(business),
                    services.special_days(business, first, last))

        self.session.pipeline.read(("hours", id(self)), read,
                                   lambda answer: self._loaded(business.id, *answer),
                                   self._load_failed, owner=self)

    def _loaded(self, business_id: int, week, special_days) -> None:
        business = self.session.business
        if business is None or business.id != business_id:
            return  # another business was chosen meanwhile; its own read is coming
        if not self.dirty:  # never overwrite edits in progress
            self.saved_week = week
            self.grid.set_week(week)
            self._validate()
        self._show_special_days(special_days)
        if not self._ready:
            self._ready = True
            self._set_busy(False)

    def _load_failed(self, exc: BaseException) -> None:
        self.problems.setText(describe(exc))
        self.problems.setVisible(True)

    def _business_changed(self) -> None:
        """Edits of another business's hours mean nothing here: drop them and
        wait for this business's hours before editing."""
        self.dirty = False
        self._ready = False
        self._set_busy(True)
        self.load()

    def revert(self) -> None:
        """Back to the hours as last saved (at once), then read again."""
        self.grid.set_week(self.saved_week)
        self.dirty = False
        self._validate()
        self.load()

    def _outside_change(self, change) -> None:
        """Hours, special days or anything unknown changed (bookings and
        slots do not change what this view shows; what this view saved is
        shown already)."""
        business = self.session.business
        if change.kind in ("booking", "slot", "slots", "customer") or change.initiator is self \
                or not change.concerns(business.id if business is not None else None):
            return
        self.load()

    def _show_special_days(self, special_days) -> None:
        self.days.clear()
        for special in special_days:
            hours = self.tr("Closed") if special.closed else special.hours_text()
            item = QTreeWidgetItem(self.days, [date_text(special.day), hours, special.note])
            item.setData(0, Qt.ItemDataRole.UserRole, special)
            item.setToolTip(2, special.note)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        """While loading or saving: the owner's controls and the grid wait
        (the window does not); the state line says what is going on."""
        self._busy = busy
        owner = self.session.is_owner
        self.grid.read_only = busy or not owner
        for widget in self.owner_widgets:
            widget.setEnabled(owner and not busy)
        if busy:
            self.save_button.setEnabled(False)
            self.revert_button.setEnabled(False)
            self.state.setText(text or self.tr("Loading the hours…"))
        else:
            self._validate()

    # --- editing -----------------------------------------------------------
    def week(self) -> dict[int, list[tuple[time, time]]]:
        return {d: self.grid.intervals(d) for d in range(7)}

    def _edited(self) -> None:
        self.dirty = self.week() != self.saved_week
        self._validate()

    def _validate(self) -> bool:
        messages = []
        for day in range(7):
            try:
                validation.intervals(self.grid.intervals(day), weekday_name(day, short=False))
            except InvalidInput as exc:
                messages.append(describe(exc))
        self.problems.setText("\n".join(messages))
        self.problems.setVisible(bool(messages))
        may = self.session.is_owner and self.dirty and not self._busy
        self.save_button.setEnabled(may and not messages)
        self.revert_button.setEnabled(may)
        if self._busy:
            return not messages  # the state line says what the editor waits for
        open_days = sum(1 for d in range(7) if self.grid.intervals(d))
        open_text = self.tr("Open %n day(s) a week", "", open_days)
        self.state.setText(self.tr("Unsaved changes · {state}").format(state=open_text)
                           if self.dirty else open_text)
        return not messages

    def _selected(self, day: int, index: int) -> None:
        has = day >= 0 and index >= 0
        for widget in (self.opens, self.closes):
            widget.blockSignals(True)
        if has:
            opens, closes = self.grid.intervals(day)[index]
            self.interval_day.setText(weekday_name(day, short=False))
            self.opens.setTime(_qtime(opens))
            self.closes.setTime(_qtime(closes))
        else:
            self.interval_day.setText(self.tr("Click an interval in the grid."))
        for widget in (self.opens, self.closes):
            widget.blockSignals(False)
            widget.setEnabled(has and self.session.is_owner)
        self.remove_button.setEnabled(has and self.session.is_owner)

    def _fine_tuned(self, *_args) -> None:
        if self.grid.selection is None:
            return
        day, index = self.grid.selection
        self.grid.set_interval(day, index, _time(self.opens.time()), _time(self.closes.time()))

    def set_selected_times(self, opens: time, closes: time) -> None:
        """Type exact times into the fields (what a user does, for tests)."""
        self.opens.setTime(_qtime(opens))
        self.closes.setTime(_qtime(closes))

    def _remove_selected(self) -> None:
        if self.grid.selection is not None:
            self.grid.remove_interval(*self.grid.selection)

    def apply_template(self) -> None:
        key = self.template.currentData()
        self.grid.set_week(services.TEMPLATES[key])
        self._edited()
        self.message.emit(self.tr("Template applied; Save to keep it."))

    def clear_week(self) -> None:
        self.grid.set_week({})
        self._edited()

    # --- saving ------------------------------------------------------------
    def _answering_strays(self, call, announce, succeeded, refused, busy) -> None:
        """Run a save as an op: `call(user, outside=, reason=, seen=)` on the
        worker. When it would strand bookings, list them, ask keep or cancel,
        and run it again with the answer and the ids shown (a booking made
        meanwhile is asked about too, never cancelled unseen).
        `succeeded(result)` after it went through; `refused(exc)` when it was
        refused, `refused(None)` when the owner backed out."""
        def attempt(outside=None, reason="", seen=None) -> None:
            (Op(self.session, self,
                lambda user: call(user, outside=outside, reason=reason, seen=seen))
             .busy(busy).success(succeeded).failure(failed).announce(announce).run())

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, BookingsOutsideHours):
                refused(exc)
                return
            chosen = OutsideHoursDialog.ask(exc.bookings, self.session.zone, self)
            if chosen is None:
                self.message.emit(self.tr("Not saved."))
                refused(None)
                return
            (outside, reason), seen = chosen, [b.id for b in exc.bookings]
            attempt(outside, reason, seen)

        attempt()

    def _hours_change(self, business_id: int) -> Callable:
        return lambda _result: Change("hours", business_id, initiator=self)

    def _saved(self, text: str, cancelled: int) -> None:
        if cancelled:
            text += " " + self.tr("%n booking(s) cancelled.", "", cancelled)
        self.message.emit(text)

    def save(self, then: Callable[[bool], None] | None = None) -> bool | None:
        """Save the week through the pipeline; `then(saved)` once it is
        answered. Returns the answer when it is known at once (refused before
        anything was tried, or a worker that runs inline), else None."""
        answer: list[bool] = []

        def finish(saved: bool) -> None:
            answer.append(saved)
            if then is not None:
                then(saved)

        if self._busy or not self._validate():
            finish(False)
            return False
        business = self.session.business
        week = {d: pairs for d, pairs in self.week().items() if pairs}

        def call(user, **answered):
            cancelled = services.save_weekly_hours(business, week, by=user, **answered)
            return cancelled, services.weekly_hours(business)

        def succeeded(result) -> None:
            cancelled, saved_week = result
            self.saved_week = saved_week
            self.dirty = self.week() != saved_week
            self._validate()
            self._saved(self.tr("Business hours saved."), cancelled)
            finish(True)

        def refused(exc: BaseException | None) -> None:
            if exc is not None:
                self.problems.setText(describe(exc))
                self.problems.setVisible(True)
            finish(False)

        self._answering_strays(
            call, self._hours_change(business.id), succeeded, refused,
            self._saving_busy)
        return answer[0] if answer else None

    def _saving_busy(self, busy: bool) -> None:
        self._saving = busy
        self._set_busy(busy, self.tr("Saving the hours…"))

    def confirm_leave(self) -> bool:
        """Whether the editor may be left: asks when there are unsaved
        changes; "Save" leaves once the save went through (the window keeps
        painting while it waits for the answer)."""
        if not self.dirty:
            return True
        if self._saving:
            return False  # the save is on its way: stay until it is answered
        answer = ask_unsaved(self)
        if answer == "save":
            return self._save_and_wait()
        if answer == "discard":
            self.revert()
            return True
        return False

    def _save_and_wait(self) -> bool:
        loop = QEventLoop(self)
        answer: list[bool] = []

        def answered(saved: bool) -> None:
            answer.append(saved)
            loop.quit()

        self.save(answered)
        if not answer:
            loop.exec()
        return answer[0]

    # --- special days ------------------------------------------------------
    def selected_special_day(self) -> SpecialDay | None:
        item = self.days.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def add_special_day(self) -> None:
        value = SpecialDayDialog.ask(None, self.session.today() + timedelta(days=1), self)
        if value is not None:
            self.save_special_day(**value)

    def edit_special_day(self) -> None:
        current = self.selected_special_day()
        if current is None or not self.session.is_owner:
            return
        value = SpecialDayDialog.ask(current, current.day, self)
        if value is not None:
            self.save_special_day(previous_day=current.day, **value)

    def save_special_day(self, day: date, closed: bool, intervals, note: str,
                         previous_day: date | None = None) -> bool | None:
        """Through the pipeline; the answer when known at once (see `save`)."""
        business = self.session.business
        return self._special_day_change(
            lambda user, **answer: services.save_hours_exception(
                business, day, closed=closed, intervals=intervals, note=note,
                previous_day=previous_day, by=user, **answer),
            self.tr("Saved {day}.").format(day=date_text(day)))

    def remove_special_day(self) -> bool | None:
        current = self.selected_special_day()
        if current is None:
            return None
        business = self.session.business
        return self._special_day_change(
            lambda user, **answer: services.remove_special_day(
                business, current.day, by=user, **answer),
            self.tr("Removed {day}.").format(day=date_text(current.day)))

    def _special_day_change(self, call, done_text: str) -> bool | None:
        business = self.session.business
        if business is None:
            return False
        self.days_error.setVisible(False)
        answer: list[bool] = []
        today = self.session.today()
        first, last = today - timedelta(days=30), today + timedelta(days=730)

        def work(user, **answered):
            cancelled = call(user, **answered)
            return cancelled, services.special_days(business, first, last)

        def succeeded(result) -> None:
            cancelled, special_days = result
            self._show_special_days(special_days)
            self._saved(done_text, cancelled)
            answer.append(True)

        def refused(exc: BaseException | None) -> None:
            if exc is not None:
                self.days_error.setText(describe(exc))
                self.days_error.setVisible(True)
            answer.append(False)

        self._answering_strays(work, self._hours_change(business.id), succeeded, refused,
                               self._days_busy)
        return answer[0] if answer else None

    def _days_busy(self, busy: bool) -> None:
        owner = self.session.is_owner
        for button in (self.add_day_button, self.edit_day_button, self.remove_day_button):
            button.setEnabled(owner and not busy)
