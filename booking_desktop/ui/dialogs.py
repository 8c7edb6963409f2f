"""Small dialogs with an `ask()` classmethod that tests can monkeypatch."""
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)



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


class BlockReasonDialog(QDialog):
    """Asks why a time slot is blocked ("staff meeting"; may stay empty)."""

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Block slot"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("e.g. staff meeting, repairs"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Block"))
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
        """The reason typed, or None when the owner changed their mind."""
        dialog = cls(what, parent)
        return dialog.reason.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def __getattr__(name):
    # The slot tools moved to slots_dialog.py (generation with a preview and
    # progress); imported lazily as that module uses the helpers above.
    if name == "GenerateSlotsDialog":
        from .slots_dialog import GenerateSlotsDialog
        return GenerateSlotsDialog
    raise AttributeError(name)
