"""Choosing a new slot for a booking: only slots that can take it now.

The list shows the business's available slots over the next 14 days, with a
header line per local day and the slots' local times beneath; arrow keys
skip the headers, Enter picks. The dialog only chooses: the caller
reschedules, so a slot that filled up in the meantime is refused there by
the rules and reported.
"""
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...clock import utcnow
from ...services import desk
from ...services.desk import BookingRow
from ...services.slots import zone
from ..models.bookings_model import day_text, time_text
from ..errors import describe

DAYS_AHEAD = 14
SLOT_ROLE = Qt.ItemDataRole.UserRole + 1


class RescheduleDialog(QDialog):
    def __init__(self, session, booking: BookingRow, parent: QWidget | None = None,
                 now: datetime | None = None):
        super().__init__(parent)
        self.session = session
        self.booking = booking
        self.now = now
        # The reference in the title (short, never clipped); the name in the text.
        self.setWindowTitle(self.tr("Reschedule {ref}").format(ref=booking.reference))

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.slot_list = QListWidget()
        self.slot_list.setMinimumSize(360, 320)
        self.slot_list.itemActivated.connect(self._picked)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Move here"))
        self.buttons.accepted.connect(self._accept_current)
        self.buttons.rejected.connect(self.reject)
        self.slot_list.currentItemChanged.connect(self._update_ok)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.slot_list)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.buttons)
        self._load()

    @classmethod
    def ask(cls, session, booking: BookingRow, parent: QWidget | None = None,
            now: datetime | None = None) -> int | None:
        """The id of the slot chosen for `booking`, or None when cancelled."""
        dialog = cls(session, booking, parent, now=now)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.selected_slot_id()
        return None

    def selected_slot_id(self) -> int | None:
        item = self.slot_list.currentItem()
        return item.data(SLOT_ROLE) if item is not None else None

    def _load(self) -> None:
        """The free slots, read on the worker; Move here waits for them."""
        business_id, now = self.booking.business_id, self.now
        self.intro.setText(self.tr("Looking for free times…"))
        self.ok_button.setEnabled(False)

        def read():
            # The booking's own business (the view may show another one).
            business = services.get_business(business_id)
            tz = zone(business)
            today = (now or utcnow()).astimezone(tz).date()
            return tz, desk.free_slots(business, today, today + timedelta(days=DAYS_AHEAD - 1),
                                       now=now)

        self.session.pipeline.read(("reschedule", id(self)), read, self._show,
                                   lambda exc: self._show_empty(describe(exc)), owner=self)

    def _show(self, answer) -> None:
        tz, slots = answer
        self.intro.setText(self.tr("{name} — now: {day} {time}. Choose a free time in the next "
                                   "%n day(s).", "", DAYS_AHEAD)
                           .format(name=self.booking.customer_name,
                                   day=day_text(self.booking.start, tz),
                                   time=time_text(self.booking.start, tz)))
        slots = [s for s in slots if s.id != self.booking.slot_id]
        if not slots:
            self._show_empty(self.tr("No free time in the next %n day(s). Generate more slots "
                                     "in Hours, or unblock one.", "", DAYS_AHEAD))
            return
        heading_font = QFont(self.slot_list.font())
        heading_font.setBold(True)
        text_brush = QGuiApplication.palette().brush(QPalette.ColorRole.WindowText)
        last_day = None
        for s in slots:
            day = day_text(s.start, tz)
            if day != last_day:
                heading = QListWidgetItem(day)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)  # keys and clicks pass over it
                heading.setFont(heading_font)
                heading.setForeground(text_brush)
                self.slot_list.addItem(heading)
                last_day = day
            free = s.max_capacity - s.current_bookings
            label = self.tr("{start}–{end}   {free} of %n free", "", s.max_capacity).format(
                start=time_text(s.start, tz), end=time_text(s.end, tz), free=free)
            item = QListWidgetItem("    " + label)
            item.setData(SLOT_ROLE, s.id)
            item.setToolTip(self.tr("{day} {time}").format(day=day, time=time_text(s.start, tz)))
            self.slot_list.addItem(item)
        self.slot_list.setCurrentRow(1)  # the first slot, under its day
        self.slot_list.setFocus()

    def _show_empty(self, text: str) -> None:
        self.slot_list.hide()
        self.empty_label.setText(text)
        self.empty_label.show()
        self.ok_button.setEnabled(False)

    def _update_ok(self, *_):
        self.ok_button.setEnabled(self.selected_slot_id() is not None)

    def _picked(self, item: QListWidgetItem) -> None:
        if item.data(SLOT_ROLE) is not None:
            self.accept()

    def _accept_current(self) -> None:
        if self.selected_slot_id() is not None:
            self.accept()
