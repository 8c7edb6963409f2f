"""Correcting a booking's contact details and notes.

The dialog saves through the `save(changes, expected)` its caller gives (an
undoable command: it returns the pipeline's `Op`, which the dialog runs and
waits for without freezing), so a refusal (a malformed email, the new phone already
booked in that slot, another desk's edit meanwhile) is shown in the dialog
next to the fields and the typing is not lost.
"""
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...errors import InvalidInput
from ...services.desk import BookingRow
from ..errors import describe


class EditDetailsDialog(QDialog):
    def __init__(self, session, booking: BookingRow, parent: QWidget | None = None, *,
                 save: Callable[[dict, dict], object]):
        super().__init__(parent)
        self.session = session
        self.booking = booking
        self._save = save
        self.saved: dict | None = None  # the changes saved
        self.setWindowTitle(self.tr("Edit details — {ref}").format(ref=booking.reference))

        self.name_edit = QLineEdit(booking.customer_name)
        self.email_edit = QLineEdit(booking.customer_email or "")
        self.phone_edit = QLineEdit(booking.customer_phone or "")
        self.notes_edit = QPlainTextEdit(booking.notes)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(80)
        self.email_edit.setPlaceholderText(self.tr("optional"))
        self.phone_edit.setPlaceholderText(self.tr("optional"))
        self._fields = {"customer_name": self.name_edit, "customer_email": self.email_edit,
                        "customer_phone": self.phone_edit, "notes": self.notes_edit}

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("QLabel { color: white; background: #b3261e; "
                                       "padding: 6px; border-radius: 3px; }")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name_edit)
        form.addRow(self.tr("&Email"), self.email_edit)
        form.addRow(self.tr("&Phone"), self.phone_edit)
        form.addRow(self.tr("N&otes"), self.notes_edit)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    @classmethod
    def ask(cls, session, booking: BookingRow, parent: QWidget | None = None, *,
            save: Callable[[dict, dict], object]) -> dict | None:
        """Show the dialog; the changes `save(changes, expected)` saved, or None
        (`expected`: the values the dialog started from)."""
        dialog = cls(session, booking, parent, save=save)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.saved if accepted else None

    def changes(self) -> dict:
        """Only what was edited, so unchanged fields are neither re-checked
        nor recorded in the audit log."""
        b = self.booking
        typed = {"customer_name": self.name_edit.text().strip(),
                 "customer_email": self.email_edit.text().strip(),
                 "customer_phone": self.phone_edit.text().strip(),
                 "notes": self.notes_edit.toPlainText().strip()}
        before = {"customer_name": b.customer_name, "customer_email": b.customer_email or "",
                  "customer_phone": b.customer_phone or "", "notes": b.notes.strip()}
        return {k: v for k, v in typed.items() if v != before[k]}

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            self.accept()
            return
        expected = {field: getattr(self.booking, field) for field in changes}
        op = self._save(changes, expected)
        if op is None:  # saved already (a caller without the pipeline)
            self._saved(changes)
            return
        op.busy(self._busy).success(lambda _outcome: self._saved(changes)) \
            .failure(self.show_error).run()

    def _busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)

    def _saved(self, changes: dict) -> None:
        self.saved = changes
        self.accept()

    def show_error(self, exc: BaseException) -> None:
        self.error_label.setText(describe(exc))
        self.error_label.show()
        field = self._fields.get(getattr(exc, "field", None)) if isinstance(exc, InvalidInput) \
            else None
        if field is not None:
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()
