"""How a booking status or a slot state looks: a label, a colour and a small
icon, shared by every view.

Meaning never rests on colour alone: each state has its own label and its
own icon shape (outlined, solid, tick, strike, cross, hatch). Colours come in
a light-palette and a dark-palette variant, each readable against that
palette's base colour, and the icons are drawn with QPainter so no resource
file is needed.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap

# (light palette, dark palette): dark enough on white, light enough on #1e1e1e.
_COLOURS = {
    "pending": ("#9a6700", "#e3b341"),
    "confirmed": ("#1a7f37", "#56d364"),
    "checked_in": ("#0a6f83", "#39c5cf"),
    "completed": ("#57606a", "#9ba5b0"),
    "no_show": ("#c21f2c", "#ff7b72"),
    "cancelled": ("#6e7781", "#8b949e"),
    # slot states
    "free": ("#1a7f37", "#56d364"),
    "filling": ("#9a6700", "#e3b341"),
    "full": ("#c21f2c", "#ff7b72"),
    "blocked": ("#6e7781", "#8b949e"),
    "closed": ("#6e7781", "#8b949e"),
    "started": ("#0969da", "#58a6ff"),
    "past": ("#8c959f", "#6e7681"),
}

# Which shape each state is drawn with.
_SHAPES = {
    "pending": "ring", "confirmed": "dot", "checked_in": "tick", "completed": "done",
    "no_show": "strike", "cancelled": "cross",
    "free": "dot", "filling": "half", "full": "full", "blocked": "hatch",
    "closed": "strike", "started": "play", "past": "small",
}

_STATUS_TEXT = {
    "pending": "Pending", "confirmed": "Confirmed", "checked_in": "Checked in",
    "completed": "Completed", "no_show": "No-show", "cancelled": "Cancelled",
}
_SLOT_TEXT = {
    "free": "Free", "filling": "Filling up", "full": "Full", "blocked": "Blocked",
    "closed": "Closed", "started": "In progress", "past": "Past",
}
_SOURCE_TEXT = {"walk_in": "Walk-in", "phone": "Phone", "online": "Online", "other": "Other"}

# Statuses shown struck through, and those shown muted, in tables.
STRUCK_STATUSES = frozenset({"no_show", "cancelled"})
MUTED_STATUSES = frozenset({"completed", "cancelled"})

_icon_cache: dict[tuple[str, bool], QIcon] = {}


def _tr(text: str) -> str:
    return QCoreApplication.translate("status", text)


def status_label(status: str) -> str:
    """"Pending", "No-show", ...; unknown statuses are shown as stored."""
    return _tr(_STATUS_TEXT[status]) if status in _STATUS_TEXT else status


def slot_state_label(state: str) -> str:
    return _tr(_SLOT_TEXT[state]) if state in _SLOT_TEXT else state


def source_label(source: str) -> str:
    return _tr(_SOURCE_TEXT[source]) if source in _SOURCE_TEXT else source


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def colour(state: str, palette: QPalette | None = None) -> QColor:
    """The colour of a booking status or a slot state for this palette."""
    light, dark = _COLOURS.get(state, ("#57606a", "#9ba5b0"))
    return QColor(dark if is_dark(palette) else light)


status_colour = colour
slot_state_colour = colour


def booking_state(status: str, checked_in: bool) -> str:
    """The state to draw: an active booking whose customer arrived is "checked_in"."""
    return "checked_in" if checked_in and status in ("pending", "confirmed") else status


def icon(state: str, palette: QPalette | None = None) -> QIcon:
    """A 16 px (and 32 px) icon whose shape alone tells the state apart."""
    key = (state, is_dark(palette))
    cached = _icon_cache.get(key)
    if cached is None:
        cached = QIcon()
        for size in (16, 32):
            cached.addPixmap(_draw(_SHAPES.get(state, "dot"), colour(state, palette), size))
        _icon_cache[key] = cached
    return cached


def status_icon(status: str, checked_in: bool = False, palette: QPalette | None = None) -> QIcon:
    return icon(booking_state(status, checked_in), palette)


def slot_state_icon(state: str, palette: QPalette | None = None) -> QIcon:
    return icon(state, palette)


def _draw(shape: str, ink: QColor, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 16.0
    p.scale(s, s)
    pen = QPen(ink, 1.8, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
               Qt.PenJoinStyle.RoundJoin)
    circle = QRectF(2.5, 2.5, 11, 11)
    if shape in ("ring", "strike", "half", "full"):
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(circle)
    if shape == "strike":
        p.drawLine(QPointF(4.5, 11.5), QPointF(11.5, 4.5))
    elif shape == "half":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawPie(circle, 90 * 16, 180 * 16)
    elif shape == "full":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawEllipse(circle.adjusted(2.5, 2.5, -2.5, -2.5))
    elif shape in ("dot", "done"):
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawEllipse(circle)
        if shape == "done":  # a knocked-out tick: finished, not waiting
            p.setPen(QPen(QColor("white"), 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawPolyline([QPointF(5, 8.2), QPointF(7.2, 10.4), QPointF(11, 5.8)])
    elif shape == "tick":
        p.setPen(QPen(ink, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                      Qt.PenJoinStyle.RoundJoin))
        p.drawPolyline([QPointF(2.5, 8.5), QPointF(6.2, 12.2), QPointF(13.5, 3.8)])
    elif shape == "cross":
        p.setPen(QPen(ink, 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(4, 4), QPointF(12, 12))
        p.drawLine(QPointF(12, 4), QPointF(4, 12))
    elif shape == "hatch":
        p.setPen(pen)
        p.setBrush(QBrush(ink, Qt.BrushStyle.BDiagPattern))
        p.drawRect(QRectF(2.5, 2.5, 11, 11))
    elif shape == "play":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawPolygon([QPointF(4, 2.5), QPointF(13, 8), QPointF(4, 13.5)])
    elif shape == "small":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ink)
        p.drawEllipse(QRectF(5.5, 5.5, 5, 5))
    p.end()
    return pixmap


def short_date(day: date) -> str:
    """"Tue 1 Dec": the way a confirmation or an offer names a day."""
    return f"{day:%a} {day.day} {day:%b}"


def when_text(start: datetime, tz: ZoneInfo, with_date: bool = True) -> str:
    """"Tue 1 Dec 16:30" (or "16:30") in the business's local time."""
    local = start.astimezone(tz)
    return f"{short_date(local.date())} {local:%H:%M}" if with_date else f"{local:%H:%M}"
