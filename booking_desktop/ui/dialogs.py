"""Small dialogs with an `ask()` classmethod that tests can monkeypatch."""
from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from .. import services
from ..errors import BookingError
from .errors import describe


class CancelReasonDialog(QDialog):
    """Asks why a booking is cancelled (may stay empty)."""

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Cancel booking"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. customer called, ill"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Cancel booking"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Keep it"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(what))
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, what: str, parent=None) -> str | None:
        dialog = cls(what, parent)
        return dialog.reason.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class GenerateSlotsDialog(QDialog):
    """Owner tool: slots from the business hours for a range of days."""

    def __init__(self, session, first: date, parent=None):
        super().__init__(parent)
        self.session = session
        self.result_counts = None
        self.setWindowTitle(self.tr("Generate slots"))
        self.first = QDateEdit(to_qdate(first))
        self.last = QDateEdit(to_qdate(first + timedelta(days=27)))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
        self.duration = QSpinBox()
        self.duration.setRange(5, 720)
        self.duration.setValue(30)
        self.duration.setSuffix(self.tr(" min"))
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 1000)
        self.buffer = QSpinBox()
        self.buffer.setRange(0, 240)
        self.buffer.setSuffix(self.tr(" min"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        form = QFormLayout()
        form.addRow(self.tr("From"), self.first)
        form.addRow(self.tr("To"), self.last)
        form.addRow(self.tr("Slot length"), self.duration)
        form.addRow(self.tr("Places per slot"), self.capacity)
        form.addRow(self.tr("Break between slots"), self.buffer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Generate"))
        buttons.accepted.connect(self.generate)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def generate(self) -> None:
        try:
            self.result_counts = services.generate_time_slots(
                self.session.business, from_qdate(self.first.date()), from_qdate(self.last.date()),
                slot_duration_minutes=self.duration.value(), max_capacity=self.capacity.value(),
                buffer_minutes=self.buffer.value(), by=self.session.user)
        except BookingError as exc:
            self.error.setText(describe(exc))
            self.error.setVisible(True)
            return
        self.session.notify_changed()
        self.accept()

    @classmethod
    def ask(cls, session, first: date, parent=None) -> dict | None:
        dialog = cls(session, first, parent)
        return dialog.result_counts if dialog.exec() == QDialog.DialogCode.Accepted else None
