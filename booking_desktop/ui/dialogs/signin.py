"""Sign-in: the person at the desk says who they are; their role decides what
they can reach, and every action is recorded under their name."""
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout

from ... import services
from ..errors import APP_TITLE, describe, error_label


class SignInDialog(QDialog):
    def __init__(self, username: str = "", parent=None):
        super().__init__(parent)
        self.user = None
        self.setWindowTitle(self.tr("Sign in — {app}").format(app=APP_TITLE))
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("&Username"), self.username)
        form.addRow(self.tr("&Password"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign in"))
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(340)

    def sign_in(self) -> None:
        try:
            self.user = services.authenticate(self.username.text(), self.password.text())
        except Exception as exc:
            self.error.setText(describe(exc))
            self.error.setVisible(True)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()

    @classmethod
    def ask(cls, username: str = "", parent=None):
        dialog = cls(username, parent)
        return dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None
