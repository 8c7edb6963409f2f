"""The window in German: switched from View → Language, the front desk's
words, a refused booking said in German, the calendar's month and week,
and German dates and numbers. (tests/ui/conftest.py puts every test back
in English.)"""
from datetime import date, time

import shiboken6
from PySide6.QtCore import QLocale, Qt

from booking_desktop import services
from booking_desktop.models import Booking
from booking_desktop.ui import formats, i18n
from booking_desktop.ui.app import switch_language
from booking_desktop.ui.views.calendar_view import month_grid

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")


def in_german(qtbot, window, settings):
    """View → Language → Deutsch, wired as ui.app.run_gui wires it: the
    window is shown again in German. Returns the new window."""
    shown, old = [], [window]
    window.language_chosen.connect(
        lambda code: shown.append(switch_language(old.pop(), code, settings)))
    window.language_actions["de"].trigger()
    assert shown and shown[0] is not None
    german = shown[0]
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # closed and deleted
    qtbot.addWidget(german)
    qtbot.waitExposed(german)
    german.activateWindow()
    qtbot.waitUntil(german.isActiveWindow)
    return german


def test_view_language_deutsch_shows_the_front_desk_in_german(qtbot, make_window, settings,
                                                             desk_staff, shop):
    window = make_window(desk_staff, shop)
    today = window.session.today()
    slot = services.slots_between(shop, today)[-1]
    services.create_booking(slot, "Greta Gast", customer_phone="030 1234567")
    assert window.front_desk.walk_in.book_button.text() == "Book  (Enter)"

    german = in_german(qtbot, window, settings)
    del window  # gone: closed and deleted

    assert german.isVisible()
    assert settings.language == "de" and i18n.current_language() == "de"
    assert german.language_actions["de"].isChecked()
    assert [german.rail.item(i).text() for i in range(german.rail.count())] == \
        ["Empfang", "Kalender", "Buchungen"]
    assert [a.text() for a in german.menuBar().actions() if a.isVisible()] == \
        ["&Datei", "&Bearbeiten", "B&uchung", "&Ansicht", "&Hilfe"]
    desk = german.front_desk
    form = desk.walk_in
    assert form.title() == "Buchung vor Ort oder am Telefon (F2)"
    assert form.book_button.text() == "Buchen  (Eingabe)"
    assert form.name.placeholderText() == "Name des Kunden (Pflicht)"
    assert desk.show_cancelled.text() == "Stornierte zeigen"
    headers = [desk.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Uhrzeit", "Plätze", "Kunde", "Telefon", "E-Mail", "Status"]
    assert desk.title.text() == (f"{WEEKDAYS[today.weekday()]}, {today.day}. "
                                 f"{MONTHS[today.month - 1]} {today.year} · heute")
    statuses = [desk.model.item(r, 0).child(c, 5).text() for r in range(desk.model.rowCount())
                for c in range(desk.model.item(r, 0).rowCount())]
    assert statuses == ["Bestätigt"]
    assert german.user_label.text() == "Angemeldet: sam (Mitarbeiter)"
    assert german.today_button.text() == "Heute"
    assert german.search.placeholderText().startswith("Buchung suchen: Name, E-Mail")


def test_a_booking_refused_because_another_desk_filled_the_slot_is_said_in_german(
        qtbot, make_window, settings, desk_staff, shop):
    german = in_german(qtbot, make_window(desk_staff, shop), settings)
    qtbot.keyClick(german, Qt.Key.Key_F2)
    form = german.front_desk.walk_in
    slot_id = form.slot.currentData()
    # Another desk takes both places between the form's offer and Enter.
    services.create_booking(slot_id, "Erste")
    services.create_booking(slot_id, "Zweite")
    before = Booking.select().count()
    qtbot.keyClicks(form.name, "Zu Spaet")
    qtbot.keyClick(form.name, Qt.Key.Key_Return)

    assert Booking.select().count() == before
    said = form.message.label.text()
    assert said.startswith("Dieses Zeitfenster ist voll (2/2). Nächste freie Zeit: "), said
    assert form.message.action.text().startswith("Stattdessen ")
    # The next step, in German too, books the offered slot.
    qtbot.mouseClick(form.message.action, Qt.MouseButton.LeftButton)
    assert Booking.get(Booking.customer_name == "Zu Spaet").time_slot_id != slot_id
    assert german.statusBar().currentMessage().startswith("Gebucht: ")
    assert german.undo_action.text() == "&Rückgängig: Buchung von Zu Spaet"


def test_a_name_left_out_is_said_in_german(qtbot, make_window, settings, desk_staff, shop):
    german = in_german(qtbot, make_window(desk_staff, shop), settings)
    qtbot.keyClick(german, Qt.Key.Key_F2)
    form = german.front_desk.walk_in
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert form.message.label.text() == "Der Name des Kunden fehlt."
    assert form.name.hasFocus()


def test_the_calendar_names_its_month_and_days_in_german(qtbot, make_window, settings,
                                                        desk_owner, shop):
    german = in_german(qtbot, make_window(desk_owner, shop), settings)
    german.show_view(1)
    calendar = german.calendar
    calendar.select_day(date(2026, 12, 1))
    qtbot.waitUntil(lambda: calendar.day_title.text() != "")
    assert calendar.title.text() == "Dezember 2026"
    assert calendar.day_title.text() == "Dienstag, 1. Dezember 2026"
    model = calendar.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == \
        ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
    assert model.load_at(model.index(0, 0)).day == date(2026, 11, 30)  # the Monday before
    assert model.index_of(date(2026, 12, 1)) == model.index(0, 1)
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole).startswith(
        "Dienstag, 1. Dezember 2026")


def test_a_sunday_first_locale_starts_the_calendar_on_sunday(qtbot, make_window, desk_owner,
                                                             shop):
    i18n.install("en", QLocale("en_US"))
    window = make_window(desk_owner, shop)
    window.show_view(1)
    calendar = window.calendar
    calendar.select_day(date(2026, 12, 1))
    model = calendar.model
    qtbot.waitUntil(lambda: model.rowCount() == 6)
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Sun"
    assert model.load_at(model.index(0, 0)).day == date(2026, 11, 29)
    assert month_grid(2026, 12, 6) == (date(2026, 11, 29), date(2027, 1, 9))
    assert month_grid(2026, 12) == (date(2026, 11, 30), date(2027, 1, 10))


def test_german_dates_times_and_numbers(qapp):
    i18n.install("de", QLocale.c())
    assert QLocale().name() == "de_DE"
    day = date(2026, 12, 1)
    assert formats.date_text(day) == "Di., 1. Dez. 2026"
    assert formats.short_date(day) == "Di., 1. Dez."
    assert formats.long_date(day) == "Dienstag, 1. Dezember 2026"
    assert formats.month_title(2026, 12) == "Dezember 2026"
    assert formats.time_text(time(9, 0)) == "09:00"
    assert formats.percent(87) == "87 %"
    assert formats.number(1234) == "1.234" and formats.number(2.5, 1) == "2,5"
    assert formats.first_weekday() == 0
    i18n.install("en", QLocale.c())
    assert formats.date_text(day) == "Tue 1 Dec 2026"
    assert formats.percent(87) == "87%" and formats.number(1234) == "1,234"


def test_the_language_follows_the_system_unless_one_was_chosen():
    german_system = QLocale("de_AT")
    assert i18n.system_language(german_system) == "de"
    assert i18n.system_language(QLocale("fr_FR")) == "en"  # not spoken here: English
    assert i18n.chosen_language("", german_system) == "de"
    assert i18n.chosen_language("en", german_system) == "en"
    assert i18n.locale_for("de", german_system).name() == "de_AT"  # Austria's own formats
    assert i18n.locale_for("en", german_system).name() == "en_AT"  # English, Austrian formats
    assert i18n.locale_for("de", QLocale("en_US")).name() == "de_DE"


def test_exports_from_the_german_window_are_in_german(qtbot, make_window, settings, desk_owner,
                                                      shop, tmp_path):
    """The XLSX's headings, sheets and summary and the PDF's words in German;
    the cells stay data (a real date; the CSV from the command line stays English)."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from booking_desktop.ui.tasks import InlineRunner

    today = date.today()
    slot = services.slots_between(shop, today)[-1]
    services.create_booking(slot, "Greta Gast")
    german = in_german(qtbot, make_window(desk_owner, shop), settings)
    reports = german.reports
    reports.runner = InlineRunner()
    reports.set_range(slot.start.date(), slot.start.date())
    written = {}
    for fmt in ("xlsx", "pdf"):
        dialog = reports.export(fmt)
        qtbot.addWidget(dialog)
        written[fmt] = tmp_path / f"bericht.{fmt}"
        dialog.path_edit.setText(str(written[fmt]))
        with qtbot.waitSignal(reports.message) as signal:
            dialog.start()
        assert signal.args[0].startswith("1 Buchung exportiert nach "), signal.args[0]
    book = load_workbook(written["xlsx"])
    assert book.sheetnames == ["Buchungen", "Übersicht"]
    rows = list(book["Buchungen"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Buchungsnummer", "Betrieb", "Datum", "Beginn")
    assert rows[1][2].date() == slot.start.date() and rows[1][6] == "Greta Gast"
    summary = {r[0]: r[1] for r in book["Übersicht"].iter_rows(values_only=True) if r[0]}
    assert summary["Exportierte Buchungen"] == 1 and summary["Status: Bestätigt"] == 1
    text = " ".join(" ".join(page.extract_text().split()) for page in
                    PdfReader(written["pdf"]).pages)
    assert "Buchungsbericht · Corner Salon · " in text and "Seite 1 von " in text
    assert "Kennzahlen" in text and "Stornoquote" in text and "Bestätigt" in text
