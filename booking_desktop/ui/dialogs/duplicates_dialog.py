"""Owner → Likely duplicates…: the business's customers that share a phone
number or an email across records (`services.likely_duplicates`), group by
group. Select the record to keep and Merge: the group's other records are
merged into it (`undo.merge_customers`, one after another in one
transaction), their bookings move and the audit log records each merge; it
is one step of the window's undo stack (Ctrl+Z, here or in the window,
takes all of them back). Enter (or a double click) opens a customer's card
to look first.

After a merge the views showing those bookings refresh (a `Change` of kind
"customer" for the business); another desk's change reloads the list.
"""
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...services import undo
from ..customer_words import WORDS, local_day
from ..errors import describe
from ..formats import date_text, number
from ..message_bar import MessageBar
from .confirm import confirm
from ..commands import forward_undo_keys, perform, undo_stack_of
from .customer_card import show_card

CUSTOMER_ROLE = Qt.ItemDataRole.UserRole  # on a customer's row: the CustomerRow
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1  # on every row: the DuplicateGroup


def confirm_group_merge(parent: QWidget, keep, others) -> bool:
    """Ask before merging `others` into `keep`. Tests replace it."""
    translate = QCoreApplication.translate
    names = ", ".join(other.name for other in others)
    return confirm(
        parent, QMessageBox.Icon.Question, translate("DuplicatesDialog", "Merge customers"),
        translate("DuplicatesDialog", "Merge {others} into {keep}?").format(
            others=names, keep=keep.name),
        translate(
            "DuplicatesDialog",
            "Their bookings ({count}) move to {keep}'s record, their notes are added to "
            "{keep}'s, and their records are removed. Edit → Undo (Ctrl+Z) takes the merge "
            "back.").format(
                count=WORDS.bookings(sum(other.bookings for other in others)), keep=keep.name),
        translate("DuplicatesDialog", "Merge"))


class DuplicatesDialog(QDialog):
    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.groups: list = []
        self.card = None  # the customer card opened last
        self.undo_stack = undo_stack_of(parent) or QUndoStack(self)
        forward_undo_keys(self)
        self.setWindowTitle(self.tr("Likely duplicates"))
        intro = QLabel(self.tr(
            "Customer records that share a phone number or an email: likely one person. "
            "Select the record to keep and press Merge; the others' bookings move to it."))
        intro.setWordWrap(True)
        self.bar = MessageBar()
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels([
            self.tr("Customer"), self.tr("Phone"), self.tr("Email"), self.tr("Bookings"),
            self.tr("Customer since")])
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName(self.tr("Likely duplicates"))
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.activated.connect(self._open_card)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.summary = QLabel()
        self.status = QLabel()  # "Merged … into …."
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.merge_button = QPushButton(self.tr("&Merge into selected…"))
        self.merge_button.setToolTip(self.tr("Keep the selected record; the group's others "
                                             "are merged into it"))
        self.card_button = QPushButton(self.tr("Open &card"))
        self.card_button.setToolTip(self.tr("The selected customer's card (Enter)"))
        for button in (self.merge_button, self.card_button):
            button.setAutoDefault(False)
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button.clicked.connect(self.merge_selected)
        self.card_button.clicked.connect(lambda: self._open_card(self.tree.currentIndex()))
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(860, 520)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        session.did_execute.connect(self._on_change)
        self._update_buttons()
        self.refresh()

    # --- reading -------------------------------------------------------------
    def refresh(self) -> None:
        business, user = self.session.business, self.session.user
        self.session.pipeline.read(("duplicates", id(self)),
                                   lambda: services.likely_duplicates(business, by=user),
                                   self._show, self.show_refusal, owner=self)

    def _on_change(self, change) -> None:
        business = self.session.business
        if self.isVisible() and change.initiator is not self and change.kind in (
                "customer", "external", "refresh") \
                and change.concerns(business.id if business is not None else None):
            self.refresh()

    def _show(self, groups) -> None:
        kept = self.selected_customer()
        self.groups = list(groups)
        self.model.removeRows(0, self.model.rowCount())
        tz = self.session.zone
        for group in self.groups:
            key = group.key if group.kind == "email" else _digits(group, group.key)
            title = (self.tr("Same email: {key}") if group.kind == "email"
                     else self.tr("Same phone: {key}")).format(key=key)
            head = QStandardItem(title)
            head.setData(group, GROUP_ROLE)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            head.setSelectable(False)
            tail = [QStandardItem() for _ in range(4)]
            for item in tail:
                item.setSelectable(False)
            for customer in group.customers:
                cells = [QStandardItem(customer.name), QStandardItem(customer.phone or ""),
                         QStandardItem(customer.email or ""),
                         QStandardItem(number(customer.bookings)),
                         QStandardItem(date_text(local_day(customer.created_at, tz))
                                       if customer.created_at is not None else "")]
                for cell in cells:
                    cell.setData(customer, CUSTOMER_ROLE)
                    cell.setData(group, GROUP_ROLE)
                head.appendRow(cells)
            self.model.appendRow([head, *tail])
        self.tree.expandAll()
        for column in range(1, 5):
            self.tree.resizeColumnToContents(column)
        self.empty.setText("" if self.groups else self.tr(
            "No likely duplicates: no two records share a phone number or an email."))
        self.empty.setVisible(not self.groups)
        self.summary.setText(self.tr("%n group(s)", "", len(self.groups)) if self.groups else "")
        if kept is None or not self.select_customer(kept.id):
            if self.groups:  # the first group's oldest record: Merge works from the keyboard
                self.tree.setCurrentIndex(self.model.item(0, 0).child(0, 0).index())
        self._update_buttons()

    # --- selection -----------------------------------------------------------
    def selected_customer(self):
        index = self.tree.currentIndex()
        return index.siblingAtColumn(0).data(CUSTOMER_ROLE) if index.isValid() else None

    def selected_group(self):
        index = self.tree.currentIndex()
        return index.siblingAtColumn(0).data(GROUP_ROLE) if index.isValid() else None

    def select_customer(self, customer_id: int, group_index: int | None = None) -> bool:
        """Select the customer's row (in the `group_index`th group, else the first holding it)."""
        for g in range(self.model.rowCount()):
            if group_index is not None and g != group_index:
                continue
            head = self.model.item(g, 0)
            for r in range(head.rowCount()):
                if head.child(r, 0).data(CUSTOMER_ROLE).id == customer_id:
                    self.tree.setCurrentIndex(head.child(r, 0).index())
                    return True
        return False

    def _update_buttons(self) -> None:
        customer = self.selected_customer()
        self.merge_button.setEnabled(customer is not None)
        self.card_button.setEnabled(customer is not None)

    def _open_card(self, index: QModelIndex) -> None:
        customer = index.siblingAtColumn(0).data(CUSTOMER_ROLE) if index.isValid() else None
        if customer is not None:
            card = show_card(self.session, customer.id, self)
            card.saved.connect(lambda _row: self.refresh())
            card.merged.connect(lambda _row: self.refresh())
            self.card = card

    # --- merging -------------------------------------------------------------
    def merge_selected(self) -> None:
        keep, group = self.selected_customer(), self.selected_group()
        if keep is None or group is None:
            return
        others = [c for c in group.customers if c.id != keep.id]
        if not others or not confirm_group_merge(self, keep, others):
            return
        # All of them in one transaction: one step of the window's undo stack.
        (perform(self, undo.merge_customers, keep.id, tuple(other.id for other in others))
         .busy(lambda busy: self.buttons.setEnabled(not busy))
         .success(lambda outcome: self._merged(outcome.result, others))
         .failure(self._merge_refused)
         .run())

    def _merged(self, row, others) -> None:
        self.bar.clear()
        self.status.setText(self.tr("Merged {others} into {keep}.").format(
            others=", ".join(other.name for other in others), keep=row.name))
        self.refresh()

    def _merge_refused(self, exc: BaseException) -> None:
        self.show_refusal(exc)
        self.refresh()  # what was merged before the refusal, and what another desk did

    def show_refusal(self, exc: BaseException) -> None:
        self.bar.show_message(describe(exc))


def _digits(group, key: str) -> str:
    """The phone as one of the group's records writes it, else the digits."""
    for customer in group.customers:
        if customer.phone and "".join(ch for ch in customer.phone if ch.isdigit()) == key:
            return customer.phone
    return key
