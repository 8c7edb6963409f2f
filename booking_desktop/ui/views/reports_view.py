"""Reports: how the business is doing over a period, for owners at the end of
the day. The figures at the top, a line of customer figures (new and
returning customers, the share of bookings by returning customers, the most
no-shows), four charts (bookings per day by status,
utilisation by weekday × hour, the status breakdown, lead times), the date
range and business filter, and an export button for each format.

The view never queries: it asks `reports.booking_report` and hands the
result to `charts`. It refreshes on the session's change signal while
shown, and once when shown again after changes."""
from datetime import date, timedelta

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QCoreApplication, QDate, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ... import services
from ...errors import QT_TRANSLATE_NOOP
from ...services.desk import BookingFilter
from ...services.reports import booking_report
from . import charts
from .. import status_style as style
from ..errors import describe
from ..formats import date_text, number, percent, table_date_pattern
from ..export.export_dialog import FORMATS, ExportDialog

PRESETS = ((QT_TRANSLATE_NOOP("ReportsView", "Last 30 days"), 30),
           (QT_TRANSLATE_NOOP("ReportsView", "Last 7 days"), 7),
           (QT_TRANSLATE_NOOP("ReportsView", "Last 90 days"), 90),
           (QT_TRANSLATE_NOOP("ReportsView", "Last 365 days"), 365))


class FigureCard(QFrame):
    """One headline figure: a big value and what it is."""

    def __init__(self, title: str, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.value)
        layout.addWidget(self.title)

    def set(self, value: str, tooltip: str = "") -> None:
        self.value.setText(value)
        self.setToolTip(tooltip)


def _pct(x) -> str:
    return "–" if x is None else percent(x * 100)


class ElidedNames(QLabel):
    """One line of names that ends in "…" when short of room (it takes what
    the line leaves); the tooltip has them all."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # names are typed by people
        self.setMinimumWidth(60)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def shown_text(self) -> str:
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.drawText(self.contentsRect(), int(self.alignment()), self.shown_text())


class CustomerFigures(QFrame):
    """The period's customers in one line under the figures: new, returning,
    the share of the bookings that held a place made by returning customers,
    and the customers with the most no-shows (services.reports defines them)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(6)
        self.values = {}
        for key, caption, tip in (
                ("new", self.tr("New customers"), self.tr(
                    "Customers whose first booking that was not cancelled falls in this "
                    "period")),
                ("returning", self.tr("Returning customers"), self.tr(
                    "Customers of this period who had a booking that was not cancelled "
                    "before it")),
                ("share", self.tr("Bookings by returning customers"), self.tr(
                    "Of this period's bookings that were not cancelled, the share made by "
                    "returning customers"))):
            label = QLabel(caption)
            label.setToolTip(tip)
            value = QLabel("–")
            font = value.font()
            font.setBold(True)
            value.setFont(font)
            value.setToolTip(tip)
            layout.addWidget(label)
            layout.addWidget(value)
            layout.addSpacing(12)
            self.values[key] = value
        layout.addWidget(QLabel(self.tr("Most no-shows:")))
        self.no_shows = ElidedNames()
        layout.addWidget(self.no_shows, 1)

    def show_report(self, report) -> None:
        self.values["new"].setText(number(report.new_customers))
        self.values["returning"].setText(number(report.returning_customers))
        self.values["share"].setText(_pct(report.returning_share))
        held = self.tr("{n} of {d} booking(s) not cancelled", "", report.held_bookings)
        self.values["share"].setToolTip(held.format(n=number(report.returning_bookings),
                                                    d=number(report.held_bookings)))
        most = report.most_no_shows
        self.no_shows.setText(", ".join(self.tr("{name} ({n})").format(name=name, n=number(n))
                                        for _, name, n in most) if most else self.tr("none"))
        self.no_shows.setToolTip("\n".join(
            self.tr("{name}: %n no-show(s) (customer {id})", "", n).format(
                name=name, id=customer_id) for customer_id, name, n in most))


class ReportsView(QWidget):
    message = Signal(str)
    help_topic = ("owners", "reports")  # F1: the user guide's section (ui/help_window.py)

    def __init__(self, session, parent=None, runner=None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.report = None
        self._stale = True
        self.error: BaseException | None = None

        self.business_combo = QComboBox()
        self.business_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.business_combo.setMinimumContentsLength(20)
        self.preset_combo = QComboBox()
        self.preset_combo.setAccessibleName(self.tr("Period"))
        self.preset_combo.addItem(self.tr("Custom range"), None)
        for label, days in PRESETS:
            self.preset_combo.addItem(QCoreApplication.translate("ReportsView", label), days)
        today = self.session.today()
        self.date_from = QDateEdit(QDate(today - timedelta(days=29)), calendarPopup=True,
                                   displayFormat=table_date_pattern())
        self.date_to = QDateEdit(QDate(today), calendarPopup=True,
                                 displayFormat=table_date_pattern())
        self.date_from.setAccessibleName(self.tr("From date"))
        self.date_to.setAccessibleName(self.tr("To date"))
        self.preset_combo.setCurrentIndex(1)
        # Count a booking on its appointment's date or on the date it was made.
        self.basis_combo = QComboBox()
        self.basis_combo.setAccessibleName(self.tr("Count bookings by"))
        self.basis_combo.addItem(self.tr("By appointment date"), "appointment")
        self.basis_combo.addItem(self.tr("By date booked"), "booked")
        self.basis_combo.setToolTip(self.tr(
            "Appointment date: the bookings for this period. Date booked: the bookings "
            "taken in this period, whenever their appointment is."))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("B&usiness:"), buddy=self.business_combo))
        top.addWidget(self.business_combo)
        top.addSpacing(12)
        top.addWidget(self.preset_combo)
        top.addWidget(self.date_from)
        top.addWidget(QLabel("–"))
        top.addWidget(self.date_to)
        top.addStretch(1)
        # The basis and the exports on a line of their own: the filters stay
        # whole at 1024 px.
        exports = QHBoxLayout()
        exports.addWidget(self.basis_combo)
        exports.addStretch(1)
        exports.addWidget(QLabel(self.tr("Export this period's bookings:")))
        self.export_buttons = {}
        for key, label in (("csv", self.tr("CSV")), ("xlsx", self.tr("Excel")),
                           ("pdf", self.tr("PDF")), ("ics", self.tr("iCalendar"))):
            button = QPushButton(label)
            button.setToolTip(self.tr("Export this period's bookings as {0}").format(
                next(QCoreApplication.translate("ExportDialog", f[1]) for f in FORMATS
                     if f[0] == key)))
            button.clicked.connect(lambda _=False, k=key: self.export(k))
            self.export_buttons[key] = button
            exports.addWidget(button)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("reportProblem")
        self.problem.hide()

        cards = QHBoxLayout()
        self.cards = {}
        for key, title in (("total", self.tr("bookings")),
                           ("utilisation", self.tr("utilisation (booked places / capacity)")),
                           ("cancellation", self.tr("cancelled")),
                           ("no_show", self.tr("no-shows (of completed + no-show)")),
                           ("confirmation", self.tr("pending that became confirmed")),
                           ("lead", self.tr("median lead time"))):
            card = self.cards[key] = FigureCard(title)
            cards.addWidget(card)

        self.customer_figures = CustomerFigures()

        grid = QGridLayout()
        grid.setSpacing(8)
        self.chart_views = []
        for i, name in enumerate((self.tr("Bookings per day, by status"),
                                  self.tr("Utilisation by weekday and hour"),
                                  self.tr("Bookings by status"), self.tr("Lead time"))):
            view = QChartView()
            view.setAccessibleName(name)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            view.setMinimumHeight(180)
            self.chart_views.append(view)
            grid.addWidget(view, i // 2, i % 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(exports)
        layout.addWidget(self.problem)
        layout.addLayout(cards)
        layout.addWidget(self.customer_figures)
        layout.addLayout(grid, 1)

        self._reload_timer = QTimer(self, singleShot=True, interval=150)
        self._reload_timer.timeout.connect(self.refresh)
        self._fill_businesses()
        self.business_combo.currentIndexChanged.connect(self._schedule)
        self.preset_combo.currentIndexChanged.connect(self._preset_chosen)
        self.basis_combo.currentIndexChanged.connect(self._schedule)
        self.date_from.dateChanged.connect(self._dates_edited)
        self.date_to.dateChanged.connect(self._dates_edited)
        session.did_execute.connect(self._on_changed)
        session.business_changed.connect(self._on_business_changed)

    # -- public ----------------------------------------------------------
    def set_range(self, first: date, last: date) -> None:
        """Show first..last (the business's local dates) and refresh now."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day))
            edit.blockSignals(False)
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(0)
        self.preset_combo.blockSignals(False)
        self.refresh()

    def current_filter(self) -> BookingFilter:
        return BookingFilter(business_id=self.business_combo.currentData(),
                             date_from=self.date_from.date().toPython(),
                             date_to=self.date_to.date().toPython(),
                             basis=self.basis_combo.currentData())

    def refresh(self) -> None:
        self._reload_timer.stop()
        self._stale = False
        flt, user = self.current_filter(), self.session.user
        self.session.pipeline.read(
            ("report", id(self)),
            lambda: booking_report(flt.business_id, flt.date_from, flt.date_to, by=user,
                                   basis=flt.basis),
            self._reported, self._refused, owner=self)

    def _refused(self, exc: BaseException) -> None:
        self.error = exc
        self.problem.setText(describe(exc))
        self.problem.show()

    def _reported(self, report) -> None:
        self.error = None
        self.problem.hide()
        self.report = report
        self._show(report)

    def chart(self, index: int):
        return self.chart_views[index].chart()

    def export(self, fmt: str) -> ExportDialog:
        flt = self.current_filter()
        description = (self.tr("All bookings of {who} made {first} to {last}.")
                       if flt.basis == "booked" else
                       self.tr("All bookings of {who}, {first} to {last}.")).format(
            who=self.business_combo.currentText(), first=date_text(flt.date_from),
            last=date_text(flt.date_to))
        dialog = ExportDialog(flt, fmt, runner=self.runner, description=description, parent=self,
                              by=self.session.user)
        dialog.done_message.connect(self.message)
        dialog.open()
        return dialog

    # -- showing ---------------------------------------------------------
    def _show(self, report) -> None:
        total = report.total
        self.cards["total"].set(number(total), ", ".join(
            f"{style.status_label(s)} {number(n)}" for s, n in report.by_status.items()))
        booked = self.tr("{b} booked place(s) of {c} (slots not blocked)", "", report.usage.booked)
        self.cards["utilisation"].set(_pct(report.utilisation), booked.format(
            b=number(report.usage.booked), c=number(report.usage.capacity)))
        self.cards["cancellation"].set(_pct(report.cancellation_rate))
        self.cards["no_show"].set(_pct(report.no_show_rate))
        pending = self.tr("{n} of {d} booking(s) that were pending", "", report.ever_pending)
        self.cards["confirmation"].set(_pct(report.confirmation_rate), pending.format(
            n=number(report.confirmed_from_pending), d=number(report.ever_pending)))
        lead = report.lead_median_hours
        self.cards["lead"].set("–" if lead is None else
                               self.tr("{n} h").format(n=number(lead, 1)) if lead < 48 else
                               self.tr("{n} days").format(n=number(lead / 24, 1)))
        self.customer_figures.show_report(report)
        for view, build in zip(self.chart_views, charts.BUILDERS):
            old = view.chart()
            view.setChart(build(report))
            if old is not None:
                old.deleteLater()

    def _fill_businesses(self, select: int | None = None) -> None:
        """Read the businesses on the worker and fill the filter's box; the
        business `select` (else the one chosen before) is chosen in it."""
        self.session.pipeline.read(("report-businesses", id(self)), services.list_businesses,
                                   lambda businesses: self._show_businesses(businesses, select),
                                   self._refused, owner=self)

    def _show_businesses(self, businesses, select: int | None = None) -> None:
        current = select if select is not None else self.business_combo.currentData()
        if current is None and self.session.business is not None:
            current = self.session.business.id
        self.business_combo.blockSignals(True)
        self.business_combo.clear()
        self.business_combo.addItem(self.tr("All businesses"), None)
        for business in businesses:
            self.business_combo.addItem(business.name, business.id)
        index = self.business_combo.findData(current)
        self.business_combo.setCurrentIndex(max(0, index))
        self.business_combo.blockSignals(False)

    # -- reacting --------------------------------------------------------
    def _schedule(self, *_):
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def _preset_chosen(self, *_):
        days = self.preset_combo.currentData()
        if days is None:
            return
        today = self.session.today()
        for edit, day in ((self.date_from, today - timedelta(days=days - 1)),
                          (self.date_to, today)):
            edit.blockSignals(True)
            edit.setDate(QDate(day))
            edit.blockSignals(False)
        self._schedule()

    def _dates_edited(self, *_):
        if self.date_to.date() < self.date_from.date():
            sender = self.sender()
            other = self.date_to if sender is self.date_from else self.date_from
            other.blockSignals(True)
            other.setDate(sender.date())
            other.blockSignals(False)
        self.preset_combo.blockSignals(True)
        self.preset_combo.setCurrentIndex(0)
        self.preset_combo.blockSignals(False)
        self._schedule()

    def _on_changed(self, change) -> None:
        self._schedule()  # any business's change may be in the figures shown

    def _on_business_changed(self, business) -> None:
        self._fill_businesses(select=business.id if business is not None else None)
        self._schedule()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
