"""Every view at 1024x700 (a small front-desk screen), 1280x800 and 1920x1080
on demo data, in English and in German: the window may be that small, no
time, reference, phone or status cell is cut (font metrics), filters and
dialog titles are whole."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QTreeView,
)

from booking_desktop import services
from booking_desktop.models import Booking
from booking_desktop.services import demo, desk
from booking_desktop.ui.app import open_main_window

SIZES = [(1024, 700), (1280, 800), (1920, 1080)]
PADDING = 8  # the style's margins around an item's text


@pytest.fixture
def demo_data(gui_db):
    demo.build_demo(scale=0.3)
    # The widest reference the alphabet allows, a long name and email: cut first.
    first = Booking.select().order_by(Booking.id).first()
    Booking.update(reference="WWW-MWW", customer_name="Maximiliane Wolkenstein-Oberhauser",
                   customer_email="maximiliane.wolkenstein-oberhauser@example.org",
                   customer_phone="+61 (02) 9555 0199 88").where(Booking.id == first.id).execute()
    owner = next(u for u in services.list_users() if u.role == "owner")
    return owner, first


@pytest.fixture(params=["en", "de"])
def language(request):
    """Each view in English and in German (longer words: "Zeitfenster")."""
    from PySide6.QtCore import QLocale

    from booking_desktop.ui import i18n
    i18n.install(request.param, QLocale.c())
    return request.param


@pytest.fixture
def demo_window(qtbot, gui_db, settings, demo_data, language):
    owner, first = demo_data
    business = first.time_slot.business
    window = open_main_window(gui_db, owner, business, settings)
    qtbot.addWidget(window)
    window.session.stop_watching()
    window.show()
    qtbot.waitExposed(window)
    tz = window.session.zone
    window.front_desk.set_day(first.time_slot.start.astimezone(tz).date())
    return window


def cell_fits(view, index) -> tuple[bool, str]:
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if not text:
        return True, ""
    font = index.data(Qt.ItemDataRole.FontRole) or view.font()
    needed = QFontMetrics(font).horizontalAdvance(str(text)) + PADDING
    if index.data(Qt.ItemDataRole.DecorationRole) is not None:
        needed += view.iconSize().width() if view.iconSize().width() > 0 else 16
    width = view.visualRect(index).width()
    return width >= needed, f"{text!r} needs {needed} px, has {width}"


def all_indexes(model, parent=None):
    from PySide6.QtCore import QModelIndex
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            yield index
        first = model.index(row, 0, parent)
        if model.hasChildren(first):
            yield from all_indexes(model, first)


def assert_cells_fit(view, columns, rows=None):
    header = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
    problems = []
    for index in all_indexes(view.model()) if rows is None else (
            view.model().index(r, c) for r in rows for c in columns):
        if index.column() not in columns or header.isSectionHidden(index.column()):
            continue
        fits, why = cell_fits(view, index)
        if not fits:
            problems.append(why)
    assert not problems, problems[:5]


def clipped(widget) -> str | None:
    """Why `widget` (a filter or a button) does not show all it says, or None."""
    if not widget.isVisible():
        return None
    window = widget.window()
    bottom_right = widget.mapTo(window, QPoint(widget.width(), widget.height()))
    if bottom_right.x() > window.width() or bottom_right.y() > window.height():
        return f"{widget!r} lies outside the window"
    fm = widget.fontMetrics()
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        needed = fm.horizontalAdvance(widget.placeholderText()) + 12
        if widget.isClearButtonEnabled():
            needed += 20
        if widget.width() < needed:
            return f"placeholder {widget.placeholderText()!r}: {widget.width()} < {needed}"
    elif isinstance(widget, QComboBox) and not widget.isEditable():
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        needed = widget.style().sizeFromContents(
            QStyle.ContentsType.CT_ComboBox, option,
            QSize(fm.horizontalAdvance(widget.currentText()), fm.height()), widget).width()
        if widget.width() < needed:
            return f"combo {widget.currentText()!r}: {widget.width()} < {needed}"
    elif isinstance(widget, (QAbstractButton, QDateEdit)) or (
            isinstance(widget, QLabel) and not widget.wordWrap() and widget.text()):
        if widget.width() < widget.sizeHint().width() - 1:
            return f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}: " \
                   f"{widget.width()} < {widget.sizeHint().width()}"
    return None


def assert_not_clipped(widgets):
    problems = [why for why in map(clipped, widgets) if why]
    assert not problems, problems


def settle(qtbot):
    QApplication.processEvents()
    qtbot.wait(1)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_view_fits_the_screen(qtbot, demo_window, size):
    window = demo_window
    window.resize(*size)
    settle(qtbot)
    for index, (title, _view) in enumerate(window.views):
        window.show_view(index)
        settle(qtbot)
        hint = window.minimumSizeHint()
        assert hint.width() <= size[0] and hint.height() <= size[1], (title, hint)
        assert (window.width(), window.height()) == size, title
        assert_not_clipped([window.business_box, window.prev_day, window.today_button,
                            window.next_day, window.search])

    front = window.front_desk
    window.show_view(0)
    settle(qtbot)
    assert front.model.rowCount() > 0
    assert_cells_fit(front.tree, {0, 1, 3, 5})  # time / reference, places, phone, status
    assert_not_clipped([front.title, front.now_label, front.walk_in.book_button])

    window.show_view(1)
    calendar = window.calendar
    calendar.select_day(front.day)
    settle(qtbot)
    assert calendar.day_model.rowCount() > 0
    assert_cells_fit(calendar.tree, {0, 1, 5})
    assert_not_clipped([calendar.prev_button, calendar.today_button, calendar.next_button,
                        calendar.title, calendar.summary, calendar.day_title,
                        *(b for b in calendar.owner_buttons)])

    window.show_view(2)
    bookings = window.bookings
    settle(qtbot)
    table = bookings.table
    last = table.rowAt(table.viewport().height() - 1)
    rows = range(0, (last if last >= 0 else bookings.model.rowCount() - 1) + 1)
    assert len(rows) > 5
    assert_cells_fit(table, {0, 1, 4, 5, 7}, rows)  # date, time, phone, status, checked in
    assert_bookings_fit_sideways(bookings, rows)
    assert_not_clipped([bookings.search_edit, bookings.status_combo, bookings.source_combo,
                        bookings.dates_check, bookings.date_from, bookings.date_to,
                        bookings.clear_button, bookings.export_button])

    window.show_view(3)
    hours = window.hours
    settle(qtbot)
    assert_not_clipped([hours.template, hours.template_button, hours.clear_button,
                        hours.revert_button, hours.save_button, hours.add_day_button,
                        hours.edit_day_button, hours.remove_day_button, hours.remove_button])
    assert_cells_fit(hours.days, {0, 1})
    assert hours.grid.height() >= 300 and hours.grid.width() >= 350

    window.show_view(4)
    reports = window.reports
    reports.refresh()
    settle(qtbot)
    assert_not_clipped([reports.business_combo, reports.preset_combo, reports.date_from,
                        reports.date_to, *reports.export_buttons.values()])
    for card in reports.cards.values():
        assert_not_clipped([card.value])
    strip = reports.customer_figures  # captions and values whole; the names elide
    assert_not_clipped([label for label in strip.findChildren(QLabel)
                        if label is not strip.no_shows])
    assert strip.no_shows.width() >= strip.no_shows.minimumWidth()
    for view in reports.chart_views:
        assert view.height() >= 150 and view.width() >= 300


def assert_bookings_fit_sideways(bookings, rows):
    """No sideways scrolling: the shown columns take the table's width at
    most; date, time, customer, phone and status are among them, with every
    customer name of up to 20 letters whole; what the width left out is in
    the header's menu, unticked."""
    from booking_desktop.ui.models.bookings_model import COLUMN_INDEX
    table, header = bookings.table, bookings.table.horizontalHeader()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0
    for key in ("date", "time", "customer", "phone", "status"):
        assert COLUMN_INDEX[key] in shown, key
    customer = COLUMN_INDEX["customer"]
    short_names = [r for r in rows if len(table.model().index(r, customer).data() or "") <= 20]
    assert len(short_names) > 5
    assert_cells_fit(table, {customer}, short_names)
    for column, action in bookings.columns.actions.items():
        assert action.isChecked() == (column in shown)
        assert action.isEnabled() or column in (COLUMN_INDEX["date"], customer)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_walk_in_slot_says_time_and_places_in_its_width(qtbot, demo_window, size):
    """The closed slot box shows a text that fits it (the whole one where
    there is room, else "09:00–10:00 · 3 free"), with the slot's time and
    its free places; the list below shows every slot whole."""
    from booking_desktop.ui.formats import time_range
    window = demo_window
    window.resize(*size)
    front, form = window.front_desk, window.front_desk.walk_in
    day = window.session.today()
    for _ in range(14):  # a day with a free slot
        front.set_day(day)
        settle(qtbot)
        if form.slot.currentData() is not None:
            break
        day += timedelta(days=1)
    slot = form.slot
    row = form._rows[slot.currentData()]
    shown = slot.shown_text()
    fm = QFontMetrics(slot.font())
    option = QStyleOptionComboBox()
    slot.initStyleOption(option)
    field = slot.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, slot)
    assert fm.horizontalAdvance(shown) <= field.width(), (shown, field.width())
    needed = slot.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option,
                                           QSize(fm.horizontalAdvance(shown), fm.height()),
                                           slot).width()
    assert needed <= slot.width(), (shown, needed, slot.width())
    tz = window.session.zone
    free = row.max_capacity - row.current_bookings
    assert shown.startswith(time_range(row.start.astimezone(tz), row.end.astimezone(tz)))
    assert shown.endswith((f" {free} free", f" {free} places free", f" {free} place free",
                           f" {free} frei", f" {free} Plätze frei", f" {free} Platz frei")), shown
    if size[0] >= 1280:
        assert shown == slot.currentText()  # room for the whole text
    else:  # the short form; hovering says the whole text
        assert shown != slot.currentText()
        from PySide6.QtGui import QHelpEvent
        from PySide6.QtWidgets import QToolTip
        centre = slot.rect().center()
        QApplication.sendEvent(slot, QHelpEvent(QHelpEvent.Type.ToolTip, centre,
                                                slot.mapToGlobal(centre)))
        assert QToolTip.text().startswith(slot.currentText() + "\n"), QToolTip.text()
        QToolTip.hideText()
    slot.showPopup()
    try:
        widest = max(fm.horizontalAdvance(slot.itemText(i)) for i in range(slot.count()))
        assert slot.view().viewport().width() >= widest
    finally:
        slot.hidePopup()


def dialogs(window, booking_row):
    from booking_desktop.ui.dialogs.customer_card import CustomerCard, CustomerPicker
    from booking_desktop.ui.dialogs.customer_data_dialog import CustomerDataDialog
    from booking_desktop.ui.dialogs.details_dialog import EditDetailsDialog
    from booking_desktop.ui.dialogs.duplicates_dialog import DuplicatesDialog
    from booking_desktop.ui.dialogs.reasons import CancelReasonDialog
    from booking_desktop.ui.export.export_dialog import ExportDialog
    from booking_desktop.ui.dialogs.first_run import FirstRunDialog
    from booking_desktop.ui.views.hours_view import OutsideHoursDialog, SpecialDayDialog
    from booking_desktop.ui.dialogs.reschedule_dialog import RescheduleDialog
    from booking_desktop.ui.dialogs.signin import SignInDialog
    from booking_desktop.ui.dialogs.slots_dialog import GenerateSlotsDialog
    from booking_desktop.ui.dialogs.users_dialog import UsersDialog

    session = window.session
    today = session.today()
    return [
        SignInDialog("staff"),
        FirstRunDialog(with_owner=True),
        CancelReasonDialog(f"Cancel {booking_row.reference} for {booking_row.customer_name}?"),
        GenerateSlotsDialog(session),
        RescheduleDialog(session, booking_row),
        EditDetailsDialog(session, booking_row, save=lambda fields, before: None),
        ExportDialog(desk.BookingFilter(business_id=session.business.id), "csv",
                     description="The bookings the table shows: 421.", by=session.user),
        SpecialDayDialog(None, today + timedelta(days=1)),
        OutsideHoursDialog([booking_row] * 3, ZoneInfo(session.business.timezone)),
        UsersDialog(session),
        CustomerCard(session, booking_row.customer_id),
        CustomerPicker(session, services.get_customer(booking_row.customer_id)),
        DuplicatesDialog(session),
        CustomerDataDialog(session),
    ]


def test_dialogs_fit_a_small_screen_and_show_their_titles(qtbot, demo_window, demo_data):
    _owner, first = demo_data
    row = desk.booking_row(first.id)
    for dialog in dialogs(demo_window, row):
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot)
        title = dialog.windowTitle()
        # the title bar: the title, plus room for the window buttons
        needed = QFontMetrics(QApplication.font()).horizontalAdvance(title) + 120
        assert dialog.width() >= needed, (title, dialog.width(), needed)
        assert dialog.width() <= 1024 and dialog.height() <= 700, (title, dialog.size())
        assert_not_clipped([w for w in dialog.findChildren(QAbstractButton)])
        dialog.close()
