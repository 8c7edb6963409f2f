"""The customer card: who they are (name, phone, email, notes, whether they
agreed to be contacted: editable), what they did (every booking with its
status; visits, no-shows, cancellations, first and last visit), and for
owners "Merge with…" another record of the same person.

Opened from the walk-in form (F4 once a customer is picked), the day view
and the bookings table (F4, or the context menu on a booking). The record
is read and saved through the window's pipeline (`services.get_customer`,
`customer_history`, `update_customer`; a merge is `undo.merge_customers`, a
step of the window's undo stack: Ctrl+Z, in the window or in the card,
takes it back). A save sends
the values the card showed of the fields it changes: when another desk
changed one of them meanwhile, the services refuse it, the card says so
and keeps what was typed ("Reload" shows the other desk's version). Esc
closes (asking first when something typed was not saved); Ctrl+S or Enter
saves.

Owner-only actions sit in one row, `owner_row`, shown to owners only (the
services allow them to owners only): "Merge with…", "Export data…" (asks
where, then writes the JSON file and its CSV files beside it through
`export_customer` and `write_customer_export`; the card says where) and
"Erase…" (asks, with Cancel as the default button, then `erase_customer`;
the card shows "Erased customer #id" and the views that show their bookings
read them again). Another desk's edit between opening the card and erasing
does not stop the erasure: erasing removes whatever the details are now.
"""
import os
from pathlib import Path

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QModelIndex, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import InvalidInput, InvalidTransition, NotFound
from ...services import undo
from ...services.customer_rights import erased_name
from .. import status_style as style
from ..accessible import name_from_labels
from ..commands import forward_undo_keys, perform, undo_stack_of
from ..customer_words import WORDS, local_day
from ..errors import describe
from ..formats import date_text, number, table_date, time_range
from ..message_bar import MessageBar
from .confirm import confirm
from ..operations import Change, Op

HISTORY_LIMIT = 500   # the newest bookings shown; the figures count every one
SEARCH_AFTER_MS = 150
FIELDS = ("name", "phone", "email", "notes", "contact_ok")


def confirm_merge(parent: QWidget, keep, other) -> bool:
    """Ask before merging `other` into `keep` (CustomerRows). Tests replace it."""
    translate = QCoreApplication.translate
    return confirm(
        parent, QMessageBox.Icon.Question, translate("CustomerCard", "Merge customers"),
        translate("CustomerCard", "Merge {other} into {keep}?").format(
            other=other.name, keep=keep.name),
        translate(
            "CustomerCard",
            "{other}'s bookings ({count}) move to {keep}'s record, {other}'s notes are added to "
            "{keep}'s, and {other}'s record is removed. Edit → Undo (Ctrl+Z) takes the merge "
            "back.").format(
                other=other.name, keep=keep.name, count=WORDS.bookings(other.bookings)),
        translate("CustomerCard", "Merge"))


def confirm_discard(parent: QWidget, name: str) -> bool:
    """Ask before closing with changes not saved. Tests replace it."""
    translate = QCoreApplication.translate
    answer = QMessageBox.question(
        parent, translate("CustomerCard", "Close the card"),
        translate("CustomerCard", "The changes to {name}'s details are not saved. "
                                  "Close anyway?").format(name=name),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


def ask_export_path(parent: QWidget, suggested: str) -> str:
    """Where to save a customer's data (the JSON file; the CSV files go
    beside it): a save dialog. "" when cancelled. Tests replace it."""
    translate = QCoreApplication.translate
    path, _ = QFileDialog.getSaveFileName(
        parent, translate("CustomerCard", "Export the customer's data"), suggested,
        translate("CustomerCard", "JSON files (*.json)"))
    return path


def confirm_erase(parent: QWidget, row) -> bool:
    """Ask before erasing the customer `row` (a CustomerRow). Cancel is the
    default button (Enter or Esc keeps the data); "Erase" is reached with
    Tab, as destructive buttons are. Tests replace it."""
    translate = QCoreApplication.translate
    return confirm(
        parent, QMessageBox.Icon.Warning, translate("CustomerCard", "Erase the customer's data"),
        translate("CustomerCard", "Erase {name}'s data?").format(name=row.name),
        translate(
            "CustomerCard",
            "Their name, phone, email and notes are removed from their record and from their "
            "bookings ({count}); from now on they are called \"{erased}\". The bookings keep "
            "their dates and statuses, so reports do not change. This cannot be undone.").format(
                count=WORDS.bookings(row.bookings), erased=erased_name(row.id)),
        translate("CustomerCard", "Erase"), QMessageBox.ButtonRole.DestructiveRole)


def show_card(session, customer_id: int, parent: QWidget | None = None) -> "CustomerCard":
    """Open the card of `customer_id` (window-modal, not blocking) and return it."""
    card = CustomerCard(session, customer_id, parent)
    card.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    card.open()
    return card


class CustomerCard(QDialog):
    saved = Signal(object)    # the CustomerRow as saved
    merged = Signal(object)   # this customer's CustomerRow after another record joined it
    help_topic = ("front-desk", "the-customer-card")  # F1: the user guide's section

    def show_help(self) -> None:
        """F1: the user guide at the card's section, in the main window's
        guide (the card is modal to the main window, not to its guide)."""
        owner = self.parentWidget().window() if self.parentWidget() is not None else None
        open_guide = getattr(owner, "open_guide", None)
        if open_guide is not None:
            open_guide(*self.help_topic)

    def __init__(self, session, customer_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.customer_id = customer_id
        self.row = None        # the CustomerRow as last read (what a save expects to find)
        self.picker: CustomerPicker | None = None
        # A merge is a step of the window's undo stack; Ctrl+Z here undoes it too.
        self.undo_stack = undo_stack_of(parent) or QUndoStack(self)
        self.setWindowTitle(self.tr("Customer"))

        self.title = QLabel()
        self.title.setObjectName("customerName")
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.since = QLabel()
        self.bar = MessageBar()
        self.status = QLabel()  # "Saved." after a save
        self.status.setObjectName("cardStatus")
        self.status.setWordWrap(True)

        self.figures: dict[str, QLabel] = {}
        figures = QGridLayout()
        figures.setHorizontalSpacing(24)
        for column, (key, caption) in enumerate((
                ("visits", self.tr("Visits")), ("no_shows", self.tr("No-shows")),
                ("cancellations", self.tr("Cancellations")),
                ("first_visit", self.tr("First visit")), ("last_visit", self.tr("Last visit")),
                ("next_visit", self.tr("Next booking")))):
            value = QLabel("–")
            value.setStyleSheet("font-size: 13pt; font-weight: 600;")
            label = QLabel(caption)
            label.setStyleSheet("color: palette(placeholder-text);")
            figures.addWidget(value, 0, column)
            figures.addWidget(label, 1, column)
            self.figures[key] = value
        figures.setColumnStretch(len(self.figures), 1)

        self.name_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.email_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("optional"))
        self.email_edit.setPlaceholderText(self.tr("optional"))
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText(self.tr("What the desk should know next time"))
        self.contact_check = QCheckBox(self.tr("Agreed to be &contacted"))
        self.contact_check.setToolTip(self.tr("Reminders and news may be sent to them"))
        self._fields = {"name": self.name_edit, "phone": self.phone_edit,
                        "email": self.email_edit, "notes": self.notes_edit,
                        "contact_ok": self.contact_check}
        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name_edit)
        form.addRow(self.tr("&Phone"), self.phone_edit)
        form.addRow(self.tr("&Email"), self.email_edit)
        form.addRow(self.tr("N&otes"), self.notes_edit)
        form.addRow("", self.contact_check)

        self.history_model = QStandardItemModel(0, 6, self)
        self.history_model.setHorizontalHeaderLabels([
            self.tr("Date"), self.tr("Time"), self.tr("Status"), self.tr("Booked via"),
            self.tr("Reference"), self.tr("Notes")])
        self.history = QTableView()
        self.history.setModel(self.history_model)
        self.history.setAccessibleName(self.tr("Bookings of this customer"))
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setAlternatingRowColors(True)
        self.history.setWordWrap(False)
        self.history.verticalHeader().hide()
        # Dates, times, statuses and references whole (sized when filled); notes take
        # the rest, elided, whole on hover.
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.history_title = QLabel(self.tr("Bookings"))
        self.history_title.setStyleSheet("font-weight: 600;")

        # Owners only: merging now; the data export and erasure join this row.
        self.owner_actions = QWidget()
        self.owner_row = QHBoxLayout(self.owner_actions)
        self.owner_row.setContentsMargins(0, 0, 0, 0)
        self.merge_button = self.add_owner_action(self.tr("&Merge with…"), self.merge_with)
        self.merge_button.setToolTip(self.tr("Another record of the same person: its bookings "
                                             "move to this one"))
        self.export_button = self.add_owner_action(self.tr("E&xport data…"), self.export_data)
        self.export_button.setToolTip(self.tr("Everything stored about this customer, as a "
                                              "JSON file and CSV files"))
        self.erase_button = self.add_owner_action(self.tr("E&rase…"), self.erase)
        self.erase_button.setToolTip(self.tr("Remove this customer's name, contacts and notes "
                                             "for good; their bookings stay, unnamed"))
        self.owner_actions.setVisible(session.is_owner)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(self.tr("Save the details (Ctrl+S)"))
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence(Qt.Key.Key_F1), self, activated=self.show_help)
        forward_undo_keys(self)

        details = QWidget()
        details.setMaximumWidth(340)  # the bookings get the room the screen has
        left = QVBoxLayout(details)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(form)
        left.addStretch(1)
        self.notes_edit.setMaximumHeight(160)
        right = QVBoxLayout()
        right.addWidget(self.history_title)
        right.addWidget(self.history, 1)
        body = QHBoxLayout()
        body.addWidget(details, 2)
        body.addSpacing(12)
        body.addLayout(right, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.owner_actions)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.since)
        layout.addLayout(figures)
        layout.addWidget(self.bar)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)
        name_from_labels(self)  # the fields say their labels to a screen reader
        self._fit_to(parent)
        self._set_enabled(False)
        session.did_execute.connect(self._on_change)
        self.reload()

    def add_owner_action(self, text: str, slot) -> QPushButton:
        """A button in the owners' row (hidden from staff)."""
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        self.owner_row.addWidget(button)
        return button

    def _fit_to(self, parent: QWidget | None) -> None:
        """Room for the history beside the details, inside the window."""
        window = parent.window() if parent is not None else None
        width, height = 940, 640  # fits a 1024x700 screen
        if window is not None and window.isVisible():  # as large as the window allows
            width = min(1100, window.width() - 80)
            height = min(700, window.height() - 60)
        self.resize(max(width, 600), max(height, 480))

    # --- reading -------------------------------------------------------------
    def reload(self) -> None:
        """Read the record and its bookings (one job on the worker)."""
        self._read(fields=True)

    def _on_change(self, change) -> None:
        """Another desk's change (or F5, or a merge elsewhere): the figures and
        bookings are read again; the fields too unless something is typed."""
        if change.initiator is self or self.row is None or not self.isVisible() \
                or not change.concerns(self.row.business_id):
            return
        if change.kind == "customer":  # a merge undone, say: "Merged …" is no longer so
            self.status.clear()
        self._read(fields=not self.changes())

    def _read(self, fields: bool) -> None:
        wanted = self.customer_id
        self.session.pipeline.read(
            ("customer-card", id(self)),
            lambda: (services.get_customer(wanted),
                     services.customer_history(wanted, limit=HISTORY_LIMIT)),
            lambda answer: self._show(*answer, fields=fields), self._load_failed, owner=self)

    def _load_failed(self, exc: BaseException) -> None:
        self.bar.show_message(describe(exc))
        if isinstance(exc, NotFound):
            self._set_enabled(False)

    def _show(self, row, history, fields: bool = True) -> None:
        self.row = row
        tz = self.session.zone
        self.setWindowTitle(self.tr("Customer — {name}").format(name=row.name))
        self.title.setText(row.name)
        if row.created_at is not None:
            self.since.setText(self.tr("Customer since {day}").format(
                day=date_text(local_day(row.created_at, tz))))
        values = {
            "visits": number(row.visits), "no_shows": number(row.no_shows),
            "cancellations": number(row.cancellations),
            "first_visit": _day(row.first_visit, tz), "last_visit": _day(row.last_visit, tz),
            "next_visit": _day(row.next_visit, tz)}
        for key, value in values.items():
            self.figures[key].setText(value)
        if fields:
            self.name_edit.setText(row.name)
            self.phone_edit.setText(row.phone or "")
            self.email_edit.setText(row.email or "")
            self.notes_edit.setPlainText(row.notes)
            self.contact_check.setChecked(row.contact_ok)
        self._show_history(history, row.bookings)
        self._set_enabled(True)

    def _show_history(self, history, total: int) -> None:
        tz = self.session.zone
        model = self.history_model
        model.removeRows(0, model.rowCount())
        for booking in history:
            start, end = booking.start.astimezone(tz), booking.end.astimezone(tz)
            state = style.booking_state(booking.status, booking.checked_in_at is not None)
            status = QStandardItem(style.status_icon(booking.status,
                                                     booking.checked_in_at is not None),
                                   style.status_label(state))
            status.setForeground(style.colour(state))
            if booking.status in style.STRUCK_STATUSES:
                font = QFont(status.font())
                font.setStrikeOut(booking.status == "cancelled")
                status.setFont(font)
            if booking.cancel_reason:
                status.setToolTip(booking.cancel_reason)
            notes = " ".join(booking.notes.split())
            items = [QStandardItem(table_date(start.date())),
                     QStandardItem(time_range(start, end)), status,
                     QStandardItem(style.source_label(booking.source)),
                     QStandardItem(booking.reference), QStandardItem(notes)]
            items[-1].setToolTip(booking.notes)
            items[0].setData(booking.id, Qt.ItemDataRole.UserRole)
            model.appendRow(items)
        for column in range(model.columnCount() - 1):
            self.history.resizeColumnToContents(column)
        if total > len(history):
            self.history_title.setText(self.tr("Bookings: the newest {shown} of {total}").format(
                shown=len(history), total=total))
        else:
            self.history_title.setText(WORDS.bookings(total) if total else
                                       self.tr("No bookings yet"))

    def _set_enabled(self, enabled: bool) -> None:
        for widget in self._fields.values():
            widget.setEnabled(enabled)
        self.save_button.setEnabled(enabled)
        self.owner_actions.setEnabled(enabled)

    # --- saving --------------------------------------------------------------
    def typed(self) -> dict:
        return {"name": self.name_edit.text().strip(), "phone": self.phone_edit.text().strip(),
                "email": self.email_edit.text().strip(),
                "notes": self.notes_edit.toPlainText().strip(),
                "contact_ok": self.contact_check.isChecked()}

    def changes(self) -> dict:
        """Only what was edited: unchanged fields are neither checked again
        nor recorded."""
        if self.row is None:
            return {}
        shown = {"name": self.row.name, "phone": self.row.phone or "",
                 "email": self.row.email or "", "notes": self.row.notes.strip(),
                 "contact_ok": self.row.contact_ok}
        return {key: value for key, value in self.typed().items() if value != shown[key]}

    def save(self) -> None:
        changes = self.changes()
        if self.row is None or not self.save_button.isEnabled():
            return
        if not changes:
            self.status.setText(self.tr("Nothing to save."))
            return
        wanted, row = self.customer_id, self.row
        expected = {key: getattr(row, key) for key in changes}
        (Op(self.session, self, lambda user: services.update_customer(
            wanted, by=user, expected=expected, **changes))
         .named("customers.update_customer")
         .busy(self._working(self.tr("Saving…")))
         .success(self._saved)
         .failure(self.show_refusal)
         .run())

    def _working(self, doing: str) -> Callable[[bool], None]:
        """An operation's busy callback: the card's buttons, the owners' row
        included, off while it runs (a second click would send it twice),
        `doing` in the status line."""
        def busy(busy: bool) -> None:
            self.buttons.setEnabled(not busy)
            self.owner_actions.setEnabled(not busy)
            if busy:
                self.status.setText(doing)
        return busy

    def _saved(self, row) -> None:
        self.bar.clear()
        self.row = row
        self._show_figures_only(row)
        self.status.setText(self.tr("Saved."))
        self.saved.emit(row)

    def _show_figures_only(self, row) -> None:
        """After a save: the fields hold what was saved already."""
        self.title.setText(row.name)
        self.setWindowTitle(self.tr("Customer — {name}").format(name=row.name))

    def show_refusal(self, exc: BaseException) -> None:
        """A refusal in the card's bar; what was typed stays."""
        self.status.clear()
        text = describe(exc)
        if isinstance(exc, InvalidTransition):
            self.bar.show_message(text, self.tr("Reload"), self._reload_fields)
        else:
            self.bar.show_message(text)
        # The services name a customer's fields as a booking's ("customer_email").
        name = getattr(exc, "field", None) or ""
        field = self._fields.get(name.removeprefix("customer_")) \
            if isinstance(exc, InvalidInput) else None
        if field is not None:
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()

    def _reload_fields(self) -> None:
        """Show the record as the other desk left it (what was typed goes)."""
        self.bar.clear()
        self.reload()

    def reject(self) -> None:
        """Esc or Close: asks first when a change is not saved."""
        if self.changes() and not confirm_discard(self, self.row.name):
            return
        super().reject()

    # --- merging (owners) ----------------------------------------------------
    def merge_with(self) -> None:
        """Pick another record of this business to merge into this one."""
        if self.row is None:
            return
        self.picker = CustomerPicker(self.session, self.row, self)
        self.picker.chosen.connect(self._merge_chosen)
        self.picker.open()

    def _merge_chosen(self, other) -> None:
        if self.row is None or not confirm_merge(self, self.row, other):
            return
        # One step of the window's undo stack ("Undo merge of … into …").
        (perform(self, undo.merge_customers, self.customer_id, other.id)
         .busy(self._working(self.tr("Merging…")))
         .success(lambda outcome: self._merged(outcome.result, other))
         .failure(self.show_refusal)
         .run())

    def _merged(self, row, other) -> None:
        self.bar.clear()
        self.status.setText(self.tr("Merged {other} into this record.").format(other=other.name))
        self.merged.emit(row)
        # The fields keep what is typed; the figures and bookings are read again.
        self._read(fields=not self.changes())


    # --- the customer's data (owners) --------------------------------------------
    def export_data(self) -> None:
        """Ask where, then write the JSON file and the CSV files beside it."""
        if self.row is None:
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        suggested = os.path.join(folder, f"customer-{self.customer_id}.json")
        path = ask_export_path(self, suggested)
        if not path:
            return
        if not Path(path).suffix:
            path += ".json"
        wanted = self.customer_id
        (Op(self.session, self, lambda user: services.write_customer_export(
            services.export_customer(wanted, by=user), path))
         .named("customer_rights.export_customer")
         .busy(self._working(self.tr("Exporting…")))
         .success(self._exported)
         .failure(self.show_refusal)
         .run())

    def _exported(self, paths) -> None:
        self.bar.clear()
        json_path = Path(paths[0])
        self.status.setText(self.tr("Exported to {file} and {count} CSV files beside it, in "
                                    "{folder}.").format(file=json_path.name,
                                                        count=number(len(paths) - 1),
                                                        folder=str(json_path.parent)))
        self.status.setToolTip("\n".join(str(p) for p in paths))

    def erase(self) -> None:
        """Ask, then erase the customer's details (their bookings stay)."""
        if self.row is None or not confirm_erase(self, self.row):
            return
        wanted, business_id = self.customer_id, self.row.business_id
        (Op(self.session, self, lambda user: services.erase_customer(wanted, by=user))
         .named("customer_rights.erase_customer")
         .busy(self._working(self.tr("Erasing…")))
         .success(self._erased)
         .failure(self.show_refusal)
         .announce(lambda _count: Change("customer", business_id, initiator=self))
         .run())

    def _erased(self, count: int) -> None:
        self.bar.clear()
        self.status.setText(self.tr("Erased: the name, contacts and notes are gone from the "
                                    "record and from {bookings}.").format(
                                        bookings=WORDS.bookings(count)))
        self.status.setToolTip("")
        self._read(fields=True)  # what was typed is gone with the rest


def _day(moment: datetime | None, tz) -> str:
    return date_text(local_day(moment, tz)) if moment is not None else "–"


class CustomerPicker(QDialog):
    """"Merge with…": find another customer of the same business by any
    fragment of name, phone or email; Enter (or a double click) picks."""
    chosen = Signal(object)  # the CustomerRow picked

    def __init__(self, session, customer, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.customer = customer
        self.rows: list = []
        self._accept_when_found = False  # Enter came before the search had answered
        self.setWindowTitle(self.tr("Merge with…"))
        intro = QLabel(self.tr("Find the other record of {name}: its bookings move to this "
                               "one.").format(name=customer.name))
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name, phone or email"))
        self.search.setAccessibleName(self.tr("Find a customer"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Phone"),
                                              self.tr("Email"), self.tr("Visits")])
        self.results = QTreeView()
        self.results.setModel(self.model)
        self.results.setRootIsDecorated(False)
        self.results.setAccessibleName(self.tr("Customers found"))
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.doubleClicked.connect(lambda _index: self.accept())
        self.results.header().setStretchLastSection(False)
        self.results.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.pick_button = self.buttons.addButton(self.tr("Merge…"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.pick_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.resize(560, 380)

        self._timer = QTimer(self, singleShot=True, interval=SEARCH_AFTER_MS)
        self._timer.timeout.connect(self.find)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.accept)
        self.search.installEventFilter(self)
        self.results.selectionModel().currentChanged.connect(
            lambda current, _previous: self.pick_button.setEnabled(current.isValid()))

    def eventFilter(self, watched, event) -> bool:
        """↓ from the search field goes into the list."""
        if watched is self.search and event.type() == event.Type.KeyPress \
                and event.key() == Qt.Key.Key_Down and self.model.rowCount():
            self.results.setFocus()
            if not self.results.currentIndex().isValid():
                self.results.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    def find(self) -> None:
        self._timer.stop()
        text = self.search.text().strip()
        if len(text) < 2:
            self._show([])
            return
        business, own = self.customer.business_id, self.customer.id
        self.session.pipeline.read(
            ("merge-picker", id(self)),
            lambda: [row for row in services.find_customers(text, business, limit=21)
                     if row.id != own][:20],
            self._show, lambda exc: self.empty.setText(describe(exc)), owner=self)

    def _show(self, rows) -> None:
        self.rows = list(rows)
        self.model.removeRows(0, self.model.rowCount())
        for row in self.rows:
            self.model.appendRow([QStandardItem(row.name), QStandardItem(row.phone or ""),
                                  QStandardItem(row.email or ""),
                                  QStandardItem(number(row.visits))])
        if self.rows:
            self.results.setCurrentIndex(self.model.index(0, 0))
        for column in (1, 2, 3):
            self.results.resizeColumnToContents(column)
        self.empty.setText("" if self.rows or len(self.search.text().strip()) < 2
                           else self.tr("No other customer found."))
        self.pick_button.setEnabled(bool(self.rows))
        if self._accept_when_found:
            self._accept_when_found = False
            self.accept()

    def selected(self):
        index: QModelIndex = self.results.currentIndex()
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) \
            else None

    def accept(self) -> None:
        if self._timer.isActive():  # Enter before the pause: the list is not for this text
            self._accept_when_found = True
            self.find()
            return
        other = self.selected()
        if other is None or not self.isVisible():  # Enter's returnPressed, then the default button
            return
        super().accept()
        self.chosen.emit(other)
