"""Column widths that fit what the columns hold, and tooltips for cut text.

Times, references, phones, fill levels and statuses are never cut: their
columns take the width their contents need (font metrics). Free text (names,
emails, notes) shares what is left, elides, and shows in full on hover. On a
small screen an optional free-text column (the front desk's email) is hidden
until there is room for it again, rather than squeezing every column. The
bookings table (ChosenColumns) lets the person choose its columns too.
"""
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMenu,
    QStyleOptionViewItem,
    QToolTip,
    QTreeView,
)

CELL_PADDING = 12  # the style's margins around an item's text, with room to spare


def header_of(view: QAbstractItemView) -> QHeaderView:
    return view.header() if isinstance(view, QTreeView) else view.horizontalHeader()


def needed_width(view: QAbstractItemView, index) -> int:
    """The width the cell's text (and icon) take: font metrics of the cell's
    font, or what its delegate asks for if more (the style's margins and the
    gap after an icon: "Nicht erschienen" with its icon was cut by 4 px)."""
    text = index.data(Qt.ItemDataRole.DisplayRole)
    if not text:
        return 0
    font = index.data(Qt.ItemDataRole.FontRole) or view.font()
    needed = QFontMetrics(font).horizontalAdvance(str(text)) + CELL_PADDING
    if index.data(Qt.ItemDataRole.DecorationRole) is not None:
        needed += view.iconSize().width() if view.iconSize().width() > 0 else 16
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    delegate = view.itemDelegateForIndex(index)
    return max(needed, delegate.sizeHint(option, index).width() + 2)


def text_fits(view: QAbstractItemView, index) -> bool:
    """Whether the cell's text is drawn whole."""
    return view.visualRect(index).width() >= needed_width(view, index)


class ElidedToolTips(QObject):
    """Hovering a cell whose text is elided shows the whole text (before the
    cell's own tooltip, if it has one)."""

    def __init__(self, view: QAbstractItemView):
        super().__init__(view)
        self.view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            index = self.view.indexAt(event.pos())
            if index.isValid() and not text_fits(self.view, index):
                text = str(index.data(Qt.ItemDataRole.DisplayRole))
                own = index.data(Qt.ItemDataRole.ToolTipRole)
                if own and own != text:
                    text += "\n" + str(own)
                QToolTip.showText(event.globalPos(), text, self.view.viewport(),
                                  self.view.visualRect(index))
                return True
        return super().eventFilter(watched, event)


class FitColumns(QObject):
    """`exact` columns at their contents' width, `free` ones sharing the rest
    (at least `min_free` px each); `optional` free columns are hidden while
    the view is too narrow for them."""

    def __init__(self, view: QAbstractItemView, exact, free, optional=(), min_free: int = 110):
        super().__init__(view)
        self.view, self.exact, self.free = view, tuple(exact), tuple(free)
        self.optional, self.min_free = tuple(optional), min_free
        header = header_of(view)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(48)
        for column in self.exact:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in self.free:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._section_resized)
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)
        ElidedToolTips(view)

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column in self.exact:
            self.update()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self.update()
        elif event.type() == QEvent.Type.Show and watched is self.view:
            # rows loaded while the view was hidden were measured before their layout
            self.view.doItemsLayout()
            header_of(self.view).resizeSections()
            self.update()
        return super().eventFilter(watched, event)

    def update(self) -> None:
        header = header_of(self.view)
        model = self.view.model()
        if model is None:
            return
        exact = sum(header.sectionSize(c) for c in self.exact if not header.isSectionHidden(c))
        room = self.view.viewport().width() - exact
        shown = [c for c in self.free if c not in self.optional and not header.isSectionHidden(c)]
        for column in self.optional:
            fits = room >= self.min_free * (len(shown) + 1)
            if header.isSectionHidden(column) == fits:
                header.setSectionHidden(column, not fits)
            if fits:
                shown.append(column)


class GrowToVisibleRows(QObject):
    """For a table whose model is too big to measure (the bookings, paged by
    the database): `columns` grow to fit the rows on screen after each reload
    and scroll. They never shrink, so the table does not jump about.

    `widths` holds what each column's rows on screen needed so far (at least
    its title), also while it is hidden, so the room it would take is known
    before it is shown; `measured` columns are only measured there, never
    resized (free text, which ChosenColumns sizes). `grown` says one grew."""

    grown = Signal()

    def __init__(self, table, columns, measured=()):
        super().__init__(table)
        self.table, self.columns, self.measured = table, tuple(columns), tuple(measured)
        header = table.horizontalHeader()
        self.widths = {c: header.sectionSizeHint(c) for c in self.measured}
        for column in self.columns:  # the starting width, at least the title
            self.widths[column] = max(header.sectionSize(column), header.sectionSizeHint(column))
            header.resizeSection(column, self.widths[column])
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)
        table.model().modelReset.connect(self._timer.start)
        table.model().dataChanged.connect(self._timer.start)  # a page of rows arrived
        table.verticalScrollBar().valueChanged.connect(self._timer.start)
        table.installEventFilter(self)
        ElidedToolTips(table)

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.Show, QEvent.Type.Resize):
            self._timer.start()
        return super().eventFilter(watched, event)

    def fit(self) -> None:
        table = self.table
        if not table.isVisible():
            return
        first = table.rowAt(0)
        last = table.rowAt(table.viewport().height() - 1)
        if first < 0:
            return
        if last < 0:
            last = table.model().rowCount() - 1
        header = table.horizontalHeader()
        grew = False
        for column in self.columns + self.measured:
            needed = max(needed_width(table, table.model().index(row, column))
                         for row in range(first, last + 1))
            if needed > self.widths[column]:
                self.widths[column] = needed
                grew = True
            if column in self.measured:
                continue
            if header.isSectionHidden(column):
                header.resizeSection(column, self.widths[column])  # its width once shown
            elif needed > header.sectionSize(column):
                header.resizeSection(column, needed)
        if grew:
            self.grown.emit()

    def width(self, column: int) -> int:
        """What the column takes when shown: its own width (the person may
        have dragged it), or what its rows need while it is hidden."""
        header = self.table.horizontalHeader()
        if header.isSectionHidden(column):
            return self.widths[column]
        return header.sectionSize(column)


def share(room: int, minimums: dict, wanted: dict) -> dict:
    """`room` px among columns (in order of priority): each gets its minimum;
    then each in turn up to what it wants; what is left goes to all in
    proportion to what they want. Whole pixels adding up to `room`, unless
    the minimums take more."""
    sizes = dict(minimums)
    left = room - sum(sizes.values())
    for column in sizes:
        more = max(0, min(left, wanted[column] - sizes[column]))
        sizes[column] += more
        left -= more
    if left > 0 and sizes:
        total = sum(wanted.values()) or 1
        for column in sizes:
            sizes[column] += left * wanted[column] // total
        last = list(sizes)[-1]
        sizes[last] += room - sum(sizes.values())
    return sizes


class ChosenColumns(QObject):
    """A table with more columns than a small screen has room for, fitted to
    its width without sideways scrolling.

    `grow` keeps the exact columns (dates, times, phones, ...) as wide as
    their rows need; the `free` ones ({column: (minimum, most)} px, first
    served first, measured by `grow`) share what is left and elide: each
    gets its minimum, then each in turn what its rows on screen need, up to
    `most`, then all of them the rest (`share`). Columns of `optional`
    (lowest priority first) are left out while the view is too narrow for
    them: the first that does not fit is hidden, and every one after it.
    The person chooses through `menu` (a checkable entry per column; the
    `always` ones cannot be unticked): a column they showed or hid stays
    so (`choice`, {column: shown}, reported by `chosen`), whatever the width;
    "Default columns" gives the choice back to the window's width."""

    chosen = Signal(object)  # {column: shown}

    def __init__(self, table, grow: GrowToVisibleRows, free: dict, optional=(), always=(),
                 choice: dict | None = None):
        super().__init__(table)
        self.table, self.grow = table, grow
        self.free = dict(free)
        self.optional, self.always = tuple(optional), frozenset(always)
        self.choice = {c: bool(shown) for c, shown in (choice or {}).items()
                       if c not in self.always}
        self._fitting = False
        header = self.header = table.horizontalHeader()
        header.setStretchLastSection(False)
        for column in self.free:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.sectionResized.connect(self._section_resized)
        grow.grown.connect(self.fit)
        table.installEventFilter(self)
        table.viewport().installEventFilter(self)

        self.menu = QMenu(self.tr("Co&lumns"), table)
        self.actions: dict[int, QAction] = {}
        model = table.model()
        for column in range(model.columnCount()):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = self.menu.addAction(str(title))
            action.setCheckable(True)
            action.setEnabled(column not in self.always)
            action.triggered.connect(lambda shown, c=column: self.choose(c, shown))
            self.actions[column] = action
        self.menu.addSeparator()
        self.default_action = self.menu.addAction(self.tr("&Default columns"))
        self.default_action.triggered.connect(self.use_defaults)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.menu.popup(header.viewport().mapToGlobal(pos)))
        self.fit()

    def choose(self, column: int, shown: bool) -> None:
        """The person shows or hides `column`; it stays so."""
        if column in self.always:
            return
        self.choice[column] = shown
        self.chosen.emit(dict(self.choice))
        self.fit()

    def use_defaults(self) -> None:
        self.choice.clear()
        self.chosen.emit({})
        self.fit()

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        if column not in self.free and not self._fitting:
            self.fit()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self.fit()
        elif event.type() == QEvent.Type.Show and watched is self.table:
            self.fit()
        return super().eventFilter(watched, event)

    def _needs(self, column: int) -> int:
        if column in self.free:
            return self.free[column][0]
        if column in self.grow.columns:
            return self.grow.width(column)
        header = self.header
        return header.sectionSize(column) if not header.isSectionHidden(column) \
            else header.sectionSizeHint(column)

    def shown_columns(self) -> list[int]:
        """What the choice and the view's width leave shown."""
        room = self.table.viewport().width()
        count = self.header.count()
        shown = [c for c in range(count) if c in self.always
                 or self.choice.get(c, c not in self.optional)]
        used = sum(self._needs(c) for c in shown)
        for column in reversed(self.optional):
            if column in self.choice or column in self.always:
                continue
            if used + self._needs(column) > room:
                break
            shown.append(column)
            used += self._needs(column)
        return sorted(shown)

    def fit(self) -> None:
        if self._fitting or self.table.model() is None:
            return
        self._fitting = True
        try:
            header = self.header
            shown = self.shown_columns()
            for column in range(header.count()):
                hide = column not in shown
                if header.isSectionHidden(column) != hide:
                    header.setSectionHidden(column, hide)
            free = [c for c in self.free if c in shown]
            rest = self.table.viewport().width() - sum(
                header.sectionSize(c) for c in shown if c not in self.free)
            sizes = share(rest, {c: self.free[c][0] for c in free},
                          {c: max(self.free[c][0], min(self.free[c][1], self.grow.widths[c]))
                           for c in free})
            for column, size in sizes.items():
                if header.sectionSize(column) != size:
                    header.resizeSection(column, size)
        finally:
            self._fitting = False
        for column, action in self.actions.items():
            action.setChecked(not self.header.isSectionHidden(column))
        self.default_action.setEnabled(bool(self.choice))
