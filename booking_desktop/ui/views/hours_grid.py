"""A week of opening hours drawn as 7 columns × the day in 15-minute rows.

Drag over closed time to paint it open, drag over open time to erase it,
click an open interval to select it for the precise time fields. Painting
and erasing keep each day tidy (touching pieces merge); the time fields may
produce an overlap or an opening after closing, which the grid draws in red
until it is fixed.
"""
from datetime import time

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..formats import time_text, weekday_name

STEP = 15                      # minutes per row
ROWS = 24 * 60 // STEP         # 96


def to_minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def to_time(minutes: int) -> time:
    minutes = max(0, min(minutes, 24 * 60 - 1))
    return time(minutes // 60, minutes % 60)


def _end_time(minutes: int) -> time:
    # 24:00 cannot be a `time`; the day's last minute stands for it.
    return time(23, 59) if minutes >= 24 * 60 else to_time(minutes)


def merged(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(p for p in pairs if p[1] > p[0]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def problems(pairs: list[tuple[time, time]]) -> set[int]:
    """Indexes (in `pairs`) of intervals that open after closing or overlap another."""
    bad = set()
    for i, (o, c) in enumerate(pairs):
        if o >= c:
            bad.add(i)
        for j, (o2, c2) in enumerate(pairs):
            if i != j and o < c2 and o2 < c:
                bad.add(i)
    return bad


class HoursGrid(QWidget):
    changed = Signal()
    selected = Signal(int, int)   # weekday, index of the interval in that day's list (-1: none)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.week: dict[int, list[tuple[time, time]]] = {d: [] for d in range(7)}
        self.selection: tuple[int, int] | None = None
        self.read_only = False
        self._press: tuple[int, int] | None = None
        self._hover: tuple[int, int] | None = None
        self._mode = "paint"
        self._moved = False
        self.setMouseTracking(False)
        self.setMinimumSize(400, 400)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(self.tr("Drag over closed time to open it; drag over open time to "
                                "close it; click an interval to fine-tune it."))

    # --- data --------------------------------------------------------------
    def set_week(self, week: dict[int, list[tuple[time, time]]]) -> None:
        self.week = {d: sorted(week.get(d, [])) for d in range(7)}
        self.select(None)
        self.update()

    def intervals(self, day: int) -> list[tuple[time, time]]:
        return list(self.week[day])

    def set_interval(self, day: int, index: int, opens: time, closes: time) -> None:
        """The precise time fields: no merging, so a mistake stays visible."""
        self.week[day][index] = (opens, closes)
        self.update()
        self.changed.emit()

    def remove_interval(self, day: int, index: int) -> None:
        del self.week[day][index]
        self.select(None)
        self.update()
        self.changed.emit()

    def select(self, selection: tuple[int, int] | None) -> None:
        self.selection = selection
        self.update()
        self.selected.emit(*(selection if selection else (-1, -1)))

    def apply(self, first_day: int, last_day: int, start: int, end: int, open_: bool) -> None:
        """Paint (open_) or erase minutes start..end on the days first..last."""
        for day in range(min(first_day, last_day), max(first_day, last_day) + 1):
            pieces = [(to_minutes(o), 24 * 60 if c == time(23, 59) else to_minutes(c))
                      for o, c in self.week[day]]
            if open_:
                pieces = merged(pieces + [(start, end)])
            else:
                cut = []
                for a, b in pieces:
                    if b <= start or a >= end:
                        cut.append((a, b))
                        continue
                    if a < start:
                        cut.append((a, start))
                    if b > end:
                        cut.append((end, b))
                pieces = merged(cut)
            self.week[day] = [(to_time(a), _end_time(b)) for a, b in pieces]
        self.select(None)
        self.changed.emit()

    # --- geometry ----------------------------------------------------------
    def _frame(self) -> QRect:
        return self.rect().adjusted(52, 26, -4, -4)

    def column_rect(self, day: int) -> QRectF:
        frame = self._frame()
        width = frame.width() / 7
        return QRectF(frame.left() + day * width, frame.top(), width, frame.height())

    def _y(self, minutes: int) -> float:
        frame = self._frame()
        return frame.top() + frame.height() * minutes / (24 * 60)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        """(weekday, row) under a point, clamped into the grid."""
        frame = self._frame()
        if frame.width() <= 0 or frame.height() <= 0:
            return None
        day = int((pos.x() - frame.left()) * 7 / frame.width())
        row = int((pos.y() - frame.top()) * ROWS / frame.height())
        return max(0, min(6, day)), max(0, min(ROWS - 1, row))

    def point_at(self, day: int, minutes: int) -> QPoint:
        """The centre of the cell of `day` starting at `minutes` (for tests and keys)."""
        rect = self.column_rect(day)
        row = minutes // STEP
        y = self._y(row * STEP) + (self._y((row + 1) * STEP) - self._y(row * STEP)) / 2
        return QPoint(round(rect.center().x()), round(y))

    def _interval_at(self, day: int, row: int) -> int | None:
        minute = row * STEP
        for i, (o, c) in enumerate(self.week[day]):
            if to_minutes(o) <= minute < (24 * 60 if c == time(23, 59) else to_minutes(c)):
                return i
        return None

    # --- mouse -------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(event.position().toPoint())
        if cell is None:
            return
        self._press = self._hover = cell
        self._moved = False
        self._mode = "erase" if self._interval_at(*cell) is not None else "paint"
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            return
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and cell != self._hover:
            self._hover = cell
            self._moved = True
            self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(event.position().toPoint()) or self._hover
        press, self._press = self._press, None
        moved = self._moved or cell != press
        if not moved and self._mode == "erase":
            self.select((press[0], self._interval_at(*press)))
            return
        if self.read_only:
            self.update()
            return
        first_row, last_row = sorted((press[1], cell[1]))
        self.apply(press[0], cell[0], first_row * STEP, (last_row + 1) * STEP,
                   self._mode == "paint")

    # --- painting ----------------------------------------------------------
    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        palette = self.palette()
        frame = self._frame()
        p.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
        p.fillRect(frame, palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        grid = palette.color(QPalette.ColorRole.Midlight)
        strong = palette.color(QPalette.ColorRole.Mid)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        # hour lines and labels
        for hour in range(25):
            y = self._y(hour * 60)
            p.setPen(QPen(strong if hour % 6 == 0 else grid, 1))
            p.drawLine(frame.left(), round(y), frame.right(), round(y))
            if hour < 24 and hour % 2 == 0:
                p.setFont(small)
                p.setPen(text)
                p.drawText(QRect(0, round(y) - 8, 46, 16),
                           int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                           time_text(time(hour)))
        bold = QFont(self.font())
        bold.setBold(True)
        for day in range(7):
            column = self.column_rect(day)
            p.setPen(QPen(strong, 1))
            p.drawLine(round(column.left()), frame.top(), round(column.left()), frame.bottom())
            p.setFont(bold)
            p.setPen(text)
            p.drawText(QRectF(column.left(), 0, column.width(), 24),
                       int(Qt.AlignmentFlag.AlignCenter), weekday_name(day))
            bad = problems(self.week[day])
            for i, (o, c) in enumerate(self.week[day]):
                self._draw_interval(p, day, i, o, c, i in bad, small)
        p.setPen(QPen(strong, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(frame.adjusted(0, 0, -1, -1))
        if self._press is not None and self._hover is not None and not self.read_only:
            d0, d1 = sorted((self._press[0], self._hover[0]))
            r0, r1 = sorted((self._press[1], self._hover[1]))
            left, right = self.column_rect(d0), self.column_rect(d1)
            area = QRectF(left.left() + 2, self._y(r0 * STEP), right.right() - left.left() - 4,
                          self._y((r1 + 1) * STEP) - self._y(r0 * STEP))
            colour = QColor("#2da44e" if self._mode == "paint" else "#cf222e")
            colour.setAlpha(90)
            p.fillRect(area, colour)
        p.end()

    def _draw_interval(self, p, day, index, opens, closes, bad, font) -> None:
        column = self.column_rect(day)
        end = 24 * 60 if closes == time(23, 59) else to_minutes(closes)
        top, bottom = self._y(to_minutes(opens)), self._y(max(end, to_minutes(opens) + STEP))
        rect = QRectF(column.left() + 4, top + 1, column.width() - 8, bottom - top - 2)
        fill = QColor("#f4aaaa" if bad else "#a8dfb4")
        edge = QColor("#c21f2c" if bad else "#1a7f37")
        p.setPen(QPen(edge, 2 if self.selection == (day, index) else 1))
        p.setBrush(fill)
        p.drawRoundedRect(rect, 3, 3)
        if self.selection == (day, index):
            p.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 3))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)
        if rect.height() >= 16:
            p.setFont(font)
            p.setPen(QColor("#1f2328"))
            label = f"{time_text(opens)}–{'24:00' if closes == time(23, 59) else time_text(closes)}"
            p.drawText(rect.adjusted(2, 1, -2, -1),
                       int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), label)
