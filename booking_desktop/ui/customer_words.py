"""How the windows say a customer: the walk-in form's history line ("12
visits · 2 no-shows · last 3 Nov"), a typeahead suggestion ("Roberta
Regular (030 999 · last 3 Nov)"), the card's figures. Takes a typeahead
`desk.Customer` or a `CustomerRow` (both have name, email, phone, visits,
no_shows, last_visit)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject

from .formats import recent_date


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


class CustomerWords(QObject):
    """Plurals live in a class (lupdate reads `self.tr(text, "", n)`)."""

    def visits(self, n: int) -> str:
        return self.tr("%n visit(s)", "", n)

    def no_shows(self, n: int) -> str:
        return self.tr("%n no-show(s)", "", n)

    def cancellations(self, n: int) -> str:
        return self.tr("%n cancellation(s)", "", n)

    def bookings(self, n: int) -> str:
        return self.tr("%n booking(s)", "", n)

    def last_visit(self, customer, tz: ZoneInfo, today: date) -> str:
        """"last 3 Nov", or "" before a first visit."""
        if customer.last_visit is None:
            return ""
        return self.tr("last {day}").format(day=recent_date(local_day(customer.last_visit, tz),
                                                            today))

    def history_line(self, customer, tz: ZoneInfo, today: date) -> str:
        """"12 visits · 2 no-shows · last 3 Nov"; "No visits yet"."""
        if not customer.visits and not customer.no_shows:
            return self.tr("No visits yet")
        parts = [self.visits(customer.visits)]
        if customer.no_shows:
            parts.append(self.no_shows(customer.no_shows))
        parts.append(self.last_visit(customer, tz, today))
        return " · ".join(part for part in parts if part)

    def suggestion(self, customer, tz: ZoneInfo, today: date) -> str:
        """"Roberta Regular (030 999 · last 3 Nov)": the phone (else the
        email) and the last visit, what tells two people of one name apart."""
        extra = [customer.phone or customer.email or "", self.last_visit(customer, tz, today)]
        extra = [part for part in extra if part]
        return f"{customer.name} ({' · '.join(extra)})" if extra else customer.name


WORDS = CustomerWords()
