"""The one non-blocking message bar: a refusal said in a warning-coloured
line at the top of a view or under a form, with an optional next step
("Book 10:30 instead") and a close button."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton


class MessageBar(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        # Fixed dark-on-amber colours: readable whatever the palette.
        self.setStyleSheet("#messageBar { background: #fff4ce; border: 1px solid #d4a72c;"
                           " border-radius: 4px; } #messageBar QLabel { color: #3b2300; }"
                           " #messageBar QToolButton { color: #3b2300; border: none; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.setVisible(False)
        # In a dialog, Enter stays the dialog's default button's (Save, OK), never the bar's.
        self.action.setAutoDefault(False)
        self.action.clicked.connect(self._run)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close message"))
        self.close_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(QLabel("⚠"))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._callback = None
        self.hide()

    def show_message(self, text: str, action_text: str | None = None, callback=None) -> None:
        """Say `text`; with `action_text`, a button that runs `callback`."""
        self.label.setText(text)
        self._callback = callback
        self.action.setVisible(bool(action_text))
        if action_text:
            self.action.setText(action_text)
        self.show()

    def text(self) -> str:
        """What the bar says now ("" when hidden)."""
        return self.label.text() if not self.isHidden() else ""

    def clear(self) -> None:
        self.label.clear()
        self._callback = None
        self.hide()

    def _run(self) -> None:
        if self._callback is not None:
            self._callback()
