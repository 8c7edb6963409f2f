"""The main window: a shell hosting the views, with the navigation rail, the
top bar (business, day, search), menus with every shortcut, undo/redo, and a
status bar (database, signed-in user, sync state)."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QPainter, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .. import config, services
from ..clock import utcnow
from . import commands
from . import i18n
from .accessible import name_from_labels
from .views.bookings_view import BookingsView
from .views.calendar_view import CalendarView
from .dialogs.health_dialog import HealthDialog
from .errors import APP_TITLE, describe
from .formats import time_text
from .help_window import FIRST_TOPIC, HelpWindow
from .message_bar import MessageBar
from .views.front_desk import FrontDeskView
from .views.hours_view import HoursView
from .views.reports_view import ReportsView
from .settings import Settings
from .status_style import role_label


def display_url(url: str) -> str:
    """The database address without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url


def _menu_text(prefix: str, what: str) -> str:
    """"&Undo Book Jack && Jill": a literal "&" in a menu item is doubled."""
    if not what:
        return prefix
    return QCoreApplication.translate("MainWindow", "{command} {what}").format(
        command=prefix, what=what.replace("&", "&&"))


class ElidedLabel(QLabel):
    """A one-line label that elides in the middle when short of room (a long
    database path must not set the window's minimum width); the whole text
    is its tooltip."""

    def __init__(self, text: str, parent=None):
        super().__init__(text, parent)
        self.setToolTip(text)
        self.setMinimumWidth(120)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideMiddle,
                                             rect.width())
        painter.drawText(rect, int(self.alignment()), text)


class MainWindow(QMainWindow):
    # File → Connect to a shared database… / Use this computer's database:
    # the address to reopen the app on (the app does it: ui.app.switch_database).
    database_chosen = Signal(str)
    # View → Language: "en", "de", or "" for the system's (ui.app.switch_language).
    language_chosen = Signal(str)

    def __init__(self, session, db_url: str, settings: Settings | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.db_url = db_url
        self.settings = settings or Settings()
        self.setWindowTitle(APP_TITLE)
        self.undo_stack = QUndoStack(self)
        self._businesses: dict = {}  # id -> BusinessRow, as the box was last filled

        self.front_desk = FrontDeskView(session, self.undo_stack, settings=self.settings)
        self.calendar = CalendarView(session, self.undo_stack)
        self.bookings = BookingsView(session, self.undo_stack, settings=self.settings)
        self.views = [(self.tr("Front desk"), self.front_desk),
                      (self.tr("Calendar"), self.calendar),
                      (self.tr("Bookings"), self.bookings)]
        self.hours = self.reports = None
        self.help_window = self.health_dialog = None  # made when first asked for
        self.duplicates_dialog = self.customer_data_dialog = None
        if session.is_owner:  # staff see the calendar read-only; no hours, no reports
            self.hours = HoursView(session, self.undo_stack)
            self.reports = ReportsView(session)
            self.views += [(self.tr("Hours"), self.hours), (self.tr("Reports"), self.reports)]
        self.stack = QStackedWidget()
        self.rail = QListWidget()
        self.rail.setFixedWidth(120)
        self.rail.setAccessibleName(self.tr("Views"))
        for number, (title, view) in enumerate(self.views, start=1):
            item = QListWidgetItem(title)
            item.setToolTip(self.tr("{view} (Ctrl+{number})").format(view=title, number=number))
            item.setSizeHint(QSize(110, 40))
            self.rail.addItem(item)
            self.stack.addWidget(view)
            view.message.connect(self.show_message)
        self.rail.currentRowChanged.connect(self.show_view)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(8, 8, 8, 0)
        outer.addLayout(self._top_bar())
        self.offline_bar = MessageBar()  # the database out of reach: said above every view
        outer.addWidget(self.offline_bar)
        body = QHBoxLayout()
        body.addWidget(self.rail)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar(db_url)
        name_from_labels(self)  # the walk-in form's fields, the hours' times, …
        self._fill_businesses()
        session.business_changed.connect(lambda _b: self._fill_businesses())
        session.did_execute.connect(lambda _change: self._synced())
        session.online_changed.connect(self._online_changed)
        session.lost_answer_found.connect(self._lost_answer_found)

        geometry = self.settings.geometry("main")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        self.rail.setCurrentRow(min(self.settings.last_view, len(self.views) - 1))

    # --- layout ------------------------------------------------------------
    def _top_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.business_box = QComboBox()
        # Long names elide in the box (whole in the list) instead of widening the window.
        self.business_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.business_box.setMinimumContentsLength(16)
        self.business_box.activated.connect(self._business_chosen)
        self.business_box.setAccessibleName(self.tr("Business"))
        self.prev_day = QToolButton(text="◀")
        self.prev_day.setAccessibleName(self.tr("Previous day"))
        self.prev_day.setToolTip(self.tr("Previous day (Alt+Left)"))
        self.prev_day.clicked.connect(lambda: self._day(-1))
        self.next_day = QToolButton(text="▶")
        self.next_day.setAccessibleName(self.tr("Next day"))
        self.next_day.setToolTip(self.tr("Next day (Alt+Right)"))
        self.next_day.clicked.connect(lambda: self._day(1))
        self.today_button = QPushButton(self.tr("Today"))
        self.today_button.setToolTip(self.tr("Today (Ctrl+T)"))
        self.today_button.clicked.connect(lambda: self._day(0))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a booking: name, email, phone or reference (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Find a booking"))
        self.search.setMinimumWidth(220)
        self.search.setMaximumWidth(520)
        self.search.returnPressed.connect(self._search)
        bar.addWidget(self.business_box)
        bar.addSpacing(12)
        bar.addWidget(self.prev_day)
        bar.addWidget(self.today_button)
        bar.addWidget(self.next_day)
        bar.addStretch(1)
        bar.addWidget(self.search, 4)
        return bar

    def _add(self, menu, text, shortcut, slot) -> QAction:
        """An action with its (translated) text and shortcut, in `menu`."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        from .export.day_sheet import export_day_sheet_pdf, print_day_sheet
        self._add(file_menu, self.tr("&Print day sheet…"), "Ctrl+P",
                  lambda: print_day_sheet(self, self.session, self.front_desk.day,
                                          failed=self._refused_in_view))
        self._add(file_menu, self.tr("Export day sheet as P&DF…"), "Ctrl+Shift+P",
                  lambda: export_day_sheet_pdf(self, self.session, self.front_desk.day,
                                               failed=self._refused_in_view))
        file_menu.addSeparator()
        self.connect_action = self._add(file_menu, self.tr("&Connect to a shared database…"), None,
                                        self.connect_to_shared)
        self.local_action = self._add(file_menu, self.tr("Use this &computer's database"), None,
                                      lambda: self.database_chosen.emit(
                                          config.default_database_url()))
        self.local_action.setEnabled(not config.is_local(self.db_url))
        file_menu.addSeparator()
        quit_action = self._add(file_menu, self.tr("&Quit"), None, self.close)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)

        edit = bar.addMenu(self.tr("&Edit"))
        # The actions follow the stack's text ("Undo check-in of Maria Lopez");
        # triggering goes through commands.undo/redo, which keep a refused
        # step in place and say why.
        undo = self.undo_action = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        undo.triggered.disconnect()
        undo.triggered.connect(lambda: self._undo_redo(False, self.tr("Undid {what}.")))
        redo = self.redo_action = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        redo.triggered.disconnect()
        redo.triggered.connect(lambda: self._undo_redo(True, self.tr("Redid {what}.")))
        # The texts name customers ("Undo Book Jack & Jill"): a menu would take their "&"
        # for a mnemonic and eat it.
        self.undo_stack.undoTextChanged.connect(self._undo_text_changed)
        self.undo_stack.redoTextChanged.connect(self._redo_text_changed)
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        self._add(edit, self.tr("&Find booking"), "Ctrl+F", self.focus_search)

        booking = bar.addMenu(self.tr("&Booking"))
        self.walk_in_action = self._add(booking, self.tr("&Walk-in…"), None, self.walk_in)
        self.walk_in_action.setShortcuts([QKeySequence("F2"), QKeySequence("Ctrl+N")])
        booking.addSeparator()
        for action in self.front_desk.booking_actions:
            booking.addAction(action)
        booking.addSeparator()
        booking.addAction(self.front_desk.customer_card_action)

        view = bar.addMenu(self.tr("&View"))
        for number, (title, _view) in enumerate(self.views, start=1):
            self._add(view, title, f"Ctrl+{number}", lambda _=False, i=number - 1: self.show_view(i))
        view.addSeparator()
        self._add(view, self.tr("&Previous day"), "Alt+Left", lambda: self._day(-1))
        self._add(view, self.tr("&Next day"), "Alt+Right", lambda: self._day(1))
        self._add(view, self.tr("&Today"), "Ctrl+T", lambda: self._day(0))
        self._add(view, self.tr("&Refresh"), "F5", self.session.notify_changed)
        view.addSeparator()
        # the Bookings table's header menu, for the keyboard
        view.addMenu(self.tr("Bookings &columns")).addActions(self.bookings.columns.menu.actions())
        self._build_language_menu(view.addMenu(self.tr("&Language")))

        self.owner_menu = bar.addMenu(self.tr("&Owner"))
        self.generate_action = self._add(self.owner_menu, self.tr("&Generate slots…"), None,
                                         self.front_desk.generate_slots)
        for action in self.front_desk.owner_actions:
            self.owner_menu.addAction(action)
        self.users_action = self._add(self.owner_menu, self.tr("&Users…"), None, self._users)
        self.duplicates_action = self._add(self.owner_menu, self.tr("Likely &duplicates…"), None,
                                           self.show_duplicates)
        self.customer_data_action = self._add(self.owner_menu, self.tr("Customer d&ata…"), None,
                                              self.show_customer_data)
        self.owner_menu.addSeparator()
        self.health_action = self._add(self.owner_menu, self.tr("&Health…"), None,
                                       self.show_health)
        self.owner_menu.menuAction().setVisible(self.session.is_owner)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.guide_action = self._add(help_menu, self.tr("&User guide"), "F1", self.show_guide)
        self.guide_action.setToolTip(self.tr("The user guide, at the part about this view"))

    def _build_language_menu(self, menu) -> None:
        """The system's language or one chosen: the window is shown again in it."""
        group = QActionGroup(self)
        chosen = self.settings.language if self.settings.language in i18n.CODES else ""
        system = dict(i18n.LANGUAGES)[i18n.system_language()]
        self.language_actions = {}
        for code, name in (("", self.tr("System language ({name})").format(name=system)),
                           *i18n.LANGUAGES):
            action = QAction(name, self, checkable=True)
            action.setChecked(code == chosen)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, code=code: self._choose_language(code))
            menu.addAction(action)
            self.language_actions[code] = action

    def _choose_language(self, code: str) -> None:
        if i18n.chosen_language(code) == i18n.current_language():
            self.settings.language = code  # the same language, now chosen (or followed)
            return
        self.show_message(self.tr("Switching the language…"))
        self.language_chosen.emit(code)

    def _undo_text_changed(self, text: str) -> None:
        if shiboken6.isValid(self.undo_action):  # not while the window is torn down
            self.undo_action.setText(_menu_text(self.tr("&Undo"), text))

    def _redo_text_changed(self, text: str) -> None:
        if shiboken6.isValid(self.redo_action):
            self.redo_action.setText(_menu_text(self.tr("&Redo"), text))

    def _build_status_bar(self, db_url: str) -> None:
        status = self.statusBar()
        self.db_label = ElidedLabel(self.tr("Database: {url}").format(url=display_url(db_url)))
        user = self.session.user
        self.user_label = QLabel(self.tr("Signed in: {name} ({role})").format(
            name=user.username, role=role_label(user.role)))
        self.sync_label = QLabel(self.tr("Up to date"))
        for label in (self.db_label, self.user_label, self.sync_label):
            status.addPermanentWidget(label)

    # --- behaviour ---------------------------------------------------------
    def _fill_businesses(self) -> None:
        """Read the businesses on the worker and fill the top bar's box."""
        self.session.pipeline.read(("businesses", id(self)), services.list_businesses,
                                   self._show_businesses, self._businesses_failed, owner=self)

    def _show_businesses(self, businesses) -> None:
        self._businesses = {business.id: business for business in businesses}
        self.business_box.blockSignals(True)
        self.business_box.clear()
        for business in businesses:
            self.business_box.addItem(business.name, business.id)
        current = self.session.business
        if current is not None:
            self.business_box.setCurrentIndex(self.business_box.findData(current.id))
        self.business_box.blockSignals(False)
        self.business_box.setVisible(len(businesses) > 1)
        self.setWindowTitle(f"{current.name} — {APP_TITLE}" if current else APP_TITLE)

    def _businesses_failed(self, exc: BaseException) -> None:
        self.show_message(describe(exc))

    def _business_chosen(self, index: int) -> None:
        """The business picked in the box, as the box's last read found it."""
        business = self._businesses.get(self.business_box.itemData(index))
        if business is not None:
            self.session.set_business(business)
            self.settings.last_business_id = business.id

    def show_view(self, index: int) -> None:
        if not 0 <= index < len(self.views):
            return
        if self.rail.currentRow() != index:
            self.rail.setCurrentRow(index)
            return
        leaving = self.stack.currentWidget()
        if leaving is not self.stack.widget(index) and hasattr(leaving, "confirm_leave") \
                and not leaving.confirm_leave():  # unsaved hours: the owner chose to stay
            self.rail.blockSignals(True)
            self.rail.setCurrentRow(self.stack.currentIndex())
            self.rail.blockSignals(False)
            return
        self.stack.setCurrentIndex(index)
        self.settings.last_view = index
        if leaving is not self.stack.currentWidget():
            self._focus_view(self.stack.currentWidget())

    def _focus_view(self, view) -> None:
        """Switching views puts the keyboard in the view's main control (the
        calendar's month, the bookings table…), so the arrows work at once."""
        targets = {self.front_desk: self.front_desk.tree, self.calendar: self.calendar.grid,
                   self.bookings: self.bookings.table}
        if self.hours is not None:
            targets.update({self.hours: self.hours.grid, self.reports: self.reports.business_combo})
        target = targets.get(view)
        if target is not None and target.isVisibleTo(self):
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _day(self, step: int) -> None:
        """◀ / ▶ / Today act on the calendar when it is shown, else on the front desk."""
        if self.stack.currentWidget() is self.calendar:
            if step:
                self.calendar.select_day(self.calendar.day + timedelta(days=step))
            else:
                self.calendar.go_today()
            return
        self.show_view(0)
        if step:
            self.front_desk.shift_day(step)
        else:
            self.front_desk.go_today()

    def _undo_redo(self, redo: bool, done_text: str) -> None:
        """Undo or redo, through the pipeline; the result in the status bar,
        a refusal in the shown view's message bar (nothing changed)."""
        view = self.stack.currentWidget()
        bar = getattr(view, "bar", None)
        stack = self.undo_stack

        def done(_outcome) -> None:
            moved = stack.command(stack.index() - 1 if redo else stack.index())
            if bar is not None:
                bar.clear()
            if moved is not None:
                self.show_message(done_text.format(what=moved.text()))

        def refused(exc: BaseException) -> None:  # refusals, and bugs (logged by describe)
            text = describe(exc)
            if bar is not None:
                bar.show_message(text)
            self.show_message(text)

        commands.step(self.front_desk, stack, redo).success(done).failure(refused).run()

    def _refused_in_view(self, exc: BaseException) -> None:
        """A refusal of a window-wide action (the day sheet): in the shown
        view's message bar, if it has one, and in the status bar."""
        text = describe(exc)
        bar = getattr(self.stack.currentWidget(), "bar", None)
        if bar is not None:
            bar.show_message(text)
        self.show_message(text)

    def walk_in(self) -> None:
        self.show_view(0)
        self.front_desk.start_walk_in()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search(self) -> None:
        self.show_view(next(i for i, (_t, view) in enumerate(self.views) if view is self.bookings))
        self.bookings.set_search_text(self.search.text())

    def connect_to_shared(self) -> None:
        from .dialogs.connect_dialog import ConnectDialog
        current = self.db_url if self.db_url.startswith("postgres") else None
        url = ConnectDialog.ask(self, initial=current and config.without_password(current))
        if url is not None:
            self.database_chosen.emit(url)

    def show_guide(self) -> None:
        """F1: the user guide at the section of the view shown."""
        guide, anchor = getattr(self.stack.currentWidget(), "help_topic", FIRST_TOPIC)
        self.open_guide(guide, anchor)

    def open_guide(self, guide: str, anchor: str | None = None) -> None:
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_topic(guide, anchor)

    def show_health(self) -> None:
        """Owner → Health: one window, kept while the main window lives."""
        if self.health_dialog is None:
            self.health_dialog = HealthDialog(self.session, self, open_help=self.open_guide)
        self.health_dialog.show()
        self.health_dialog.raise_()
        self.health_dialog.activateWindow()

    def show_duplicates(self) -> None:
        """Owner → Likely duplicates: one window, read again each time it is opened."""
        from .dialogs.duplicates_dialog import DuplicatesDialog
        if self.duplicates_dialog is None:
            self.duplicates_dialog = DuplicatesDialog(self.session, self)
        else:
            self.duplicates_dialog.refresh()
        self.duplicates_dialog.show()
        self.duplicates_dialog.raise_()
        self.duplicates_dialog.activateWindow()

    def show_customer_data(self) -> None:
        """Owner → Customer data: how long customers are kept, and erasing
        those due now."""
        from .dialogs.customer_data_dialog import CustomerDataDialog
        self.customer_data_dialog = CustomerDataDialog(self.session, self)
        self.customer_data_dialog.open()

    def _users(self) -> None:
        from .dialogs.users_dialog import UsersDialog
        UsersDialog(self.session, self).exec()

    def _synced(self) -> None:
        """The business's local time, the same clock as the front desk's "Now"."""
        business = self.session.business
        now = utcnow().astimezone(ZoneInfo(business.timezone) if business is not None else None)
        self.sync_label.setText(self.tr("Up to date · {time}").format(time=time_text(now)))

    def _online_changed(self, online: bool) -> None:
        if online:
            self.offline_bar.clear()
            self._synced()
            self.show_message(self.tr("The database is back; everything shown is up to date."))
        else:
            self.offline_bar.show_message(self.tr(
                "The database is out of reach. What you type is kept, but nothing can be saved "
                "until the connection is back; the desk reconnects by itself."))
            self.sync_label.setText(self.tr("Offline · reconnecting…"))

    def _lost_answer_found(self, text: str) -> None:
        """Whether an action whose answer was lost had been saved: said where
        the desk said it was out of reach, until closed."""
        self.offline_bar.show_message(text)
        self.show_message(text)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def closeEvent(self, event) -> None:
        if self.hours is not None and not self.hours.confirm_leave():
            event.ignore()
            return
        self.settings.set_geometry("main", self.saveGeometry())
        self.settings.sync()
        self.session.close()
        super().closeEvent(event)
