"""The front desk: the day's slots with their bookings, and the walk-in form.

Keys (also in the Booking menu and the context menu): F2 walk-in, Ctrl+I
check in, Del cancel, Ctrl+P day sheet.
"""
from datetime import date, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...clock import utcnow
from ...services import desk, undo
from .. import status_style as style
from ..commands import perform
from ..operations import Change, RefreshesWhenShown, with_row
from ..models.day_model import ROW_DATA, ROW_KIND, DayScheduleModel, apply_rows
from ..dialogs.customer_card import show_card
from ..dialogs.reasons import BlockReasonDialog, CancelReasonDialog
from ..errors import describe
from ..models.fill_delegate import FillDelegate
from ..fit import FitColumns
from ..message_bar import MessageBar
from ..settings import Settings
from ..dialogs.slots_dialog import GenerateSlotsDialog
from ..formats import long_date, slot_when, time_text, when_text
from ..status_style import colour
from .walk_in import WalkInForm


class FrontDeskView(RefreshesWhenShown, QWidget):
    message = Signal(str)
    help_topic = ("front-desk", "booking-a-walk-in")  # F1: the user guide's section (ui/help_window.py)

    def __init__(self, session, undo_stack, parent=None, settings: Settings | None = None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = undo_stack
        self.settings = settings if settings is not None else Settings()
        self.day = self.session.today()
        self._highlight_id = None
        self._shown: tuple | None = None  # (business id, day, with cancelled, status, slots)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.title.setWordWrap(True)  # a long date wraps on a small screen, never widens it
        self.day_note = QLabel()  # "Closed — Public holiday", "Special hours …"
        self.day_note.setWordWrap(True)
        self.day_note.setVisible(False)
        self.now_label = QLabel()
        self.show_cancelled = QCheckBox(self.tr("Show cancelled"))
        self.show_cancelled.setToolTip(self.tr("List cancelled bookings, struck through, "
                                               "with the reason on hover"))
        self.show_cancelled.setChecked(self.settings.show_cancelled)
        self.show_cancelled.toggled.connect(self._show_cancelled_toggled)
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
        self.walk_in.card_requested.connect(self.open_customer_card)
        self.walk_in.customer_changed.connect(lambda _customer: self._selection_changed())
        self.card: "object | None" = None  # the customer card opened last

        head = QHBoxLayout()
        head.addWidget(self.title, 1)  # takes the free room; wraps only when there is none
        head.addWidget(self.show_cancelled)
        head.addSpacing(12)
        head.addWidget(self.now_label)
        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.day_note)
        left.addWidget(self.bar)
        left.addWidget(self.tree, 1)
        left.addWidget(self.empty, 1)
        layout = QHBoxLayout(self)
        # the form takes a quarter (250–340 px): the slot's whole text where there is room
        layout.addLayout(left, 3)
        layout.addWidget(self.walk_in, 1)

        self._build_actions()
        self.tree.selectionModel().currentChanged.connect(self._selection_changed)
        session.did_execute.connect(self._on_change)
        session.business_changed.connect(lambda _b: self.refresh())
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._tick)
        self._clock.start(30_000)
        self.refresh()

    # --- actions -----------------------------------------------------------
    def _action(self, text, shortcut, slot, booking_only=True) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        action.setProperty("booking_only", booking_only)
        return action

    def _build_actions(self) -> None:
        self.check_in_action = self._action(self.tr("Check &in"), "Ctrl+I", self.check_in)
        self.complete_action = self._action(self.tr("Mark &completed"), None,
                                            lambda: self.set_status("completed"))
        self.no_show_action = self._action(self.tr("Mark &no-show"), None,
                                           lambda: self.set_status("no_show"))
        self.confirm_action = self._action(self.tr("Con&firm"), None, lambda: self.set_status("confirmed"))
        self.cancel_action = self._action(self.tr("C&ancel booking…"), "Del", self.cancel)
        self.reschedule_action = self._action(self.tr("&Reschedule…"), "Ctrl+R", self.reschedule)
        self.edit_action = self._action(self.tr("&Edit details…"), "Ctrl+E", self.edit_details)
        self.booking_actions = [self.check_in_action, self.confirm_action, self.complete_action,
                                self.no_show_action, self.reschedule_action, self.edit_action,
                                self.cancel_action]
        self.block_action = self._action(self.tr("&Block slot…"), None, lambda: self.set_blocked(True),
                                         booking_only=False)
        self.unblock_action = self._action(self.tr("&Unblock slot"), None, lambda: self.set_blocked(False),
                                           booking_only=False)
        self.owner_actions = [self.block_action, self.unblock_action]
        # F4: the card of the customer picked in the walk-in form when the
        # keyboard is there, else of the selected booking's customer.
        self.customer_card_action = self._action(self.tr("C&ustomer card…"), "F4",
                                                 self.customer_card, booking_only=False)
        for action in self.owner_actions:
            action.setVisible(self.session.is_owner)
        self._selection_changed()

    def _context_menu(self, pos) -> None:
        menu = QMenu(self)
        kind = self.tree.currentIndex().data(ROW_KIND)
        for action in self.booking_actions if kind == "booking" else []:
            menu.addAction(action)
        if kind == "booking":
            menu.addSeparator()
            menu.addAction(self.customer_card_action)
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
            # Confirming a confirmed booking would change nothing.
            self.confirm_action.setEnabled(booking.status != "confirmed")
        self.customer_card_action.setEnabled(
            (booking is not None and booking.customer_id is not None)
            or self.walk_in.customer is not None)
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

    def set_day(self, day: date) -> None:
        self.day = day
        self.refresh()

    def shift_day(self, days: int) -> None:
        self.set_day(self.day + timedelta(days=days))

    def go_today(self) -> None:
        self.set_day(self.session.today())

    def _tick(self) -> None:
        now = utcnow().astimezone(self.session.zone)  # the clock of "Up to date · HH:MM" too
        self.now_label.setText(self.tr("Now {time}").format(time=time_text(now)))

    def _on_change(self, change: Change) -> None:
        """A change this view (or its walk-in form) made is shown already, from
        the rows the operation returned; any other change that concerns the
        business reloads the day, now if shown, else when next shown."""
        business = self.session.business
        if business is None or not change.concerns(business.id):
            return
        if change.initiator in (self, self.walk_in) and change.rows and self._apply(change.rows):
            return
        self.refresh_or_mark()

    def refresh(self) -> None:
        """Reload the day on the worker (one read; the newest request wins); a
        refusal (the database out of reach) shows in the bar and the last
        picture stays."""
        business = self.session.business
        if business is None:
            self.title.setText(self.tr("No business yet"))
            return
        day, cancelled = self.day, self.show_cancelled.isChecked()

        def read():
            return (services.day_status(business, day),
                    desk.day_schedule(business, day, include_cancelled=cancelled))

        self.session.pipeline.read(
            ("day", id(self)), read,
            lambda answer: self._show(business.id, day, cancelled, *answer), self._report, owner=self)

    def _show_cancelled_toggled(self, shown: bool) -> None:
        self.settings.show_cancelled = shown
        self.refresh()

    def _apply(self, rows) -> bool:
        """Show what an operation of this window returned without reading the
        day again; False when the day shown is not the one they belong to."""
        if self._shown is None:
            return False
        business_id, day, cancelled, status, slots = self._shown
        if business_id != self.session.business.id or day != self.day:
            return False
        self._show(business_id, day, cancelled, status, apply_rows(slots, rows, cancelled))
        return True

    def _show(self, business_id: int, day: date, cancelled: bool, status, slots) -> None:
        business = self.session.business
        if business is None or business.id != business_id or day != self.day:
            return  # the desk moved on meanwhile; its own read is coming
        self._shown = (business_id, day, cancelled, status, slots)
        tz = self.session.zone
        self._tick()
        chosen = self.walk_in.chosen_slot_id()  # the walk-in's choice survives the reload
        now = utcnow()
        self.title.setText(self._day_title())
        self._show_day_note(status)
        keep = self.selected_booking()
        keep_slot = self.selected_slot()
        self.model.load(slots, tz, now)
        self.tree.expandAll()
        has_slots = any(slot.listed for slot in slots)
        self.tree.setVisible(has_slots)
        self.empty.setVisible(not has_slots)
        if not has_slots:
            closed = status.kind in ("closed", "holiday")
            if closed:  # generating would make nothing: the hours say closed
                hint = self.tr("Nothing can be booked on this day.")
            elif self.session.is_owner:
                hint = self.tr("No slots on this day — generate slots for it.")
            else:
                hint = self.tr("No slots on this day. Ask an owner to generate slots.")
            said = style.day_status_text(status)
            self.empty_label.setText(self.tr("{status}. {hint}").format(status=said, hint=hint)
                                     if said else hint)
            self.generate_button.setVisible(self.session.is_owner and not closed)
        if self._highlight_id is not None:
            self.select_booking(self._highlight_id)
            self._highlight_id = None
        elif keep is not None:
            self.select_booking(keep.id)
        elif keep_slot is not None:
            index = self.model.index_of_slot(keep_slot.id)
            if index.isValid():
                self.tree.setCurrentIndex(index)
        elif self.model.current_slot_id is not None:
            self.tree.scrollTo(self.model.index_of_slot(self.model.current_slot_id),
                               QAbstractItemView.ScrollHint.PositionAtTop)
        self._selection_changed()
        self._offer_slots(slots, now, style.day_status_text(status), chosen)

    def _day_title(self) -> str:
        """"Tuesday 1 December 2026 · today"."""
        days = (self.day - self.session.today()).days
        title = long_date(self.day)
        if days == 0:
            return self.tr("{day} · today").format(day=title)
        if days == 1:
            return self.tr("{day} · tomorrow").format(day=title)
        return title

    def _show_day_note(self, status) -> None:
        """A holiday, a closed weekday or special hours, said above the day."""
        self.day_note.setText(style.day_status_text(status))
        self.day_note.setVisible(status.kind != "open")
        tone = "full" if status.kind in ("closed", "holiday") else "filling"
        self.day_note.setStyleSheet(f"font-weight: 600; color: {colour(tone).name()};")

    def _offer_slots(self, slots, now, status_text: str, chosen: int | None) -> None:
        """The walk-in offers the day's bookable slots from the rows just read
        (never staler than the last change heard of) and keeps its choice."""
        self.walk_in.show_day(self.day, slots, self.session.zone, now, status_text, chosen)

    # --- walk-in -----------------------------------------------------------
    def start_walk_in(self) -> None:
        """F2: the free slot nearest to now today; when today is full or over,
        the next day that has one, shown and named with its date."""
        business = self.session.business
        if business is None:
            return
        today = self.session.today()

        def find():
            return desk.free_slot_to_offer(business, today)

        self.walk_in.clear()
        self.walk_in.focus_name()  # typing starts at once; the slot follows
        self.session.pipeline.read(("walk-in", id(self)), find,
                                   lambda nxt: self._walk_in_at(nxt, today), self._report, owner=self)

    def _walk_in_at(self, nxt, today: date) -> None:
        tz = self.session.zone
        day = nxt.start.astimezone(tz).date() if nxt is not None else today
        if nxt is not None:
            self.walk_in.preselect(nxt.id)
        self.set_day(day)
        if day != today:
            self.walk_in.message.show_message(
                self.tr("Nothing is free today any more. Next free: {at}.").format(
                    at=when_text(nxt.start, tz)))

    def _booked(self, row: desk.BookingRow, text: str) -> None:
        """The walk-in booked `row`: shown from the row itself when its day
        is shown (the operation's change applied it), else its day is read."""
        self.bar.clear()  # a warning from before is settled by a booking that went through
        self._highlight_id = row.id  # selected when the change is shown, just after this
        booked_day = row.start.astimezone(self.session.zone).date()
        if booked_day != self.day:
            self.set_day(booked_day)  # the slot picked may be on a later day: show it
        self.message.emit(text)
        self.walk_in.focus_name()

    # --- customers -----------------------------------------------------------
    def customer_card(self) -> None:
        """F4: the walk-in's picked customer when typing there (or nothing is
        selected), else the selected booking's customer."""
        picked = self.walk_in.customer
        booking = self.selected_booking()
        focus = QApplication.focusWidget()
        typing = focus is not None and self.walk_in.isAncestorOf(focus)
        if picked is not None and (typing or booking is None or booking.customer_id is None):
            self.open_customer_card(picked.id)
        elif booking is not None and booking.customer_id is not None:
            self.open_customer_card(booking.customer_id)

    def open_customer_card(self, customer_id: int) -> None:
        self.card = show_card(self.session, customer_id, self)
        self.card.saved.connect(self.walk_in.customer_saved)

    # --- booking actions ---------------------------------------------------
    def _report(self, exc: BaseException) -> None:
        self.bar.show_message(describe(exc))

    show_refusal = _report  # where the pipeline says a refusal of this view's ops

    def _run(self, operation, *args, done=None, **kwargs) -> None:
        """Do one undoable action through the pipeline and the window's undo
        stack; `done(outcome)` after it, a refusal said in the bar. A success
        closes an earlier warning."""
        def succeeded(outcome) -> None:
            self.bar.clear()
            if done is not None:
                done(outcome)
        perform(self, operation, *args, **kwargs).success(succeeded).run()

    def check_in(self) -> None:
        booking = self.selected_booking()
        if booking is not None:
            self._run(undo.check_in, booking.id, done=lambda _o: self.message.emit(
                self.tr("{name} checked in.").format(name=booking.customer_name)))

    def set_status(self, status: str) -> None:
        booking = self.selected_booking()
        if booking is not None:
            self._run(undo.set_status, booking.id, status, expected_status=booking.status,
                      done=lambda _o: self.message.emit(style.marked_text(status, booking.customer_name)))

    def cancel(self) -> None:
        booking = self.selected_booking()
        if booking is None or not booking.is_active:
            return
        reason = CancelReasonDialog.ask(
            self.tr("Cancel {ref} for {name}?").format(ref=booking.reference,
                                                      name=booking.customer_name), self)
        if reason is not None:
            self._run(undo.cancel, booking.id, reason, expected_status=booking.status,
                      done=lambda _o: self.message.emit(
                          self.tr("Cancelled {ref}. Ctrl+Z undoes it.").format(
                              ref=booking.reference)))

    def reschedule(self) -> None:
        booking = self.selected_booking()
        if booking is None:
            return
        from ..dialogs.reschedule_dialog import RescheduleDialog
        slot_id = RescheduleDialog.ask(self.session, booking, self)
        if slot_id is None:
            return

        def say(row) -> None:
            self.message.emit(self.tr("Moved {ref} to {when}.").format(
                ref=booking.reference, when=when_text(row.start, self.session.zone)))

        self._run(undo.reschedule, booking.id, slot_id, expected_slot=booking.slot_id,
                  done=lambda outcome: with_row(self.session, outcome, booking.id, say))

    def edit_details(self) -> None:
        booking = self.selected_booking()
        if booking is None:
            return
        from ..dialogs.details_dialog import EditDetailsDialog

        def save(changes: dict, expected: dict):  # the dialog runs it; a refusal stays there
            return perform(self, undo.edit_details, booking.id, changes, expected=expected)

        if EditDetailsDialog.ask(self.session, booking, self, save=save):
            self.bar.clear()
            self.message.emit(self.tr("Saved the details of {ref}.").format(
                ref=booking.reference))

    def set_blocked(self, blocked: bool) -> None:
        slot = self.selected_slot()
        if slot is None:
            return
        when = slot_when(slot.start, slot.end, self.session.zone)
        reason = ""
        if blocked:
            reason = BlockReasonDialog.ask(self.tr("Why is {when} blocked?").format(when=when),
                                           self)
            if reason is None:
                return
        self._run(undo.set_blocked, slot.id, blocked, reason, expected_blocked=slot.is_blocked,
                  done=lambda _o: self.message.emit((self.tr("Blocked {when}.") if blocked else
                                                     self.tr("Unblocked {when}.")).format(when=when)))

    def generate_slots(self) -> None:
        counts = GenerateSlotsDialog.ask(self.session, self.day, self)
        if counts is not None:
            self.message.emit(self.tr("Generated %n slot(s).", "", counts["created"]))
