"""The keyboard and assistive technology: focus after Ctrl+2, Tab out of the
month, clicks on the next month's days, Alt+O and the other mnemonics, no
eaten "&", an accessible name on every input, table and chart, today and
the selected day told apart without colour, the heatmap's numbers."""
import re
from datetime import date, timedelta

from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenuBar,
    QToolButton,
    QWidget,
)

from booking_desktop import services
from booking_desktop.ui.views.calendar_view import IN_MONTH


def test_ctrl_2_puts_the_keyboard_in_the_month_and_tab_leaves_it(qtbot, make_window,
                                                                   desk_owner, shop):
    window = make_window(desk_owner, shop)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    grid = window.calendar.grid
    qtbot.waitUntil(lambda: QApplication.focusWidget() is grid)
    day = window.calendar.day
    qtbot.keyClick(grid, Qt.Key.Key_Right)  # the arrows work at once
    assert window.calendar.day == day + timedelta(days=1)
    qtbot.keyClick(grid, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not grid
    assert window.calendar.day == day + timedelta(days=1)  # Tab did not move the day


def test_clicking_a_day_of_the_next_month_selects_that_day(qtbot, make_window, desk_owner,
                                                           shop):
    window = make_window(desk_owner, shop)
    window.show_view(1)
    calendar = window.calendar
    calendar.go_today()
    last = calendar.model.index(5, 6)  # the grid's last cell is always in the next month
    assert not last.data(IN_MONTH)
    target = calendar.model.load_at(last).day
    qtbot.mouseClick(calendar.grid.viewport(), Qt.MouseButton.LeftButton,
                     pos=calendar.grid.visualRect(last).center())
    assert (calendar.year, calendar.month) == (target.year, target.month)
    assert calendar.day == target
    expected = calendar.model.index_of(target)
    assert calendar.grid.currentIndex() == expected
    assert calendar.grid.selectionModel().selectedIndexes() == [expected]
    assert calendar.day_title.text() == f"{target:%A} {target.day} {target:%B %Y}"


def test_alt_o_opens_the_owner_menu_from_the_walk_in_form(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    window.walk_in()
    name = window.front_desk.walk_in.name
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name)
    qtbot.keyClick(name, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(window.owner_menu.isVisible)
    assert QApplication.focusWidget() is not window.front_desk.walk_in.notes
    window.owner_menu.close()


def mnemonic(text: str) -> str | None:
    """The letter after a single "&" ("&&" is a literal ampersand)."""
    found = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def shown_mnemonics(window, view) -> list[tuple[str, str]]:
    keys = [(mnemonic(a.text()), a.text()) for a in window.menuBar().actions() if a.isVisible()]
    for widget in view.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            keys.append((mnemonic(widget.text()), widget.text()))
        elif isinstance(widget, (QAbstractButton, QGroupBox)):
            text = widget.title() if isinstance(widget, QGroupBox) else widget.text()
            keys.append((mnemonic(text), text))
    return [(key, text) for key, text in keys if key]


def test_no_mnemonic_is_used_twice_in_a_view(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    for index, (title, view) in enumerate(window.views):
        window.show_view(index)
        keys = shown_mnemonics(window, view)
        letters = [key for key, _ in keys]
        clashes = {key: [t for k, t in keys if k == key] for key in letters
                   if letters.count(key) > 1}
        assert not clashes, (title, clashes)


def test_ampersands_in_names_are_shown_not_eaten(qtbot, make_window, desk_owner, shop):
    window = make_window(desk_owner, shop)
    form = window.front_desk.walk_in
    form.name.setText("Jack & Jill")
    form.book()
    # The Edit menu's Undo item names the booking: "&" in it is a literal one.
    undo = next(a for a in window.menuBar().actions() if a.text() == "&Edit").menu().actions()[0]
    assert "Jack && Jill" in undo.text(), undo.text()
    # A label without a buddy shows "&" as it is: it must hold no mnemonic.
    for index in range(len(window.views)):
        window.show_view(index)
        for label in window.findChildren(QLabel):
            if label.buddy() is None and label.textFormat() != Qt.TextFormat.RichText:
                assert mnemonic(label.text()) is None, label.text()


NAMED = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QChartView)


def unnamed(root: QWidget) -> list[str]:
    """Inputs, tables, charts and symbol-only tool buttons under `root` without an
    accessible name (the parts of composite widgets are named by their owner)."""
    missing = []
    for widget in root.findChildren(QWidget):
        parent, inside = widget.parentWidget(), False
        while parent is not None and parent is not root:
            if isinstance(parent, (*NAMED, QAbstractScrollArea, QMenuBar)):
                inside = True
                break
            parent = parent.parentWidget()
        if inside or isinstance(widget, QHeaderView):
            continue
        needs = isinstance(widget, NAMED) or (
            isinstance(widget, QToolButton) and not re.search(r"\w", widget.text()))
        if needs and not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r} "
                           f"{getattr(widget, 'text', lambda: '')()!r}")
    return missing


def test_every_input_table_and_chart_has_an_accessible_name(qtbot, make_window, desk_owner,
                                                            shop):
    window = make_window(desk_owner, shop)
    window.reports.refresh()
    assert window.prev_day.accessibleName() == "Previous day"
    assert window.next_day.accessibleName() == "Next day"
    assert window.calendar.prev_button.accessibleName() == "Previous month"
    assert window.calendar.next_button.accessibleName() == "Next month"
    assert window.front_desk.walk_in.name.accessibleName() == "Name"
    assert unnamed(window) == []


def test_today_and_the_selected_day_differ_by_more_than_colour(qtbot, make_window, desk_owner,
                                                                shop):
    window = make_window(desk_owner, shop)
    window.show_view(1)
    calendar = window.calendar
    today = calendar.session.today()
    other = today + timedelta(days=1 if today.day < 20 else -1)
    calendar.select_day(other)
    today_index = calendar.model.index_of(today)
    # today says so in words (tooltip, screen readers) and in the cell
    assert today_index.data(Qt.ItemDataRole.AccessibleTextRole).startswith("Today")
    assert not calendar.model.index_of(other).data(
        Qt.ItemDataRole.AccessibleTextRole).startswith("Today")
    # Without colour (greyscale), what marks a cell as selected and what marks it as
    # today are different shapes: a thick frame; the underlined number and "Today".
    grid, cell = calendar.grid, calendar.model.index_of(other)
    far = date(2000, 1, 1)

    def picture(selected_day, today_day):
        calendar.model.today = today_day
        calendar.select_day(selected_day)
        image = grid.viewport().grab(grid.visualRect(cell)).toImage()
        return image.convertToFormat(image.Format.Format_Grayscale8)

    third = other + timedelta(days=7 if other.day < 20 else -7)
    plain = picture(third, far)
    selected = picture(other, far)
    marked_today = picture(third, other)
    calendar.model.today = today

    def changed(image) -> set:
        def grey(picture, x, y) -> int:
            return picture.pixelColor(x, y).lightness()
        return {(x, y) for x in range(image.width()) for y in range(image.height())
                if abs(grey(image, x, y) - grey(plain, x, y)) > 40}

    frame, mark = changed(selected), changed(marked_today)
    assert frame and mark
    assert len(frame & mark) < 0.2 * len(frame | mark)


def test_heatmap_shows_its_numbers(qtbot, make_window, desk_owner, shop):
    day = date.today() + timedelta(days=1)
    slots = services.available_slots(shop, day)
    services.create_booking(slots[20], "Anna Schmidt")  # 10:00, 1 of 2 places
    window = make_window(desk_owner, shop)
    reports = window.reports
    reports.set_range(day, day)
    window.show_view(4)
    chart = reports.chart(1)
    qtbot.waitUntil(lambda: chart.plotArea().width() > 0)
    texts = [item.text() for item in chart.heatmap_numbers]
    assert sorted(texts) == ["0%"] * 23 + ["25%"]  # 10:00-11:00: 1 of its 4 places
    number = next(item for item in chart.heatmap_numbers if item.text() == "25%")
    centre = number.mapToItem(chart, number.boundingRect().center())
    value = chart.mapToValue(centre, chart.series()[0])
    assert round(value.x()) == 10 and round(value.y()) == 6 - day.weekday()
