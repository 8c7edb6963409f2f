"""The question asked before a step the desk must mean: merging customers,
erasing their data."""
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(parent: QWidget | None, icon: QMessageBox.Icon, title: str, question: str,
            details: str, action: str,
            role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole) -> bool:
    """Ask `question` (with `details` under it) in a message box whose
    buttons are Cancel and `action`: Cancel is the default, so Enter or Esc
    keeps things as they are, and `action` is reached with Tab. True when
    `action` was pressed."""
    box = QMessageBox(icon, title, question, QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(details)
    chosen = box.addButton(action, role)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is chosen


__all__ = ["confirm"]
