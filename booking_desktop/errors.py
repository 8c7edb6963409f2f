"""Errors the services raise. Each message is written for the person at the desk.

The GUI maps every `BookingError` to a dialog or inline message and the command
line to one line on stderr; anything else is a bug and is logged.

Translation without Qt: a message the window shows in the person's language
is raised as a `template` with `params` ("This time slot is full
({booked}/{places}).", booked=2, places=2). `str(exc)` is that template
filled in, in English, for the command line and the log; the window
translates the template (`ui.errors.describe`) and fills it in itself. The
templates are marked with `QT_TRANSLATE_NOOP("errors", ...)`, which
pyside6-lupdate finds in the Python source (it reads the name, not the
import) and puts in the catalogues. A param that is itself one of those
marked texts (a field's name) is translated too; other params (names,
numbers, references) are filled in as they are.
"""

from datetime import date, datetime, time

ERRORS = "errors"  # the translation context of every marked text here and in services/


class Text(str):
    """A text marked for translation (what QT_TRANSLATE_NOOP returns): the
    same string, that the window knows to translate when it is a param."""
    __slots__ = ()


class ClosedReason(str):
    """A slot's stored closing reason (services.hours.closed_reason writes it
    in English: "Closed: Public holiday", "Outside opening hours") as a
    param: the window says it in its language."""
    __slots__ = ()


class Moment(str):
    """A moment in a business's local time as a param: the str is its English
    words ("Wed 2 Dec 10:00"), `local` the naive local datetime the window
    writes its own way (`with_time` False: the day alone)."""

    def __new__(cls, words: str, local, with_time: bool = True):
        moment = super().__new__(cls, words)
        moment.local, moment.with_time = local, with_time
        return moment


class Phrase(str):
    """Words the services compose for the desk ("check-in of Maria Lopez",
    the Edit menu's "Undo …"): the str is the English, `template` (marked
    with QT_TRANSLATE_NOOP) and `params` let the window say it in its
    language."""

    def __new__(cls, template: str, **params):
        phrase = super().__new__(cls, template.format(
            **{key: _in_english(value) for key, value in params.items()}))
        phrase.template, phrase.params = template, params
        return phrase


def QT_TRANSLATE_NOOP(context: str, text: str) -> Text:  # noqa: N802 (the name lupdate knows)
    """Marks `text` for the translation catalogues, in `context` (always
    "errors" here: the window translates in that one); returns it as is."""
    return Text(text)


def _in_english(value):
    """A param as the English message writes it: a time "09:00", a day
    "2026-12-01"; anything else as it is."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


class BookingError(Exception):
    """Base of every refusal the services give. `str(exc)` is user-facing.

    `BookingError("Full.")` says a fixed English text;
    `BookingError(QT_TRANSLATE_NOOP("errors", "Full ({n})."), params={"n": 2})`
    (or `template=`) says one the window translates; with neither, the
    class's `default_message` (marked, so translated too)."""

    default_message = QT_TRANSLATE_NOOP("errors", "The request could not be completed.")

    def __init__(self, message: str | None = None, *, template: str | None = None,
                 params: dict | None = None, **details):
        self.params = dict(params or {})
        if isinstance(message, Text):  # BookingError(QT_TRANSLATE_NOOP("errors", "…"), params=…)
            message, template = None, message
        if message is None and template is None:
            template = self.default_message
        self.template = template if message is None else None
        super().__init__(message if message is not None else template.format(
            **{key: _in_english(value) for key, value in self.params.items()}))
        self.details = details

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "Some of the details entered are not valid.")

    def __init__(self, message: str | None = None, field: str | None = None, **details):
        super().__init__(message, **details)
        self.field = field


class SlotFull(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "This time slot is already full.")


class SlotInPast(BookingError):
    default_message = QT_TRANSLATE_NOOP(
        "errors", "This time slot has already started; it can no longer be booked.")


class SlotBlocked(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "This time slot is blocked and cannot be booked.")


class SlotClosed(SlotBlocked):
    """The slot lies outside the business's opening hours (a holiday, a
    special day, hours that changed); its message starts with the reason."""
    default_message = QT_TRANSLATE_NOOP(
        "errors", "This time is outside the opening hours and can no longer be booked.")


class DuplicateBooking(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "This customer already has a booking in this time slot.")


class ReferenceInUse(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "That booking reference belongs to another booking.")


class InvalidTransition(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "The booking cannot be changed that way.")


class PermissionDenied(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "Only an owner can do this.")


class NotFound(BookingError):
    default_message = QT_TRANSLATE_NOOP("errors", "That record no longer exists.")


class DatabaseUnavailable(BookingError):
    default_message = QT_TRANSLATE_NOOP(
        "errors",
        "The connection to the database was lost. Nothing from this step was saved; "
        "please try again."
    )


class AnswerLost(DatabaseUnavailable):
    """The connection was lost during COMMIT: the work had all been done, and
    the server may or may not have saved it before the connection went."""
    default_message = QT_TRANSLATE_NOOP(
        "errors",
        "The connection to the database was lost just as this was being saved, so it is not "
        "known whether it was saved. Look at it again once the database answers."
    )

    def __init__(self, message: str | None = None, written: tuple = (), result=None,
                 **details):
        super().__init__(message, **details)
        # What the transaction did before its COMMIT, as the services knew it
        # (services.undo.find_lost_answer asks the database about it): the
        # audit events it wrote, as (id, hash), and (services.undo's
        # operations) the Outcome it would have answered.
        self.written = tuple(written)
        self.result = result


class DatabaseNotUsable(BookingError):
    """The file or server given as the database is not one this app can open:
    not a database, damaged, another program's, or made by a newer version."""
    default_message = QT_TRANSLATE_NOOP("errors", "This is not a Booking Desktop database, or it is damaged.")


class DiskFull(BookingError):
    default_message = QT_TRANSLATE_NOOP(
        "errors", "The disk is full: nothing was saved. Free some space and try again.")
