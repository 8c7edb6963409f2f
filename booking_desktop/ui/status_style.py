"""How a booking status or a slot state looks: a label, a colour and a small
icon, shared by every view.

Meaning never rests on colour alone: each state has its own label and its
own icon shape (outlined, solid, tick, strike, cross, hatch). Colours come in
a light-palette and a dark-palette variant, each readable against that
palette's base colour, and the icons are drawn with QPainter so no resource
file is needed.
"""
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap

from ..errors import QT_TRANSLATE_NOOP
from .formats import short_date, time_range, when_text  # noqa: F401 (how a day and time are written)

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

# The words, marked for the catalogues (context "status") and translated when shown.
_STATUS_TEXT = {
    "pending": QT_TRANSLATE_NOOP("status", "Pending"),
    "confirmed": QT_TRANSLATE_NOOP("status", "Confirmed"),
    "checked_in": QT_TRANSLATE_NOOP("status", "Checked in"),
    "completed": QT_TRANSLATE_NOOP("status", "Completed"),
    "no_show": QT_TRANSLATE_NOOP("status", "No-show"),
    "cancelled": QT_TRANSLATE_NOOP("status", "Cancelled"),
}
_SLOT_TEXT = {
    "free": QT_TRANSLATE_NOOP("status", "Free"),
    "filling": QT_TRANSLATE_NOOP("status", "Filling up"),
    "full": QT_TRANSLATE_NOOP("status", "Full"),
    "blocked": QT_TRANSLATE_NOOP("status", "Blocked"),
    "closed": QT_TRANSLATE_NOOP("status", "Closed"),
    "started": QT_TRANSLATE_NOOP("status", "In progress"),
    "past": QT_TRANSLATE_NOOP("status", "Past"),
}
_SOURCE_TEXT = {
    "walk_in": QT_TRANSLATE_NOOP("status", "Walk-in"),
    "phone": QT_TRANSLATE_NOOP("status", "Phone"),
    "online": QT_TRANSLATE_NOOP("status", "Online"),
    "other": QT_TRANSLATE_NOOP("status", "Other"),
}
_ROLE_TEXT = {"owner": QT_TRANSLATE_NOOP("status", "owner"),
              "staff": QT_TRANSLATE_NOOP("status", "staff")}
# "Marked Anna Schmidt no-show.": a status as the end of a sentence.
_STATUS_IN_SENTENCE = {
    "pending": QT_TRANSLATE_NOOP("status", "Marked {name} pending."),
    "confirmed": QT_TRANSLATE_NOOP("status", "Marked {name} confirmed."),
    "completed": QT_TRANSLATE_NOOP("status", "Marked {name} completed."),
    "no_show": QT_TRANSLATE_NOOP("status", "Marked {name} no-show."),
    "cancelled": QT_TRANSLATE_NOOP("status", "Marked {name} cancelled."),
}

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


def sources() -> list[tuple[str, str]]:
    """(key, label) of every booking source, in the order offered."""
    return [(key, _tr(text)) for key, text in _SOURCE_TEXT.items()]


def role_label(role: str) -> str:
    """"owner" / "staff" in the window's language."""
    return _tr(_ROLE_TEXT[role]) if role in _ROLE_TEXT else role


def marked_text(status: str, name: str) -> str:
    """"Marked Anna Schmidt no-show." after a status change."""
    template = _STATUS_IN_SENTENCE.get(status)
    return _tr(template).format(name=name) if template else f"{name}: {status_label(status)}"


def closed_reason_text(reason: str) -> str:
    """A slot's closing reason as services.hours.closed_reason stored it
    ("Closed: Public holiday", "Outside opening hours", "Outside the special
    hours (Christmas Eve)"), in the window's language; the owner's note as
    typed. Anything else as stored."""
    if reason == "Outside opening hours":
        return _tr(QT_TRANSLATE_NOOP("status", "Outside opening hours"))
    if reason == "Outside the special hours":
        return _tr(QT_TRANSLATE_NOOP("status", "Outside the special hours"))
    if reason.startswith("Outside the special hours (") and reason.endswith(")"):
        return _tr(QT_TRANSLATE_NOOP("status", "Outside the special hours ({note})")).format(
            note=reason[len("Outside the special hours ("):-1])
    if reason == "Closed: holiday":
        return _tr(QT_TRANSLATE_NOOP("status", "Closed: holiday"))
    if reason.startswith("Closed: "):
        return _tr(QT_TRANSLATE_NOOP("status", "Closed: {note}")).format(note=reason[len("Closed: "):])
    return reason


def day_status_text(status) -> str:
    """What the desk should read about a day (services.DayStatus): "" for an
    ordinary open day; "Closed", "Closed — Public holiday", "Special hours
    10:00–14:00 — Christmas Eve"."""
    if status.kind == "open":
        return ""
    if status.kind == "closed":
        return _tr(QT_TRANSLATE_NOOP("status", "Closed"))
    if status.kind == "holiday":
        if not status.note:
            return _tr(QT_TRANSLATE_NOOP("status", "Closed — holiday"))
        return _tr(QT_TRANSLATE_NOOP("status", "Closed — {note}")).format(note=status.note)
    hours = ", ".join(time_range(o, c) for o, c in status.intervals)
    if not status.note:
        return _tr(QT_TRANSLATE_NOOP("status", "Special hours {hours}")).format(hours=hours)
    return _tr(QT_TRANSLATE_NOOP("status", "Special hours {hours} — {note}")).format(
        hours=hours, note=status.note)


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

