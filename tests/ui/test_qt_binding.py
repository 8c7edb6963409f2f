"""Guards against a Qt binding release that breaks the app in ways our own
code cannot: PySide6 6.12.0 drops a reference to None each time an item is
handed to a QStandardItemModel, and the interpreter aborts once the count
runs out (after a few hundred day-view refreshes)."""
import gc
import sys

from PySide6.QtGui import QStandardItem, QStandardItemModel


def test_handing_items_to_a_model_keeps_none_alive(qapp):
    model = QStandardItemModel()
    # The garbage collector freeing earlier tests' objects drops references to
    # None too: collect first and keep it out of the measured loop.
    gc.collect()
    gc.disable()
    try:
        before = sys.getrefcount(None)
        for _ in range(200):
            model.appendRow([QStandardItem("a"), QStandardItem("b")])
            model.item(model.rowCount() - 1, 0).appendRow(QStandardItem("child"))
        model.removeRows(0, model.rowCount())
        after = sys.getrefcount(None)
    finally:
        gc.enable()
    assert after >= before - 10
