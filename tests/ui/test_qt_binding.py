"""Guards against a Qt binding release that breaks the app in ways our own
code cannot: PySide6 6.12.0 drops a reference to None each time an item is
handed to a QStandardItemModel, and the interpreter aborts once the count
runs out (after a few hundred day-view refreshes)."""
import sys

from PySide6.QtGui import QStandardItem, QStandardItemModel


def test_handing_items_to_a_model_keeps_none_alive(qapp):
    model = QStandardItemModel()
    before = sys.getrefcount(None)
    for _ in range(200):
        model.appendRow([QStandardItem("a"), QStandardItem("b")])
        model.item(model.rowCount() - 1, 0).appendRow(QStandardItem("child"))
    model.removeRows(0, model.rowCount())
    assert sys.getrefcount(None) >= before - 10
