"""Exports in the window's language: the CSV and XLSX headings, sheet names
and summary labels come from the `words` the caller passes (the window, from
its catalogue); the data stays machine-readable (ISO dates, status keys,
real date cells), and without words (the command line) nothing changes.
Both backends."""
import csv
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from booking_desktop import services
from booking_desktop.services import exports
from booking_desktop.services.desk import BookingFilter
from booking_desktop.services.exports import HEADERS, WORDS

MON = date(2030, 3, 4)
EARLY = datetime(2030, 1, 1, tzinfo=timezone.utc)
# What a window in German passes (a few of them; the rest stay English).
GERMAN = {"Reference": "Buchungsnummer", "Date": "Datum", "Start": "Beginn", "Status": "Status",
          "Customer": "Kunde", "Bookings": "Buchungen", "Summary": "Übersicht",
          "Filter": "Filter", "Value": "Wert", "Status: {status}": "Status: {status}",
          "confirmed": "Bestätigt", "Bookings exported": "Exportierte Buchungen"}


@pytest.fixture
def booked(database, business):
    services.generate_time_slots(business, MON, MON, slot_duration_minutes=60, now=EARLY)
    slot = services.slots_between(business, MON)[0]
    services.create_booking(slot, "Greta Gast", status="confirmed", now=EARLY)
    return BookingFilter(business_id=business.id, date_from=MON, date_to=MON)


def test_every_heading_has_a_word_to_translate():
    assert set(HEADERS) <= set(WORDS)


def test_csv_headings_in_the_callers_language_and_the_data_unchanged(booked, tmp_path):
    english, german = tmp_path / "en.csv", tmp_path / "de.csv"
    exports.export_csv(english, booked)
    exports.export_csv(german, booked, words=GERMAN)
    en_rows = list(csv.reader(english.open(encoding="utf-8")))
    de_rows = list(csv.reader(german.open(encoding="utf-8")))
    assert en_rows[0] == list(HEADERS)
    assert de_rows[0][:7] == ["Buchungsnummer", "Business", "Datum", "Beginn", "End",
                              "Time zone", "Kunde"]
    assert de_rows[1:] == en_rows[1:]  # the values, ISO dates and status keys, as in English
    assert de_rows[1][2] == "2030-03-04" and de_rows[1][9] == "confirmed"


def test_xlsx_headings_sheets_and_summary_in_the_callers_language(booked, tmp_path):
    path = tmp_path / "de.xlsx"
    assert exports.export_xlsx(path, booked, words=GERMAN) == 1
    book = load_workbook(path)
    assert book.sheetnames == ["Buchungen", "Übersicht"]
    rows = list(book["Buchungen"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Buchungsnummer", "Business", "Datum", "Beginn")
    assert rows[1][2].date() == MON  # a real date cell, whatever the language
    summary = [tuple(r[:2]) for r in book["Übersicht"].iter_rows(values_only=True)]
    assert ("Filter", "Wert") in summary
    assert ("Exportierte Buchungen", 1) in summary
    assert any(label == "Status: Bestätigt" for label, _ in summary)
    english = tmp_path / "en.xlsx"
    exports.export_xlsx(english, booked)
    assert load_workbook(english).sheetnames == ["Bookings", "Summary"]
