"""Paints a slot's fill level as a small bar with "3/5" beside it."""
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from .. import status_style as style
from .day_model import FILL

BAR_WIDTH = 56


class FillDelegate(QStyledItemDelegate):
    def paint(self, painter, option, index):
        fill = index.data(FILL)
        if not fill:
            return super().paint(painter, option, index)
        current, capacity, state = fill
        self.initStyleOption(option, index)
        qt_style = option.widget.style() if option.widget else None
        text = option.text
        option.text = ""
        if qt_style is not None:
            qt_style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        rect = option.rect.adjusted(4, 0, -4, 0)
        bar = QRect(rect.left(), rect.center().y() - 4, BAR_WIDTH, 8)
        palette = option.palette
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRect(bar)
        if capacity:
            filled = QRect(bar.left(), bar.top(), round(BAR_WIDTH * min(current, capacity) / capacity),
                           bar.height())
            colour = style.colour(state, palette) if state != "past" else \
                palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            painter.fillRect(filled, colour)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text) if state != "past" else
                       palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        text_rect = QRect(bar.right() + 8, rect.top(), rect.width() - BAR_WIDTH - 8, rect.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                         text)
        painter.restore()

    def sizeHint(self, option, index):
        hint = super().sizeHint(option, index)
        if index.data(FILL):
            hint.setWidth(hint.width() + BAR_WIDTH + 12)
        return hint
