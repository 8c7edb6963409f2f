"""The question before merging or erasing (ui/dialogs/confirm.py), answered
with the keyboard in the real message box: Enter and Esc keep things as
they are, the action is pressed on purpose."""
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from booking_desktop.ui.dialogs.confirm import confirm


def ask(qtbot, answer, role):
    """confirm(), answered by `answer(box)` once the box is up; (result, what it showed)."""
    seen = []

    def when_shown():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        timer.stop()
        seen.append((box.windowTitle(), box.text(), box.informativeText(),
                     [b.text() for b in box.buttons()]))
        answer(box)

    timer = QTimer(interval=20)
    timer.timeout.connect(when_shown)
    timer.start()
    result = confirm(None, QMessageBox.Icon.Warning, "Erase customers", "Erase 2 customers now?",
                     "This cannot be undone.", "Erase", role)
    timer.stop()
    return result, seen


@pytest.mark.parametrize("role", [QMessageBox.ButtonRole.AcceptRole,
                                  QMessageBox.ButtonRole.DestructiveRole])
def test_enter_and_esc_keep_things_and_the_action_is_chosen_on_purpose(qtbot, role):
    result, seen = ask(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Return), role)
    assert result is False
    title, text, details, buttons = seen[0]
    assert (title, text, details) == ("Erase customers", "Erase 2 customers now?",
                                      "This cannot be undone.")
    assert sorted(buttons) == ["Cancel", "Erase"]
    result, _ = ask(qtbot, lambda box: qtbot.keyClick(box, Qt.Key.Key_Escape), role)
    assert result is False

    def press_erase(box):
        erase = next(b for b in box.buttons() if b.text() == "Erase")
        qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)
    result, _ = ask(qtbot, press_erase, role)
    assert result is True
