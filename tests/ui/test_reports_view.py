"""The reports view: its charts follow the chosen range and business (asserted
on the chart series), its export buttons write the period's bookings (on a
real worker thread too), and a cancelled export leaves no file."""
import csv
from datetime import datetime, time, timedelta, timezone

import pytest
from pypdf import PdfReader
from PySide6.QtCharts import QPieSeries, QScatterSeries, QStackedBarSeries
from PySide6.QtWidgets import QLabel

from booking_desktop import services
from booking_desktop.ui.export.export_dialog import ExportDialog
from booking_desktop.ui.views.reports_view import ReportsView
from booking_desktop.ui.session import Session
from booking_desktop.ui.tasks import InlineRunner, Task, ThreadRunner


@pytest.fixture
def booked(shop):
    """Today: 3 bookings (one cancelled); tomorrow: 1 pending."""
    today = datetime.now(timezone.utc).date()
    slots = services.slots_between(shop, today + timedelta(days=1), today + timedelta(days=2))
    made_at = datetime.combine(today, time(0), tzinfo=timezone.utc) - timedelta(days=1)
    first, second = slots[20], slots[40]
    services.create_booking(first, "Ana", now=made_at)
    services.create_booking(first, "Ben", source="phone", now=made_at)
    services.cancel_booking(services.create_booking(second, "Cem", now=made_at), now=made_at)
    tomorrow = services.slots_between(shop, today + timedelta(days=2))[10]
    services.create_booking(tomorrow, "Dan", status="pending", now=made_at)
    return today + timedelta(days=1), today + timedelta(days=2)


@pytest.fixture
def view(qtbot, shop, desk_owner):
    session = Session(desk_owner, shop)
    widget = ReportsView(session, runner=InlineRunner())
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def stacked_totals(chart) -> dict:
    series = next(s for s in chart.series() if isinstance(s, QStackedBarSeries))
    return {bar.label(): sum(bar.at(i) for i in range(bar.count())) for bar in series.barSets()}


def test_changing_the_range_updates_the_charts(view, booked):
    day1, day2 = booked
    view.set_range(day1, day1)
    per_day = stacked_totals(view.chart(0))
    assert per_day["Confirmed"] == 2 and per_day["Cancelled"] == 1 and per_day["Pending"] == 0
    pie = next(s for s in view.chart(2).series() if isinstance(s, QPieSeries))
    assert sorted(round(piece.value()) for piece in pie.slices()) == [1, 2]
    heat = [s for s in view.chart(1).series() if isinstance(s, QScatterSeries)]
    assert sum(s.count() for s in heat) == 24  # a cell an hour (open 00:00–23:30)
    # 10:00 and 10:30 hold 2 of 4 places: the hour's cell is in the 40–60% band
    half = [(p.x(), p.y()) for s in heat if s.name() == "40–60%" for p in s.points()]
    assert half == [(10, 6 - day1.weekday())]
    assert view.cards["total"].value.text() == "3"
    assert view.report.usage.booked == 2

    view.set_range(day2, day2)
    per_day = stacked_totals(view.chart(0))
    assert per_day["Pending"] == 1 and per_day["Confirmed"] == 0
    assert view.cards["total"].value.text() == "1"

    view.set_range(day1, day2)
    per_day = stacked_totals(view.chart(0))
    assert sum(per_day.values()) == 4
    assert view.chart(0).series()[0].barSets()[0].count() == 2  # a bar a day
    assert view.cards["confirmation"].value.text() == "0%"


def test_the_business_filter_and_all_businesses(view, booked, shop):
    day1, _ = booked
    other = services.create_business("Empty Clinic", "Europe/Berlin")
    view._fill_businesses()
    view.set_range(day1, day1)
    view.business_combo.setCurrentIndex(view.business_combo.findData(other.id))
    view.refresh()
    assert view.chart(0).series() == [] and view.chart(0).axes() == []  # said in words instead
    assert view.chart(0).empty_text.text() == "No bookings in this period"
    assert view.cards["utilisation"].value.text() == "–"
    view.business_combo.setCurrentIndex(view.business_combo.findData(None))
    view.refresh()
    assert sum(stacked_totals(view.chart(0)).values()) == 3


def test_an_impossible_range_is_explained_in_the_view(view, booked):
    day1, _ = booked
    view.date_from.setDate(day1)
    view.date_to.setDate(day1 - timedelta(days=1))  # the view moves the other end along
    view.refresh()
    assert view.error is None and view.date_from.date() == view.date_to.date()


def test_export_buttons_write_the_period(qtbot, view, booked, tmp_path):
    day1, day2 = booked
    view.set_range(day1, day2)
    dialog = view.export("csv")
    qtbot.addWidget(dialog)
    target = tmp_path / "period.csv"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(view.message) as signal:
        dialog.start()
    assert "Exported 4 bookings" in signal.args[0]
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[6] for r in rows[1:]] == ["Ana", "Ben", "Cem", "Dan"]


def test_pdf_export_from_the_view(qtbot, view, booked, tmp_path):
    day1, day2 = booked
    view.set_range(day1, day2)
    dialog = view.export("pdf")
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "r.pdf"))
    dialog.start()
    assert dialog.count == 4 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_export_on_a_worker_thread(qtbot, view, booked, tmp_path):
    day1, day2 = booked
    view.runner = ThreadRunner()
    view.set_range(day1, day2)
    dialog = view.export("xlsx")
    qtbot.addWidget(dialog)
    target = tmp_path / "period.xlsx"
    dialog.path_edit.setText(str(target))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.count is not None, timeout=10_000)
    from openpyxl import load_workbook
    assert load_workbook(target)["Bookings"].max_row == 5


class CancelFirst(InlineRunner):
    def start(self, task: Task) -> None:
        task.cancel()  # the person pressed Cancel before the first batch
        task.run()


def test_a_cancelled_export_leaves_no_file(qtbot, booked, shop, desk_owner, tmp_path):
    day1, day2 = booked
    from booking_desktop.services.desk import BookingFilter
    dialog = ExportDialog(BookingFilter(shop.id, day1, day2), "ics", runner=CancelFirst(),
                          by=desk_owner)
    qtbot.addWidget(dialog)
    out = tmp_path / "out"
    out.mkdir()
    dialog.path_edit.setText(str(out / "x.ics"))
    dialog.start()
    assert "cancelled" in dialog.status.text()
    assert list(out.iterdir()) == []
    assert dialog.export_button.isEnabled()


def test_an_unwritable_file_is_explained(qtbot, booked, shop, desk_owner, tmp_path):
    from booking_desktop.services.desk import BookingFilter
    dialog = ExportDialog(BookingFilter(shop.id), "csv", runner=InlineRunner(), by=desk_owner)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.csv"))
    dialog.start()
    assert "Cannot write the export" in dialog.status.text()


def test_format_choice_changes_the_suffix_and_options(qtbot, shop, desk_owner, monkeypatch):
    from booking_desktop.services.desk import BookingFilter
    dialog = ExportDialog(BookingFilter(shop.id), "csv", runner=InlineRunner(), by=desk_owner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("ics"))
    assert dialog.path_edit.text().endswith(".ics")
    assert dialog.utc_check.isVisible() and not dialog.bom_check.isVisible()
    monkeypatch.setattr(ExportDialog, "ask_path", classmethod(lambda cls, *a: "/tmp/chosen.ics"))
    dialog._browse()
    assert dialog.path_edit.text() == "/tmp/chosen.ics"


def test_bookings_table_export_uses_its_current_filter(qtbot, booked, shop, desk_owner, tmp_path):
    from PySide6.QtGui import QUndoStack

    from booking_desktop.ui.views.bookings_view import BookingsView

    table = BookingsView(Session(desk_owner, shop), QUndoStack())
    qtbot.addWidget(table)
    table.export_runner = InlineRunner()
    table.status_combo.setCurrentIndex(table.status_combo.findText("Pending"))
    dialog = table.export_bookings()
    qtbot.addWidget(dialog)
    assert dialog.flt.statuses == ("pending",) and dialog.flt.business_id == shop.id
    target = tmp_path / "table.csv"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(table.message):
        dialog.export_button.click()
    with open(target, encoding="utf-8-sig", newline="") as handle:
        assert [r[6] for r in list(csv.reader(handle))[1:]] == ["Dan"]


def test_an_empty_period_says_so_instead_of_empty_axes(qtbot, view, booked):
    day1, _ = booked
    view.set_range(day1 + timedelta(days=30), day1 + timedelta(days=31))
    view.show()
    qtbot.waitExposed(view)
    for index in (0, 2, 3):  # per day, by status (pie), lead times
        chart = view.chart(index)
        assert chart.series() == [] and chart.axes() == [], chart.title()
        words = chart.empty_text
        assert words.text() == "No bookings in this period" and words.isVisible()
        centre = chart.rect().center()
        box = words.mapRectToParent(words.boundingRect())
        assert box.contains(centre), (box, centre)  # in the middle of the chart


def _labels_fit(qtbot, view, width: int) -> int:
    """Shows the view `width` wide; asserts the month's chart labels every
    `step`-th day from the first, each under its bar, with room for the label
    between two label centres (so Qt does not elide it to "…"); returns the
    step."""
    from PySide6.QtGui import QFontMetricsF

    view.resize(width, 760)
    view.show()
    qtbot.waitExposed(view)
    chart = view.chart(0)
    axis = chart.axes()[0]
    qtbot.waitUntil(lambda: chart.plotArea().width() > 0)
    labels = axis.categoriesLabels()
    at = [round(axis.endValue(label)) for label in labels]
    step = at[1] - at[0]
    assert at == list(range(0, 31, step))
    days = view.report.days
    assert [label.replace("\u200b", "") for label in labels] == [str(days[i].day.day) for i in at]
    metrics = QFontMetricsF(axis.labelsFont())
    room = chart.plotArea().width() / 31 * step
    # Qt elides "30" (12.7 px wide) 20.2 px apart and not 23.6 px apart
    assert all(metrics.horizontalAdvance(label) + 10 <= room for label in labels), (room, step)
    return step


def test_a_month_long_chart_labels_its_days(qtbot, view, booked):
    """Every day at 1280 px; at 1024 px every other day rather than "…"."""
    day1, _ = booked
    view.set_range(day1, day1 + timedelta(days=30))
    assert view.chart(0).axes()[0].labelsVisible()
    wide = _labels_fit(qtbot, view, 1280)
    narrow = _labels_fit(qtbot, view, 1024)
    assert narrow > 1 and wide <= narrow
    assert _labels_fit(qtbot, view, 1600) == 1  # room again: every day


def test_one_booked_place_is_singular(view, shop):
    today = datetime.now(timezone.utc).date() + timedelta(days=1)
    services.create_booking(services.slots_between(shop, today)[12], "Eve", status="pending")
    view.set_range(today, today)
    assert view.cards["utilisation"].toolTip().startswith("1 booked place of ")
    assert view.cards["confirmation"].toolTip() == "0 of 1 booking that was pending"


def test_a_pdf_of_many_pages_is_announced_first(qtbot, view, booked, tmp_path, monkeypatch):
    from booking_desktop.ui.export import pdf_report
    monkeypatch.setattr(pdf_report, "MANY_PAGES", 0)  # 4 bookings make one page of table
    day1, day2 = booked
    view.set_range(day1, day2)
    dialog = view.export("pdf")
    qtbot.addWidget(dialog)
    target = tmp_path / "r.pdf"
    dialog.path_edit.setText(str(target))
    seen = []
    dialog.progress.valueChanged.connect(lambda _: seen.append(dialog.status.text()))
    dialog.start()
    assert "would have about 1 pages" not in dialog.status.text()
    assert "about 1 page" in dialog.status.text() and "CSV" in dialog.status.text()
    assert not target.exists() and dialog.count is None
    assert dialog.export_button.isEnabled() and "anyway" in dialog.export_button.text()
    dialog.start()
    assert dialog.count == 4 and len(PdfReader(target).pages) == 3  # title, figures, table
    assert "Drawing page 1 of 3…" in seen


def test_customer_figures_new_returning_and_most_no_shows(qtbot, view, shop):
    """Tomorrow and the day after: Ana booked both days (returning on the
    second), Ben is new there and does not come, Cem's only booking is
    cancelled. Then another desk marks Ana's second booking a no-show."""
    day1 = datetime.now(timezone.utc).date() + timedelta(days=1)
    day2 = day1 + timedelta(days=1)
    first, second = services.slots_between(shop, day1)[20], services.slots_between(shop, day2)[20]
    after = datetime.combine(day2, time(23), tzinfo=timezone.utc)
    services.create_booking(first, "Ana", "ana@example.com")
    ana = services.create_booking(second, "Ana", "ana@example.com")
    ben = services.create_booking(second, "Ben", "ben@example.com")
    services.set_booking_status(ben, "no_show", now=after)
    services.cancel_booking(services.create_booking(second, "Cem", "cem@example.com"))
    view.set_range(day2, day2)
    strip = view.customer_figures
    assert [strip.values[k].text() for k in ("new", "returning", "share")] == ["1", "1", "50%"]
    assert strip.values["share"].toolTip() == "1 of 2 bookings not cancelled"
    assert strip.no_shows.text() == "Ben (1)"
    ben_id = services.find_customers("ben@example.com")[0].id
    assert strip.no_shows.toolTip() == f"Ben: 1 no-show (customer {ben_id})"

    services.set_booking_status(ana, "no_show", now=after)  # another desk
    view.refresh()
    assert strip.no_shows.text() == "Ana (1), Ben (1)"  # a tie: the older record first
    view.set_range(day1, day2)
    assert [strip.values[k].text() for k in ("new", "returning", "share")] == ["2", "0", "0%"]

    view.set_range(day2 + timedelta(days=30), day2 + timedelta(days=30))
    assert [strip.values[k].text() for k in ("new", "returning", "share")] == ["0", "0", "–"]
    assert strip.no_shows.text() == "none" and strip.no_shows.toolTip() == ""


@pytest.mark.parametrize("width, height", [(1024, 700), (1280, 800)])
def test_customer_figures_fit_on_one_line(qtbot, view, booked, width, height):
    """Every caption and value whole at either size; the names take what is
    left and end in "…" when short of room, all of them in the tooltip."""
    day1, day2 = booked
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    view.set_range(day1, day2)
    strip = view.customer_figures
    strip.no_shows.setText(", ".join(f"Customer with a long name {i} (1)" for i in range(5)))
    labels = [label for label in strip.findChildren(QLabel) if label is not strip.no_shows]
    assert len(labels) == 7  # three captions, three values, "Most no-shows:"

    def whole():
        return all(label.width() >= label.sizeHint().width() for label in labels)
    qtbot.waitUntil(whole)  # once the layout has taken the new texts in
    assert view.width() == width  # the line did not make the view wider than asked
    assert strip.no_shows.shown_text().endswith("…")
    assert strip.height() <= 2 * strip.fontMetrics().height() + 16  # one line
