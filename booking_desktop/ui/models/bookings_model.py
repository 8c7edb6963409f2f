"""The bookings table's item model: a window over `desk.list_bookings`.

`rowCount()` is the number of matching bookings (`desk.count_bookings`), but
only the pages of rows the view asks for are fetched, and only the most
recently used few are kept; scrolling to the end of 500,000 bookings loads
the last page, not the 2,500 before it. Filtering and sorting are done by the
database: `set_filter()` and `sort()` re-run the count and drop the cache.
Rows are frozen `BookingRow`s; the model never holds live ORM objects.

Every read goes through `reader(key, work, done, failed, owner=)` — the window's
pipeline (`Pipeline.read`), so counting and pages run on its database thread
and a page not yet here shows empty until it arrives (Anki's browser table
does the same). Without a reader the model reads at once (tools, tests).
"""
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QGuiApplication, QPalette

from ...clock import UTC
from ...services import desk
from ...errors import QT_TRANSLATE_NOOP
from ...services.desk import BookingFilter, BookingRow
from .. import formats
from .. import status_style as style

log = logging.getLogger(__name__)

PAGE_SIZE = 200
MAX_CACHED_PAGES = 8
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
NOTES_PREVIEW = 80


def day_text(moment: datetime, tz: tzinfo) -> str:
    """'Mon 04 Mar 2030' in the business's time zone, in the locale's words."""
    return formats.table_date(moment.astimezone(tz).date())


def time_text(moment: datetime, tz: tzinfo) -> str:
    return formats.time_text(moment.astimezone(tz))


def count_text(n: int) -> str:
    """1234 → '1,234' (or the locale's grouping), also under the C locale."""
    return formats.number(n)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort_key: str | None  # a key of desk.SORT_COLUMNS; None: not sortable


COLUMNS = (  # titles translated when shown, in context BookingsTableModel
    Column("date", QT_TRANSLATE_NOOP("BookingsTableModel", "Date"), "start"),
    Column("time", QT_TRANSLATE_NOOP("BookingsTableModel", "Time"), "start"),
    Column("customer", QT_TRANSLATE_NOOP("BookingsTableModel", "Customer"), "customer_name"),
    Column("email", QT_TRANSLATE_NOOP("BookingsTableModel", "Email"), "customer_email"),
    Column("phone", QT_TRANSLATE_NOOP("BookingsTableModel", "Phone"), "customer_phone"),
    Column("status", QT_TRANSLATE_NOOP("BookingsTableModel", "Status"), "status"),
    Column("source", QT_TRANSLATE_NOOP("BookingsTableModel", "Source"), "source"),
    Column("checked_in", QT_TRANSLATE_NOOP("BookingsTableModel", "Checked in"), "checked_in_at"),
    Column("created_by", QT_TRANSLATE_NOOP("BookingsTableModel", "Created by"), None),
    Column("notes", QT_TRANSLATE_NOOP("BookingsTableModel", "Notes"), None),
)


def column_title(column: Column) -> str:
    return QCoreApplication.translate("BookingsTableModel", column.title)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}


def _read_now(_key, work, done, failed, owner=None) -> None:
    """Read at once, on this thread (no pipeline)."""
    try:
        result = work()
    except Exception as exc:
        failed(exc)
    else:
        done(result)


def _fetch(flt: BookingFilter, order: tuple[str, bool], total: int, offset: int,
           limit: int) -> list[BookingRow]:
    """One page; near the end it is read backwards, so the database skips fewer rows."""
    key, descending = order
    from_end = total - (offset + limit)
    if from_end < offset:
        return desk.list_bookings(flt, key, not descending, limit=limit, offset=from_end)[::-1]
    return desk.list_bookings(flt, key, descending, limit=limit, offset=offset)


class BookingsTableModel(QAbstractTableModel):
    """Bookings matching a `BookingFilter`, sorted by one column, paged.

    `load_failed(exc)` is emitted when counting or fetching was refused (for
    example a date filter without a business); connect it queued, since a
    page can be fetched while the view paints."""

    load_failed = Signal(object)
    loaded = Signal()  # a count (and the pages read with it) has arrived

    def __init__(self, flt: BookingFilter = BookingFilter(), tz: tzinfo = UTC, parent=None,
                 page_size: int = PAGE_SIZE, max_cached_pages: int = MAX_CACHED_PAGES,
                 reader: Callable | None = None):
        super().__init__(parent)
        self._reader = reader or _read_now
        self._generation = 0          # bumped by every reload: older pages are dropped
        self._asked: set[int] = set()  # pages on their way
        self._filter = flt
        self._tz = tz
        self._sort_key = "start"
        self._descending = False
        self._page_size = page_size
        self._max_pages = max(2, max_cached_pages)
        self._pages: OrderedDict[int, list[BookingRow]] = OrderedDict()
        self._total = 0
        self.error: BaseException | None = None  # the last refusal while loading
        self.fetch_log: list[tuple[int, int]] = []  # (offset, rows) of each page fetched
        self.reload()

    # -- what is shown ---------------------------------------------------
    @property
    def filter(self) -> BookingFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    @property
    def sort_key(self) -> str:
        return self._sort_key

    @property
    def descending(self) -> bool:
        return self._descending

    def sort_column(self) -> int:
        """The first column sorted by the current key (date, for the start)."""
        return next((i for i, c in enumerate(COLUMNS) if c.sort_key == self._sort_key), 0)

    def set_time_zone(self, tz: tzinfo) -> None:
        self._tz = tz
        if self._total:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self._total - 1, len(COLUMNS) - 1))

    def set_filter(self, flt: BookingFilter) -> None:
        self._filter = flt
        self.reload()

    def set_sort(self, key: str, descending: bool = False) -> None:
        if key not in desk.SORT_COLUMNS:
            raise ValueError(f"cannot sort by {key!r}")
        if (key, descending) != (self._sort_key, self._descending):
            self._sort_key, self._descending = key, descending
            self.reload()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].sort_key if 0 <= column < len(COLUMNS) else None
        if key is not None:  # notes and creator are not sortable: keep the order
            self.set_sort(key, order == Qt.SortOrder.DescendingOrder)

    def reload(self, near_rows=(), then: Callable[[], None] | None = None) -> None:
        """Count again and forget every fetched page (after any change). The
        count and the first page (and the pages around `near_rows`) are read
        in one job; `then()` runs once they are shown."""
        self._generation += 1
        generation, flt, order = self._generation, self._filter, self._order()
        size = self._page_size
        wanted = sorted({0} | {r // size for r in near_rows})[:self._max_pages - 1]

        def work():
            total = desk.count_bookings(flt)
            return total, {page_no: _fetch(flt, order, total, page_no * size,
                                           min(size, total - page_no * size))
                           for page_no in wanted if page_no * size < total}

        def done(answer) -> None:
            if generation != self._generation:
                return
            total, pages = answer
            self.beginResetModel()
            self._asked.clear()
            self._pages = OrderedDict(sorted(pages.items()))
            self.fetch_log.extend((n * size, len(p)) for n, p in self._pages.items())
            self._total = total
            self.error = None
            self.endResetModel()
            self.loaded.emit()
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:  # shown by the view; the table just stays empty
            if generation != self._generation:
                return
            self.beginResetModel()
            self._pages.clear()
            self._total = 0
            self.error = exc
            self.endResetModel()
            self.load_failed.emit(exc)
            self.loaded.emit()

        self._reader(("bookings", id(self)), work, done, failed, owner=self)

    def _order(self) -> tuple[str, bool]:
        return self._sort_key, self._descending

    # -- rows ------------------------------------------------------------
    def booking(self, row: int) -> BookingRow | None:
        if not 0 <= row < self._total:
            return None
        page_no, at = divmod(row, self._page_size)
        page = self._page(page_no)
        return page[at] if at < len(page) else None

    def bookings(self, rows) -> list[BookingRow]:
        """The bookings at these row numbers (in that order), skipping gaps."""
        found = (self.booking(r) for r in rows)
        return [b for b in found if b is not None]

    def cached_row_count(self) -> int:
        return sum(len(p) for p in self._pages.values())

    def locate(self, booking_ids) -> dict[int, int]:
        """Row numbers of these bookings among the pages fetched."""
        wanted = set(booking_ids)
        rows = {}
        for page_no, page in self._pages.items():
            for at, booking in enumerate(page):
                if booking.id in wanted:
                    rows[booking.id] = page_no * self._page_size + at
        return rows

    def _page(self, page_no: int) -> list[BookingRow]:
        """The page if it is here; else it is asked for (on the worker) and
        shows when it arrives."""
        page = self._pages.get(page_no)
        if page is not None:
            self._pages.move_to_end(page_no)
            return page
        if page_no not in self._asked:
            self._ask(page_no)
        return self._pages.get(page_no, [])

    def _ask(self, page_no: int) -> None:
        self._asked.add(page_no)
        generation, flt, order, total = self._generation, self._filter, self._order(), self._total
        offset = page_no * self._page_size
        limit = min(self._page_size, total - offset)
        inside = [True]  # an answer while asking came at once: no need to say it changed

        def arrived(page: list[BookingRow]) -> None:
            if generation != self._generation:
                return
            self._asked.discard(page_no)
            self.fetch_log.append((offset, len(page)))
            self._pages[page_no] = page
            while len(self._pages) > self._max_pages:
                self._pages.popitem(last=False)
            if not inside[0] and page:  # it came later: the view paints it now
                self.dataChanged.emit(self.index(offset, 0),
                                      self.index(offset + len(page) - 1, len(COLUMNS) - 1))

        def refused(exc: BaseException) -> None:
            if generation != self._generation:
                return
            log.warning("fetching bookings failed: %s", exc)
            self.error = exc
            arrived([])
            self.load_failed.emit(exc)

        if limit <= 0:
            arrived([])
            return
        self._reader(("bookings-page", id(self), page_no),
                     lambda: _fetch(flt, order, total, offset, limit), arrived, refused,
                     owner=self)
        inside[0] = False

    # -- Qt model interface ------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return column_title(COLUMNS[section])
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].sort_key is None:
                return self.tr("This column cannot be sorted.")
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.column() >= len(COLUMNS):
            return None
        booking = self.booking(index.row())
        if booking is None:
            return None
        key = COLUMNS[index.column()].key
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(booking, key)
        if role == ROW_ROLE:
            return booking
        if role == Qt.ItemDataRole.DecorationRole:
            if key == "status":
                return style.status_icon(booking.status)
            if key == "checked_in" and booking.checked_in_at is not None:
                return style.icon("checked_in")
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "status":
                return QBrush(style.status_colour(booking.status))
            if booking.status in style.MUTED_STATUSES:
                return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.FontRole:
            if key in ("customer", "status") and booking.status in style.STRUCK_STATUSES:
                font = QFont()
                font.setStrikeOut(True)
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(booking, key)
        return None

    def _text(self, b: BookingRow, key: str) -> str:
        tz = self._tz
        if key == "date":
            return day_text(b.start, tz)
        if key == "time":
            return formats.time_range(b.start.astimezone(tz), b.end.astimezone(tz))
        if key == "customer":
            return b.customer_name
        if key == "email":
            return b.customer_email or ""
        if key == "phone":
            return b.customer_phone or ""
        if key == "status":
            return style.status_label(b.status)
        if key == "source":
            return style.source_label(b.source)
        if key == "checked_in":
            if b.checked_in_at is None:
                return ""
            same_day = b.checked_in_at.astimezone(tz).date() == b.start.astimezone(tz).date()
            when = time_text(b.checked_in_at, tz)
            return when if same_day else self.tr("{day} {time}").format(
                day=day_text(b.checked_in_at, tz), time=when)
        if key == "created_by":
            return b.created_by or ""
        if key == "notes":
            first = b.notes.strip().splitlines()[0] if b.notes.strip() else ""
            return first if len(first) <= NOTES_PREVIEW else first[:NOTES_PREVIEW - 1] + "…"
        return ""

    def _tooltip(self, b: BookingRow, key: str) -> str | None:
        if key == "customer":
            return self.tr("{name} · reference {ref}").format(name=b.customer_name,
                                                              ref=b.reference)
        if key == "status":
            label = style.status_label(b.status)
            if b.checked_in_at is not None:
                label += " · " + self.tr("checked in")
            return label
        if key == "notes" and b.notes:
            return b.notes
        return None
