"""Errors the services raise. Each message is written for the person at the desk.

The GUI maps every `BookingError` to a dialog or inline message and the command
line to one line on stderr; anything else is a bug and is logged.
"""


class BookingError(Exception):
    """Base of every refusal the services give. `str(exc)` is user-facing."""

    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, **details):
        super().__init__(message or self.default_message)
        self.details = details

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(BookingError):
    default_message = "Some of the details entered are not valid."

    def __init__(self, message: str | None = None, field: str | None = None, **details):
        super().__init__(message, **details)
        self.field = field


class SlotFull(BookingError):
    default_message = "This time slot is already full."


class SlotInPast(BookingError):
    default_message = "This time slot has already started; it can no longer be booked."


class SlotBlocked(BookingError):
    default_message = "This time slot is blocked and cannot be booked."


class SlotClosed(SlotBlocked):
    """The slot lies outside the business's opening hours (a holiday, a
    special day, hours that changed); its message starts with the reason."""
    default_message = "This time is outside the opening hours and can no longer be booked."


class DuplicateBooking(BookingError):
    default_message = "This customer already has a booking in this time slot."


class ReferenceInUse(BookingError):
    default_message = "That booking reference belongs to another booking."


class InvalidTransition(BookingError):
    default_message = "The booking cannot be changed that way."


class PermissionDenied(BookingError):
    default_message = "Only an owner can do this."


class NotFound(BookingError):
    default_message = "That record no longer exists."


class DatabaseUnavailable(BookingError):
    default_message = (
        "The connection to the database was lost. Nothing from this step was saved; "
        "please try again."
    )


class AnswerLost(DatabaseUnavailable):
    """The connection was lost during COMMIT: the work had all been done, and
    the server may or may not have saved it before the connection went."""
    default_message = (
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
    default_message = "This is not a Booking Desktop database, or it is damaged."


class DiskFull(BookingError):
    default_message = "The disk is full: nothing was saved. Free some space and try again."
