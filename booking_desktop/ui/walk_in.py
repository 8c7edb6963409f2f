"""The walk-in form: F2, type a name, Enter. Email and phone are optional."""
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from .. import services
from ..errors import BookingError, DuplicateBooking, SlotBlocked, SlotFull, SlotInPast
from ..services import desk
from .commands import CreateBookingCommand, perform
from .errors import describe
from .message_bar import MessageBar

SOURCES = (("walk_in", "Walk-in"), ("phone", "Phone"), ("online", "Online"), ("other", "Other"))


def slot_label(slot, tz: ZoneInfo, with_date: bool = False) -> str:
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    free = slot.max_capacity - slot.current_bookings
    day = f"{start:%a %d %b} " if with_date else ""
    places = "1 place free" if free == 1 else f"{free} places free"
    return f"{day}{start:%H:%M}–{end:%H:%M} · {places}"


class WalkInForm(QGroupBox):
    booked = Signal(int, str)  # booking id, status-bar message

    def __init__(self, session, undo_stack, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Walk-in or phone booking (F2)"))
        self.session = session
        self.undo_stack = undo_stack
        self._suggestions: dict[str, desk.Customer] = {}

        self.slot = QComboBox()
        self.slot.setToolTip(self.tr("Ctrl+↑ / Ctrl+↓ pick another slot while typing"))
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Customer name (required)"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("optional"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("optional"))
        self.source = QComboBox()
        for key, label in SOURCES:
            self.source.addItem(self.tr(label), key)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("optional"))
        self.book_button = QPushButton(self.tr("Book  (Enter)"))
        self.book_button.setDefault(True)
        self.message = MessageBar()

        form = QFormLayout()
        form.addRow(self.tr("&Slot"), self.slot)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Phone"), self.phone)
        form.addRow(self.tr("E&mail"), self.email)
        form.addRow(self.tr("Sou&rce"), self.source)
        form.addRow(self.tr("No&tes"), self.notes)  # Alt+O is the Owner menu
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.book_button)
        layout.addStretch(1)

        self._completer_model = QStringListModel(self)
        completer = QCompleter(self._completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.activated.connect(self._use_suggestion)
        self.name.setCompleter(completer)
        self.name.textEdited.connect(self._suggest)

        for field in (self.name, self.phone, self.email, self.notes):
            field.returnPressed.connect(self.book)
        self.book_button.clicked.connect(self.book)
        for keys, step in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.move_slot(step))

    # --- slots -------------------------------------------------------------
    def set_slots(self, slots, tz: ZoneInfo, keep_id: int | None = None) -> None:
        """Offer `slots` (free, bookable, in time order); keep the chosen one."""
        keep_id = keep_id if keep_id is not None else self.slot.currentData()
        today = datetime.now(tz).date()
        self.slot.blockSignals(True)
        self.slot.clear()
        for slot in slots:
            with_date = slot.start.astimezone(tz).date() != today
            self.slot.addItem(slot_label(slot, tz, with_date), slot.id)
        index = self.slot.findData(keep_id) if keep_id is not None else -1
        self.slot.setCurrentIndex(index if index >= 0 else 0)
        self.slot.blockSignals(False)
        empty = not slots
        self.slot.setEnabled(not empty)
        self.book_button.setEnabled(not empty)
        if empty:
            self.slot.addItem(self.tr("No free slot on this day"))

    def select_slot(self, slot_id: int) -> bool:
        index = self.slot.findData(slot_id)
        if index >= 0:
            self.slot.setCurrentIndex(index)
        return index >= 0

    def move_slot(self, step: int) -> None:
        count = self.slot.count()
        if count:
            self.slot.setCurrentIndex(max(0, min(count - 1, self.slot.currentIndex() + step)))

    # --- typeahead ---------------------------------------------------------
    def _suggest(self, text: str) -> None:
        try:
            customers = desk.customer_suggestions(text, self.session.business)
        except BookingError:
            customers = []
        self._suggestions = {c.label(): c for c in customers}
        self._completer_model.setStringList(list(self._suggestions))

    def _use_suggestion(self, label: str) -> None:
        customer = self._suggestions.get(label)
        if customer is None:
            return
        self.name.setText(customer.name)
        self.phone.setText(customer.phone or "")
        self.email.setText(customer.email or "")

    # --- booking -----------------------------------------------------------
    def clear(self) -> None:
        for field in (self.name, self.phone, self.email, self.notes):
            field.clear()
        self.source.setCurrentIndex(0)
        self.message.clear()

    def focus_name(self) -> None:
        self.name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.name.selectAll()

    def book(self) -> None:
        slot_id = self.slot.currentData()
        if slot_id is None:
            self.message.show_message(self.tr("There is no free slot to book on this day."))
            return
        fields = {"customer_name": self.name.text(), "customer_email": self.email.text() or None,
                  "customer_phone": self.phone.text() or None,
                  "source": self.source.currentData(), "notes": self.notes.text()}
        command = CreateBookingCommand(self.session, self._report, slot_id, fields)
        if perform(self.undo_stack, command):
            booking = desk.booking_row(command.booking.id)
            tz = ZoneInfo(self.session.business.timezone)
            start = booking.start.astimezone(tz)
            text = self.tr("Booked {ref} for {name} at {time}.").format(
                ref=booking.reference, name=booking.customer_name, time=f"{start:%H:%M}")
            self.clear()
            self.booked.emit(booking.id, text)

    def _report(self, exc: BaseException) -> None:
        text = describe(exc)
        field = getattr(exc, "field", None)
        widget = {"customer_name": self.name, "customer_email": self.email,
                  "customer_phone": self.phone, "notes": self.notes}.get(field)
        if isinstance(exc, (SlotFull, SlotInPast, SlotBlocked)):
            try:
                alternative = services.next_free_slot(self.session.business)
            except BookingError:
                alternative = None
            if alternative is not None and alternative.id != self.slot.currentData():
                tz = ZoneInfo(self.session.business.timezone)
                at = f"{alternative.start.astimezone(tz):%H:%M}"
                self.message.show_message(
                    self.tr("{why} Next free: {at}.").format(why=text, at=at),
                    self.tr("Book {at} instead").format(at=at),
                    lambda: self._book_instead(alternative.id))
                return
        self.message.show_message(text)
        if isinstance(exc, DuplicateBooking):
            widget = self.email if self.email.text() else self.phone
        if widget is not None:
            widget.setFocus()
            widget.selectAll()

    def _book_instead(self, slot_id: int) -> None:
        self.session.notify_changed()  # refresh the offered slots first
        if not self.select_slot(slot_id):
            tz = ZoneInfo(self.session.business.timezone)
            slot = services.get_slot(slot_id)
            self.slot.insertItem(0, slot_label(slot, tz, True), slot.id)
            self.slot.setCurrentIndex(0)
        self.book()
