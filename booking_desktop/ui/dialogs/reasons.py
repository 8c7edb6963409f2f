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


class _ReasonDialog(QDialog):
    """Asks for a reason (which may stay empty) for `what` is about to happen;
    a subclass says its title, hint and buttons in `_texts()`."""

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        title, hint, ok_text, cancel_text = self._texts()
        self.setWindowTitle(title)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        if cancel_text:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(what))
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _texts(self) -> tuple[str, str, str, str | None]:
        raise NotImplementedError

    @classmethod
    def ask(cls, what: str, parent=None) -> str | None:
        """The reason typed, or None when the person changed their mind."""
        dialog = cls(what, parent)
        return dialog.reason.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


class CancelReasonDialog(_ReasonDialog):
    """Asks why a booking is cancelled."""

    def _texts(self):
        return (self.tr("Cancel booking"), self.tr("e.g. customer called, ill"),
                self.tr("Cancel booking"), self.tr("Keep it"))


class BlockReasonDialog(_ReasonDialog):
    """Asks why a time slot is blocked ("staff meeting")."""

    def _texts(self):
        return (self.tr("Block slot"), self.tr("e.g. staff meeting, repairs"), self.tr("Block"),
                None)


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
