"""The reports view's "count bookings by" box: by appointment date (the
bookings for the period) or by the date they were made (the bookings taken
in the period), asserted on the figures and the per-day chart."""
from datetime import datetime, time, timedelta, timezone

import pytest
from PySide6.QtCharts import QStackedBarSeries

from booking_desktop import services
from booking_desktop.ui.session import Session
from booking_desktop.ui.tasks import InlineRunner
from booking_desktop.ui.views.reports_view import ReportsView


@pytest.fixture
def taken_yesterday(shop):
    """3 bookings made yesterday at noon (UTC, the shop's zone) for tomorrow."""
    today = datetime.now(timezone.utc).date()
    made_at = datetime.combine(today - timedelta(days=1), time(12), tzinfo=timezone.utc)
    slots = services.slots_between(shop, today + timedelta(days=1))
    for slot, name in zip(slots[10:13], ("Ana", "Ben", "Cem")):
        services.create_booking(slot, name, now=made_at)
    return today


@pytest.fixture
def view(qtbot, shop, desk_owner):
    widget = ReportsView(Session(desk_owner, shop), runner=InlineRunner())
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def chart_total(chart) -> int:
    series = next(s for s in chart.series() if isinstance(s, QStackedBarSeries))
    return sum(bar.at(i) for bar in series.barSets() for i in range(bar.count()))


def test_the_basis_box_switches_between_appointments_and_bookings_taken(qtbot, view,
                                                                         taken_yesterday):
    today = taken_yesterday
    assert view.basis_combo.currentData() == "appointment"
    assert view.basis_combo.accessibleName() == "Count bookings by"
    view.show()
    qtbot.waitExposed(view)
    view.set_range(today - timedelta(days=1), today)
    assert view.cards["total"].value.text() == "0"  # no appointments yesterday or today

    view.basis_combo.setCurrentIndex(view.basis_combo.findData("booked"))
    qtbot.waitUntil(lambda: view.report is not None and view.report.basis == "booked")
    assert view.cards["total"].value.text() == "3"  # but 3 bookings were taken yesterday
    assert chart_total(view.chart(0)) == 3
    assert [sum(d.by_status.values()) for d in view.report.days] == [3, 0]

    view.basis_combo.setCurrentIndex(view.basis_combo.findData("appointment"))
    qtbot.waitUntil(lambda: view.report.basis == "appointment")
    assert view.cards["total"].value.text() == "0"
    view.set_range(today + timedelta(days=1), today + timedelta(days=1))
    assert view.cards["total"].value.text() == "3"


def test_an_export_from_the_view_follows_the_basis(qtbot, view, taken_yesterday, tmp_path):
    """By date booked, the export button writes the bookings taken in the
    period (for tomorrow's slots), and the XLSX summary says how it counted."""
    import csv

    from openpyxl import load_workbook

    today = taken_yesterday
    view.show()
    qtbot.waitExposed(view)
    view.set_range(today - timedelta(days=1), today)
    view.basis_combo.setCurrentIndex(view.basis_combo.findData("booked"))
    qtbot.waitUntil(lambda: view.report is not None and view.report.basis == "booked")
    for fmt in ("csv", "xlsx"):
        dialog = view.export(fmt)
        qtbot.addWidget(dialog)
        assert " made " in dialog.status.text()  # "All bookings of … made … to …"
        target = tmp_path / f"taken.{fmt}"
        dialog.path_edit.setText(str(target))
        with qtbot.waitSignal(view.message) as signal:
            dialog.start()
        assert "Exported 3 bookings" in signal.args[0]
    with open(tmp_path / "taken.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [r[6] for r in rows] == ["Ana", "Ben", "Cem"]
    assert {r[2] for r in rows} == {(today + timedelta(days=1)).isoformat()}
    summary = dict((r[0], r[1]) for r in load_workbook(tmp_path / "taken.xlsx")["Summary"]
                   .iter_rows(values_only=True) if r[0])
    assert summary["Dates of"] == "date booked" and summary["Bookings in the period"] == 3

    view.basis_combo.setCurrentIndex(view.basis_combo.findData("appointment"))
    qtbot.waitUntil(lambda: view.report.basis == "appointment")
    dialog = view.export("csv")
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "appointments.csv"))
    with qtbot.waitSignal(view.message) as signal:
        dialog.start()
    assert "Exported 0 bookings" in signal.args[0] or "No bookings" in signal.args[0]
