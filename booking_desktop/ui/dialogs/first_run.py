"""First run on an empty database: the business, its hours, four weeks of
slots and the owner account, so a new user reaches a working front desk
without the command line."""
import logging

import tzlocal

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ... import services
from ...errors import QT_TRANSLATE_NOOP, InvalidInput
from ...services import validation
from ..errors import describe, error_label

log = logging.getLogger(__name__)

TEMPLATE_LABELS = {  # translated when shown, in context FirstRunDialog
    "weekday_9to5": QT_TRANSLATE_NOOP("FirstRunDialog", "Mon–Fri 09:00–17:00"),
    "weekday_9to5_lunch": QT_TRANSLATE_NOOP("FirstRunDialog",
                                            "Mon–Fri 09:00–17:00, lunch 12:00–13:00"),
    "weekday_8to6": QT_TRANSLATE_NOOP("FirstRunDialog", "Mon–Fri 08:00–18:00"),
    "everyday_10to6": QT_TRANSLATE_NOOP("FirstRunDialog", "Every day 10:00–18:00"),
    "weekend_10to4": QT_TRANSLATE_NOOP("FirstRunDialog", "Sat–Sun 10:00–16:00"),
    "weekday_9to5_sat_9to1": QT_TRANSLATE_NOOP("FirstRunDialog",
                                               "Mon–Fri 09:00–17:00, Sat 09:00–13:00"),
}


def local_timezone_name() -> str:
    """This machine's IANA zone (tzlocal reads it on Linux, macOS and
    Windows, where there is no /etc/localtime), or UTC when it cannot be told."""
    try:
        name = tzlocal.get_localzone_name() or ""
    except Exception:  # tzlocal warns or fails on a broken set-up: fall back to UTC
        log.warning("could not tell this computer's time zone", exc_info=True)
        name = ""
    try:
        return validation.timezone_name(name)
    except InvalidInput:
        return "UTC"


class FirstRunDialog(QDialog):
    """`with_owner=False` when accounts exist but no business does yet. On a
    new database it also offers to join a business whose database is on a
    server (`joined`: that database's address)."""

    def __init__(self, with_owner: bool = True, owner=None, parent=None):
        super().__init__(parent)
        self.with_owner = with_owner
        self.owner = owner
        self.business = None
        self.joined: str | None = None
        self.setWindowTitle(self.tr("Welcome to Booking Desktop"))
        intro = QLabel(self.tr("<b>Set up a new business</b> below. Everything can be changed "
                               "later."))
        intro.setWordWrap(True)
        self.join_button = QPushButton(self.tr("&Join a business on a server…"))
        self.join_button.setToolTip(self.tr("Another desk already works on a shared database: "
                                            "connect this computer to it."))
        self.join_button.clicked.connect(self.join)
        choice = QHBoxLayout()
        choice.addWidget(intro, 1)
        choice.addWidget(self.join_button)
        self.join_button.setVisible(with_owner)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Salon Anna"))
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        zones = validation.timezone_names()
        self.timezone.addItems(zones)
        self.timezone.setCurrentText(local_timezone_name())
        self.timezone.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.template = QComboBox()
        for key, label in TEMPLATE_LABELS.items():
            self.template.addItem(QCoreApplication.translate("FirstRunDialog", label), key)
        self.duration = QSpinBox()
        self.duration.setRange(5, 720)
        self.duration.setValue(30)
        self.duration.setSuffix(self.tr(" min"))
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 1000)
        self.username = QLineEdit("owner")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()

        form = QFormLayout()
        form.addRow(self.tr("Business &name"), self.name)
        form.addRow(self.tr("&Time zone"), self.timezone)
        form.addRow(self.tr("Opening &hours"), self.template)
        form.addRow(self.tr("Slot &length"), self.duration)
        form.addRow(self.tr("&Places per slot"), self.capacity)
        if with_owner:
            form.addRow(QLabel(self.tr("<b>Owner account</b>")))
            form.addRow(self.tr("&Username"), self.username)
            form.addRow(self.tr("Pass&word"), self.password)
            form.addRow(self.tr("&Repeat password"), self.repeat)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(choice)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.name.setFocus()

    def _fail(self, exc: BaseException) -> None:
        self.error.setText(describe(exc))
        self.error.setVisible(True)

    def create(self) -> None:
        try:
            if self.with_owner and self.password.text() != self.repeat.text():
                raise InvalidInput(self.tr("The two passwords differ."), field="password")
            self.owner, business = services.set_up_business(
                self.name.text(), self.timezone.currentText(), self.template.currentData(),
                self.duration.value(), self.capacity.value(),
                username=self.username.text(), password=self.password.text(),
                owner=None if self.with_owner else self.owner)
        except Exception as exc:
            self._fail(exc)
            return
        self.business = business
        self.accept()

    def join(self) -> None:
        from .connect_dialog import ConnectDialog
        url = ConnectDialog.ask(self)
        if url is not None:
            self.joined = url
            self.accept()

    @classmethod
    def ask(cls, with_owner: bool = True, owner=None, parent=None):
        """(owner, business) once set up; the address of a server's database
        (a str) when the person chose to join it; else None."""
        dialog = cls(with_owner, owner, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.joined or (dialog.owner, dialog.business)
        return None
