"""The owner's month: every day's load at a glance (colour scale, bar and
"booked/places"), closed days, holidays and special days set apart, and
the selected day's slots with their bookings beside it.

Keys: arrows move between days, Page Up / Page Down change the month,
Home goes to today. The month comes from one service call (one aggregate
query); the day view reuses the front desk's day model.
"""
from datetime import date, timedelta

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...clock import utcnow
from ...services import desk, undo
from ...errors import QT_TRANSLATE_NOOP
from ...services.calendar import DayLoad
from .. import status_style as style
from ..commands import perform
from ..operations import RefreshesWhenShown
from ..models.day_model import ROW_DATA, ROW_KIND, DayScheduleModel
from ..dialogs.reasons import BlockReasonDialog
from ..errors import describe
from ..models.fill_delegate import FillDelegate
from ..fit import FitColumns
from ..formats import first_weekday, long_date, month_title, slot_when, weekday_name, when_text
from ..message_bar import MessageBar

DAY_LOAD = Qt.ItemDataRole.UserRole + 1   # the DayLoad of a cell
IN_MONTH = Qt.ItemDataRole.UserRole + 2   # whether the cell's day is in the shown month
IS_TODAY = Qt.ItemDataRole.UserRole + 3

KIND_LABELS = {"closed": QT_TRANSLATE_NOOP("MonthModel", "Closed"),
               "holiday": QT_TRANSLATE_NOOP("MonthModel", "Holiday"),
               "special": QT_TRANSLATE_NOOP("MonthModel", "Special hours"), "open": ""}


def kind_label(kind: str) -> str:
    """"Closed", "Holiday", "Special hours"; "" for an ordinary day."""
    text = KIND_LABELS.get(kind, "")
    return QCoreApplication.translate("MonthModel", text) if text else ""


def fill_colour(fill: float) -> QColor:
    """Green (empty) → amber (half) → red (full), light enough to read text on."""
    stops = [(0.0, (200, 236, 204)), (0.5, (255, 224, 150)), (1.0, (244, 170, 170))]
    fill = max(0.0, min(1.0, fill))
    for (f0, c0), (f1, c1) in zip(stops, stops[1:]):
        if fill <= f1:
            t = (fill - f0) / (f1 - f0)
            return QColor(*(round(a + (b - a) * t) for a, b in zip(c0, c1)))
    return QColor(*stops[-1][1])


def month_grid(year: int, month: int, week_starts: int = 0) -> tuple[date, date]:
    """The six weeks a month view shows, each from `week_starts` (Monday 0,
    the locale's first day of the week)."""
    first = date(year, month, 1)
    start = first - timedelta(days=(first.weekday() - week_starts) % 7)
    return start, start + timedelta(days=41)


class MonthModel(QAbstractTableModel):
    """6 weeks × 7 days of DayLoad rows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.loads: list[DayLoad] = []
        self.month = (2000, 1)
        self.today = date.today()
        self.week_starts = first_weekday()  # the locale's: Monday in Germany, Sunday in the US

    def load(self, year: int, month: int, loads: list[DayLoad], today: date) -> None:
        self.beginResetModel()
        self.month, self.loads, self.today = (year, month), loads, today
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.loads else 6

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or not self.loads else 7

    def load_at(self, index: QModelIndex) -> DayLoad | None:
        if not index.isValid():
            return None
        i = index.row() * 7 + index.column()
        return self.loads[i] if 0 <= i < len(self.loads) else None

    def index_of(self, day: date) -> QModelIndex:
        if not self.loads:
            return QModelIndex()
        i = (day - self.loads[0].day).days
        if 0 <= i < len(self.loads):
            return self.index(i // 7, i % 7)
        return QModelIndex()

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        load = self.load_at(index)
        if load is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{load.day.day}"
        if role == DAY_LOAD:
            return load
        if role == IN_MONTH:
            return (load.day.year, load.day.month) == self.month
        if role == IS_TODAY:
            return load.day == self.today
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(load)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._tooltip(load)
        return None

    def _tooltip(self, load: DayLoad) -> str:
        parts = [long_date(load.day)]
        if load.day == self.today:
            parts.insert(0, self.tr("Today"))
        kind = kind_label(load.kind)
        if kind:
            parts.append(self.tr("{kind}: {note}").format(kind=kind, note=load.note)
                         if load.note else kind)
        if load.slots:
            parts.append(self.load_text(load))
            if load.blocked:
                parts.append(self.tr("%n blocked", "", load.blocked))
        else:
            parts.append(self.tr("No slots"))
        return " · ".join(parts)

    def load_text(self, load: DayLoad) -> str:
        """"5 of 12 places booked in 4 slots"."""
        return self.tr("{booked} of {places} places booked in %n slot(s)", "", load.slots).format(
            booked=load.booked, places=load.capacity)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return weekday_name((self.week_starts + section) % 7)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class DayCellDelegate(QStyledItemDelegate):
    """Paints a day: number, kind, a fill bar and "booked/places", on a
    background from the colour scale (hatched grey for holidays)."""

    def paint(self, painter, option, index):
        load: DayLoad | None = index.data(DAY_LOAD)
        if load is None:
            return
        palette = option.palette
        in_month = index.data(IN_MONTH)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        rect = option.rect.adjusted(2, 2, -2, -2)
        painter.save()
        painter.setRenderHint(painter.RenderHint.Antialiasing, False)
        base = palette.color(QPalette.ColorRole.Base)
        ink = QColor("#1f2328")  # the scale's colours are light: dark text on them
        if load.kind == "holiday":
            painter.fillRect(rect, QColor("#e1e4e8"))
            painter.fillRect(rect, QBrush(QColor("#b0b7c0"), Qt.BrushStyle.BDiagPattern))
        elif load.slots:
            painter.fillRect(rect, fill_colour(load.fill))
        elif load.kind == "closed":
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
            ink = palette.color(QPalette.ColorRole.Text)
        else:
            painter.fillRect(rect, base)
            ink = palette.color(QPalette.ColorRole.Text)
        if not in_month:
            veil = QColor(base)
            veil.setAlpha(150)
            painter.fillRect(rect, veil)
        if load.kind == "special":
            painter.setPen(QPen(QColor("#6f42c1"), 2, Qt.PenStyle.DashLine))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        if selected:  # the selected day: a thick frame (today has none: it is underlined)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 4))
            painter.drawRect(rect.adjusted(2, 2, -2, -2))

        inner = rect.adjusted(7, 4, -7, -4)
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        today = bool(index.data(IS_TODAY))
        font.setUnderline(today)  # today: the number underlined and the word "Today"
        painter.setFont(font)
        painter.setPen(ink if in_month else palette.color(QPalette.ColorGroup.Disabled,
                                                          QPalette.ColorRole.Text))
        painter.drawText(inner, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                         str(load.day.day))
        line = painter.fontMetrics().height()
        small = QFont(option.font)
        small.setPointSizeF(small.pointSizeF() * 0.9)
        painter.setFont(small)
        kind = kind_label(load.kind)
        words = [self.tr("Today")] if today else []
        if kind:
            words.append(kind if load.kind != "holiday" or not load.note else load.note)
        if words:  # a line of its own under the number, so narrow cells keep it
            small.setBold(today)
            painter.setFont(small)
            painter.drawText(inner.adjusted(0, line, 0, 0),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                             painter.fontMetrics().elidedText(" · ".join(words),
                                                              Qt.TextElideMode.ElideRight,
                                                              inner.width()))
            small.setBold(False)
            painter.setFont(small)
        if load.slots:
            numbers = f"{load.booked}/{load.capacity}"
            room = inner.width() - painter.fontMetrics().horizontalAdvance(numbers) - 6
            if room >= 24:  # the bar beside the numbers
                bar = QRectF(inner.left(), inner.bottom() - 9,
                             min(room, inner.width() * 0.55, 80), 7)
            else:  # a narrow cell: the bar over the numbers
                bar = QRectF(inner.left(), inner.bottom() - painter.fontMetrics().height() - 9,
                             inner.width(), 7)
            painter.setPen(QPen(QColor("#57606a"), 1))
            painter.setBrush(QColor(255, 255, 255, 200))
            painter.drawRect(bar)
            filled = QRectF(bar.left(), bar.top(), bar.width() * load.fill, bar.height())
            painter.fillRect(filled, QColor("#c21f2c" if load.fill >= 1 else
                                            "#9a6700" if load.fill >= 0.5 else "#1a7f37"))
            painter.setPen(ink)
            painter.drawText(QRect(inner.left(), inner.top(), inner.width(), inner.height()),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                             numbers)
        painter.restore()


class BookIntoSlotDialog(QDialog):
    """Name (required), phone and email for a booking made from the calendar."""

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Book"))
        self.name, self.phone, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        form = QFormLayout(self)
        form.addRow(QLabel(what))
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Email"), self.email)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Book"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, what: str, parent=None) -> dict | None:
        dialog = cls(what, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return {"customer_name": dialog.name.text(), "customer_phone": dialog.phone.text() or None,
                "customer_email": dialog.email.text() or None, "source": "phone"}


def ask_number(parent, title: str, label: str, value: int, low: int) -> int | None:
    number, ok = QInputDialog.getInt(parent, title, label, value, low, 1000)
    return number if ok else None


class CalendarView(RefreshesWhenShown, QWidget):
    message = Signal(str)
    help_topic = ("owners", "the-calendar")  # F1: the user guide's section (ui/help_window.py)

    def __init__(self, session, undo_stack, parent=None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        today = self.session.today()
        self.year, self.month = today.year, today.month
        self.day = today

        self.prev_button = QToolButton(text="◀")
        self.prev_button.setAccessibleName(self.tr("Previous month"))
        self.prev_button.setToolTip(self.tr("Previous month (Page Up)"))
        self.prev_button.clicked.connect(lambda: self.shift_month(-1))
        self.next_button = QToolButton(text="▶")
        self.next_button.setAccessibleName(self.tr("Next month"))
        self.next_button.setToolTip(self.tr("Next month (Page Down)"))
        self.next_button.clicked.connect(lambda: self.shift_month(1))
        self.today_button = QPushButton(self.tr("Today"))
        self.today_button.setToolTip(self.tr("Today (Home)"))
        self.today_button.clicked.connect(self.go_today)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.summary = QLabel()
        legend = QLabel(self.tr("Colour: share of places booked — green empty, amber half, "
                                "red full · hatched: holiday · dashed: special hours · "
                                "underlined: today · thick frame: selected day"))
        legend.setStyleSheet("color: palette(placeholder-text);")
        legend.setWordWrap(True)

        self.model = MonthModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.model)
        self.grid.setAccessibleName(self.tr("Month"))
        self.grid.setItemDelegate(DayCellDelegate(self.grid))
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setShowGrid(False)
        self.grid.verticalHeader().setVisible(False)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setMinimumWidth(380)
        self.grid.setTabKeyNavigation(False)  # Tab leaves the month; arrows move in it
        self.grid.installEventFilter(self)
        self.grid.viewport().installEventFilter(self)
        self.grid.selectionModel().currentChanged.connect(self._day_chosen)

        head = QHBoxLayout()
        head.addWidget(self.prev_button)
        head.addWidget(self.today_button)
        head.addWidget(self.next_button)
        head.addSpacing(12)
        head.addWidget(self.title)
        head.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(head)
        left_layout.addWidget(self.grid, 1)
        left_layout.addWidget(self.summary)  # under the month: the head stays narrow
        left_layout.addWidget(legend)

        self.day_title = QLabel()
        self.day_title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.day_note = QLabel()
        self.day_note.setWordWrap(True)
        self.bar = MessageBar()
        self.day_model = DayScheduleModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.day_model)
        self.tree.setAccessibleName(self.tr("Slots and bookings of the selected day"))
        self.tree.setItemDelegateForColumn(1, FillDelegate(self.tree))
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for column in (3, 4):  # phone and email: the front desk has them; keep this narrow
            self.tree.setColumnHidden(column, True)
        self.tree.setIndentation(14)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")  # as the front desk
        FitColumns(self.tree, exact=(0, 1, 5), free=(2,))  # times and references whole
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.book_button = QPushButton(self.tr("Book…"))
        self.book_button.clicked.connect(self.book)
        self.block_button = QPushButton(self.tr("Block…"))
        self.block_button.clicked.connect(self.block)
        self.unblock_button = QPushButton(self.tr("Unblock"))
        self.unblock_button.clicked.connect(self.unblock)
        self.capacity_button = QPushButton(self.tr("Capacity…"))
        self.capacity_button.clicked.connect(self.change_capacity)
        self.generate_button = QPushButton(self.tr("Slots…"))
        self.generate_button.setToolTip(self.tr("Generate, block a range, clean up past slots"))
        self.generate_button.clicked.connect(self.open_slot_tools)
        actions = QHBoxLayout()
        for button in (self.book_button, self.block_button, self.unblock_button,
                       self.capacity_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.generate_button)
        self.owner_buttons = [self.book_button, self.block_button, self.unblock_button,
                              self.capacity_button, self.generate_button]
        for button in self.owner_buttons:  # staff look; owners plan
            button.setVisible(self.session.is_owner)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.day_title)
        right_layout.addWidget(self.day_note)
        right_layout.addWidget(self.bar)
        right_layout.addWidget(self.tree, 1)
        right_layout.addLayout(actions)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        session.did_execute.connect(self._on_change)
        session.business_changed.connect(lambda _b: self.go_today())
        self.refresh()

    # --- time --------------------------------------------------------------


    # --- month -------------------------------------------------------------
    def set_month(self, year: int, month: int, day: date | None = None) -> None:
        self.year, self.month = year, month
        if day is None or (day.year, day.month) != (year, month):
            day = self.day if (self.day.year, self.day.month) == (year, month) else \
                date(year, month, 1)
        self.day = day
        self.refresh()

    def shift_month(self, step: int) -> None:
        index = self.year * 12 + self.month - 1 + step
        self.set_month(index // 12, index % 12 + 1)

    def go_today(self) -> None:
        today = self.session.today()
        self.set_month(today.year, today.month, today)

    def select_day(self, day: date) -> None:
        if (day.year, day.month) != (self.year, self.month):
            self.set_month(day.year, day.month, day)
        else:
            self.grid.setCurrentIndex(self.model.index_of(day))

    def _on_change(self, change) -> None:
        """Any change of the business shown (this window's or another desk's)
        reloads the month and the day: now if shown, else when next shown."""
        business = self.session.business
        if business is not None and change.concerns(business.id):
            self.refresh_or_mark()

    @staticmethod
    def _read_day(business, day: date):
        """On the worker: the day's slots, the reasons of its blocked ones, its status."""
        slots = desk.day_schedule(business, day)
        reasons = services.block_reasons(business, day) if any(s.is_blocked for s in slots) else {}
        return slots, reasons, services.day_status(business, day)

    def refresh(self) -> None:
        """Reload the month and the selected day in one job on the worker."""
        business = self.session.business
        if business is None:
            self.title.setText(self.tr("No business yet"))
            return
        year, month, day = self.year, self.month, self.day
        first, last = month_grid(year, month, self.model.week_starts)

        def read():
            return services.month_overview(business, first, last), self._read_day(business, day)

        self.session.pipeline.read(
            ("month", id(self)), read,
            lambda answer: self._show_month(business.id, year, month, day, *answer),
            self._report, owner=self)

    def _show_month(self, business_id: int, year: int, month: int, day: date, loads,
                    day_answer) -> None:
        business = self.session.business
        if business is None or business.id != business_id or (year, month) != (self.year,
                                                                                self.month):
            return  # the calendar moved on; its own read is coming
        self.model.load(self.year, self.month, loads, self.session.today())
        self.title.setText(month_title(self.year, self.month))
        in_month = [d for d in loads if (d.day.year, d.day.month) == (self.year, self.month)]
        booked = sum(d.booked for d in in_month)
        places = sum(d.capacity for d in in_month)
        self.summary.setText(self.tr("{booked} of %n place(s) booked this month", "", places).format(
            booked=booked))
        self.grid.selectionModel().blockSignals(True)
        self.grid.setCurrentIndex(self.model.index_of(self.day))
        self.grid.selectionModel().blockSignals(False)
        if day == self.day:
            self._show_day(day, *day_answer)
        else:
            self.show_day(self.day)

    def eventFilter(self, watched, event):
        if watched is self.grid.viewport() and event.type() == event.Type.MouseButtonPress \
                and event.button() == Qt.MouseButton.LeftButton:
            load = self.model.load_at(self.grid.indexAt(event.position().toPoint()))
            if load is not None and (load.day.year, load.day.month) != (self.year, self.month):
                # A day of another month: show that month with that day selected. Left
                # to the view, the press would go on to select whatever day the new
                # month shows under the pointer.
                self.grid.setFocus(Qt.FocusReason.MouseFocusReason)
                self.select_day(load.day)
                return True
        if watched is self.grid and event.type() == event.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_PageUp:
                self.shift_month(-1)
                return True
            if key == Qt.Key.Key_PageDown:
                self.shift_month(1)
                return True
            if key == Qt.Key.Key_Home:
                self.go_today()
                return True
        return super().eventFilter(watched, event)

    def _day_chosen(self, current: QModelIndex, _previous=None) -> None:
        load = self.model.load_at(current)
        if load is None:
            return
        if (load.day.year, load.day.month) != (self.year, self.month):
            self.set_month(load.day.year, load.day.month, load.day)  # arrows cross months
        else:
            self.show_day(load.day)

    # --- day ---------------------------------------------------------------
    def show_day(self, day: date) -> None:
        self.day = day
        business = self.session.business
        if business is None:
            return
        self.session.pipeline.read(("calendar-day", id(self)),
                                   lambda: self._read_day(business, day),
                                   lambda answer: self._show_day(day, *answer), self._report, owner=self)

    def _show_day(self, day: date, slots, reasons, status) -> None:
        if day != self.day:
            return  # another day was chosen meanwhile
        self.bar.clear()
        kept = self.selected_slot()  # the slot chosen stays chosen across a reload
        self.tree.setUpdatesEnabled(False)  # one repaint after the rows are in
        self.day_model.load(slots, self.session.zone, utcnow())
        for row in range(self.day_model.rowCount()):
            item = self.day_model.item(row, 0)
            reason = reasons.get(item.data(ROW_DATA).id)
            if reason:
                self.day_model.item(row, 2).setText(self.tr("Blocked: {reason}").format(
                    reason=reason))
        self.tree.expandAll()
        self.tree.setUpdatesEnabled(True)
        if kept is not None:
            self.select_slot(kept.id)
        load = self.model.load_at(self.model.index_of(day))
        self.day_title.setText(long_date(day))
        note = style.day_status_text(status)  # "Closed — Public holiday", "Special hours …"
        if load is not None:
            if load.slots:
                note = " · ".join(filter(None, [note, self.model.load_text(load)]))
        if not any(slot.listed for slot in slots):
            if status.kind in ("closed", "holiday"):  # generating would make nothing
                hint = self.tr("Nothing can be booked on this day.")
            elif self.session.is_owner:
                hint = self.tr("No slots — generate them with Slots…")
            else:
                hint = self.tr("No slots on this day.")
            note = " · ".join(filter(None, [note, hint]))
        self.day_note.setText(note)
        self._update_actions()

    def selected_slot(self) -> desk.SlotRow | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        if index.data(ROW_KIND) == "booking":
            index = index.parent()
        return index.siblingAtColumn(0).data(ROW_DATA)

    def select_slot(self, slot_id: int) -> None:
        index = self.day_model.index_of_slot(slot_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def _update_actions(self) -> None:
        slot = self.selected_slot()
        now = utcnow()
        self.book_button.setEnabled(slot is not None and slot.state(now) in ("free", "filling"))
        self.block_button.setEnabled(slot is not None and not slot.is_blocked)
        self.unblock_button.setEnabled(slot is not None and slot.is_blocked)
        self.capacity_button.setEnabled(slot is not None)

    # --- actions -----------------------------------------------------------
    def _report(self, exc: BaseException) -> None:
        self.bar.show_message(describe(exc))

    def _when(self, slot) -> str:
        return slot_when(slot.start, slot.end, self.session.zone)

    show_refusal = _report  # where the pipeline says a refusal of this view's ops

    def _run(self, slot_id: int, operation, *args, done=None, **kwargs) -> None:
        """One undoable action through the pipeline and the window's undo
        stack; `done(outcome)` after it, a refusal said in the bar."""
        def succeeded(outcome) -> None:
            self.select_slot(slot_id)
            if done is not None:
                done(outcome)
        perform(self, operation, *args, **kwargs).success(succeeded).run()

    def book(self) -> None:
        slot = self.selected_slot()
        if slot is None:
            return
        fields = BookIntoSlotDialog.ask(self.tr("Book {when}").format(when=self._when(slot)), self)
        if fields is None:
            return
        self._run(slot.id, undo.book, slot.id, **fields, done=lambda outcome: self.message.emit(
            self.tr("Booked {ref} for {name}, {when}.").format(
                ref=outcome.rows[0].reference, name=outcome.rows[0].customer_name,
                when=when_text(slot.start, self.session.zone))))

    def block(self) -> None:
        slot = self.selected_slot()
        if slot is None:
            return
        reason = BlockReasonDialog.ask(
            self.tr("Why is {when} blocked?").format(when=self._when(slot)), self)
        if reason is None:
            return
        self._set_blocked(slot, True, reason)

    def unblock(self) -> None:
        slot = self.selected_slot()
        if slot is not None:
            self._set_blocked(slot, False, "")

    def _set_blocked(self, slot, blocked: bool, reason: str) -> None:
        self._run(slot.id, undo.set_blocked, slot.id, blocked, reason,
                  expected_blocked=slot.is_blocked,
                  done=lambda _o: self.message.emit((self.tr("Blocked {when}.") if blocked else
                                                     self.tr("Unblocked {when}.")).format(
                                                         when=self._when(slot))))

    def change_capacity(self) -> None:
        slot = self.selected_slot()
        if slot is None:
            return
        capacity = ask_number(self, self.tr("Places in this slot"),
                              self.tr("How many people can {when} take?").format(
                                  when=self._when(slot)), slot.max_capacity, 1)
        if capacity is None:
            return
        # never below its bookings: the service says why
        self._run(slot.id, undo.set_capacity, slot.id, capacity,
                  expected_capacity=slot.max_capacity,
                  done=lambda _o: self.message.emit(self.tr("{when} now takes %n.", "", capacity).format(
                      when=self._when(slot))))

    def open_slot_tools(self) -> None:
        from ..dialogs.slots_dialog import GenerateSlotsDialog
        counts = GenerateSlotsDialog.ask(self.session, self.session.today(), self)
        if counts is not None:
            self.message.emit(self.tr("Generated %n slot(s).", "", counts["created"]))
