"""How the windows write dates, times and numbers: through the default
QLocale (ui.i18n sets it for the chosen language), never strftime.

The patterns are Qt date-format strings marked for translation, so each
language writes a day its own way with its own names: "Tue 1 Dec 2026" in
English, "Di., 1. Dez. 2026" in German. Times are 24-hour ("09:00") in both;
a language that writes 12-hour times changes its pattern. (Each call names
its literal text: pyside6-lupdate reads the literals.)
"""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTime


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def time_pattern() -> str:
    """"HH:mm": the Qt pattern of a time of day (also for time edits)."""
    return QCoreApplication.translate("formats", "HH:mm", "a time of day: 09:00 (Qt QTime format)")


def date_pattern() -> str:
    """"ddd d MMM yyyy": the Qt pattern of a day with its year (also for date edits)."""
    return QCoreApplication.translate("formats", "ddd d MMM yyyy",
                                      "a day with its year: Tue 1 Dec 2026 (Qt QDate format)")


def time_text(moment: datetime | time) -> str:
    """"09:00"."""
    return QLocale().toString(QTime(moment.hour, moment.minute), time_pattern())


def time_with_seconds(moment: datetime | time) -> str:
    """"09:00:05"."""
    return QLocale().toString(QTime(moment.hour, moment.minute, moment.second),
                              QCoreApplication.translate(
                                  "formats", "HH:mm:ss", "a time with seconds: 09:00:05 (Qt QTime format)"))


def time_range(start: datetime | time, end: datetime | time) -> str:
    """"09:00–09:30"."""
    return f"{time_text(start)}–{time_text(end)}"


def short_date(day: date) -> str:
    """"Tue 1 Dec": how a confirmation or an offer names a day."""
    return QLocale().toString(qdate(day), QCoreApplication.translate(
        "formats", "ddd d MMM", "a day without its year: Tue 1 Dec (Qt QDate format)"))


def recent_date(day: date, today: date) -> str:
    """"3 Nov" in this year, "3 Nov 2025" in another: a customer's last visit."""
    if day.year == today.year:
        pattern = QCoreApplication.translate("formats", "d MMM",
                                             "a day of this year: 3 Nov (Qt QDate format)")
    else:
        pattern = QCoreApplication.translate("formats", "d MMM yyyy",
                                             "a day of another year: 3 Nov 2025 (Qt QDate format)")
    return QLocale().toString(qdate(day), pattern)


def date_text(day: date) -> str:
    """"Tue 1 Dec 2026"."""
    return QLocale().toString(qdate(day), date_pattern())


def table_date(day: date) -> str:
    """"Mon 04 Mar 2030": a day in a table's column (two-digit days line up)."""
    return QLocale().toString(qdate(day), table_date_pattern())


def table_date_pattern() -> str:
    return QCoreApplication.translate("formats", "ddd dd MMM yyyy",
                                      "a day in a table, days in two digits: Mon 04 Mar 2030 "
                                      "(Qt QDate format)")


def long_date(day: date) -> str:
    """"Tuesday 1 December 2026": a day's title."""
    return QLocale().toString(qdate(day), QCoreApplication.translate(
        "formats", "dddd d MMMM yyyy", "a day's title: Tuesday 1 December 2026 (Qt QDate format)"))


def day_and_month(day: date) -> str:
    """"01 Dec": a day on a chart's axis."""
    return QLocale().toString(qdate(day), QCoreApplication.translate(
        "formats", "dd MMM", "a day on a chart's axis: 01 Dec (Qt QDate format)"))


def day_month_year(day: date) -> str:
    """"30 Nov 2026": the end of a chart's period."""
    return QLocale().toString(qdate(day), QCoreApplication.translate(
        "formats", "dd MMM yyyy", "the end of a chart's period: 30 Nov 2026 (Qt QDate format)"))


def month_title(year: int, month: int) -> str:
    """"December 2026"."""
    return QLocale().toString(QDate(year, month, 1), QCoreApplication.translate(
        "formats", "MMMM yyyy", "a month's title: December 2026 (Qt QDate format)"))


def when_text(start: datetime, tz: ZoneInfo, with_date: bool = True) -> str:
    """"Tue 1 Dec 16:30" (or "16:30") in the business's local time."""
    local = start.astimezone(tz)
    if not with_date:
        return time_text(local)
    return QCoreApplication.translate("formats", "{day} {time}", "a day and a time: Tue 1 Dec 16:30").format(
        day=short_date(local.date()), time=time_text(local))


def slot_when(start: datetime, end: datetime, tz: ZoneInfo, year: bool = False) -> str:
    """"Tue 1 Dec 10:00–10:30" (with `year`, "Tue 1 Dec 2026 10:00–10:30")
    in the business's local time."""
    start, end = start.astimezone(tz), end.astimezone(tz)
    return QCoreApplication.translate("formats", "{day} {start}–{end}",
                                      "a slot: Tue 1 Dec 10:00–10:30").format(
        day=date_text(start.date()) if year else short_date(start.date()),
        start=time_text(start), end=time_text(end))


def weekday_name(weekday: int, short: bool = True) -> str:
    """Monday is 0 (Python's numbering): "Mon" / "Mo."; "Monday" / "Montag"."""
    kind = QLocale.FormatType.ShortFormat if short else QLocale.FormatType.LongFormat
    return QLocale().standaloneDayName(weekday + 1, kind)


def first_weekday() -> int:
    """The locale's first day of the week, Monday being 0."""
    return QLocale().firstDayOfWeek().value - 1


def number(value: int | float, decimals: int = 0) -> str:
    """"1,234" / "1.234"; with decimals "2.5" / "2,5". Digits are grouped
    under the C locale too (which leaves grouping out by default)."""
    locale = QLocale()
    locale.setNumberOptions(QLocale.NumberOption.DefaultNumberOptions)
    if isinstance(value, int) and not decimals:
        return locale.toString(value)
    return locale.toString(float(value), "f", decimals)


def percent(value: float, decimals: int = 0) -> str:
    """"87%" / "87 %": `value` is a percentage (87, not 0.87)."""
    return QCoreApplication.translate("formats", "{n}%", "a percentage: 87%").format(
        n=number(value, decimals))
