"""Accessible names: what a screen reader says for a control.

A form's label names its field ("Name", "Opens"); controls without a label
(a search field, a table, ◀ and ▶) are named where they are made."""
import re

from PySide6.QtWidgets import QLabel, QWidget


def label_text(text: str) -> str:
    """"&Name:" -> "Name" ("&&" stays one "&")."""
    text = re.sub(r"&(.)", r"\1", text)
    return text.strip().rstrip(":").strip()


def name_from_labels(root: QWidget) -> None:
    """Give every field that has a label (its buddy) under `root` the label's
    words as its accessible name, unless it has one already."""
    for label in root.findChildren(QLabel):
        field = label.buddy()
        if field is not None and not field.accessibleName() and label.text():
            field.setAccessibleName(label_text(label.text()))
