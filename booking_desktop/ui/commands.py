"""The window's undo stack (Ctrl+Z / Ctrl+Shift+Z) over services.undo.

Every booking or slot action goes through `perform`: the service does it and
returns an outcome with its description and the action that reverses it;
the outcome is pushed as one `OutcomeCommand`. Undo performs the reversal,
redo the reversal's reversal; the services decide whether that is still
allowed. A refused undo or redo changes nothing and leaves the step where it
was (the Edit menu still names it): `undo` / `redo` raise the refusal for
the window to show.
"""
import logging
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from ..errors import DatabaseUnavailable
from ..services import undo as reversible
from ..services.undo import Outcome

log = logging.getLogger(__name__)



class Offline(DatabaseUnavailable):
    """Refused before anything was tried: the desk knows the database is out of reach."""
    default_message = ("The database is out of reach, so nothing was saved. The desk "
                       "reconnects by itself: try again when the banner at the top has gone.")


class OutcomeCommand(QUndoCommand):
    """One step: holds the latest outcome; undo and redo each perform its
    reversal (so each holds the next outcome)."""

    def __init__(self, session, outcome: Outcome):
        super().__init__(outcome.description)
        self.session = session
        self.outcome = outcome
        self.refusal: BaseException | None = None
        self._move_only = True  # the first redo is push(): already done

    def redo(self) -> None:
        self._step(redo=True)

    def undo(self) -> None:
        self._step(redo=False)

    def _step(self, redo: bool) -> None:
        if self._move_only:  # the stack only moves its index: nothing to do
            self._move_only = False
            return
        if not self.session.online:
            self.refusal = Offline()
            return
        try:
            self.outcome = reversible.reverse(self.outcome, redo=redo, by=self.session.user)
        except DatabaseUnavailable as exc:
            self.session.connection_lost()
            self.refusal = exc
            return
        except Exception as exc:  # refusals and bugs alike: raised by undo()/redo() below
            if not isinstance(exc, reversible.Refused):
                log.warning("undo/redo failed", exc_info=True)
            self.refusal = exc
            return
        self.session.notify_changed()

    def take_back_refused(self, stack: QUndoStack, redo: bool) -> None:
        """After a refused undo (redo) the stack has moved past this step:
        move it back without doing anything, then raise the refusal."""
        if self.refusal is None:
            return
        refusal, self.refusal = self.refusal, None
        self._move_only = True
        stack.undo() if redo else stack.redo()
        raise refusal


def perform(stack: QUndoStack, session, operation: Callable[..., Outcome], *args,
            **kwargs) -> Outcome:
    """Do `operation` (one of services.undo's) as the signed-in user, push it
    as an undo step and tell every view. Raises what the service raises;
    then nothing is pushed. While the database is out of reach nothing is
    tried: the refusal comes at once and what was typed stays."""
    if not session.online:
        raise Offline()
    try:
        outcome = operation(*args, by=session.user, **kwargs)
    except DatabaseUnavailable:
        session.connection_lost()
        raise
    stack.push(OutcomeCommand(session, outcome))
    session.notify_changed()
    return outcome


def undo(stack: QUndoStack) -> str | None:
    """Undo the last step: its description, or None when there is none.
    Raises the refusal; then nothing changed and the step stays to undo."""
    if not stack.canUndo():
        return None
    command = stack.command(stack.index() - 1)
    stack.undo()
    command.take_back_refused(stack, redo=False)
    return command.text()


def redo(stack: QUndoStack) -> str | None:
    """Redo the step undone last; as `undo`."""
    if not stack.canRedo():
        return None
    command = stack.command(stack.index())
    stack.redo()
    command.take_back_refused(stack, redo=True)
    return command.text()
