"""Owner tool: the accounts of the people at the desk."""
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
)

from ... import services
from ...errors import BookingError
from ..formats import time_with_seconds
from ..status_style import role_label
from ..errors import describe, error_label
from ..operations import Op


class UsersDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Users"))
        self.list = QListWidget()
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        self.role.addItem(self.tr("Staff"), "staff")
        self.role.addItem(self.tr("Owner"), "owner")
        self.error = error_label()
        self.troubles = QLabel()
        self.troubles.setWordWrap(True)
        add = QPushButton(self.tr("Add user"))
        add.clicked.connect(self.add_user)
        self.toggle = QPushButton(self.tr("Disable / enable selected"))
        self.toggle.clicked.connect(self.toggle_selected)
        self.export_toggle = QPushButton(self.tr("Allow / stop exporting"))
        self.export_toggle.setToolTip(self.tr("Let the selected staff account export customers' "
                                              "details (Bookings → Export…), or stop it"))
        self.export_toggle.clicked.connect(self.toggle_export_selected)
        form = QFormLayout()
        form.addRow(self.tr("Username"), self.username)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Role"), self.role)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.toggle)
        row.addWidget(self.export_toggle)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.troubles)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.buttons = [add, self.toggle, self.export_toggle]
        self.reload()

    def reload(self) -> None:
        """The accounts and the failed sign-ins, read on the worker."""
        by = self.session.user

        def read():
            accounts = services.list_users()
            try:
                troubles = services.sign_in_troubles(by=by)
            except BookingError as exc:  # shown, never fatal
                troubles = exc
            return accounts, troubles

        self.session.pipeline.read(("users", id(self)), read, self._show, self._refused,
                                   owner=self)

    def _show(self, answer) -> None:
        accounts, troubles = answer
        self.list.clear()
        for user in accounts:
            line = self.tr("{name} ({role})").format(name=user.username, role=role_label(user.role))
            if not user.active:
                line = self.tr("{account} — disabled").format(account=line)
            if user.role != "owner" and user.can_export:
                line = self.tr("{account} — may export customers' details").format(account=line)
            self.list.addItem(line)
            self.list.item(self.list.count() - 1).setData(256, user.username)
        self._show_troubles(troubles)

    def _show_troubles(self, troubles) -> None:
        """Wrong passwords in a row, so the owner sees someone trying."""
        if isinstance(troubles, BaseException):
            self.troubles.setText(describe(troubles))
            return
        lines = []
        for t in troubles:
            who = t.username if t.known else self.tr("{name} (no such user)").format(name=t.username)
            line = self.tr("{who}: %n wrong password(s) in a row", "", t.failures).format(who=who)
            if t.locked_until is not None:
                local = t.locked_until.astimezone()
                line = self.tr("{trouble}, must wait until {time}").format(
                    trouble=line, time=time_with_seconds(local))
            lines.append(line)
        self.troubles.setText(self.tr("Failed sign-ins — {lines}").format(lines="; ".join(lines))
                              if lines else "")
        self.troubles.setVisible(bool(lines))

    def _refused(self, exc: BaseException) -> None:
        self.error.setText(describe(exc))
        self.error.setVisible(True)

    def _changed(self) -> None:
        self.error.setVisible(False)
        self.reload()

    def _busy(self, busy: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not busy)

    def _op(self, work) -> Op:
        """An op changing accounts: buttons wait meanwhile, a refusal shows
        under the form, the list is read again after it."""
        return (Op(self.session, self, work).busy(self._busy)
                .success(lambda _result: self._changed()).failure(self._refused))

    def add_user(self) -> None:
        username, password, role = (self.username.text(), self.password.text(),
                                    self.role.currentData())

        def added(_account) -> None:
            self.username.clear()
            self.password.clear()

        self._op(lambda user: services.create_user(username, password, role, by=user)) \
            .success(added).run()

    def toggle_export_selected(self) -> None:
        """Allow the selected staff account to export customers' details, or stop it."""
        self._toggle(lambda account, user: services.set_user_can_export(
            account.username, not account.can_export, by=user))

    def toggle_selected(self) -> None:
        self._toggle(lambda account, user: services.set_user_active(
            account.username, not account.active, by=user))

    def _toggle(self, change) -> None:
        """`change(account, by)` for the selected account as it stands (read
        on the worker, in the same job), then the list again; a refusal shows
        under the form."""
        item = self.list.currentItem()
        if item is None:
            return
        username = item.data(256)
        self._op(lambda user: change(services.get_user(username), user)).run()
