"""File → Connect to a shared database…: where the business's PostgreSQL
server is, tested before anything changes, in words a receptionist can act
on (server not found or not answering, wrong user or password, no such
database, not a Booking Desktop database, a newer version's). The test runs
on a worker thread: a server that does not answer takes up to five seconds.

The dialog only chooses: it returns the address (with the password); the
app opens it, remembers it for this computer and keeps the password in the
system keyring (config.remember_database).
"""
from urllib.parse import unquote, urlsplit

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ... import config, services
from ..errors import describe, error_label
from ..tasks import DEFAULT_RUNNER, Task


class ConnectDialog(QDialog):
    def __init__(self, parent=None, initial: str | None = None, problem: str | None = None,
                 runner=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to a shared database"))
        self.runner = runner or DEFAULT_RUNNER
        self.url: str | None = None  # the chosen address, once accepted
        self.probe = None  # what the last test found, for `_tested_url`
        self._tested_url: str | None = None
        self._task: Task | None = None
        self._query = ""  # extra settings of a remembered address (sslmode, …), kept as they are

        intro = QLabel(self.tr(
            "Several desks share one database on a server. Ask whoever set up the server for "
            "these details."))
        intro.setWordWrap(True)
        self.host = QLineEdit()
        self.host.setPlaceholderText(self.tr("e.g. office-server or 192.168.1.20"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(config.DEFAULT_PG_PORT)
        self.database = QLineEdit()
        self.database.setPlaceholderText(self.tr("e.g. bookings"))
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("&Server"), self.host)
        form.addRow(self.tr("P&ort"), self.port)
        form.addRow(self.tr("&Database"), self.database)
        form.addRow(self.tr("&User"), self.user)
        form.addRow(self.tr("Pass&word"), self.password)

        self.keyring_note = QLabel(self.tr(
            "This computer has no system keyring, so the password cannot be remembered "
            "safely: the app will ask for it each time it starts. It is never written to a "
            "file."))
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(not config.keyring_available())
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.error = error_label()

        self.test_button = QPushButton(self.tr("&Test connection"))
        self.test_button.clicked.connect(lambda: self._test(then_connect=False))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText(self.tr("&Connect"))
        self.buttons.accepted.connect(self._connect)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        row.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.keyring_note)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.setMinimumWidth(480)
        for field in (self.host, self.database, self.user, self.password):
            field.textEdited.connect(self._edited)
        self.port.valueChanged.connect(self._edited)
        if initial:
            self._fill(initial)
        if problem:
            self._show_error(problem)
        first_empty = next((f for f in (self.host, self.database, self.user, self.password)
                            if not f.text()), self.password)
        first_empty.setFocus()

    # --- the address -----------------------------------------------------------
    def _fill(self, url: str) -> None:
        parts = urlsplit(url)
        if not parts.scheme.startswith("postgres"):
            return
        self.host.setText(parts.hostname or "")
        self.port.setValue(parts.port or config.DEFAULT_PG_PORT)
        self.database.setText(unquote(parts.path.lstrip("/")))
        self.user.setText(unquote(parts.username or ""))
        self.password.setText(config.password_of(url) or "")
        self._query = parts.query

    def address(self) -> str:
        """The address the fields give, password included."""
        return config.postgres_url(self.host.text(), self.port.value(), self.database.text(),
                                   self.user.text(), self.password.text() or None, self._query)

    def _missing(self) -> str | None:
        for field, label in ((self.host, self.tr("the server")),
                             (self.database, self.tr("the database")),
                             (self.user, self.tr("the user"))):
            if not field.text().strip():
                field.setFocus()
                return self.tr("Fill in {what}.").format(what=label)
        return None

    # --- testing -----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._task is not None

    def _edited(self, *_args) -> None:
        self._tested_url = None
        self.connect_button.setText(self.tr("&Connect"))

    def _test(self, then_connect: bool) -> None:
        if self.busy:
            return
        missing = self._missing()
        if missing:
            self._show_error(missing)
            return
        url = self.address()
        self.error.setVisible(False)
        self._show_status(self.tr("Testing the connection to {host}…").format(
            host=self.host.text().strip()))
        for widget in (self.test_button, self.connect_button):
            widget.setEnabled(False)
        # Held by the dialog until it answers (its answer is queued to this
        # thread); an answer that comes after Cancel or a newer test is dropped.
        task = self._task = Task(lambda progress, cancelled: services.probe_database(url))
        task.finished.connect(lambda probe: self._tested(task, url, probe, then_connect))
        task.failed.connect(lambda exc: self._failed(task, exc))
        self.runner.start(task)

    def _done(self) -> None:
        self._task = None
        for widget in (self.test_button, self.connect_button):
            widget.setEnabled(True)

    def _failed(self, task: Task, exc: BaseException) -> None:
        if task is not self._task:
            return
        self._done()
        self.status.setVisible(False)
        self._show_error(describe(exc))

    def _tested(self, task: Task, url: str, probe, then_connect: bool) -> None:
        if task is not self._task:
            return
        self._done()
        self.probe, self._tested_url = probe, url
        self._show_status(self.describe_probe(probe))
        if probe.empty:
            self.connect_button.setText(self.tr("Set &up and connect"))
        if then_connect and not probe.empty:  # an empty one: the person confirms first
            self._accept(url)

    def describe_probe(self, probe) -> str:
        if probe.empty:
            return self.tr(
                "The server answers, but this database is empty: it is not a Booking Desktop "
                "database yet. \"Set up and connect\" makes it one; you then set up the "
                "business and its owner account.")
        names = ", ".join(probe.businesses) or self.tr("no business yet")
        text = self.tr("Connection works: a Booking Desktop database ({names}).").format(
            names=names)
        if probe.state == "upgrade":
            text += " " + self.tr("It is from an older version and will be upgraded when you "
                                  "connect.")
        if probe.has_users:
            text += " " + self.tr("You will sign in with your account there.")
        return text

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(True)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

    # --- choosing ------------------------------------------------------------------
    def _connect(self) -> None:
        if self.busy:
            return
        url = self.address() if not self._missing() else None
        if url is not None and url == self._tested_url:
            self._accept(url)
        else:
            self._test(then_connect=True)

    def _accept(self, url: str) -> None:
        self.url = url
        self.accept()

    def reject(self) -> None:
        self._task = None  # a test still running answers to nobody
        super().reject()

    @classmethod
    def ask(cls, parent=None, initial: str | None = None, problem: str | None = None
            ) -> str | None:
        """The chosen database's address (password included), or None."""
        dialog = cls(parent, initial, problem)
        return dialog.url if dialog.exec() == QDialog.DialogCode.Accepted else None
