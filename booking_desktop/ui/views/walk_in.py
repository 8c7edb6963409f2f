"""The walk-in form: F2, type a name, Enter. Email and phone are optional.

Typing a name (or a phone, an email, a fragment of one) offers the
business's customers; picking one fills the form, binds the booking to
that customer's record and shows their history ("12 visits · 2 no-shows ·
last 3 Nov") and note under the form, with their card (F4). Editing the
details afterwards keeps the binding only while they still describe that
customer (`desk.still_describes`: a typo put right, a phone added where
they had none); another name, phone or email unbinds, and the booking
finds its customer by email or phone as an unpicked one does.

The slot chosen here changes only when the person changes it: when another
desk fills it (or it closes, or disappears) while they type, the form keeps
it, says so ("Full now"), and Enter refuses with the nearest free slot of the
same day as the next step.
"""
import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolTip,
    QVBoxLayout,
)

from ... import services
from ...clock import utcnow
from ...errors import (
    AnswerLost,
    DuplicateBooking,
    NotFound,
    ReferenceInUse,
    SlotBlocked,
    SlotFull,
    SlotInPast,
)
from ...services import desk, undo
from ..commands import perform
from ..customer_words import WORDS
from ..errors import describe
from ..message_bar import MessageBar
from ..formats import date_text, short_date, time_range, time_text, when_text
from ..status_style import closed_reason_text, sources

BOOKABLE_STATES = ("free", "filling")
SUGGEST_AFTER_MS = 150  # a pause in typing, not every keystroke, asks the database
NAME_ROLE = Qt.ItemDataRole.UserRole          # what picking a suggestion puts in the name field
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 1  # the suggestion's customer id
SHORT_ROLE = Qt.ItemDataRole.UserRole + 2     # a slot's shorter texts, for a narrow box

log = logging.getLogger(__name__)


class _Counts(QObject):
    """Plurals said outside the form's methods (lupdate reads a plural in a
    class's `self.tr(text, "", n)`, not in QCoreApplication.translate)."""

    def places_free(self, n: int) -> str:
        return self.tr("%n place(s) free", "", n)

    def free(self, n: int) -> str:
        """The short form, where the slot box is narrow: "3 free"."""
        return self.tr("%n free", "places free, where the slot box is narrow", n)


_COUNTS = _Counts()


def day_text(day: date, today: date) -> str:
    """"Tue 1 Dec 2026 · today": the day the form books, always with its date."""
    days = (day - today).days
    if days == 0:
        return QCoreApplication.translate("WalkInForm", "{day} · today").format(day=date_text(day))
    if days == 1:
        return QCoreApplication.translate("WalkInForm", "{day} · tomorrow").format(
            day=date_text(day))
    return date_text(day)


def slot_label(slot, tz: ZoneInfo, state: str | None = None) -> str:
    """"10:30–11:00 · 2 places free", or the reason it is not bookable now
    ("Full now", "Closed: Public holiday", "Blocked", "Started", "Removed").
    The date is the form's Day row, always shown above it."""
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    free = slot.max_capacity - slot.current_bookings
    if state in (None, *BOOKABLE_STATES):
        places = _COUNTS.places_free(free)
    elif state == "closed":
        places = (closed_reason_text(slot.closed_reason) if slot.closed_reason
                  else QCoreApplication.translate("WalkInForm", "Closed"))
    else:
        places = {"full": QCoreApplication.translate("WalkInForm", "Full now"),
                  "blocked": QCoreApplication.translate("WalkInForm", "Blocked"),
                  "started": QCoreApplication.translate("WalkInForm", "Started"),
                  "past": QCoreApplication.translate("WalkInForm", "Over"),
                  "gone": QCoreApplication.translate("WalkInForm", "Removed")}.get(state, state)
    return f"{time_range(start, end)} · {places}"


def short_slot_labels(slot, tz: ZoneInfo, state: str | None = None) -> list[str]:
    """Shorter forms of `slot_label`, for a narrow slot box, each still with
    the time and the free places (or why it is not bookable):
    "10:30–11:00 · 2 free", then "10:30 · 2 free"."""
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    if state in (None, *BOOKABLE_STATES):
        places = _COUNTS.free(slot.max_capacity - slot.current_bookings)
    elif state == "closed":
        places = QCoreApplication.translate("WalkInForm", "Closed")
    elif state == "full":
        places = QCoreApplication.translate("WalkInForm", "Full")
    else:
        return [slot_label(slot, tz, state)]
    return [f"{time_range(start, end)} · {places}", f"{time_text(start)} · {places}"]


class SlotBox(QComboBox):
    """The slot choice. Closed, it shows the whole text when it fits, else
    the first short form that does (SHORT_ROLE: "09:00–10:00 · 3 free"); the
    list below shows every slot whole, as wide as the longest needs, and the
    tooltip says the whole text. Its width never follows its items (a long
    closing reason would widen the form past a small screen)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)

    def fits(self, text: str) -> bool:
        """Whether `text` is drawn whole in the closed box."""
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        fm = self.fontMetrics()
        needed = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option,
            QSize(fm.horizontalAdvance(text), fm.height()), self).width()
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        return needed <= self.width() and fm.horizontalAdvance(text) <= field.width()

    def shown_text(self) -> str:
        """What the closed box shows."""
        whole = self.currentText()
        if self.fits(whole):
            return whole
        shorter = self.currentData(SHORT_ROLE) or []
        return next((text for text in shorter if self.fits(text)),
                    shorter[-1] if shorter else whole)

    def paintEvent(self, _event) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.shown_text() != self.currentText():
            QToolTip.showText(event.globalPos(), f"{self.currentText()}\n{self.toolTip()}",
                              self)
            return True
        return super().event(event)


class SuggestionModel(QStringListModel):
    """The typeahead's list: each row's text is what the popup shows ("Roberta
    Regular (030 999 · last 3 Nov)"); NAME_ROLE is what picking it types
    (the name alone), CUSTOMER_ROLE the customer's id."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.customers: list[desk.Customer] = []

    def set_customers(self, customers, labels: list[str]) -> None:
        self.customers = list(customers)
        self.setStringList(labels)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role in (NAME_ROLE, CUSTOMER_ROLE) and index.isValid() \
                and index.row() < len(self.customers):
            customer = self.customers[index.row()]
            return customer.name if role == NAME_ROLE else customer.id
        return super().data(index, role)


class WalkInForm(QGroupBox):
    booked = Signal(object, str)  # the BookingRow, status-bar message
    card_requested = Signal(int)  # the picked customer's id: open their card
    customer_changed = Signal(object)  # the customer picked now (desk.Customer), or None

    def __init__(self, session, undo_stack, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Walk-in or phone booking (F2)"))
        self.session = session
        self.undo_stack = undo_stack
        self._suggestions: dict[str, desk.Customer] = {}
        self.customer: desk.Customer | None = None  # the customer picked: the booking is theirs
        self._someone_else_said = ""  # the message of the last unbinding by another name
        # (slot id, fields, reference) of a booking whose answer was lost with
        # the connection: asked about by its reference once the database is back.
        self._unanswered = None
        session.online_changed.connect(self._back_online)
        self.day: date | None = None       # the local date the form books on
        self._business_id: int | None = None
        self._tz = ZoneInfo("UTC")
        self._rows: dict[int, desk.SlotRow] = {}   # the day's slots as last heard of
        self._chosen: desk.SlotRow | None = None   # the chosen slot as last seen
        self._preselect: int | None = None         # F2's slot, chosen when its day arrives
        self._booking = False                      # a booking is on its way to the database
        self._filled_by_us: int | None = None      # the slot this form booked last

        self.day_label = QLabel()
        self.day_label.setWordWrap(True)
        self.day_label.setStyleSheet("font-weight: 600;")
        self.slot = SlotBox()
        self.slot.setToolTip(self.tr("Ctrl+↑ / Ctrl+↓ pick another slot while typing"))
        self.slot.currentIndexChanged.connect(self._remember_choice)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Customer name (required)"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("optional"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("optional"))
        self.source = QComboBox()
        for key, label in sources():
            self.source.addItem(label, key)
        self.notes = QLineEdit()
        self.notes.setPlaceholderText(self.tr("optional"))
        self.book_button = QPushButton(self.tr("Book  (Enter)"))
        self.book_button.setDefault(True)
        self.message = MessageBar()
        self._build_customer_panel()

        form = QFormLayout()
        form.addRow(self.tr("Day"), self.day_label)
        form.addRow(self.tr("&Slot"), self.slot)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Phone"), self.phone)
        form.addRow(self.tr("E&mail"), self.email)
        form.addRow(self.tr("Sou&rce"), self.source)
        form.addRow(self.tr("No&tes"), self.notes)  # Alt+O is the Owner menu
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.customer_panel)
        layout.addWidget(self.message)
        layout.addWidget(self.book_button)
        layout.addStretch(1)

        self._completer_model = SuggestionModel(self)
        completer = QCompleter(self._completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCompletionRole(NAME_ROLE)  # the popup shows more than the name it types
        completer.activated[QModelIndex].connect(self._suggestion_activated)
        self.name.setCompleter(completer)
        # Enter on a suggestion picks it, and only that: Qt hands the key to the
        # name field first, whose returnPressed would book the fragment typed.
        completer.popup().installEventFilter(self)
        # Earlier customers are looked up once typing pauses, on the window's
        # database thread, and only the newest question's answer is shown.
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_AFTER_MS)
        self._suggest_timer.timeout.connect(self._ask_for_suggestions)
        self.name.textEdited.connect(lambda _text: self._suggest_timer.start())
        for field in (self.name, self.phone, self.email):
            field.textEdited.connect(self._details_edited)
        session.business_changed.connect(lambda _business: self.unbind())

        for field in (self.name, self.phone, self.email, self.notes):
            field.returnPressed.connect(self.book)
        self.book_button.clicked.connect(self.book)
        for keys, step in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda step=step: self.move_slot(step))

    # --- slots -------------------------------------------------------------
    def chosen_slot_id(self) -> int | None:
        return self.slot.currentData()

    def show_day(self, day: date, rows: list[desk.SlotRow], tz: ZoneInfo, now: datetime,
                 status_text: str = "", keep_id: int | None = None) -> None:
        """Offer the bookable slots of `day` (the front desk's rows, as fresh as
        the last change heard of). The slot chosen on this day stays chosen:
        when it is no longer bookable it stays in the list, marked why."""
        business_id = self.session.business.id if self.session.business is not None else None
        same = day == self.day and business_id == self._business_id
        keep_id = (keep_id if keep_id is not None else self.slot.currentData()) if same else None
        if self._preselect is not None:
            keep_id, self._preselect = self._preselect, None
        if not same:
            self.message.clear()  # an offer made for another day must not stay clickable
        self.day, self._business_id, self._tz = day, business_id, tz
        self._rows = {row.id: row for row in rows}
        offered = {row.id: (row, row.state(now)) for row in rows
                   if row.state(now) in BOOKABLE_STATES}
        if keep_id is not None and keep_id not in offered:
            row = self._rows.get(keep_id)
            if row is not None:
                offered[keep_id] = (row, row.state(now))
            elif self._chosen is not None and self._chosen.id == keep_id:
                offered[keep_id] = (self._chosen, "gone")
        today = self.session.today()
        self.day_label.setText(" — ".join(filter(None, [day_text(day, today), status_text])))
        self.slot.blockSignals(True)
        self.slot.clear()
        for row, state in sorted(offered.values(), key=lambda pair: pair[0].start):
            self.slot.addItem(slot_label(row, tz, state), row.id)
            self.slot.setItemData(self.slot.count() - 1, short_slot_labels(row, tz, state),
                                  SHORT_ROLE)
            if state not in BOOKABLE_STATES:
                self.slot.setItemData(self.slot.count() - 1, closed_reason_text(row.closed_reason)
                                      if state == "closed" else self.tr("Not bookable now"),
                                      Qt.ItemDataRole.ToolTipRole)
        index = self.slot.findData(keep_id) if keep_id is not None else -1
        self.slot.setCurrentIndex(index if index >= 0 else 0)
        self.slot.blockSignals(False)
        empty = not offered
        self.slot.setEnabled(not empty)
        self.book_button.setEnabled(not empty)
        if empty:
            self.slot.addItem(status_text or self.tr("No free slot on this day"))
        self._remember_choice()
        if self._filled_by_us is not None:
            filled, self._filled_by_us = self._filled_by_us, None
            self._after_own_booking(filled)

    def _remember_choice(self, *_args) -> None:
        slot_id = self.slot.currentData()
        if slot_id is not None and slot_id in self._rows:
            self._chosen = self._rows[slot_id]

    def preselect(self, slot_id: int) -> None:
        """Choose `slot_id` now if it is offered, else when its day is shown."""
        if not self.select_slot(slot_id):
            self._preselect = slot_id

    def select_slot(self, slot_id: int) -> bool:
        index = self.slot.findData(slot_id)
        if index >= 0:
            self.slot.setCurrentIndex(index)
        return index >= 0

    def move_slot(self, step: int) -> None:
        count = self.slot.count()
        if count:
            self.slot.setCurrentIndex(max(0, min(count - 1, self.slot.currentIndex() + step)))

    # --- typeahead ---------------------------------------------------------
    def _ask_for_suggestions(self) -> None:
        text, business = self.name.text(), self.session.business
        self.session.pipeline.read(("suggest", id(self)),
                                   lambda: desk.customer_suggestions(text, business),
                                   self._show_suggestions,
                                   lambda exc: log.info("no suggestions: %s", exc), owner=self)

    def _show_suggestions(self, customers) -> None:
        tz, today = self.session.zone, self.session.today()
        labels = [WORDS.suggestion(c, tz, today) for c in customers]
        self._suggestions = dict(zip(labels, customers))
        self._completer_model.set_customers(customers, labels)
        if customers and self.name.hasFocus():
            self.name.completer().complete()

    def eventFilter(self, watched, event) -> bool:
        completer = self.name.completer()
        if completer is not None and watched is completer.popup() \
                and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = completer.popup().currentIndex()
            if index.isValid():
                completer.popup().hide()
                self._suggestion_activated(index)
                return True
        return super().eventFilter(watched, event)

    def _suggestion_activated(self, index: QModelIndex) -> None:
        """A suggestion picked in the popup (Enter or a click)."""
        wanted = index.data(CUSTOMER_ROLE)
        customer = next((c for c in self._completer_model.customers if c.id == wanted), None)
        if customer is not None:
            self.pick_customer(customer)

    def _use_suggestion(self, label: str) -> None:
        customer = self._suggestions.get(label)
        if customer is not None:
            self.pick_customer(customer)

    def pick_customer(self, customer: desk.Customer) -> None:
        """Fill the form with the customer's details and book for their record."""
        self._suggest_timer.stop()
        self.name.setText(customer.name)
        self.phone.setText(customer.phone or "")
        self.email.setText(customer.email or "")
        self.customer = customer if customer.id is not None else None
        if self._someone_else_said and self.message.text() == self._someone_else_said:
            self.message.clear()  # said of the pick before this one
        self._show_customer()

    def unbind(self) -> None:
        """The booking is for whoever the details say, no longer the customer picked."""
        self.customer = None
        self._show_customer()

    def _details_edited(self, _text: str = "") -> None:
        """Name, phone or email typed after picking: the booking stays the
        picked customer's only while they still describe them. When the name
        says it is someone else, the phone and email the pick filled in are
        the picked customer's, not this person's: they are taken out, so they
        cannot find that customer's record for the booking either."""
        customer = self.customer
        if customer is None or desk.still_describes(customer, self.name.text(),
                                                    self.email.text(), self.phone.text()):
            return
        self.unbind()
        if not desk.still_describes(customer, self.name.text()):
            self._take_out_details_of(customer)
        # else another phone or email: the details typed find the customer

    def _take_out_details_of(self, customer: desk.Customer) -> None:
        """Clear the phone and email the pick of `customer` filled in (as
        filled), and say so."""
        cleared = [field for field, value in ((self.phone, customer.phone),
                                              (self.email, customer.email))
                   if value and field.text() == value]
        for field in cleared:
            field.clear()
        if cleared:
            self._someone_else_said = self.tr(
                "Booking for someone else than {name}: the phone and email filled in with "
                "{name} were taken out.").format(name=customer.name)
            self.message.show_message(self._someone_else_said)

    def customer_saved(self, row) -> None:
        """The card saved the picked customer's record (a `CustomerRow`): the
        form books with their details as they are now."""
        if self.customer is None or row.id != self.customer.id:
            return
        self.pick_customer(desk.Customer(row.name, row.email, row.phone, row.id, row.visits,
                                         row.no_shows, row.last_visit, row.notes))

    # --- the picked customer ------------------------------------------------
    def _build_customer_panel(self) -> None:
        """Under the fields: the picked customer's history and note, their
        card and a way to book for someone else after all."""
        self.customer_panel = QFrame()
        self.customer_panel.setObjectName("customerPanel")
        self.customer_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.customer_line = QLabel()
        self.customer_line.setObjectName("customerHistory")
        self.customer_line.setWordWrap(True)
        self.customer_line.setStyleSheet("font-weight: 600;")
        self.customer_note = QLabel()
        self.customer_note.setObjectName("customerNote")
        self.customer_note.setWordWrap(True)
        self.customer_note.setTextFormat(Qt.TextFormat.PlainText)
        self.card_button = QPushButton(self.tr("Card… (F4)"))
        self.card_button.setToolTip(self.tr("The customer's card: details, notes and every "
                                            "booking"))
        self.card_button.clicked.connect(
            lambda: self.customer is not None and self.card_requested.emit(self.customer.id))
        self.unbind_button = QPushButton(self.tr("Someone else"))
        self.unbind_button.setToolTip(self.tr("Book for someone else: not this customer's "
                                              "record"))
        self.unbind_button.clicked.connect(self._someone_else)
        buttons = QHBoxLayout()
        buttons.addWidget(self.card_button)
        buttons.addWidget(self.unbind_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.customer_panel)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.customer_line)
        layout.addWidget(self.customer_note)
        layout.addLayout(buttons)
        self.customer_panel.hide()

    def _show_customer(self) -> None:
        customer = self.customer
        self.customer_panel.setVisible(customer is not None)
        self.customer_changed.emit(customer)
        if customer is None:
            self.customer_line.clear()
            self.customer_note.clear()
            return
        line = WORDS.history_line(customer, self.session.zone, self.session.today())
        # Wrapped between its parts only ("last 25 Nov" stays whole).
        self.customer_line.setText(" · ".join(part.replace(" ", "\u00a0")
                                              for part in line.split(" · ")))
        self.customer_line.setToolTip(self.tr("Booking for {name}'s record").format(
            name=customer.name))
        note = " ".join(customer.notes.split())
        self.customer_note.setText(self.tr("Note: {note}").format(note=note) if note else "")
        self.customer_note.setVisible(bool(note))

    def _someone_else(self) -> None:
        """"Someone else": not the picked customer's booking, nor found by
        their phone or email; the name is selected for typing over."""
        customer = self.customer
        self.unbind()
        if customer is not None:
            self._take_out_details_of(customer)
        self.focus_name()

    # --- booking -----------------------------------------------------------
    def clear(self) -> None:
        for field in (self.name, self.phone, self.email, self.notes):
            field.clear()
        self.source.setCurrentIndex(0)
        self.message.clear()
        self._unanswered = None
        self.unbind()

    def focus_name(self) -> None:
        self.name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.name.selectAll()

    def book(self) -> None:
        """Book the chosen slot, and only that one."""
        slot_id = self.slot.currentData()
        if slot_id is None:
            self.message.show_message(self.tr("There is no free slot to book on this day."))
            return
        self._create(slot_id)

    def set_busy(self, busy: bool) -> None:
        """While the booking is on its way: the button says so and Enter does
        not send it twice; the fields stay as typed."""
        self._booking = busy
        self.book_button.setEnabled(not busy and self.slot.currentData() is not None)
        self.book_button.setText(self.tr("Booking…") if busy else self.tr("Book  (Enter)"))

    def _create(self, slot_id: int, reference: str | None = None) -> None:
        if self._booking:
            return
        self._suggest_timer.stop()  # the name is typed: no suggestions to fetch any more
        fields = {"customer_name": self.name.text(), "customer_email": self.email.text() or None,
                  "customer_phone": self.phone.text() or None,
                  "source": self.source.currentData(), "notes": self.notes.text(),
                  "customer": self.customer.id if self.customer is not None else None}
        # The reference is drawn here, so that if the answer is lost with the
        # connection the desk can ask whether this very booking was saved.
        if reference is None:
            reference = (self._unanswered[2] if self._unanswered is not None
                         else services.new_reference())
        (perform(self, undo.book, slot_id, reference=reference, **fields)
         .busy(self.set_busy)
         .success(lambda outcome: self._booked_now(outcome, slot_id))
         .failure(lambda exc: self._not_booked(exc, slot_id, fields, reference))
         .run())

    def _not_booked(self, exc: BaseException, slot_id: int, fields: dict,
                    reference: str) -> None:
        if isinstance(exc, ReferenceInUse):
            # Another booking holds the reference drawn (one in hundreds of
            # millions): book under a fresh one.
            self._unanswered = None
            self._create(slot_id, services.new_reference())
        elif isinstance(exc, AnswerLost):  # lost in COMMIT: perhaps saved
            self._unanswered = (slot_id, fields, reference)
            self.message.show_message(self.tr(
                "The connection was lost while booking {ref} for {name}. Whether it was saved "
                "is checked as soon as the database answers.").format(
                    ref=reference, name=fields["customer_name"]))
        else:  # refusals inline (with the nearest free slot); describe() logs bugs
            self.show_refusal(exc)

    def _booked_now(self, outcome, slot_id: int, saved_before: bool = False) -> None:
        row = next(iter(getattr(outcome, "rows", ())), None)
        if row is None:  # an outcome without rows: read it (one query)
            self.session.pipeline.read(
                ("booked", id(self)), lambda: desk.booking_row(outcome.result.id),
                lambda booked: self._say_booked(booked, slot_id, saved_before), self.show_refusal, owner=self)
        else:
            self._say_booked(row, slot_id, saved_before)

    def _say_booked(self, booking: desk.BookingRow, slot_id: int, saved_before: bool) -> None:
        tz = self.session.zone
        text = self.tr("Booked {ref} for {name}, {when}.").format(
            ref=booking.reference, name=booking.customer_name, when=when_text(booking.start, tz))
        if saved_before:
            text += " " + self.tr("(It had been saved when the connection was lost.)")
        self.clear()
        self._filled_by_us = slot_id  # looked at when the day shows this booking
        self.booked.emit(booking, text)

    def _back_online(self, online: bool) -> None:
        """The database answers again: say truthfully whether the booking
        whose answer was lost was saved."""
        if not online or self._unanswered is None:
            return
        slot_id, fields, reference = self._unanswered

        def look_up(by):
            desk.booking_row_by_reference(reference)  # NotFound: it was not saved
            # Saved: the same reference gives that booking (and its undo step),
            # never a second one.
            return undo.book(slot_id, reference=reference, by=by, **fields)

        def not_saved(exc: BaseException) -> None:
            if isinstance(exc, (NotFound, ReferenceInUse)):
                if isinstance(exc, ReferenceInUse):  # another booking's: ours was not saved
                    self._unanswered = (slot_id, fields, services.new_reference())
                self.message.show_message(self.tr(
                    "{ref} for {name} was not saved. Press Enter to book it now.").format(
                        ref=reference, name=fields["customer_name"]))
            else:
                self.show_refusal(exc)

        (perform(self, look_up)
         .success(lambda outcome: self._booked_now(outcome, slot_id, saved_before=True))
         .failure(not_saved)
         .run())

    def _after_own_booking(self, slot_id: int) -> None:
        """When the booking just made filled the chosen slot (as the day shown
        after it says), the next person gets the nearest bookable slot (later
        first, then earlier), not a full one."""
        row = self._rows.get(slot_id)
        if self.slot.currentData() != slot_id or row is None:
            return
        now = utcnow()
        if row.state(now) in BOOKABLE_STATES:
            return
        offered = (self._rows.get(self.slot.itemData(i)) for i in range(self.slot.count()))
        bookable = [r for r in offered if r is not None and r.state(now) in BOOKABLE_STATES]
        if bookable:
            later = [r for r in bookable if r.start >= row.start]
            self.select_slot((later[0] if later else bookable[-1]).id)

    def show_refusal(self, exc: BaseException) -> None:
        """A refusal under the form; the field it is about gets the keyboard;
        a refused slot comes with the nearest free one."""
        text = describe(exc)
        field = getattr(exc, "field", None)
        widget = {"customer_name": self.name, "customer_email": self.email,
                  "customer_phone": self.phone, "notes": self.notes}.get(field)
        self.message.show_message(text)
        if field == "customer" or getattr(exc, "details", {}).get("field") == "customer":
            # The picked record was merged away (or is another business's):
            # the details typed stay; Enter books for whoever they describe.
            self.unbind()
            self.name.setFocus()
            return
        if isinstance(exc, (SlotFull, SlotInPast, SlotBlocked, NotFound)):
            self._offer(text)
            return
        if isinstance(exc, DuplicateBooking):
            widget = self.email if self.email.text() else self.phone
        if widget is not None:
            widget.setFocus()
            widget.selectAll()

    def _offer(self, why: str) -> None:
        """After a refusal of the chosen slot: look for the free slot nearest
        to it on the same day (on the worker); only when that day has none,
        the next free slot, named with its date. The refusal is said at once;
        the offer joins it when found."""
        business, day, refused = self.session.business, self.day, self.slot.currentData()
        chosen = self._chosen if self._chosen is not None and self._chosen.id == refused else None
        around = chosen.start if chosen is not None else None

        def find():
            return desk.free_slot_to_offer(business, day, around=around)

        self.session.pipeline.read(("offer", id(self)), find,
                                   lambda found: self._show_offer(why, day, refused, found),
                                   lambda exc: log.info("no offer: %s", exc), owner=self)

    def _show_offer(self, why: str, day: date, refused: int | None, alternative) -> None:
        if alternative is None or alternative.id == refused or day != self.day \
                or self.message.text() != why:  # the form moved on meanwhile
            return
        tz = self.session.zone
        other_day = alternative.start.astimezone(tz).date() != self.day
        at = when_text(alternative.start, tz, with_date=other_day)
        if other_day:
            text = self.tr("{why} Nothing else is free on {day}. Next free: {at}.").format(
                why=why, day=short_date(self.day), at=at)
        else:
            text = self.tr("{why} Next free: {at}.").format(why=why, at=at)
        self.message.show_message(text, self.tr("Book {at} instead").format(at=at),
                                  lambda: self._book_instead(alternative.id))

    def _book_instead(self, slot_id: int) -> None:
        """The person chose the offered slot: it becomes the choice and is booked."""
        self.select_slot(slot_id)
        self._create(slot_id)
