"""Undoable booking actions (Ctrl+Z / Ctrl+Shift+Z).

Each command performs its action once through `perform(stack, command)`,
which pushes it only when the service accepted it. An undo or redo that the
rules no longer allow (the place was taken meanwhile) reports why, changes
nothing, and drops the command from the stack.
"""
import logging
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from .. import services
from ..errors import BookingError
from ..models import ACTIVE_STATUSES
from ..services import desk
from . import status_style as style

log = logging.getLogger(__name__)


class BookingCommand(QUndoCommand):
    """Base: `do()` and `undo_action()` call services; errors go to `report`."""

    def __init__(self, session, report: Callable[[BaseException], None], text: str):
        super().__init__(text)
        self.session = session
        self.report = report
        self._first = True

    # subclasses implement these two
    def do(self) -> None: ...

    def undo_action(self) -> None: ...

    def _attempt(self, action) -> bool:
        try:
            action()
        except BookingError as exc:
            self.setObsolete(True)
            self.report(exc)
            return False
        except Exception as exc:  # logged and shown; the window stays up
            log.exception("undo/redo failed")
            self.setObsolete(True)
            self.report(exc)
            return False
        self.session.notify_changed()
        return True

    def redo(self) -> None:
        if self._first:  # already done by perform()
            self._first = False
            return
        self._attempt(self.do)

    def undo(self) -> None:
        self._attempt(self.undo_action)


class CreateBookingCommand(BookingCommand):
    def __init__(self, session, report, slot_id: int, fields: dict):
        super().__init__(session, report, f"Book {fields.get('customer_name', '')}")
        self.slot_id = slot_id
        self.fields = fields
        self.booking = None

    def do(self) -> None:
        if self.booking is None:
            self.booking = services.create_booking(self.slot_id, by=self.session.user,
                                                   **self.fields)
        else:  # redo after undo: the same booking takes its place again
            self.booking = desk.reinstate_booking(self.booking.id, self.booking.status
                                                  if self.booking.status in ACTIVE_STATUSES
                                                  else "confirmed", by=self.session.user)

    def undo_action(self) -> None:
        services.cancel_booking(self.booking.id, reason="Undone at the desk",
                                by=self.session.user)


class CancelBookingCommand(BookingCommand):
    def __init__(self, session, report, booking_id: int, reason: str, label: str):
        super().__init__(session, report, f"Cancel {label}")
        self.booking_id = booking_id
        self.reason = reason
        self.previous_status = None

    def do(self) -> None:
        before = services.get_booking(self.booking_id)
        # Refused if another desk changes the booking between the read and the
        # cancel: the undo would otherwise restore a status it never had.
        services.cancel_booking(self.booking_id, reason=self.reason, by=self.session.user,
                                expected_status=before.status)
        self.previous_status = before.status

    def undo_action(self) -> None:
        desk.reinstate_booking(self.booking_id, self.previous_status, by=self.session.user)


class SetStatusCommand(BookingCommand):
    def __init__(self, session, report, booking_id: int, status: str, label: str):
        super().__init__(session, report, f"Mark {label} {style.status_label(status).lower()}")
        self.booking_id = booking_id
        self.status = status
        self.previous_status = None

    def do(self) -> None:
        before = services.get_booking(self.booking_id)
        services.set_booking_status(self.booking_id, self.status, by=self.session.user,
                                    expected_status=before.status)
        self.previous_status = before.status

    def undo_action(self) -> None:
        if self.previous_status in ACTIVE_STATUSES and self.status not in ACTIVE_STATUSES:
            desk.reinstate_booking(self.booking_id, self.previous_status, by=self.session.user)
        else:
            services.set_booking_status(self.booking_id, self.previous_status,
                                        by=self.session.user)


def perform(stack: QUndoStack, command: BookingCommand) -> bool:
    """Do the action now; on success push it (without doing it twice) and
    tell every view. Returns whether it was done."""
    try:
        command.do()
    except BookingError as exc:
        command.report(exc)
        return False
    except Exception as exc:
        log.exception("booking action failed")
        command.report(exc)
        return False
    stack.push(command)  # calls redo(), which skips the first time
    command.session.notify_changed()
    return True
