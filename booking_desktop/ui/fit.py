"""Column widths that fit what the columns hold, and tooltips for cut text.

Times, references, phones, fill levels and statuses are never cut: their
columns take the width their contents need (font metrics). Free text (names,
emails, notes) shares what is left, elides, and shows in full on hover. On a
small screen an optional free-text column (the front desk's email) is hidden
until there is room for it again, rather than squeezing every column.
"""
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
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
    and scroll. They never shrink, so the table does not jump about."""

    def __init__(self, table, columns):
        super().__init__(table)
        self.table, self.columns = table, tuple(columns)
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
        for column in self.columns:
            needed = max(needed_width(table, table.model().index(row, column))
                         for row in range(first, last + 1))
            if needed > header.sectionSize(column):
                header.resizeSection(column, needed)
