"""The export dialog with a CSV long enough to share its work with a second
process (lowered to any two businesses here): run from the dialog on a real
worker thread it writes the same file as one process, its progress counts
every row, and Cancel pressed while the second process writes stops it and
leaves no file."""
import csv
import multiprocessing
import threading
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from booking_desktop import services
from booking_desktop.services import exports, second_process
from booking_desktop.services.desk import BookingFilter
from booking_desktop.services.second_process import SecondProcess
from booking_desktop.ui.export.export_dialog import ExportDialog, export_words
from booking_desktop.ui.tasks import ThreadRunner


@pytest.fixture
def two_shops(shop):
    """Corner Salon (UTC) and a clinic in Tokyo, bookings in both tomorrow."""
    clinic = services.create_business("Tokyo Clinic", "Asia/Tokyo")
    services.set_weekly_hours(clinic, {d: [(time(0), time(23, 30))] for d in range(7)})
    tomorrow = datetime.now(timezone.utc).date() + timedelta(days=1)
    services.generate_time_slots(clinic, tomorrow, tomorrow + timedelta(days=1), max_capacity=2)
    for business in (shop, clinic):
        for i, slot in enumerate(services.slots_between(business, tomorrow)[10:16]):
            services.create_booking(slot, f"{business.name} guest {i}", customer_phone="+44 20 7946 0000",
                                    notes="a note, with \"quotes\"")
    return tomorrow


@pytest.fixture
def shared(monkeypatch):
    monkeypatch.setattr(exports, "SECOND_PROCESS_ROWS", 1)
    monkeypatch.setattr(second_process, "cores", lambda: 2)


def _dialog(qtbot, desk_owner, day, path):
    dialog = ExportDialog(BookingFilter(None, day, day), "csv", runner=ThreadRunner(),
                          by=desk_owner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(path))
    return dialog


def test_a_shared_csv_from_the_dialog_is_the_one_process_file(qtbot, two_shops, desk_owner,
                                                               shared, monkeypatch, tmp_path):
    answers = []
    real = SecondProcess.wait
    monkeypatch.setattr(SecondProcess, "wait",
                        lambda self, poll: answers.append(real(self, poll)) or answers[-1])
    dialog = _dialog(qtbot, desk_owner, two_shops, tmp_path / "shared.csv")
    seen = []
    with qtbot.waitSignal(dialog.done_message, timeout=30_000) as done:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        dialog.task.progress.connect(lambda d, t: seen.append((d, t)))
    assert answers == [6]  # the clinic's six, by the second process
    assert done.args[0].startswith("Exported 12 bookings")
    assert dialog.status.text().startswith("Exported 12 bookings")
    assert seen and seen[-1] == (12, 12)
    monkeypatch.setattr(exports, "SECOND_PROCESS_ROWS", 10**12)
    exports.export_csv(tmp_path / "alone.csv", BookingFilter(None, two_shops, two_shops),
                       bom=dialog.bom_check.isChecked(), words=export_words())
    assert (tmp_path / "shared.csv").read_bytes() == (tmp_path / "alone.csv").read_bytes()
    with open(tmp_path / "shared.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[1] for r in rows[1:]] == ["Corner Salon"] * 6 + ["Tokyo Clinic"] * 6
    assert multiprocessing.active_children() == []


def test_cancel_while_the_second_process_writes_leaves_no_file(qtbot, two_shops, desk_owner,
                                                              shared, monkeypatch, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    waiting, go_on = threading.Event(), threading.Event()
    real = SecondProcess.wait

    def wait(self, poll):  # on the worker: the first process's share is written
        waiting.set()
        go_on.wait(10)
        return real(self, poll)
    monkeypatch.setattr(SecondProcess, "wait", wait)
    dialog = _dialog(qtbot, desk_owner, two_shops, out / "x.csv")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(waiting.is_set, timeout=30_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelling…"
    go_on.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.status.text() == "Export cancelled; no file was written."
    assert dialog.export_button.isEnabled()
    assert list(out.iterdir()) == []  # neither the export nor the second process's file
    assert multiprocessing.active_children() == []
