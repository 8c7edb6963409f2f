"""The front desk: the day's slots with their bookings, and the walk-in form.

Keys (also in the Booking menu and the context menu): F2 walk-in, Ctrl+I
check in, Del cancel, Ctrl+P day sheet.
"""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from .. import services
from ..errors import BookingError
from ..clock import utcnow
from ..services import desk
from .commands import CancelBookingCommand, SetStatusCommand, perform
from .day_model import ROW_DATA, ROW_KIND, DayScheduleModel
from .dialogs import CancelReasonDialog, GenerateSlotsDialog
from .errors import describe
from .fill_delegate import FillDelegate
from .fit import FitColumns
from .message_bar import MessageBar
from .walk_in import WalkInForm


class FrontDeskView(QWidget):
    message = Signal(str)

    def __init__(self, session, undo_stack, parent=None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.day = self._today()
        self._highlight_id = None

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.now_label = QLabel()
        self.bar = MessageBar()
        self.model = DayScheduleModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName(self.tr("Slots and bookings of the day"))
        self.tree.setItemDelegateForColumn(1, FillDelegate(self.tree))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        self.tree.setIndentation(14)
        # times, references, places, phones and statuses whole; names and emails share the rest
        FitColumns(self.tree, exact=(0, 1, 3, 5), free=(2, 4), optional=(4,))
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.generate_button = QPushButton(self.tr("Generate slots…"))
        self.generate_button.clicked.connect(self.generate_slots)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.generate_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(1)

        self.walk_in = WalkInForm(session, undo_stack)
        self.walk_in.setMinimumWidth(250)
        self.walk_in.setMaximumWidth(340)
        self.walk_in.booked.connect(self._booked)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.now_label)
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.bar)
        left.addWidget(self.tree, 1)
        left.addWidget(self.empty, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.walk_in)

        self._build_actions()
        self.tree.selectionModel().currentChanged.connect(self._selection_changed)
        session.changed.connect(self.refresh)
        session.business_changed.connect(lambda _b: self.refresh())
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(30_000)
        self.refresh()

    # --- actions -----------------------------------------------------------
    def _action(self, text, shortcut, slot, booking_only=True) -> QAction:
        action = QAction(self.tr(text), self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        action.setProperty("booking_only", booking_only)
        return action

    def _build_actions(self) -> None:
        self.check_in_action = self._action("Check &in", "Ctrl+I", self.check_in)
        self.complete_action = self._action("Mark &completed", None,
                                            lambda: self.set_status("completed"))
        self.no_show_action = self._action("Mark &no-show", None,
                                           lambda: self.set_status("no_show"))
        self.confirm_action = self._action("Con&firm", None, lambda: self.set_status("confirmed"))
        self.cancel_action = self._action("C&ancel booking…", "Del", self.cancel)
        self.reschedule_action = self._action("&Reschedule…", "Ctrl+R", self.reschedule)
        self.edit_action = self._action("&Edit details…", "Ctrl+E", self.edit_details)
        self.booking_actions = [self.check_in_action, self.confirm_action, self.complete_action,
                                self.no_show_action, self.reschedule_action, self.edit_action,
                                self.cancel_action]
        self.block_action = self._action("&Block slot", None, lambda: self.set_blocked(True),
                                         booking_only=False)
        self.unblock_action = self._action("&Unblock slot", None, lambda: self.set_blocked(False),
                                           booking_only=False)
        self.owner_actions = [self.block_action, self.unblock_action]
        for action in self.owner_actions:
            action.setVisible(self.session.is_owner)
        self._selection_changed()

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        kind = self.tree.currentIndex().data(ROW_KIND)
        for action in self.booking_actions if kind == "booking" else []:
            menu.addAction(action)
        if self.session.is_owner and kind == "slot":
            menu.addAction(self.block_action)
            menu.addAction(self.unblock_action)
        if not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _selection_changed(self, *_args) -> None:
        booking = self.selected_booking()
        for action in self.booking_actions:
            action.setEnabled(booking is not None and booking.is_active)
        if booking is not None and booking.is_active:
            self.check_in_action.setEnabled(booking.checked_in_at is None)
        slot = self.selected_slot()
        self.block_action.setEnabled(slot is not None and not slot.is_blocked)
        self.unblock_action.setEnabled(slot is not None and slot.is_blocked)
        if slot is not None and booking is None:
            self.walk_in.select_slot(slot.id)

    # --- selection ---------------------------------------------------------
    def selected_booking(self) -> desk.BookingRow | None:
        index = self.tree.currentIndex()
        if index.isValid() and index.data(ROW_KIND) == "booking":
            return index.siblingAtColumn(0).data(ROW_DATA)
        return None

    def selected_slot(self) -> desk.SlotRow | None:
        index = self.tree.currentIndex()
        if index.isValid() and index.data(ROW_KIND) == "slot":
            return index.siblingAtColumn(0).data(ROW_DATA)
        return None

    def select_booking(self, booking_id: int) -> None:
        index = self.model.index_of_booking(booking_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.selectionModel().select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.tree.scrollTo(index)

    # --- day ---------------------------------------------------------------
    def _tz(self) -> ZoneInfo | None:
        business = self.session.business
        return ZoneInfo(business.timezone) if business is not None else None

    def _today(self) -> date:
        return self.session.today()

    def set_day(self, day: date) -> None:
        self.day = day
        self.refresh()

    def shift_day(self, days: int) -> None:
        self.set_day(self.day + timedelta(days=days))

    def go_today(self) -> None:
        self.set_day(self._today())

    def _tick(self) -> None:
        tz = self._tz()
        if tz is not None:
            self.now_label.setText(self.tr("Now {time}").format(time=f"{datetime.now(tz):%H:%M}"))

    def refresh(self) -> None:
        """Reload the day; a refusal (the database out of reach) shows in the
        bar instead of an error dialog, and the last picture stays."""
        try:
            self._refresh()
        except BookingError as exc:
            self._report(exc)

    def _refresh(self) -> None:
        business = self.session.business
        if business is None:
            self.title.setText(self.tr("No business yet"))
            return
        tz = self._tz()
        self._tick()
        today = self._today()
        suffix = self.tr(" · today") if self.day == today else ""
        self.title.setText(f"{self.day:%A %d %B %Y}{suffix}")
        keep = self.selected_booking()
        keep_slot = self.selected_slot()
        slots = desk.day_schedule(business, self.day)
        self.model.load(slots, tz, utcnow())
        self.tree.expandAll()
        has_slots = bool(slots)
        self.tree.setVisible(has_slots)
        self.empty.setVisible(not has_slots)
        if not has_slots:
            hint = (self.tr("No slots on this day — generate slots for it.")
                    if self.session.is_owner else
                    self.tr("No slots on this day. Ask an owner to generate slots."))
            self.empty_label.setText(hint)
            self.generate_button.setVisible(self.session.is_owner)
        if self._highlight_id is not None:
            self.select_booking(self._highlight_id)
        elif keep is not None:
            self.select_booking(keep.id)
        elif keep_slot is not None:
            index = self.model.index_of_slot(keep_slot.id)
            if index.isValid():
                self.tree.setCurrentIndex(index)
        elif self.model.current_slot_id is not None:
            self.tree.scrollTo(self.model.index_of_slot(self.model.current_slot_id),
                               QAbstractItemView.ScrollHint.PositionAtTop)
        self._offer_slots()
        self._selection_changed()

    def _offer_slots(self) -> None:
        business = self.session.business
        free = services.available_slots(business, self.day)
        self.walk_in.set_slots(free, self._tz())

    # --- walk-in -----------------------------------------------------------
    def start_walk_in(self) -> None:
        """F2: the next free slot from now (on the next day that has one when
        today is full or over), that day shown, the name field focused."""
        business = self.session.business
        if business is None:
            return
        try:
            nxt = services.next_free_slot(business)
        except BookingError as exc:
            self._report(exc)
            return
        day = nxt.start.astimezone(self._tz()).date() if nxt is not None else self._today()
        self.set_day(day)
        if nxt is not None:
            self.walk_in.select_slot(nxt.id)
        self.walk_in.clear()
        self.walk_in.focus_name()

    def _booked(self, booking_id: int, text: str) -> None:
        self._highlight_id = booking_id
        try:
            booked_day = desk.booking_row(booking_id).start.astimezone(self._tz()).date()
            self.day = booked_day  # the slot picked may be on a later day: show it
        except BookingError as exc:
            self._report(exc)
        self.refresh()
        self._highlight_id = None
        self.message.emit(text)
        self.walk_in.focus_name()

    # --- booking actions ---------------------------------------------------
    def _report(self, exc: BaseException) -> None:
        self.bar.show_message(describe(exc))

    def _run(self, command) -> bool:
        self.bar.clear()
        return perform(self.undo_stack, command)

    def check_in(self) -> None:
        booking = self.selected_booking()
        if booking is None:
            return
        try:
            services.check_in_booking(booking.id, by=self.session.user)
        except Exception as exc:  # BookingError or a bug: shown, never fatal
            self._report(exc)
            return
        self.session.notify_changed()
        self.message.emit(self.tr("{name} checked in.").format(name=booking.customer_name))

    def set_status(self, status: str) -> None:
        booking = self.selected_booking()
        if booking is not None and self._run(SetStatusCommand(
                self.session, self._report, booking.id, status, booking.customer_name)):
            self.message.emit(self.undo_stack.undoText() + ".")

    def cancel(self) -> None:
        booking = self.selected_booking()
        if booking is None or not booking.is_active:
            return
        reason = CancelReasonDialog.ask(
            self.tr("Cancel {ref} for {name}?").format(ref=booking.reference,
                                                      name=booking.customer_name), self)
        if reason is not None and self._run(CancelBookingCommand(
                self.session, self._report, booking.id, reason, booking.customer_name)):
            self.message.emit(self.tr("Cancelled {ref}. Ctrl+Z undoes it.").format(
                ref=booking.reference))

    def reschedule(self) -> None:
        booking = self.selected_booking()
        if booking is None:
            return
        from .reschedule_dialog import RescheduleDialog
        slot_id = RescheduleDialog.ask(self.session, booking, self)
        if slot_id is None:
            return
        try:
            services.reschedule_booking(booking.id, slot_id, by=self.session.user)
        except Exception as exc:
            self._report(exc)
            return
        self.session.notify_changed()
        self.message.emit(self.tr("Moved {ref}.").format(ref=booking.reference))

    def edit_details(self) -> None:
        booking = self.selected_booking()
        if booking is None:
            return
        from .details_dialog import EditDetailsDialog
        if EditDetailsDialog.ask(self.session, booking, self):
            self.session.notify_changed()

    def set_blocked(self, blocked: bool) -> None:
        slot = self.selected_slot()
        if slot is None:
            return
        try:
            services.set_slot_blocked(slot.id, blocked, by=self.session.user)
        except Exception as exc:
            self._report(exc)
            return
        self.session.notify_changed()

    def generate_slots(self) -> None:
        counts = GenerateSlotsDialog.ask(self.session, self.day, self)
        if counts is not None:
            self.message.emit(self.tr("Generated {n} slots.").format(n=counts["created"]))
