"""The report's charts as QtCharts objects, built from a `reports.Report`:
shared by the reports view (in QChartViews) and the PDF (rendered to images).

Each builder returns a QChart whose series tests can read back."""

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QPieSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem

from ... import services
from ...errors import QT_TRANSLATE_NOOP
from .. import status_style as style
from ..formats import day_and_month, day_month_year, number, percent, weekday_name

# Colour carries meaning only next to a legend with words.
STATUS_COLOURS = {"pending": "#e0a526", "confirmed": "#2e7d32", "cancelled": "#9e9e9e",
                  "completed": "#1565c0", "no_show": "#c62828"}
# Utilisation bands for the heatmap: (upper bound, label, colour).
BANDS = ((0.2, 0, 20, "#e3f2fd"), (0.4, 20, 40, "#90caf9"),
         (0.6, 40, 60, "#42a5f5"), (0.8, 60, 80, "#1e88e5"), (1.01, 80, 100, "#0d47a1"))
# The report's lead-time buckets (services.reports.LEAD_BUCKETS) in the window's language.
LEAD_LABELS = {
    "0–1 hour": QT_TRANSLATE_NOOP("Charts", "0–1 hour"),
    "1–24 hours": QT_TRANSLATE_NOOP("Charts", "1–24 hours"),
    "1–7 days": QT_TRANSLATE_NOOP("Charts", "1–7 days"),
    "7–30 days": QT_TRANSLATE_NOOP("Charts", "7–30 days"),
    "30+ days": QT_TRANSLATE_NOOP("Charts", "30+ days"),
}


def band_label(low: int, high: int) -> str:
    """"under 20%", "20–40%" in the locale's way of writing a percentage."""
    if low == 0:
        return QCoreApplication.translate("Charts", "under {percent}").format(percent=percent(high))
    return QCoreApplication.translate("Charts", "{low}–{high}", "a range of percentages").format(
        low=number(low), high=percent(high))


def lead_label(label: str) -> str:
    text = LEAD_LABELS.get(label)
    return QCoreApplication.translate("Charts", text) if text else label


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    # A little smaller than the axes: five statuses side by side stay whole
    # under a chart half a 1024 px window wide, in German too.
    small = chart.legend().font()
    small.setPointSizeF(small.pointSizeF() * 0.9)
    chart.legend().setFont(small)
    chart.setMargins(QMargins(4, 4, 4, 4))
    return chart


def _day_axis(chart: QChart, days, weekly: bool) -> QCategoryAxis:
    """Day labels that fit under the bars at any width: "04 Mar" for up to
    ten bars or a bar a week, else the day of the month (smaller). A label is
    drawn under its bar (a QCategoryAxis with labels on values; a
    QBarCategoryAxis elides any label wider than one bar to "…", however
    empty its neighbours), every `step`-th bar, the step worked out again
    whenever the plot area changes (a month at 1024 px: every other day).
    Past ten bars the axis title gives the period."""
    axis = QCategoryAxis()
    axis.setRange(-0.5, len(days) - 0.5)
    axis.setStartValue(-0.5)
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setGridLineVisible(False)  # a category's line would run through its bar
    short = len(days) <= 10 or weekly
    texts = [day_and_month(d) if short else str(d.day) for d in days]
    if not short:
        small = axis.labelsFont()
        small.setPointSizeF(small.pointSizeF() * 0.8)
        axis.setLabelsFont(small)
    # What Qt needs between two label centres not to elide: the widest label
    # and 10 px (measured: "30" at 12.7 px is elided 20.2 px apart, whole 23.6)
    room = max((QFontMetricsF(axis.labelsFont()).horizontalAdvance(t) for t in texts),
               default=0) + 10

    def label_every(step: int) -> None:
        for label in axis.categoriesLabels():
            axis.remove(label)
        seen: dict[str, int] = {}
        for i in range(0, len(texts), step):
            n = seen.get(texts[i], 0)  # labels must differ: repeats get zero-width spaces
            seen[texts[i]] = n + 1
            axis.append(texts[i] + "\u200b" * n, i)
        axis.setProperty("label_step", step)

    def fit(area: QRectF) -> None:
        if days and area.width() > 0:
            step = max(1, math.ceil(room / (area.width() / len(days))))
            if step != axis.property("label_step"):
                label_every(step)

    fit(QRectF(0, 0, 420, 1))  # about a chart's width in the view, until laid out
    chart.plotAreaChanged.connect(fit)
    if len(days) > 10 and days:
        first, last = days[0], days[-1]
        title = QCoreApplication.translate("Charts", "{first} – {last}").format(
            first=day_and_month(first), last=day_month_year(last))
        axis.setTitleText(QCoreApplication.translate("Charts", "{period}, a bar a week").format(
            period=title) if weekly else title)
    return axis


def _nothing_booked(chart: QChart) -> QChart:
    """The chart of a period without bookings: no axes or series, the words
    "No bookings in this period" in the middle (`chart.empty_text`)."""
    text = QGraphicsSimpleTextItem(
        QCoreApplication.translate("Charts", "No bookings in this period"), chart)
    font = text.font()
    font.setPointSizeF(font.pointSizeF() * 1.2)
    text.setFont(font)
    text.setBrush(QColor("#555555"))

    def centre(*_) -> None:
        box, size = chart.rect(), text.boundingRect()
        text.setPos(box.center().x() - size.width() / 2, box.center().y() - size.height() / 2)

    chart.geometryChanged.connect(centre)
    centre()
    chart.legend().hide()
    chart.empty_text = text
    return chart


def bookings_per_day(report) -> QChart:
    """One stacked bar a day, a segment a status (long periods by week)."""
    chart = _chart(QCoreApplication.translate("Charts", "Bookings per day, by status"))
    if not report.total:
        return _nothing_booked(chart)
    days = list(report.days)
    step = 7 if len(days) > 62 else 1
    groups = [days[i:i + step] for i in range(0, len(days), step)]
    if step > 1:
        chart.setTitle(QCoreApplication.translate("Charts", "Bookings per week, by status"))
    series = QStackedBarSeries()
    for status in services.BOOKING_STATUSES:
        bar = QBarSet(style.status_label(status))
        bar.setColor(QColor(STATUS_COLOURS[status]))
        for group in groups:
            bar.append(sum(d.by_status.get(status, 0) for d in group))
        series.append(bar)
    chart.addSeries(series)
    axis_x = _day_axis(chart, [g[0].day for g in groups], step > 1)
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%d")
    peak = max((sum(sum(d.by_status.values()) for d in g) for g in groups), default=0)
    axis_y.setRange(0, max(1, peak))
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    return chart


def utilisation_heatmap(report) -> QChart:
    """Weekday (rows) × hour (columns): a square a cell with slots, its shade
    the utilisation band (the legend names the bands) and its percentage
    written in it (`chart.heatmap_numbers`), so colour is not needed to read it."""
    chart = _chart(QCoreApplication.translate("Charts", "Utilisation by weekday and hour"))
    hours = sorted({h for (_, h) in report.heatmap}) or list(range(9, 18))
    series_by_band = []
    for _, low, high, colour in BANDS:
        series = QScatterSeries()
        series.setName(band_label(low, high))
        series.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeRectangle)
        series.setMarkerSize(18)
        series.setColor(QColor(colour))
        series.setBorderColor(QColor("#607d8b"))
        series_by_band.append(series)
    numbers = []  # (text item, cell, series): the percentage written in each cell
    for (weekday, hour), usage in sorted(report.heatmap.items()):
        if not usage.capacity:
            continue
        rate = usage.rate or 0.0
        band = next(i for i, (bound, *_) in enumerate(BANDS) if rate < bound)
        series_by_band[band].append(hour, 6 - weekday)  # Monday on top
        box = QGraphicsRectItem(chart)  # the whole cell in the band's shade
        box.setBrush(QColor(BANDS[band][3]))
        box.setPen(QColor("#607d8b"))
        box.setZValue(10)
        figure = QGraphicsSimpleTextItem(percent(rate * 100), box)
        figure.setBrush(QColor("white" if band >= 3 else "#1f2328"))
        numbers.append((figure, QPointF(hour, 6 - weekday), series_by_band[band]))
    axis_x = QCategoryAxis()  # a label centred under each hour's column
    axis_x.setStartValue(min(hours) - 0.5)
    for hour in range(min(hours), max(hours) + 1):
        axis_x.append(f"{hour:02d}", hour + 0.5)
    axis_x.setRange(min(hours) - 0.5, max(hours) + 0.5)
    axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionCenter)
    axis_x.setTitleText(QCoreApplication.translate("Charts", "hour of the day (local time)"))
    axis_y = QCategoryAxis()  # a weekday centred on each row (never elided to "…")
    axis_y.setStartValue(-0.5)
    for row in range(7):  # Monday on top
        axis_y.append(weekday_name(6 - row), row + 0.5)
    axis_y.setRange(-0.5, 6.5)
    axis_y.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionCenter)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for series in series_by_band:
        chart.addSeries(series)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)

    def place_numbers(_area=None) -> None:
        """Each cell filled, its number centred in it."""
        if not numbers:
            return
        origin = chart.mapToPosition(QPointF(0, 0), series_by_band[0])
        corner = chart.mapToPosition(QPointF(1, 1), series_by_band[0])
        width, height = abs(corner.x() - origin.x()) - 3, abs(corner.y() - origin.y()) - 3
        for figure, value, series in numbers:
            centre = chart.mapToPosition(value, series)
            figure.parentItem().setRect(centre.x() - width / 2, centre.y() - height / 2,
                                        width, height)
            text = figure.boundingRect()
            figure.setPos(centre.x() - text.width() / 2, centre.y() - text.height() / 2)

    chart.plotAreaChanged.connect(place_numbers)
    chart.heatmap_numbers = [figure for figure, _, _ in numbers]
    return chart


def status_breakdown(report) -> QChart:
    chart = _chart(QCoreApplication.translate("Charts", "Bookings by status"))
    if not report.total:
        return _nothing_booked(chart)
    series = QPieSeries()
    for status in services.BOOKING_STATUSES:
        n = report.by_status.get(status, 0)
        if n:
            piece = series.append(f"{style.status_label(status)} {number(n)}", n)
            piece.setColor(QColor(STATUS_COLOURS[status]))
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


def lead_times(report) -> QChart:
    median = report.lead_median_hours
    title = QCoreApplication.translate("Charts", "Lead time (booking made → appointment)")
    if median is not None:
        title = QCoreApplication.translate("Charts", "{title}, median {hours} h").format(
            title=title, hours=number(median, 1))
    chart = _chart(title)
    if not report.total:
        return _nothing_booked(chart)
    bar = QBarSet(QCoreApplication.translate("Charts", "Bookings"))
    bar.setColor(QColor("#5c6bc0"))
    for _, n in report.lead_buckets:
        bar.append(n)
    series = QBarSeries()
    series.append(bar)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append([lead_label(label) for label, _ in report.lead_buckets])
    small = axis_x.labelsFont()
    small.setPointSizeF(small.pointSizeF() * 0.85)  # "1–24 hours" whole at 1024 px
    axis_x.setLabelsFont(small)
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%d")
    axis_y.setRange(0, max([1, *(n for _, n in report.lead_buckets)]))
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    chart.legend().hide()
    return chart


BUILDERS = (bookings_per_day, utilisation_heatmap, status_breakdown, lead_times)


def render_image(chart: QChart, width: int, height: int) -> QImage:
    """The chart drawn on a white image `width` x `height` (the PDF's pictures)."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, width, height))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height))
    painter.end()
    scene.removeItem(chart)
    return image
