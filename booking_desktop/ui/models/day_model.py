"""The front desk's day: slots as rows, their bookings as children."""
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from ...errors import QT_TRANSLATE_NOOP
from ...services.desk import BookingRow, SlotRow
from .. import status_style as style
from ..formats import time_range

ROW_KIND = Qt.ItemDataRole.UserRole + 1   # "slot" | "booking"
ROW_ID = Qt.ItemDataRole.UserRole + 2     # slot id or booking id
ROW_DATA = Qt.ItemDataRole.UserRole + 3   # the SlotRow / BookingRow
FILL = Qt.ItemDataRole.UserRole + 4       # (current, capacity) for the fill bar

COLUMNS = (QT_TRANSLATE_NOOP("DayScheduleModel", "Time"),
           QT_TRANSLATE_NOOP("DayScheduleModel", "Places"),
           QT_TRANSLATE_NOOP("DayScheduleModel", "Customer"),
           QT_TRANSLATE_NOOP("DayScheduleModel", "Phone"),
           QT_TRANSLATE_NOOP("DayScheduleModel", "Email"),
           QT_TRANSLATE_NOOP("DayScheduleModel", "Status"))


def booking_status_text(row: BookingRow) -> str:
    if row.checked_in_at is not None and row.is_active:
        return "✓ " + style.status_label("checked_in")
    return style.status_label(row.status)


def apply_rows(slots: list[SlotRow], rows, include_cancelled: bool) -> list[SlotRow]:
    """The day's slots after an operation that returned `rows` (the bookings
    it touched, as they are now): each booking leaves the slot it was in and
    joins the one it is in now, and each slot's count of active bookings
    moves with it, as the database's did. No read."""
    changed = {row.id: row for row in rows}
    result = []
    for slot in slots:
        count = slot.current_bookings
        kept = []
        for booking in slot.bookings:
            if booking.id in changed:
                count -= booking.is_active
            else:
                kept.append(booking)
        for row in changed.values():
            if row.slot_id == slot.id:
                count += row.is_active
                if row.status != "cancelled" or include_cancelled:
                    kept.append(row)
        kept.sort(key=lambda b: (b.created_at, b.id))
        result.append(replace(slot, bookings=tuple(kept), current_bookings=max(0, count)))
    return result


class DayScheduleModel(QStandardItemModel):
    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(
            [QCoreApplication.translate("DayScheduleModel", c) for c in COLUMNS])
        self.current_slot_id: int | None = None

    def load(self, slots: list[SlotRow], tz: ZoneInfo, now: datetime) -> None:
        self.removeRows(0, self.rowCount())
        self.current_slot_id = None
        dim = QApplication.palette().color(QPalette.ColorGroup.Disabled,
                                           QPalette.ColorRole.Text)
        for slot in filter(lambda s: s.listed, slots):
            state = slot.state(now)
            if state == "started" and self.current_slot_id is None:
                self.current_slot_id = slot.id
            items = self._slot_items(slot, state, tz)
            if state == "past":
                for item in items:
                    item.setForeground(QBrush(dim))
            for booking in slot.bookings:
                items[0].appendRow(self._booking_items(booking, dim if state == "past" else None))
            self.appendRow(items)

    def _slot_items(self, slot: SlotRow, state: str, tz: ZoneInfo) -> list[QStandardItem]:
        start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
        label = style.slot_state_label(state)
        if state in ("started", "past") and slot.is_full:
            label = self.tr("{state}, full").format(state=label)
        if state == "blocked" and slot.block_reason:
            label = self.tr("Blocked: {reason}").format(reason=slot.block_reason)
        items = [QStandardItem(time_range(start, end)),
                 QStandardItem(f"{slot.current_bookings}/{slot.max_capacity}"),
                 QStandardItem(label), QStandardItem(""), QStandardItem(""), QStandardItem("")]
        if state != "past":
            items[2].setForeground(QBrush(style.colour(state)))
        items[2].setIcon(style.slot_state_icon(state))
        if state == "started":
            font = QFont()
            font.setBold(True)
            for item in items:
                item.setFont(font)
        items[1].setData((slot.current_bookings, slot.max_capacity, state), FILL)
        tip = self.tr("{time} · {booked} of %n place(s) booked · {state}", "",
                      slot.max_capacity).format(time=time_range(start, end),
                                                booked=slot.current_bookings, state=label)
        if slot.closed_reason:  # kept for its bookings, closed to new ones
            tip += "\n" + self.tr("{reason}; bookings already made stay.").format(
                reason=style.closed_reason_text(slot.closed_reason))
        for item in items:
            item.setEditable(False)
            item.setData("slot", ROW_KIND)
            item.setData(slot.id, ROW_ID)
            item.setData(slot, ROW_DATA)
            item.setToolTip(tip)
        return items

    def _booking_items(self, row: BookingRow, dim) -> list[QStandardItem]:
        items = [QStandardItem(row.reference), QStandardItem(""),
                 QStandardItem(row.customer_name), QStandardItem(row.customer_phone or ""),
                 QStandardItem(row.customer_email or ""), QStandardItem(booking_status_text(row))]
        items[5].setIcon(style.status_icon(row.status, row.checked_in_at is not None))
        struck = items[:5] if row.status == "cancelled" else \
            [items[2]] if row.status == "no_show" else []
        if struck:
            font = QFont()
            font.setStrikeOut(True)
            for item in struck:
                item.setFont(font)
        if row.status == "cancelled":
            why = (self.tr("Cancelled: {reason}").format(reason=row.cancel_reason)
                   if row.cancel_reason else self.tr("Cancelled (no reason given)"))
            tip = why + (f"\n{row.notes}" if row.notes else "")
            for item in items:
                item.setToolTip(tip)
            dim = dim if dim is not None else style.colour("cancelled")
        elif row.notes:
            items[2].setToolTip(row.notes)
        for item in items:
            item.setEditable(False)
            item.setData("booking", ROW_KIND)
            item.setData(row.id, ROW_ID)
            item.setData(row, ROW_DATA)
            if dim is not None:
                item.setForeground(QBrush(dim))
        return items

    def bookings(self) -> list[BookingRow]:
        """Every booking the day lists, in list order."""
        return [self.item(r, 0).child(c, 0).data(ROW_DATA)
                for r in range(self.rowCount()) for c in range(self.item(r, 0).rowCount())]

    def index_of_booking(self, booking_id: int) -> QModelIndex:
        for r in range(self.rowCount()):
            slot = self.item(r, 0)
            for c in range(slot.rowCount()):
                if slot.child(c, 0).data(ROW_ID) == booking_id:
                    return slot.child(c, 0).index()
        return QModelIndex()

    def index_of_slot(self, slot_id: int) -> QModelIndex:
        for r in range(self.rowCount()):
            if self.item(r, 0).data(ROW_ID) == slot_id:
                return self.item(r, 0).index()
        return QModelIndex()
