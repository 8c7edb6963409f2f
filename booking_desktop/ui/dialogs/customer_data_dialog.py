"""Owner → Customer data…: how long the business keeps customers (issue 12,
phase 2). "Erase customers with no booking for [N] months" (off by
default: kept until erased by hand) is saved with
`services.set_customer_retention`; `python main.py maintain` erases them
when it runs. The preview (`services.retention_preview`, a dry run that
changes nothing) says how many customers it would erase now, as saved,
and names the first few by number with their last visit; "Erase now…"
does it at once after asking (`services.erase_expired_customers` for this
business). Everything through the window's pipeline; refusals in the
dialog's bar."""
from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ..customer_words import local_day
from ..errors import describe
from ..formats import date_text, number
from ..message_bar import MessageBar
from .confirm import confirm
from ..operations import Change, Op

SHOWN = 5  # customers the preview names


class RetentionWords(QObject):
    """Plurals live in a class (lupdate reads `self.tr(text, "", n)`)."""

    def erase_question(self, count: int) -> str:
        return self.tr("Erase %n customer(s) now?", "", count)


def confirm_erase_expired(parent: QWidget, count: int, months: int) -> bool:
    """Ask before erasing the customers the retention period has passed for.
    Cancel is the default button. Tests replace it."""
    translate = QCoreApplication.translate
    return confirm(
        parent, QMessageBox.Icon.Warning, translate("CustomerDataDialog", "Erase customers"),
        RetentionWords().erase_question(count),
        translate(
            "CustomerDataDialog",
            "They have had no booking for {months} months. Their names, phones, emails and "
            "notes are removed from their records and bookings; the bookings keep their dates "
            "and statuses. This cannot be undone.").format(months=number(months)),
        translate("CustomerDataDialog", "Erase"), QMessageBox.ButtonRole.DestructiveRole)


class CustomerDataDialog(QDialog):
    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.business_id = session.business.id if session.business is not None else None
        self.preview = None  # the RetentionPreview last read
        self.setWindowTitle(self.tr("Customer data"))
        intro = QLabel(self.tr(
            "Customers who have not booked for a long time can be erased automatically when "
            "\"python main.py maintain\" runs: their names and contacts go, their bookings stay "
            "unnamed so the reports do not change. Off by default."))
        intro.setWordWrap(True)
        self.bar = MessageBar()
        self.erase_check = QCheckBox(self.tr("E&rase customers with no booking for"))
        self.months = QSpinBox()
        self.months.setRange(1, 120)
        self.months.setValue(24)
        self._month_suffix(self.months.value())
        self.months.valueChanged.connect(self._month_suffix)
        self.months.setAccessibleName(self.tr("Months without a booking"))
        self.months.setEnabled(False)
        self.erase_check.toggled.connect(self.months.setEnabled)
        self.save_button = QPushButton(self.tr("&Save"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        setting = QHBoxLayout()
        setting.addWidget(self.erase_check)
        setting.addWidget(self.months)
        setting.addStretch(1)
        setting.addWidget(self.save_button)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)

        self.preview_title = QLabel()
        self.preview_title.setStyleSheet("font-weight: 600;")
        self.preview_title.setWordWrap(True)
        self.preview_lines = QLabel()
        self.preview_lines.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("&Preview"))
        self.preview_button.setToolTip(self.tr("What maintain would erase now (changes nothing)"))
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.read)
        self.erase_now_button = QPushButton(self.tr("Erase &now…"))
        self.erase_now_button.setAutoDefault(False)
        self.erase_now_button.setEnabled(False)
        self.erase_now_button.clicked.connect(self.erase_now)
        actions = QHBoxLayout()
        actions.addWidget(self.preview_button)
        actions.addWidget(self.erase_now_button)
        actions.addStretch(1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.bar)
        layout.addLayout(setting)
        layout.addWidget(self.saved_label)
        layout.addSpacing(8)
        layout.addWidget(self.preview_title)
        layout.addWidget(self.preview_lines)
        layout.addLayout(actions)
        layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(560, 380)
        self.read()

    def _month_suffix(self, value: int) -> None:
        """"1 month", "2 months": the suffix follows the number."""
        self.months.setSuffix(self.tr(" month(s)", "", value))

    # --- reading ----------------------------------------------------------------
    def read(self) -> None:
        """The setting as saved and what it would erase now (a dry run)."""
        business, by = self.business_id, self.session.user
        self.session.pipeline.read(
            ("customer-data", id(self)),
            lambda: services.retention_preview(business, by=by, shown=SHOWN),
            self._show, self.show_refusal, owner=self)

    def _show(self, preview, setting: bool = True) -> None:
        self.preview = preview
        if setting:
            self.erase_check.setChecked(preview.months is not None)
            if preview.months is not None:
                self.months.setValue(preview.months)
        if preview.months is None:
            self.saved_label.setText(self.tr("Saved: customers are kept until erased by hand."))
            self.preview_title.setText(self.tr("Maintain erases no one while this is off."))
        else:
            self.saved_label.setText(self.tr(
                "Saved: customers are erased {months} months after their latest booking.")
                .format(months=number(preview.months)))
            self.preview_title.setText(self.tr(
                "Maintain would erase %n customer(s) now.", "", preview.count))
        tz = self.session.zone
        lines = [self.tr("Customer #{id}, last visit {day}").format(
                     id=c.customer_id, day=date_text(local_day(c.last_visit, tz)))
                 if c.last_visit is not None else
                 self.tr("Customer #{id}, never visited").format(id=c.customer_id)
                 for c in preview.first]
        if preview.count > len(preview.first):
            lines.append(self.tr("and {more} more").format(
                more=number(preview.count - len(preview.first))))
        self.preview_lines.setText("\n".join(lines))
        self.preview_lines.setVisible(bool(lines))
        self.erase_now_button.setEnabled(preview.months is not None and preview.count > 0)

    # --- changing ---------------------------------------------------------------
    def save(self) -> None:
        months = self.months.value() if self.erase_check.isChecked() else None
        business = self.business_id
        (Op(self.session, self, lambda user: services.set_customer_retention(
            business, months, by=user))
         .named("customer_rights.set_customer_retention")
         .busy(self._busy)
         .success(lambda _months: self._saved())
         .failure(self.show_refusal)
         .run())

    def _saved(self) -> None:
        self.bar.clear()
        self.status.setText(self.tr("Saved."))
        self.read()

    def erase_now(self) -> None:
        preview = self.preview
        if preview is None or not preview.count or preview.months is None \
                or not confirm_erase_expired(self, preview.count, preview.months):
            return
        business = self.business_id
        (Op(self.session, self, lambda user: services.erase_expired_customers(
            by=user, business=business))
         .named("customer_rights.erase_expired_customers")
         .busy(self._busy)
         .success(self._erased)
         .failure(self.show_refusal)
         .announce(lambda _done: Change("customer", business, initiator=self))
         .run())

    def _erased(self, done: list) -> None:
        self.bar.clear()
        self.status.setText(self.tr("Erased %n customer(s).", "", len(done)))
        self.read()

    def _busy(self, busy: bool) -> None:
        for button in (self.save_button, self.preview_button, self.erase_now_button):
            button.setEnabled(not busy)
        if not busy and self.preview is not None:
            self.erase_now_button.setEnabled(self.preview.months is not None
                                             and self.preview.count > 0)

    def show_refusal(self, exc: BaseException) -> None:
        self.status.clear()
        self.bar.show_message(describe(exc))
